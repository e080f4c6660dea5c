"""Benchmark: batched propagation through to geodetic, against bare sgp4 and skyfield.

Run: ``python benchmarks/bench_propagate.py [--repeat N] [--skyfield-sats N]``

Cases (issue 4), from the real CelesTrak snapshot of 2026-02-24:

* the 35 BeiDou-3 satellites of the catalogue × 2,880 epochs (a day at 30 s);
* 10,000 LEO objects (> 11 rev/day) × 100 epochs (100 minutes at 60 s).

For each case, in the same run, best of ``--repeat``:

* bare: ``SatrecArray.sgp4(jd, fr)`` alone (TEME vectors, array built beforehand);
* orbitkit: ``propagate(sets, times)`` + ``Ephemeris.geodetic()`` from ``datetime64``
  times: time conversion, UT1, status check, TEME → geodetic (lat, lon, height);
* skyfield: ``wgs84.geographic_position_of(EarthSatellite.at(t))`` per satellite, the
  ``Time`` built once. For the LEO case only ``--skyfield-sats`` satellites are run and the
  time is scaled per sample (skyfield's cost is linear in satellites).

Goals: orbitkit/bare throughput ≥ 0.8; orbitkit ≥ 10× skyfield.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sgp4.api import SatrecArray  # noqa: E402

from orbitkit.catalog import resolve_target  # noqa: E402
from orbitkit.elements.model import ElementSet  # noqa: E402
from orbitkit.propagation import propagate  # noqa: E402

SNAPSHOT = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data")) / (
    "tle/celestrak-active-2026-02-24.tle"
)


def load_snapshot(path: Path) -> list[ElementSet]:
    """Every 3LE record of the snapshot as an ElementSet (parser-independent, fast)."""
    from datetime import UTC, datetime, timedelta

    from sgp4.api import Satrec

    lines = path.read_text().splitlines()
    out = []
    for i in range(1, len(lines) - 1):
        if lines[i].startswith("1 ") and lines[i + 1].startswith("2 "):
            sat = Satrec.twoline2rv(lines[i], lines[i + 1])
            epoch = datetime(2000 + sat.epochyr, 1, 1, tzinfo=UTC) + timedelta(
                days=sat.epochdays - 1.0)
            out.append(ElementSet(norad_id=sat.satnum, name=lines[i - 1].strip(), epoch=epoch,
                                  satrec=sat, source="file", line1=lines[i], line2=lines[i + 1]))
    return out


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def best_interleaved(fns: list, repeat: int) -> tuple[list[float], list[float]]:
    """Best wall-clock and best CPU time of each function, run in turn, so that a busy
    neighbour (the machine is shared) slows all of them alike instead of whichever happened
    to run then. CPU time is immune to waiting for a core, but counts both threads of the
    geodetic kernel, so it understates orbitkit's wall-clock advantage."""
    wall = [[] for _ in fns]
    cpu = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            c0 = time.process_time()
            t0 = time.perf_counter()
            fn()
            wall[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
    return [min(t) for t in wall], [min(t) for t in cpu]


_SCALING: list[float] = []


def two_core_scaling() -> float:
    """Speed-up of compute-bound work (numpy ``sin``, which releases the GIL) on two threads
    over one, on this machine now: the most that using both cores could add to any engine."""
    if _SCALING:
        return _SCALING[0]
    import threading

    x = np.linspace(0.0, 10.0, 100_000)  # fits in cache: measures cores, not memory
    out = [np.empty_like(x), np.empty_like(x)]

    def work(k: int) -> None:
        for _ in range(80):
            np.sin(x, out=out[k])

    def one() -> None:
        work(0)
        work(1)

    def two() -> None:
        thread = threading.Thread(target=work, args=(1,))
        thread.start()
        work(0)
        thread.join()

    (t_one, t_two), _ = best_interleaved([one, two], 3)
    _SCALING.append(t_one / t_two)
    return _SCALING[0]


def bench_case(label: str, sets: list[ElementSet], n_times: int, step_s: float,
               repeat: int, skyfield_sats: int | None) -> dict[str, float]:
    from skyfield.api import EarthSatellite, load, wgs84

    start = np.datetime64("2026-02-24T00:00:00", "ns")
    times = start + np.arange(n_times) * np.timedelta64(int(step_s * 1e9), "ns")
    n_samples = len(sets) * n_times

    array = SatrecArray([es.satrec for es in sets])
    ns = times.view(np.int64)
    jd = ns // 86_400_000_000_000 + 2440587.5
    fr = (ns % 86_400_000_000_000) / 86_400e9

    propagate(sets, times).geodetic()  # warm-up: imports, skyfield timescale, caches

    def bare():
        array.sgp4(jd, fr)

    def orbitkit_geodetic():
        propagate(sets, times).geodetic()

    def orbitkit_teme():
        propagate(sets, times)

    (t_bare, t_ok, t_teme), (c_bare, c_ok, _) = best_interleaved(
        [bare, orbitkit_geodetic, orbitkit_teme], repeat)

    ts = load.timescale(builtin=True)
    sky_sets = sets if skyfield_sats is None else sets[:skyfield_sats]
    sky_sats = [EarthSatellite.from_satrec(es.satrec, ts) for es in sky_sets]

    def skyfield_run():
        t = ts.from_datetime64(times) if hasattr(ts, "from_datetime64") else ts.utc(
            2026, 2, 24, 0, 0, np.arange(n_times) * step_s)
        for sat in sky_sats:
            wgs84.geographic_position_of(sat.at(t))

    t_sky = best(skyfield_run, max(1, min(repeat, 3))) * (len(sets) / len(sky_sets))

    rate = n_samples / 1e6
    print(f"\n{label}: {len(sets):,} satellites x {n_times:,} epochs = {n_samples:,} samples")
    print(f"  bare SatrecArray.sgp4        {t_bare * 1e3:9.1f} ms  {rate / t_bare:6.2f} M/s")
    print(f"  orbitkit propagate (TEME)    {t_teme * 1e3:9.1f} ms  {rate / t_teme:6.2f} M/s")
    print(f"  orbitkit through geodetic    {t_ok * 1e3:9.1f} ms  {rate / t_ok:6.2f} M/s")
    scaled = "" if skyfield_sats is None else f"  (scaled from {len(sky_sets)} satellites)"
    print(f"  skyfield at() + wgs84        {t_sky * 1e3:9.1f} ms  {rate / t_sky:6.2f} M/s{scaled}")
    print(f"  ratio orbitkit(geodetic)/bare throughput: {t_bare / t_ok:5.2f}  (goal >= 0.8; "
          f"by CPU time {c_bare / c_ok:4.2f})")
    print(f"  ratio orbitkit vs skyfield:               {t_sky / t_ok:5.1f}x (goal >= 10x)")
    # skyfield runs the same C++ sgp4 per satellite, so skyfield/bare bounds the speed-up any
    # engine that is exactly sgp4 (no other engine for deep space) can reach here.
    print(f"  ceiling for an exact-sgp4 engine (skyfield/bare):  {t_sky / t_bare:5.1f}x")
    # What 10x would take: the whole pipeline, frames included, in a tenth of skyfield's time,
    # i.e. this many times bare sgp4's single-core throughput.
    print(f"  10x needs the whole pipeline at {t_bare / (t_sky / 10):4.2f}x bare sgp4's speed "
          f"(two cores give at most {two_core_scaling():4.2f}x here, measured now)")
    return {"bare": t_bare, "orbitkit": t_ok, "skyfield": t_sky, "bare_cpu": c_bare,
            "orbitkit_cpu": c_ok}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skyfield-sats", type=int, default=500,
                        help="LEO satellites run through skyfield (time scaled to 10,000)")
    args = parser.parse_args()
    if not SNAPSHOT.is_file():
        print(f"snapshot not found: {SNAPSHOT} (set ORBITKIT_SHARED_DATA)", file=sys.stderr)
        return 2
    import sgp4
    import skyfield

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.2f} (other work on the machine makes every number noisier)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, sgp4 {sgp4.__version__}"
          f" (accelerated), skyfield {skyfield.__version__}, {os.cpu_count()} CPU(s), "
          f"{platform.processor() or platform.machine()}")
    every = load_snapshot(SNAPSHOT)
    by_id = {es.norad_id: es for es in every}
    bds = [by_id[m.norad_id] for m in resolve_target("beidou-3") if m.norad_id in by_id]
    leo = [es for es in every if es.satrec.no_kozai * 1440.0 / (2 * np.pi) > 11.0][:10_000]

    bench_case("BeiDou-3", bds, 2880, 30.0, args.repeat, None)
    bench_case("LEO", leo, 100, 60.0, args.repeat, args.skyfield_sats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
