"""Frame kernels: GMST 1982, TEME→ITRS, geodetic round trips and known points, az/el."""

from __future__ import annotations

import numpy as np
import pytest

from orbitkit import frames
from orbitkit.frames import (
    WGS84_A_KM,
    WGS84_E2,
    enu_rotation,
    geodetic_to_itrs,
    gmst82,
    itrs_to_geodetic,
    teme_to_geodetic,
    teme_to_itrs,
    topocentric,
)

B_KM = WGS84_A_KM * np.sqrt(1 - WGS84_E2)


def test_gmst82_vallado_example_3_5():
    """Vallado, Fundamentals 4th ed., Example 3-5: 1992-08-20 12:14 UT1 -> GMST 152.578788°."""
    jd, fr = 2448854.5, (12 * 60 + 14) / 1440
    assert np.degrees(gmst82(jd, fr)) == pytest.approx(152.578788, abs=1e-6)


def test_gmst82_matches_skyfield_theta_gmst1982():
    from skyfield.sgp4lib import theta_GMST1982

    fr = np.linspace(0, 1, 97)
    ours = gmst82(np.full(97, 2461095.5), fr)
    theirs, _ = theta_GMST1982(2461095.5, fr)
    assert np.max(np.abs(ours - theirs)) < 1e-12


def test_gmst82_keeps_precision_with_two_part_dates():
    """Splitting jd differently gives the same angle to 1e-12 rad (~6 µm at 6,000 km)."""
    a = gmst82(2461095.5, 0.123456789)
    b = gmst82(2461095.0, 0.623456789)
    assert abs(a - b) < 1e-12


def test_teme_to_itrs_velocity_is_derivative_of_position():
    """v_itrs equals the finite difference of r_itrs (central, 0.1 s) within 1 mm/s."""
    rng = np.random.default_rng(4)
    r = rng.normal(size=(5, 1, 3)) * 7000
    v = rng.normal(size=(5, 1, 3))
    jd = np.array([2461095.5])
    dt = 0.05 / 86400
    r_p, _ = teme_to_itrs(r + v * 0.05, None, jd, np.array([0.3 + dt]))
    r_m, _ = teme_to_itrs(r - v * 0.05, None, jd, np.array([0.3 - dt]))
    _, v_itrs = teme_to_itrs(r, v, jd, np.array([0.3]))
    assert np.max(np.abs((r_p - r_m) / 0.1 - v_itrs)) < 1e-6


def test_polar_motion_small_rotation():
    """xp = 0.3" moves z-axis points by xp·r in x (IERS Conventions 2010, eq. 5.3)."""
    r = np.array([[[0.0, 0.0, 7000.0]]])
    jd, fr = np.array([2461095.5]), np.array([0.0])
    xp = np.radians(0.3 / 3600)
    out, _ = teme_to_itrs(r, None, jd, fr, polar_motion=(xp, 0.0))
    assert out[0, 0, 0] == pytest.approx(7000 * xp, rel=1e-9)
    out, _ = teme_to_itrs(r, None, jd, fr, polar_motion=(0.0, xp))
    assert out[0, 0, 1] == pytest.approx(-7000 * xp, rel=1e-9)


