"""Close approaches of a :class:`orbitkit.conjunctions.ConjunctionSearch`: for each of the
closest events, the distance against time around TCA and the encounter plane (miss vector,
hard-body circle, the worst-case covariance ellipse of the maximum probability).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot_conjunctions"]


def plot_conjunctions(search: Any, out: str | Path | None = None, *, n_events: int = 3,
                      half_window_s: float | None = None, dpi: int = 120) -> Any:
    """Draw the ``n_events`` closest events of ``search``.

    Parameters
    ----------
    search
        A :class:`~orbitkit.conjunctions.ConjunctionSearch` (or a list of events).
    out
        Path to save to (PNG/SVG/PDF by extension); the figure is closed after saving.
    n_events
        How many of the closest events to draw.
    half_window_s
        Time either side of TCA [s]; default: until the distance is ~10 times the miss.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Circle, Ellipse

    events = list(getattr(search, "events", search))[:n_events]
    rows = max(1, len(events))
    fig, axes = plt.subplots(rows, 2, figsize=(11, 3.4 * rows), squeeze=False,
                             gridspec_kw={"width_ratios": [1.6, 1]})
    if not events:
        axes[0, 0].text(0.5, 0.5, "no close approaches in the window", ha="center",
                        va="center", transform=axes[0, 0].transAxes)
        axes[0, 1].axis("off")
    for row, e in zip(axes, events, strict=False):
        ax, ax2 = row
        half = half_window_s or float(np.clip(10.0 * max(e.miss_km, 0.1)
                                              / max(e.relative_speed_km_s, 1e-6), 0.5, 600.0))
        tau = np.linspace(-half, half, 401)
        ax.plot(tau, e.distance_km(tau), color="tab:blue")
        ax.axvline(0, color="0.6", lw=0.8)
        ax.axhline(e.miss_km, color="tab:red", lw=0.8, ls="--")
        ax.set_xlabel("seconds from TCA")
        ax.set_ylabel("distance, km")
        ax.set_title(f"{e.name_1} ({e.norad_id_1}) - {e.name_2} ({e.norad_id_2})\n"
                     f"TCA {e.tca_utc}, miss {e.miss_km * 1000:.0f} m, "
                     f"{e.relative_speed_km_s:.2f} km/s", fontsize=9)
        ax.grid(alpha=0.3)
        geo = e.encounter_plane()
        mx, mz = geo["miss_xz_km"]
        hbr = geo["hbr_km"]
        cov = geo["covariance_km2"]
        sx, sz = np.sqrt(np.diag(cov))
        for k, alpha in ((1, 0.35), (3, 0.12)):
            ax2.add_patch(Ellipse((mx, mz), 2 * k * sx, 2 * k * sz, color="tab:orange",
                                  alpha=alpha, lw=0, label=f"{k}-sigma, worst case" if k == 1
                                  else None))
        ax2.add_patch(Circle((0, 0), hbr, color="tab:red", alpha=0.8,
                             label=f"hard body {hbr * 1000:.0f} m"))
        ax2.annotate("", xy=(mx, mz), xytext=(0, 0),
                     arrowprops={"arrowstyle": "->", "color": "k"})
        ax2.plot([mx], [mz], "k.", ms=6)
        lim = max(abs(mx), 3 * sx, 3 * sz, hbr) * 1.25
        ax2.set_xlim(-lim, lim)
        ax2.set_ylim(-lim, lim)
        ax2.set_aspect("equal")
        ax2.set_xlabel("encounter plane x (along the miss), km")
        ax2.set_ylabel("z, km")
        pm = e.max_probability
        ax2.set_title(f"max probability {pm:.1e}" if pm is not None else "encounter plane",
                      fontsize=9)
        ax2.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    if out is not None:
        fig.savefig(out, dpi=dpi)
        plt.close(fig)
    return fig
