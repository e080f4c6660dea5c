"""Benchmark: a day of multi-GNSS broadcast positions at 30 s, against SGP4 on the same grid.

Run: ``python benchmarks/bench_broadcast.py [--repeat N]``

Case (issue 17): every satellite with a healthy record in the IGS merged navigation file
of 2023-01-01 (GPS, GLONASS, Galileo, BeiDou, QZSS, NavIC: 130 satellites) x 2,880
epochs (a day at 30 s), Earth-fixed positions.

Measured in the same run, best of ``--repeat``, interleaved so a busy neighbour slows all
alike (the machine is shared):

* parse: ``read_rinex_nav`` of the gzipped file (110,982 lines);
* broadcast: ``BroadcastOrbits.positions(prns, t)``: record selection + ICD kernels,
  Earth-fixed metres (GLONASS by RK4);
* sgp4 path: orbitkit's ``propagate(sets, times).r_itrs_km`` for the same number of
  satellites (the 2021-02-03 CelesTrak ``gnss`` group, first 130 objects) on the same
  2,880 epochs: SGP4 + TEME -> ITRS, i.e. Earth-fixed positions too;
* bare sgp4: ``SatrecArray.sgp4`` alone (TEME, no frame conversion), for scale.

Goal: broadcast faster than the sgp4 path (ratio sgp4 path / broadcast > 1).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orbitkit.gnss import BroadcastOrbits, read_rinex_nav  # noqa: E402
from orbitkit.gnss.timescales import utc_to_gpst_ns  # noqa: E402

SHARED = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data"))
NAV = SHARED / "gnss/2023-001/BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
TLE = SHARED / "tle/celestrak-gnss-2021-02-03.txt"


def best_interleaved(fns, repeat):
    wall = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            wall[k].append(time.perf_counter() - t0)
    return [min(t) for t in wall]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from sgp4.api import SatrecArray

    from orbitkit.elements.parse import read_elements
    from orbitkit.propagation import propagate
    from orbitkit.timeutil import to_julian

    orbits = BroadcastOrbits(read_rinex_nav(NAV))
    prns = orbits.prns
    times = np.datetime64("2023-01-01T00:00:00", "ns") + np.arange(2880) * np.timedelta64(
        30, "s")
    t_gpst = utc_to_gpst_ns(times)
    sets = read_elements(TLE).sets[: len(prns)]
    jd, fr = to_julian(times)
    satrecs = SatrecArray([s.satrec for s in sets])

    def parse():
        read_rinex_nav(NAV)

    def broadcast():
        s = orbits.positions(prns, t_gpst)
        assert np.isfinite(s.r_ecef_m).mean() > 0.99

    def sgp4_path():
        propagate(sets, times).r_itrs_km  # noqa: B018 - the conversion is the work

    def bare():
        satrecs.sgp4(jd, fr)

    t_parse, t_bc, t_sgp4, t_bare = best_interleaved([parse, broadcast, sgp4_path, bare],
                                                     args.repeat)
    n = len(prns) * len(times)
    print(f"grid: {len(prns)} broadcast satellites / {len(sets)} SGP4 objects x "
          f"{len(times)} epochs ({n:,} samples), best of {args.repeat}")
    print(f"parse RINEX nav (gz, 110,982 lines)   {t_parse:8.3f} s")
    print(f"broadcast positions (ECEF)            {t_bc:8.3f} s  {n / t_bc / 1e6:6.2f} M/s")
    print(f"orbitkit SGP4 path (ITRS)             {t_sgp4:8.3f} s  {n / t_sgp4 / 1e6:6.2f} M/s")
    print(f"bare sgp4 (TEME only)                 {t_bare:8.3f} s  {n / t_bare / 1e6:6.2f} M/s")
    print(f"ratio SGP4 path / broadcast           {t_sgp4 / t_bc:8.2f}  (goal > 1)")
    print(f"ratio bare sgp4 / broadcast           {t_bare / t_bc:8.2f}")
    print("(shared machine: absolute times are noisy, the ratios are taken in one run)")


if __name__ == "__main__":
    main()
