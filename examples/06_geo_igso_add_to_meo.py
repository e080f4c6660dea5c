"""06 — What BeiDou's GEO and IGSO satellites add to the MEO constellation.

The idea
--------
GPS, Galileo and GLONASS use only medium Earth orbits (MEO, ~21,500 km up, ~13 h period):
spread evenly, they cover the whole world about equally. BeiDou-3 adds two kinds of
satellites that the others do not have:

* geostationary (GEO) satellites, fixed over the equator at 80-160°E (four in the
  catalogue's 2026 list), and
* 3 inclined geosynchronous (IGSO) satellites, which also take one sidereal day per orbit
  but are tilted 55°: seen from the ground they trace a figure-8 between 55°N and 55°S,
  centred near 118°E.

All seven stay over the same part of the world — Asia and the western Pacific — so they add
satellites *there* and nowhere else. That was BeiDou's design: a regional service first
(BeiDou-2), and still extra accuracy and messaging over China today.

The script computes coverage twice over one day — MEO only, then all 35 satellites — and
maps the difference.

What to look at
---------------
* Left and middle: mean PDOP (example 07) with MEO only and with everything. Right: how
  many more satellites are in view, on average, with GEO and IGSO added, and by how much
  PDOP improves (contours, %).
* The improvement is an island centred near 120°E that reaches from Africa to the
  mid-Pacific: up to 7 more satellites and a third lower PDOP near the centre. Over the
  Americas nothing changes at all — those satellites never rise there.

Try next
--------
Where on Earth are all seven GEO and IGSO satellites above 10° all day? Find it with the
right map, then check it with ``orbitkit coverage beidou-3 --site LAT,LON --out site.png``.

Run: ``python 06_geo_igso_add_to_meo.py [ELEMENT_FILE]`` (offline; without a file it uses
the catalogue's nominal design orbits; writes 06_geo_igso_add_to_meo.png).
"""

from __future__ import annotations

import sys
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from orbitkit import compute_coverage, load_element_sets_at_epoch, make_grid, propagate  # noqa: E402
from orbitkit.plots.basemap import world_axes  # noqa: E402

TARGET = "beidou-3"
NOMINAL_AT = "2026-03-01T00:00:00Z"  # a fixed time, so the lesson gives the same figure
HOURS, STEP_MIN = 24, 10
MASK_DEG = 10.0
RESOLUTION_DEG = 2.0

# Real element sets when there are any (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), studied at their own epoch; else the catalogue's nominal design orbits
# at a fixed time.
res, start = load_element_sets_at_epoch(TARGET, files=sys.argv[1:2], fallback_at=NOMINAL_AT,
                                        pick="latest")
print(res.source_note())
for warning in res.warnings:
    print("  warning:", warning[:160])

classes = np.array([m.orbit_class for m in res.members])
meo = classes == "MEO"
print(f"{meo.sum()} MEO, {(classes == 'IGSO').sum()} IGSO, {(classes == 'GEO').sum()} GEO")

times = [start + timedelta(minutes=STEP_MIN * k) for k in range(HOURS * 60 // STEP_MIN)]
eph = propagate(res.sets, times)
grid = make_grid("global", RESOLUTION_DEG)
r, ok = eph.r_itrs_km, eph.ok
only_meo = compute_coverage(r[meo], times, grid, mask_deg=MASK_DEG, ok=ok[meo],
                            point_quantiles=False)
everything = compute_coverage(r, times, grid, mask_deg=MASK_DEG, ok=ok, point_quantiles=False)

for name, cov in (("MEO only", only_meo), ("MEO + IGSO + GEO", everything)):
    s = cov.summary
    print(f"{name:17s} worldwide: {s['mean_visible']:5.1f} satellites in view, "
          f"mean PDOP {s['mean_pdop']:.2f}")
added = everything.maps["mean_visible"] - only_meo.maps["mean_visible"]
gain = 100 * (1 - everything.maps["mean_pdop"] / only_meo.maps["mean_pdop"])
k = np.unravel_index(np.nanargmax(added), added.shape)
print(f"most added: +{added[k]:.1f} satellites at {grid.lat_deg[k[0]]:.0f}°, "
      f"{grid.lon_deg[k[1]]:.0f}° (PDOP {gain[k]:.0f} % better)")

lon, lat = grid.lon_deg, grid.lat_deg
half = RESOLUTION_DEG / 2
lon_e = np.concatenate([lon - half, [lon[-1] + half]])
lat_e = np.clip(np.concatenate([lat - half, [lat[-1] + half]]), -90, 90)
fig, axes = plt.subplots(1, 3, figsize=(16, 3.8), layout="constrained")
pdop_max = float(np.nanpercentile(only_meo.maps["mean_pdop"], 99))
panels = [
    (axes[0], only_meo.maps["mean_pdop"], "viridis_r", (1.2, pdop_max), "mean PDOP",
     f"MEO only ({meo.sum()} satellites)"),
    (axes[1], everything.maps["mean_pdop"], "viridis_r", (1.2, pdop_max), "mean PDOP",
     f"MEO + IGSO + GEO ({len(res.sets)} satellites)"),
    (axes[2], added, "magma_r", (0, max(1.0, float(np.nanmax(added)))),
     "satellites added to the mean in view", "what IGSO + GEO add (contours: PDOP better, %)"),
]
for ax, values, cmap, (lo, hi), bar_label, title in panels:
    world_axes("platecarree", ax=ax, land_color="none")
    mesh = ax.pcolormesh(lon_e, lat_e, values, cmap=cmap, vmin=lo, vmax=hi, zorder=0.4)
    fig.colorbar(mesh, ax=ax, orientation="horizontal", fraction=0.06, pad=0.02,
                 label=bar_label)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("")
    ax.set_ylabel("")
# A 5 x 5 running mean keeps the contours from tracing single noisy grid cells.
kernel = np.ones(5) / 5
smooth = np.nan_to_num(gain)
smooth = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), 0, smooth)
smooth = np.apply_along_axis(lambda v: np.convolve(v, kernel, mode="same"), 1, smooth)
lines = axes[2].contour(lon, lat, smooth, levels=[10, 20, 30], colors="k", linewidths=0.8)
axes[2].clabel(lines, fmt="%d %%", fontsize=7)
source = "nominal design orbits" if res.any_nominal else "tracked elements"
fig.suptitle(f"BeiDou-3 over one day from {times[0]:%Y-%m-%d %H:%M} UTC, every {STEP_MIN} min, "
             f"mask {MASK_DEG:g}° ({source})", fontsize=11)
fig.savefig("06_geo_igso_add_to_meo.png", dpi=100)
print("wrote 06_geo_igso_add_to_meo.png")
