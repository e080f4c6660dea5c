"""Builders of small, valid element files for the source and CLI tests (no shared data needed).

Element sets are made with ``Satrec.sgp4init`` and written with python-sgp4's own exporters,
so checksums and columns are right by construction.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_omm, export_tle

_EPOCH0 = datetime(1949, 12, 31, tzinfo=UTC)


def satrec(norad: int, epoch: datetime, *, rev_per_day: float = 15.5,
           incl_deg: float = 41.47, raan_deg: float = 100.0, ecc: float = 0.0005) -> Satrec:
    sat = Satrec()
    days = (epoch - _EPOCH0).total_seconds() / 86400.0
    sat.sgp4init(WGS72, "i", norad if norad <= 339999 else 0, days, 1e-4, 0.0, 0.0, ecc,
                 math.radians(30.0), math.radians(incl_deg), math.radians(60.0),
                 rev_per_day * 2 * math.pi / 1440.0, math.radians(raan_deg))
    sat.classification = "U"
    sat.intldesg = "21035A"
    return sat


def tle_block(norad: int, name: str, epoch: datetime, **kw) -> str:
    """A 3LE record (name line + two lines)."""
    line1, line2 = export_tle(satrec(norad, epoch, **kw))
    return f"{name}\n{line1}\n{line2}\n"


def corrupt_checksum(block: str) -> str:
    """The same 3LE with a wrong checksum on line 2 (last digit changed)."""
    name, line1, line2 = block.rstrip("\n").split("\n")
    last = str((int(line2[-1]) + 1) % 10)
    return f"{name}\n{line1}\n{line2[:-1]}{last}\n"


def omm_record(norad: int, name: str, epoch: datetime, cospar: str = "2026-999A",
               **kw) -> dict:
    rec = export_omm(satrec(min(norad, 99999), epoch, **kw), name)
    rec["NORAD_CAT_ID"] = norad
    rec["OBJECT_ID"] = cospar
    return rec


def omm_json(records: list[dict]) -> str:
    return json.dumps(records, indent=1)
