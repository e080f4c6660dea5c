"""Time inputs → two-part UTC Julian dates, grids, UT1 from skyfield's bundled tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from orbitkit.errors import RequestTooLargeError, TimeInputError
from orbitkit.timeutil import (
    format_utc,
    format_utc_array,
    julian_to_datetime64,
    leap_seconds,
    parse_utc,
    time_grid,
    to_datetime64,
    to_julian,
    ut1_minus_utc_s,
    utc_to_tt,
)

# 2026-02-24T06:00:00Z: JD 2461095.75 (USNO JD converter)
T0 = datetime(2026, 2, 24, 6, 0, 0, tzinfo=UTC)
JD0, FR0 = 2461095.5, 0.25


def test_aware_datetime():
    jd, fr = to_julian(T0)
    assert jd.shape == fr.shape == (1,)
    assert jd[0] == JD0 and fr[0] == FR0


def test_other_zone_is_converted_to_utc():
    beijing = timezone(timedelta(hours=8))
    jd, fr = to_julian(datetime(2026, 2, 24, 14, 0, tzinfo=beijing))
    assert (jd[0], fr[0]) == (JD0, FR0)


def test_naive_datetime_is_refused_with_a_message():
    with pytest.raises(TimeInputError, match="naive"):
        to_julian(datetime(2026, 2, 24, 6, 0))
    with pytest.raises(TimeInputError, match="naive"):
        to_julian([T0, datetime(2026, 2, 24, 6, 0)])


def test_iso_strings():
    jd, fr = to_julian("2026-02-24T06:00:00Z")
    assert (jd[0], fr[0]) == (JD0, FR0)
    jd, fr = to_julian(["2026-02-24T06:00:00Z", "2026-02-24T14:00:00+08:00"])
    assert list(fr) == [FR0, FR0]
    with pytest.raises(TimeInputError, match="time zone"):
        to_julian("2026-02-24T06:00:00")
    with pytest.raises(TimeInputError, match="cannot read"):
        to_julian("yesterday-ish")


def test_datetime64_scalar_and_array():
    jd, fr = to_julian(np.datetime64("2026-02-24T06:00:00"))
    assert (jd[0], fr[0]) == (JD0, FR0)
    arr = np.array(["2026-02-24T06:00", "2026-02-24T18:00"], dtype="datetime64[m]")
    jd, fr = to_julian(arr)
    assert list(jd) == [JD0, JD0] and list(fr) == [0.25, 0.75]
    with pytest.raises(TimeInputError, match="NaT"):
        to_julian(np.array(["NaT"], dtype="datetime64[ns]"))


def test_sequence_of_datetimes_and_mixed():
    jd, fr = to_julian([T0, T0 + timedelta(hours=18), np.datetime64("2026-02-25T12:00")])
    assert list(jd) == [JD0, JD0 + 1, JD0 + 1]
    assert list(fr) == [0.25, 0.0, 0.5]


def test_skyfield_time_scalar_and_array():
    from skyfield.api import load

    ts = load.timescale(builtin=True)
    jd, fr = to_julian(ts.utc(2026, 2, 24, 6, 0, 0))
    assert jd[0] == JD0 and abs(fr[0] - FR0) * 86400 < 1e-6
    t = ts.utc(2026, 2, 24, 6, 0, [0.0, 30.5, 86400.0])
    got = to_datetime64(t)
    want = np.array(["2026-02-24T06:00:00", "2026-02-24T06:00:30.5", "2026-02-25T06:00:00"],
                    dtype="datetime64[ns]")
    assert np.all(np.abs((got - want).astype(np.int64)) < 1000)  # within 1 µs


def test_numbers_are_not_times():
    with pytest.raises(TimeInputError):
        to_julian(np.array([2461095.5]))
    with pytest.raises(TimeInputError):
        to_julian([1.5])


def test_sub_microsecond_precision_is_kept():
    t = np.array(["2026-02-24T06:00:00.000000123"], dtype="datetime64[ns]")
    jd, fr = to_julian(t)
    back = julian_to_datetime64(jd, fr)
    assert back[0] == t[0]


def test_time_grid_inclusive_and_exclusive_stop():
    g = time_grid("2026-02-24T00:00:00Z", "2026-02-25T00:00:00Z", 60)
    assert g.dtype == np.dtype("datetime64[ns]") and g.size == 1441
    assert g[-1] == np.datetime64("2026-02-25T00:00:00")
    g = time_grid(T0, T0 + timedelta(seconds=150), 60)
    assert g.size == 3 and g[-1] == np.datetime64("2026-02-24T06:02:00")
    assert time_grid(T0, T0, 10).size == 1


def test_time_grid_refuses_reversed_and_bad_steps():
    with pytest.raises(TimeInputError, match="before start"):
        time_grid("2026-02-25T00:00:00Z", "2026-02-24T00:00:00Z", 60)
    for step in (0, -5, float("nan"), "abc"):
        with pytest.raises(TimeInputError):
            time_grid(T0, T0 + timedelta(hours=1), step)
    with pytest.raises(RequestTooLargeError, match="coarser step"):
        time_grid("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 0.1)


def test_format_utc_array():
    t = np.array(["2026-02-24T06:00:00", "2026-02-24T06:00:01"], dtype="datetime64[ns]")
    assert list(format_utc_array(t)) == ["2026-02-24T06:00:00Z", "2026-02-24T06:00:01Z"]
    t = np.array(["2026-02-24T06:00:00.5"], dtype="datetime64[ns]")
    assert list(format_utc_array(t)) == ["2026-02-24T06:00:00.500Z"]


def test_leap_seconds_iers_bulletin_c():
    """TAI-UTC = 37 s since 2017-01-01 (IERS Bulletin C 52), 36 s before."""
    jd, fr = to_julian(["2016-12-31T23:59:59Z", "2017-01-01T00:00:00Z", "2026-02-24T00:00:00Z"])
    assert list(leap_seconds(jd, fr)) == [36.0, 37.0, 37.0]
    jd_tt, fr_tt = utc_to_tt(jd, fr)
    assert (fr_tt[2] - fr[2]) * 86400 == pytest.approx(69.184, abs=1e-6)


def test_ut1_minus_utc_matches_skyfield_and_iers_magnitude():
    """UT1-UTC stays within ±0.9 s by IERS rule; equals skyfield's Time.dut1 to 1 µs."""
    from skyfield.api import load

    ts = load.timescale(builtin=True)
    jd, fr = to_julian(["2021-04-29T03:23:15Z", "2024-06-01T00:00:00Z", "2026-02-24T12:00:00Z"])
    dut1 = ut1_minus_utc_s(jd, fr)
    assert np.all(np.abs(dut1) < 0.9)
    sky = ts.utc(2026, 2, 24, 12).dut1
    assert abs(dut1[2] - sky) < 1e-6


