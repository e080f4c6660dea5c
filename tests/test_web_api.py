"""``orbitkit serve``'s JSON endpoints, through Starlette's test client (issue 19).

The authority is the command line: every endpoint must give the numbers the CLI verb gives
for the same inputs (``coverage --site`` for planning, ``passes --format json|csv|ics``,
``coverage --region global`` for the PDOP map), because both run one code path. Equality is
exact (the same floats, rounded the same way), except where a field is a timestamp of the
run (iCalendar's DTSTAMP).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from tests.cli_helpers import run_cli

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    # starlette >= 1.x suggests httpx2 for its test client; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from orbitkit.web.api import PlanningApi  # noqa: E402
from orbitkit.web.app import STATIC_DIR, create_app  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DAY = "2026-02-24"
BEIJING = (39.9042, 116.4074)
HONG_KONG = "22.3193,114.1694"


@pytest.fixture(scope="module")
def client(active_2026):
    api = PlanningApi([active_2026], offline=True)
    with TestClient(create_app(api=api), raise_server_exceptions=False) as c:
        yield c


# ----------------------------------------------------------------------------- planning


@pytest.mark.parametrize("target", ["beidou-3", "gnss", "beidou-3,gps,galileo,glonass"])
def test_planning_equals_coverage_cli_for_the_one_point_region(client, capsys, active_2026,
                                                               target):
    """/api/planning == ``orbitkit coverage TARGET --region LAT,LAT,LON,LON --site LAT,LON``
    at the same step and mask: the per-epoch series equal the CLI's site series number for
    number, and their means equal the one-point region's summary (to its 6 decimals)."""
    lat, lon = BEIJING
    r = client.get("/api/planning", params={"target": target, "lat": lat, "lon": lon,
                                            "date": DAY, "mask_deg": 15, "step_min": 20})
    assert r.status_code == 200, r.text
    web = r.json()
    status, out, err = run_cli(
        capsys, "coverage", target, "--elements", str(active_2026), "--offline",
        "--start", f"{DAY}T00:00:00Z", "--hours", "24", "--step-min", "20", "--mask-deg", "15",
        "--region", f"{lat},{lat},{lon},{lon}", "--site", f"{lat},{lon}", "--format", "json")
    assert status == 0, err
    cli = json.loads(out)
    site = cli["site"]
    assert len(web["times_utc"]) == 72 and web["times_utc"][0] == f"{DAY}T00:00:00Z"
    for key in ("times_utc", "visible", "pdop", "hdop", "vdop", "gdop", "tdop"):
        assert web[key] == site[key], key
    assert cli["points"] == 1 and cli["epochs"] == 72
    assert np.mean(web["visible"]) == pytest.approx(cli["mean_visible"], abs=1e-6)
    assert min(web["visible"]) == cli["min_visible"] and max(web["visible"]) == cli["max_visible"]
    # the CLI's mean is over unrounded PDOPs; the series is rounded to 1e-4
    pdop = [v for v in web["pdop"] if v is not None]
    assert np.mean(pdop) == pytest.approx(cli["mean_pdop"], abs=1e-4)
    assert web["satellites"] == cli["satellites"]
    if target == "gnss":
        assert web["constellations"] == ["BeiDou", "GPS", "Galileo", "GLONASS"]
        # the 'active' snapshot's low-orbit COSMOS and the ETALON spheres are not GLONASS
        (note,) = [w for w in web["warnings"] if "not navigation satellites" in w]
        assert note.startswith("85 object(s)") and "not navigation" in err
    if target.startswith("beidou-3,"):  # BeiDou-3 from the catalogue, the others from files
        assert web["constellations"] == ["beidou-3", "GPS", "Galileo", "GLONASS"]
        # 35 BeiDou-3; about 30-40 each of GPS, Galileo, GLONASS (no low-orbit COSMOS)
        assert 35 + 3 * 24 < web["satellites"] < 35 + 3 * 42
        assert web["elements"]["file"] == web["satellites"]


