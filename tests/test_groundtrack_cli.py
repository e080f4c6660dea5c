"""``orbitkit groundtrack``: real CSS elements, every output format, offline, and errors.

The China Space Station (Tianhe, NORAD 48274) flies at i = 41.47 deg (CelesTrak snapshot of
2026-02-24); its ground track must reach that latitude. Every run here has the network cut.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest

from orbitkit.cli import main

START = "2026-05-01T00:00:00Z"
CSS = 48274


def _have(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False




@pytest.fixture(autouse=True)
def _offline(no_network):
    """Every test here runs with the network refused (conftest's no_network)."""


@pytest.fixture
def css_lines(active_2026: Path) -> tuple[str, str, str]:
    lines = active_2026.read_text(encoding="utf-8").splitlines()
    for k, line in enumerate(lines):
        if line.startswith(f"1 {CSS}U"):
            return lines[k - 1].strip(), line, lines[k + 1]
    pytest.fail("CSS not in the 2026 snapshot")


@pytest.fixture
def css_file(tmp_path: Path, css_lines) -> Path:
    path = tmp_path / "css.tle"
    path.write_text("\n".join(css_lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def css_set(css_lines):
    from sgp4.api import Satrec

    from orbitkit.elements.model import ElementSet

    sat = Satrec.twoline2rv(css_lines[1], css_lines[2])
    epoch = datetime(2026, 2, 24, tzinfo=UTC)  # only used for display and staleness here
    return ElementSet(norad_id=CSS, name=css_lines[0], epoch=epoch, satrec=sat, source="file",
                      origin="test", line1=css_lines[1], line2=css_lines[2])


# --- the library path on real elements ----------------------------------------------------


def test_css_track_reaches_its_inclination(css_set):
    """Over 24 h the CSS track's extreme latitudes are +-41.47 deg geocentric; geodetic
    latitude at 390 km is up to 0.18 deg higher, so the extremes fall in 41.4..41.7 deg."""
    from orbitkit.groundtrack import ground_track

    gt = ground_track([css_set], START, hours=24.0, step_s=30.0)
    assert gt.ok.all()
    assert 41.4 <= np.nanmax(gt.lat_deg) <= 41.7
    assert -41.7 <= np.nanmin(gt.lat_deg) <= -41.4
    assert np.all((gt.alt_km > 300) & (gt.alt_km < 500))
    for seg in gt.segments(0):
        assert np.all(np.abs(np.diff(seg.lon_deg)) <= 180.0)


def test_czml_positions_match_our_ephemeris(css_set):
    """CZML FIXED cartesian samples equal propagate()'s ITRS positions within 1 mm."""
    from orbitkit.export import track_to_czml
    from orbitkit.groundtrack import ground_track
    from orbitkit.propagation import propagate
    from orbitkit.timeutil import format_utc

    gt = ground_track([css_set], START, hours=1.0, step_s=60.0)
    eph = propagate([css_set], gt.times)
    packets = track_to_czml(gt)
    assert packets[0]["id"] == "document"
    samples = np.asarray(packets[1]["position"]["cartesian"]).reshape(-1, 4)
    assert np.allclose(samples[:, 1:], eph.r_itrs_km[0] * 1000.0, atol=1e-3)
    assert packets[1]["position"]["epoch"] == format_utc(datetime(2026, 5, 1, tzinfo=UTC))


# --- the command line ---------------------------------------------------------------------


def _run(*argv: str) -> int:
    return main(["groundtrack", *argv])


@pytest.mark.parametrize("ext", [".png", ".svg", ".geojson", ".kml", ".czml", ".csv"])
def test_cli_css_with_elements_file_every_format(css_file, tmp_path, ext):
    out = tmp_path / f"gt{ext}"
    status = _run(str(CSS), "--elements", str(css_file), "--start", START, "--hours", "3",
                  "--footprint-mask-deg", "10", "--station", "beijing", "--terminator",
                  "--out", str(out))
    assert status == 0 and out.stat().st_size > 1000
    text = out.read_text(encoding="utf-8") if ext != ".png" else ""
    if ext == ".geojson":
        doc = json.loads(text)
        track = doc["features"][0]
        assert track["properties"]["norad_id"] == CSS
        assert track["properties"]["start_utc"] == START
        assert track["properties"]["stop_utc"] == "2026-05-01T03:00:00Z"
        lines = (track["geometry"]["coordinates"] if track["geometry"]["type"] ==
                 "MultiLineString" else [track["geometry"]["coordinates"]])
        lat = np.concatenate([np.asarray(line)[:, 1] for line in lines])
        assert np.max(np.abs(lat)) == pytest.approx(41.5, abs=0.25)
        for line in lines:
            assert np.all(np.abs(np.diff(np.asarray(line)[:, 0])) <= 180.0)
    elif ext == ".kml":
        root = ET.fromstring(text.encode("utf-8"))
        assert root.find(".//{http://www.opengis.net/kml/2.2}Placemark") is not None
    elif ext == ".czml":
        packets = json.loads(text)
        assert packets[0]["id"] == "document" and packets[1]["id"] == f"norad-{CSS}"
        assert packets[1]["position"]["referenceFrame"] == "FIXED"
    elif ext == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
        assert sum(r["kind"] == "track" for r in rows) == 361
        assert rows[0]["norad_id"] == str(CSS)
    elif ext == ".png":
        _assert_not_blank(out)
    elif ext == ".svg":
        assert "<svg" in text


def _assert_not_blank(path: Path) -> None:
    import matplotlib.image as mpimg

    from orbitkit.plots.basemap import LAND_COLOR, OCEAN_COLOR

    img = mpimg.imread(path)[..., :3].reshape(-1, 3)
    from matplotlib.colors import to_rgb

    def share(color: str) -> float:
        return float(np.mean(np.all(np.abs(img - np.array(to_rgb(color))) < 3 / 255, axis=1)))

    assert share(OCEAN_COLOR) > 0.05 and share(LAND_COLOR) > 0.02
    packed = (np.round(img * 255).astype(np.int64) * [65536, 256, 1]).sum(axis=1)
    assert np.unique(packed).size > 50


def test_cli_tiangong_offline_from_nominal_default(tmp_path, capsys):
    """No files, no cache, no network: the nominal design orbit draws, flagged illustrative."""
    out = tmp_path / "gt.png"
    status = _run("tiangong", "--start", START, "--hours", "3", "--offline", "--out", str(out))
    err = capsys.readouterr().err
    assert status == 0, err
    assert "illustrative" in err
    _assert_not_blank(out)


@pytest.mark.skipif(not _have("cartopy"), reason="projections need cartopy")
@pytest.mark.parametrize("projection", ["robinson", "orthographic"])
def test_cli_projections(tmp_path, projection):
    out = tmp_path / "gt.png"
    status = _run("tiangong", "--start", START, "--hours", "1.5", "--offline", "--projection",
                  projection, "--station", "39.9,116.4", "--out", str(out))
    assert status == 0
    _assert_not_blank(out)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tiangong", "--out", "gt.shp"], "cannot tell the format"),
        (["tiangong", "--out", "gt.png", "--station", "atlantis"], "atlantis"),
        (["tiangong", "--out", "gt.png", "--hours", "10000", "--step-s", "1"], "samples"),
        (["tiangong", "--out", "gt.png", "--center", "north"], "--center"),
        (["tiangong", "--out", "gt.png", "--footprint-mask-deg", "95"], "mask"),
        (["tiangong", "--out", "no/such/dir/gt.png"], "does not exist"),
        # used to die with an internal OverflowError
        (["tiangong", "--out", "gt.png", "--hours", "inf"], "finite"),
    ],
)
def test_cli_user_errors_exit_2(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    try:
        status = _run(*argv)
    except SystemExit as exc:  # refused by the option parser itself
        status = exc.code
    assert status == 2
    assert message in capsys.readouterr().err


def test_cli_help_lists_the_formats(capsys):
    with pytest.raises(SystemExit) as exc:
        _run("--help")
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in (".geojson", ".kml", ".czml", "--footprint-mask-deg", "--terminator"):
        assert word in out
