"""Ground tracks: sub-satellite points over a span, cut at the antimeridian, with footprints.

The kernels here are pure numpy on degrees and kilometres (no plotting, no files):

* :func:`split_at_antimeridian` cuts a (lon, lat) polyline where it crosses +-180 deg and
  inserts the crossing point on both sides, so maps and GeoJSON (RFC 7946 sec. 3.1.9) never
  draw a line across the whole world;
* :func:`footprint_half_angle_deg` and :func:`footprint` give the visibility circle of a
  satellite at an elevation mask;
* :func:`subsolar_point` places the Sun for the day/night terminator.

:class:`GroundTrack` is the result that the map (:mod:`orbitkit.plots.groundtrack`), the
exporters (:mod:`orbitkit.export`) and the command line all read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np

from orbitkit.errors import UserError

__all__ = [
    "EARTH_MEAN_RADIUS_KM",
    "Segment",
    "GroundTrack",
    "wrap_lon_deg",
    "split_at_antimeridian",
    "footprint_half_angle_deg",
    "small_circle",
    "footprint",
    "subsolar_point",
    "to_datetime64",
    "format_datetime64",
    "ground_track",
    "ground_track_from_ephemeris",
]

#: IUGG mean Earth radius [km]. The footprint is drawn on a sphere of this radius: on the
#: WGS84 ellipsoid the circle would differ by under 0.4 % of its radius.
EARTH_MEAN_RADIUS_KM = 6371.0088



class Segment(NamedTuple):
    """One piece of a polyline that does not cross the antimeridian.

    ``lon_deg``, ``lat_deg``: coordinates in degrees, longitudes in [-180, 180].
    ``index``: the fractional sample index of each point in the original arrays (a crossing
    point inserted between samples ``i`` and ``i+1`` has an index between them), so times
    can be interpolated for any point.
    """

    lon_deg: np.ndarray
    lat_deg: np.ndarray
    index: np.ndarray


def wrap_lon_deg(lon_deg: Any) -> np.ndarray:
    """Longitudes wrapped into [-180, 180) degrees."""
    return (np.asarray(lon_deg, dtype=float) + 180.0) % 360.0 - 180.0


def split_at_antimeridian(lon_deg: Any, lat_deg: Any) -> list[Segment]:
    """Cut a polyline at the antimeridian and at missing (NaN) samples.

    Parameters
    ----------
    lon_deg, lat_deg
        1-D arrays of the same length, degrees. Longitudes may be in any range; they are
        wrapped to [-180, 180). Consecutive samples are joined the short way round, so the
        sampling must move less than 180 deg of longitude per step (a LEO ground track moves
        about 0.25 deg/min: any step under an hour is fine).

    Returns
    -------
    list of Segment
        Pieces with at least two points; each crossing contributes its interpolated point at
        +180 to one piece and at -180 to the next. No piece has a longitude jump over 180 deg.
    """
    lon = wrap_lon_deg(lon_deg)
    lat = np.asarray(lat_deg, dtype=float)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise ValueError("lon_deg and lat_deg must be 1-D arrays of the same length")
    valid = np.isfinite(lon) & np.isfinite(lat)
    segments: list[Segment] = []

    def flush(xs: list, ys: list, ks: list) -> None:
        if len(xs) >= 2:
            segments.append(Segment(np.array(xs), np.array(ys), np.array(ks, dtype=float)))

    # Runs of valid samples, then cuts inside each run where the longitude jumps.
    idx = np.flatnonzero(valid)
    if idx.size == 0:
        return segments
    run_breaks = np.flatnonzero(np.diff(idx) > 1)
    runs = np.split(idx, run_breaks + 1)
    for run in runs:
        lo, la = lon[run], lat[run]
        jumps = np.flatnonzero(np.abs(np.diff(lo)) > 180.0)
        start = 0
        carry: tuple[float, float, float] | None = None
        for j in jumps:
            # Unwrap the next point onto this side, find where the straight (plate carree)
            # line meets the edge, and continue the next piece from the opposite edge.
            edge = 180.0 if lo[j] > 0 else -180.0
            nxt = lo[j + 1] + (360.0 if edge > 0 else -360.0)
            f = (edge - lo[j]) / (nxt - lo[j])
            lat_c = float(la[j] + f * (la[j + 1] - la[j]))
            k_c = float(run[j] + f * (run[j + 1] - run[j]))
            xs = ([carry[0]] if carry else []) + list(lo[start : j + 1]) + [edge]
            ys = ([carry[1]] if carry else []) + list(la[start : j + 1]) + [lat_c]
            ks = ([carry[2]] if carry else []) + list(run[start : j + 1]) + [k_c]
            flush(xs, ys, ks)
            carry = (-edge, lat_c, k_c)
            start = j + 1
        xs = ([carry[0]] if carry else []) + list(lo[start:])
        ys = ([carry[1]] if carry else []) + list(la[start:])
        ks = ([carry[2]] if carry else []) + list(run[start:])
        flush(xs, ys, ks)
    return segments


def footprint_half_angle_deg(
    alt_km: Any, mask_deg: Any = 0.0, radius_km: float = EARTH_MEAN_RADIUS_KM
) -> np.ndarray:
    """Earth-central half-angle of a satellite's visibility circle.

    ``lambda = arccos(R cos(eps) / (R + h)) - eps`` (spherical Earth; Wertz & Larson, *Space
    Mission Analysis and Design*, 3rd ed., sec. 5.2): a station inside this angle of the
    sub-satellite point sees the satellite above elevation ``eps``.

    Parameters
    ----------
    alt_km
        Height of the satellite above the surface [km], scalar or array, >= 0.
    mask_deg
        Elevation mask ``eps`` [deg], 0 <= eps < 90.
    radius_km
        Earth radius [km].

    Returns
    -------
    numpy.ndarray
        Half-angle [deg]; 0 when the satellite is below the surface (NaN for NaN input).
    """
    h = np.asarray(alt_km, dtype=float)
    eps = np.radians(np.asarray(mask_deg, dtype=float))
    if np.any((eps < 0) | (eps >= np.pi / 2)):
        raise UserError(f"elevation mask must be in [0, 90) deg, got {mask_deg}")
    ratio = radius_km * np.cos(eps) / (radius_km + np.maximum(h, 0.0))
    lam = np.arccos(np.clip(ratio, -1.0, 1.0)) - eps
    return np.degrees(np.maximum(lam, 0.0))


def small_circle(
    lat_deg: float, lon_deg: float, radius_deg: float, n: int = 181
) -> tuple[np.ndarray, np.ndarray]:
    """Points of a circle of angular radius ``radius_deg`` around (lat, lon) on a sphere.

    Returns ``(lat_deg, lon_deg)`` arrays of ``n`` points (the first repeated as the last),
    longitudes wrapped to [-180, 180). Draw them with :func:`split_at_antimeridian`.
    """
    phi, lam0 = np.radians(lat_deg), np.radians(lon_deg)
    d = np.radians(radius_deg)
    az = np.linspace(0.0, 2.0 * np.pi, n)
    sin_lat = np.sin(phi) * np.cos(d) + np.cos(phi) * np.sin(d) * np.cos(az)
    lat = np.arcsin(np.clip(sin_lat, -1.0, 1.0))
    lon = lam0 + np.arctan2(
        np.sin(az) * np.sin(d) * np.cos(phi), np.cos(d) - np.sin(phi) * sin_lat
    )
    return np.degrees(lat), wrap_lon_deg(np.degrees(lon))


def footprint(
    lat_deg: float, lon_deg: float, alt_km: float, mask_deg: float = 0.0, n: int = 181
) -> tuple[np.ndarray, np.ndarray]:
    """Visibility footprint outline ``(lat_deg, lon_deg)`` of a satellite at ``alt_km``.

    The circle of stations that see the satellite at exactly ``mask_deg`` elevation.
    """
    lam = float(footprint_half_angle_deg(alt_km, mask_deg))
    return small_circle(lat_deg, lon_deg, lam, n)


def to_datetime64(times: Any) -> np.ndarray:
    """UTC ``datetime64[ns]`` from any time :func:`orbitkit.timeutil.to_datetime64` accepts.

    A single time (aware ``datetime``, ISO string, ``datetime64`` scalar) gives a scalar
    ``numpy.datetime64``; anything else an array.

    Raises
    ------
    orbitkit.errors.TimeInputError
        On a naive ``datetime`` (its zone is unknown) or anything that is not a time.
    """
    from orbitkit.timeutil import to_datetime64 as _to_datetime64

    arr = _to_datetime64(times)
    single = isinstance(times, datetime | str | np.datetime64)
    return arr[0] if single else arr


def subsolar_point(times: Any) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude [deg] where the Sun is at the zenith.

    The Sun is :mod:`orbitkit.sun`'s low-precision one (Astronomical Almanac, about 0.01 deg
    from 1950 to 2050), so the terminator and the passes' "visible" flag agree. Good for a
    terminator line on a map, not for eclipse timing.

    Parameters
    ----------
    times
        Aware datetime(s) or ``datetime64`` (UTC), scalar or array.
    """
    from orbitkit.sun import sun_direction_itrs
    from orbitkit.timeutil import to_julian

    t = to_datetime64(times)
    jd, fr = to_julian(np.atleast_1d(t))
    u = sun_direction_itrs(jd, fr)
    lat = np.degrees(np.arcsin(np.clip(u[..., 2], -1.0, 1.0)))
    lon = np.degrees(np.arctan2(u[..., 1], u[..., 0]))
    if np.ndim(t) == 0:
        return lat[0], lon[0]
    return lat, lon


