"""Earth–Mars transfers on DE421: the one-leg Lambert arc between two dates, and porkchop grids.

A transfer here is the idealised heliocentric conic from the Earth's centre at departure to
Mars' centre at arrival (patched conics, zero sphere of influence), solved with
:func:`orbitkit.deepspace.lambert.lambert` about the Sun (GM from DE421) in the J2000 ecliptic
frame. It ignores the launch ascent, the Earth's and Mars' pull near each end and the
mid-course corrections, so its figures are those of the *ideal* transfer the real one was
aimed along — close to what CNSA published (see :data:`PUBLISHED_AT_MOI` and the tests).

Results are dataclasses with ``to_dict()``; the plots draw them and never recompute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from orbitkit.deepspace import ephemeris as _eph
from orbitkit.deepspace.lambert import (
    STATUS_DEGENERATE,
    STATUS_NEAR_PI,
    STATUS_NO_CONVERGENCE,
    LambertError,
    lambert_batch,
    transfer_angle_rad,
)
from orbitkit.deepspace.twobody import elements_from_state, propagate
from orbitkit.errors import TimeInputError
from orbitkit.timeutil import format_utc

__all__ = [
    "TransferResult",
    "PorkchopGrid",
    "PublishedFigure",
    "PUBLISHED_AT_MOI",
    "earth_mars_transfer",
    "porkchop",
    "date_range",
    "path_length_km",
    "SPEED_OF_LIGHT_KM_S",
]

SPEED_OF_LIGHT_KM_S = 299_792.458
_DAY_S = 86_400.0
# Samples along the arc: Simpson's rule on ~2,000 points integrates the smooth speed profile
# of a 200-day conic to ~1e-10 relative — far below the 2 % check and any plot's needs.
_ARC_SAMPLES = 2001


@dataclass(frozen=True)
class PublishedFigure:
    """A figure CNSA published, to be compared with ours (never used in a computation)."""

    key: str
    value: float
    unit: str
    source: str


#: CNSA's figures at Mars orbit insertion (2021-02-10), FACTS §5 — spacechina.com MOI article
#: (http://english.spacechina.com/n16421/n17212/c3129142/content.html) and CGTN 2021-02-10.
PUBLISHED_AT_MOI: tuple[PublishedFigure, ...] = (
    PublishedFigure("time_of_flight_days", 202.0, "d", "CNSA via spacechina.com, 2021-02-10"),
    PublishedFigure("path_length_km", 475e6, "km", "CNSA via spacechina.com, 2021-02-10"),
    PublishedFigure(
        "earth_mars_distance_at_arrival_km", 192e6, "km", "CNSA via spacechina.com, 2021-02-10"
    ),
    PublishedFigure("one_way_light_time_min", 10.7, "min", "CGTN, 2021-02-10"),
)


def _simpson(y: NDArray[np.float64], dx: float) -> float:
    """Composite Simpson's rule on an odd number of equally spaced samples."""
    if y.size % 2 == 0:
        raise ValueError("Simpson's rule needs an odd number of samples")
    return float(dx / 3.0 * (y[0] + y[-1] + 4.0 * y[1:-1:2].sum() + 2.0 * y[2:-1:2].sum()))


def path_length_km(
    mu: float, r0: NDArray, v0: NDArray, tof_s: float, samples: int = _ARC_SAMPLES
) -> float:
    """Length (km) of a two-body arc: ∫|v| dt over the flight, by Simpson's rule.

    Parameters
    ----------
    mu
        Gravitational parameter, km³/s².
    r0, v0
        Initial state, km and km/s.
    tof_s
        Flight time, s.
    samples
        Odd number of equally spaced samples in time.
    """
    t = np.linspace(0.0, tof_s, samples)
    _r, v = propagate(mu, r0, v0, t)
    return _simpson(np.linalg.norm(v, axis=1), t[1] - t[0])


