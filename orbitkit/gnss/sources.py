"""RINEX navigation and SP3 files as orbit sources for every analysis (``--elements``).

Definition
----------
Two sources behind :mod:`orbitkit.elements.orbit`'s interface: a RINEX navigation file
gives each satellite a *broadcast* orbit (:class:`~orbitkit.gnss.ephemerides.BroadcastOrbits`),
an SP3 file a *precise* one (:class:`~orbitkit.gnss.sp3.PreciseOrbits`). Their states are
Earth-fixed (``frame = "itrs"``: WGS 84/GTRF/CGCS2000/PZ-90.11 and IGS20 are ITRF
realisations within a few cm); propagation converts them to whatever an analysis asks.

Method
------
1. ``claims(path, head)`` recognises the files by their first line (RINEX ``N`` type in
   columns 21, SP3 ``#c``/``#d``); ``open_files`` reads each once.
2. Targets: catalogue members are matched by PRN (BeiDou members carry theirs) or, when the
   catalogue gives none, by NORAD number through the PRN table; tokens the catalogue does
   not know are offered to :meth:`GnssSource.find_token`: a PRN as RINEX writes it
   (``C19``, ``G05``, ``E11``) or a system key (``gps``, ``galileo``, ``glonass``,
   ``beidou``, ``qzss``, ``navic``, ``gnss``).
3. States at UTC instants: UTC -> GPST nanoseconds, one vectorised position call per file
   for all its satellites (:meth:`GnssOrbit.batch_states`), velocity by a +-0.5 s central
   difference (Earth-fixed, km/s).
4. Span: each orbit carries the span its file covers for its system (broadcast: first toe
   minus the fit interval to last toe plus it; SP3: first to last epoch), so an analysis
   outside it is refused with the span named (no extrapolation). A gap inside the span (no
   record within the fit interval, an SP3 gap) is a per-sample status, not a refusal.

Why it is right and tolerances
------------------------------
The positions are those of :mod:`orbitkit.gnss.broadcast` and :mod:`orbitkit.gnss.sp3`
(see their tolerances); the central-difference velocity is exact to ~1e-6 m/s for these
smooth orbits, ample for range rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.elements.orbit import Orbit, OrbitRequest, OrbitSource, SourceAnswer, bare_member
from orbitkit.gnss.ephemerides import NO_RECORD, NOT_IN_FILE, STATUS_TEXT, UNHEALTHY
from orbitkit.gnss.orbit_files import SYSTEM_KEYS, file_kind
from orbitkit.gnss.targets import PRN_PATTERN, gnss_name

__all__ = ["GnssOrbit", "GnssSource", "claims", "open_files", "gnss_name"]

# status codes of states(): sgp4 uses 1-6 and the interface 7; ours start at 10
_CODE = {NO_RECORD: 11, UNHEALTHY: 12, NOT_IN_FILE: 13}


def _datetime_of_gpst(ns: int) -> datetime:
    from orbitkit.gnss.timescales import gpst_ns_to_utc

    utc = gpst_ns_to_utc(np.array([ns]))[0]
    return datetime.fromtimestamp(int(utc.astype("datetime64[us]").astype(np.int64)) / 1e6,
                                  tz=UTC)


def _gpst_of_julian(jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
    from orbitkit.gnss.timescales import utc_to_gpst_ns
    from orbitkit.timeutil import julian_to_datetime64

    return utc_to_gpst_ns(julian_to_datetime64(np.atleast_1d(jd), np.atleast_1d(fr)))


class GnssOrbit(Orbit):
    """One satellite's broadcast or precise orbit from one file (Earth-fixed states)."""

    frame = "itrs"
    cospar_id = None
    status_messages = {code: STATUS_TEXT[status] for status, code in _CODE.items()}

    def __init__(self, provider: Any, prn: str, norad_id: int | None, name: str,
                 span: tuple[datetime, datetime]) -> None:
        self.provider = provider
        self.prn = prn
        self.norad_id = norad_id
        self.name = name
        self.kind = provider.source          # "broadcast" or "precise"
        self.source = provider.source
        self.origin = str(provider.path)
        self.span = span
        self.epoch = span[0]

    def states(self, jd, fr):
        err, r, v = type(self).batch_states([self], jd, fr)
        return err[0], r[0], v[0]

    @classmethod
    def batch_states(cls, orbits: Sequence[GnssOrbit], jd, fr):
        t_ns = _gpst_of_julian(jd, fr)
        n_s, n_t = len(orbits), t_ns.size
        err = np.zeros((n_s, n_t), np.uint8)
        r = np.full((n_s, n_t, 3), np.nan)
        v = np.full((n_s, n_t, 3), np.nan)
        groups: dict[int, list[int]] = {}
        for i, orbit in enumerate(orbits):
            groups.setdefault(id(orbit.provider), []).append(i)
        for idx in groups.values():
            provider = orbits[idx[0]].provider
            prns = [orbits[i].prn for i in idx]
            now = provider.positions(prns, t_ns)
            plus = provider.positions(prns, t_ns, offset_s=0.5).r_ecef_m
            minus = provider.positions(prns, t_ns, offset_s=-0.5).r_ecef_m
            status = now.status
            code = np.zeros(status.shape, np.uint8)
            for s, c in _CODE.items():
                code[status == s] = c
            err[idx] = code
            r[idx] = now.r_ecef_m / 1e3                     # m -> km
            v[idx] = (plus - minus) / 1e3                   # km/s, Earth-fixed
        return err, r, v


