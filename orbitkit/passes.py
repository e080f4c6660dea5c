"""Station passes: every pass of many satellites over many stations in one vectorised search.

What is a pass
--------------
For a satellite and a station, a *pass* is a maximal time interval in which the
satellite's geometric elevation (no refraction; WGS84 station, geodetic vertical) is at
or above the station's mask: a scalar minimum elevation, or an azimuth-dependent
:class:`HorizonMask`. Each :class:`Pass` has its rise, culmination (highest elevation)
and set, with azimuths; passes cut by the search window are kept and flagged
(``starts_before_window`` / ``ends_after_window``, the cut end is the window's edge).

Objects that do not rise and set (geosynchronous orbits, period within 10 % of a
sidereal day, and anything above the mask for the whole window) get
:class:`VisibilityInterval` results instead of passes: their "culmination" would be
noise on a near-constant elevation.

How
---
1. **Coarse scan.** Each satellite is propagated once on its own regular grid, with
   the step from :func:`coarse_step_s`, and its elevation is computed for every station
   at once (numpy, no loop over time). The step is chosen so that every pass that
   reaches the mask keeps the satellite above ``mask - margin_deg`` for at least one
   step, so at least one sample of every pass is *flagged* (above ``mask - margin``).
2. **Detection** on the flagged samples and their neighbours only: sign changes of
   ``elevation - mask`` bracket rises and sets; a sampled local maximum below the mask
   (a pass that could peak between two samples) and a sampled local minimum just above
   it (a short dip between two passes) are searched for their true extremum.
3. **Refinement**, vectorised over all brackets at once: rises and sets by the Illinois
   variant of regula falsi with a guaranteed final bracket of 0.05 s; culminations as
   the zero of the elevation rate (computed analytically from the Earth-fixed velocity)
   to 0.2 s. Each iteration propagates only the instants it needs, one sgp4 call per
   satellite.
4. **Visibility by eye** (``visible``): see :func:`find_passes`.

Azimuth-dependent masks are scanned against their lowest point; the windows around
flagged samples are then resampled every ``horizon_step_s`` (default 5 s) against the
full mask, so mask notches crossed in less than that are not resolved.

Propagation failures (sgp4 error codes: decayed, eccentricity out of range, ...) make
their samples unusable; they are skipped and counted (:attr:`PassSearch.failed_samples`),
and a pass whose rise or set falls among them is dropped and counted
(:attr:`PassSearch.incomplete_passes`).

Kernel rules: no I/O, no plotting; times inside are float seconds from the window start
(float64 keeps 1 µs over 200 years), turned into two-part Julian dates for sgp4.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import numpy as np

from orbitkit import frames
from orbitkit.errors import UserError
from orbitkit.sites import Site, parse_site
from orbitkit.timeutil import format_utc, parse_utc

__all__ = [
    "HorizonMask",
    "parse_horizon",
    "Pass",
    "VisibilityInterval",
    "PassSearch",
    "coarse_step_s",
    "find_passes",
    "is_geosynchronous",
    "RISE_SET_TOLERANCE_S",
    "CULMINATION_TOLERANCE_S",
    "TWILIGHT_SUN_ELEVATION_DEG",
]

#: Final bracket of a rise or set time [s]: the reported instant is within this of the
#: true crossing (the issue asks for 0.1 s).
RISE_SET_TOLERANCE_S = 0.05
#: Final bracket of a culmination time [s] (the issue asks for 0.5 s).
CULMINATION_TOLERANCE_S = 0.2
#: The station is dark enough to see a sunlit satellite when the Sun is below this [deg]
#: (end of civil twilight).
TWILIGHT_SUN_ELEVATION_DEG = -6.0

_MU_KM3_S2 = 398600.4418
_EARTH_RATE_RAD_S = 7.2921150e-5
_WGS84_A_KM = frames.WGS84_A_KM
# Largest angle between the geodetic and the geocentric vertical on WGS84 [deg]
# (0.1924 deg at 45 deg latitude), rounded up.
_VERTICAL_TILT_DEG = 0.2
_DEFAULT_MARGIN_DEG = 3.0
_MAX_STEP_S = 600.0
_MIN_STEP_S = 5.0
_STEP_SAFETY = 0.8
# A sunlit arc of any orbit above 160 km lasts at least ~50 min (a 88 min orbit spends
# at most ~36 min in the shadow), so samples 20 min apart inside a dark stretch of a pass
# cannot step over one.
_SUNLIT_SAMPLE_S = 1200.0
_GEO_REVS_PER_DAY = (0.9, 1.1)


# --------------------------------------------------------------------------- masks


@dataclass(frozen=True)
class HorizonMask:
    """An azimuth-dependent minimum elevation (terrain, buildings, antenna limits).

    Parameters
    ----------
    az_deg, el_deg
        Azimuths (degrees from north, clockwise) and the lowest usable elevation there
        (degrees). Between the given azimuths the mask is interpolated linearly, across
        north too (it is periodic); one point gives a constant mask.
    """

    az_deg: tuple[float, ...]
    el_deg: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.az_deg) != len(self.el_deg) or not self.az_deg:
            raise UserError("horizon mask: give at least one azimuth/elevation pair, and as "
                            "many elevations as azimuths")
        az = np.asarray(self.az_deg, dtype=float)
        el = np.asarray(self.el_deg, dtype=float)
        if not (np.all(np.isfinite(az)) and np.all(np.isfinite(el))):
            raise UserError("horizon mask: azimuths and elevations must be finite numbers")
        if np.any((el < -10.0) | (el >= 90.0)):
            raise UserError("horizon mask: elevations must lie in -10..90 degrees (exclusive "
                            "of 90)")
        order = np.argsort(np.mod(az, 360.0), kind="stable")
        object.__setattr__(self, "az_deg", tuple(float(a) for a in np.mod(az, 360.0)[order]))
        object.__setattr__(self, "el_deg", tuple(float(e) for e in el[order]))

    @classmethod
    def from_pairs(cls, pairs: Sequence[Sequence[float]]) -> HorizonMask:
        """From ``[(az_deg, el_deg), ...]``."""
        pairs = [tuple(p) for p in pairs]
        if any(len(p) != 2 for p in pairs):
            raise UserError("horizon mask: each entry must be an (azimuth, elevation) pair")
        return cls(tuple(float(p[0]) for p in pairs), tuple(float(p[1]) for p in pairs))

    @property
    def min_deg(self) -> float:
        """Lowest point of the mask [deg]; the whole mask is at or above it."""
        return float(min(self.el_deg))

    @property
    def max_deg(self) -> float:
        return float(max(self.el_deg))

    def elevation_deg(self, az_deg: np.ndarray | float) -> np.ndarray:
        """Mask elevation [deg] at azimuths [deg], interpolated linearly and periodically."""
        az = np.mod(np.asarray(az_deg, dtype=float), 360.0)
        if len(self.az_deg) == 1:
            return np.full(az.shape, self.el_deg[0])
        return np.interp(az, self.az_deg, self.el_deg, period=360.0)

    def to_dict(self) -> dict[str, Any]:
        return {"az_deg": list(self.az_deg), "el_deg": list(self.el_deg)}


def parse_horizon(text: str, *, source: str = "horizon") -> HorizonMask:
    """Read a horizon mask from text: one ``AZ_DEG EL_DEG`` pair a line.

    Separators may be spaces, tabs, commas or semicolons; ``#`` starts a comment; a
    first line that is not numeric (a header) is skipped.

    Raises
    ------
    UserError
        With the line number of the first unreadable line.
    """
    pairs: list[tuple[float, float]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace(";", " ").split()
        try:
            values = [float(p) for p in parts]
        except ValueError:
            if not pairs and number <= 2:
                continue  # a header line
            raise UserError(f"{source}, line {number}: expected 'AZIMUTH_DEG ELEVATION_DEG', "
                            f"got {raw.strip()!r}") from None
        if len(values) != 2:
            raise UserError(f"{source}, line {number}: expected two numbers (azimuth and "
                            f"elevation in degrees), got {len(values)}")
        pairs.append((values[0], values[1]))
    if not pairs:
        raise UserError(f"{source}: no azimuth/elevation pairs found")
    return HorizonMask.from_pairs(pairs)


Mask = float | HorizonMask


# --------------------------------------------------------------------------- results


def _iso_ms(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 UTC with milliseconds and ``Z``."""
        return {
            "norad_id": self.norad_id,
            "name": self.name,
            "station": self.station,
            "rise_utc": _iso_ms(self.rise_utc),
            "rise_az_deg": round(self.rise_az_deg, 3),
            "max_utc": _iso_ms(self.max_utc),
            "max_elevation_deg": round(self.max_elevation_deg, 3),
            "max_az_deg": round(self.max_az_deg, 3),
            "set_utc": _iso_ms(self.set_utc),
            "set_az_deg": round(self.set_az_deg, 3),
            "duration_s": round(self.duration_s, 3),
            "visible": self.visible,
            "starts_before_window": self.starts_before_window,
            "ends_after_window": self.ends_after_window,
        }


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
            "start_az_deg": round(self.start_az_deg, 3),
            "end_utc": _iso_ms(self.end_utc),
            "end_az_deg": round(self.end_az_deg, 3),
            "min_elevation_deg": round(self.min_elevation_deg, 3),
            "max_elevation_deg": round(self.max_elevation_deg, 3),
            "duration_s": round(self.duration_s, 3),
            "starts_before_window": self.starts_before_window,
            "ends_after_window": self.ends_after_window,
        }


