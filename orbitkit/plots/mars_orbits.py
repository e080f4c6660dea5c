"""Tianwen-1's orbits about Mars, and optionally a ground track with the Zhurong site.

Draws :class:`orbitkit.deepspace.mars.MarsOrbit` results (their ``outline_km``) and a
:class:`orbitkit.deepspace.mars.GroundTrack`; nothing is recomputed. matplotlib loads inside
the function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from orbitkit.deepspace.mars import GroundTrack, MarsOrbit

__all__ = ["plot_mars_orbits"]

_COLOURS = ("tab:purple", "tab:blue", "tab:green", "tab:orange")


def _period_text(orbit: MarsOrbit) -> str:
    if orbit.period_h < 24:
        return f"{orbit.period_h:.2f} h"
    if orbit.period_h < 5 * 24:
        return f"{orbit.period_sols:.2f} sols"
    return f"{orbit.period_h / 24:.2f} d"


def _draw_orbits(
    ax: Any, orbits: Sequence[MarsOrbit], colours: Sequence[str], mars_radius_km: float
) -> None:
    from matplotlib.patches import Circle

    ax.add_patch(Circle((0, 0), mars_radius_km / 1e3, color="indianred", zorder=3))
    for orbit, colour in zip(orbits, colours, strict=True):
        xy = orbit.outline_km() / 1e3
        period = _period_text(orbit)
        ax.plot(xy[:, 0], xy[:, 1], color=colour, lw=1.4,
                label=f"{orbit.name}: {orbit.periapsis_altitude_km:,.0f} × "
                f"{orbit.apoapsis_altitude_km:,.0f} km, T = {period} "
                f"(published {orbit.published_period_text})")
    ax.set_aspect("equal")
    ax.set_xlabel("along periapsis (1000 km)")
    ax.set_ylabel("1000 km")
    ax.grid(alpha=0.3)


def plot_mars_orbits(
    orbits: Sequence[MarsOrbit],
    path: str | Path | None = None,
    *,
    ground_track: GroundTrack | None = None,
    site: Mapping[str, Any] | None = None,
    mars_radius_km: float = 3389.5,
) -> Any:
    """Plot the orbits in their own planes (periapsis to the right), plus an optional track.

    Parameters
    ----------
    orbits
        The orbits, largest first reads best; each is drawn to scale about Mars.
    path
        When given, save the figure there and close it.
    ground_track
        Optional ground track to draw on a longitude/latitude panel.
    site
        Optional surface site for that panel: ``{"name", "lat_deg", "lon_deg"}`` (east
        longitude, degrees), e.g. Zhurong's landing site from the catalogue.
    mars_radius_km
        Radius of the disc drawn for Mars, km.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ground_track is None:
        fig, (ax_all, ax_zoom) = plt.subplots(2, 1, figsize=(9, 10), layout="constrained")
        ax_track = None
    else:
        fig = plt.figure(figsize=(13, 10), layout="constrained")
        grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[1, 1.1])
        ax_all = fig.add_subplot(grid[0, :])
        ax_zoom = fig.add_subplot(grid[1, 1])
        ax_track = fig.add_subplot(grid[1, 0])
    colours = [_COLOURS[k % len(_COLOURS)] for k in range(len(orbits))]
    _draw_orbits(ax_all, orbits, colours, mars_radius_km)
    ax_all.set_title("orbits about Mars, each in its own plane, to scale", fontsize=10)
    ax_all.legend(loc="upper left", fontsize=8)

    # Zoom on the orbits small enough to vanish beside the capture orbit (same colours).
    small = [(o, c) for o, c in zip(orbits, colours, strict=True)
             if o.apoapsis_altitude_km < 20 * mars_radius_km]
    if small:
        _draw_orbits(ax_zoom, [o for o, _ in small], [c for _, c in small], mars_radius_km)
        span = max(o.apoapsis_radius_km for o, _ in small) / 1e3 * 1.1
        ax_zoom.set_xlim(-span, span * 0.35)
        ax_zoom.set_ylim(-span * 0.6, span * 0.6)
    else:
        _draw_orbits(ax_zoom, orbits, colours, mars_radius_km)
    ax_zoom.set_title("zoom: the smaller orbits", fontsize=10)
    if ax_track is not None and ground_track is not None:
        ax = ax_track
        lon = np.asarray(ground_track.lon_deg, dtype=float).copy()
        lat = np.asarray(ground_track.lat_deg, dtype=float)
        # Break the line where it wraps at ±180° so it does not streak across the map.
        lon[np.r_[False, np.abs(np.diff(lon)) > 180.0]] = np.nan
        ax.plot(lon, lat, color="tab:green", lw=0.8,
                label=f"{ground_track.orbit_key} orbit, "
                f"{ground_track.t_s[-1] / 3600:.1f} h (illustrative node)")
        if site is not None:
            ax.plot(site["lon_deg"], site["lat_deg"], marker="*", ms=14, color="gold",
                    mec="black", zorder=5)
            ax.annotate(f"{site.get('name', 'site')}\n{site['lat_deg']:.3f}°N, "
                        f"{site['lon_deg']:.3f}°E", (site["lon_deg"], site["lat_deg"]),
                        xytext=(8, 8), textcoords="offset points", fontsize=8)
        ax.set_xlim(-180, 180)
        ax.set_ylim(-90, 90)
        ax.set_xticks(np.arange(-180, 181, 60))
        ax.set_yticks(np.arange(-90, 91, 30))
        ax.set_xlabel("east longitude (deg, planetocentric)")
        ax.set_ylabel("latitude (deg)")
        ax.set_facecolor("mistyrose")
        ax.grid(alpha=0.4)
        ax.set_title("ground track over a spherical Mars (two-body, no J2)", fontsize=10)
        ax.legend(loc="lower left", fontsize=7)
    if path is not None:
        fig.savefig(path, dpi=150, bbox_inches="tight")
        plt.close(fig)
    return fig
