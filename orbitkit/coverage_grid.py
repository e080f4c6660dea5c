"""Where coverage is computed: latitude/longitude regions and the node-registered grids on them.

A :class:`Region` is a box in geodetic latitude and longitude (``east_deg`` may pass 180 to
cross the antimeridian); :func:`make_grid` lays nodes on it every ``resolution_deg``, edges
included (node-registered, as GMT and NetCDF-CF grids are), so a global 2-degree grid has
91 x 181 nodes with the +-180 columns both present and whole pole rows. Each node stands for
the cell around it, clipped to the region: :mod:`orbitkit.coverage_summary` weighs it by that
cell's area.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from orbitkit.errors import UserError
from orbitkit.frames import geodetic_to_itrs

__all__ = ["REGIONS", "Grid", "Region", "make_grid", "parse_region"]

#: Named regions: (south, north, west, east) in degrees.
REGIONS: dict[str, tuple[float, float, float, float]] = {
    "global": (-90.0, 90.0, -180.0, 180.0),
    # BeiDou's regional (RNSS) service area, 55S-55N, 70E-150E
    "asia-pacific": (-55.0, 55.0, 70.0, 150.0),
}

@dataclass(frozen=True)
class Region:
    """A latitude/longitude box, degrees; ``east_deg`` may exceed 180 across the antimeridian."""

    south_deg: float
    north_deg: float
    west_deg: float
    east_deg: float
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "south_deg": self.south_deg,
            "north_deg": self.north_deg,
            "west_deg": self.west_deg,
            "east_deg": self.east_deg,
        }

    def label(self) -> str:
        """Short text for titles: the name, or the box."""
        if self.name and self.name in REGIONS:
            return self.name
        return (f"{self.south_deg:g}..{self.north_deg:g} deg lat, "
                f"{self.west_deg:g}..{self.east_deg:g} deg lon")


def parse_region(text: str | Region | Sequence[float]) -> Region:
    """Read a region: ``global``, ``asia-pacific`` or ``S,N,W,E`` in degrees.

    Raises
    ------
    UserError
        When the text is neither a known name nor four numbers in range with S < N.
    """
    if isinstance(text, Region):
        return text
    if isinstance(text, str):
        key = text.strip().lower()
        if key in REGIONS:
            return Region(*REGIONS[key], name=key)
        parts = [p for p in key.replace(" ", "").split(",") if p != ""]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 4:
            raise UserError(
                f"region {text!r}: give 'global', 'asia-pacific' or S,N,W,E in degrees "
                "(e.g. -60,60,50,170)"
            )
        name = text.strip()
    else:
        values = [float(v) for v in text]
        if len(values) != 4:
            raise UserError("region: expected four numbers S,N,W,E in degrees")
        name = ",".join(f"{v:g}" for v in values)
    south, north, west, east = values
    if not all(math.isfinite(v) for v in values):
        raise UserError(f"region {name!r}: values must be finite")
    if not (-90.0 <= south <= north <= 90.0):
        raise UserError(f"region {name!r}: need -90 <= S <= N <= 90 (got S={south:g}, "
                        f"N={north:g})")
    if not (-360.0 <= west <= 360.0 and -360.0 <= east <= 360.0):
        raise UserError(f"region {name!r}: longitudes must lie within -360..360 degrees")
    if east < west:
        # W > E means the box crosses the antimeridian (e.g. 160,-160)
        east += 360.0
    if east - west > 360.0:
        raise UserError(f"region {name!r}: spans more than 360 degrees of longitude")
    return Region(south, north, west, east, name=name)


def _nodes(lo: float, hi: float, step: float) -> np.ndarray:
    # every multiple of the step within [lo, hi], both ends included when they are multiples;
    # the tolerance keeps 0.1-degree grids from losing an end to rounding
    eps = 1e-9 * max(1.0, abs(lo), abs(hi)) / step
    k0 = math.ceil(lo / step - eps)
    k1 = math.floor(hi / step + eps)
    k = np.arange(k0, k1 + 1, dtype=np.float64)
    return np.round(k * step, 10)


@dataclass(frozen=True)
class Grid:
    """A node-registered latitude/longitude grid on the WGS84 ellipsoid.

    Attributes
    ----------
    region
        The box the grid fills.
    resolution_deg
        Node spacing in degrees (latitude and longitude).
    lat_deg, lon_deg
        Node latitudes (south to north) and longitudes (west to east), degrees.
    height_km
        Height of every point above the ellipsoid, km.
    """

    region: Region
    resolution_deg: float
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    height_km: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        """(number of latitudes, number of longitudes)."""
        return (self.lat_deg.size, self.lon_deg.size)

    @property
    def n_points(self) -> int:
        return int(self.lat_deg.size * self.lon_deg.size)

    def points_deg(self) -> tuple[np.ndarray, np.ndarray]:
        """Flattened (lat, lon) of every point, latitude-major (row = one latitude)."""
        lat, lon = np.meshgrid(self.lat_deg, self.lon_deg, indexing="ij")
        return lat.ravel(), lon.ravel()


def make_grid(
    region: str | Region = "global", resolution_deg: float = 2.0, height_km: float = 0.0
) -> Grid:
    """Build the node-registered grid of a region.

    Parameters
    ----------
    region
        ``"global"``, ``"asia-pacific"``, ``"S,N,W,E"`` (degrees) or a :class:`Region`.
    resolution_deg
        Node spacing, degrees (> 0).
    height_km
        Height above the WGS84 ellipsoid of every point, km.
    """
    reg = parse_region(region)
    if not (isinstance(resolution_deg, int | float) and math.isfinite(resolution_deg)
            and resolution_deg > 0):
        raise UserError(f"resolution {resolution_deg!r}: must be a positive number of degrees")
    if resolution_deg > 90:
        raise UserError(f"resolution {resolution_deg:g} deg: at most 90 degrees")
    # a zero-width side (S == N or W == E: a point or a line asked for on purpose) is that
    # latitude / longitude itself, not the grid nodes it happens to miss
    lat = (np.array([reg.south_deg]) if reg.south_deg == reg.north_deg
           else _nodes(reg.south_deg, reg.north_deg, resolution_deg))
    lon = (np.array([reg.west_deg]) if reg.west_deg == reg.east_deg
           else _nodes(reg.west_deg, reg.east_deg, resolution_deg))
    if lat.size == 0 or lon.size == 0:
        raise UserError(
            f"region {reg.label()} holds no node of a {resolution_deg:g}-degree grid; "
            "use a finer resolution or a larger region"
        )
    return Grid(reg, float(resolution_deg), lat, lon, float(height_km))


def _geodetic_points(
    lat_rad: np.ndarray, lon_rad: np.ndarray, h_km: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Geodetic -> (ITRS position km (P,3), geodetic up unit vector (P,3)), float64."""
    sl, cl = np.sin(lat_rad), np.cos(lat_rad)
    so, co = np.sin(lon_rad), np.cos(lon_rad)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    pos = geodetic_to_itrs(lat_rad, lon_rad, h_km)
    return pos, up
