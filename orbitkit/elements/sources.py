"""Where orbits come from, in order: user files, the cache + CelesTrak, nominal design.

:func:`load_element_sets` is the one entry point every analysis uses. It resolves the
target to objects and asks the orbit sources (:mod:`orbitkit.elements.orbit`) in order,
each only for the objects the earlier ones did not cover:

1. the files the user gave (``--elements FILE``, repeatable): TLE/OMM files
   (:mod:`orbitkit.elements.file_source`) and any file a registered reader claims
   (:data:`orbitkit.elements.orbit.FILE_SOURCES`: GNSS navigation, SP3, OEM); objects
   that are not in the catalogue are still found by NORAD number, PRN or the name the
   file gives them;
2. the on-disk cache of CelesTrak snapshots, refreshed from CelesTrak only when the
   network is allowed and the cache lacks the object or is older than ``max_age_h``
   (:mod:`orbitkit.elements.cache_source`);
3. the nominal design orbits (:mod:`orbitkit.elements.nominal_source`), with a warning
   that the positions are illustrative.

When several sets exist for one object (several files or snapshots), each instant of the
span ``[at, until]`` uses the set nearest it in epoch, switching at the midpoint between
consecutive epochs (:mod:`orbitkit.elements.switching`); without ``until`` the set nearest
``at`` is chosen. Every set says its source and epoch; all of them stay available in
:attr:`ElementResolution.all_sets`, and the switches inside the span, with the position
jump each causes, are in :attr:`ElementResolution.switches`.

An object launched inside the span starts at its launch, with a warning, instead of
being refused; one launched after the span has no orbit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from orbitkit.catalog import Catalog, Member, load_catalog
from orbitkit.elements.file_source import ElementFileSource, read_element_files
from orbitkit.elements.model import ElementSet
from orbitkit.elements.nominal import launch_reason, nominal_reason
from orbitkit.elements.orbit import (
    OrbitRequest,
    OrbitSource,
    SourceAnswer,
    Switch,
    bare_member,
    open_file_sources,
)
from orbitkit.elements.select import (
    ElementStore,
    shared_orbit_groups,
    stale_limits_days,
    staleness_warning,
)
from orbitkit.errors import ElementsUnavailableError, TargetError
from orbitkit.timeutil import parse_utc

__all__ = ["ElementResolution", "load_element_sets", "load_element_sets_at_epoch",
           "read_element_files"]

_UTC_FMT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass
class ElementResolution:
    """The element sets found for a target, and what could not be found.

    Attributes
    ----------
    sets
        One orbit per resolved object: the element set whose epoch is nearest :attr:`at`,
        a series of sets switching along ``[at, until]``, or another source's orbit.
    members
        The members those sets belong to; ``members[i]`` goes with ``sets[i]``.
    missing
        Members with no set from any allowed source (deep space, decayed, offline, ...);
        :attr:`missing_reasons` says why, by member name.
    warnings
        Bad records skipped (``file:line message``), stale sets, nominal fallback, cache age.
    at
        The time the sets were chosen for (aware UTC).
    all_sets
        Every set loaded from files and the cache (several per object possible).
    tried
        The sources tried, in order, for the message when nothing resolves.
    until
        End of the span the orbits were chosen for, or ``None`` (the instant :attr:`at`).
    switches
        Changes of element set inside ``[at, until]``, each with the position jump it
        causes (see :mod:`orbitkit.elements.switching`).
    """

    sets: list[ElementSet]
    members: list[Member]
    missing: list[Member]
    warnings: list[str]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    all_sets: ElementStore = field(default_factory=ElementStore)
    missing_reasons: dict[str, str] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)
    until: datetime | None = None
    switches: list[Switch] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sets)

    @property
    def any_nominal(self) -> bool:
        """True when at least one set is a nominal design orbit (illustrative positions)."""
        return any(es.is_nominal for es in self.sets)

    def set_for(self, member: Member) -> ElementSet | None:
        for m, es in zip(self.members, self.sets, strict=True):
            if m == member:
                return es
        return None

    def one_per_orbit(self) -> tuple[ElementResolution, list[str]]:
        """The same resolution with one set per distinct orbit, and a note per merge.

        Objects sharing one element set (docked modules and vehicles, see
        :func:`~orbitkit.elements.select.shared_orbit_groups`) are kept once, under the first
        of them in target order, so that passes, sky tracks, ground tracks and visibility
        counts show the station once. The notes name what was merged into what.
        """
        groups = shared_orbit_groups(self.sets)
        if not groups:
            return self, []
        dropped = {i for group in groups for i in group[1:]}
        notes = []
        for group in groups:
            kept = self.sets[group[0]]
            others = ", ".join(f"{self.sets[i].name} ({self.sets[i].norad_id})"
                               for i in group[1:])
            how = ("share one nominal design orbit with" if kept.is_nominal else
                   "fly on the element set of")
            why = "" if kept.is_nominal else ", as docked spacecraft do"
            notes.append(f"{others} {how} {kept.name} ({kept.norad_id}){why}: shown once, "
                         f"as {kept.norad_id}")
        keep = [i for i in range(len(self.sets)) if i not in dropped]
        kept_ids = {self.sets[i].norad_id for i in keep}
        merged = replace(self, sets=[self.sets[i] for i in keep],
                         members=[self.members[i] for i in keep],
                         switches=[sw for sw in self.switches if sw.norad_id in kept_ids])
        return merged, notes

    def sources_summary(self) -> dict[str, Any]:
        """Counts per source and the epoch range, e.g. ``{"file": 3, "nominal": 2, ...}``.

        Keys: one count per source kind used, ``epoch_min_utc``/``epoch_max_utc`` (``None``
        when empty), ``missing`` (count) and ``illustrative`` (any nominal set).
        """
        out: dict[str, Any] = dict(Counter(es.source for es in self.sets))
        epochs = [e for es in self.sets for e in _epochs(es)]
        out["epoch_min_utc"] = min(epochs).strftime(_UTC_FMT) if epochs else None
        out["epoch_max_utc"] = max(epochs).strftime(_UTC_FMT) if epochs else None
        out["missing"] = len(self.missing)
        out["illustrative"] = self.any_nominal
        if self.switches:
            out["switches"] = [sw.to_dict() for sw in self.switches]
        return out

    def source_note(self) -> str:
        """One line for a person: real sets (which sources, newest epoch) or nominal orbits."""
        real = [es for es in self.sets if not es.is_nominal]
        if not real:
            return ("nominal design orbits of the catalogue (no element file given and none in "
                    "the cache): positions are illustrative; give a TLE/OMM file, e.g. a "
                    "CelesTrak snapshot, for real tracked elements")
        kinds = ", ".join(sorted({es.source for es in real}))
        newest = max(e for es in real for e in _epochs(es))
        nominal = len(self.sets) - len(real)
        extra = f"; {nominal} from nominal design orbits" if nominal else ""
        return f"real element sets ({kinds}), epochs up to {newest:%Y-%m-%d %H:%M} UTC{extra}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "at_utc": self.at.strftime(_UTC_FMT),
            "sets": [_set_dict(es, self.at) for es in self.sets],
            "missing": [{"name": m.name, "norad_id": m.norad_id,
                         "reason": self.missing_reasons.get(m.name)} for m in self.missing],
            "warnings": list(self.warnings),
            "sources": self.sources_summary(),
            **({"switches": [sw.to_dict() for sw in self.switches]} if self.switches else {}),
        }


def _epochs(orbit: Any) -> list[datetime]:
    """Every epoch an orbit uses: each set of a series, else its one epoch (if any)."""
    sets = getattr(orbit, "sets", None)
    if isinstance(sets, list):
        return [es.epoch for es in sets]
    return [orbit.epoch] if orbit.epoch is not None else []


def _set_dict(es: ElementSet, at: datetime) -> dict[str, Any]:
    out = es.to_dict()
    out["age_days"] = round(es.age_days(at), 4)
    return out


# --------------------------------------------------------------------------- target

def _bare(norad_id: int, name: str | None = None, cospar_id: str | None = None) -> Member:
    return bare_member(norad_id, name, cospar_id)


def _as_target(target: Any) -> str | list[Member]:
    """A target string, or the members as a list: a NORAD number as an ``int`` and a list of
    target strings/numbers are read as the comma-separated string they stand for."""
    if isinstance(target, str):
        return target
    if isinstance(target, int) and not isinstance(target, bool):
        return str(target)
    try:
        items = list(target)
    except TypeError:
        raise TargetError(f"target: expected a target string such as 'beidou-3' or '48274' "
                          f"or catalogue members, not {type(target).__name__}") from None
    if items and all(isinstance(t, str | int) and not isinstance(t, bool) for t in items):
        return ",".join(str(t) for t in items)
    for i, item in enumerate(items):
        if not isinstance(item, Member):
            raise TargetError(f"target[{i}]: {type(item).__name__} {item!r}; give target "
                              "strings or catalogue members, not a mix")
    return items


def _resolve(target: str | Sequence[Member], catalog: Catalog,
             sources: Sequence[OrbitSource]) -> list[Member]:
    """Catalogue resolution, falling back to what the sources can name (names, COSPAR ids
    and PRNs in the user's files, then object names in the cache)."""
    if not isinstance(target, str):
        return list(target)
    tokens = [t.strip() for t in target.split(",") if t.strip()]
    if not tokens:
        return catalog.resolve(target)  # raises the catalogue's own "empty target" message
    members: list[Member] = []
    for token in tokens:
        try:
            found = catalog.resolve(token)
        except TargetError:
            found = []
            for source in sources:
                found = source.find_token(token)
                if found:
                    break
            if not found:
                raise
        for member in found:
            if member not in members:
                members.append(member)
    # Objects not in the catalogue take the name their source gives them.
    named: list[Member] = []
    for member in members:
        if not member.system_key and member.norad_id is not None:
            for source in sources:
                known = source.object_name(member.norad_id)
                if known is not None:
                    member = _bare(member.norad_id, known[0], known[1])
                    break
        named.append(member)
    return named


def _describe(members: Sequence[Member | ElementSet], limit: int = 6) -> str:
    names = [m.name for m in members[:limit]]
    more = f" and {len(members) - limit} more" if len(members) > limit else ""
    return ", ".join(names) + more


# --------------------------------------------------------------------------- main

def load_element_sets(
    target: str | Sequence[Member],
    *,
    files: Sequence[str | Path] = (),
    at: datetime | str | None = None,
    offline: bool | None = None,
    max_age_h: float = 24.0,
    allow_nominal: bool = True,
    catalog: Catalog | None = None,
    allow_fetch: bool = True,
    stale_leo_days: float | None = None,
    stale_days: float | None = None,
    until: datetime | str | None = None,
) -> ElementResolution:
    """Find the orbit of each object of ``target``, trying files, cache, CelesTrak, nominal.

    Parameters
    ----------
    target
        A target string (system key, name/alias, NORAD number, COSPAR id, comma-separated
        mix; a name or COSPAR id found only in ``files`` also works), a NORAD number, a list
        of such strings/numbers, or catalogue members.
    files
        User element files (TLE, 3LE, OMM JSON/CSV/XML/KVN), tried first; one path or a
        sequence of them.
    at
        Time the sets are chosen for (aware UTC ``datetime`` or ISO string; default now):
        the start of the span. Nearest-epoch choice, staleness and the nominal epoch all
        refer to it.
    until
        End of the span (optional). Objects with several sets then switch between them
        along ``[at, until]`` at the midpoints between epochs (an
        :class:`~orbitkit.elements.switching.ElementSetSeries` in :attr:`ElementResolution.sets`;
        the switches and their position jumps in :attr:`ElementResolution.switches`), and
        an object launched inside the span starts at its launch (with a warning). The
        staleness of the sets in use is then checked at the end of the span and at each
        switch too.
    offline
        ``True`` never touches the network; ``None`` reads ``ORBITKIT_OFFLINE``.
    max_age_h
        Cache age (hours) beyond which an analysis may refresh it from CelesTrak.
    allow_nominal
        Fall back to nominal design orbits (illustrative) for objects with no real set.
    catalog
        Catalogue to resolve against (default :func:`orbitkit.catalog.load_catalog`).
    allow_fetch
        ``False`` keeps this call off the network even when it is allowed.
    stale_leo_days, stale_days
        Staleness limits in days (default ``ORBITKIT_STALE_LEO_DAYS``/``ORBITKIT_STALE_DAYS``
        or 14/30).

    Returns
    -------
    ElementResolution
        ``sets`` holds one orbit per object: an
        :class:`~orbitkit.elements.model.ElementSet`, a series of them, or another source's
        :class:`~orbitkit.elements.orbit.Orbit` (GNSS, OEM).

    Raises
    ------
    TargetError
        The target names nothing.
    ElementFileError
        A user file is missing or holds no usable record.
    ElementParseError
        A requested object's only record in the user's files is invalid (the message names
        the file, line and field): a design orbit is never silently put in its place.
    ElementsUnavailableError
        No set at all for any object of the target; the message says what was tried and how
        to fix it.
    """
    from orbitkit.elements import celestrak
    from orbitkit.elements.cache_source import CelestrakCacheSource
    from orbitkit.elements.nominal_source import NominalSource

    at_utc = datetime.now(UTC) if at is None else parse_utc(at, what="at")
    until_utc = None if until is None else parse_utc(until, what="until")
    if until_utc is not None and until_utc <= at_utc:
        until_utc = None
    target = _as_target(target)
    if isinstance(files, str | PathLike):  # one path, not a sequence of its characters
        files = [files]
    catalog = catalog or load_catalog()
    net_off = celestrak.is_offline(offline)
    warnings: list[str] = []
    tried: list[str] = []

    # 1. the user's files: registered readers (GNSS, OEM, ...) first, then TLE/OMM
    file_sources: list[OrbitSource] = []
    if files:
        file_sources, rest = open_file_sources(files)
        if rest:
            element_files = ElementFileSource(rest)
            warnings.extend(element_files.warnings)
            file_sources.append(element_files)
    cache_source = CelestrakCacheSource()
    members = _resolve(target, catalog, [*file_sources, cache_source])
    all_sets = ElementStore(s for src in file_sources for s in getattr(src, "store", ()))
    chosen: dict[int, Any] = {}  # index into members -> orbit
    reasons: dict[int, str] = {}
    starts: dict[int, datetime] = {}
    pending: list[int] = []
    for i, member in enumerate(members):
        # before its launch an object has no orbit, whatever a file or the cache holds
        not_yet = launch_reason(member, at_utc)
        if not_yet is not None:
            launch = _launch_time(member)
            if until_utc is None or launch is None or launch > until_utc:
                reasons[i] = not_yet
                continue
            starts[i] = launch
            warnings.append(f"{member.name}" + (f" ({member.norad_id})" if member.norad_id
                                                 is not None else "")
                            + f" was launched on {launch:%Y-%m-%d}, after the start of the "
                            f"span ({at_utc:%Y-%m-%d %H:%M}Z): its orbit starts at its launch "
                            f"({launch:%Y-%m-%d %H:%M}Z); nothing is computed for it before")
        pending.append(i)

    def ask(source: OrbitSource, positions: list[int]) -> tuple[SourceAnswer, list[int]]:
        request = OrbitRequest(members=[members[i] for i in positions], at=at_utc,
                               until=until_utc, catalog=catalog, offline=net_off,
                               max_age_h=max_age_h, allow_fetch=allow_fetch,
                               starts={k: starts[i] for k, i in enumerate(positions)
                                       if i in starts})
        answer = source.answer(request)
        warnings.extend(answer.warnings)
        tried.extend(answer.tried)
        all_sets.add(answer.all_sets)
        for k, orbit in answer.orbits.items():
            chosen[positions[k]] = orbit
        return answer, [i for k, i in enumerate(positions) if k not in answer.orbits]

    for source in file_sources:
        if pending:
            _, pending = ask(source, pending)
    if files and not file_sources:
        tried.append(f"{len(files)} element file(s)")
    # objects that can have no Earth orbit at all are not looked for any further
    still = []
    for i in pending:
        reason = nominal_reason(members[i])
        if reason is not None:
            reasons[i] = reason
        else:
            still.append(i)
    pending = still

    # 2. the cache and CelesTrak
    if pending:
        _, pending = ask(cache_source, pending)

    # 3. nominal design orbits
    if pending and allow_nominal:
        answer, left = ask(NominalSource(), pending)
        for k, i in enumerate(pending):
            if i in left:
                reasons[i] = _unavailable_reason(members[i], net_off, answer.reasons.get(k))
        pending = left
    else:
        for i in pending:
            reasons[i] = _unavailable_reason(members[i], net_off, None)

    result = ElementResolution(sets=[], members=[], missing=[], warnings=warnings, at=at_utc,
                               all_sets=all_sets, tried=tried, until=until_utc)
    stale_sets: list[tuple[Any, str]] = []
    for i, member in enumerate(members):
        if i in chosen:
            orbit = chosen[i]
            if not member.system_key and member.name == f"NORAD {member.norad_id}" \
                    and orbit.name:
                # not in the catalogue: show the name its element set gives it
                member = _bare(orbit.norad_id, orbit.name, orbit.cospar_id)
            result.sets.append(orbit)
            result.members.append(member)
            first = starts.get(i, at_utc)
            in_use = orbit.set_at(first) if hasattr(orbit, "set_at") else orbit
            if isinstance(in_use, ElementSet):
                stale = staleness_warning(in_use, first, leo_days=stale_leo_days,
                                          other_days=stale_days)
                if stale:
                    stale_sets.append((in_use, stale))
            if until_utc is not None:
                result.switches.extend(orbit.switches(first, until_utc)
                                       if hasattr(orbit, "switches") else [])
        else:
            result.missing.append(member)
            result.missing_reasons[member.name] = reasons.get(i, "no element set")
    warnings.extend(_stale_summary(stale_sets, at_utc,
                                   stale_limits_days(stale_leo_days, stale_days)))
    if until_utc is not None:
        firsts = [starts.get(i, at_utc) for i in range(len(members)) if i in chosen]
        warnings.extend(_stale_along(result.sets, firsts, until_utc, leo_days=stale_leo_days,
                                     other_days=stale_days))
    for member in result.missing:
        number = f" ({member.norad_id})" if member.norad_id is not None else ""
        warnings.append(f"no element set for {member.name}{number}: "
                        f"{result.missing_reasons[member.name]}")
    if not result.sets:
        raise ElementsUnavailableError(_nothing_message(target, result, net_off, bool(files)))
    return result


def _launch_time(member: Member) -> datetime | None:
    """Start of the launch day (UTC) when the catalogue gives a launch date."""
    if not member.launch_date:
        return None
    try:
        return datetime.fromisoformat(member.launch_date).replace(tzinfo=UTC)
    except ValueError:
        return None


def load_element_sets_at_epoch(
    target: str | Sequence[Member],
    *,
    fallback_at: datetime | str,
    files: Sequence[str | Path] = (),
    offline: bool | None = True,
    pick: str = "latest",
) -> tuple[ElementResolution, datetime]:
    """Element sets and the time to study them at: their own epoch when real sets exist.

    Lessons and reproducible figures want "the real satellites when I have their elements,
    else the design": with real sets (from ``files`` or the cache) the time is the newest
    (``pick="latest"``) or oldest (``"earliest"``) real epoch, whole minutes, and the sets
    are chosen (and judged for staleness) for that time; with none, nominal design orbits
    at ``fallback_at``.

    Returns
    -------
    (ElementResolution, datetime)
        The sets, and the aware UTC time they were chosen for.
    """
    if pick not in ("latest", "earliest"):
        raise ValueError(f"pick must be 'latest' or 'earliest', not {pick!r}")
    res = load_element_sets(target, files=files, offline=offline, at=fallback_at)
    real = [es.epoch for es in res.sets if not es.is_nominal]
    if not real:
        return res, res.at
    at = (max(real) if pick == "latest" else min(real)).replace(second=0, microsecond=0)
    return load_element_sets(target, files=files, offline=offline, at=at), at


def _stale_summary(stale: list[tuple[ElementSet, str]], at: datetime,
                   limits_days: tuple[float, float]) -> list[str]:
    """One warning per stale set when there are a few; one summary line for a constellation.

    A whole snapshot is usually equally old, and 35 near-identical lines would bury the
    other warnings.
    """
    if len(stale) <= 3:
        return [message for _, message in stale]
    gaps = [abs((at - es.epoch).total_seconds()) / 86400.0 for es, _ in stale]
    names = _describe([es for es, _ in stale])  # element sets have .name too
    return [f"{len(stale)} element sets are {min(gaps):.1f}-{max(gaps):.1f} days from the "
            f"requested time ({names}): beyond the staleness limits ({limits_days[0]:g} days "
            f"LEO, {limits_days[1]:g} days higher orbits), positions degrade; use sets nearer "
            "that time"]


def _in_use(orbit: Any, t: datetime) -> ElementSet | None:
    """The element set an orbit uses at ``t`` (``None`` for orbits of other sources)."""
    es = orbit.set_at(t) if hasattr(orbit, "set_at") else orbit
    return es if isinstance(es, ElementSet) else None


def _stale_along(orbits: list[Any], firsts: list[datetime], stop: datetime,
                 **limits: float | None) -> list[str]:
    """Staleness of the sets in use along each span after its start (checked apart).

    The age of the set in use is largest at the end of the span and at the switches (half
    the gap between two epochs): a long span can end far beyond the epoch of the set in
    use (a year of CSS passes from one TLE), or pass a switch between sets far apart.
    Objects flying on one shared set (docked modules) are checked once.
    """
    from orbitkit.elements.switching import span_staleness_warnings

    twins = {i for group in shared_orbit_groups(orbits) for i in group[1:]}
    out: list[str] = []
    late: list[ElementSet] = []
    for i, (orbit, first) in enumerate(zip(orbits, firsts, strict=True)):
        if i in twins:
            continue
        out.extend(span_staleness_warnings(orbit, first, stop, **limits))
        start_set, end_set = _in_use(orbit, first), _in_use(orbit, stop)
        if start_set is not None and end_set is not None \
                and staleness_warning(start_set, first, **limits) is None \
                and staleness_warning(end_set, stop, **limits):
            late.append(end_set)
    for es in late[:3]:
        out.append(f"at the end of the span ({stop:%Y-%m-%d %H:%M}Z): "
                   f"{staleness_warning(es, stop, **limits)}")
    if len(late) > 3:
        out.append(f"{len(late) - 3} more element sets are beyond the staleness limits by the "
                   "end of the span (ORBITKIT_STALE_LEO_DAYS / ORBITKIT_STALE_DAYS); shorten "
                   "the span or use newer elements")
    return out


def _unavailable_reason(member: Member, net_off: bool, design: str | None) -> str:
    where = "not in the element files given, not in the cache"
    where += ", network off (offline)" if net_off else ", not fetched from CelesTrak"
    if design:
        where += f"; no nominal design orbit: {design}"
    return where


def _nothing_message(target: str | Sequence[Member], result: ElementResolution, net_off: bool,
                     had_files: bool) -> str:
    label = target if isinstance(target, str) else _describe(list(target))
    reasons = sorted({f"{name}: {why}" for name, why in result.missing_reasons.items()})
    shown = "; ".join(reasons[:4]) + (f"; ... ({len(reasons) - 4} more)" if len(reasons) > 4
                                       else "")
    all_permanent = all(nominal_reason(m, result.at) is not None for m in result.missing)
    if all_permanent:
        fix = ("These objects have no Earth-orbit element set at that time (deep space, "
               "decayed, landed, or not yet launched); "
               "see 'orbitkit catalog show' for what is known of them")
    else:
        fixes = ["give --elements FILE with their TLE/OMM"]
        fixes.append("run 'orbitkit fetch TARGET' where the network is allowed")
        if net_off:
            fixes.append("drop --offline / unset ORBITKIT_OFFLINE")
        fix = "To fix: " + ", or ".join(fixes)
    tried = ", ".join(result.tried) if result.tried else "nothing (no source applies)"
    notes = [w for w in result.warnings if w.startswith(("cache file", "CelesTrak fetch failed"))]
    also = (" Also: " + "; ".join(notes)) if notes else ""
    return f"no element set for {label!r} (tried {tried}): {shown}. {fix}.{also}"
