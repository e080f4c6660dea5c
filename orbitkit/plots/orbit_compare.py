"""Picture of an orbit comparison: per-satellite RMS (3D and R/A/C) and the 3D difference
over time, drawn from :class:`orbitkit.gnss.compare.OrbitComparison` (nothing recomputed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["plot_orbit_comparison"]

_CLASS_COLOURS = {"GEO": "#d62728", "IGSO": "#ff7f0e", "MEO": "#1f77b4"}


def plot_orbit_comparison(result, out: str | Path | None = None):
    """Two panels: RMS per satellite (bars: 3D; markers: radial, along, cross), and the 3D
    difference of each satellite along the window. Returns the figure; saved when ``out``."""
    import matplotlib

    if out is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    sats = result.satellites
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(8, 0.32 * len(sats) + 3), 8))
    x = np.arange(len(sats))
    ax1.bar(x, [s.rms_3d_m for s in sats],
            color=[_CLASS_COLOURS.get(s.orbit_class, "#7f7f7f") for s in sats], label="3D")
    for key, marker, label in (("rms_radial_m", "v", "radial"), ("rms_along_m", "o", "along"),
                               ("rms_cross_m", "x", "cross")):
        ax1.plot(x, [getattr(s, key) for s in sats], marker, color="k", ms=4, ls="none",
                 label=label)
    ax1.set_xticks(x, [s.prn for s in sats], rotation=90, fontsize=7)
    ax1.set_ylabel("RMS difference (m)")
    ax1.set_yscale("log")
    ax1.legend(fontsize=8, ncol=4)
    ax1.set_title(f"{result.source_a}  vs  {result.source_b}  (bar colour: GEO red, IGSO "
                  "orange, MEO blue)", fontsize=9)
    if result.d_rtn_m is not None and result.times_utc is not None:
        d3 = np.linalg.norm(result.d_rtn_m, axis=-1)
        hours = (result.times_utc - result.times_utc[0]) / np.timedelta64(3600, "s")
        for i, s in enumerate(sats):
            ax2.plot(hours, d3[i], lw=0.8, color=_CLASS_COLOURS.get(s.orbit_class, "#7f7f7f"))
        ax2.set_yscale("log")
        ax2.set_xlabel(f"hours from {str(result.times_utc[0])[:19]} UTC")
        ax2.set_ylabel("3D difference (m)")
    fig.tight_layout()
    if out is not None:
        fig.savefig(out, dpi=130, bbox_inches="tight")
    return fig
