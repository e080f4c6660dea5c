"""``orbitkit mission``: JSON keys and tolerances, table, figures, errors, import cost.

Tolerances are CNSA's figures at Mars orbit insertion (spacechina.com / CGTN, 2021-02-10):
475 million km flown (within 2 %), 192 million km from Earth (within 1 %), 202 days.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from orbitkit.cli import main

REQUIRED_KEYS = (
    "launch_utc",
    "arrival_utc",
    "time_of_flight_days",
    "c3_km2_s2",
    "departure_vinf_km_s",
    "arrival_vinf_km_s",
    "transfer_angle_deg",
    "path_length_km",
    "earth_mars_distance_at_arrival_km",
)
PNG = b"\x89PNG\r\n\x1a\n"


def _json(capsys, *argv: str) -> dict:
    assert main(["mission", "tianwen-1", "--format", "json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_offline_has_the_keys_within_cnsa_tolerances(capsys):
    data = _json(capsys, "--offline")
    for key in REQUIRED_KEYS:
        assert key in data, key
    assert data["launch_utc"] == "2020-07-23T04:41:00Z"
    assert data["arrival_utc"] == "2021-02-10T11:52:00Z"
    assert data["time_of_flight_days"] == pytest.approx(202, abs=1)
    assert data["path_length_km"] == pytest.approx(475e6, rel=0.02)
    assert data["earth_mars_distance_at_arrival_km"] == pytest.approx(192e6, rel=0.01)
    assert data["c3_km2_s2"] == pytest.approx(data["departure_vinf_km_s"] ** 2)


def test_json_carries_published_figures_mars_orbits_and_zhurong(capsys):
    data = _json(capsys)
    published = {row["figure"]: row for row in data["published_at_moi"]}
    assert published["path_length_km"]["published"] == 475e6
    orbits = {o["key"]: o for o in data["mars_orbits"]}
    assert set(orbits) == {"capture", "parking", "remote-sensing"}
    assert orbits["remote-sensing"]["period_h"] == pytest.approx(7.08, rel=0.01)
    assert data["zhurong_site"]["lat_deg"] == pytest.approx(25.066)
    assert data["zhurong_site"]["lon_deg"] == pytest.approx(109.925)
    assert data["porkchop_2020"]["shape"] == [62, 76]


def test_table_output(capsys):
    assert main(["mission", "tianwen-1"]) == 0
    out = capsys.readouterr().out
    for text in ("path length", "Earth–Mars distance at MOI", "remote-sensing orbit",
                 "Zhurong", "DE421"):
        assert text in out


def test_figures_are_drawn(tmp_path, capsys):
    files = {opt: tmp_path / f"{opt.strip('-')}.png"
             for opt in ("--out", "--porkchop", "--mars-orbits")}
    argv = ["mission", "tianwen-1", "--format", "json"]
    for opt, path in files.items():
        argv += [opt, str(path)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # figures never pollute stdout
    for path in files.values():
        assert path.read_bytes()[:8] == PNG
        assert str(path) in captured.err


def test_unknown_mission_exits_2_with_a_clear_message(capsys):
    assert main(["mission", "tianwen-2"]) == 2
    err = capsys.readouterr().err
    assert "unknown mission 'tianwen-2'" in err and "tianwen-1" in err


def test_bad_output_folder_exits_2(tmp_path, capsys):
    assert main(["mission", "tianwen-1", "--out", str(tmp_path / "no" / "t.png")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["mission", "tianwen-1", "--porkchop", str(tmp_path / "p.txt")]) == 2


def test_two_figures_to_one_file_exit_2_before_drawing(tmp_path, capsys, monkeypatch):
    """--out and --porkchop naming one file: the porkchop silently replaced the transfer
    figure and 'wrote' was printed twice; now refused, before any work, naming both."""
    monkeypatch.chdir(tmp_path)
    status = main(["mission", "tianwen-1", "--out", "fig.png", "--porkchop",
                   str(tmp_path / "fig.png")])
    err = capsys.readouterr().err
    assert status == 2 and "--out and --porkchop both name" in err
    assert not (tmp_path / "fig.png").exists()


def test_dates_come_from_the_catalogue(tmp_path, monkeypatch, capsys):
    # A user override that moves Mars orbit insertion: the replay must follow it.
    (tmp_path / "tianwen-1.toml").write_text(
        'key = "tianwen-1"\n'
        '[[events]]\ndate_utc = "2020-07-23T04:41:00Z"\nname = "launch"\n'
        '[[events]]\ndate_utc = "2021-02-20T00:00:00Z"\nname = "Mars orbit insertion"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ORBITKIT_CATALOG_PATH", str(tmp_path))
    data = _json(capsys)
    assert data["arrival_utc"] == "2021-02-20T00:00:00Z"
    assert data["time_of_flight_days"] == pytest.approx(211.8, abs=0.1)


def test_event_without_a_time_of_day_is_a_catalogue_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "tianwen-1.toml").write_text(
        'key = "tianwen-1"\n'
        '[[events]]\ndate_utc = "2020-07-23"\nname = "launch"\n'
        '[[events]]\ndate_utc = "2021-02-10T11:52:00Z"\nname = "Mars orbit insertion"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ORBITKIT_CATALOG_PATH", str(tmp_path))
    assert main(["mission", "tianwen-1"]) == 2
    assert "time of day" in capsys.readouterr().err


def test_missing_catalogue_entry_is_a_clear_error(monkeypatch, capsys):
    import orbitkit.catalog as catalog

    monkeypatch.setattr(catalog, "load_catalog", lambda *a, **k: catalog.Catalog({}))
    assert main(["mission", "tianwen-1"]) == 2
    err = capsys.readouterr().err
    assert "no 'tianwen-1' system" in err and "catalog/tianwen-1.toml" in err


@pytest.mark.slow
def test_import_orbitkit_stays_light():
    code = (
        "import sys, orbitkit, orbitkit.deepspace, orbitkit.cli.mission_cmd; "
        "print([m for m in ('matplotlib', 'astropy', 'scipy', 'jplephem', 'de421') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    assert out.strip() == "[]"
