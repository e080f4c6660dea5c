"""Frame kernels: TEME → ITRS / GCRS, geodetic ↔ ITRS, topocentric az/el/range.

Pure numpy on floats: kilometres, kilometres per second, radians, two-part Julian
dates. No I/O, no skyfield; the time-scale work (UT1, precession-nutation) lives in
:mod:`orbitkit.timeutil` and is passed in.

Shapes: position and velocity arrays are ``(..., T, 3)``, with the per-time quantities
(Julian dates, angles, matrices) of shape ``(T,)`` / ``(T, 3, 3)`` lining up with the
second-to-last axis. A propagation result is ``(S, T, 3)``.

Frames
------
TEME
    SGP4's own frame: true equator, mean equinox (AIAA 2006-6753 Appendix C).
ITRS
    Earth-fixed. From TEME by the GMST 1982 rotation on UT1, exactly as the SGP4
    reference code (Vallado's ``teme2ecef``) and skyfield's ``TEME_to_ITRF`` do, with
    optional polar motion. Without polar motion this is strictly the pseudo-Earth-fixed
    frame, as in skyfield's builtin timescale; polar motion (~0.3", ~10 m at the
    surface, ~60 m at GEO radius) is below the accuracy of the element sets.
GCRS
    Geocentric celestial. From TEME through the true-of-date frame: the equation of
    the equinoxes (GAST - GMST82 on UT1) about z, then the transpose of the
    bias-precession-nutation matrix. This is the route skyfield takes for
    ``EarthSatellite.at(t)``.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = [
    "WGS84_A_KM",
    "WGS84_F",
    "WGS84_E2",
    "gmst82",
    "gmst82_rate",
    "teme_to_itrs",
    "teme_to_gcrs",
    "teme_to_gcrs_matrix",
    "itrs_to_teme",
    "gcrs_to_teme",
    "rotate",
    "itrs_to_geodetic",
    "teme_to_geodetic",
    "geodetic_to_itrs",
    "enu_rotation",
    "topocentric",
    "radial_height_km",
]

#: WGS84 semi-major axis, km.
WGS84_A_KM = 6378.137
#: WGS84 flattening.
WGS84_F = 1.0 / 298.257223563
#: WGS84 first eccentricity squared.
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)

_TAU = 2.0 * np.pi
_DAY_S = 86400.0
_J2000 = 2451545.0
# GMST 1982 polynomial (Aoki et al. 1982, as in AIAA 2006-6753 Appendix C), seconds of
# time with T in Julian centuries of UT1 from J2000.
_G0 = 67310.54841
_G2 = 0.093104
_G3 = -6.2e-6

# Samples per block in the geodetic kernel: 16k float64 per scratch array (128 kB) keeps
# the 9 scratch arrays in cache; measured ~1.5x faster than whole-array numpy on
# million-sample inputs.
_BLOCK = 16384
# numpy's ufuncs release the GIL, so large geodetic conversions are split over threads:
# measured on 2 cores, 10,000 x 100 samples in 65 ms on two threads against 100-138 ms on
# one. (sgp4's SatrecArray holds the GIL; see orbitkit.propagation.) Below ~50k samples
# the hand-off costs more than it saves.
_WORKERS = min(2, os.cpu_count() or 1)
_PARALLEL_MIN_SAMPLES = 50_000
_POOL = None


def gmst82(jd_ut1: np.ndarray, fr_ut1: np.ndarray) -> np.ndarray:
    """Greenwich mean sidereal time, IAU 1982 model, in radians [0, 2π).

    Parameters
    ----------
    jd_ut1, fr_ut1
        Two-part UT1 Julian date (any split; e.g. ``jd`` = midnight, ``fr`` = fraction).

    Returns
    -------
    numpy.ndarray
        Angle in radians, the rotation of TEME to the pseudo-Earth-fixed frame.

    Notes
    -----
    The integer number of days is dropped before multiplying by the large rate
    coefficient, so the angle keeps float64 precision (~1e-15 rad) instead of the
    ~1e-9 rad a single-float Julian date would give.
    """
    jd = np.asarray(jd_ut1, dtype=np.float64)
    fr = np.asarray(fr_ut1, dtype=np.float64)
    t = ((jd - _J2000) + fr) / 36525.0
    # Seconds of sidereal time without the 876600 h * T term: that term is one turn per
    # UT1 day, so it contributes just the day fraction (the integer days are whole turns).
    g = _G0 + (8640184.812866 + (_G2 + _G3 * t) * t) * t
    day_frac = np.mod(jd, 1.0) + fr
    return np.mod(day_frac + g / _DAY_S, 1.0) * _TAU


def gmst82_rate(jd_ut1: np.ndarray, fr_ut1: np.ndarray) -> np.ndarray:
    """Rate of the GMST 1982 angle, rad per second of UT1 (~7.292115e-5)."""
    t = ((np.asarray(jd_ut1) - _J2000) + np.asarray(fr_ut1)) / 36525.0
    dg = 8640184.812866 + (2.0 * _G2 + 3.0 * _G3 * t) * t
    return (1.0 + dg / (_DAY_S * 36525.0)) * _TAU / _DAY_S


def _polar_motion_matrix(xp_rad: np.ndarray, yp_rad: np.ndarray) -> np.ndarray:
    """W^T: pseudo-Earth-fixed → ITRS, R1(-yp) · R2(-xp), shape (T, 3, 3)."""
    xp = np.atleast_1d(np.asarray(xp_rad, dtype=np.float64))
    yp = np.atleast_1d(np.asarray(yp_rad, dtype=np.float64))
    xp, yp = np.broadcast_arrays(xp, yp)
    cx, sx, cy, sy = np.cos(xp), np.sin(xp), np.cos(yp), np.sin(yp)
    w = np.empty(xp.shape + (3, 3))
    w[..., 0, 0] = cx
    w[..., 0, 1] = 0.0
    w[..., 0, 2] = sx
    w[..., 1, 0] = sx * sy
    w[..., 1, 1] = cy
    w[..., 1, 2] = -cx * sy
    w[..., 2, 0] = -sx * cy
    w[..., 2, 1] = sy
    w[..., 2, 2] = cx * cy
    return w


def rotate(matrix: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Apply per-time rotation matrices to vectors.

    Parameters
    ----------
    matrix
        Shape (T, 3, 3) (or (3, 3) for one matrix).
    vectors
        Shape (..., T, 3).

    Returns
    -------
    numpy.ndarray
        ``matrix[t] @ vectors[..., t, :]``, shape (..., T, 3), float64.
    """
    m = np.asarray(matrix, dtype=np.float64)
    v = np.asarray(vectors, dtype=np.float64)
    if m.ndim == 2:
        return v @ m.T
    # (..., T, 3) @ (T, 3, 3)^T, done per component to avoid a (..., T, 3, 3) temporary.
    out = np.empty(np.broadcast_shapes(v.shape, m.shape[:-1]))
    for i in range(3):
        np.multiply(v[..., 0], m[:, i, 0], out=out[..., i])
        out[..., i] += v[..., 1] * m[:, i, 1]
        out[..., i] += v[..., 2] * m[:, i, 2]
    return out


