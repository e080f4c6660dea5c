"""The offline map layer: maps render with no network and are not blank.

Authority for the trap: cartopy downloads Natural Earth on the first ``coastlines()`` and
fails or hangs offline (cartopy issues #1298, #1325, #2329). These tests make every network
path raise, point cartopy at empty data folders (a fresh machine), and render.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from orbitkit.errors import UserError
from orbitkit.plots import basemap

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


@pytest.fixture
def no_network(no_network):
    """conftest's no_network, with the land cache emptied so the map data is read afresh."""
    basemap.load_land.cache_clear()
    yield
    basemap.load_land.cache_clear()


def _rgb_at(fig, ax, lon: float, lat: float) -> np.ndarray:
    """The rendered RGB colour (0..1) at a geographic point."""
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0
    if basemap.is_geo_axes(ax):
        import cartopy.crs as ccrs

        x, y = ax.projection.transform_point(lon, lat, ccrs.PlateCarree())
    else:
        x, y = lon, lat
    px, py = ax.transData.transform((x, y))
    row = img.shape[0] - int(round(py))
    return img[row, int(round(px))]


def _hex_rgb(color: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array(to_rgb(color))


BACKENDS = ["matplotlib"] + (["cartopy"] if basemap.cartopy_available() else [])
PROJECTIONS = [("platecarree", b) for b in BACKENDS] + (
    [("robinson", "cartopy"), ("orthographic", "cartopy")]
    if basemap.cartopy_available()
    else []
)


@pytest.mark.parametrize(("projection", "backend"), PROJECTIONS)
def test_map_renders_offline_with_land_and_ocean(no_network, projection, backend):
    """The Sahara (20N 15E) renders as land and the South Atlantic (30S 10W) as sea, both
    within 2/255 of the layer's colours, with cartopy's downloader made to raise."""
    import matplotlib.pyplot as plt

    fig, ax = basemap.world_axes(projection, center=(10.0, 0.0), backend=backend,
                                 figsize=(8, 5), gridlines=False)
    try:
        land = _rgb_at(fig, ax, 15.0, 20.0)
        sea = _rgb_at(fig, ax, -10.0, -30.0)
        assert np.allclose(land, _hex_rgb(basemap.LAND_COLOR), atol=2 / 255), land
        assert np.allclose(sea, _hex_rgb(basemap.OCEAN_COLOR), atol=2 / 255), sea
    finally:
        plt.close(fig)


def test_png_is_not_blank(no_network, tmp_path):
    """A saved PNG holds land, sea and coastline pixels, not one flat colour."""
    import matplotlib.image as mpimg
    import matplotlib.pyplot as plt

    fig, ax = basemap.world_axes("platecarree", figsize=(8, 4))
    path = tmp_path / "map.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    img = mpimg.imread(path)[..., :3]
    flat = img.reshape(-1, 3)
    near = lambda c: np.all(np.abs(flat - _hex_rgb(c)) < 2 / 255, axis=1)  # noqa: E731
    assert near(basemap.LAND_COLOR).mean() > 0.05
    assert near(basemap.OCEAN_COLOR).mean() > 0.15
    packed = (np.round(flat * 255).astype(np.int64) * [65536, 256, 1]).sum(axis=1)
    assert np.unique(packed).size > 20


def test_map_renders_in_a_process_without_network(tmp_path):
    """A separate interpreter whose socket layer refuses everything draws a Robinson map."""
    script = tmp_path / "draw.py"
    script.write_text(
        "import socket, urllib.request\n"
        "def refuse(*a, **k):\n"
        "    raise SystemExit('network access attempted')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "urllib.request.urlopen = refuse\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "from orbitkit.plots.basemap import world_axes, cartopy_available\n"
        "proj = 'robinson' if cartopy_available() else 'platecarree'\n"
        f"fig, ax = world_axes(proj)\n"
        f"fig.savefig({str(tmp_path / 'out.png')!r})\n"
    )
    env = {"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin",
           "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.png").stat().st_size > 10_000


def test_bundled_data_is_natural_earth_with_provenance():
    """The shipped file names its source and licence; land covers ~29 % of the globe."""
    with open(basemap._BUNDLED, encoding="utf-8") as f:
        doc = json.load(f)
    assert "Natural Earth" in doc["source"] and "public domain" in doc["license"]
    data = basemap._bundled()
    assert data.resolution == "110m"
    # Spherical area of the land polygons: Natural Earth land is 29 % of Earth within 1.5 %.
    total = 0.0
    for rings in data.polygons:
        for k, ring in enumerate(rings):
            lon, lat = np.radians(ring[:, 0]), np.radians(ring[:, 1])
            a = 0.5 * np.sum((lon[1:] - lon[:-1]) * (np.sin(lat[1:]) + np.sin(lat[:-1])))
            total += abs(a) * (1 if k == 0 else -1)
    assert total / (4 * np.pi) == pytest.approx(0.29, abs=0.015)


def test_coastlines_leave_out_the_cuts():
    """No coastline edge runs along the +-180 deg cut or the South Pole closure."""
    for line in basemap._bundled().coastlines:
        on_cut = (np.abs(np.abs(line[:, 0]) - 180) < 1e-6) | (line[:, 1] < -90 + 1e-6)
        assert not np.any(on_cut[:-1] & on_cut[1:])


def test_import_orbitkit_does_not_load_matplotlib():
    code = ("import sys, orbitkit, orbitkit.plots.basemap, orbitkit.groundtrack;"
            "bad=[m for m in ('matplotlib','cartopy') if m in sys.modules];"
            "print(','.join(bad)); raise SystemExit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_projection_without_cartopy_is_a_clear_error():
    with pytest.raises(UserError, match="needs cartopy"):
        basemap.world_axes("robinson", backend="matplotlib")
    with pytest.raises(UserError, match="projection"):
        basemap.world_axes("mercator")


def test_helpers_draw_on_both_backends(no_network):
    import matplotlib.pyplot as plt

    for backend in BACKENDS:
        fig, ax = basemap.world_axes(backend=backend)
        lines = basemap.plot_lonlat(ax, [150, 170, -170, -150], [0, 10, 20, 30], color="r",
                                    label="track")
        assert len(lines) == 2 and lines[1].get_label().startswith("_")
        basemap.draw_stations(ax, [("Beijing", 39.9, 116.4), {"name": "x", "lat_deg": 0,
                                                             "lon_deg": 0}])
        basemap.draw_terminator(ax, "2026-05-01T00:00:00Z")
        fig.canvas.draw()
        plt.close(fig)


@pytest.mark.skipif(not basemap.cartopy_available(), reason="needs cartopy (and its pyshp)")
def test_richer_local_natural_earth_is_used_when_present(no_network, tmp_path):
    """A ne_50m_land.shp already in cartopy's data folder is read directly, not downloaded."""
    import cartopy
    import matplotlib.pyplot as plt
    import shapefile

    folder = tmp_path / "cartopy-pre" / "shapefiles" / "natural_earth" / "physical"
    folder.mkdir(parents=True)
    with shapefile.Writer(str(folder / "ne_50m_land"), shapeType=shapefile.POLYGON) as w:
        w.field("featurecla", "C")
        w.poly([[[-10, -10], [-10, 10], [10, 10], [10, -10], [-10, -10]]])  # clockwise shore
        w.record("Land")
    assert cartopy.config["pre_existing_data_dir"] == tmp_path / "cartopy-pre"
    data = basemap.load_land("auto")
    assert data.resolution == "50m" and data.path == folder / "ne_50m_land.shp"
    assert basemap.load_land("110m").resolution == "110m"
    fig, ax = basemap.world_axes(backend="cartopy", gridlines=False)
    assert np.allclose(_rgb_at(fig, ax, 0.0, 0.0), _hex_rgb(basemap.LAND_COLOR), atol=2 / 255)
    assert np.allclose(_rgb_at(fig, ax, 15.0, 20.0), _hex_rgb(basemap.OCEAN_COLOR),
                       atol=2 / 255)
    plt.close(fig)


def test_without_cartopy_the_layer_falls_back_to_plain_matplotlib(no_network, monkeypatch):
    """With cartopy unimportable, the default map is a plain plate carree axes."""
    import matplotlib.pyplot as plt

    monkeypatch.setitem(sys.modules, "cartopy", None)
    monkeypatch.setitem(sys.modules, "cartopy.crs", None)
    assert not basemap.cartopy_available()
    fig, ax = basemap.world_axes()
    assert not basemap.is_geo_axes(ax) and ax.get_xlim() == (-180.0, 180.0)
    assert np.allclose(_rgb_at(fig, ax, 15.0, 20.0), _hex_rgb(basemap.LAND_COLOR), atol=2 / 255)
    plt.close(fig)
    with pytest.raises(UserError, match="needs cartopy"):
        basemap.world_axes("orthographic")


def _synthetic_track(n_sats: int, groups: list[str]):
    from orbitkit.groundtrack import GroundTrack

    t = np.datetime64("2026-05-01T00:00:00", "ns") + np.arange(0, 3 * 3600 + 1, 60).astype(
        "timedelta64[s]").astype("timedelta64[ns]")
    phase = np.linspace(0, 6 * np.pi, t.size)
    lat = np.array([40 * np.sin(phase + k) for k in range(n_sats)])
    lon = np.array([((np.degrees(phase) * 0.5 + 30 * k + 180) % 360) - 180
                    for k in range(n_sats)])
    alt = np.full(lat.shape, 500.0)
    return GroundTrack.from_arrays(t, lat, lon, alt, list(range(1, n_sats + 1)),
                                   [f"SAT {k}" for k in range(n_sats)], groups=groups,
                                   footprint_mask_deg=5.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ground_track_map_legend_by_group_or_satellite(no_network, backend):
    import matplotlib.pyplot as plt

    from orbitkit.plots.groundtrack import plot_ground_track, track_colors

    by_group = _synthetic_track(4, ["MEO", "MEO", "IGSO", "GEO"])
    colors, labels = track_colors(by_group)
    assert labels == ["MEO", None, "IGSO", "GEO"] and colors[0] == colors[1] != colors[2]
    fig, ax = plot_ground_track(by_group, backend=backend, stations=[("Kashi", 39.5, 76.0)],
                                terminator=True)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["MEO", "IGSO", "GEO"]
    plt.close(fig)

    by_sat = _synthetic_track(2, ["", ""])
    _, labels = track_colors(by_sat)
    assert labels == ["SAT 0 (1)", "SAT 1 (2)"]
    fig, ax = plot_ground_track(by_sat, backend=backend, tick_minutes=30)
    texts = [t.get_text() for t in ax.texts]
    assert {"00:00", "00:30", "01:00"} <= set(texts)
    # the synthetic track is back at (0, 0) at 03:00: that label would print over 00:00's
    assert "03:00" not in texts
    plt.close(fig)


def test_the_no_network_fixture_really_refuses(no_network):
    """The offline tests above mean something only if a download attempt fails loudly."""
    import socket
    import urllib.request

    with pytest.raises(AssertionError, match="network access attempted"):
        urllib.request.urlopen("https://naciscdn.org/naturalearth/110m/physical/ne_110m_land.zip")
    with pytest.raises(AssertionError, match="network access attempted"):
        socket.create_connection(("celestrak.org", 443))


def test_stations_are_taken_as_every_other_function_takes_them(no_network):
    """find_passes and sky_view take site keys and "LAT,LON" strings; the maps failed on them
    with ``'str' object has no attribute 'lat_deg'`` (and split one string into letters)."""
    import matplotlib.pyplot as plt

    from orbitkit.errors import SiteError
    from orbitkit.plots.groundtrack import plot_ground_track
    from orbitkit.sites import parse_site

    assert basemap.station_fields("39.9,116.4") == ("39.9000,116.4000", 39.9, 116.4)
    site = parse_site("beijing")
    assert basemap.station_fields("beijing") == (site.name, site.lat_deg, site.lon_deg)
    with pytest.raises(SiteError):
        basemap.station_fields("no-such-station")
    fig, ax = plot_ground_track(_synthetic_track(1, [""]), backend="matplotlib",
                                stations="39.9,116.4")
    n_markers = len(ax.collections)
    plt.close(fig)
    fig, ax = plot_ground_track(_synthetic_track(1, [""]), backend="matplotlib",
                                stations=[("x", 39.9, 116.4)])
    assert len(ax.collections) == n_markers  # one marker, as for the tuple form
    plt.close(fig)
