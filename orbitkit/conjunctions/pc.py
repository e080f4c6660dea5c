"""Collision probability in the encounter plane: Foster (1992), Chan (1997), and the
maximum probability of Alfano (2005) that SOCRATES reports when no covariance is known.

The short-encounter model (all three): the two objects move on straight lines with fixed
velocities through the encounter, their position errors are Gaussian and independent, so
the relative position error has the summed covariance ``C = C1 + C2``. Collision means
the relative position passes within the combined hard-body radius ``R``. Projected on the
*encounter plane* (normal to the relative velocity), that is the probability mass of the
2-D Gaussian ``N(miss, C_2d)`` inside the circle of radius ``R`` about the origin.

* :func:`foster_pc` integrates that mass numerically: for each ``x`` across the circle the
  inner integral over ``z`` is exact (the conditional Gaussian's error functions), the
  outer one is composite Gauss-Legendre over the part of the circle where the Gaussian
  has mass. As NASA CARA's ``Pc2D_Foster.m``: encounter frame ``y = v/|v|``,
  ``z = r x v / |r x v|``, ``x = y x z``; miss at ``(|r|, 0)``; also the square and
  equal-area-square hard bodies of CARA's unit tests.
* :func:`chan_pc` is Chan's series: the ellipse is replaced by the circle of equal area in
  the space where the Gaussian is isotropic (Chan 1997, "Collision probability analyses for
  Earth-orbiting satellites"), good when ``R`` is small next to the standard deviations.
* :func:`alfano_max_pc` is SOCRATES's maximum probability: the covariance ellipse has a
  fixed aspect ratio (from 100 m / 300 m / 100 m radial / in-track / cross-track for each
  object, projected on the encounter plane) and is oriented and sized to give the largest
  Pc: the miss along the major axis, the size found by a golden-section search. The
  standard deviation (along the miss) at that size is the *dilution threshold*.
  :func:`alfano_max_pc_many` does this for all events of a screen at once (the same grid
  and golden section, every event stepping together on (events, nodes) arrays); its Pc
  integrates the other way round from Foster's, exactly along the wide axis and by a
  fixed 32-node rule along the narrow one, which one rule serves for every size (see the
  comment above ``_alfano_pc``).

A covariance that is not positive definite (in 3-D or once projected) gives Pc 0 with a
warning, as CARA's unit test for it expects.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from orbitkit.conjunctions.refine import rtn_matrix

__all__ = [
    "foster_pc",
    "chan_pc",
    "alfano_max_pc",
    "alfano_max_pc_many",
    "encounter_plane",
    "rtn_to_eci_covariance",
    "NonPositiveDefiniteWarning",
    "ChanAccuracyWarning",
    "CHAN_MAX_HBR_OVER_SIGMA",
    "SOCRATES_SIGMA_RTN_KM",
]

#: SOCRATES's covariance shape: 1-sigma radial, in-track, cross-track [km] of each object.
SOCRATES_SIGMA_RTN_KM = (0.1, 0.3, 0.1)

_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)
_SQRT1_2 = 1.0 / math.sqrt(2.0)


class NonPositiveDefiniteWarning(UserWarning):
    """A covariance is not positive definite: the probability is reported as 0."""


def _phi(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF of an array, as ``0.5 (1 + erf(x / sqrt 2))``.

    The same formula as the scalar ``math.erf`` loop it replaces (so Foster's sums do not move
    beyond the last bits), vectorised by scipy's erf; scipy loads here, not at import.
    """
    from scipy.special import erf

    return 0.5 * (1.0 + erf(np.asarray(x, dtype=float) * _SQRT1_2))


def rtn_to_eci_covariance(r_km: np.ndarray, v_km_s: np.ndarray, cov_rtn: np.ndarray) -> np.ndarray:
    """A 3x3 or 6x6 covariance in the object's RTN frame, rotated to the inertial frame."""
    m = rtn_matrix(r_km, v_km_s).T  # columns R, T, N in inertial axes
    c = np.asarray(cov_rtn, dtype=float)
    if c.shape == (3, 3):
        return m @ c @ m.T
    big = np.zeros((6, 6))
    big[:3, :3] = m
    big[3:, 3:] = m
    return big @ c @ big.T


