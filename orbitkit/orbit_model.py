"""Earth-fixed states of any orbit source at arbitrary instants, for the pass search.

The pass search (:mod:`orbitkit.passes`) needs, per satellite, Earth-fixed positions,
velocities and accelerations at instants it chooses as it refines, plus a bound on how
fast the satellite can move (its perigee radius and rate) to choose a coarse step that
cannot jump over a pass. :class:`SourceOrbits` gives all of it for any
:class:`~orbitkit.elements.orbit.Orbit` (several element sets switching along the window,
GNSS broadcast or precise orbits, an OEM), asking them for states through
:func:`orbitkit.elements.orbit.evaluate` without knowing their source:

* states in the native frame are turned Earth-fixed: TEME by GMST 1982 on UT1 (UT1 - UTC
  from a table every 6 h, interpolated: exact to microseconds, as the SGP4 model does),
  GCRS through TEME, ITRS as they are;
* accelerations are point-mass gravity seen from the rotating Earth, as for SGP4: they only
  steer Newton steps toward a culmination and never set a time by themselves;
* the perigee bound comes from osculating elements of inertial (TEME) states sampled over
  the window (64 instants): the smallest perigee radius and the highest perigee rate seen,
  which for every source here (elements sets of one object, GNSS orbits) is within a few
  km and a fraction of a per cent of the mean-element values the SGP4 model uses; the
  step's safety factor (0.8) is far larger than that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from orbitkit import frames
from orbitkit.elements.orbit import _datetime_of, check_spans, evaluate

__all__ = ["SourceOrbits", "MU_KM3_S2", "EARTH_RATE_RAD_S", "earth_fixed_gravity"]

MU_KM3_S2 = 398600.4418
EARTH_RATE_RAD_S = 7.2921150e-5
_REENTRY_ALTITUDE_KM = 100.0
_PERIGEE_SAMPLES = 64
#: Coarse samples this far either side of a switch of element set [s].
SWITCH_SAMPLE_S = 1e-3


def earth_fixed_gravity(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Point-mass gravity seen from the rotating Earth: ``-mu r/|r|³ - 2 w×v - w×(w×r)``.

    J2 and drag (< 0.2 % of it in LEO) are left out: the result only steers Newton steps
    towards a culmination and estimates their error, it never sets a time by itself.
    """
    r3 = np.einsum("ij,ij->i", r, r) ** 1.5
    w = EARTH_RATE_RAD_S
    acc = -MU_KM3_S2 * r / r3[:, None]
    acc[:, 0] += 2.0 * w * v[:, 1] + w * w * r[:, 0]
    acc[:, 1] += -2.0 * w * v[:, 0] + w * w * r[:, 1]
    return acc


