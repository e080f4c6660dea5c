"""Choosing the broadcast record for each satellite and instant, and evaluating it.

Definition
----------
A broadcast orbit at time ``t`` is the position computed from *one* navigation record:
the satellite's healthy record whose ``toe`` is nearest ``t``, provided ``|t - toe|``
is within the system's fit interval (:data:`MAX_AGE_S`). Outside every record's interval
the position is absent (status :data:`NO_RECORD`), never extrapolated.

Method
------
1. Per satellite, its records are sorted by ``toe`` (GPST ns); duplicates of one toe
   (Galileo I/NAV and F/NAV, repeated messages) keep the first in file order.
   Unhealthy records are left out unless asked for; a satellite with only unhealthy
   records is named by :meth:`BroadcastOrbits.unhealthy`.
2. For all times at once, :func:`numpy.searchsorted` finds the neighbouring toes and the
   nearer one is taken; ``tk = (t - toe)`` is formed in integer ns, so it is exact.
3. The elements of the chosen records are gathered into (S, T) arrays and each system's
   kernel of :mod:`orbitkit.gnss.broadcast` runs once over all of them.
4. BeiDou GEOs are recognised from the record itself (:func:`is_bds_geo`: inclination
   below 20 deg and semi-major axis above 35,000 km), not from the PRN: PRN lists change
   (C59-C62 are GEOs too), and a record cannot lie about its own orbit.

Why it is right and tolerances
------------------------------
Nearest-toe selection within the fit interval is what receivers and RTKLIB (``seleph``)
do. Fit intervals: GPS/QZSS/NavIC 2 h either side (4-h curve fit, IS-GPS-200
20.3.4.4), Galileo 4 h validity (RTKLIB MAXDTOE_GAL), BeiDou 2 h (records are uploaded
every hour, so the nearest toe is normally within 30 min; the ICD states no curve-fit
interval and RTKLIB allows 6 h; 2 h lets the last record of a day reach past midnight UTC,
which BDT runs 14 s behind, while a GEO's error grows quickly beyond it), GLONASS 30 min
(records every 30 min, tb in the middle of its interval). Accuracy: see
:mod:`orbitkit.gnss.broadcast`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orbitkit.gnss import broadcast as bc
from orbitkit.gnss.rinex_nav import GLONASS_FIELDS, KEPLER_FIELDS, NavFile, NavRecords

__all__ = [
    "MAX_AGE_S",
    "OK",
    "NO_RECORD",
    "UNHEALTHY",
    "NOT_IN_FILE",
    "STATUS_TEXT",
    "is_bds_geo",
    "BroadcastOrbits",
    "OrbitSamples",
]

#: Largest |t - toe| a record is used for, s, per system.
MAX_AGE_S = {"G": 7200.0, "J": 7200.0, "I": 7200.0, "E": 14400.0, "C": 7200.0, "R": 1800.0}

OK, NO_RECORD, UNHEALTHY, NOT_IN_FILE = 0, 1, 2, 3
STATUS_TEXT = {
    OK: "ok",
    NO_RECORD: "no navigation record within the fit interval",
    UNHEALTHY: "only unhealthy records",
    NOT_IN_FILE: "satellite not in the file",
}
_ELEMENTS = ("sqrtA", "e", "M0", "deln", "omg", "omg0", "OMGd", "i0", "idot", "cuc", "cus",
             "cic", "cis", "crc", "crs", "toes")
_KEPLER_COL = {name: KEPLER_FIELDS.index(name) for name in _ELEMENTS}
#: The ICD kernel of each Keplerian system (BeiDou: bds_pos with its GEO branch).
_KERNELS = {"G": bc.gps_pos, "E": bc.gal_pos, "J": bc.qzs_pos, "I": bc.irn_pos}
_GLO_STATE = [GLONASS_FIELDS.index(k) for k in ("x", "y", "z", "vx", "vy", "vz")]
_GLO_ACC = [GLONASS_FIELDS.index(k) for k in ("ax", "ay", "az")]


def is_bds_geo(i0_rad, sqrtA) -> np.ndarray:
    """True for BeiDou GEO records: inclination < 20 deg and a > 35,000 km.

    BDS GEOs fly at 0-5 deg inclination, IGSOs at 55 deg on the same semi-major axis
    (42,164 km), MEOs at 27,906 km: the two numbers separate the three classes with wide
    margins.
    """
    a_m = np.asarray(sqrtA, dtype=float) ** 2
    return (np.abs(np.asarray(i0_rad, dtype=float)) < np.deg2rad(20.0)) & (a_m > 35.0e6)


@dataclass
class OrbitSamples:
    """Positions of S satellites at T times with per-sample status.

    Attributes
    ----------
    prns
        S PRNs (``"C19"``).
    t_gpst_ns
        (T,) or (S, T) int64 ns of GPST since the GPS epoch.
    r_ecef_m
        (S, T, 3) Earth-fixed position (system frame ~ ITRS), m; NaN where status != 0.
    status
        (S, T) uint8: :data:`OK`, :data:`NO_RECORD`, :data:`UNHEALTHY`, :data:`NOT_IN_FILE`.
    toe_gpst_ns
        (S, T) int64 toe of the record used (0 where none).
    source
        ``"broadcast"`` or ``"precise"``.
    """

    prns: list[str]
    t_gpst_ns: np.ndarray
    r_ecef_m: np.ndarray
    status: np.ndarray
    toe_gpst_ns: np.ndarray
    source: str = "broadcast"
    geo: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def failures(self) -> list[tuple[str, int, str]]:
        """(prn, samples lost, reason) for every satellite with absent samples."""
        out = []
        for i, prn in enumerate(self.prns):
            bad = self.status[i] != OK
            if bad.any():
                codes = np.unique(self.status[i][bad])
                out.append((prn, int(bad.sum()),
                            "; ".join(STATUS_TEXT.get(int(c), str(c)) for c in codes)))
        return out


def _offsets(offset_s, shape: tuple[int, int]) -> np.ndarray | None:
    """``offset_s`` broadcast to (S, T); refused beyond 1 s (see ``positions``)."""
    if offset_s is None:
        return None
    off = np.broadcast_to(np.asarray(offset_s, dtype=float), shape)
    if off.size and not np.abs(off).max() <= 1.0:
        raise ValueError(f"offset_s up to {np.abs(off).max():g} s: at most 1 s is allowed "
                         "(a light time or a differencing step), never an extrapolation")
    return off


class BroadcastOrbits:
    """Broadcast orbits of every satellite in a RINEX navigation file.

    Parameters
    ----------
    nav
        A parsed :class:`~orbitkit.gnss.rinex_nav.NavFile`.
    include_unhealthy
        Use records flagged unhealthy too (default: leave them out, as a receiver does).
    max_age_s
        Override :data:`MAX_AGE_S` per system letter.
    """

    source = "broadcast"

    def __init__(self, nav: NavFile, *, include_unhealthy: bool = False,
                 max_age_s: dict[str, float] | None = None) -> None:
        self.nav = nav
        self.path = nav.path
        self.include_unhealthy = include_unhealthy
        self.max_age_s = {**MAX_AGE_S, **(max_age_s or {})}
        # per PRN: (system records, row indices sorted by toe, deduplicated)
        self._rows: dict[str, tuple[NavRecords, np.ndarray]] = {}
        self._unhealthy: list[str] = []
        for rec in nav.records.values():
            order = np.lexsort((rec.line, rec.toe_ns, rec.prn))
            prn_sorted = rec.prn[order]
            cuts = np.flatnonzero(prn_sorted[1:] != prn_sorted[:-1]) + 1
            for rows in np.split(order, cuts):
                prn = str(rec.prn[rows[0]])
                if not include_unhealthy:
                    good = rows[rec.healthy[rows]]
                    if not len(good):
                        self._unhealthy.append(prn)
                    rows = good
                if len(rows):
                    toe = rec.toe_ns[rows]
                    keep = np.concatenate([[True], toe[1:] != toe[:-1]])
                    rows = rows[keep]
                self._rows[prn] = (rec, rows)

    @classmethod
    def from_file(cls, path, **kwargs) -> BroadcastOrbits:
        """Read a RINEX navigation file (plain or gzip) and wrap it."""
        from orbitkit.gnss.rinex_nav import read_rinex_nav

        return cls(read_rinex_nav(path), **kwargs)

    @classmethod
    def from_files(cls, paths, **kwargs) -> BroadcastOrbits:
        """Several navigation files (e.g. consecutive days) as one set of records."""
        from orbitkit.gnss.rinex_nav import merge_nav_files, read_rinex_nav

        return cls(merge_nav_files([read_rinex_nav(p) for p in paths]), **kwargs)

    @property
    def prns(self) -> list[str]:
        """PRNs with at least one usable record, by system then number."""
        return sorted((p for p, (_, rows) in self._rows.items() if len(rows)),
                      key=lambda p: ("GRECJIS".find(p[0]), p))

    def unhealthy(self) -> list[str]:
        """PRNs left out because every record of theirs is flagged unhealthy."""
        return sorted(self._unhealthy)

    def span_gpst_ns(self, prn: str | None = None) -> tuple[int, int]:
        """(first, last) instant covered by usable records (toe -/+ the fit interval)."""
        items = [prn] if prn else self.prns
        lo, hi = None, None
        for p in items:
            rec, rows = self._rows.get(p, (None, np.zeros(0, int)))
            if rec is None or not len(rows):
                continue
            age = int(self.max_age_s[p[0]] * 1e9)
            a, b = int(rec.toe_ns[rows[0]]) - age, int(rec.toe_ns[rows[-1]]) + age
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
        if lo is None:
            raise KeyError(prn or "no usable record")
        return lo, hi

    def is_geo(self, prn: str) -> bool:
        """True for a BeiDou GEO (from its records, see :func:`is_bds_geo`)."""
        rec, rows = self._rows.get(prn, (None, np.zeros(0, int)))
        if rec is None or prn[0] != "C" or not len(rows):
            return False
        i0 = rec.values[rows, _KEPLER_COL["i0"]]
        sqrtA = rec.values[rows, _KEPLER_COL["sqrtA"]]
        return bool(np.median(is_bds_geo(i0, sqrtA)))

    def orbit_class(self, prn: str) -> str:
        """``"GEO"``, ``"IGSO"`` or ``"MEO"`` from the records (semi-major axis, inclination;
        GLONASS: MEO)."""
        if self.is_geo(prn):
            return "GEO"
        rec, rows = self._rows.get(prn, (None, np.zeros(0, int)))
        if rec is None or not len(rows) or prn[0] == "R":
            return "MEO"
        a_m = float(np.median(rec.values[rows, _KEPLER_COL["sqrtA"]])) ** 2
        return "IGSO" if a_m > 35.0e6 else "MEO"

    def _select(self, prn: str, t_ns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row index or -1, status) of the nearest-toe record for each time."""
        rec, rows = self._rows.get(prn, (None, np.zeros(0, int)))
        if rec is None:
            return np.full(t_ns.shape, -1), np.full(t_ns.shape, NOT_IN_FILE, np.uint8)
        if not len(rows):
            return np.full(t_ns.shape, -1), np.full(t_ns.shape, UNHEALTHY, np.uint8)
        toe = rec.toe_ns[rows]
        j = np.searchsorted(toe, t_ns)
        lo = np.clip(j - 1, 0, len(toe) - 1)
        hi = np.clip(j, 0, len(toe) - 1)
        pick = np.where(np.abs(t_ns - toe[hi]) < np.abs(t_ns - toe[lo]), hi, lo)
        age = np.abs(t_ns - toe[pick]).astype(np.float64) * 1e-9
        ok = age <= self.max_age_s[prn[0]]
        return np.where(ok, rows[pick], -1), np.where(ok, OK, NO_RECORD).astype(np.uint8)

    def positions(self, prns: list[str], t_gpst_ns: np.ndarray,
                  offset_s: np.ndarray | None = None) -> OrbitSamples:
        """Earth-fixed positions of ``prns`` at GPST times.

        Parameters
        ----------
        prns
            S PRNs.
        t_gpst_ns
            (T,) or (S, T) int64 ns of GPST since the GPS epoch.
        offset_s
            Optional float seconds added to each time after selection (e.g. ``-range/c``
            for a transmit time, +-0.5 s for a velocity); shape broadcastable with (S, T).
            At most 1 s: it is applied after the record (or, for SP3, the span) has been
            chosen for ``t_gpst_ns``, so it may reach that far past a span's end, no more.

        Returns
        -------
        OrbitSamples
        """
        t_ns = np.asarray(t_gpst_ns, dtype=np.int64)
        n_s = len(prns)
        t2 = np.broadcast_to(t_ns, (n_s,) + t_ns.shape[-1:]) if t_ns.ndim == 1 else t_ns
        n_t = t2.shape[1]
        r = np.full((n_s, n_t, 3), np.nan)
        status = np.zeros((n_s, n_t), np.uint8)
        toe_used = np.zeros((n_s, n_t), np.int64)
        geo = np.zeros(n_s, bool)
        off = _offsets(offset_s, (n_s, n_t))
        row_of = np.full((n_s, n_t), -1)
        for i, prn in enumerate(prns):
            row_of[i], status[i] = self._select(prn, t2[i])
            geo[i] = self.is_geo(prn)
        # one kernel call per system over all its (satellite, time) samples
        for sys_, rec in self.nav.records.items():
            sat = np.array([p[0] == sys_ for p in prns], bool)
            mask = sat[:, None] & (row_of >= 0)
            if not mask.any():
                continue
            rows = row_of[mask]
            toe_used[mask] = rec.toe_ns[rows]
            tk = (t2[mask] - rec.toe_ns[rows]).astype(np.float64) * 1e-9
            if off is not None:
                tk = tk + off[mask]
            if sys_ == "R":
                used, index = np.unique(rows, return_inverse=True)
                v = rec.values[used]
                state = v[:, _GLO_STATE] * 1e3        # km, km/s -> m, m/s
                acc = v[:, _GLO_ACC] * 1e3            # km/s^2 -> m/s^2
                r[mask] = bc.glo_pos_records(tk, index, state, acc)
                continue
            eph = {k: rec.values[rows, c] for k, c in _KEPLER_COL.items()}
            if sys_ == "C":
                geo_s = np.broadcast_to(geo[:, None], mask.shape)[mask]
                r[mask] = bc.bds_pos(tk, eph, geo_s)
            else:
                r[mask] = _KERNELS[sys_](tk, eph)
        return OrbitSamples(list(prns), t_ns, r, status, toe_used, self.source, geo)
