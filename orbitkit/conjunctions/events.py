"""Result objects of the conjunction screen: one :class:`Conjunction` per close approach,
one :class:`ConjunctionSearch` per run, each with ``to_dict()``.

The JSON keys and the CSV columns are the ones issue 15 fixes: ``to_dict()`` of an event
has exactly :data:`EVENT_KEYS`; :data:`SOCRATES_COLUMNS` are CelesTrak SOCRATES's CSV
columns, so a SOCRATES reader reads ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

__all__ = [
    "Conjunction",
    "ConjunctionSearch",
    "EVENT_KEYS",
    "SOCRATES_COLUMNS",
    "PC_METHODS",
]

#: Keys of :meth:`Conjunction.to_dict`, in order (issue 15).
EVENT_KEYS = ("norad_id_1", "name_1", "dse_1_d", "norad_id_2", "name_2", "dse_2_d", "tca_utc",
              "miss_km", "relative_speed_km_s", "r_km", "t_km", "n_km", "max_probability",
              "dilution_km", "pc_method")

#: CelesTrak SOCRATES's CSV columns (km, km/s, days), in its order.
SOCRATES_COLUMNS = ("NORAD_CAT_ID_1", "OBJECT_NAME_1", "DSE_1", "NORAD_CAT_ID_2",
                    "OBJECT_NAME_2", "DSE_2", "TCA", "TCA_RANGE", "TCA_RELATIVE_SPEED",
                    "MAX_PROB", "DILUTION")

#: Collision-probability method names, as SANA's CDM registry spells them.
PC_METHODS = {"foster": "FOSTER-1992", "chan": "CHAN-1997",
              "alfano-max": "ALFANO-MAX-PROBABILITY"}


def _iso_ms(t: datetime) -> str:
    """UTC ISO 8601 with milliseconds (the TCA is good to 1 ms)."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True, eq=False)
