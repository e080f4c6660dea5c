"""The element-set record every other layer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sgp4.api import Satrec

__all__ = ["ElementSet", "SOURCE_KINDS"]

#: Where an element set came from, in the order sources are tried.
SOURCE_KINDS = ("file", "cache", "celestrak", "nominal")


@dataclass(frozen=True)
class ElementSet:
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
            "origin": self.origin,
        }
