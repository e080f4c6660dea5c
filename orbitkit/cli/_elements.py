"""The one element-set helper every orbit-needing verb calls.

It runs :func:`orbitkit.elements.sources.load_element_sets` with the verb's ``--elements``
files and ``--offline`` switch and prints every warning (skipped bad records, stale sets,
nominal fallback, cache age, members without elements) to stderr, never to stdout, so JSON
and CSV on stdout stay clean.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from orbitkit.cli.common import info, warn
from orbitkit.elements.model import ElementSet
from orbitkit.elements.select import staleness_warning
from orbitkit.elements.sources import ElementResolution, load_element_sets

__all__ = ["elements_for_cli"]


def elements_for_cli(args: argparse.Namespace, target: str, at: datetime | None,
                     *, allow_nominal: bool = True,
                     one_per_orbit: bool = False,
                     until: datetime | None = None) -> ElementResolution:
    """Resolve ``target`` to element sets for a CLI verb and print the warnings.

    Parameters
    ----------
    args
        The parsed options; ``args.elements`` (list of files) and ``args.offline`` are read
        when present (see :func:`orbitkit.cli.common.add_elements_options`).
    target
        The verb's TARGET string.
    at
        Aware UTC time the sets are chosen for (the start of the verb's time span), or
        ``None`` for now.
    allow_nominal
        Whether nominal design orbits may stand in for missing real sets.
    one_per_orbit
        Keep one set per distinct orbit (docked spacecraft share one), with a note on
        stderr naming what was merged: for verbs that count or list objects in the sky.
    until
        End of the verb's time span: sets chosen (and checked for age) at ``at`` that are
        beyond the staleness limits by then get a warning too.

    Raises
    ------
    orbitkit.errors.UserError
        Bad file, unknown target, nothing resolvable: the CLI turns it into exit status 2.
    """
    resolution = load_element_sets(
        target,
        files=list(getattr(args, "elements", None) or []),
        at=at,
        until=until if at is not None else None,
        offline=True if getattr(args, "offline", False) else None,
        allow_nominal=allow_nominal,
        max_age_h=_max_age_h(),
    )
    for message in resolution.warnings:
        warn(message)
    if one_per_orbit:
        resolution, notes = resolution.one_per_orbit()
        for note in notes:
            info(note)
    for switch in resolution.switches:
        info(switch.message())
    if until is not None and at is not None:
        _warn_stale_at_end(resolution.sets, at, until)
    return resolution


def _in_use(orbit: Any, t: datetime) -> ElementSet | None:
    """The element set an orbit uses at ``t`` (``None`` for orbits of other sources)."""
    es = orbit.set_at(t) if hasattr(orbit, "set_at") else orbit
    return es if isinstance(es, ElementSet) else None


def _warn_stale_at_end(sets: list[Any], start: datetime, stop: datetime) -> None:
    """The sets are chosen, and checked for age, at the start; a long span can end far
    beyond the epoch of the set in use then all the same (a year of CSS passes from one
    TLE), or pass a switch between sets far apart in epoch."""
    from orbitkit.elements.switching import span_staleness_warnings

    for orbit in sets:
        for message in span_staleness_warnings(orbit, start, stop):
            warn(message)
    pairs = [(_in_use(o, start), _in_use(o, stop)) for o in sets]
    late = [last for first, last in pairs if first is not None and last is not None
            and staleness_warning(first, start) is None and staleness_warning(last, stop)]
    for es in late[:3]:
        warn(f"at the end of the span ({stop:%Y-%m-%d %H:%M}Z): {staleness_warning(es, stop)}")
    if len(late) > 3:
        warn(f"{len(late) - 3} more element sets are beyond the staleness limits by the end "
             "of the span (ORBITKIT_STALE_LEO_DAYS / ORBITKIT_STALE_DAYS); shorten the span "
             "or use newer elements")


def _max_age_h() -> float:
    from orbitkit.elements.cache import cache_max_age_h

    return cache_max_age_h()
