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
3. **Refinement**, vectorised over all brackets at once (:func:`_solve`): a first guess
   from the cubic through the bracket's values and rates, then safeguarded Newton steps
   (the elevation rate and its derivative come analytically from the Earth-fixed
   velocity and acceleration), falling back to Illinois regula falsi and bisection.
   Rises and sets to 0.05 s, culminations (zeros of the elevation rate) to 0.2 s; in
   the benchmark that takes ~1.9 propagations per rise or set and ~1.4 per culmination.
   Each step propagates only the instants it needs, one sgp4 call per satellite and
   one frame rotation for all.
4. **Visibility by eye** (``visible``): see :func:`find_passes`.

Any orbit source: plain element sets go through sgp4 directly (:class:`_Sgp4Orbits`); any
other :class:`~orbitkit.elements.orbit.Orbit` (GNSS, OEM, several sets of one object switching
along the window) through :class:`orbitkit.orbit_model.SourceOrbits`, which also puts a
coarse sample either side of each switch of element set, so that the jump a switch makes
is bracketed like any rise or set (:mod:`orbitkit.elements.switching`).

Azimuth-dependent masks are scanned against their lowest point; the windows around
flagged samples are then resampled every ``horizon_step_s`` (default 5 s) against the
full mask, so mask notches crossed in less than that are not resolved.

Propagation failures (sgp4 error codes: decayed, eccentricity out of range, ...) make
their samples unusable; they are skipped and counted (:attr:`PassSearch.failed_samples`),
and a pass whose rise or set falls among them is dropped and counted
(:attr:`PassSearch.incomplete_passes`).

Kernel rules: no I/O, no plotting; times inside are float seconds from the window start
(float64 keeps 1 µs over 200 years), turned into two-part Julian dates for sgp4.

This module is the search; what it returns (:class:`Pass`, :class:`VisibilityInterval`,
:class:`PassSearch`) lives in :mod:`orbitkit.pass_results` and the masks in
:mod:`orbitkit.horizon`, both re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from orbitkit import frames
from orbitkit.errors import UserError
from orbitkit.horizon import HorizonMask, Mask, parse_horizon  # noqa: F401 - public here too
from orbitkit.orbit_model import EARTH_RATE_RAD_S, MU_KM3_S2, earth_fixed_gravity
from orbitkit.pass_results import (  # noqa: F401 - public here too
    PASS_KEYS,
    Pass,
    PassSearch,
    VisibilityInterval,
    _datetimes,
    _iso_ms,
    _make_passes,
    pass_records,
)
from orbitkit.propagation import REENTRY_ALTITUDE_KM, element_set_list
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
    "pass_records",
    "PASS_KEYS",
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

