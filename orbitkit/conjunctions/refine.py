"""Exact refinement of screened intervals: the time of closest approach (TCA) and the miss
distance of every local minimum of the distance, on SGP4 itself.

The screen (:mod:`orbitkit.conjunctions.screen`) hands over intervals ``(t_a, t_b]`` of a
pair that may hold a minimum closer than the threshold ``D``. Here every interval is
settled with SGP4 states (no interpolation):

1. **Prune.** With the relative position ``rho`` and velocity ``u`` at both ends, and a
   bound ``A`` on the relative acceleration (:func:`relative_acceleration_bound`), the
   distance over the first half is at least ``min |rho_a + u_a tau| - A tau^2 / 2`` and
   over the second half likewise from ``t_b`` backwards: an interval whose lower bound
   exceeds ``D`` holds no event and is dropped.
2. **One root or split.** A minimum of the distance is a zero of
   ``f = rho . u = d(|rho|^2 / 2)/dt`` where ``f`` goes from negative to non-negative.
   ``f' = |u|^2 + rho . alpha >= |u|^2 - |rho| A``; where a lower bound of that is positive
   over the whole interval, ``f`` is increasing there and has at most one zero, which
   exists exactly when ``f(t_a) < 0 <= f(t_b)``. Where instead ``|f'| <= F`` (``F = U^2 +
   rho_max A``, ``U`` the larger end speed plus ``A L / 2``) and both ends have one sign with
   ``f(t_a) + f(t_b) + F L < 0`` (or, positive, ``f(t_a) + f(t_b) - F L > 0``), ``f`` cannot
   reach zero inside: the distance is monotone and the interval holds no minimum. This
   settles the pairs flying in formation or in one train (metres per second apart), whose
   ``|u|^2`` never beats ``|rho| A`` and would otherwise be halved down to the floor over the
   whole day. Otherwise the interval is halved (SGP4 at
   the midpoint) and both halves go back to step 1. Halving stops at
   :data:`MIN_SPLIT_S`; below it the sign test decides (two minima closer than that need
   a relative velocity reversing within it, below ~5 cm/s for any orbit above 100 km).
3. **Solve.** Safeguarded Newton on ``f`` (``f'`` from the two-body gravity of both
   objects at the current states), inside the shrinking bracket, falling back to the
   bracket's midpoint; each step propagates both objects with SGP4. It stops when the
   bracket or the step is below :data:`TCA_TOLERANCE_S` (1 µs). SGP4's velocity is not
   exactly the derivative of its position, which moves that zero by milliseconds for
   pairs only metres per second apart; a last parabolic step on ``|rho|^2`` from positions
   alone puts the TCA on the minimum of SGP4's own distance (the tests compare with a
   golden-section search on positions: within 1 ms), and the miss is ``|rho|`` there.

Half-open intervals make an event on a shared end belong to exactly one interval.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MU_KM3_S2",
    "MIN_SPLIT_S",
    "TCA_TOLERANCE_S",
    "relative_acceleration_bound",
    "segment_min_distance",
    "rtn_components",
    "rtn_matrix",
    "refine_intervals",
    "sgp4_states",
]

#: Earth's gravitational parameter of SGP4's WGS72 constants [km^3/s^2].
MU_KM3_S2 = 398600.8
#: Intervals are not halved below this length [s] (see the module docstring, step 2).
MIN_SPLIT_S = 0.25
#: Bracket width at which the TCA search stops [s].
TCA_TOLERANCE_S = 1e-6
# Newton iterations allowed before giving the bracket's midpoint.
_MAX_ITER = 60


def relative_acceleration_bound(rho_max_km: np.ndarray, r_min_km: np.ndarray,
                                floor_km_s2: np.ndarray) -> np.ndarray:
    """Bound on ``|a_2 - a_1|`` [km/s^2] for two objects at most ``rho_max_km`` apart, both at
    least ``r_min_km`` from the Earth's centre.

    The gravity difference is at most the largest gravity-gradient eigenvalue ``2 mu/r^3``
    times the separation, taken at the lowest point of the chord between them
    (``r_min - rho^2/(8 r_min)``), and never more than both accelerations together;
    ``1.05`` covers J2 and higher zonal gradients (J2's is ~2 % of the central one in
    LEO). ``floor_km_s2`` adds what is not a gradient: drag, third bodies, SGP4's own
    modelling (see :func:`orbitkit.conjunctions.screen.orbit_bounds`).
    """
    rho = np.asarray(rho_max_km, dtype=float)
    r = np.asarray(r_min_km, dtype=float)
    r_eff = np.maximum(r - rho * rho / (8.0 * r), 0.5 * r)
    gradient = 2.0 * MU_KM3_S2 * rho / r_eff ** 3
    total = 2.0 * MU_KM3_S2 / r_eff ** 2
    return 1.05 * np.minimum(gradient, total) + floor_km_s2


def segment_min_distance(rho: np.ndarray, u: np.ndarray, tau_max: np.ndarray) -> np.ndarray:
    """``min |rho + u tau|`` over ``0 <= tau <= tau_max``, row by row ((n, 3) arrays) [km]."""
    uu = np.einsum("ij,ij->i", u, u)
    ru = np.einsum("ij,ij->i", rho, u)
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = np.where(uu > 0, -ru / uu, 0.0)
    tau = np.clip(tau, 0.0, tau_max)
    closest = rho + u * tau[:, None]
    return np.sqrt(np.einsum("ij,ij->i", closest, closest))


def rtn_matrix(r_km: np.ndarray, v_km_s: np.ndarray) -> np.ndarray:
    """(..., 3, 3) rows R, T, N (radial, in-track, cross-track) of the frame of ``(r, v)``."""
    r = np.asarray(r_km, dtype=float)
    v = np.asarray(v_km_s, dtype=float)
    rhat = r / np.linalg.norm(r, axis=-1, keepdims=True)
    h = np.cross(r, v)
    nhat = h / np.linalg.norm(h, axis=-1, keepdims=True)
    that = np.cross(nhat, rhat)
    return np.stack((rhat, that, nhat), axis=-2)


def rtn_components(r_km: np.ndarray, v_km_s: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """Components of ``vec`` in the radial/in-track/cross-track frame of ``(r, v)``."""
    m = rtn_matrix(r_km, v_km_s)
    return np.einsum("...ij,...j->...i", m, np.asarray(vec, dtype=float))


def sgp4_states(satrecs: list, jd0: float, fr0: float, obj: np.ndarray,
                t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TEME states of object ``obj[k]`` at ``t_s[k]`` seconds after ``(jd0, fr0)``.

    One :meth:`Satrec.sgp4_array` call per distinct object. Returns ``(r, v, ok)`` with
    ``ok`` False where sgp4 flagged the sample (its position is then NaN).
    """
    obj = np.asarray(obj, dtype=np.int64)
    t_s = np.asarray(t_s, dtype=float)
    n = obj.size
    r = np.full((n, 3), np.nan)
    v = np.full((n, 3), np.nan)
    ok = np.zeros(n, dtype=bool)
    if n == 0:
        return r, v, ok
    order = np.argsort(obj, kind="stable")
    sorted_obj = obj[order]
    bounds = np.flatnonzero(np.r_[True, sorted_obj[1:] != sorted_obj[:-1], True])
    fr_all = fr0 + t_s / 86400.0
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rows = order[lo:hi]
        sat = satrecs[int(sorted_obj[lo])]
        fr = fr_all[rows]
        err, rr, vv = sat.sgp4_array(np.full(fr.size, jd0), fr)
        good = np.asarray(err) == 0
        r[rows] = np.where(good[:, None], rr, np.nan)
        v[rows] = np.where(good[:, None], vv, np.nan)
        ok[rows] = good
    return r, v, ok