@dataclass(frozen=True)
class TransferResult:
    """A one-leg Lambert transfer from the Earth to Mars (heliocentric, J2000 ecliptic, km).

    Scalar figures carry their unit in the name. Vectors are heliocentric ecliptic J2000,
    km and km/s. The ``*_track_km`` arrays (N, 3) are for plotting: the transfer arc sampled
    at ``arc_times_utc``, and one orbit of the Earth and of Mars from DE421.
    """

    launch_utc: datetime
    arrival_utc: datetime
    time_of_flight_days: float
    c3_km2_s2: float
    departure_vinf_km_s: float
    arrival_vinf_km_s: float
    departure_dla_deg: float
    departure_rla_deg: float
    transfer_angle_deg: float
    path_length_km: float
    chord_km: float
    earth_mars_distance_at_arrival_km: float
    one_way_light_time_min: float
    transfer_a_au: float
    transfer_e: float
    transfer_i_deg: float
    perihelion_au: float
    aphelion_au: float
    near_pi: bool
    mu_sun_km3_s2: float
    au_km: float
    ephemeris: str
    frame: str
    earth_at_launch_km: NDArray[np.float64] = field(repr=False)
    earth_velocity_at_launch_km_s: NDArray[np.float64] = field(repr=False)
    mars_at_launch_km: NDArray[np.float64] = field(repr=False)
    earth_at_arrival_km: NDArray[np.float64] = field(repr=False)
    mars_at_arrival_km: NDArray[np.float64] = field(repr=False)
    mars_velocity_at_arrival_km_s: NDArray[np.float64] = field(repr=False)
    departure_velocity_km_s: NDArray[np.float64] = field(repr=False)
    arrival_velocity_km_s: NDArray[np.float64] = field(repr=False)
    arc_times_utc: NDArray[np.datetime64] = field(repr=False)
    arc_track_km: NDArray[np.float64] = field(repr=False)
    earth_track_km: NDArray[np.float64] = field(repr=False)
    mars_track_km: NDArray[np.float64] = field(repr=False)

    def to_dict(self, *, tracks: bool = False) -> dict[str, Any]:
        """Plain JSON-ready dict; the sampled tracks only when ``tracks`` is true."""
        out: dict[str, Any] = {
            "launch_utc": format_utc(self.launch_utc),
            "arrival_utc": format_utc(self.arrival_utc),
            "time_of_flight_days": self.time_of_flight_days,
            "c3_km2_s2": self.c3_km2_s2,
            "departure_vinf_km_s": self.departure_vinf_km_s,
            "arrival_vinf_km_s": self.arrival_vinf_km_s,
            "departure_dla_deg": self.departure_dla_deg,
            "departure_rla_deg": self.departure_rla_deg,
            "transfer_angle_deg": self.transfer_angle_deg,
            "path_length_km": self.path_length_km,
            "chord_km": self.chord_km,
            "earth_mars_distance_at_arrival_km": self.earth_mars_distance_at_arrival_km,
            "one_way_light_time_min": self.one_way_light_time_min,
            "transfer_orbit": {
                "a_au": self.transfer_a_au,
                "e": self.transfer_e,
                "i_deg": self.transfer_i_deg,
                "perihelion_au": self.perihelion_au,
                "aphelion_au": self.aphelion_au,
            },
            "near_180_deg": self.near_pi,
            "mu_sun_km3_s2": self.mu_sun_km3_s2,
            "ephemeris": self.ephemeris,
            "frame": self.frame,
            "earth_at_launch_km": self.earth_at_launch_km.tolist(),
            "mars_at_arrival_km": self.mars_at_arrival_km.tolist(),
            "departure_velocity_km_s": self.departure_velocity_km_s.tolist(),
            "arrival_velocity_km_s": self.arrival_velocity_km_s.tolist(),
        }
        if tracks:
            out["arc_times_utc"] = [_iso(t) for t in self.arc_times_utc]
            out["arc_track_km"] = self.arc_track_km.tolist()
            out["earth_track_km"] = self.earth_track_km.tolist()
            out["mars_track_km"] = self.mars_track_km.tolist()
        return out

    def compare_published(self) -> list[dict[str, Any]]:
        """Our figures beside CNSA's (:data:`PUBLISHED_AT_MOI`), with the relative difference."""
        rows = []
        for fig in PUBLISHED_AT_MOI:
            ours = float(getattr(self, fig.key))
            rows.append(
                {
                    "figure": fig.key,
                    "published": fig.value,
                    "computed": ours,
                    "unit": fig.unit,
                    "relative_difference": (ours - fig.value) / fig.value,
                    "source": fig.source,
                }
            )
        return rows


