"""``orbitkit elements`` and ``orbitkit fetch`` (issue 3 'done when', issue 10 item 1).

Through ``orbitkit.cli.main`` with capsys, and once through a real subprocess. Offline; the
cache dir is empty (autouse fixture).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from elements_helpers import corrupt_checksum, omm_json, omm_record, tle_block

from orbitkit.cli import main

AT = datetime(2026, 2, 24, tzinfo=UTC)
AT_TEXT = "2026-02-25T12:00:00Z"


@pytest.fixture
def parser():
    pytest.importorskip("orbitkit.elements.parse")


@pytest.fixture
def css_file(tmp_path, parser):
    path = tmp_path / "css.tle"
    path.write_text(tle_block(48274, "CSS (TIANHE)", AT))
    return path


@pytest.fixture
def mixed_file(tmp_path, parser):
    """One corrupt record (line 4-6, NORAD 99001) between two good ones."""
    path = tmp_path / "mixed.tle"
    path.write_text(tle_block(25544, "ISS (ZARYA)", AT)
                    + corrupt_checksum(tle_block(99001, "BROKEN SAT", AT))
                    + tle_block(48274, "CSS (TIANHE)", AT))
    return path


def _run(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_elements_shows_set_epoch_age_and_source(css_file, capsys):
    status, out, err = _run(["elements", "48274", "--elements", str(css_file),
                             "--at", AT_TEXT], capsys)
    assert status == 0, err
    assert "Tianhe core module" in out and "48274" in out
    assert "2026-02-24T00:00:00Z" in out and "+1.50" in out and "file" in out
    assert str(css_file) in out


def test_elements_json_lists_norad_name_epoch_source(css_file, capsys):
    status, out, err = _run(["elements", "tiangong", "--elements", str(css_file), "--at",
                             AT_TEXT, "--format", "json"], capsys)
    assert status == 0
    rows = json.loads(out)  # warnings never pollute stdout
    assert [r["source"] for r in rows] == ["file", "nominal", "nominal"]
    first = rows[0]
    assert first["norad_id"] == 48274 and first["name"] == "CSS (TIANHE)"
    assert first["epoch_utc"].startswith("2026-02-24T00:00:00")
    assert first["age_days"] == pytest.approx(1.5) and first["cospar_id"] == "2021-035A"
    assert first["catalog_name"] == "Tianhe core module"
    assert "illustrative" in err and "Tiangong-2" in err


def test_one_corrupt_record_among_good_ones_is_named_on_stderr(mixed_file, capsys):
    status, out, err = _run(["elements", "25544,48274", "--elements", str(mixed_file),
                             "--format", "json"], capsys)
    assert status == 0
    assert [r["norad_id"] for r in json.loads(out)] == [25544, 48274]
    warning = next(line for line in err.splitlines() if "skipped bad record" in line)
    assert f"{mixed_file}" in warning and "checksum" in warning.lower()


def test_asking_for_the_corrupt_one_exits_2_with_that_message(mixed_file, capsys):
    status, out, err = _run(["elements", "99001", "--elements", str(mixed_file)], capsys)
    assert status == 2 and out == ""
    assert "Traceback" not in err and str(mixed_file) in err and "checksum" in err.lower()


def test_html_page_as_element_file_is_refused(tmp_path, parser, capsys):
    page = tmp_path / "gp.txt"
    page.write_text("<!DOCTYPE html><html><body>403 Forbidden</body></html>\n")
    status, out, err = _run(["elements", "48274", "--elements", str(page)], capsys)
    assert status == 2 and out == "" and "HTML" in err and "Traceback" not in err


def test_omm_object_100123_resolves_and_propagates(tmp_path, parser, capsys):
    path = tmp_path / "new.json"
    path.write_text(omm_json([omm_record(100123, "NEWSAT 1", AT)]))
    status, out, err = _run(["elements", "100123", "--elements", str(path), "--format",
                             "json", "--at", AT_TEXT], capsys)
    assert status == 0, err
    (row,) = json.loads(out)
    assert row["norad_id"] == 100123 and row["source"] == "file"
    status, out, err = _run(["elements", "100123", "--elements", str(path), "--format",
                             "omm-json"], capsys)
    assert status == 0 and json.loads(out)[0]["NORAD_CAT_ID"] == 100123
    import numpy as np

    from orbitkit.elements.sources import load_element_sets
    from orbitkit.propagation import propagate

    es = load_element_sets("100123", files=[path], at=AT).sets[0]
    eph = propagate([es], [AT + timedelta(hours=h) for h in range(6)])
    radius_km = np.linalg.norm(eph.r_teme_km[0], axis=-1)
    assert np.all((radius_km > 6700) & (radius_km < 7000))


def test_offline_empty_cache_beidou_from_nominal_with_warning(capsys):
    status, out, err = _run(["elements", "beidou-3", "--offline"], capsys)
    assert status == 0
    assert out.count("nominal") >= 35
    assert "positions are illustrative" in err


def test_tle_format_round_trips_through_sgp4(capsys):
    from sgp4.api import Satrec

    status, out, err = _run(["elements", "BeiDou-3 G1", "--format", "tle", "--at", AT_TEXT],
                            capsys)
    assert status == 0
    name, line1, line2 = out.splitlines()
    assert name == "BeiDou-3 G1"
    assert Satrec.twoline2rv(line1, line2).satnum == 43683


def test_no_nominal_flag_turns_the_fallback_off(capsys):
    status, out, err = _run(["elements", "48274", "--no-nominal"], capsys)
    assert status == 2 and out == "" and "orbitkit fetch" in err


def test_bad_time_is_a_user_error(capsys):
    status, out, err = _run(["elements", "48274", "--at", "2026-02-24T00:00:00"], capsys)
    assert status == 2 and out == "" and "time zone" in err


def test_fetch_offline_or_without_target_is_a_user_error(capsys):
    status, out, err = _run(["fetch", "--all"], capsys)  # ORBITKIT_OFFLINE=1 in tests
    assert status == 2 and "network" in err and "ORBITKIT_OFFLINE" in err
    status, out, err = _run(["fetch"], capsys)
    assert status == 2 and "--all" in err


def test_fetch_offline_names_the_switch_that_was_used(capsys, monkeypatch):
    monkeypatch.delenv("ORBITKIT_OFFLINE", raising=False)
    status, out, err = _run(["fetch", "beidou-3", "--offline"], capsys)
    assert status == 2 and "--offline was given; drop --offline" in err
    monkeypatch.setenv("ORBITKIT_OFFLINE", "1")
    status, out, err = _run(["fetch", "beidou-3"], capsys)
    assert status == 2 and "ORBITKIT_OFFLINE is set; unset ORBITKIT_OFFLINE" in err


def test_fetch_deep_space_target_has_nothing_to_fetch(capsys, monkeypatch):
    monkeypatch.delenv("ORBITKIT_OFFLINE")
    monkeypatch.setenv("ORBITKIT_CELESTRAK_URL", "http://127.0.0.1:9/unused")
    status, out, err = _run(["fetch", "change"], capsys)
    assert status == 2 and "nothing to fetch" in err


@pytest.mark.slow
def test_elements_through_a_real_process(tmp_path):
    """The CLI contract holds in a real process: data on stdout, warnings on stderr."""
    code = "from orbitkit.cli import main; raise SystemExit(main())"
    proc = subprocess.run(
        [sys.executable, "-c", code, "elements", "tiangong", "--format", "json", "--at",
         (AT + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [r["source"] for r in rows] == ["nominal"] * 3
    assert "illustrative" in proc.stderr and "Traceback" not in proc.stderr