def _gravity(r: np.ndarray) -> np.ndarray:
    rr = np.linalg.norm(r, axis=1, keepdims=True)
    return -MU_KM3_S2 * r / rr ** 3


def refine_intervals(satrecs: list, jd0: float, fr0: float, i1: np.ndarray, i2: np.ndarray,
                     t_a: np.ndarray, t_b: np.ndarray, threshold_km: float,
                     r_min_km: np.ndarray, floor_km_s2: np.ndarray,
                     v_max_km_s: np.ndarray) -> dict[str, np.ndarray]:
    """Every local minimum of the distance below ``threshold_km`` in the given intervals.

    Parameters
    ----------
    satrecs
        Initialised sgp4 ``Satrec`` objects, indexed by the object numbers below.
    jd0, fr0
        Two-part UTC Julian date of time 0.
    i1, i2
        (n,) object numbers of each pair.
    t_a, t_b
        (n,) interval ends [s after time 0]; minima are searched in ``(t_a, t_b]``.
    threshold_km
        Keep minima at or below this distance.
    r_min_km, floor_km_s2, v_max_km_s
        Per object (indexed by object number): lowest radius, non-gradient acceleration
        bound, highest speed (see :func:`orbitkit.conjunctions.screen.orbit_bounds`).

    Returns
    -------
    dict
        Arrays ``i1, i2, tca_s, miss_km, r1, v1, r2, v2`` (one row per event, TEME km and
        km/s) and counters ``splits``, ``solves``, ``skipped`` (intervals with a sample sgp4
        flagged).
    """
    i1 = np.asarray(i1, dtype=np.int64)
    i2 = np.asarray(i2, dtype=np.int64)
    ta = np.asarray(t_a, dtype=float)
    tb = np.asarray(t_b, dtype=float)
    D = float(threshold_km)
    out = {k: [] for k in ("i1", "i2", "tca_s", "miss_km", "r1", "v1", "r2", "v2")}
    counts = {"splits": 0, "solves": 0, "skipped": 0}

    def states(t: np.ndarray, a: np.ndarray, b: np.ndarray):
        objs = np.concatenate([a, b])
        ts = np.concatenate([t, t])
        r, v, ok = sgp4_states(satrecs, jd0, fr0, objs, ts)
        n = a.size
        return r[:n], v[:n], r[n:], v[n:], ok[:n] & ok[n:]

    ra1, va1, ra2, va2, oka = states(ta, i1, i2)
    rb1, vb1, rb2, vb2, okb = states(tb, i1, i2)
    solve_rows: list[tuple] = []
    while i1.size:
        good = oka & okb
        counts["skipped"] += int((~good).sum())
        keep = np.flatnonzero(good)
        (i1, i2, ta, tb, ra1, va1, ra2, va2, rb1, vb1, rb2, vb2) = (
            x[keep] for x in (i1, i2, ta, tb, ra1, va1, ra2, va2, rb1, vb1, rb2, vb2))
        if not i1.size:
            break
        L = tb - ta
        rho_a, u_a = ra2 - ra1, va2 - va1
        rho_b, u_b = rb2 - rb1, vb2 - vb1
        da = np.linalg.norm(rho_a, axis=1)
        db = np.linalg.norm(rho_b, axis=1)
        ua = np.linalg.norm(u_a, axis=1)
        ub = np.linalg.norm(u_b, axis=1)
        vpair = v_max_km_s[i1] + v_max_km_s[i2]
        rho_max = np.maximum(da, db) + vpair * L / 2.0
        rmin = np.minimum(r_min_km[i1], r_min_km[i2])
        floor = floor_km_s2[i1] + floor_km_s2[i2]
        A = relative_acceleration_bound(rho_max, rmin, floor)
        half = L / 2.0
        lb = np.minimum(segment_min_distance(rho_a, u_a, half),
                        segment_min_distance(rho_b, -u_b, half)) - A * L * L / 8.0
        alive = lb <= D
        # monotone f over each half, from its nearer end
        ga = np.maximum(ua - A * half, 0.0) ** 2 - A * (da + ua * half + A * half ** 2 / 2)
        gb = np.maximum(ub - A * half, 0.0) ** 2 - A * (db + ub * half + A * half ** 2 / 2)
        mono = (ga > 0) & (gb > 0)
        fa = np.einsum("ij,ij->i", rho_a, u_a)
        fb = np.einsum("ij,ij->i", rho_b, u_b)
        bracket = (fa < 0) & (fb >= 0)
        # no zero of f inside: |f'| <= |u|^2 + |rho| A <= fp, so f stays within fp (t - t_a)
        # of f(t_a) and fp (t_b - t) of f(t_b); when both ends have one sign and those
        # cones do not meet zero, the distance is monotone over the interval
        u_top = np.maximum(ua, ub) + A * half
        fp = u_top * u_top + rho_max * A
        no_root = ((fa < 0) & (fb < 0) & (fa + fb + fp * L < 0)) | \
            ((fa > 0) & (fb > 0) & (fa + fb - fp * L > 0))
        alive &= ~no_root
        settle = alive & (mono | (L <= MIN_SPLIT_S))
        solve = settle & bracket
        if solve.any():
            s = np.flatnonzero(solve)
            solve_rows.append(tuple(x[s] for x in (i1, i2, ta, tb, fa, fb)))
        split = np.flatnonzero(alive & ~settle)
        counts["splits"] += int(split.size)
        if not split.size:
            break
        # halve: children (ta, tm] and (tm, tb]
        tm = (ta[split] + tb[split]) / 2.0
        rm1, vm1, rm2, vm2, okm = states(tm, i1[split], i2[split])
        i1 = np.concatenate([i1[split], i1[split]])
        i2 = np.concatenate([i2[split], i2[split]])
        new_ta = np.concatenate([ta[split], tm])
        new_tb = np.concatenate([tm, tb[split]])
        ra1, va1, ra2, va2 = (np.concatenate([x[split], y]) for x, y in
                              ((ra1, rm1), (va1, vm1), (ra2, rm2), (va2, vm2)))
        rb1, vb1, rb2, vb2 = (np.concatenate([y, x[split]]) for x, y in
                              ((rb1, rm1), (vb1, vm1), (rb2, rm2), (vb2, vm2)))
        oka = np.concatenate([oka[split], okm])
        okb = np.concatenate([okm, okb[split]])
        ta, tb = new_ta, new_tb
    if solve_rows:
        s1, s2, sa, sb, sfa, sfb = (np.concatenate(c) for c in zip(*solve_rows, strict=True))
        counts["solves"] = int(s1.size)
        res = _solve(satrecs, jd0, fr0, s1, s2, sa, sb, sfa, sfb)
        hit = res["miss_km"] <= D
        for k in out:
            out[k] = res[k][hit]
    else:
        for k in ("i1", "i2"):
            out[k] = np.zeros(0, dtype=np.int64)
        for k in ("tca_s", "miss_km"):
            out[k] = np.zeros(0)
        for k in ("r1", "v1", "r2", "v2"):
            out[k] = np.zeros((0, 3))
    out.update(counts)
    return out


