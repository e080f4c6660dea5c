"""``orbitkit compare-orbits``: the issue's done-when command (broadcast vs GFZ SP3 for
BeiDou-3 on 2023-01-01), its exact JSON keys, TLE vs SP3, and the error contract."""

from __future__ import annotations

import json

import pytest

from orbitkit.cli import main
from tests import _tried
from tests.gnss_helpers import BRDC, GFZ, need

START = "2023-01-01T00:00:00Z"


@pytest.fixture(autouse=True)
def _offline(no_network):
    """Every run here has the network refused: only the given files are read."""


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_done_when_command_beidou3_broadcast_vs_gfz(capsys):
    status, out, err = _run(capsys, "compare-orbits", "beidou-3", "--elements", str(need(BRDC)),
                            "--elements", str(need(GFZ)), "--start", START, "--hours", "24",
                            "--format", "json")
    assert status == 0, err
    doc = json.loads(out)
    assert list(doc) == ["source_a", "source_b", "start_utc", "stop_utc", "satellites"]
    assert doc["source_a"].startswith("broadcast:") and doc["source_b"].startswith("precise:")
    assert (doc["start_utc"], doc["stop_utc"]) == ("2023-01-01T00:00:00Z",
                                                   "2023-01-02T00:00:00Z")
    sats = {s["prn"]: s for s in doc["satellites"]}
    assert list(doc["satellites"][0]) == ["prn", "norad_id", "name", "orbit_class", "samples",
                                          "rms_3d_m", "max_3d_m", "rms_radial_m",
                                          "rms_along_m", "rms_cross_m"]
    # the measurements: BDS-3 MEO 1.03-1.44 m, IGSO 1.80-2.23 m, GEO 3.7-4.0 m
    by_class: dict[str, list[float]] = {}
    for s in sats.values():
        by_class.setdefault(s["orbit_class"], []).append(s["rms_3d_m"])
    assert min(by_class["MEO"]) == pytest.approx(1.03, abs=0.05)
    assert max(by_class["MEO"]) == pytest.approx(1.44, abs=0.05)
    assert (min(by_class["IGSO"]), max(by_class["IGSO"])) == pytest.approx((1.80, 2.23), abs=0.05)
    assert (min(by_class["GEO"]), max(by_class["GEO"])) == pytest.approx((3.7, 4.0), abs=0.05)
    assert sats["C19"]["norad_id"] == 43001 and sats["C19"]["name"] == "BeiDou-3 M1"
    assert sats["C59"]["orbit_class"] == "GEO"
    # the antenna-offset signature: radial dominates for MEO
    assert all(s["rms_radial_m"] > s["rms_along_m"] for s in sats.values()
               if s["orbit_class"] == "MEO")
    assert all(s["samples"] == 287 for s in sats.values())
    # the last 5 min of the UTC day are past the SP3's last epoch: said, not extrapolated
    assert "left out (not extrapolated)" in err


def test_table_prn_and_system_key_targets_and_plot(capsys, tmp_path):
    plot = tmp_path / "cmp.png"
    status, out, err = _run(capsys, "compare-orbits", "C19,galileo", "--elements",
                            str(need(BRDC)), "--elements", str(need(GFZ)), "--start", START,
                            "--hours", "3", "--out", str(plot))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["prn", "name", "class", "samples"]
    prns = [line.split()[0] for line in lines[2:]]
    assert prns[0].startswith("E") and "C19" in prns and len(prns) == 25
    assert "E14, E18" in err  # unhealthy Galileo satellites are named
    assert plot.stat().st_size > 10_000


def test_tle_against_sp3(capsys, tle_dir):
    """A TLE 11 months old against SP3: runs, and is kilometres off (the lesson's point).

    SGP4 itself (skyfield agrees) moves the C59 TLE of 2022-02-04 from 140 E to 52 E by
    2023-01-01: the satellite is station-kept, its mean elements are not. The MEO is ~50 km
    off, the GEO and IGSO tens of thousands of km."""
    status, out, err = _run(capsys, "compare-orbits", "C19,C38,C59", "--elements",
                            str(tle_dir / "celestrak-beidou-2022-02-04.txt"), "--elements",
                            str(need(GFZ)), "--start", START, "--hours", "2", "--format",
                            "json")
    assert status == 0, err
    sats = {s["prn"]: s for s in json.loads(out)["satellites"]}
    assert set(sats) == {"C19", "C38", "C59"}
    assert sats["C59"]["orbit_class"] == "GEO" and sats["C59"]["name"] == "BeiDou-3 G1"
    assert 1e4 < sats["C19"]["rms_3d_m"] < 2e5
    assert sats["C38"]["rms_3d_m"] > 1e6 and sats["C59"]["rms_3d_m"] > 1e6
    assert json.loads(out)["source_a"].startswith("tle:")


@pytest.mark.parametrize("argv, message", [
    (["--elements", "{BRDC}"], "exactly two --elements"),
    (["--elements", "{BRDC}", "--elements", "{GFZ}", "--start", "2023-03-01T00:00:00Z"],
     "cover 2022-12-31"),
    (["--elements", "{BRDC}", "--elements", "{GFZ}", "--start", START, "--out", "x.txt"],
     "picture"),
    (["--elements", "{BRDC}", "--elements", "missing.rnx", "--start", START], "no such file"),
])
def test_errors_exit_2_with_one_line(capsys, argv, message):
    argv = [a.format(BRDC=need(BRDC), GFZ=need(GFZ)) for a in argv]
    if "--start" not in argv:
        argv += ["--start", START]
    status, out, err = _run(capsys, "compare-orbits", "beidou-3", *argv)
    _tried.count("compare-orbits bad inputs")
    assert status == 2 and not out
    assert message in err and "Traceback" not in err
    errors = [line for line in err.splitlines() if not line.startswith("orbitkit: warning")]
    assert len(errors) == 1 and errors[0].startswith("orbitkit: error: ")


def test_unknown_target_exit_2(capsys):
    status, out, err = _run(capsys, "compare-orbits", "beidou-9", "--elements", str(need(BRDC)),
                            "--elements", str(need(GFZ)), "--start", START)
    assert status == 2 and "beidou-9" in err


def test_rtn_components_by_construction():
    """Radial along r, cross-track along r x v, along-track completing the triad."""
    import numpy as np

    from orbitkit.gnss.compare import rtn_components

    r = np.array([[7000e3, 0.0, 0.0], [0.0, 0.0, 26000e3]])
    v = np.array([[0.0, 7.5e3, 0.0], [3.9e3, 0.0, 0.0]])
    d = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    out = rtn_components(d, r, v)
    np.testing.assert_allclose(out[0], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(out[1], [3.0, 1.0, 2.0])
