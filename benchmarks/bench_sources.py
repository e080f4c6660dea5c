"""Benchmark: what the orbit-source interface costs against SGP4's direct path.

Run: ``python benchmarks/bench_sources.py [--repeat N]``

From the real CelesTrak snapshot of 2026-02-24, the 35 BeiDou-3 satellites × 2,880 epochs
(a day at 30 s), in the same run, best CPU time of ``--repeat`` (interleaved, so a busy
neighbour slows all alike):

* bare: ``SatrecArray.sgp4(jd, fr)`` alone;
* plain: ``propagate(sets, times)``: plain element sets, the direct one-call path;
* switching: each satellite as an :class:`~orbitkit.elements.switching.ElementSetSeries` of
  two sets whose epochs are 12 h apart (so a switch falls mid-day): one sgp4 call per set
  per satellite through the generic :func:`orbitkit.elements.orbit.evaluate`;
* ITRS-native: a source giving Earth-fixed states (as GNSS sources do), read back as TEME.

Printed: each as a ratio of bare sgp4's throughput. The direct path must stay where
bench_propagate.py puts it (~0.85-1.0 of bare); the others say what generality costs.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sgp4.api import SatrecArray

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_propagate import SNAPSHOT, load_snapshot  # noqa: E402

from orbitkit import frames  # noqa: E402
from orbitkit.catalog import resolve_target  # noqa: E402
from orbitkit.elements.model import sgp4_batch  # noqa: E402
from orbitkit.elements.orbit import Orbit  # noqa: E402
from orbitkit.elements.switching import ElementSetSeries  # noqa: E402
from orbitkit.propagation import propagate  # noqa: E402
from orbitkit.timeutil import time_grid, to_julian, utc_to_ut1  # noqa: E402


class ItrsOrbit(Orbit):
    """SGP4 states served Earth-fixed, standing for a GNSS source."""

    kind = source = "precise"
    frame = "itrs"
    cospar_id = None
    origin = "bench"

    def __init__(self, es) -> None:
        self.norad_id, self.name, self.epoch, self._es = es.norad_id, es.name, es.epoch, es

    @classmethod
    def batch_states(cls, orbits, jd, fr):
        err, r, v = sgp4_batch([o._es.satrec for o in orbits], jd, fr)
        r, v = frames.teme_to_itrs(r, v, *utc_to_ut1(jd, fr))
        return err, r, v


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    wanted = {m.norad_id for m in resolve_target("beidou-3")}
    sets = [es for es in load_snapshot(SNAPSHOT) if es.norad_id in wanted]
    t0 = datetime(2026, 2, 24, tzinfo=UTC)
    times = time_grid(t0, t0 + timedelta(seconds=30 * 2879), 30.0)
    jd, fr = to_julian(times)
    series = [ElementSetSeries([es, replace(es, epoch=es.epoch + timedelta(hours=12))])
              for es in sets]
    itrs = [ItrsOrbit(es) for es in sets]
    array = SatrecArray([es.satrec for es in sets])  # built beforehand, as bench_propagate
    cases = {
        "bare SatrecArray.sgp4": lambda: array.sgp4(jd, fr),
        "propagate, plain sets (TEME)": lambda: propagate(sets, times).r_teme_km,
        "propagate, switching sets (TEME)": lambda: propagate(series, times).r_teme_km,
        "propagate, ITRS-native (TEME)": lambda: propagate(itrs, times).r_teme_km,
    }
    best = dict.fromkeys(cases, np.inf)
    for _ in range(args.repeat):
        for name, fn in cases.items():
            c0 = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - c0)
    n = len(sets) * times.size
    print(f"BeiDou-3: {len(sets)} satellites x {times.size:,} epochs = {n:,} samples "
          "(best CPU time; the machine is shared, so numbers are noisy)")
    bare = best["bare SatrecArray.sgp4"]
    for name, t in best.items():
        print(f"  {name:34s} {t * 1e3:8.1f} ms   throughput ratio to bare {bare / t:5.2f}")


if __name__ == "__main__":
    main()
