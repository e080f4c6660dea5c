"""Benchmark: every pass of 100 LEO satellites over 10 stations for 7 days, against a
skyfield ``find_events`` loop on the same data, in the same run.

Run: ``python benchmarks/bench_passes.py [--repeat N] [--mask DEG] [--days D]``

Data: the first 100 objects of the CelesTrak active snapshot of 2026-02-24 that are in
near-circular low orbits (14-16.5 rev/day, e < 0.01), copied to a temporary TLE file;
ten stations on five continents; the week after the snapshot; a 10 deg mask.

Timed, best of ``--repeat``:

* orbitkit process: the whole ``orbitkit passes ... --format csv`` command as a child
  process (interpreter start, imports, reading the element file, the search, visibility,
  writing ~28,000 CSV rows), run as an installed command normally runs: with bytecode
  caching and buffered stdout even if this shell sets ``PYTHONDONTWRITEBYTECODE`` or
  ``PYTHONUNBUFFERED`` (the first repeat writes the bytecode; the best repeat counts);
* orbitkit search: ``find_passes`` alone, in this process;
* skyfield search: ``EarthSatellite.find_events`` for every satellite and station alone
  (satellites, stations and the timescale built beforehand, not timed).

Goal (issue 5): the orbitkit process >= 10x faster than skyfield's search, with the same
number of passes. Passes are counted the same way on both sides: one per rise/set pair,
plus passes cut by the window's edges (skyfield reports those as a lone set or rise,
possibly with a culmination).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sgp4.api import Satrec  # noqa: E402

from orbitkit.elements.model import ElementSet  # noqa: E402
from orbitkit.passes import find_passes  # noqa: E402
from orbitkit.sites import parse_site  # noqa: E402

SNAPSHOT = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data")) / \
    "tle" / "celestrak-active-2026-02-24.tle"
STATIONS = [
    "39.9042,116.4074,50",      # Beijing
    "31.2304,121.4737,10",      # Shanghai
    "39.4700,75.9900,1300",     # Kashgar
    "-33.8700,151.2100,40",     # Sydney
    "51.5000,-0.1200,20",       # London
    "40.7000,-74.0000,10",      # New York
    "1.3500,103.8200,20",       # Singapore
    "-23.5500,-46.6300,760",    # Sao Paulo
    "64.8000,-147.7000,130",    # Fairbanks
    "-25.8900,27.6900,1400",    # Hartebeesthoek
]
START = datetime(2026, 2, 25, tzinfo=UTC)


def leo_records(n: int) -> list[tuple[str, str, str]]:
    lines = SNAPSHOT.read_text().splitlines()
    out = []
    for i in range(0, len(lines) - 2, 3):
        name, l1, l2 = lines[i], lines[i + 1], lines[i + 2]
        sat = Satrec.twoline2rv(l1, l2)
        revs = sat.no_kozai * 1440.0 / (2.0 * math.pi)
        if 14.0 <= revs <= 16.5 and sat.ecco < 0.01:
            out.append((name, l1, l2))
        if len(out) == n:
            break
    return out


def element_sets(records) -> list[ElementSet]:
    sets = []
    for name, l1, l2 in records:
        sat = Satrec.twoline2rv(l1, l2)
        whole = sat.jdsatepoch + sat.jdsatepochF
        epoch = datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(days=whole - 2451545.0)
        sets.append(ElementSet(sat.satnum, name.strip(), epoch, sat, "file", line1=l1,
                               line2=l2))
    return sets


def skyfield_count(groups_events) -> int:
    """Passes in find_events output: each set closes one; a trailing rise opens one more."""
    n = 0
    for events in groups_events:
        n += int((events == 2).sum())
        if len(events) and events[-1] != 2 and (events == 0).any():
            last_rise = max(i for i, e in enumerate(events) if e == 0)
            if not (events[last_rise:] == 2).any():
                n += 1
        elif len(events) and not (events == 0).any() and not (events == 2).any():
            n += 1  # only culminations: up through the whole window
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mask", type=float, default=10.0)
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--satellites", type=int, default=100)
    args = parser.parse_args()

    records = leo_records(args.satellites)
    sets = element_sets(records)
    stop = START + timedelta(days=args.days)
    print(f"{len(sets)} LEO satellites x {len(STATIONS)} stations x {args.days:g} days, "
          f"mask {args.mask:g} deg; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")

    with tempfile.TemporaryDirectory() as tmp:
        tle = Path(tmp) / "leo100.tle"
        tle.write_text("".join(f"{a}\n{b}\n{c}\n" for a, b, c in records))
        cmd = [sys.executable, "-c", "import sys; from orbitkit.cli import main; "
               "sys.exit(main())", "passes", ",".join(str(es.norad_id) for es in sets)]
        for s in STATIONS:
            cmd += ["--station", s]
        cmd += ["--start", START.strftime("%Y-%m-%dT%H:%M:%SZ"), "--days", f"{args.days:g}",
                "--min-elevation-deg", f"{args.mask:g}", "--elements", str(tle),
                "--offline", "--format", "csv"]
        # The child runs as an installed command normally does: bytecode cached (the
        # first repeat writes it) and stdout buffered, whatever this shell sets.
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
        env["ORBITKIT_OFFLINE"] = "1"
        proc_times, proc_cpu = [], []
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
            proc_times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            proc_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if proc.returncode != 0:
                print(proc.stderr)
                return 1
        n_process = len(list(csv.reader(io.StringIO(proc.stdout)))) - 1

    sites = [parse_site(s) for s in STATIONS]
    search_times, search_cpu = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        res = find_passes(sets, sites, START, stop, min_elevation_deg=args.mask)
        search_times.append(time.perf_counter() - t)
        search_cpu.append(time.process_time() - c)
    n_search = len(res)

    from skyfield.api import EarthSatellite, load, wgs84

    ts = load.timescale(builtin=True)
    sats = [EarthSatellite.from_satrec(es.satrec, ts) for es in sets]
    toposes = [wgs84.latlon(s.lat_deg, s.lon_deg, elevation_m=s.alt_m) for s in sites]
    t0, t1 = ts.from_datetime(START), ts.from_datetime(stop)
    sky_times, sky_cpu = [], []
    for _ in range(max(1, min(args.repeat, 2))):
        outputs = []
        t, c = time.perf_counter(), time.process_time()
        for topos in toposes:
            for sat in sats:
                outputs.append(sat.find_events(topos, t0, t1, altitude_degrees=args.mask)[1])
        sky_times.append(time.perf_counter() - t)
        sky_cpu.append(time.process_time() - c)
    n_sky = skyfield_count(outputs)

    best_proc, best_search, best_sky = min(proc_times), min(search_times), min(sky_times)
    cpu_proc, cpu_search, cpu_sky = min(proc_cpu), min(search_cpu), min(sky_cpu)
    print("                                                   wall      CPU")
    print(f"orbitkit passes process (whole command, CSV out): {best_proc:7.3f} s {cpu_proc:7.3f} s"
          f"   {n_process} passes")
    print(f"orbitkit find_passes (search only):               {best_search:7.3f} s "
          f"{cpu_search:7.3f} s   {n_search} passes")
    print(f"skyfield find_events loop (search only):          {best_sky:7.3f} s {cpu_sky:7.3f} s"
          f"   {n_sky} passes")
    print(f"speed-up, process vs skyfield search: {best_sky / best_proc:5.1f}x wall, "
          f"{cpu_sky / cpu_proc:5.1f}x CPU (goal >= 10x)")
    print(f"speed-up, search vs skyfield search:  {best_sky / best_search:5.1f}x wall, "
          f"{cpu_sky / cpu_search:5.1f}x CPU")
    print(f"same number of passes: {n_process == n_search == n_sky}")
    return 0 if n_process == n_search == n_sky else 1


if __name__ == "__main__":
    raise SystemExit(main())
