"""What a coverage TARGET means, and the epochs of a coverage span, for every front end.

``orbitkit coverage`` and the planning endpoint of ``orbitkit serve`` take the same TARGET
and the same span, and must give the same numbers; this module holds the two pieces they
share, so there is one code path:

1. **Constellation words.** A TARGET made only of ``gnss`` (all four), ``beidou``/``bds``,
   ``gps``, ``galileo``, ``glonass`` (comma-separated) selects every object of the user's
   element files whose CelesTrak name belongs to those constellations
   (:func:`~orbitkit.coverage.classify_constellation`); each constellation then gets its own
   receiver clock in the DOP. Any other TARGET is a catalogue target, resolved by
   :func:`orbitkit.elements.sources.load_element_sets`; a catalogue target followed by words
   (``beidou-3,gps,galileo,glonass``) adds those constellations from the files, each with
   its own clock (:func:`with_constellations`).
2. **Epochs.** A span is half-open, ``[start, start + hours)`` every ``step_min``: a day
   every 10 min is 144 epochs, so a day's statistics do not count the repeated midnight
   twice. The count is checked against :data:`MAX_EPOCHS` *before* any list is built.

No plotting, no printing: warnings are returned for the caller to show.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from orbitkit.errors import UserError

__all__ = ["CONSTELLATION_WORDS", "MAX_EPOCHS", "constellations_of", "elements_summary",
           "epoch_times", "multi_gnss_sets", "navigation_orbit", "split_coverage_target",
           "with_constellations"]

#: Constellation words a TARGET may be made of (multi-constellation mode).
CONSTELLATION_WORDS: dict[str, tuple[str, ...]] = {
    "gnss": ("BeiDou", "GPS", "Galileo", "GLONASS"),
    "beidou": ("BeiDou",),
    "bds": ("BeiDou",),
    "gps": ("GPS",),
    "galileo": ("Galileo",),
    "glonass": ("GLONASS",),
}

#: Most epochs in one span: 200,000 is 3.8 years every 10 min (or 139 days every minute).
#: Checked before the list of times is built: 1e6 hours used to spend minutes and gigabytes
#: building 60 million datetimes before any other limit could say no.
MAX_EPOCHS = 200_000


def constellations_of(target: str) -> tuple[str, ...] | None:
    """The constellations a TARGET of constellation words names, in order, or ``None`` when
    TARGET is not made only of such words (then it is a catalogue target)."""
    words = [w.strip().lower() for w in target.split(",") if w.strip()]
    if not words or not all(w in CONSTELLATION_WORDS for w in words):
        return None
    out: list[str] = []
    for w in words:
        for c in CONSTELLATION_WORDS[w]:
            if c not in out:
                out.append(c)
    return tuple(out)


def multi_gnss_sets(
    files: Sequence[str | Path], wanted: Sequence[str], at: datetime, *, target: str = "",
    until: datetime | None = None,
) -> tuple[list[Any], list[int], list[str], list[str]]:
    """Element sets of the ``wanted`` constellations from the user's element files.

    Parameters
    ----------
    files
        Element files (TLE/3LE/OMM; the constellation is read from each object's name) and
        GNSS orbit files (RINEX navigation, SP3; the constellation is the PRN's system).
    wanted
        Constellation names from :func:`constellations_of`.
    at
        Aware UTC time: each object's set nearest it is taken.
    target
        The TARGET text, for messages.
    until
        End of the span (aware UTC): several sets of one satellite then switch along
        ``[at, until]`` at the midpoints between their epochs
        (:mod:`orbitkit.elements.switching`), and each switch is named in the warnings.

    Returns
    -------
    sets, groups, names, warnings
        The element sets; per set the index of its constellation in ``names`` (the
        constellations actually present, renumbered 0..C-1); warnings for the user.

    Raises
    ------
    UserError
        No files given, or none of the wanted constellations in them.
    """
    from orbitkit.coverage import classify_constellation
    from orbitkit.elements.sources import read_element_files
    from orbitkit.elements.switching import orbit_for_span

    files = list(files)
    if not files:
        raise UserError(
            f"TARGET {target!r} takes its satellites from element files: give --elements "
            "FILE (e.g. a CelesTrak 'gnss' group file)"
        )
    from orbitkit.elements.orbit import open_file_sources

    all_files = files
    file_sources, files = open_file_sources(files)
    warnings: list[str] = []
    sets, groups = [], []
    for source in file_sources:  # RINEX navigation / SP3 files: satellites by PRN
        for orbit, constellation in getattr(source, "constellation_orbits", lambda w: [])(
                list(wanted)):
            sets.append(orbit)
            groups.append(list(wanted).index(constellation))
        warnings.extend(getattr(source, "unhealthy_notes", lambda: [])())  # named, no DOP
    store, errors = read_element_files(files) if files else (None, [])
    if errors:
        warnings.append(f"{len(errors)} bad record(s) in the element files were skipped "
                        f"(first: {errors[0]})")
    not_navigation = []
    switches = []
    for norad in store.norad_ids() if store is not None else []:
        es = orbit_for_span(store.sets_for(norad), at, until)
        if es is None:
            continue
        constellation = classify_constellation(es.name)
        if constellation in wanted:
            if not navigation_orbit(es):
                not_navigation.append(es.name)
                continue
            sets.append(es)
            groups.append(list(wanted).index(constellation))
            if until is not None and hasattr(es, "switches"):
                switches.extend(sw.message() for sw in es.switches(at, until))
    warnings.extend(switches)
    if not_navigation:
        warnings.append(
            f"{len(not_navigation)} object(s) named like a GNSS constellation but not "
            f"navigation satellites were left out (low orbits, geodetic spheres; e.g. "
            f"{', '.join(not_navigation[:3])})")
    if not sets:
        raise UserError(f"no {', '.join(wanted)} satellites in {', '.join(map(str, all_files))} "
                        "(names are read the CelesTrak way: GPS ..., GSAT0nnn, COSMOS ..., "
                        "BEIDOU ...)")
    present = sorted(set(groups))
    names = [wanted[g] for g in present]
    groups = [present.index(g) for g in groups]
    return sets, groups, names, warnings


#: Navigation satellites fly at or above MEO: GPS 2.0, GLONASS 2.13, Galileo 1.7, BeiDou MEO
#: 1.86 and IGSO/GEO 1.0 revolutions a day. A CelesTrak 'active' file also holds objects whose
#: names read like a constellation but are not its satellites: the many low-orbit
#: ``COSMOS nnnn`` and the passive ETALON spheres (``COSMOS 1989 (ETALON 1)``) in GLONASS's
#: planes. Counting them would add ranging sources that do not exist.
_MAX_NAVIGATION_REVS_PER_DAY = 5.0


def navigation_orbit(es: Any) -> bool:
    """Whether an element set can be a navigation satellite's (see above)."""
    revs_per_day = es.satrec.no_kozai * 1440.0 / (2.0 * math.pi)
    return revs_per_day < _MAX_NAVIGATION_REVS_PER_DAY and "ETALON" not in es.name.upper()


def elements_summary(sets: Sequence[Any]) -> dict[str, Any]:
    """Counts per source and the epoch range of element sets taken from files."""
    out: dict[str, Any] = dict(Counter(es.source for es in sets))
    epochs = [es.epoch for es in sets]
    out["epoch_min_utc"] = min(epochs).strftime("%Y-%m-%dT%H:%M:%SZ") if epochs else None
    out["epoch_max_utc"] = max(epochs).strftime("%Y-%m-%dT%H:%M:%SZ") if epochs else None
    out["illustrative"] = any(es.source == "nominal" for es in sets)
    return out


def epoch_times(start: datetime, hours: float, step_min: float, *,
                hours_name: str = "--hours", step_name: str = "--step-min") -> list[datetime]:
    """The epochs of ``[start, start + hours)`` every ``step_min`` minutes.

    ``hours_name``/``step_name`` name the two inputs in messages (an option or a query
    parameter). Raises :class:`~orbitkit.errors.UserError` for a span shorter than one step
    or longer than :data:`MAX_EPOCHS` epochs.
    """
    n_float = math.floor(hours * 60.0 / step_min + 1e-9)
    if n_float < 1:
        raise UserError(f"{hours_name} {hours:g} is shorter than one {step_name} {step_min:g} "
                        "step")
    if n_float > MAX_EPOCHS:
        raise UserError(
            f"{hours_name} {hours:g} every {step_name} {step_min:g} is {n_float:,.0f} epochs "
            f"(limit {MAX_EPOCHS:,}); use fewer {hours_name} or a longer {step_name}"
        )
    step = timedelta(minutes=step_min)
    return [start + i * step for i in range(int(n_float))]


def split_coverage_target(target: str) -> tuple[str, tuple[str, ...]]:
    """A TARGET's catalogue part and the constellations of its constellation words.

    ``"beidou-3,gps,galileo"`` -> ``("beidou-3", ("GPS", "Galileo"))``: BeiDou-3 from the
    catalogue (its members, real sets where the files or cache have them) with GPS and
    Galileo from the element files. A TARGET of words only has an empty catalogue part.
    """
    parts = [w.strip() for w in target.split(",") if w.strip()]
    catalogue = [w for w in parts if w.lower() not in CONSTELLATION_WORDS]
    words = ",".join(w for w in parts if w.lower() in CONSTELLATION_WORDS)
    return ",".join(catalogue), constellations_of(words) or () if words else ()


def with_constellations(
    sets: Sequence[Any], label: str, files: Sequence[str | Path], wanted: Sequence[str],
    at: datetime, until: datetime | None = None,
) -> tuple[list[Any], list[int], list[str], list[str]]:
    """A catalogue target's sets plus the ``wanted`` constellations from the element files.

    The catalogue's sets form group 0, named ``label`` (one receiver clock), and each
    constellation found in the files its own group after it; objects already among the
    catalogue's sets are not taken twice; ``until`` as in :func:`multi_gnss_sets`. Returns
    ``(sets, groups, names, warnings)`` as :func:`multi_gnss_sets` does.
    """
    extra, groups, names, warnings = multi_gnss_sets(files, wanted, at, target=label,
                                                     until=until)
    have = {es.norad_id for es in sets}
    keep = [i for i, es in enumerate(extra) if es.norad_id not in have]
    used = sorted({groups[i] for i in keep})
    out_sets = list(sets) + [extra[i] for i in keep]
    out_groups = [0] * len(sets) + [1 + used.index(groups[i]) for i in keep]
    return out_sets, out_groups, [label] + [names[g] for g in used], warnings
