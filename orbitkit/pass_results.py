"""The results of a pass search: passes, GEO/IGSO visibility intervals and the search.

:class:`Pass` (rise, culmination, set of one satellite over one station),
:class:`VisibilityInterval` (an object that never sets: when it is above the mask) and
:class:`PassSearch` (all of them, with what was skipped and why) are what
:func:`orbitkit.passes.find_passes` returns. They hold plain values and format them
(``to_dict``, CSV columns, ``to_frame``); the search itself lives in :mod:`orbitkit.passes`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from orbitkit.sites import Site
from orbitkit.timeutil import format_utc

__all__ = ["PASS_KEYS", "Pass", "PassSearch", "VisibilityInterval", "pass_records"]


def _iso_ms(t: datetime) -> str:
    """ISO 8601 UTC, milliseconds (truncated, as :func:`pass_records`), trailing ``Z``."""
    if t.tzinfo is not UTC:
        t = t.astimezone(UTC)
    return t.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _r3(x: float) -> float:
    """``x`` rounded to 3 decimals; ``+ 0.0`` turns -0.0 into 0.0 (strict JSON readers and
    people read "-0.0" as a sign error)."""
    return round(x, 3) + 0.0


@dataclass(slots=True)
class Pass:
    """One pass of a satellite over a station.

    Times are aware UTC datetimes (microsecond resolution; rise and set are within
    :data:`RISE_SET_TOLERANCE_S` of the true crossing, culmination within
    :data:`CULMINATION_TOLERANCE_S`). Azimuths are degrees from north, clockwise;
    elevations geometric, degrees. A cut end (``starts_before_window`` /
    ``ends_after_window``) is the window's edge.
    """

    norad_id: int
    name: str
    station: str
    rise_utc: datetime
    rise_az_deg: float
    max_utc: datetime
    max_elevation_deg: float
    max_az_deg: float
    set_utc: datetime
    set_az_deg: float
    duration_s: float
    visible: bool | None
    starts_before_window: bool
    ends_after_window: bool
    #: Epoch of the element set in use at the culmination, when the object's sets switch
    #: along the window (several sets of it were given); else ``None``.
    elements_epoch_utc: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 UTC with milliseconds and ``Z``."""
        return _with_epoch(self, {
            "norad_id": self.norad_id,
            "name": self.name,
            "station": self.station,
            "rise_utc": _iso_ms(self.rise_utc),
            "rise_az_deg": _r3(self.rise_az_deg),
            "max_utc": _iso_ms(self.max_utc),
            "max_elevation_deg": _r3(self.max_elevation_deg),
            "max_az_deg": _r3(self.max_az_deg),
            "set_utc": _iso_ms(self.set_utc),
            "set_az_deg": _r3(self.set_az_deg),
            "duration_s": _r3(self.duration_s),
            "visible": self.visible,
            "starts_before_window": self.starts_before_window,
            "ends_after_window": self.ends_after_window,
        })


def _with_epoch(p: Pass, record: dict[str, Any]) -> dict[str, Any]:
    """``record`` plus ``elements_epoch_utc`` when the pass says which set it used."""
    if p.elements_epoch_utc is not None:
        record["elements_epoch_utc"] = _iso_ms(p.elements_epoch_utc)
    return record


@dataclass(frozen=True)
class VisibilityInterval:
    """A stretch during which an object that does not rise and set is above the mask.

    Used for geosynchronous orbits (GEO, IGSO) and for anything above the mask for the
    whole window. Minimum and maximum elevation are sampled every minute (at most 5000
    samples per interval), which for such objects is within a few thousandths of a degree.
    """

    norad_id: int
    name: str
    station: str
    start_utc: datetime
    start_az_deg: float
    end_utc: datetime
    end_az_deg: float
    min_elevation_deg: float
    max_elevation_deg: float
    duration_s: float
    starts_before_window: bool
    ends_after_window: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "visibility",
            "norad_id": self.norad_id,
            "name": self.name,
            "station": self.station,
            "start_utc": _iso_ms(self.start_utc),
            "start_az_deg": _r3(self.start_az_deg),
            "end_utc": _iso_ms(self.end_utc),
            "end_az_deg": _r3(self.end_az_deg),
            "min_elevation_deg": _r3(self.min_elevation_deg),
            "max_elevation_deg": _r3(self.max_elevation_deg),
            "duration_s": _r3(self.duration_s),
            "starts_before_window": self.starts_before_window,
            "ends_after_window": self.ends_after_window,
        }


