"""The one map layer of orbitkit: world maps whose land and coastlines draw offline.

Every map in orbitkit (ground tracks, coverage, passes) starts from :func:`world_axes`, and
draws longitude/latitude data with the helpers here so that lines are cut at the antimeridian
and stations and the day/night terminator look the same everywhere.

Where the map data comes from
-----------------------------
cartopy's ``ax.coastlines()`` downloads Natural Earth on first use and fails or hangs without
a network, so orbitkit never calls it. Instead:

1. **Default, always available:** Natural Earth 1:110m *land* polygons (version 4.1.0, public
   domain), shipped inside orbitkit as ``orbitkit/data/naturalearth/ne_110m_land.geojson``
   (86 KB). It was decoded from the npm package ``world-atlas`` 2.0.2 by
   ``orbitkit/data/naturalearth/make_land.py``; the file's ``source`` member says so.
   Coastlines are the boundaries of those polygons less the artificial cuts at +-180 deg and
   along the South Pole.
2. **Richer data the user already has:** when cartopy is installed and its data folders
   (``cartopy.config["pre_existing_data_dir"]`` or ``["data_dir"]``) already hold Natural Earth
   ``ne_50m_land.shp`` / ``ne_10m_land.shp``, ``resolution="auto"`` uses the finest one found
   (read straight from the file: cartopy's downloader is never asked).

Projections need cartopy (``platecarree``, ``robinson``, ``orthographic``); without cartopy the
layer falls back to plain matplotlib axes in plate carree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.errors import UserError

__all__ = [
    "PROJECTIONS",
    "RESOLUTIONS",
    "MapData",
    "load_land",
    "map_data_source",
    "cartopy_available",
    "world_axes",
    "is_geo_axes",
    "lonlat_kwargs",
    "plot_lonlat",
    "draw_stations",
    "draw_terminator",
    "station_fields",
    "lonlat_xycoords",
]

PROJECTIONS = ("platecarree", "robinson", "orthographic")
RESOLUTIONS = ("auto", "110m", "50m", "10m")

_BUNDLED = Path(__file__).resolve().parents[1] / "data" / "naturalearth" / "ne_110m_land.geojson"

# Colours: pale land on a pale blue sea, so tracks and footprints in saturated colours stand out.
LAND_COLOR = "#e6e0cf"
OCEAN_COLOR = "#d4e6f1"
COAST_COLOR = "#6b6b6b"

# A coordinate this close to +-180 deg or -90 deg lies on a cut made when the polygons were
# prepared for a flat map, not on a real shore (the data are rounded to 0.001 deg).
_EDGE_TOL_DEG = 1e-6


@dataclass(frozen=True)
class MapData:
    """Land for a world map, in geographic degrees.

    Attributes
    ----------
    polygons
        One entry per land polygon: a list of rings, each an ``(N, 2)`` array of
        ``(lon_deg, lat_deg)``; the first ring is the shore, the others are holes (lakes).
        Exteriors run counter-clockwise and holes clockwise.
    coastlines
        Polylines ``(N, 2)`` of real shore (cuts at the antimeridian and the pole removed).
    resolution
        ``"110m"``, ``"50m"`` or ``"10m"``.
    source
        Where the data came from, in words (a file path or the bundled file's provenance).
    path
        The shapefile read, or ``None`` for the bundled data.
    """

    polygons: list[list[np.ndarray]]
    coastlines: list[np.ndarray]
    resolution: str
    source: str
    path: Path | None = None


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _oriented(ring: np.ndarray, ccw: bool) -> np.ndarray:
    # matplotlib fills compound paths with the non-zero rule: holes must wind the other way.
    return ring if (_signed_area(ring) > 0) == ccw else ring[::-1]


def _real_shore(ring: np.ndarray) -> list[np.ndarray]:
    """Split a ring into polylines, dropping edges that lie on the +-180 deg or pole cuts."""
    lon, lat = ring[:, 0], ring[:, 1]
    on_cut = (np.abs(np.abs(lon) - 180.0) < _EDGE_TOL_DEG) | (lat < -90.0 + _EDGE_TOL_DEG)
    artificial = on_cut[:-1] & on_cut[1:]  # an edge is artificial when both ends are on a cut
    lines: list[np.ndarray] = []
    start = 0
    for i in np.flatnonzero(artificial):
        if i + 1 - start >= 2:
            lines.append(ring[start : i + 1])
        start = i + 1
    if len(ring) - start >= 2:
        lines.append(ring[start:])
    return lines


@lru_cache(maxsize=1)
def _bundled() -> MapData:
    with open(_BUNDLED, encoding="utf-8") as f:
        doc = json.load(f)
    polygons: list[list[np.ndarray]] = []
    for feature in doc["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            rings = [np.asarray(r, dtype=float) for r in poly]
            polygons.append(
                [_oriented(rings[0], ccw=True)] + [_oriented(r, ccw=False) for r in rings[1:]]
            )
    coast = [line for poly in polygons for ring in poly for line in _real_shore(ring)]
    return MapData(polygons, coast, "110m", f"bundled {_BUNDLED.name}: {doc.get('source', '')}")


def _cartopy_local_shapefile(name: str, resolution: str) -> Path | None:
    """A Natural Earth shapefile already on disk in cartopy's data folders, else ``None``."""
    try:
        import cartopy
    except ImportError:
        return None
    rel = Path("shapefiles", "natural_earth", "physical", f"ne_{resolution}_{name}.shp")
    for key in ("pre_existing_data_dir", "data_dir"):
        base = cartopy.config.get(key)
        if base and str(base) not in ("", ".") and (Path(base) / rel).is_file():
            return Path(base) / rel
    return None


def _shape_parts(shape: Any, min_points: int) -> list[np.ndarray]:
    pts = np.asarray(shape.points, dtype=float)
    bounds = list(shape.parts) + [len(pts)]
    return [pts[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b - a >= min_points]


def _from_shapefile(path: Path, resolution: str) -> MapData:
    import shapefile  # pyshp: a cartopy dependency

    with shapefile.Reader(str(path)) as reader:
        # Shapefile rings already wind oppositely for shores and holes; keep them together.
        polygons = [_shape_parts(shape, 3) for shape in reader.iterShapes()]
    coast_path = _cartopy_local_shapefile("coastline", resolution)
    if coast_path is not None:
        with shapefile.Reader(str(coast_path)) as reader:
            coast = [line for shape in reader.iterShapes() for line in _shape_parts(shape, 2)]
    else:
        coast = [line for poly in polygons for ring in poly for line in _real_shore(ring)]
    return MapData(polygons, coast, resolution, f"local Natural Earth file {path}", path)


@lru_cache(maxsize=4)
def load_land(resolution: str = "auto") -> MapData:
    """Land polygons and coastlines for a world map, never downloading anything.

    Parameters
    ----------
    resolution
        ``"110m"`` is the bundled Natural Earth file (always there). ``"50m"``/``"10m"`` are
        used when cartopy's data folders already hold them, otherwise the bundled 110m data is
        returned (check :attr:`MapData.resolution`). ``"auto"`` takes the finest on disk.

    Raises
    ------
    UserError
        For a resolution that is not one of :data:`RESOLUTIONS`.
    """
    if resolution not in RESOLUTIONS:
        raise UserError(f"map resolution {resolution!r}: use one of {', '.join(RESOLUTIONS)}")
    wanted = ("10m", "50m") if resolution == "auto" else (resolution,)
    for res in wanted:
        if res == "110m":
            break
        path = _cartopy_local_shapefile("land", res)
        if path is not None:
            try:
                return _from_shapefile(path, res)
            except Exception:  # noqa: BLE001 - a broken user file must not cost the map
                continue
    return _bundled()


def map_data_source(resolution: str = "auto") -> str:
    """One line saying which land data a map at ``resolution`` would draw."""
    return load_land(resolution).source


def cartopy_available() -> bool:
    """Whether cartopy imports (projections other than plate carree need it)."""
    try:
        import cartopy.crs  # noqa: F401
    except ImportError:
        return False
    return True


def is_geo_axes(ax: Any) -> bool:
    """True for a cartopy ``GeoAxes`` (it has a ``projection``)."""
    return hasattr(ax, "projection") and hasattr(ax, "set_global")


def lonlat_kwargs(ax: Any) -> dict[str, Any]:
    """Keyword arguments that make a plotting call read (lon_deg, lat_deg) on ``ax``.

    ``{"transform": PlateCarree()}`` on a cartopy map, ``{}`` on a plain matplotlib map whose
    data coordinates already are degrees.
    """
    if is_geo_axes(ax):
        import cartopy.crs as ccrs

        return {"transform": ccrs.PlateCarree()}
    return {}


def _cartopy_projection(projection: str, center: tuple[float, float]):
    import cartopy.crs as ccrs

    lat0, lon0 = float(center[0]), float(center[1])
    if projection == "platecarree":
        return ccrs.PlateCarree(central_longitude=lon0)
    if projection == "robinson":
        return ccrs.Robinson(central_longitude=lon0)
    return ccrs.Orthographic(central_longitude=lon0, central_latitude=lat0)


def world_axes(
    projection: str = "platecarree",
    center: tuple[float, float] = (0.0, 0.0),
    ax: Any = None,
    figsize: tuple[float, float] | None = None,
    *,
    resolution: str = "auto",
    land_color: str = LAND_COLOR,
    ocean_color: str = OCEAN_COLOR,
    coast_color: str = COAST_COLOR,
    gridlines: bool = True,
    backend: str = "auto",
) -> tuple[Any, Any]:
    """A world map with land and coastlines drawn from offline data.

    Parameters
    ----------
    projection
        ``"platecarree"`` (default), ``"robinson"`` or ``"orthographic"``.
    center
        ``(lat_deg, lon_deg)``: the central meridian is ``lon_deg``; orthographic maps are
        also centred on ``lat_deg`` (e.g. a ground station). Degrees.
    ax
        Draw on this existing axes instead of a new figure. With cartopy it must be a
        ``GeoAxes``; on plain matplotlib axes the data coordinates are (lon_deg, lat_deg).
    figsize
        Figure size in inches for a new figure.
    resolution
        Land data resolution, see :func:`load_land`.
    land_color, ocean_color, coast_color
        Matplotlib colours.
    gridlines
        Draw a 30 deg graticule.
    backend
        ``"auto"`` (cartopy when installed), ``"cartopy"`` or ``"matplotlib"`` (plate carree
        only, no cartopy needed).

    Returns
    -------
    (fig, ax)
        The matplotlib figure and axes. Draw longitude/latitude data with
        ``**lonlat_kwargs(ax)`` or the helpers :func:`plot_lonlat`, :func:`draw_stations`,
        :func:`draw_terminator`.

    Raises
    ------
    UserError
        Unknown projection or backend, or a projection that needs cartopy when it is missing.
    """
    if projection not in PROJECTIONS:
        raise UserError(f"projection {projection!r}: use one of {', '.join(PROJECTIONS)}")
    if backend not in ("auto", "cartopy", "matplotlib"):
        raise UserError(f"map backend {backend!r}: use auto, cartopy or matplotlib")
    lat0, lon0 = float(center[0]), float(center[1])
    if not (-90.0 <= lat0 <= 90.0 and -180.0 <= lon0 <= 360.0):
        raise UserError(f"map centre ({lat0}, {lon0}) is not a latitude/longitude in degrees")

    use_cartopy = backend == "cartopy" or (backend == "auto" and cartopy_available())
    if ax is not None:
        use_cartopy = is_geo_axes(ax)
    if backend == "cartopy" and not cartopy_available():
        raise UserError("the cartopy map backend was asked for but cartopy is not installed")
    if not use_cartopy and projection != "platecarree":
        raise UserError(
            f"the {projection} projection needs cartopy (pip install cartopy); "
            "without it only 'platecarree' is available"
        )

    import matplotlib.pyplot as plt

    if figsize is None:
        figsize = (7.0, 7.0) if projection == "orthographic" else (11.0, 6.0)
    if use_cartopy:
        if ax is None:
            fig = plt.figure(figsize=figsize)
            ax = fig.add_subplot(1, 1, 1, projection=_cartopy_projection(projection, center))
        fig = ax.figure
        _draw_cartopy(ax, resolution, land_color, ocean_color, coast_color, gridlines,
                      labels=projection)
    else:
        if ax is None:
            fig, ax = plt.subplots(figsize=figsize)
        fig = ax.figure
        _draw_matplotlib(ax, resolution, land_color, ocean_color, coast_color, gridlines)
    return fig, ax


def _draw_cartopy(ax, resolution, land_color, ocean_color, coast_color, gridlines, labels):
    import cartopy.crs as ccrs
    from shapely.geometry import LineString, Polygon

    data = load_land(resolution)
    pc = ccrs.PlateCarree()
    ax.set_global()
    ax.set_facecolor(ocean_color)
    if data.path is not None:
        from cartopy.io.shapereader import Reader

        # Reading a file by path never involves cartopy's downloader.
        polys = list(Reader(str(data.path)).geometries())
    else:
        polys = [Polygon(rings[0], rings[1:]) for rings in data.polygons]
    ax.add_geometries(polys, crs=pc, facecolor=land_color, edgecolor="none", zorder=0.5)
    lines = [LineString(c) for c in data.coastlines if len(c) >= 2]
    ax.add_geometries(lines, crs=pc, facecolor="none", edgecolor=coast_color,
                      linewidth=0.5, zorder=0.6)
    if gridlines:
        # Labels only where they read well: both axes on plate carree, latitudes on Robinson
        # (its curved meridians crowd the bottom edge), none on the orthographic globe.
        draw = labels in ("platecarree", "robinson")
        gl = ax.gridlines(crs=pc, draw_labels=draw, linewidth=0.4, color="#999999",
                          alpha=0.6, linestyle=":", xlocs=np.arange(-180, 181, 30),
                          ylocs=np.arange(-90, 91, 30))
        if draw:
            gl.top_labels = False
            gl.right_labels = False
            if labels == "robinson":
                gl.bottom_labels = False


def _draw_matplotlib(ax, resolution, land_color, ocean_color, coast_color, gridlines):
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    data = load_land(resolution)
    ax.set_facecolor(ocean_color)
    for rings in data.polygons:
        verts = np.concatenate(rings)
        codes = np.concatenate(
            [[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 1) for r in rings]
        )
        ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=land_color, edgecolor="none",
                               zorder=0.5))
    ax.add_collection(LineCollection(data.coastlines, colors=coast_color, linewidths=0.5,
                                     zorder=0.6))
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_aspect("equal")
    ax.set_xticks(np.arange(-180, 181, 60))
    ax.set_yticks(np.arange(-90, 91, 30))
    ax.set_xlabel("longitude [deg]")
    ax.set_ylabel("latitude [deg]")
    if gridlines:
        ax.grid(True, linewidth=0.4, color="#999999", alpha=0.6, linestyle=":")


