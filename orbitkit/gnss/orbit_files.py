"""One small adapter over the three kinds of orbit file a GNSS comparison reads.

RINEX navigation (broadcast), SP3 (precise) and TLE/OMM element files (SGP4, read and
chosen through the orbit-source interface of :mod:`orbitkit.elements.orbit`) all answer
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
    import os
    import stat

    try:
        if str(path) == "-" or not stat.S_ISREG(os.stat(path).st_mode):
            # standard input or a pipe: read once and kept by the shared input reader
            from orbitkit.elements.files import read_input_bytes

            head = read_input_bytes(str(path), error=ElementFileError)[:4096]
        else:
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
    """TLE/OMM files seen through PRNs, behind the orbit-source interface.

    The file is read by :class:`orbitkit.elements.file_source.ElementFileSource`; for each
    window it answers an :class:`~orbitkit.elements.orbit.OrbitRequest` (several sets of
    one object switch along the window at the midpoints between epochs, as everywhere in
    orbitkit), and :func:`orbitkit.propagation.propagate` gives ITRS positions. PRNs come
    from the catalogue (NORAD -> PRN).
    """

    def __init__(self, path: str | Path, prn_of_norad: dict[int, str]) -> None:
        from orbitkit.elements.file_source import ElementFileSource

        self.path = str(path)
        self.file_source = ElementFileSource([path])
        store = self.file_source.store
        self.norad_of_prn = {prn_of_norad[n]: n for n in store.norad_ids() if n in prn_of_norad}
        latest = [store.sets_for(n)[-1] for n in store.norad_ids()]
        self.source = latest[0].kind if latest else "tle"   # "tle" or "omm"
        self.sets = {p: store.sets_for(n)[-1] for p, n in self.norad_of_prn.items()}

    @property
    def prns(self) -> list[str]:
        return sorted(self.norad_of_prn)

    def unhealthy(self) -> list[str]:
        return []

    def span_gpst_ns(self, prn: str | None = None) -> tuple[int, int]:
        return (-(2**62), 2**62)  # element sets have no span; their age is reported

    def is_geo(self, prn: str) -> bool:
        es = self.sets.get(prn)
        return bool(es is not None and abs(es.satrec.no_kozai * 1440 / (2 * np.pi) - 1.0027)
                    < 0.05 and np.degrees(es.satrec.inclo) < 20)

    def orbit_class(self, prn: str) -> str:
        """GEO / IGSO / MEO from the mean motion and inclination of the latest set."""
        from orbitkit.gnss.broadcast import GM_GPS

        if self.is_geo(prn):
            return "GEO"
        if prn not in self.sets:
            return "MEO"
        n = self.sets[prn].satrec.no_kozai / 60.0   # rad/min -> rad/s
        return "IGSO" if (GM_GPS / n**2) ** (1 / 3) > 35e6 else "MEO"

    def positions(self, prns, t_gpst_ns, offset_s=None) -> OrbitSamples:
        from datetime import UTC, datetime

        from orbitkit.catalog import load_catalog
        from orbitkit.elements.orbit import OrbitRequest, bare_member
        from orbitkit.gnss.timescales import gpst_ns_to_utc
        from orbitkit.propagation import propagate

        t_ns = np.asarray(t_gpst_ns, dtype=np.int64)
        n_s, n_t = len(prns), t_ns.shape[-1]
        r = np.full((n_s, n_t, 3), np.nan)
        status = np.full((n_s, n_t), NOT_IN_FILE, np.uint8)
        have = [i for i, p in enumerate(prns) if p in self.norad_of_prn]
        if have:
            base = t_ns if t_ns.ndim == 1 else t_ns[0]
            off = 0.0 if offset_s is None else float(np.ravel(offset_s)[0])
            utc = gpst_ns_to_utc(base + int(round(off * 1e9)))
            ends = [datetime.fromtimestamp(int(u.astype("datetime64[us]").astype(np.int64))
                                           / 1e6, tz=UTC) for u in (utc.min(), utc.max())]
            catalog = load_catalog()
            members = [catalog.by_norad(self.norad_of_prn[prns[i]])
                       or bare_member(self.norad_of_prn[prns[i]]) for i in have]
            answer = self.file_source.answer(OrbitRequest(members, ends[0], ends[1], catalog))
            got = [k for k in range(len(have)) if k in answer.orbits]
            if got:
                eph = propagate([answer.orbits[k] for k in got], utc)
                rows = [have[k] for k in got]
                r[rows] = eph.r_itrs_km * 1e3
                status[rows] = np.where(eph.ok, OK, NOT_IN_FILE)
        return OrbitSamples(list(prns), t_ns, r, status, np.zeros((n_s, n_t), np.int64),
                            self.source, np.array([self.is_geo(p) for p in prns], bool))


def orbit_class_of(orbits, prn: str) -> str:
    """GEO / IGSO / MEO of a PRN from what the file itself says (records or positions)."""
    return orbits.orbit_class(prn)


def open_orbit_file(path: str | Path, prn_of_norad: dict[int, str] | None = None):
    """BroadcastOrbits, PreciseOrbits or TleOrbits for one file, by its content."""
    kind = file_kind(path)
    if kind == "rinex-nav":
        from orbitkit.gnss.ephemerides import BroadcastOrbits

        return BroadcastOrbits.from_file(path)
    if kind == "sp3":
        from orbitkit.gnss.sp3 import read_sp3

        return read_sp3(path)
    return TleOrbits(path, prn_of_norad or {})
