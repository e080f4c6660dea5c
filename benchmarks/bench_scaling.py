"""Benchmark: the same tasks on 1 and on 2 single-threaded Dask workers (issue 16).

Run: ``python benchmarks/bench_scaling.py [--workload conjunctions|passes|coverage|all]
[--repeat N] [--hours H] [--no-embedded]``

A real scheduler and workers are started on 127.0.0.1 (``dask scheduler`` / ``dask worker``
subprocesses, one thread and one BLAS thread each: tests/dask_cluster.py); the client is
this process. Timed, best of ``--repeat``: one whole run through the executor (scatter of
the shared inputs, every task, streaming the results back, the merge), cluster start-up not
included. Printed per workload: tasks, per-task time (median and max, measured inline in
this process, one task at a time) and the peak memory a task allocates (tracemalloc, on a
few tasks), bytes moved (pickled shared inputs once per worker, tasks, results), the wall
time on 1 and on 2 workers and their ratio (goal >= 1.6x for the all-on-all conjunction
day), and whether both answers equal the embedded one.

Workloads (2026-02-24 CelesTrak active snapshot, 14,468 objects):

* conjunctions: all-on-all screening from 2026-03-01 for ``--hours`` (default the issue's
  day; the tasks are time blocks of the whole catalogue, so a shorter window has the same
  tasks, fewer of them);
* passes: the first 1,000 objects x 10 stations x 1 day (16 satellite blocks);
* coverage: BDS-3, global 1 degree, 24 h every 5 min (tiles x epochs).

The machine is shared while this runs; the load average is printed with the numbers.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

SNAPSHOT = Path(os.environ.get("ORBITKIT_SHARED_DATA", REPO.parent / "shared" / "data")) / \
    "tle" / "celestrak-active-2026-02-24.tle"


def _sets_at(at: datetime, n: int | None = None) -> list:
    from orbitkit.elements.sources import read_element_files

    store, _ = read_element_files([str(SNAPSHOT)])
    ids = store.norad_ids()
    sets = [store.nearest(i, at) for i in (ids if n is None else ids[:n])]
    return [s for s in sets if s is not None]


class Workload:
    """fn, tasks, shared, describe, and how to turn the merged results into one answer."""

    name = ""

    def build(self) -> None:
        raise NotImplementedError

    def merge(self, results: dict[int, object]) -> object:
        raise NotImplementedError

    def embedded(self) -> object:
        raise NotImplementedError


class Passes(Workload):
    name = "passes: 1,000 objects x 10 stations x 1 day"

    def build(self) -> None:
        from bench_passes import STATIONS

        from orbitkit import pass_tasks as pt
        from orbitkit.passes import _as_masks, _as_sites

        start = datetime(2026, 3, 1, tzinfo=UTC)
        self.sets = _sets_at(start, 1000)
        self.sites = _as_sites(STATIONS)
        masks = _as_masks(len(self.sites), 10.0, None)
        self.start, self.stop = start, start + timedelta(days=1)
        self.shared = pt.PassShared(self.sets, self.sites, masks, self.start, self.stop, True,
                                    8.0, 5.0)
        self.tasks = pt.pass_blocks(len(self.sets))
        self.fn = pt.pass_task
        self.describe = pt.describe_block(self.shared)

    def _empty(self):
        from orbitkit.passes import PassSearch

        return PassSearch(start_utc=self.start, stop_utc=self.stop, stations=self.sites,
                          min_elevation_deg=[10.0] * len(self.sites))

    def merge(self, results):
        from orbitkit.pass_tasks import merge_pass_blocks

        blocks = [(self.tasks[i], results[i]) for i in range(len(self.tasks))]
        return merge_pass_blocks(blocks, self._empty(), self.sets).to_dict()

    def embedded(self):
        from orbitkit.passes import find_passes

        return find_passes(self.sets, self.sites, self.start, self.stop,
                           min_elevation_deg=10.0).to_dict()


class Coverage(Workload):
    name = "coverage: BDS-3, global 1 deg, 24 h every 5 min"

    def build(self) -> None:
        import coverage_fixtures as cf

        from orbitkit import coverage as cv
        from orbitkit.propagation import propagate

        sets = cf.bds3_sets(SNAPSHOT)
        self.t = cf.times(24, 5)
        self.r = propagate(sets, self.t).r_itrs_km
        self.grid = cv.make_grid("global", 1.0)
        self.cv = cv
        self._captured = {}

        # the tasks and shared inputs exactly as compute_coverage builds them
        def capture(fn, tasks, shared, **kw):
            self.fn, self.tasks, self.shared = fn, tasks, shared
            self.describe = kw.get("describe", str)
            raise _Captured

        import orbitkit.executor as ex

        real = ex.run_tasks
        ex.run_tasks = capture
        try:
            cv.compute_coverage(self.r, self.t, self.grid, point_quantiles=False)
        except _Captured:
            pass
        finally:
            ex.run_tasks = real

    def merge(self, results):
        import orbitkit.executor as ex

        def replay(fn, tasks, shared, **kw):
            yield from sorted(results.items())

        real = ex.run_tasks
        ex.run_tasks = replay
        try:
            return self.cv.compute_coverage(self.r, self.t, self.grid,
                                            point_quantiles=False).summary
        finally:
            ex.run_tasks = real

    def embedded(self):
        return self.cv.compute_coverage(self.r, self.t, self.grid,
                                        point_quantiles=False).summary


class _Captured(Exception):
    pass


class Conjunctions(Workload):
    name = "conjunctions: all-on-all, 14,468 objects, 2026-03-01"

    def __init__(self, hours: float = 24.0) -> None:
        self.hours = hours
        self.name += f", {hours:g} h"

    def build(self) -> None:
        from orbitkit.conjunctions import find_conjunctions

        self.find = find_conjunctions
        self.start = datetime(2026, 3, 1, tzinfo=UTC)
        self.sets = _sets_at(self.start)

        # the tasks and shared inputs exactly as find_conjunctions cuts them (its run= seam)
        def capture(fn, tasks, shared):
            self.fn, self.tasks, self.shared = fn, list(tasks), shared
            raise _Captured

        try:
            self._search(run=capture)
        except _Captured:
            pass
        self.describe = lambda t: t.describe(self.shared)

    def _search(self, **kw):
        return self.find(self.sets, start=self.start,
                         stop=self.start + timedelta(hours=self.hours), **kw)

    def merge(self, results):
        # the screen's own merge (the events by pair and TCA, exact values)
        from orbitkit.conjunctions.screen import merge

        raw, failed, _ = merge([results[i] for i in range(len(results))], self.shared)
        return failed, [tuple(float(x) for x in (*e[:4], *e[4], *e[5], *e[6], *e[7]))
                        for e in raw]

    def embedded(self):
        from orbitkit.executor import Embedded

        results = dict(Embedded().run(self.fn, self.tasks, self.shared, gil_bound=True))
        return self.merge(results)


WORKLOADS = {"conjunctions": Conjunctions, "passes": Passes, "coverage": Coverage}


def per_task_profile(w: Workload, sample: int = 4, timed: int = 40) -> dict[str, float]:
    times, peaks = [], []
    every = max(1, len(w.tasks) // timed)
    for task in w.tasks[::every]:
        t0 = time.perf_counter()
        w.fn(task, w.shared)
        times.append(time.perf_counter() - t0)
    step = max(1, len(w.tasks) // sample)
    for task in w.tasks[::step][:sample]:
        tracemalloc.start()
        w.fn(task, w.shared)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return {"tasks": len(w.tasks), "median_s": statistics.median(times), "max_s": max(times),
            "sum_s": sum(times) * len(w.tasks) / len(times), "timed": len(times),
            "peak_mb": max(peaks) / 1e6}


def run_on(address: str, w: Workload) -> tuple[float, dict[int, object], int]:
    from distributed import Client

    from orbitkit.executor import DaskExecutor

    with Client(address, set_as_default=False) as client:
        exe = DaskExecutor(client)
        moved = 0
        t0 = time.perf_counter()
        results = {}
        for i, res in exe.run(w.fn, w.tasks, w.shared, describe=w.describe):
            results[i] = res
        t_tasks = time.perf_counter() - t0
        # what came back over the wire (before the merge, which may drop parts of it)
        moved = sum(len(pickle.dumps(r)) for r in results.values())
        merged = w.merge(results)
        wall = time.perf_counter() - t0
    print(f"      (tasks done after {t_tasks:.2f} s, merge {wall - t_tasks:.2f} s)")
    return wall, merged, moved


def main() -> int:
    from dask_cluster import local_dask

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="all",
                        choices=["all", *WORKLOADS])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--hours", type=float, default=24.0,
                        help="conjunction window (default the issue's day)")
    parser.add_argument("--no-embedded", action="store_true",
                        help="skip the embedded reference run (compare 1 and 2 workers only)")
    parser.add_argument("--projection", type=int, default=0, metavar="N",
                        help="instead: plan an all-on-all screen of N objects (synthetic) over "
                        "--days and time --sample of its tasks")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip timing the tasks one by one in this process")
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--sample", type=int, default=2)
    args = parser.parse_args()
    if args.projection:
        projection(args.projection, args.days, [1, 2, 16, 64, 256, 1024], args.sample)
        return 0
    names = list(WORKLOADS) if args.workload == "all" else [args.workload]
    print(f"CPUs available: {len(os.sched_getaffinity(0))}; load average "
          f"{os.getloadavg()[0]:.1f} at start")
    for name in names:
        w = WORKLOADS[name](args.hours) if name == "conjunctions" else WORKLOADS[name]()
        try:
            w.build()
        except (ImportError, NotImplementedError) as exc:
            print(f"\n{w.name}: skipped ({exc})")
            continue
        print(f"\n{w.name}")
        want = None if args.no_embedded else w.embedded()
        shared_b = len(pickle.dumps(w.shared))
        tasks_b = sum(len(pickle.dumps(t)) for t in w.tasks)
        if args.no_profile:
            print(f"   tasks {len(w.tasks)}")
        else:
            prof = per_task_profile(w)
            print(f"   tasks {prof['tasks']}; per task median {prof['median_s']:.3f} s, max "
                  f"{prof['max_s']:.3f} s, all tasks ~{prof['sum_s']:.1f} s (inline, one at a "
                  f"time, {prof['timed']} timed); peak allocated by a task "
                  f"{prof['peak_mb']:.0f} MB")
        walls = {}
        for n in (1, 2):
            with local_dask(n) as cluster:
                best = None
                for _ in range(args.repeat):
                    wall, got, moved = run_on(cluster.address, w)
                    best = wall if best is None else min(best, wall)
                    if want is None:
                        want = got  # the first cluster run is the reference
                    assert got == want, f"{n} worker(s): the answer differs"
                walls[n] = best
            print(f"   {n} worker{'s' if n > 1 else ''}: {best:.2f} s (best of {args.repeat}); "
                  f"same answer as {'the 1-worker run' if args.no_embedded else 'embedded'}: "
                  "True")
        print(f"   bytes moved: shared inputs {shared_b / 1e6:.1f} MB once per worker, tasks "
              f"{tasks_b / 1e6:.2f} MB, results {moved / 1e6:.1f} MB (pickled)")
        print(f"   1 -> 2 workers: {walls[1] / walls[2]:.2f}x faster (goal >= 1.6x for the "
              f"conjunction day); load average now {os.getloadavg()[0]:.1f}")
    return 0



def projection(n_objects: int, days: float, workers: list[int], sample: int) -> None:
    """Plan an all-on-all screen of a synthetic ``n_objects`` catalogue and time some tasks.

    The catalogue: the 2026 snapshot's element sets, each cloned with a random node and mean
    anomaly until there are ``n_objects`` (the same shells, ~n/14,468 times as dense: the
    close-pair term grows with the square of that). The plan is the screen's own
    (find_conjunctions' steps and ``plan``); task times are CPU seconds in this process.
    """
    import math

    import numpy as np
    from sgp4.api import WGS72, Satrec

    from orbitkit.conjunctions import screen as sc
    from orbitkit.timeutil import to_julian

    start = datetime(2026, 3, 1, tzinfo=UTC)
    real = [es.satrec for es in _sets_at(start)]
    rng = np.random.default_rng(16)
    sats = list(real)
    while len(sats) < n_objects:
        s = real[len(sats) % len(real)]
        c = Satrec()
        c.sgp4init(WGS72, "i", len(sats) % 99999 + 1,
                   (s.jdsatepoch + s.jdsatepochF) - 2433281.5, s.bstar, s.ndot, s.nddot,
                   s.ecco, s.argpo, s.inclo, rng.uniform(0, 2 * math.pi), s.no_kozai,
                   rng.uniform(0, 2 * math.pi))
        sats.append(c)
    jd, fr = to_julian([start])
    jd0, fr0 = float(jd[0]), float(fr[0])
    duration = days * 86400.0
    bounds = sc.orbit_bounds(sats, jd0 + fr0, jd0 + fr0 + days)
    big, small = sc.scan_steps(float(bounds.b4_km_s4.max()), "grid")  # as find_conjunctions
    shared = sc.ScreenShared(satrecs=sats, jd0=jd0, fr0=fr0, duration_s=duration,
                             threshold_km=5.0, coarse_s=big, scan_s=small, bounds=bounds,
                             group=np.full(len(sats), -1, dtype=np.int64),
                             labels=[str(i) for i in range(len(sats))])
    tasks = sc.plan(shared, np.arange(len(sats), dtype=np.int64), None)
    shared_b = len(pickle.dumps(shared))
    print(f"\nprojection: all-on-all, {len(sats):,} objects (synthetic), {days:g} days")
    print(f"   {len(tasks)} tasks; shared inputs {shared_b / 1e6:.1f} MB once per worker; "
          f"tasks {sum(len(pickle.dumps(t)) for t in tasks) / 1e6:.2f} MB")
    cpu, peaks, events = [], [], 0
    for task in tasks[:: max(1, len(tasks) // sample)][:sample]:
        tracemalloc.start()
        c0 = time.process_time()
        res = sc.screen_task(task, shared)
        cpu.append(time.process_time() - c0)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        events += len(res.events)
        print(f"   task {task.describe(shared)[:60]}...: {cpu[-1]:.1f} s CPU, peak "
              f"{peaks[-1] / 1e6:.0f} MB, {len(res.events)} events")
    per = statistics.mean(cpu)
    total = per * len(tasks)
    print(f"   mean {per:.1f} s CPU per task (tracemalloc slows it ~10-30 %); all tasks "
          f"~{total / 3600:.2f} CPU-hours; results ~{events / len(cpu) * 400 / 1e3:.0f} kB "
          "per task")
    for n in workers:
        waves = math.ceil(len(tasks) / n)
        print(f"   {n:4d} workers: {waves} wave(s) of tasks -> ~{waves * per / 60:.1f} min "
              f"(+ scatter of {shared_b / 1e6:.0f} MB to each worker)")


if __name__ == "__main__":
    raise SystemExit(main())