class Conjunction:
    """One close approach: a local minimum of the distance between two objects.

    Attributes
    ----------
    norad_id_1, name_1, norad_id_2, name_2
        The two objects; object 1 is the target's (the screened object), or the lower
        NORAD number when every pair of one set is screened.
    epoch_1, epoch_2
        Epochs of the element sets used (aware UTC).
    tca
        Time of closest approach (aware UTC), to 1 ms.
    miss_km
        Distance at TCA [km] (SGP4's minimum, to 1 m).
    relative_speed_km_s
        Speed of object 2 relative to object 1 at TCA [km/s].
    rtn_km
        (3,) object 2 minus object 1 at TCA in object 1's radial / in-track (transverse) /
        cross-track frame [km].
    r1_teme_km, v1_teme_km_s, r2_teme_km, v2_teme_km_s
        (3,) TEME states at TCA (for CDMs and the encounter plot; CDMs convert to GCRF).
    hbr_m
        Combined hard-body radius used for the probability [m].
    max_probability, dilution_km
        SOCRATES's maximum probability (Alfano 2005) and dilution threshold [km].
    pc_method
        ``"ALFANO-MAX-PROBABILITY"`` for element-set screening (no covariance).
    """

    norad_id_1: int
    name_1: str
    epoch_1: datetime
    norad_id_2: int
    name_2: str
    epoch_2: datetime
    tca: datetime
    miss_km: float
    relative_speed_km_s: float
    rtn_km: tuple[float, float, float]
    r1_teme_km: np.ndarray = field(repr=False)
    v1_teme_km_s: np.ndarray = field(repr=False)
    r2_teme_km: np.ndarray = field(repr=False)
    v2_teme_km_s: np.ndarray = field(repr=False)
    hbr_m: float = 0.0
    max_probability: float | None = None
    dilution_km: float | None = None
    pc_method: str = PC_METHODS["alfano-max"]

    @property
    def dse_1_d(self) -> float:
        """Days from object 1's element epoch to TCA (SOCRATES's DSE)."""
        return (self.tca - self.epoch_1).total_seconds() / 86400.0

    @property
    def dse_2_d(self) -> float:
        return (self.tca - self.epoch_2).total_seconds() / 86400.0

    @property
    def tca_utc(self) -> str:
        return _iso_ms(self.tca)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready event with exactly :data:`EVENT_KEYS`."""
        r, t, n = self.rtn_km
        return {
            "norad_id_1": int(self.norad_id_1),
            "name_1": self.name_1,
            "dse_1_d": round(self.dse_1_d, 6),
            "norad_id_2": int(self.norad_id_2),
            "name_2": self.name_2,
            "dse_2_d": round(self.dse_2_d, 6),
            "tca_utc": self.tca_utc,
            "miss_km": round(float(self.miss_km), 6),
            "relative_speed_km_s": round(float(self.relative_speed_km_s), 6),
            "r_km": round(float(r), 6),
            "t_km": round(float(t), 6),
            "n_km": round(float(n), 6),
            "max_probability": None if self.max_probability is None
            else float(f"{self.max_probability:.6g}"),
            "dilution_km": None if self.dilution_km is None else round(self.dilution_km, 6),
            "pc_method": self.pc_method,
        }

    def socrates_row(self) -> list[Any]:
        """One CSV row in :data:`SOCRATES_COLUMNS` order (km, km/s, days)."""
        d = self.to_dict()
        return [d["norad_id_1"], d["name_1"], f"{self.dse_1_d:.3f}", d["norad_id_2"],
                d["name_2"], f"{self.dse_2_d:.3f}", self.tca.astimezone(UTC).strftime(
                    "%Y-%m-%d %H:%M:%S.%f")[:-3], f"{self.miss_km:.3f}",
                f"{self.relative_speed_km_s:.3f}",
                "" if self.max_probability is None else f"{self.max_probability:.3E}",
                "" if self.dilution_km is None else f"{self.dilution_km:.4f}"]

    def distance_km(self, tau_s: np.ndarray) -> np.ndarray:
        """Distance [km] at ``tau_s`` seconds from TCA on the straight-line model of the
        encounter (relative velocity held fixed): within metres for a fly-by over tens of
        seconds, what the figure draws."""
        rho = np.asarray(self.r2_teme_km) - np.asarray(self.r1_teme_km)
        u = np.asarray(self.v2_teme_km_s) - np.asarray(self.v1_teme_km_s)
        tau = np.asarray(tau_s, dtype=float)
        return np.linalg.norm(rho[None] + tau.reshape(-1)[:, None] * u[None], axis=1).reshape(
            tau.shape)

    def encounter_plane(self) -> dict[str, Any]:
        """The encounter-plane picture: miss vector ``(x, z)`` [km] (x along the miss), the
        combined hard-body radius [km], and the worst-case covariance of the maximum
        probability (SOCRATES's shape sized to the dilution threshold) as a 2x2 [km^2]."""
        from orbitkit.conjunctions.pc import (
            SOCRATES_SIGMA_RTN_KM,
            encounter_plane,
            rtn_to_eci_covariance,
        )

        r1, v1 = np.asarray(self.r1_teme_km), np.asarray(self.v1_teme_km_s)
        r2, v2 = np.asarray(self.r2_teme_km), np.asarray(self.v2_teme_km_s)
        sig = np.diag(np.square(SOCRATES_SIGMA_RTN_KM))
        c = rtn_to_eci_covariance(r1, v1, sig) + rtn_to_eci_covariance(r2, v2, sig)
        miss, cp, _ = encounter_plane(r1, v1, r2, v2, c)
        w, vec = np.linalg.eigh(cp)
        ar = float(np.sqrt(w[1] / w[0]))
        s = self.dilution_km or 0.0
        # worst case: the major axis along the miss, sized to the dilution threshold
        worst = np.diag([s * s, (s / ar) ** 2])
        return {"miss_xz_km": (float(miss), 0.0), "hbr_km": self.hbr_m / 1000.0,
                "covariance_km2": worst, "aspect_ratio": ar}

    def swapped(self) -> Conjunction:
        """The same event seen from object 2 (its RTN frame; same TCA, miss and speed)."""
        from orbitkit.conjunctions.refine import rtn_components

        rtn = rtn_components(self.r2_teme_km, self.v2_teme_km_s,
                             self.r1_teme_km - self.r2_teme_km)
        return Conjunction(self.norad_id_2, self.name_2, self.epoch_2, self.norad_id_1,
                           self.name_1, self.epoch_1, self.tca, self.miss_km,
                           self.relative_speed_km_s, tuple(float(x) for x in rtn),
                           self.r2_teme_km, self.v2_teme_km_s, self.r1_teme_km,
                           self.v1_teme_km_s, self.hbr_m, self.max_probability,
                           self.dilution_km, self.pc_method)


@dataclass(eq=False)
class ConjunctionSearch:
    """Every close approach of a screen, sorted by miss distance.

    Attributes
    ----------
    start, stop
        The window (aware UTC).
    threshold_km
        Events are local minima of the distance below this [km].
    objects
        Number of distinct objects screened (after merging docked ones).
    screened_pairs
        Pairs the screen answered for: every pair it could form (target x against, or
        every pair of one set), less pairs of one shared element set (docked vehicles).
    events
        The :class:`Conjunction` list, sorted by miss distance.
    failed_samples
        Propagation samples sgp4 flagged (decayed, ...) or below 100 km: skipped, counted.
    merged
        Notes on objects left out because they share another's element set (docked).
    stats
        Counts from the stages (shell-filtered pairs, candidate intervals, refinements, ...).
    warnings
        Messages for the user (stderr in the CLI).
    """

    start: datetime
    stop: datetime
    threshold_km: float
    objects: int
    screened_pairs: int
    events: list[Conjunction]
    failed_samples: int = 0
    merged: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self):
        return iter(self.events)

    def to_dict(self) -> dict[str, Any]:
        """``{"window", "objects", "screened_pairs", "events"}`` as issue 15 gives them."""
        return {
            "window": {"start_utc": _iso_ms(self.start), "stop_utc": _iso_ms(self.stop),
                       "threshold_km": self.threshold_km},
            "objects": int(self.objects),
            "screened_pairs": int(self.screened_pairs),
            "events": [e.to_dict() for e in self.events],
        }

    def socrates_rows(self) -> list[list[Any]]:
        return [e.socrates_row() for e in self.events]

    def to_frame(self) -> Any:
        """pandas DataFrame, one row per event in this order: the JSON keys (numbers
        unrounded, ``tca_utc`` a UTC datetime) and ``hbr_m``; see
        :func:`orbitkit.tabular.conjunction_search_frame`. Needs pandas."""
        from orbitkit.tabular import conjunction_search_frame

        return conjunction_search_frame(self)