def test_planning_sky_agrees_with_the_visible_count(client):
    """The sky positions (skyview) and the count (coverage kernel) come from two functions of
    the library; at every epoch the satellites drawn above the mask are the ones counted
    (positions rounded to 0.1 deg, so a satellite within 0.05 deg of the mask may go either
    way)."""
    lat, lon = BEIJING
    web = client.get("/api/planning", params={"lat": lat, "lon": lon, "date": DAY}).json()
    el = np.array([[np.nan if e is None else e for e in s["el_deg"]]
                   for s in web["sky"]["satellites"]])
    assert el.shape == (len(web["sky"]["satellites"]), 144)
    with np.errstate(invalid="ignore"):
        surely = (el >= 10.05).sum(axis=0)
        maybe = (el >= 9.95).sum(axis=0)
    visible = np.array(web["visible"])
    assert np.all(surely <= visible) and np.all(visible <= maybe)
    assert 8 <= visible.min() and visible.max() <= 25  # BeiDou-3 over Beijing


def test_planning_horizon_file_equals_the_same_constant_mask(client):
    """A horizon of 20 deg all round counts the same satellites as mask_deg=20."""
    base = {"lat": BEIJING[0], "lon": BEIJING[1], "date": DAY}
    flat = client.get("/api/planning", params={**base, "mask_deg": 20}).json()
    horizon = client.get("/api/planning", params={**base, "horizon": "0 20;180 20"}).json()
    assert horizon["horizon"] == {"az_deg": [0.0, 180.0], "el_deg": [20.0, 20.0]}
    assert horizon["visible"] == flat["visible"]
    assert horizon["pdop"] == flat["pdop"]
    # and a real horizon (a wall to the south) hides satellites
    wall = client.get("/api/planning", params={**base, "horizon": "0 5\n90 5\n180 60\n270 5"})
    assert wall.status_code == 200
    assert sum(wall.json()["visible"]) < sum(client.get(
        "/api/planning", params={**base, "mask_deg": 5}).json()["visible"])


# ----------------------------------------------------------------------------- passes


