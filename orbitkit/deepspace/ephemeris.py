"""Heliocentric positions and velocities of the planets, offline, from JPL DE421.

Source: why DE421 through the ``de421`` package
------------------------------------------------
The ``de421`` package on PyPI ships JPL's DE421 (Folkner, Williams & Boggs 2009, IPN Progress
Report 42-178) as numpy arrays of Chebyshev coefficients (``jpl-mars.npy``, ...; 27 MB,
1899-12-04 to 2200-02-01) for jplephem's ``jplephem.ephem.Ephemeris`` reader. It is not a
SPICE ``.bsp`` kernel (so neither ``jplephem.spk.SPK`` nor skyfield can open it);
``Ephemeris(de421)`` reads the arrays straight from the installed package, so nothing is
ever downloaded. (That reader is marked deprecated in jplephem but still present and tested
in 2.24; the Chebyshev evaluation is ~40 lines should it ever go.)

Accuracy: DE421 gives the positions of Earth and Mars to better than about a kilometre
for 2020–21 (JPL quotes ~300 m for the inner planets over the decade of its fit; Mars
errors grow slowly away from that data span, to a few km at most by 2021) — a few parts in
10⁹ of the Earth–Mars distance. The alternative, astropy's ``builtin`` ephemeris, uses
ERFA's analytic series (``epv00`` for Earth, ``plan94`` of Simon et al. 1994 for Mars):
7,700 km RMS and up to ~26″ in longitude for Mars against DE200 (ERFA's own notes), i.e.
tens of thousands of km at 1.5 au. That is still well inside a 1 % check, but DE421 is
~10⁴ times better, is JPL's own, and costs no astropy import.

Frames and units
----------------
DE421 is barycentric, in the ICRF (equatorial axes), km and km/day, on the TDB time scale.
Here positions are made *heliocentric* (minus the Sun's centre) and returned in km and km/s
either in the ICRF (``frame="icrf"``) or rotated into the ecliptic and equinox of J2000
(``frame="ecliptic"``, obliquity 84381.448″, IAU 1976, the value DE4xx-era tools use), where
the planets' orbits lie nearly in the x–y plane. The Earth is separated from the Earth–Moon
barycentre with DE421's own Earth/Moon mass ratio.

Time scales
-----------
Inputs are UTC (timezone-aware datetimes or ``datetime64``). TT = UTC + (TAI − UTC) + 32.184 s,
with TAI − UTC from the built-in leap-second table below (37 s since 2017-01-01, so
TT − UTC = 69.184 s in 2020–21; no leap second has been announced since, per IERS Bulletin C).
TDB − TT (≤ 1.7 ms, periodic) uses the two leading terms of Fairhead & Bretagnon (1990). A
69 s error would move Mars by ~1,700 km; the ms term by < 0.1 km. Times are kept as
two-part Julian dates so no precision is lost to float64 rounding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from orbitkit.errors import OrbitkitError, TimeInputError
from orbitkit.timeutil import _check_range_64

__all__ = [
    "EphemerisUnavailableError",
    "BODIES",
    "OBLIQUITY_J2000_RAD",
    "tai_minus_utc_s",
    "utc_to_tdb_jd",
    "heliocentric_state",
    "gm_sun_km3_s2",
    "au_km",
    "ecliptic_from_icrf",
    "EPHEMERIS_NAME",
]

Frame = Literal["icrf", "ecliptic"]

EPHEMERIS_NAME = "JPL DE421 (de421 package via jplephem)"

#: Planets (and the Sun) this module serves; keys of the ``de421`` arrays except the Earth,
#: which is derived from the Earth–Moon barycentre.
BODIES = ("mercury", "venus", "earth", "mars", "jupiter", "saturn", "uranus", "neptune")

#: Mean obliquity of the ecliptic at J2000.0, radians (IAU 1976: 84381.448″).
OBLIQUITY_J2000_RAD = math.radians(84381.448 / 3600.0)

_SECONDS_PER_DAY = 86400.0
_JD_UNIX_EPOCH = 2440587.5  # 1970-01-01T00:00 UTC
_TT_MINUS_TAI_S = 32.184

# (first UTC day it applies, as "YYYY-MM-DD"; TAI − UTC in seconds) — IERS Bulletin C history.
# UTC before 1972 had fractional "rubber" seconds; we refuse it rather than pretend.
_LEAP_SECONDS: tuple[tuple[str, int], ...] = (
    ("1972-01-01", 10), ("1972-07-01", 11), ("1973-01-01", 12), ("1974-01-01", 13),
    ("1975-01-01", 14), ("1976-01-01", 15), ("1977-01-01", 16), ("1978-01-01", 17),
    ("1979-01-01", 18), ("1980-01-01", 19), ("1981-07-01", 20), ("1982-07-01", 21),
    ("1983-07-01", 22), ("1985-07-01", 23), ("1988-01-01", 24), ("1990-01-01", 25),
    ("1991-01-01", 26), ("1992-07-01", 27), ("1993-07-01", 28), ("1994-07-01", 29),
    ("1996-01-01", 30), ("1997-07-01", 31), ("1999-01-01", 32), ("2006-01-01", 33),
    ("2009-01-01", 34), ("2012-07-01", 35), ("2015-07-01", 36), ("2017-01-01", 37),
)  # fmt: skip
_LEAP_STARTS_NS = np.array(
    [np.datetime64(day, "ns").astype(np.int64) for day, _ in _LEAP_SECONDS], dtype=np.int64
)
_LEAP_VALUES_S = np.array([value for _, value in _LEAP_SECONDS], dtype=float)


class EphemerisUnavailableError(OrbitkitError):
    """The offline planetary ephemeris (the ``de421`` package) is not installed."""


def _ns_checked(t64: NDArray) -> NDArray[np.int64]:
    # int64 nanoseconds end on 2262-04-11 and numpy wraps silently beyond: refuse times
    # outside orbitkit's range (timeutil.TIME_RANGE_TEXT) before the cast.
    _check_range_64(np.atleast_1d(t64), "time")
    return t64.astype("datetime64[ns]").astype(np.int64)


def _utc_ns(t: Any) -> NDArray[np.int64]:
    """UTC instants as int64 nanoseconds since 1970 (aware datetimes or datetime64)."""
    if isinstance(t, datetime):
        items: Sequence[Any] = [t]
    elif isinstance(t, np.datetime64):
        return np.atleast_1d(_ns_checked(np.asarray(t)))
    elif isinstance(t, np.ndarray) and np.issubdtype(t.dtype, np.datetime64):
        return _ns_checked(t).reshape(-1)
    else:
        items = list(t)
    out = np.empty(len(items), dtype=np.int64)
    for k, item in enumerate(items):
        if isinstance(item, np.datetime64):
            out[k] = _ns_checked(np.asarray(item))
            continue
        if not isinstance(item, datetime):
            raise TimeInputError(f"expected a datetime or datetime64, got {type(item).__name__}")
        if item.tzinfo is None or item.utcoffset() is None:
            raise TimeInputError(
                f"naive datetime {item.isoformat()} has no time zone; give an aware UTC datetime"
            )
        naive = item.astimezone(UTC).replace(tzinfo=None)
        out[k] = _ns_checked(np.asarray(np.datetime64(naive, "us")))
    return out


def tai_minus_utc_s(t: Any) -> NDArray[np.float64]:
    """TAI − UTC (seconds) at UTC instant(s) ``t``, from the built-in leap-second table.

    Raises
    ------
    TimeInputError
        Before 1972-01-01, when UTC had no integer offset from TAI.
    """
    ns = _utc_ns(t)
    idx = np.searchsorted(_LEAP_STARTS_NS, ns, side="right") - 1
    if np.any(idx < 0):
        raise TimeInputError("UTC before 1972-01-01 is not supported (no leap-second table)")
    return _LEAP_VALUES_S[idx]


def utc_to_tdb_jd(t: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Two-part TDB Julian date (whole days, fraction) of UTC instant(s) ``t``.

    Parameters
    ----------
    t
        Aware ``datetime``, ``numpy.datetime64`` (read as UTC), or a sequence/array of them.

    Returns
    -------
    jd1, jd2
        ``jd1`` holds whole days + 0.5 (the Julian-day boundary), ``jd2`` the day fraction
        including TT − UTC and TDB − TT; arrays of shape (N,).
    """
    ns = _utc_ns(t)
    days, rem_ns = np.divmod(ns, np.int64(86_400_000_000_000))
    jd1 = _JD_UNIX_EPOCH + days.astype(float)
    tt_minus_utc = tai_minus_utc_s(t) + _TT_MINUS_TAI_S
    frac_tt = (rem_ns.astype(float) / 1e9 + tt_minus_utc) / _SECONDS_PER_DAY
    # TDB − TT, Fairhead & Bretagnon (1990) leading terms; g = mean anomaly of the Earth.
    g = np.radians(357.53 + 0.98560028 * ((jd1 - 2451545.0) + frac_tt))
    tdb_minus_tt = 0.001657 * np.sin(g) + 0.00001385 * np.sin(2.0 * g)
    jd2 = frac_tt + tdb_minus_tt / _SECONDS_PER_DAY
    return jd1, jd2


