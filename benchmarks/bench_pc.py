"""Benchmark: SOCRATES's maximum probability for a day's close events (issue 15, speed).

Run: ``python benchmarks/bench_pc.py [--events N] [--old-events M]``

The all-on-all screen of the 2026 active catalogue finds ~56,000 events a day, of which
~1,300 have a hard body of at least 2 % of the miss and need the numerical Alfano maximum.
Here: N synthetic encounters (default 1,300) in low Earth orbit, combined hard-body radius
10 m (two default 5 m bodies), miss distances spread uniformly over the encounter-plane
disc of radius 0.5 km (below 0.5 km, R >= 0.02 miss), random geometry (so random aspect
ratios of SOCRATES's 100/300/100 m shape).

Timed in this process, in the same run:

* vectorised: ``socrates_max_probability_many`` for all N events (the aspect ratios and the
  maxima, as the screen calls it);
* the old path, one event at a time: the scalar algorithm the package used before
  (``reference_alfano_max_pc`` in tests/test_alfano_vectorised.py, a Python ``math.erf``
  loop per node) on the same (miss, R, AR), for M events (default all N), scaled to N.

The machine is shared: take the ratio, not the seconds.
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


def encounters(n: int, seed: int = 2026):
    """(r1, v1, r2, v2) [km, km/s] of n encounters at TCA and the combined radius [km]."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=(n, 3))
    r1 = 6371.0 + rng.uniform(400.0, 1200.0, (n, 1))
    r1 = r1 * u / np.linalg.norm(u, axis=1, keepdims=True)
    v1 = rng.normal(size=(n, 3))
    v1 -= np.sum(v1 * r1, axis=1, keepdims=True) * r1 / np.sum(r1 * r1, axis=1, keepdims=True)
    v1 *= 7.5 / np.linalg.norm(v1, axis=1, keepdims=True)
    v2 = rng.normal(size=(n, 3)) * 5.0 + v1
    rel_v = v2 - v1
    # the miss lies in the encounter plane (normal to the relative velocity), its length
    # uniform over the disc of radius 0.5 km
    m = rng.normal(size=(n, 3))
    m -= np.sum(m * rel_v, axis=1, keepdims=True) * rel_v / np.sum(rel_v * rel_v, axis=1,
                                                                  keepdims=True)
    miss = 0.5 * np.sqrt(rng.uniform(0.0, 1.0, (n, 1)))
    r2 = r1 + miss * m / np.linalg.norm(m, axis=1, keepdims=True)
    return r1, v1, r2, v2, 0.010


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1300, help="events (default 1300)")
    ap.add_argument("--old-events", type=int, default=None,
                    help="events timed on the old one-at-a-time path (default all), scaled")
    args = ap.parse_args()
    from orbitkit.conjunctions import pc as pcmod
    from tests.test_alfano_vectorised import reference_alfano_max_pc

    n = args.events
    r1, v1, r2, v2, hbr = encounters(n)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(shared: times vary, the ratio is the figure)")
    pcmod.socrates_max_probability_many(r1[:8], v1[:8], r2[:8], v2[:8], hbr)  # scipy import
    t = time.perf_counter()
    pmax, dil = pcmod.socrates_max_probability_many(r1, v1, r2, v2, np.full(n, hbr))
    new_s = time.perf_counter() - t

    miss = np.linalg.norm(r2 - r1, axis=1)
    ar = np.array([pcmod._socrates_aspect(r1[k], v1[k], r2[k], v2[k]) for k in range(n)])
    numerical = int(np.sum((hbr >= 0.02 * miss) & (hbr < miss)))
    m = n if args.old_events is None else min(args.old_events, n)
    t = time.perf_counter()
    old = [reference_alfano_max_pc(float(miss[k]), hbr, float(ar[k])) for k in range(m)]
    old_s = (time.perf_counter() - t) * n / m
    old_p = np.array([o[0] for o in old])
    old_d = np.array([o[1] for o in old])
    dp = float(np.max(np.abs(pmax[:m] / old_p - 1.0)))
    dd = float(np.max(np.abs(dil[:m] / np.where(old_d > 0, old_d, 1.0) - np.where(old_d > 0, 1.0,
                                                                                   0.0))))
    scaled = "" if m == n else f" (measured on {m}, scaled)"
    print(f"max probability, {n:,} events ({numerical:,} numerical): {new_s:.3f} s vectorised "
          f"vs {old_s:.2f} s one at a time (the old path){scaled}: {old_s / new_s:.0f}x")
    print(f"  agreement with the old path: Pc within {dp:.1e} relative, dilution within "
          f"{dd:.1e} relative")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
