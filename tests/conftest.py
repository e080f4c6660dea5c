"""Shared fixtures: where the reference data lives.

The real CelesTrak snapshots and RINEX files are not copied into the repository; they
live in ``../shared/data`` beside the checkout (or wherever ``ORBITKIT_SHARED_DATA``
points). Tests that need them skip with a clear reason when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    env = os.environ.get("ORBITKIT_SHARED_DATA")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "data"


SHARED = shared_data_dir()
TLE_DIR = SHARED / "tle"


@pytest.fixture(scope="session")
def tle_dir() -> Path:
    """Folder of the real CelesTrak snapshots (skips when absent)."""
    if not TLE_DIR.is_dir():
        pytest.skip(f"reference snapshots not found at {TLE_DIR} (set ORBITKIT_SHARED_DATA)")
    return TLE_DIR


@pytest.fixture(scope="session")
def active_2026(tle_dir: Path) -> Path:
    """CelesTrak 'active' snapshot of 2026-02-24 (14,468 objects)."""
    return tle_dir / "celestrak-active-2026-02-24.tle"


@pytest.fixture(scope="session")
def weather_2026(tle_dir: Path) -> Path:
    return tle_dir / "celestrak-weather-2026-02-24.tle"


@pytest.fixture(autouse=True)
def _no_network_and_isolated_dirs(tmp_path_factory, monkeypatch):
    """Tests never touch the internet and never write to the user's real cache/config."""
    base = tmp_path_factory.mktemp("orbitkit-home")
    monkeypatch.setenv("ORBITKIT_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("ORBITKIT_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("ORBITKIT_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("ORBITKIT_CATALOG_PATH", raising=False)
