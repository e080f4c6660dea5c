"""Two-body (Keplerian) motion: universal-variable propagation and element conversions.

Pure numpy on plain floats: kilometres, km/s, seconds, radians. No I/O. Every function
works for any central body; ``mu`` is its gravitational parameter in km³/s².

The propagator uses the universal anomaly χ with Stumpff functions (Bate, Mueller & White
1971, ch. 4; Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., Algorithm 8;
Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed., §3.7), so a single code path
covers ellipses, parabolas and hyperbolas.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "stumpff",
    "propagate",
    "KeplerElements",
    "elements_from_state",
    "state_from_elements",
    "period_s",
    "semi_major_axis_from_period_km",
]

# Below this |z| the closed forms of C(z), S(z) lose digits to cancellation
# (1 - cos sqrt(z) and sqrt(z) - sin sqrt(z)); the truncated series is exact to ~1e-17 there.
_SERIES_Z = 1e-2


def stumpff(z: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Stumpff functions C(z) and S(z), element-wise.

    Parameters
    ----------
    z
        Universal variable ``z = α χ²`` (dimensionless); any shape.

    Returns
    -------
    C, S
        ``C(z) = (1 - cos √z)/z`` and ``S(z) = (√z - sin √z)/√z³`` for z > 0, their
        hyperbolic analogues for z < 0, and the limits 1/2, 1/6 at z = 0.
    """
    z = np.asarray(z, dtype=float)
    c = np.empty_like(z)
    s = np.empty_like(z)
    pos = z > _SERIES_Z
    neg = z < -_SERIES_Z
    mid = ~(pos | neg)
    if pos.any():
        sz = np.sqrt(z[pos])
        c[pos] = (1.0 - np.cos(sz)) / z[pos]
        s[pos] = (sz - np.sin(sz)) / sz**3
    if neg.any():
        sz = np.sqrt(-z[neg])
        c[neg] = (np.cosh(sz) - 1.0) / (-z[neg])
        s[neg] = (np.sinh(sz) - sz) / sz**3
    if mid.any():
        zm = z[mid]
        # Taylor series: C = sum (-z)^k/(2k+2)!, S = sum (-z)^k/(2k+3)!
        c_sum = np.zeros_like(zm)
        s_sum = np.zeros_like(zm)
        term = np.ones_like(zm)
        for k in range(7):
            c_sum += term / math.factorial(2 * k + 2)
            s_sum += term / math.factorial(2 * k + 3)
            term = term * (-zm)
        c[mid] = c_sum
        s[mid] = s_sum
    return c, s


