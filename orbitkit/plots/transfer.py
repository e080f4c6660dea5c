"""The Earth–Mars transfer seen from the ecliptic north pole.

Draws a :class:`orbitkit.deepspace.transfer.TransferResult` (nothing is recomputed): the Sun,
one orbit of the Earth and of Mars, the transfer arc, the planets at launch and at arrival
with their dates, and monthly ticks along the arc. matplotlib loads inside the function.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from orbitkit.deepspace.transfer import TransferResult

__all__ = ["plot_transfer"]

_EARTH = "tab:blue"
_MARS = "tab:red"
_ARC = "tab:orange"


def plot_transfer(
    result: TransferResult,
    path: str | Path | None = None,
    *,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Plot the transfer in the J2000 ecliptic plane (x, y in au).

    Parameters
    ----------
    result
        The transfer to draw.
    path
        When given, save the figure there (format from the suffix) and close it.
    ax
        Existing matplotlib axes to draw into; a new figure is made when None.
    title
        Figure title; a default naming the dates is used when None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    au = result.au_km
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 7.5))
    else:
        fig = ax.figure

    def xy(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = np.atleast_2d(v) / au
        return v[:, 0], v[:, 1]

    ax.plot(0, 0, marker="o", ms=14, color="gold", mec="darkorange", zorder=5)
    ax.annotate("Sun", (0, 0), xytext=(8, -14), textcoords="offset points")
    ax.plot(*xy(result.earth_track_km), color=_EARTH, lw=1, alpha=0.6, label="Earth orbit")
    ax.plot(*xy(result.mars_track_km), color=_MARS, lw=1, alpha=0.6, label="Mars orbit")
    ax.plot(*xy(result.arc_track_km), color=_ARC, lw=2.2, label="transfer arc (Lambert)")

    launch = result.launch_utc.strftime("%Y-%m-%d")
    arrival = result.arrival_utc.strftime("%Y-%m-%d")
    points = [
        (result.earth_at_launch_km, _EARTH, "o", f"Earth at launch\n{launch}", (10, -22)),
        (result.mars_at_launch_km, _MARS, "o", f"Mars at launch\n{launch}", (8, 6)),
        (result.earth_at_arrival_km, _EARTH, "s", f"Earth at arrival\n{arrival}", (8, 6)),
        (result.mars_at_arrival_km, _MARS, "s", f"Mars at arrival (MOI)\n{arrival}", (8, 6)),
    ]
    for vec, colour, marker, label, offset in points:
        x, y = xy(vec)
        filled = "s" in marker
        ax.plot(x, y, marker=marker, ms=8, color=colour, mfc=colour if filled else "white",
                mew=2, zorder=6)
        ax.annotate(label, (x[0], y[0]), xytext=offset, textcoords="offset points", fontsize=8)
    # Earth–Mars line of sight at arrival (the distance CNSA quoted).
    ex, ey = xy(result.earth_at_arrival_km)
    mx, my = xy(result.mars_at_arrival_km)
    ax.plot([ex[0], mx[0]], [ey[0], my[0]], color="grey", ls=":", lw=1)

    # Monthly ticks on the arc: the samples nearest the first of each month (picked, not
    # recomputed).
    times = result.arc_times_utc
    months = np.arange(
        times[0].astype("datetime64[M]") + 1, times[-1].astype("datetime64[M]") + 1
    ).astype("datetime64[ns]")
    if months.size:
        idx = np.clip(np.searchsorted(times, months), 0, len(times) - 1)
        tx, ty = xy(result.arc_track_km[idx])
        ax.plot(tx, ty, ls="none", marker="|", ms=7, color="black", zorder=7)
        for k, m in enumerate(months):
            ax.annotate(str(m.astype("datetime64[M]")), (tx[k], ty[k]), xytext=(4, 4),
                        textcoords="offset points", fontsize=6, color="dimgrey")

    ax.set_aspect("equal")
    ax.set_xlabel("x (au, J2000 ecliptic)")
    ax.set_ylabel("y (au, J2000 ecliptic)")
    ax.grid(alpha=0.3)
    summary = (
        f"{result.time_of_flight_days:.1f} d, {result.path_length_km / 1e6:.1f} million km flown, "
        f"C3 {result.c3_km2_s2:.2f} km²/s², arrival v∞ {result.arrival_vinf_km_s:.2f} km/s"
    )
    ax.set_title(title or f"Earth → Mars transfer {launch} → {arrival}\n{summary}", fontsize=10)
    ax.legend(loc="lower left", fontsize=8)
    ax.text(0.99, 0.01, f"{result.ephemeris}", transform=ax.transAxes, ha="right",
            va="bottom", fontsize=6, color="grey")
    if path is not None:
        fig.savefig(path, dpi=150, bbox_inches="tight")
        plt.close(fig)
    return fig
