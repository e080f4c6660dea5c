"""Pictures of orbitkit results: maps (one offline map layer in :mod:`orbitkit.plots.basemap`),
ground tracks, sky plots, coverage maps, timelines, Tianwen-1's transfer and orbits.

Plots draw result objects; they never recompute them. Every module here imports matplotlib
(and cartopy, when a projection needs it) inside its functions, and the names below load
their module on first use, so ``import orbitkit.plots`` stays as light as ``import orbitkit``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "world_axes": "orbitkit.plots.basemap",
    "plot_lonlat": "orbitkit.plots.basemap",
    "draw_stations": "orbitkit.plots.basemap",
    "draw_terminator": "orbitkit.plots.basemap",
    "lonlat_kwargs": "orbitkit.plots.basemap",
    "plot_ground_track": "orbitkit.plots.groundtrack",
    "plot_sky": "orbitkit.plots.skyplot",
    "plot_timeline": "orbitkit.plots.timeline",
    "plot_coverage_map": "orbitkit.plots.coverage_map",
    "plot_site_series": "orbitkit.plots.site_series",
    "plot_transfer": "orbitkit.plots.transfer",
    "plot_porkchop": "orbitkit.plots.porkchop",
    "plot_mars_orbits": "orbitkit.plots.mars_orbits",
    "plot_conjunctions": "orbitkit.plots.conjunctions",
    "plot_orbit_comparison": "orbitkit.plots.orbit_compare",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'orbitkit.plots' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