def encounter_plane(r1_km, v1_km_s, r2_km, v2_km_s, cov_km2) -> tuple[float, np.ndarray,
                                                                     np.ndarray]:
    """Miss distance, 2x2 covariance in the encounter plane (x, z) and the frame rows.

    ``cov_km2`` is the combined 3x3 inertial position covariance. Returns
    ``(miss_km, C2, frame)`` with ``frame`` rows x, y, z (inertial axes).
    """
    r = np.asarray(r2_km, float) - np.asarray(r1_km, float)
    v = np.asarray(v2_km_s, float) - np.asarray(v1_km_s, float)
    y = v / np.linalg.norm(v)
    h = np.cross(r, v)
    z = h / np.linalg.norm(h)
    x = np.cross(y, z)
    frame = np.stack((x, y, z))
    c = frame @ np.asarray(cov_km2, float) @ frame.T
    c2 = c[np.ix_([0, 2], [0, 2])]
    return float(np.linalg.norm(r)), 0.5 * (c2 + c2.T), frame


def _check_pd(cov: np.ndarray, what: str) -> bool:
    c = 0.5 * (cov + cov.T)
    try:
        w = np.linalg.eigvalsh(c)
    except np.linalg.LinAlgError:
        w = np.array([-1.0])
    if not np.all(np.isfinite(w)) or w.min() <= 0.0:
        warnings.warn(f"{what} is not positive definite (smallest eigenvalue {w.min():.3g}): "
                      "collision probability reported as 0", NonPositiveDefiniteWarning,
                      stacklevel=3)
        return False
    return True


def _mass(x0: float, c2: np.ndarray, hbr_km: float, shape: str = "circle") -> float:
    """Mass of N((x0, 0), c2) inside the hard body about the origin (same as N(0, c2)
    inside the body about (x0, 0))."""
    sxx, sxz, szz = c2[0, 0], c2[0, 1], c2[1, 1]
    sx = math.sqrt(sxx)
    cond_var = szz - sxz * sxz / sxx
    cs = math.sqrt(max(cond_var, 0.0))
    R = float(hbr_km)
    if shape == "squareEquArea":
        R = R * math.sqrt(math.pi) / 2.0
        shape = "square"
    # x range where both the body and 8 sigma of the marginal lie
    lo = max(x0 - R, -8.0 * sx)
    hi = min(x0 + R, 8.0 * sx)
    if lo >= hi:
        return 0.0
    # panels: the integrand varies on the scale of the smaller standard deviation
    scale = min(sx, cs) if cs > 0 else sx
    panels = int(min(64, max(2, math.ceil(4.0 * (hi - lo) / scale))))
    if shape == "circle":
        # x = x0 + R sin(theta): dx = R cos(theta) d(theta), half-height R cos(theta)
        th_lo = math.asin(max(-1.0, min(1.0, (lo - x0) / R)))
        th_hi = math.asin(max(-1.0, min(1.0, (hi - x0) / R)))
        edges = np.linspace(th_lo, th_hi, panels + 1)
        mid = (edges[:-1] + edges[1:]) / 2
        half = (edges[1:] - edges[:-1]) / 2
        th = (mid[:, None] + half[:, None] * _GL_X[None]).ravel()
        w = (half[:, None] * _GL_W[None]).ravel()
        x = x0 + R * np.sin(th)
        zh = R * np.cos(th)
        jac = R * np.cos(th)
    else:
        edges = np.linspace(lo, hi, panels + 1)
        mid = (edges[:-1] + edges[1:]) / 2
        half = (edges[1:] - edges[:-1]) / 2
        x = (mid[:, None] + half[:, None] * _GL_X[None]).ravel()
        w = (half[:, None] * _GL_W[None]).ravel()
        zh = np.full(x.size, R)
        jac = np.ones(x.size)
    # the Gaussian is centred at the origin and the body at (x0, 0): mean 0
    px = np.exp(-0.5 * x * x / sxx) / (math.sqrt(2 * math.pi) * sx)
    mz = sxz / sxx * x
    if cs > 0:
        inner = _phi((zh - mz) / cs) - _phi((-zh - mz) / cs)
    else:
        inner = ((mz <= zh) & (mz >= -zh)).astype(float)
    return float(np.sum(w * jac * px * inner))