def _iso(t: np.datetime64) -> str:
    return str(np.datetime_as_string(t, unit="s")) + "Z"


def _as_utc(t: datetime, what: str) -> datetime:
    if not isinstance(t, datetime) or t.tzinfo is None or t.utcoffset() is None:
        raise TimeInputError(f"{what}: give a timezone-aware UTC datetime")
    return t.astimezone(UTC)


def _dt64(t: datetime) -> np.datetime64:
    return np.datetime64(t.astimezone(UTC).replace(tzinfo=None), "ns")


def earth_mars_transfer(launch_utc: datetime, arrival_utc: datetime) -> TransferResult:
    """The prograde zero-revolution Lambert transfer from the Earth to Mars.

    Parameters
    ----------
    launch_utc, arrival_utc
        Timezone-aware departure and arrival instants (UTC), e.g. Tianwen-1's launch
        (2020-07-23T04:41Z) and Mars orbit insertion (2021-02-10T11:52Z) from the catalogue.

    Returns
    -------
    TransferResult
        C3 (km²/s²) and v∞ (km/s) at both ends, the declination/right ascension of the
        departure asymptote (equatorial, for the launch), transfer angle, path length
        (km, ∫|v|dt), Earth–Mars distance at arrival (km) and light time, the transfer
        conic's elements, and sampled tracks for plots.

    Raises
    ------
    LambertError
        When the geometry is degenerate (Δν = 180° exactly) or the dates are reversed.
    """
    t0 = _as_utc(launch_utc, "launch")
    t1 = _as_utc(arrival_utc, "arrival")
    tof_s = (t1 - t0).total_seconds()
    if not tof_s > 0:
        raise LambertError("arrival must be after launch")
    mu = _eph.gm_sun_km3_s2()
    au = _eph.au_km()

    r_e0, v_e0 = _eph.heliocentric_state("earth", t0)
    r_m0, _ = _eph.heliocentric_state("mars", t0)
    r_e1, _ = _eph.heliocentric_state("earth", t1)
    r_m1, v_m1 = _eph.heliocentric_state("mars", t1)

    # Ecliptic frame: +z is the ecliptic pole, so "prograde" means the planets' own sense.
    v1, v2, status = lambert_batch(mu, r_e0, r_m1, tof_s, way="prograde")
    code = int(status)
    if code in (STATUS_DEGENERATE, STATUS_NO_CONVERGENCE):
        raise LambertError(f"no Earth-Mars transfer between {format_utc(t0)} and {format_utc(t1)}")
    vinf_dep = v1 - v_e0
    vinf_arr = v2 - v_m1
    long_way = float(np.cross(r_e0, r_m1)[2]) < 0
    dnu = float(transfer_angle_rad(r_e0, r_m1, long_way))

    # Departure asymptote in equatorial axes (what a launch vehicle targets): DLA and RLA.
    vinf_eq = _ecliptic_to_icrf(vinf_dep)
    dla = math.degrees(math.asin(vinf_eq[2] / np.linalg.norm(vinf_eq)))
    rla = math.degrees(math.atan2(vinf_eq[1], vinf_eq[0])) % 360.0

    elements = elements_from_state(mu, r_e0, v1)
    em_distance = float(np.linalg.norm(r_m1 - r_e1))

    n_arc = _ARC_SAMPLES
    t_arc = np.linspace(0.0, tof_s, n_arc)
    arc, arc_v = propagate(mu, r_e0, v1, t_arc)
    length = _simpson(np.linalg.norm(arc_v, axis=1), t_arc[1] - t_arc[0])
    arc_times = _dt64(t0) + (t_arc * 1e9).astype("timedelta64[ns]")

    # One orbit of each planet, from launch, for the plot (365.25 d and 687 d sidereal).
    earth_times = _dt64(t0) + (np.linspace(0.0, 365.25, 367) * _DAY_S * 1e9).astype(
        "timedelta64[ns]"
    )
    mars_times = _dt64(t0) + (np.linspace(0.0, 686.98, 689) * _DAY_S * 1e9).astype(
        "timedelta64[ns]"
    )
    earth_track, _ = _eph.heliocentric_state("earth", earth_times)
    mars_track, _ = _eph.heliocentric_state("mars", mars_times)

    a = elements.a_km
    return TransferResult(
        launch_utc=t0,
        arrival_utc=t1,
        time_of_flight_days=tof_s / _DAY_S,
        c3_km2_s2=float(vinf_dep @ vinf_dep),
        departure_vinf_km_s=float(np.linalg.norm(vinf_dep)),
        arrival_vinf_km_s=float(np.linalg.norm(vinf_arr)),
        departure_dla_deg=dla,
        departure_rla_deg=rla,
        transfer_angle_deg=math.degrees(dnu),
        path_length_km=length,
        chord_km=float(np.linalg.norm(r_m1 - r_e0)),
        earth_mars_distance_at_arrival_km=em_distance,
        one_way_light_time_min=em_distance / SPEED_OF_LIGHT_KM_S / 60.0,
        transfer_a_au=a / au,
        transfer_e=elements.e,
        transfer_i_deg=math.degrees(elements.i_rad),
        perihelion_au=a * (1.0 - elements.e) / au,
        aphelion_au=a * (1.0 + elements.e) / au,
        near_pi=code == STATUS_NEAR_PI,
        mu_sun_km3_s2=mu,
        au_km=au,
        ephemeris=_eph.EPHEMERIS_NAME,
        frame="heliocentric, J2000 ecliptic and equinox",
        earth_at_launch_km=r_e0,
        earth_velocity_at_launch_km_s=v_e0,
        mars_at_launch_km=r_m0,
        earth_at_arrival_km=r_e1,
        mars_at_arrival_km=r_m1,
        mars_velocity_at_arrival_km_s=v_m1,
        departure_velocity_km_s=v1,
        arrival_velocity_km_s=v2,
        arc_times_utc=arc_times,
        arc_track_km=arc,
        earth_track_km=earth_track,
        mars_track_km=mars_track,
    )


