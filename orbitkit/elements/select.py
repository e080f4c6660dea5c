"""Several sets for one object: keep them all, choose the one nearest a time; staleness.

SGP4 mean elements are only good near their epoch (errors grow by roughly 1-3 km per day in
LEO, more when the drag is mis-modelled), so when several snapshots are loaded the set whose
epoch is nearest the requested time is the best one, and a large gap earns a warning.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from orbitkit.elements.model import ElementSet

__all__ = [
    "ElementStore",
    "nearest",
    "shared_orbit_groups",
    "is_low_orbit",
    "stale_limits_days",
    "staleness_warning",
    "DEFAULT_STALE_LEO_DAYS",
    "DEFAULT_STALE_DAYS",
]

#: Default staleness limits (issue 3, item 7): LEO/SSO 14 days, higher orbits 30 days.
DEFAULT_STALE_LEO_DAYS = 14.0
DEFAULT_STALE_DAYS = 30.0

# Below 225 min of period SGP4 uses its near-Earth branch; "LEO" for staleness is tighter:
# periods under 128 min (mean motion above 11.25 rev/day), where drag dominates the error.
_LEO_MIN_REV_PER_DAY = 11.25


def _norm(text: str) -> str:
    return " ".join(text.strip().casefold().split())


def nearest(sets: Iterable[ElementSet], at: datetime) -> ElementSet | None:
    """The set whose epoch is nearest ``at`` (ties: the later epoch, being fresher data)."""
    best: ElementSet | None = None
    best_key: tuple[float, float] | None = None
    for es in sets:
        gap = abs((es.epoch - at).total_seconds())
        key = (gap, -es.epoch.timestamp())
        if best_key is None or key < best_key:
            best, best_key = es, key
    return best


class ElementStore:
    """All element sets loaded from some source, indexed by NORAD number and by name.

    Parameters
    ----------
    sets
        Element sets in any order; several per object are kept.
    """

    def __init__(self, sets: Iterable[ElementSet] = ()) -> None:
        self._by_norad: dict[int, list[ElementSet]] = {}
        # Name and COSPAR indices are built on first use: most runs look objects up by
        # NORAD number only, and indexing a 14,000-object snapshot by name costs more than
        # parsing it (the parser builds names and designators lazily).
        self._by_name: dict[str, set[int]] | None = None
        self._by_cospar: dict[str, set[int]] | None = None
        self.add(sets)

    def add(self, sets: Iterable[ElementSet]) -> None:
        by_norad = self._by_norad
        for es in sets:
            bucket = by_norad.get(es.norad_id)
            if bucket is None:
                by_norad[es.norad_id] = [es]
            else:
                bucket.append(es)
        self._by_name = self._by_cospar = None

    def _indices(self) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
        if self._by_name is None or self._by_cospar is None:
            by_name: dict[str, set[int]] = {}
            by_cospar: dict[str, set[int]] = {}
            for es in self:
                if es.name:
                    by_name.setdefault(_norm(es.name), set()).add(es.norad_id)
                if es.cospar_id:
                    by_cospar.setdefault(es.cospar_id.upper(), set()).add(es.norad_id)
            self._by_name, self._by_cospar = by_name, by_cospar
        return self._by_name, self._by_cospar

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_norad.values())

    def __iter__(self) -> Iterator[ElementSet]:
        for sets in self._by_norad.values():
            yield from sets

    def __contains__(self, norad_id: object) -> bool:
        return norad_id in self._by_norad

    def norad_ids(self) -> list[int]:
        return list(self._by_norad)

    def sets_for(self, norad_id: int) -> list[ElementSet]:
        """Every set held for one object, oldest epoch first."""
        return sorted(self._by_norad.get(int(norad_id), []), key=lambda es: es.epoch)

    def nearest(self, norad_id: int, at: datetime) -> ElementSet | None:
        """The set of ``norad_id`` whose epoch is nearest ``at``, or ``None``."""
        return nearest(self._by_norad.get(int(norad_id), []), at)

    def find_name(self, name: str) -> list[int]:
        """NORAD numbers of the objects carrying this name (case- and space-insensitive)."""
        return sorted(self._indices()[0].get(_norm(name), ()))

    def find_cospar(self, cospar_id: str) -> list[int]:
        return sorted(self._indices()[1].get(cospar_id.strip().upper(), ()))


def _orbit_key(es: ElementSet) -> tuple[Any, ...]:
    sat = getattr(es, "satrec", None)
    if sat is None:  # an orbit of another source (GNSS, OEM): never merged
        return ("orbit", id(es))
    return (es.is_nominal, sat.jdsatepoch, sat.jdsatepochF, sat.no_kozai, sat.ecco, sat.inclo,
            sat.nodeo, sat.argpo, sat.mo, sat.bstar, sat.ndot, sat.nddot)


def shared_orbit_groups(sets: Iterable[ElementSet]) -> list[list[int]]:
    """Positions (in ``sets``) of element sets that describe one and the same orbit.

    Docked spacecraft fly as one object, and CelesTrak gives each of them the station's
    elements under its own NORAD number: in the 2026-02-24 snapshot the three China Space
    Station modules, Tianzhou-9 and Shenzhou-22 carry identical mean elements. The
    catalogue's design orbits do the same for the station's modules. Counting them apart
    lists every pass several times and counts one station as several in visibility.

    Two sets are the same orbit when their epoch and every SGP4 mean element (mean motion,
    eccentricity, inclination, node, perigee, mean anomaly, B*, ndot, nddot) are equal: they
    then propagate to the same position at every time. A nominal design orbit is only ever
    grouped with other nominal ones.

    Returns
    -------
    list of list of int
        Only groups of two or more, each in input order; its first position is the set to
        keep. Empty when every orbit is distinct.
    """
    by_key: dict[tuple[Any, ...], list[int]] = {}
    for i, es in enumerate(sets):
        by_key.setdefault(_orbit_key(es), []).append(i)
    return [group for group in by_key.values() if len(group) > 1]


def is_low_orbit(es: ElementSet) -> bool:
    """True for LEO/SSO sets (mean motion above 11.25 rev/day), which go stale fastest."""
    rev_per_day = es.satrec.no_kozai * 1440.0 / (2.0 * math.pi)
    return rev_per_day > _LEO_MIN_REV_PER_DAY


def _env_days(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        return default
    return value if value > 0 else default


def stale_limits_days(leo_days: float | None = None,
                      other_days: float | None = None) -> tuple[float, float]:
    """Staleness limits (LEO/SSO, higher orbits) in days.

    Explicit arguments win; else ``ORBITKIT_STALE_LEO_DAYS`` / ``ORBITKIT_STALE_DAYS``; else
    14 and 30 days.
    """
    leo = leo_days if leo_days is not None else _env_days(
        "ORBITKIT_STALE_LEO_DAYS", DEFAULT_STALE_LEO_DAYS)
    other = other_days if other_days is not None else _env_days(
        "ORBITKIT_STALE_DAYS", DEFAULT_STALE_DAYS)
    return leo, other


def staleness_warning(es: ElementSet, at: datetime, *, leo_days: float | None = None,
                      other_days: float | None = None) -> str | None:
    """A warning when ``at`` is too far from the epoch of ``es``, else ``None``.

    Nominal sets are built at the requested time and are never stale (they get their own
    "illustrative" warning).
    """
    if es.is_nominal:
        return None
    leo, other = stale_limits_days(leo_days, other_days)
    limit = leo if is_low_orbit(es) else other
    gap_days = (at - es.epoch).total_seconds() / 86400.0
    if abs(gap_days) <= limit:
        return None
    kind = "LEO" if limit == leo and is_low_orbit(es) else "higher-orbit"
    direction = "after" if gap_days > 0 else "before"
    return (f"{es.name} ({es.norad_id}): the requested time is {abs(gap_days):.1f} days "
            f"{direction} the element epoch {es.epoch:%Y-%m-%d %H:%M}Z (source {es.source}); "
            f"{kind} elements older than {limit:g} days give growing position errors: "
            "use a set nearer that time")
