"""orbitkit: the space systems of China's 2021 white paper on real orbital data.

``import orbitkit`` stays light: the public names below load their module on first use,
and matplotlib, cartopy, astropy and scipy load only inside the functions that draw or
need them.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "OrbitkitError": "orbitkit.errors",
    "UserError": "orbitkit.errors",
    "CatalogError": "orbitkit.errors",
    "TargetError": "orbitkit.errors",
    "SiteError": "orbitkit.errors",
    "TimeInputError": "orbitkit.errors",
    "ElementParseError": "orbitkit.errors",
    "ElementFileError": "orbitkit.errors",
    "ElementsUnavailableError": "orbitkit.errors",
    "FetchError": "orbitkit.errors",
    "RequestTooLargeError": "orbitkit.errors",
    "PropagationError": "orbitkit.errors",
    # catalogue and sites
    "Catalog": "orbitkit.catalog",
    "System": "orbitkit.catalog",
    "Member": "orbitkit.catalog",
    "load_catalog": "orbitkit.catalog",
    "resolve_target": "orbitkit.catalog",
    "Site": "orbitkit.sites",
    "load_sites": "orbitkit.sites",
    "parse_site": "orbitkit.sites",
    # time
    "parse_utc": "orbitkit.timeutil",
    "format_utc": "orbitkit.timeutil",
    "to_julian": "orbitkit.timeutil",
    "time_grid": "orbitkit.timeutil",
    "to_datetime64": "orbitkit.timeutil",
    # elements
    "ElementSet": "orbitkit.elements.model",
    "read_elements": "orbitkit.elements.parse",
    "parse_text": "orbitkit.elements.parse",
    "ParseResult": "orbitkit.elements.parse",
    "export_elements": "orbitkit.elements.export",
    "ElementResolution": "orbitkit.elements.sources",
    "load_element_sets": "orbitkit.elements.sources",
    "load_element_sets_at_epoch": "orbitkit.elements.sources",
    "nominal_sets": "orbitkit.elements.nominal",
    # propagation and frames
    "Ephemeris": "orbitkit.propagation",
    "propagate": "orbitkit.propagation",
    "iter_propagate": "orbitkit.propagation",
    "itrs_to_geodetic": "orbitkit.frames",
    "geodetic_to_itrs": "orbitkit.frames",
    "teme_to_itrs": "orbitkit.frames",
    # ground tracks and exports
    "GroundTrack": "orbitkit.groundtrack",
    "ground_track": "orbitkit.groundtrack",
    "footprint": "orbitkit.groundtrack",
    "footprint_half_angle_deg": "orbitkit.groundtrack",
    "write_track": "orbitkit.export",
    # passes
    "Pass": "orbitkit.passes",
    "VisibilityInterval": "orbitkit.passes",
    "HorizonMask": "orbitkit.passes",
    "find_passes": "orbitkit.passes",
    "PassSearch": "orbitkit.passes",
    "parse_horizon": "orbitkit.passes",
    "passes_to_ical": "orbitkit.ical",
    "sun_elevation_deg": "orbitkit.sun",
    "is_sunlit": "orbitkit.sun",
    # sky view
    "SkyView": "orbitkit.skyview",
    "sky_view": "orbitkit.skyview",
    # coverage and DOP
    "CoverageResult": "orbitkit.coverage",
    "SiteSeries": "orbitkit.coverage",
    "Grid": "orbitkit.coverage",
    "Region": "orbitkit.coverage",
    "compute_coverage": "orbitkit.coverage",
    "make_grid": "orbitkit.coverage",
    "parse_region": "orbitkit.coverage",
    "site_series": "orbitkit.coverage",
    # deep space
    "earth_mars_transfer": "orbitkit.deepspace",
    "porkchop": "orbitkit.deepspace",
    "lambert": "orbitkit.deepspace",
    "heliocentric_state": "orbitkit.deepspace",
    "TransferResult": "orbitkit.deepspace.transfer",
    "PorkchopGrid": "orbitkit.deepspace.transfer",
    "tianwen1_mars_orbits": "orbitkit.deepspace.mars",
    "insertion_delta_v_km_s": "orbitkit.deepspace.mars",
    "date_range": "orbitkit.deepspace",
    # orbit sources (one interface for every source; sets switching along the window)
    "Orbit": "orbitkit.elements.orbit",
    "OrbitSource": "orbitkit.elements.orbit",
    "OutsideSpanError": "orbitkit.elements.orbit",
    "ElementSetSeries": "orbitkit.elements.switching",
    # GNSS broadcast and precise orbits
    "read_rinex_nav": "orbitkit.gnss",
    "read_sp3": "orbitkit.gnss",
    "BroadcastOrbits": "orbitkit.gnss",
    "PreciseOrbits": "orbitkit.gnss",
    "compare_orbits": "orbitkit.gnss.compare",
    # conjunctions (collision warning)
    "find_conjunctions": "orbitkit.conjunctions",
    "Conjunction": "orbitkit.conjunctions",
    "ConjunctionSearch": "orbitkit.conjunctions",
    "foster_pc": "orbitkit.conjunctions",
    "chan_pc": "orbitkit.conjunctions",
    "alfano_max_pc": "orbitkit.conjunctions",
    "alfano_max_pc_many": "orbitkit.conjunctions",
    "ChanAccuracyWarning": "orbitkit.conjunctions",
    "read_cdm": "orbitkit.conjunctions.cdm",
    "write_cdm": "orbitkit.conjunctions.cdm",
}

# public name -> (module, name there), where the name there would be ambiguous at the top
_RENAMED: dict[str, tuple[str, str]] = {
    "mars_ground_track": ("orbitkit.deepspace.mars", "ground_track"),
}

__all__ = ["__version__", *_EXPORTS, *_RENAMED]


def __getattr__(name: str) -> Any:
    if name in _RENAMED:
        module, inner = _RENAMED[name]
    else:
        module, inner = _EXPORTS.get(name), name
    if module is None:
        raise AttributeError(f"module 'orbitkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), inner)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
