"""Coverage grids as xarray Datasets and NetCDF files with CF-1.8 metadata.

:func:`coverage_to_xarray` turns a :class:`~orbitkit.coverage.CoverageResult` into an
:class:`xarray.Dataset` on ``(lat, lon)``: one variable per per-point map, each with
``units``, ``long_name`` (and ``standard_name`` where CF has one), ``grid_mapping`` naming a
``crs`` variable that describes the WGS84 latitude/longitude grid, and the run's settings
(span, step, mask, PDOP threshold, element sources, satellites) as global attributes. A
:class:`~orbitkit.coverage.SiteSeries` can ride along on a ``time`` dimension
(:func:`site_series_to_xarray`, or ``site=`` here).

Two edits make the grid a proper geographic grid for GIS and netCDF tools:

* on a global grid the ``lon = 180`` column is the ``lon = -180`` column again (the same
  meridian): it is left out, and the attribute ``lon_duplicate_dropped`` says so;
* nothing else is changed: the pole rows stay (a regular latitude/longitude grid has them).

Engine: NetCDF files are written by xarray with the ``scipy`` engine, as netCDF-3 (64-bit
offset). Of the three writers xarray offers it has the fewest heavy dependencies: scipy is
one self-contained wheel, while ``netcdf4`` brings the netCDF-C and HDF5 libraries (and
cftime) and ``h5netcdf`` brings h5py and HDF5. NetCDF-3 is also the form every netCDF
reader opens (netCDF-C 3 and 4, Panoply, GDAL/QGIS, MATLAB); a coverage grid needs neither
NetCDF-4 groups nor compression (a 1-degree global grid is a few MB). The types are chosen
for NetCDF-3: float32 maps, int16 counts, no 64-bit integers, ASCII attributes.

xarray and scipy come with the ``netcdf`` extra (``pip install "orbitkit[netcdf]"``) and
are imported only here, inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.errors import UserError

__all__ = ["coverage_to_xarray", "site_series_to_xarray", "write_coverage_netcdf",
           "NETCDF_SUFFIXES"]

#: File suffixes that mean NetCDF for ``coverage --out``.
NETCDF_SUFFIXES = (".nc", ".nc4", ".netcdf")

# per-point map -> (units, long_name); "1" is CF's dimensionless unit
_MAP_ATTRS: dict[str, tuple[str, str]] = {
    "mean_visible": ("1", "mean number of satellites above the elevation mask"),
    "min_visible": ("1", "fewest satellites above the elevation mask at any epoch"),
    "max_visible": ("1", "most satellites above the elevation mask at any epoch"),
    "mean_gdop": ("1", "mean geometric dilution of precision (GDOP)"),
    "mean_pdop": ("1", "mean position dilution of precision (PDOP)"),
    "mean_hdop": ("1", "mean horizontal dilution of precision (HDOP)"),
    "mean_vdop": ("1", "mean vertical dilution of precision (VDOP)"),
    "mean_tdop": ("1", "mean time dilution of precision (TDOP)"),
    "median_pdop": ("1", "median PDOP over the epochs with a solution"),
    "p95_pdop": ("1", "95th percentile of PDOP over the epochs with a solution"),
    "dop_share": ("1", "fraction of epochs with enough satellites for a DOP"),
    "availability": ("1", "fraction of epochs with PDOP at or below the threshold"),
}
_COUNTS = ("min_visible", "max_visible")
_WGS84 = {"grid_mapping_name": "latitude_longitude", "semi_major_axis": 6378137.0,
          "inverse_flattening": 298.257223563, "longitude_of_prime_meridian": 0.0}


def _xarray() -> Any:
    try:
        import xarray as xr
    except ImportError:
        raise ImportError("coverage as xarray/NetCDF needs xarray and scipy: "
                          "pip install \"orbitkit[netcdf]\"") from None
    return xr


def _duplicate_lon(lon: np.ndarray) -> bool:
    return lon.size > 1 and bool(np.isclose(lon[-1] - lon[0], 360.0))


def coverage_to_xarray(result: Any, *, site: Any = None) -> Any:
    """The coverage result as an :class:`xarray.Dataset` with CF-1.8 attributes.

    Parameters
    ----------
    result
        A :class:`~orbitkit.coverage.CoverageResult`.
    site
        An optional :class:`~orbitkit.coverage.SiteSeries`, added as ``site_*`` variables
        on a ``time`` dimension.

    Returns
    -------
    xarray.Dataset
        Dimensions ``lat`` (degrees_north, south to north) and ``lon`` (degrees_east, west
        to east; on a global grid without the repeated 180 column); one variable per map.
    """
    xr = _xarray()
    from orbitkit import __version__
    from orbitkit.timeutil import format_utc

    grid = result.grid
    lat = np.asarray(grid.lat_deg, dtype=np.float64)
    lon = np.asarray(grid.lon_deg, dtype=np.float64)
    keep = slice(None, -1) if _duplicate_lon(lon) else slice(None)
    coords = {
        "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude",
                             "long_name": "geodetic latitude (WGS84)", "axis": "Y"}),
        "lon": ("lon", lon[keep], {"units": "degrees_east", "standard_name": "longitude",
                                   "long_name": "longitude", "axis": "X"}),
    }
    data: dict[str, Any] = {"crs": ((), np.int32(0), dict(_WGS84))}
    for key, (units, long_name) in _MAP_ATTRS.items():
        if key not in result.maps:
            continue
        values = np.asarray(result.maps[key])[:, keep]
        attrs = {"units": units, "long_name": long_name, "grid_mapping": "crs"}
        if key in _COUNTS:
            values = values.astype(np.int16)
        else:
            values = values.astype(np.float32)
            attrs["_FillValue"] = np.float32(np.nan)
        if key == "availability":
            attrs["pdop_threshold"] = float(result.pdop_threshold)
        data[key] = (("lat", "lon"), values, attrs)
    times = list(result.times)
    attrs: dict[str, Any] = {
        "Conventions": "CF-1.8",
        "title": f"Satellite coverage and DOP: {result.label}".rstrip(": "),
        "institution": "computed with orbitkit",
        "source": f"orbitkit {__version__}: SGP4 propagation, geometric visibility above "
                  "the mask, DOP from the line-of-sight geometry",
        "history": "written by orbitkit.export_netcdf",
        "geospatial_lat_min": float(lat[0]), "geospatial_lat_max": float(lat[-1]),
        "geospatial_lon_min": float(lon[0]), "geospatial_lon_max": float(lon[keep][-1]),
        "grid_resolution_deg": float(grid.resolution_deg),
        "height_above_ellipsoid_km": float(grid.height_km),
        "elevation_mask_deg": float(result.mask_deg),
        "pdop_threshold": float(result.pdop_threshold),
        "satellites": int(result.n_satellites),
        "lon_duplicate_dropped": int(keep != slice(None)),
    }
    if keep != slice(None):
        attrs["lon_duplicate_note"] = ("global grid: the lon=180 column is the lon=-180 "
                                       "meridian again and is left out")
    if times:
        attrs["time_coverage_start"] = format_utc(times[0])
        attrs["time_coverage_end"] = format_utc(times[-1])
        attrs["epochs"] = len(times)
        if len(times) > 1:
            attrs["time_step_s"] = float((times[1] - times[0]).total_seconds())
    if result.constellations:
        attrs["constellations"] = ",".join(result.constellations)
    for key, value in (result.elements or {}).items():
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float | str) and value is not None:
            attrs[f"elements_{key}"] = value
    ds = xr.Dataset({k: xr.Variable(*v) for k, v in data.items()},
                    coords={k: xr.Variable(*v) for k, v in coords.items()}, attrs=attrs)
    if site is not None:
        ds = ds.merge(site_series_to_xarray(site, prefix="site_"), combine_attrs="override")
    return ds


def site_series_to_xarray(series: Any, *, prefix: str = "") -> Any:
    """A :class:`~orbitkit.coverage.SiteSeries` as a Dataset on ``time`` (UTC)."""
    xr = _xarray()
    times = np.array([np.datetime64(t.replace(tzinfo=None), "ns") for t in series.times])
    data = {f"{prefix}visible": (("time",), np.asarray(series.visible).astype(np.int16),
                                 {"units": "1", "long_name":
                                  f"satellites above the mask at {series.name}"})}
    for kind in ("gdop", "pdop", "hdop", "vdop", "tdop"):
        data[f"{prefix}{kind}"] = (("time",), np.asarray(getattr(series, kind), np.float32),
                                   {"units": "1", "long_name":
                                    f"{kind.upper()} at {series.name}",
                                    "_FillValue": np.float32(np.nan)})
    ds = xr.Dataset({k: xr.Variable(*v) for k, v in data.items()},
                    coords={"time": ("time", times, {"standard_name": "time",
                                                     "long_name": "time (UTC)"})})
    ds.attrs.update({f"{prefix}name": series.name, f"{prefix}lat_deg": float(series.lat_deg),
                     f"{prefix}lon_deg": float(series.lon_deg),
                     f"{prefix}height_km": float(series.height_km),
                     f"{prefix}mask_deg": float(series.mask_deg)})
    # CF time encoding: seconds since the first epoch, proleptic Gregorian, UTC
    if times.size:
        ds["time"].encoding.update({
            "units": f"seconds since {np.datetime_as_string(times[0], unit='s')}",
            "calendar": "proleptic_gregorian", "dtype": "float64"})
    return ds


def write_coverage_netcdf(result: Any, path: str | Path, *, site: Any = None) -> Path:
    """Write the coverage result to ``path`` as a CF-1.8 netCDF-3 file (scipy engine).

    Raises
    ------
    UserError
        The folder does not exist or the file cannot be written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"--out {path}: folder {path.parent} does not exist")
    ds = coverage_to_xarray(result, site=site)
    try:
        import scipy  # noqa: F401
    except ImportError:
        raise ImportError("writing NetCDF needs scipy: pip install \"orbitkit[netcdf]\"") \
            from None
    try:
        ds.to_netcdf(path, engine="scipy", format="NETCDF3_64BIT")
    except OSError as exc:
        raise UserError(f"--out {path}: cannot write it ({exc.strerror or exc})") from None
    return path
