"""Track exporters: GeoJSON (RFC 7946), KML 2.2, CZML, CSV on synthetic tracks."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from orbitkit.errors import UserError
from orbitkit.export import (
    track_to_csv,
    track_to_czml,
    track_to_geojson,
    track_to_kml,
    write_track,
)
from orbitkit.groundtrack import GroundTrack, wrap_lon_deg

START = np.datetime64("2026-05-01T00:00:00", "ns")
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def circular_track(incl_deg, period_min, raan_deg=0.0, hours=3.0, step_s=30.0):
    t_s = np.arange(0.0, hours * 3600.0 + 1e-9, step_s)
    u = 2 * np.pi * t_s / (period_min * 60.0)
    i = np.radians(incl_deg)
    lat = np.degrees(np.arcsin(np.sin(i) * np.sin(u)))
    lon = np.degrees(np.arctan2(np.cos(i) * np.sin(u), np.cos(u)) + np.radians(raan_deg)
                     - 7.2921150e-5 * t_s)
    return START + (t_s * 1e9).astype("int64").astype("timedelta64[ns]"), lat, wrap_lon_deg(lon)


@pytest.fixture
def track() -> GroundTrack:
    times, lat1, lon1 = circular_track(41.47, 91.6)
    _, lat2, lon2 = circular_track(55.0, 773.0, raan_deg=40.0)  # a BeiDou-like MEO
    ok = np.ones((3, times.size), bool)
    ok[2] = False  # a satellite whose propagation failed everywhere
    alt = np.array([np.full(times.size, 390.0), np.full(times.size, 21528.0),
                    np.full(times.size, 500.0)])
    return GroundTrack.from_arrays(
        times, [lat1, lat2, lat1], [lon1, lon2, lon1], alt, [48274, 44204, 1],
        ["CSS (TIANHE)", "BEIDOU-3 M17", "DEAD"], ok=ok, groups=["tiangong", "beidou", ""],
        footprint_mask_deg=10.0,
    )


def _lines(geometry):
    """The lines of a track, or the rings of a footprint polygon."""
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    assert geometry["type"] == "MultiLineString"
    return geometry["coordinates"]


def test_geojson_is_a_valid_feature_collection_split_at_the_antimeridian(track):
    doc = json.loads(json.dumps(track_to_geojson(track), allow_nan=False))
    assert doc["type"] == "FeatureCollection"
    tracks = [f for f in doc["features"] if f["properties"]["kind"] == "track"]
    assert [f["properties"]["norad_id"] for f in tracks] == [48274, 44204, 1]
    css = tracks[0]
    assert css["properties"]["name"] == "CSS (TIANHE)"
    assert css["properties"]["start_utc"] == "2026-05-01T00:00:00Z"
    assert css["properties"]["stop_utc"] == "2026-05-01T03:00:00Z"
    assert css["geometry"]["type"] == "MultiLineString"  # 3 h of LEO crosses +-180
    assert tracks[2]["geometry"] is None and tracks[2]["properties"]["start_utc"] is None
    for feature in doc["features"]:
        if feature["geometry"] is None:
            continue
        for line in _lines(feature["geometry"]):
            xy = np.asarray(line)
            assert xy.shape[1] == 2 and len(xy) >= 2
            assert np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90)
            # RFC 7946 3.1.9: no segment jumps across the map
            assert np.all(np.abs(np.diff(xy[:, 0])) <= 180.0)


def test_geojson_pieces_meet_on_the_antimeridian(track):
    lines = _lines(track_to_geojson(track)["features"][0]["geometry"])
    for a, b in zip(lines[:-1], lines[1:], strict=True):
        assert abs(a[-1][0]) == 180.0 and b[0][0] == -a[-1][0]
        assert a[-1][1] == b[0][1]


def test_geojson_parses_with_shapely(track):
    shapely = pytest.importorskip("shapely.geometry")
    for feature in track_to_geojson(track)["features"]:
        if feature["geometry"] is not None:
            assert shapely.shape(feature["geometry"]).is_valid


def test_geojson_footprint_features(track):
    fps = [f for f in track_to_geojson(track)["features"]
           if f["properties"]["kind"] == "footprint"]
    assert len(fps) == 2  # none for the failed satellite
    assert fps[0]["properties"]["elevation_mask_deg"] == 10.0
    assert fps[0]["properties"]["time_utc"] == "2026-05-01T00:00:00Z"


def test_kml_parses_as_xml_with_a_placemark_per_satellite(track):
    root = ET.fromstring(track_to_kml(track).encode("utf-8"))
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    placemarks = root.findall(".//k:Placemark", KML_NS)
    assert [p.get("id") for p in placemarks] == ["norad-48274", "norad-44204", "norad-1",
                                                 "footprint-48274", "footprint-44204"]
    coords = placemarks[0].findall(".//k:LineString/k:coordinates", KML_NS)
    assert len(coords) >= 2
    for c in coords:
        pts = np.array([[float(v) for v in p.split(",")] for p in c.text.split()])
        assert pts.shape[1] == 3 and np.all(np.abs(np.diff(pts[:, 0])) <= 180)
    assert placemarks[0].find("k:TimeSpan/k:begin", KML_NS).text == "2026-05-01T00:00:00Z"
    assert not placemarks[2].findall(".//k:LineString", KML_NS)


def test_kml_names_are_escaped():
    t = GroundTrack.from_arrays([START, START + np.timedelta64(30, "s")], [[0.0, 1.0]],
                                [[0.0, 1.0]], [[400.0, 400.0]], [7], ["A & B <C>"])
    root = ET.fromstring(track_to_kml(t).encode("utf-8"))
    assert root.find(".//k:Placemark/k:name", KML_NS).text == "A & B <C> (7)"


def test_czml_starts_with_document_and_positions_match_the_track(track):
    """Sampled Earth-fixed positions equal the track's ITRS positions within 1 mm."""
    packets = json.loads(json.dumps(track_to_czml(track), allow_nan=False))
    assert packets[0]["id"] == "document" and packets[0]["version"] == "1.0"
    assert packets[0]["clock"]["interval"] == "2026-05-01T00:00:00Z/2026-05-01T03:00:00Z"
    assert [p["id"] for p in packets[1:]] == ["norad-48274", "norad-44204", "norad-1",
                                              "footprint-norad-48274", "footprint-norad-44204"]
    for i, packet in enumerate(packets[1:3]):
        pos = packet["position"]
        assert pos["referenceFrame"] == "FIXED" and pos["epoch"] == "2026-05-01T00:00:00Z"
        assert packet["availability"] == "2026-05-01T00:00:00Z/2026-05-01T03:00:00Z"
        samples = np.asarray(pos["cartesian"]).reshape(-1, 4)
        assert np.allclose(samples[:, 0], np.arange(samples.shape[0]) * 30.0)
        assert np.allclose(samples[:, 1:], track.r_itrs_km[i] * 1000.0, atol=1e-3)
    assert "position" not in packets[3]