class SourceOrbits:
    """The pass search's orbit model over any orbits (see the module notes).

    Parameters
    ----------
    orbits
        S :class:`~orbitkit.elements.orbit.Orbit` objects.
    start
        Window start (aware UTC); instants are seconds after it.
    duration_s
        Window length [s].

    Raises
    ------
    OutsideSpanError
        The window leaves the span of an orbit's source.
    """

    def __init__(self, orbits: Sequence[Any], start: datetime, duration_s: float) -> None:
        from datetime import timedelta

        from orbitkit.timeutil import to_julian, ut1_minus_utc_s

        self.sets = list(orbits)
        self.n_sats = len(self.sets)
        #: True when some orbit changes element set along the window
        self.switching = any(getattr(o, "n_sets", 1) > 1 for o in self.sets)
        check_spans(self.sets, start, start + timedelta(seconds=float(duration_s)))
        jd, fr = to_julian(np.array([np.datetime64(start.replace(tzinfo=None), "ns")]))
        self.jd0 = float(jd[0])
        self.fr0 = float(fr[0])
        self.duration_s = float(duration_s)
        n = max(2, int(math.ceil(duration_s / 21600.0)) + 1)
        self._dut_t = np.linspace(0.0, max(duration_s, 1.0), n)
        self._dut = ut1_minus_utc_s(np.full(n, self.jd0), self.fr0 + self._dut_t / 86400.0)

    def _native(self, s: int, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        jd = np.full(t_s.shape, self.jd0)
        err, r, v, _ = evaluate([self.sets[s]], jd, self.fr0 + t_s / 86400.0, check=False)
        return err[0], r[0], v[0]

    def _ut1(self, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.full(t_s.shape, self.jd0),
                self.fr0 + (t_s + np.interp(t_s, self._dut_t, self._dut)) / 86400.0)

    def _teme(self, s: int, t_s: np.ndarray, r: np.ndarray, v: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        frame = getattr(self.sets[s], "frame", "teme")
        if frame == "teme":
            return r, v
        if frame == "itrs":
            return frames.itrs_to_teme(r, v, *self._ut1(t_s))
        from orbitkit.timeutil import precession_nutation

        jd = np.full(t_s.shape, self.jd0)
        gast, bpn = precession_nutation(jd, self.fr0 + t_s / 86400.0)
        return frames.gcrs_to_teme(r, v, *self._ut1(t_s), gast, bpn)

    def state(self, s: int, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """ITRS position [km] (n, 3), velocity [km/s] (n, 3), ok (n,) of satellite ``s``."""
        t_s = np.asarray(t_s, dtype=float)
        err, r, v = self._native(s, t_s)
        ok = err == 0
        if getattr(self.sets[s], "frame", "teme") != "itrs":
            r, v = self._teme(s, t_s, r, v)
            r, v = frames.teme_to_itrs(r, v, *self._ut1(t_s))
        with np.errstate(invalid="ignore"):
            ok = ok & ~(frames.radial_height_km(r) < _REENTRY_ALTITUDE_KM)
        if not ok.all():
            r = r.copy()
            v = v.copy()
            r[~ok] = np.nan
            v[~ok] = np.nan
        return r, v, ok

    def states(self, sat: np.ndarray, t_s: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`state` for items of many satellites (one source call per satellite)."""
        n = t_s.size
        r = np.empty((n, 3))
        v = np.empty((n, 3))
        ok = np.empty(n, dtype=bool)
        order = np.argsort(sat, kind="stable")
        ss = sat[order]
        cuts = np.flatnonzero(np.diff(ss)) + 1
        for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), n], strict=True):
            idx = order[a:b]
            r[idx], v[idx], ok[idx] = self.state(int(ss[a]), t_s[idx])
        return r, v, ok

    def coarse_grid(self, s: int, grid_s: np.ndarray) -> np.ndarray:
        """The coarse-scan grid of satellite ``s`` with a sample either side of each switch.

        A switch of element set makes the elevation jump; the step bound of the coarse
        scan holds for continuous motion only. Samples :data:`SWITCH_SAMPLE_S` before and
        after each switch make every jump across the mask a bracket of its own (a rise or
        a set at the switch, refined to within that), and a pass of the earlier set that
        ends just before a switch is not merged with one of the later set.
        """
        orbit = self.sets[s]
        if getattr(orbit, "n_sets", 1) < 2:
            return grid_s
        from datetime import timedelta

        start = _datetime_of(self.jd0, self.fr0)
        stop = start + timedelta(seconds=self.duration_s)
        at = np.array([(sw.time_utc - start).total_seconds()
                       for sw in orbit.switches(start, stop)])
        if at.size == 0:
            return grid_s
        extra = np.concatenate((at - SWITCH_SAMPLE_S, at + SWITCH_SAMPLE_S))
        extra = extra[(extra > 0.0) & (extra < self.duration_s)]
        return np.unique(np.concatenate((grid_s, extra)))

    def acceleration(self, s: int, t_s: np.ndarray, r: np.ndarray, v: np.ndarray
                     ) -> np.ndarray:
        return earth_fixed_gravity(r, v)

    def epochs_used(self, sat: np.ndarray, t_s: np.ndarray) -> np.ndarray | None:
        """``datetime64[us]`` epoch of the set each item used, or ``None`` if no orbit says."""
        out = np.full(t_s.size, np.datetime64("NaT", "us"))
        said = False
        for s in np.unique(sat).tolist():
            sel = sat == s
            jd = np.full(int(sel.sum()), self.jd0)
            got = self.sets[s].epochs_used(jd, self.fr0 + t_s[sel] / 86400.0) \
                if hasattr(self.sets[s], "epochs_used") else None
            if got is not None:
                out[sel] = got
                said = True
        return out if said else None

    def perigee(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per satellite: perigee radius [km], perigee angular rate [rad/s], revs/day."""
        rp = np.empty(self.n_sats)
        rate = np.empty(self.n_sats)
        revs = np.empty(self.n_sats)
        t = np.linspace(0.0, self.duration_s, _PERIGEE_SAMPLES)
        for s in range(self.n_sats):
            err, r, v = self._native(s, t)
            r, v = self._teme(s, t, r, v)
            good = (err == 0) & np.isfinite(r[:, 0])
            if not good.any():  # nothing usable: the fastest plausible orbit, a short step
                rp[s], rate[s], revs[s] = frames.WGS84_A_KM + 150.0, 1.3e-3, 16.0
                continue
            r, v = r[good], v[good]
            rn = np.linalg.norm(r, axis=1)
            energy = 0.5 * np.einsum("ij,ij->i", v, v) - MU_KM3_S2 / rn
            a = -MU_KM3_S2 / (2.0 * energy)
            h = np.linalg.norm(np.cross(r, v), axis=1)
            ecc = np.sqrt(np.clip(1.0 - h * h / (MU_KM3_S2 * np.abs(a)), 0.0, 0.99))
            perigee = np.abs(a) * (1.0 - ecc)
            k = int(np.argmin(perigee))
            rp[s] = perigee[k]
            rate[s] = float(np.max(np.sqrt(MU_KM3_S2 * (1.0 + ecc) / perigee ** 3)))
            revs[s] = float(np.median(86400.0 / (2.0 * np.pi * np.sqrt(np.abs(a) ** 3
                                                                        / MU_KM3_S2))))
        return rp, rate, revs
