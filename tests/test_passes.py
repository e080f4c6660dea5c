"""Pass search on exactly known geometry: the coarse-step bound, grazing passes, short dips,
horizon masks, window cuts, geosynchronous intervals, sgp4 failures, and the Sun.

Tolerances are the issue's: rise and set within 0.1 s, culmination within 0.5 s.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from orbitkit.errors import UserError
from orbitkit.passes import (
    CULMINATION_TOLERANCE_S,
    RISE_SET_TOLERANCE_S,
    HorizonMask,
    Pass,
    coarse_step_s,
    find_passes,
    is_geosynchronous,
    parse_horizon,
)
from orbitkit.sun import is_sunlit, sun_elevation_deg, sun_position_itrs_km
from tests.passes_helpers import (
    EQUATOR,
    R_EQ,
    CircularOrbits,
    ScriptedTrack,
    element_set,
    search,
    seconds,
    sets_from_file,
    visibility_half_angle,
)

PASS_KEYS = {"norad_id", "name", "station", "rise_utc", "rise_az_deg", "max_utc",
             "max_elevation_deg", "max_az_deg", "set_utc", "set_az_deg", "duration_s",
             "visible", "starts_before_window", "ends_after_window"}

# Vallado SGP4-VER.TLE 29141 "SL-14 DEB": decays within 420 minutes of its epoch (sgp4 error 6)
DECAY = ("SL-14 DEB",
         "1 29141U 85108AA  06170.26783845  .99999999  00000-0  13519-0 0   718",
         "2 29141  82.4288 273.4882 0015848 277.2124  83.9133 15.93343074  6828")


# ------------------------------------------------------------------ the step bound


def test_step_bound_is_the_shortest_time_above_the_lowered_mask():
    """The derivation in coarse_step_s: a pass peaking exactly at the mask E stays above
    E - margin for at least step / safety (checked on the closed form of a circular orbit,
    without the bound's own ellipsoid allowance)."""
    for alt_km in (200.0, 400.0, 800.0, 1500.0, 20000.0):
        r = R_EQ + alt_km
        rate = math.sqrt(398600.4418 / r**3)
        for mask in (0.0, 10.0, 30.0, 60.0):
            step = coarse_step_s(r, rate, mask, margin_deg=5.0, safety=1.0, max_step_s=1e9)
            orbit = CircularOrbits([r], [math.degrees(visibility_half_angle(
                math.radians(mask), r))], [0.0])
            rise, _, fall, el_max = orbit.analytic(0, mask - 5.0)
            assert el_max == pytest.approx(mask, abs=1e-9)
            # the bound uses orbit rate + Earth rate and a 0.2 deg vertical allowance
            assert step <= (fall - rise), (alt_km, mask)


def test_step_bound_grows_with_altitude_and_shrinks_with_mask():
    def step(alt, mask):
        r = R_EQ + alt
        return coarse_step_s(r, math.sqrt(398600.4418 / r**3), mask, max_step_s=1e9)

    assert step(400, 10) < step(800, 10) < step(1500, 10) < step(20000, 10)
    assert step(400, 0) > step(400, 10) > step(400, 45) > step(400, 80)
    # the figure quoted in the docstring: ~300 s for 400 km, 10 deg, the 8 deg margin
    assert 270 < step(400, 10) < 330


# ------------------------------------------------------------------ grazing passes


@pytest.mark.parametrize("alt_km", [250.0, 400.0, 800.0, 1200.0])
@pytest.mark.parametrize("mask", [0.0, 10.0, 40.0])
def test_grazing_pass_is_found(alt_km, mask):
    """A pass that peaks 0.01 deg above the mask lasts seconds; it is found wherever it
    falls between the coarse samples, with closed-form rise, culmination and set."""
    r = R_EQ + alt_km
    above = 0.01
    lam0 = math.degrees(visibility_half_angle(math.radians(mask + above), r))
    # eight passes at different phases of the coarse grid, one per satellite
    t_close = [2000.0 + 37.3 * k for k in range(8)]
    orbit = CircularOrbits([r] * 8, [lam0] * 8, t_close)
    res = search(orbit, [EQUATOR], [mask], 4000.0)  # under one orbit: one pass each
    assert len(res.passes) == 8, res.steps_s
    for p in res.passes:
        s = p.norad_id - 1
        rise, tc, fall, el_max = orbit.analytic(s, mask)
        assert el_max == pytest.approx(mask + above, abs=1e-9)
        assert 0 < fall - rise < 60.0  # a short pass: far shorter than the coarse step
        assert abs(seconds(p.rise_utc) - rise) <= 0.1
        assert abs(seconds(p.set_utc) - fall) <= 0.1
        assert abs(seconds(p.max_utc) - tc) <= 0.5
        assert p.max_elevation_deg == pytest.approx(el_max, abs=1e-4)
        assert p.max_elevation_deg >= mask
        assert p.rise_utc <= p.max_utc <= p.set_utc
        assert not p.starts_before_window and not p.ends_after_window


def test_high_passes_are_accurate():
    """Overhead and high passes (fast elevation rates) keep the tolerances."""
    r = R_EQ + 400.0
    closest = [0.0, 0.5, 2.0, 5.0, 10.0]
    orbit = CircularOrbits([r] * 5, closest, [2000.0 + 11.0 * k for k in range(5)])
    res = search(orbit, [EQUATOR], [10.0], 4000.0)
    assert len(res.passes) == 5
    for p in res.passes:
        rise, tc, fall, el_max = orbit.analytic(p.norad_id - 1, 10.0)
        assert abs(seconds(p.rise_utc) - rise) <= RISE_SET_TOLERANCE_S * 2
        assert abs(seconds(p.set_utc) - fall) <= RISE_SET_TOLERANCE_S * 2
        assert abs(seconds(p.max_utc) - tc) <= 0.5
        assert p.max_elevation_deg == pytest.approx(el_max, abs=0.01)
    assert CULMINATION_TOLERANCE_S <= 0.5 and RISE_SET_TOLERANCE_S <= 0.1


# ------------------------------------------------------------------ scripted tracks


def _crossings(el_fn, mask_fn, az_fn, t0, t1, step=0.01):
    """Brute-force crossings of el(t) = mask(az(t)) on a dense grid, then bisection."""
    t = np.arange(t0, t1, step)
    g = el_fn(t) - mask_fn(az_fn(t))
    k = np.flatnonzero(np.sign(g[:-1]) != np.sign(g[1:]))
    return t[k] + step / 2


@pytest.mark.parametrize("t_dip", [4000.0, 4123.0, 4290.0, 4377.0])
def test_short_dip_between_two_passes_is_found(t_dip):
    """Elevation dips 0.1 deg below the mask for ~380 s, less than the coarse step (600 s
    for this slow track): two passes, not one, wherever the dip falls between samples
    (the sampled minimum just above the mask is searched)."""
    def el(t):
        return 9.9 + ((t - t_dip) / 600.0) ** 2

    def az(t):
        return 90.0 + 0.01 * t

    track = ScriptedTrack(EQUATOR, el, az, step_radius_km=R_EQ + 20000.0)
    res = search(track, [EQUATOR], [10.0], 8000.0)
    assert res.steps_s[1] == pytest.approx(600.0)
    expected = _crossings(el, lambda a: np.full_like(a, 10.0), az, 0.0, 8000.0)
    assert len(expected) == 2
    assert len(res.passes) == 2
    first, second = res.passes
    assert first.starts_before_window and second.ends_after_window
    assert abs(seconds(first.set_utc) - expected[0]) <= 0.1
    assert abs(seconds(second.rise_utc) - expected[1]) <= 0.1


def test_azimuth_dependent_mask():
    """A horizon with a 25 deg ridge in the east: the pass starts when the satellite clears
    the ridge, not at the lowest part of the mask."""
    mask = HorizonMask.from_pairs([(0, 5), (60, 5), (80, 25), (120, 25), (140, 5), (360, 5)])

    def el(t):
        return np.maximum(40.0 - 45.0 * ((t - 3000.0) / 1500.0) ** 2, -30.0)

    def az(t):
        return 40.0 + 0.03 * t  # 40 deg at t=0, 130 deg at t=3000, 220 deg at t=6000

    track = ScriptedTrack(EQUATOR, el, az)
    res = search(track, [EQUATOR], [mask], 6000.0)
    expected = _crossings(el, mask.elevation_deg, az, 0.0, 6000.0)
    assert len(res.passes) == len(expected) // 2 >= 1
    got = sorted([seconds(p.rise_utc) for p in res.passes] + [seconds(p.set_utc)
                                                              for p in res.passes])
    assert np.allclose(got, expected, atol=0.1)
    p = res.passes[0]
    assert p.max_elevation_deg == pytest.approx(40.0, abs=0.01)
    assert abs(seconds(p.max_utc) - 3000.0) < 0.5
    assert p.rise_az_deg == pytest.approx(az(np.array(expected[0])), abs=0.01)
    assert res.min_elevation_deg == [None]


def test_pass_cut_by_the_window_is_flagged():
    def el(t):
        return np.maximum(30.0 - 40.0 * ((t - 100.0) / 600.0) ** 2, -30.0)

    def az(t):
        return 10.0 + 0.05 * t

    res = search(ScriptedTrack(EQUATOR, el, az), [EQUATOR], [10.0], 3000.0)
    assert len(res.passes) == 1
    p = res.passes[0]
    assert p.starts_before_window and not p.ends_after_window
    assert p.rise_utc == res.start_utc
    assert p.rise_az_deg == pytest.approx(10.0, abs=1e-3)
    assert abs(seconds(p.max_utc) - 100.0) < 0.5
    assert p.duration_s == pytest.approx(seconds(p.set_utc))


def test_never_setting_object_gives_an_interval_not_a_pass():
    res = search(ScriptedTrack(EQUATOR, lambda t: 20 + 0 * t, lambda t: 180 + 0 * t),
                 [EQUATOR], [10.0], 3600.0)
    assert res.passes == []
    (iv,) = res.intervals
    assert iv.starts_before_window and iv.ends_after_window
    assert iv.min_elevation_deg == pytest.approx(20.0, abs=1e-6)
    assert iv.to_dict()["kind"] == "visibility"


# ------------------------------------------------------------------ masks


def test_horizon_mask_interpolates_across_north():
    m = HorizonMask.from_pairs([(350, 10), (10, 20), (180, 0)])
    assert m.elevation_deg(0.0) == pytest.approx(15.0)
    assert m.elevation_deg(360.0) == pytest.approx(15.0)
    assert m.elevation_deg(95.0) == pytest.approx(10.0)
    assert m.min_deg == 0.0 and m.max_deg == 20.0
    assert HorizonMask.from_pairs([(0, 7)]).elevation_deg(np.array([0, 90])).tolist() == [7, 7]


def test_horizon_mask_lists_both_0_and_360():
    """Horizon files commonly run 0..360 inclusive. 360 closes the circle: the mask just
    east of north is the 0-degree value, just west of it the 360-degree value; exact
    linear interpolation, so to 1e-9 deg. (np.interp's period=360 folded 360 onto 0 and
    gave 23.3 deg at azimuth 45 here instead of 10.)"""
    m = HorizonMask.from_pairs([(0, 10), (90, 10), (180, 10), (270, 10), (360, 40)])
    got = m.elevation_deg(np.array([0.5, 45.0, 89.0, 315.0, 359.0]))
    assert got == pytest.approx([10.0, 10.0, 10.0, 25.0, 40.0 - 30.0 / 90.0], abs=1e-9)
    # a step at one azimuth (a building edge), in file order
    step = HorizonMask.from_pairs([(0, 0), (90, 5), (90, 30), (180, 30), (270, 0)])
    assert step.elevation_deg(np.array([89.99, 90.01])) == pytest.approx(
        [5.0 * 89.99 / 90.0, 30.0], abs=1e-9)


def test_parse_horizon_rejects_out_of_range_values_with_line():
    """A bad value names the file and the line, not only "horizon mask"."""
    with pytest.raises(UserError, match=r"ridge\.txt, line 3: elevation 95"):
        parse_horizon("0 5\n90 6\n180 95\n", source="ridge.txt")
    with pytest.raises(UserError, match=r"line 2: elevation nan"):
        parse_horizon("0 5\n90 nan\n", source="h.txt")
    with pytest.raises(UserError, match=r"line 2: azimuth 400 must lie in 0\.\.360"):
        parse_horizon("0 5\n400 6\n", source="h.txt")


def test_parse_horizon_text():
    text = "# azimuth elevation\naz_deg,el_deg\n0 5\n90, 12.5 # ridge\n\n180;3\n270\t4\n"
    m = parse_horizon(text)
    assert m.az_deg == (0.0, 90.0, 180.0, 270.0)
    assert m.el_deg == (5.0, 12.5, 3.0, 4.0)
    with pytest.raises(UserError, match="line 4"):
        parse_horizon("0 5\n90 6\n180 7\n270 x\n")
    with pytest.raises(UserError, match="no azimuth"):
        parse_horizon("# nothing\n")
    with pytest.raises(UserError):
        HorizonMask.from_pairs([(0, 95)])


def test_bad_inputs_are_user_errors(active_2026):
    sets = sets_from_file(active_2026, [48274])
    with pytest.raises(UserError, match="outside"):
        find_passes(sets, "beijing", "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z",
                    min_elevation_deg=95)
    with pytest.raises(UserError, match="end after"):
        find_passes(sets, "beijing", "2026-05-02T00:00:00Z", "2026-05-01T00:00:00Z")
    with pytest.raises(UserError):
        find_passes(sets, "no-such-station", "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z")
    # a mask list that is not one per station was numpy's "operands could not be broadcast"
    with pytest.raises(UserError, match=r"min_elevation_deg: .*one per station \(2\)"):
        find_passes(sets, ["beijing", "sanya"], "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z",
                    min_elevation_deg=[10, 20, 30])
    with pytest.raises(UserError, match="min_elevation_deg"):
        find_passes(sets, "beijing", "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z",
                    min_elevation_deg="ten")


# ------------------------------------------------------------------ real element sets


def test_pass_to_dict_has_exactly_the_issue_keys(active_2026):
    sets = sets_from_file(active_2026, [48274])
    res = find_passes(sets, "39.9042,116.4074,50", "2026-05-01T00:00:00Z",
                      "2026-05-02T00:00:00Z", min_elevation_deg=10)
    assert res.passes
    for p in res.passes:
        d = p.to_dict()
        assert set(d) == PASS_KEYS
        assert d["rise_utc"].endswith("Z") and d["norad_id"] == 48274
        assert isinstance(d["visible"], bool)
        assert d["station"] == "39.9042,116.4074,50"
    assert isinstance(res.passes[0], Pass)
    assert set(res.to_dict()) >= {"passes", "intervals", "failed_samples"}


def test_the_search_iterates_over_its_passes_and_feeds_the_calendar(active_2026):
    """PassSearch had ``len()`` but no iteration: ``for p in search`` and
    ``passes_to_ical(search)`` (documented to take an iterable of passes) raised TypeError."""
    from orbitkit.ical import passes_to_ical

    sets = sets_from_file(active_2026, [48274])
    res = find_passes(sets, "beijing", "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z",
                      min_elevation_deg=10, visibility=False)
    assert len(res) > 0 and list(res) == res.passes
    now = datetime(2026, 5, 1, tzinfo=UTC)
    assert passes_to_ical(res, now=now) == passes_to_ical(res.passes, now=now)
    assert passes_to_ical(res, now=now).count("BEGIN:VEVENT") == len(res)


def test_geosynchronous_objects_get_visibility_intervals(active_2026):
    """BeiDou-3 G1 (140 deg E) never sets from Beijing: one interval over the whole window,
    no passes; the IGSO sets and rises but still gets intervals (no bogus culminations)."""
    sets = sets_from_file(active_2026, [43683, 44204])
    assert all(is_geosynchronous(es.satrec.no_kozai * 1440 / (2 * math.pi)) for es in sets)
    res = find_passes(sets, "beijing", "2026-05-01T00:00:00Z", "2026-05-03T00:00:00Z",
                      min_elevation_deg=10)
    assert res.passes == []
    geo = [iv for iv in res.intervals if iv.norad_id == 43683]
    assert len(geo) == 1 and geo[0].starts_before_window and geo[0].ends_after_window
    assert geo[0].duration_s == pytest.approx(2 * 86400)
    assert 10 < geo[0].min_elevation_deg <= geo[0].max_elevation_deg < 90
    igso = [iv for iv in res.intervals if iv.norad_id == 44204]
    assert igso and all(iv.min_elevation_deg >= 10 - 1e-3 for iv in igso)


def test_propagation_failures_are_skipped_and_counted():
    """A debris object that decays hours after its epoch: its failed samples are counted
    and reported, the search does not fail."""
    es = element_set(*DECAY)
    start = es.epoch
    res = find_passes([es], ["0,0", "45,90"], start, start + timedelta(days=1),
                      visibility=False)
    assert res.failed_samples > 0
    assert any("failed in their orbit source" in w and "29141" in w for w in res.warnings)
    for p in res.passes:
        assert p.set_utc - start < timedelta(hours=8)


def test_visible_follows_its_rule(active_2026):
    """`visible` agrees with the rule checked densely: some second of the pass with the
    station's Sun below -6 deg and the satellite outside the cylindrical shadow."""
    from orbitkit.passes import _Sgp4Orbits, _Stations
    from orbitkit.sites import parse_site

    sets = sets_from_file(active_2026, [48274])
    start = datetime(2026, 5, 1, tzinfo=UTC)
    res = find_passes(sets, "39.9042,116.4074,50", start, start + timedelta(days=4),
                      min_elevation_deg=10)
    orbits = _Sgp4Orbits(sets, start, 4 * 86400)
    st = _Stations.from_sites([parse_site("39.9042,116.4074,50")])
    assert any(p.visible for p in res.passes) and not all(p.visible for p in res.passes)
    for p in res.passes:
        t = np.arange(seconds_from(start, p.rise_utc), seconds_from(start, p.set_utc), 1.0)
        r, _, ok = orbits.state(0, t)
        fr = orbits.fr0 + t / 86400.0
        dark = sun_elevation_deg(st.pos[0], st.up[0], orbits.jd0, fr) < -6.0
        lit = is_sunlit(r, orbits.jd0, fr)
        assert bool(np.any(dark & lit)) == p.visible, p


def seconds_from(start: datetime, t: datetime) -> float:
    return (t - start).total_seconds()


# ------------------------------------------------------------------ the Sun


def test_sun_against_astropy_within_a_hundredth_of_a_degree():
    """Astronomical Almanac low-precision Sun vs astropy's get_sun (ERFA), ITRS."""
    pytest.importorskip("astropy")
    from astropy.coordinates import ITRS, get_sun
    from astropy.time import Time
    from astropy.utils import iers

    with iers.conf.set_temp("auto_download", False), iers.conf.set_temp("auto_max_age", None), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ERFA's "dubious year" for 2040 (no leap table)
        t = Time(["2026-05-01T00:00:00", "2026-12-21T12:00:00", "2021-03-20T09:37:00",
                  "1995-07-01T03:00:00", "2040-01-01T18:00:00"], scale="utc")
        ref = get_sun(t).transform_to(ITRS(obstime=t)).cartesian.xyz.to("km").value.T
    jd = np.floor(t.jd - 0.5) + 0.5
    ours = sun_position_itrs_km(jd, t.jd - jd)
    cos = np.sum(ref * ours, axis=1) / np.linalg.norm(ref, axis=1) / np.linalg.norm(ours, axis=1)
    assert np.degrees(np.arccos(np.clip(cos, -1, 1))).max() < 0.01
    assert np.allclose(np.linalg.norm(ours, axis=1) / np.linalg.norm(ref, axis=1), 1, atol=1e-4)


def test_shadow_cylinder():
    jd, fr = 2461161.5, 0.0
    s = sun_position_itrs_km(jd, fr)
    s_hat = s / np.linalg.norm(s)
    perp = np.cross(s_hat, [0.0, 0.0, 1.0])
    perp /= np.linalg.norm(perp)
    pts = np.array([7000 * s_hat, -7000 * s_hat, -7000 * s_hat + 6400 * perp,
                    -7000 * s_hat + 6300 * perp])
    assert is_sunlit(pts, jd, fr).tolist() == [True, False, True, False]


def test_import_stays_light():
    code = ("import sys, orbitkit.passes, orbitkit.sun, orbitkit.skyview, orbitkit.ical, "
            "orbitkit.plots.skyplot, orbitkit.plots.timeline, orbitkit.cli.passes_cmd, "
            "orbitkit.cli.skyplot_cmd;"
            "bad = [m for m in ('matplotlib', 'scipy', 'astropy') if m in sys.modules];"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_pass_records_equal_to_dict(active_2026):
    """The bulk formatter the CLI uses gives exactly Pass.to_dict()."""
    from orbitkit.passes import pass_records

    sets = sets_from_file(active_2026, [48274, 49008])
    res = find_passes(sets, ["beijing", "-33.87,151.21,40"], "2026-05-01T00:00:00Z",
                      "2026-05-03T00:00:00Z", min_elevation_deg=5)
    fast = res.records()  # from the arrays, before any Pass object exists
    assert len(res) == len(fast) > 10
    assert fast == [p.to_dict() for p in res.passes]
    assert pass_records(res.passes) == fast
    assert pass_records([]) == []


def test_re_entered_positions_are_not_passes():
    """A 2021 Starlink-70 set propagated to 2022-01-11 gives sgp4 status 0 at 13-29 km
    altitude (sgp4 flags decay only inside the Earth): those samples count as failed, so
    no 'pass' of a re-entered object is listed, and the warning says why."""
    es = element_set("STARLINK-70",
                     "1 44281U 19029AY  21234.69034186  .00126224  00000-0  10450-2 0  9998",
                     "2 44281  52.9921 306.2981 0006799   9.3087 350.8053 15.69353649 56934")
    start = datetime(2022, 1, 11, tzinfo=UTC)
    res = find_passes([es], ["0,0", "30,100", "-40,-60"], start, start + timedelta(hours=12),
                      visibility=False)
    assert res.passes == [] and res.failed_samples > 0
    assert any("below 100 km (re-entered)" in w and "44281" in w for w in res.warnings)