def _geodetic_to_ecef_km(lat_deg: Any, lon_deg: Any, alt_km: Any) -> np.ndarray:
    """WGS84 geodetic (degrees, km) -> Earth-fixed Cartesian [km], shape (..., 3)."""
    from orbitkit.frames import geodetic_to_itrs

    return geodetic_to_itrs(np.radians(lat_deg), np.radians(lon_deg), alt_km)


@dataclass(frozen=True)
class GroundTrack:
    """Sub-satellite points of S satellites at T common times.

    Attributes
    ----------
    norad_ids
        ``(S,)`` int catalogue numbers.
    names
        ``S`` display names.
    times
        ``(T,)`` ``datetime64[ns]`` UTC, increasing.
    lat_deg, lon_deg, alt_km
        ``(S, T)`` geodetic latitude [deg], longitude in [-180, 180) [deg] and height above
        the WGS84 ellipsoid [km]; NaN where propagation failed.
    ok
        ``(S, T)`` bool: the sample is valid.
    r_itrs_km
        ``(S, T, 3)`` Earth-fixed (ITRS) position [km], NaN where not ``ok``.
    groups
        ``S`` labels used to colour the satellites (system key or orbit class; ``""`` if none).
    footprint_time
        Time of the footprints (``datetime64[ns]``), or ``None``.
    footprint_mask_deg
        Elevation mask of the footprints [deg], or ``None``.
    footprints
        Per satellite ``(lat_deg, lon_deg)`` outline at ``footprint_time`` (``None`` for a
        satellite without a valid position then); empty when no footprint was asked for.
    """

    norad_ids: np.ndarray
    names: tuple[str, ...]
    times: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    alt_km: np.ndarray
    ok: np.ndarray
    r_itrs_km: np.ndarray
    groups: tuple[str, ...] = ()
    footprint_time: np.datetime64 | None = None
    footprint_mask_deg: float | None = None
    footprints: tuple[tuple[np.ndarray, np.ndarray] | None, ...] = field(default=())

    @property
    def n_satellites(self) -> int:
        return len(self.norad_ids)

    @property
    def step_s(self) -> float | None:
        """Sampling step [s] (of the first two samples), or ``None`` for a single sample."""
        if len(self.times) < 2:
            return None
        return float((self.times[1] - self.times[0]) / np.timedelta64(1, "s"))

    def group(self, i: int) -> str:
        return self.groups[i] if i < len(self.groups) else ""

    def segments(self, i: int) -> list[Segment]:
        """Satellite ``i``'s track cut at the antimeridian and at failed samples."""
        return split_at_antimeridian(self.lon_deg[i], self.lat_deg[i])

    def valid_span(self, i: int) -> tuple[np.datetime64, np.datetime64] | None:
        """First and last valid sample time of satellite ``i`` (``None`` if it has none)."""
        good = np.flatnonzero(self.ok[i])
        if good.size == 0:
            return None
        return self.times[good[0]], self.times[good[-1]]

    def times_at(self, index: Any) -> np.ndarray:
        """Times at fractional sample indices (as in :attr:`Segment.index`)."""
        k = np.asarray(index, dtype=float)
        t0 = self.times[0].astype("int64")
        ns = np.interp(k, np.arange(len(self.times)), (self.times.astype("int64") - t0))
        return (np.round(ns).astype("int64") + t0).astype("datetime64[ns]")

    def position_at(self, i: int, when: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Interpolated ``(lat_deg, lon_deg, alt_km)`` of satellite ``i`` at ``when``.

        Linear between samples (longitude unwrapped first); NaN outside the span or next to
        a failed sample.
        """
        t = np.atleast_1d(to_datetime64(when)).astype("int64").astype(float)
        x = self.times.astype("int64").astype(float)
        lat, alt, ok = self.lat_deg[i], self.alt_km[i], self.ok[i]
        lon = np.degrees(np.unwrap(np.radians(np.where(ok, self.lon_deg[i], 0.0))))
        out = []
        for arr in (lat, lon, alt):
            v = np.interp(t, x, np.where(ok, arr, 0.0), left=np.nan, right=np.nan)
            out.append(v)
        # a point is only as good as the two samples around it
        k = np.clip(np.searchsorted(x, t, side="right") - 1, 0, len(x) - 1)
        k1 = np.clip(k + 1, 0, len(x) - 1)
        good = ok[k] & ok[k1]
        lat_i = np.where(good, out[0], np.nan)
        lon_i = np.where(good, wrap_lon_deg(out[1]), np.nan)
        alt_i = np.where(good, out[2], np.nan)
        return lat_i, lon_i, alt_i

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN -> ``None``, times as ISO 8601 ``...Z``)."""

        def clean(a: np.ndarray, nd: int) -> list:
            return [None if not np.isfinite(v) else round(float(v), nd) for v in a]

        def iso(t: np.datetime64 | None) -> str | None:
            return None if t is None else format_datetime64(t)

        sats = []
        for i in range(self.n_satellites):
            span = self.valid_span(i)
            fp = self.footprints[i] if i < len(self.footprints) else None
            sats.append({
                "norad_id": int(self.norad_ids[i]),
                "name": self.names[i],
                "group": self.group(i) or None,  # null when none, as in GeoJSON
                "start_utc": iso(span[0]) if span else None,
                "stop_utc": iso(span[1]) if span else None,
                "lat_deg": clean(self.lat_deg[i], 5),
                "lon_deg": clean(self.lon_deg[i], 5),
                "alt_km": clean(self.alt_km[i], 3),
                "footprint": None if fp is None else {
                    "lat_deg": clean(fp[0], 4), "lon_deg": clean(fp[1], 4)},
            })
        return {
            "times_utc": [format_datetime64(t) for t in self.times],
            "step_s": self.step_s,
            "footprint_time_utc": iso(self.footprint_time),
            "footprint_mask_deg": self.footprint_mask_deg,
            "satellites": sats,
        }

    @classmethod
    def from_arrays(
        cls,
        times: Any,
        lat_deg: Any,
        lon_deg: Any,
        alt_km: Any,
        norad_ids: Sequence[int],
        names: Sequence[str],
        *,
        ok: Any = None,
        r_itrs_km: Any = None,
        groups: Sequence[str] = (),
        footprint_time: Any = None,
        footprint_mask_deg: float | None = None,
    ) -> GroundTrack:
        """Build a track from plain ``(S, T)`` arrays (Earth-fixed positions from WGS84 if
        not given). See the class attributes for units."""
        t = np.atleast_1d(to_datetime64(times))
        lat = np.atleast_2d(np.asarray(lat_deg, dtype=float))
        lon = wrap_lon_deg(np.atleast_2d(np.asarray(lon_deg, dtype=float)))
        alt = np.atleast_2d(np.asarray(alt_km, dtype=float))
        if not (lat.shape == lon.shape == alt.shape and lat.shape[1] == t.size):
            raise ValueError("lat/lon/alt must all be (S, T) with T = len(times)")
        good = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt)
        if ok is not None:
            good &= np.asarray(ok, dtype=bool).reshape(lat.shape)
        lat, lon, alt = (np.where(good, a, np.nan) for a in (lat, lon, alt))
        if r_itrs_km is None:
            r = _geodetic_to_ecef_km(lat, lon, alt)
        else:
            r = np.where(good[..., None], np.asarray(r_itrs_km, dtype=float), np.nan)
        ids = np.asarray(norad_ids, dtype=int).reshape(-1)
        if ids.size != lat.shape[0] or len(names) != lat.shape[0]:
            raise ValueError("norad_ids and names need one entry per satellite")
        track = cls(ids, tuple(str(n) for n in names), t, lat, lon, alt, good, r,
                    tuple(str(g) for g in groups))
        if footprint_mask_deg is not None:
            track = track.with_footprints(
                t[0] if footprint_time is None else footprint_time, footprint_mask_deg
            )
        return track

    def with_footprints(self, when: Any, mask_deg: float, n: int = 181) -> GroundTrack:
        """A copy with each satellite's footprint at ``when`` for elevation mask ``mask_deg``.

        Raises
        ------
        UserError
            When ``when`` is outside the track's span.
        """
        t = to_datetime64(when)
        if not self.times[0] <= t <= self.times[-1]:
            raise UserError(
                f"footprint time {format_datetime64(t)} is outside the track "
                f"({format_datetime64(self.times[0])} .. {format_datetime64(self.times[-1])})"
            )
        footprint_half_angle_deg(0.0, mask_deg)  # validates the mask before any work
        fps: list[tuple[np.ndarray, np.ndarray] | None] = []
        for i in range(self.n_satellites):
            lat, lon, alt = (float(v[0]) for v in self.position_at(i, t))
            if not np.isfinite(lat):
                fps.append(None)
                continue
            fps.append(footprint(lat, lon, alt, mask_deg, n))
        return GroundTrack(
            self.norad_ids, self.names, self.times, self.lat_deg, self.lon_deg, self.alt_km,
            self.ok, self.r_itrs_km, self.groups, t, float(mask_deg), tuple(fps),
        )


