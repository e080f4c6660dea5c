"""CCSDS OEM files as an orbit source: ``--elements file.oem`` in every analysis.

The file is read by :mod:`orbitkit.elements.oem` (KVN or XML); each object (OBJECT_ID) becomes
one :class:`OemOrbit` holding its segments. Its states are the file's states interpolated with
the file's own hint (Lagrange, Hermite or linear, of the file's degree), never extrapolated:
the orbit's ``span`` is the first segment's usable start to the last one's usable stop, and
:func:`orbitkit.elements.orbit.evaluate` refuses times outside it before asking. Instants in a
gap between two segments get a nonzero status (NaN states) with a message saying so.

Frames. The native frame follows REF_FRAME:

* ``GCRF`` (and ``ICRF`` with CENTER_NAME EARTH, the same axes) -> ``gcrs``;
* ``EME2000`` (J2000 mean equator and equinox) -> ``gcrs`` after the frame-bias rotation
  (IERS Conventions: about 23 mas, i.e. 0.8 m at LEO and 4.7 m at GEO; skyfield's
  ``ICRS_to_J2000`` matrix);
* ``ITRF`` and its realisations (``ITRF2000``, ``ITRF-93``, ``ITRF2014``, ...) -> ``itrs``;
* ``TEME`` -> ``teme``.

Others (TOD, MOD, ...) and a centre other than the Earth are refused, naming the file and the
segment. Objects are matched to the catalogue by the NORAD number orbitkit writes in a
COMMENT, else by OBJECT_ID (the COSPAR designator) or OBJECT_NAME.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.elements.files import open_text
from orbitkit.elements.oem import OemSegment, parse_oem
from orbitkit.elements.orbit import (
    Orbit,
    OrbitRequest,
    OrbitSource,
    SourceAnswer,
    bare_member,
)
from orbitkit.errors import ElementFileError

__all__ = ["OemOrbit", "OemSource", "claims", "open_files", "GAP_CODE"]

#: Status of an instant between two segments of one object.
GAP_CODE = 20
_ITRF = ("ITRF", "ITRF-93", "ITRF-97", "ITRF2000", "ITRF2005", "ITRF2008", "ITRF2014",
         "ITRF2020", "ITRF93", "ITRF97")
_FRAMES = {"GCRF": "gcrs", "ICRF": "gcrs", "EME2000": "gcrs", "TEME": "teme",
           **{k: "itrs" for k in _ITRF}}
_UNIX_JD = 2440587.5


def _aware(t: np.datetime64) -> datetime:
    us = int(np.datetime64(t, "us").astype(np.int64))
    return datetime.fromtimestamp(us // 1_000_000, tz=UTC).replace(microsecond=us % 1_000_000)


def _to_gcrs(seg: OemSegment) -> tuple[np.ndarray, np.ndarray]:
    """EME2000 states rotated to GCRS by the frame bias (r_J2000 = B r_GCRS)."""
    from skyfield.framelib import ICRS_to_J2000

    bias = np.asarray(ICRS_to_J2000, dtype=float)
    return seg.r_km @ bias, seg.v_km_s @ bias  # rows: B^T r for each state


class OemOrbit(Orbit):
    """One object's states from an OEM (one or more segments, in time order)."""

    kind = "oem"
    source = "oem"
    status_messages = {GAP_CODE: "in a gap between two OEM segments (no states there)"}

    def __init__(self, segments: Sequence[OemSegment], norad_id: int | None) -> None:
        segs = sorted(segments, key=lambda s: s.start)
        first = segs[0]
        frames = set()
        for seg in segs:
            if seg.center_name != "EARTH":
                raise ElementFileError(f"{seg.where}: CENTER_NAME {seg.center_name}: orbitkit "
                                       "reads Earth orbits only (expected EARTH)")
            if seg.ref_frame not in _FRAMES:
                raise ElementFileError(
                    f"{seg.where}: REF_FRAME {seg.ref_frame}: expected one of GCRF, EME2000, "
                    "ICRF, ITRF (ITRF2000, ITRF-93, ...) or TEME")
            frames.add(_FRAMES[seg.ref_frame])
        if len(frames) > 1:
            raise ElementFileError(f"{first.source}: object {first.object_id} has segments in "
                                   f"different frames ({', '.join(sorted(frames))})")
        self.frame = frames.pop()
        self.norad_id = norad_id
        self.name = first.object_name
        self.cospar_id = first.object_id if first.object_id[:4].isdigit() else None
        self.prn = None
        self.origin = f"{first.source}, line {first.line}"
        self.epoch = _aware(first.start)
        self.span = (_aware(segs[0].start), _aware(segs[-1].stop))
        self.nominal = any("NOMINAL DESIGN ORBIT" in c for s in segs for c in s.comments)
        self._segments = segs
        self._states = [_to_gcrs(s) if s.ref_frame == "EME2000" else (s.r_km, s.v_km_s)
                        for s in segs]

    @property
    def segments(self) -> list[OemSegment]:
        return list(self._segments)

    def states(self, jd: np.ndarray, fr: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        from orbitkit.elements.oem import interpolate_states

        jd = np.atleast_1d(np.asarray(jd, dtype=np.float64))
        fr = np.atleast_1d(np.asarray(fr, dtype=np.float64))
        n = jd.size
        err = np.full(n, GAP_CODE, dtype=np.uint8)
        r = np.full((n, 3), np.nan)
        v = np.full((n, 3), np.nan)
        for seg, (r_tab, v_tab) in zip(self._segments, self._states, strict=True):
            # seconds from the segment's first epoch, from the two-part dates (exact
            # differences of whole days, then of fractions: ~1e-11 s)
            base_ns = int(seg.times[0].astype(np.int64))
            base_days, base_rem = divmod(base_ns, 86_400_000_000_000)
            base_jd = base_days + _UNIX_JD
            base_fr = base_rem / 86_400_000_000_000
            dt_s = ((jd - base_jd) + (fr - base_fr)) * 86400.0
            x = (seg.times - seg.times[0]).astype(np.int64) / 1e9
            lo = (seg.start - seg.times[0]).astype(np.int64) / 1e9
            hi = (seg.stop - seg.times[0]).astype(np.int64) / 1e9
            # a microsecond of slack: grids built from the span's own ends come back
            # through float Julian dates
            inside = (err != 0) & (dt_s >= lo - 1e-6) & (dt_s <= hi + 1e-6)
            if not inside.any():
                continue
            xq = np.clip(dt_s[inside], x[0], x[-1])
            r[inside], v[inside] = interpolate_states(x, r_tab, v_tab, xq, seg.interpolation,
                                                      seg.interpolation_degree)
            err[inside] = 0
        return err, r, v

    @property
    def is_nominal(self) -> bool:
        return self.nominal


class OemSource(OrbitSource):
    """The objects of one or more OEM files."""

    kind = "oem"

    def __init__(self, paths: Sequence[Any]) -> None:
        from orbitkit.catalog import load_catalog

        catalog = None
        by_object: dict[tuple[str, str], list[OemSegment]] = {}
        for path in paths:
            # one reader for every user input: '-', pipes and gzip as for element files
            text = open_text(path, what="OEM file", error=ElementFileError)
            for seg in parse_oem(text, source=str(path)):
                by_object.setdefault((seg.object_id, seg.object_name), []).append(seg)
        self.orbits: list[OemOrbit] = []
        for (object_id, object_name), segs in by_object.items():
            norad = next((s.norad_id for s in segs if s.norad_id is not None), None)
            if norad is None:
                catalog = catalog or load_catalog()
                norad = _catalog_norad(catalog, object_id, object_name)
            self.orbits.append(OemOrbit(segs, norad))

    def find_token(self, token: str) -> list:
        key = token.strip().upper()
        return [bare_member(o.norad_id, o.name, o.cospar_id) for o in self.orbits
                if key in (o.name.upper(), (o.cospar_id or "").upper())]

    def object_name(self, norad_id: int) -> tuple[str, str | None] | None:
        for o in self.orbits:
            if o.norad_id == norad_id:
                return o.name, o.cospar_id
        return None

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        out = SourceAnswer(tried=[f"{len(self.orbits)} OEM object(s)"])
        for i, member in enumerate(request.members):
            for o in self.orbits:
                same_number = member.norad_id is not None and o.norad_id == member.norad_id
                same_id = bool(member.cospar_id) and o.cospar_id == member.cospar_id
                if same_number or same_id:
                    out.orbits[i] = o
                    break
        return out


def _catalog_norad(catalog: Any, object_id: str, object_name: str) -> int | None:
    for token in (object_id, object_name):
        try:
            found = catalog.resolve(token)
        except Exception:  # noqa: BLE001 - an unknown name just means "not in the catalogue"
            continue
        numbers = {m.norad_id for m in found if m.norad_id is not None}
        if len(numbers) == 1:
            return numbers.pop()
    return None


def claims(path: Path, head: bytes) -> bool:
    """True for a CCSDS OEM (KVN ``CCSDS_OEM_VERS`` first, or XML with an ``<oem`` root)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"CCSDS_OEM_VERS") or (text.startswith(b"<") and b"<oem" in text)


def open_files(paths: Sequence[Any]) -> OemSource:
    return OemSource(paths)
