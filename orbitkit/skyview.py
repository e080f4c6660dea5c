"""Sky view: where a set of satellites stands in a station's sky, at one time or over a span.

Azimuth (from north, clockwise), geometric elevation (no refraction, WGS84 vertical),
slant range and range rate, for S satellites at T times: the numbers behind a polar sky
plot (:mod:`orbitkit.plots.skyplot`) and ``orbitkit skyplot --format json``. Pure numpy on
top of :mod:`orbitkit.propagation` and :mod:`orbitkit.frames`; no I/O, no plotting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from orbitkit import frames
from orbitkit.pass_results import _r3
from orbitkit.sites import Site, parse_site

__all__ = ["SkyView", "sky_view"]


@dataclass(eq=False)
class SkyView:
    """Look angles of S satellites from one station at T times.

    Attributes
    ----------
    station
        The observing site.
    norad_ids, names
        The S satellites, in order.
    times
        (T,) ``datetime64[ns]``, UTC.
    az_deg, el_deg, range_km, range_rate_km_s
        (S, T) arrays: azimuth [deg, 0..360, clockwise from north], elevation [deg],
        slant range [km], range rate [km/s, positive receding]; NaN where sgp4 failed.
    ok
        (S, T) bool, False where sgp4 failed.
    orbit_classes, prns
        Optional per-satellite labels (``"MEO"``, ``"C19"``...), ``None`` when unknown;
        the plot colours by class and labels by PRN.
    """

    station: Site
    norad_ids: np.ndarray
    names: list[str]
    times: np.ndarray
    az_deg: np.ndarray
    el_deg: np.ndarray
    range_km: np.ndarray
    range_rate_km_s: np.ndarray
    ok: np.ndarray
    orbit_classes: list[str | None] = field(default_factory=list)
    prns: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.names)
        if not self.orbit_classes:
            self.orbit_classes = [None] * n
        if not self.prns:
            self.prns = [None] * n

    @property
    def shape(self) -> tuple[int, int]:
        return self.el_deg.shape

    def above(self, min_elevation_deg: float = 0.0) -> np.ndarray:
        """(S, T) bool: at or above ``min_elevation_deg``."""
        with np.errstate(invalid="ignore"):
            return self.ok & (self.el_deg >= min_elevation_deg)

    def label(self, i: int) -> str:
        """PRN when known, else the name."""
        return self.prns[i] or self.names[i]

    def rows(self, min_elevation_deg: float | None = 0.0, *, time_index: int | None = None
             ) -> list[dict[str, Any]]:
        """JSON-ready records, time-major, one per satellite and time above the mask.

        Keys: ``time_utc``, ``norad_id``, ``name``, ``azimuth_deg``, ``elevation_deg``,
        ``range_km``, ``range_rate_km_s``, and ``prn`` / ``orbit_class`` when known.
        ``min_elevation_deg=None`` keeps every successfully propagated sample.
        ``time_index`` restricts to one time.
        """
        from orbitkit.timeutil import format_utc_array

        stamps = format_utc_array(self.times)
        keep = self.ok.copy() if min_elevation_deg is None else self.above(min_elevation_deg)
        cols = range(self.times.size) if time_index is None else [time_index]
        out: list[dict[str, Any]] = []
        for j in cols:
            for i in np.flatnonzero(keep[:, j]):
                rec: dict[str, Any] = {
                    "time_utc": str(stamps[j]),
                    "norad_id": int(self.norad_ids[i]),
                    "name": self.names[i],
                    "azimuth_deg": _r3(float(self.az_deg[i, j])),
                    "elevation_deg": _r3(float(self.el_deg[i, j])),
                    "range_km": _r3(float(self.range_km[i, j])),
                    # + 0.0: no "-0.0" after rounding, as _r3 (pass records) does
                    "range_rate_km_s": round(float(self.range_rate_km_s[i, j]), 6) + 0.0,
                }
                if self.prns[i]:
                    rec["prn"] = self.prns[i]
                if self.orbit_classes[i]:
                    rec["orbit_class"] = self.orbit_classes[i]
                out.append(rec)
        return out

    def to_frame(self, min_elevation_deg: float | None = 0.0) -> Any:
        """pandas DataFrame of :meth:`rows` (numbers unrounded, times as UTC datetimes);
        see :func:`orbitkit.tabular.sky_view_frame`. Needs pandas."""
        from orbitkit.tabular import sky_view_frame

        return sky_view_frame(self, min_elevation_deg)

    def to_dict(self, min_elevation_deg: float | None = 0.0) -> dict[str, Any]:
        return {"station": self.station.to_dict(), "samples": self.rows(min_elevation_deg)}


def sky_view(
    element_sets: Sequence[Any],
    station: Site | str,
    times: Any,
    *,
    orbit_classes: Sequence[str | None] | None = None,
    prns: Sequence[str | None] | None = None,
) -> SkyView:
    """Azimuth, elevation, range and range rate of satellites seen from ``station``.

    Parameters
    ----------
    element_sets
        :class:`~orbitkit.elements.model.ElementSet` objects (S), or one of them.
    station
        A :class:`~orbitkit.sites.Site`, a site key or ``"LAT,LON[,ALT_M]"``.
    times
        One time or T times (anything :func:`orbitkit.propagation.propagate` takes: aware
        datetimes, ISO strings with a zone, ``datetime64`` UTC,
        :func:`orbitkit.timeutil.time_grid`).
    orbit_classes, prns
        Optional labels, one per element set.

    Returns
    -------
    SkyView
    """
    from orbitkit.propagation import element_set_list, propagate

    site = parse_site(station)
    if isinstance(times, str) or not hasattr(times, "__len__"):
        times = [times]
    eph = propagate(element_set_list(element_sets), times)
    lat = np.radians(site.lat_deg)
    lon = np.radians(site.lon_deg)
    pos = frames.geodetic_to_itrs(lat, lon, site.alt_m / 1000.0)
    az, el, rng, rate = frames.topocentric(eph.r_itrs_km, pos, lat, lon, eph.v_itrs_km_s)
    n = len(eph.names)
    for label, values in (("orbit_classes", orbit_classes), ("prns", prns)):
        if values and len(values) != n:
            # rows()/to_dict() index them per satellite: a short list failed there later
            raise ValueError(f"{label}: give one per element set ({n}), not {len(values)}")
    return SkyView(
        station=site, norad_ids=eph.norad_ids, names=list(eph.names), times=eph.times,
        az_deg=np.degrees(az), el_deg=np.degrees(el), range_km=rng, range_rate_km_s=rate,
        ok=eph.ok, orbit_classes=list(orbit_classes) if orbit_classes else [None] * n,
        prns=list(prns) if prns else [None] * n,
    )