def format_datetime64(t: np.datetime64) -> str:
    """``2026-05-01T00:00:00Z`` (whole seconds unless the time has a fraction)."""
    s = np.datetime_as_string(np.datetime64(t, "ns"), unit="ms")
    if s.endswith(".000"):
        s = s[:-4]
    return s + "Z"


def ground_track_from_ephemeris(
    ephemeris: Any,
    *,
    groups: Sequence[str] = (),
    footprint_time: Any = None,
    footprint_mask_deg: float | None = None,
) -> GroundTrack:
    """A :class:`GroundTrack` from an :class:`orbitkit.propagation.Ephemeris`.

    Uses the ephemeris' geodetic coordinates, Earth-fixed positions and per-sample status.
    With ``footprint_mask_deg`` footprints are added at ``footprint_time`` (default: the
    first sample).
    """
    lat, lon, alt = ephemeris.geodetic()
    names = getattr(ephemeris, "names", None) or [str(n) for n in ephemeris.norad_ids]
    return GroundTrack.from_arrays(
        ephemeris.times, lat, lon, alt, list(ephemeris.norad_ids), list(names),
        ok=ephemeris.ok, r_itrs_km=ephemeris.r_itrs_km, groups=groups,
        footprint_time=footprint_time, footprint_mask_deg=footprint_mask_deg,
    )


