"""Draw a :class:`orbitkit.groundtrack.GroundTrack` on the offline world map.

Tracks are coloured by system or orbit class when the satellites belong to several groups,
otherwise one colour per satellite; time ticks mark the track every ``tick_minutes``;
footprints, stations and the day/night terminator are optional layers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from orbitkit.groundtrack import GroundTrack, format_datetime64
from orbitkit.plots.basemap import (
    draw_stations,
    draw_terminator,
    lonlat_kwargs,
    lonlat_xycoords,
    plot_lonlat,
    station_fields,
    station_list,
    world_axes,
)

__all__ = ["plot_ground_track", "track_colors"]

# Legends longer than this stop helping: past it, satellites are listed by group only.
_MAX_LEGEND_ENTRIES = 12
# Tick labels on more tracks than this overlap into noise; tick marks a little later.
_MAX_LABELLED_TRACKS = 3
_MAX_TICKED_TRACKS = 6


def track_colors(track: GroundTrack) -> tuple[list[Any], list[str | None]]:
    """A colour and a legend label for each satellite.

    When the satellites fall into more than one non-empty group (system or orbit class), one
    colour per group and the group name as label on its first satellite only; otherwise one
    colour per satellite labelled with its name (``None`` labels past the legend's limit).
    """
    import matplotlib as mpl

    groups = [track.group(i) for i in range(track.n_satellites)]
    distinct = list(dict.fromkeys(g for g in groups if g))
    by_group = len(distinct) > 1 or track.n_satellites > _MAX_LEGEND_ENTRIES
    cmap = mpl.colormaps["tab10" if (len(distinct) if by_group else track.n_satellites) <= 10
                         else "tab20"]
    colors: list[Any] = []
    labels: list[str | None] = []
    if by_group:
        keys = distinct + ([""] if "" in groups else [])
        seen: set[str] = set()
        for g in groups:
            colors.append(cmap(keys.index(g) % cmap.N))
            labels.append(None if g in seen else (g or "other"))
            seen.add(g)
        if len(keys) > _MAX_LEGEND_ENTRIES:
            labels = [lab if k < _MAX_LEGEND_ENTRIES else None for k, lab in enumerate(labels)]
    else:
        for i in range(track.n_satellites):
            colors.append(cmap(i % cmap.N))
            labels.append(f"{track.names[i]} ({int(track.norad_ids[i])})")
    return colors, labels


#: Tick labels closer than this (degrees of latitude/longitude) to one already written
#: on the same track are left out: a GEO or IGSO satellite barely moves in 30 minutes and
#: its labels would pile up into a blot.
_LABEL_SPACING_DEG = 4.0


def _spaced_labels(times: np.ndarray, lat: np.ndarray, lon: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ticks to label: each at least ``_LABEL_SPACING_DEG`` from every one kept."""
    keep: list[int] = []
    for k in range(times.size):
        dlon = np.abs((lon[keep] - lon[k] + 180.0) % 360.0 - 180.0)
        if not keep or np.all(np.hypot(lat[keep] - lat[k], dlon) >= _LABEL_SPACING_DEG):
            keep.append(k)
    return times[keep], lat[keep], lon[keep]


def _tick_times(track: GroundTrack, minutes: float) -> np.ndarray:
    step = np.timedelta64(int(round(minutes * 60)), "s").astype("timedelta64[ns]")
    t0, t1 = track.times[0], track.times[-1]
    first = t0 + (-(t0 - np.datetime64(0, "ns")) % step)  # next whole multiple of the step
    return np.arange(first, t1 + np.timedelta64(1, "ns"), step)


def plot_ground_track(
    track: GroundTrack,
    *,
    projection: str = "platecarree",
    center: tuple[float, float] | None = None,
    ax: Any = None,
    figsize: tuple[float, float] | None = None,
    stations: Iterable[Any] = (),
    terminator: bool | Any = False,
    tick_minutes: float | None = 30.0,
    title: str | None = None,
    legend: bool = True,
    resolution: str = "auto",
    backend: str = "auto",
) -> tuple[Any, Any]:
    """Draw ground tracks on a world map.

    Parameters
    ----------
    track
        The result to draw.
    projection, center, ax, figsize, resolution, backend
        As in :func:`orbitkit.plots.basemap.world_axes`. ``center`` (lat_deg, lon_deg)
        defaults to the first station for an orthographic map, else to the first satellite's
        first position.
    stations
        Sites to mark (:class:`orbitkit.sites.Site`, site keys or ``"LAT,LON[,ALT_M]"``
        strings, dicts or ``(name, lat, lon)``), or one of them.
    terminator
        ``True`` to shade night at the footprint time (or the start); or a time to use.
    tick_minutes
        Mark the track every so many minutes of whole UTC time, labelled ``HH:MM``
        (labels on up to three tracks, marks on up to six); ``None`` for no ticks.
    title
        Figure title; a default names the span.

    Returns
    -------
    (fig, ax)
    """
    stations = station_list(stations)
    if center is None:
        if projection == "orthographic" and stations:
            _, lat, lon = station_fields(stations[0])
            center = (lat, lon)
        elif projection == "orthographic":
            good = np.flatnonzero(track.ok[0]) if track.n_satellites else []
            k = good[0] if len(good) else None
            center = (0.0, 0.0) if k is None else (float(track.lat_deg[0, k]),
                                                   float(track.lon_deg[0, k]))
        else:
            center = (0.0, 0.0)
    fig, ax = world_axes(projection, center=center, ax=ax, figsize=figsize,
                         resolution=resolution, backend=backend)
    kw = lonlat_kwargs(ax)
    colors, labels = track_colors(track)
    ticks = (_tick_times(track, tick_minutes)
             if tick_minutes and track.n_satellites <= _MAX_TICKED_TRACKS
             else np.array([], "datetime64[ns]"))
    label_ticks = track.n_satellites <= _MAX_LABELLED_TRACKS

    for i in range(track.n_satellites):
        color = colors[i]
        plot_lonlat(ax, track.lon_deg[i], track.lat_deg[i], color=color, linewidth=1.4,
                    label=labels[i], zorder=3)
        good = np.flatnonzero(track.ok[i])
        if good.size:
            k = good[0]
            ax.scatter([track.lon_deg[i, k]], [track.lat_deg[i, k]], s=28, color=color,
                       edgecolors="k", linewidths=0.6, zorder=4, marker="o", **kw)
        if ticks.size:
            lat, lon, _ = track.position_at(i, ticks)
            shown = np.isfinite(lat)
            ax.scatter(lon[shown], lat[shown], s=12, color=color, marker="|", zorder=4,
                       linewidths=1.2, **kw)
            if label_ticks:
                for t, la, lo in zip(*_spaced_labels(ticks[shown], lat[shown], lon[shown]),
                                     strict=True):
                    text = format_datetime64(t)[11:16]
                    ax.annotate(text, (lo, la), xytext=(3, -9), textcoords="offset points",
                                fontsize=6.5, color=color, zorder=4,
                                xycoords=lonlat_xycoords(ax))
        if i < len(track.footprints) and track.footprints[i] is not None:
            fp_lat, fp_lon = track.footprints[i]
            plot_lonlat(ax, fp_lon, fp_lat, color=color, linewidth=1.0, linestyle="--",
                        zorder=3)
            lat, lon, _ = track.position_at(i, track.footprint_time)
            if np.isfinite(lat[0]):
                ax.scatter(lon, lat, s=60, color=color, edgecolors="k", marker="*",
                           linewidths=0.6, zorder=5, **kw)
    if stations:
        draw_stations(ax, stations)
    if terminator is not False and terminator is not None:
        when = terminator if terminator is not True else (
            track.footprint_time if track.footprint_time is not None else track.times[0])
        draw_terminator(ax, when)
    if title is None:
        t0, t1 = format_datetime64(track.times[0]), format_datetime64(track.times[-1])
        what = track.names[0] if track.n_satellites == 1 else f"{track.n_satellites} satellites"
        title = f"Ground track of {what}, {t0[:16].replace('T', ' ')} to " \
                f"{t1[:16].replace('T', ' ')} UTC"
        if track.footprint_time is not None and track.footprint_mask_deg is not None:
            title += (f"\nfootprint (--) at {format_datetime64(track.footprint_time)[11:16]} UTC,"
                      f" elevation mask {track.footprint_mask_deg:g} deg")
    ax.set_title(title, fontsize=10)
    if legend and any(lab for lab in labels):
        ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
    return fig, ax
