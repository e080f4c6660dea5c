"""Ground sites: launch centres, TT&C and deep-space stations, teaching cities.

Anywhere a station is asked for, orbitkit accepts a site key from ``catalog/sites.toml``
(``beijing``), or ``LAT,LON[,ALT_M]`` in degrees and metres (``-33.87,151.21,40``).

Heights are metres above the WGS84 ellipsoid and must be finite and within
:data:`MIN_ALT_M` .. :data:`MAX_ALT_M` (-500 m to 100 km), for a site file, a
``--station``/``--site`` string and a :class:`Site` built in Python alike. Why those ends:
the lowest ground anyone stands on, the Dead Sea shore, is about 430 m below sea level and
the geoid there lies some 20 m above the ellipsoid (the geoid itself is never more than
about 106 m below it), so -500 m holds every place on land or sea with margin; 100 km is
the Kármán line, above which an observer is a spacecraft, not a station (aircraft and
balloons, up to ~50 km, still fit). A height outside is a typing slip (metres for km, a
sign) that would otherwise give quietly wrong look angles; NaN or infinity gave no passes
at all.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from orbitkit.catalog import _read_toml, builtin_catalog_dir, user_catalog_dirs
from orbitkit.errors import CatalogError, SiteError

__all__ = ["Site", "load_sites", "parse_site", "SITE_KINDS", "MIN_ALT_M", "MAX_ALT_M"]

SITE_KINDS = ("launch", "ttc", "deep-space", "control", "teaching")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Lowest station height accepted, metres above the WGS84 ellipsoid (see the module notes).
MIN_ALT_M = -500.0
#: Highest station height accepted, metres above the WGS84 ellipsoid (the Kármán line).
MAX_ALT_M = 100_000.0
_ALT_RANGE = "-500 to 100,000 m above the WGS84 ellipsoid (the Dead Sea shore to the edge of " \
    "space)"


def _alt_problem(value: object) -> str | None:
    """Why ``value`` is not a station height in metres, or ``None`` when it is one."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return f"the height must be a number of metres, got {value!r}"
    if not math.isfinite(value):
        return f"the height {value} m is not a finite number; give {_ALT_RANGE}"
    if not MIN_ALT_M <= value <= MAX_ALT_M:
        return f"the height {value:g} m is outside {_ALT_RANGE}"
    return None


@dataclass(frozen=True)
class Site:
    """A point on the WGS84 ellipsoid.

    ``lat_deg``/``lon_deg`` geodetic degrees (east positive), ``alt_m`` height above the
    ellipsoid in metres; ``alt_known`` is False where no source gives the height and
    ``alt_m`` is the 0 m stand-in (a few hundred metres move a pass by a fraction of a
    degree of elevation at most).
    """

    key: str
    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    kind: str = "custom"
    name_zh: str | None = None
    country: str | None = None
    approximate: bool = False
    source: str | None = None
    note: str | None = None
    alt_known: bool = True

    def __post_init__(self) -> None:
        for name, value, lo, hi in (("latitude", self.lat_deg, -90.0, 90.0),
                                    ("longitude", self.lon_deg, -180.0, 180.0)):
            if not (isinstance(value, numbers.Real) and lo <= value <= hi):
                raise SiteError(f"site {self.key!r}: {name} {value!r} is outside "
                                f"{lo:g}..{hi:g} degrees")
        problem = _alt_problem(self.alt_m)
        if problem:
            raise SiteError(f"site {self.key!r}: {problem}")

    @property
    def alt_km(self) -> float:
        return self.alt_m / 1000.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "name": self.name, "name_zh": self.name_zh, "kind": self.kind,
            "country": self.country, "lat_deg": self.lat_deg, "lon_deg": self.lon_deg,
            "alt_m": self.alt_m, "approximate": self.approximate, "source": self.source,
            "note": self.note, "alt_known": self.alt_known,
        }


