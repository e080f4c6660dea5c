"""Several element sets of one object: each instant uses the set nearest it in epoch.

The rule
--------
Given sets of one object with epochs ``e_1 < e_2 < ... < e_k`` (from several files, or
several cached snapshots), the instant ``t`` uses the set whose epoch is nearest ``t``.
So the switch from set ``i`` to set ``i + 1`` happens at the midpoint
``m_i = (e_i + e_{i+1}) / 2``; an instant exactly at a midpoint uses the later set (the
fresher data, as :func:`orbitkit.elements.select.nearest` breaks ties). Before ``e_1`` the
first set is used, after ``e_k`` the last.

Why the midpoint: SGP4 mean elements are fitted to observations around their epoch and
their error grows with the distance in time from it (in both directions), so the set with
the nearest epoch is the best available estimate at every instant; the midpoint is where
that choice changes. Where the object manoeuvred between two epochs, neither set is right
near the midpoint, and the switch shows as a jump in position: each switch is reported
with that jump (km), and the staleness check uses the age of the set actually in use,
which is largest (half the gap between epochs) at the switch.

How
---
:class:`ElementSetSeries` is an :class:`~orbitkit.elements.orbit.Orbit`: for T instants it
finds the set of each with one ``searchsorted`` over the midpoints, then calls sgp4 once per
set on the instants that set covers (a loop over sets, never over time steps). Everything
downstream (propagation, passes, sky views, ground tracks, coverage) asks it for states
like any other orbit, so a pass across a switch is found and refined on the states in
force at each instant. :func:`orbit_for_span` returns a plain
:class:`~orbitkit.elements.model.ElementSet` when one set covers the whole span, so the
common case keeps SGP4's direct path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sgp4.api import SGP4_ERRORS

from orbitkit.elements.model import ElementSet
from orbitkit.elements.orbit import Orbit, Switch
from orbitkit.elements.select import staleness_warning

__all__ = ["ElementSetSeries", "orbit_for_span", "set_in_use", "switch_times",
           "span_staleness_warnings"]

_EPOCH0 = datetime(2000, 1, 1, 12, tzinfo=UTC)  # J2000 (UTC), the day count's origin
_J2000 = 2451545.0


def _days(t: datetime) -> float:
    return (t - _EPOCH0).total_seconds() / 86400.0


def _from_days(days: float) -> datetime:
    return _EPOCH0 + timedelta(microseconds=round(days * 864e8))


def _ordered(sets: Sequence[ElementSet]) -> list[ElementSet]:
    """By epoch; of sets with one epoch (the same snapshot read twice), the first."""
    out: list[ElementSet] = []
    for es in sorted(sets, key=lambda e: e.epoch):
        if out and out[-1].epoch == es.epoch:
            continue
        out.append(es)
    return out


def switch_times(sets: Sequence[ElementSet]) -> list[datetime]:
    """Midpoints between consecutive epochs of ``sets`` (sorted, distinct epochs)."""
    ordered = _ordered(sets)
    return [a.epoch + (b.epoch - a.epoch) / 2 for a, b in zip(ordered, ordered[1:],
                                                                strict=False)]


def set_in_use(sets: Sequence[ElementSet], t: datetime) -> ElementSet:
    """The set the rule picks at ``t``: nearest epoch, ties to the later one."""
    ordered = _ordered(sets)
    k = int(np.searchsorted([_days(m) for m in switch_times(ordered)], _days(t),
                            side="right"))
    return ordered[k]


class ElementSetSeries(Orbit):
    """Several element sets of one object, switching at the midpoints between epochs.

    Parameters
    ----------
    sets
        Two or more sets of one object (any order; one per distinct epoch is kept).
    at
        The instant whose set stands for the series where one set must: name, ``epoch``,
        ``satrec`` (for the orbit class and the shared-orbit check), ``source``.
    valid_from
        Soft start (the object's launch): earlier samples fail with status 7.
    """

    frame = "teme"
    span = None
    prn = None
    status_messages = SGP4_ERRORS

    def __init__(self, sets: Sequence[ElementSet], at: datetime | None = None,
                 valid_from: datetime | None = None) -> None:
        ordered = _ordered(sets)
        if len({es.norad_id for es in ordered}) > 1:
            raise ValueError("ElementSetSeries: sets of one object only")
        if not ordered:
            raise ValueError("ElementSetSeries: no element sets")
        self.sets = ordered
        self._mids = np.array([_days(m) for m in switch_times(ordered)])
        self.primary = set_in_use(ordered, at) if at is not None else ordered[0]
        self.valid_from = valid_from

    # -- what stands for the series where one set must ---------------------------------

    def __getattr__(self, name: str) -> Any:
        # name, norad_id, cospar_id, epoch, satrec, source, origin, line1, line2, kind...
        if name in ("sets", "primary", "_mids"):
            raise AttributeError(name)
        return getattr(self.primary, name)

    @property
    def norad_id(self) -> int:  # type: ignore[override]
        return self.primary.norad_id

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.primary.name

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.primary.kind

    @property
    def n_sets(self) -> int:
        return len(self.sets)

    @property
    def is_nominal(self) -> bool:
        return self.primary.is_nominal

    def __repr__(self) -> str:
        epochs = ", ".join(f"{es.epoch:%Y-%m-%d %H:%M}Z" for es in self.sets)
        return f"ElementSetSeries({self.name} ({self.norad_id}): {epochs})"

    # -- the Orbit interface -------------------------------------------------------

    def set_index(self, jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
        """(T,) index into :attr:`sets` of the set in use at each instant."""
        days = (np.asarray(jd, dtype=float) - _J2000) + np.asarray(fr, dtype=float)
        return np.searchsorted(self._mids, days, side="right")

    def states(self, jd: np.ndarray, fr: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        jd = np.asarray(jd, dtype=float)
        fr = np.asarray(fr, dtype=float)
        n = jd.size
        err = np.empty(n, dtype=np.uint8)
        r = np.empty((n, 3))
        v = np.empty((n, 3))
        idx = self.set_index(jd, fr)
        for k in np.unique(idx).tolist():  # a loop over sets, not over time steps
            sel = idx == k
            e_k, r[sel], v[sel] = self.sets[k].satrec.sgp4_array(jd[sel], fr[sel])
            err[sel] = e_k
        return err, r, v

    def epochs_used(self, jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
        epochs = np.array([np.datetime64(es.epoch.astimezone(UTC).replace(tzinfo=None), "us")
                           for es in self.sets])
        return epochs[self.set_index(jd, fr)]

    def set_at(self, t: datetime) -> ElementSet:
        """The set in use at ``t``."""
        return self.sets[int(np.searchsorted(self._mids, _days(t), side="right"))]

    def switches(self, start: datetime, stop: datetime) -> list[Switch]:
        """Each switch within ``[start, stop]`` with the position jump it causes (km)."""
        out: list[Switch] = []
        lo, hi = _days(start), _days(stop)
        for i, mid in enumerate(self._mids.tolist()):
            if not lo <= mid <= hi:
                continue
            a, b = self.sets[i], self.sets[i + 1]
            jd = np.array([_J2000 + np.floor(mid)])
            fr = np.array([mid - np.floor(mid)])
            _, ra, _ = a.satrec.sgp4_array(jd, fr)
            _, rb, _ = b.satrec.sgp4_array(jd, fr)
            jump = float(np.linalg.norm(ra[0] - rb[0]))
            out.append(Switch(norad_id=self.norad_id, name=self.name, time_utc=_from_days(mid),
                              from_epoch_utc=a.epoch, to_epoch_utc=b.epoch, jump_km=jump))
        return out

    def age_days(self, at: datetime | None = None) -> float:
        at = at or datetime.now(UTC)
        return self.set_at(at).age_days(at)

    def to_dict(self) -> dict[str, Any]:
        out = self.primary.to_dict()
        out["sets"] = [es.to_dict() for es in self.sets]
        out["switch_times_utc"] = [_from_days(m).strftime("%Y-%m-%dT%H:%M:%SZ")
                                   for m in self._mids.tolist()]
        return out


def orbit_for_span(sets: Sequence[ElementSet], at: datetime, until: datetime | None = None,
                   valid_from: datetime | None = None) -> ElementSet | ElementSetSeries | None:
    """The orbit of one object over ``[at, until]`` from all its sets.

    One set (the nearest ``at``) when no switch falls inside the span, else an
    :class:`ElementSetSeries` of the sets in use somewhere in it (in epoch order). With
    ``valid_from`` (a launch inside the span) the sets are chosen from that instant and
    the result is a series (samples before it fail instead of showing a pre-launch
    orbit). ``None`` when ``sets`` is empty.
    """
    ordered = _ordered(sets)
    if not ordered:
        return None
    first_t = max(at, valid_from) if valid_from is not None else at
    last_t = until if until is not None and until > first_t else first_t
    mids = [_days(m) for m in switch_times(ordered)]
    i0 = int(np.searchsorted(mids, _days(first_t), side="right"))
    i1 = int(np.searchsorted(mids, _days(last_t), side="right"))
    used = ordered[i0:i1 + 1]
    if len(used) == 1 and valid_from is None:
        return used[0]
    return ElementSetSeries(used, at=first_t, valid_from=valid_from)


def span_staleness_warnings(orbit: Any, start: datetime, stop: datetime,
                            **limits: float | None) -> list[str]:
    """Staleness of the sets in use inside ``(start, stop)``: at each switch.

    The age of the set in use is largest at the window's ends (checked by the callers)
    and at the switches, where it is half the gap between the two epochs. One warning per
    switch whose sets are beyond the staleness limits there.
    """
    out = []
    for sw in orbit.switches(start, stop) if hasattr(orbit, "switches") else []:
        es = orbit.set_at(sw.time_utc)
        message = staleness_warning(es, sw.time_utc, **limits)
        if message:
            out.append(f"at the switch of element sets ({sw.time_utc:%Y-%m-%d %H:%M}Z): "
                       f"{message}")
    return out
