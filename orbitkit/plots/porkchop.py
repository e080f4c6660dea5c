"""Porkchop plot: departure C3 and arrival v∞ over a launch window.

Draws a :class:`orbitkit.deepspace.transfer.PorkchopGrid` (nothing is recomputed): filled
contours of C3, line contours of arrival v∞, dotted lines of equal flight time, and the
mission's own dates marked. matplotlib loads inside the function.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from orbitkit.deepspace.transfer import PorkchopGrid

__all__ = ["plot_porkchop"]


def plot_porkchop(
    grid: PorkchopGrid,
    path: str | Path | None = None,
    *,
    ax: Any = None,
    c3_span_km2_s2: float = 20.0,
    title: str | None = None,
) -> Any:
    """Plot C3 (filled) and arrival v∞ (lines) against departure and arrival dates.

    Parameters
    ----------
    grid
        The porkchop grid to draw.
    path
        When given, save the figure there and close it.
    ax
        Existing axes; a new figure is made when None.
    c3_span_km2_s2
        C3 levels run from the grid's minimum to this much above it (km²/s²); the ridge of
        near-180° transfers beyond is left blank so it does not swamp the colour scale.
    title
        Figure title (a default is used when None).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 7))
    else:
        fig = ax.figure

    x = mdates.date2num(grid.departure_utc.astype("datetime64[s]"))
    y = mdates.date2num(grid.arrival_utc.astype("datetime64[s]"))
    # Grids are [departure, arrival]; contour wants [row = y = arrival, column = x].
    c3 = grid.c3_km2_s2.T
    vinf = grid.arrival_vinf_km_s.T
    tof = grid.time_of_flight_days.T

    c3_min = float(np.nanmin(c3))
    c3_levels = np.arange(math.floor(c3_min), math.floor(c3_min) + c3_span_km2_s2 + 1e-9, 1.0)
    filled = ax.contourf(x, y, c3, levels=c3_levels, cmap="viridis_r", extend="neither")
    ax.contour(x, y, c3, levels=c3_levels[::2], colors="k", linewidths=0.4, alpha=0.5)
    fig.colorbar(filled, ax=ax, label="departure C3 (km²/s²)")

    vinf_min = float(np.nanmin(vinf))
    v_levels = np.arange(math.floor(vinf_min * 2) / 2, math.floor(vinf_min * 2) / 2 + 4.01, 0.5)
    # Beyond the C3 colour range lies the ridge of near-180-degree transfers, where v-inf
    # climbs steeply too: its contours there only pile up into unreadable labels.
    vinf_shown = np.where(c3 <= c3_levels[-1], vinf, np.nan)
    lines = ax.contour(x, y, vinf_shown, levels=v_levels, colors="tab:red", linewidths=1.0)
    ax.clabel(lines, fmt="%.1f km/s", fontsize=7)

    tof_levels = np.arange(
        math.ceil(np.nanmin(tof) / 20.0) * 20.0, np.nanmax(tof) + 1e-9, 20.0
    )
    if tof_levels.size:
        t_lines = ax.contour(x, y, tof, levels=tof_levels, colors="grey", linewidths=0.6,
                             linestyles=":")
        ax.clabel(t_lines, fmt="%d d", fontsize=6)

    if grid.marked_departure_utc is not None and grid.marked_arrival_utc is not None:
        mx = mdates.date2num(grid.marked_departure_utc)
        my = mdates.date2num(grid.marked_arrival_utc)
        ax.plot(mx, my, marker="*", ms=16, color="white", mec="black", mew=1.2, zorder=10)
        label = grid.marked_label or "marked"
        ax.annotate(
            f"{label}\n{grid.marked_departure_utc:%Y-%m-%d} → {grid.marked_arrival_utc:%Y-%m-%d}",
            (mx, my), xytext=(10, 10), textcoords="offset points", fontsize=8,
            bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8},
        )

    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.yaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    ax.set_xlabel(f"departure date ({grid.departure_utc[0].astype('datetime64[Y]')}, UTC)")
    ax.set_ylabel("arrival date (UTC)")
    ax.set_title(
        title or "Earth → Mars: departure C3 (colour), arrival v∞ (red), flight time (dotted)",
        fontsize=10,
    )
    ax.grid(alpha=0.2)
    if path is not None:
        fig.savefig(path, dpi=150, bbox_inches="tight")
        plt.close(fig)
    return fig
