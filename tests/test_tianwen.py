"""Tianwen-1 replay: the transfer between the catalogue's dates, the porkchop, the Mars orbits.

Authority for the checks: CNSA's figures at Mars orbit insertion (spacechina.com and CGTN,
2021-02-10; FACTS §5): about 202 days of flight, about 475 million km flown, about 192
million km from Earth, one-way delay about 10.7 min. A one-leg Lambert transfer on DE421 must
land within 2 % of the distance flown and 1 % of the Earth–Mars distance. Orbit periods:
parking ~2 sols, remote-sensing ~7.08 h (CNSA); i = 86°, periapsis 275 km, apoapsis radius
14,140 km (destevez.net telemetry analysis).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import numpy as np
import pytest

from orbitkit.catalog import load_catalog
from orbitkit.deepspace.lambert import STATUS_OK
from orbitkit.deepspace.mars import (
    MU_MARS_KM3_S2,
    R_MARS_MEAN_KM,
    SOL_S,
    PublishedMarsOrbit,
    ground_track,
    insertion_delta_v_km_s,
    mars_orbit,
    tianwen1_mars_orbits,
)
from orbitkit.deepspace.transfer import (
    date_range,
    earth_mars_transfer,
    path_length_km,
    porkchop,
)
from orbitkit.deepspace.twobody import propagate


def _event(name: str) -> datetime:
    system = load_catalog().system("tianwen-1")
    (event,) = [e for e in system.events if e["name"] == name]
    value = event["date_utc"]
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def dates() -> tuple[datetime, datetime]:
    return _event("launch"), _event("Mars orbit insertion")


@pytest.fixture(scope="module")
def transfer(dates):
    return earth_mars_transfer(*dates)


def test_catalogue_dates_are_the_published_launch_and_moi(dates):
    assert dates == (
        datetime(2020, 7, 23, 4, 41, tzinfo=UTC),
        datetime(2021, 2, 10, 11, 52, tzinfo=UTC),
    )


def test_cnsa_figures_at_moi_within_tolerance(transfer):
    assert transfer.time_of_flight_days == pytest.approx(202, abs=1)
    assert transfer.path_length_km == pytest.approx(475e6, rel=0.02)
    assert transfer.earth_mars_distance_at_arrival_km == pytest.approx(192e6, rel=0.01)
    assert transfer.one_way_light_time_min == pytest.approx(10.7, rel=0.01)


def test_compare_published_lists_our_figure_beside_cnsa(transfer):
    rows = {r["figure"]: r for r in transfer.compare_published()}
    assert rows["path_length_km"]["published"] == 475e6
    assert rows["path_length_km"]["computed"] == transfer.path_length_km
    assert abs(rows["earth_mars_distance_at_arrival_km"]["relative_difference"]) < 0.01


def test_transfer_is_self_consistent(transfer):
    # C3 is v∞²; the arc ends at Mars within 1 m; the Lambert arc is a prograde ellipse
    # between the orbits of the Earth and Mars.
    assert transfer.c3_km2_s2 == pytest.approx(transfer.departure_vinf_km_s**2)
    tof_s = transfer.time_of_flight_days * 86400.0
    r, v = propagate(transfer.mu_sun_km3_s2, transfer.earth_at_launch_km,
                     transfer.departure_velocity_km_s, tof_s)
    assert np.linalg.norm(r - transfer.mars_at_arrival_km) < 1e-3
    assert np.linalg.norm(v - transfer.arrival_velocity_km_s) < 1e-6
    assert 0.98 < transfer.perihelion_au < 1.02 and 1.5 < transfer.aphelion_au < 1.7
    assert 0 < transfer.transfer_angle_deg < 180 and not transfer.near_pi
    # A Type I (< 180°) 2020 transfer: C3 of order 10–20 km²/s², arrival v∞ of 2–4 km/s.
    assert 10 < transfer.c3_km2_s2 < 20 and 2 < transfer.arrival_vinf_km_s < 4


def test_path_length_is_an_arc_length(transfer):
    # Simpson on the speed exceeds the polyline through the 2,001 samples by the chord error
    # (L Δθ²/24 ≈ 32 km for 146° in 2,000 steps), and exceeds the straight chord.
    polyline = np.linalg.norm(np.diff(transfer.arc_track_km, axis=0), axis=1).sum()
    assert 0 < transfer.path_length_km - polyline < 100.0
    assert transfer.path_length_km > transfer.chord_km
    coarse = path_length_km(transfer.mu_sun_km3_s2, transfer.earth_at_launch_km,
                            transfer.departure_velocity_km_s,
                            transfer.time_of_flight_days * 86400.0, samples=201)
    assert coarse == pytest.approx(transfer.path_length_km, abs=1.0)


def test_to_dict_is_plain_json(transfer):
    data = transfer.to_dict(tracks=True)
    text = json.dumps(data, allow_nan=False)
    assert '"launch_utc": "2020-07-23T04:41:00Z"' in text
    assert len(data["arc_track_km"]) == len(data["arc_times_utc"])


@pytest.fixture(scope="module")
def timed_grid(dates):
    start = time.perf_counter()
    g = porkchop(
        date_range(datetime(2020, 7, 1, tzinfo=UTC), datetime(2020, 8, 31, tzinfo=UTC)),
        date_range(datetime(2021, 1, 15, tzinfo=UTC), datetime(2021, 3, 31, tzinfo=UTC)),
        marked_departure_utc=dates[0], marked_arrival_utc=dates[1], marked_label="Tianwen-1",
    )
    return g, time.perf_counter() - start


def test_porkchop_2020_window_is_fast_and_complete(timed_grid):
    grid, elapsed_s = timed_grid
    assert grid.c3_km2_s2.shape == (62, 76)
    assert elapsed_s < 10.0
    assert np.all(np.isfinite(grid.c3_km2_s2)) and np.all(grid.status >= STATUS_OK)
    best = grid.minimum_c3()
    # Tianwen-1 flew within a couple of km²/s² of the window's cheapest departure.
    assert 10 < best["c3_km2_s2"] < 14
    assert best["departure_utc"].startswith("2020-07")
    json.dumps(grid.to_dict(grids=True), allow_nan=False)


def test_porkchop_cell_equals_the_single_transfer(dates, transfer):
    g = porkchop(date_range(dates[0], dates[0]), date_range(dates[1], dates[1]))
    assert g.c3_km2_s2[0, 0] == pytest.approx(transfer.c3_km2_s2, rel=1e-12)
    assert g.arrival_vinf_km_s[0, 0] == pytest.approx(transfer.arrival_vinf_km_s, rel=1e-12)


def test_porkchop_blanks_arrivals_before_departure():
    d = date_range(datetime(2020, 7, 1, tzinfo=UTC), datetime(2020, 7, 3, tzinfo=UTC))
    g = porkchop(d, d[::-1])
    # departures 07-01..07-03 against arrivals 07-03..07-01: only arrival > departure solves
    expected = np.array([[1, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=bool)
    assert np.array_equal(np.isfinite(g.c3_km2_s2), expected)


def test_porkchop_takes_aware_datetimes_and_refuses_naive_or_empty_input(dates):
    """A list of naive datetimes (and naive marker dates) was silently read as UTC by numpy;
    an empty axis built a grid that plot_porkchop then failed on (zero-size reduction).
    Aware datetimes give exactly the datetime64 result (same instants)."""
    from orbitkit.errors import TimeInputError

    launch, arrival = dates
    by_dt64 = porkchop(date_range(launch, launch), date_range(arrival, arrival))
    by_dt = porkchop([launch], [arrival], marked_departure_utc=launch,
                     marked_arrival_utc=arrival)
    assert np.array_equal(by_dt.c3_km2_s2, by_dt64.c3_km2_s2)
    naive = launch.replace(tzinfo=None)
    with pytest.raises(TimeInputError, match="naive"):
        porkchop([naive], [arrival])
    with pytest.raises(TimeInputError, match="marked_departure_utc"):
        porkchop([launch], [arrival], marked_departure_utc=naive, marked_arrival_utc=arrival)
    with pytest.raises(ValueError, match="at least one date"):
        porkchop(np.array([], dtype="datetime64[ns]"), [arrival])


def test_mars_orbit_periods_against_the_published_ones():
    orbits = {o.key: o for o in tianwen1_mars_orbits()}
    assert orbits["parking"].period_s == pytest.approx(2 * SOL_S, rel=0.05)
    assert orbits["remote-sensing"].period_s == pytest.approx(7.08 * 3600, rel=0.01)
    capture = orbits["capture"]
    assert capture.apoapsis_derived and capture.period_s == pytest.approx(10 * 86400)
    # A 10-day, 400-km-periapsis orbit reaches ~180,000 km: far but well inside Mars' Hill
    # sphere (~1 million km).
    assert 150_000 < capture.apoapsis_altitude_km < 200_000


def test_remote_sensing_orbit_from_independent_telemetry_gives_7_08_h():
    # destevez.net: periapsis altitude 275 km, apoapsis radius 14,140 km, i = 86°.
    orbit = mars_orbit(PublishedMarsOrbit(
        key="rs-destevez", name="remote-sensing (telemetry)", entered_utc="2021-11-08",
        periapsis_altitude_km=275.0, apoapsis_altitude_km=14_140.0 - R_MARS_MEAN_KM,
        period_s=7.08 * 3600, period_text="about 7.08 h", inclination_deg=86.0, source="test",
    ))
    assert orbit.period_h == pytest.approx(7.08, rel=0.002)


def test_vis_viva_and_capture_delta_v(transfer):
    for o in tianwen1_mars_orbits():
        energy = o.periapsis_speed_km_s**2 / 2 - MU_MARS_KM3_S2 / o.periapsis_radius_km
        assert energy == pytest.approx(-MU_MARS_KM3_S2 / (2 * o.semi_major_axis_km))
        assert o.periapsis_speed_km_s * o.periapsis_radius_km == pytest.approx(
            o.apoapsis_speed_km_s * o.apoapsis_radius_km)  # angular momentum
    capture = tianwen1_mars_orbits()[0]
    dv = insertion_delta_v_km_s(transfer.arrival_vinf_km_s, capture)
    assert 0 < dv < transfer.arrival_vinf_km_s


def test_ground_track_reaches_the_inclination_and_stays_between_the_apsides():
    science = [o for o in tianwen1_mars_orbits() if o.key == "remote-sensing"][0]
    track = ground_track(science, node_longitude_deg=109.925, step_s=30.0)
    assert np.max(np.abs(track.lat_deg)) == pytest.approx(86.0, abs=0.2)
    assert track.altitude_km.min() == pytest.approx(265.0, abs=0.01)
    assert track.altitude_km.max() == pytest.approx(10_700.0, abs=1.0)
    assert np.all(np.abs(track.lon_deg) <= 180.0)
    with pytest.raises(ValueError, match="inclination"):
        ground_track(tianwen1_mars_orbits()[0])


@pytest.mark.parametrize("kwargs", [{"step_s": 0.0}, {"step_s": -60.0}, {"step_s": float("nan")},
                                    {"duration_s": -1.0}])
def test_ground_track_refuses_a_step_or_span_that_samples_nothing(kwargs):
    """step_s=0 raised ZeroDivisionError inside numpy; a negative step returned an empty track."""
    science = [o for o in tianwen1_mars_orbits() if o.key == "remote-sensing"][0]
    with pytest.raises(ValueError, match="step_s must be > 0 and duration_s >= 0"):
        ground_track(science, **kwargs)


def test_plots_draw_the_results(tmp_path, transfer, timed_grid):
    grid, _elapsed = timed_grid
    pytest.importorskip("matplotlib")
    from orbitkit.plots.mars_orbits import plot_mars_orbits
    from orbitkit.plots.porkchop import plot_porkchop
    from orbitkit.plots.transfer import plot_transfer

    orbits = tianwen1_mars_orbits()
    plot_transfer(transfer, tmp_path / "t.png")
    plot_porkchop(grid, tmp_path / "p.png")
    plot_mars_orbits(orbits, tmp_path / "m.png", ground_track=ground_track(orbits[2]),
                     site={"name": "Zhurong", "lat_deg": 25.066, "lon_deg": 109.925})
    for name in ("t.png", "p.png", "m.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
