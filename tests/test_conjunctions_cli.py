"""``orbitkit conjunctions`` and ``orbitkit pc`` (issue 15): the exact JSON keys and SOCRATES
CSV columns, CDMs read back by a real reader (``ccsds-ndm``), CARA's Pc values reproduced
from CDM files, and user errors (exit 2).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from orbitkit.cli import main
from orbitkit.cli.conjunctions_cmd import CSV_COLUMNS
from orbitkit.conjunctions import EVENT_KEYS, SOCRATES_COLUMNS, find_conjunctions
from orbitkit.conjunctions.cdm import _gcrs_states, read_cdm
from orbitkit.elements.parse import read_elements
from tests.conftest import SHARED

START = "2026-03-01T00:00:00Z"
CASES_FILE = SHARED / "conjunction" / "cara-pc-cases.json"


@pytest.fixture(scope="module")
def shell_file(tmp_path_factory, active_2026) -> Path:
    """100 objects of the crowded 540-560 km shell (3LE lines copied from the snapshot)."""
    sets = read_elements(active_2026).sets
    hp = np.array([s.satrec.a * (1 - s.satrec.ecco) for s in sets]) * 6378.135 - 6378.135
    shell = [s for s, h in zip(sets, hp, strict=True) if 540 <= h < 560]
    pick = np.random.default_rng(1).choice(len(shell), 100, replace=False)
    path = tmp_path_factory.mktemp("conj") / "shell.tle"
    path.write_text("".join(f"{shell[i].name}\n{shell[i].line1}\n{shell[i].line2}\n"
                            for i in sorted(pick)))
    return path


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_csv_columns_are_socrates():
    assert CSV_COLUMNS == SOCRATES_COLUMNS


def test_json_has_the_issue_keys_and_matches_the_api(shell_file, capsys):
    code, out, err = _run(capsys, "conjunctions", "all", "--elements", str(shell_file),
                          "--start", START, "--days", "0.5", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["window", "objects", "screened_pairs", "events"]
    assert data["objects"] == 100 and data["screened_pairs"] == 4950
    assert data["events"], "the shell has events in half a day"
    for e in data["events"]:
        assert list(e) == list(EVENT_KEYS)
        assert e["pc_method"] == "ALFANO-MAX-PROBABILITY"
        assert 0 < e["max_probability"] <= 1 and e["dilution_km"] > 0
        assert e["miss_km"] == pytest.approx(math_norm(e), abs=2e-6)
    misses = [e["miss_km"] for e in data["events"]]
    assert misses == sorted(misses)
    api = find_conjunctions(read_elements(shell_file).sets, start=START,
                            stop=datetime.fromisoformat("2026-03-01T12:00:00+00:00"))
    assert [x.to_dict() for x in api.events] == data["events"]
    assert "pairs screened" in err


def math_norm(e):
    return float(np.linalg.norm([e["r_km"], e["t_km"], e["n_km"]]))


def test_csv_and_table(shell_file, capsys):
    code, out, err = _run(capsys, "conjunctions", "all", "--elements", str(shell_file),
                          "--start", START, "--days", "0.5", "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == SOCRATES_COLUMNS
    assert len(rows) > 1
    ranges = [float(r[7]) for r in rows[1:]]
    assert ranges == sorted(ranges)
    assert all(0 <= float(r[8]) < 16 for r in rows[1:])
    code, out, err = _run(capsys, "conjunctions", "all", "--elements", str(shell_file),
                          "--start", START, "--days", "0.5")
    assert code == 0 and "miss km" in out.splitlines()[0]


def test_target_against_all_and_cdms_read_back_by_a_real_reader(shell_file, tmp_path,
                                                                  capsys):
    """One object against the file; every CDM parses with ccsds-ndm and gives back the TCA,
    the miss distance (1 mm) and both GCRF states (1 mm, 1 mm/s) of the event."""
    ndm = pytest.importorskip("ccsds_ndm.ndm_io")
    sets = read_elements(shell_file).sets
    every = find_conjunctions(sets, start=START,
                              stop=datetime.fromisoformat("2026-03-01T12:00:00+00:00"))
    target = every.events[0].norad_id_1
    cdm_dir = tmp_path / "cdm"
    code, out, err = _run(capsys, "conjunctions", str(target), "--elements", str(shell_file),
                          "--start", START, "--days", "0.5", "--format", "json",
                          "--cdm-dir", str(cdm_dir), "--offline")
    assert code == 0, err
    events = json.loads(out)["events"]
    assert events and all(target in (e["norad_id_1"], e["norad_id_2"]) for e in events)
    assert all(e["norad_id_1"] == target for e in events)
    files = sorted(cdm_dir.glob("*.cdm"))
    assert len(files) == len(events)
    mine = {(e.tca_utc, e.norad_id_2): e for e in every.events + [x.swapped() for x in
                                                                   every.events]}
    for path in files:
        cdm = ndm.NdmIo().from_path(path)
        rel = cdm.body.relative_metadata_data
        seg1, seg2 = cdm.body.segment
        tca = rel.tca + "Z"
        e = mine[(tca, int(seg2.metadata.object_designator))]
        assert rel.miss_distance.value == pytest.approx(e.miss_km * 1000.0, abs=1e-3)
        assert rel.miss_distance.units.value == "m"
        r1, v1, r2, v2 = _gcrs_states(e)
        for seg, r, v in ((seg1, r1, v1), (seg2, r2, v2)):
            sv = seg.data.state_vector
            assert seg.metadata.ref_frame.value == "GCRF"
            assert seg.metadata.covariance_method.value == "DEFAULT"
            assert [sv.x.value, sv.y.value, sv.z.value] == pytest.approx(list(r), abs=1e-6)
            assert [sv.x_dot.value, sv.y_dot.value, sv.z_dot.value] == pytest.approx(
                list(v), abs=1e-9)
            assert seg.data.covariance_matrix.ct_t.value == pytest.approx(300.0 ** 2)
        # and our own reader
        rec = read_cdm(path)
        assert rec.miss_km == pytest.approx(e.miss_km, abs=1e-6)
        assert rec.hbr_m == pytest.approx(e.hbr_m)


def _cdm_from_case(case: dict) -> str:
    """A KVN CDM holding a CARA case as its sample CDM gives it (EME2000 states, RTN
    covariances as written in m units, COMMENT HBR)."""
    keys = [("CR_R", 0, 0), ("CT_R", 1, 0), ("CT_T", 1, 1), ("CN_R", 2, 0), ("CN_T", 2, 1),
            ("CN_N", 2, 2), ("CRDOT_R", 3, 0), ("CRDOT_T", 3, 1), ("CRDOT_N", 3, 2),
            ("CRDOT_RDOT", 3, 3), ("CTDOT_R", 4, 0), ("CTDOT_T", 4, 1), ("CTDOT_N", 4, 2),
            ("CTDOT_RDOT", 4, 3), ("CTDOT_TDOT", 4, 4), ("CNDOT_R", 5, 0), ("CNDOT_T", 5, 1),
            ("CNDOT_N", 5, 2), ("CNDOT_RDOT", 5, 3), ("CNDOT_TDOT", 5, 4), ("CNDOT_NDOT", 5, 5)]
    units = {2: "[m**2]", 1: "[m**2/s]", 0: "[m**2/s**2]"}
    lines = ["CCSDS_CDM_VERS = 1.0", "CREATION_DATE = 2026-01-01T00:00:00.000",
             "ORIGINATOR = CARA TEST", f"MESSAGE_ID = {case['name']}",
             f"COMMENT HBR = {case['hbr_m_as_given']} [m]", f"TCA = {case['tca']}",
             f"MISS_DISTANCE = {case['cdm_miss_distance_m']} [m]"]
    for k in (1, 2):
        r, v = case[f"r{k}_km"], case[f"v{k}_km_s"]
        lines += [f"OBJECT = OBJECT{k}", f"OBJECT_DESIGNATOR = {k}", "CATALOG_NAME = SATCAT",
                  f"OBJECT_NAME = OBJECT {k}", "INTERNATIONAL_DESIGNATOR = UNKNOWN",
                  "EPHEMERIS_NAME = NONE", "COVARIANCE_METHOD = CALCULATED",
                  "MANEUVERABLE = N/A", "REF_FRAME = EME2000",
                  f"X = {r[0]} [km]", f"Y = {r[1]} [km]", f"Z = {r[2]} [km]",
                  f"X_DOT = {v[0]} [km/s]", f"Y_DOT = {v[1]} [km/s]", f"Z_DOT = {v[2]} [km/s]"]
        given = case[f"cov{k}_cdm_as_given"]
        lines += [f"{key} = {given[i][j]} {units[(i < 3) + (j < 3)]}" for key, i, j in keys]
    return "\n".join(lines) + "\n"


def _cara_cdm_cases():
    if not CASES_FILE.is_file():
        return []
    return [c for c in json.loads(CASES_FILE.read_text()) if "cov1_cdm_as_given" in c]


CDM_CASES = _cara_cdm_cases()


@pytest.mark.skipif(not CDM_CASES, reason=f"CARA cases not found at {CASES_FILE}")
@pytest.mark.parametrize("case", CDM_CASES, ids=[c["name"] for c in CDM_CASES])
def test_pc_verb_reproduces_cara_from_cdm_files(case, tmp_path, capsys):
    """``orbitkit pc`` on each Alfano 2009 case written as a CDM (states and covariances as
    CARA's sample CDMs give them): Foster Pc within CARA's 1e-3 of CARA's value; the
    non-positive-definite case gives 0 and a warning. The unit test's HBR is the CDM's
    COMMENT HBR except for Test07 (CDM 52.8 m, unit test 20 m): --hbr-m gives it."""
    path = tmp_path / f"{case['name']}.cdm"
    path.write_text(_cdm_from_case(case))
    argv = ["pc", str(path), "--format", "json"]
    if float(case["cdm_comment_hbr"]) != case["hbr_m_as_given"]:
        argv += ["--hbr-m", str(case["hbr_m_as_given"])]
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    got = json.loads(out)
    assert list(got) == ["pc", "method", "tca_utc", "miss_km", "hbr_m"]
    assert got["method"] == "FOSTER-1992"
    assert got["hbr_m"] == case["hbr_m_as_given"]
    assert got["miss_km"] == pytest.approx(case["cdm_miss_distance_m"] / 1000.0, abs=1e-5)
    if case["expected_pc"] == 0:
        assert got["pc"] == 0.0
        assert "not positive definite" in err
    else:
        assert got["pc"] == pytest.approx(case["expected_pc"], rel=case["expected_rel_tol"])
    ndm = pytest.importorskip("ccsds_ndm.ndm_io")
    assert ndm.NdmIo().from_path(path).body.relative_metadata_data.tca == case["tca"]


@pytest.mark.skipif(not CDM_CASES, reason=f"CARA cases not found at {CASES_FILE}")
def test_pc_verb_warns_about_chan_on_a_large_body(tmp_path, capsys):
    """``--method chan`` on an Alfano 2009 GEO case (hard body ~10 times the smaller sigma)
    still answers, and says on stderr that Foster is the reliable value there."""
    (case,) = [c for c in CDM_CASES if c["name"] == "Alfano2009_Case01"]
    path = tmp_path / "case01.cdm"
    path.write_text(_cdm_from_case(case))
    code, out, err = _run(capsys, "pc", str(path), "--method", "chan", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["method"] == "CHAN-1997"
    assert "Chan's equal-area series is unreliable" in err and "Foster" in err


@pytest.mark.parametrize("argv, needle", [
    (["conjunctions", "all", "--start", START], "--elements"),
    (["conjunctions", "all", "--elements", "/nonexistent.tle"], "does not exist"),
    (["conjunctions", "tiangong", "--days", "40", "--elements", "x.tle"], "31 days"),
    (["conjunctions", "tiangong", "--out", "fig.txt"], "picture"),
    (["pc", "/nonexistent.cdm"], "cannot read"),
])
def test_user_errors_exit_2(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err
    assert out == ""


def test_pc_refuses_a_file_that_is_not_a_cdm(tmp_path, capsys):
    bad = tmp_path / "x.cdm"
    bad.write_text("CCSDS_OPM_VERS = 2.0\nX = 1 [km]\n")
    code, out, err = _run(capsys, "pc", str(bad))
    assert code == 2 and "not a CDM" in err
    bad.write_text("CCSDS_CDM_VERS = 1.0\nTCA = 2026-01-01T00:00:00\nMISS_DISTANCE = abc [m]\n"
                   "OBJECT = OBJECT1\nOBJECT = OBJECT2\n")
    code, out, err = _run(capsys, "pc", str(bad))
    assert code == 2 and "MISS_DISTANCE" in err and "line 3" in err


def test_tca_day_of_year_format_is_read(tmp_path):
    (case,) = [c for c in CDM_CASES if c["name"].startswith("Omitron_Test07")] or [None]
    if case is None:
        pytest.skip("CARA cases absent")
    path = tmp_path / "t.cdm"
    path.write_text(_cdm_from_case(case))
    rec = read_cdm(path)
    assert rec.tca == datetime(2017, 2, 2, 23, 14, 54, 330000, tzinfo=rec.tca.tzinfo)
    assert rec.tca - datetime.fromisoformat("2017-02-02T00:00:00+00:00") < timedelta(days=1)
