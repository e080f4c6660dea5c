"""A low-precision Sun, enough to say "sunlit" and "is it dark at the station".

The position is the Astronomical Almanac's low-precision solar formula (section C,
"Low-precision formulas for the Sun"): about 0.01 deg in direction between 1950 and 2050,
i.e. under 40 s of Earth rotation in the time of a twilight boundary and under 2 s in the
time a low satellite crosses the shadow edge. The result is on the mean equator and
equinox of date; it is turned into the Earth-fixed frame with the mean sidereal angle
(no nutation, no polar motion: both are arcseconds, far below the formula's own error).

Shadow model: a cylinder of Earth's equatorial radius along the Sun-Earth line. Against
a conical umbra this makes a low satellite enter the shadow a few seconds late; a
satellite in the penumbra counts as sunlit, which matches what an observer sees (it fades,
it does not switch off).

Everything is pure numpy on two-part Julian dates (UTC; UT1 - UTC < 0.9 s is far below
the model's error) and kilometres.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "AU_KM",
    "sun_direction_itrs",
    "sun_position_itrs_km",
    "sun_elevation_deg",
    "is_sunlit",
]

#: The astronomical unit [km] (IAU 2012 resolution B2).
AU_KM = 149_597_870.7
_EARTH_RADIUS_KM = 6378.137
_J2000 = 2451545.0


def _days_since_j2000(jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
    # jd - J2000 first so the fraction keeps its precision.
    return (np.asarray(jd, dtype=float) - _J2000) + np.asarray(fr, dtype=float)


def _mean_sidereal_angle_rad(d: np.ndarray) -> np.ndarray:
    # GMST, linear in UT (Astronomical Almanac, same section): 0.1 s over a century is
    # plenty for a 0.01 deg Sun.
    return np.radians(np.mod(280.46061837 + 360.98564736629 * d, 360.0))


def sun_position_itrs_km(jd: np.ndarray | float, fr: np.ndarray | float = 0.0) -> np.ndarray:
    """Geocentric Sun position in the Earth-fixed frame.

    Parameters
    ----------
    jd, fr
        Two-part Julian date (UTC), any broadcastable shapes.

    Returns
    -------
    numpy.ndarray
        Shape ``broadcast(jd, fr).shape + (3,)``, kilometres, ITRS (to the formula's
        0.01 deg).
    """
    d = _days_since_j2000(jd, fr)
    mean_lon = np.radians(280.460 + 0.9856474 * d)
    anomaly = np.radians(357.528 + 0.9856003 * d)
    ecl_lon = mean_lon + np.radians(1.915) * np.sin(anomaly) + np.radians(0.020) * np.sin(
        2.0 * anomaly
    )
    obliquity = np.radians(23.439 - 0.0000004 * d)
    dist_km = AU_KM * (1.00014 - 0.01671 * np.cos(anomaly) - 0.00014 * np.cos(2.0 * anomaly))
    x = dist_km * np.cos(ecl_lon)
    y = dist_km * np.cos(obliquity) * np.sin(ecl_lon)
    z = dist_km * np.sin(obliquity) * np.sin(ecl_lon)
    theta = _mean_sidereal_angle_rad(d)
    c, s = np.cos(theta), np.sin(theta)
    # Equator of date -> Earth-fixed: rotate by -GMST about the pole.
    return np.stack([c * x + s * y, -s * x + c * y, z], axis=-1)


def sun_direction_itrs(jd: np.ndarray | float, fr: np.ndarray | float = 0.0) -> np.ndarray:
    """Unit vector from the geocentre to the Sun, ITRS, shape ``(..., 3)``."""
    r = sun_position_itrs_km(jd, fr)
    return r / np.linalg.norm(r, axis=-1, keepdims=True)


def sun_elevation_deg(
    station_itrs_km: np.ndarray,
    up: np.ndarray,
    jd: np.ndarray | float,
    fr: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Geometric elevation of the Sun's centre at a station [deg].

    Parameters
    ----------
    station_itrs_km
        Station position(s), ITRS km, shape ``(..., 3)`` broadcastable with the times.
    up
        Unit geodetic vertical(s) of the station(s), same shape.
    jd, fr
        Two-part Julian date (UTC).
    """
    sun = sun_position_itrs_km(jd, fr)
    rel = sun - np.asarray(station_itrs_km, dtype=float)
    sin_el = np.sum(rel * np.asarray(up, dtype=float), axis=-1) / np.linalg.norm(rel, axis=-1)
    return np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))


def is_sunlit(
    r_itrs_km: np.ndarray, jd: np.ndarray | float, fr: np.ndarray | float = 0.0
) -> np.ndarray:
    """True where a satellite is outside Earth's cylindrical shadow.

    Parameters
    ----------
    r_itrs_km
        Satellite positions, ITRS km, shape ``(..., 3)``.
    jd, fr
        Their two-part Julian dates (UTC), broadcastable with ``r_itrs_km[..., 0]``.
    """
    r = np.asarray(r_itrs_km, dtype=float)
    s_hat = sun_direction_itrs(jd, fr)
    along = np.sum(r * s_hat, axis=-1)
    perp2 = np.sum(r * r, axis=-1) - along * along
    return (along > 0.0) | (perp2 > _EARTH_RADIUS_KM**2)
