"""Horizon masks: the lowest elevation a station can see, by azimuth.

A mask is one number (degrees above the geometric horizon, everywhere) or a
:class:`HorizonMask` read from a horizon file (azimuth/elevation pairs, as surveyed or as a
terrain tool exports them). Between the given azimuths the elevation is interpolated
linearly, wrapping through north, so the mask is a closed, continuous curve: the pass search
(:mod:`orbitkit.passes`) brackets crossings of it exactly like crossings of a flat mask.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from orbitkit.errors import UserError

__all__ = ["HorizonMask", "Mask", "parse_horizon"]


@dataclass(frozen=True)
class HorizonMask:
    """An azimuth-dependent minimum elevation (terrain, buildings, antenna limits).

    Parameters
    ----------
    az_deg, el_deg
        Azimuths (degrees from north, clockwise) and the lowest usable elevation there
        (degrees). Between the given azimuths the mask is interpolated linearly, across
        north too (it is periodic); one point gives a constant mask. An azimuth of 360 is
        the end of the circle (the value just west of north), so a file may list both 0
        and 360; two points at one azimuth make a step (a building edge), in file order.
    """

    az_deg: tuple[float, ...]
    el_deg: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.az_deg) != len(self.el_deg) or not self.az_deg:
            raise UserError("horizon mask: give at least one azimuth/elevation pair, and as "
                            "many elevations as azimuths")
        az = np.asarray(self.az_deg, dtype=float)
        el = np.asarray(self.el_deg, dtype=float)
        if not (np.all(np.isfinite(az)) and np.all(np.isfinite(el))):
            raise UserError("horizon mask: azimuths and elevations must be finite numbers")
        if np.any((el < -10.0) | (el >= 90.0)):
            raise UserError("horizon mask: elevations must lie in -10..90 degrees (exclusive "
                            "of 90)")
        wrapped = np.mod(az, 360.0)
        # 360 (or 720...) stays the end of the circle, not a second point at north: with
        # both "0 A" and "360 B" the mask goes from A at north clockwise round to B
        wrapped[(wrapped == 0.0) & (az > 0.0)] = 360.0
        order = np.argsort(wrapped, kind="stable")
        object.__setattr__(self, "az_deg", tuple(float(a) for a in wrapped[order]))
        object.__setattr__(self, "el_deg", tuple(float(e) for e in el[order]))

    @classmethod
    def from_pairs(cls, pairs: Sequence[Sequence[float]]) -> HorizonMask:
        """From ``[(az_deg, el_deg), ...]``."""
        pairs = [tuple(p) for p in pairs]
        if any(len(p) != 2 for p in pairs):
            raise UserError("horizon mask: each entry must be an (azimuth, elevation) pair")
        return cls(tuple(float(p[0]) for p in pairs), tuple(float(p[1]) for p in pairs))

    @property
    def min_deg(self) -> float:
        """Lowest point of the mask [deg]; the whole mask is at or above it."""
        return float(min(self.el_deg))

    @property
    def max_deg(self) -> float:
        return float(max(self.el_deg))

    def elevation_deg(self, az_deg: np.ndarray | float) -> np.ndarray:
        """Mask elevation [deg] at azimuths [deg], interpolated linearly and periodically."""
        az = np.mod(np.asarray(az_deg, dtype=float), 360.0)
        if len(self.az_deg) == 1:
            return np.full(az.shape, self.el_deg[0])
        # periodic by hand: np.interp(period=360) folds 360 onto 0 and then interpolates
        # between the two points at north, raising the mask between 0 and the next azimuth
        xp = np.concatenate([[self.az_deg[-1] - 360.0], self.az_deg, [self.az_deg[0] + 360.0]])
        fp = np.concatenate([[self.el_deg[-1]], self.el_deg, [self.el_deg[0]]])
        return np.interp(az, xp, fp)

    def to_dict(self) -> dict[str, Any]:
        return {"az_deg": list(self.az_deg), "el_deg": list(self.el_deg)}


def parse_horizon(text: str, *, source: str = "horizon") -> HorizonMask:
    """Read a horizon mask from text: one ``AZ_DEG EL_DEG`` pair a line.

    Separators may be spaces, tabs, commas or semicolons; ``#`` starts a comment; a
    first line that is not numeric (a header) is skipped. Azimuths lie in 0..360 (both
    ends may be given), elevations in -10..90.

    Raises
    ------
    UserError
        With the line number of the first unreadable or out-of-range line.
    """
    pairs: list[tuple[float, float]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").replace(";", " ").split()
        if len(parts) > 2 and _two_numbers(parts):  # numbers first: not a header
            raise UserError(f"{source}, line {number}: extra column(s) {' '.join(parts[2:])!r} "
                            f"after azimuth and elevation in {raw.strip()!r}; give two numbers "
                            "a line ('#' starts a comment)")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            if not pairs and number <= 2:
                continue  # a header line
            raise UserError(f"{source}, line {number}: expected 'AZIMUTH_DEG ELEVATION_DEG', "
                            f"got {raw.strip()!r}") from None
        if len(values) != 2:
            raise UserError(f"{source}, line {number}: expected two numbers (azimuth and "
                            f"elevation in degrees), got {len(values)}")
        az, el = values
        if not 0.0 <= az <= 360.0:
            raise UserError(f"{source}, line {number}: azimuth {az:g} must lie in 0..360 "
                            "degrees (clockwise from north)")
        if not -10.0 <= el < 90.0:
            raise UserError(f"{source}, line {number}: elevation {el:g} must lie in -10..90 "
                            "degrees (exclusive of 90)")
        pairs.append((az, el))
    if not pairs:
        raise UserError(f"{source}: no azimuth/elevation pairs found")
    return HorizonMask.from_pairs(pairs)


def _two_numbers(parts: list[str]) -> bool:
    try:
        return all(map(math.isfinite, (float(parts[0]), float(parts[1]))))
    except ValueError:
        return False


Mask = float | HorizonMask
