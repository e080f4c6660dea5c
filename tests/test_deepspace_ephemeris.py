"""Offline planetary ephemeris (orbitkit.deepspace.ephemeris): DE421 via the de421 package.

Checks: the leap-second table against ERFA's, TDB against skyfield's builtin timescale,
DE421 against an excerpt of DE430 (within 2 km) and against ERFA's analytic series (within
their documented accuracy), the Earth's 2021 perihelion distance, and the velocity as the
derivative of the position.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from orbitkit.deepspace import ephemeris as eph
from orbitkit.errors import TimeInputError

LAUNCH = datetime(2020, 7, 23, 4, 41, tzinfo=UTC)
MOI = datetime(2021, 2, 10, 11, 52, tzinfo=UTC)


def test_tt_minus_utc_is_69_184_s_in_2020_21():
    jd1, jd2 = eph.utc_to_tdb_jd([LAUNCH, MOI])
    utc_jd = np.array([2459053.5 + (4 * 60 + 41) / 1440, 2459255.5 + (11 * 60 + 52) / 1440])
    # TDB − UTC = 69.184 s ± 1.7 ms (the periodic TDB − TT term)
    np.testing.assert_allclose((jd1 - utc_jd + jd2) * 86400.0, 69.184, atol=0.002)
    assert eph.tai_minus_utc_s(LAUNCH)[0] == 37.0


def test_leap_second_table_matches_erfa():
    erfa = pytest.importorskip("erfa")
    for year in range(1972, 2026):
        for month in (1, 7):
            t = datetime(year, month, 1, 12, tzinfo=UTC)
            assert eph.tai_minus_utc_s(t)[0] == erfa.dat(year, month, 1, 0.5), t


def test_tdb_matches_skyfield_builtin_timescale_within_50_us():
    api = pytest.importorskip("skyfield.api")
    ts = api.load.timescale(builtin=True)
    for t in (LAUNCH, MOI, datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)):
        jd1, jd2 = eph.utc_to_tdb_jd(t)
        ours = (jd1[0] - 2451545.0 + jd2[0]) * 86400.0
        theirs = (ts.from_datetime(t).tdb - 2451545.0) * 86400.0
        assert abs(ours - theirs) < 5e-5


def test_naive_and_pre_1972_times_are_refused():
    with pytest.raises(TimeInputError, match="time zone"):
        eph.heliocentric_state("mars", datetime(2021, 2, 10))
    with pytest.raises(TimeInputError, match="1972"):
        eph.utc_to_tdb_jd(datetime(1960, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="unknown body"):
        eph.heliocentric_state("vulcan", MOI)


def test_other_time_zones_and_datetime64_give_the_same_instant():
    bjt = timezone(timedelta(hours=8))
    r_utc, _ = eph.heliocentric_state("mars", MOI)
    r_bjt, _ = eph.heliocentric_state("mars", datetime(2021, 2, 10, 19, 52, tzinfo=bjt))
    r_64, _ = eph.heliocentric_state("mars", np.array(["2021-02-10T11:52"], "datetime64[ns]"))
    np.testing.assert_allclose(r_bjt, r_utc, atol=1e-6)
    np.testing.assert_allclose(r_64[0], r_utc, atol=1e-6)


def _de430_excerpt() -> Path | None:
    """skyfield ships a 2015 excerpt of DE430 among its test data; use it when present."""
    spec = importlib.util.find_spec("skyfield")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "tests" / "data" / "de430-2015-03-02.bsp"
    return path if path.is_file() else None


def test_de421_agrees_with_de430_excerpt_within_2_km():
    """DE430 (2013) is independent of DE421 (2008); they agree to ~0.5 km in 2015."""
    de430 = _de430_excerpt()
    if de430 is None:
        pytest.skip("skyfield's DE430 test excerpt is not installed")
    from jplephem.spk import SPK

    t = datetime(2015, 3, 2, 12, tzinfo=UTC)
    jd1, jd2 = eph.utc_to_tdb_jd(t)
    with SPK.open(str(de430)) as kernel:
        sun = kernel[0, 10].compute(jd1[0], jd2[0])
        earth = kernel[0, 3].compute(jd1[0], jd2[0]) + kernel[3, 399].compute(jd1[0], jd2[0])
        mars = kernel[0, 4].compute(jd1[0], jd2[0])
    r_e, _ = eph.heliocentric_state("earth", t, frame="icrf")
    r_m, _ = eph.heliocentric_state("mars", t, frame="icrf")
    assert np.linalg.norm(r_e - (earth - sun)) < 2.0
    assert np.linalg.norm(r_m - (mars - sun)) < 2.0


def test_de421_against_erfa_analytic_series_within_their_stated_accuracy():
    """ERFA epv00 (Earth, a few km) and plan94 (Mars, 7,700 km RMS, < ~30,000 km)."""
    erfa = pytest.importorskip("erfa")
    au = eph.au_km()
    for t in (LAUNCH, MOI):
        jd1, jd2 = eph.utc_to_tdb_jd(t)
        pvh, _pvb = erfa.epv00(jd1[0], jd2[0])
        pv_mars = erfa.plan94(jd1[0], jd2[0], 4)
        r_e, _ = eph.heliocentric_state("earth", t, frame="icrf")
        r_m, _ = eph.heliocentric_state("mars", t, frame="icrf")
        assert np.linalg.norm(r_e - pvh[0] * au) < 20.0
        assert np.linalg.norm(r_m - pv_mars[0] * au) < 30_000.0


def test_earth_perihelion_2021_distance():
    # 2021-01-02 13:51 UTC, 0.983257 au (USNO / timeanddate perihelion tables).
    r, _ = eph.heliocentric_state("earth", datetime(2021, 1, 2, 13, 51, tzinfo=UTC))
    assert np.linalg.norm(r) / eph.au_km() == pytest.approx(0.983257, abs=2e-6)


def test_velocity_is_the_derivative_of_position_within_1_mm_s():
    h = 60.0
    times = [MOI - timedelta(seconds=h), MOI + timedelta(seconds=h)]
    for body in ("earth", "mars"):
        r, _ = eph.heliocentric_state(body, times)
        _, v = eph.heliocentric_state(body, MOI)
        np.testing.assert_allclose((r[1] - r[0]) / (2 * h), v, atol=1e-6)


def test_ecliptic_frame_keeps_the_earth_near_z_0_and_preserves_lengths():
    r_ecl, v_ecl = eph.heliocentric_state("earth", [LAUNCH, MOI], frame="ecliptic")
    r_eq, v_eq = eph.heliocentric_state("earth", [LAUNCH, MOI], frame="icrf")
    assert np.all(np.abs(r_ecl[:, 2]) < 10_000.0)  # Moon wobble + ecliptic drift: km
    np.testing.assert_allclose(np.linalg.norm(r_ecl, axis=1), np.linalg.norm(r_eq, axis=1))
    # Mars' orbit is inclined 1.85° to the ecliptic
    _, v_m = eph.heliocentric_state("mars", MOI)
    r_m, _ = eph.heliocentric_state("mars", MOI)
    h = np.cross(r_m, v_m)
    assert np.degrees(np.arccos(h[2] / np.linalg.norm(h))) == pytest.approx(1.85, abs=0.02)


def test_gm_sun_from_de421():
    assert eph.gm_sun_km3_s2() == pytest.approx(1.32712440041e11, rel=1e-10)


def test_times_outside_the_arrays_or_the_ns_range_are_named():
    """The de421 package's arrays end on 2200-02-01 (not 2050, as DE421's SPICE kernel):
    2100 works, 2201 names the real span; 2300 is past int64 nanoseconds, which numpy used
    to wrap silently into a 'before 1972' complaint."""
    from datetime import UTC, datetime

    import numpy as np

    from orbitkit.deepspace.ephemeris import heliocentric_state
    from orbitkit.errors import TimeInputError

    r, _ = heliocentric_state("mars", datetime(2100, 1, 1, tzinfo=UTC))
    assert 1.9e8 < float(np.linalg.norm(r)) < 2.5e8  # km: Mars's 1.38-1.67 au
    with pytest.raises(ValueError, match="cover 1899-12-04 to 2200-02-01"):
        heliocentric_state("mars", datetime(2201, 1, 1, tzinfo=UTC))
    from orbitkit.timeutil import TIME_RANGE_TEXT

    for t in (datetime(2300, 1, 1, tzinfo=UTC), np.datetime64("2300-01-01")):
        with pytest.raises(TimeInputError, match=re.escape(TIME_RANGE_TEXT)):
            heliocentric_state("mars", t)
