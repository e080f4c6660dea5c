"""Benchmark: conjunction screening of the 2026 active catalogue (issue 15).

Run: ``python benchmarks/bench_conjunctions.py [--all-hours H] [--skip-all]``

Data: the CelesTrak active snapshot of 2026-02-24 (14,468 objects), window from
2026-03-01T00:00:00Z, threshold 5 km.

Timed (each a child process: interpreter start, imports, reading the file, the screen,
writing JSON; wall time, CPU time of the child and its peak resident memory):

* station: ``orbitkit conjunctions tiangong --days 7`` (goal <= 5 s on 2 cores);
* all-on-all: ``orbitkit conjunctions all --days H/24`` (goal for 24 h: <= 60 s, <= 4 GB),
  with pairs screened per core-second beside SIMPLETON's (about 4.5e8 pairs x 24 h in about
  300 core-s on a 16-core Ryzen 9 5950X: 1.5e6 pair-days per core-second);
* reference, in this process: SGP4 alone (``SatrecArray``) for the whole catalogue over
  the same window every 60 s, the floor any screen that samples every minute pays.

The machine is shared: wall times depend on the load; CPU times are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SNAPSHOT = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data")) / \
    "tle" / "celestrak-active-2026-02-24.tle"
START = "2026-03-01T00:00:00Z"
ORBITKIT = [sys.executable, "-c", "import sys; from orbitkit.cli import main; sys.exit(main())"]
SIMPLETON_PAIR_DAYS_PER_CORE_S = 4.5e8 / 300.0


def child(argv: list[str]) -> tuple[float, float, float, dict]:
    """Run ``orbitkit argv``; return wall s, CPU s, peak RSS MB and the JSON output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(ORBITKIT + argv, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss_mb = after.ru_maxrss / 1024.0
    return wall, cpu, rss_mb, json.loads(proc.stdout)


def sgp4_reference(days: float) -> float:
    from sgp4.api import SatrecArray

    from orbitkit.elements.parse import read_elements
    from orbitkit.timeutil import parse_utc, to_julian

    sets = read_elements(SNAPSHOT).sets
    jd, fr = to_julian([parse_utc(START)])
    t = np.arange(0.0, days * 86400.0 + 1, 60.0)
    arr = SatrecArray([s.satrec for s in sets])
    c = time.process_time()
    for k in range(0, t.size, 60):
        arr.sgp4(np.full(t[k:k + 60].size, jd[0]), fr[0] + t[k:k + 60] / 86400.0)
    return time.process_time() - c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all-hours", type=float, default=24.0,
                    help="all-on-all window in hours (default 24)")
    ap.add_argument("--skip-all", action="store_true", help="only the station case")
    args = ap.parse_args()
    if not SNAPSHOT.is_file():
        print(f"snapshot not found: {SNAPSHOT}")
        return 1
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(shared: wall times vary)")
    wall, cpu, rss, out = child(["conjunctions", "tiangong", "--elements", str(SNAPSHOT),
                                 "--start", START, "--days", "7", "--format", "json"])
    ref7 = sgp4_reference(7.0)
    print(f"station vs catalogue, 7 days: wall {wall:.2f} s, CPU {cpu:.2f} s, peak "
          f"{rss:.0f} MB, {out['screened_pairs']:,} pairs, {len(out['events'])} events "
          f"(goal: wall <= 5 s)")
    print(f"  reference: SGP4 alone for all {out['objects']:,} objects x 7 days every 60 s: "
          f"CPU {ref7:.2f} s (screen / reference = {cpu / ref7:.2f})")
    if args.skip_all:
        return 0
    days = args.all_hours / 24.0
    wall, cpu, rss, out = child(["conjunctions", "all", "--elements", str(SNAPSHOT),
                                 "--start", START, "--days", f"{days:g}", "--format", "json"])
    ref = sgp4_reference(days)
    pair_days = out["screened_pairs"] * days
    rate = pair_days / cpu
    print(f"all-on-all, {args.all_hours:g} h: wall {wall:.1f} s, CPU {cpu:.1f} s, peak "
          f"{rss:.0f} MB, {out['screened_pairs']:,} pairs, {len(out['events'])} events "
          f"(goal for 24 h: <= 60 s, <= 4096 MB)")
    simpleton = SIMPLETON_PAIR_DAYS_PER_CORE_S
    print(f"  pairs x days screened per core-second: {rate:.3g} (SIMPLETON about "
          f"{simpleton:.2g}; ratio {rate / simpleton:.2f})")
    print(f"  reference: SGP4 alone every 60 s for the same window: CPU {ref:.1f} s "
          f"(screen / reference = {cpu / ref:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