def _encounter(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2):
    """(miss [km], combined 2x2 encounter-plane covariance [km^2]) for the 2-D Pc methods,
    or ``None`` (with a :class:`NonPositiveDefiniteWarning`) when a position covariance or
    their combination in the plane is not positive definite: CARA's Pc 0."""
    c1 = np.asarray(cov1_km2, float)[:3, :3]
    c2 = np.asarray(cov2_km2, float)[:3, :3]
    if not (_check_pd(c1, "object 1's position covariance")
            and _check_pd(c2, "object 2's position covariance")):
        return None
    miss, cp, _ = encounter_plane(r1_km, v1_km_s, r2_km, v2_km_s, c1 + c2)
    if not _check_pd(cp, "the combined covariance in the encounter plane"):
        return None
    return miss, cp


def foster_pc(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2, hbr_km: float, *,
              shape: str = "circle") -> float:
    """Foster (1992) 2-D collision probability.

    Parameters
    ----------
    r1_km, v1_km_s, r2_km, v2_km_s
        Inertial states at TCA [km, km/s].
    cov1_km2, cov2_km2
        Inertial position covariances [km^2]: 3x3, or 6x6 of which the position block is
        used.
    hbr_km
        Combined hard-body radius [km].
    shape
        ``"circle"`` (default), ``"square"`` (side ``2 R``) or ``"squareEquArea"`` (the
        square of the circle's area), as CARA's ``Pc2D_Foster``.

    Returns
    -------
    float
        Probability; 0 with a :class:`NonPositiveDefiniteWarning` when a covariance is not
        positive definite.
    """
    plane = _encounter(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2)
    if plane is None:
        return 0.0
    miss, cp = plane
    return min(1.0, _mass(miss, cp, hbr_km, shape))


#: Hard-body radius over the smaller encounter-plane standard deviation above which Chan's
#: series is warned about: on NASA CARA's cases it is within 0.01 % of Foster at 0.025,
#: 3.5 % off at 0.53 and a factor 2-30 off from 2.6 up (the Alfano 2009 GEO cases).
CHAN_MAX_HBR_OVER_SIGMA = 0.5


class ChanAccuracyWarning(UserWarning):
    """Chan's equal-area series is used with a hard body large next to the covariance."""


def chan_pc(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2, hbr_km: float, *,
            terms: int = 400) -> float:
    """Chan (1997) series for the 2-D collision probability (equal-area circle).

    The series replaces the hard-body circle by the circle of equal area in the space where
    the Gaussian is isotropic: good while the body is small next to the smaller standard
    deviation. Above :data:`CHAN_MAX_HBR_OVER_SIGMA` times it a
    :class:`ChanAccuracyWarning` says so (use :func:`foster_pc` there).
    """
    plane = _encounter(r1_km, v1_km_s, cov1_km2, r2_km, v2_km_s, cov2_km2)
    if plane is None:
        return 0.0
    miss, cp = plane
    w, vec = np.linalg.eigh(cp)
    sx, sz = math.sqrt(w[1]), math.sqrt(w[0])
    if hbr_km > CHAN_MAX_HBR_OVER_SIGMA * sz:
        warnings.warn(f"the hard-body radius is {hbr_km / sz:.3g} times the smaller standard "
                      "deviation in the encounter plane: Chan's equal-area series is "
                      "unreliable there (a factor 2-30 off on NASA CARA's cases above 2.6); "
                      "use Foster's integral", ChanAccuracyWarning, stacklevel=2)
    xm, zm = miss * vec[0, 1], miss * vec[0, 0]  # miss (miss, 0) in principal axes
    u = hbr_km ** 2 / (sx * sz)
    v = xm * xm / (sx * sx) + zm * zm / (sz * sz)
    # Pc = e^{-v/2} sum_m (v/2)^m/m! [1 - e^{-u/2} sum_{k<=m} (u/2)^k/k!]
    total = 0.0
    log_vm = 0.0  # log((v/2)^m / m!)
    inner = 0.0   # sum_{k<=m} (u/2)^k/k!
    log_uk = 0.0
    for m in range(terms):
        if m:
            log_vm += math.log(v / 2.0) - math.log(m) if v > 0 else -math.inf
            log_uk += math.log(u / 2.0) - math.log(m) if u > 0 else -math.inf
        inner += math.exp(log_uk)
        bracket = -math.expm1(math.log(inner) - u / 2.0) if inner > 0 else 1.0
        term = math.exp(log_vm - v / 2.0) * bracket if log_vm > -math.inf else 0.0
        total += term
        if m > v and term < 1e-16 * max(total, 1e-300):
            break
        if v == 0:
            break
    return min(1.0, max(0.0, total))