def _ecliptic_to_icrf(vec: NDArray[np.float64]) -> NDArray[np.float64]:
    ce, se = math.cos(_eph.OBLIQUITY_J2000_RAD), math.sin(_eph.OBLIQUITY_J2000_RAD)
    rot = np.array([[1.0, 0.0, 0.0], [0.0, ce, -se], [0.0, se, ce]])
    return vec @ rot.T


def date_range(start: datetime, stop: datetime, step_days: float = 1.0) -> NDArray[np.datetime64]:
    """UTC instants from ``start`` to ``stop`` inclusive every ``step_days`` (datetime64[ns])."""
    t0 = _as_utc(start, "start")
    t1 = _as_utc(stop, "stop")
    if t1 < t0:
        raise TimeInputError("date range: stop is before start")
    if not step_days > 0:
        raise ValueError("step_days must be > 0")
    n = int(math.floor((t1 - t0) / timedelta(days=step_days) + 1e-9)) + 1
    offsets = (np.arange(n) * step_days * _DAY_S * 1e9).astype("timedelta64[ns]")
    return _dt64(t0) + offsets


@dataclass(frozen=True)
class PorkchopGrid:
    """C3 and arrival v∞ over a grid of departure × arrival dates (Earth → Mars).

    Arrays are indexed ``[departure, arrival]``. Cells whose Lambert solve is degenerate
    or where arrival is not after departure are NaN; ``status`` holds the per-cell Lambert
    status (see :mod:`orbitkit.deepspace.lambert`). ``marked_*`` are the dates to mark
    (e.g. Tianwen-1's), or None.
    """

    departure_utc: NDArray[np.datetime64]
    arrival_utc: NDArray[np.datetime64]
    c3_km2_s2: NDArray[np.float64]
    arrival_vinf_km_s: NDArray[np.float64]
    time_of_flight_days: NDArray[np.float64]
    status: NDArray[np.int8]
    marked_departure_utc: datetime | None = None
    marked_arrival_utc: datetime | None = None
    marked_label: str = ""

    def minimum_c3(self) -> dict[str, Any]:
        """Where C3 is lowest on the grid: the dates, C3 (km²/s²) and arrival v∞ (km/s)."""
        if np.all(np.isnan(self.c3_km2_s2)):
            return {}
        i, j = np.unravel_index(np.nanargmin(self.c3_km2_s2), self.c3_km2_s2.shape)
        return {
            "departure_utc": _iso(self.departure_utc[i]),
            "arrival_utc": _iso(self.arrival_utc[j]),
            "c3_km2_s2": float(self.c3_km2_s2[i, j]),
            "arrival_vinf_km_s": float(self.arrival_vinf_km_s[i, j]),
        }

    def to_dict(self, *, grids: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "departure_first_utc": _iso(self.departure_utc[0]),
            "departure_last_utc": _iso(self.departure_utc[-1]),
            "arrival_first_utc": _iso(self.arrival_utc[0]),
            "arrival_last_utc": _iso(self.arrival_utc[-1]),
            "shape": list(self.c3_km2_s2.shape),
            "minimum_c3": self.minimum_c3(),
            "cells_near_180_deg": int(np.count_nonzero(self.status == STATUS_NEAR_PI)),
        }
        if grids:
            out["departure_utc"] = [_iso(t) for t in self.departure_utc]
            out["arrival_utc"] = [_iso(t) for t in self.arrival_utc]
            out["c3_km2_s2"] = np.where(np.isnan(self.c3_km2_s2), None, self.c3_km2_s2).tolist()
            out["arrival_vinf_km_s"] = np.where(
                np.isnan(self.arrival_vinf_km_s), None, self.arrival_vinf_km_s
            ).tolist()
        return out


