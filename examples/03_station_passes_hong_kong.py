"""03 — When can I see the space station from Hong Kong this week?

The idea
--------
A satellite *passes* over a place when it rises above the horizon, climbs to its highest
point (culmination) and sets again; for the space station at 390 km a pass lasts at most
about 6-7 minutes. orbitkit searches a whole week of the station's motion for every moment
its elevation seen from Hong Kong crosses 10° (lower than that, buildings and haze hide it).

Most passes cannot be seen with the eye. You need three things at once: the station above
your horizon, *your* sky dark (the Sun at least 6° below the horizon), and the station
itself still in sunlight, 390 km up, so it shines like a bright star. That happens only
for an hour or two after dusk and before dawn.

What to look at
---------------
* Each row is one day in Hong Kong time (UTC+8); the background shows daylight (white),
  twilight (light grey) and night (dark). Each bar is one pass; gold bars are visible by
  eye, blue ones happen in daylight or while the station is in the Earth's shadow.
* Passes come in groups at about the same clock times each day and shift earlier day by
  day: the orbit's plane turns (example 10) while the Earth turns under it.
* The table lists the visible passes: when to go outside, where to look first (the
  compass direction of rise), and how high it will climb.

Try next
--------
Change ``STATION`` to ``"harbin"`` (45.8°N): why does the station never climb high there,
although Harbin is only 4° north of its inclination? Then try ``MIN_ELEVATION_DEG = 0``:
how many more passes appear, and are they worth going out for?

Run: ``python 03_station_passes_hong_kong.py [ELEMENT_FILE [START]]`` (offline; without a
file it uses the nominal orbit, so pass *times* are illustrative while their pattern is
right; START is ISO 8601 UTC, default now; writes 03_station_passes_hong_kong.png and
03_station_passes_hong_kong.csv).
"""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime, timedelta

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from orbitkit import (  # noqa: E402
    find_passes,
    format_utc,
    geodetic_to_itrs,
    load_element_sets,
    parse_site,
    parse_utc,
    time_grid,
    to_julian,
)
from orbitkit.sun import sun_elevation_deg  # noqa: E402

TARGET = "Tianhe"
STATION = "hong-kong"
UTC_OFFSET_H = 8  # Hong Kong time
DAYS = 7
MIN_ELEVATION_DEG = 10.0

start = parse_utc(sys.argv[2]) if len(sys.argv) > 2 else datetime.now(UTC)
# A real element set when there is one (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), else the catalogue's nominal orbit.
files = sys.argv[1:2]
res = load_element_sets(TARGET, files=files, at=start, offline=True)
age = res.sets[0].age_days(start)
if res.sets[0].is_nominal:
    print("note: no element file given and none in orbitkit's cache, so the catalogue's "
          "nominal orbit is used: the pattern of passes is right, their exact times are "
          "illustrative (give a fresh TLE file)")
elif abs(age) > 3 and len(sys.argv) <= 2:
    start = res.sets[0].epoch
    print(f"note: these elements are {age:.0f} days old; pass times drift by minutes a "
          f"day, so the week starts at their epoch ({format_utc(start)}) instead")
    res = load_element_sets(TARGET, files=files, at=start, offline=True)
for warning in res.warnings:
    print("  warning:", warning[:160])

site = parse_site(STATION)
tz = timedelta(hours=UTC_OFFSET_H)
# Start at local midnight so each row of the figure is one local day.
local0 = (start + tz).replace(hour=0, minute=0, second=0, microsecond=0)
t0 = local0 - tz
t1 = t0 + timedelta(days=DAYS)
search = find_passes(res.sets, site, t0, t1, min_elevation_deg=MIN_ELEVATION_DEG)
passes = search.passes
seen = [p for p in passes if p.visible]
print(f"{len(passes)} passes above {MIN_ELEVATION_DEG:g}° over {site.name} in {DAYS} days, "
      f"{len(seen)} of them visible by eye")


def compass(az_deg):
    points = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
              "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"]
    return points[int((az_deg % 360) / 22.5 + 0.5) % 16]