def _socrates_aspect(r1, v1, r2, v2) -> float:
    sig = np.diag(np.square(SOCRATES_SIGMA_RTN_KM))
    c = rtn_to_eci_covariance(r1, v1, sig) + rtn_to_eci_covariance(r2, v2, sig)
    _, cp, _ = encounter_plane(r1, v1, r2, v2, c)
    w = np.linalg.eigvalsh(cp)
    return math.sqrt(w[1] / w[0])


# Alfano's maximum, all events at once. With the miss (x0, 0) along the major axis and the
# covariance diag(s^2, (s / AR)^2), the mass inside the circle is, integrating first along x
# (the wide axis, exactly: two normal CDFs) and then along z (the narrow axis) with
# z = R sin(theta):
#     Pc(s) = 2 int_0^theta_m pdf_z(R sin t) [Phi((w - x0)/s) - Phi((-w - x0)/s)] w dt,
# w = R cos t, theta_m = asin(min(1, 8 s_z / R)). The integrand is even and analytic in t
# (no square-root end point as in x or z), the Gaussian factor is cut where its tail is
# below 1e-15, and over [0, theta_m] the CDF arguments move by at most ~5.7 / AR units, so
# one fixed rule serves every event and size: the 32 positive nodes of 64-point
# Gauss-Legendre on [-theta_m, theta_m] agree with adaptive quadrature to ~1e-11 relative
# over R / miss in [0.02, 0.999], AR in [1, 20], s in [miss / 50, 50 miss].
_ALFANO_X, _ALFANO_W = (a[32:] for a in np.polynomial.legendre.leggauss(64))
_ALFANO_CUT_SIGMA = 8.0
_ALFANO_GRID = 41          # coarse sizes from miss / 50 to 50 miss (the one-event search's)
_ALFANO_SPAN = 50.0
_ALFANO_LOG_TOL = 1e-7     # golden section stops when the bracket in ln(sigma) is this wide
_ALFANO_MAX_STEPS = 60
_ALFANO_ROWS = 4096        # events per block: bounds the (rows, 32) temporaries to ~1 MB


def _alfano_pc(miss_km: np.ndarray, hbr_km: np.ndarray, aspect: np.ndarray,
               log_sigma: np.ndarray) -> np.ndarray:
    """Pc of N((miss, 0), diag(s^2, (s/AR)^2)) inside the circle of radius R about the
    origin, for 1-D arrays of equal length; ``s = exp(log_sigma)`` [km]."""
    from scipy.special import ndtr

    out = np.empty(miss_km.shape)
    for lo in range(0, miss_km.size, _ALFANO_ROWS):
        sl = slice(lo, lo + _ALFANO_ROWS)
        x0, r = miss_km[sl, None], hbr_km[sl, None]
        s = np.exp(log_sigma[sl])[:, None]
        sz = s / aspect[sl, None]
        th_m = np.arcsin(np.minimum(1.0, _ALFANO_CUT_SIGMA * sz / r))
        th = th_m * _ALFANO_X
        z, w = r * np.sin(th), r * np.cos(th)
        pdf_z = np.exp(-0.5 * (z / sz) ** 2) / (math.sqrt(2.0 * math.pi) * sz)
        # both arguments are negative (w <= R < miss): ndtr's lower tail keeps full
        # relative precision where 0.5 (1 + erf) would cancel
        band = ndtr((w - x0) / s) - ndtr((-w - x0) / s)
        out[sl] = 2.0 * np.sum((th_m * _ALFANO_W) * pdf_z * band * w, axis=1)
    return out


