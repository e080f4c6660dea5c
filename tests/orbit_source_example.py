"""A toy orbit source for the interface tests: one module behind the Orbit interface.

It stands for the GNSS and OEM sources: Earth-fixed (ITRS) native states, a bounded span,
objects known by NORAD number or PRN, its own file format claimed for ``--elements``.
The file holds, per object, a header line and the two TLE lines it derives its states from
(SGP4, then TEME -> ITRS), so the tests know the exact answer::

    # orbitkit-toy-states
    C99 48274 2026-02-24T00:00:00Z 2026-02-25T00:00:00Z
    1 48274U ...
    2 48274 ...
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sgp4.api import Satrec

from orbitkit import frames
from orbitkit.elements.files import open_text
from orbitkit.elements.orbit import Orbit, OrbitRequest, OrbitSource, SourceAnswer, bare_member
from orbitkit.timeutil import utc_to_ut1

MAGIC = b"# orbitkit-toy-states"


class ToyOrbit(Orbit):
    kind = "precise"
    source = "precise"
    frame = "itrs"
    cospar_id = None

    def __init__(self, prn: str, norad_id: int | None, span: tuple[datetime, datetime],
                 satrec: Satrec, origin: str) -> None:
        self.prn = prn
        self.norad_id = norad_id
        self.name = prn
        self.span = span
        self.epoch = span[0]
        self.origin = origin
        self._satrec = satrec

    def states(self, jd: np.ndarray, fr: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        err, r, v = self._satrec.sgp4_array(np.asarray(jd, float), np.asarray(fr, float))
        r_itrs, v_itrs = frames.teme_to_itrs(r, v, *utc_to_ut1(jd, fr))
        return err.astype(np.uint8), r_itrs, v_itrs


class ToySource(OrbitSource):
    kind = "precise"

    def __init__(self, paths: list[Any]) -> None:
        self.orbits: list[ToyOrbit] = []
        for path in paths:
            lines = open_text(path, what="toy states file").splitlines()
            for k in range(1, len(lines), 3):
                prn, norad, t0, t1 = lines[k].split()
                span = (datetime.fromisoformat(t0.replace("Z", "+00:00")),
                        datetime.fromisoformat(t1.replace("Z", "+00:00")))
                sat = Satrec.twoline2rv(lines[k + 1], lines[k + 2])
                self.orbits.append(ToyOrbit(prn, int(norad) if norad != "-" else None, span,
                                            sat, f"{path}:{k + 1}"))

    def find_token(self, token: str) -> list:
        return [bare_member(o.norad_id, o.name, prn=o.prn) for o in self.orbits
                if o.prn == token.upper()]

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        out = SourceAnswer(tried=[f"{len(self.orbits)} toy orbit(s)"])
        for i, member in enumerate(request.members):
            for o in self.orbits:
                if (member.norad_id is not None and o.norad_id == member.norad_id) or \
                        (member.prn and o.prn == member.prn):
                    out.orbits[i] = o
        return out


def claims(path: Path, head: bytes) -> bool:
    return head.startswith(MAGIC)


def open_files(paths: list[Any]) -> ToySource:
    return ToySource(paths)
