"""The CelesTrak snapshot cache, refreshed from CelesTrak when allowed, as one orbit source.

One :meth:`CelestrakCacheSource.answer` does the whole round a target used to make between
:mod:`orbitkit.elements.cache` and :mod:`orbitkit.elements.celestrak`:

1. look the members up in every cached snapshot;
2. when the network is allowed (not ``offline``, ``allow_fetch``) and the cache lacks a
   member or its snapshot is older than ``max_age_h``, fetch them from CelesTrak (by
   CelesTrak's rules, :mod:`orbitkit.elements.celestrak`) and look again;
3. per member, the sets of every snapshot switch along the span like the sets of
   several files (:mod:`orbitkit.elements.switching`); a member found only in an old
   snapshot, or after a failed fetch, earns a warning naming the snapshot and its age.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orbitkit.elements.orbit import OrbitRequest, OrbitSource, SourceAnswer, bare_member
from orbitkit.elements.switching import orbit_for_span

__all__ = ["CelestrakCacheSource"]


class CelestrakCacheSource(OrbitSource):
    """Cached CelesTrak snapshots (sets report kind ``cache``), fetched when allowed.

    Parameters
    ----------
    cache
        An :class:`~orbitkit.elements.cache.ElementCache` (default: the user's cache).
    """

    kind = "cache"

    def __init__(self, cache: Any = None) -> None:
        from orbitkit.elements.cache import ElementCache

        self.cache = cache if cache is not None else ElementCache()

    def find_token(self, token: str) -> list:
        # A name CelesTrak uses (e.g. "ISS (ZARYA)") that an earlier fetch cached.
        return [bare_member(n) for n in self.cache.find_name(token)]

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        from orbitkit.elements import celestrak
        from orbitkit.elements.cache import format_age

        out = SourceAnswer(tried=[f"the cache ({self.cache.folder})"])
        wanted_pos = [i for i, m in enumerate(request.members) if m.norad_id is not None]
        if not wanted_pos:
            return out
        wanted = {request.members[i].norad_id for i in wanted_pos}
        at = request.at
        lookup = self.cache.lookup(wanted, at)  # type: ignore[arg-type]
        out.warnings.extend(lookup.warnings)
        now = datetime.now(UTC)
        max_age_s = request.max_age_h * 3600.0
        stale = [n for n in wanted if n not in lookup.found
                 or lookup.found[n].snapshot.age_s(now) > max_age_s]
        fetch_failed: str | None = None
        if stale and request.allow_fetch and not request.offline:
            out.tried.append("CelesTrak")
            queries = celestrak.queries_for_norads(n for n in stale if n is not None)
            outcomes, errors = celestrak.fetch_queries(queries, max_age_h=request.max_age_h)
            hard = [e for e in errors if not isinstance(e, celestrak.QueryTooSoonError)]
            if hard:
                fetch_failed = str(hard[0])
                out.warnings.append(f"CelesTrak fetch failed: {fetch_failed}")
            if any(o.path for o in outcomes):
                lookup = self.cache.lookup(wanted, at)  # type: ignore[arg-type]
                out.warnings.extend(w for w in lookup.warnings if w not in out.warnings)
        elif stale and request.offline:
            out.tried.append("no CelesTrak fetch (offline)")
        out.all_sets.extend(lookup.all_sets)
        by_norad: dict[int, list] = {}
        for es in lookup.all_sets:
            by_norad.setdefault(es.norad_id, []).append(es)
        old_snapshots: dict[Path, Any] = {}
        for i in wanted_pos:
            member = request.members[i]
            found = lookup.found.get(member.norad_id)  # type: ignore[arg-type]
            if found is None:
                continue
            sets = [es if es.name else replace(es, name=member.name)
                    for es in by_norad.get(member.norad_id, [found.element_set])]  # type: ignore[arg-type]
            out.orbits[i] = orbit_for_span(sets, at, request.until,
                                           valid_from=request.starts.get(i))
            if found.snapshot.age_s(now) > max_age_s or fetch_failed:
                old_snapshots[found.snapshot.path] = found.snapshot
        for snap in old_snapshots.values():
            out.warnings.append(
                f"cached elements from {snap.path.name} were fetched "
                f"{format_age(snap.age_s(now))} ago ({snap.fetched_at:%Y-%m-%d %H:%M}Z); "
                "'orbitkit fetch' refreshes them when the network is allowed")
        return out
