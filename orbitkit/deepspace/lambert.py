"""Lambert's problem: the orbit joining two positions in a given time (universal variables).

Pure numpy on plain floats (km, km/s, s, radians); no I/O. Only zero-revolution transfers.

Method: the universal-variable formulation of Bate, Mueller & White (1971, §5.3), as written
in Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., Algorithm 58, and
Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed., Algorithm 5.2. For a trial
``z = χ²/a`` the time of flight is

    √μ t(z) = χ³ S(z) + A √y(z),   y = r1 + r2 + A (z S − 1)/√C,   χ = √(y/C),
    A = ±√(r1 r2 (1 + cos Δν))      (+ short way, − long way),

and ``t(z)`` rises monotonically on the zero-revolution branch ``z < 4π²``. Instead of
Newton's method from z = 0 (which can overshoot into y < 0 and fail) we bracket and bisect,
element-wise over whole arrays: every porkchop cell converges, and ~60 halvings reach the
last bit of a double. The velocities follow from the Lagrange coefficients.

Near Δν = 180° the plane of the transfer is undefined: A → 0 and the velocities blow up.
The batch solver reports that per sample (:data:`STATUS_NEAR_PI`, :data:`STATUS_DEGENERATE`)
rather than raising, so one bad porkchop cell does not stop a grid; the scalar
:func:`lambert` warns (:class:`NearPiTransferWarning`) or raises (:class:`LambertError`).
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from orbitkit.deepspace.twobody import stumpff
from orbitkit.errors import OrbitkitError

__all__ = [
    "lambert",
    "lambert_batch",
    "transfer_angle_rad",
    "LambertError",
    "NearPiTransferWarning",
    "STATUS_OK",
    "STATUS_NEAR_PI",
    "STATUS_DEGENERATE",
    "STATUS_NO_CONVERGENCE",
    "NEAR_PI_DEG",
]

#: Solved normally.
STATUS_OK = 0
#: Solved, but Δν is within :data:`NEAR_PI_DEG` of 180°: the transfer plane is ill-conditioned
#: (tiny position changes tilt it a lot) and the velocities are large.
STATUS_NEAR_PI = 1
#: No unique solution: r1 and r2 are (anti)parallel within round-off, or a radius is zero.
STATUS_DEGENERATE = 2
#: The bisection found no bracket (e.g. an absurdly short flight time). Velocities are NaN.
STATUS_NO_CONVERGENCE = 3

#: Half-width (degrees) of the band around Δν = 180° reported as :data:`STATUS_NEAR_PI`. One
#: degree is where, for Earth–Mars, the out-of-plane part of the departure v∞ starts to
#: dominate (sin 1° ≈ 0.017 of the in-plane lever arm).
NEAR_PI_DEG = 1.0

# 1 + cos Δν below this (Δν within ~1.4e-6 rad of 180°) leaves A at round-off level.
_DEGENERATE_1PCOS = 1e-12
_Z_MAX = 4.0 * math.pi**2  # t(z) → ∞ here: the one-revolution ellipse


class LambertError(OrbitkitError, ValueError):
    """Lambert's problem has no (unique) zero-revolution solution for these inputs."""


class NearPiTransferWarning(RuntimeWarning):
    """The transfer angle is within :data:`NEAR_PI_DEG` of 180°: the plane is ill-defined."""


Way = Literal["prograde", "retrograde", "short", "long"]


def _long_way(r1: NDArray, r2: NDArray, way: str, normal: NDArray) -> NDArray[np.bool_]:
    if way == "short":
        return np.zeros(r1.shape[:-1], dtype=bool)
    if way == "long":
        return np.ones(r1.shape[:-1], dtype=bool)
    if way not in ("prograde", "retrograde"):
        raise ValueError(f"way must be prograde, retrograde, short or long, got {way!r}")
    # Prograde = the same sense of rotation as ``normal``: the short way when r1 × r2 points
    # along it, the long way otherwise.
    along = np.einsum("...i,i->...", np.cross(r1, r2), normal) >= 0.0
    return ~along if way == "prograde" else along