def test_passes_equal_the_cli_json_csv_and_ics(client, capsys, active_2026):
    """/api/passes == ``orbitkit passes tiangong --station HK --start DAY --days 3 --format
    json``; the .csv and .ics exports are the CLI's files (ics but for its DTSTAMP)."""
    params = {"target": "tiangong", "station": HONG_KONG, "start": f"{DAY}T00:00:00Z",
              "days": "3"}
    r = client.get("/api/passes", params=params)
    assert r.status_code == 200, r.text
    argv = ("passes", "tiangong", "--station", HONG_KONG, "--start", f"{DAY}T00:00:00Z",
            "--days", "3", "--elements", str(active_2026), "--offline")
    status, out, err = run_cli(capsys, *argv, "--format", "json")
    assert status == 0, err
    assert r.json() == json.loads(out)
    assert len(r.json()) >= 10 and any(p["visible"] for p in r.json())
    assert any("Tiangong-2" in w for w in json.loads(r.headers["X-Orbitkit-Warnings"]))

    status, out, err = run_cli(capsys, *argv, "--format", "csv")
    r = client.get("/api/passes.csv", params=params)
    assert r.status_code == 200 and r.text == out
    assert r.headers["content-disposition"] == 'attachment; filename="passes-tiangong.csv"'

    status, out, err = run_cli(capsys, *argv, "--format", "ics")
    r = client.get("/api/passes.ics", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")

    def strip(text: str) -> list[str]:
        return [line for line in text.split("\r\n") if not line.startswith("DTSTAMP:")]

    assert strip(r.text) == strip(out) and r.text.count("BEGIN:VEVENT") == len(
        [p for p in client.get("/api/passes", params=params).json() if "rise_utc" in p])


def test_sets_switching_along_the_span_as_the_cli_switches_them(capsys, tle_dir):
    """Two snapshots (2021-08-24, 2021-09-20) hold two sets of Tianhe and of every BeiDou
    satellite: over 2021-09-03..06 the search switches sets at the midpoints between their
    epochs (Tianhe's on 2021-09-04 16:37 UTC). The endpoints take the same sets at the
    same instants as the CLI: passes and the planning day are equal to its JSON."""
    files = [tle_dir / "celestrak-active-2021-08-24.txt",
             tle_dir / "celestrak-active-2021-09-20.txt"]
    with TestClient(create_app(files, offline=True), raise_server_exceptions=False) as c:
        r = c.get("/api/passes", params={"target": "48274", "station": "beijing",
                                         "start": "2021-09-03T00:00:00Z", "days": 3})
        assert r.status_code == 200, r.text
        status, out, err = run_cli(
            capsys, "passes", "48274", "--station", "beijing", "--start",
            "2021-09-03T00:00:00Z", "--days", "3", "--elements", str(files[0]),
            "--elements", str(files[1]), "--offline", "--format", "json")
        assert status == 0, err
        assert r.json() == json.loads(out)
        assert any("2021-09-04 16:37" in w for w in
                   json.loads(r.headers["X-Orbitkit-Warnings"])), r.headers
        r = c.get("/api/planning", params={"target": "beidou", "lat": 39.9, "lon": 116.4,
                                           "date": "2021-09-06"})
        assert r.status_code == 200, r.text
        status, out, err = run_cli(
            capsys, "coverage", "beidou", "--elements", str(files[0]), "--elements",
            str(files[1]), "--offline",
            "--start", "2021-09-06T00:00:00Z", "--region", "39.9,39.9,116.4,116.4",
            "--site", "39.9,116.4", "--format", "json")
        assert status == 0, err
        site = json.loads(out)["site"]
        for key in ("visible", "pdop", "hdop", "vdop"):
            assert r.json()[key] == site[key], key


# ----------------------------------------------------------------------------- map, track


def test_pdop_map_equals_the_coverage_verb(client, capsys, active_2026):
    """/api/pdopmap == ``orbitkit coverage beidou-3 --region global --resolution-deg 5
    --step-min 30``: the same summary, and per-point means on the same grid."""
    r = client.get("/api/pdopmap", params={"date": DAY})
    assert r.status_code == 200, r.text
    web = r.json()
    status, out, err = run_cli(
        capsys, "coverage", "beidou-3", "--elements", str(active_2026), "--offline",
        "--start", f"{DAY}T00:00:00Z", "--resolution-deg", "5", "--step-min", "30",
        "--format", "json")
    assert status == 0, err
    cli = json.loads(out)
    for key in ("points", "epochs", "mean_visible", "min_visible", "max_visible", "mean_pdop",
                "pdop_availability", "satellites"):
        assert web[key] == cli[key], key
    assert len(web["lat_deg"]) == 37 and len(web["lon_deg"]) == 73
    grid = np.array([[np.nan if v is None else v for v in row] for row in web["map_mean_pdop"]])
    assert grid.shape == (37, 73) and np.nanmin(grid) >= 1.0 and np.nanmax(grid) < 10


def test_ground_track_now_is_the_propagated_position(client, active_2026):
    """The station's position at ``time`` equals a direct propagation; the track is cut at
    the antimeridian (no segment jumps more than one sample's worth of longitude)."""
    from datetime import UTC, datetime

    from orbitkit.elements.sources import load_element_sets
    from orbitkit.propagation import propagate

    t = "2026-02-24T06:00:00Z"
    r = client.get("/api/groundtrack", params={"target": "tiangong", "time": t})
    assert r.status_code == 200, r.text
    web = r.json()
    assert web["time_utc"] == t and len(web["satellites"]) == 1  # docked modules: one orbit
    sat = web["satellites"][0]
    sets = load_element_sets("48274", files=[active_2026], offline=True,
                             at=datetime(2026, 2, 24, tzinfo=UTC)).sets
    lat, lon, alt = propagate(sets, [datetime(2026, 2, 24, 6, tzinfo=UTC)]).geodetic()
    assert sat["now"]["lat_deg"] == pytest.approx(lat[0, 0], abs=1e-4)
    assert sat["now"]["lon_deg"] == pytest.approx(lon[0, 0], abs=1e-4)
    assert 350 < sat["now"]["alt_km"] < 450
    for seg in sat["segments"]:
        lons = np.array([p[0] for p in seg])
        assert np.all(np.abs(np.diff(lons)) < 10)
    assert sum(len(s) for s in sat["segments"]) >= 271  # 135 min every 30 s, plus cuts
    assert sat["footprint"] and len(sat["footprint"]) > 20


def test_info_sites_land_and_page_files(client):
    info = client.get("/api/info").json()
    assert info["offline"] is True and info["default_date"] == DAY
    assert info["constellations"] == ["BeiDou", "GPS", "Galileo", "GLONASS"]
    assert info["element_files"] == ["celestrak-active-2026-02-24.tle"]  # names, not paths
    sites = client.get("/api/sites").json()
    assert {"beijing", "hong-kong"} <= {s["key"] for s in sites}
    land = client.get("/api/land")
    assert land.status_code == 200 and land.json()["type"] == "FeatureCollection"
    page = client.get("/")
    assert page.status_code == 200 and 'data-testid="passes-table"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for path in STATIC_DIR.iterdir():
        r = client.get(f"/static/{path.name}")
        assert r.status_code == 200 and r.content == path.read_bytes(), path.name
        # nothing from another host: no absolute URL in any page file
        assert b"http://" not in r.content.replace(b"http://www.w3.org/2000/svg", b"")
        assert b"https://" not in r.content
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


# ----------------------------------------------------------------------------- bad input

BAD = [
    # (path, params, status, words the message must hold)
    ("/api/planning", {"lat": "200", "lon": "116", "date": DAY}, 400, ["'lat'", "200", "-90"]),
    ("/api/planning", {"lat": "abc", "lon": "116", "date": DAY}, 400, ["'lat'", "number"]),
    ("/api/planning", {"lon": "116", "date": DAY}, 400, ["'lat'", "missing"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": "2026-02-30"}, 400, ["calendar day"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": "24/02/2026"}, 400, ["YYYY-MM-DD"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": "2030-01-01"}, 422,
     ["outside the span", "2026-02-24", "--elements"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": "2026-02-24", "target": "nosuch"},
     404, ["unknown target", "nosuch"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": DAY, "step_min": "0.01"}, 400,
     ["'step_min'"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": DAY, "mask_deg": "90"}, 400,
     ["'mask_deg'"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": DAY, "mask_deg": "nan"}, 400,
     ["'mask_deg'"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": DAY, "horizon": "0 95"}, 400,
     ["horizon", "line 1"]),
    ("/api/planning", {"lat": "40", "lon": "116", "date": DAY, "target": "x" * 300}, 400,
     ["at most 200"]),
    ("/api/passes", {"station": HONG_KONG, "start": f"{DAY}T00:00:00Z", "days": "100"}, 400,
     ["'days'", "14"]),
    ("/api/passes", {"station": "200,100", "start": f"{DAY}T00:00:00Z"}, 400, ["latitude"]),
    ("/api/passes", {"station": "atlantis", "start": f"{DAY}T00:00:00Z"}, 400,
     ["unknown station"]),
    ("/api/passes", {"station": HONG_KONG, "start": "yesterday"}, 400, ["start"]),
    ("/api/passes", {"station": HONG_KONG, "start": "2026-02-24T00:00:00"}, 400, ["zone"]),
    ("/api/passes", {"station": HONG_KONG, "start": "2029-02-24T00:00:00Z"}, 422,
     ["outside the span"]),
    ("/api/passes", {"start": f"{DAY}T00:00:00Z"}, 400, ["'station'", "missing"]),
    ("/api/passes.ics", {"station": HONG_KONG, "target": "nosuch"}, 404, ["unknown target"]),
    ("/api/pdopmap", {"date": DAY, "resolution_deg": "0.5"}, 400, ["resolution_deg"]),
    ("/api/pdopmap", {"date": DAY, "resolution_deg": "2", "step_min": "5"}, 413,
     ["point-epochs"]),
    ("/api/groundtrack", {"time": f"{DAY}T00:00:00Z", "before_min": "300",
                          "after_min": "300"}, 400, ["before_min + after_min"]),
    ("/api/groundtrack", {"time": "2031-01-01T00:00:00Z"}, 422, ["outside the span"]),
    ("/api/nothing", {}, 404, ["not found"]),
    ("/static/../../etc/passwd", {}, 404, []),
    ("/static/..%2f..%2fetc%2fpasswd", {}, 404, []),
    ("/static/%2e%2e/%2e%2e/etc/passwd", {}, 404, []),
    ("/static/%252e%252e/etc/passwd", {}, 404, []),
    ("/static/", {}, 404, []),
    ("/static/app.js/..", {}, 404, []),
]


@pytest.mark.parametrize(("path", "params", "status", "words"), BAD,
                         ids=[f"{p}-{i}" for i, (p, *_rest) in enumerate(BAD)])
def test_bad_input_is_a_4xx_with_a_json_error(client, tried, path, params, status, words):
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]
    assert "Traceback" not in r.text and "File \"" not in r.text
    for word in words:
        assert word in body["error"], (word, body["error"])
    tried("web endpoint bad inputs")


def test_messages_do_not_show_the_servers_folders(client, active_2026):
    """An error that names what was tried says "1 element file(s), the cache", as the CLI
    would, but not where the server keeps them."""
    import os

    r = client.get("/api/planning", params={"target": "99999", "lat": 40, "lon": 116,
                                            "date": DAY})
    assert r.status_code == 422
    message = r.json()["error"]
    assert "99999" in message and "the cache" in message
    assert str(active_2026.parent) not in message
    assert os.environ["ORBITKIT_CACHE_DIR"] not in message


def test_an_internal_error_is_a_500_without_a_traceback(client, monkeypatch):
    """A bug answers with a one-line JSON error; the traceback goes to the log only."""
    from orbitkit.web import api as api_module

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(api_module.PlanningApi, "sites", broken)
    r = client.get("/api/sites")
    assert r.status_code == 500
    assert r.json() == {"error": "internal error (ZeroDivisionError); this is a bug in "
                                 "orbitkit: the server's log has the details"}


def test_a_fresh_install_offline_serves_the_page_from_nominal_orbits(tmp_path):
    """``orbitkit serve --offline`` with no element file and an empty cache: the page and
    its planning answer, from the catalogue's nominal design orbits, and say so."""
    with TestClient(create_app(offline=True), raise_server_exceptions=False) as c:
        assert c.get("/").status_code == 200
        assert c.get("/api/info").json()["element_files"] == []
        r = c.get("/api/planning", params={"lat": 39.9, "lon": 116.4, "date": "2026-06-01"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["elements"]["illustrative"] is True and body["satellites"] == 35
        assert any("nominal" in w for w in body["warnings"])
        assert min(body["visible"]) >= 6  # 35 design slots over Beijing
        r = c.get("/api/passes", params={"station": "hong-kong", "start": "2026-06-01T00:00:00Z",
                                         "days": 1})
        assert r.status_code == 200
        assert any("nominal" in w for w in json.loads(r.headers["X-Orbitkit-Warnings"]))
        r = c.get("/api/planning", params={"target": "gnss", "lat": 39.9, "lon": 116.4,
                                           "date": "2026-06-01"})
        assert r.status_code == 400 and "--elements" in r.json()["error"]


def test_serve_refuses_a_missing_element_file_and_a_busy_port(capsys, tmp_path):
    """Start-up errors exit 2 with one line, before any server runs."""
    import socket

    status, out, err = run_cli(capsys, "serve", "--elements", str(tmp_path / "nope.tle"),
                               "--offline", "--port", "0")
    assert status == 2 and "--port 0" in err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, out, err = run_cli(capsys, "serve", "--offline", "--port", str(port))
    assert status == 2 and "already in use" in err and "Traceback" not in err
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, out, err = run_cli(capsys, "serve", "--elements", str(tmp_path / "nope.tle"),
                               "--offline", "--port", str(port))
    assert status == 2 and "nope.tle" in err and "does not exist" in err