def porkchop(
    departures_utc: NDArray[np.datetime64],
    arrivals_utc: NDArray[np.datetime64],
    *,
    marked_departure_utc: datetime | None = None,
    marked_arrival_utc: datetime | None = None,
    marked_label: str = "",
) -> PorkchopGrid:
    """Earth → Mars C3 and arrival v∞ for every departure × arrival pair (one batched solve).

    Parameters
    ----------
    departures_utc, arrivals_utc
        1-D ``datetime64`` arrays (UTC), e.g. from :func:`date_range`, or sequences of
        aware datetimes; at least one date each.
    marked_departure_utc, marked_arrival_utc, marked_label
        Optional dates (aware datetimes) to carry to the plot as a marker.

    Returns
    -------
    PorkchopGrid
        Grids of shape (len(departures), len(arrivals)); prograde zero-revolution transfers.
    """
    # _utc_ns refuses naive datetimes, which numpy's own conversion silently read as UTC
    dep = _eph._utc_ns(departures_utc).view("datetime64[ns]")
    arr = _eph._utc_ns(arrivals_utc).view("datetime64[ns]")
    if dep.size == 0 or arr.size == 0:
        raise ValueError("departures_utc and arrivals_utc need at least one date each")
    if marked_departure_utc is not None:
        marked_departure_utc = _as_utc(marked_departure_utc, "marked_departure_utc")
    if marked_arrival_utc is not None:
        marked_arrival_utc = _as_utc(marked_arrival_utc, "marked_arrival_utc")
    mu = _eph.gm_sun_km3_s2()
    r_e, v_e = _eph.heliocentric_state("earth", dep)
    r_m, v_m = _eph.heliocentric_state("mars", arr)
    tof_s = (arr[None, :] - dep[:, None]).astype("timedelta64[ns]").astype(float) / 1e9
    valid = tof_s > 0
    # Lambert needs tof > 0 everywhere; invalid cells get a dummy day and are blanked after.
    v1, v2, status = lambert_batch(
        mu, r_e[:, None, :], r_m[None, :, :], np.where(valid, tof_s, _DAY_S), way="prograde"
    )
    vinf_d = v1 - v_e[:, None, :]
    vinf_a = v2 - v_m[None, :, :]
    c3 = np.einsum("ijk,ijk->ij", vinf_d, vinf_d)
    vinf_arr = np.linalg.norm(vinf_a, axis=-1)
    c3[~valid] = np.nan
    vinf_arr[~valid] = np.nan
    return PorkchopGrid(
        departure_utc=dep,
        arrival_utc=arr,
        c3_km2_s2=c3,
        arrival_vinf_km_s=vinf_arr,
        time_of_flight_days=np.where(valid, tof_s / _DAY_S, np.nan),
        status=status,
        marked_departure_utc=marked_departure_utc,
        marked_arrival_utc=marked_arrival_utc,
        marked_label=marked_label,
    )