def transfer_angle_rad(r1: ArrayLike, r2: ArrayLike, long_way: ArrayLike = False) -> NDArray:
    """Transfer angle Δν (radians, 0..2π) from r1 to r2, the short or the long way."""
    r1 = np.asarray(r1, dtype=float)
    r2 = np.asarray(r2, dtype=float)
    # atan2 of |cross| and dot: accurate near 0 and π, where acos loses half the digits.
    dnu = np.arctan2(np.linalg.norm(np.cross(r1, r2), axis=-1), np.einsum("...i,...i", r1, r2))
    return np.where(np.asarray(long_way, dtype=bool), 2.0 * np.pi - dnu, dnu)


def _tof_of_z(
    z: NDArray, a: NDArray, r1n: NDArray, r2n: NDArray, sqmu: float
) -> tuple[NDArray, NDArray]:
    """Time of flight (s) and y (km) at trial z; t = -inf where y < 0 (z below the branch)."""
    c, s = stumpff(z)
    y = r1n + r2n + a * (z * s - 1.0) / np.sqrt(c)
    ok = y >= 0.0
    ys = np.where(ok, y, 0.0)
    chi = np.sqrt(ys / c)
    t = (chi**3 * s + a * np.sqrt(ys)) / sqmu
    return np.where(ok, t, -np.inf), y


def lambert_batch(
    mu: float,
    r1: ArrayLike,
    r2: ArrayLike,
    tof_s: ArrayLike,
    *,
    way: Way = "prograde",
    normal: ArrayLike = (0.0, 0.0, 1.0),
    near_pi_deg: float = NEAR_PI_DEG,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int8]]:
    """Solve many zero-revolution Lambert problems at once (arrays broadcast together).

    Parameters
    ----------
    mu
        Gravitational parameter of the central body, km³/s².
    r1, r2
        Initial and final positions, km, shape (..., 3); broadcast against each other.
    tof_s
        Time of flight, seconds, shape (...); must be > 0.
    way
        ``"prograde"`` (default) or ``"retrograde"`` relative to ``normal``, or ``"short"``
        (Δν < 180°) / ``"long"`` (Δν > 180°) directly.
    normal
        Reference pole for prograde/retrograde (default +z of the frame; for heliocentric
        work use the ecliptic frame, or pass the ecliptic pole).
    near_pi_deg
        Width (degrees) of the band around Δν = 180° flagged :data:`STATUS_NEAR_PI`.

    Returns
    -------
    v1, v2
        Velocities at r1 and r2, km/s, shape (..., 3); NaN where the status is 2 or 3.
    status
        Per-sample :data:`STATUS_OK`, :data:`STATUS_NEAR_PI`, :data:`STATUS_DEGENERATE`,
        :data:`STATUS_NO_CONVERGENCE` (int8, shape (...)).
    """
    r1 = np.asarray(r1, dtype=float)
    r2 = np.asarray(r2, dtype=float)
    tof = np.asarray(tof_s, dtype=float)
    shape = np.broadcast_shapes(r1.shape[:-1], r2.shape[:-1], tof.shape)
    r1 = np.broadcast_to(r1, (*shape, 3)).reshape(-1, 3)
    r2 = np.broadcast_to(r2, (*shape, 3)).reshape(-1, 3)
    tof = np.broadcast_to(tof, shape).reshape(-1)
    if np.any(~(tof > 0)):
        raise LambertError("time of flight must be positive")
    normal_v = np.asarray(normal, dtype=float)

    r1n = np.linalg.norm(r1, axis=1)
    r2n = np.linalg.norm(r2, axis=1)
    long_way = _long_way(r1, r2, way, normal_v)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_dnu = np.einsum("ij,ij->i", r1, r2) / (r1n * r2n)
    one_plus_cos = np.clip(1.0 + cos_dnu, 0.0, 2.0)
    a = np.where(long_way, -1.0, 1.0) * np.sqrt(r1n * r2n * one_plus_cos)
    dnu = transfer_angle_rad(r1, r2, long_way)

    status = np.zeros(tof.shape, dtype=np.int8)
    status[np.abs(dnu - math.pi) < math.radians(near_pi_deg)] = STATUS_NEAR_PI
    degenerate = (one_plus_cos < _DEGENERATE_1PCOS) | ~(r1n > 0) | ~(r2n > 0)
    status[degenerate] = STATUS_DEGENERATE
    live = ~degenerate

    sqmu = math.sqrt(mu)
    n = tof.size
    hi = np.full(n, _Z_MAX * (1.0 - 1e-12))
    lo = np.full(n, -_Z_MAX)
    # Widen the lower end until t(lo) < tof (hyperbolic, fast transfers need z ≪ 0); cosh
    # overflows near z ≈ -5e5, which is a flight far faster than any real transfer.
    for _ in range(20):
        t_lo, _y = _tof_of_z(lo, a, r1n, r2n, sqmu)
        need = live & (t_lo > tof)
        if not need.any():
            break
        lo = np.where(need, lo * 2.0, lo)
    t_lo, _y = _tof_of_z(lo, a, r1n, r2n, sqmu)
    no_bracket = live & (t_lo > tof)
    status[no_bracket] = STATUS_NO_CONVERGENCE
    live &= ~no_bracket

    for _ in range(200):
        mid = 0.5 * (lo + hi)
        t_mid, _y = _tof_of_z(mid, a, r1n, r2n, sqmu)
        below = t_mid < tof
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
        if np.all(hi - lo <= 4e-16 * np.maximum(np.abs(hi), 1.0)):
            break

    z = 0.5 * (lo + hi)
    _t, y = _tof_of_z(z, a, r1n, r2n, sqmu)
    y = np.maximum(y, 0.0)
    f = 1.0 - y / r1n
    g = a * np.sqrt(y / mu)
    gdot = 1.0 - y / r2n
    with np.errstate(invalid="ignore", divide="ignore"):
        v1 = (r2 - f[:, None] * r1) / g[:, None]
        v2 = (gdot[:, None] * r2 - r1) / g[:, None]
    v1[~live] = np.nan
    v2[~live] = np.nan
    return v1.reshape(*shape, 3), v2.reshape(*shape, 3), status.reshape(shape)


