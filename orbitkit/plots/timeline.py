"""Pass timeline of a :class:`orbitkit.passes.PassSearch`: stations (or station and
satellite) down the side, time across, one bar per pass from rise to set coloured by its
maximum elevation. Visibility intervals of geosynchronous objects are drawn hatched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot_timeline"]

# Up to this many rows, each station gets one row per satellite; beyond, one per station.
_MAX_ROWS = 40


def plot_timeline(search: Any, out: str | Path | None = None, *, title: str | None = None,
                  dpi: int = 150) -> Any:
    """Draw every pass and visibility interval of ``search``.

    Parameters
    ----------
    search
        A :class:`~orbitkit.passes.PassSearch`.
    out
        Path to save to (PNG/SVG/PDF by extension); the figure is closed after saving.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib as mpl
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from orbitkit.timeutil import format_utc

    items = list(search.passes) + list(search.intervals)
    sats = sorted({(it.norad_id, it.name) for it in items})
    station_keys = [s.key for s in search.stations]
    # nothing found: still one (empty) row per station, so the picture says where
    per_sat = bool(sats) and len(station_keys) * len(sats) <= _MAX_ROWS
    if per_sat:
        rows = [(k, n) for k in station_keys for n, _ in sats]
        labels = [f"{k} · {name}" for k in station_keys for _, name in sats]
    else:
        rows = [(k, None) for k in station_keys]
        labels = list(station_keys)
    index = {row: i for i, row in enumerate(rows)}

    def row_of(it: Any) -> int:
        return index[(it.station, it.norad_id if per_sat else None)]

    height = max(2.5, 0.32 * len(rows) + 1.5)
    fig, ax = plt.subplots(figsize=(12, height))
    norm = mpl.colors.Normalize(vmin=0, vmax=90)
    cmap = mpl.colormaps["viridis"]
    to_num = mdates.date2num
    for p in search.passes:
        start, end = to_num(p.rise_utc), to_num(p.set_utc)
        ax.broken_barh([(start, max(end - start, 1e-5))], (row_of(p) - 0.4, 0.8),
                       facecolors=cmap(norm(p.max_elevation_deg)), edgecolor="none",
                       zorder=3)
    for iv in search.intervals:
        start, end = to_num(iv.start_utc), to_num(iv.end_utc)
        ax.broken_barh([(start, end - start)], (row_of(iv) - 0.4, 0.8),
                       facecolors=cmap(norm(iv.max_elevation_deg)), edgecolor="black",
                       hatch="//", alpha=0.6, linewidth=0.3, zorder=2)
    # zorder: with one row per station a GEO interval spans the whole row; the passes of
    # the other satellites on that row must stay on top of it, not be hidden under it
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=7 if len(rows) > 15 else 9)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(to_num(search.start_utc), to_num(search.stop_utc))
    # bars are drawn on plain day numbers, so the axis would get a float locator with
    # ticks at odd instants (04:48, 00:02:53 shown as "00:02"): place them at round times
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=10))
    span_s = (search.stop_utc - search.start_utc).total_seconds()
    ax.xaxis.set_major_formatter(mdates.DateFormatter(
        "%m-%d %H:%M:%S" if span_s < 1800 else "%m-%d %H:%M"))
    ax.set_xlabel("time (UTC)")
    ax.grid(axis="x", alpha=0.3)
    bar = fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    bar.set_label("maximum elevation (deg)")
    ax.set_title(title or f"{len(search.passes)} passes, {format_utc(search.start_utc)} to "
                          f"{format_utc(search.stop_utc)}", fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    if out is not None:
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
    return fig
