"""Visible satellites and PDOP against time at one site (a :class:`SiteSeries`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["plot_site_series"]


def plot_site_series(series: Any, out: str | Path | None = None, *, dpi: int = 150) -> Any:
    """Two panels sharing the time axis: satellites above the mask, and PDOP/HDOP/VDOP.

    Parameters
    ----------
    series
        A :class:`~orbitkit.coverage.SiteSeries`.
    out
        Path to save to (the figure is closed after saving).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from orbitkit.timeutil import format_utc

    t = np.array([np.datetime64(x.replace(tzinfo=None), "s") for x in series.times])
    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(10, 6))
    ax1.step(t, series.visible, where="post", color="tab:blue")
    ax1.set_ylabel(f"satellites above {series.mask_deg:g} deg")
    ax1.grid(alpha=0.3)
    for name, values, colour in (("PDOP", series.pdop, "tab:red"),
                                 ("HDOP", series.hdop, "tab:green"),
                                 ("VDOP", series.vdop, "tab:purple")):
        ax2.plot(t, values, label=name, color=colour, linewidth=1.2)
    ax2.set_ylabel("DOP (dimensionless)")
    ax2.set_xlabel("time (UTC)")
    ax2.legend(loc="upper right")
    ax2.grid(alpha=0.3)
    ax2.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d %H:%M"))
    what = series.label or "satellites"
    fig.suptitle(f"{what} at {series.name} ({series.lat_deg:.3f}, {series.lon_deg:.3f} deg), "
                 f"from {format_utc(series.times[0], timespec='minutes')}", fontsize=10)
    fig.autofmt_xdate()
    if out is not None:
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
    return fig