def _alfano_max_numerical(miss_km: np.ndarray, hbr_km: np.ndarray,
                          aspect: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The numerical maximum over ln(sigma) for 1-D arrays: a coarse grid brackets the peak,
    then a golden-section search, every event stepping together (an event whose bracket is
    narrow enough stops changing, as the one-event search would stop)."""
    n = miss_km.size
    frac = np.linspace(0.0, 1.0, _ALFANO_GRID)
    g_lo, g_hi = np.log(miss_km / _ALFANO_SPAN), np.log(miss_km * _ALFANO_SPAN)
    grid = g_lo[:, None] + (g_hi - g_lo)[:, None] * frac            # (n, 41)
    vals = _alfano_pc(np.repeat(miss_km, _ALFANO_GRID), np.repeat(hbr_km, _ALFANO_GRID),
                      np.repeat(aspect, _ALFANO_GRID), grid.ravel()).reshape(n, -1)
    k = np.argmax(vals, axis=1)
    rows = np.arange(n)
    a = grid[rows, np.maximum(k - 1, 0)]
    b = grid[rows, np.minimum(k + 1, _ALFANO_GRID - 1)]
    g = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - g * (b - a), a + g * (b - a)
    fc = _alfano_pc(miss_km, hbr_km, aspect, c)
    fd = _alfano_pc(miss_km, hbr_km, aspect, d)
    active = np.ones(n, dtype=bool)
    for _ in range(_ALFANO_MAX_STEPS):
        i = np.flatnonzero(active)
        if i.size == 0:
            break
        left = fc[i] > fd[i]        # the peak is in [a, d]: drop (d, b]
        il, ir = i[left], i[~left]
        b[il], d[il], fd[il] = d[il], c[il], fc[il]
        c[il] = b[il] - g * (b[il] - a[il])
        a[ir], c[ir], fc[ir] = c[ir], d[ir], fd[ir]
        d[ir] = a[ir] + g * (b[ir] - a[ir])
        new = np.where(left, c[i], d[i])
        f_new = _alfano_pc(miss_km[i], hbr_km[i], aspect[i], new)
        fc[il], fd[ir] = f_new[left], f_new[~left]
        active[i] = (b[i] - a[i]) >= _ALFANO_LOG_TOL
    best = (a + b) / 2.0
    return _alfano_pc(miss_km, hbr_km, aspect, best), np.exp(best)


def alfano_max_pc_many(miss_km, hbr_km, aspect_ratio) -> tuple[np.ndarray, np.ndarray]:
    """Maximum collision probability over covariance size (Alfano 2005) and the dilution
    threshold, for arrays of events at once.

    The covariance ellipse in the encounter plane has the given aspect ratio, its major
    axis along the miss, and the size that makes Pc largest: a 41-point grid in
    ln(sigma) from miss/50 to 50 miss brackets the peak, a golden-section search to
    1e-7 in ln(sigma) refines it, all events together on (events, nodes) arrays.

    Parameters
    ----------
    miss_km
        Miss distances [km], >= 0.
    hbr_km
        Combined hard-body radii [km], >= 0.
    aspect_ratio
        Major over minor standard deviation of the projected covariance ellipse (values
        below 1 are taken as 1).

    The three are broadcast together to one dimension.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The largest Pc and the standard deviation along the miss that gives it [km]. Where
        the hard body covers the miss, (1.0, 0.0), as SOCRATES states; where it is small
        (R < 0.02 miss), the closed form ``AR R^2 / (e miss^2)`` at ``miss / sqrt(2)``,
        within 0.1 % of the numerical maximum there.

    Raises
    ------
    ValueError
        A miss distance or radius that is negative or not finite, or an aspect ratio that
        is not finite.
    """
    miss, hbr, ar = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)).ravel()
                                          for v in (miss_km, hbr_km, aspect_ratio)))
    for name, v in (("miss_km", miss), ("hbr_km", hbr)):
        if not np.all(np.isfinite(v) & (v >= 0.0)):
            raise ValueError(f"alfano_max_pc_many: {name} must be finite and >= 0, found "
                             f"{v[~(np.isfinite(v) & (v >= 0.0))][0]!r}")
    if not np.all(np.isfinite(ar)):
        raise ValueError("alfano_max_pc_many: aspect_ratio must be finite, found "
                         f"{ar[~np.isfinite(ar)][0]!r}")
    return _alfano_max(miss, hbr, ar)


def _alfano_max(miss: np.ndarray, hbr: np.ndarray,
                ar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`alfano_max_pc_many` on checked 1-D arrays (a NaN input gives NaN out)."""
    ar = np.maximum(ar, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # small body: Pc = pi R^2 pdf(miss) (1 + O(R^2 / sigma^2)), largest at
        # sigma = miss / sqrt(2): AR R^2 / (e miss^2), to better than 0.1 % here
        pmax = ar * hbr ** 2 / (math.e * miss ** 2)
    dil = miss / math.sqrt(2.0)
    covered = hbr >= miss
    pmax[covered], dil[covered] = 1.0, 0.0
    num = np.flatnonzero((hbr >= 0.02 * miss) & ~covered)
    if num.size:
        pmax[num], dil[num] = _alfano_max_numerical(miss[num], hbr[num], ar[num])
    return pmax, dil


def alfano_max_pc(miss_km: float, hbr_km: float, aspect_ratio: float) -> tuple[float, float]:
    """Maximum collision probability over covariance size (Alfano 2005) and the dilution
    threshold, for one event (:func:`alfano_max_pc_many` with one element).

    Parameters
    ----------
    miss_km
        Miss distance [km].
    hbr_km
        Combined hard-body radius [km].
    aspect_ratio
        Major over minor standard deviation of the projected covariance ellipse (>= 1).

    Returns
    -------
    (float, float)
        The largest Pc over ellipse sizes with the miss along the major axis, and the
        standard deviation along the miss that gives it [km]. When the hard body covers
        the miss, (1.0, 0.0), as SOCRATES states.
    """
    p, s = alfano_max_pc_many(miss_km, hbr_km, aspect_ratio)
    return float(p[0]), float(s[0])


def socrates_max_probability_many(r1_km: np.ndarray, v1_km_s: np.ndarray, r2_km: np.ndarray,
                                  v2_km_s: np.ndarray,
                                  hbr_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`socrates_max_probability` for (n, 3) arrays of events at once (the aspect
    ratio vectorised; the numerical maximum only where the body is not small)."""
    r1, v1, r2, v2 = (np.asarray(x, float).reshape(-1, 3) for x in (r1_km, v1_km_s, r2_km,
                                                                     v2_km_s))
    hbr = np.broadcast_to(np.asarray(hbr_km, float), (r1.shape[0],))
    sig = np.diag(np.square(SOCRATES_SIGMA_RTN_KM))
    m1 = np.swapaxes(rtn_matrix(r1, v1), -1, -2)
    m2 = np.swapaxes(rtn_matrix(r2, v2), -1, -2)
    c = m1 @ sig @ np.swapaxes(m1, -1, -2) + m2 @ sig @ np.swapaxes(m2, -1, -2)
    rel = r2 - r1
    u = v2 - v1
    y = u / np.linalg.norm(u, axis=1, keepdims=True)
    h = np.cross(rel, u)
    z = h / np.linalg.norm(h, axis=1, keepdims=True)
    x = np.cross(y, z)
    a = np.einsum("ni,nij,nj->n", x, c, x)
    b = np.einsum("ni,nij,nj->n", x, c, z)
    d = np.einsum("ni,nij,nj->n", z, c, z)
    tr, det = a + d, a * d - b * b
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0.0))
    lmax, lmin = tr / 2 + disc, tr / 2 - disc
    ar = np.sqrt(lmax / lmin)
    miss = np.linalg.norm(rel, axis=1)
    return _alfano_max(miss, np.array(hbr), ar)


def socrates_max_probability(r1_km, v1_km_s, r2_km, v2_km_s,
                             hbr_km: float) -> tuple[float, float]:
    """SOCRATES's maximum probability and dilution threshold [km] for states at TCA."""
    miss = float(np.linalg.norm(np.asarray(r2_km) - np.asarray(r1_km)))
    ar = _socrates_aspect(np.asarray(r1_km, float), np.asarray(v1_km_s, float),
                          np.asarray(r2_km, float), np.asarray(v2_km_s, float))
    return alfano_max_pc(miss, hbr_km, ar)
