"""Tianwen-1's orbits about Mars as Keplerian ellipses, checked against the published periods.

Constants (stated, not fitted):

* μ_Mars = 42,828.37 km³/s² (JPL Mars GM, as used in DE4xx-era constants and the issue).
* R_Mars = 3,389.5 km, the *volumetric mean* radius (NASA Mars fact sheet). Published
  altitudes do not say which radius they refer to; with the 3,396.2 km equatorial radius the
  periods below grow by ~0.1–0.2 %, well inside the rounding of the published figures.
* One sol (mean solar day) = 88,775.244 s; the sidereal rotation = 88,642.66 s (NASA fact sheet).

The orbits are ideal two-body ellipses: Mars' J2 (which turns the line of apsides by a few
degrees a month for these orbits) and the Sun's pull at apoapsis are ignored. Altitudes,
periods and the inclination are the published inputs (FACTS §5); everything else —
semi-major axis, eccentricity, speeds, the computed period and its difference from the
published one — is computed here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from orbitkit.deepspace.twobody import (
    period_s,
    propagate,
    semi_major_axis_from_period_km,
    state_from_elements,
)

__all__ = [
    "MU_MARS_KM3_S2",
    "R_MARS_MEAN_KM",
    "SOL_S",
    "MARS_SIDEREAL_DAY_S",
    "PublishedMarsOrbit",
    "MarsOrbit",
    "GroundTrack",
    "TIANWEN1_PUBLISHED_ORBITS",
    "mars_orbit",
    "tianwen1_mars_orbits",
    "insertion_delta_v_km_s",
    "ground_track",
]

MU_MARS_KM3_S2 = 42_828.37
R_MARS_MEAN_KM = 3_389.5
SOL_S = 88_775.244
MARS_SIDEREAL_DAY_S = 88_642.66


@dataclass(frozen=True)
class PublishedMarsOrbit:
    """An orbit as published: altitudes above Mars (km), period (s), inclination (deg).

    ``apoapsis_altitude_km`` may be None when only the period was published (the capture
    orbit); the apoapsis is then derived from the period.
    """

    key: str
    name: str
    entered_utc: str
    periapsis_altitude_km: float
    apoapsis_altitude_km: float | None
    period_s: float
    period_text: str
    inclination_deg: float | None
    source: str
    note: str = ""


_SPACECHINA_MOI = "CNSA via spacechina.com, 2021-02-10 (FACTS §5)"
#: The published orbits of FACTS §5. Inputs only: nothing computed is written here.
TIANWEN1_PUBLISHED_ORBITS: tuple[PublishedMarsOrbit, ...] = (
    PublishedMarsOrbit(
        key="capture",
        name="capture orbit",
        entered_utc="2021-02-10",
        periapsis_altitude_km=400.0,
        apoapsis_altitude_km=None,
        period_s=10.0 * 86_400.0,
        period_text="about 10 days",
        inclination_deg=None,
        source=_SPACECHINA_MOI,
        note="only periapsis and period published; apoapsis derived from the period",
    ),
    PublishedMarsOrbit(
        key="parking",
        name="parking orbit",
        entered_utc="2021-02-23T22:29Z",
        periapsis_altitude_km=280.0,
        apoapsis_altitude_km=59_000.0,
        period_s=2.0 * SOL_S,
        period_text="about 2 Martian days",
        inclination_deg=None,
        source="CNSA, 2021-02-24 (punchng.news; slashgear.com) (FACTS §5)",
    ),
    PublishedMarsOrbit(
        key="remote-sensing",
        name="remote-sensing orbit",
        entered_utc="2021-11-08",
        periapsis_altitude_km=265.0,
        apoapsis_altitude_km=10_700.0,
        period_s=7.08 * 3600.0,
        period_text="about 7.08 h",
        inclination_deg=86.0,
        source="CNSA via CNS, 2021-11-08; inclination: destevez.net telemetry analysis "
        "(FACTS §5)",
        note="near-polar; independent analysis gives i = 86 deg",
    ),
)


def iso_utc_with_precision(text: str) -> tuple[str, str]:
    """A published date or time as one ISO 8601 UTC form, and how precisely it is known.

    Published dates are known to the day (``"2021-02-10"``) or the minute
    (``"2021-02-23T22:29Z"``); a JSON column mixing both forms is refused by strict
    readers (pandas). Both become ``YYYY-MM-DDTHH:MM:SSZ`` (a date-only value at 00:00:00)
    with ``"day"``, ``"minute"`` or ``"second"`` saying which digits are real.
    """
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?Z)?", text)
    if m is None:
        raise ValueError(f"published time {text!r} is not YYYY-MM-DD[THH:MM[:SS]Z]")
    day, hh, mm, ss = m.groups()
    if hh is None:
        return f"{day}T00:00:00Z", "day"
    return f"{day}T{hh}:{mm}:{ss or '00'}Z", "second" if ss else "minute"


@dataclass(frozen=True)
class MarsOrbit:
    """A Keplerian ellipse about Mars with its computed figures and the published period.

    Lengths in km, speeds in km/s, times in s (``*_h`` hours, ``*_sols`` sols).
    """

    key: str
    name: str
    entered_utc: str
    periapsis_altitude_km: float
    apoapsis_altitude_km: float
    apoapsis_derived: bool
    inclination_deg: float | None
    semi_major_axis_km: float
    eccentricity: float
    periapsis_speed_km_s: float
    apoapsis_speed_km_s: float
    period_s: float
    published_period_s: float
    published_period_text: str
    source: str
    note: str

    @property
    def periapsis_radius_km(self) -> float:
        return R_MARS_MEAN_KM + self.periapsis_altitude_km

    @property
    def apoapsis_radius_km(self) -> float:
        return R_MARS_MEAN_KM + self.apoapsis_altitude_km

    @property
    def period_h(self) -> float:
        return self.period_s / 3600.0

    @property
    def period_sols(self) -> float:
        return self.period_s / SOL_S

    @property
    def period_relative_difference(self) -> float:
        """(computed − published) / published; 0 by construction when apoapsis was derived."""
        return (self.period_s - self.published_period_s) / self.published_period_s

    def outline_km(self, samples: int = 361) -> NDArray[np.float64]:
        """The ellipse in its own plane (periapsis on +x, Mars' centre at the origin), km.

        Shape (samples, 2); for drawing.
        """
        # Even steps in eccentric anomaly, not true anomaly: a 0.96-eccentric capture orbit
        # would otherwise get a handful of points around its far apoapsis.
        ecc_anom = np.linspace(0.0, 2.0 * np.pi, samples)
        a, e = self.semi_major_axis_km, self.eccentricity
        b = a * np.sqrt(1.0 - e**2)
        return np.stack([a * (np.cos(ecc_anom) - e), b * np.sin(ecc_anom)], axis=1)

    def to_dict(self) -> dict[str, Any]:
        entered_utc, precision = iso_utc_with_precision(self.entered_utc)
        return {
            "key": self.key,
            "name": self.name,
            "entered_utc": entered_utc,
            "entered_utc_precision": precision,
            "periapsis_altitude_km": self.periapsis_altitude_km,
            "apoapsis_altitude_km": self.apoapsis_altitude_km,
            "apoapsis_derived_from_period": self.apoapsis_derived,
            "inclination_deg": self.inclination_deg,
            "semi_major_axis_km": self.semi_major_axis_km,
            "eccentricity": self.eccentricity,
            "periapsis_speed_km_s": self.periapsis_speed_km_s,
            "apoapsis_speed_km_s": self.apoapsis_speed_km_s,
            "period_s": self.period_s,
            "period_h": self.period_h,
            "period_sols": self.period_sols,
            "published_period_s": self.published_period_s,
            "published_period": self.published_period_text,
            "period_relative_difference": self.period_relative_difference,
            "source": self.source,
            "note": self.note,
        }


def mars_orbit(published: PublishedMarsOrbit) -> MarsOrbit:
    """Compute the Keplerian ellipse for a published orbit (μ_Mars, mean radius)."""
    rp = R_MARS_MEAN_KM + published.periapsis_altitude_km
    derived = published.apoapsis_altitude_km is None
    if derived:
        a = semi_major_axis_from_period_km(MU_MARS_KM3_S2, published.period_s)
        ra = 2.0 * a - rp
    else:
        ra = R_MARS_MEAN_KM + float(published.apoapsis_altitude_km)  # type: ignore[arg-type]
        a = 0.5 * (rp + ra)
    if not ra >= rp:
        raise ValueError(f"{published.name}: apoapsis below periapsis")
    e = (ra - rp) / (ra + rp)
    # vis-viva at the apsides
    vp = math.sqrt(MU_MARS_KM3_S2 * (2.0 / rp - 1.0 / a))
    va = math.sqrt(MU_MARS_KM3_S2 * (2.0 / ra - 1.0 / a))
    return MarsOrbit(
        key=published.key,
        name=published.name,
        entered_utc=published.entered_utc,
        periapsis_altitude_km=published.periapsis_altitude_km,
        apoapsis_altitude_km=ra - R_MARS_MEAN_KM,
        apoapsis_derived=derived,
        inclination_deg=published.inclination_deg,
        semi_major_axis_km=a,
        eccentricity=e,
        periapsis_speed_km_s=vp,
        apoapsis_speed_km_s=va,
        period_s=period_s(MU_MARS_KM3_S2, a),
        published_period_s=published.period_s,
        published_period_text=published.period_text,
        source=published.source,
        note=published.note,
    )


def tianwen1_mars_orbits() -> list[MarsOrbit]:
    """Tianwen-1's capture, parking and remote-sensing orbits, computed."""
    return [mars_orbit(p) for p in TIANWEN1_PUBLISHED_ORBITS]


def insertion_delta_v_km_s(arrival_vinf_km_s: float, orbit: MarsOrbit) -> float:
    """Ideal impulsive Δv (km/s) to capture from a hyperbola into ``orbit`` at its periapsis.

    The hyperbola's periapsis is put at the orbit's periapsis (tangential burn):
    Δv = √(v∞² + 2μ/rp) − v_p(ellipse). A lower bound on the real, finite 15-min burn.
    """
    rp = orbit.periapsis_radius_km
    v_hyp = math.sqrt(arrival_vinf_km_s**2 + 2.0 * MU_MARS_KM3_S2 / rp)
    return v_hyp - orbit.periapsis_speed_km_s


@dataclass(frozen=True)
class GroundTrack:
    """Sub-spacecraft points over Mars (planetocentric latitude, east longitude -180..180)."""

    orbit_key: str
    t_s: NDArray[np.float64]
    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    altitude_km: NDArray[np.float64]
    node_longitude_deg: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "orbit": self.orbit_key,
            "node_longitude_deg": self.node_longitude_deg,
            "t_s": self.t_s.tolist(),
            "lat_deg": self.lat_deg.tolist(),
            "lon_deg": self.lon_deg.tolist(),
            "altitude_km": self.altitude_km.tolist(),
        }