@dataclass
class PassSearch:
    """Everything one :func:`find_passes` call found.

    Attributes
    ----------
    passes
        Sorted by rise time, then station, then NORAD number.
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
        Propagations (satellite × instant) that sgp4 could not do, over all phases.
    incomplete_passes
        Passes dropped because their rise or set fell among failed samples.
    warnings
        Human-readable notes (failures, dropped passes).
    """

    passes: list[Pass]
    intervals: list[VisibilityInterval]
    start_utc: datetime
    stop_utc: datetime
    stations: list[Site]
    min_elevation_deg: list[float | None]
    steps_s: dict[int, float] = field(default_factory=dict)
    failed_samples: int = 0
    incomplete_passes: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_utc": format_utc(self.start_utc),
            "stop_utc": format_utc(self.stop_utc),
            "stations": [s.key for s in self.stations],
            "passes": [p.to_dict() for p in self.passes],
            "intervals": [v.to_dict() for v in self.intervals],
            "failed_samples": self.failed_samples,
            "incomplete_passes": self.incomplete_passes,
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- step bound


def _visibility_half_angle(elev_rad: float, ratio: float) -> float:
    """Earth-central angle from the station to the edge of the visibility circle.

    ``ratio`` = station radius / satellite radius; spherical geometry.
    """
    return math.acos(min(1.0, ratio * math.cos(elev_rad))) - elev_rad


def coarse_step_s(
    perigee_radius_km: float,
    perigee_rate_rad_s: float,
    min_elevation_deg: float,
    *,
    margin_deg: float = _DEFAULT_MARGIN_DEG,
    station_radius_km: float = _WGS84_A_KM,
    safety: float = _STEP_SAFETY,
    min_step_s: float = _MIN_STEP_S,
    max_step_s: float = _MAX_STEP_S,
) -> float:
    """Largest coarse-scan step [s] that cannot step over a pass above the mask.

    Parameters
    ----------
    perigee_radius_km
        Geocentric radius of the lowest point of the orbit [km].
    perigee_rate_rad_s
        Inertial angular rate of the satellite at perigee [rad/s] (its highest).
    min_elevation_deg
        The mask [deg] (for an azimuth-dependent mask: its lowest point).
    margin_deg
        Samples above ``mask - margin_deg`` are flagged for refinement.
    station_radius_km
        Geocentric radius of the (highest) station [km].
    safety
        Factor (< 1) on the bound for what the model below leaves out.

    Returns
    -------
    float
        The step, clipped to ``[min_step_s, max_step_s]``.

    Notes
    -----
    Model: spherical Earth of radius ``R`` (the station's), satellite at radius ``r``.
    The satellite is at elevation ``e`` or higher exactly when its sub-satellite point
    is within the Earth-central angle ``L(e) = arccos((R/r) cos e) - e`` of the station.
    A pass that just reaches the mask ``E`` passes at central angle ``L(E)`` from the
    station; by the right spherical triangle (station, closest point, point on the
    track) it stays within ``L(E - d)`` for the track arc ``2 psi`` with
    ``cos L(E - d) = cos L(E) cos psi``. Passes reaching higher than ``E`` come closer
    and stay inside longer, so ``2 psi`` is the shortest time above ``E - d`` of any
    pass above the mask. The sub-satellite point moves along its track at most at
    ``w = (orbital rate) + (Earth rate)``, so the time is at least ``D = 2 psi / w``,
    and any grid with step at most ``D`` has a sample above ``E - d`` in every pass.

    What the model leaves out, and how the bound covers it:

    * an eccentric orbit: take the perigee radius and perigee rate, where the
      satellite is lowest (smallest circle) and fastest;
    * the ellipsoid: the geodetic vertical differs from the geocentric one by up to
      0.2 deg, so the bound is taken for mask ``E - 0.2`` and margin ``d - 0.4``;
      ``R`` is the largest station radius (a higher station sees a satellite lower);
    * perturbations (J2, drag lowering the orbit during the window) and the slight
      curvature of the ground track: the factor ``safety`` (default 0.8).

    For a 400 km orbit and a 10 deg mask, a 3 deg margin gives ~150 s; skyfield's
    ``find_events`` samples every ~4.6 s for the same orbit.
    """
    r = max(float(perigee_radius_km), float(station_radius_km) + 100.0)
    ratio = float(station_radius_km) / r
    e_mask = math.radians(float(min_elevation_deg) - _VERTICAL_TILT_DEG)
    d = math.radians(max(float(margin_deg) - 2.0 * _VERTICAL_TILT_DEG, 0.05))
    l_in = _visibility_half_angle(e_mask, ratio)
    l_out = _visibility_half_angle(e_mask - d, ratio)
    cos_psi = math.cos(l_out) / max(math.cos(l_in), 1e-12)
    psi = math.acos(min(1.0, max(-1.0, cos_psi)))
    w = float(perigee_rate_rad_s) + _EARTH_RATE_RAD_S
    step = safety * 2.0 * psi / w
    return float(min(max(step, min_step_s), max_step_s))


