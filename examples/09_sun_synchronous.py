"""09 — Sun-synchronous orbits: why Fengyun-3 always crosses the equator at the same local time.

The idea
--------
The Earth is not a sphere: its equatorial bulge (the J2 term) pulls on a tilted orbit and
makes its plane turn slowly about the Earth's axis (nodal precession). For an orbit
tilted a little *past* the pole (about 98-99° at 830 km) the plane turns eastward by
exactly 360° a year — the same rate at which the Sun moves around the sky. The orbit then
keeps a fixed angle to the Sun: the satellite crosses the equator northbound at the same
*local solar time* every day, all year. That is a sun-synchronous orbit (SSO), and it is
why weather satellites see every place under the same lighting each day.

China's polar weather satellites Fengyun-3 share out the day: FY-3E flies the
"early-morning" (dawn-dusk) orbit, FY-3F a morning one, FY-3D and FY-3H afternoon ones.
Fengyun-3G measures rain from a 50°-inclined orbit on purpose *not* sun-synchronous: its
plane drifts through all local times, so it samples rain at every hour of the day.

The script propagates each satellite for 120 days, finds every northbound equator
crossing (ascending node), and turns the longitude there into local mean solar time:
local time = UTC + longitude / 15° per hour.

What to look at
---------------
* Left: the four SSO lines are flat — each keeps its local time to within minutes over
  four months. FY-3D's line creeps upward: its inclination (99.0°) is a little above the
  exact sun-synchronous value (98.7° at its height), so its plane turns ~0.03°/day too
  fast and its node time slips later (the real FY-3D has drifted from its planned
  afternoon slot). FY-3G's local time sweeps through all 24 hours in about two months.
* Right: the orbit planes seen from above the North Pole, with the Sun to the right (noon).
  FY-3E's plane is almost edge-on to the Sun: it rides the day-night boundary.

Try next
--------
FY-3G flies at ~406 km. Using the J2 nodal rate dΩ/dt = −1.5 n J2 (R/a)² cos i, what
inclination would make it sun-synchronous? (Answer: about 97°.) Change ``TARGET`` to add
Haiyang-2B or CBERS-4A: which local time did their builders choose?

Run: ``python 09_sun_synchronous.py [ELEMENT_FILE]`` (offline; without a file it uses the
catalogue's nominal design orbits; writes 09_sun_synchronous.png and 09_node_local_times.csv).
"""

from __future__ import annotations

import csv
import sys

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from orbitkit import load_element_sets_at_epoch, propagate, time_grid  # noqa: E402

TARGET = "Fengyun-3E,Fengyun-3F,Fengyun-3H,Fengyun-3D,Fengyun-3G"
NOMINAL_AT = "2026-03-01T00:00:00Z"  # a fixed time, so the lesson gives the same figure
SPAN_DAYS = 120
STEP_S = 60.0

# Real element sets when there are any (the file given, or orbitkit's cache from an earlier
# 'orbitkit fetch'), studied at their own epoch; else the catalogue's nominal design orbits
# at a fixed time.
res, start = load_element_sets_at_epoch(TARGET, files=sys.argv[1:2], fallback_at=NOMINAL_AT,
                                        pick="latest")
print(res.source_note())
for warning in res.warnings:
    print("  warning:", warning[:160])

times = time_grid(start, start + np.timedelta64(SPAN_DAYS * 86400, "s"), STEP_S)
eph = propagate(res.sets, times)
z = eph.r_teme_km[..., 2]  # height above the equatorial plane, km

