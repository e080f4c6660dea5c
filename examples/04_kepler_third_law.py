"""04 — Kepler's third law, measured on China's satellites from 390 km to 36,000 km.

The idea
--------
Kepler found in 1619 that for the planets the square of the period grows as the cube of the
orbit's size: T² ∝ a³. Newton explained why: T = 2π √(a³ / GM), with GM the Earth's
gravitational parameter. So every satellite, from the space station skimming the
atmosphere to a geostationary weather satellite, lies on one straight line of slope 3/2
on a log-log plot of period against semi-major axis — and the line's height gives GM.

Here we *measure* both quantities from the satellites' computed motion, instead of reading
them off the element set (which would only repeat the law the elements were built with):

* the size a: the mean distance from the Earth's centre over two days;
* the period T: the time the satellite takes to sweep 360° around the Earth, from the
  rate at which the angle of its position vector turns in its orbital plane.

The satellites: the Tiangong station's core module Tianhe, the X-ray telescope Huiyan,
the ocean satellites CFOSAT and Haiyang-2B, the Earth observer CBERS-4A, the weather
satellite Fengyun-3D, BeiDou-3's three orbit types (MEO, IGSO, GEO) and Fengyun-4A.

What to look at
---------------
* Left: all the points lie on the dashed line of slope 3/2; the Moon (a = 384,400 km,
  27.3 days, textbook values) continues the same line far beyond GEO.
* Notice the bunch near the bottom: low orbits (a ≈ 6,800-7,400 km) all take 90-105
  minutes. BeiDou MEO (a ≈ 27,900 km) takes ~12 h 53 min — 13 orbits in 7 sidereal days.
  IGSO and GEO share one point: same size, same period (one sidereal day), different tilt.
* Right: 4π² a³ / T² for every satellite: the same number, the Earth's GM
  (398,600 km³/s²), to about a part in a thousand (the Earth's flattening J2 nudges low
  orbits most).

Try next
--------
Where would a satellite with a period of exactly 24 h (solar, not sidereal) sit? Compute a
from T with the fitted GM. Then run the script with a real element file
(``python 04_kepler_third_law.py celestrak-active-2026-02-24.tle``): do the measured points
move, and does GM change?

Run: ``python 04_kepler_third_law.py [ELEMENT_FILE]`` (offline; without a file it uses the
catalogue's nominal design orbits; writes 04_kepler_third_law.png and .csv).
"""

from __future__ import annotations

import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from orbitkit import load_element_sets_at_epoch, propagate, time_grid  # noqa: E402

TARGET = ("Tianhe,Huiyan (HXMT),CFOSAT,CBERS-4A,Fengyun-3D,Haiyang-2B,"
          "BeiDou-3 M1,BeiDou-3 IGSO-1,BeiDou-3 G1,Fengyun-4A")
NOMINAL_AT = "2026-03-01T00:00:00Z"  # a fixed time, so the lesson gives the same figure
SPAN_DAYS = 2.0
STEP_S = 60.0

# Real element sets when there are any (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), studied at their own epoch; else the catalogue's nominal design orbits
# at a fixed time.
res, start = load_element_sets_at_epoch(TARGET, files=sys.argv[1:2], fallback_at=NOMINAL_AT,
                                        pick="earliest")
print(res.source_note())
for warning in res.warnings:
    print("  warning:", warning[:160])

times = time_grid(start, start + np.timedelta64(int(SPAN_DAYS * 86400), "s"), STEP_S)
eph = propagate(res.sets, times)
r = eph.r_teme_km  # (satellites, times, 3), an Earth-centred inertial frame
v = eph.v_teme_km_s
t_s = (times - times[0]) / np.timedelta64(1, "s")

rows = []
for i, es in enumerate(res.sets):
    ri, vi = r[i], v[i]
    a_km = float(np.mean(np.linalg.norm(ri, axis=1)))
    # Orbital plane from the mean angular momentum; angle of r inside that plane.
    h = np.cross(ri, vi).mean(axis=0)
    h /= np.linalg.norm(h)
    e1 = ri[0] - np.dot(ri[0], h) * h
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(h, e1)
    angle = np.unwrap(np.arctan2(ri @ e2, ri @ e1))
    rate_rad_s = np.polyfit(t_s, angle, 1)[0]
    period_s = 2.0 * math.pi / rate_rad_s
    gm = 4.0 * math.pi**2 * a_km**3 / period_s**2
    rows.append({"name": es.name or res.members[i].name, "orbit_class": res.members[i].orbit_class,
                 "source": es.source, "a_km": a_km, "period_h": period_s / 3600.0,
                 "gm_km3_s2": gm})
    print(f"{rows[-1]['name']:28s} {rows[-1]['orbit_class']:5s} a = {a_km:9.1f} km  "
          f"T = {period_s / 3600.0:7.3f} h  4π²a³/T² = {gm:9.0f} km³/s²")

a = np.array([row["a_km"] for row in rows])
T = np.array([row["period_h"] for row in rows])
slope, intercept = np.polyfit(np.log10(a), np.log10(T), 1)
gm_fit = float(np.median([row["gm_km3_s2"] for row in rows]))
print(f"\nlog-log slope {slope:.4f} (Kepler: 1.5); median GM {gm_fit:,.0f} km³/s² "
      f"(IERS: 398,600.4)")