def ground_track(
    orbit: MarsOrbit,
    *,
    duration_s: float = SOL_S,
    step_s: float = 60.0,
    node_longitude_deg: float = 0.0,
    argp_deg: float = 0.0,
) -> GroundTrack:
    """An illustrative ground track of ``orbit`` over a spherical, uniformly rotating Mars.

    The frame is Mars-centred with +z on the rotation pole (pole precession ignored); at
    t = 0 the spacecraft is at periapsis and the ascending node lies over east longitude
    ``node_longitude_deg``. The real node longitude and periapsis argument at a given date
    are not published, so the track shows the *pattern* (spacing, latitude reach), not
    where the orbiter was on a given day.

    Parameters
    ----------
    orbit
        A :class:`MarsOrbit` with an inclination.
    duration_s, step_s
        Span and sampling of the track, seconds.
    node_longitude_deg, argp_deg
        Longitude of the ascending node over the surface at t = 0 and argument of
        periapsis, degrees.
    """
    if orbit.inclination_deg is None:
        raise ValueError(f"{orbit.name} has no published inclination: no ground track")
    if not (math.isfinite(step_s) and step_s > 0 and math.isfinite(duration_s)
            and duration_s >= 0):
        raise ValueError(f"step_s must be > 0 and duration_s >= 0 seconds (got step_s={step_s!r}, "
                         f"duration_s={duration_s!r})")
    p = orbit.semi_major_axis_km * (1.0 - orbit.eccentricity**2)
    r0, v0 = state_from_elements(
        MU_MARS_KM3_S2,
        p,
        orbit.eccentricity,
        math.radians(orbit.inclination_deg),
        math.radians(node_longitude_deg),
        math.radians(argp_deg),
        0.0,
    )
    t = np.arange(0.0, duration_s + step_s / 2, step_s)
    r, _v = propagate(MU_MARS_KM3_S2, r0, v0, t)
    rn = np.linalg.norm(r, axis=1)
    lat = np.degrees(np.arcsin(r[:, 2] / rn))
    # Inertial longitude minus the rotation of Mars since t = 0 (surface and inertial frames
    # coincide at t = 0).
    lon_inertial = np.degrees(np.arctan2(r[:, 1], r[:, 0]))
    lon = lon_inertial - 360.0 * t / MARS_SIDEREAL_DAY_S
    lon = (lon + 180.0) % 360.0 - 180.0
    return GroundTrack(orbit.key, t, lat, lon, rn - R_MARS_MEAN_KM, node_longitude_deg)
