"""Parse benchmark: orbitkit's validating reader vs bare ``Satrec.twoline2rv``.

Usage::

    python benchmarks/bench_parse.py [FILE] [--rounds N] [--check]

FILE defaults to the 14,468-object CelesTrak snapshot of 2026-02-24 in the shared
reference data (``$ORBITKIT_SHARED_DATA/tle`` or ``../shared/data/tle``).

What is timed, in the same process, alternating, ``--rounds`` times:

bare
    What one would write without orbitkit: read the file, split it into lines and
    call ``Satrec.twoline2rv`` on every pair, keeping the Satrec objects.
orbitkit
    ``read_elements(path)``: read, decode, sniff the format, validate every line
    (layout, characters, checksums, catalogue numbers, physical ranges), build one
    ``ElementSet`` per object and report bad records.

Each round times bare and orbitkit back to back; the figure of merit is the median of
the per-round ratios (the requirement is <= 1.5), because on a busy machine the load
drifts and only back-to-back pairs see the same conditions. The ratio of the best
(minimum) times is printed too. CPU time of this process is used
(``time.process_time``), so other processes competing for the CPU disturb the numbers
less; wall time is printed as well. ``--check`` exits with status 1 when the median
ratio exceeds the limit.

``ElementSet.epoch``, ``cospar_id`` and ``origin`` of TLE sets are made on first
access (everything is validated at parse time, only the Python objects are deferred);
the cost of touching all of them afterwards is printed separately, so the total cost
of a fully used catalogue is visible too.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

from sgp4.api import Satrec

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orbitkit.elements.parse import read_elements  # noqa: E402

LIMIT = 1.5


def default_file() -> Path:
    shared = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data"))
    return shared / "tle" / "celestrak-active-2026-02-24.tle"


def bare(path: Path) -> list[Satrec]:
    lines = path.read_text().splitlines()
    out = []
    for i in range(0, len(lines) - 2, 3):
        out.append(Satrec.twoline2rv(lines[i + 1], lines[i + 2]))
    return out


def ours(path: Path):
    return read_elements(path)


def touch_lazy(sets) -> None:
    for es in sets:
        es.epoch, es.cospar_id, es.origin  # noqa: B018 - the access is the point


def timed(func, *args):
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    result = func(*args)
    return result, time.process_time() - c0, time.perf_counter() - w0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=default_file())
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 when the median ratio is above {LIMIT}")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"no such file: {args.file} (set ORBITKIT_SHARED_DATA)", file=sys.stderr)
        return 2
    # Warm up both (imports, numpy, file cache, shape cache).
    n_bare = len(bare(args.file))
    result = ours(args.file)
    if result.errors:
        print(f"warning: {len(result.errors)} bad records in {args.file}", file=sys.stderr)
    cpu_b, cpu_o, wall_b, wall_o, lazy = [], [], [], [], []
    for _ in range(args.rounds):
        _, c, w = timed(bare, args.file)
        cpu_b.append(c)
        wall_b.append(w)
        res, c, w = timed(ours, args.file)
        cpu_o.append(c)
        wall_o.append(w)
        _, c, _ = timed(touch_lazy, res.sets)
        lazy.append(c)
        del res
    best = min(cpu_o) / min(cpu_b)
    median = statistics.median(o / b for o, b in zip(cpu_o, cpu_b, strict=True))
    print(f"file: {args.file}")
    print(f"objects: bare {n_bare}, orbitkit {len(result.sets)} "
          f"({len(result.errors)} errors)")
    print(f"bare twoline2rv      cpu best {min(cpu_b) * 1e3:8.1f} ms   "
          f"wall best {min(wall_b) * 1e3:8.1f} ms")
    print(f"orbitkit read        cpu best {min(cpu_o) * 1e3:8.1f} ms   "
          f"wall best {min(wall_o) * 1e3:8.1f} ms")
    print(f"ratio: median of round ratios {median:.2f} (limit {LIMIT}), "
          f"best/best {best:.2f}")
    print(f"then touching epoch/cospar_id/origin of every set: {min(lazy) * 1e3:.1f} ms "
          f"(ratio incl. that: {(min(cpu_o) + min(lazy)) / min(cpu_b):.2f})")
    if args.check and median > LIMIT:
        print("FAIL: above the limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
