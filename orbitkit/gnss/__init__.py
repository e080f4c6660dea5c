"""GNSS-grade orbits: broadcast ephemerides (RINEX navigation) and precise orbits (SP3).

- :mod:`orbitkit.gnss.rinex_nav` reads RINEX 3.0x/4.0x navigation files;
- :mod:`orbitkit.gnss.broadcast` holds the ICD position kernels, one per system;
- :mod:`orbitkit.gnss.ephemerides` picks the record for each satellite and instant;
- :mod:`orbitkit.gnss.sp3` reads SP3-c/d files and interpolates them;
- :mod:`orbitkit.gnss.compare` measures one orbit source against another (RTN, 3D).

All times inside are int64 nanoseconds of GPST (:mod:`orbitkit.gnss.timescales`);
positions are Earth-fixed metres (``r_ecef_m``), as the formats give them.
"""

from __future__ import annotations

from orbitkit.gnss.ephemerides import BroadcastOrbits, OrbitSamples, is_bds_geo
from orbitkit.gnss.rinex_nav import NavFile, read_rinex_nav
from orbitkit.gnss.sp3 import PreciseOrbits, read_sp3

__all__ = [
    "BroadcastOrbits",
    "OrbitSamples",
    "PreciseOrbits",
    "NavFile",
    "is_bds_geo",
    "read_rinex_nav",
    "read_sp3",
]
