"""How far apart are two orbit sources? Per-satellite differences in RTN and 3D.

Definition
----------
For each satellite both sources know, the difference ``d = r_a - r_b`` of their
Earth-fixed positions on a common time grid, resolved along the radial (R = r_b/|r_b|),
cross-track (C = r_b x v_b / |r_b x v_b|, with v_b the inertial velocity) and along-track
(A = C x R) directions of source B, the reference; reported as RMS per component and
RMS and maximum of |d| ("3D").

Method
------
1. The window ``[start, stop)`` (UTC) is turned into GPST (:mod:`orbitkit.gnss.timescales`)
   and sampled at the GPST instants that are whole multiples of ``step_s``: with the
   default 300 s these are the epochs of an SP3 file, so the precise side is its
   tabulated values, not an interpolation (a UTC-aligned grid would sit 18 s off them
   and its last sample past the file's last epoch).
2. Each source covers a span (a broadcast file: its records' fit intervals; an SP3 file:
   its first..last epoch). Grid instants outside either span are left out, never
   extrapolated, and :attr:`OrbitComparison.notes` says so with the span (a UTC day is
   18 s later than the GPST day an SP3 file tabulates, so its last minutes are always
   outside); a window with no instant inside both spans is refused
   (:class:`OutsideSpanError`, naming the span).
3. Positions of both sources for all satellites at once; the reference velocity is the
   central difference of B over +-0.5 s plus omega_E x r (Earth-fixed -> inertial).
4. Samples either source lacks (no record within the fit interval, an unhealthy
   satellite, an SP3 gap) are left out and counted; a satellite with none left is named
   in :attr:`OrbitComparison.excluded`.

Why it is right and tolerances
------------------------------
The difference is formed in the common Earth-fixed frame; both broadcast and SP3 frames
are ITRF realisations within a few cm. RTN from a +-0.5 s central difference has a
relative direction error ~1e-8 (negligible). Note that broadcast orbits refer to the
antenna phase centre and SP3 to the centre of mass: their difference contains the
satellite's antenna offset (mostly radial, 0.8-2.9 m for BeiDou-3), as it should when the
question is "how far is the broadcast position from the precise one".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from orbitkit.errors import UserError
from orbitkit.gnss.ephemerides import OK, STATUS_TEXT

__all__ = ["SatelliteDifference", "OrbitComparison", "compare_orbits", "OutsideSpanError",
           "rtn_components"]

_OMEGA_E = 7.2921151467e-5  # rad/s, Earth rotation (frame velocity -> inertial)


class OutsideSpanError(UserError):
    """The comparison window leaves a file's span (orbitkit does not extrapolate)."""


@dataclass
class SatelliteDifference:
    """Differences of one satellite (metres)."""

    prn: str
    norad_id: int | None
    name: str
    orbit_class: str
    samples: int
    rms_3d_m: float
    max_3d_m: float
    rms_radial_m: float
    rms_along_m: float
    rms_cross_m: float

    def to_dict(self) -> dict[str, Any]:
        return {"prn": self.prn, "norad_id": self.norad_id, "name": self.name,
                "orbit_class": self.orbit_class, "samples": self.samples,
                "rms_3d_m": round(self.rms_3d_m, 4), "max_3d_m": round(self.max_3d_m, 4),
                "rms_radial_m": round(self.rms_radial_m, 4),
                "rms_along_m": round(self.rms_along_m, 4),
                "rms_cross_m": round(self.rms_cross_m, 4)}


@dataclass
class OrbitComparison:
    """Result of :func:`compare_orbits`.

    Attributes
    ----------
    source_a, source_b
        ``"<kind>:<file name>"`` (kind ``broadcast``, ``precise`` or ``tle``).
    start_utc, stop_utc
        The window (stop excluded), aware UTC.
    step_s
        Grid step, s.
    satellites
        One :class:`SatelliteDifference` per satellite with samples.
    excluded
        ``(prn, reason)`` of satellites asked for but without any common sample.
    notes
        What was left out of the window (instants outside a file's span), for the user.
    times_utc
        (T,) ``datetime64[ns]`` UTC grid; ``d_rtn_m`` (S, T, 3) the per-sample radial,
        along, cross differences of the S satellites of :attr:`satellites` (NaN where left
        out), for plots.
    """

    source_a: str
    source_b: str
    start_utc: datetime
    stop_utc: datetime
    step_s: float
    satellites: list[SatelliteDifference]
    excluded: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    times_utc: np.ndarray | None = field(default=None, repr=False)
    d_rtn_m: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        from orbitkit.timeutil import format_utc

        return {"source_a": self.source_a, "source_b": self.source_b,
                "start_utc": format_utc(self.start_utc), "stop_utc": format_utc(self.stop_utc),
                "satellites": [s.to_dict() for s in self.satellites]}


def rtn_components(d_m: np.ndarray, r_m: np.ndarray, v_m_s: np.ndarray) -> np.ndarray:
    """(..., 3) radial, along-track, cross-track components of ``d`` in the frame of (r, v)."""
    radial = r_m / np.linalg.norm(r_m, axis=-1, keepdims=True)
    h = np.cross(r_m, v_m_s)
    cross = h / np.linalg.norm(h, axis=-1, keepdims=True)
    along = np.cross(cross, radial)
    return np.stack([np.sum(d_m * radial, axis=-1), np.sum(d_m * along, axis=-1),
                     np.sum(d_m * cross, axis=-1)], axis=-1)


