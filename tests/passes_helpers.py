"""Shared pieces of the pass tests: element sets from the real snapshot, synthetic orbits.

The synthetic models give exactly known geometry (spherical-Earth circular orbits, or a
scripted sky track) so that rise, culmination and set have closed forms to test against.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sgp4.api import Satrec

from orbitkit import frames
from orbitkit.elements.model import ElementSet
from orbitkit.passes import PassSearch, _find, _Stations
from orbitkit.sites import Site

MU = 398600.4418
R_EQ = frames.WGS84_A_KM
# A station on the equator at the prime meridian, height 0: its WGS84 vertical is the
# geocentric radius, so spherical formulas hold exactly there.
EQUATOR = Site(key="equator", name="equator", lat_deg=0.0, lon_deg=0.0, alt_m=0.0)


def element_set(name: str, line1: str, line2: str) -> ElementSet:
    sat = Satrec.twoline2rv(line1, line2)
    whole = sat.jdsatepoch + sat.jdsatepochF
    epoch = datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(days=whole - 2451545.0)
    return ElementSet(norad_id=sat.satnum, name=name, epoch=epoch, satrec=sat, source="file",
                      line1=line1, line2=line2)


def sets_from_file(path: Path, norad_ids: Iterable[int]) -> list[ElementSet]:
    """The named objects of a 3-line TLE file, in the order asked."""
    want = {int(n) for n in norad_ids}
    found: dict[int, ElementSet] = {}
    lines = Path(path).read_text().splitlines()
    for i in range(len(lines) - 2):
        l1, l2 = lines[i + 1], lines[i + 2]
        if l1.startswith("1 ") and l2.startswith("2 ") and not lines[i].startswith(("1 ", "2 ")):
            n = int(l1[2:7])
            if n in want and n not in found:
                found[n] = element_set(lines[i].strip(), l1, l2)
    return [found[n] for n in norad_ids if n in found]


def tle_subset(snapshot: Path, norad_ids: Iterable[int], path: Path) -> Path:
    """Write the 3-line TLE blocks of ``norad_ids`` out of ``snapshot`` (file order) to
    ``path``; returns ``path``."""
    want = {f"1 {int(n):05d}U" for n in norad_ids}
    lines = Path(snapshot).read_text().splitlines()
    keep = []
    for i in range(len(lines) - 2):
        if lines[i + 1][:8] in want and lines[i + 2].startswith("2 "):
            keep += lines[i:i + 3]
    path.write_text("\n".join(keep) + "\n")
    return path


def visibility_half_angle(elev_rad: float, radius_km: float) -> float:
    """Earth-central angle of the circle where a satellite at ``radius_km`` has ``elev``."""
    return math.acos(R_EQ * math.cos(elev_rad) / radius_km) - elev_rad


class CircularOrbits:
    """Circular orbits about a spherical, non-rotating Earth, given in the Earth frame.

    Satellite ``i`` moves on ``radius * (cos(phase) e1 + sin(phase) e2)`` with
    ``phase = rate * (t - t_close)``; with the station at ``(R, 0, 0)`` and
    ``e1 = (cos L, 0, sin L)``, ``e2 = (0, 1, 0)`` its closest approach to the station
    is the central angle ``L`` at ``t_close``.
    """

    def __init__(self, radius_km: list[float], closest_deg: list[float],
                 t_close_s: list[float]) -> None:
        self.radius = np.asarray(radius_km, dtype=float)
        self.closest = np.radians(closest_deg)
        self.t_close = np.asarray(t_close_s, dtype=float)
        self.rate = np.sqrt(MU / self.radius**3)
        self.n_sats = self.radius.size

    def state(self, s: int, t_s: np.ndarray):
        t_s = np.asarray(t_s, dtype=float)
        lam = self.closest[s]
        e1 = np.array([math.cos(lam), 0.0, math.sin(lam)])
        e2 = np.array([0.0, 1.0, 0.0])
        ph = self.rate[s] * (t_s - self.t_close[s])
        c, sn = np.cos(ph)[:, None], np.sin(ph)[:, None]
        r = self.radius[s] * (c * e1 + sn * e2)
        v = self.radius[s] * self.rate[s] * (-sn * e1 + c * e2)
        return r, v, np.ones(t_s.size, dtype=bool)

    def perigee(self):
        return self.radius.copy(), self.rate.copy(), self.rate * 86400.0 / (2 * math.pi)

    def acceleration(self, s, t_s, r, v):
        return -self.rate[s] ** 2 * r  # uniform circular motion, no rotating frame

    def analytic(self, s: int, mask_deg: float) -> tuple[float, float, float, float]:
        """Rise, culmination and set times [s], and the maximum elevation [deg]."""
        r = self.radius[s]
        lam0 = self.closest[s]
        el_max = math.atan2(math.cos(lam0) - R_EQ / r, math.sin(lam0))
        lam_mask = visibility_half_angle(math.radians(mask_deg), r)
        half = math.acos(math.cos(lam_mask) / math.cos(lam0)) / self.rate[s]
        tc = self.t_close[s]
        return tc - half, tc, tc + half, math.degrees(el_max)


class ScriptedTrack:
    """A satellite whose elevation and azimuth over one station follow given functions.

    Position = station + range * direction(az(t), el(t)), with a fixed range; the
    velocity is the exact derivative. ``perigee()`` reports a 500 km circular LEO so the
    coarse step is a realistic one (~200 s at a 10 deg mask).
    """

    def __init__(self, site: Site, el_deg: Callable[[np.ndarray], np.ndarray],
                 az_deg: Callable[[np.ndarray], np.ndarray], range_km: float = 1500.0,
                 step_radius_km: float = R_EQ + 500.0) -> None:
        st = _Stations.from_sites([site])
        self.pos, self.east, self.north, self.up = st.pos[0], st.east[0], st.north[0], st.up[0]
        self.el, self.az = el_deg, az_deg
        self.range = range_km
        self.step_radius = step_radius_km
        self.n_sats = 1

    def _dir(self, t: np.ndarray) -> np.ndarray:
        el = np.radians(self.el(t))
        az = np.radians(self.az(t))
        return (np.cos(el) * np.sin(az))[:, None] * self.east + \
            (np.cos(el) * np.cos(az))[:, None] * self.north + np.sin(el)[:, None] * self.up

    def state(self, s: int, t_s: np.ndarray):
        t = np.asarray(t_s, dtype=float)
        h = 1e-3
        r = self.pos + self.range * self._dir(t)
        v = self.range * (self._dir(t + h) - self._dir(t - h)) / (2 * h)
        return r, v, np.ones(t.size, dtype=bool)

    def acceleration(self, s, t_s, r, v):
        t = np.asarray(t_s, dtype=float)
        h = 1e-2
        return self.range * (self._dir(t + h) - 2 * self._dir(t) + self._dir(t - h)) / h**2

    def perigee(self):
        rate = math.sqrt(MU / self.step_radius**3)
        return (np.array([self.step_radius]), np.array([rate]),
                np.array([rate * 86400.0 / (2 * math.pi)]))


START = datetime(2026, 5, 1, tzinfo=UTC)


def search(model, sites: list[Site], masks: list, duration_s: float, **kw) -> PassSearch:
    """Run the pass search on a synthetic model (no visibility: it has no real Sun)."""
    result = PassSearch(start_utc=START,
                        stop_utc=START + timedelta(seconds=duration_s), stations=sites,
                        min_elevation_deg=[m if isinstance(m, float) else None for m in masks])
    ids = list(range(1, model.n_sats + 1))
    return _find(model, ids, [f"SAT {i}" for i in ids], masks, result, visibility=False, **kw)


def seconds(t: datetime) -> float:
    return (t - START).total_seconds()
