"""10 — The Earth's bulge turns orbits: J2 nodal precession measured from two element sets.

The idea
--------
The Earth is 21 km wider at the equator than through the poles. That extra ring of mass
(the J2 term of its gravity field) pulls every tilted orbit towards the equator, and like a
spinning top pushed sideways, the orbit's plane does not tip over: it *turns* about the
Earth's axis. The right ascension of the ascending node Ω changes steadily at

    dΩ/dt = −3/2 · n · J2 · (R / p)² · cos i

(n the mean motion, R the Earth's radius, p = a (1 − e²), i the inclination). Prograde
orbits (i < 90°) turn westward; retrograde ones (i > 90°) eastward; polar orbits not at all.

Here we *measure* the rate from two real element sets of the same satellite, 25 days apart,
taken from CelesTrak's public catalogue in August and September 2021 — the station core
module Tianhe (i = 41.5°) and the weather satellite Fengyun-3D (i = 98.8°) — and compare
it with the formula. The blue lines between the two sets are SGP4's own prediction from the
first set (the node's *osculating* value, computed from position × velocity): they lie
right on the J2 line, because J2 is what SGP4 models here.

What to look at
---------------
* Left: Tianhe's node slides west by ~6° a day — in 25 days it has moved 153°. Fengyun-3D's
  slides *east* by ~1° a day: the same rate as the Sun moves along the sky (360° a year).
  That is no accident — it is the sun-synchronous orbit of example 09.
* Each measured rate (printed) agrees with the J2 formula to better than 1 %.
* Right: the formula for all inclinations at the two heights. The curve crosses the
  sun-synchronous rate (+0.9856°/day) at 97-99°: the only inclinations an SSO can have.

Try next
--------
The BeiDou MEO satellites fly at a ≈ 27,900 km, i = 55°. How many degrees per day does their
node turn? (Hint: (R/a)² makes the bulge matter 17 times less than for Tianhe.) Then find two
BeiDou element sets a month apart in the 2021 snapshots and measure it.

Run: ``python 10_j2_nodal_precession.py`` (offline: the four element sets are embedded
below as teaching samples; writes 10_j2_nodal_precession.png and .csv).
"""

from __future__ import annotations

import csv
import math

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from orbitkit import parse_text, propagate, time_grid  # noqa: E402

# Two TLEs per satellite from CelesTrak's 'active' group, 2021-08-24 and 2021-09-20
# snapshots (orbitkit's shared reference data): teaching samples, embedded on purpose.
SAMPLES = {
    "Tianhe (CSS core module)": (
        ("1 48274U 21035A   21235.15230133  .00006626  00000-0  74347-4 0  9996",
         "2 48274  41.4686 234.4417 0006020  79.8563 326.4652 15.63084501 18175"),
        ("1 48274U 21035A   21260.23294387  .00008707  00000-0  10103-3 0  9995",
         "2 48274  41.4706  81.4763 0002480 281.5405 245.4856 15.61898636 22097"),
    ),
    "Fengyun-3D": (
        ("1 43010U 17072A   21234.81031723 -.00000014  00000-0  14111-4 0  9990",
         "2 43010  98.7907 176.2741 0000636 333.2444  26.8702 14.19774855195401"),
        ("1 43010U 17072A   21260.39210889 -.00000014  00000-0  14113-4 0  9996",
         "2 43010  98.7930 201.6887 0000925 156.6951 203.4261 14.19776700199039"),
    ),
}

# WGS72 constants, the ones SGP4 and these element sets use.
MU_KM3_S2 = 398600.8
R_EARTH_KM = 6378.135
J2 = 0.001082616
SSO_RATE_DEG_DAY = 360.0 / 365.2422


def j2_node_rate_deg_day(a_km, incl_deg, ecc=0.0):
    """Secular J2 rate of the ascending node, degrees per day (negative = westward)."""
    n = np.sqrt(MU_KM3_S2 / np.asarray(a_km) ** 3)  # rad/s
    p = np.asarray(a_km) * (1.0 - ecc**2)
    rate = -1.5 * n * J2 * (R_EARTH_KM / p) ** 2 * np.cos(np.radians(incl_deg))
    return np.degrees(rate) * 86400.0


def osculating_node_deg(r, v):
    """Right ascension of the ascending node from position and velocity (TEME), degrees."""
    h = np.cross(r, v)
    return np.degrees(np.arctan2(h[..., 0], -h[..., 1])) % 360.0


