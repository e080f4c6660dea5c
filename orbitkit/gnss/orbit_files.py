"""One small adapter over the three kinds of orbit file a GNSS comparison reads.

RINEX navigation (broadcast), SP3 (precise) and TLE/OMM element files (SGP4) all answer
the same two questions here: which satellites (by PRN) and where at GPST instants
(``positions(prns, t_gpst_ns, offset_s) -> OrbitSamples``, Earth-fixed metres). This is
what :mod:`orbitkit.gnss.compare` needs; the general orbit-source interface of
:mod:`orbitkit.elements` wraps the same objects for every other analysis.

TLE/OMM element sets have no PRN: the catalogue maps PRN <-> NORAD number (BeiDou
members carry their PRN), and the sets' positions are SGP4 + TEME -> ITRS
(:mod:`orbitkit.frames`), at the UTC instants of the GPST grid.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from orbitkit.errors import ElementFileError
from orbitkit.gnss.ephemerides import NOT_IN_FILE, OK, OrbitSamples

__all__ = ["file_kind", "open_orbit_file", "TleOrbits", "orbit_class_of", "SYSTEM_KEYS"]

#: GNSS system keys a target may use -> RINEX system letters.
SYSTEM_KEYS = {"gps": "G", "galileo": "E", "glonass": "R", "beidou": "C", "bds": "C",
               "qzss": "J", "navic": "I", "irnss": "I", "gnss": "GRECJI"}


def file_kind(path: str | Path) -> str:
    """``"rinex-nav"``, ``"sp3"`` or ``"elements"`` from the first bytes of the file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                head = fh.read(4096)
    except FileNotFoundError:
        raise ElementFileError(f"{path}: no such file") from None
    except (OSError, EOFError) as exc:
        raise ElementFileError(f"{path}: cannot be read ({exc})") from None
    first = head.split(b"\n", 1)[0]
    if b"RINEX VERSION / TYPE" in first and first[20:21] == b"N":
        return "rinex-nav"
    if first[:1] == b"#" and first[1:2] in (b"c", b"d"):
        return "sp3"
    return "elements"


class TleOrbits:
    """SGP4 element sets seen through PRNs (catalogue mapping), Earth-fixed metres."""

    source = "tle"

    def __init__(self, sets: list, prn_of_norad: dict[int, str], path: str = "") -> None:
        self.path = path
        self.sets = {}
        for es in sets:
            prn = prn_of_norad.get(es.norad_id)
            if prn and (prn not in self.sets or es.epoch > self.sets[prn].epoch):
                self.sets[prn] = es  # latest set of each PRN
        self.prn_of_norad = prn_of_norad

    @property
    def prns(self) -> list[str]:
        return sorted(self.sets)

    def unhealthy(self) -> list[str]:
        return []

    def span_gpst_ns(self, prn: str | None = None) -> tuple[int, int]:
        return (-(2**62), 2**62)  # element sets have no span; their age is reported

    def is_geo(self, prn: str) -> bool:
        es = self.sets.get(prn)
        return bool(es is not None and abs(es.satrec.no_kozai * 1440 / (2 * np.pi) - 1.0027)
                    < 0.05 and np.degrees(es.satrec.inclo) < 20)

    def positions(self, prns, t_gpst_ns, offset_s=None) -> OrbitSamples:
        from orbitkit.gnss.timescales import gpst_ns_to_utc
        from orbitkit.propagation import propagate

        t_ns = np.asarray(t_gpst_ns, dtype=np.int64)
        n_s, n_t = len(prns), t_ns.shape[-1]
        r = np.full((n_s, n_t, 3), np.nan)
        status = np.full((n_s, n_t), NOT_IN_FILE, np.uint8)
        have = [i for i, p in enumerate(prns) if p in self.sets]
        if have:
            base = t_ns if t_ns.ndim == 1 else t_ns[0]
            off = 0.0 if offset_s is None else float(np.ravel(offset_s)[0])
            utc = gpst_ns_to_utc(base + int(round(off * 1e9)))
            eph = propagate([self.sets[prns[i]] for i in have], utc)
            r[have] = eph.r_itrs_km * 1e3
            status[have] = np.where(eph.ok, OK, NOT_IN_FILE)
        return OrbitSamples(list(prns), t_ns, r, status, np.zeros((n_s, n_t), np.int64),
                            self.source, np.array([self.is_geo(p) for p in prns], bool))


def orbit_class_of(orbits, prn: str) -> str:
    """GEO / IGSO / MEO of a PRN from what the file itself says (records or positions)."""
    if orbits.is_geo(prn):
        return "GEO"
    from orbitkit.gnss.broadcast import GM_GPS

    if hasattr(orbits, "nav"):
        rows = orbits._rows.get(prn, (None, np.zeros(0, int)))
        rec, idx = rows
        if rec is not None and len(idx) and prn[0] != "R":
            a = np.median(rec.column("sqrtA")[idx]) ** 2
            return "IGSO" if a > 35e6 else "MEO"
    if hasattr(orbits, "r_ecef_m") and isinstance(orbits.r_ecef_m, dict) and prn in \
            orbits.r_ecef_m:
        radius = np.linalg.norm(orbits.r_ecef_m[prn][1], axis=1).mean()
        return "IGSO" if radius > 35e6 else "MEO"
    if hasattr(orbits, "sets") and prn in orbits.sets:
        n = orbits.sets[prn].satrec.no_kozai / 60.0   # rad/s
        a = (GM_GPS / n**2) ** (1 / 3)
        return "IGSO" if a > 35e6 else "MEO"
    return "MEO"


def open_orbit_file(path: str | Path, prn_of_norad: dict[int, str] | None = None):
    """BroadcastOrbits, PreciseOrbits or TleOrbits for one file, by its content."""
    kind = file_kind(path)
    if kind == "rinex-nav":
        from orbitkit.gnss.ephemerides import BroadcastOrbits

        return BroadcastOrbits.from_file(path)
    if kind == "sp3":
        from orbitkit.gnss.sp3 import read_sp3

        return read_sp3(path)
    from orbitkit.elements.parse import read_elements

    result = read_elements(str(path))
    return TleOrbits(result.sets, prn_of_norad or {}, str(path))
