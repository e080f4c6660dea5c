"""12 — Tianwen-1 around Mars: from a 10-day capture orbit to the 7-hour science orbit.

The idea
--------
Arriving at Mars at 2.66 km/s relative to the planet (example 11), Tianwen-1 fired its
3000 N engine for about 15 minutes on 2021-02-10 and was captured into a huge ellipse
with a period of about 10 days. Over the following months it lowered the far end of its
orbit (apoapsis) step by step: a parking orbit of 280 × 59,000 km (2 Martian days), and
from November 2021 the remote-sensing orbit of about 265 × 10,700 km, period 7.08 h,
tilted 86° to Mars' equator so that it flies over almost every latitude.

orbitkit turns each published pair of altitudes into a Keplerian ellipse about Mars
(GM = 42,828 km³/s²) and *computes* its period from Kepler's third law,
T = 2π √(a³/GM) — then compares it with the period CNSA published. The speeds at the two
ends come from the vis-viva equation v² = GM (2/r − 1/a).

What to look at
---------------
* Top: the capture orbit dwarfs the others — its apoapsis is ~180,000 km out, half-way to
  the distance of the Moon from the Earth. Bottom right: the parking and science orbits.
* Bottom left: one sol (a Martian solar day, 24 h 39 min) of the science orbit's ground
  track. Each pass is shifted west by the angle Mars turns in one period (~103°), and the
  track reaches latitude ±86°: polar orbits map the whole planet. Near periapsis the
  track is a fast, nearly straight north-south stroke; far out it crawls and loops. The
  star is the Zhurong rover's landing site in Utopia Planitia, from the catalogue. (The
  node longitude is chosen so the track passes over Zhurong; the real one on a given day
  is not published.)
* The printed table: the computed periods agree with CNSA's within a few per cent, and
  the orbiter is ~4 times faster at periapsis than at apoapsis (Kepler's second law).

Try next
--------
Which apoapsis altitude would make the science orbit repeat its ground track exactly every
sol with 4 orbits per sol (period = 1 sol / 4)? Find it with Kepler's third law, then check
it by building ``mars_orbit(PublishedMarsOrbit(...))`` with that apoapsis.

Run: ``python 12_mars_science_orbit.py`` (offline; writes 12_mars_science_orbit.png and
12_mars_orbits.csv into the current folder).
"""

from __future__ import annotations

import csv

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)

import orbitkit  # noqa: E402
from orbitkit import earth_mars_transfer, tianwen1_mars_orbits  # noqa: E402
from orbitkit.deepspace import ground_track  # noqa: E402
from orbitkit.deepspace.mars import (  # noqa: E402
    MARS_SIDEREAL_DAY_S,
    SOL_S,
    insertion_delta_v_km_s,
)
from orbitkit.plots.mars_orbits import plot_mars_orbits  # noqa: E402

tianwen = orbitkit.load_catalog().system("tianwen-1")

# The landing site of the Zhurong rover, from the catalogue.
zhurong = next(m for m in tianwen.members if m.landing_site)
site = {"name": zhurong.name, "lat_deg": zhurong.landing_site["lat_deg"],
        "lon_deg": zhurong.landing_site["lon_deg"]}

orbits = tianwen1_mars_orbits()  # capture, parking, remote-sensing
print(f"{'orbit':22s} {'altitudes (km)':>20s} {'a (km)':>9s} {'e':>6s} {'period':>10s} "
      f"{'published':>22s} {'v_peri':>7s} {'v_apo':>7s}")
for o in orbits:
    alts = f"{o.periapsis_altitude_km:,.0f} × {o.apoapsis_altitude_km:,.0f}"
    print(f"{o.name:22s} {alts:>20s} {o.semi_major_axis_km:9,.0f} {o.eccentricity:6.3f} "
          f"{o.period_h:8.2f} h {o.published_period_text:>22s} "
          f"{o.periapsis_speed_km_s:5.2f}   {o.apoapsis_speed_km_s:5.2f} km/s")
with open("12_mars_orbits.csv", "w", newline="", encoding="utf-8") as f:
    fields = ["name", "periapsis_altitude_km", "apoapsis_altitude_km", "semi_major_axis_km",
              "eccentricity", "period_h", "published_period", "period_relative_difference",
              "periapsis_speed_km_s", "apoapsis_speed_km_s", "source"]
    writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(o.to_dict() for o in orbits)

science = next(o for o in orbits if o.key == "remote-sensing")
print(f"\nScience orbit: {SOL_S / science.period_s:.2f} orbits per sol; Mars turns "
      f"{360.0 * science.period_s / MARS_SIDEREAL_DAY_S:.1f}° under it during one orbit.")

# Link to example 11: the speed Tianwen-1 arrived with, and the ideal braking it needed.
launch = orbitkit.parse_utc(next(e for e in tianwen.events if e["name"] == "launch")["date_utc"])
moi = orbitkit.parse_utc(
    next(e for e in tianwen.events if e["name"] == "Mars orbit insertion")["date_utc"])
vinf = earth_mars_transfer(launch, moi).arrival_vinf_km_s
print(f"Arrival v∞ {vinf:.2f} km/s -> ideal braking into the capture orbit "
      f"{insertion_delta_v_km_s(vinf, orbits[0]) * 1000:.0f} m/s (an impulsive lower bound).")

track = ground_track(science, duration_s=SOL_S, step_s=60.0, node_longitude_deg=site["lon_deg"])
fig = plot_mars_orbits(orbits, ground_track=track, site=site)
fig.suptitle("Tianwen-1's orbits about Mars (two-body ellipses from the published altitudes)")
fig.savefig("12_mars_science_orbit.png", dpi=90)
print("wrote 12_mars_science_orbit.png and 12_mars_orbits.csv")
