"""GNSS targets: catalogue names, RINEX PRNs (``C19``) and system keys (``gps``, ``gnss``).

A target is a comma-separated mix of

- a RINEX PRN as the files write it (``C19``, ``G05``, ``E11``: letter + two digits);
- a system key (:data:`~orbitkit.gnss.orbit_files.SYSTEM_KEYS`: ``gps``, ``galileo``,
  ``glonass``, ``beidou``, ``qzss``, ``navic``, ``gnss`` = all of them);
- anything the catalogue resolves (``beidou-3``, ``BeiDou-3 M1``, a NORAD number): its
  members that carry a PRN (BeiDou's do).

Names, NORAD numbers and orbit classes come from the catalogue where it knows the PRN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orbitkit.gnss.orbit_files import SYSTEM_KEYS

__all__ = ["GnssTarget", "resolve_gnss_target", "PRN_PATTERN", "gnss_name"]

PRN_PATTERN = re.compile(r"^[GRECJI]\d{2}$", re.IGNORECASE)

# names of satellites the catalogue does not know, read the CelesTrak way by
# orbitkit.coverage.classify_constellation ("GPS G05", "GALILEO E11", ...)
_SYSTEM_NAMES = {"G": "GPS", "E": "GALILEO", "R": "GLONASS", "C": "BEIDOU", "J": "QZSS",
                 "I": "NAVIC"}


def gnss_name(prn: str) -> str:
    """``"GPS G05"``: a name for a satellite known only by its PRN."""
    return f"{_SYSTEM_NAMES.get(prn[0], prn[0])} {prn}"


@dataclass
class GnssTarget:
    """PRNs of a target, in order, and what the catalogue says of each."""

    prns: list[str]
    members: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def describe(self, prn: str) -> tuple[int | None, str, str | None]:
        """(norad_id, name, orbit_class) from the catalogue, or (None, prn, None)."""
        m = self.members.get(prn)
        if m is None:
            return None, gnss_name(prn), None
        return m.norad_id, m.name, m.orbit_class


def _catalogue_prns(catalog) -> dict[str, object]:
    out = {}
    for m in catalog.members():
        if m.prn and m.status != "retired":
            out.setdefault(m.prn.upper(), m)
    return out


def resolve_gnss_target(target: str, available: list[str], catalog=None) -> GnssTarget:
    """PRNs of ``target`` among ``available`` (the PRNs the orbit files share).

    Raises
    ------
    TargetError
        A token neither a PRN, a system key nor known to the catalogue (the catalogue's
        message, with suggestions), or a target with no PRN in the files.
    """
    from orbitkit.catalog import load_catalog
    from orbitkit.errors import TargetError

    catalog = catalog or load_catalog()
    by_prn = _catalogue_prns(catalog)
    have = set(available)
    prns: list[str] = []
    warnings: list[str] = []
    for token in [t.strip() for t in target.split(",") if t.strip()]:
        key = token.lower()
        if key in SYSTEM_KEYS:
            prns += [p for p in available if p[0] in SYSTEM_KEYS[key]]
        elif PRN_PATTERN.match(token):
            prn = token.upper()
            if prn not in have:
                warnings.append(f"{prn} is not in the orbit files")
            prns.append(prn)
        else:
            members = catalog.resolve(token)
            with_prn = [m for m in members if m.prn]
            missing = [m.name for m in with_prn if m.prn.upper() not in have]
            if missing:
                warnings.append(f"{len(missing)} member(s) of {token} have a PRN not in the "
                                f"orbit files: {', '.join(missing[:6])}"
                                + (" ..." if len(missing) > 6 else ""))
            no_prn = [m.name for m in members if not m.prn]
            if no_prn:
                warnings.append(f"{len(no_prn)} member(s) of {token} have no PRN in the "
                                f"catalogue: {', '.join(no_prn[:6])}"
                                + (" ..." if len(no_prn) > 6 else ""))
            prns += [m.prn.upper() for m in with_prn if m.prn.upper() in have]
    seen: set[str] = set()
    ordered = [p for p in prns if not (p in seen or seen.add(p))]
    ordered.sort(key=lambda p: ("GRECJI".find(p[0]), p))
    if not [p for p in ordered if p in have]:
        raise TargetError(f"{target}: no satellite of this target is in the orbit files "
                          f"(they hold {len(available)} PRNs, e.g. "
                          f"{', '.join(available[:5])})")
    return GnssTarget(ordered, {p: by_prn[p] for p in ordered if p in by_prn}, warnings)
