"""Ground sites: the shipped list and LAT,LON[,ALT_M] parsing."""

from __future__ import annotations

import json

import pytest

from orbitkit.errors import SiteError
from orbitkit.sites import load_sites, parse_site


def test_shipped_sites_include_launch_centres_and_teaching_cities():
    sites = load_sites()
    for key in ("jiuquan", "taiyuan", "xichang", "wenchang", "beijing", "hong-kong"):
        assert key in sites, key
    assert {s.kind for s in sites.values()} >= {"launch", "teaching"}
    # Wenchang LC-1 per its Wikipedia coordinates (FACTS.md section 6), to 1e-6 degree.
    assert sites["wenchang"].lat_deg == pytest.approx(19.6144917, abs=1e-6)
    assert sites["wenchang"].lon_deg == pytest.approx(110.9511333, abs=1e-6)


def test_coordinates_with_and_without_altitude():
    site = parse_site("39.9042,116.4074,50")
    assert (site.lat_deg, site.lon_deg, site.alt_m) == (39.9042, 116.4074, 50.0)
    south = parse_site(" -33.87, 151.21 ")
    assert (south.lat_deg, south.lon_deg, south.alt_m) == (-33.87, 151.21, 0.0)
    assert parse_site("10,350").lon_deg == pytest.approx(-10.0)


def test_site_key_is_case_insensitive():
    assert parse_site("Beijing").key == "beijing"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("91,0", "latitude 91.0 is outside"),
        ("0,400", "longitude 400.0 is outside"),
        ("1,2,3,4", "expected 2 or 3 numbers"),
        ("north,east", "expected LAT,LON"),
        ("bejing", "did you mean beijing"),
    ],
)
def test_bad_station_messages(text, message):
    with pytest.raises(SiteError, match=message):
        parse_site(text)


def test_unsourced_height_is_marked_not_shown_as_zero(capsys):
    """Kashgar's catalogue entry gives no height: the 0 m stand-in is flagged, in the
    table ('?') and in JSON (alt_known false); Beijing's sourced 50 m is kept."""
    from orbitkit.cli import main

    sites = load_sites()
    assert not sites["kashgar"].alt_known and sites["kashgar"].alt_m == 0.0
    assert sites["beijing"].alt_known and sites["beijing"].alt_m == 50.0
    assert main(["sites"]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("kashgar "))
    assert row.split()[-1] == "?" and "no sourced height; 0 m is used" in table
    assert main(["sites", "--format", "json"]) == 0
    by_key = {s["key"]: s for s in json.loads(capsys.readouterr().out)}
    assert by_key["kashgar"]["alt_known"] is False and by_key["kashgar"]["alt_m"] == 0.0
