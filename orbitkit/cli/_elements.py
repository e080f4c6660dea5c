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
        End of the verb's time span: several sets of one object switch along it (each
        switch is named, with its position jump), and the sets in use are checked for age
        at its end and at the switches too.

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
    _report_switches(resolution.switches)
    return resolution


#: Switches named one by one on stderr; beyond that, one summary line (JSON lists them all).
_MAX_SWITCH_LINES = 5


def _report_switches(switches: list[Any]) -> None:
    """One line per switch of element set with its jump; a constellation's many switches
    (two snapshots of 35 satellites) end in one summary line instead of burying the rest."""
    shown = switches if len(switches) <= _MAX_SWITCH_LINES else switches[:3]
    for switch in shown:
        info(switch.message())
    if len(shown) < len(switches):
        rest = switches[len(shown):]
        info(f"... and {len(rest)} more switches of element set (jumps "
             f"{min(s.jump_km for s in rest):,.1f}-{max(s.jump_km for s in rest):,.1f} km); "
             "--format json lists every one")


def _max_age_h() -> float:
    from orbitkit.elements.cache import cache_max_age_h

    return cache_max_age_h()
