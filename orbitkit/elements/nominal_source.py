"""The catalogue's nominal design orbits as the last orbit source (illustrative positions).

For members no real source covers, :func:`orbitkit.elements.nominal.nominal_sets` builds an
SGP4 set from the system's design (Walker slots, GEO longitudes, sun-synchronous LTAN, ...)
at the start of the span (or at the member's launch when that falls inside the span).
Every answer carries the warning that the positions are illustrative.
"""

from __future__ import annotations

from datetime import datetime

from orbitkit.elements.nominal import NOMINAL_WARNING, nominal_sets
from orbitkit.elements.orbit import OrbitRequest, OrbitSource, SourceAnswer
from orbitkit.elements.switching import ElementSetSeries

__all__ = ["NominalSource"]


def _describe(members: list, limit: int = 6) -> str:
    names = [m.name for m in members[:limit]]
    more = f" and {len(members) - limit} more" if len(members) > limit else ""
    return ", ".join(names) + more


class NominalSource(OrbitSource):
    """Design orbits of the catalogue (sets report kind ``nominal``)."""

    kind = "nominal"

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        out = SourceAnswer(tried=["nominal design orbits"])
        # members whose orbit starts inside the span (launch) get their set built then
        by_epoch: dict[datetime, list[int]] = {}
        for i in range(len(request.members)):
            by_epoch.setdefault(request.starts.get(i, request.at), []).append(i)
        used = []
        for epoch, positions in by_epoch.items():
            members = [request.members[i] for i in positions]
            sets, no_design = nominal_sets(members, epoch, request.catalog)
            lacking = [mm for mm, _ in no_design]
            with_design = [i for i in positions
                           if not any(request.members[i] is mm for mm in lacking)]
            why_not = {id(mm): r for mm, r in no_design}
            for i, es in zip(with_design, sets, strict=True):
                start = request.starts.get(i)
                # before its launch the object has no orbit: samples then fail
                out.orbits[i] = es if start is None else ElementSetSeries([es], at=start,
                                                                          valid_from=start)
                used.append(request.members[i])
            for i in positions:
                if i not in out.orbits:
                    out.reasons[i] = why_not.get(id(request.members[i]), "no design orbit")
        if used:
            out.warnings.append(f"{len(used)} object(s) from nominal design orbits "
                                f"({_describe(used)}): {NOMINAL_WARNING}")
        return out
