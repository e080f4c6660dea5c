"""Ground-track kernel: antimeridian cuts, footprints, subsolar point, the GroundTrack result.

Synthetic tracks are circular orbits on a spherical, rotating Earth:
``lat = asin(sin i sin u)``, ``lon = atan2(cos i sin u, cos u) + RAAN - omega_E t``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from orbitkit.errors import UserError
from orbitkit.groundtrack import (
    EARTH_MEAN_RADIUS_KM,
    GroundTrack,
    footprint,
    footprint_half_angle_deg,
    small_circle,
    split_at_antimeridian,
    subsolar_point,
    wrap_lon_deg,
)

OMEGA_EARTH_RAD_S = 7.2921150e-5
START = np.datetime64("2026-05-01T00:00:00", "ns")


def synthetic_track(incl_deg=41.47, period_min=91.6, hours=3.0, step_s=30.0, raan_deg=0.0):
    t_s = np.arange(0.0, hours * 3600.0 + 1e-9, step_s)
    u = 2 * np.pi * t_s / (period_min * 60.0)
    i = np.radians(incl_deg)
    lat = np.degrees(np.arcsin(np.sin(i) * np.sin(u)))
    lon = np.degrees(np.arctan2(np.cos(i) * np.sin(u), np.cos(u))
                     + np.radians(raan_deg) - OMEGA_EARTH_RAD_S * t_s)
    times = START + (t_s * 1e9).astype("int64").astype("timedelta64[ns]")
    return times, lat, wrap_lon_deg(lon)


def great_circle_deg(lat1, lon1, lat2, lon2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - lon1)
    c = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arccos(np.clip(c, -1, 1)))


# --- antimeridian -------------------------------------------------------------------------


def test_split_inserts_the_crossing_on_both_sides():
    segs = split_at_antimeridian([170.0, 178.0, -178.0, -170.0], [0.0, 2.0, 4.0, 6.0])
    assert len(segs) == 2
    a, b = segs
    assert a.lon_deg[-1] == 180.0 and b.lon_deg[0] == -180.0
    assert a.lat_deg[-1] == pytest.approx(3.0) == b.lat_deg[0]  # halfway in longitude
    assert a.index[-1] == pytest.approx(1.5) == b.index[0]


def test_split_westward_crossing_and_nan_gaps():
    segs = split_at_antimeridian([-175.0, 179.0, 170.0, np.nan, 160.0, 150.0],
                                 [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    assert [s.lon_deg[0] for s in segs] == [-175.0, 180.0, 160.0]
    assert segs[0].lon_deg[-1] == -180.0
    assert all(len(s.lon_deg) >= 2 for s in segs)


def test_split_drops_lonely_points_and_all_nan():
    assert split_at_antimeridian([np.nan, 10.0, np.nan], [0.0, 1.0, 2.0]) == []
    assert split_at_antimeridian([], []) == []


@pytest.mark.parametrize("step_s", [10.0, 30.0, 120.0, 600.0])
def test_synthetic_track_segments_never_jump(step_s):
    """No piece of a 24 h LEO track has a longitude step over 180 deg; the pieces together
    keep every sample."""
    times, lat, lon = synthetic_track(hours=24.0, step_s=step_s)
    segs = split_at_antimeridian(lon, lat)
    assert len(segs) > 10
    for s in segs:
        assert np.all(np.abs(np.diff(s.lon_deg)) <= 180.0)
        assert np.all((-180.0 <= s.lon_deg) & (s.lon_deg <= 180.0))
    kept = np.concatenate([s.index for s in segs])
    assert set(np.arange(len(lon))) <= set(kept[kept == np.round(kept)].astype(int))


# --- footprint ----------------------------------------------------------------------------


@pytest.mark.parametrize(("alt_km", "mask_deg"), [(400.0, 0.0), (400.0, 10.0), (800.0, 5.0),
                                                  (20200.0, 10.0), (35786.0, 0.0)])
def test_footprint_half_angle_matches_nadir_angle_form(alt_km, mask_deg):
    """Wertz & Larson SMAD 3rd ed. eqs. 5-25..5-27: sin(eta) = sin(rho) cos(eps),
    lambda = 90 - eps - eta with sin(rho) = R/(R+h); agreement within 1e-9 deg."""
    rho = np.arcsin(EARTH_MEAN_RADIUS_KM / (EARTH_MEAN_RADIUS_KM + alt_km))
    eta = np.degrees(np.arcsin(np.sin(rho) * np.cos(np.radians(mask_deg))))
    assert footprint_half_angle_deg(alt_km, mask_deg) == pytest.approx(90 - mask_deg - eta,
                                                                        abs=1e-9)


def test_footprint_known_values():
    """ISS-like 400 km at 0 deg: ~19.8 deg; GEO at 0 deg: ~81.3 deg (SMAD table 5-3)."""
    assert footprint_half_angle_deg(400.0, 0.0) == pytest.approx(19.79, abs=0.02)
    assert footprint_half_angle_deg(35786.0, 0.0) == pytest.approx(81.3, abs=0.05)
    assert footprint_half_angle_deg(0.0, 0.0) == 0.0
    with pytest.raises(UserError):
        footprint_half_angle_deg(400.0, 90.0)


@pytest.mark.parametrize(("lat0", "lon0", "radius"), [(0.0, 0.0, 20.0), (41.0, 175.0, 25.0),
                                                     (-80.0, -30.0, 15.0), (60.0, 0.0, 81.0)])
def test_small_circle_is_at_constant_distance(lat0, lon0, radius):
    """Every outline point is ``radius`` from the centre along a great circle (1e-9 deg)."""
    lat, lon = small_circle(lat0, lon0, radius, n=361)
    assert np.allclose(great_circle_deg(lat0, lon0, lat, lon), radius, atol=1e-9)
    assert np.all((-180 <= lon) & (lon < 180))
    for s in split_at_antimeridian(lon, lat):
        assert np.all(np.abs(np.diff(s.lon_deg)) <= 180.0)


def test_footprint_circle_radius_follows_altitude():
    lat, lon = footprint(30.0, 100.0, 400.0, 10.0)
    d = great_circle_deg(30.0, 100.0, lat, lon)
    assert np.allclose(d, footprint_half_angle_deg(400.0, 10.0), atol=1e-9)


# --- Sun ----------------------------------------------------------------------------------


def test_subsolar_point_equinox_and_solstice():
    """March equinox 2026-03-20 14:46 UTC: Sun on the equator (0.02 deg); June solstice
    2026-06-21 08:24 UTC: declination 23.44 deg (0.02 deg). Times from the USNO."""
    lat_eq, _ = subsolar_point(datetime(2026, 3, 20, 14, 46, tzinfo=UTC))
    lat_sol, _ = subsolar_point(datetime(2026, 6, 21, 8, 24, tzinfo=UTC))
    assert abs(float(lat_eq)) < 0.02
    assert float(lat_sol) == pytest.approx(23.44, abs=0.02)


def test_subsolar_longitude_follows_the_equation_of_time():
    """At 2026-03-20 14:46 UTC the equation of time is -7.4 min (Sun transits at 12:07.4 local
    mean time), so the subsolar meridian is 15 * (12.123 - 14.767) = -39.65 deg (0.1 deg)."""
    _, lon = subsolar_point(datetime(2026, 3, 20, 14, 46, tzinfo=UTC))
    assert float(lon) == pytest.approx(-39.65, abs=0.1)
    # and it moves west 15 deg an hour
    _, lon2 = subsolar_point(datetime(2026, 3, 20, 15, 46, tzinfo=UTC))
    assert float(lon - lon2) == pytest.approx(15.0, abs=0.01)


def test_subsolar_rejects_naive_datetime():
    with pytest.raises(UserError, match="naive"):
        subsolar_point(datetime(2026, 5, 1))


# --- GroundTrack --------------------------------------------------------------------------


def make_track(**kw) -> GroundTrack:
    times, lat, lon = synthetic_track()
    times2, lat2, lon2 = synthetic_track(incl_deg=97.4, period_min=94.6, raan_deg=120.0)
    alt = np.full((2, len(times)), 400.0)
    return GroundTrack.from_arrays(times, [lat, lat2], [lon, lon2], alt, [48274, 99999],
                                   ["CSS (TIANHE)", "SSO-TEST"], groups=["tiangong", "sso"],
                                   **kw)


def test_groundtrack_reaches_its_inclination():
    """A 41.47 deg orbit's track reaches +-41.47 deg latitude (30 s steps: within 0.01 deg)."""
    gt = make_track()
    assert np.nanmax(gt.lat_deg[0]) == pytest.approx(41.47, abs=0.01)
    assert np.nanmin(gt.lat_deg[0]) == pytest.approx(-41.47, abs=0.01)
    assert gt.step_s == 30.0 and gt.n_satellites == 2


