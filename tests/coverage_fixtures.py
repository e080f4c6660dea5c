"""Shared test data for the coverage tests: real BDS-3 positions from the 2026 snapshot.

TLEs are read here with :func:`sgp4.api.Satrec.twoline2rv` and propagated with
:mod:`orbitkit.propagation`, so these tests depend on the snapshot, not on the element loader.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sgp4.api import Satrec

from orbitkit.elements.model import ElementSet

START = datetime(2026, 5, 1, tzinfo=UTC)


def read_tles(path: Path, keep) -> list[ElementSet]:
    """ElementSets of the 3LE records of ``path`` whose name satisfies ``keep(name)``."""
    lines = path.read_text().splitlines()
    out = []
    for i in range(len(lines) - 2):
        name, l1, l2 = lines[i].strip(), lines[i + 1], lines[i + 2]
        if l1.startswith("1 ") and l2.startswith("2 ") and not name.startswith(("1 ", "2 ")):
            if not keep(name):
                continue
            sat = Satrec.twoline2rv(l1, l2)
            epoch = datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(
                days=sat.jdsatepoch - 2451545.0 + sat.jdsatepochF)
            out.append(ElementSet(norad_id=sat.satnum, name=name, epoch=epoch, satrec=sat,
                                  source="file", origin=str(path), line1=l1, line2=l2))
    return out


def is_bds3(name: str) -> bool:
    return name.startswith("BEIDOU-3 ") and not name.startswith("BEIDOU-3S")


def times(hours: float = 24, step_min: float = 10) -> list[datetime]:
    n = int(hours * 60 / step_min)
    return [START + timedelta(minutes=step_min * i) for i in range(n)]



@functools.cache
def bds3_sets(path: Path) -> tuple[ElementSet, ...]:
    """The 35 BDS-3 element sets of the 2026-02-24 snapshot (cached per process)."""
    sets = tuple(read_tles(path, is_bds3))
    assert len(sets) == 35
    return sets


@functools.cache
def bds3_positions(path: Path):
    """(r_itrs_km (35, 144, 3), times): 2026-05-01, 24 h every 10 min (cached)."""
    from orbitkit.propagation import propagate

    t = times()
    eph = propagate(list(bds3_sets(path)), t)
    assert eph.all_ok
    return eph.r_itrs_km, t
