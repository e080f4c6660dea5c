"""Deep space: planetary ephemeris (JPL DE421, offline), Lambert, two-body, Tianwen-1 replay.

Kernels here are pure numpy on km, km/s, s and radians, with no I/O and no plotting; the
ephemeris reads the installed ``de421`` package on first use (never at import), so importing
this package costs only numpy.

Modules
-------
twobody
    Universal-variable Kepler propagation and element conversions.
lambert
    Zero-revolution Lambert solver (universal variables, batched, per-sample status).
ephemeris
    Heliocentric Earth/Mars states from DE421; UTC -> TDB with a built-in leap-second table.
transfer
    The Earth-Mars transfer between two dates and porkchop grids (``TransferResult``,
    ``PorkchopGrid``).
mars
    Tianwen-1's orbits about Mars as Keplerian ellipses, the ideal capture Δv, ground tracks.
"""

from __future__ import annotations

from orbitkit.deepspace.ephemeris import heliocentric_state, utc_to_tdb_jd
from orbitkit.deepspace.lambert import LambertError, NearPiTransferWarning, lambert, lambert_batch
from orbitkit.deepspace.mars import MarsOrbit, ground_track, tianwen1_mars_orbits
from orbitkit.deepspace.transfer import (
    PorkchopGrid,
    TransferResult,
    date_range,
    earth_mars_transfer,
    porkchop,
)
from orbitkit.deepspace.twobody import elements_from_state, propagate, state_from_elements

__all__ = [
    "heliocentric_state",
    "utc_to_tdb_jd",
    "lambert",
    "lambert_batch",
    "LambertError",
    "NearPiTransferWarning",
    "propagate",
    "elements_from_state",
    "state_from_elements",
    "earth_mars_transfer",
    "porkchop",
    "date_range",
    "TransferResult",
    "PorkchopGrid",
    "MarsOrbit",
    "tianwen1_mars_orbits",
    "ground_track",
]
