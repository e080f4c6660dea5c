"""SOCRATES's maximum probability (Alfano 2005), vectorised over events (issue 15, speed).

The reference is the one-event algorithm the package used before: the Foster mass of the
covariance ``diag(s^2, (s/AR)^2)`` with the miss along the major axis (x-outer
Gauss-Legendre with up to 64 panels of 24 nodes, the z-inner Gaussian through ``math.erf``),
maximised over ln(s) by a 41-point grid and a golden-section search. It is copied here,
unchanged, so the new code is checked against it and not against itself.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from orbitkit.conjunctions import pc as pcmod
from orbitkit.conjunctions.pc import alfano_max_pc, alfano_max_pc_many, foster_pc
from tests.conftest import SHARED


def _reference_phi(x):
    erf = math.erf
    s = 1.0 / math.sqrt(2.0)
    return np.array([0.5 * (1.0 + erf(t * s)) for t in np.asarray(x, dtype=float).tolist()])


def reference_alfano_max_pc(miss_km, hbr_km, aspect_ratio):
    """The package's one-event ``alfano_max_pc`` before vectorisation (the old path),
    on the package's Foster integrator ``_mass``."""
    if hbr_km >= miss_km:
        return 1.0, 0.0
    ar = max(float(aspect_ratio), 1.0)
    if hbr_km < 0.02 * miss_km:
        return ar * hbr_km ** 2 / (math.e * miss_km ** 2), miss_km / math.sqrt(2.0)

    def pc(log_s):
        s = math.exp(log_s)
        # Foster's integrator (adaptive panels of 24-point Gauss-Legendre, independent of
        # the vectorised fixed-rule integral under test), with the old math.erf CDF
        c2 = np.array([[s * s, 0.0], [0.0, (s / ar) ** 2]])
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pcmod, "_phi", _reference_phi)
            return pcmod._mass(miss_km, c2, hbr_km)

    grid = np.linspace(math.log(miss_km / 50.0), math.log(miss_km * 50.0), 41)
    vals = [pc(g) for g in grid]
    k = int(np.argmax(vals))
    a, b = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    g = (math.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = pc(c), pc(d)
    for _ in range(60):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = pc(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = pc(d)
        if b - a < 1e-7:
            break
    best = (a + b) / 2
    return pc(best), math.exp(best)


def random_events(n, seed):
    """Random (miss [km], R [km], AR) with R / miss in [0.02, 0.999] and AR in [1, 20]: the
    range where the numerical maximum is used."""
    rng = np.random.default_rng(seed)
    miss = np.exp(rng.uniform(math.log(0.01), math.log(5.0), n))
    hbr = miss * rng.uniform(0.02, 0.999, n)
    ar = rng.uniform(1.0, 20.0, n)
    return miss, hbr, ar


def test_vectorised_maximum_matches_the_one_event_reference():
    """300 random events: the maximum Pc within 1e-6 relative of the old scalar algorithm
    and the dilution threshold within 1e-4 relative. Both integrate to ~1e-10 near the
    peak; the peak is flat (Pc ~ Pc_max (1 - k dlns^2)), so 1e-10 in Pc moves the arg max
    by ~1e-5 in ln(sigma), well inside 1e-4."""
    miss, hbr, ar = random_events(300, seed=15)
    # the edges of the range too
    miss = np.concatenate([miss, [1.0, 1.0, 1.0, 1.0]])
    hbr = np.concatenate([hbr, [0.02, 0.02, 0.999, 0.999]])
    ar = np.concatenate([ar, [1.0, 20.0, 1.0, 20.0]])
    p, s = alfano_max_pc_many(miss, hbr, ar)
    ref = np.array([reference_alfano_max_pc(*e) for e in zip(miss, hbr, ar, strict=True)])
    np.testing.assert_allclose(p, ref[:, 0], rtol=1e-6, atol=0)
    np.testing.assert_allclose(s, ref[:, 1], rtol=1e-4, atol=0)


def test_the_vectorised_integral_against_adaptive_quadrature():
    """The fixed 32-node rule of the vectorised Pc against scipy's adaptive quadrature of the
    same mass in the other order (x inner exact, z outer, integrated over z directly with
    the end-point square roots left to QUADPACK): within 1e-9 relative over sizes from
    miss / 50 to 50 miss, wherever Pc is above 1e-200."""
    from scipy import integrate
    from scipy.special import ndtr

    rng = np.random.default_rng(7)
    for _ in range(40):
        x0 = float(np.exp(rng.uniform(math.log(0.05), math.log(3.0))))
        r = x0 * float(rng.uniform(0.02, 0.999))
        ar = float(rng.uniform(1.0, 20.0))
        s = x0 * float(np.exp(rng.uniform(math.log(1 / 50), math.log(50))))
        sz = s / ar

        def f(z, x0=x0, r=r, s=s, sz=sz):
            w = math.sqrt(max(r * r - z * z, 0.0))
            pdf = math.exp(-0.5 * (z / sz) ** 2) / (math.sqrt(2 * math.pi) * sz)
            return pdf * (ndtr((w - x0) / s) - ndtr((-w - x0) / s))

        zm = min(r, 12.0 * sz)
        truth = 2.0 * integrate.quad(f, 0.0, zm, epsabs=0.0, epsrel=1e-12, limit=400)[0]
        got = pcmod._alfano_pc(np.array([x0]), np.array([r]), np.array([ar]),
                               np.array([math.log(s)]))[0]
        if truth > 1e-200:
            assert got == pytest.approx(truth, rel=1e-9, abs=0)


def test_many_equals_one_at_a_time_and_the_special_cases():
    """Mixed events in one call (covered, small body, numerical, aspect ratio < 1) give the
    same numbers as one at a time, and the stated special values."""
    miss = np.array([0.01, 1.0, 0.5, 2.0, 0.3, 0.0])
    hbr = np.array([0.02, 0.001, 0.02, 0.5, 0.02, 0.0])
    ar = np.array([3.0, 2.0, 3.0, 0.5, 7.0, 1.0])
    p, s = alfano_max_pc_many(miss, hbr, ar)
    for k in range(miss.size):
        assert (p[k], s[k]) == pytest.approx(alfano_max_pc(miss[k], hbr[k], ar[k]), rel=1e-12)
    assert (p[0], s[0]) == (1.0, 0.0) and (p[5], s[5]) == (1.0, 0.0)
    assert p[1] == pytest.approx(2.0 * 0.001 ** 2 / math.e, rel=1e-15)
    assert s[1] == pytest.approx(1.0 / math.sqrt(2.0), rel=1e-15)
    # an aspect ratio below 1 is taken as 1 (a circle)
    assert p[3] == pytest.approx(alfano_max_pc(2.0, 0.5, 1.0)[0], rel=1e-15)
    # broadcasting: one radius and one aspect ratio for all
    p2, _ = alfano_max_pc_many(miss[1:5], 0.02, 3.0)
    assert p2[1] == pytest.approx(p[2], rel=1e-15)
    assert alfano_max_pc_many([], [], [])[0].shape == (0,)


@pytest.mark.parametrize("args, field", [((-1.0, 0.02, 3.0), "miss_km"),
                                         ((1.0, float("nan"), 3.0), "hbr_km"),
                                         ((1.0, 0.02, float("inf")), "aspect_ratio")])
def test_bad_input_is_named(args, field):
    with pytest.raises(ValueError, match=field):
        alfano_max_pc(*args)


def test_phi_is_the_old_erf_formula():
    """The vectorised normal CDF against ``0.5 (1 + math.erf(x / sqrt 2))``: within 2.3e-16
    absolute everywhere (the two erfs differ by at most ~2 ulp), 1e-13 relative where the
    CDF is above 1e-3."""
    x = np.concatenate([np.linspace(-40.0, 40.0, 20001),
                        np.random.default_rng(1).normal(size=20000) * 5.0])
    old = _reference_phi(x)
    new = pcmod._phi(x)
    assert np.max(np.abs(new - old)) <= 2.3e-16
    big = old > 1e-3
    np.testing.assert_allclose(new[big], old[big], rtol=1e-13, atol=0)


CASES_FILE = SHARED / "conjunction" / "cara-pc-cases.json"


@pytest.mark.skipif(not CASES_FILE.is_file(), reason=f"CARA cases not found at {CASES_FILE}")
def test_foster_unchanged_by_the_vectorised_phi(monkeypatch):
    """Every positive CARA case (circle, square, equal-area square): Foster with the
    vectorised CDF within 1e-12 relative of Foster with the old ``math.erf`` loop."""
    from orbitkit.conjunctions.pc import rtn_to_eci_covariance

    cases = [c for c in json.loads(CASES_FILE.read_text(encoding="utf-8"))
             if c["expected_pc"] > 0]
    assert cases

    def run():
        out = []
        for case in cases:
            r1, v1, r2, v2 = (np.array(case[k], float)
                              for k in ("r1_km", "v1_km_s", "r2_km", "v2_km_s"))
            c1, c2 = np.array(case["cov1_km2"], float), np.array(case["cov2_km2"], float)
            if case["cov_frame"].startswith("RTN"):
                c1, c2 = rtn_to_eci_covariance(r1, v1, c1), rtn_to_eci_covariance(r2, v2, c2)
            out.append(foster_pc(r1, v1, c1, r2, v2, c2, case["hbr_km"],
                                 shape=case["hbr_type"]))
        return np.array(out)

    new = run()
    monkeypatch.setattr(pcmod, "_phi", _reference_phi)
    old = run()
    np.testing.assert_allclose(new, old, rtol=1e-12, atol=0)