def test_groundtrack_ecef_from_geodetic_is_on_the_ellipsoid_shell():
    gt = make_track()
    r = np.linalg.norm(gt.r_itrs_km, axis=-1)
    assert np.all((r > 6356.75 + 400 - 1e-6) & (r < 6378.137 + 400 + 1e-6))


def test_position_at_interpolates_across_the_antimeridian():
    times = START + np.array([0, 60], dtype="timedelta64[s]").astype("timedelta64[ns]")
    gt = GroundTrack.from_arrays(times, [[10.0, 12.0]], [[179.0, -179.0]], [[400.0, 400.0]],
                                 [1], ["x"])
    lat, lon, alt = gt.position_at(0, START + np.timedelta64(15, "s"))
    assert lat[0] == pytest.approx(10.5) and lon[0] == pytest.approx(179.5)
    lat, lon, _ = gt.position_at(0, START + np.timedelta64(45, "s"))
    assert lon[0] == pytest.approx(-179.5)
    lat, _, _ = gt.position_at(0, START + np.timedelta64(2, "m"))
    assert np.isnan(lat[0])


def test_failed_samples_become_gaps():
    times, lat, lon = synthetic_track(hours=0.5)
    ok = np.ones(len(times), bool)
    ok[10:20] = False
    gt = GroundTrack.from_arrays(times, [lat], [lon], [np.full(len(times), 400.0)], [1], ["x"],
                                 ok=[ok])
    assert np.isnan(gt.lat_deg[0, 10:20]).all() and np.isnan(gt.r_itrs_km[0, 15]).all()
    assert len(gt.segments(0)) >= 2
    assert gt.valid_span(0) == (times[0], times[-1])