with open("04_kepler_third_law.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

MOON_A_KM, MOON_T_H = 384_400.0, 27.321661 * 24.0
colours = {"LEO": "tab:blue", "SSO": "tab:green", "MEO": "tab:orange", "IGSO": "tab:red",
           "GEO": "tab:purple"}
fig, (ax, ax_gm) = plt.subplots(1, 2, figsize=(13, 6), layout="constrained",
                                gridspec_kw={"width_ratios": [1.4, 1]})
line_a = np.geomspace(6000, 500_000, 50)
ax.plot(line_a, 2 * math.pi * np.sqrt(line_a**3 / gm_fit) / 3600.0, "k--", lw=1,
        label=f"T = 2π√(a³/GM), slope 3/2 (fit: {slope:.3f})")
for row in rows:
    ax.plot(row["a_km"], row["period_h"], "o", ms=8, color=colours.get(row["orbit_class"], "k"))
for cls, colour in colours.items():
    ax.plot([], [], "o", color=colour, label=cls)
ax.plot(MOON_A_KM, MOON_T_H, "*", ms=14, color="goldenrod", mec="k", label="the Moon")
# The six low orbits crowd into one corner: label them in a zoomed inset.
low = [row for row in rows if row["a_km"] < 10_000]
high = [row for row in rows if row["a_km"] >= 10_000]
stack: dict[int, int] = {}
for row in sorted(high, key=lambda r: r["a_km"]):
    key = round(row["a_km"] / 500)  # IGSO and GEO share one point: stack their labels
    n = stack[key] = stack.get(key, -1) + 1
    ax.annotate(row["name"], (row["a_km"], row["period_h"]), xytext=(10, -4 - 11 * n),
                textcoords="offset points", fontsize=7)
if low:
    inset = ax.inset_axes([0.08, 0.56, 0.4, 0.36])
    la = np.array([row["a_km"] for row in low])
    za = np.linspace(la.min() - 80, la.max() + 80, 20)
    inset.plot(za, 2 * math.pi * np.sqrt(za**3 / gm_fit) / 60.0, "k--", lw=1)
    for k, row in enumerate(sorted(low, key=lambda r: r["a_km"])):
        inset.plot(row["a_km"], row["period_h"] * 60, "o", ms=6,
                   color=colours.get(row["orbit_class"], "k"))
        # Alternate labels below-right and above-left: neighbours sit only ~10 km apart.
        inset.annotate(row["name"], (row["a_km"], row["period_h"] * 60),
                       xytext=(5, -9) if k % 2 == 0 else (-5, 5),
                       ha="left" if k % 2 == 0 else "right",
                       textcoords="offset points", fontsize=6)
    inset.set_xlabel("a (km)", fontsize=7)
    inset.set_ylabel("T (minutes)", fontsize=7)
    inset.tick_params(labelsize=6)
    inset.set_title("zoom: the low orbits", fontsize=7)
    inset.grid(alpha=0.3)
ax.annotate("Moon", (MOON_A_KM, MOON_T_H), xytext=(-36, 6), textcoords="offset points",
            fontsize=8)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("semi-major axis a (km, measured: mean distance from the Earth's centre)")
ax.set_ylabel("period T (hours, measured: time to sweep 360°)")
ax.set_title("Kepler's third law: T² ∝ a³ from the space station to the Moon", fontsize=10)
ax.grid(which="both", alpha=0.3)
ax.legend(loc="lower right", fontsize=8)

names = [row["name"] for row in rows]
y = np.arange(len(rows))
ax_gm.axvline(398_600.4418, color="k", lw=1, ls="--")
ax_gm.scatter([row["gm_km3_s2"] for row in rows], y, s=60, zorder=3,
              c=[colours.get(row["orbit_class"], "k") for row in rows])
for k, row in enumerate(rows):
    ax_gm.annotate(f"{row['gm_km3_s2']:,.0f}", (row["gm_km3_s2"], k), xytext=(8, -3),
                   textcoords="offset points", fontsize=7)
ax_gm.set_yticks(y, names, fontsize=8)
ax_gm.set_xlim(380_000, 420_000)
ax_gm.set_xticks([380_000, 390_000, 400_000, 410_000, 420_000],
                 ["380,000", "390,000", "400,000", "410,000", "420,000"])
ax_gm.invert_yaxis()
ax_gm.set_xlabel("4π² a³ / T²  (km³/s²); dashed: the Earth's GM, 398,600.4 (IERS)")
ax_gm.set_title("every satellite measures the same GM (axis ±5 %)", fontsize=10)
ax_gm.grid(axis="x", alpha=0.3)
source = "nominal design orbits" if all(es.is_nominal for es in res.sets) else "tracked elements"
fig.suptitle(f"{len(rows)} satellites, {SPAN_DAYS:g} days of SGP4 motion from {source}",
             fontsize=9)
fig.savefig("04_kepler_third_law.png", dpi=100)
print("wrote 04_kepler_third_law.png and 04_kepler_third_law.csv")