rows = []
fig = plt.figure(figsize=(14, 6.5), layout="constrained")
grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1])
panels = [fig.add_subplot(grid[k, 0]) for k in range(2)]
ax_rate = fig.add_subplot(grid[:, 1])

for ax, (name, ((l1a, l2a), (l1b, l2b))) in zip(panels, SAMPLES.items(), strict=True):
    first, second = parse_text(f"{name}\n{l1a}\n{l2a}\n{name}\n{l1b}\n{l2b}\n").sets
    days = (second.epoch - first.epoch).total_seconds() / 86400.0
    node1 = math.degrees(first.satrec.nodeo)
    node2 = math.degrees(second.satrec.nodeo)
    incl = math.degrees(first.satrec.inclo)
    # The node moves less than 180° between the two sets, so the shorter way round is right.
    change = (node2 - node1 + 180.0) % 360.0 - 180.0
    measured = change / days
    a_km = first.satrec.a * R_EARTH_KM  # SGP4's semi-major axis, in Earth radii
    predicted = float(j2_node_rate_deg_day(a_km, incl, first.satrec.ecco))
    print(f"{name}: i = {incl:.2f}°, a = {a_km:.0f} km; node {node1:.2f}° -> {node2:.2f}° "
          f"in {days:.2f} days")
    print(f"  measured {measured:+.4f}°/day, J2 formula {predicted:+.4f}°/day "
          f"(difference {100 * (measured - predicted) / abs(predicted):+.2f} %)")
    rows.append({"satellite": name, "epoch_1": first.epoch.isoformat(),
                 "epoch_2": second.epoch.isoformat(), "inclination_deg": round(incl, 4),
                 "a_km": round(a_km, 1), "node_1_deg": node1, "node_2_deg": node2,
                 "days": round(days, 4), "measured_deg_day": round(measured, 5),
                 "j2_formula_deg_day": round(predicted, 5)})

    # SGP4 from the first set across the gap: the osculating node, unwrapped.
    times = time_grid(first.epoch, second.epoch, 120.0)
    eph = propagate(first, times)
    node = np.unwrap(np.radians(osculating_node_deg(eph.r_teme_km[0], eph.v_teme_km_s[0])))
    node = np.degrees(node - node[0]) + node1
    when = times.astype("datetime64[ms]").astype(object)
    ax.plot(when, node, color="tab:blue", lw=1, label="SGP4 from the first set (osculating)")
    ax.plot([first.epoch, second.epoch], [node1, node1 + change], "o", ms=9, color="tab:red",
            label="the two element sets (mean node)")
    ax.plot([first.epoch, second.epoch], [node1, node1 + predicted * days], "k--", lw=1,
            label=f"J2 formula: {predicted:+.2f}°/day")
    ax.set_ylabel("node Ω (deg, unwrapped)")
    ax.set_title(f"{name}, i = {incl:.1f}°: measured {measured:+.3f}°/day", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left" if change < 0 else "upper left")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax_rate.plot(incl, measured, "o", ms=10, color="tab:red", zorder=5)
    ax_rate.annotate(name, (incl, measured), xytext=(8, -14), textcoords="offset points",
                     fontsize=8)

with open("10_j2_nodal_precession.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

inclinations = np.linspace(0.0, 180.0, 361)
for height_km, colour in ((390.0, "tab:blue"), (830.0, "tab:green")):
    ax_rate.plot(inclinations, j2_node_rate_deg_day(R_EARTH_KM + height_km, inclinations),
                 color=colour, label=f"J2 formula, circular orbit at {height_km:.0f} km")
ax_rate.axhline(SSO_RATE_DEG_DAY, color="darkorange", ls=":",
                label="the Sun's motion: +0.9856°/day (sun-synchronous)")
ax_rate.axhline(0.0, color="k", lw=0.6)
ax_rate.set_xlabel("inclination i (deg)")
ax_rate.set_ylabel("node rate dΩ/dt (deg/day; negative = westward)")
ax_rate.set_xticks(range(0, 181, 30))
ax_rate.set_title("dΩ/dt = −3/2 n J2 (R/p)² cos i", fontsize=10)
ax_rate.grid(alpha=0.3)
ax_rate.legend(fontsize=8, loc="upper left")
fig.suptitle("J2 nodal precession: two element sets 25 days apart (CelesTrak, 2021)",
             fontsize=11)
fig.savefig("10_j2_nodal_precession.png", dpi=100)
print("wrote 10_j2_nodal_precession.png and 10_j2_nodal_precession.csv")
