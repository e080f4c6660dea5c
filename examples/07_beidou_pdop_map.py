"""07 — How well can BeiDou locate you, anywhere on Earth? A global PDOP map.

The idea
--------
A navigation receiver measures its distance (range) to every satellite it sees and finds
the one point that fits them all, plus its own clock error. Each range has an error of a
metre or so. How much that error grows in the computed position depends only on the
*geometry*: satellites spread all over the sky pin the position down; satellites bunched
in one part of the sky leave it wobbly. The growth factor is the *dilution of precision*,
PDOP (position DOP): position error ≈ PDOP × range error. PDOP below 2 is excellent,
above 6 poor.

orbitkit propagates all 35 BeiDou-3 satellites over one day, and at every point of a
2-degree grid and every 10 minutes it counts the satellites more than 10° above the
horizon and computes PDOP from their directions. The map shows the daily mean.

What to look at
---------------
* The main map: BeiDou-3 is *global* — its 28 MEO satellites in three planes keep the mean
  PDOP near 2 everywhere, even at the poles — but the best values (1.2-1.5) sit over
  China, South-East Asia and Australia, where the 4 GEO and 3 IGSO satellites (over the
  equator near 80-160°E) add extra satellites high in the sky (example 06).
* The second figure: one day at Beijing. The number of satellites in view changes every
  few minutes as MEO satellites rise and set; PDOP jumps when one drops below the mask.
* The printed summary gives the worldwide mean number of satellites in view and the mean,
  median and 95th-percentile PDOP.

Try next
--------
Raise ``MASK_DEG`` to 30° (a receiver in a city street sees only the high sky): how does
the map change, and where does PDOP become poor first? Then compare VDOP with HDOP
(``METRIC = "vdop"``): why is the vertical always worse than the horizontal?

Run: ``python 07_beidou_pdop_map.py [ELEMENT_FILE]`` (offline; without a file it uses the
catalogue's nominal design orbits; writes 07_beidou_pdop_map.png, 07_beidou_beijing_day.png
and 07_beidou_pdop_grid.csv).
"""

from __future__ import annotations

import csv
import sys
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)

from orbitkit import (  # noqa: E402
    compute_coverage,
    load_element_sets_at_epoch,
    make_grid,
    parse_site,
    propagate,
    site_series,
)
from orbitkit.plots.coverage_map import plot_coverage_map  # noqa: E402
from orbitkit.plots.site_series import plot_site_series  # noqa: E402

TARGET = "beidou-3"
NOMINAL_AT = "2026-03-01T00:00:00Z"  # a fixed time, so the lesson gives the same figure
HOURS, STEP_MIN = 24, 10
MASK_DEG = 10.0
RESOLUTION_DEG = 2.0
METRIC = "pdop"

# Real element sets when there are any (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), studied at their own epoch; else the catalogue's nominal design orbits
# at a fixed time.
res, start = load_element_sets_at_epoch(TARGET, files=sys.argv[1:2], fallback_at=NOMINAL_AT,
                                        pick="latest")
print(res.source_note())
for warning in res.warnings:
    print("  warning:", warning[:160])

times = [start + timedelta(minutes=STEP_MIN * k) for k in range(HOURS * 60 // STEP_MIN)]
eph = propagate(res.sets, times)
grid = make_grid("global", RESOLUTION_DEG)
result = compute_coverage(eph.r_itrs_km, times, grid, mask_deg=MASK_DEG, ok=eph.ok,
                          label=f"BeiDou-3 ({len(res.sets)} satellites)")
result.elements = res.sources_summary()

s = result.summary
print(f"{len(res.sets)} satellites, {grid.n_points:,} grid points x {len(times)} epochs")
print(f"satellites above {MASK_DEG:g}°: mean {s['mean_visible']:.1f}, min {s['min_visible']}, "
      f"max {s['max_visible']}")
print(f"PDOP: mean {s['mean_pdop']:.2f}, median {s['median_pdop']:.2f}, "
      f"95th percentile {s['p95_pdop']:.2f}; PDOP <= 6 for "
      f"{100 * s['pdop_availability']:.1f} % of point-epochs")

header, rows = result.csv_rows()
with open("07_beidou_pdop_grid.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f)
    writer.writerow(header)
    writer.writerows(rows)

plot_coverage_map(result, METRIC, "07_beidou_pdop_map.png", dpi=100)

beijing = parse_site("beijing")
day = site_series(eph.r_itrs_km, times, beijing.lat_deg, beijing.lon_deg, beijing.alt_km,
                  mask_deg=MASK_DEG, ok=eph.ok, name=beijing.name, label="BeiDou-3")
plot_site_series(day, "07_beidou_beijing_day.png", dpi=100)
print("wrote 07_beidou_pdop_map.png, 07_beidou_beijing_day.png and 07_beidou_pdop_grid.csv")