def test_czml_skips_failed_samples():
    times = START + np.arange(4).astype("timedelta64[m]").astype("timedelta64[ns]")
    t = GroundTrack.from_arrays(times, [[0, 1, 2, 3.0]], [[0, 1, 2, 3.0]], [[400.0] * 4], [5],
                                ["x"], ok=[[False, True, False, True]])
    packet = track_to_czml(t)[1]
    samples = np.asarray(packet["position"]["cartesian"]).reshape(-1, 4)
    assert samples[:, 0].tolist() == [60.0, 180.0]
    assert packet["availability"] == "2026-05-01T00:01:00Z/2026-05-01T00:03:00Z"


def test_csv_rows_and_header(track):
    rows = list(csv.DictReader(io.StringIO(track_to_csv(track))))
    assert list(rows[0]) == ["time_utc", "norad_id", "name", "lat_deg", "lon_deg", "alt_km",
                             "kind"]
    assert sum(r["kind"] == "track" for r in rows) == int(track.ok.sum())
    assert sum(r["kind"] == "footprint" for r in rows) == 2 * 181
    assert rows[0]["time_utc"] == "2026-05-01T00:00:00Z" and rows[0]["norad_id"] == "48274"
    assert float(rows[1]["lat_deg"]) == pytest.approx(track.lat_deg[0, 1], abs=1e-5)


@pytest.mark.parametrize("ext", [".geojson", ".kml", ".czml", ".csv", ".json"])
def test_write_track_by_extension(track, tmp_path, ext):
    path = write_track(track, tmp_path / f"gt{ext.upper() if ext == '.kml' else ext}")
    text = path.read_text(encoding="utf-8")
    if ext in (".geojson", ".czml", ".json"):
        json.loads(text)
    elif ext == ".kml":
        ET.fromstring(text.encode("utf-8"))
    assert len(text) > 100


def test_write_track_unknown_extension(track, tmp_path):
    with pytest.raises(UserError, match="format"):
        write_track(track, tmp_path / "gt.shp")