def _solve(satrecs, jd0, fr0, i1, i2, lo, hi, flo, fhi) -> dict[str, np.ndarray]:
    """Zero of f = rho . u in (lo, hi] with f(lo) < 0 <= f(hi), f increasing: Newton kept
    inside the bracket (regula falsi start, midpoint fallback)."""
    n = i1.size
    lo = lo.copy()
    hi = hi.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        t = lo + (hi - lo) * (-flo) / (fhi - flo)
    t = np.where(np.isfinite(t), t, (lo + hi) / 2)
    active = np.ones(n, dtype=bool)
    r1 = np.zeros((n, 3))
    v1 = np.zeros((n, 3))
    r2 = np.zeros((n, 3))
    v2 = np.zeros((n, 3))
    for _ in range(_MAX_ITER):
        idx = np.flatnonzero(active)
        if not idx.size:
            break
        objs = np.concatenate([i1[idx], i2[idx]])
        ts = np.concatenate([t[idx], t[idx]])
        r, v, _ok = sgp4_states(satrecs, jd0, fr0, objs, ts)
        m = idx.size
        r1[idx], v1[idx], r2[idx], v2[idx] = r[:m], v[:m], r[m:], v[m:]
        rho = r[m:] - r[:m]
        u = v[m:] - v[:m]
        alpha = _gravity(r[m:]) - _gravity(r[:m])
        f = np.einsum("ij,ij->i", rho, u)
        fp = np.einsum("ij,ij->i", u, u) + np.einsum("ij,ij->i", rho, alpha)
        ti = t[idx]
        neg = f < 0
        lo[idx] = np.where(neg, ti, lo[idx])
        hi[idx] = np.where(neg, hi[idx], ti)
        with np.errstate(invalid="ignore", divide="ignore"):
            step = -f / fp
        cand = ti + step
        inside = np.isfinite(cand) & (cand > lo[idx]) & (cand < hi[idx])
        new_t = np.where(inside, cand, (lo[idx] + hi[idx]) / 2)
        done = (np.abs(new_t - ti) < 1e-6) | (hi[idx] - lo[idx] < 1e-6) | (f == 0)
        t[idx] = np.where(done, ti, new_t)
        active[idx[done]] = False
    # Polish on positions alone: SGP4's velocity is not exactly the derivative of its
    # position (its short-period terms are differentiated approximately), so the zero of
    # rho . u sits a few ms off the distance minimum when the relative speed is only metres
    # per second. Near TCA |rho|^2 is a parabola in time to high order (exactly one for
    # straight-line motion): its vertex through t -+ 0.2 s is the minimum.
    dt = 0.2
    objs = np.concatenate([i1, i2, i1, i2])
    ts = np.concatenate([t - dt, t - dt, t + dt, t + dt])
    r, _v, _ok = sgp4_states(satrecs, jd0, fr0, objs, ts)
    dm = np.sum((r[n:2 * n] - r[:n]) ** 2, axis=1)
    dp = np.sum((r[3 * n:] - r[2 * n:3 * n]) ** 2, axis=1)
    d0 = np.sum((r2 - r1) ** 2, axis=1)
    curv = dm + dp - 2.0 * d0
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(curv > 0, dt * (dm - dp) / (2.0 * curv), 0.0)
    shift = np.where(np.isfinite(shift), np.clip(shift, -dt, dt), 0.0)
    t = t + shift
    r, v, _ok = sgp4_states(satrecs, jd0, fr0, np.concatenate([i1, i2]),
                            np.concatenate([t, t]))
    r1, v1, r2, v2 = r[:n], v[:n], r[n:], v[n:]
    rho = r2 - r1
    return {"i1": i1, "i2": i2, "tca_s": t, "miss_km": np.linalg.norm(rho, axis=1),
            "r1": r1, "v1": v1, "r2": r2, "v2": v2}
