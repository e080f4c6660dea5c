"""11 — Tianwen-1's road to Mars, and why it left in July 2020.

The idea
--------
Between the planets a spacecraft mostly coasts: the Sun's gravity bends its path into an
ellipse (a *conic*). Tianwen-1 left the Earth on 2020-07-23 and braked into Mars orbit on
2021-02-10. Given those two dates, the Earth's position at the first and Mars' position at
the second (from JPL's DE421 ephemeris, which ships with orbitkit), there is exactly one
prograde ellipse about the Sun joining them in that time: the answer to *Lambert's
problem*. Its start speed relative to the Earth is the hyperbolic excess speed v∞; the
launch vehicle has to supply C3 = v∞² (km²/s²) of launch energy.

Repeat that for every pair of departure and arrival dates in the 2020 window and colour the
grid by C3: that is a *porkchop plot* (the contours look like a pork chop). The low valley is
the launch window; it comes back only every 26 months, when the Earth has lapped Mars once.

What to look at
---------------
* Left: the orange arc covers ~146° around the Sun, not the 180° of a textbook Hohmann
  transfer, because Mars' orbit is eccentric and tilted and the dates were chosen for a
  low C3 *and* a good arrival. The dotted line is the Earth–Mars distance at arrival: CNSA
  quoted 192 million km, and the flight as 202 days and 475 million km flown — the script
  prints our numbers beside theirs (all within 0.2 %).
* Right: the white star (Tianwen-1's real dates) sits in the low-C3 valley. Dotted lines are
  equal flight times; red lines are the arrival v∞ that Mars orbit insertion had to cancel.

Try next
--------
Perseverance (NASA) launched on 2020-07-30 and arrived on 2021-02-18. Change ``LAUNCH`` and
``ARRIVAL`` below: is its C3 higher or lower than Tianwen-1's? Then move the porkchop window
26 months later (departures in September–October 2022) to find the next window.

Run: ``python 11_tianwen1_transfer.py`` (offline; writes 11_tianwen1_transfer.png and
11_tianwen1_vs_cnsa.csv into the current folder).
"""

from __future__ import annotations

import csv
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.pyplot as plt  # noqa: E402

import orbitkit  # noqa: E402
from orbitkit import earth_mars_transfer, porkchop  # noqa: E402
from orbitkit.deepspace import date_range  # noqa: E402
from orbitkit.plots.porkchop import plot_porkchop  # noqa: E402
from orbitkit.plots.transfer import plot_transfer  # noqa: E402


def event_time(system, name):
    """The UTC time of a named event of a catalogue system (launch, Mars orbit insertion)."""
    for event in system.events:
        if event["name"] == name:
            return orbitkit.parse_utc(event["date_utc"])
    raise SystemExit(f"the catalogue has no {name!r} event for {system.name}")


# The dates come from the catalogue (catalog/tianwen-1.toml, each with its source).
tianwen = orbitkit.load_catalog().system("tianwen-1")
LAUNCH = event_time(tianwen, "launch")
ARRIVAL = event_time(tianwen, "Mars orbit insertion")

transfer = earth_mars_transfer(LAUNCH, ARRIVAL)
print(f"Tianwen-1: launch {orbitkit.format_utc(LAUNCH)}, Mars orbit insertion "
      f"{orbitkit.format_utc(ARRIVAL)}")
print(f"  departure C3      {transfer.c3_km2_s2:7.2f} km²/s²  "
      f"(v∞ {transfer.departure_vinf_km_s:.2f} km/s)")
print(f"  arrival v∞        {transfer.arrival_vinf_km_s:7.2f} km/s")
print(f"  transfer angle    {transfer.transfer_angle_deg:7.1f} deg (a Hohmann transfer: 180)")
print(f"  transfer ellipse  perihelion {transfer.perihelion_au:.3f} au, aphelion "
      f"{transfer.aphelion_au:.3f} au, e = {transfer.transfer_e:.3f}")

print("\nOur ideal conic beside CNSA's published figures:")
rows = transfer.compare_published()
for row in rows:
    print(f"  {row['figure']:36s} ours {row['computed']:14.4g}  CNSA {row['published']:10.4g} "
          f"{row['unit']:4s} ({row['relative_difference'] * 100:+.2f} %)")
with open("11_tianwen1_vs_cnsa.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

# The 2020 window: departures over July-August, arrivals mid-January to March, 1-day steps.
start = LAUNCH.replace(hour=0, minute=0) - timedelta(days=22)
grid = porkchop(
    date_range(start, start + timedelta(days=61)),
    date_range(ARRIVAL.replace(hour=0, minute=0) - timedelta(days=26),
               ARRIVAL.replace(hour=0, minute=0) + timedelta(days=49)),
    marked_departure_utc=LAUNCH,
    marked_arrival_utc=ARRIVAL,
    marked_label="Tianwen-1",
)
best = grid.minimum_c3()
print(f"\nLowest C3 in the window: {best['c3_km2_s2']:.2f} km²/s², leaving {best['departure_utc']}"
      f", arriving {best['arrival_utc']}")

fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(15, 7), layout="constrained")
plot_transfer(transfer, ax=ax_left,
              title=f"Tianwen-1 {LAUNCH:%Y-%m-%d} → {ARRIVAL:%Y-%m-%d}: "
              f"{transfer.time_of_flight_days:.0f} days, "
              f"{transfer.path_length_km / 1e6:.0f} million km flown")
plot_porkchop(grid, ax=ax_right, title="2020 window: launch energy C3 (colour), "
              "arrival v∞ (red), flight time (dotted)")
fig.savefig("11_tianwen1_transfer.png", dpi=100)
print("wrote 11_tianwen1_transfer.png and 11_tianwen1_vs_cnsa.csv")