class GnssSource(OrbitSource):
    """RINEX navigation or SP3 files (all of one kind) as an orbit source."""

    def __init__(self, providers: list[Any], kind: str) -> None:
        self.providers = providers
        self.kind = kind

    def _prns(self) -> list[str]:
        out: list[str] = []
        for p in self.providers:
            out += [x for x in p.prns if x not in out]
        return out

    def find_token(self, token: str) -> list:
        """A PRN (``C19``) or a system key (``gps``, ``gnss``): the catalogue's member when
        it knows the PRN (BeiDou), else a bare member named like ``GPS G05``."""
        from orbitkit.catalog import load_catalog

        key = token.strip().lower()
        if PRN_PATTERN.match(token.strip()):
            prns = [token.strip().upper()] if token.strip().upper() in self._prns() else []
        elif key in SYSTEM_KEYS:
            prns = [p for p in self._prns() if p[0] in SYSTEM_KEYS[key]]
        else:
            return []
        known = {m.prn.upper(): m for m in load_catalog().members()
                 if m.prn and m.status != "retired"}
        return [known.get(p) or bare_member(None, gnss_name(p), prn=p) for p in prns]

    def _span(self, provider: Any, prn: str) -> tuple[datetime, datetime]:
        """The file's span for this satellite's system (a gap inside it is a status)."""
        same = [p for p in provider.prns if p[0] == prn[0]]
        lo = min(provider.span_gpst_ns(p)[0] for p in same)
        hi = max(provider.span_gpst_ns(p)[1] for p in same)
        return _datetime_of_gpst(lo), _datetime_of_gpst(hi)

    def unhealthy_notes(self) -> list[str]:
        """One line per file naming the satellites left out as unhealthy."""
        return [f"{p.path}: left out as unhealthy (every record flagged): "
                f"{', '.join(p.unhealthy())}" for p in self.providers if p.unhealthy()]

    def constellation_orbits(self, wanted: Sequence[str]) -> list[tuple[GnssOrbit, str]]:
        """Every healthy satellite of the wanted constellations (``"BeiDou"``, ``"GPS"``,
        ``"Galileo"``, ``"GLONASS"``), for multi-GNSS coverage: (orbit, constellation)."""
        from orbitkit.catalog import load_catalog

        letter = {"BeiDou": "C", "GPS": "G", "Galileo": "E", "GLONASS": "R"}
        known = {m.prn.upper(): m for m in load_catalog().members()
                 if m.prn and m.status != "retired"}
        out: list[tuple[GnssOrbit, str]] = []
        seen: set[str] = set()
        for provider in self.providers:
            for prn in provider.prns:
                for constellation in wanted:
                    if prn[0] == letter.get(constellation) and prn not in seen:
                        seen.add(prn)
                        m = known.get(prn)
                        out.append((GnssOrbit(provider, prn, m.norad_id if m else None,
                                              m.name if m else gnss_name(prn),
                                              self._span(provider, prn)), constellation))
        return out

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        by_norad = {m.norad_id: m.prn.upper() for m in request.catalog.members()
                    if m.prn and m.norad_id is not None and m.status != "retired"}
        out = SourceAnswer(tried=[f"{self.kind} orbits in {Path(str(p.path)).name}"
                                  for p in self.providers])
        for i, member in enumerate(request.members):
            prn = (member.prn or by_norad.get(member.norad_id) or "").upper()
            if not prn:
                out.reasons[i] = "no PRN in the catalogue to look it up in GNSS files"
                continue
            for provider in self.providers:
                if prn in provider.prns:
                    name = member.name if member.system_key else gnss_name(prn)
                    out.orbits[i] = GnssOrbit(provider, prn, member.norad_id, name,
                                              self._span(provider, prn))
                    break
            else:
                unhealthy = any(prn in p.unhealthy() for p in self.providers)
                out.reasons[i] = (f"{prn} is flagged unhealthy in every record" if unhealthy
                                  else f"{prn} is not in the {self.kind} file(s)")
        for provider in self.providers:
            bad = getattr(getattr(provider, "nav", None), "problems", [])
            for problem in bad[:5]:
                out.warnings.append(str(problem).splitlines()[0])
            if len(bad) > 5:
                out.warnings.append(f"{provider.path}: {len(bad) - 5} more bad records skipped")
        return out


