"""Polar sky plot of a :class:`orbitkit.skyview.SkyView`: north up, azimuth clockwise,
elevation rings (zenith at the centre, the horizon at the rim).

Satellites are coloured by orbit class (one colour per class, legend by class) and
labelled by PRN when known, else by name. With a span, each satellite's track above the
mask is drawn as a line, with its position at the first time as a dot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from orbitkit.errors import UserError

__all__ = ["plot_sky", "ORBIT_CLASS_COLORS"]

#: Colour of each orbit class (matplotlib "tab10" names); others get grey.
ORBIT_CLASS_COLORS = {
    "LEO": "tab:blue", "SSO": "tab:cyan", "MEO": "tab:green", "IGSO": "tab:orange",
    "GEO": "tab:red", "HEO": "tab:purple",
}
_OTHER = "tab:gray"
# Labels on more satellites than this overlap into noise.
_MAX_LABELS = 60


def _r(el_deg: np.ndarray) -> np.ndarray:
    # radial coordinate: 0 at the zenith, 90 at the horizon
    return 90.0 - np.asarray(el_deg, dtype=float)


def plot_sky(view: Any, out: str | Path | None = None, *, min_elevation_deg: float = 0.0,
             time_index: int = 0, title: str | None = None, dpi: int = 150) -> Any:
    """Draw the sky at ``view.times[time_index]`` (and the tracks over the whole span).

    Parameters
    ----------
    view
        A :class:`~orbitkit.skyview.SkyView`.
    out
        Path to save to (PNG/SVG/PDF by extension); the figure is closed after saving.
    min_elevation_deg
        Mask [deg]: drawn as a shaded ring; satellites and track points below it are
        left out.
    time_index
        Which time the dots and labels show (an index into ``view.times``; negative
        counts from the end).

    Returns
    -------
    matplotlib.figure.Figure
    """
    n_times = view.el_deg.shape[1]
    if not -n_times <= time_index < n_times:
        # checked before any drawing: it used to be an IndexError halfway through
        raise UserError(f"time_index {time_index} is outside the view's {n_times} time(s) "
                        f"(0..{n_times - 1}, or negative from the end)")
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from orbitkit.timeutil import format_utc_array

    fig = plt.figure(figsize=(7.5, 8))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    # a negative mask shows below the horizon: the rim moves out to the mask, or the
    # satellites between it and 0 deg (counted in the title) would fall off the plot
    r_max = 90.0 - min(min_elevation_deg, 0.0)
    ax.set_rlim(0, r_max)
    ticks = [0, 15, 30, 45, 60, 75, 90] + ([r_max] if r_max > 90.0 else [])
    ax.set_rticks(ticks)
    ax.set_yticklabels([f"{90 - t:g}°" for t in ticks], fontsize=7)
    ax.set_rlabel_position(22.5)
    ax.set_xticks(np.radians(np.arange(0, 360, 45)))
    ax.set_xticklabels(["N", "NE", "E", "SE", "S", "SW", "W", "NW"])
    ax.grid(alpha=0.4)
    if min_elevation_deg > 0:
        theta = np.linspace(0, 2 * np.pi, 361)
        ax.fill_between(theta, _r(min_elevation_deg), 90, color="0.85", alpha=0.7, zorder=0,
                        label=f"below {min_elevation_deg:g}° mask")
    elif r_max > 90.0:
        theta = np.linspace(0, 2 * np.pi, 361)
        ax.fill_between(theta, 90, r_max, color="0.85", alpha=0.7, zorder=0,
                        label="below the horizon")
        ax.plot(theta, np.full(theta.size, 90.0), color="0.3", linewidth=0.8)
    above = view.above(min_elevation_deg)
    n_sat, n_t = view.el_deg.shape
    classes_seen: dict[str, str] = {}
    labelled = 0
    for i in range(n_sat):
        cls = view.orbit_classes[i] or "other"
        color = ORBIT_CLASS_COLORS.get(cls, _OTHER)
        if above[i].any():  # the legend names only what the picture shows
            classes_seen.setdefault(cls, color)
        if n_t > 1:
            # the track, broken where the satellite is below the mask
            theta = np.radians(view.az_deg[i])
            r = np.where(above[i], _r(view.el_deg[i]), np.nan)
            # do not draw across north where the azimuth wraps
            jump = np.abs(np.diff(view.az_deg[i])) > 180
            r[1:][jump] = np.nan
            ax.plot(theta, r, color=color, linewidth=1.0, alpha=0.6)
        if above[i, time_index]:
            theta0 = np.radians(view.az_deg[i, time_index])
            r0 = _r(view.el_deg[i, time_index])
            ax.plot([theta0], [r0], "o", color=color, markersize=6,
                    markeredgecolor="black", markeredgewidth=0.5)
            if labelled < _MAX_LABELS:
                ax.annotate(view.label(i), (theta0, r0), xytext=(4, 4),
                            textcoords="offset points", fontsize=7)
                labelled += 1
    handles = [Line2D([], [], marker="o", linestyle="-", color=c, label=k)
               for k, c in classes_seen.items()]
    if handles:
        ax.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.18, 1.1), fontsize=8,
                  title="orbit class", title_fontsize=8)
    stamps = format_utc_array(view.times)
    span = f" to {stamps[-1]}" if n_t > 1 else ""
    count = int(above[:, time_index].sum())
    ax.set_title(title or f"Sky at {view.station.name} ({view.station.lat_deg:.3f}, "
                          f"{view.station.lon_deg:.3f}), {stamps[time_index]}{span}\n"
                          f"{count} satellites above {min_elevation_deg:g}°", fontsize=9,
                 pad=18)
    if out is not None:
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
    return fig