def plot_lonlat(ax: Any, lon_deg: Any, lat_deg: Any, **kwargs: Any) -> list[Any]:
    """Draw a polyline of (lon, lat) degrees, cut where it crosses the antimeridian.

    NaN samples break the line too. ``label`` is given to the first piece only, so a legend
    shows one entry. Returns the matplotlib ``Line2D`` objects.
    """
    from orbitkit.groundtrack import split_at_antimeridian

    label = kwargs.pop("label", None)
    kw = {**lonlat_kwargs(ax), **kwargs}
    out = []
    for seg in split_at_antimeridian(lon_deg, lat_deg):
        (line,) = ax.plot(seg.lon_deg, seg.lat_deg, label=label if not out else None, **kw)
        out.append(line)
    return out


def station_list(stations: Any) -> list[Any]:
    """``stations`` as a list; one station (a Site or a string) is a list of one."""
    from orbitkit.sites import Site

    if isinstance(stations, str | Site | dict):
        return [stations]
    return list(stations)


def station_fields(station: Any) -> tuple[str, float, float]:
    """``(name, lat_deg, lon_deg)`` of a Site, a site key or ``"LAT,LON[,ALT_M]"`` string
    (as :func:`orbitkit.sites.parse_site` reads them), a dict or a ``(name, lat, lon)``
    tuple."""
    if isinstance(station, str):
        from orbitkit.sites import parse_site

        station = parse_site(station)
    if isinstance(station, dict):
        return (str(station.get("name") or station.get("key") or ""),
                float(station["lat_deg"]), float(station["lon_deg"]))
    if isinstance(station, Sequence) and not isinstance(station, str):
        name, lat, lon = station[:3]
        return str(name), float(lat), float(lon)
    name = getattr(station, "name", None) or getattr(station, "key", "")
    return str(name), float(station.lat_deg), float(station.lon_deg)