def lambert(
    mu: float,
    r1: ArrayLike,
    r2: ArrayLike,
    tof_s: float,
    *,
    way: Way = "prograde",
    normal: ArrayLike = (0.0, 0.0, 1.0),
    near_pi_deg: float = NEAR_PI_DEG,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Solve one zero-revolution Lambert problem.

    Parameters are those of :func:`lambert_batch` for a single case (r1, r2 shape (3,),
    km; ``tof_s`` seconds; ``mu`` km³/s²).

    Returns
    -------
    v1, v2
        Velocities at r1 and r2, km/s, shape (3,).

    Raises
    ------
    LambertError
        When r1 and r2 are collinear through the focus (Δν = 180° within round-off: no
        unique plane) or no solution was bracketed.

    Warns
    -----
    NearPiTransferWarning
        When Δν is within ``near_pi_deg`` of 180°.
    """
    v1, v2, status = lambert_batch(
        mu, r1, r2, tof_s, way=way, normal=normal, near_pi_deg=near_pi_deg
    )
    code = int(status)
    if code == STATUS_DEGENERATE:
        raise LambertError(
            "r1 and r2 are collinear with the focus (transfer angle 180° or a zero radius): "
            "the transfer plane is undefined"
        )
    if code == STATUS_NO_CONVERGENCE:
        raise LambertError(f"no zero-revolution transfer found for a flight time of {tof_s} s")
    if code == STATUS_NEAR_PI:
        warnings.warn(
            f"transfer angle within {near_pi_deg}° of 180°: the transfer plane is "
            "ill-conditioned and the velocities are large",
            NearPiTransferWarning,
            stacklevel=2,
        )
    return v1, v2
