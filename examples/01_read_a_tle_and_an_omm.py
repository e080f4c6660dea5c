"""01 — What is a TLE? Reading the space station's orbit, field by field, in two formats.

The idea
--------
Every tracked object in orbit is described by a few numbers, published daily by the US
Space Force and mirrored by CelesTrak. The oldest and most common format is the *two-line
element set* (TLE): two lines of exactly 69 characters, designed for punched cards in the
1960s. Every field has fixed columns: a digit one column off changes its meaning.

The six numbers that fix an orbit (the *Keplerian elements*) are all on line 2:
inclination (tilt to the equator), right ascension of the ascending node (where it
crosses the equator northbound, measured among the stars), eccentricity (how stretched),
argument of perigee (where the lowest point is), mean anomaly (where the satellite is at
the epoch) and mean motion (revolutions per day — which fixes the size, by Kepler's third
law). Line 1 says *when* (the epoch) and how drag slows the object (BSTAR).

Since 2020 the same numbers also travel as an *OMM* (CCSDS Orbit Mean-Elements Message):
named fields in JSON, XML or CSV, with no column rules and room for catalogue numbers
above 99,999. orbitkit reads both and gives the same orbit either way.

What to look at
---------------
* Top: the two lines of the Tianhe core module's TLE from CelesTrak's 24 February 2026
  snapshot, each field boxed in its own colour. The printed table explains every field.
* Bottom left: the same element set as an OMM in JSON; each key has the colour of the TLE
  field it carries. Bottom right: the orbit these numbers describe, to scale — the station
  skims just 390 km above a 6,371 km Earth.
* The script prints how far apart the TLE and the OMM put the station one day later: less
  than a millimetre (the two formats carry the same digits).

Try next
--------
Change one digit of the inclination in ``LINE2`` (say ``41.4668`` to ``41.5668``) and run
again: orbitkit refuses the line, because the last column is a checksum. Why does the
checksum not protect against swapping two digits?

Run: ``python 01_read_a_tle_and_an_omm.py`` (offline: the elements are embedded below as a
teaching sample; writes 01_read_a_tle_and_an_omm.png).
"""

from __future__ import annotations

import json
import math

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402

from orbitkit import ElementFileError, parse_text, propagate  # noqa: E402

# Tianhe (CSS core module) in CelesTrak's 'active' group, 2026-02-24 snapshot (orbitkit's
# shared reference data): a teaching sample, embedded on purpose.
NAME = "CSS (TIANHE)"
LINE1 = "1 48274U 21035A   26055.08242906  .00019707  00000+0  23964-3 0  9995"
LINE2 = "2 48274  41.4668 290.9181 0005449 183.7722 176.3076 15.60067811275489"

# The same element set written as a CCSDS OMM in CelesTrak's JSON form (the values copied
# from the TLE fields above; the epoch's day fraction 0.08242906 d = 01:58:41.870784).
OMM_JSON = json.dumps([{
    "OBJECT_NAME": "CSS (TIANHE)", "OBJECT_ID": "2021-035A",
    "EPOCH": "2026-02-24T01:58:41.870784", "MEAN_MOTION": 15.60067811,
    "ECCENTRICITY": 0.0005449, "INCLINATION": 41.4668, "RA_OF_ASC_NODE": 290.9181,
    "ARG_OF_PERICENTER": 183.7722, "MEAN_ANOMALY": 176.3076, "EPHEMERIS_TYPE": 0,
    "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 48274, "ELEMENT_SET_NO": 999,
    "REV_AT_EPOCH": 27548, "BSTAR": 0.00023964, "MEAN_MOTION_DOT": 0.00019707,
    "MEAN_MOTION_DDOT": 0,
}], indent=1)

# The column layout (1-based, inclusive), what each field means, and its OMM key.
FIELDS = {
    1: [
        (1, 1, "line number", None),
        (3, 7, "catalogue (NORAD) number", "NORAD_CAT_ID"),
        (8, 8, "classification (U = unclassified)", "CLASSIFICATION_TYPE"),
        (10, 17, "international designator: launch year, launch number, piece", "OBJECT_ID"),
        (19, 32, "epoch: year (2 digits) and day of the year with its fraction", "EPOCH"),
        (34, 43, "first derivative of mean motion / 2 (rev/day²)", "MEAN_MOTION_DOT"),
        (45, 52, "second derivative of mean motion / 6 (rev/day³)", "MEAN_MOTION_DDOT"),
        (54, 61, "BSTAR drag term (1/Earth radii): 23964-3 = 0.23964e-3", "BSTAR"),
        (63, 63, "ephemeris type (0 = SGP4)", "EPHEMERIS_TYPE"),
        (65, 68, "element set number", "ELEMENT_SET_NO"),
        (69, 69, "checksum: digits summed (a '-' counts 1), modulo 10", None),
    ],
    2: [
        (1, 1, "line number", None),
        (3, 7, "catalogue (NORAD) number", "NORAD_CAT_ID"),
        (9, 16, "inclination (deg)", "INCLINATION"),
        (18, 25, "right ascension of the ascending node (deg)", "RA_OF_ASC_NODE"),
        (27, 33, "eccentricity, decimal point assumed: 0005449 = 0.0005449", "ECCENTRICITY"),
        (35, 42, "argument of perigee (deg)", "ARG_OF_PERICENTER"),
        (44, 51, "mean anomaly (deg)", "MEAN_ANOMALY"),
        (53, 63, "mean motion (revolutions per day)", "MEAN_MOTION"),
        (64, 68, "revolution number at epoch (laps since launch)", "REV_AT_EPOCH"),
        (69, 69, "checksum", None),
    ],
}
COLOURS = plt.cm.tab20(np.linspace(0, 1, 20))