def test_tt_and_skyfield_round_trip_1972_to_2030():
    """TT from our leap-second lookup equals skyfield's (within 1 µs) for 3,000 random
    instants since 1972-01-01, including the first half of 1972 (TAI-UTC = 10 s); a skyfield
    Time made from those instants comes back to the same nanosecond."""
    from skyfield.api import load

    ts = load.timescale(builtin=True)
    rng = np.random.default_rng(0)
    seconds = rng.uniform(0, 58 * 365.25 * 86400, 3000)
    t64 = (np.datetime64("1972-01-01", "ns") + (seconds * 1e6).astype("timedelta64[us]"))
    jd, fr = to_julian(t64)
    jd_tt, fr_tt = utc_to_tt(jd, fr)
    stamps = t64.astype("datetime64[us]").astype(object)
    t = ts.from_datetimes([d.replace(tzinfo=UTC) for d in stamps])
    diff_s = ((jd_tt - t.whole) + (fr_tt - t.tt_fraction)) * 86400
    assert np.abs(diff_s).max() < 1e-6
    assert np.array_equal(to_datetime64(t), t64)
    early = to_julian("1972-03-01T00:00:00Z")
    assert leap_seconds(*early)[0] == 10.0


def test_a_leap_second_is_named_as_such():
    """2016-12-31T23:59:60Z (IERS Bulletin C 52) is a real UTC time that datetime cannot
    hold; the message says so and what to use instead, rather than "cannot read"."""
    from orbitkit.errors import TimeInputError
    from orbitkit.timeutil import parse_utc

    with pytest.raises(TimeInputError, match=r"--start: .*leap second .*23:59:59\.999"):
        parse_utc("2016-12-31T23:59:60Z", what="--start")
    with pytest.raises(TimeInputError, match="cannot read"):
        parse_utc("2016-12-31T23:59:61Z")


def test_parse_utc_reads_a_datetime64_as_utc_like_every_other_time_input():
    """``find_passes(sets, site, np.datetime64(...), ...)`` was refused with "has no time
    zone; add 'Z'" although datetime64 is read as UTC everywhere else. Exact to the
    microsecond (a datetime holds no finer); a nanosecond remainder is truncated."""
    from orbitkit.passes import find_passes

    want = datetime(2026, 2, 24, 1, 2, 3, 456789, tzinfo=UTC)
    assert parse_utc(np.datetime64("2026-02-24T01:02:03.456789123")) == want
    assert parse_utc(np.array(["2026-02-24T01:02:03.456789"], dtype="datetime64[us]")) == want
    assert parse_utc(np.datetime64("1960-01-01T00:00:00.5")) == datetime(
        1960, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    with pytest.raises(TimeInputError, match="start: expected one time, got 2"):
        parse_utc(np.array(["2026-02-24", "2026-02-25"], dtype="datetime64[D]"), what="start")
    with pytest.raises(TimeInputError, match="NaT"):
        parse_utc(np.datetime64("NaT"))
    search = find_passes([], "39.9,116.4", np.datetime64("2026-02-24T00:00"),
                         np.datetime64("2026-02-25T00:00"))
    assert search.start_utc == datetime(2026, 2, 24, tzinfo=UTC)
    assert search.stop_utc == datetime(2026, 2, 25, tzinfo=UTC)


def test_format_utc_refuses_naive_datetimes_and_formats_datetime64():
    """A naive datetime went through ``astimezone(UTC)``, i.e. was read as the machine's
    local time: on a machine in Asia/Shanghai 2026-02-24T00:00 came out 16:00Z the day
    before. Exact string comparisons (no arithmetic involved)."""
    import os
    import subprocess
    import sys

    with pytest.raises(TimeInputError, match="naive"):
        format_utc(datetime(2026, 2, 24))
    assert format_utc(np.datetime64("2026-02-24T01:02:03.5")) == "2026-02-24T01:02:03Z"
    assert format_utc(datetime(2026, 2, 24, 8, tzinfo=timezone(timedelta(hours=8))),
                      timespec="minutes") == "2026-02-24T00:00Z"
    code = ("from datetime import datetime, timezone\n"
            "from orbitkit.timeutil import format_utc\n"
            "print(format_utc(datetime(2026, 2, 24, tzinfo=timezone.utc)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "TZ": "Asia/Shanghai"}, check=True).stdout
    assert out.strip() == "2026-02-24T00:00:00Z"
