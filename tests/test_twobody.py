"""Two-body propagation and element conversions (orbitkit.deepspace.twobody).

Authorities: Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013),
Example 2-4 (KEPLER); Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed. (2014),
Example 4.3 (elements from a state vector).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbitkit.deepspace.twobody import (
    elements_from_state,
    period_s,
    propagate,
    semi_major_axis_from_period_km,
    state_from_elements,
    stumpff,
)

MU_EARTH_VALLADO = 398600.4418  # km³/s², Vallado's value
MU_EARTH_CURTIS = 398600.0  # km³/s², Curtis' value


def test_vallado_example_2_4_kepler_40_min_within_1_m():
    # Vallado Ex. 2-4: r0, v0 propagated 40 min; book answer r, v (printed to 0.1 m, 1 mm/s).
    r, v = propagate(
        MU_EARTH_VALLADO, [1131.340, -2282.343, 6672.423], [-5.64305, 4.30333, 2.42879], 40 * 60
    )
    np.testing.assert_allclose(r, [-4219.7527, 4363.0292, -3958.7666], atol=1e-3)  # 1 m
    np.testing.assert_allclose(v, [3.689866, -1.916735, -6.112511], atol=1e-6)  # 1 mm/s


def test_curtis_example_4_3_elements_from_state():
    # Curtis Ex. 4.3: h = 58,310 km²/s, i = 153.2°, Ω = 255.3°, e = 0.1712, ω = 20.07°,
    # θ = 28.45°, a = 8,788 km (book rounding).
    el = elements_from_state(MU_EARTH_CURTIS, [-6045, -3490, 2500], [-3.457, 6.618, 2.533])
    assert math.degrees(el.i_rad) == pytest.approx(153.2, abs=0.05)
    assert math.degrees(el.raan_rad) == pytest.approx(255.3, abs=0.05)
    assert el.e == pytest.approx(0.1712, abs=1e-4)
    assert math.degrees(el.argp_rad) == pytest.approx(20.07, abs=0.01)
    assert math.degrees(el.nu_rad) == pytest.approx(28.45, abs=0.01)
    assert el.a_km == pytest.approx(8788, abs=1)
    # the book prints h to 4 significant figures
    assert math.sqrt(el.p_km * MU_EARTH_CURTIS) == pytest.approx(58310, rel=5e-5)


def test_stumpff_series_matches_closed_form_at_the_switch():
    # Just inside the series band, the closed forms are still accurate to ~1e-14.
    z = 0.0099
    c, s = stumpff([z, -z])
    sz = math.sqrt(z)
    assert c[0] == pytest.approx((1 - math.cos(sz)) / z, abs=1e-13)
    assert s[0] == pytest.approx((sz - math.sin(sz)) / sz**3, abs=1e-12)
    assert c[1] == pytest.approx((math.cosh(sz) - 1) / z, abs=1e-13)
    assert s[1] == pytest.approx((math.sinh(sz) - sz) / sz**3, abs=1e-12)
    c, s = stumpff(0.0)
    assert c == pytest.approx(0.5) and s == pytest.approx(1 / 6)


@pytest.mark.parametrize(
    "r0, v0",
    [
        ([7000.0, 0.0, 0.0], [0.0, 7.5, 1.0]),  # LEO ellipse
        ([7000.0, 0.0, 0.0], [0.0, 11.5, 0.5]),  # hyperbola
        ([7000.0, 0.0, 0.0], [0.0, math.sqrt(2 * MU_EARTH_VALLADO / 7000.0), 0.0]),  # parabola
    ],
    ids=["ellipse", "hyperbola", "parabola"],
)
def test_forward_then_back_returns_within_1_m(r0, v0):
    r1, v1 = propagate(MU_EARTH_VALLADO, r0, v0, 5000.0)
    r2, v2 = propagate(MU_EARTH_VALLADO, r1, v1, -5000.0)
    assert np.linalg.norm(r2 - r0) < 1e-3
    assert np.linalg.norm(v2 - v0) < 1e-6


def test_full_period_returns_to_start_within_1_m():
    r0, v0 = np.array([7000.0, 100.0, -300.0]), np.array([0.5, 7.2, 2.0])
    el = elements_from_state(MU_EARTH_VALLADO, r0, v0)
    r, _ = propagate(MU_EARTH_VALLADO, r0, v0, period_s(MU_EARTH_VALLADO, el.a_km))
    assert np.linalg.norm(r - r0) < 1e-3


def test_array_of_times_matches_scalar_calls():
    r0, v0 = [7000.0, 0.0, 0.0], [0.0, 7.5, 1.0]
    times = np.array([-3000.0, 0.0, 100.0, 20000.0])
    r_all, v_all = propagate(MU_EARTH_VALLADO, r0, v0, times)
    for k, t in enumerate(times):
        r, v = propagate(MU_EARTH_VALLADO, r0, v0, t)
        np.testing.assert_allclose(r_all[k], r, atol=1e-9)
        np.testing.assert_allclose(v_all[k], v, atol=1e-12)


def test_period_and_semi_major_axis_invert():
    a = semi_major_axis_from_period_km(MU_EARTH_VALLADO, 86164.0905)  # sidereal day: GEO
    assert a == pytest.approx(42164.17, abs=0.01)
    assert period_s(MU_EARTH_VALLADO, a) == pytest.approx(86164.0905, abs=1e-6)
    with pytest.raises(ValueError):
        period_s(MU_EARTH_VALLADO, -1.0)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(7000, 60000),
    e=st.floats(0.0, 0.9),
    i=st.floats(0.01, math.pi - 0.01),
    raan=st.floats(0, 2 * math.pi),
    argp=st.floats(0, 2 * math.pi),
    nu=st.floats(0, 2 * math.pi),
    dt=st.floats(-1e5, 1e5),
)
def test_property_energy_momentum_conserved_and_elements_round_trip(a, e, i, raan, argp, nu, dt):
    p = a * (1 - e**2)
    r0, v0 = state_from_elements(MU_EARTH_VALLADO, p, e, i, raan, argp, nu)
    el = elements_from_state(MU_EARTH_VALLADO, r0, v0)
    r_back, v_back = state_from_elements(
        MU_EARTH_VALLADO, el.p_km, el.e, el.i_rad, el.raan_rad, el.argp_rad, el.nu_rad
    )
    assert np.linalg.norm(r_back - r0) < 1e-3  # 1 m
    assert np.linalg.norm(v_back - v0) < 1e-6  # 1 mm/s

    r, v = propagate(MU_EARTH_VALLADO, r0, v0, dt)
    energy0 = v0 @ v0 / 2 - MU_EARTH_VALLADO / np.linalg.norm(r0)
    energy = v @ v / 2 - MU_EARTH_VALLADO / np.linalg.norm(r)
    assert energy == pytest.approx(energy0, rel=1e-9)
    np.testing.assert_allclose(np.cross(r, v), np.cross(r0, v0), rtol=1e-9, atol=1e-6)
