"""Lambert solver (orbitkit.deepspace.lambert): textbook cases and round trips.

Authorities:
* Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), Example 7-5
  (universal variables): r0 = 15,945.34 I km, r = 12,214.83899 I + 10,249.46731 J km,
  Δt = 76 min, short way; v0 = 2.058913 I + 2.915965 J km/s, v = −3.451565 I + 0.910315 J km/s
  (μ = 398,600.4418 km³/s²).
* Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed. (2014), Example 5.2:
  r1 = (5000, 10000, 2100) km, r2 = (−14600, 2500, 7000) km, Δt = 1 h, prograde;
  v1 = (−5.9925, 1.9254, 3.2456) km/s, v2 = (−3.3125, −4.1966, −0.38529) km/s (μ = 398,600).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from orbitkit.deepspace.lambert import (
    STATUS_DEGENERATE,
    STATUS_NEAR_PI,
    STATUS_OK,
    LambertError,
    NearPiTransferWarning,
    lambert,
    lambert_batch,
    transfer_angle_rad,
)
from orbitkit.deepspace.twobody import propagate, state_from_elements

MU_VALLADO = 398600.4418
MU_CURTIS = 398600.0


def test_vallado_example_7_5_universal_variables():
    v1, v2 = lambert(
        MU_VALLADO, [15945.34, 0, 0], [12214.83899, 10249.46731, 0], 76 * 60, way="short"
    )
    # The book prints 6 decimals (mm/s); we agree to 2 mm/s.
    np.testing.assert_allclose(v1, [2.058913, 2.915965, 0.0], atol=2e-6)
    np.testing.assert_allclose(v2, [-3.451565, 0.910315, 0.0], atol=2e-6)


def test_curtis_example_5_2_prograde():
    v1, v2 = lambert(MU_CURTIS, [5000, 10000, 2100], [-14600, 2500, 7000], 3600.0)
    # The book prints 5 significant figures: agreement to 0.1 m/s.
    np.testing.assert_allclose(v1, [-5.9925, 1.9254, 3.2456], atol=1e-4)
    np.testing.assert_allclose(v2, [-3.3125, -4.1966, -0.38529], atol=1e-4)


def test_quarter_circle_gives_circular_velocity():
    # Analytic case: a circular orbit's quarter period between (R,0,0) and (0,R,0).
    r = 7000.0
    vc = math.sqrt(MU_VALLADO / r)
    tof = 0.25 * 2 * math.pi * math.sqrt(r**3 / MU_VALLADO)
    v1, v2 = lambert(MU_VALLADO, [r, 0, 0], [0, r, 0], tof)
    np.testing.assert_allclose(v1, [0, vc, 0], atol=1e-9)
    np.testing.assert_allclose(v2, [-vc, 0, 0], atol=1e-9)


CASES = [
    # (r1, r2, tof_s, way): short and long way, prograde/retrograde, slow and hyperbolic
    ([15945.34, 0, 0], [12214.83899, 10249.46731, 0], 76 * 60, "short"),
    ([15945.34, 0, 0], [12214.83899, 10249.46731, 0], 76 * 60, "long"),
    ([5000, 10000, 2100], [-14600, 2500, 7000], 3600.0, "prograde"),
    ([5000, 10000, 2100], [-14600, 2500, 7000], 3600.0, "retrograde"),
    ([7000, 0, 0], [-2000, 9000, 500], 600.0, "short"),  # fast: hyperbolic
    ([7000, 0, 0], [-2000, -9000, 500], 30000.0, "prograde"),  # slow long way (> 180°)
    ([1.0e8, 1.0e8, 0], [-2.0e8, 5.0e7, 1e6], 200 * 86400.0, "prograde"),  # heliocentric
]


@pytest.mark.parametrize("r1, r2, tof, way", CASES)
def test_round_trip_through_the_propagator_within_1_m(r1, r2, tof, way):
    mu = 1.32712440018e11 if np.linalg.norm(r1) > 1e7 else MU_VALLADO
    v1, v2 = lambert(mu, r1, r2, tof, way=way)
    r, v = propagate(mu, r1, v1, tof)
    assert np.linalg.norm(r - np.asarray(r2, float)) < 1e-3  # 1 m
    assert np.linalg.norm(v - v2) < 1e-6  # 1 mm/s


def test_short_and_long_way_differ_and_angles_add_to_360():
    r1, r2 = [15945.34, 0, 0], [12214.83899, 10249.46731, 0]
    short = float(transfer_angle_rad(r1, r2, False))
    long = float(transfer_angle_rad(r1, r2, True))
    assert math.degrees(short + long) == pytest.approx(360.0)
    v_s, _ = lambert(MU_VALLADO, r1, r2, 76 * 60, way="short")
    v_l, _ = lambert(MU_VALLADO, r1, r2, 76 * 60, way="long")
    assert np.linalg.norm(v_s - v_l) > 1.0
    assert np.cross(r1, v_s)[2] > 0 > np.cross(r1, v_l)[2]


def test_near_180_deg_warns_but_solves():
    r = 7000.0
    ang = math.radians(179.5)
    r2 = [r * math.cos(ang), r * math.sin(ang), 0.0]
    with pytest.warns(NearPiTransferWarning):
        v1, _ = lambert(MU_VALLADO, [r, 0, 0], r2, 3000.0)
    rr, _ = propagate(MU_VALLADO, [r, 0, 0], v1, 3000.0)
    assert np.linalg.norm(rr - r2) < 1e-3


def test_exactly_180_deg_raises_with_a_clear_message():
    with pytest.raises(LambertError, match="plane is undefined"):
        lambert(MU_VALLADO, [7000, 0, 0], [-8000, 0, 0], 3000.0)


def test_batch_reports_status_per_sample_and_never_raises_on_bad_cells():
    r1 = np.array([[7000, 0, 0], [7000, 0, 0], [7000, 0, 0]], float)
    ang = math.radians(179.8)
    r2 = np.array([[0, 8000, 0], [-8000, 0, 0], [8000 * math.cos(ang), 8000 * math.sin(ang), 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the batch must not warn either
        v1, v2, status = lambert_batch(MU_VALLADO, r1, r2, np.full(3, 3000.0))
    assert status.tolist() == [STATUS_OK, STATUS_DEGENERATE, STATUS_NEAR_PI]
    assert np.all(np.isnan(v1[1])) and np.all(np.isfinite(v1[[0, 2]]))


def test_batch_broadcasts_like_a_porkchop_grid_and_matches_scalar_solves():
    r1 = np.array([[7000.0, 0, 0], [0, 7200.0, 100.0]])
    r2 = np.array([[-3000.0, 8000, 500], [-9000.0, -1000, 0], [2000.0, 9000, -300]])
    tof = np.array([[2000.0, 4000.0, 3000.0], [2500.0, 3500.0, 5000.0]])
    v1, v2, status = lambert_batch(MU_VALLADO, r1[:, None, :], r2[None, :, :], tof)
    assert v1.shape == (2, 3, 3) and status.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            w1, w2 = lambert(MU_VALLADO, r1[i], r2[j], tof[i, j])
            np.testing.assert_allclose(v1[i, j], w1, atol=1e-12)
            np.testing.assert_allclose(v2[i, j], w2, atol=1e-12)


def test_nonpositive_time_of_flight_is_refused():
    with pytest.raises(LambertError, match="positive"):
        lambert(MU_VALLADO, [7000, 0, 0], [0, 7000, 0], 0.0)
    with pytest.raises(ValueError, match="way"):
        lambert(MU_VALLADO, [7000, 0, 0], [0, 7000, 0], 100.0, way="sideways")


@settings(max_examples=80, deadline=None)
@given(
    a=st.floats(7000, 40000),
    e=st.floats(0.0, 0.8),
    i=st.floats(0.0, math.pi),
    raan=st.floats(0, 2 * math.pi),
    argp=st.floats(0, 2 * math.pi),
    nu=st.floats(0, 2 * math.pi),
    frac=st.floats(0.02, 0.95),
)
def test_property_lambert_recovers_the_velocity_of_a_known_orbit(a, e, i, raan, argp, nu, frac):
    """Propagate a random ellipse by a fraction of its period, then solve for v1 back."""
    p = a * (1 - e**2)
    r0, v0 = state_from_elements(MU_VALLADO, p, e, i, raan, argp, nu)
    tof = frac * 2 * math.pi * math.sqrt(a**3 / MU_VALLADO)
    r1, v1_true = propagate(MU_VALLADO, r0, v0, tof)
    h = np.cross(r0, v0)
    # Stay clear of the 0°/180°/360° geometries where the plane is ill-defined.
    along = np.cross(r0, r1) @ h >= 0
    dnu = float(transfer_angle_rad(r0, r1, not along))
    assume(abs(dnu - math.pi) > math.radians(2) and math.radians(2) < dnu < math.radians(358))
    v_start, v_end = lambert(MU_VALLADO, r0, r1, tof, way="prograde", normal=h)
    assert np.linalg.norm(v_start - v0) < 1e-6  # 1 mm/s
    assert np.linalg.norm(v_end - v1_true) < 1e-6
