"""02 — Where is the Chinese space station now? Its ground track on a world map.

The idea
--------
The Tiangong space station (its core module Tianhe and two laboratory modules fly as one
object) circles the Earth about 390 km up, once every ~92 minutes, at 7.7 km/s. The point
on the ground directly below it traces the *ground track*. Because the Earth turns
eastward under the orbit by about 23° during one lap, each new lap crosses the equator
further west, and the track looks like a wave sliding westward across the map.

The orbit is tilted 41.5° to the equator, so the station never flies north of 41.5°N or
south of 41.5°S: Beijing (39.9°N) is just inside its reach, Harbin (45.8°N) never sees it
overhead.

What to look at
---------------
* The star is the station's position *now*; the dashed ring is the region from which it
  is at least 10° above the horizon at that moment — about 2,600 km across.
* Follow the time ticks (UTC) along the track: one lap later the track has moved ~23°
  west. The shaded half of the map is night: the station itself is often in sunlight even
  above a dark ground, which is why it can be seen at dusk and dawn.
* The track's turning points sit at 41.5°N and 41.5°S: the inclination.

Try next
--------
How far west does the track move per lap? Measure it on the map and compare with
360° × 92 min / 1436 min (the sidereal day). Then give a real element file
(``python 02_where_is_the_station.py celestrak-active-2026-02-24.tle``) and look at the
note it prints about the age of those elements.

Run: ``python 02_where_is_the_station.py [ELEMENT_FILE [TIME]]`` (offline; without a file
it uses the catalogue's nominal orbit, whose position along the orbit is illustrative;
TIME is ISO 8601 UTC, default now; writes 02_where_is_the_station.png).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)

from orbitkit import (  # noqa: E402
    format_utc,
    ground_track,
    load_element_sets,
    parse_site,
    parse_utc,
    propagate,
)
from orbitkit.plots.groundtrack import plot_ground_track  # noqa: E402

TARGET = "Tianhe"
BEFORE_MIN, AFTER_MIN = 30, 190  # a little of the past, two laps of the future
MASK_DEG = 10.0

now = parse_utc(sys.argv[2]) if len(sys.argv) > 2 else datetime.now(UTC).replace(microsecond=0)
# A real element set when there is one (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), else the catalogue's nominal orbit.
files = sys.argv[1:2]
res = load_element_sets(TARGET, files=files, at=now, offline=True)
es = res.sets[0]
age = es.age_days(now)
if es.is_nominal:
    print("note: no element file given and none in orbitkit's cache, so the catalogue's "
          "nominal orbit is used: its height and tilt are right, but *where along the orbit* "
          "the station is now is illustrative (give a fresh TLE file for the real position)")
elif abs(age) > 3 and len(sys.argv) <= 2:
    print(f"note: these elements are {age:.0f} days from now; a low orbit drifts by "
          "kilometres a day, so the map shows the station at the elements' epoch "
          f"({format_utc(es.epoch)}) instead. Fetch fresh ones with 'orbitkit fetch'.")
    now = es.epoch.replace(microsecond=0)
    res = load_element_sets(TARGET, files=files, at=now, offline=True)
    es = res.sets[0]
for warning in res.warnings:
    print("  warning:", warning[:160])

eph = propagate(es, [now])
lat, lon, alt = eph.geodetic()
speed = float((eph.v_gcrs_km_s[0, 0] ** 2).sum() ** 0.5)
print(f"{es.name or TARGET} at {format_utc(now)}: {lat[0, 0]:+.2f}° lat, {lon[0, 0]:+.2f}° lon, "
      f"{alt[0, 0]:.0f} km up, {speed:.2f} km/s ({es.source} elements, epoch "
      f"{format_utc(es.epoch)})")

start = now - timedelta(minutes=BEFORE_MIN)
track = ground_track([es], start, hours=(BEFORE_MIN + AFTER_MIN) / 60.0, step_s=30.0,
                     footprint_time=now, footprint_mask_deg=MASK_DEG)
stations = [parse_site(key) for key in ("beijing", "hong-kong", "harbin")]
label = "illustrative nominal orbit" if es.is_nominal else f"elements of {es.epoch:%Y-%m-%d}"
fig, ax = plot_ground_track(
    track, stations=stations, terminator=now, tick_minutes=30,
    title=f"Tiangong (Tianhe) at {format_utc(now)[:16].replace('T', ' ')} UTC (★), "
          f"{BEFORE_MIN} min before to {AFTER_MIN} min after; {label}\n"
          f"dashed: where it is more than {MASK_DEG:g}° above the horizon; shaded: night",
)
fig.savefig("02_where_is_the_station.png", dpi=100, bbox_inches="tight")
print("wrote 02_where_is_the_station.png")