def _parse_sites_file(path: Path) -> dict[str, Site]:
    raw = _read_toml(path)
    sources = raw.get("sources", {})
    entries = raw.get("sites", [])
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: 'sites' must be an array of tables ([[sites]])")
    out: dict[str, Site] = {}
    for i, entry in enumerate(entries):
        where = f"{path}: sites[{i}]"
        if not isinstance(entry, dict):
            raise CatalogError(f"{where}: must be a table")
        key = entry.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise CatalogError(f"{where}: 'key' must be a lower-case id like 'beijing', "
                               f"got {key!r}")
        where = f"{path}: site {key!r}"
        for coord, lo, hi in (("lat_deg", -90, 90), ("lon_deg", -180, 180)):
            value = entry.get(coord)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if not numeric or not lo <= value <= hi:
                raise CatalogError(f"{where}: {coord!r} must be a number in {lo}..{hi}, "
                                   f"got {value!r}")
        problem = _alt_problem(entry.get("alt_m", 0.0))
        if problem:
            raise CatalogError(f"{where}: 'alt_m': {problem}")
        kind = entry.get("kind", "custom")
        if kind not in SITE_KINDS:
            raise CatalogError(f"{where}: kind {kind!r} is not one of {list(SITE_KINDS)}")
        source = entry.get("source")
        if source is None or source not in sources:
            raise CatalogError(f"{where}: source {source!r} is not declared in [sources]")
        out[key] = Site(
            key=key, name=str(entry.get("name", key)), lat_deg=float(entry["lat_deg"]),
            lon_deg=float(entry["lon_deg"]), alt_m=float(entry.get("alt_m", 0.0)), kind=kind,
            name_zh=entry.get("name_zh"), country=entry.get("country"),
            approximate=bool(entry.get("approximate", False)), source=sources[source],
            note=entry.get("note") or None, alt_known="alt_m" in entry,
        )
    return out


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...]) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    for path in paths:
        if path.is_file():
            sites.update(_parse_sites_file(path))
    return sites


def load_sites() -> dict[str, Site]:
    """All known sites by key: the built-in ``sites.toml``, then the user's (which win)."""
    paths = [builtin_catalog_dir() / "sites.toml"]
    paths += [d / "sites.toml" for d in user_catalog_dirs()]
    return _load(tuple(p.resolve() for p in paths))


def parse_site(text: str | Site) -> Site:
    """A site key or ``LAT,LON[,ALT_M]`` (degrees, degrees, metres) -> :class:`Site`.

    Raises
    ------
    SiteError
        Unknown key (with close matches) or coordinates out of range.
    """
    if isinstance(text, Site):
        return text
    value = str(text).strip()
    if "," in value:
        parts = [p.strip() for p in value.split(",")]
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise SiteError(f"station {value!r}: expected LAT,LON[,ALT_M] in degrees and "
                            "metres (e.g. 39.9042,116.4074,50) or a site key") from None
        if len(numbers) not in (2, 3):
            raise SiteError(f"station {value!r}: expected 2 or 3 numbers LAT,LON[,ALT_M], "
                            f"got {len(numbers)}")
        lat, lon = numbers[0], numbers[1]
        alt = numbers[2] if len(numbers) == 3 else 0.0
        problem = _alt_problem(alt)
        if problem:
            raise SiteError(f"station {value!r}: {problem}")
        if not -90.0 <= lat <= 90.0:
            raise SiteError(f"station {value!r}: latitude {lat} is outside -90..90 degrees")
        if not -180.0 <= lon <= 360.0:
            raise SiteError(f"station {value!r}: longitude {lon} is outside -180..360 degrees")
        if lon > 180.0:
            lon -= 360.0
        return Site(key=value, name=f"{lat:.4f},{lon:.4f}", lat_deg=lat, lon_deg=lon, alt_m=alt)
    sites = load_sites()
    site = sites.get(value.lower())
    if site is None:
        close = difflib.get_close_matches(value.lower(), list(sites), n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise SiteError(f"unknown station {value!r}{hint} (give a site key from "
                        "'orbitkit sites' or LAT,LON[,ALT_M])")
    return site