rows = []
results = []
for i, es in enumerate(res.sets):
    name = res.members[i].name
    # Ascending node: z changes from negative to positive between two samples.
    k = np.flatnonzero((z[i, :-1] < 0) & (z[i, 1:] >= 0))
    frac = -z[i, k] / (z[i, k + 1] - z[i, k])
    crossings = times[k] + (frac * STEP_S * 1e9).astype("timedelta64[ns]")
    # Propagate again exactly at the crossings to read the longitude under the satellite.
    _lat, lon, _alt = propagate(es, crossings).geodetic()
    utc_h = (crossings - crossings.astype("datetime64[D]")) / np.timedelta64(1, "h")
    local_h = (utc_h + lon[0] / 15.0) % 24.0
    results.append((name, crossings, local_h))
    first, last = local_h[:15].mean(), local_h[-15:].mean()
    print(f"{name:12s} {len(k):5d} ascending nodes; local time {first:5.2f} h -> {last:5.2f} h "
          f"after {SPAN_DAYS} days")
    day = (crossings - crossings[0].astype("datetime64[D]")).astype("timedelta64[D]")
    for d in np.unique(day)[::10]:  # one row every 10 days for the table
        sel = day == d
        rows.append({"satellite": name, "date": str(crossings[sel][0].astype("datetime64[D]")),
                     "node_local_time_h": round(float(local_h[sel][0]), 3)})

with open("09_node_local_times.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

colours = ["tab:orange", "tab:green", "tab:red", "tab:purple", "tab:grey"]
fig = plt.figure(figsize=(14, 6.2), layout="constrained")
grid = fig.add_gridspec(1, 2, width_ratios=[1.6, 1])
ax = fig.add_subplot(grid[0])
clock = fig.add_subplot(grid[1], projection="polar")
for i, ((name, crossings, local_h), colour) in enumerate(zip(results, colours, strict=False)):
    shown = local_h.copy()
    shown[np.r_[False, np.abs(np.diff(shown)) > 12]] = np.nan  # no line across midnight
    ax.plot(crossings.astype("datetime64[ms]").astype(object), shown, color=colour, lw=1.6,
            label=f"{name}: {local_h[0]:.2f} h")
    if res.members[i].orbit_class != "SSO":
        continue  # a drifting plane has no fixed place on the clock face
    # The clock face: midnight at the left, noon (the Sun) at the right.
    theta = (local_h[0] - 12.0) / 24.0 * 2 * np.pi
    clock.plot([theta, theta + np.pi], [1, 1], color=colour, lw=2)
    clock.plot([theta], [1], "^", color=colour, ms=9)
    clock.annotate(name.replace("Fengyun-", "FY-"), (theta, 1.0), xytext=(theta, 1.22),
                   ha="center", fontsize=8, color=colour)
night = np.linspace(np.pi / 2, 3 * np.pi / 2, 50)
clock.fill_between(night, 0, 1.45, color="midnightblue", alpha=0.12, lw=0)
clock.plot([0], [0], "o", ms=18, color="steelblue")
clock.text(1.1, 0.5, "Sun", transform=clock.transAxes, fontsize=11, color="darkorange",
           va="center", fontweight="bold")
clock.text(0.18, 0.5, "night\nside", transform=clock.transAxes, fontsize=8, color="dimgrey",
           va="center", ha="center")
clock.set_rmax(1.45)
clock.set_rticks([])
clock.set_xticks(np.radians(np.arange(0, 360, 45)),
                 ["12 h", "15 h", "18 h", "21 h", "0 h", "3 h", "6 h", "9 h"], fontsize=8)
clock.set_title("sun-synchronous planes from above the North Pole\n"
                "(▲ ascending node at its local time; the Sun to the right)", fontsize=9)
ax.set_ylim(0, 24)
ax.set_yticks(range(0, 25, 3))
ax.set_ylabel("local solar time at the ascending node (h)")
ax.set_xlabel("date (UTC)")
ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
ax.grid(alpha=0.3)
ax.legend(loc="lower right", fontsize=8, title="start", title_fontsize=8, framealpha=0.9)
source = "nominal design orbits" if all(es.is_nominal for es in res.sets) else "tracked elements"
ax.set_title(f"Fengyun-3: equator crossings over {SPAN_DAYS} days ({source})", fontsize=10)
fig.savefig("09_sun_synchronous.png", dpi=100)
print("wrote 09_sun_synchronous.png and 09_node_local_times.csv")