_WGS84_A_KM = frames.WGS84_A_KM
# Largest angle between the geodetic and the geocentric vertical on WGS84 [deg]
# (0.1924 deg at 45 deg latitude), rounded up.
_VERTICAL_TILT_DEG = 0.2
_DEFAULT_MARGIN_DEG = 8.0
_MAX_STEP_S = 600.0
_MIN_STEP_S = 5.0
_STEP_SAFETY = 0.8
# A sunlit arc of any orbit above 160 km lasts at least ~50 min (a 88 min orbit spends
# at most ~36 min in the shadow), so samples 20 min apart inside a dark stretch of a pass
# cannot step over one.
_SUNLIT_SAMPLE_S = 1200.0
_GEO_REVS_PER_DAY = (0.9, 1.1)


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

    For a 400 km orbit and a 10 deg mask, the default 8 deg margin gives ~300 s.
    (skyfield's ``find_events`` samples ~280 s there too, a twentieth of an orbit, with no
    bound tying its grid to the mask, and brackets rises and sets only around the
    culminations it finds, its issues #996 and #856; here every sample within the margin
    is searched, and the bound says the margin is enough.)
    """
    r = max(float(perigee_radius_km), float(station_radius_km) + 100.0)
    ratio = float(station_radius_km) / r
    e_mask = math.radians(float(min_elevation_deg) - _VERTICAL_TILT_DEG)
    d = math.radians(max(float(margin_deg) - 2.0 * _VERTICAL_TILT_DEG, 0.05))
    l_in = _visibility_half_angle(e_mask, ratio)
    l_out = _visibility_half_angle(e_mask - d, ratio)
    cos_psi = math.cos(l_out) / max(math.cos(l_in), 1e-12)
    psi = math.acos(min(1.0, max(-1.0, cos_psi)))
    w = float(perigee_rate_rad_s) + EARTH_RATE_RAD_S
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

    def acceleration(self, s: int, t_s: np.ndarray, r: np.ndarray, v: np.ndarray
                     ) -> np.ndarray:
        """Earth-fixed acceleration [km/s²] (n, 3), for the rate of the elevation rate."""


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

    def _earth_fixed(self, t_s: np.ndarray, r: np.ndarray, v: np.ndarray, ok: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        jd = np.full(t_s.shape, self.jd0)
        fr_ut1 = self.fr0 + (t_s + np.interp(t_s, self._dut_t, self._dut)) / 86400.0
        # sgp4 flags a decay only once the mean radius is inside the Earth; below 100 km
        # the object has re-entered and its positions are not an orbit (see
        # Ephemeris.below_altitude): those samples fail like sgp4's own errors
        with np.errstate(invalid="ignore"):
            ok = ok & ~(frames.radial_height_km(r) < REENTRY_ALTITUDE_KM)
        r_itrs, v_itrs = frames.teme_to_itrs(r, v, jd, fr_ut1)
        if not ok.all():
            r_itrs[~ok] = np.nan
            v_itrs[~ok] = np.nan
        return r_itrs, v_itrs, ok

    def state(self, s: int, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t_s = np.asarray(t_s, dtype=float)
        err, r, v = self.sets[s].satrec.sgp4_array(np.full(t_s.shape, self.jd0),
                                                   self.fr0 + t_s / 86400.0)
        return self._earth_fixed(t_s, r, v, err == 0)

    def states(self, sat: np.ndarray, t_s: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Like :meth:`state` for items of many satellites: one sgp4 call per satellite,
        one frame rotation for all (the rotation's fixed cost would otherwise repeat per
        satellite and per refinement step)."""
        n = t_s.size
        r = np.empty((n, 3))
        v = np.empty((n, 3))
        ok = np.empty(n, dtype=bool)
        jd = np.full(n, self.jd0)
        fr = self.fr0 + t_s / 86400.0
        order = np.argsort(sat, kind="stable")
        ss = sat[order]
        cuts = np.flatnonzero(np.diff(ss)) + 1
        for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), n], strict=True):
            idx = order[a:b]
            err, r[idx], v[idx] = self.sets[int(ss[a])].satrec.sgp4_array(jd[idx], fr[idx])
            ok[idx] = err == 0
        return self._earth_fixed(t_s, r, v, ok)

    def acceleration(self, s: int, t_s: np.ndarray, r: np.ndarray, v: np.ndarray
                     ) -> np.ndarray:
        return earth_fixed_gravity(r, v)

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
            rate[i] = math.sqrt(MU_KM3_S2 * (1.0 + ecc) / rp[i] ** 3)
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
        self.evaluations = 0

    def states(self, sat: np.ndarray, t: np.ndarray, *, acceleration: bool = False
               ) -> tuple[np.ndarray, ...]:
        """ITRS positions and velocities (and accelerations) for items; NaN where sgp4
        failed."""
        n = t.size
        r = np.empty((n, 3))
        v = np.empty((n, 3))
        acc = np.empty((n, 3)) if acceleration else None
        if n == 0:
            return (r, v, acc) if acceleration else (r, v)
        self.evaluations += n
        if hasattr(self.orbits, "states"):
            r, v, ok = self.orbits.states(sat, t)
            self.failed += int(n - np.count_nonzero(ok))
            if not acceleration:
                return r, v
            return r, v, self.orbits.acceleration(-1, t, r, v)
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
            if acc is not None:
                acc[idx] = self.orbits.acceleration(int(ss[a]), t[idx], ri, vi)
            self.failed += int(ok.size - np.count_nonzero(ok))
        return (r, v, acc) if acceleration else (r, v)

    def mask_deg(self, sta: np.ndarray, az_deg: np.ndarray) -> np.ndarray:
        out = self.scalar[sta]
        for j in self.horizon_idx:
            sel = sta == j
            if sel.any():
                out[sel] = self.masks[j].elevation_deg(az_deg[sel])
        return out

    def look(self, sat: np.ndarray, sta: np.ndarray, t: np.ndarray,
             state: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
             ) -> dict[str, np.ndarray]:
        """Look angles and rates (see :func:`_look_angles`) plus ``margin = el - mask``.

        ``state`` (r, v, acc) skips the propagation; the result also carries the state
        (``r``, ``v``, ``acc``).
        """
        r, v, acc = self.states(sat, t, acceleration=True) if state is None else state
        out = _look_angles(r, v, acc, self.st.pos[sta], self.st.east[sta], self.st.north[sta],
                           self.st.up[sta])
        out["margin"] = out["el"] - self.mask_deg(sta, out["az"])
        out.update(r=r, v=v, acc=acc)
        return out

    def look_cross(self, sat: np.ndarray, sta: np.ndarray, t: np.ndarray, state=None
                   ) -> dict[str, np.ndarray]:
        """For rises and sets: ``f = el - mask`` [deg], ``df`` its rate [deg/s]."""
        out = self.look(sat, sta, t, state)
        out["f"] = out["margin"]
        # An azimuth-dependent mask moves under the satellite: no simple slope, so no
        # Newton steps there (the solver falls back to regula falsi).
        df = out["eldot"].copy()
        if self.horizon_idx:
            df[np.isin(sta, self.horizon_idx)] = np.nan
        out["df"] = df
        return out

    def look_rate(self, sat: np.ndarray, sta: np.ndarray, t: np.ndarray, state=None
                  ) -> dict[str, np.ndarray]:
        """For culminations: ``f`` = the elevation-rate numerator, ``df`` its rate."""
        out = self.look(sat, sta, t, state)
        out["f"] = out["rate"]
        out["df"] = out["drate"]
        return out


def _look_angles(r, v, acc, pos, east, north, up) -> dict[str, np.ndarray]:
    """Per-item look angles and their rates; every argument has shape (n, 3).

    Returns ``el`` and ``az`` [deg], their rates ``eldot`` and ``azdot`` [deg/s], ``rate``
    and ``drate``.
    ``rate`` is ``N = u·v - (u·ρ)(ρ·v)/ρ²`` [km/s], which equals ``ρ cos(el) d(el)/dt``:
    it has the sign of the elevation rate and stays smooth through the zenith, so
    culminations are its zeros. ``drate`` is dN/dt [km/s²] from the acceleration ``acc``.
    """
    rho = r - pos
    rho2 = np.einsum("ij,ij->i", rho, rho)
    rng = np.sqrt(rho2)
    u = np.einsum("ij,ij->i", rho, up)
    sin_el = u / rng
    cos_el = np.sqrt(np.maximum(1.0 - sin_el * sin_el, 0.0))
    el = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    az = np.degrees(np.arctan2(np.einsum("ij,ij->i", rho, east),
                               np.einsum("ij,ij->i", rho, north))) % 360.0
    uv = np.einsum("ij,ij->i", v, up)
    rv = np.einsum("ij,ij->i", rho, v)
    rate = uv - u * rv / rho2
    ua = np.einsum("ij,ij->i", acc, up)
    ra = np.einsum("ij,ij->i", rho, acc)
    vv = np.einsum("ij,ij->i", v, v)
    drate = ua - (uv * rv + u * (vv + ra)) / rho2 + 2.0 * u * rv * rv / (rho2 * rho2)
    e = np.einsum("ij,ij->i", rho, east)
    nn = np.einsum("ij,ij->i", rho, north)
    with np.errstate(divide="ignore", invalid="ignore"):
        eldot = np.degrees(rate / (rng * cos_el))
        azdot = np.degrees((nn * np.einsum("ij,ij->i", v, east)
                            - e * np.einsum("ij,ij->i", v, north)) / (e * e + nn * nn))
    return {"el": el, "az": az, "rate": rate, "drate": drate, "eldot": eldot, "azdot": azdot}


