"""``find_conjunctions``: the public entry of the screen (element sets in, events out).

It merges objects flying on one element set (docked vehicles), derives the bounds and steps
(:mod:`orbitkit.conjunctions.screen`), cuts the tasks, runs them on the executor handed in
(:mod:`orbitkit.executor`: this machine's cores by default, a Dask cluster when given one;
or a ``run`` of the caller's own), merges, and turns each raw event into a
:class:`~orbitkit.conjunctions.events.Conjunction` with its RTN miss vector and SOCRATES's
maximum probability.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from orbitkit.conjunctions import screen as _screen
from orbitkit.conjunctions.events import PC_METHODS, Conjunction, ConjunctionSearch
from orbitkit.conjunctions.pc import socrates_max_probability_many
from orbitkit.conjunctions.refine import rtn_components
from orbitkit.elements.model import ElementSet
from orbitkit.elements.select import shared_orbit_groups
from orbitkit.errors import UserError
from orbitkit.propagation import element_set_list
from orbitkit.timeutil import parse_utc, to_julian

__all__ = ["find_conjunctions", "hard_body_radius_m", "DEFAULT_HBR_M", "DEFAULT_THRESHOLD_KM"]

DEFAULT_THRESHOLD_KM = 5.0
#: Hard-body radius of an object the catalogue gives none for [m] (stated default: a
#: sphere enclosing a typical small satellite or upper-stage fragment).
DEFAULT_HBR_M = 5.0


@functools.lru_cache(maxsize=1)
def _catalogue_radii() -> dict[int, float]:
    try:
        from orbitkit.catalog import load_catalog

        return {m.norad_id: float(m.hard_body_radius_m) for m in load_catalog().members()
                if m.norad_id is not None and m.hard_body_radius_m is not None}
    except Exception:  # noqa: BLE001 - a broken user catalogue is reported by its own verbs
        return {}


def hard_body_radius_m(es: ElementSet) -> float:
    """The object's hard-body radius [m]: the catalogue's ``hard_body_radius_m`` where it is
    sourced (the China Space Station's modules: 20.0 m, from their published dimensions;
    see catalog/tiangong.toml), else :data:`DEFAULT_HBR_M`."""
    return _catalogue_radii().get(es.norad_id, DEFAULT_HBR_M)


def _one_per_orbit(sets: list[ElementSet]) -> tuple[list[ElementSet], list[str]]:
    drop: set[int] = set()
    notes = []
    for group in shared_orbit_groups(sets):
        keep = sets[group[0]]
        others = [sets[i] for i in group[1:]]
        drop.update(group[1:])
        notes.append(f"{', '.join(f'{o.name} ({o.norad_id})' for o in others)} "
                     f"share{'s' if len(others) == 1 else ''} the element set of {keep.name} "
                     f"({keep.norad_id}): screened as one object")
    return [s for i, s in enumerate(sets) if i not in drop], notes


def _jd_parts(t: datetime) -> tuple[float, float]:
    jd, fr = to_julian([t])
    return float(jd[0]), float(fr[0])


def find_conjunctions(
    targets: Sequence[ElementSet] | ElementSet,
    against: Sequence[ElementSet] | None = None,
    *,
    start: Any,
    stop: Any,
    threshold_km: float = DEFAULT_THRESHOLD_KM,
    hbr_m: float | None = None,
    run: Callable | None = None,
    scan_step_s: float | None = None,
    block_objects: int = 20000,
    executor: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> ConjunctionSearch:
    """Every close approach closer than ``threshold_km`` in ``[start, stop]``.

    Parameters
    ----------
    targets
        The objects to screen (object 1 of every event).
    against
        The objects to screen them against; ``None`` screens every pair of ``targets``
        (the whole catalogue: ``find_conjunctions(all_sets, start=..., stop=...)``).
        Objects in both count once; pairs within ``targets`` are screened too.
    start, stop
        The window (aware datetimes, ISO 8601 UTC strings, datetime64).
    threshold_km
        Events are local minima of the distance at or below this [km].
    hbr_m
        Combined hard-body radius for the maximum probability [m]; default: the sum of
        both objects' (:func:`hard_body_radius_m`).
    run
        ``run(screen_task, tasks, shared) -> iterable of TaskResult``: a runner of one's
        own (e.g. :func:`orbitkit.conjunctions.screen.run_serial`); overrides ``executor``.
    executor
        Where the tasks run (:mod:`orbitkit.executor`): ``None`` (this machine's cores,
        forked processes), a ``dask.distributed.Client``, ``"tcp://HOST:PORT"`` or an
        executor. The merge sorts the events, so the answer is the same wherever they ran.
    progress
        Called with (done, total) tasks.
    scan_step_s
        Scan step [s]; default derived (cost only: the answer does not depend on it).
    block_objects
        Largest object block of one task.

    Returns
    -------
    ConjunctionSearch
    """
    t0 = parse_utc(start, what="start")
    t1 = parse_utc(stop, what="stop")
    if not t1 > t0:
        raise UserError(f"stop ({t1:%Y-%m-%dT%H:%M:%SZ}) must be after start "
                        f"({t0:%Y-%m-%dT%H:%M:%SZ})")
    if not (threshold_km > 0 and math.isfinite(threshold_km)):
        raise UserError(f"threshold_km must be a positive number, not {threshold_km!r}")
    if threshold_km > 500:
        raise UserError(f"threshold_km {threshold_km:g}: screening thresholds above 500 km are "
                        "not close approaches; use a smaller threshold")
    tsets = element_set_list(targets)
    asets = None if against is None else element_set_list(against)
    for i, es in enumerate(tsets + (asets or [])):
        if not isinstance(es, ElementSet):
            raise TypeError(f"element set {i} is {type(es).__name__}, not ElementSet")
    # objects: targets first (their order decides which of a docked group is kept)
    seen: set[int] = set()
    objects: list[ElementSet] = []
    n_targets = 0
    for es in tsets:
        if es.norad_id not in seen:
            seen.add(es.norad_id)
            objects.append(es)
            n_targets += 1
    if asets is not None:
        for es in asets:
            if es.norad_id not in seen:
                seen.add(es.norad_id)
                objects.append(es)
    kept, merged = _one_per_orbit(objects)
    kept_ids = {id(es) for es in kept}
    is_target = [id(es) in kept_ids for es in objects[:n_targets]]
    targets_kept = [es for es, k in zip(objects[:n_targets], is_target, strict=True) if k]
    target_ids = {id(es) for es in targets_kept}
    others = [es for es in kept if id(es) not in target_ids]
    objects = targets_kept + others
    n_t = len(targets_kept)
    n = len(objects)

    jd0, fr0 = _jd_parts(t0)
    duration = (t1 - t0).total_seconds()
    satrecs = [es.satrec for es in objects]
    bounds = _screen.orbit_bounds(satrecs, jd0 + fr0, jd0 + fr0 + duration / 86400.0)
    cross = asets is not None
    n_all = n
    if cross and n > n_t:
        # the shell filter before anything is propagated: objects whose band cannot come
        # within the threshold of any target's band are answered here
        lo, hi = bounds.r_lo_km, bounds.r_hi_km
        near = np.zeros(n, dtype=bool)
        near[:n_t] = True
        for i in range(n_t):
            near[n_t:] |= (lo[n_t:] - threshold_km <= hi[i]) & (hi[n_t:] + threshold_km >= lo[i])
        keep = np.flatnonzero(near)
        objects = [objects[i] for i in keep]
        satrecs = [satrecs[i] for i in keep]
        bounds = _screen.OrbitBounds(*(getattr(bounds, f)[keep] for f in (
            "r_lo_km", "r_hi_km", "v_max_km_s", "b4_km_s4", "floor_km_s2")))
        n = len(objects)
    H, h = _screen.scan_steps(float(bounds.b4_km_s4.max()) if n else 1e-12,
                              "cross" if cross else "grid", scan_step_s)
    shared = _screen.ScreenShared(
        satrecs=satrecs, jd0=jd0, fr0=fr0, duration_s=duration, threshold_km=threshold_km,
        coarse_s=H, scan_s=h, bounds=bounds, group=np.full(n, -1, dtype=np.int64),
        labels=[str(es.norad_id) for es in objects])
    idx = np.arange(n, dtype=np.int64)
    if cross:
        tasks = _screen.plan(shared, idx[:n_t], idx[n_t:], block_objects=block_objects)
        screened = n_t * (n_all - n_t) + n_t * (n_t - 1) // 2
    else:
        tasks = _screen.plan(shared, idx, None, block_objects=block_objects)
        screened = n * (n - 1) // 2
    if run is None:
        from orbitkit.executor import task_runner

        run = task_runner(executor, progress=progress)
    if any(t.mode == "grid" for t in tasks):
        # the k-d tree's module, loaded once here rather than in every forked worker
        import scipy.spatial  # noqa: F401
    results = run(_screen.screen_task, tasks, shared)
    raw, failed, stats = _screen.merge(results, shared)
    stats.update({"tasks": len(tasks), "coarse_step_s": H, "scan_step_s": h})

    rows = []
    for i1, i2, tca_s, miss, r1, v1, r2, v2 in raw:
        e1, e2 = objects[i1], objects[i2]
        # object 1: the target; among targets (or all-pairs), the lower NORAD number
        one_first = (i1 < n_t) != (i2 < n_t) and i1 < n_t
        two_first = (i1 < n_t) != (i2 < n_t) and i2 < n_t
        if two_first or (not one_first and e2.norad_id < e1.norad_id):
            e1, e2, r1, v1, r2, v2 = e2, e1, r2, v2, r1, v1
        hbr = hbr_m if hbr_m is not None else hard_body_radius_m(e1) + hard_body_radius_m(e2)
        rows.append((e1, e2, tca_s, miss, r1, v1, r2, v2, hbr))
    events = []
    if rows:
        R1, V1, R2, V2 = (np.array([r[k] for r in rows]) for k in (4, 5, 6, 7))
        hbrs = np.array([r[8] for r in rows], dtype=float)
        pmax, dil = socrates_max_probability_many(R1, V1, R2, V2, hbrs / 1000.0)
        rtn = rtn_components(R1, V1, R2 - R1)
        speed = np.linalg.norm(V2 - V1, axis=1)
        for k, (e1, e2, tca_s, miss, r1, v1, r2, v2, hbr) in enumerate(rows):
            events.append(Conjunction(
                e1.norad_id, e1.name, e1.epoch, e2.norad_id, e2.name, e2.epoch,
                t0 + timedelta(seconds=float(tca_s)), float(miss), float(speed[k]),
                (float(rtn[k, 0]), float(rtn[k, 1]), float(rtn[k, 2])), np.asarray(r1),
                np.asarray(v1), np.asarray(r2), np.asarray(v2), float(hbr), float(pmax[k]),
                float(dil[k]), PC_METHODS["alfano-max"]))
    events.sort(key=lambda e: (e.miss_km, e.tca, e.norad_id_1, e.norad_id_2))
    warnings = []
    if failed:
        warnings.append(f"{failed} propagation sample(s) flagged by sgp4 (decayed, ...) or "
                        "below 100 km were skipped")
    stats["shell_filtered_objects"] = n_all - n
    return ConjunctionSearch(start=t0, stop=t1, threshold_km=float(threshold_km), objects=n_all,
                             screened_pairs=screened, events=events, failed_samples=failed,
                             merged=merged, stats=stats, warnings=warnings)