with open("03_station_passes_hong_kong.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f)
    writer.writerow(["rise_local", "rise_az_deg", "max_local", "max_elevation_deg", "set_local",
                     "set_az_deg", "duration_s", "visible"])
    for p in passes:
        writer.writerow([(p.rise_utc + tz).strftime("%Y-%m-%d %H:%M:%S"), round(p.rise_az_deg),
                         (p.max_utc + tz).strftime("%H:%M:%S"), round(p.max_elevation_deg, 1),
                         (p.set_utc + tz).strftime("%H:%M:%S"), round(p.set_az_deg),
                         round(p.duration_s), p.visible])

# The Sun's elevation at the station every 5 minutes: daylight, twilight, night.
times = time_grid(t0, t1, 300.0)
jd, fr = to_julian(times)
lat, lon = np.radians(site.lat_deg), np.radians(site.lon_deg)
pos = geodetic_to_itrs(lat, lon, site.alt_km)
up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
sun_el = sun_elevation_deg(pos, up, jd, fr)
light = np.where(sun_el > 0, 0, np.where(sun_el > -6, 1, 2))[:-1].reshape(DAYS, 288)

fig, (ax, ax_table) = plt.subplots(2, 1, figsize=(11, 8.5), layout="constrained",
                                   gridspec_kw={"height_ratios": [1.5, 1]})
sky = ListedColormap(["white", "#c8d2e4", "#6a7a9a"])  # daylight, twilight, night
ax.imshow(light, aspect="auto", extent=(0, 24, DAYS - 0.5, -0.5), cmap=sky, vmin=0, vmax=2,
          interpolation="nearest")
for p in passes:
    rise = p.rise_utc + tz
    day = (rise.date() - local0.date()).days
    h0 = rise.hour + rise.minute / 60 + rise.second / 3600
    h1 = h0 + p.duration_s / 3600
    colour = "gold" if p.visible else "tab:blue"
    ax.barh(day, h1 - h0, left=h0, height=0.5, color=colour, edgecolor="k", lw=0.5)
    ax.annotate(f"{p.max_elevation_deg:.0f}°", (h1, day), xytext=(3, -3),
                textcoords="offset points", fontsize=7)
ax.set_yticks(range(DAYS), [(local0 + timedelta(days=d)).strftime("%a %d %b")
                            for d in range(DAYS)])
ax.set_xticks(range(0, 25, 2))
ax.set_xlim(0, 24)
ax.set_xlabel(f"time of day in {site.name} (UTC+{UTC_OFFSET_H})")
ax.legend(handles=[Patch(color="gold", label="visible by eye (dark sky, station sunlit)"),
                   Patch(color="tab:blue", label="not visible (daylight or station in shadow)"),
                   Patch(color="#c8d2e4", label="twilight"), Patch(color="#6a7a9a", label="night")],
          loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, fontsize=8)
kind = "nominal orbit: illustrative times" if res.sets[0].is_nominal else (
    f"elements of {res.sets[0].epoch:%Y-%m-%d}")
ax.set_title(f"Tiangong passes above {MIN_ELEVATION_DEG:g}° over {site.name}, "
             f"{DAYS} days ({kind}); label: highest elevation", fontsize=10)

ax_table.axis("off")
cells = [[(p.rise_utc + tz).strftime("%a %d %b"), (p.rise_utc + tz).strftime("%H:%M"),
          f"{compass(p.rise_az_deg)} ({p.rise_az_deg:.0f}°)",
          f"{p.max_elevation_deg:.0f}° at {(p.max_utc + tz):%H:%M}",
          f"{compass(p.set_az_deg)} ({p.set_az_deg:.0f}°)", f"{p.duration_s / 60:.1f} min"]
         for p in seen[:10]]
if cells:
    table = ax_table.table(cells, colLabels=["day", "rises at", "look first to", "highest",
                                             "sets to", "above 10°"], loc="upper center",
                           cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.3)
    ax_table.set_title("when to go outside: the visible passes (local time)", fontsize=10)
else:
    ax_table.text(0.5, 0.5, "no pass visible by eye this week", ha="center", fontsize=12)
fig.savefig("03_station_passes_hong_kong.png", dpi=100)
print("wrote 03_station_passes_hong_kong.png and 03_station_passes_hong_kong.csv")
