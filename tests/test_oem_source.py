"""A CCSDS OEM as an orbit source (``--elements file.oem``) in every analysis.

The OEM is written by orbitkit from the 2026 snapshot's SGP4 sets (60 s, Lagrange 7), so the
truth is known: states within 1 mm of SGP4 (the interpolation is better than 0.1 mm at 60 s;
the text keeps 1 µm), pass times within 0.1 s of the TLE's (both refined to 0.05 s on
geometry that differs by under a millimetre), coverage counts identical.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from orbitkit.cli import main
from orbitkit.elements.oem import ephemeris_segments, parse_oem, write_oem_kvn
from orbitkit.elements.oem_source import OemSource, claims
from orbitkit.propagation import propagate
from orbitkit.timeutil import time_grid
from tests.passes_helpers import sets_from_file

T0 = datetime(2026, 2, 24, tzinfo=UTC)
T1 = T0 + timedelta(hours=12)
IDS = [48274, 43683]  # the CSS and a BeiDou-3 GEO


@pytest.fixture(scope="module")
def sets(active_2026):
    return sets_from_file(active_2026, IDS)


def _write(path: Path, sets, frame: str = "gcrs", step_s: float = 60.0) -> Path:
    eph = propagate(sets, time_grid(T0, T1, step_s))
    path.write_text(write_oem_kvn(ephemeris_segments(eph, frame)[0]))
    return path


@pytest.fixture(scope="module")
def oem_file(tmp_path_factory, sets) -> Path:
    return _write(tmp_path_factory.mktemp("oem") / "css_geo.oem", sets)


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_file_is_claimed_and_its_objects_known(oem_file):
    assert claims(oem_file, oem_file.read_bytes()[:4096])
    assert not claims(oem_file, b"1 25544U 98067A ...")
    source = OemSource([oem_file])
    assert [o.norad_id for o in source.orbits] == IDS
    assert [o.frame for o in source.orbits] == ["gcrs", "gcrs"]
    assert source.orbits[0].span == (T0, T1)


@pytest.mark.parametrize("frame", ["gcrs", "itrs", "teme"])
def test_ephemeris_from_the_oem_is_sgp4_within_1_mm(capsys, tmp_path, sets, frame):
    path = _write(tmp_path / f"x-{frame}.oem", sets, frame)
    argv = ["ephemeris", "48274,43683", "--start", "2026-02-24T00:00:30Z", "--stop",
            "2026-02-24T11:59:30Z", "--step-s", "120", "--frame", "itrs", "--format", "json",
            "--offline"]
    status, out, err = _run(capsys, *argv, "--elements", str(path))
    assert status == 0, err
    ours = json.loads(out)
    times = time_grid("2026-02-24T00:00:30Z", "2026-02-24T11:59:30Z", 120)
    ref = propagate(sets, times)
    for i, sat in enumerate(ours["satellites"]):
        r = np.column_stack([sat["x_km"], sat["y_km"], sat["z_km"]])
        assert np.abs(r - ref.r_itrs_km[i]).max() < 1e-6, frame  # km: 1 mm
        assert sat["source_kind"] == "oem" and sat["elements"]["frame"] == {
            "gcrs": "gcrs", "itrs": "itrs", "teme": "teme"}[frame]


def test_passes_from_the_oem_match_the_tle(capsys, oem_file, active_2026):
    common = ["passes", "48274,43683", "--station", "beijing", "--start",
              "2026-02-24T00:00:00Z", "--days", "0.5", "--min-elevation-deg", "10",
              "--format", "json", "--offline"]
    status, out, err = _run(capsys, *common, "--elements", str(oem_file))
    assert status == 0, err
    ours = json.loads(out)
    status, out, err = _run(capsys, *common, "--elements", str(active_2026))
    ref = json.loads(out)
    assert [r["kind"] for r in ours] == [r["kind"] for r in ref]
    assert sum(r["kind"] == "pass" for r in ours) >= 2
    for a, b in zip(ours, ref, strict=True):
        for key in ("rise_utc", "set_utc", "start_utc", "end_utc"):
            if key in a:
                ta = datetime.fromisoformat(a[key].replace("Z", "+00:00"))
                tb = datetime.fromisoformat(b[key].replace("Z", "+00:00"))
                assert abs((ta - tb).total_seconds()) < 0.1, key


def test_every_analysis_takes_the_oem(capsys, tmp_path, oem_file):
    base = ["--elements", str(oem_file), "--offline"]
    status, out, err = _run(capsys, "skyplot", "43683", "--station", "beijing", "--time",
                            "2026-02-24T06:00:00Z", "--format", "json", *base)
    assert status == 0, err
    status, out, err = _run(capsys, "groundtrack", "48274", "--start", "2026-02-24T00:00:00Z",
                            "--hours", "2", "--out", str(tmp_path / "gt.geojson"), *base)
    assert status == 0, err
    status, out, err = _run(capsys, "coverage", "48274,43683", "--start",
                            "2026-02-24T00:00:00Z", "--hours", "2", "--resolution-deg", "30",
                            "--format", "json", *base)
    assert status == 0, err
    assert json.loads(out)["satellites"] == 2


def test_outside_the_oem_span_is_refused_naming_it(capsys, oem_file):
    status, out, err = _run(capsys, "ephemeris", "48274", "--start", "2026-02-24T11:00:00Z",
                            "--stop", "2026-02-24T13:00:00Z", "--elements", str(oem_file),
                            "--offline")
    assert status == 2 and out == ""
    assert "2026-02-24T12:00:00Z" in err and "extrapolate" in err


def test_eme2000_is_rotated_to_gcrs_by_the_frame_bias(tmp_path, sets):
    """The same states written in EME2000 (r_J2000 = B r_GCRS) come back as GCRS within
    1 µm; without the rotation they would be 0.8 m off for the CSS."""
    from skyfield.framelib import ICRS_to_J2000

    eph = propagate(sets[:1], time_grid(T0, T0 + timedelta(hours=1), 60.0))
    (seg,) = ephemeris_segments(eph, "gcrs")[0]
    bias = np.asarray(ICRS_to_J2000)
    seg.r_km, seg.v_km_s = seg.r_km @ bias.T, seg.v_km_s @ bias.T
    seg.ref_frame = "EME2000"
    path = tmp_path / "eme.oem"
    path.write_text(write_oem_kvn([seg]))
    (orbit,) = OemSource([path]).orbits
    assert orbit.frame == "gcrs"
    err, r, _ = orbit.states(eph.jd, eph.fr)
    assert not err.any()
    assert np.abs(r - eph.r_gcrs_km[0]).max() < 1e-9
    assert np.abs(parse_oem(path.read_text())[0].r_km - eph.r_gcrs_km[0]).max() > 1e-4


def test_a_segment_gap_is_a_failed_sample_not_an_invention(tmp_path, sets):
    eph = propagate(sets[:1], time_grid(T0, T0 + timedelta(hours=2), 60.0))
    (seg,) = ephemeris_segments(eph, "gcrs")[0]
    text = write_oem_kvn([seg])
    # two segments: 00:00-00:40 and 01:20-02:00
    lines = text.splitlines()
    head = lines[:3]
    meta = [ln for ln in lines if "=" in ln and not ln.startswith(("CCSDS", "CREATION",
                                                                     "ORIGINATOR"))]
    rows = [ln for ln in lines if ln[:4] == "2026"]

    def block(rs):
        m = [ln for ln in meta if not ln.startswith(("START_TIME", "STOP_TIME", "USEABLE"))]
        return (["META_START", *m, f"START_TIME = {rs[0].split()[0]}",
                 f"STOP_TIME = {rs[-1].split()[0]}", "META_STOP", *rs])
    path = tmp_path / "gap.oem"
    path.write_text("\n".join([*head, *block(rows[:41]), *block(rows[80:])]) + "\n")
    (orbit,) = OemSource([path]).orbits
    err, r, _ = orbit.states(eph.jd, eph.fr)
    assert err[:41].tolist() == [0] * 41 and err[80:].tolist() == [0] * 41
    assert (err[41:80] != 0).all() and np.isnan(r[41:80]).all()
    assert "gap" in orbit.status_message(int(err[50]))


def test_a_nominal_oem_stays_marked_nominal(capsys, tmp_path):
    status, out, err = _run(capsys, "ephemeris", "BEIDOU-3 M1", "--start",
                            "2026-05-01T00:00:00Z", "--stop", "2026-05-01T02:00:00Z",
                            "--step-s", "300", "--format", "oem", "--offline")
    assert status == 0, err
    path = tmp_path / "nominal.oem"
    path.write_text(out)
    (orbit,) = OemSource([path]).orbits
    assert orbit.is_nominal and orbit.norad_id == 43001
