"""Passes of many satellites as independent tasks: satellite blocks x all stations.

A pass of one satellite over one station depends on nothing else, so the search
(:mod:`orbitkit.passes`) splits into blocks of :data:`SATELLITE_BLOCK` satellites, each
searched over every station by :func:`pass_task` (a pure function of the block's bounds and
the shared inputs: element sets, stations, masks, window). The executor runs them
(:mod:`orbitkit.executor`: processes here, since sgp4's array call holds the GIL; Dask
workers on a cluster) and :func:`merge_pass_blocks` joins them in block order.

Why the answer is the same wherever the blocks run: each block is the same function of the
same inputs, and the merge sorts the joined passes by (rise, station, NORAD number) exactly
as one search does. Blocks are cut by the problem's size only, never by the executor. (Within
a block the culmination refinement iterates over the whole block, so another cut could move
a culmination by up to its tolerance, 0.2 s: hence one cut for every executor.)

Stations are not split: a station block would propagate every satellite again and count its
failed samples twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

__all__ = ["SATELLITE_BLOCK", "PassBlock", "PassShared", "pass_task", "pass_blocks",
           "run_pass_blocks", "merge_pass_blocks"]

#: Satellites per task. Large enough that a task's fixed costs (Sun and dark intervals per
#: station, numpy call overheads) stay small against its search; small enough that 2 workers
#: share a few hundred satellites evenly.
SATELLITE_BLOCK = 64


@dataclass(frozen=True)
class PassBlock:
    """Satellites ``s0..s1-1`` of the shared element sets, over every station."""

    s0: int
    s1: int


@dataclass(frozen=True)
class PassShared:
    """The inputs every pass task reads (scattered once to a cluster's workers)."""

    sets: list[Any]
    sites: list[Any]
    masks: list[Any]
    start: datetime
    stop: datetime
    visibility: bool
    margin_deg: float
    horizon_step_s: float


def pass_blocks(n_sats: int) -> list[PassBlock]:
    """The blocks of a search of ``n_sats`` satellites (one block up to SATELLITE_BLOCK)."""
    return [PassBlock(s0, min(n_sats, s0 + SATELLITE_BLOCK))
            for s0 in range(0, n_sats, SATELLITE_BLOCK)]


def pass_task(task: PassBlock, shared: PassShared) -> Any:
    """Every pass of one satellite block over every station: a pure function."""
    from orbitkit.passes import PassSearch, _find, norad_ids, orbit_model

    sets = shared.sets[task.s0:task.s1]
    result = PassSearch(start_utc=shared.start, stop_utc=shared.stop, stations=shared.sites,
                        min_elevation_deg=[m if isinstance(m, float | int) else None
                                           for m in shared.masks])
    orbits = orbit_model(sets, shared.start, (shared.stop - shared.start).total_seconds())
    return _find(orbits, norad_ids(sets), [es.name for es in sets],
                 shared.masks, result, visibility=shared.visibility,
                 margin_deg=shared.margin_deg, horizon_step_s=shared.horizon_step_s)


def run_pass_blocks(shared: PassShared, result: Any, *, executor: Any = None,
                    progress: Any = None) -> Any:
    """Run every block of the search on ``executor`` and merge into ``result``."""
    from orbitkit.executor import run_tasks

    blocks = pass_blocks(len(shared.sets))
    done: dict[int, Any] = {}
    for i, res in run_tasks(pass_task, blocks, shared, executor=executor, gil_bound=True,
                            describe=describe_block(shared), progress=progress):
        done[i] = res
    return merge_pass_blocks([(blocks[i], done.pop(i)) for i in range(len(blocks))], result,
                             shared.sets)


def describe_block(shared: PassShared):
    from orbitkit.timeutil import format_utc

    def describe(task: PassBlock) -> str:
        from orbitkit.passes import norad_ids

        ids = norad_ids(shared.sets[task.s0:task.s1])
        return (f"passes of satellites {task.s0}..{task.s1 - 1} (NORAD {ids[0]}"
                f"{f'..{ids[-1]}' if len(ids) > 1 else ''}) over {len(shared.sites)} stations, "
                f"{format_utc(shared.start)} .. {format_utc(shared.stop)}")

    return describe


def merge_pass_blocks(blocks: list[tuple[PassBlock, Any]], result: Any, sets: list[Any]
                      ) -> Any:
    """Join the blocks' :class:`~orbitkit.passes.PassSearch` results into ``result``.

    ``blocks`` are (block, search) pairs in block order; ``sets`` the element sets of all
    satellites. The passes are sorted by rise time, then station, then NORAD number, as one
    search sorts them; intervals likewise by start, station, NORAD number.
    """
    from orbitkit.passes import _failure_warning, norad_ids

    ids = norad_ids(sets)
    tables = []
    intervals = []
    failed = incomplete = 0
    bad: list[int] = []
    for block, res in blocks:
        result.steps_s.update(res.steps_s)
        failed += res.failed_samples
        incomplete += res.incomplete_passes
        bad.extend(res.failed_norad_ids)
        intervals.extend(res.intervals)
        t = res._table
        if t is not None and t["rise"].size:
            part = {k: v for k, v in t.items() if k not in ("ids", "names", "visible", "epoch")}
            # which set each pass used (NaT where the block's orbits do not switch)
            part["epoch"] = (t["epoch"] if t.get("epoch") is not None
                             else np.full(t["rise"].size, np.datetime64("NaT", "us")))
            part["sat"] = t["sat"] + block.s0
            part["visible"] = np.array(t["visible"], dtype=object)
            tables.append(part)
    if tables:
        joined = {k: np.concatenate([p[k] for p in tables]) for k in tables[0]}
        norad = np.asarray(ids)
        order = np.lexsort((norad[joined["sat"]], joined["sta"], joined["rise"]))
        joined = {k: v[order] for k, v in joined.items()}
        joined["visible"] = joined["visible"].tolist()
        joined["ids"] = ids
        joined["names"] = [es.name for es in sets]
        result._set_table(joined)
    station = {s.key: j for j, s in enumerate(result.stations)}
    intervals.sort(key=lambda v: (v.start_utc, station.get(v.station, 0), v.norad_id))
    result.intervals = intervals
    result.failed_samples = failed
    result.incomplete_passes = incomplete
    result.failed_norad_ids = sorted(bad)
    if failed:
        result.warnings.append(_failure_warning(failed, incomplete, sorted(bad)))
    return result