def _rotate_z(x: np.ndarray, y: np.ndarray, z: np.ndarray, c: np.ndarray, s: np.ndarray
              ) -> np.ndarray:
    """``R3(θ) (x, y, z)`` as a new (..., T, 3) array, from ``c = cos θ``, ``s = sin θ``
    (shape (T,)): ``(x c + y s, y c - x s, z)``. Pass ``-sin θ`` for ``R3(-θ)``.

    Component by component into one output, as the conversions below always did: no
    (T, 3, 3) matrix is built for their long (S, T) blocks.
    """
    out = np.empty(x.shape + (3,))
    np.multiply(x, c, out=out[..., 0])
    out[..., 0] += y * s
    np.multiply(y, c, out=out[..., 1])
    out[..., 1] -= x * s
    out[..., 2] = z
    return out


def teme_to_itrs(
    r_teme_km: np.ndarray,
    v_teme_km_s: np.ndarray | None,
    jd_ut1: np.ndarray,
    fr_ut1: np.ndarray,
    *,
    polar_motion: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """TEME → ITRS (Earth-fixed) positions and velocities.

    Parameters
    ----------
    r_teme_km
        Positions, km, shape (..., T, 3).
    v_teme_km_s
        Velocities, km/s, same shape, or ``None`` to skip them.
    jd_ut1, fr_ut1
        Two-part UT1 Julian dates, shape (T,).
    polar_motion
        Optional ``(xp_rad, yp_rad)``, each scalar or shape (T,). ``None`` leaves the
        pseudo-Earth-fixed frame (what skyfield's builtin timescale does too).

    Returns
    -------
    r_itrs_km, v_itrs_km_s
        Earth-fixed position (km) and velocity relative to the rotating Earth (km/s);
        the velocity is ``None`` when ``v_teme_km_s`` is.

    Notes
    -----
    ``r_pef = R3(θ) r_teme``; ``v_pef = R3(θ) v_teme - ω × r_pef`` with θ the GMST 1982
    angle and ω its rate (AIAA 2006-6753 Appendix C; skyfield ``TEME_to_ITRF``).
    """
    theta = gmst82(jd_ut1, fr_ut1)
    c = np.cos(theta)
    s = np.sin(theta)
    r = np.asarray(r_teme_km, dtype=np.float64)
    r_out = _rotate_z(r[..., 0], r[..., 1], r[..., 2], c, s)
    v_out = None
    if v_teme_km_s is not None:
        omega = gmst82_rate(jd_ut1, fr_ut1)
        v = np.asarray(v_teme_km_s, dtype=np.float64)
        v_out = _rotate_z(v[..., 0], v[..., 1], v[..., 2], c, s)
        v_out[..., 0] += omega * r_out[..., 1]
        v_out[..., 1] -= omega * r_out[..., 0]
    if polar_motion is not None:
        w = _polar_motion_matrix(*polar_motion)
        if w.shape[0] == 1:
            w = w[0]
        r_out = rotate(w, r_out)
        if v_out is not None:
            v_out = rotate(w, v_out)
    return r_out, v_out


def teme_to_gcrs_matrix(
    gmst82_rad: np.ndarray, gast_rad: np.ndarray, bpn_matrix: np.ndarray
) -> np.ndarray:
    """Rotation TEME → GCRS per time, shape (T, 3, 3).

    Parameters
    ----------
    gmst82_rad
        GMST 1982 angle on UT1, rad, shape (T,) (:func:`gmst82`).
    gast_rad
        Greenwich apparent sidereal time, rad, shape (T,).
    bpn_matrix
        GCRS → true-of-date rotation (bias, precession, nutation), shape (T, 3, 3).

    Notes
    -----
    TEME differs from true-of-date by a rotation about z by GAST - GMST82 (the
    equation of the equinoxes, plus the small difference between the 1982 and the
    modern GMST models), so ``r_gcrs = BPN^T · Rz(gast - gmst82) · r_teme`` with Rz the
    active rotation.
    """
    d = np.asarray(gast_rad, dtype=np.float64) - np.asarray(gmst82_rad, dtype=np.float64)
    c = np.cos(d)
    s = np.sin(d)
    rz = np.zeros(d.shape + (3, 3))
    rz[..., 0, 0] = c
    rz[..., 0, 1] = -s
    rz[..., 1, 0] = s
    rz[..., 1, 1] = c
    rz[..., 2, 2] = 1.0
    return np.swapaxes(np.asarray(bpn_matrix, dtype=np.float64), -1, -2) @ rz


def teme_to_gcrs(
    r_teme_km: np.ndarray,
    v_teme_km_s: np.ndarray | None,
    jd_ut1: np.ndarray,
    fr_ut1: np.ndarray,
    gast_rad: np.ndarray,
    bpn_matrix: np.ndarray,
) -> tuple[np.ndarray, np.ndarray | None]:
    """TEME → GCRS positions and velocities.

    Parameters
    ----------
    r_teme_km, v_teme_km_s
        Shape (..., T, 3), km and km/s (velocity may be ``None``).
    jd_ut1, fr_ut1
        Two-part UT1 Julian dates, shape (T,).
    gast_rad, bpn_matrix
        Apparent sidereal time (rad, (T,)) and the GCRS → true-of-date matrix
        ((T, 3, 3)); :func:`orbitkit.timeutil.precession_nutation` gives both.

    Returns
    -------
    r_gcrs_km, v_gcrs_km_s
        Same shapes. Velocities are rotated without a frame-rate term: TEME and GCRS
        differ by precession-nutation only, whose rate (~1e-11 rad/s) is ~0.1 µm/s here.
        This matches skyfield's ``EarthSatellite.at(t)`` to well under a metre.
    """
    q = teme_to_gcrs_matrix(gmst82(jd_ut1, fr_ut1), gast_rad, bpn_matrix)
    r_out = rotate(q, r_teme_km)
    v_out = None if v_teme_km_s is None else rotate(q, v_teme_km_s)
    return r_out, v_out


def itrs_to_teme(
    r_itrs_km: np.ndarray,
    v_itrs_km_s: np.ndarray | None,
    jd_ut1: np.ndarray,
    fr_ut1: np.ndarray,
) -> tuple[np.ndarray, np.ndarray | None]:
    """ITRS (Earth-fixed) → TEME: the exact inverse of :func:`teme_to_itrs` (no polar motion).

    For sources that give Earth-fixed states natively (GNSS broadcast and precise orbits):
    ``r_teme = R3(-θ) r_itrs`` and ``v_teme = R3(-θ) (v_itrs + ω × r_itrs)``, θ the GMST 1982
    angle on UT1 and ω its rate, so a round trip through :func:`teme_to_itrs` returns the
    input to rounding. Polar motion (metres) is below what the TEME consumers need; a
    source that must keep it converts to GCRS itself.

    Parameters
    ----------
    r_itrs_km, v_itrs_km_s
        Shape (..., T, 3), km and km/s (velocity relative to the rotating Earth; may be
        ``None``).
    jd_ut1, fr_ut1
        Two-part UT1 Julian dates, shape (T,).
    """
    theta = gmst82(jd_ut1, fr_ut1)
    c = np.cos(theta)
    s = -np.sin(theta)  # R3(-θ)
    r = np.asarray(r_itrs_km, dtype=np.float64)
    x, y = r[..., 0], r[..., 1]
    r_out = _rotate_z(x, y, r[..., 2], c, s)
    v_out = None
    if v_itrs_km_s is not None:
        omega = gmst82_rate(jd_ut1, fr_ut1)
        v = np.asarray(v_itrs_km_s, dtype=np.float64)
        # back to the rotating frame's inertial velocity, then rotate like the position
        vx = v[..., 0] - omega * y
        vy = v[..., 1] + omega * x
        v_out = _rotate_z(vx, vy, v[..., 2], c, s)
    return r_out, v_out


def gcrs_to_teme(
    r_gcrs_km: np.ndarray,
    v_gcrs_km_s: np.ndarray | None,
    jd_ut1: np.ndarray,
    fr_ut1: np.ndarray,
    gast_rad: np.ndarray,
    bpn_matrix: np.ndarray,
) -> tuple[np.ndarray, np.ndarray | None]:
    """GCRS → TEME: the inverse of :func:`teme_to_gcrs` (the transposed rotation).

    For sources with inertial native states (CCSDS OEM in GCRF; EME2000 states are
    turned into GCRS by the source with the frame-bias matrix first). Arguments as in
    :func:`teme_to_gcrs`.
    """
    q = teme_to_gcrs_matrix(gmst82(jd_ut1, fr_ut1), gast_rad, bpn_matrix)
    qt = np.swapaxes(q, -1, -2)
    r_out = rotate(qt, r_gcrs_km)
    v_out = None if v_gcrs_km_s is None else rotate(qt, v_gcrs_km_s)
    return r_out, v_out


# ------------------------------------------------------------------------ geodetic

# Geodetic latitude by Newton's method on the reduced (parametric) latitude β of the
# foot point (a cos β, b sin β) on the meridian ellipse. In units of a, with P = ρ/a and
# Zp = (b/a) z/a, the normal through the foot point passes through the point when
#     f(β) = P sin β - Zp cos β - e² sin β cos β = 0.
# β is carried as an unnormalised pair (s, c) ∝ (sin β, cos β), so an iteration costs one
# square root and no trigonometry. The start tan β0 = Zp / (P (1 - e²/R)), R = |(P, Zp)|,
# is exact at the poles and the equator and within ~1e-5 rad elsewhere; Newton doubles
# the correct digits, so two steps reach float64 (measured: round trip within 0.1 µm
# from -10 km to 160,000 km height). Valid outside the ellipsoid's evolute, i.e. for
# every point more than ~45 km from the geocentre.
_EC = np.sqrt(1.0 - WGS84_E2)  # b / a
_B_KM = WGS84_A_KM * _EC
_NEWTON_STEPS = 2
_SCRATCH = 9


def _geodetic_block(x, y, z, cos_t, sin_t, lat, lon, h, scratch):
    """Geodetic latitude/longitude/height of one block, written in place.

    ``x, y, z`` may be strided views. ``cos_t/sin_t`` (or ``None``) rotate x, y about z
    (TEME → Earth-fixed), which changes only the longitude.
    """
    rho, big_p, zp, s, c, n, f, g, t = scratch
    np.multiply(x, x, out=rho)
    np.multiply(y, y, out=t)
    rho += t
    np.sqrt(rho, out=rho)
    np.multiply(rho, 1.0 / WGS84_A_KM, out=big_p)
    np.multiply(z, _EC / WGS84_A_KM, out=zp)
    # start: s = Zp, c = P (1 - e²/R)
    np.multiply(big_p, big_p, out=n)
    np.multiply(zp, zp, out=t)
    n += t
    np.sqrt(n, out=n)
    np.divide(-WGS84_E2, n, out=c)
    c += 1.0
    c *= big_p
    s[...] = zp
    for _ in range(_NEWTON_STEPS):
        np.multiply(s, s, out=t)
        np.multiply(c, c, out=n)
        n += t
        np.sqrt(n, out=n)
        # f·n² = (P s - Zp c) n - e² s c
        np.multiply(big_p, s, out=f)
        np.multiply(zp, c, out=t)
        f -= t
        f *= n
        np.multiply(s, c, out=t)
        t *= WGS84_E2
        f -= t
        # f'·n² = (P c + Zp s) n - e² (c² - s²)
        np.multiply(big_p, c, out=g)
        np.multiply(zp, s, out=t)
        g += t
        g *= n
        np.subtract(c, s, out=t)
        np.add(c, s, out=h)  # h is free scratch until the end
        t *= h
        t *= WGS84_E2
        g -= t
        # rotate (s, c) by δ = -f/f' (first order; the pair needs no normalising)
        f /= g
        np.multiply(f, c, out=t)
        np.multiply(f, s, out=g)
        s -= t
        c += g
    # cos β >= 0 for every point; a last step may overshoot by an ulp at the poles
    np.maximum(c, 0.0, out=c)
    np.multiply(s, s, out=t)
    np.multiply(c, c, out=n)
    n += t
    np.sqrt(n, out=n)  # n = |(s, c)|
    np.multiply(c, _EC, out=g)  # tan φ = s / (ec c)
    np.multiply(g, g, out=f)
    f += t
    np.sqrt(f, out=f)  # |(s, ec c)|: normalises (sin φ, cos φ)
    # height = (ρ - a cos β) cos φ + (z - b sin β) sin φ
    np.divide(c, n, out=h)
    h *= -WGS84_A_KM
    h += rho
    h *= g
    np.divide(s, n, out=t)
    t *= -_B_KM
    t += z
    t *= s
    h += t
    h /= f
    # latitude: arctan of a ratio (cheaper than arctan2; c >= 0, and s/0 = ±inf gives ±90°)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(s, g, out=t)
    np.arctan(t, out=lat)
    if cos_t is None:
        np.arctan2(y, x, out=lon)
    else:
        # x' = c x + s y, y' = c y - s x (R3(θ))
        np.multiply(x, cos_t, out=big_p)
        np.multiply(y, sin_t, out=t)
        big_p += t
        np.multiply(y, cos_t, out=zp)
        np.multiply(x, sin_t, out=t)
        zp -= t
        np.arctan2(zp, big_p, out=lon)


def _pool() -> Any:
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="orbitkit-frames")
    return _POOL


