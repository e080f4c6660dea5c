"""An independent brute-force conjunction search, the reference of the screening tests.

Nothing from orbitkit.conjunctions is used: every pair of objects is sampled densely with
sgp4's SatrecArray (every ``step_s``), every sampled local minimum of the distance
closer than ``threshold + v_rel step`` is refined by golden-section search on SGP4 itself
between its neighbouring samples. With a 10-15 s step and relative speeds under 16 km/s a
fly-by's distance is unimodal over the 20 s around its closest sample, so every minimum
below the threshold is a sampled local minimum (and slow pairs' minima are broad).
"""

from __future__ import annotations

import math

import numpy as np
from sgp4.api import SatrecArray


def _dist(sat1, sat2, jd0, fr0, t):
    e1, r1, _ = sat1.sgp4(jd0, fr0 + t / 86400.0)
    e2, r2, _ = sat2.sgp4(jd0, fr0 + t / 86400.0)
    return math.dist(r1, r2)


def _golden(f, a, b, tol=1e-6):
    g = (math.sqrt(5.0) - 1.0) / 2.0
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    t = (a + b) / 2.0
    return t, f(t)


def brute_force(satrecs, jd0, fr0, duration_s, threshold_km=5.0, step_s=10.0,
                skip_pairs=frozenset()):
    """Events ``(i, k, tca_s, miss_km)`` with ``i < k`` (indices into ``satrecs``)."""
    n = len(satrecs)
    t = np.arange(0.0, duration_s + step_s, step_s)
    err, r, v = SatrecArray(list(satrecs)).sgp4(np.full(t.size, jd0), fr0 + t / 86400.0)
    r = np.where((err == 0)[..., None], r, np.nan)
    ii, kk = np.triu_indices(n, 1)
    out = []
    for lo in range(0, ii.size, 400):
        a, b = ii[lo:lo + 400], kk[lo:lo + 400]
        d = np.linalg.norm(r[b] - r[a], axis=2)  # (pairs, T)
        with np.errstate(invalid="ignore"):
            mins = ((d[:, 1:-1] <= d[:, :-2]) & (d[:, 1:-1] <= d[:, 2:])
                    & (d[:, 1:-1] <= threshold_km + 16.0 * step_s))
        p, s = np.nonzero(mins)
        # within one step of the sample the distance changes by at most the relative speed
        # times the step (relative speed varies by far less than 50 % in 2 steps)
        u = np.linalg.norm(v[b[p], s + 1] - v[a[p], s + 1], axis=1)
        keep = d[p, s + 1] <= threshold_km + 1.5 * u * step_s
        p, s = p[keep], s[keep]
        for pi, si in zip(p.tolist(), s.tolist(), strict=True):
            i, k = int(a[pi]), int(b[pi])
            if (i, k) in skip_pairs:
                continue
            j = si + 1
            tca, miss = _golden(lambda x, i=i, k=k: _dist(satrecs[i], satrecs[k], jd0, fr0, x),
                                t[j - 1], t[j + 1])
            if miss <= threshold_km and 0.0 < tca <= duration_s:
                out.append((i, k, tca, miss))
    out.sort()
    # a minimum right at a sample can be found from two sampled minima: keep one
    dedup = []
    for e in out:
        if dedup and dedup[-1][:2] == e[:2] and abs(dedup[-1][2] - e[2]) < 1.0:
            continue
        dedup.append(e)
    return dedup
