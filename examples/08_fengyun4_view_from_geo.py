"""08 — Fengyun-4's view of the Earth: what a geostationary satellite can and cannot see.

The idea
--------
A geostationary (GEO) satellite sits 35,786 km above the equator and turns with the Earth,
so it hangs over one longitude and looks at the same disc of the Earth all the time. That
is why weather satellites such as China's Fengyun-4 live there: a new picture of the whole
disc every 15 minutes, and of China every few minutes.

How much of the Earth is that disc? A satellite at height h sees the ground up to an
Earth-central angle λ from the point below it, where cos(λ + ε) = R cos ε / (R + h) for a
minimum elevation ε (SMAD §5.2). At ε = 0° (the satellite on the horizon) λ = 81°: 42 % of
the Earth's surface. But a camera looking that obliquely sees little, and radio links need
the satellite well above the horizon: at ε = 10° the disc shrinks to λ = 71°, 34 % of the
surface.

What to look at
---------------
* Left: the half of the globe centred on Fengyun-4B's sub-satellite point over the equator
  at ~105°E (an orthographic map shows exactly one hemisphere). Even on the horizon (the
  dashed 0° circle) the satellite sees a little less than this hemisphere — it is not
  infinitely far away — and the 10° circle takes another 10° off all round. Nairobi is
  near the edge of the view; Buenos Aires, on the far side, never sees it.
* Right: the 10° circles of China's GEO weather satellites (FY-2G/2H and FY-4A/4B/4C):
  together they watch from Africa to the mid-Pacific — but no GEO satellite ever sees the
  poles. That is the job of the polar orbiters of example 09.
* The printed table: each city's elevation angle to each satellite (negative: below the
  horizon).

Try next
--------
At what latitude does a GEO satellite sink below 10° even when it is due south of you?
(Look at the right panel, or solve λ = 71.4° for a station on the satellite's meridian.)
Would Fengyun-4B still serve Harbin well if it moved to 79°E?

Run: ``python 08_fengyun4_view_from_geo.py [ELEMENT_FILE]`` (offline; without a file it uses
the catalogue's nominal GEO longitudes; writes 08_fengyun4_view_from_geo.png).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import numpy as np  # noqa: E402

from orbitkit import (  # noqa: E402
    footprint,
    geodetic_to_itrs,
    load_element_sets,
    parse_site,
    propagate,
)
from orbitkit.groundtrack import footprint_half_angle_deg  # noqa: E402
from orbitkit.plots.basemap import (  # noqa: E402
    draw_stations,
    lonlat_kwargs,
    plot_lonlat,
    world_axes,
)

TARGET = "Fengyun-4B,Fengyun-4A,Fengyun-4C,Fengyun-2H,Fengyun-2G"
MAIN = "Fengyun-4B"
NOMINAL_AT = "2026-03-01T00:00:00Z"  # a fixed time, so the lesson gives the same figure
CITIES = ("beijing", "harbin", "kashgar-city", "nairobi", "buenos-aires")

# Real element sets when there are any (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), else the catalogue's nominal design orbits at a fixed time.
files = sys.argv[1:2]
res = load_element_sets(TARGET, files=files, offline=True, at=NOMINAL_AT)
real = [es.epoch for es in res.sets if not es.is_nominal]
if real:
    when = max(real)
    # Choose the sets (and judge their age) for the time the lesson uses, not for today.
    res = load_element_sets(TARGET, files=files, offline=True, at=when)
    print(f"real element sets ({', '.join(sorted({es.source for es in res.sets}))}), "
          f"epochs up to {max(real):%Y-%m-%d %H:%M} UTC")
else:
    print("note: no element file given and none in orbitkit's cache, so the catalogue's "
          "nominal GEO longitudes are used (give a TLE file, e.g. a CelesTrak snapshot, for "
          "the real positions)")
    when = res.at
for warning in res.warnings:
    print("  warning:", warning[:160])

eph = propagate(res.sets, [when.astimezone(UTC) if isinstance(when, datetime) else when])
lat, lon, alt = (x[:, 0] for x in eph.geodetic())
r_sat = eph.r_itrs_km[:, 0]
names = [m.name for m in res.members]

h_main = float(alt[names.index(MAIN)])
for mask in (0.0, 10.0):
    lam = float(footprint_half_angle_deg(h_main, mask))
    share = (1 - np.cos(np.radians(lam))) / 2
    print(f"{MAIN} at {h_main:,.0f} km: ground within {lam:.1f}° of the sub-satellite point "
          f"sees it above {mask:g}° — {100 * share:.0f} % of the Earth's surface")

# Elevation of each satellite from each city: the angle between the line of sight and the
# local horizontal plane.
cities = [parse_site(key) for key in CITIES]
print("\nelevation (deg) " + "".join(f"{n.replace('Fengyun-', 'FY-'):>9s}" for n in names))
for site in cities:
    la, lo = np.radians(site.lat_deg), np.radians(site.lon_deg)
    pos = geodetic_to_itrs(la, lo, site.alt_km)
    up = np.array([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    los = r_sat - pos
    el = np.degrees(np.arcsin(los @ up / np.linalg.norm(los, axis=1)))
    print(f"{site.name:16s}" + "".join(f"{e:9.1f}" for e in el))

k = names.index(MAIN)
fig, ax = world_axes("orthographic", center=(0.0, float(lon[k])), figsize=(15, 6))
ax.set_position([0.01, 0.04, 0.36, 0.86])
for mask, style in ((0.0, "--"), (10.0, "-")):
    fp_lat, fp_lon = footprint(float(lat[k]), float(lon[k]), float(alt[k]), mask, n=361)
    plot_lonlat(ax, fp_lon, fp_lat, color="tab:red", lw=2, ls=style,
                label=f"{MAIN} above {mask:g}°")
ax.scatter([lon[k]], [lat[k]], marker="*", s=200, color="gold", edgecolors="k", zorder=6,
           **lonlat_kwargs(ax))
draw_stations(ax, cities)
ax.legend(loc="lower left", fontsize=8)
ax.set_title(f"{MAIN} over {lon[k]:.1f}°E: the disc it sees\n(★ sub-satellite point)",
             fontsize=10)

ax2 = fig.add_axes([0.42, 0.08, 0.56, 0.82])
world_axes("platecarree", ax=ax2)
colours = ["tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange"]
for i, name in enumerate(names):
    fp_lat, fp_lon = footprint(float(lat[i]), float(lon[i]), float(alt[i]), 10.0, n=361)
    plot_lonlat(ax2, fp_lon, fp_lat, color=colours[i % 5], lw=1.6,
                label=f"{name} ({lon[i]:.1f}°E)")
    ax2.scatter([lon[i]], [lat[i]], marker="*", s=90, color=colours[i % 5], edgecolors="k",
                zorder=6, **lonlat_kwargs(ax2))
draw_stations(ax2, cities)
ax2.legend(loc="lower left", fontsize=8, title="10° circles", title_fontsize=8)
source = "nominal GEO longitudes" if all(es.is_nominal for es in res.sets) else (
    "tracked elements")
ax2.set_title(f"China's GEO weather satellites: where each is more than 10° up ({source})",
              fontsize=10)
fig.savefig("08_fengyun4_view_from_geo.png", dpi=100)
print("wrote 08_fengyun4_view_from_geo.png")
