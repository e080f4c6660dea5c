"""05 — BeiDou in the sky over Beijing: a sky plot of one day.

The idea
--------
A *sky plot* is the sky seen from one place, flattened onto a disc: the centre is the
zenith (straight up), the rim is the horizon, north is at the top and east to the right,
like a map. Each satellite is a dot at its azimuth (compass direction) and elevation
(height above the horizon); over a day each one draws a track.

BeiDou-3 mixes three kinds of orbit, and the sky plot shows them at a glance:

* MEO satellites (12 h 53 min period) rise, cross the sky in a few hours and set:
  long arcs;
* geostationary (GEO) satellites do not move at all: fixed dots low in the southern sky,
  over the equator;
* inclined geosynchronous (IGSO) satellites go round once a day but 55° tilted: they draw
  a tall figure-8 in the sky, its upper loop high over China and its lower loop, far south
  of the equator, dipping below Beijing's horizon.

What to look at
---------------
* The tracks avoid a patch of the northern sky: orbits tilted 55° never pass north of
  latitude 55°, so from Beijing (40°N) they are never seen low in the north. Every GNSS
  sky plot at mid-northern latitudes has this "northern hole".
* The GEO dots (red) are all in the south, 20-45° up; the IGSO figure-8 (orange; in the
  nominal design all three IGSO share one track) climbs through them to near the zenith.
  Dots show where every satellite is at the start; labels are PRNs (C19...), or names
  where no PRN is known.
* The printed list: how many satellites are above 10° at the start.

Try next
--------
Change ``STATION`` to ``"buenos-aires"`` (35°S, 58°W): which kind of BeiDou satellite
disappears from the sky there, and why? Then try a station at the North Pole
(``"89.9,0"``): where is the hole now?

Run: ``python 05_beidou_sky_plot.py [ELEMENT_FILE]`` (offline; without a file it uses the
catalogue's nominal design orbits; writes 05_beidou_sky_plot.png).
"""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import numpy as np  # noqa: E402

from orbitkit import load_element_sets_at_epoch, parse_site, sky_view, time_grid  # noqa: E402
from orbitkit.plots.skyplot import plot_sky  # noqa: E402

TARGET = "beidou-3"
STATION = "beijing"
NOMINAL_AT = "2026-03-01T00:00:00Z"  # a fixed time, so the lesson gives the same figure
HOURS, STEP_MIN = 24, 5
MASK_DEG = 10.0

# Real element sets when there are any (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), studied at their own epoch; else the catalogue's nominal design orbits
# at a fixed time.
res, start = load_element_sets_at_epoch(TARGET, files=sys.argv[1:2], fallback_at=NOMINAL_AT,
                                        pick="latest")
print(res.source_note())
for warning in res.warnings:
    print("  warning:", warning[:160])

site = parse_site(STATION)
times = time_grid(start, start + np.timedelta64(HOURS * 3600, "s"), STEP_MIN * 60.0)
view = sky_view(res.sets, site, times,
                orbit_classes=[m.orbit_class for m in res.members],
                prns=[m.prn for m in res.members])

up = view.above(MASK_DEG)[:, 0]
print(f"from {site.name} at {np.datetime_as_string(times[0], unit='m')}Z, "
      f"{up.sum()} of {len(res.sets)} BeiDou-3 satellites are above {MASK_DEG:g}°:")
for i in np.flatnonzero(up):
    print(f"  {view.label(i):4s} {view.orbit_classes[i]:4s} az {view.az_deg[i, 0]:5.1f}°  "
          f"el {view.el_deg[i, 0]:4.1f}°  range {view.range_km[i, 0]:8,.0f} km")

source = "nominal design orbits" if res.any_nominal else "tracked elements"
plot_sky(view, "05_beidou_sky_plot.png", min_elevation_deg=MASK_DEG, dpi=100,
         title=f"BeiDou-3 over {site.name}: {HOURS} h of tracks from "
               f"{np.datetime_as_string(times[0], unit='m')}Z ({source})")
print("wrote 05_beidou_sky_plot.png")