def propagate(
    mu: float, r0: ArrayLike, v0: ArrayLike, dt_s: ArrayLike, *, tol: float = 1e-12
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Propagate a two-body state by one or many time steps (universal variables).

    Parameters
    ----------
    mu
        Gravitational parameter of the central body, km³/s².
    r0, v0
        Initial position (km) and velocity (km/s), shape (3,).
    dt_s
        Time(s) since the initial state, seconds; scalar or 1-D array (negative = backwards).
    tol
        Relative convergence tolerance on the universal anomaly χ.

    Returns
    -------
    r, v
        Position (km) and velocity (km/s): shape (3,) for a scalar ``dt_s``, else (N, 3).

    Notes
    -----
    Newton's method on the universal Kepler equation, vectorised over the times; the
    Lagrange f, g coefficients then give the state (Curtis Algorithm 3.4; Vallado Alg. 8).
    """
    r0 = np.asarray(r0, dtype=float)
    v0 = np.asarray(v0, dtype=float)
    dt = np.asarray(dt_s, dtype=float)
    scalar = dt.ndim == 0
    dt = np.atleast_1d(dt)

    r0n = float(np.linalg.norm(r0))
    vr0 = float(r0 @ v0) / r0n
    sqmu = math.sqrt(mu)
    alpha = 2.0 / r0n - float(v0 @ v0) / mu  # 1/a, km⁻¹ (negative for hyperbolas)

    # Initial guess (Vallado Alg. 8): elliptic χ ≈ √μ α Δt; for hyperbolas a log form.
    if alpha > 1e-12:
        chi = sqmu * alpha * dt
    elif alpha < -1e-12:
        a = 1.0 / alpha
        sign = np.sign(dt)
        arg = (-2.0 * mu * alpha * dt) / (
            float(r0 @ v0) + sign * math.sqrt(-mu * a) * (1.0 - r0n * alpha)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            chi = sign * math.sqrt(-a) * np.log(np.where(arg > 0, arg, 1.0))
        chi = np.where(np.isfinite(chi) & (arg > 0), chi, sqmu * dt / r0n)
    else:
        chi = sqmu * dt / r0n

    for _ in range(100):
        z = alpha * chi**2
        c, s = stumpff(z)
        chi2 = chi**2
        f_chi = (
            r0n * vr0 / sqmu * chi2 * c
            + (1.0 - alpha * r0n) * chi**3 * s
            + r0n * chi
            - sqmu * dt
        )
        df = r0n * vr0 / sqmu * chi * (1.0 - z * s) + (1.0 - alpha * r0n) * chi2 * c + r0n
        step = f_chi / df
        chi = chi - step
        if np.all(np.abs(step) <= tol * np.maximum(np.abs(chi), 1.0)):
            break

    z = alpha * chi**2
    c, s = stumpff(z)
    chi2 = chi**2
    f = 1.0 - chi2 / r0n * c
    g = dt - chi**3 * s / sqmu
    r = f[:, None] * r0 + g[:, None] * v0
    rn = np.linalg.norm(r, axis=1)
    fdot = sqmu / (rn * r0n) * (alpha * chi**3 * s - chi)
    gdot = 1.0 - chi2 / rn * c
    v = fdot[:, None] * r0 + gdot[:, None] * v0
    if scalar:
        return r[0], v[0]
    return r, v


@dataclass(frozen=True)
class KeplerElements:
    """Classical orbital elements (angles in radians).

    Attributes
    ----------
    a_km
        Semi-major axis, km (negative for hyperbolas, ``inf`` for a parabola).
    e
        Eccentricity.
    i_rad, raan_rad, argp_rad, nu_rad
        Inclination, right ascension of the ascending node, argument of periapsis, true
        anomaly; radians. RAAN is 0 for equatorial orbits and the argument of periapsis is
        then measured from the x axis.
    p_km
        Semi-latus rectum, km.
    """

    a_km: float
    e: float
    i_rad: float
    raan_rad: float
    argp_rad: float
    nu_rad: float
    p_km: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def elements_from_state(mu: float, r: ArrayLike, v: ArrayLike) -> KeplerElements:
    """Classical elements from a position (km) and velocity (km/s) about ``mu`` (km³/s²)."""
    r = np.asarray(r, dtype=float)
    v = np.asarray(v, dtype=float)
    rn = float(np.linalg.norm(r))
    h = np.cross(r, v)
    hn = float(np.linalg.norm(h))
    n = np.cross([0.0, 0.0, 1.0], h)
    nn = float(np.linalg.norm(n))
    e_vec = ((float(v @ v) - mu / rn) * r - float(r @ v) * v) / mu
    e = float(np.linalg.norm(e_vec))
    energy = float(v @ v) / 2.0 - mu / rn
    a = -mu / (2.0 * energy) if abs(energy) > 1e-14 else math.inf
    p = hn**2 / mu
    inc = math.acos(max(-1.0, min(1.0, h[2] / hn)))
    tiny = 1e-11
    if nn > tiny * hn:
        raan = math.atan2(n[1], n[0]) % (2 * math.pi)
    else:
        raan = 0.0
        n = np.array([1.0, 0.0, 0.0])
        nn = 1.0
    # Angles from atan2 of (sine, cosine) measured about h: acos loses half the digits near
    # 0 and pi, which shows as metre-level round-trip errors on near-circular orbits.
    h_hat = h / hn

    def angle(from_vec: np.ndarray, to_vec: np.ndarray) -> float:
        return math.atan2(float(np.cross(from_vec, to_vec) @ h_hat), float(from_vec @ to_vec))

    if e > tiny:
        argp = angle(n, e_vec) % (2 * math.pi)
        nu = angle(e_vec, r) % (2 * math.pi)
    else:
        argp = 0.0
        nu = angle(n, r) % (2 * math.pi)
    return KeplerElements(a, e, inc, raan, argp, nu, p)


def state_from_elements(
    mu: float,
    p_km: float,
    e: float,
    i_rad: float,
    raan_rad: float,
    argp_rad: float,
    nu_rad: ArrayLike,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Position (km) and velocity (km/s) from elements; ``nu_rad`` may be an array.

    Uses the semi-latus rectum ``p_km`` so parabolas are covered too. Returns shape (3,)
    for a scalar true anomaly, else (N, 3).
    """
    nu = np.asarray(nu_rad, dtype=float)
    scalar = nu.ndim == 0
    nu = np.atleast_1d(nu)
    rpf = (p_km / (1.0 + e * np.cos(nu)))[:, None] * np.stack(
        [np.cos(nu), np.sin(nu), np.zeros_like(nu)], axis=1
    )
    vpf = math.sqrt(mu / p_km) * np.stack(
        [-np.sin(nu), e + np.cos(nu), np.zeros_like(nu)], axis=1
    )
    cO, sO = math.cos(raan_rad), math.sin(raan_rad)
    ci, si = math.cos(i_rad), math.sin(i_rad)
    cw, sw = math.cos(argp_rad), math.sin(argp_rad)
    # perifocal -> inertial: R3(-Ω) R1(-i) R3(-ω)
    rot = np.array(
        [
            [cO * cw - sO * sw * ci, -cO * sw - sO * cw * ci, sO * si],
            [sO * cw + cO * sw * ci, -sO * sw + cO * cw * ci, -cO * si],
            [sw * si, cw * si, ci],
        ]
    )
    r = rpf @ rot.T
    v = vpf @ rot.T
    if scalar:
        return r[0], v[0]
    return r, v


def period_s(mu: float, a_km: float) -> float:
    """Orbital period (s) of an ellipse with semi-major axis ``a_km`` about ``mu`` (km³/s²)."""
    if not a_km > 0:
        raise ValueError(f"a period needs an ellipse (a > 0), got a = {a_km} km")
    return 2.0 * math.pi * math.sqrt(a_km**3 / mu)


def semi_major_axis_from_period_km(mu: float, period_s_: float) -> float:
    """Semi-major axis (km) of an ellipse of period ``period_s_`` (s) about ``mu`` (km³/s²)."""
    return (mu * (period_s_ / (2.0 * math.pi)) ** 2) ** (1.0 / 3.0)
