"""RINEX navigation and SP3 files as orbit sources of every analysis (``--elements``):
ephemeris, skyplot, passes, coverage and groundtrack on broadcast and precise orbits,
PRN and system-key targets, the source kind in results, and refusal outside a file's span."""

from __future__ import annotations

import json

import numpy as np
import pytest

from orbitkit.cli import main
from orbitkit.gnss import BroadcastOrbits, read_sp3
from orbitkit.gnss.timescales import utc_to_gpst_ns
from tests import _tried
from tests.gnss_helpers import BRDC, GFZ, need

START = "2023-01-01T00:00:00Z"


@pytest.fixture(autouse=True)
def _offline(no_network):
    """Every run here has the network refused."""


def _run(capsys, *argv):
    status = main([*argv, "--offline"])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("path, kind, reader", [(BRDC, "broadcast", BroadcastOrbits.from_file),
                                                (GFZ, "precise", read_sp3)])
def test_ephemeris_equals_the_gnss_kernels(capsys, path, kind, reader):
    status, out, err = _run(capsys, "ephemeris", "C19,C59", "--elements", str(need(path)),
                            "--start", "2023-01-01T06:00:00Z", "--stop", "2023-01-01T07:00:00Z",
                            "--step-s", "600", "--frame", "itrs", "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    times = np.array([t[:-1] for t in doc["times_utc"]], dtype="datetime64[ns]")
    direct = reader(path).positions(["C19", "C59"], utc_to_gpst_ns(times)).r_ecef_m / 1e3
    for i, sat in enumerate(doc["satellites"]):
        assert sat["source_kind"] == kind and sat["elements"]["frame"] == "itrs"
        r = np.stack([sat["x_km"], sat["y_km"], sat["z_km"]], axis=-1)
        assert np.abs(r - direct[i]).max() < 2e-6   # printed to 1 mm
    assert doc["satellites"][0]["name"] == "BeiDou-3 M1"  # PRN -> catalogue member


def test_system_key_and_rinex_prn_targets(capsys):
    status, out, err = _run(capsys, "ephemeris", "gps,E11", "--elements", str(need(BRDC)),
                            "--start", START, "--stop", "2023-01-01T00:10:00Z", "--step-s",
                            "600", "--frame", "itrs", "--format", "json")
    assert status == 0, err
    names = [s["name"] for s in json.loads(out)["satellites"]]
    assert len(names) == 32 and "GPS G05" in names and "GALILEO E11" in names


def test_skyplot_on_broadcast_orbits(capsys, tmp_path):
    plot = tmp_path / "sky.png"
    status, out, err = _run(capsys, "skyplot", "beidou-3", "--elements", str(need(BRDC)),
                            "--station", "beijing", "--time", "2023-01-01T04:00:00Z",
                            "--min-elevation-deg", "10", "--format", "json", "--out", str(plot))
    assert status == 0, err
    rows = json.loads(out)
    prns = {r.get("prn") for r in rows}
    assert {"C39", "C24", "C59", "C60"} <= prns
    assert plot.stat().st_size > 10_000


def test_coverage_beidou3_on_the_nav_file_done_when(capsys):
    status, out, err = _run(capsys, "coverage", "beidou-3", "--elements", str(need(BRDC)),
                            "--start", START, "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    # the 28 BeiDou-3 satellites with a PRN and healthy records in the file fly on
    # broadcast orbits; members without one fall back as the source chain says (named)
    assert doc["elements"]["broadcast"] == 28
    assert 1.5 < doc["mean_pdop"] < 2.5


def test_passes_on_precise_orbits(capsys):
    status, out, err = _run(capsys, "passes", "C19", "--elements", str(need(GFZ)), "--station",
                            "beijing", "--start", START, "--days", "0.9", "--format", "json")
    assert status == 0, err
    (p,) = json.loads(out)
    assert p["name"] == "BeiDou-3 M1" and p["rise_utc"].startswith("2023-01-01T16:4")


def test_groundtrack_on_broadcast_orbits(capsys, tmp_path):
    out_csv = tmp_path / "g05.csv"
    status, out, err = _run(capsys, "groundtrack", "G05", "--elements", str(need(BRDC)),
                            "--start", START, "--hours", "3", "--out", str(out_csv))
    assert status == 0, err
    assert len(out_csv.read_text().splitlines()) > 100


@pytest.mark.parametrize("verb_args", [
    ["ephemeris", "C19", "--start", "2023-01-02T00:00:00Z", "--stop", "2023-01-02T01:00:00Z"],
    ["skyplot", "C19", "--station", "beijing", "--time", "2023-01-03T00:00:00Z"],
])
def test_outside_the_span_is_refused_with_the_span(capsys, verb_args):
    status, out, err = _run(capsys, *verb_args[:2], "--elements", str(need(GFZ)),
                            *verb_args[2:])
    _tried.count("gnss source outside span")
    assert status == 2 and not out
    assert "covers 2022-12-31T23:59:42Z .. 2023-01-01T23:54:42Z" in err


def test_multi_gnss_coverage_from_the_nav_file(capsys):
    """``coverage gnss`` with a navigation file: every healthy BeiDou, GPS, Galileo and
    GLONASS satellite of the file (43 + 31 + 26 + 22 = 122; E14, E18 and R25 unhealthy)."""
    status, out, err = _run(capsys, "coverage", "gnss", "--elements", str(need(BRDC)),
                            "--start", START, "--hours", "6", "--resolution-deg", "5",
                            "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["satellites"] == 122 and doc["elements"]["broadcast"] == 122
    assert doc["constellations"] == ["BeiDou", "GPS", "Galileo", "GLONASS"]
    assert doc["mean_pdop"] < 1.2
    assert "left out as unhealthy (every record flagged): E14, E18, R25" in err


def test_nav_file_through_standard_input():
    """``--elements -`` with a gzipped navigation file on standard input: claimed and read
    once (the head that recognises it is kept for the reader)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from orbitkit.cli import main; sys.exit(main())",
         "ephemeris", "C19", "--elements", "-", "--start", START, "--stop",
         "2023-01-01T00:01:00Z", "--format", "csv", "--offline"],
        input=need(BRDC).read_bytes(), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = proc.stdout.decode().splitlines()
    assert len(rows) == 3 and rows[1].startswith("2023-01-01T00:00:00Z,43001,BeiDou-3 M1,")