def is_geosynchronous(revs_per_day: float) -> bool:
    """True for orbits with a period within 10 % of a sidereal day (GEO, IGSO)."""
    return _GEO_REVS_PER_DAY[0] <= revs_per_day <= _GEO_REVS_PER_DAY[1]


# --------------------------------------------------------------------------- orbit models


class _OrbitModel(Protocol):
    """What the search needs from the orbits: Earth-fixed states at chosen instants."""

    n_sats: int

    def state(self, s: int, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ITRS position [km] (n, 3), velocity [km/s] (n, 3), ok (n,) of satellite ``s``
        at ``t_s`` seconds after the window start."""

    def perigee(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per satellite: perigee radius [km], perigee angular rate [rad/s], revs/day."""


class _Sgp4Orbits:
    """Element sets propagated with sgp4, then turned Earth-fixed (GMST 1982 on UT1)."""

    def __init__(self, element_sets: Sequence[Any], start: datetime, duration_s: float) -> None:
        from orbitkit.timeutil import to_julian, ut1_minus_utc_s

        self.sets = list(element_sets)
        self.n_sats = len(self.sets)
        jd, fr = to_julian(np.array([np.datetime64(start.replace(tzinfo=None), "ns")]))
        self.jd0 = float(jd[0])
        self.fr0 = float(fr[0])
        # UT1 - UTC changes by ~1 ms a day: a table every 6 h, interpolated, is exact
        # to microseconds and spares a table lookup per refinement step.
        n = max(2, int(math.ceil(duration_s / 21600.0)) + 1)
        self._dut_t = np.linspace(0.0, max(duration_s, 1.0), n)
        self._dut = ut1_minus_utc_s(np.full(n, self.jd0), self.fr0 + self._dut_t / 86400.0)

    def state(self, s: int, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t_s = np.asarray(t_s, dtype=float)
        jd = np.full(t_s.shape, self.jd0)
        fr = self.fr0 + t_s / 86400.0
        err, r, v = self.sets[s].satrec.sgp4_array(jd, fr)
        ok = err == 0
        fr_ut1 = fr + np.interp(t_s, self._dut_t, self._dut) / 86400.0
        r_itrs, v_itrs = frames.teme_to_itrs(r, v, jd, fr_ut1)
        if not ok.all():
            r_itrs[~ok] = np.nan
            v_itrs[~ok] = np.nan
        return r_itrs, v_itrs, ok

    def perigee(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rp = np.empty(self.n_sats)
        rate = np.empty(self.n_sats)
        revs = np.empty(self.n_sats)
        for i, es in enumerate(self.sets):
            sat = es.satrec
            a_km = sat.a * sat.radiusearthkm
            ecc = min(max(sat.ecco, 0.0), 0.99)
            rp[i] = a_km * (1.0 - ecc)
            # vis-viva at perigee: v_p / r_p
            rate[i] = math.sqrt(_MU_KM3_S2 * (1.0 + ecc) / rp[i] ** 3)
            revs[i] = sat.no_kozai * 1440.0 / (2.0 * math.pi)
        return rp, rate, revs


@dataclass
class _Stations:
    """Station geometry, Earth-fixed: positions and local east/north/up unit vectors."""

    sites: list[Site]
    pos: np.ndarray  # (N, 3) km
    east: np.ndarray
    north: np.ndarray
    up: np.ndarray

    @classmethod
    def from_sites(cls, sites: Sequence[Site]) -> _Stations:
        lat = np.radians([s.lat_deg for s in sites])
        lon = np.radians([s.lon_deg for s in sites])
        h = np.array([s.alt_m / 1000.0 for s in sites])
        pos = frames.geodetic_to_itrs(lat, lon, h)
        enu = frames.enu_rotation(lat, lon)
        return cls(list(sites), pos, enu[:, 0, :].copy(), enu[:, 1, :].copy(),
                   enu[:, 2, :].copy())

    def __len__(self) -> int:
        return len(self.sites)


# --------------------------------------------------------------------------- geometry


class _Geometry:
    """Look angles of (satellite, station, instant) triples, one sgp4 call per satellite."""

    def __init__(self, orbits: _OrbitModel, stations: _Stations, masks: Sequence[Mask]):
        self.orbits = orbits
        self.st = stations
        self.masks = list(masks)
        self.scalar = np.array([m if not isinstance(m, HorizonMask) else m.min_deg
                                for m in self.masks], dtype=float)
        self.horizon_idx = [j for j, m in enumerate(self.masks) if isinstance(m, HorizonMask)]
        self.failed = 0

    def states(self, sat: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ITRS positions and velocities for items; NaN where sgp4 failed."""
        n = t.size
        r = np.empty((n, 3))
        v = np.empty((n, 3))
        if n == 0:
            return r, v
        order = np.argsort(sat, kind="stable")
        ss = sat[order]
        cuts = np.flatnonzero(np.diff(ss)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [n]))
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            idx = order[a:b]
            ri, vi, ok = self.orbits.state(int(ss[a]), t[idx])
            r[idx] = ri
            v[idx] = vi
            self.failed += int(ok.size - np.count_nonzero(ok))
        return r, v

    def mask_deg(self, sta: np.ndarray, az_deg: np.ndarray) -> np.ndarray:
        out = self.scalar[sta]
        for j in self.horizon_idx:
            sel = sta == j
            if sel.any():
                out[sel] = self.masks[j].elevation_deg(az_deg[sel])
        return out

    def look(self, sat: np.ndarray, sta: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
        """Elevation [deg], azimuth [deg], elevation-rate numerator [km/s] and mask margin."""
        r, v = self.states(sat, t)
        out = _look_angles(r, v, self.st.pos[sta], self.st.east[sta], self.st.north[sta],
                           self.st.up[sta])
        out["f"] = out["el"] - self.mask_deg(sta, out["az"])
        return out


def _look_angles(r, v, pos, east, north, up) -> dict[str, np.ndarray]:
    """Per-item look angles; every argument has shape (n, 3).

    ``rate`` is ``u·ρ̇ - sin(el) ρ̂·ρ̇`` [km/s], which is ``ρ cos(el) d(el)/dt``: it has
    the sign of the elevation rate and no singularity, so culminations are its zeros.
    """
    rho = r - pos
    rng = np.sqrt(np.einsum("ij,ij->i", rho, rho))
    u = np.einsum("ij,ij->i", rho, up)
    sin_el = u / rng
    el = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    az = np.degrees(np.arctan2(np.einsum("ij,ij->i", rho, east),
                               np.einsum("ij,ij->i", rho, north))) % 360.0
    rate = np.einsum("ij,ij->i", v, up) - sin_el * np.einsum("ij,ij->i", rho, v) / rng
    return {"el": el, "az": az, "rate": rate}


# --------------------------------------------------------------------------- root finding


def _solve(
    evaluate: Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, np.ndarray]],
    key: str,
    sat: np.ndarray,
    sta: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    fa: np.ndarray,
    fb: np.ndarray,
    tol_s: float,
    prefer: str,
    max_iter: int = 100,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sign changes of ``evaluate(...)[key]`` on brackets ``[a, b]``, all at once.

    Illinois regula falsi (Dowell & Jarratt 1971): superlinear, and the halving of the
    stale end's value stops the one-sided stalling of plain regula falsi. The trial point
    is kept at least ``min(tol/2, width/4)`` inside the bracket, so once it is within
    ``tol/2`` of the root the next trial lands across it and the bracket collapses;
    after three replacements of the same end a bisection step is forced. Iteration stops
    when the bracket is at most ``tol_s`` wide; the reported point is an evaluated end of
    the final bracket (the one with the smaller ``|value|`` for ``prefer="absf"``, the
    higher elevation for ``prefer="el"``), so its look angles come for free.

    ``value >= 0`` counts as one side; NaN (failed propagation) as the other.
    """
    n = a.size
    a = a.astype(float).copy()
    b = b.astype(float).copy()
    fa = fa.astype(float).copy()
    fb = fb.astype(float).copy()
    sign_a = fa >= 0.0
    last = np.zeros(n, dtype=np.int8)
    stall = np.zeros(n, dtype=np.int8)
    keys = ("el", "az", "rate", "f")
    aux_a = {k: np.full(n, np.nan) for k in keys}
    aux_b = {k: np.full(n, np.nan) for k in keys}
    have_a = np.zeros(n, dtype=bool)
    have_b = np.zeros(n, dtype=bool)
    active = np.arange(n)
    for _ in range(max_iter):
        if active.size == 0:
            break
        A, B, FA, FB = a[active], b[active], fa[active], fb[active]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = B - FB * (B - A) / (FB - FA)
        bis = ~np.isfinite(x) | (stall[active] >= 3)
        x[bis] = 0.5 * (A + B)[bis]
        inset = np.minimum(0.25 * (B - A), 0.5 * tol_s)
        x = np.clip(x, A + inset, B - inset)
        res = evaluate(sat[active], sta[active], x)
        fx = res[key]
        same_as_a = (fx >= 0.0) == sign_a[active]
        ia = active[same_as_a]
        ib = active[~same_as_a]
        xa, xb = x[same_as_a], x[~same_as_a]
        # Illinois: the end that stays for a second time gets its value halved.
        stay_b = ia[last[ia] == -1]
        fb[stay_b] *= 0.5
        stay_a = ib[last[ib] == 1]
        fa[stay_a] *= 0.5
        stall[ia] = np.where(last[ia] == -1, stall[ia] + 1, 0)
        stall[ib] = np.where(last[ib] == 1, stall[ib] + 1, 0)
        stall[active[bis]] = 0
        last[ia] = -1
        last[ib] = 1
        a[ia] = xa
        fa[ia] = fx[same_as_a]
        b[ib] = xb
        fb[ib] = fx[~same_as_a]
        have_a[ia] = True
        have_b[ib] = True
        for k in keys:
            aux_a[k][ia] = res[k][same_as_a]
            aux_b[k][ib] = res[k][~same_as_a]
        active = active[(b[active] - a[active]) > tol_s]
    if prefer == "el":
        use_a = have_a & (~have_b | (aux_a["el"] >= aux_b["el"]))
    else:
        use_a = have_a & (~have_b | (np.abs(aux_a["f"]) <= np.abs(aux_b["f"])))
    t = np.where(use_a, a, b)
    aux = {k: np.where(use_a, aux_a[k], aux_b[k]) for k in keys}
    return t, aux


# --------------------------------------------------------------------------- the search


@dataclass
class _Samples:
    """Flat table of samples, grouped in segments of consecutive instants."""

    sat: np.ndarray
    sta: np.ndarray
    seg: np.ndarray
    t: np.ndarray
    f: np.ndarray
    el: np.ndarray
    az: np.ndarray
    rate: np.ndarray
    hidden: np.ndarray  # bool per sample: look for extrema between samples

    @staticmethod
    def concat(parts: list[dict[str, np.ndarray]]) -> _Samples:
        names = ("sat", "sta", "seg", "t", "f", "el", "az", "rate", "hidden")
        if not parts:
            empty = {k: np.empty(0, dtype=int if k in ("sat", "sta", "seg") else float)
                     for k in names}
            empty["hidden"] = np.empty(0, dtype=bool)
            return _Samples(**empty)
        return _Samples(**{k: np.concatenate([p[k] for p in parts]) for k in names})


@dataclass
class _Events:
    """Refined rises (+1) and sets (-1), with look angles at the instant."""

    sat: list[np.ndarray] = field(default_factory=list)
    sta: list[np.ndarray] = field(default_factory=list)
    t: list[np.ndarray] = field(default_factory=list)
    kind: list[np.ndarray] = field(default_factory=list)
    cut: list[np.ndarray] = field(default_factory=list)
    el: list[np.ndarray] = field(default_factory=list)
    az: list[np.ndarray] = field(default_factory=list)
    rate: list[np.ndarray] = field(default_factory=list)

    def add(self, sat, sta, t, kind, cut, el, az, rate) -> None:
        n = np.size(t)
        self.sat.append(np.broadcast_to(sat, n).astype(int))
        self.sta.append(np.broadcast_to(sta, n).astype(int))
        self.t.append(np.broadcast_to(t, n).astype(float))
        self.kind.append(np.broadcast_to(kind, n).astype(np.int8))
        self.cut.append(np.broadcast_to(cut, n).astype(bool))
        self.el.append(np.broadcast_to(el, n).astype(float))
        self.az.append(np.broadcast_to(az, n).astype(float))
        self.rate.append(np.broadcast_to(rate, n).astype(float))

    def arrays(self) -> dict[str, np.ndarray]:
        names = ("sat", "sta", "t", "kind", "cut", "el", "az", "rate")
        if not self.t:
            return {k: np.empty(0) for k in names}
        return {k: np.concatenate(getattr(self, k)) for k in names}


def _shift(x: np.ndarray, same: np.ndarray, fill: float, forward: bool) -> np.ndarray:
    """Neighbour values within a segment: next (forward) or previous, else ``fill``."""
    out = np.full(x.shape, fill, dtype=float)
    if x.size < 2:
        return out
    if forward:
        out[:-1] = np.where(same, x[1:], fill)
    else:
        out[1:] = np.where(same, x[:-1], fill)
    return out


class _Search:
    def __init__(
        self,
        orbits: _OrbitModel,
        stations: _Stations,
        masks: Sequence[Mask],
        duration_s: float,
        *,
        margin_deg: float = _DEFAULT_MARGIN_DEG,
        horizon_step_s: float = 5.0,
        max_step_s: float | None = None,
    ) -> None:
        self.orbits = orbits
        self.st = stations
        self.geo = _Geometry(orbits, stations, masks)
        self.T = float(duration_s)
        self.margin = float(margin_deg)
        self.horizon_step_s = float(horizon_step_s)
        self.is_horizon = np.array([isinstance(m, HorizonMask) for m in masks], dtype=bool)
        rp, rate, revs = orbits.perigee()
        self.revs_per_day = revs
        station_r = float(np.max(np.linalg.norm(stations.pos, axis=1)))
        lowest_mask = float(np.min(self.geo.scalar))
        cap = _MAX_STEP_S if max_step_s is None else float(max_step_s)
        self.steps = np.array([
            coarse_step_s(rp[i], rate[i], lowest_mask, margin_deg=self.margin,
                          station_radius_km=station_r, max_step_s=cap)
            for i in range(orbits.n_sats)
        ])
        self.coarse_samples = 0
        self.incomplete = 0

    # -- phase 1: coarse scan, keep flagged samples and their neighbours ---------------

    def coarse(self) -> tuple[_Samples, list[tuple[int, int, float, float]]]:
        parts: list[dict[str, np.ndarray]] = []
        windows: list[tuple[int, int, float, float]] = []
        st = self.st
        scan_mask = self.geo.scalar  # horizon masks: their lowest point
        seg_base = 0
        for s in range(self.orbits.n_sats):
            n_steps = max(1, int(math.ceil(self.T / self.steps[s])))
            tg = np.linspace(0.0, self.T, n_steps + 1)
            r, v, ok = self.orbits.state(s, tg)
            self.coarse_samples += tg.size
            self.geo.failed += int(tg.size - np.count_nonzero(ok))
            rho = r[:, None, :] - st.pos[None, :, :]  # (K, N, 3)
            rng = np.sqrt(np.einsum("knc,knc->kn", rho, rho))
            sin_el = np.einsum("knc,nc->kn", rho, st.up) / rng
            el = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
            with np.errstate(invalid="ignore"):
                flag = (el - scan_mask[None, :]) > -self.margin
            if not flag.any():
                continue
            dil = flag.copy()
            dil[1:] |= flag[:-1]
            dil[:-1] |= flag[1:]
            jj, kk = np.nonzero(dil.T)  # station-major, time ascending within a station
            new_seg = np.ones(kk.size, dtype=bool)
            new_seg[1:] = (jj[1:] != jj[:-1]) | (kk[1:] != kk[:-1] + 1)
            seg = seg_base + np.cumsum(new_seg) - 1
            seg_base = int(seg[-1]) + 1 if seg.size else seg_base
            # horizon-mask stations: the segment spans are the windows to resample
            hz = self.is_horizon[jj]
            if hz.any():
                hs, hj, hk = seg[hz], jj[hz], kk[hz]
                head = np.ones(hs.size, dtype=bool)
                head[1:] = hs[1:] != hs[:-1]
                tail = np.ones(hs.size, dtype=bool)
                tail[:-1] = head[1:]
                windows.extend(zip([s] * int(head.sum()), hj[head].tolist(),
                                   tg[hk[head]].tolist(), tg[hk[tail]].tolist(), strict=True))
            keep = ~hz
            if not keep.any():
                continue
            jj, kk, seg = jj[keep], kk[keep], seg[keep]
            look = _look_angles(r[kk], v[kk], st.pos[jj], st.east[jj], st.north[jj], st.up[jj])
            parts.append({
                "sat": np.full(kk.size, s), "sta": jj, "seg": seg, "t": tg[kk],
                "f": look["el"] - scan_mask[jj], "el": look["el"], "az": look["az"],
                "rate": look["rate"], "hidden": np.ones(kk.size, dtype=bool),
            })
        self._seg_base = seg_base
        return _Samples.concat(parts), windows

    # -- horizon masks: resample the windows finely against the full mask -------------

    def resample(self, windows: list[tuple[int, int, float, float]]) -> _Samples:
        if not windows:
            return _Samples.concat([])
        w = np.array(windows, dtype=float)
        sat = w[:, 0].astype(int)
        sta = w[:, 1].astype(int)
        w0, w1 = w[:, 2], w[:, 3]
        counts = np.maximum(1, np.ceil((w1 - w0) / self.horizon_step_s).astype(int)) + 1
        rep = np.repeat(np.arange(len(windows)), counts)
        offs = np.arange(rep.size) - np.repeat(np.cumsum(counts) - counts, counts)
        t = w0[rep] + (w1 - w0)[rep] * offs / (counts[rep] - 1)
        look = self.geo.look(sat[rep], sta[rep], t)
        return _Samples(sat=sat[rep], sta=sta[rep], seg=self._seg_base + rep, t=t, f=look["f"],
                        el=look["el"], az=look["az"], rate=look["rate"],
                        hidden=np.zeros(rep.size, dtype=bool))

    # -- phase 2: detection ----------------------------------------------------------

    def detect(self, sm: _Samples, ev: _Events, culm: list[dict[str, np.ndarray]]) -> None:
        """Brackets from samples; refine crossings; add events and culmination hints."""
        n = sm.t.size
        if n == 0:
            return
        same = sm.seg[1:] == sm.seg[:-1]  # sample i and i+1 belong together
        fin = np.isfinite(sm.f)
        with np.errstate(invalid="ignore"):
            above = sm.f >= 0.0
        # window edges: a pass in progress at the start or the end
        first = np.ones(n, dtype=bool)
        first[1:] = ~same
        last = np.ones(n, dtype=bool)
        last[:-1] = ~same
        tol_edge = 1e-6
        at_start = first & above & (sm.t <= tol_edge)
        at_end = last & above & (sm.t >= self.T - tol_edge)
        if at_start.any():
            i = at_start
            ev.add(sm.sat[i], sm.sta[i], 0.0, 1, True, sm.el[i], sm.az[i], sm.rate[i])
        if at_end.any():
            i = at_end
            ev.add(sm.sat[i], sm.sta[i], self.T, -1, True, sm.el[i], sm.az[i], sm.rate[i])
        # sign changes between consecutive samples
        both = same & fin[:-1] & fin[1:]
        change = np.flatnonzero(both & (above[:-1] != above[1:]))
        brackets = [(change, change + 1)]
        # extrema between samples (scalar masks): local max below the mask, local min
        # just above it
        el_prev = _shift(sm.el, same, -np.inf, forward=False)
        el_next = _shift(sm.el, same, -np.inf, forward=True)
        with np.errstate(invalid="ignore"):
            lmax = (sm.el >= el_prev) & (sm.el > el_next) & (sm.f > -self.margin)
        prev_i = np.arange(n) - 1
        prev_i[first] = np.flatnonzero(first)
        next_i = np.arange(n) + 1
        next_i[last] = np.flatnonzero(last)
        # culmination hints: sampled maxima inside a pass
        hint = lmax & above
        if hint.any():
            i = np.flatnonzero(hint)
            culm.append({"sat": sm.sat[i], "sta": sm.sta[i], "t": sm.t[i], "el": sm.el[i],
                         "az": sm.az[i], "rate": sm.rate[i],
                         "ta": sm.t[prev_i[i]], "ra": sm.rate[prev_i[i]],
                         "tb": sm.t[next_i[i]], "rb": sm.rate[next_i[i]]})
        hidden_max = np.flatnonzero(lmax & ~above & sm.hidden & fin)
        el_prev_hi = _shift(sm.el, same, np.inf, forward=False)
        el_next_hi = _shift(sm.el, same, np.inf, forward=True)
        with np.errstate(invalid="ignore"):
            lmin = ((sm.el <= el_prev_hi) & (sm.el < el_next_hi) & above
                    & (sm.f < self.margin) & sm.hidden)
        # a dip needs samples above the mask on both sides
        lmin &= above[prev_i] & above[next_i]
        hidden_min = np.flatnonzero(lmin)
        for idx, want_max in ((hidden_max, True), (hidden_min, False)):
            if idx.size == 0:
                continue
            ia, ib = prev_i[idx], next_i[idx]
            ra, rb = sm.rate[ia], sm.rate[ib]
            ok = (ra > 0) & (rb < 0) if want_max else (ra < 0) & (rb > 0)
            ok &= ia != ib
            idx, ia, ib = idx[ok], ia[ok], ib[ok]
            if idx.size == 0:
                continue
            te, aux = _solve(self.geo.look, "rate", sm.sat[idx], sm.sta[idx], sm.t[ia],
                             sm.t[ib], sm.rate[ia], sm.rate[ib], CULMINATION_TOLERANCE_S,
                             prefer="el" if want_max else "absf")
            crosses = aux["f"] >= 0 if want_max else aux["f"] < 0
            if not crosses.any():
                continue
            idx, ia, ib, te = idx[crosses], ia[crosses], ib[crosses], te[crosses]
            fe = aux["f"][crosses]
            # two brackets around the extremum, refined with the others below
            self._extra.append((sm.sat[idx], sm.sta[idx], sm.t[ia], te, sm.f[ia], fe))
            self._extra.append((sm.sat[idx], sm.sta[idx], te, sm.t[ib], fe, sm.f[ib]))
            if want_max:
                culm.append({"sat": sm.sat[idx], "sta": sm.sta[idx], "t": te,
                             "el": aux["el"][crosses], "az": aux["az"][crosses],
                             "rate": aux["rate"][crosses], "ta": te, "ra": np.zeros(te.size),
                             "tb": te, "rb": np.zeros(te.size)})
        for ia, ib in brackets:
            if ia.size:
                self._extra.append((sm.sat[ia], sm.sta[ia], sm.t[ia], sm.t[ib], sm.f[ia],
                                    sm.f[ib]))

    def refine_crossings(self, ev: _Events) -> None:
        if not self._extra:
            return
        sat, sta, a, b, fa, fb = (np.concatenate(x) for x in zip(*self._extra, strict=True))
        self._extra = []
        t, aux = _solve(self.geo.look, "f", sat, sta, a, b, fa, fb, RISE_SET_TOLERANCE_S,
                        prefer="absf")
        kind = np.where(fa < 0, 1, -1)  # below -> above is a rise
        ev.add(sat, sta, t, kind, False, aux["el"], aux["az"], aux["rate"])

    # -- phase 3: passes from events ----------------------------------------------------

    def run(self) -> dict[str, Any]:
        self._extra: list[tuple[np.ndarray, ...]] = []
        ev = _Events()
        culm: list[dict[str, np.ndarray]] = []
        samples, windows = self.coarse()
        self.detect(samples, ev, culm)
        if windows:
            self.detect(self.resample(windows), ev, culm)
        self.refine_crossings(ev)
        e = ev.arrays()
        n_sta = len(self.st)
        if e["t"].size == 0:
            return {"passes": None, "culm": culm}
        pair = e["sat"].astype(int) * n_sta + e["sta"].astype(int)
        order = np.lexsort((-e["kind"], e["t"], pair))  # at a tie, a set after a rise
        e = {k: v[order] for k, v in e.items()}
        pair = pair[order]
        kind = e["kind"]
        good = (kind[:-1] == 1) & (kind[1:] == -1) & (pair[:-1] == pair[1:])
        i0 = np.flatnonzero(good)
        i1 = i0 + 1
        used = np.zeros(kind.size, dtype=bool)
        used[i0] = True
        used[i1] = True
        # events that pair with nothing: their partner fell among failed samples
        self.incomplete = int(np.count_nonzero(~used & ~e["cut"]))
        passes = {
            "sat": e["sat"][i0].astype(int), "sta": e["sta"][i0].astype(int),
            "rise": e["t"][i0], "set": e["t"][i1],
            "rise_az": e["az"][i0], "set_az": e["az"][i1],
            "rise_el": e["el"][i0], "set_el": e["el"][i1],
            "rise_rate": e["rate"][i0], "set_rate": e["rate"][i1],
            "start_cut": e["cut"][i0], "end_cut": e["cut"][i1],
        }
        return {"passes": passes, "culm": culm}

    # -- phase 4: culminations -----------------------------------------------------------

    def culminations(self, p: dict[str, np.ndarray], culm: list[dict[str, np.ndarray]]):
        """Highest elevation of each pass: refined sampled maxima, and the pass ends."""
        n_pass = p["rise"].size
        n_sta = len(self.st)
        best_el = np.where(p["rise_el"] >= p["set_el"], p["rise_el"], p["set_el"])
        best_t = np.where(p["rise_el"] >= p["set_el"], p["rise"], p["set"])
        best_az = np.where(p["rise_el"] >= p["set_el"], p["rise_az"], p["set_az"])
        if n_pass == 0:
            return best_t, best_el, best_az
        key_pass = (p["sat"] * n_sta + p["sta"]).astype(float)
        span = self.T + 10.0
        pkey = key_pass * span + p["rise"]
        order = np.argsort(pkey)
        pkey_sorted = pkey[order]
        if culm:
            c = {k: np.concatenate([d[k] for d in culm]) for k in culm[0]}
        else:
            c = {k: np.empty(0) for k in ("sat", "sta", "t", "el", "az", "rate", "ta", "ra",
                                          "tb", "rb")}
        # which pass holds each hint: the last pass of its pair that rose before it
        ckey = (c["sat"] * n_sta + c["sta"]).astype(float) * span + c["t"]
        pos = np.searchsorted(pkey_sorted, ckey, side="right") - 1
        valid = pos >= 0
        pi = np.where(valid, order[np.clip(pos, 0, None)], 0)
        valid &= (p["sat"][pi] == c["sat"]) & (p["sta"][pi] == c["sta"])
        valid &= (c["t"] >= p["rise"][pi]) & (c["t"] <= p["set"][pi])
        pi = pi[valid]
        c = {k: v[valid] for k, v in c.items()}
        # bracket: the neighbouring samples, clipped to the pass
        ta, ra = c["ta"].copy(), c["ra"].copy()
        tb, rb = c["tb"].copy(), c["rb"].copy()
        lo = ta < p["rise"][pi]
        ta[lo], ra[lo] = p["rise"][pi][lo], p["rise_rate"][pi][lo]
        hi = tb > p["set"][pi]
        tb[hi], rb[hi] = p["set"][pi][hi], p["set_rate"][pi][hi]
        cand_t, cand_el, cand_az, cand_p = [c["t"]], [c["el"]], [c["az"]], [pi]
        solve = (ra > 0) & (rb < 0) & (tb - ta > CULMINATION_TOLERANCE_S)
        # passes with no sample inside: search the whole pass
        covered = np.zeros(n_pass, dtype=bool)
        covered[pi] = True
        bare = np.flatnonzero(~covered & (p["rise_rate"] > 0) & (p["set_rate"] < 0))
        s_sat = np.concatenate((c["sat"][solve], p["sat"][bare])).astype(int)
        s_sta = np.concatenate((c["sta"][solve], p["sta"][bare])).astype(int)
        s_a = np.concatenate((ta[solve], p["rise"][bare]))
        s_b = np.concatenate((tb[solve], p["set"][bare]))
        s_ra = np.concatenate((ra[solve], p["rise_rate"][bare]))
        s_rb = np.concatenate((rb[solve], p["set_rate"][bare]))
        s_p = np.concatenate((pi[solve], bare))
        if s_a.size:
            t, aux = _solve(self.geo.look, "rate", s_sat, s_sta, s_a, s_b, s_ra, s_rb,
                            CULMINATION_TOLERANCE_S, prefer="el")
            cand_t.append(t)
            cand_el.append(aux["el"])
            cand_az.append(aux["az"])
            cand_p.append(s_p)
        ct = np.concatenate(cand_t)
        cel = np.concatenate(cand_el)
        caz = np.concatenate(cand_az)
        cp = np.concatenate(cand_p).astype(int)
        fin = np.isfinite(cel)
        ct, cel, caz, cp = ct[fin], cel[fin], caz[fin], cp[fin]
        # per pass, the highest candidate (sorted so that the last write wins)
        o = np.lexsort((cel, cp))
        ct, cel, caz, cp = ct[o], cel[o], caz[o], cp[o]
        better = cel > best_el[cp]
        # keep only the last (highest) entry per pass among the better ones
        last_of = np.ones(cp.size, dtype=bool)
        last_of[:-1] = cp[1:] != cp[:-1]
        w = better & last_of
        best_t[cp[w]] = ct[w]
        best_el[cp[w]] = cel[w]
        best_az[cp[w]] = caz[w]
        return np.clip(best_t, p["rise"], p["set"]), best_el, best_az


# --------------------------------------------------------------------------- visibility


def _dark_intervals(stations: _Stations, jd0: float, fr0: float, duration_s: float
                    ) -> list[np.ndarray]:
    """Per station, (k, 2) spans [s] in which the Sun is below -6 deg."""
    from orbitkit.sun import sun_elevation_deg

    step = 600.0  # the Sun's elevation changes at most 2.5 deg in 10 min
    t = np.arange(-step, duration_s + 2 * step, step)
    out = []
    for j in range(len(stations)):
        pos, up = stations.pos[j], stations.up[j]

        def g(tt: np.ndarray, pos=pos, up=up) -> np.ndarray:
            return sun_elevation_deg(pos, up, jd0, fr0 + tt / 86400.0) - \
                TWILIGHT_SUN_ELEVATION_DEG

        v = g(t)
        dark = v < 0
        k = np.flatnonzero(dark[:-1] != dark[1:])
        a, b = t[k].copy(), t[k + 1].copy()
        for _ in range(14):  # 600 s / 2**14 = 0.04 s
            m = 0.5 * (a + b)
            same = (g(m) < 0) == dark[k]
            a = np.where(same, m, a)
            b = np.where(same, b, m)
        edges = 0.5 * (a + b)
        # build spans: start where it turns dark, end where it turns light
        starts = list(edges[dark[k + 1]])
        ends = list(edges[~dark[k + 1]])
        if dark[0]:
            starts.insert(0, -np.inf)
        if dark[-1]:
            ends.append(np.inf)
        out.append(np.array(list(zip(starts, ends, strict=True)), dtype=float).reshape(-1, 2))
    return out


def _visible(geo: _Geometry, dark: list[np.ndarray], sat: np.ndarray, sta: np.ndarray,
             t0: np.ndarray, t1: np.ndarray, jd0: float, fr0: float) -> np.ndarray:
    """Rule: some instant of [t0, t1] has the station dark and the satellite sunlit."""
    from orbitkit.sun import is_sunlit

    n = t0.size
    visible = np.zeros(n, dtype=bool)
    it, ia, ib = [], [], []
    for j in np.unique(sta):
        d = dark[int(j)]
        if d.size == 0:
            continue
        sel = np.flatnonzero(sta == j)
        k0 = np.searchsorted(d[:, 1], t0[sel], side="right")
        k1 = np.searchsorted(d[:, 0], t1[sel], side="left")
        cnt = np.maximum(k1 - k0, 0)
        rep = np.repeat(sel, cnt)
        kk = np.repeat(k0, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        it.append(rep)
        ia.append(np.maximum(t0[rep], d[kk, 0]))
        ib.append(np.minimum(t1[rep], d[kk, 1]))
    if not it:
        return visible
    idx = np.concatenate(it)
    a = np.concatenate(ia)
    b = np.concatenate(ib)
    m = np.maximum(2, np.ceil((b - a) / _SUNLIT_SAMPLE_S).astype(int) + 1)
    rep = np.repeat(np.arange(idx.size), m)
    offs = np.arange(rep.size) - np.repeat(np.cumsum(m) - m, m)
    t = a[rep] + (b - a)[rep] * offs / (m[rep] - 1)
    r, _ = geo.states(sat[idx[rep]], t)
    lit = is_sunlit(r, jd0, fr0 + t / 86400.0) & np.isfinite(r[:, 0])
    np.logical_or.at(visible, idx[rep], lit)
    return visible


# --------------------------------------------------------------------------- public API


def _as_sites(stations: Any) -> list[Site]:
    if isinstance(stations, str | Site):
        stations = [stations]
    sites = [parse_site(s) for s in stations]
    if not sites:
        raise UserError("no stations: give at least one station")
    return sites


def _as_masks(n: int, min_elevation_deg: Any, horizon: Any) -> list[Mask]:
    if horizon is not None:
        hs = [horizon] if isinstance(horizon, HorizonMask) else list(horizon)
        if len(hs) == 1:
            hs = hs * n
        if len(hs) != n:
            raise UserError(f"horizon masks: give one, or one per station ({n}), not {len(hs)}")
        masks: list[Mask] = []
        for h in hs:
            if h is None:
                masks.append(float(min_elevation_deg))
            elif isinstance(h, HorizonMask):
                masks.append(h)
            else:
                masks.append(HorizonMask.from_pairs(h))
        return masks
    values = np.broadcast_to(np.asarray(min_elevation_deg, dtype=float), (n,))
    for v in values:
        if not -10.0 <= v < 90.0:
            raise UserError(f"minimum elevation {v:g} deg is outside -10..90 (exclusive of 90)")
    return [float(v) for v in values]


def _dt(start: datetime, t: float) -> datetime:
    return start + timedelta(microseconds=round(t * 1e6))


def find_passes(
    element_sets: Sequence[Any],
    stations: Sequence[Site | str] | Site | str,
    start: datetime | str,
    stop: datetime | str,
    *,
    min_elevation_deg: float | Sequence[float] = 0.0,
    horizon: HorizonMask | Sequence[HorizonMask | None] | None = None,
    visibility: bool = True,
    margin_deg: float = _DEFAULT_MARGIN_DEG,
    horizon_step_s: float = 5.0,
) -> PassSearch:
    """All passes of ``element_sets`` over ``stations`` between ``start`` and ``stop``.

    Parameters
    ----------
    element_sets
        :class:`~orbitkit.elements.model.ElementSet` objects (S).
    stations
        Sites, site keys or ``"LAT,LON[,ALT_M]"`` strings (N).
    start, stop
        Aware UTC datetimes or ISO 8601 strings with a zone; ``stop > start``.
    min_elevation_deg
        Scalar mask [deg], for all stations or one per station.
    horizon
        An azimuth-dependent :class:`HorizonMask` for every station, or one per station
        (``None`` entries use ``min_elevation_deg``). Overrides ``min_elevation_deg``.
    visibility
        Compute :attr:`Pass.visible`: True when at some instant of the pass the Sun is
        below -6 deg at the station (civil twilight over) while the satellite is outside
        Earth's cylindrical shadow (low-precision Sun, :mod:`orbitkit.sun`). The dark part
        of each pass is checked at its ends and at least every 20 min inside, which no
        sunlit arc (>= ~50 min for any orbit) can fall between. ``False`` leaves
        ``visible`` as ``None``.
    margin_deg
        Coarse-scan margin below the mask [deg]; larger gives longer steps and more
        candidates (see :func:`coarse_step_s`).
    horizon_step_s
        Resampling step for azimuth-dependent masks [s].

    Returns
    -------
    PassSearch
    """
    t_start = parse_utc(start, what="start")
    t_stop = parse_utc(stop, what="stop")
    duration = (t_stop - t_start).total_seconds()
    if not duration > 0:
        from orbitkit.errors import TimeInputError

        raise TimeInputError(f"the window must end after it starts ({format_utc(t_start)} .. "
                             f"{format_utc(t_stop)})")
    sets = list(element_sets)
    sites = _as_sites(stations)
    masks = _as_masks(len(sites), min_elevation_deg, horizon)
    result = PassSearch(passes=[], intervals=[], start_utc=t_start, stop_utc=t_stop,
                        stations=sites,
                        min_elevation_deg=[None if isinstance(m, HorizonMask) else m
                                           for m in masks])
    if not sets:
        return result
    orbits = _Sgp4Orbits(sets, t_start, duration)
    st = _Stations.from_sites(sites)
    search = _Search(orbits, st, masks, duration, margin_deg=margin_deg,
                     horizon_step_s=horizon_step_s)
    raw = search.run()
    result.steps_s = {int(es.norad_id): float(search.steps[i]) for i, es in enumerate(sets)}
    p = raw["passes"]
    if p is not None and p["rise"].size:
        geo_sat = np.array([is_geosynchronous(r) for r in search.revs_per_day])
        as_interval = geo_sat[p["sat"]] | (p["start_cut"] & p["end_cut"])
        ip = np.flatnonzero(~as_interval)
        iv = np.flatnonzero(as_interval)
        sub = {k: v[ip] for k, v in p.items()}
        t_max, el_max, az_max = search.culminations(sub, raw["culm"])
        vis = None
        if visibility and ip.size:
            dark = _dark_intervals(st, orbits.jd0, orbits.fr0, duration)
            vis = _visible(search.geo, dark, sub["sat"], sub["sta"], sub["rise"], sub["set"],
                           orbits.jd0, orbits.fr0)
        for k in range(ip.size):
            s, j = int(sub["sat"][k]), int(sub["sta"][k])
            result.passes.append(Pass(
                norad_id=int(sets[s].norad_id), name=sets[s].name, station=sites[j].key,
                rise_utc=_dt(t_start, sub["rise"][k]), rise_az_deg=float(sub["rise_az"][k]),
                max_utc=_dt(t_start, t_max[k]), max_elevation_deg=float(el_max[k]),
                max_az_deg=float(az_max[k]),
                set_utc=_dt(t_start, sub["set"][k]), set_az_deg=float(sub["set_az"][k]),
                duration_s=float(sub["set"][k] - sub["rise"][k]),
                visible=None if vis is None else bool(vis[k]),
                starts_before_window=bool(sub["start_cut"][k]),
                ends_after_window=bool(sub["end_cut"][k]),
            ))
        if iv.size:
            result.intervals = _intervals(search, {k: v[iv] for k, v in p.items()}, sets,
                                          sites, t_start)
    result.passes.sort(key=lambda q: (q.rise_utc, q.station, q.norad_id))
    result.intervals.sort(key=lambda q: (q.start_utc, q.station, q.norad_id))
    result.failed_samples = search.geo.failed
    result.incomplete_passes = search.incomplete
    if result.failed_samples:
        bad = sorted({int(sets[s].norad_id) for s in range(len(sets))
                      if not _propagates(orbits, s, duration)})
        which = f" (NORAD {', '.join(map(str, bad[:10]))}{'...' if len(bad) > 10 else ''})" \
            if bad else ""
        result.warnings.append(
            f"{result.failed_samples} propagation samples failed in sgp4{which} and were "
            "skipped" + (f"; {result.incomplete_passes} passes touching them were dropped"
                         if result.incomplete_passes else ""))
    return result


def _propagates(orbits: _Sgp4Orbits, s: int, duration: float) -> bool:
    _, _, ok = orbits.state(s, np.linspace(0.0, duration, 50))
    return bool(ok.all())


def _intervals(search: _Search, p: dict[str, np.ndarray], sets, sites, start: datetime
               ) -> list[VisibilityInterval]:
    dur = p["set"] - p["rise"]
    m = np.clip(np.ceil(dur / 60.0).astype(int) + 1, 2, 5000)
    rep = np.repeat(np.arange(dur.size), m)
    offs = np.arange(rep.size) - np.repeat(np.cumsum(m) - m, m)
    t = p["rise"][rep] + dur[rep] * offs / (m[rep] - 1)
    look = search.geo.look(p["sat"][rep], p["sta"][rep], t)
    el = look["el"]
    lo = np.full(dur.size, np.inf)
    hi = np.full(dur.size, -np.inf)
    fin = np.isfinite(el)
    np.minimum.at(lo, rep[fin], el[fin])
    np.maximum.at(hi, rep[fin], el[fin])
    out = []
    for k in range(dur.size):
        s, j = int(p["sat"][k]), int(p["sta"][k])
        out.append(VisibilityInterval(
            norad_id=int(sets[s].norad_id), name=sets[s].name, station=sites[j].key,
            start_utc=_dt(start, p["rise"][k]), start_az_deg=float(p["rise_az"][k]),
            end_utc=_dt(start, p["set"][k]), end_az_deg=float(p["set_az"][k]),
            min_elevation_deg=float(lo[k]), max_elevation_deg=float(hi[k]),
            duration_s=float(dur[k]), starts_before_window=bool(p["start_cut"][k]),
            ends_after_window=bool(p["end_cut"][k]),
        ))
    return out