def draw_stations(
    ax: Any,
    stations: Iterable[Any],
    *,
    labels: bool = True,
    color: str = "#b2182b",
    marker: str = "^",
    size: float = 40.0,
) -> None:
    """Mark ground stations on a map.

    Parameters
    ----------
    stations
        :class:`orbitkit.sites.Site` objects, site keys or ``"LAT,LON[,ALT_M]"`` strings,
        dicts with ``name``, ``lat_deg``, ``lon_deg``, or ``(name, lat_deg, lon_deg)``
        tuples; or one of these.
    labels
        Write each station's name beside its marker.
    """
    kw = lonlat_kwargs(ax)
    for station in station_list(stations):
        name, lat, lon = station_fields(station)
        ax.scatter([lon], [lat], marker=marker, s=size, color=color, edgecolors="k",
                   linewidths=0.6, zorder=5, **kw)
        if labels and name:
            ax.annotate(name, (lon, lat), xytext=(4, 4), textcoords="offset points",
                        fontsize=8, color="k", zorder=6, xycoords=lonlat_xycoords(ax))


def lonlat_xycoords(ax: Any):
    """An ``xycoords`` for ``ax.annotate`` that reads (lon_deg, lat_deg) on either backend."""
    if is_geo_axes(ax):
        import cartopy.crs as ccrs

        # annotate() needs a matplotlib transform: PlateCarree's, bound to this GeoAxes.
        return ccrs.PlateCarree()._as_mpl_transform(ax)
    return "data"