def claims(path: Path, head: bytes) -> bool:
    """RINEX navigation or SP3 (see :func:`orbitkit.gnss.orbit_files.file_kind`)."""
    first = head.split(b"\n", 1)[0]
    return (b"RINEX VERSION / TYPE" in first and first[20:21] == b"N") or (
        first[:1] == b"#" and first[1:2] in (b"c", b"d"))


def open_files(paths: Sequence[str | Path]) -> OrbitSource:
    """One source for the claimed files. Several navigation files (or several SP3 files)
    merge into one set of records (consecutive days make one span); navigation and SP3
    files may be given together (the broadcast orbits answer first)."""
    from orbitkit.gnss.ephemerides import BroadcastOrbits
    from orbitkit.gnss.sp3 import merge_sp3, read_sp3

    nav_paths = [p for p in paths if file_kind(p) == "rinex-nav"]
    sp3_paths = [p for p in paths if file_kind(p) == "sp3"]
    nav = [BroadcastOrbits.from_files(nav_paths)] if nav_paths else []
    sp3 = [merge_sp3([read_sp3(p) for p in sp3_paths])] if sp3_paths else []
    if nav and sp3:
        return _Both(GnssSource(nav, "broadcast"), GnssSource(sp3, "precise"))
    return GnssSource(nav, "broadcast") if nav else GnssSource(sp3, "precise")


class _Both(OrbitSource):
    """Broadcast and precise files given together: broadcast answers first."""

    kind = "broadcast"

    def __init__(self, *sources: GnssSource) -> None:
        self.sources = sources

    def unhealthy_notes(self) -> list[str]:
        return [n for s in self.sources for n in s.unhealthy_notes()]

    def constellation_orbits(self, wanted: Sequence[str]) -> list:
        out, seen = [], set()
        for s in self.sources:
            for orbit, c in s.constellation_orbits(wanted):
                if orbit.prn not in seen:
                    seen.add(orbit.prn)
                    out.append((orbit, c))
        return out

    def find_token(self, token: str) -> list:
        for s in self.sources:
            found = s.find_token(token)
            if found:
                return found
        return []

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        out = SourceAnswer()
        for s in self.sources:
            got = s.answer(request)
            for i, orbit in got.orbits.items():
                out.orbits.setdefault(i, orbit)
            out.warnings += got.warnings
            out.tried += got.tried
            for i, why in got.reasons.items():
                if i not in out.orbits:
                    out.reasons[i] = why
        for i in out.orbits:
            out.reasons.pop(i, None)
        return out