def pass_records(passes: Sequence[Pass]) -> list[dict[str, Any]]:
    """``[p.to_dict() for p in passes]``, formatted in bulk (numpy) for large outputs."""
    n = len(passes)
    if n == 0:
        return []

    def iso(attr: str) -> list[str]:
        # integer microseconds since the epoch, truncated to milliseconds like to_dict
        us = np.array([round(getattr(p, attr).timestamp() * 1e6) for p in passes],
                      dtype=np.int64)
        stamps = np.datetime_as_string((us // 1000).astype("datetime64[ms]"), unit="ms")
        return np.char.add(stamps, "Z").tolist()

    def num(attr: str) -> list[float]:
        values = np.array([getattr(p, attr) for p in passes], dtype=float)
        return (np.round(values, 3) + 0.0).tolist()

    cols = {
        "rise_utc": iso("rise_utc"), "rise_az_deg": num("rise_az_deg"),
        "max_utc": iso("max_utc"), "max_elevation_deg": num("max_elevation_deg"),
        "max_az_deg": num("max_az_deg"), "set_utc": iso("set_utc"),
        "set_az_deg": num("set_az_deg"), "duration_s": num("duration_s"),
    }
    return [
        _with_epoch(p, {
            "norad_id": p.norad_id, "name": p.name, "station": p.station, "rise_utc": r,
            "rise_az_deg": raz, "max_utc": m, "max_elevation_deg": mel, "max_az_deg": maz,
            "set_utc": f, "set_az_deg": faz, "duration_s": d, "visible": p.visible,
            "starts_before_window": p.starts_before_window,
            "ends_after_window": p.ends_after_window})
        for p, r, raz, m, mel, maz, f, faz, d in zip(
            passes, *(cols[k] for k in ("rise_utc", "rise_az_deg", "max_utc",
                                        "max_elevation_deg", "max_az_deg", "set_utc",
                                        "set_az_deg", "duration_s")), strict=True)
    ]


class PassSearch:
    """Everything one :func:`find_passes` call found.

    Attributes
    ----------
    passes
        :class:`Pass` objects sorted by rise time, then station, then NORAD number (built
        on first access: a large search is kept as arrays until then).
    intervals
        :class:`VisibilityInterval` results (geosynchronous objects, never-setting ones).
    start_utc, stop_utc
        The search window.
    stations
        The stations searched, in order.
    min_elevation_deg
        Per station: the scalar mask, or ``None`` where a horizon mask was used.
    steps_s
        Coarse-scan step of each satellite [s], by NORAD number.
    failed_samples
        Propagations (satellite × instant) that the orbit source could not do (an sgp4
        error, a GNSS or OEM orbit without a state there), over all phases.
    incomplete_passes
        Passes dropped because their rise or set fell among failed samples.
    warnings
        Human-readable notes (failures, dropped passes).
    """

    def __init__(
        self,
        *,
        start_utc: datetime,
        stop_utc: datetime,
        stations: list[Site],
        min_elevation_deg: list[float | None],
        passes: list[Pass] | None = None,
        intervals: list[VisibilityInterval] | None = None,
        steps_s: dict[int, float] | None = None,
        failed_samples: int = 0,
        incomplete_passes: int = 0,
        warnings: list[str] | None = None,
    ) -> None:
        self.start_utc = start_utc
        self.stop_utc = stop_utc
        self.stations = stations
        self.min_elevation_deg = min_elevation_deg
        self._passes: list[Pass] | None = list(passes) if passes is not None else []
        self._table: dict[str, Any] | None = None
        self.intervals = list(intervals or [])
        self.steps_s = dict(steps_s or {})
        self.failed_samples = failed_samples
        self.incomplete_passes = incomplete_passes
        self.warnings = list(warnings or [])
        #: Changes of element set inside the window (:class:`~orbitkit.elements.orbit.Switch`)
        self.switches: list[Any] = []
        self.failed_norad_ids: list[int] = []  # objects with failed samples

    def __repr__(self) -> str:
        return (f"PassSearch({len(self)} passes, {len(self.intervals)} intervals, "
                f"{format_utc(self.start_utc)}..{format_utc(self.stop_utc)}, "
                f"{len(self.stations)} stations)")

    def __len__(self) -> int:
        if self._passes is None and self._table is not None:
            return int(self._table["rise"].size)
        return len(self.passes)

    def __iter__(self) -> Iterator[Pass]:
        """The passes (as :attr:`passes`): ``for p in find_passes(...)`` and
        ``passes_to_ical(search)`` work on the search itself."""
        return iter(self.passes)

    @property
    def passes(self) -> list[Pass]:
        if self._passes is None:
            t = self._table
            self._passes = _make_passes(t, t["max_t"], t["max_el"], t["max_az"], t["visible"],
                                        t["ids"], t["names"], self.stations, self.start_utc)
            if t.get("epoch") is not None:
                for p, e in zip(self._passes, t["epoch"].tolist(), strict=True):
                    p.elements_epoch_utc = None if e is None else e.replace(tzinfo=UTC)
        return self._passes

    @passes.setter
    def passes(self, value: list[Pass]) -> None:
        self._passes = list(value)

    def _set_table(self, table: dict[str, Any]) -> None:
        self._table = table
        self._passes = None

    def records(self) -> list[dict[str, Any]]:
        """``[p.to_dict() for p in self.passes]``, fast: formatted from arrays in bulk."""
        if self._passes is not None:
            return pass_records(self._passes)
        out = [dict(zip(PASS_KEYS, row, strict=True)) for row in self.rows()]
        epoch = None if self._table is None else self._table.get("epoch")
        if epoch is not None and not np.isnat(epoch).all():
            stamps = np.datetime_as_string(epoch.astype("datetime64[ms]"), unit="ms")
            for rec, stamp in zip(out, stamps.tolist(), strict=True):
                if stamp != "NaT":
                    rec["elements_epoch_utc"] = stamp + "Z"
        return out

    def rows(self) -> list[tuple[Any, ...]]:
        """The values of :meth:`records` as tuples, in the order of :data:`PASS_KEYS`."""
        return list(zip(*self.columns().values(), strict=True))

    def columns(self) -> dict[str, list[Any]]:
        """The values of :meth:`records` column by column, keyed by :data:`PASS_KEYS`."""
        if self._passes is not None:
            recs = pass_records(self._passes)
            return {k: [r[k] for r in recs] for k in PASS_KEYS}
        t = self._table
        base = np.datetime64(self.start_utc.astimezone(UTC).replace(tzinfo=None), "us")

        def iso(sec: np.ndarray) -> list[str]:
            stamps = base + np.rint(sec * 1e6).astype("timedelta64[us]")
            return np.char.add(np.datetime_as_string(stamps, unit="ms"), "Z").tolist()

        def num(x: np.ndarray) -> list[float]:
            return (np.round(np.asarray(x, dtype=float), 3) + 0.0).tolist()

        ids = np.asarray(t["ids"])[t["sat"]].tolist()
        names = [t["names"][s] for s in t["sat"].tolist()]
        keys = [self.stations[j].key for j in t["sta"].tolist()]
        cols = (ids, names, keys, iso(t["rise"]), num(t["rise_az"]), iso(t["max_t"]),
                num(t["max_el"]), num(t["max_az"]), iso(t["set"]), num(t["set_az"]),
                num(t["set"] - t["rise"]), list(t["visible"]),
                t["start_cut"].tolist(), t["end_cut"].tolist())
        return dict(zip(PASS_KEYS, cols, strict=True))

    def to_frame(self) -> Any:
        """pandas DataFrame of the passes then the visibility intervals, with a ``kind``
        column (see :func:`orbitkit.tabular.pass_search_frame`); needs pandas."""
        from orbitkit.tabular import pass_search_frame

        return pass_search_frame(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_utc": format_utc(self.start_utc),
            "stop_utc": format_utc(self.stop_utc),
            "stations": [s.key for s in self.stations],
            "passes": self.records(),
            "intervals": [v.to_dict() for v in self.intervals],
            "failed_samples": self.failed_samples,
            "incomplete_passes": self.incomplete_passes,
            "warnings": list(self.warnings),
            **({"switches": [sw.to_dict() for sw in self.switches]} if self.switches else {}),
        }


#: Keys of :meth:`Pass.to_dict`, in order (the CSV columns).
PASS_KEYS = ("norad_id", "name", "station", "rise_utc", "rise_az_deg", "max_utc",
              "max_elevation_deg", "max_az_deg", "set_utc", "set_az_deg", "duration_s",
              "visible", "starts_before_window", "ends_after_window")


def _datetimes(start: datetime, t: np.ndarray) -> list[datetime]:
    """Aware datetimes (to the microsecond) of offsets ``t`` [s] from ``start``."""
    base = start.astimezone(UTC)
    us = np.rint(np.asarray(t, dtype=float) * 1e6).astype(np.int64).tolist()
    return [base + timedelta(microseconds=u) for u in us]


def _make_passes(p, t_max, el_max, az_max, vis, ids, names, sites, start) -> list[Pass]:
    rise = _datetimes(start, p["rise"])
    top = _datetimes(start, t_max)
    fall = _datetimes(start, p["set"])
    keys = [site.key for site in sites]
    cols = zip(p["sat"].tolist(), p["sta"].tolist(), rise, p["rise_az"].tolist(), top,
               el_max.tolist(), az_max.tolist(), fall, p["set_az"].tolist(),
               (p["set"] - p["rise"]).tolist(), vis, p["start_cut"].tolist(),
               p["end_cut"].tolist(), strict=True)
    return [Pass(ids[s], names[s], keys[j], r, raz, m, mel, maz, f, faz, d, v, c0, c1)
            for s, j, r, raz, m, mel, maz, f, faz, d, v, c0, c1 in cols]