@lru_cache(maxsize=1)
def _de421() -> Any:
    try:
        import de421  # the data package: ~27 MB of .npy arrays, no code
        from jplephem.ephem import Ephemeris
    except ImportError as exc:
        raise EphemerisUnavailableError(
            "the offline ephemeris needs the packages 'de421' and 'jplephem' "
            "(pip install de421 jplephem)"
        ) from exc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return Ephemeris(de421)


def au_km() -> float:
    """The astronomical unit used by DE421, km."""
    return float(_de421().AU)


def gm_sun_km3_s2() -> float:
    """The Sun's gravitational parameter from DE421's constants, km³/s² (≈ 1.32712440e11)."""
    eph = _de421()
    return float(eph.GMS) * float(eph.AU) ** 3 / _SECONDS_PER_DAY**2


def ecliptic_from_icrf(vec: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rotate vectors (..., 3) from ICRF (equatorial) axes to the J2000 ecliptic."""
    ce, se = math.cos(OBLIQUITY_J2000_RAD), math.sin(OBLIQUITY_J2000_RAD)
    rot = np.array([[1.0, 0.0, 0.0], [0.0, ce, se], [0.0, -se, ce]])
    return vec @ rot.T


def _barycentric(body: str, jd1: NDArray, jd2: NDArray) -> tuple[NDArray, NDArray]:
    """Barycentric ICRF position (km) and velocity (km/day), shape (3, N)."""
    eph = _de421()
    if body == "earth":
        r_emb, v_emb = eph.position_and_velocity("earthmoon", jd1, jd2)
        r_moon, v_moon = eph.position_and_velocity("moon", jd1, jd2)  # geocentric Moon
        return r_emb - eph.earth_share * r_moon, v_emb - eph.earth_share * v_moon
    return eph.position_and_velocity(body, jd1, jd2)


def _jd_date(jd: float) -> str:
    return (datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(days=jd - 2451545.0)).strftime(
        "%Y-%m-%d")


def heliocentric_state(
    body: str, t: Any, *, frame: Frame = "ecliptic"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Heliocentric position (km) and velocity (km/s) of a planet at UTC time(s) ``t``.

    Parameters
    ----------
    body
        One of :data:`BODIES` (``"earth"``, ``"mars"``, ...); for the outer planets DE421's
        arrays are the system barycentres.
    t
        Aware ``datetime`` or ``datetime64`` (UTC), or a sequence/array of them.
    frame
        ``"ecliptic"`` (J2000 ecliptic and equinox, default) or ``"icrf"`` (equatorial).

    Returns
    -------
    r_km, v_km_s
        Shape (3,) for a single time, (N, 3) for a sequence.

    Raises
    ------
    EphemerisUnavailableError
        When ``de421``/``jplephem`` are missing (nothing is downloaded).
    ValueError
        For an unknown body or frame, or a time outside the arrays (1899-12-04 to
        2200-02-01 in the de421 package).
    """
    key = body.lower()
    if key not in BODIES:
        raise ValueError(f"unknown body {body!r}; known: {', '.join(BODIES)}")
    if frame not in ("icrf", "ecliptic"):
        raise ValueError(f"frame must be 'icrf' or 'ecliptic', got {frame!r}")
    scalar = isinstance(t, (datetime, np.datetime64))
    jd1, jd2 = utc_to_tdb_jd(t)
    eph = _de421()
    if np.any(jd1 + jd2 < eph.jalpha) or np.any(jd1 + jd2 > eph.jomega):
        raise ValueError(f"the DE421 arrays of the de421 package cover {_jd_date(eph.jalpha)} "
                         f"to {_jd_date(eph.jomega)} (TDB) only")
    r_b, v_b = _barycentric(key, jd1, jd2)
    r_sun, v_sun = eph.position_and_velocity("sun", jd1, jd2)
    r = (r_b - r_sun).T
    v = (v_b - v_sun).T / _SECONDS_PER_DAY
    if frame == "ecliptic":
        r = ecliptic_from_icrf(r)
        v = ecliptic_from_icrf(v)
    if scalar:
        return r[0], v[0]
    return r, v