def draw_terminator(
    ax: Any,
    when: Any,
    *,
    color: str = "#000033",
    alpha: float = 0.16,
    twilight: bool = True,
) -> None:
    """Shade the night side of the Earth at time ``when``.

    Night is where the Sun's centre is below the horizon (geometric, no refraction). With
    ``twilight`` a lighter band shows civil to astronomical twilight (Sun 0 to 18 deg below
    the horizon). Subsolar point from :func:`orbitkit.groundtrack.subsolar_point`
    (about 0.01 deg).

    Parameters
    ----------
    when
        Aware ``datetime`` or ``numpy.datetime64`` (UTC).
    """
    from orbitkit.groundtrack import subsolar_point

    lat_s, lon_s = subsolar_point(when)
    lat_s, lon_s = float(np.asarray(lat_s)), float(np.asarray(lon_s))
    lon = np.linspace(-180.0, 180.0, 361)
    lat = np.linspace(-90.0, 90.0, 181)
    lon_g, lat_g = np.meshgrid(np.radians(lon), np.radians(lat))
    phi_s, lam_s = np.radians(lat_s), np.radians(lon_s)
    sin_el = np.sin(lat_g) * np.sin(phi_s) + np.cos(lat_g) * np.cos(phi_s) * np.cos(
        lon_g - lam_s
    )
    el_deg = np.degrees(np.arcsin(np.clip(sin_el, -1.0, 1.0)))
    kw = lonlat_kwargs(ax)
    if twilight:
        ax.contourf(lon, lat, el_deg, levels=[-91.0, -18.0, 0.0], colors=[color, color],
                    alpha=alpha, zorder=1.5, **kw)
        ax.contourf(lon, lat, el_deg, levels=[-91.0, -18.0], colors=[color], alpha=alpha * 0.6,
                    zorder=1.5, **kw)
    else:
        ax.contourf(lon, lat, el_deg, levels=[-91.0, 0.0], colors=[color], alpha=alpha,
                    zorder=1.5, **kw)
