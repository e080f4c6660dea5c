"""Where element sets come from, in order: user files, the cache, CelesTrak, nominal design.

:func:`load_element_sets` is the one entry point every analysis uses. Per object it tries

1. the files the user gave (``--elements FILE``, repeatable), where objects that are not in
   the catalogue are still found by NORAD number (or by the name the file gives them);
2. the on-disk cache of CelesTrak snapshots (:mod:`orbitkit.elements.cache`);
3. a CelesTrak fetch (:mod:`orbitkit.elements.celestrak`), only when the network is allowed
   and the cache lacks the object or is older than ``max_age_h``;
4. the nominal design orbits (:mod:`orbitkit.elements.nominal`), with a warning that the
   positions are illustrative.

When several sets exist for one object (several files or snapshots), the one whose epoch is
nearest the requested time is chosen; all of them stay available in
:attr:`ElementResolution.all_sets`. Every chosen set says its source and epoch.
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
from orbitkit.elements.model import ElementSet
from orbitkit.elements.nominal import (
    NOMINAL_WARNING,
    launch_reason,
    nominal_reason,
    nominal_sets,
)
from orbitkit.elements.select import (
    ElementStore,
    shared_orbit_groups,
    stale_limits_days,
    staleness_warning,
)
from orbitkit.errors import (
    ElementFileError,
    ElementParseError,
    ElementsUnavailableError,
    TargetError,
)
from orbitkit.timeutil import parse_utc

__all__ = ["ElementResolution", "load_element_sets", "load_element_sets_at_epoch",
           "read_element_files"]

_UTC_FMT = "%Y-%m-%dT%H:%M:%SZ"
#: Bad records listed one by one before the rest are summarised in a single line.
_MAX_RECORD_WARNINGS = 20


@dataclass
class ElementResolution:
    """The element sets found for a target, and what could not be found.

    Attributes
    ----------
    sets
        One set per resolved object: the one whose epoch is nearest :attr:`at`.
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
    """

    sets: list[ElementSet]
    members: list[Member]
    missing: list[Member]
    warnings: list[str]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    all_sets: ElementStore = field(default_factory=ElementStore)
    missing_reasons: dict[str, str] = field(default_factory=dict)
    tried: list[str] = field(default_factory=list)

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
        merged = replace(self, sets=[self.sets[i] for i in keep],
                         members=[self.members[i] for i in keep])
        return merged, notes

    def sources_summary(self) -> dict[str, Any]:
        """Counts per source and the epoch range, e.g. ``{"file": 3, "nominal": 2, ...}``.

        Keys: one count per source kind used, ``epoch_min_utc``/``epoch_max_utc`` (``None``
        when empty), ``missing`` (count) and ``illustrative`` (any nominal set).
        """
        out: dict[str, Any] = dict(Counter(es.source for es in self.sets))
        epochs = [es.epoch for es in self.sets]
        out["epoch_min_utc"] = min(epochs).strftime(_UTC_FMT) if epochs else None
        out["epoch_max_utc"] = max(epochs).strftime(_UTC_FMT) if epochs else None
        out["missing"] = len(self.missing)
        out["illustrative"] = self.any_nominal
        return out

    def source_note(self) -> str:
        """One line for a person: real sets (which sources, newest epoch) or nominal orbits."""
        real = [es for es in self.sets if not es.is_nominal]
        if not real:
            return ("nominal design orbits of the catalogue (no element file given and none in "
                    "the cache): positions are illustrative; give a TLE/OMM file, e.g. a "
                    "CelesTrak snapshot, for real tracked elements")
        kinds = ", ".join(sorted({es.source for es in real}))
        newest = max(es.epoch for es in real)
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
        }


def _set_dict(es: ElementSet, at: datetime) -> dict[str, Any]:
    out = es.to_dict()
    out["age_days"] = round(es.age_days(at), 4)
    return out


# --------------------------------------------------------------------------- files

def _error_text(err: ElementParseError) -> str:
    """``file:line: message`` unless the message already starts with the file name."""
    text = str(err)
    if err.path and not text.startswith(str(err.path)):
        where = f"{err.path}:{err.line}" if err.line else str(err.path)
        text = f"{where}: {text}"
    return text


def _brief(err: ElementParseError) -> str:
    """One line per skipped record: where, what (and which object); the column template of
    the full message is kept for when the user asks for that very object."""
    lines = _error_text(err).splitlines()
    obj = next((ln.strip() for ln in lines[1:] if ln.startswith("Object:")), "")
    return f"{lines[0]} {obj}".strip() if lines else ""


def read_element_files(files: Sequence[str | Path]) -> tuple[ElementStore, list[ElementParseError]]:
    """Read every user element file; keep the good records, collect the bad ones.

    Raises
    ------
    ElementFileError
        A file is missing or holds no usable record at all (HTML page, binary, empty, ...).
    """
    for path in files:
        if not Path(path).is_file():
            what = "is a folder, not a file" if Path(path).is_dir() else "does not exist"
            raise ElementFileError(f"element file {path} {what}; give the path of a TLE, 3LE "
                                   "or OMM file to --elements")
    from orbitkit.elements.parse import read_elements

    key = _files_key(files)
    memo = _READ_MEMO.get(key) if key is not None else None
    if memo is not None:
        return memo[0], list(memo[1])
    store = ElementStore()
    errors: list[ElementParseError] = []
    for path in files:
        result = read_elements(Path(path), source="file")
        store.add(result.sets)
        errors.extend(result.errors)
    if key is not None:
        _READ_MEMO[key] = (store, list(errors))
        while len(_READ_MEMO) > _READ_MEMO_SIZE:
            del _READ_MEMO[next(iter(_READ_MEMO))]
    return store, errors


# The same files read again by a long-running process (``orbitkit serve`` resolves targets on
# every request) are parsed once: keyed by each file's resolved path and a digest of its
# bytes, so a file changed on disk is read anew. The store returned is shared between
# callers: read it, never add to it (load_element_sets copies it before adding).
_READ_MEMO: dict[tuple[tuple[str, str], ...], tuple[ElementStore, list[ElementParseError]]] = {}
_READ_MEMO_SIZE = 4


def _files_key(files: Sequence[str | Path]) -> tuple[tuple[str, str], ...] | None:
    import hashlib

    key = []
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None  # read_elements reports it
        key.append((str(Path(path).resolve()), hashlib.blake2b(data, digest_size=16).hexdigest()))
    return tuple(key)


# --------------------------------------------------------------------------- target

def _bare(norad_id: int, name: str | None = None, cospar_id: str | None = None) -> Member:
    return Member(name=name or f"NORAD {norad_id}", system_key="", orbit_class=None,
                  status="active", norad_id=norad_id, cospar_id=cospar_id)


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
             files: ElementStore) -> list[Member]:
    """Catalogue resolution, falling back to names/COSPAR ids in the user's files, then to
    object names in the cache."""
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
            ids = files.find_name(token) or files.find_cospar(token)
            if not ids:
                # A name CelesTrak uses (e.g. "ISS (ZARYA)") that an earlier fetch cached.
                from orbitkit.elements.cache import ElementCache

                ids = ElementCache().find_name(token)
            if not ids:
                raise
            found = [_bare(n) for n in ids]
        for member in found:
            if member not in members:
                members.append(member)
    # Objects not in the catalogue take the name their element set gives them.
    named: list[Member] = []
    for member in members:
        if not member.system_key and member.norad_id is not None:
            sets = files.sets_for(member.norad_id)
            if sets and sets[-1].name:
                member = _bare(member.norad_id, sets[-1].name, sets[-1].cospar_id)
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
) -> ElementResolution:
    """Find one element set per object of ``target``, trying files, cache, CelesTrak, nominal.

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
        Time the sets are chosen for (aware UTC ``datetime`` or ISO string; default now).
        Nearest-epoch choice, staleness and the nominal epoch all refer to it.
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
    from orbitkit.elements.cache import ElementCache, format_age

    at_utc = datetime.now(UTC) if at is None else parse_utc(at, what="at")
    target = _as_target(target)
    if isinstance(files, str | PathLike):  # one path, not a sequence of its characters
        files = [files]
    catalog = catalog or load_catalog()
    net_off = celestrak.is_offline(offline)
    warnings: list[str] = []
    tried: list[str] = []

    file_store, file_errors = read_element_files(files) if files else (ElementStore(), [])
    if files:
        tried.append(f"{len(files)} element file(s)")
    bad_by_norad: dict[int, ElementParseError] = {}
    for n, err in enumerate(file_errors):
        # A dropped duplicate is not a broken record: the object still has its good set.
        duplicate = type(err).__name__ == "DuplicateElementSetError"
        kind = "dropped duplicate record" if duplicate else "skipped bad record"
        if n < _MAX_RECORD_WARNINGS:
            warnings.append(f"{kind}: {_brief(err)}")
        elif n == _MAX_RECORD_WARNINGS:
            warnings.append(f"... and {len(file_errors) - n} more bad or duplicate records "
                            "(ask for one of them by number to see its full message)")
        if err.norad_id is not None and not duplicate:
            bad_by_norad.setdefault(err.norad_id, err)

    members = _resolve(target, catalog, file_store)
    all_sets = ElementStore(file_store)
    chosen: dict[int, ElementSet] = {}  # index into members -> set
    reasons: dict[int, str] = {}
    pending: list[int] = []

    for i, member in enumerate(members):
        # before its launch an object has no orbit, whatever a file or the cache holds
        not_yet = launch_reason(member, at_utc)
        if not_yet is not None:
            reasons[i] = not_yet
            continue
        if member.norad_id is not None:
            es = file_store.nearest(member.norad_id, at_utc)
            if es is not None:
                chosen[i] = es
                continue
            bad = bad_by_norad.get(member.norad_id)
            if bad is not None:
                label = member.name if member.name == f"NORAD {member.norad_id}" else \
                    f"{member.name} (NORAD {member.norad_id})"
                raise ElementParseError(
                    f"{label}: its record in the element file is "
                    f"invalid, so there is nothing to use: {_error_text(bad)}",
                    path=bad.path, line=bad.line, column=bad.column, field=bad.field,
                    expected=bad.expected, found=bad.found, norad_id=bad.norad_id)
        reason = nominal_reason(member)
        if reason is not None:
            reasons[i] = reason
            continue
        pending.append(i)

    # 2. the cache, 3. CelesTrak
    if pending:
        cache = ElementCache()
        tried.append(f"the cache ({cache.folder})")
        wanted = {members[i].norad_id for i in pending}
        lookup = cache.lookup(wanted, at_utc)  # type: ignore[arg-type]
        warnings.extend(lookup.warnings)
        now = datetime.now(UTC)
        stale_cache = [n for n in wanted if n not in lookup.found
                       or lookup.found[n].snapshot.age_s(now) > max_age_h * 3600.0]
        fetch_failed: str | None = None
        if stale_cache and allow_fetch and not net_off:
            tried.append("CelesTrak")
            queries = celestrak.queries_for_norads(n for n in stale_cache if n is not None)
            outcomes, errors = celestrak.fetch_queries(queries, max_age_h=max_age_h)
            hard = [e for e in errors if not isinstance(e, celestrak.QueryTooSoonError)]
            if hard:
                fetch_failed = str(hard[0])
                warnings.append(f"CelesTrak fetch failed: {fetch_failed}")
            if any(o.path for o in outcomes):
                lookup = cache.lookup(wanted, at_utc)  # type: ignore[arg-type]
                warnings.extend(w for w in lookup.warnings if w not in warnings)
        elif stale_cache and net_off:
            tried.append("no CelesTrak fetch (offline)")
        all_sets.add(lookup.all_sets)
        old_snapshots: dict[Path, Any] = {}
        still: list[int] = []
        for i in pending:
            found = lookup.found.get(members[i].norad_id)  # type: ignore[arg-type]
            if found is None:
                still.append(i)
                continue
            es = found.element_set
            if not es.name:
                es = ElementSet(norad_id=es.norad_id, name=members[i].name, epoch=es.epoch,
                                satrec=es.satrec, source=es.source, origin=es.origin,
                                cospar_id=es.cospar_id)
            chosen[i] = es
            if found.snapshot.age_s(now) > max_age_h * 3600.0 or fetch_failed:
                old_snapshots[found.snapshot.path] = found.snapshot
        for snap in old_snapshots.values():
            warnings.append(
                f"cached elements from {snap.path.name} were fetched "
                f"{format_age(snap.age_s(now))} ago ({snap.fetched_at:%Y-%m-%d %H:%M}Z); "
                "'orbitkit fetch' refreshes them when the network is allowed")
        pending = still

    # 4. nominal design orbits
    if pending and allow_nominal:
        tried.append("nominal design orbits")
        pending_members = [members[i] for i in pending]
        sets, no_design = nominal_sets(pending_members, at_utc, catalog)
        lacking = [mm for mm, _ in no_design]
        with_design = [m for m in pending_members if not any(m is mm for mm in lacking)]
        by_member = {id(m): es for m, es in zip(with_design, sets, strict=True)}
        why_not = {id(mm): r for mm, r in no_design}
        used: list[Member] = []
        for i in pending:
            es = by_member.get(id(members[i]))
            if es is not None:
                chosen[i] = es
                used.append(members[i])
            else:
                reasons[i] = _unavailable_reason(members[i], net_off,
                                                 why_not.get(id(members[i])))
        if used:
            warnings.append(f"{len(used)} object(s) from nominal design orbits "
                            f"({_describe(used)}): {NOMINAL_WARNING}")
    else:
        for i in pending:
            reasons[i] = _unavailable_reason(members[i], net_off, None)

    result = ElementResolution(sets=[], members=[], missing=[], warnings=warnings, at=at_utc,
                               all_sets=all_sets, tried=tried)
    stale_sets: list[tuple[ElementSet, str]] = []
    for i, member in enumerate(members):
        if i in chosen:
            if not member.system_key and member.name == f"NORAD {member.norad_id}" \
                    and chosen[i].name:
                # not in the catalogue: show the name its element set gives it
                member = _bare(chosen[i].norad_id, chosen[i].name, chosen[i].cospar_id)
            result.sets.append(chosen[i])
            result.members.append(member)
            stale = staleness_warning(chosen[i], at_utc, leo_days=stale_leo_days,
                                      other_days=stale_days)
            if stale:
                stale_sets.append((chosen[i], stale))
        else:
            result.missing.append(member)
            result.missing_reasons[member.name] = reasons.get(i, "no element set")
    warnings.extend(_stale_summary(stale_sets, at_utc,
                                   stale_limits_days(stale_leo_days, stale_days)))
    for member in result.missing:
        number = f" ({member.norad_id})" if member.norad_id is not None else ""
        warnings.append(f"no element set for {member.name}{number}: "
                        f"{result.missing_reasons[member.name]}")
    if not result.sets:
        raise ElementsUnavailableError(_nothing_message(target, result, net_off, bool(files)))
    return result


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
