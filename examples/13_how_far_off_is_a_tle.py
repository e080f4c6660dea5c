"""13 — How far off is a TLE? BeiDou-3 from TLE, broadcast and precise orbits, side by side.

The idea
--------
There are three common ways to know where a navigation satellite is:

* a **TLE** (two-line element set, CelesTrak): mean elements for the SGP4 model, fitted to
  radar and optical tracking; good to a few km when fresh, and it ages;
* the **broadcast ephemeris**: the Keplerian elements every BeiDou satellite transmits,
  uploaded every hour by the ground segment; what a receiver uses; good to about a metre;
* the **precise orbit** (SP3, here GFZ's multi-GNSS product): computed afterwards from a
  global tracking network, good to a few cm. It is the reference here.

The script takes one satellite of each BeiDou-3 orbit class (MEO C19, IGSO C38, GEO C59) and
measures, over 1 January 2023, how far the TLE and the broadcast orbit put it from the
precise orbit; then it looks at the sky over Beijing and the PDOP there from each source.

An honest caveat: the newest BeiDou TLE snapshot orbitkit has offline is from
**2022-02-04, 11 months before** the navigation and SP3 files of 2023-01-01. So this lesson
shows what an *old* TLE does. A TLE of the same day is typically within a few km for MEO;
an 11-month-old one is tens of km off for MEO, and for the GEO and IGSO satellites, which
are station-kept (small engine burns the TLE knows nothing about), tens of thousands of km:
SGP4 lets the GEO drift from 140°E to 52°E.

What to look at
---------------
* Top left: the 3D difference from the precise orbit over the day, log scale: solid lines
  the TLE, dashed the broadcast orbit. Seven orders of magnitude apart.
* Top right: the broadcast orbit's error split into radial, along-track and cross-track.
  The radial part is mostly a constant ~1.3-1.8 m: broadcast orbits refer to the antenna,
  SP3 to the centre of mass. The GEO's error is along-track.
* Bottom left: the three satellites' tracks in the sky of Beijing from precise (thick),
  broadcast (on top of it: indistinguishable) and TLE (thin) orbits.
* Bottom right: PDOP at Beijing from all BeiDou-3 satellites of each source. Broadcast and
  precise agree to the third decimal; the old TLEs give a different sky altogether.

Try next
--------
With a network: ``orbitkit fetch beidou-3`` for today's TLEs and a navigation file of today
(e.g. from the IGS BRDC archive); then ``orbitkit compare-orbits beidou-3 --elements
today.tle --elements brdc.rnx.gz --start ... --hours 24``. How far off is a *fresh* TLE?

Run: ``python 13_how_far_off_is_a_tle.py [TLE_FILE NAV_FILE SP3_FILE]`` (offline; without
arguments it reads orbitkit's shared reference data: ORBITKIT_SHARED_DATA or
../shared/data beside the checkout; writes 13_how_far_off_is_a_tle.png).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw without a screen (classroom servers, CI)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from orbitkit.catalog import load_catalog  # noqa: E402
from orbitkit.coverage import site_series  # noqa: E402
from orbitkit.frames import geodetic_to_itrs, topocentric  # noqa: E402
from orbitkit.gnss.compare import compare_orbits  # noqa: E402
from orbitkit.gnss.orbit_files import open_orbit_file  # noqa: E402
from orbitkit.gnss.timescales import utc_to_gpst_ns  # noqa: E402

START = datetime(2023, 1, 1, tzinfo=UTC)
HOURS, STEP_S = 24, 300
SATS = {"C19": "MEO", "C38": "IGSO", "C59": "GEO"}
BEIJING = (39.9042, 116.4074)  # degrees
MASK_DEG = 10.0


def data_files() -> list[Path]:
    if len(sys.argv) == 4:
        return [Path(a) for a in sys.argv[1:4]]
    shared = Path(os.environ.get("ORBITKIT_SHARED_DATA",
                                 Path(__file__).resolve().parents[2] / "shared" / "data"))
    files = [shared / "tle/celestrak-beidou-2022-02-04.txt",
             shared / "gnss/2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz",
             shared / "gnss/2023-001/GFZ0MGXRAP_20230010000_01D_05M_ORB.SP3.gz"]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        sys.exit(f"reference files not found: {', '.join(missing)}; give TLE, NAV and SP3 "
                 "files as arguments or set ORBITKIT_SHARED_DATA")
    return files


tle_path, nav_path, sp3_path = data_files()
catalog = load_catalog()
prn_of_norad = {m.norad_id: m.prn for m in catalog.members() if m.prn and m.norad_id}
tle = open_orbit_file(tle_path, prn_of_norad)
broadcast = open_orbit_file(nav_path)
precise = open_orbit_file(sp3_path)
names = {m.prn: m.name for m in catalog.members() if m.prn}
ages = {p: (START - tle.sets[p].epoch).days for p in SATS}
print(f"TLE epochs are {min(ages.values())}-{max(ages.values())} days before {START:%Y-%m-%d}")

stop = START + timedelta(hours=HOURS)
prns = list(SATS)
vs_tle = compare_orbits(tle, precise, prns, START, stop, step_s=STEP_S)
vs_brdc = compare_orbits(broadcast, precise, prns, START, stop, step_s=STEP_S)
print(f"{'PRN':4s} {'class':5s} {'TLE 3D RMS':>14s} {'broadcast 3D RMS':>17s}")
for a, b in zip(vs_tle.satellites, vs_brdc.satellites, strict=True):
    print(f"{a.prn:4s} {SATS[a.prn]:5s} {a.rms_3d_m / 1e3:11,.1f} km {b.rms_3d_m:15.2f} m")

fig = plt.figure(figsize=(12, 9.5))
colours = {"C19": "#1f77b4", "C38": "#ff7f0e", "C59": "#d62728"}

# --- top left: 3D difference over the day
ax = fig.add_subplot(2, 2, 1)
hours = (vs_tle.times_utc - vs_tle.times_utc[0]) / np.timedelta64(3600, "s")
for i, prn in enumerate(prns):
    ax.plot(hours, np.linalg.norm(vs_tle.d_rtn_m[i], axis=-1), color=colours[prn],
            label=f"{prn} {SATS[prn]}: TLE ({ages[prn]} days old)")
    ax.plot(hours, np.linalg.norm(vs_brdc.d_rtn_m[i], axis=-1), "--", color=colours[prn],
            label=f"{prn} {SATS[prn]}: broadcast")
ax.set_yscale("log")
ax.set_ylabel("distance from the precise orbit (m)")
ax.set_xlabel("hours of 2023-01-01 (UTC)")
ax.set_title("How far off? 3D difference from the GFZ precise orbit")
ax.legend(fontsize=7, ncol=2)
ax.grid(alpha=0.3, which="both")

# --- top right: broadcast error in radial / along / cross
ax = fig.add_subplot(2, 2, 2)
x = np.arange(len(prns))
for k, (key, label) in enumerate((("rms_radial_m", "radial"), ("rms_along_m", "along-track"),
                                  ("rms_cross_m", "cross-track"))):
    ax.bar(x + (k - 1) * 0.27, [getattr(s, key) for s in vs_brdc.satellites], 0.27,
           label=label)
ax.set_xticks(x, [f"{p}\n{SATS[p]}" for p in prns])
ax.set_ylabel("RMS over the day (m)")
ax.set_title("Broadcast minus precise, by direction")
ax.legend(fontsize=8)

# --- bottom left: sky over Beijing
lat, lon = np.radians(BEIJING)
station = geodetic_to_itrs(lat, lon, 0.0)
t_ns = utc_to_gpst_ns(vs_tle.times_utc)
ax = fig.add_subplot(2, 2, 3, projection="polar")
ax.set_theta_zero_location("N")
ax.set_theta_direction(-1)
for source, style in ((precise, dict(lw=4, alpha=0.35)), (broadcast, dict(lw=1.2)),
                      (tle, dict(lw=0.8, ls=":"))):
    r = source.positions(prns, t_ns).r_ecef_m / 1e3
    az, el, _, _ = topocentric(r, station, lat, lon)
    for i, prn in enumerate(prns):
        up = np.degrees(el[i]) >= 0
        ax.plot(np.where(up, az[i], np.nan), 90 - np.degrees(el[i]), color=colours[prn],
                **style)
ax.set_rmax(90)
ax.set_yticks([0, 30, 60, 90], ["90°", "60°", "30°", "0°"], fontsize=7)
ax.set_title("Sky of Beijing, 24 h: precise (thick), broadcast (on it), TLE (dotted)",
             fontsize=9)

# --- bottom right: PDOP at Beijing from each source (all BeiDou-3 satellites it has)
ax = fig.add_subplot(2, 2, 4)
bds3 = [m.prn for m in catalog.system("beidou-3").members if m.prn]
times = [START + timedelta(seconds=float(s)) for s in
         (vs_tle.times_utc - np.datetime64(START.replace(tzinfo=None), "ns"))
         / np.timedelta64(1, "s")]
for source, label, style in ((precise, "precise (SP3)", dict(lw=3, alpha=0.4)),
                             (broadcast, "broadcast", dict(lw=1)),
                             (tle, "TLE (2022-02-04)", dict(lw=1, ls=":"))):
    have = [p for p in bds3 if p in source.prns and p not in broadcast.unhealthy()]
    s = source.positions(have, t_ns)
    series = site_series(s.r_ecef_m / 1e3, times, *BEIJING, mask_deg=MASK_DEG,
                         ok=s.status == 0)
    ax.plot(hours, series.pdop, label=f"{label}: {len(have)} satellites", **style)
    print(f"PDOP at Beijing from {label:17s}: mean {np.nanmean(series.pdop):.3f}")
ax.set_xlabel("hours of 2023-01-01 (UTC)")
ax.set_ylabel(f"PDOP (mask {MASK_DEG:g}°)")
ax.set_title("PDOP at Beijing from each source (BeiDou-3 only)")
ax.legend(fontsize=8)
ax.grid(alpha=0.3)

fig.suptitle("How far off is a TLE? BeiDou-3 MEO, IGSO and GEO on 2023-01-01", fontsize=12)
fig.tight_layout()
fig.savefig("13_how_far_off_is_a_tle.png", dpi=80)
print("wrote 13_how_far_off_is_a_tle.png")
