"""Accepted time inputs and their conversion to UTC, two-part Julian dates and UT1.

At the edges orbitkit takes timezone-aware ``datetime``, numpy ``datetime64`` (read as
UTC), ISO 8601 strings with a zone (``2026-05-01T00:00:00Z``) and skyfield ``Time``.
Naive datetimes are refused: a satellite is somewhere else 8 hours later.

Inside, a time is a two-part UTC Julian date ``(jd, fr)``: ``jd`` is the Julian date of
the preceding midnight (always ``N + 0.5``) and ``fr`` the fraction of the day in
``[0, 1)``. Keeping the two apart keeps the sub-microsecond precision that a single
float64 Julian date (resolution ~40 µs) would lose. This is the form
:meth:`sgp4.api.SatrecArray.sgp4` takes, which reads its epochs as UTC (AIAA 2006-6753).

UT1, TT and the precession-nutation matrices come from the leap-second and ΔT tables
that ship inside skyfield (``load.timescale(builtin=True)``): nothing is downloaded.
skyfield is imported only when one of those functions is first called (it costs
~70 ms of import time on top of numpy), so ``import orbitkit.timeutil`` stays cheap.

Leap seconds: ``datetime`` and ``datetime64`` cannot hold 23:59:60, so neither can
these arrays; every UTC day here is 86,400 s long, exactly as sgp4 assumes.

Range: times are held as int64 nanoseconds since 1970 (``datetime64[ns]``), which reach
1677-09-21 to 2262-04-11; past those ends numpy wraps silently (2263 becomes 1678) and
Python's ``datetime`` arithmetic overflows at year 9999. Every time that enters through
:func:`parse_utc` or :func:`to_datetime64` (and so every grid, span end and CLI option)
must therefore lie in the whole years inside, 1678-01-01 to 2261-12-31 UTC
(:data:`TIME_RANGE_FIRST` to :data:`TIME_RANGE_END`, exclusive); anything else is a
:class:`~orbitkit.errors.TimeInputError` naming that range, never a wrapped time. Within
it, leap seconds follow skyfield's bundled table (10 s before 1972, the last tabulated
value after it) and UT1 its ΔT model; those are models, not limits.

Precision: a ``datetime`` holds microseconds, so ISO 8601 text with more fractional digits
is rounded to the nearest microsecond with a :class:`TimeRoundingWarning` (Python's own
``fromisoformat`` truncates them without a word).
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from orbitkit.errors import RequestTooLargeError, TimeInputError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from skyfield.timelib import Time, Timescale

__all__ = [
    "parse_utc",
    "format_utc",
    "format_utc_array",
    "now_utc",
    "to_datetime64",
    "to_julian",
    "julian_to_datetime64",
    "time_grid",
    "timescale",
    "leap_seconds",
    "ut1_minus_utc_s",
    "utc_to_ut1",
    "utc_to_tt",
    "precession_nutation",
    "DAY_S",
    "MAX_GRID_SAMPLES",
    "TIME_RANGE_FIRST",
    "TIME_RANGE_END",
    "TIME_RANGE_TEXT",
    "TimeRoundingWarning",
]

#: Seconds in a (UTC, non-leap) day.
DAY_S = 86400.0
_DAY_NS = 86_400_000_000_000
#: Julian date of 1970-01-01T00:00:00 UTC, the datetime64 epoch.
_JD_UNIX_EPOCH = 2440587.5
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: TT - TAI, seconds (fixed by definition).
_TT_MINUS_TAI_S = 32.184
# "23:59:60" (with or without fraction): an ISO 8601 leap second, which datetime refuses.
_LEAP_SECOND = re.compile(r"T?23:59:60(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?$", re.IGNORECASE)
#: Largest time grid :func:`time_grid` builds (8 bytes each: 400 MB of times alone).
MAX_GRID_SAMPLES = 50_000_000
#: First time orbitkit represents exactly (UTC): the first whole year of datetime64[ns].
TIME_RANGE_FIRST = datetime(1678, 1, 1, tzinfo=UTC)
#: End (exclusive) of the times orbitkit represents exactly: datetime64[ns] ends 2262-04-11.
TIME_RANGE_END = datetime(2262, 1, 1, tzinfo=UTC)
#: The range as messages state it.
TIME_RANGE_TEXT = "1678-01-01 to 2261-12-31 UTC"
_FIRST_NS = (TIME_RANGE_FIRST - _UNIX_EPOCH) // timedelta(microseconds=1) * 1000
_END_NS = (TIME_RANGE_END - _UNIX_EPOCH) // timedelta(microseconds=1) * 1000
_FIRST_64 = np.datetime64(_FIRST_NS // 1_000_000_000, "s")
_END_64 = np.datetime64(_END_NS // 1_000_000_000, "s")
# seven or more fractional digits of a second: more than a datetime holds
_LONG_FRACTION = re.compile(r"([.,])(\d{7,})")


class TimeRoundingWarning(UserWarning):
    """A time given with more than microsecond precision was rounded to the microsecond."""


def _out_of_range(what: str, shown: str) -> TimeInputError:
    return TimeInputError(
        f"{what}: {shown} is outside the times orbitkit represents exactly, "
        f"{TIME_RANGE_TEXT} (its nanosecond times end on 2262-04-11 and would wrap beyond)")


def _check_range(t: datetime, what: str) -> datetime:
    if not TIME_RANGE_FIRST <= t < TIME_RANGE_END:
        raise _out_of_range(what, t.replace(tzinfo=None).isoformat() + "Z")
    return t


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def parse_utc(value: str | datetime | np.datetime64, *, what: str = "time") -> datetime:
    """Parse an ISO 8601 time with a zone (or ``now``) into an aware UTC datetime.

    Parameters
    ----------
    value
        ``"2026-05-01T00:00:00Z"``, ``"2026-05-01T08:00:00+08:00"``, ``"2026-05-01"``
        (a bare date is midnight UTC), ``"now"``, an aware ``datetime``, or one
        ``numpy.datetime64`` or skyfield ``Time`` (read as UTC; truncated to the
        microsecond a ``datetime`` holds).
    what
        Name of the option or argument, used in the error message.

    Raises
    ------
    TimeInputError
        When the value is naive, unparsable, not a time at all, or outside
        :data:`TIME_RANGE_TEXT` (the message names the range).

    Warns
    -----
    TimeRoundingWarning
        Text with more than six fractional digits of a second (rounded to the nearest
        microsecond; ``fromisoformat`` alone would truncate).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TimeInputError(
                f"{what}: naive datetime {value.isoformat()} has no time zone; "
                "give an aware datetime (e.g. tzinfo=timezone.utc)"
            )
        try:
            aware = value.astimezone(UTC)
        except OverflowError:  # year 1 or 9999 shifted out of datetime's own range
            raise _out_of_range(what, value.isoformat()) from None
        return _check_range(aware, what)
    if isinstance(value, np.datetime64) or _is_skyfield_time(value) or (
        isinstance(value, np.ndarray) and value.dtype.kind == "M"
    ):
        # str() of a datetime64 has no zone and would be refused as naive, yet datetime64
        # is read as UTC everywhere else at the boundary (to_datetime64)
        ns = to_datetime64(value, what=what).view(np.int64)
        if ns.size != 1:
            raise TimeInputError(f"{what}: expected one time, got {ns.size}")
        return _UNIX_EPOCH + timedelta(microseconds=int(ns[0]) // 1000)
    text = str(value).strip()
    if text.lower() == "now":
        return now_utc()
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    long_fraction = _LONG_FRACTION.search(iso)
    round_up = False
    if long_fraction:
        digits = long_fraction.group(2)
        round_up = digits[6] >= "5"  # half up: the 7th digit alone decides
        iso = iso[:long_fraction.start(2)] + digits[:6] + iso[long_fraction.end(2):]
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        if _LEAP_SECOND.search(text):
            raise TimeInputError(
                f"{what}: {text!r} is a leap second (23:59:60), which orbitkit cannot "
                "represent: like sgp4, it counts every UTC day as 86,400 s; use 23:59:59.999 "
                "or the following midnight"
            ) from None
        raise TimeInputError(
            f"{what}: cannot read {text!r} as a time; use ISO 8601 UTC such as "
            "2026-05-01T00:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        if len(text) == 10:  # a bare date: midnight UTC is the only sensible reading
            return _check_range(parsed.replace(tzinfo=UTC), what)
        raise TimeInputError(
            f"{what}: {text!r} has no time zone; add 'Z' for UTC (e.g. {text}Z)"
        )
    try:
        result = parsed.astimezone(UTC)
        if round_up:
            result += timedelta(microseconds=1)
    except OverflowError:
        raise _out_of_range(what, text) from None
    result = _check_range(result, what)
    if long_fraction:
        warnings.warn(
            f"{what}: {text} has {len(long_fraction.group(2))} fractional digits of a second; "
            f"rounded to the microsecond ({result.replace(tzinfo=None).isoformat()}Z)",
            TimeRoundingWarning, stacklevel=2)
    return result


def format_utc(t: datetime | np.datetime64, *, timespec: str = "seconds") -> str:
    """ISO 8601 UTC with a trailing ``Z`` (``2026-05-01T00:00:00Z``).

    ``t`` is an aware ``datetime`` or anything else :func:`parse_utc` reads as one time (a
    ``datetime64`` is UTC). A naive datetime raises :class:`TimeInputError`:
    ``astimezone`` would read it as the machine's local time (8 h off in Beijing).
    """
    return parse_utc(t, what="t").replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def format_utc_array(times: np.ndarray, *, unit: str = "auto") -> np.ndarray:
    """ISO 8601 UTC strings with a trailing ``Z`` for an array of ``datetime64``.

    Parameters
    ----------
    times
        ``datetime64`` array (any unit), read as UTC.
    unit
        ``"s"``, ``"ms"``, ``"us"``, ``"ns"``, or ``"auto"`` (the coarsest of those that
        shows every time exactly).

    Returns
    -------
    numpy.ndarray
        Strings such as ``"2026-02-24T00:00:00Z"``, same shape as ``times``.
    """
    t = np.asarray(times).astype("datetime64[ns]")
    if unit == "auto":
        ns = t.view(np.int64)
        unit = "s"
        for candidate, div in (("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)):
            unit = candidate
            if not np.any(ns % div):
                break
        else:
            unit = "ns"
    return np.char.add(np.datetime_as_string(t, unit=unit), "Z")


# --------------------------------------------------------------------------- inputs


def _is_skyfield_time(value: Any) -> bool:
    # Duck-typed so that accepting skyfield times never forces importing skyfield.
    return type(value).__module__.startswith("skyfield") and hasattr(value, "tai_fraction")


def _datetime_to_ns(value: datetime, what: str) -> int:
    aware = parse_utc(value, what=what)
    delta = aware - _UNIX_EPOCH
    # timedelta arithmetic is exact in microseconds; no float round trip.
    return (delta // timedelta(microseconds=1)) * 1000


def _skyfield_to_ns(t: Time, what: str = "time") -> np.ndarray:
    whole = np.atleast_1d(np.asarray(t.whole, dtype=np.float64))
    tai_fr = np.atleast_1d(np.asarray(t.tai_fraction, dtype=np.float64))
    whole, tai_fr = np.broadcast_arrays(whole, tai_fr)
    days = (whole - _JD_UNIX_EPOCH) + tai_fr  # TAI days since 1970: a minute's slack is moot
    bad = np.flatnonzero(~((days * _DAY_NS >= _FIRST_NS) & (days * _DAY_NS < _END_NS)))
    if bad.size:
        raise _out_of_range(what, f"the skyfield time at Julian date "
                                  f"{whole[bad[0]] + tai_fr[bad[0]]:.1f} (TAI)")
    jd, fr = _normalize(whole, tai_fr)
    leap = _tai_minus_utc_from_tai(jd, fr)
    jd, fr = _normalize(jd, fr - leap / DAY_S)
    return _julian_to_ns(jd, fr)


def to_datetime64(times: Any, *, what: str = "time") -> np.ndarray:
    """Any accepted time input as a 1-D ``datetime64[ns]`` array in UTC.

    Parameters
    ----------
    times
        An aware ``datetime``; an ISO 8601 string with a zone (or ``"now"``); a
        ``numpy.datetime64`` scalar or array (read as UTC); a skyfield ``Time`` (scalar
        or array); or a sequence of any of these.
    what
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        1-D ``datetime64[ns]`` (a single time gives length 1).

    Raises
    ------
    TimeInputError
        A naive datetime, an unparsable string, or something that is not a time.
    """
    if _is_skyfield_time(times):
        return _skyfield_to_ns(times, what).view("datetime64[ns]")
    if isinstance(times, np.datetime64) or (
        isinstance(times, np.ndarray) and times.dtype.kind == "M"
    ):
        if np.isnat(times).any():
            raise TimeInputError(f"{what}: NaT (not a time) among the times")
        values = np.atleast_1d(np.asarray(times)).ravel()
        _check_range_64(values, what)
        return values.astype("datetime64[ns]")
    if isinstance(times, (datetime, str)):
        return np.array([_datetime_to_ns(parse_utc(times, what=what), what)],
                        dtype=np.int64).view("datetime64[ns]")
    if isinstance(times, np.ndarray) and times.dtype.kind in "iuf":
        raise TimeInputError(
            f"{what}: plain numbers are not times; give datetime64, aware datetimes, "
            "ISO 8601 strings or a skyfield Time"
        )
    if isinstance(times, Iterable):
        items = list(times.ravel() if isinstance(times, np.ndarray) else times)
        out = np.empty(len(items), dtype=np.int64)
        for i, item in enumerate(items):
            if isinstance(item, np.datetime64):
                if np.isnat(item):
                    raise TimeInputError(f"{what}: NaT (not a time) at index {i}")
                _check_range_64(np.atleast_1d(item), f"{what}[{i}]")
                out[i] = item.astype("datetime64[ns]").view(np.int64)
            elif isinstance(item, (datetime, str)):
                out[i] = _datetime_to_ns(parse_utc(item, what=f"{what}[{i}]"), what)
            elif _is_skyfield_time(item):
                ns = _skyfield_to_ns(item, f"{what}[{i}]")
                if ns.size != 1:
                    raise TimeInputError(f"{what}[{i}]: a nested array of skyfield times")
                out[i] = ns[0]
            else:
                raise TimeInputError(
                    f"{what}[{i}]: {type(item).__name__} {item!r} is not a time"
                )
        return out.view("datetime64[ns]")
    raise TimeInputError(f"{what}: {type(times).__name__} {times!r} is not a time")


def _check_range_64(values: np.ndarray, what: str) -> None:
    """Refuse datetime64 values outside the range *before* a cast to nanoseconds, which
    would wrap them silently. Compared in seconds, where any year of any unit fits."""
    bad = np.flatnonzero((values < _FIRST_64) | (values >= _END_64))
    if bad.size:
        where = f" (index {bad[0]})" if values.size > 1 else ""
        raise _out_of_range(f"{what}{where}", np.datetime_as_string(values[bad[0]]) + "Z")


def _normalize(jd: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Re-split ``jd + fr`` so that ``jd`` is ``N + 0.5`` and ``0 <= fr < 1``."""
    a = np.asarray(jd, dtype=np.float64) - 0.5
    whole = np.floor(a)
    # a - floor(a) is exact in float64, so no precision is lost in the re-split.
    fr2 = (a - whole) + np.asarray(fr, dtype=np.float64)
    carry = np.floor(fr2)
    return whole + carry + 0.5, fr2 - carry


def _ns_to_julian(ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    days, rem = np.divmod(ns.astype(np.int64), _DAY_NS)
    return days + _JD_UNIX_EPOCH, rem / float(_DAY_NS)


def _julian_to_ns(jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
    jd, fr = _normalize(jd, fr)
    days = np.rint(jd - _JD_UNIX_EPOCH).astype(np.int64)
    return days * _DAY_NS + np.rint(fr * _DAY_NS).astype(np.int64)


def to_julian(times: Any) -> tuple[np.ndarray, np.ndarray]:
    """UTC two-part Julian dates of any accepted time input.

    Parameters
    ----------
    times
        See :func:`to_datetime64` for the accepted types.

    Returns
    -------
    jd, fr : numpy.ndarray
        1-D float64 arrays: ``jd`` the Julian date of the preceding UTC midnight
        (``N + 0.5``) and ``fr`` the fraction of the day in ``[0, 1)``. Their sum is the
        UTC Julian date; ``sgp4`` takes them as they are.

    Raises
    ------
    TimeInputError
        Naive datetimes and anything that is not a time.
    """
    return _ns_to_julian(to_datetime64(times).view(np.int64))


def julian_to_datetime64(jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
    """``datetime64[ns]`` UTC from two-part UTC Julian dates (rounded to the nanosecond)."""
    return _julian_to_ns(np.atleast_1d(jd), np.atleast_1d(fr)).view("datetime64[ns]")


def time_grid(start: Any, stop: Any, step_s: float) -> np.ndarray:
    """Evenly spaced UTC times from ``start`` to ``stop``.

    Parameters
    ----------
    start, stop
        One time each, of any type :func:`to_datetime64` accepts.
    step_s
        Spacing in seconds (> 0; resolved to the nanosecond).

    Returns
    -------
    numpy.ndarray
        ``datetime64[ns]``: ``start, start + step, ...``; ``stop`` is included when it
        falls on the grid. ``start == stop`` gives one time.

    Raises
    ------
    TimeInputError
        ``stop`` before ``start``, or a step that is not a positive number.
    RequestTooLargeError
        More than :data:`MAX_GRID_SAMPLES` times.
    """
    t0 = to_datetime64(start, what="start")
    t1 = to_datetime64(stop, what="stop")
    if t0.size != 1 or t1.size != 1:
        raise TimeInputError("time_grid: start and stop must be single times")
    try:
        step = float(step_s)
    except (TypeError, ValueError):
        raise TimeInputError(f"step_s: expected a number of seconds, got {step_s!r}") from None
    if not np.isfinite(step) or step <= 0:
        raise TimeInputError(f"step_s: must be a positive number of seconds, got {step_s!r}")
    step_ns = int(round(step * 1e9))
    if step_ns <= 0:
        raise TimeInputError(f"step_s: {step_s!r} s is below the 1 ns resolution")
    a = int(t0.view(np.int64)[0])
    b = int(t1.view(np.int64)[0])
    if b < a:
        raise TimeInputError(
            f"stop {np.datetime_as_string(t1[0])}Z is before start "
            f"{np.datetime_as_string(t0[0])}Z; swap them"
        )
    count = (b - a) // step_ns + 1
    if count > MAX_GRID_SAMPLES:
        raise RequestTooLargeError(
            f"a time grid of {count:,} steps ({step:g} s over {(b - a) / 1e9 / DAY_S:.1f} "
            f"days) is too large (limit {MAX_GRID_SAMPLES:,}); use a coarser step or a "
            "shorter span"
        )
    return (a + step_ns * np.arange(count, dtype=np.int64)).view("datetime64[ns]")


# ------------------------------------------------------------- skyfield time scales


@functools.lru_cache(maxsize=1)
def timescale() -> Timescale:
    """skyfield's timescale built from its bundled tables (cached; never downloads).

    ``load.timescale(builtin=True)`` reads the leap-second and ΔT tables that ship
    inside the skyfield package; it touches neither the network nor the working
    directory.
    """
    from skyfield.api import load  # lazy: skyfield.api costs ~70 ms to import

    return load.timescale(builtin=True)


@functools.lru_cache(maxsize=1)
def _leap_table() -> tuple[np.ndarray, np.ndarray]:
    ts = timescale()
    dates = np.asarray(ts.leap_dates, dtype=np.float64)
    offsets = np.asarray(ts.leap_offsets, dtype=np.float64)
    keep = np.isfinite(dates)  # legacy tables carry +/-inf sentinels
    return dates[keep], offsets[: len(dates)][keep]


def leap_seconds(jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
    """TAI - UTC in seconds at UTC two-part Julian dates (skyfield's bundled table).

    The table starts with the leap of 1972-07-01; before it TAI - UTC is one second less
    (10 s, its value since 1972-01-01), as in skyfield. Earlier dates get 10 s too:
    orbitkit does not model the pre-1972 rubber seconds.
    """
    dates, offsets = _leap_table()
    total = np.asarray(jd, dtype=np.float64) + np.asarray(fr, dtype=np.float64)
    # A new offset applies from its date's midnight on: side="right" puts a time
    # exactly at the midnight after the leap into the new interval.
    return _offset_at(np.searchsorted(dates, total, side="right") - 1, offsets)


def _offset_at(index: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    # index -1: before the first tabulated leap, each of which adds one second
    return np.where(index < 0, offsets[0] - 1.0, offsets[np.clip(index, 0, len(offsets) - 1)])


def _tai_minus_utc_from_tai(jd_tai: np.ndarray, fr_tai: np.ndarray) -> np.ndarray:
    dates, offsets = _leap_table()
    # In TAI each change happens at (UTC midnight + new offset).
    total = np.asarray(jd_tai) + np.asarray(fr_tai)
    index = np.searchsorted(dates + offsets / DAY_S, total, side="right") - 1
    return _offset_at(index, offsets)


def _skyfield_time_from_utc(jd: np.ndarray, fr: np.ndarray) -> Time:
    jd = np.atleast_1d(np.asarray(jd, dtype=np.float64))
    fr = np.atleast_1d(np.asarray(fr, dtype=np.float64))
    leap = leap_seconds(jd, fr)
    return timescale().tai_jd(jd, fr + leap / DAY_S)


def ut1_minus_utc_s(jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
    """UT1 - UTC in seconds at UTC two-part Julian dates.

    From skyfield's bundled IERS daily table (and its ΔT splines beyond it), the same
    numbers skyfield's own ``Time.dut1`` gives, so positions agree with skyfield.

    Parameters
    ----------
    jd, fr
        UTC two-part Julian dates (1-D arrays or scalars).

    Returns
    -------
    numpy.ndarray
        Seconds, |value| < 0.9 within the table; 1-D.
    """
    return np.asarray(_skyfield_time_from_utc(jd, fr).dut1, dtype=np.float64)


def utc_to_ut1(jd: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UT1 two-part Julian dates from UTC ones (same ``jd``, shifted ``fr``)."""
    jd = np.atleast_1d(np.asarray(jd, dtype=np.float64))
    fr = np.atleast_1d(np.asarray(fr, dtype=np.float64))
    return jd, fr + ut1_minus_utc_s(jd, fr) / DAY_S


def utc_to_tt(jd: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TT two-part Julian dates from UTC ones (TT = UTC + leap seconds + 32.184 s)."""
    jd = np.atleast_1d(np.asarray(jd, dtype=np.float64))
    fr = np.atleast_1d(np.asarray(fr, dtype=np.float64))
    return jd, fr + (leap_seconds(jd, fr) + _TT_MINUS_TAI_S) / DAY_S


#: Precession-nutation is evaluated exactly at most at this many times; beyond, at
#: nodes 0.05 d apart and interpolated (see :func:`precession_nutation`).
_PN_EXACT_MAX = 64
_PN_NODE_STEP_D = 0.05


def _precession_nutation_exact(jd: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = _skyfield_time_from_utc(jd, fr)
    gast_rad = np.asarray(t.gast, dtype=np.float64) * (np.pi / 12.0)
    matrix = np.moveaxis(np.asarray(t.M, dtype=np.float64).reshape(3, 3, -1), -1, 0)
    return gast_rad, matrix


def precession_nutation(jd: np.ndarray, fr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GAST and the bias-precession-nutation matrix at UTC times, as skyfield has them.

    Parameters
    ----------
    jd, fr
        UTC two-part Julian dates, 1-D.

    Returns
    -------
    gast_rad : numpy.ndarray
        Greenwich apparent sidereal time, radians in [0, 2π), shape (T,).
    matrix : numpy.ndarray
        Rotation GCRS → true equator and equinox of date (skyfield's ``Time.M``: frame
        bias, IAU 2006 precession, IAU 2000A nutation), shape (T, 3, 3).

    Notes
    -----
    skyfield's IAU 2000A series costs ~70 µs per time. Beyond :data:`_PN_EXACT_MAX`
    times the series is evaluated on nodes 0.05 d apart and interpolated linearly: the
    matrix elements, and GAST as its difference from the GMST 1982 angle (which is
    evaluated exactly). The 13.66-day nutation term (0.23") leaves the largest
    interpolation error, ~15 µas: measured 2 mm at GEO distance against the exact
    series, so GCRS positions still agree with skyfield to a few millimetres.
    """
    from orbitkit.frames import gmst82  # frames is pure numpy; no import cycle at runtime

    jd = np.atleast_1d(np.asarray(jd, dtype=np.float64))
    fr = np.atleast_1d(np.asarray(fr, dtype=np.float64))
    n = jd.size
    if n <= _PN_EXACT_MAX:
        return _precession_nutation_exact(jd, fr)
    total = (jd - jd.min()) + fr  # days since the first midnight, exact enough here
    span = float(total.max() - total.min())
    n_nodes = int(np.ceil(span / _PN_NODE_STEP_D)) + 1
    if n_nodes * 4 >= n:
        return _precession_nutation_exact(jd, fr)
    base = float(total.min())
    node_offsets = base + np.linspace(0.0, n_nodes - 1, n_nodes) * (span / max(n_nodes - 1, 1))
    node_jd, node_fr = _normalize(np.full(n_nodes, jd.min()), node_offsets)
    gast_nodes, m_nodes = _precession_nutation_exact(node_jd, node_fr)
    ut1_nodes = utc_to_ut1(node_jd, node_fr)
    ut1 = utc_to_ut1(jd, fr)
    # GAST - GMST82 (equation of the equinoxes plus model differences) is small and slow;
    # unwrap it before interpolating so that no 2π jump is smeared.
    diff_nodes = np.unwrap(gast_nodes - gmst82(*ut1_nodes))
    diff = np.interp(total, node_offsets, diff_nodes)
    gast_rad = np.mod(gmst82(*ut1) + diff, 2.0 * np.pi)
    matrix = np.empty((n, 3, 3))
    for i in range(3):
        for j in range(3):
            matrix[:, i, j] = np.interp(total, node_offsets, m_nodes[:, i, j])
    return gast_rad, matrix
