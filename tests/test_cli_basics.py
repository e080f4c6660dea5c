"""The command line contract for the catalogue verbs: stdout data, exit codes, stderr."""

from __future__ import annotations

import json

import pytest

from orbitkit.cli import _glue_negative_values, main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_catalog_list_json_lists_the_white_paper_systems(capsys):
    status, out, err = run(capsys, "catalog", "list", "--format", "json")
    assert status == 0 and err == ""
    systems = json.loads(out)
    keys = {s["key"] for s in systems}
    assert {"beidou-3", "fengyun", "tiangong", "tianwen-1"} <= keys
    for s in systems:
        assert {"key", "name", "category", "members"} <= set(s)
        assert isinstance(s["members"], int)


def test_catalog_show_beidou3_json_carries_35_satellites(capsys):
    status, out, _ = run(capsys, "catalog", "show", "beidou-3", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["key"] == "beidou-3" and data["name"] == "BeiDou-3"
    assert len(data["members"]) == 35
    for m in data["members"]:
        assert {"name", "norad_id", "cospar_id", "orbit_class", "status"} <= set(m)
        assert isinstance(m["norad_id"], int)


def test_catalog_show_table_and_non_system_target(capsys):
    status, out, _ = run(capsys, "catalog", "show", "48274")
    assert status == 0 and "48274" in out and "2021-035A" in out


def test_unknown_target_exits_2_without_traceback(capsys):
    status, out, err = run(capsys, "catalog", "show", "beidou3")
    assert status == 2 and out == ""
    assert "did you mean" in err and "Traceback" not in err


def test_bad_option_value_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["catalog", "list", "--format", "yaml"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_sites_json(capsys):
    status, out, _ = run(capsys, "sites", "--format", "json")
    assert status == 0
    assert any(s["key"] == "beijing" for s in json.loads(out))


def test_negative_values_are_glued_to_their_option():
    argv = ["passes", "x", "--station", "-33.87,151.21", "--region", "-60,60,50,170",
            "--station=-1,2", "--hours", "3"]
    assert _glue_negative_values(argv) == [
        "passes", "x", "--station=-33.87,151.21", "--region=-60,60,50,170", "--station=-1,2",
        "--hours", "3"]


def test_southern_station_and_western_region_work_as_separate_arguments(capsys):
    """'--station -33.87,151.21' must not be taken for an option (issue 2, item 4)."""
    status = main(["passes", "tiangong", "--station", "-33.87,151.21,40", "--start",
                   "2026-05-01T00:00:00Z", "--days", "1", "--offline", "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    passes = json.loads(out)
    assert passes and all(p["station"] for p in passes)
    status = main(["coverage", "beidou-3", "--region", "-60,-50,-80,-70", "--resolution-deg",
                   "5", "--hours", "1", "--start", "2026-05-01T00:00:00Z", "--offline",
                   "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert json.loads(out)["points"] == 3 * 3
