"""Filled world map of one coverage metric (visible satellites, DOP, availability).

Draws a :class:`orbitkit.coverage.CoverageResult`; recomputes nothing. The map layer is
:func:`orbitkit.plots.basemap.world_axes` (offline coastlines, never a download).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["plot_coverage_map", "coverage_title"]

# Colour maps chosen so that "better" reads the same way on every metric: more satellites
# and more availability are bright, low DOP is bright (reversed map).
_CMAPS = {"visible": "viridis", "availability": "viridis", "pdop": "viridis_r",
          "hdop": "viridis_r", "vdop": "viridis_r", "gdop": "viridis_r"}
_NO_DOP_COLOR = "0.6"


def coverage_title(result: Any, metric: str) -> str:
    """Title text: what, where, span, mask, element source and epochs."""
    from orbitkit.timeutil import format_utc

    times = result.times
    span_h = (times[-1] - times[0]).total_seconds() / 3600.0 if len(times) > 1 else 0.0
    step_min = ((times[1] - times[0]).total_seconds() / 60.0) if len(times) > 1 else 0.0
    what = result.label or f"{result.n_satellites} satellites"
    first = (f"{what}: {metric.upper() if metric != 'visible' else 'visible satellites'} "
             f"over {result.grid.region.label()}, {result.grid.resolution_deg:g} deg grid")
    span = (f"{format_utc(times[0], timespec='minutes')} + {span_h + step_min / 60:g} h "
            f"every {step_min:g} min ({len(times)} epochs), mask {result.mask_deg:g} deg")
    el = result.elements or {}
    sources = ", ".join(f"{k} {v}" for k, v in el.items()
                        if k in ("file", "cache", "celestrak", "nominal") and v)
    third = f"elements: {sources or 'given positions'}"
    if el.get("epoch_min_utc"):
        lo, hi = el["epoch_min_utc"], el.get("epoch_max_utc")
        third += f", epochs {lo[:10]}" + (f"..{hi[:10]}" if hi and hi[:10] != lo[:10] else "")
    if el.get("illustrative"):
        third += " (nominal design orbits: illustrative)"
    return "\n".join([first, span, third])


def plot_coverage_map(
    result: Any,
    metric: str = "pdop",
    out: str | Path | None = None,
    *,
    projection: str = "platecarree",
    dpi: int = 150,
    vmax: float | None = None,
) -> Any:
    """Draw a coverage metric on the offline world map.

    Parameters
    ----------
    result
        A :class:`~orbitkit.coverage.CoverageResult`.
    metric
        ``visible``, ``pdop``, ``hdop``, ``vdop``, ``gdop`` or ``availability``.
    out
        PNG (or any matplotlib format) path to save to; the figure is closed after saving.
    projection
        Map projection of :func:`~orbitkit.plots.basemap.world_axes`.
    vmax
        Top of the colour scale (default: the 99th percentile for DOP, so that a few
        near-singular points do not wash out the map).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from orbitkit.plots.basemap import lonlat_kwargs, world_axes

    values, label = result.metric_map(metric)
    lat = result.grid.lat_deg
    lon = result.grid.lon_deg
    centre_lon = float((lon[0] + lon[-1]) / 2) if lon[-1] - lon[0] < 359 else 0.0
    fig, ax = world_axes(projection=projection, center=(0.0, centre_lon), figsize=(11, 6.2),
                         land_color="none")
    finite = values[np.isfinite(values)]
    vmin = None
    if metric in ("pdop", "hdop", "vdop", "gdop") and finite.size:
        vmin = float(np.floor(finite.min() * 10) / 10)
        vmax = vmax if vmax is not None else float(np.percentile(finite, 99))
    elif metric == "availability":
        vmin, vmax = 0.0, 100.0
    is_dop = metric in ("pdop", "hdop", "vdop", "gdop")
    # Cells with no DOP at any epoch (never enough satellites above the mask) are NaN. Left
    # transparent they showed the ocean colour, so "no DOP" read as "sea"; they are drawn in
    # grey underneath and the legend says so. (Not with the colour map's "bad" colour:
    # cartopy draws the cells cut by the antimeridian as a second, full-size collection whose
    # other cells are "bad", which then greyed out the whole map.)
    if is_dop and finite.size == 0:
        vmin, vmax = 1.0, 10.0  # no scale to show; the colour bar is left out below
    # node-registered grid: each cell is centred on its node
    half = result.grid.resolution_deg / 2
    lon_edges = np.concatenate([lon - half, [lon[-1] + half]])
    lat_edges = np.clip(np.concatenate([lat - half, [lat[-1] + half]]), -90, 90)
    missing = ~np.isfinite(values)
    if is_dop and missing.any():
        from matplotlib.colors import ListedColormap

        ax.pcolormesh(lon_edges, lat_edges, np.ma.masked_where(~missing, np.ones(values.shape)),
                      cmap=ListedColormap([_NO_DOP_COLOR]), vmin=0.0, vmax=2.0,
                      shading="flat", zorder=0.39, alpha=0.9, **lonlat_kwargs(ax))
    mesh = ax.pcolormesh(lon_edges, lat_edges, np.ma.masked_invalid(values),
                         cmap=_CMAPS.get(metric, "viridis"), vmin=vmin, vmax=vmax,
                         shading="flat", zorder=0.4, alpha=0.9, **lonlat_kwargs(ax))
    # a DOP needs 3 + one receiver clock per constellation in view: 4 for one system
    n_systems = len(getattr(result, "constellations", []) or [])
    need = "4" if n_systems <= 1 else "3 + one per constellation in view"
    need_short = "4" if n_systems <= 1 else "enough"
    if is_dop and finite.size == 0:
        ax.text(0.5, 0.5, f"no {metric.upper()} anywhere: never {need_short} satellites above "
                f"the {result.mask_deg:g} deg mask\n(a DOP needs at least {need})",
                transform=ax.transAxes, ha="center", va="center", fontsize=12,
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "0.5"}, zorder=5)
    else:
        bar = fig.colorbar(mesh, ax=ax, orientation="horizontal", fraction=0.05, pad=0.06,
                           shrink=0.8, extend="max" if is_dop else "neither")
        share = (result.summary or {}).get("dop_share")
        if is_dop and share is not None and share < 1.0:
            # the mean is over the epochs that have a DOP; say so, and what grey means
            label += (f", over the epochs with a DOP ({100 * share:.1f} % of point-epochs)")
            if finite.size < values.size:
                label += f"\ngrey: never {need_short} satellites above the mask (no DOP)"
        bar.set_label(label)
    reg = result.grid.region
    if not (reg.south_deg <= -89 and reg.north_deg >= 89 and reg.east_deg - reg.west_deg >= 359):
        # the cells of the edge nodes reach half a step beyond the region: show them whole
        # (a one-point region would otherwise be a zero-size, singular extent)
        west, east = reg.west_deg - half, reg.east_deg + half
        south, north = max(reg.south_deg - half, -90.0), min(reg.north_deg + half, 90.0)
        try:
            ax.set_extent([west, east, south, north], crs=lonlat_kwargs(ax).get("transform"))
        except (AttributeError, TypeError):
            ax.set_xlim(west, east)
            ax.set_ylim(south, north)
    ax.set_title(coverage_title(result, metric), fontsize=9)
    if out is not None:
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
    return fig
