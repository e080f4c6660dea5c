"""Nominal design orbits: the offline default when no tracked element set is available.

The catalogue says how each system is *designed* (``[nominal]`` tables) and where each member
sits in that design (plane/slot, GEO longitude, node local time, altitude, inclination). This
module turns those facts into SGP4 mean elements with :meth:`sgp4.api.Satrec.sgp4init`, so one
propagator serves tracked and nominal objects alike.

Positions from these sets are **illustrative**: planes, slots and longitudes are as designed,
but the real satellites drift, are re-phased and manoeuvre. Every set carries
``source="nominal"`` and ``origin="nominal design (illustrative phasing)"``.

Design choices (documented because no source states them):

* **Epoch.** The sets are built at the requested time ``at`` so that the phasing at ``at`` is
  exactly the designed one. Plane right ascensions given at a reference time (BeiDou-3
  ``meo_reference_utc``) are carried to the epoch with the secular J2 nodal regression.
* **Walker 24/3/1.** Planes A, B, C (index p = 0, 1, 2); slots 1..8 are 45 deg apart in
  argument of latitude; the Walker phasing F = 1 shifts each plane by 360 deg * F / 24 = 15 deg:
  ``u = (slot - 1) * 45 + p * 15`` deg at the epoch. Members with a plane but no slot (BeiDou-3
  M25-M28, launched after the public slot table) are spread in the gaps between slots: the
  j-th of k such members in a plane gets ``u = 22.5 + p * 15 + j * 360 / k`` deg, i.e. midway
  between two designed slots, never on top of a designed satellite.
* **IGSO.** Geosynchronous, circular, i = ``igso_inclination_deg``; the k-th IGSO member
  (catalogue order) has its node 120 deg * k further east in right ascension and is phased so
  that its ascending-node crossing is at ``igso_crossing_lon_deg`` (the figure-8 crossing).
* **GEO.** Circular, at the member's ``geo_longitude_deg`` and its catalogue inclination (or
  0.05 deg: SGP4 is happier away from exactly 0).
* **Synchronous mean motion.** For GEO and IGSO the Kozai mean motion is tuned (two SGP4
  calls) so the mean longitude drift over one day is below 0.001 deg: SGP4's J2 and lunisolar
  secular rates make the naive sidereal rate drift by a few hundredths of a degree per day.
* **Sun-synchronous.** Altitude ``altitude_km`` (default 830 km), inclination ``inclination_deg``
  or else from the sun-synchronous condition (J2 nodal rate = 360 deg / 365.2422 d), right
  ascension of the node from the local time of the ascending node ``ltan_h`` and the mean Sun.
* **Other LEO.** Circular at the system's ``leo_altitude_km``/``leo_inclination_deg`` (the CSS:
  ~390 km, 41.47 deg), else the member's ``altitude_km``/``inclination_deg``; node and phase 0
  at the epoch (arbitrary: nothing in the catalogue fixes them).
* **Semi-major axis to mean motion.** A design semi-major axis is read as the Brouwer mean
  semi-major axis, ``n = sqrt(mu / a^3)``; sgp4init wants the Kozai mean motion, so the Kozai
  value is found by inverting SGP4's own Kozai-to-Brouwer conversion (fixed-point iteration).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sgp4.api import WGS72, Satrec
from sgp4.propagation import gstime

from orbitkit.catalog import Catalog, Member, load_catalog
from orbitkit.elements.model import ElementSet

__all__ = [
    "NOMINAL_ORIGIN",
    "NOMINAL_WARNING",
    "nominal_reason",
    "launch_reason",
    "nominal_set",
    "nominal_sets",
    "kozai_from_brouwer",
    "sso_inclination_deg",
]

NOMINAL_ORIGIN = "nominal design (illustrative phasing)"
NOMINAL_WARNING = (
    "positions are illustrative: nominal design orbits (planes, slots and longitudes as "
    "designed, phasing nominal, not real tracked positions); give --elements FILE or run "
    "'orbitkit fetch' for real element sets"
)

# WGS72 constants, the ones sgp4init(WGS72, ...) uses, so a and n agree with the propagator.
_MU_KM3_S2 = 398600.8
_RE_KM = 6378.135
_J2 = 0.001082616
_XKE = 60.0 / math.sqrt(_RE_KM**3 / _MU_KM3_S2)  # sqrt(mu) in earth radii^1.5 / min
_EARTH_ROT_RAD_MIN = 7.292115e-5 * 60.0
_SIDEREAL_DAY_MIN = 2.0 * math.pi / _EARTH_ROT_RAD_MIN
_SSO_NODE_RATE_RAD_S = 2.0 * math.pi / (365.2422 * 86400.0)
_EPOCH0 = datetime(1949, 12, 31, tzinfo=UTC)  # sgp4init's epoch origin
_DEFAULT_SSO_ALT_KM = 830.0
_DEFAULT_GEO_INCL_DEG = 0.05
_DEEP_SPACE = ("lunar", "mars", "heliocentric")


# --------------------------------------------------------------------------- conversions

def _brouwer_from_kozai(no_kozai: float, incl_rad: float, ecc: float) -> float:
    """SGP4's own Kozai -> Brouwer (``no_unkozai``) conversion, as in ``initl``.

    Parameters are in rad/min and radians; returns rad/min.
    """
    cosio2 = math.cos(incl_rad) ** 2
    betao = math.sqrt(1.0 - ecc * ecc)
    ak = (_XKE / no_kozai) ** (2.0 / 3.0)
    d1 = 0.75 * _J2 * (3.0 * cosio2 - 1.0) / (betao**3)
    delta = d1 / (ak * ak)
    adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
    delta = d1 / (adel * adel)
    return no_kozai / (1.0 + delta)


def kozai_from_brouwer(no_brouwer: float, incl_rad: float, ecc: float = 0.0) -> float:
    """Kozai mean motion whose SGP4 Brouwer mean motion is ``no_brouwer``.

    Parameters
    ----------
    no_brouwer
        Brouwer mean motion, rad/min (the ``no_unkozai`` sgp4init derives).
    incl_rad, ecc
        Inclination (radians) and eccentricity, which the conversion depends on.

    Returns
    -------
    float
        Kozai mean motion, rad/min, to pass to ``sgp4init`` (agrees to 1e-14 relative).
    """
    no_kozai = no_brouwer
    for _ in range(20):
        step = no_brouwer / _brouwer_from_kozai(no_kozai, incl_rad, ecc)
        no_kozai *= step
        if abs(step - 1.0) < 1e-15:
            break
    return no_kozai


def _brouwer_from_sma(sma_km: float) -> float:
    """Mean motion in rad/min of a mean semi-major axis in km (two-body, WGS72 mu)."""
    return math.sqrt(_MU_KM3_S2 / sma_km**3) * 60.0


def _j2_node_rate_rad_s(sma_km: float, incl_rad: float) -> float:
    """Secular J2 rate of the right ascension of the node, rad/s, of a circular orbit."""
    n = math.sqrt(_MU_KM3_S2 / sma_km**3)
    return -1.5 * n * _J2 * (_RE_KM / sma_km) ** 2 * math.cos(incl_rad)


def sso_inclination_deg(altitude_km: float) -> float:
    """Inclination (deg) of a circular sun-synchronous orbit at ``altitude_km`` (J2 only)."""
    sma = _RE_KM + altitude_km
    n = math.sqrt(_MU_KM3_S2 / sma**3)
    cos_i = -_SSO_NODE_RATE_RAD_S / (1.5 * n * _J2 * (_RE_KM / sma) ** 2)
    return math.degrees(math.acos(cos_i))


def _jd(t: datetime) -> tuple[float, float]:
    """Two-part Julian date (UTC used as UT1: the 0.9 s difference is irrelevant here)."""
    days = (t - _EPOCH0).total_seconds() / 86400.0
    whole = math.floor(days)
    return 2433281.5 + whole, days - whole


def _gmst_rad(t: datetime) -> float:
    jd, fr = _jd(t)
    return gstime(jd + fr)


def _wrap_deg(angle: float) -> float:
    """Angle in degrees wrapped to [0, 360)."""
    return angle % 360.0


def _wrap_pm180(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


# --------------------------------------------------------------------------- satrec building

def _satrec(norad_id: int, epoch: datetime, *, no_kozai: float, incl_deg: float,
            raan_deg: float, arglat_deg: float, ecc: float = 0.0) -> Satrec:
    """A circular (or near-circular) SGP4 record; argument of perigee 0, so M = u."""
    sat = Satrec()
    epoch_days = (epoch - _EPOCH0).total_seconds() / 86400.0
    # Satrec holds at most Alpha-5 numbers (339999); larger ones keep their real number in
    # ElementSet.norad_id and use 0 here.
    satnum = norad_id if 0 < norad_id <= 339999 else 0
    sat.sgp4init(WGS72, "i", satnum, epoch_days, 0.0, 0.0, 0.0, ecc, 0.0,
                 math.radians(incl_deg), math.radians(_wrap_deg(arglat_deg)), no_kozai,
                 math.radians(_wrap_deg(raan_deg)))
    return sat


def _earth_fixed_lon_deg(sat: Satrec, t: datetime) -> float:
    """Longitude (deg, east) of the satellite at ``t`` in the pseudo-Earth-fixed frame."""
    jd, fr = _jd(t)
    err, r, _ = sat.sgp4(jd, fr)
    if err:
        raise ValueError(f"sgp4 error {err} while tuning a nominal orbit")
    return math.degrees(math.atan2(r[1], r[0]) - gstime(jd + fr))


def _synchronous_satrec(norad_id: int, epoch: datetime, *, incl_deg: float, raan_deg: float,
                        arglat_deg: float) -> Satrec:
    """A geosynchronous circular record whose mean longitude does not drift.

    The mean motion is tuned on SGP4 itself: the Earth-fixed longitude after exactly one
    sidereal day must equal the one at the epoch (any difference is drift, since a
    geosynchronous ground track repeats daily).
    """
    incl = math.radians(incl_deg)
    no_kozai = kozai_from_brouwer(_EARTH_ROT_RAD_MIN, incl)
    day = _SIDEREAL_DAY_MIN * 60.0
    later = epoch + timedelta(seconds=day)
    for _ in range(3):
        sat = _satrec(norad_id, epoch, no_kozai=no_kozai, incl_deg=incl_deg,
                      raan_deg=raan_deg, arglat_deg=arglat_deg)
        drift_deg = _wrap_pm180(_earth_fixed_lon_deg(sat, later) - _earth_fixed_lon_deg(sat, epoch))
        if abs(drift_deg) < 1e-4:
            break
        # An eastward drift means the orbit is too fast: slow it by drift / one day.
        no_kozai -= math.radians(drift_deg) / _SIDEREAL_DAY_MIN
    return sat


# --------------------------------------------------------------------------- per class

def _reference_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _walker(text: Any) -> tuple[int, int, int]:
    total, planes, phasing = (int(x) for x in str(text or "24/3/1").split("/"))
    return total, planes, phasing


def _meo(member: Member, nominal: dict[str, Any], epoch: datetime,
         extras: Sequence[Member]) -> Satrec | str:
    raans = nominal.get("meo_plane_raan_deg") or {}
    sma = nominal.get("meo_sma_km")
    if sma is None or not raans:
        return "the system has no MEO design (meo_sma_km, meo_plane_raan_deg) in its [nominal]"
    if member.plane is None or member.plane not in raans:
        return f"no plane (of {sorted(raans)}) in the catalogue, so no place in the design"
    incl_deg = float(nominal.get("meo_inclination_deg", member.inclination_deg or 55.0))
    total, n_planes, phasing = _walker(nominal.get("meo_walker"))
    per_plane = total // n_planes
    slot_step = 360.0 / per_plane
    plane_names = sorted(raans)
    p = plane_names.index(member.plane)
    plane_shift = p * 360.0 * phasing / total
    ref = _reference_time(nominal.get("meo_reference_utc")) or epoch
    incl = math.radians(incl_deg)
    raan = float(raans[member.plane]) + math.degrees(
        _j2_node_rate_rad_s(float(sma), incl) * (epoch - ref).total_seconds())
    if member.slot is not None:
        arglat = (member.slot - 1) * slot_step + plane_shift
    else:
        same_plane = [m for m in extras if m.plane == member.plane]
        j = same_plane.index(member)
        arglat = slot_step / 2.0 + plane_shift + j * 360.0 / len(same_plane)
    no_kozai = kozai_from_brouwer(_brouwer_from_sma(float(sma)), incl)
    return _satrec(member.norad_id or 0, epoch, no_kozai=no_kozai, incl_deg=incl_deg,
                   raan_deg=raan, arglat_deg=arglat)


def _igso(member: Member, nominal: dict[str, Any], epoch: datetime,
          igso_members: Sequence[Member]) -> Satrec | str:
    if "igso_crossing_lon_deg" not in nominal:
        return "the system has no IGSO design (igso_crossing_lon_deg) in its [nominal]"
    incl_deg = float(nominal.get("igso_inclination_deg", member.inclination_deg or 55.0))
    lon0 = float(nominal["igso_crossing_lon_deg"])
    k = igso_members.index(member)
    gmst = math.degrees(_gmst_rad(epoch))
    # Node longitude = RAAN - GMST(t_node) = RAAN - GMST(epoch) + u(epoch) when n = earth rate;
    # the first plane passes its node at lon0 at the epoch, the others 120 deg (8 h) apart.
    spacing = 360.0 / max(len(igso_members), 1)
    raan = gmst + lon0 + k * spacing
    arglat = lon0 - raan + gmst
    return _synchronous_satrec(member.norad_id or 0, epoch, incl_deg=incl_deg,
                               raan_deg=raan, arglat_deg=arglat)


def _geo(member: Member, epoch: datetime) -> Satrec | str:
    if member.geo_longitude_deg is None:
        return "no geo_longitude_deg in the catalogue"
    incl_deg = member.inclination_deg if member.inclination_deg else _DEFAULT_GEO_INCL_DEG
    gmst = math.degrees(_gmst_rad(epoch))
    # Node on the longitude itself and u = 0: the satellite is over its slot at the epoch.
    raan = gmst + member.geo_longitude_deg
    sat = _synchronous_satrec(member.norad_id or 0, epoch, incl_deg=incl_deg,
                              raan_deg=raan, arglat_deg=0.0)
    # Remove the small offset between mean elements and the osculating position.
    offset = _wrap_pm180(_earth_fixed_lon_deg(sat, epoch) - member.geo_longitude_deg)
    if abs(offset) > 1e-4:
        sat = _synchronous_satrec(member.norad_id or 0, epoch, incl_deg=incl_deg,
                                  raan_deg=raan, arglat_deg=-offset)
    return sat


def _mean_sun_ra_deg(t: datetime) -> float:
    """Right ascension of the fictitious mean Sun: GMST - 15 deg/h * (UT - 12 h)."""
    ut_h = t.hour + t.minute / 60.0 + (t.second + t.microsecond / 1e6) / 3600.0
    return math.degrees(_gmst_rad(t)) - 15.0 * (ut_h - 12.0)


def _sso(member: Member, epoch: datetime) -> Satrec | str:
    if member.ltan_h is None:
        return "sun-synchronous but no ltan_h (node local time) in the catalogue"
    altitude = member.altitude_km or _DEFAULT_SSO_ALT_KM
    incl_deg = member.inclination_deg or sso_inclination_deg(altitude)
    raan = _mean_sun_ra_deg(epoch) + 15.0 * (member.ltan_h - 12.0)
    no_kozai = kozai_from_brouwer(_brouwer_from_sma(_RE_KM + altitude), math.radians(incl_deg))
    return _satrec(member.norad_id or 0, epoch, no_kozai=no_kozai, incl_deg=incl_deg,
                   raan_deg=raan, arglat_deg=0.0)


def _leo(member: Member, nominal: dict[str, Any], epoch: datetime) -> Satrec | str:
    altitude = nominal.get("leo_altitude_km", member.altitude_km)
    incl_deg = nominal.get("leo_inclination_deg", member.inclination_deg)
    if altitude is None or incl_deg is None:
        return "no altitude_km/inclination_deg in the catalogue for a circular design orbit"
    no_kozai = kozai_from_brouwer(_brouwer_from_sma(_RE_KM + float(altitude)),
                                  math.radians(float(incl_deg)))
    return _satrec(member.norad_id or 0, epoch, no_kozai=no_kozai, incl_deg=float(incl_deg),
                   raan_deg=0.0, arglat_deg=0.0)


# --------------------------------------------------------------------------- public

def launch_reason(member: Member, at: datetime) -> str | None:
    """Why a member had no orbit at all at ``at`` (not yet launched), else ``None``.

    Launch dates are UTC dates: on the launch day itself the member counts as launched.
    Without a launch date the COSPAR designator's year (the launch year, by definition of
    the designator) still rules out any earlier year.
    """
    day = at.astimezone(UTC).date()
    if member.launch_date:
        if day.isoformat() < member.launch_date:
            return f"not launched until {member.launch_date}: no orbit on {day}"
    elif member.cospar_id and member.cospar_id[:4].isdigit() \
            and day.year < int(member.cospar_id[:4]):
        return (f"not launched until {member.cospar_id[:4]} (COSPAR {member.cospar_id}): "
                f"no orbit on {day}")
    return None


def nominal_reason(member: Member, at: datetime | None = None) -> str | None:
    """Why a member can never have a nominal orbit (or none at ``at``, when given: not yet
    launched then), or ``None`` when it may have one."""
    if at is not None and (reason := launch_reason(member, at)) is not None:
        return reason
    if member.orbit_class in _DEEP_SPACE:
        return f"deep space ({member.orbit_class}): no Earth-orbit element set exists"
    if member.status in ("decayed", "landed"):
        when = (f" on {member.status_date}" if member.status_date
                else f" by {member.status_known_by}" if member.status_known_by else "")
        return f"{member.status}{when}: no current orbit"
    if member.status == "retired":
        return "retired: no design orbit (it may have been moved out of its slot)"
    if member.norad_id is None:
        return "no NORAD number in the catalogue"
    return None


def nominal_set(member: Member, epoch: datetime, catalog: Catalog | None = None) -> ElementSet:
    """The nominal design element set of one member at ``epoch``.

    Raises
    ------
    ValueError
        When the catalogue holds no design facts for the member; the message says which.
    """
    sets, missing = nominal_sets([member], epoch, catalog)
    if not sets:
        raise ValueError(f"{member.name}: {missing[0][1]}")
    return sets[0]


def nominal_sets(
    members: Sequence[Member], epoch: datetime, catalog: Catalog | None = None
) -> tuple[list[ElementSet], list[tuple[Member, str]]]:
    """Nominal design element sets for several members, built at ``epoch``.

    Parameters
    ----------
    members
        Catalogue members (any system).
    epoch
        Timezone-aware UTC epoch of the sets; the designed phasing holds at this instant.
    catalog
        Catalogue used for the systems' ``[nominal]`` tables and for slot-less and IGSO
        ordering (default: :func:`orbitkit.catalog.load_catalog`).

    Returns
    -------
    (sets, missing)
        The sets built, and ``(member, reason)`` for members without a design orbit.
    """
    if epoch.tzinfo is None:
        raise ValueError("nominal_sets: epoch must be timezone-aware UTC")
    epoch = epoch.astimezone(UTC)
    catalog = catalog or load_catalog()
    sets: list[ElementSet] = []
    missing: list[tuple[Member, str]] = []
    for member in members:
        reason = nominal_reason(member, epoch)
        system = catalog.systems.get(member.system_key)
        nominal = dict(system.nominal) if system else {}
        peers = [m for m in system.members if nominal_reason(m) is None] if system else [member]
        result: Satrec | str
        if reason is not None:
            result = reason
        elif member.orbit_class == "MEO":
            extras = [m for m in peers if m.orbit_class == "MEO" and m.slot is None and m.plane]
            result = _meo(member, nominal, epoch, extras)
        elif member.orbit_class == "IGSO":
            igso = [m for m in peers if m.orbit_class == "IGSO"]
            result = _igso(member, nominal, epoch, igso if member in igso else [member])
        elif member.orbit_class == "GEO":
            result = _geo(member, epoch)
        elif member.orbit_class == "SSO":
            result = _sso(member, epoch)
        elif member.orbit_class == "LEO":
            result = _leo(member, nominal, epoch)
        elif member.orbit_class is None:
            result = "not in the catalogue, so there is no design orbit for it"
        else:
            result = f"no nominal design for orbit class {member.orbit_class!r}"
        if isinstance(result, str):
            missing.append((member, result))
            continue
        sets.append(ElementSet(
            norad_id=int(member.norad_id or 0), name=member.name, epoch=epoch,
            satrec=result, source="nominal", origin=NOMINAL_ORIGIN, cospar_id=member.cospar_id,
        ))
    return sets, missing
