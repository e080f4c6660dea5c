"""Benchmark of ``orbitkit coverage`` against a plain float64 numpy implementation.

Run: ``python benchmarks/bench_coverage.py`` (from the repository; a few minutes, most of it
the plain implementation). Prints one table and writes nothing.

Cases (issue 6):

1. BDS-3 global 2 deg, 24 h every 10 min, 35 satellites: the whole ``orbitkit coverage``
   process (``--format json``; start-up, element loading, SGP4, TEME->ITRS, coverage, JSON)
   against the same propagation followed by the plain float64 kernel (line-of-sight
   vectors, ``einsum`` for H^T H, ``np.linalg.inv``; ``tests/coverage_reference.py``), in the
   same run on the same element sets. Goal >= 10x.
2. BDS-3 global 1 deg, 24 h every 5 min: the whole process, seconds and peak memory (RSS).
   Goal <= 3 s and <= 500 MB on a 2-core machine.

Elements: the 35 BDS-3 sets of the 2026-02-24 CelesTrak snapshot (written to a temporary
3LE file) when ``--elements`` can read files, else the nominal design orbits; both are 35
satellites in the same orbits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
SNAPSHOT = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data")) \
    / "tle" / "celestrak-active-2026-02-24.tle"
START = "2026-05-01T00:00:00Z"

# A child that runs the real CLI entry point and reports its own peak RSS on stderr.
_CHILD = (
    "import resource, sys\n"
    "from orbitkit.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "u = resource.getrusage(resource.RUSAGE_SELF)\n"
    "sys.stderr.write(f'\\nPEAK_RSS_KB {u.ru_maxrss} CPU_S {u.ru_utime + u.ru_stime}\\n')\n"
    "raise SystemExit(rc)\n"
)


def bds3_file(tmp: Path) -> Path | None:
    try:
        import orbitkit.elements.parse  # noqa: F401 - is --elements readable yet?
    except ImportError:
        return None
    lines = SNAPSHOT.read_text().splitlines()
    keep = []
    for i in range(len(lines) - 2):
        name = lines[i].strip()
        if name.startswith("BEIDOU-3 ") and not name.startswith("BEIDOU-3S"):
            keep += [lines[i], lines[i + 1], lines[i + 2]]
    path = tmp / "bds3-2026-02-24.tle"
    path.write_text("\n".join(keep) + "\n")
    return path


def run_cli(args: list[str], repeat: int) -> tuple[float, float, dict, float]:
    """Best wall time (s) of ``repeat`` runs of the whole process, peak RSS (MB), JSON, CPU s."""
    import json

    best, peak, data, cpu = float("inf"), 0.0, {}, float("inf")
    env = dict(os.environ, ORBITKIT_OFFLINE="1")
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _CHILD, "coverage", *args],
                              capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"orbitkit coverage failed:\n{proc.stderr}")
        best = min(best, wall)
        rss = [ln for ln in proc.stderr.splitlines() if ln.startswith("PEAK_RSS_KB")]
        peak = max(peak, int(rss[-1].split()[1]) / 1024.0)
        cpu = min(cpu, float(rss[-1].split()[3]))
        data = json.loads(proc.stdout)
    return best, peak, data, cpu


def baseline(element_file: Path | None, resolution: float, hours: float, step_min: float):
    """Same element sets and propagation, then the plain float64 kernel: (seconds, summary)."""
    from coverage_reference import cell_areas_sphere, reference_summary

    from orbitkit.elements.sources import load_element_sets
    from orbitkit.propagation import propagate

    t0 = time.perf_counter()
    start = datetime(2026, 5, 1, tzinfo=UTC)
    res = load_element_sets("beidou-3", files=[element_file] if element_file else [],
                            at=start, offline=True)
    n = int(hours * 60 / step_min)
    times = [start + timedelta(minutes=step_min * i) for i in range(n)]
    r = propagate(res.sets, times).r_itrs_km
    lat = np.arange(-90, 90 + 1e-9, resolution)
    lon = np.arange(-180, 180 + 1e-9, resolution)
    # the same area weighting as orbitkit's default, computed independently (sphere)
    weights = cell_areas_sphere(lat, lon, (-90, 90, -180, 180), resolution)
    summary = reference_summary(r, lat, lon, 10.0, weights=weights)
    return time.perf_counter() - t0, summary


def main() -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        element_file = bds3_file(Path(tmpdir))
        files = ["--elements", str(element_file)] if element_file else []
        source = "2026-02-24 snapshot" if element_file else "nominal design orbits"
        common = ["beidou-3", *files, "--start", START, "--format", "json", "--offline"]
        print(f"elements: 35 BDS-3, {source}; CPUs available: {len(os.sched_getaffinity(0))}")

        case1 = ["--resolution-deg", "2", "--hours", "24", "--step-min", "10"]
        ours_s, ours_mb, ours, ours_cpu = run_cli(common + case1, repeat=3)
        c0 = time.process_time()
        base_s, base = baseline(element_file, 2.0, 24.0, 10.0)
        base_cpu = time.process_time() - c0
        print(f"\n1. global 2 deg, 24 h / 10 min ({ours['points']} points x {ours['epochs']} "
              "epochs x 35 satellites)")
        print(f"   orbitkit coverage (whole process) {ours_s:7.2f} s   peak {ours_mb:6.0f} MB   "
              f"CPU {ours_cpu:.2f} s")
        print(f"   plain float64 numpy (in-process)  {base_s:7.2f} s   CPU {base_cpu:.2f} s")
        print(f"   speed-up                          {base_s / ours_s:7.1f} x   (goal >= 10 x; "
              f"by CPU time {base_cpu / ours_cpu:.1f} x)")
        for key in ("mean_visible", "mean_pdop", "median_pdop", "p95_pdop"):
            rel = abs(ours[key] / base[key] - 1)
            print(f"   {key:13s} ours {ours[key]:.6f}  plain {base[key]:.6f}  rel {rel:.1e}")

        case2 = ["--resolution-deg", "1", "--hours", "24", "--step-min", "5"]
        s2, mb2, data2, cpu2 = run_cli(common + case2, repeat=3)
        print(f"\n2. global 1 deg, 24 h / 5 min ({data2['points']} points x {data2['epochs']} "
              "epochs)")
        print(f"   orbitkit coverage (whole process) {s2:7.2f} s   peak {mb2:6.0f} MB   "
              f"CPU {cpu2:.2f} s   (goal <= 3 s, <= 500 MB)")
        print(f"\nload average while running: {os.getloadavg()[0]:.1f} (2 CPUs; other work on "
              "the machine slows the wall times)")


if __name__ == "__main__":
    main()