def ground_track(
    element_sets: Sequence[Any],
    start: Any,
    *,
    hours: float = 3.0,
    step_s: float = 30.0,
    groups: Sequence[str] = (),
    footprint_time: Any = None,
    footprint_mask_deg: float | None = None,
) -> GroundTrack:
    """Propagate element sets over ``[start, start + hours]`` and return their ground tracks.

    Parameters
    ----------
    element_sets
        :class:`orbitkit.elements.model.ElementSet` objects, or one of them.
    start
        Aware datetime or ``datetime64`` (UTC).
    hours
        Span [h], > 0.
    step_s
        Sampling step [s], > 0. Keep it under a few minutes so the drawn track and the
        antimeridian cuts stay smooth.
    groups, footprint_time, footprint_mask_deg
        As in :func:`ground_track_from_ephemeris`.
    """
    from orbitkit.propagation import element_set_list, propagate
    from orbitkit.timeutil import time_grid

    element_sets = element_set_list(element_sets)
    if not hours > 0 or not step_s > 0:
        raise UserError(f"hours and step_s must be > 0 (got {hours} h, {step_s} s)")
    n = int(np.floor(hours * 3600.0 / step_s + 1e-9)) + 1
    if n > 2_000_000 // max(1, len(element_sets)):
        raise UserError(
            f"{len(element_sets)} satellites x {n} samples is too many for a ground track; "
            "use a larger --step-s or fewer hours"
        )
    t0 = to_datetime64(start)
    times = time_grid(t0, t0 + np.timedelta64(int(round(hours * 3.6e12)), "ns"), step_s)

    eph = propagate(element_sets, times)
    return ground_track_from_ephemeris(
        eph, groups=groups, footprint_time=footprint_time, footprint_mask_deg=footprint_mask_deg
    )