# --------------------------------------------------------------------------- root finding

_KEYS = ("el", "az", "rate", "drate", "f", "df", "margin", "eldot", "azdot")


def _hermite_root(a, b, fa, fb, da, db) -> np.ndarray:
    """Root in [a, b] of the cubic with values fa, fb and slopes da, db at the ends.

    A first guess for the refinement (no propagation): 24 bisections of the cubic, which
    place it within 1e-7 of the bracket (0.03 ms of a 300 s step). NaN where the slopes
    are unknown.
    """
    h = b - a
    ma, mb = da * h, db * h
    lo = np.zeros(a.shape)
    hi = np.ones(a.shape)
    sign_lo = fa >= 0

    def cubic(s):
        s2 = s * s
        s3 = s2 * s
        return ((2 * s3 - 3 * s2 + 1) * fa + (s3 - 2 * s2 + s) * ma
                + (-2 * s3 + 3 * s2) * fb + (s3 - s2) * mb)

    for _ in range(24):
        m = 0.5 * (lo + hi)
        same = (cubic(m) >= 0) == sign_lo
        lo = np.where(same, m, lo)
        hi = np.where(same, hi, m)
    out = a + 0.5 * (lo + hi) * h
    out[~(np.isfinite(ma) & np.isfinite(mb))] = np.nan
    return out


