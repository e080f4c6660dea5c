"""The rough edges a real-client check found in orbitkit's outputs (issue 18, item 6).

Each test opens the output the way a strict client would (pandas, a JSON parser, a calendar
reader) and failed before its fix.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from orbitkit.cli import main


def test_mission_json_mars_orbit_dates_are_one_iso_form_with_a_precision(capsys):
    assert main(["mission", "tianwen-1", "--format", "json", "--offline"]) == 0
    orbits = json.loads(capsys.readouterr().out)["mars_orbits"]
    by_key = {o["key"]: o for o in orbits}
    for o in orbits:
        # one form, YYYY-MM-DDTHH:MM:SSZ, that datetime.fromisoformat (and pandas) read
        assert len(o["entered_utc"]) == 20 and o["entered_utc"].endswith("Z")
        datetime.fromisoformat(o["entered_utc"])
    assert by_key["capture"]["entered_utc"] == "2021-02-10T00:00:00Z"
    assert by_key["capture"]["entered_utc_precision"] == "day"
    assert by_key["parking"]["entered_utc"] == "2021-02-23T22:29:00Z"
    assert by_key["parking"]["entered_utc_precision"] == "minute"
    pd = pytest.importorskip("pandas")
    column = pd.to_datetime(pd.Series([o["entered_utc"] for o in orbits]), utc=True)
    assert column.notna().all()


# ----------------------------------------------------------------------------- passes

START = "2026-05-01T00:00:00Z"


@pytest.fixture(scope="module")
def css_and_geo_file(tmp_path_factory, active_2026):
    """Tianhe (48274) and a BeiDou GEO (43683) copied out of the 2026 snapshot."""
    from tests.passes_helpers import tle_subset

    return tle_subset(active_2026, [48274, 43683], tmp_path_factory.mktemp("tle") / "css_geo.tle")


def _run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def _unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def _events(ics: str) -> list[dict[str, str]]:
    events, current = [], None
    for line in _unfold(ics):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            key, value = line.split(":", 1)
            current[key] = value
    return events


def test_ical_description_set_time_is_the_dtend_second(capsys, css_and_geo_file):
    """Before: "Set:" was the set time cut to the second while DTEND was rounded up, so the
    two differed by 1 s in nearly every event."""
    ics = _run(capsys, "passes", "48274", "--station", "beijing", "--start", START,
               "--days", "2", "--min-elevation-deg", "10", "--elements",
               str(css_and_geo_file), "--format", "ics")
    events = _events(ics)
    assert len(events) >= 4
    for ev in events:
        desc = ev["DESCRIPTION"].replace("\\n", "\n").replace("\\,", ",")
        set_line = next(line for line in desc.split("\n") if line.startswith("Set: "))
        rise_line = next(line for line in desc.split("\n") if line.startswith("Rise: "))
        as_stamp = set_line[5:24].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
        assert as_stamp == ev["DTEND"]
        as_stamp = rise_line[6:25].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
        assert as_stamp == ev["DTSTART"]


def test_geo_visibility_interval_is_an_ics_event_and_a_csv_row(capsys, css_and_geo_file):
    """Before: ``passes`` of a BeiDou GEO gave an ics with no event and a CSV with only
    the header."""
    common = ["passes", "43683", "--station", "beijing", "--start", START, "--days", "1",
              "--min-elevation-deg", "10", "--elements", str(css_and_geo_file)]
    events = _events(_run(capsys, *common, "--format", "ics"))
    assert len(events) == 1
    assert events[0]["DTSTART"] == "20260501T000000Z"
    assert events[0]["DTEND"] == "20260502T000000Z"
    assert "visible" in events[0]["SUMMARY"]
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(_run(capsys, *common, "--format", "csv"))))
    assert len(rows) == 1 and rows[0]["kind"] == "visibility"
    assert float(rows[0]["min_elevation_deg"]) <= float(rows[0]["max_elevation_deg"])
    assert rows[0]["rise_utc"] == "2026-05-01T00:00:00.000Z"


def test_passes_json_every_record_has_a_kind(capsys, css_and_geo_file):
    """Before: passes had no ``kind`` while visibility intervals did (two record shapes)."""
    records = json.loads(_run(capsys, "passes", "48274,43683", "--station", "beijing",
                              "--start", START, "--days", "1", "--elements",
                              str(css_and_geo_file), "--format", "json"))
    kinds = [r["kind"] for r in records]
    assert "pass" in kinds and "visibility" in kinds


def test_pass_and_interval_records_never_hold_negative_zero():
    """Before: an azimuth or elevation a hair below zero was written as ``-0.0``."""
    from datetime import UTC

    from orbitkit.passes import Pass, PassSearch, VisibilityInterval, pass_records

    t = datetime(2026, 5, 1, tzinfo=UTC)
    p = Pass(1, "X", "s", t, -1e-5, t, 10.0, -2e-4, t, -0.0, 60.0, None, False, False)
    v = VisibilityInterval(2, "G", "s", t, -1e-4, t, -3e-4, -4e-4, -1e-5, 86400.0, True,
                           True)
    text = json.dumps([p.to_dict(), *pass_records([p]), v.to_dict()])
    assert "-0.0" not in text
    search = PassSearch(start_utc=t, stop_utc=t, stations=[], min_elevation_deg=[],
                        passes=[p])
    assert "-0.0" not in json.dumps(search.columns())


# ----------------------------------------------------------------------------- coverage CSV


def _coverage_csv(capsys, *extra):
    import csv
    import io

    out = _run(capsys, "coverage", "beidou-3", "--offline", "--resolution-deg", "10",
               "--hours", "1", "--step-min", "30", "--start", "2026-05-01T00:00:00Z",
               "--format", "csv", *extra)
    return list(csv.DictReader(io.StringIO(out)))


def test_coverage_csv_fractions_are_never_written_as_integers(capsys):
    """Before: a whole ``dop_share`` / ``availability`` was written ``1`` or ``0``, so a
    typed reader saw integers in a float column."""
    rows = _coverage_csv(capsys)
    for key in ("dop_share", "availability", "mean_visible", "mean_pdop"):
        assert all("." in r[key] or "e" in r[key] or r[key] == "" for r in rows), key
    assert any(r["availability"] == "1.0" for r in rows)
    assert all(r["min_visible"].isdigit() for r in rows)


def test_coverage_csv_writes_each_place_once(capsys):
    """Before: a global 10-degree grid repeated lon -180 as lon 180 and wrote 37 rows for
    each pole: 19 x 37 = 703 rows for 17 x 36 + 2 = 614 places."""
    rows = _coverage_csv(capsys)
    places = [(float(r["lat_deg"]), float(r["lon_deg"])) for r in rows]
    assert len(places) == len(set(places)) == 17 * 36 + 2
    assert 180.0 not in {lon for _, lon in places}
    assert [p for p in places if abs(p[0]) == 90.0] == [(-90.0, 0.0), (90.0, 0.0)]
    # a regional grid is untouched
    rows = _coverage_csv(capsys, "--region", "asia-pacific")
    assert len(rows) == 11 * 9


# ----------------------------------------------------------------------------- ground tracks


def _footprint_track(lat0: float, lon0: float, alt_km: float, groups=()):
    """A one-satellite, two-sample track whose footprint (mask 0) is centred at
    (lat0, lon0)."""
    import numpy as np

    from orbitkit.groundtrack import GroundTrack

    t = np.array(["2026-05-01T00:00:00", "2026-05-01T00:00:30"], dtype="datetime64[ns]")
    return GroundTrack.from_arrays(t, [[lat0, lat0]], [[lon0, lon0]], [[alt_km, alt_km]],
                                   [7], ["X"], groups=groups, footprint_mask_deg=0.0)


@pytest.mark.parametrize("lat0,lon0,alt_km,kind,inside,outside", [
    (30.0, 100.0, 800.0, "Polygon", [(100.0, 30.0), (110.0, 35.0)], [(140.0, 30.0)]),
    # across the antimeridian: cut into two polygons that meet on it (RFC 7946 3.1.9)
    (10.0, 179.0, 800.0, "MultiPolygon", [(179.0, 10.0), (-178.0, 12.0)], [(0.0, 10.0)]),
    # round the north pole: closed along the antimeridian and the pole
    (80.0, 30.0, 1500.0, "Polygon", [(30.0, 80.0), (-150.0, 85.0), (120.0, 89.0)],
     [(30.0, 40.0), (-150.0, 60.0)]),
    # round the south pole
    (-82.0, -60.0, 1500.0, "Polygon", [(120.0, -89.0), (-60.0, -82.0)], [(120.0, -50.0)]),
])
def test_geojson_footprints_are_valid_polygons(lat0, lon0, alt_km, kind, inside, outside):
    """Before: footprints were LineStrings, which GIS tools cannot use as areas."""
    shapely_geometry = pytest.importorskip("shapely.geometry")
    from orbitkit.export import track_to_geojson

    features = track_to_geojson(_footprint_track(lat0, lon0, alt_km))["features"]
    (fp,) = [f for f in features if f["properties"]["kind"] == "footprint"]
    assert fp["geometry"]["type"] == kind
    area = shapely_geometry.shape(fp["geometry"])
    assert area.is_valid
    for x, y in inside:
        assert area.covers(shapely_geometry.Point(x, y)), (x, y)
    for x, y in outside:
        assert not area.covers(shapely_geometry.Point(x, y)), (x, y)
    polys = [area] if kind == "Polygon" else list(area.geoms)
    for poly in polys:
        assert poly.exterior.is_ccw  # RFC 7946 3.1.6
        xs = [x for x, _ in poly.exterior.coords]
        assert min(xs) >= -180.0 and max(xs) <= 180.0


@pytest.mark.parametrize("ext", [".kml", ".czml", ".csv"])
def test_footprints_are_in_kml_czml_and_csv(capsys, tmp_path, active_2026, ext):
    """Before: --footprint-mask-deg footprints were silently missing from these formats."""
    out = tmp_path / f"gt{ext}"
    assert main(["groundtrack", "48274", "--elements", str(active_2026), "--offline",
                 "--start", "2026-02-24T00:00:00Z", "--hours", "1",
                 "--footprint-mask-deg", "10", "--out", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text()
    if ext == ".kml":
        from xml.etree import ElementTree as ET

        ns = {"k": "http://www.opengis.net/kml/2.2"}
        root = ET.fromstring(text.encode())
        pm = root.find(".//k:Placemark[@id='footprint-48274']", ns)
        assert pm is not None and pm.findall(".//k:Polygon", ns)
    elif ext == ".czml":
        packets = json.loads(text)
        fp = next(p for p in packets if p["id"] == "footprint-norad-48274")
        assert len(fp["polygon"]["positions"]["cartographicDegrees"]) >= 3 * 100
    else:
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["kind"] for r in rows} == {"track", "footprint"}
        fp = [r for r in rows if r["kind"] == "footprint"]
        assert len(fp) >= 100 and fp[0]["time_utc"] == "2026-02-24T00:00:00Z"


def test_group_is_null_in_both_json_and_geojson_when_there_is_none():
    """Before: the same object's ``group`` was ``null`` in GeoJSON and ``""`` in JSON."""
    from orbitkit.export import track_to_geojson

    track = _footprint_track(30.0, 100.0, 800.0)
    assert track.to_dict()["satellites"][0]["group"] is None
    assert track_to_geojson(track)["features"][0]["properties"]["group"] is None
    track = _footprint_track(30.0, 100.0, 800.0, groups=["beidou"])
    assert track.to_dict()["satellites"][0]["group"] == "beidou"
    assert track_to_geojson(track)["features"][0]["properties"]["group"] == "beidou"
