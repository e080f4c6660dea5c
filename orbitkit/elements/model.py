"""The element-set record every other layer consumes: one SGP4 set, an
:class:`~orbitkit.elements.orbit.Orbit` in TEME."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sgp4.api import SGP4_ERRORS, Satrec, SatrecArray

from orbitkit.elements.orbit import Orbit

__all__ = ["ElementSet", "SOURCE_KINDS"]

#: Where an element set came from, in the order sources are tried.
SOURCE_KINDS = ("file", "cache", "celestrak", "nominal")


@functools.lru_cache(maxsize=4)
def satrec_array(satrecs: tuple) -> SatrecArray:
    """The C++ array of these satrecs, cached for repeated calls over one constellation.

    Keyed by the Satrec objects themselves (hashed by identity), which the cache keeps
    alive, so a key can never be reused by another object. Building the C array costs
    ~2 µs per satellite.
    """
    return SatrecArray(list(satrecs))


def sgp4_batch(satrecs: Sequence[Satrec], jd: np.ndarray, fr: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """sgp4 over satellites × times in one C++ call: error (S, T), r, v (S, T, 3) TEME."""
    try:
        array = satrec_array(tuple(satrecs))
    except TypeError:  # unhashable satrec stand-in: build without the cache
        array = SatrecArray(list(satrecs))
    return array.sgp4(jd, fr)


@dataclass(frozen=True)
class ElementSet(Orbit):
    """One SGP4 mean-element set for one object.

    Parameters
    ----------
    norad_id
        Our own catalogue number. Unlike ``satrec.satnum`` it has no upper limit
        (OMM-only objects above 339999 keep their real number here).
    name
        Object name as given by the source (CelesTrak name, or the catalogue name).
    epoch
        Element epoch, timezone-aware UTC.
    satrec
        The initialised :class:`sgp4.api.Satrec` used for propagation.
    source
        One of :data:`SOURCE_KINDS`.
    origin
        Human-readable origin: file path (with line number), cache file, URL, or
        ``"nominal design"``.
    cospar_id
        International designator ``YYYY-NNNP`` when known.
    line1, line2
        The TLE lines when the set came from a TLE (``None`` for OMM / nominal).
    """

    norad_id: int
    name: str
    epoch: datetime
    satrec: Satrec = field(repr=False, compare=False)
    source: str
    origin: str = ""
    cospar_id: str | None = None
    line1: str | None = field(default=None, repr=False)
    line2: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.epoch.tzinfo is None:
            raise ValueError("ElementSet.epoch must be timezone-aware UTC")
        if self.source not in SOURCE_KINDS:
            raise ValueError(
                f"ElementSet.source must be one of {SOURCE_KINDS}, not {self.source!r}"
            )

    @property
    def is_nominal(self) -> bool:
        """True when positions from this set are illustrative (design orbit, not tracked)."""
        return self.source == "nominal"

    # ------------------------------------------------------------ the Orbit interface
    # An element set is valid at any time (judged by its age, not refused) and gives
    # TEME states through SGP4/SDP4.
    frame = "teme"
    span = None
    prn = None
    valid_from = None
    status_messages = SGP4_ERRORS

    @property
    def kind(self) -> str:
        """``"tle"`` or ``"omm"`` for a user's file, else ``cache``/``celestrak``/``nominal``."""
        if self.source == "file":
            return "tle" if self.line1 else "omm"
        return self.source

    def states(self, jd: np.ndarray, fr: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TEME states by SGP4 at two-part UTC Julian dates (see :class:`Orbit`)."""
        err, r, v = self.satrec.sgp4_array(np.asarray(jd, dtype=float),
                                           np.asarray(fr, dtype=float))
        return err.astype(np.uint8), r, v

    @classmethod
    def batch_states(cls, orbits: Sequence[Any], jd: np.ndarray, fr: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All sets in one sgp4 C++ call (see :func:`sgp4_batch`)."""
        return sgp4_batch([o.satrec for o in orbits], np.asarray(jd, dtype=float),
                          np.asarray(fr, dtype=float))

    def epochs_used(self, jd: np.ndarray, fr: np.ndarray) -> np.ndarray:
        stamp = np.datetime64(self.epoch.astimezone(UTC).replace(tzinfo=None), "us")
        return np.full(np.size(jd), stamp)

    def age_days(self, at: datetime | None = None) -> float:
        """Days from the epoch to ``at`` (default: now, UTC); negative if ``at`` is before."""
        at = at or datetime.now(UTC)
        return (at - self.epoch).total_seconds() / 86400.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready description (no satrec)."""
        return {
            "norad_id": self.norad_id,
            "name": self.name,
            "cospar_id": self.cospar_id,
            "epoch_utc": self.epoch.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "source": self.source,
            "source_kind": self.kind,
            "origin": self.origin,
        }