def _random_geodetic(n, seed=7):
    rng = np.random.default_rng(seed)
    lat = np.arcsin(rng.uniform(-1, 1, n))
    lon = rng.uniform(-np.pi, np.pi, n)
    h = np.concatenate([rng.uniform(-10, 10, n // 4), rng.uniform(0, 2000, n // 4),
                        rng.uniform(2000, 50000, n // 4),
                        10 ** rng.uniform(3, 5.2, n - 3 * (n // 4))])
    # exact poles, equator, near-pole and antimeridian cases
    lat[:8] = [np.pi / 2, -np.pi / 2, 0.0, 1e-12, np.pi / 2 - 1e-9, -np.pi / 2 + 1e-12, 0.5, -0.5]
    lon[:8] = [0.0, 1.0, np.pi, -np.pi / 2, 2.0, 3.0, np.pi, -np.pi + 1e-12]
    h[:8] = [0.0, 35786.0, 400.0, -5.0, 20000.0, 0.001, 100000.0, 550.0]
    return lat, lon, h


def test_geodetic_round_trip_within_1_mm():
    """ITRS → geodetic → ITRS within 1 mm for 40,000 random points, -10 km to 160,000 km."""
    lat, lon, h = _random_geodetic(40000)
    r = geodetic_to_itrs(lat, lon, h)
    lat2, lon2, h2 = itrs_to_geodetic(r)
    back = geodetic_to_itrs(lat2, lon2, h2)
    assert np.max(np.abs(back - r)) < 1e-6  # km: 1 mm
    assert np.max(np.abs(h2 - h)) < 1e-6
    assert np.max(np.abs(lat2 - lat)) < 1e-12


def test_geodetic_known_points():
    """Equator/prime meridian, the poles and a GEO point (WGS84 a, b; NIMA TR8350.2)."""
    r = np.array([[WGS84_A_KM, 0, 0], [0, 0, B_KM], [0, 0, -B_KM - 1.0],
                  [42164.0, 0, 0], [0, -WGS84_A_KM - 0.5, 0]])
    lat, lon, h = itrs_to_geodetic(r)
    np.testing.assert_allclose(np.degrees(lat), [0, 90, -90, 0, 0], atol=1e-12)
    np.testing.assert_allclose(np.degrees(lon[[0, 3, 4]]), [0, 0, -90], atol=1e-12)
    np.testing.assert_allclose(h, [0, 0, 1.0, 42164.0 - WGS84_A_KM, 0.5], atol=1e-9)


def test_geodetic_known_point_beijing():
    """Beijing (39.9042° N, 116.4074° E, 44 m) ↔ pyproj/PROJ-style forward formula."""
    lat, lon, h = np.radians(39.9042), np.radians(116.4074), 0.044
    n = WGS84_A_KM / np.sqrt(1 - WGS84_E2 * np.sin(lat) ** 2)
    want = [(n + h) * np.cos(lat) * np.cos(lon), (n + h) * np.cos(lat) * np.sin(lon),
            (n * (1 - WGS84_E2) + h) * np.sin(lat)]
    np.testing.assert_allclose(geodetic_to_itrs(lat, lon, h), want, atol=1e-9)
    la, lo, hh = itrs_to_geodetic(np.array(want))
    assert (la, lo) == (pytest.approx(lat, abs=1e-14), pytest.approx(lon, abs=1e-14))
    assert hh == pytest.approx(h, abs=1e-9)


def test_geodetic_nan_propagates():
    lat, lon, h = itrs_to_geodetic(np.array([[np.nan, np.nan, np.nan], [7000, 0, 0]]))
    assert np.isnan(lat[0]) and np.isnan(h[0]) and np.isfinite(lat[1])


def test_teme_to_geodetic_equals_rotate_then_convert():
    rng = np.random.default_rng(3)
    r = rng.normal(size=(7, 50, 3)) * 8000
    jd = np.full(50, 2461095.5)
    fr = np.linspace(0, 1, 50)
    a = teme_to_geodetic(r, jd, fr)
    b = itrs_to_geodetic(teme_to_itrs(r, None, jd, fr)[0])
    # rounding only: 1e-12 rad in angles, 1e-9 km (1 µm) in height
    for x, y, tol in zip(a, b, (1e-12, 1e-12, 1e-9), strict=True):
        assert np.max(np.abs(x - y)) < tol


def test_geodetic_large_blocks_match_small():
    """The blocked kernel gives the same numbers however the work is split."""
    lat, lon, h = _random_geodetic(50000, seed=11)
    r = geodetic_to_itrs(lat, lon, h).reshape(500, 100, 3)
    whole = itrs_to_geodetic(r)
    pieces = [itrs_to_geodetic(r[i:i + 1]) for i in (0, 250, 499)]
    for k, i in enumerate((0, 250, 499)):
        for x, y in zip(whole, pieces[k], strict=True):
            assert np.array_equal(x[i], y[0])


def test_enu_rotation_rows_are_east_north_up():
    m = enu_rotation(0.0, 0.0)
    np.testing.assert_allclose(m, [[0, 1, 0], [0, 0, 1], [1, 0, 0]], atol=1e-15)
    ms = enu_rotation(np.radians([10.0, 60.0]), np.radians([20.0, -100.0]))
    assert ms.shape == (2, 3, 3)
    np.testing.assert_allclose(ms @ np.swapaxes(ms, -1, -2), np.broadcast_to(np.eye(3), (2, 3, 3)),
                               atol=1e-15)


def test_topocentric_zenith_and_horizon():
    lat, lon = np.radians(40.0), np.radians(116.0)
    station = geodetic_to_itrs(lat, lon, 0.0)
    up = enu_rotation(lat, lon)[2]
    north = enu_rotation(lat, lon)[1]
    east = enu_rotation(lat, lon)[0]
    sats = np.array([station + 500 * up, station + 1000 * north, station + 1000 * east,
                     station - 700 * north + 700 * up])
    az, el, rng, rate = topocentric(sats, station, lat, lon)
    assert rate is None
    np.testing.assert_allclose(np.degrees(el), [90, 0, 0, 45], atol=1e-9)
    np.testing.assert_allclose(np.degrees(az[1:]), [0, 90, 180], atol=1e-9)
    np.testing.assert_allclose(rng, [500, 1000, 1000, 700 * np.sqrt(2)], rtol=1e-12)


def test_topocentric_matches_skyfield_altaz():
    """Az/el/range of CSS from Beijing against skyfield's (sat - topos).at(t).altaz()."""
    from skyfield.api import EarthSatellite, load, wgs84
    from skyfield.framelib import itrs

    ts = load.timescale(builtin=True)
    line1 = "1 48274U 21035A   26055.50000000  .00020000  00000-0  23000-3 0  9991"
    line2 = "2 48274  41.4700 120.0000 0006000  50.0000 310.0000 15.60000000270005"
    sat = EarthSatellite(line1, line2, "CSS", ts)
    site = wgs84.latlon(39.9042, 116.4074, 44.0)
    t = ts.utc(2026, 2, 24, 12, np.arange(0, 240, 2.0))
    alt, az, dist = (sat - site).at(t).altaz()
    r = sat.at(t).frame_xyz(itrs).km.T
    station = geodetic_to_itrs(np.radians(39.9042), np.radians(116.4074), 0.044)
    a2, e2, d2, _ = topocentric(r, station, np.radians(39.9042), np.radians(116.4074))
    assert np.max(np.abs(np.degrees(e2) - alt.degrees)) < 1e-6
    daz = (np.degrees(a2) - az.degrees + 180) % 360 - 180
    assert np.max(np.abs(daz * np.cos(alt.radians))) < 1e-6
    assert np.max(np.abs(d2 - dist.km)) < 1e-5


def test_topocentric_range_rate_is_range_derivative():
    lat, lon = np.radians(30.0), np.radians(100.0)
    station = geodetic_to_itrs(lat, lon, 0.0)
    r0 = station + np.array([1000.0, 2000.0, 3000.0])
    v = np.array([1.0, -2.0, 0.5])
    _, _, rng_p, _ = topocentric(r0 + v * 0.5, station, lat, lon)
    _, _, rng_m, _ = topocentric(r0 - v * 0.5, station, lat, lon)
    _, _, _, rate = topocentric(r0, station, lat, lon, v)
    assert rate == pytest.approx(rng_p - rng_m, abs=1e-6)


def test_rotate_broadcasts_over_leading_axes():
    rng = np.random.default_rng(1)
    m = np.linalg.qr(rng.normal(size=(4, 3, 3)))[0]
    v = rng.normal(size=(2, 4, 3))
    want = np.einsum("tij,stj->sti", m, v)
    np.testing.assert_allclose(frames.rotate(m, v), want, atol=1e-14)