def test_footprints_at_a_chosen_time():
    when = START + np.timedelta64(600, "s")
    gt = make_track(footprint_mask_deg=10.0, footprint_time=when)
    assert gt.footprint_time == when and gt.footprint_mask_deg == 10.0
    lat_c, lon_c, _ = gt.position_at(0, when)
    fp_lat, fp_lon = gt.footprints[0]
    d = great_circle_deg(lat_c[0], lon_c[0], fp_lat, fp_lon)
    assert np.allclose(d, footprint_half_angle_deg(400.0, 10.0), atol=1e-9)
    with pytest.raises(UserError, match="outside"):
        gt.with_footprints(START - np.timedelta64(1, "h"), 10.0)


def test_to_dict_is_plain_json():
    gt = make_track(footprint_mask_deg=0.0)
    d = gt.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert d["times_utc"][0] == "2026-05-01T00:00:00Z"
    sat = d["satellites"][0]
    assert sat["norad_id"] == 48274 and sat["group"] == "tiangong"
    assert sat["start_utc"] == "2026-05-01T00:00:00Z" and sat["stop_utc"] == "2026-05-01T03:00:00Z"
    assert len(text) > 1000


def test_from_arrays_rejects_naive_times_and_bad_shapes():
    with pytest.raises(UserError):
        GroundTrack.from_arrays([datetime(2026, 5, 1)], [[0.0]], [[0.0]], [[400.0]], [1], ["x"])
    with pytest.raises(ValueError):
        GroundTrack.from_arrays([START], [[0.0, 1.0]], [[0.0]], [[400.0]], [1], ["x"])


def test_tick_labels_of_a_slow_track_do_not_pile_up():
    """A GEO drifts a fraction of a degree in 12 h: of its 25 half-hourly ticks one label
    is written; a LEO's ticks, thousands of km apart, are all labelled."""
    import numpy as np

    from orbitkit.plots.groundtrack import _spaced_labels

    t = np.arange(25)
    kept = _spaced_labels(t, np.full(25, 0.05) * np.sin(t), 160.0 + 0.01 * t)
    assert kept[0].tolist() == [0]
    lat = 40.0 * np.sin(t * 0.34)
    lon = (t * 22.0 + 170.0 + 180.0) % 360.0 - 180.0  # crosses the antimeridian
    assert _spaced_labels(t, lat, lon)[0].size == 25
    # 179.5 and -179.5 are one degree apart, not 359
    assert _spaced_labels(t[:2], np.zeros(2), np.array([179.5, -179.5]))[0].tolist() == [0]
