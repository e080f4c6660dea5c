"""What a coverage run returns: :class:`CoverageResult` (a region over a span) and
:class:`SiteSeries` (one place over the span), plain values with ``to_dict()``.

Computed by :func:`orbitkit.coverage.compute_coverage` and
:func:`orbitkit.coverage.site_series`; the CLI, the web endpoints, the exporters and the
plots all read these objects, never recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from orbitkit.coverage_grid import Grid
from orbitkit.errors import UserError

__all__ = ["METRICS", "CoverageResult", "SiteSeries"]

#: Map metrics: per-point summary name, colour-bar label.
METRICS: dict[str, tuple[str, str]] = {
    "visible": ("mean_visible", "mean number of satellites above the mask"),
    "pdop": ("mean_pdop", "mean PDOP (dimensionless)"),
    "hdop": ("mean_hdop", "mean HDOP (dimensionless)"),
    "vdop": ("mean_vdop", "mean VDOP (dimensionless)"),
    "gdop": ("mean_gdop", "mean GDOP (dimensionless)"),
    "availability": ("availability", "PDOP availability (% of epochs)"),
}

#: The per-point summaries a run may hold, in the order they are written.
_POINT_FIELDS = ("mean_visible", "min_visible", "max_visible", "mean_gdop", "mean_pdop",
                 "mean_hdop", "mean_vdop", "mean_tdop", "median_pdop", "p95_pdop",
                 "dop_share", "availability")


@dataclass
class CoverageResult:
    """Coverage of one satellite set over one grid and time span.

    Per-point arrays (shape ``grid.shape``) are in :attr:`maps`; over-all figures in
    :attr:`summary`. Means of DOP are over the point-epochs that have a DOP (enough
    satellites); availability is over all point-epochs.
    """

    grid: Grid
    times: list[datetime]
    mask_deg: float
    pdop_threshold: float
    n_satellites: int
    summary: dict[str, Any]
    maps: dict[str, np.ndarray]
    satellites: list[dict[str, Any]] = field(default_factory=list)
    constellations: list[str] = field(default_factory=list)
    elements: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def to_dict(self, *, with_maps: bool = False) -> dict[str, Any]:
        """JSON-ready summary (per-point maps only when asked; they are large)."""
        from orbitkit.timeutil import format_utc

        out: dict[str, Any] = {
            "label": self.label,
            "region": self.grid.region.to_dict(),
            "resolution_deg": self.grid.resolution_deg,
            "start_utc": format_utc(self.times[0]) if self.times else None,
            "stop_utc": format_utc(self.times[-1]) if self.times else None,
            "step_s": ((self.times[1] - self.times[0]).total_seconds()
                       if len(self.times) > 1 else None),
            "mask_deg": self.mask_deg,
            "pdop_threshold": self.pdop_threshold,
            "satellites": self.n_satellites,
            "constellations": list(self.constellations),
            **{k: _json_number(v) for k, v in self.summary.items()},
        }
        if self.elements:
            out["elements"] = self.elements
        if with_maps:
            out["lat_deg"] = self.grid.lat_deg.tolist()
            out["lon_deg"] = self.grid.lon_deg.tolist()
            out["maps"] = {k: [[_json_number(x) for x in row] for row in v.tolist()]
                           for k, v in self.maps.items()}
        return out

    def csv_rows(self) -> tuple[list[str], list[list[Any]]]:
        """Header and rows of the per-point CSV: ``lat_deg, lon_deg`` then the summaries.

        Each place is written once: on a global grid the ``lon = 180`` column (the
        ``lon = -180`` meridian again) is left out, and each pole is one row (at
        ``lon_deg`` 0) instead of one per longitude. Fractions and means are always
        written with a decimal point (``1.0``, not ``1``); the visible-satellite counts
        ``min_visible`` / ``max_visible`` are integers.
        """
        keys = [k for k in _POINT_FIELDS if k in self.maps]
        lat_nodes = np.asarray(self.grid.lat_deg, dtype=float)
        lon_nodes = np.asarray(self.grid.lon_deg, dtype=float)
        n_lon = lon_nodes.size
        if n_lon > 1 and np.isclose(lon_nodes[-1] - lon_nodes[0], 360.0):
            n_lon -= 1  # the same meridian twice
        lat, lon = np.meshgrid(lat_nodes, lon_nodes[:n_lon], indexing="ij")
        keep = np.ones(lat.shape, dtype=bool)
        pole = np.isclose(np.abs(lat_nodes), 90.0)
        keep[pole, 1:] = False  # one row per pole
        lon = np.where(pole[:, None], 0.0, lon)
        lat, lon = lat[keep], lon[keep]
        cols = [self.maps[k][:, :n_lon][keep] for k in keys]
        rows = []
        for i in range(lat.size):  # output formatting, not the hot path
            row: list[Any] = [f"{lat[i]:.6g}", f"{lon[i] + 0.0:.6g}"]
            for k, col in zip(keys, cols, strict=True):
                v = col[i]
                if k in ("min_visible", "max_visible"):
                    row.append(int(v))
                elif np.isfinite(v):
                    text = f"{v:.5g}"
                    row.append(text if any(c in text for c in ".en") else text + ".0")
                else:
                    row.append("")
            rows.append(row)
        return ["lat_deg", "lon_deg", *keys], rows

    def to_xarray(self, *, site: SiteSeries | None = None) -> Any:
        """An :class:`xarray.Dataset` on (lat, lon) with CF-1.8 attributes (needs the
        ``netcdf`` extra); see :mod:`orbitkit.export_netcdf`."""
        from orbitkit.export_netcdf import coverage_to_xarray

        return coverage_to_xarray(self, site=site)

    def metric_map(self, metric: str) -> tuple[np.ndarray, str]:
        """(values on the grid, colour-bar label) of a map metric (see :data:`METRICS`)."""
        if metric not in METRICS:
            raise UserError(f"metric {metric!r}: choose one of {', '.join(METRICS)}")
        key, label = METRICS[metric]
        if key not in self.maps:
            raise UserError(f"metric {metric!r} was not computed for this result; ask "
                            f"compute_coverage for dops=({metric!r},)")
        values = self.maps[key]
        if metric == "availability":
            values = values * 100.0
            label = f"PDOP <= {self.pdop_threshold:g} availability (% of epochs)"
        return values, label


def _json_number(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if not np.isfinite(v) else round(float(v), 6)
    if isinstance(v, np.integer):
        return int(v)
    return v


@dataclass
class SiteSeries:
    """Visible satellites and DOP at one site for every epoch."""

    name: str
    lat_deg: float
    lon_deg: float
    height_km: float
    times: list[datetime]
    mask_deg: float
    visible: np.ndarray
    gdop: np.ndarray
    pdop: np.ndarray
    hdop: np.ndarray
    vdop: np.ndarray
    tdop: np.ndarray
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        from orbitkit.timeutil import format_utc

        def arr(a: np.ndarray) -> list[Any]:
            return [None if not np.isfinite(x) else round(float(x), 4) for x in a]

        return {
            "site": self.name,
            "lat_deg": self.lat_deg,
            "lon_deg": self.lon_deg,
            "height_km": self.height_km,
            "mask_deg": self.mask_deg,
            "times_utc": [format_utc(t) for t in self.times],
            "visible": [int(v) for v in self.visible],
            "gdop": arr(self.gdop),
            "pdop": arr(self.pdop),
            "hdop": arr(self.hdop),
            "vdop": arr(self.vdop),
            "tdop": arr(self.tdop),
        }

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per epoch: ``time_utc`` (UTC-aware), ``visible``
        and the five DOPs (NaN where fewer than four satellites give none); needs pandas."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SiteSeries.to_frame() needs pandas (pip install pandas)") \
                from None
        return pd.DataFrame({
            "time_utc": pd.to_datetime(list(self.times), utc=True),
            "visible": np.asarray(self.visible, dtype=np.int64),
            **{k: np.asarray(getattr(self, k), dtype=float)
               for k in ("gdop", "pdop", "hdop", "vdop", "tdop")},
        })

    def to_xarray(self) -> Any:
        """An :class:`xarray.Dataset` on ``time`` (needs the ``netcdf`` extra)."""
        from orbitkit.export_netcdf import site_series_to_xarray

        return site_series_to_xarray(self)
