"""Coverage as xarray and NetCDF: CF-1.8 attributes, read back by xarray and by netCDF-C
(through the netCDF4 package, a reader independent of the scipy writer)."""

from __future__ import annotations

import numpy as np
import pytest

from orbitkit.cli import main

xr = pytest.importorskip("xarray", reason="the netcdf extra (xarray, scipy) is not installed")
netCDF4 = pytest.importorskip("netCDF4", reason="netCDF4 (test extra) is not installed")


@pytest.fixture(scope="module")
def result():
    from datetime import timedelta

    import orbitkit as ok
    from orbitkit import coverage as cov
    from orbitkit.timeutil import parse_utc

    start = parse_utc("2026-05-01T00:00:00Z")
    sets = ok.load_element_sets("beidou-3", offline=True, at=start).sets
    times = [start + timedelta(minutes=30 * k) for k in range(3)]
    eph = ok.propagate(sets, times)
    grid = cov.make_grid("global", 10.0)
    res = cov.compute_coverage(eph.r_itrs_km, times, grid, mask_deg=10.0, ok=eph.ok,
                               point_quantiles=True, dops=cov.DOP_KINDS, label="beidou-3")
    site = cov.site_series(eph.r_itrs_km, times, 39.9, 116.4, 0.05, mask_deg=10.0,
                           ok=eph.ok, name="Beijing")
    return res, site


def test_to_xarray_is_a_cf_grid(result):
    res, _ = result
    ds = res.to_xarray()
    assert ds.attrs["Conventions"] == "CF-1.8"
    assert dict(ds.sizes) == {"lat": 19, "lon": 36}  # lon 180 = lon -180 left out
    assert ds.attrs["lon_duplicate_dropped"] == 1
    assert ds["lat"].attrs["units"] == "degrees_north"
    assert ds["lon"].attrs["units"] == "degrees_east"
    assert ds["lon"].values[-1] == 170.0
    assert ds["crs"].attrs["grid_mapping_name"] == "latitude_longitude"
    for name in ("mean_visible", "mean_pdop", "availability", "p95_pdop", "min_visible"):
        var = ds[name]
        assert var.dims == ("lat", "lon")
        assert var.attrs["units"] == "1" and var.attrs["grid_mapping"] == "crs"
        assert var.attrs["long_name"]
        np.testing.assert_allclose(var.values, res.maps[name][:, :-1], rtol=1e-6)
    assert ds.attrs["elevation_mask_deg"] == 10.0 and ds.attrs["epochs"] == 3


def test_netcdf_file_opens_in_xarray_and_netcdf_c(result, tmp_path):
    from orbitkit.export_netcdf import write_coverage_netcdf

    res, site = result
    path = write_coverage_netcdf(res, tmp_path / "grid.nc", site=site)
    with xr.open_dataset(path) as ds:
        assert ds["mean_pdop"].attrs["units"] == "1"
        np.testing.assert_allclose(ds["mean_pdop"].values, res.maps["mean_pdop"][:, :-1],
                                   rtol=1e-6)
        assert ds["site_pdop"].sizes["time"] == 3
        assert str(ds["time"].values[0]).startswith("2026-05-01T00:00:00")
    nc = netCDF4.Dataset(path)
    try:
        assert nc.data_model == "NETCDF3_64BIT_OFFSET"
        assert nc.Conventions == "CF-1.8"
        assert nc.variables["lat"].units == "degrees_north"
        assert nc.variables["mean_visible"].grid_mapping == "crs"
        assert nc.variables["time"].units.startswith("seconds since 2026-05-01")
        np.testing.assert_allclose(np.asarray(nc.variables["availability"][:]),
                                   res.maps["availability"][:, :-1], rtol=1e-6)
    finally:
        nc.close()


def test_cli_out_nc_writes_the_grid(capsys, tmp_path):
    path = tmp_path / "grid.nc"
    status = main(["coverage", "beidou-3", "--offline", "--region", "asia-pacific",
                   "--resolution-deg", "10", "--hours", "1", "--step-min", "30",
                   "--start", "2026-05-01T00:00:00Z", "--out", str(path)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "grid written to" in err
    with xr.open_dataset(path) as ds:
        assert dict(ds.sizes) == {"lat": 11, "lon": 9}  # regional: nothing dropped
        assert ds.attrs["lon_duplicate_dropped"] == 0
        assert float(ds["mean_visible"].min()) > 4
        assert ds.attrs["elements_illustrative"] == 1  # nominal orbits: said in the file
    status = main(["coverage", "beidou-3", "--offline", "--out",
                   str(tmp_path / "no" / "grid.nc")])
    assert status == 2 and "does not exist" in capsys.readouterr().err


def test_site_series_to_frame_and_xarray(result):
    pd = pytest.importorskip("pandas")
    _, site = result
    df = site.to_frame()
    assert list(df.columns) == ["time_utc", "visible", "gdop", "pdop", "hdop", "vdop", "tdop"]
    assert len(df) == 3 and str(df["time_utc"].dt.tz) == "UTC"
    assert isinstance(df, pd.DataFrame)
    np.testing.assert_allclose(df["pdop"].to_numpy(), site.pdop)
    ds = site.to_xarray()
    assert ds["pdop"].dims == ("time",)