def _solve(
    evaluate: Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, np.ndarray]],
    sat: np.ndarray,
    sta: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    fa: np.ndarray,
    fb: np.ndarray,
    tol_s: float,
    prefer: str,
    guess: np.ndarray | None = None,
    da: np.ndarray | None = None,
    db: np.ndarray | None = None,
    max_iter: int = 100,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Sign changes of ``evaluate(...)["f"]`` on brackets ``[a, b]``, all at once.

    Safeguarded Newton (as ``rtsafe``, Numerical Recipes 9.4): every evaluation also
    gives the derivative ``df``, so the next trial is the Newton point when it lies
    inside the bracket, else the Illinois regula-falsi point (Dowell & Jarratt 1971:
    the end kept twice has its value halved, which stops one-sided stalling), and a
    bisection after three one-sided steps. Trials stay at least ``min(tol/2, width/4)``
    inside the bracket, so a root within ``tol/2`` of a trial is straddled next time.

    An item is done when its bracket is at most ``tol_s`` wide (the evaluated end with
    the smaller ``|f|``, or for ``prefer="el"`` the higher elevation, is reported), or
    after a Newton step ``s`` that cannot leave an error above ``tol_s / 10``: one
    Newton step leaves ``|f''| s² / (2 |f'|)``, with ``f''`` taken from the derivatives
    at the last two points (the bracket end nearest the first guess, from ``da``/``db``),
    and ``|s|`` is also kept under ``20 tol_s``. The stepped point is reported with the
    look angles of the state carried along the step (no new propagation).

    ``f >= 0`` counts as one side; NaN (failed propagation) as the other.
    """
    n = a.size
    a = a.astype(float).copy()
    b = b.astype(float).copy()
    fa = fa.astype(float).copy()
    fb = fb.astype(float).copy()
    sign_a = fa >= 0.0
    last = np.zeros(n, dtype=np.int8)
    stall = np.zeros(n, dtype=np.int8)
    aux_a = {k: np.full(n, np.nan) for k in _KEYS}
    aux_b = {k: np.full(n, np.nan) for k in _KEYS}
    have_a = np.zeros(n, dtype=bool)
    have_b = np.zeros(n, dtype=bool)
    done_t = np.full(n, np.nan)
    done_aux = {k: np.full(n, np.nan) for k in _KEYS}
    x_next = np.full(n, np.nan) if guess is None else np.asarray(guess, dtype=float).copy()
    # the last point with a known derivative, for the curvature estimate
    da = np.full(n, np.nan) if da is None else np.asarray(da, dtype=float)
    db = np.full(n, np.nan) if db is None else np.asarray(db, dtype=float)
    near_a = np.abs(np.nan_to_num(x_next, nan=np.inf) - a) <= np.abs(
        np.nan_to_num(x_next, nan=np.inf) - b)
    x_ref = np.where(near_a, a, b)
    d_ref = np.where(near_a, da, db)
    active = np.arange(n)
    for _ in range(max_iter):
        if active.size == 0:
            break
        A, B, FA, FB = a[active], b[active], fa[active], fb[active]
        x = x_next[active]
        need = ~np.isfinite(x) | (x <= A) | (x >= B) | (stall[active] >= 3)
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = B - FB * (B - A) / (FB - FA)
        bis = ~np.isfinite(secant) | (stall[active] >= 3)
        secant[bis] = 0.5 * (A + B)[bis]
        x = np.where(need, secant, x)
        stall[active[need & bis]] = 0
        inset = np.minimum(0.25 * (B - A), 0.5 * tol_s)
        x = np.clip(x, A + inset, B - inset)
        res = evaluate(sat[active], sta[active], x)
        fx = res["f"]
        same_as_a = (fx >= 0.0) == sign_a[active]
        ia = active[same_as_a]
        ib = active[~same_as_a]
        # Illinois: the end that stays for a second time gets its value halved.
        fb[ia[last[ia] == -1]] *= 0.5
        fa[ib[last[ib] == 1]] *= 0.5
        stall[ia] = np.where(last[ia] == -1, stall[ia] + 1, 0)
        stall[ib] = np.where(last[ib] == 1, stall[ib] + 1, 0)
        last[ia] = -1
        last[ib] = 1
        a[ia] = x[same_as_a]
        fa[ia] = fx[same_as_a]
        b[ib] = x[~same_as_a]
        fb[ib] = fx[~same_as_a]
        have_a[ia] = True
        have_b[ib] = True
        for k in _KEYS:
            aux_a[k][ia] = res[k][same_as_a]
            aux_b[k][ib] = res[k][~same_as_a]
        dfx = res["df"]
        with np.errstate(divide="ignore", invalid="ignore"):
            step = -fx / dfx
            curv = (dfx - d_ref[active]) / (x - x_ref[active])
            err = np.abs(curv) * step * step / (2.0 * np.abs(dfx))
        x_ref[active] = x
        d_ref[active] = dfx
        newton = x + step
        inside = np.isfinite(newton) & (newton >= a[active]) & (newton <= b[active])
        converged = inside & ((np.abs(step) < tol_s)
                              | ((err < 0.1 * tol_s) & (np.abs(step) < 20.0 * tol_s)))
        ic = active[converged]
        if ic.size:
            done_t[ic] = newton[converged]
            # look angles at the stepped point from the state carried along the step
            # (r + v s + a s²/2: ~0.1 m over the longest accepted step), not from the
            # angles' own rates, which fail near the zenith
            sc = step[converged][:, None]
            r_c, v_c, a_c = res["r"][converged], res["v"][converged], res["acc"][converged]
            moved = evaluate(sat[ic], sta[ic], newton[converged],
                             (r_c + v_c * sc + 0.5 * a_c * sc * sc, v_c + a_c * sc, a_c))
            for k in _KEYS:
                done_aux[k][ic] = moved[k]
        x_next[active] = np.where(inside, newton, np.nan)
        # a Newton step that lands where a bracket end already is gains nothing
        keep = ~converged & ((b[active] - a[active]) > tol_s)
        active = active[keep]
    if prefer == "el":
        use_a = have_a & (~have_b | (aux_a["el"] >= aux_b["el"]))
    else:
        use_a = have_a & (~have_b | (np.abs(aux_a["f"]) <= np.abs(aux_b["f"])))
    t = np.where(use_a, a, b)
    aux = {k: np.where(use_a, aux_a[k], aux_b[k]) for k in _KEYS}
    fin = np.isfinite(done_t)
    t[fin] = done_t[fin]
    for k in _KEYS:
        aux[k][fin] = done_aux[k][fin]
    return t, aux


# --------------------------------------------------------------------------- the search


_SAMPLE_KEYS = ("sat", "sta", "seg", "t", "margin", "el", "az", "rate", "drate", "eldot",
                "hidden")
_EVENT_KEYS = ("sat", "sta", "t", "kind", "cut", "el", "az", "rate", "drate")


def _concat(parts: list[dict[str, np.ndarray]], keys: Sequence[str]) -> dict[str, np.ndarray]:
    if not parts:
        return {k: np.empty(0, dtype=bool if k in ("hidden", "cut") else float) for k in keys}
    return {k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in keys}


def _event(sat, sta, t, kind, cut, look: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    n = np.size(look["el"])
    return {
        "sat": np.broadcast_to(sat, n).astype(int), "sta": np.broadcast_to(sta, n).astype(int),
        "t": np.broadcast_to(t, n).astype(float), "kind": np.full(n, kind, dtype=np.int8),
        "cut": np.full(n, cut, dtype=bool), "el": look["el"], "az": look["az"],
        "rate": look["rate"], "drate": look["drate"],
    }


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
    """One search: coarse scan, detection, refinement, assembly (see the module notes)."""

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
        self.incomplete = 0
        self._brackets: list[dict[str, np.ndarray]] = []
        self._events: list[dict[str, np.ndarray]] = []
        self._hints: list[dict[str, np.ndarray]] = []

    # -- phase 1: coarse scan; keep flagged samples and their neighbours ---------------

    def coarse(self) -> tuple[dict[str, np.ndarray], list[tuple[int, int, float, float]]]:
        parts: list[dict[str, np.ndarray]] = []
        windows: list[tuple[int, int, float, float]] = []
        st = self.st
        scan_mask = self.geo.scalar  # horizon masks: their lowest point
        self._pu = np.einsum("nc,nc->n", st.pos, st.up)
        self._pp = np.einsum("nc,nc->n", st.pos, st.pos)[None, :]
        self._sin_thr = np.sin(np.radians(np.maximum(scan_mask - self.margin, -90.0)))
        seg_base = 0
        for s in range(self.orbits.n_sats):
            n_steps = max(1, int(math.ceil(self.T / self.steps[s])))
            tg = np.linspace(0.0, self.T, n_steps + 1)
            if hasattr(self.orbits, "coarse_grid"):  # samples either side of set switches
                tg = self.orbits.coarse_grid(s, tg)
            r, v, ok = self.orbits.state(s, tg)
            self.geo.evaluations += tg.size
            self.geo.failed += int(tg.size - np.count_nonzero(ok))
            # sin(el) = u·(r - p)/|r - p| for all (time, station) pairs as two small
            # matrix products: no (K, N, 3) temporaries, and no arcsin (the sines are
            # compared with the sine of the threshold)
            up_dist = r @ st.up.T - self._pu[None, :]
            rng2 = np.einsum("kc,kc->k", r, r)[:, None] - 2.0 * (r @ st.pos.T) + self._pp
            with np.errstate(invalid="ignore"):
                flag = up_dist > self._sin_thr[None, :] * np.sqrt(rng2)
            if not flag.any():
                continue
            dil = flag.copy()
            dil[1:] |= flag[:-1]
            dil[:-1] |= flag[1:]
            jj, kk = np.nonzero(dil.T)  # station-major, time ascending within a station
            new_seg = np.ones(kk.size, dtype=bool)
            new_seg[1:] = (jj[1:] != jj[:-1]) | (kk[1:] != kk[:-1] + 1)
            seg = seg_base + np.cumsum(new_seg) - 1
            seg_base = int(seg[-1]) + 1
            hz = self.is_horizon[jj]
            if hz.any():
                # azimuth-dependent masks: the segment spans are the windows to resample
                hs, hj, hk = seg[hz], jj[hz], kk[hz]
                head = np.ones(hs.size, dtype=bool)
                head[1:] = hs[1:] != hs[:-1]
                tail = np.ones(hs.size, dtype=bool)
                tail[:-1] = head[1:]
                windows.extend(zip([s] * int(head.sum()), hj[head].tolist(),
                                   tg[hk[head]].tolist(), tg[hk[tail]].tolist(), strict=True))
                keep = ~hz
                jj, kk, seg = jj[keep], kk[keep], seg[keep]
            if kk.size == 0:
                continue
            acc = self.orbits.acceleration(s, tg[kk], r[kk], v[kk])
            look = _look_angles(r[kk], v[kk], acc, st.pos[jj], st.east[jj], st.north[jj],
                                st.up[jj])
            look.update(sat=np.full(kk.size, s), sta=jj, seg=seg, t=tg[kk],
                        margin=look["el"] - scan_mask[jj], hidden=np.ones(kk.size, dtype=bool))
            parts.append(look)
        self._seg_base = seg_base
        return _concat(parts, _SAMPLE_KEYS), windows

    def resample(self, windows: list[tuple[int, int, float, float]]) -> dict[str, np.ndarray]:
        """Azimuth-dependent masks: the windows sampled every ``horizon_step_s``."""
        w = np.array(windows, dtype=float).reshape(-1, 4)
        sat = w[:, 0].astype(int)
        sta = w[:, 1].astype(int)
        w0, w1 = w[:, 2], w[:, 3]
        counts = np.maximum(1, np.ceil((w1 - w0) / self.horizon_step_s).astype(int)) + 1
        rep = np.repeat(np.arange(len(w)), counts)
        offs = np.arange(rep.size) - np.repeat(np.cumsum(counts) - counts, counts)
        t = w0[rep] + (w1 - w0)[rep] * offs / (counts[rep] - 1)
        look = self.geo.look(sat[rep], sta[rep], t)
        look.update(sat=sat[rep], sta=sta[rep], seg=self._seg_base + rep, t=t,
                    hidden=np.zeros(rep.size, dtype=bool))
        return look

    # -- phase 2: detection ----------------------------------------------------------

    def detect(self, sm: dict[str, np.ndarray]) -> None:
        """Brackets of crossings and extrema from a sample table, and culmination hints."""
        n = sm["t"].size
        if n == 0:
            return
        t, f, el, rate, drate = sm["t"], sm["margin"], sm["el"], sm["rate"], sm["drate"]
        same = sm["seg"][1:] == sm["seg"][:-1]  # sample i and i+1 belong together
        fin = np.isfinite(f)
        with np.errstate(invalid="ignore"):
            above = f >= 0.0
        first = np.ones(n, dtype=bool)
        first[1:] = ~same
        last = np.ones(n, dtype=bool)
        last[:-1] = ~same
        # a pass in progress at the window's start or end: the edge is its cut end
        eps = 1e-6
        for sel, t_edge, kind in ((first & above & (t <= eps), 0.0, 1),
                                  (last & above & (t >= self.T - eps), self.T, -1)):
            if sel.any():
                self._events.append(_event(sm["sat"][sel], sm["sta"][sel], t_edge, kind, True,
                                           {k: sm[k][sel] for k in ("el", "az", "rate",
                                                                     "drate")}))
        # sign changes between consecutive samples
        k = np.flatnonzero(same & fin[:-1] & fin[1:] & (above[:-1] != above[1:]))
        self._add_brackets(sm["sat"][k], sm["sta"][k], t[k], t[k + 1], f[k], f[k + 1],
                           sm["eldot"][k], sm["eldot"][k + 1])
        prev_i = np.arange(n) - 1
        prev_i[first] = np.flatnonzero(first)
        next_i = np.arange(n) + 1
        next_i[last] = np.flatnonzero(last)
        with np.errstate(invalid="ignore"):
            lmax = ((el >= _shift(el, same, -np.inf, False))
                    & (el > _shift(el, same, -np.inf, True)) & (f > -self.margin))
            lmin = ((el <= _shift(el, same, np.inf, False))
                    & (el < _shift(el, same, np.inf, True)) & above & (f < self.margin)
                    & above[prev_i] & above[next_i] & sm["hidden"])
        # culmination hints: sampled maxima inside a pass, with their neighbours
        i = np.flatnonzero(lmax & above)
        ia, ib = prev_i[i], next_i[i]
        self._hints.append({"sat": sm["sat"][i], "sta": sm["sta"][i], "t": t[i], "el": el[i],
                            "az": sm["az"][i], "ta": t[ia], "ra": rate[ia], "da": drate[ia],
                            "tb": t[ib], "rb": rate[ib], "db": drate[ib]})
        # extrema between samples (scalar masks): a sampled maximum below the mask may
        # hide a short pass, a sampled minimum just above it a short gap between two
        for idx, want_max in ((np.flatnonzero(lmax & ~above & sm["hidden"] & fin), True),
                              (np.flatnonzero(lmin), False)):
            ia, ib = prev_i[idx], next_i[idx]
            ra, rb = rate[ia], rate[ib]
            ok = ((ra > 0) & (rb < 0) if want_max else (ra < 0) & (rb > 0)) & (ia != ib)
            idx, ia, ib = idx[ok], ia[ok], ib[ok]
            if idx.size == 0:
                continue
            guess = _hermite_root(t[ia], t[ib], rate[ia], rate[ib], drate[ia], drate[ib])
            te, aux = _solve(self.geo.look_rate, sm["sat"][idx], sm["sta"][idx], t[ia], t[ib],
                             rate[ia], rate[ib], CULMINATION_TOLERANCE_S,
                             prefer="el" if want_max else "absf", guess=guess, da=drate[ia],
                             db=drate[ib])
            fe = aux["margin"]
            crosses = fe >= 0 if want_max else fe < 0
            if not crosses.any():
                continue
            idx, ia, ib, te = idx[crosses], ia[crosses], ib[crosses], te[crosses]
            fe = fe[crosses]
            de = aux["eldot"][crosses]
            sat, sta = sm["sat"][idx], sm["sta"][idx]
            self._add_brackets(sat, sta, t[ia], te, f[ia], fe, sm["eldot"][ia], de)
            self._add_brackets(sat, sta, te, t[ib], fe, f[ib], de, sm["eldot"][ib])
            if want_max:
                zero = np.zeros(te.size)
                self._hints.append({"sat": sat, "sta": sta, "t": te, "el": aux["el"][crosses],
                                    "az": aux["az"][crosses], "ta": te, "ra": zero, "da": zero,
                                    "tb": te, "rb": zero, "db": zero})

    def _add_brackets(self, sat, sta, a, b, fa, fb, da, db) -> None:
        if np.size(a):
            self._brackets.append({"sat": sat, "sta": sta, "a": a, "b": b, "fa": fa, "fb": fb,
                                   "da": da, "db": db})

    def refine_crossings(self) -> None:
        if not self._brackets:
            return
        br = _concat(self._brackets, ("sat", "sta", "a", "b", "fa", "fb", "da", "db"))
        self._brackets = []
        sat, sta = br["sat"].astype(int), br["sta"].astype(int)
        guess = _hermite_root(br["a"], br["b"], br["fa"], br["fb"], br["da"], br["db"])
        t, aux = _solve(self.geo.look_cross, sat, sta, br["a"], br["b"], br["fa"], br["fb"],
                        RISE_SET_TOLERANCE_S, prefer="absf", guess=guess, da=br["da"],
                        db=br["db"])
        up = br["fa"] < 0  # below -> above is a rise
        for kind, sel in ((1, up), (-1, ~up)):
            self._events.append(_event(sat[sel], sta[sel], t[sel], kind, False,
                                       {k: aux[k][sel] for k in ("el", "az", "rate", "drate")}))

    # -- phase 3: passes from events ------------------------------------------------------

    def run(self) -> dict[str, np.ndarray] | None:
        samples, windows = self.coarse()
        self.detect(samples)
        if windows:
            self.detect(self.resample(windows))
        self.refine_crossings()
        e = _concat(self._events, _EVENT_KEYS)
        if e["t"].size == 0:
            return None
        n_sta = len(self.st)
        pair = e["sat"].astype(int) * n_sta + e["sta"].astype(int)
        order = np.lexsort((-e["kind"], e["t"], pair))  # at a tie, the rise first
        e = {k: v[order] for k, v in e.items()}
        pair = pair[order]
        kind = e["kind"]
        good = (kind[:-1] == 1) & (kind[1:] == -1) & (pair[:-1] == pair[1:])
        i0 = np.flatnonzero(good)
        i1 = i0 + 1
        used = np.zeros(kind.size, dtype=bool)
        used[i0] = True
        used[i1] = True
        # an event without a partner lost it among failed samples
        self.incomplete = int(np.count_nonzero(~used))
        return {
            "sat": e["sat"][i0].astype(int), "sta": e["sta"][i0].astype(int),
            "rise": e["t"][i0], "set": e["t"][i1],
            "rise_az": e["az"][i0], "set_az": e["az"][i1],
            "rise_el": e["el"][i0], "set_el": e["el"][i1],
            "rise_rate": e["rate"][i0], "set_rate": e["rate"][i1],
            "rise_drate": e["drate"][i0], "set_drate": e["drate"][i1],
            "start_cut": e["cut"][i0], "end_cut": e["cut"][i1],
        }

    # -- phase 4: culminations -----------------------------------------------------------

    def culminations(self, p: dict[str, np.ndarray]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Time, elevation and azimuth of the highest point of each pass.

        Candidates: each sampled maximum inside the pass, refined as the zero of the
        elevation rate between its neighbouring samples (clipped to the pass); the whole
        pass when no sample fell inside it; and the pass's two ends (a pass cut by the
        window, or by an azimuth-dependent mask, can be highest at an end).
        """
        n_pass = p["rise"].size
        n_sta = len(self.st)
        end_hi = p["rise_el"] >= p["set_el"]
        best_t = np.where(end_hi, p["rise"], p["set"])
        best_el = np.where(end_hi, p["rise_el"], p["set_el"])
        best_az = np.where(end_hi, p["rise_az"], p["set_az"])
        if n_pass == 0:
            return best_t, best_el, best_az
        span = self.T + 10.0
        pkey = (p["sat"] * n_sta + p["sta"]).astype(float) * span + p["rise"]
        order = np.argsort(pkey)
        c = _concat(self._hints, ("sat", "sta", "t", "el", "az", "ta", "ra", "da", "tb", "rb",
                                  "db"))
        # the pass holding each hint: the last of its pair that rose at or before it
        ckey = (c["sat"] * n_sta + c["sta"]).astype(float) * span + c["t"]
        pos = np.searchsorted(pkey[order], ckey, side="right") - 1
        pi = order[np.clip(pos, 0, None)]
        valid = ((pos >= 0) & (p["sat"][pi] == c["sat"]) & (p["sta"][pi] == c["sta"])
                 & (c["t"] >= p["rise"][pi]) & (c["t"] <= p["set"][pi]))
        pi = pi[valid]
        c = {k: v[valid] for k, v in c.items()}
        # bracket: the neighbouring samples, clipped to the pass
        ta, ra, da = c["ta"].copy(), c["ra"].copy(), c["da"].copy()
        tb, rb, db = c["tb"].copy(), c["rb"].copy(), c["db"].copy()
        lo = ta < p["rise"][pi]
        ta[lo], ra[lo], da[lo] = p["rise"][pi][lo], p["rise_rate"][pi][lo], \
            p["rise_drate"][pi][lo]
        hi = tb > p["set"][pi]
        tb[hi], rb[hi], db[hi] = p["set"][pi][hi], p["set_rate"][pi][hi], \
            p["set_drate"][pi][hi]
        solve = (ra > 0) & (rb < 0) & (tb - ta > CULMINATION_TOLERANCE_S)
        covered = np.zeros(n_pass, dtype=bool)
        covered[pi] = True
        bare = np.flatnonzero(~covered & (p["rise_rate"] > 0) & (p["set_rate"] < 0))
        s_a = np.concatenate((ta[solve], p["rise"][bare]))
        s_b = np.concatenate((tb[solve], p["set"][bare]))
        s_ra = np.concatenate((ra[solve], p["rise_rate"][bare]))
        s_rb = np.concatenate((rb[solve], p["set_rate"][bare]))
        s_p = np.concatenate((pi[solve], bare)).astype(int)
        cand = [(c["t"], c["el"], c["az"], pi)]
        if s_a.size:
            s_da = np.concatenate((da[solve], p["rise_drate"][bare]))
            s_db = np.concatenate((db[solve], p["set_drate"][bare]))
            guess = _hermite_root(s_a, s_b, s_ra, s_rb, s_da, s_db)
            t, aux = _solve(self.geo.look_rate, p["sat"][s_p], p["sta"][s_p], s_a, s_b, s_ra,
                            s_rb, CULMINATION_TOLERANCE_S, prefer="el", guess=guess, da=s_da,
                            db=s_db)
            cand.append((t, aux["el"], aux["az"], s_p))
        ct, cel, caz, cp = (np.concatenate(x) for x in zip(*cand, strict=True))
        cp = cp.astype(int)
        fin = np.isfinite(cel)
        ct, cel, caz, cp = ct[fin], cel[fin], caz[fin], cp[fin]
        o = np.lexsort((cel, cp))  # per pass, the highest candidate last
        ct, cel, caz, cp = ct[o], cel[o], caz[o], cp[o]
        last_of = np.ones(cp.size, dtype=bool)
        last_of[:-1] = cp[1:] != cp[:-1]
        w = last_of & (cel > best_el[cp])
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
    try:
        values = np.broadcast_to(np.asarray(min_elevation_deg, dtype=float), (n,))
    except (TypeError, ValueError):
        raise UserError(f"min_elevation_deg: give one number of degrees, or one per station "
                        f"({n}), not {min_elevation_deg!r}") from None
    for v in values:
        if not -10.0 <= v < 90.0:
            raise UserError(f"minimum elevation {v:g} deg is outside -10..90 (exclusive of 90)")
    return [float(v) for v in values]


def _is_element_set(es: Any) -> bool:
    from orbitkit.elements.model import ElementSet

    return isinstance(es, ElementSet)


def orbit_model(sets: Sequence[Any], t_start: datetime, duration_s: float) -> _OrbitModel:
    """The pass search's orbit model of ``sets`` over ``duration_s`` from ``t_start``: the
    batched SGP4 model for plain element sets, else the generic one over any
    :class:`~orbitkit.elements.orbit.Orbit` (switching sets, GNSS orbits, OEM, ...)."""
    if all(_is_element_set(es) for es in sets):
        return _Sgp4Orbits(list(sets), t_start, duration_s)
    from orbitkit.orbit_model import SourceOrbits

    return SourceOrbits(list(sets), t_start, duration_s)


def norad_ids(sets: Sequence[Any]) -> list[int]:
    """NORAD numbers of ``sets``, -1 for an orbit that has none (a GNSS PRN alone)."""
    return [-1 if es.norad_id is None else int(es.norad_id) for es in sets]


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
    executor: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> PassSearch:
    """All passes of ``element_sets`` over ``stations`` between ``start`` and ``stop``.

    Parameters
    ----------
    element_sets
        :class:`~orbitkit.elements.model.ElementSet` objects (S), or one of them, or any
        :class:`~orbitkit.elements.orbit.Orbit` (sets switching along the window, GNSS
        orbits, ...; searched through :class:`orbitkit.orbit_model.SourceOrbits`). With
        switching sets each pass says the epoch of the set in use at its culmination
        (:attr:`Pass.elements_epoch_utc`) and :attr:`PassSearch.switches` lists the
        switches.
    stations
        Sites, site keys or ``"LAT,LON[,ALT_M]"`` strings (N).
    start, stop
        Aware UTC datetimes, ISO 8601 strings with a zone or ``datetime64`` (UTC);
        ``stop > start``.
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
    executor
        Where blocks of satellites are searched when there are more than one
        (:mod:`orbitkit.pass_tasks`): ``None`` (this machine's cores), a
        ``dask.distributed.Client``, ``"tcp://HOST:PORT"`` or an :mod:`orbitkit.executor`
        executor; the passes are the same.
    progress
        Called with (done, total) blocks.

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
    sets = element_set_list(element_sets)
    sites = _as_sites(stations)
    masks = _as_masks(len(sites), min_elevation_deg, horizon)
    result = PassSearch(start_utc=t_start, stop_utc=t_stop, stations=sites,
                        min_elevation_deg=[None if isinstance(m, HorizonMask) else m
                                           for m in masks])
    if not sets:
        return result
    if not all(_is_element_set(es) for es in sets):
        # any other source, or several sets of one object switching along the window
        starts = [getattr(es, "valid_from", None) for es in sets]
        if all(t is not None and t > t_start for t in starts) and min(starts) < t_stop:
            # every object's orbit starts later (its launch): so does the search
            t_start = result.start_utc = min(starts)
            duration = (t_stop - t_start).total_seconds()
            result.warnings.append(f"the search starts at {format_utc(t_start)}, when the "
                                   "first of the objects' orbits starts (its launch)")
        for es in sets:
            result.switches.extend(es.switches(t_start, t_stop) if hasattr(es, "switches")
                                   else [])
    if len(sets) > _pass_tasks().SATELLITE_BLOCK:
        # blocks of satellites as tasks on the executor (same cut for every executor)
        pt = _pass_tasks()
        shared = pt.PassShared(sets, sites, masks, t_start, t_stop, visibility, margin_deg,
                               horizon_step_s)
        return pt.run_pass_blocks(shared, result, executor=executor, progress=progress)
    orbits = orbit_model(sets, t_start, duration)
    return _find(orbits, norad_ids(sets), [es.name for es in sets], masks,
                 result, visibility=visibility, margin_deg=margin_deg,
                 horizon_step_s=horizon_step_s)


def _pass_tasks() -> Any:
    from orbitkit import pass_tasks

    return pass_tasks


def _find(orbits: _OrbitModel, ids: list[int], names: list[str], masks: list[Mask],
          result: PassSearch, *, visibility: bool, margin_deg: float = _DEFAULT_MARGIN_DEG,
          horizon_step_s: float = 5.0) -> PassSearch:
    """The search proper, on any orbit model (tests use synthetic ones)."""
    sites = result.stations
    t_start = result.start_utc
    duration = (result.stop_utc - t_start).total_seconds()
    st = _Stations.from_sites(sites)
    search = _Search(orbits, st, masks, duration, margin_deg=margin_deg,
                     horizon_step_s=horizon_step_s)
    p = search.run()
    result.steps_s = {ids[i]: float(search.steps[i]) for i in range(len(ids))}
    if p is not None and p["rise"].size:
        geo_sat = np.array([is_geosynchronous(r) for r in search.revs_per_day])
        as_interval = geo_sat[p["sat"]] | (p["start_cut"] & p["end_cut"])
        # sorted output: by rise time, then station, then NORAD number
        norad = np.array([-1 if n is None else n for n in ids])
        order = np.lexsort((norad[p["sat"]], p["sta"], p["rise"]))
        p = {k: v[order] for k, v in p.items()}
        as_interval = as_interval[order]
        ip = np.flatnonzero(~as_interval)
        iv = np.flatnonzero(as_interval)
        sub = {k: v[ip] for k, v in p.items()}
        t_max, el_max, az_max = search.culminations(sub)
        vis = [None] * ip.size
        if visibility and ip.size:
            dark = _dark_intervals(st, orbits.jd0, orbits.fr0, duration)
            vis = _visible(search.geo, dark, sub["sat"], sub["sta"], sub["rise"], sub["set"],
                           orbits.jd0, orbits.fr0).tolist()
        max_t = np.clip(t_max, sub["rise"], sub["set"])
        # which set each pass used, the one in force at its culmination, where an orbit
        # switches sets along the window; NaT elsewhere (a column in every table, so that
        # tables of satellite blocks join whatever their orbits)
        epoch = np.full(max_t.size, np.datetime64("NaT", "us"))
        if getattr(orbits, "switching", False):
            got = orbits.epochs_used(sub["sat"], max_t)
            if got is not None:
                epoch = got
        result._set_table(dict(sub, max_t=max_t, max_el=el_max, max_az=az_max, visible=vis,
                               ids=ids, names=names, epoch=epoch))
        if iv.size:
            result.intervals = _intervals(search, {k: v[iv] for k, v in p.items()}, ids,
                                          names, sites, t_start)
    result.failed_samples = search.geo.failed
    result.incomplete_passes = search.incomplete
    if result.failed_samples:
        bad = sorted({ids[s] if ids[s] is not None else -1 for s in range(len(ids))
                      if not _propagates(orbits, s, duration)})
        result.failed_norad_ids = bad
        result.warnings.append(_failure_warning(result.failed_samples,
                                                result.incomplete_passes, bad))
    return result


def _failure_warning(failed: int, incomplete: int, bad: list[int]) -> str:
    which = f" (NORAD {', '.join(map(str, bad[:10]))}{'...' if len(bad) > 10 else ''})" \
        if bad else ""
    # any orbit source: an sgp4 error code, a GNSS or OEM orbit with no state there, ...
    return (f"{failed} propagation samples failed in their orbit source or lay below "
            f"{REENTRY_ALTITUDE_KM:g} km (re-entered){which} and were skipped"
            + (f"; {incomplete} passes touching them were dropped" if incomplete else ""))


def _propagates(orbits: _OrbitModel, s: int, duration: float) -> bool:
    _, _, ok = orbits.state(s, np.linspace(0.0, duration, 50))
    return bool(ok.all())


def _intervals(search: _Search, p: dict[str, np.ndarray], ids, names, sites, start: datetime
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
    t_rise = _datetimes(start, p["rise"])
    t_set = _datetimes(start, p["set"])
    out = []
    for k in range(dur.size):
        s, j = int(p["sat"][k]), int(p["sta"][k])
        out.append(VisibilityInterval(
            norad_id=ids[s], name=names[s], station=sites[j].key,
            start_utc=t_rise[k], start_az_deg=float(p["rise_az"][k]),
            end_utc=t_set[k], end_az_deg=float(p["set_az"][k]),
            min_elevation_deg=float(lo[k]), max_elevation_deg=float(hi[k]),
            duration_s=float(dur[k]), starts_before_window=bool(p["start_cut"][k]),
            ends_after_window=bool(p["end_cut"][k]),
        ))
    return out