# ---- read both with orbitkit ----------------------------------------------------------
try:
    tle_result = parse_text(f"{NAME}\n{LINE1}\n{LINE2}\n", path="embedded TLE")
    omm_result = parse_text(OMM_JSON, path="embedded OMM")
except ElementFileError as exc:  # a damaged sample: orbitkit says which column and why
    raise SystemExit(str(exc)) from None
tle, omm = tle_result.sets[0], omm_result.sets[0]
print(f"orbitkit recognised the formats by their content: {tle_result.format!r} and "
      f"{omm_result.format!r}\n")

print(f"{'columns':8s} {'text':15s} meaning")
for line_no, line in ((1, LINE1), (2, LINE2)):
    print(f"--- line {line_no}")
    for start, end, meaning, _key in FIELDS[line_no]:
        print(f"{start:2d}-{end:<5d} {line[start - 1:end]!r:15s} {meaning}")

sat = tle.satrec
n_rad_s = sat.no_kozai / 60.0  # SGP4 keeps the mean motion in radians per minute
a_km = sat.a * 6378.135  # and the semi-major axis in Earth radii (WGS72)
perigee_km = a_km * (1 - sat.ecco) - 6378.135
apogee_km = a_km * (1 + sat.ecco) - 6378.135
print(f"\n{tle.name}, NORAD {tle.norad_id}, COSPAR {tle.cospar_id}, "
      f"epoch {tle.epoch:%Y-%m-%d %H:%M:%S} UTC")
print(f"period {2 * math.pi / n_rad_s / 60:.2f} min, semi-major axis {a_km:,.1f} km, "
      f"perigee {perigee_km:.0f} km, apogee {apogee_km:.0f} km above the equator's radius")

# One day later, both formats must put the station in the same place.
later = np.datetime64(tle.epoch.replace(tzinfo=None), "ns") + np.timedelta64(1, "D")
r_tle = propagate(tle, [later]).r_teme_km[0, 0]
r_omm = propagate(omm, [later]).r_teme_km[0, 0]
print(f"TLE and OMM one day after the epoch: {np.linalg.norm(r_tle - r_omm) * 1e6:.3f} mm apart")

# ---- the figure -----------------------------------------------------------------------
fig = plt.figure(figsize=(14, 9), layout="constrained")
grid = fig.add_gridspec(2, 2, height_ratios=[1.15, 1], width_ratios=[1.2, 1])
ax = fig.add_subplot(grid[0, :])
key_colour = {}
for row, (line_no, line) in enumerate(((1, LINE1), (2, LINE2))):
    y = 1.0 - row * 1.0
    for k, (start, end, meaning, key) in enumerate(FIELDS[line_no]):
        colour = COLOURS[(2 * k + row) % 20]
        if key:
            key_colour.setdefault(key, colour)
            colour = key_colour[key]
        ax.add_patch(Rectangle((start - 0.5, y - 0.3), end - start + 1, 0.6, color=colour,
                               alpha=0.55, lw=0))
        label_y = y + 0.38 if row == 0 else y - 0.38
        short = meaning.split(":")[0].split(" (")[0]
        ax.text((start + end) / 2, label_y, short, rotation=35 if row == 0 else -35,
                ha="left" if row == 0 else "left", va="bottom" if row == 0 else "top",
                fontsize=7.5)
    for col, ch in enumerate(line, start=1):
        ax.text(col, y, ch, ha="center", va="center", family="monospace", fontsize=12)
for col in range(1, 70, 10):
    ax.text(col, 0.5, str(col), ha="center", va="center", fontsize=7, color="grey")
ax.set_xlim(-1, 85)
ax.set_ylim(-2.4, 2.9)
ax.axis("off")
ax.set_title(f"A two-line element set: {NAME}, CelesTrak 2026-02-24 (grey numbers: columns)",
             fontsize=11)

ax_omm = fig.add_subplot(grid[1, 0])
ax_omm.axis("off")
ax_omm.set_title("the same elements as an OMM (JSON): named fields, no columns", fontsize=10)
record = json.loads(OMM_JSON)[0]
for i, (key, value) in enumerate(record.items()):
    y = 1 - (i + 0.5) / len(record)
    ax_omm.text(0.02, y, f'"{key}":', family="monospace", fontsize=9, va="center",
                bbox={"facecolor": key_colour.get(key, "white"), "alpha": 0.55, "lw": 0,
                      "pad": 1.5})
    ax_omm.text(0.42, y, json.dumps(value), family="monospace", fontsize=9, va="center")

ax_orbit = fig.add_subplot(grid[1, 1])
ax_orbit.add_patch(Circle((0, 0), 6371.0, color="tab:blue", alpha=0.35, lw=0))
E = np.linspace(0, 2 * np.pi, 400)
b_km = a_km * math.sqrt(1 - sat.ecco**2)
ax_orbit.plot(a_km * (np.cos(E) - sat.ecco), b_km * np.sin(E), color="tab:red", lw=1.5,
              label=f"orbit: a = {a_km:,.0f} km, e = {sat.ecco:.4f}")
ax_orbit.set_aspect("equal")
ax_orbit.set_xlim(-7500, 7500)
ax_orbit.set_ylim(-7500, 7500)
ax_orbit.text(0, 0, "Earth\n(radius 6,371 km)", ha="center", va="center", fontsize=9)
ax_orbit.set_xlabel("km")
ax_orbit.legend(loc="upper right", fontsize=8)
ax_orbit.set_title(f"to scale: {perigee_km:.0f} × {apogee_km:.0f} km up, one lap every "
                   f"{2 * math.pi / n_rad_s / 60:.1f} min", fontsize=10)
fig.savefig("01_read_a_tle_and_an_omm.png", dpi=100)
print("wrote 01_read_a_tle_and_an_omm.png")
