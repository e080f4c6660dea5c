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


def _refuse_urlopen(url, *args, **kwargs):
    # skyfield probes ``urlopen('')`` at import and expects ValueError; anything else is a
    # real request.
    if url == "":
        raise ValueError("unknown url type: ''")
    raise AssertionError(f"network access attempted: urlopen({url!r})")


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """Every way out raises loudly, and cartopy's data folders are empty (a fresh machine)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[:2]!r}")

    import socket
    import urllib.request

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", _refuse_urlopen)
    try:
        import cartopy
        import cartopy.io

        monkeypatch.setitem(cartopy.config, "data_dir", tmp_path / "cartopy-data")
        monkeypatch.setitem(cartopy.config, "pre_existing_data_dir", tmp_path / "cartopy-pre")
        monkeypatch.setattr(cartopy.io.Downloader, "acquire_resource", refuse)
    except ImportError:
        pass


# --------------------------------------------------------------------------- summary
# Issue 10 asks the test summary to say how many bad inputs and faults were tried. Each test
# file of that kind is counted by its passed test items; tests add the inputs they generate
# through the ``tried`` fixture or ``tests._tried.count`` (hypothesis tests).
from tests._tried import TRIED as _TRIED  # noqa: E402
from tests._tried import count as _count  # noqa: E402

_KIND_BY_FILE = {
    "test_parse_corpus.py": "bad element inputs (hand-made corpus)",
    "test_parse_fuzz.py": "fuzzed element records",
    "test_celestrak_server.py": "data-server faults",
    "test_cache.py": "cache faults",
    "test_cli_contract.py": "CLI user errors",
    "test_edges.py": "edge inputs and outputs (times, pipes, gzip, paths, heights, consoles)",
}


@pytest.fixture
def tried():
    """Call ``tried(kind, n)`` to add ``n`` inputs of ``kind`` to the end-of-run summary."""
    return _count


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        name = report.nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
        kind = _KIND_BY_FILE.get(name)
        if kind:
            _count(kind + " [tests]")


def pytest_terminal_summary(terminalreporter):
    if not _TRIED:
        return
    terminalreporter.section("bad inputs and faults tried")
    for kind in sorted(_TRIED):
        terminalreporter.write_line(f"{_TRIED[kind]:6d}  {kind}")