def _label(orbits) -> str:
    from pathlib import Path

    return f"{orbits.source}:{Path(str(orbits.path)).name}"


def _inside_span(orbits, t_ns: np.ndarray, notes: list[str]) -> np.ndarray:
    """Mask of grid instants inside the source's span; a note when some are not; refuse
    when none is."""
    from orbitkit.gnss.timescales import gpst_ns_to_utc
    from orbitkit.timeutil import format_utc_array

    lo, hi = orbits.span_gpst_ns()
    inside = (t_ns >= lo) & (t_ns <= hi)
    if inside.all():
        return inside
    span = format_utc_array(gpst_ns_to_utc(np.array([lo, hi])))
    asked = format_utc_array(gpst_ns_to_utc(t_ns[[0, -1]]))
    where = (f"{orbits.path}: the {orbits.source} orbits cover {span[0]} .. {span[1]} "
             f"(UTC)")
    if not inside.any():
        raise OutsideSpanError(
            f"{where}, but {asked[0]} .. {asked[1]} was asked; orbitkit does not "
            "extrapolate: choose --start/--hours inside the file's span")
    notes.append(f"{where}: {int((~inside).sum())} of {inside.size} instants of the window "
                 "fall outside and are left out (not extrapolated)")
    return inside


def compare_orbits(a, b, prns: list[str], start: datetime, stop: datetime, *,
                   step_s: float = 300.0,
                   describe=None) -> OrbitComparison:
    """Per-satellite differences of source ``a`` against reference ``b``.

    Parameters
    ----------
    a, b
        Orbit providers (:class:`~orbitkit.gnss.ephemerides.BroadcastOrbits`,
        :class:`~orbitkit.gnss.sp3.PreciseOrbits`, :class:`~orbitkit.gnss.orbit_files.TleOrbits`).
    prns
        Satellites to compare.
    start, stop
        Aware UTC window, stop excluded.
    step_s
        Grid step, s (default 300, the usual SP3 interval).
    describe
        ``prn -> (norad_id, name, orbit_class)``; default: the PRN and the class the
        files give.

    Returns
    -------
    OrbitComparison
    """
    from orbitkit.gnss.orbit_files import orbit_class_of
    from orbitkit.gnss.timescales import utc_to_gpst_ns

    if stop <= start:
        raise UserError(f"stop {stop.isoformat()} is not after start {start.isoformat()}")
    from orbitkit.gnss.timescales import gpst_ns_to_utc

    lo, hi = utc_to_gpst_ns(np.array([np.datetime64(t.replace(tzinfo=None), "ns")
                                      for t in (start, stop)]))
    step_ns = int(round(step_s * 1e9))
    first = -(-lo // step_ns) * step_ns          # first multiple of the step at or after lo
    t_ns = np.arange(first, hi, step_ns, dtype=np.int64)
    if not t_ns.size:
        raise UserError(f"no {step_s:g}-s GPST sample between {start.isoformat()} and "
                        f"{stop.isoformat()}; widen the window or shorten the step")
    notes: list[str] = []
    keep = _inside_span(a, t_ns, notes) & _inside_span(b, t_ns, notes)
    if not keep.any():
        raise OutsideSpanError(f"the spans of {a.path} and {b.path} do not overlap within "
                               f"{start.isoformat()} .. {stop.isoformat()}")
    t_ns = t_ns[keep]
    times = gpst_ns_to_utc(t_ns)
    sa = a.positions(prns, t_ns)
    sb = b.positions(prns, t_ns)
    plus = b.positions(prns, t_ns, offset_s=0.5).r_ecef_m
    minus = b.positions(prns, t_ns, offset_s=-0.5).r_ecef_m
    r_b = sb.r_ecef_m
    v_b = (plus - minus) + np.cross([0.0, 0.0, _OMEGA_E], r_b)   # inertial velocity, m/s
    d = sa.r_ecef_m - r_b
    good = (sa.status == OK) & (sb.status == OK) & np.isfinite(v_b).all(axis=-1)
    rtn = rtn_components(d, r_b, v_b)
    rtn[~good] = np.nan
    sats, excluded, rows = [], [], []
    for i, prn in enumerate(prns):
        k = good[i]
        if not k.any():
            why = {int(c) for c in np.unique(sa.status[i])} - {OK}
            whyb = {int(c) for c in np.unique(sb.status[i])} - {OK}
            text = "; ".join([f"{_label(a)}: {STATUS_TEXT[c]}" for c in sorted(why)]
                             + [f"{_label(b)}: {STATUS_TEXT[c]}" for c in sorted(whyb)])
            excluded.append((prn, text or "no common sample"))
            continue
        rows.append(i)
        d3 = np.linalg.norm(d[i][k], axis=-1)
        comp = rtn[i][k]
        norad, name, cls = (describe(prn) if describe else (None, prn, None))
        sats.append(SatelliteDifference(
            prn=prn, norad_id=norad, name=name or prn,
            orbit_class=cls or orbit_class_of(b, prn), samples=int(k.sum()),
            rms_3d_m=float(np.sqrt(np.mean(d3 ** 2))), max_3d_m=float(d3.max()),
            rms_radial_m=float(np.sqrt(np.mean(comp[:, 0] ** 2))),
            rms_along_m=float(np.sqrt(np.mean(comp[:, 1] ** 2))),
            rms_cross_m=float(np.sqrt(np.mean(comp[:, 2] ** 2)))))
    return OrbitComparison(_label(a), _label(b), start, stop, step_s, sats, excluded,
                           notes, times, rtn[rows])