def _geodetic(r_km: np.ndarray, theta: np.ndarray | None):
    r = np.asarray(r_km, dtype=np.float64)
    shape = r.shape[:-1]
    lat = np.empty(shape)
    lon = np.empty(shape)
    h = np.empty(shape)
    if r.size == 0:
        return lat, lon, h
    if theta is None:
        # No per-time rotation: any grouping of samples will do, so one long row.
        r3 = r.reshape(1, -1, 3)
        cos_t = sin_t = None
    else:
        # A rotation angle per time: 2-D tiles (rows, times) so that the (T,) cos/sin
        # broadcast along rows.
        r3 = r.reshape(-1, shape[-1], 3)
        theta = np.asarray(theta, dtype=np.float64)
        cos_t = np.cos(theta)
        sin_t = np.sin(theta)
    n_rows, n_t = r3.shape[:2]
    lat3, lon3, h3 = lat.reshape(n_rows, n_t), lon.reshape(n_rows, n_t), h.reshape(n_rows, n_t)
    t_step = min(n_t, _BLOCK)
    row_step = min(max(1, _BLOCK // t_step), n_rows)
    tiles = [(r0, min(r0 + row_step, n_rows), t0, min(t0 + t_step, n_t))
             for t0 in range(0, n_t, t_step) for r0 in range(0, n_rows, row_step)]

    def work(some: list[tuple[int, int, int, int]]) -> None:
        scratch_full = np.empty((_SCRATCH, row_step * t_step))
        for r0, r1, t0, t1 in some:
            tile = (r1 - r0, t1 - t0)
            m = tile[0] * tile[1]
            scratch = [a[:m].reshape(tile) for a in scratch_full]
            blk = r3[r0:r1, t0:t1]
            ct = None if cos_t is None else cos_t[t0:t1]
            st = None if sin_t is None else sin_t[t0:t1]
            _geodetic_block(blk[..., 0], blk[..., 1], blk[..., 2], ct, st,
                            lat3[r0:r1, t0:t1], lon3[r0:r1, t0:t1], h3[r0:r1, t0:t1],
                            scratch)

    if _WORKERS > 1 and n_rows * n_t >= _PARALLEL_MIN_SAMPLES:
        # Each worker takes a contiguous share of the tiles and writes disjoint slices.
        share = -(-len(tiles) // _WORKERS)
        list(_pool().map(work, [tiles[i:i + share] for i in range(0, len(tiles), share)]))
    else:
        work(tiles)
    return lat, lon, h


def itrs_to_geodetic(r_itrs_km: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Earth-fixed Cartesian → WGS84 geodetic latitude, longitude and height.

    Parameters
    ----------
    r_itrs_km
        Positions in km, shape (..., 3).

    Returns
    -------
    lat_rad, lon_rad, height_km
        Shape (...): latitude in [-π/2, π/2], longitude in (-π, π], ellipsoidal height.

    Notes
    -----
    Two Newton steps on the reduced latitude from a start that is exact at the poles
    and the equator (see the comment above ``_geodetic_block``): round trip with
    :func:`geodetic_to_itrs` within 0.1 µm from -10 km to 160,000 km height. Valid for
    every point more than ~45 km from the geocentre. NaN inputs give NaN outputs.
    """
    return _geodetic(r_itrs_km, None)


def teme_to_geodetic(
    r_teme_km: np.ndarray, jd_ut1: np.ndarray, fr_ut1: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TEME positions straight to WGS84 geodetic coordinates (no polar motion).

    The GMST 1982 rotation turns about z, which changes only the longitude, so the
    rotation is folded into the longitude step of the geodetic kernel instead of
    materialising ITRS vectors. Same results as
    ``itrs_to_geodetic(teme_to_itrs(...)[0])`` to the last bits.

    Parameters
    ----------
    r_teme_km
        Shape (..., T, 3), km.
    jd_ut1, fr_ut1
        Shape (T,).

    Returns
    -------
    lat_rad, lon_rad, height_km
        Shape (..., T).
    """
    r = np.asarray(r_teme_km, dtype=np.float64)
    if r.ndim == 1:
        r = r[None, :]
    return _geodetic(r, gmst82(jd_ut1, fr_ut1))


def radial_height_km(r_km: np.ndarray) -> np.ndarray:
    """Height above the WGS84 ellipsoid along the geocentric radius, km (..., 3) -> (...).

    Cheaper than the geodetic height and within ~0.1 km of it below a few hundred km: good
    for thresholds (re-entry), not for coordinates. Any frame sharing the Earth's z axis
    (TEME, ITRS) gives the same answer; NaN positions give NaN.
    """
    r_km = np.asarray(r_km, dtype=float)
    radius = np.linalg.norm(r_km, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sin2 = (r_km[..., 2] / radius) ** 2
        surface = WGS84_A_KM * np.sqrt((1.0 - WGS84_E2) / (1.0 - WGS84_E2 * (1.0 - sin2)))
    return radius - surface


def geodetic_to_itrs(
    lat_rad: np.ndarray, lon_rad: np.ndarray, height_km: np.ndarray
) -> np.ndarray:
    """WGS84 geodetic latitude, longitude, height → Earth-fixed Cartesian km.

    Parameters
    ----------
    lat_rad, lon_rad
        Radians, broadcastable.
    height_km
        Ellipsoidal height, km, broadcastable.

    Returns
    -------
    numpy.ndarray
        Shape (broadcast shape, 3), km.
    """
    lat = np.asarray(lat_rad, dtype=np.float64)
    lon = np.asarray(lon_rad, dtype=np.float64)
    h = np.asarray(height_km, dtype=np.float64)
    sin_lat = np.sin(lat)
    cos_lat = np.cos(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    rho = (n + h) * cos_lat
    shape = np.broadcast_shapes(lat.shape, lon.shape, h.shape)
    out = np.empty(shape + (3,))
    out[..., 0] = rho * np.cos(lon)
    out[..., 1] = rho * np.sin(lon)
    out[..., 2] = (n * (1.0 - WGS84_E2) + h) * sin_lat
    return out


def enu_rotation(lat_rad: np.ndarray, lon_rad: np.ndarray) -> np.ndarray:
    """Rotation Earth-fixed → local east-north-up at geodetic (lat, lon).

    Returns
    -------
    numpy.ndarray
        Shape (broadcast shape, 3, 3); rows are the east, north and up unit vectors in
        ITRS, so ``enu = R @ (r_sat - r_station)``.
    """
    lat = np.asarray(lat_rad, dtype=np.float64)
    lon = np.asarray(lon_rad, dtype=np.float64)
    shape = np.broadcast_shapes(lat.shape, lon.shape)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    m = np.empty(shape + (3, 3))
    m[..., 0, 0] = -so
    m[..., 0, 1] = co
    m[..., 0, 2] = 0.0
    m[..., 1, 0] = -sl * co
    m[..., 1, 1] = -sl * so
    m[..., 1, 2] = cl
    m[..., 2, 0] = cl * co
    m[..., 2, 1] = cl * so
    m[..., 2, 2] = sl
    return m


def topocentric(
    r_sat_itrs_km: np.ndarray,
    station_itrs_km: np.ndarray,
    station_lat_rad: np.ndarray,
    station_lon_rad: np.ndarray,
    v_sat_itrs_km_s: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Azimuth, elevation, range (and range rate) of satellites seen from stations.

    Parameters
    ----------
    r_sat_itrs_km
        Satellite positions, km, shape (..., 3).
    station_itrs_km
        Station positions, km, shape broadcastable with ``r_sat_itrs_km``.
    station_lat_rad, station_lon_rad
        Geodetic latitude/longitude of the stations, radians, broadcastable with
        ``r_sat_itrs_km[..., 0]`` (they define the local horizon; elevation is measured
        from the ellipsoid normal).
    v_sat_itrs_km_s
        Satellite Earth-fixed velocities (km/s), same shape as positions, or ``None``.

    Returns
    -------
    az_rad
        Azimuth from north, clockwise (towards east), in [0, 2π).
    el_rad
        Elevation above the local horizontal plane, [-π/2, π/2].
    range_km
        Slant range.
    range_rate_km_s
        d(range)/dt (positive receding), or ``None`` without velocities. Stations are
        fixed in ITRS, so the Earth-fixed satellite velocity is the relative velocity.

    Notes
    -----
    No refraction, no light time: geometric directions (what pass prediction at the
    1 s / 0.01° level needs).
    """
    rho = np.asarray(r_sat_itrs_km, dtype=np.float64) - np.asarray(
        station_itrs_km, dtype=np.float64
    )
    lat = np.asarray(station_lat_rad, dtype=np.float64)
    lon = np.asarray(station_lon_rad, dtype=np.float64)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    dx, dy, dz = rho[..., 0], rho[..., 1], rho[..., 2]
    east = co * dy - so * dx
    horiz = co * dx + so * dy  # component along the station meridian's equatorial direction
    north = cl * dz - sl * horiz
    up = cl * horiz + sl * dz
    az = np.arctan2(east, north)
    az = np.where(az < 0.0, az + _TAU, az)
    ground = np.hypot(east, north)
    el = np.arctan2(up, ground)
    rng = np.sqrt(ground * ground + up * up)
    rate = None
    if v_sat_itrs_km_s is not None:
        v = np.asarray(v_sat_itrs_km_s, dtype=np.float64)
        rate = (dx * v[..., 0] + dy * v[..., 1] + dz * v[..., 2]) / rng
    return az, el, rng, rate
