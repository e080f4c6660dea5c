"""Paths of the GNSS reference files (../shared/data/gnss, see its SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED

GNSS = SHARED / "gnss"
DAY = GNSS / "2023-001"
BRDC = DAY / "BRDC00IGS_R_20230010000_01D_MN.rnx.gz"
GFZ = DAY / "GFZ0MGXRAP_20230010000_01D_05M_ORB.SP3.gz"
SKYDEL = GNSS / "sim-skydel-20230108"
SPIRENT_NAV = GNSS / "sim-spirent-20230108" / "Spirent_RINEX_CN.23C"
RINEX_2018 = SHARED / "rinex"


def need(path: Path) -> Path:
    """Skip the test with a clear reason when a reference file is absent."""
    if not path.exists():
        pytest.skip(f"reference file {path} not found (set ORBITKIT_SHARED_DATA)")
    return path
