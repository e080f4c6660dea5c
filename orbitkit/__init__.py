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
    # elements
    "ElementSet": "orbitkit.elements.model",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'orbitkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
