"""SP3-c/d precise orbits: reading, and positions between the tabulated epochs.

Definition
----------
An SP3 file (Hilla 2010, SP3-c; Hilla 2016, SP3-d) tabulates the centre-of-mass
positions (km, in the IGS frame, here IGS20 ~ ITRF2020) and clocks of satellites at
regular epochs (5 or 15 min) in the time system its header names (``%c`` line,
columns 10-12: GPS, GAL, BDT, QZS, UTC, TAI).

Method
------
1. The file (plain or gzip) is read whole; the header gives version, epoch count,
   interval and time system; ``*`` lines are epochs, ``P`` lines positions (velocity,
   ``EP``/``EV`` and correlation lines are skipped).
2. All position lines are converted in one numpy pass. A position of 0.000000 in all
   three axes is an absent record (SP3 section "bad or absent values") and is dropped;
   a clock of 999999.999999 is absent too (set NaN; the position is kept).
3. Epochs become int64 ns of GPST (:mod:`orbitkit.gnss.timescales`).
4. Interpolation (:meth:`PreciseOrbits.positions`): per satellite, the ``n_points``
   (default 10) valid epochs nearest the wanted time form a Lagrange polynomial of degree
   n-1, evaluated in the barycentric-free product form with node offsets in seconds from
   the wanted time. Windows slide inward at the ends of the file. A wanted time outside
   the satellite's first..last epoch, or whose window has a gap of more than two missing
   epochs, is absent (status :data:`~orbitkit.gnss.ephemerides.NO_RECORD`): never
   extrapolated (only an ``offset_s`` of at most 1 s, a light time or a velocity
   difference, may reach that far past the last epoch).

Why it is right and tolerances
------------------------------
Lagrange interpolation of degree 8-10 over 5-min GNSS orbit samples is the standard
method (Schenewerk 2003, GPS Solutions 7:2; RTKLIB ``pephpos`` uses NMAX = 10); its
error for MEO/IGSO/GEO periods (12-24 h) is below 1 mm in the middle of the window and a
few mm in the first and last interval of a file. tests/test_gnss_sp3.py checks it
against MATRTKLIB's interpolation of the same GFZ file within 2 mm.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from orbitkit.errors import ElementFileError, ElementParseError
from orbitkit.gnss.ephemerides import NO_RECORD, NOT_IN_FILE, OK, OrbitSamples, _offsets
from orbitkit.gnss.rinex_nav import _read_text
from orbitkit.gnss.timescales import BDT_MINUS_GPST_NS, label_to_ns, utc_to_gpst_ns

__all__ = ["PreciseOrbits", "read_sp3", "merge_sp3"]

_BAD_CLOCK_US = 999999.0


class PreciseOrbits:
    """Tabulated precise positions of one SP3 file.

    Attributes
    ----------
    path, version, time_system
        File name, ``"c"``/``"d"``, the header's time system (``"GPS"``, ``"BDT"``...).
    epochs_gpst_ns
        (E,) int64 ns of GPST of the epochs.
    interval_s
        Nominal epoch interval, s.
    r_ecef_m
        dict PRN -> ((n,) int64 epoch times ns, (n, 3) positions m) of valid records.
    clock_us
        dict PRN -> (n,) clock, microseconds (NaN where absent).
    absent
        dict PRN -> number of absent (0.000000) records skipped.
    """

    source = "precise"

    def __init__(self, path, version, time_system, epochs, interval_s, tables, clocks,
                 absent, n_points: int = 10) -> None:
        self.path = path
        self.version = version
        self.time_system = time_system
        self.epochs_gpst_ns = epochs
        self.interval_s = interval_s
        self.r_ecef_m = tables
        self.clock_us = clocks
        self.absent = absent
        self.n_points = n_points

    @classmethod
    def from_file(cls, path, **kwargs) -> PreciseOrbits:
        return read_sp3(path, **kwargs)

    @property
    def prns(self) -> list[str]:
        return sorted(self.r_ecef_m, key=lambda p: ("GRECJIS".find(p[0]), p))

    def unhealthy(self) -> list[str]:
        """SP3 has no health flags; satellites without any valid record are listed."""
        return sorted(p for p, n in self.absent.items() if p not in self.r_ecef_m)

    def span_gpst_ns(self, prn: str | None = None) -> tuple[int, int]:
        if prn is not None:
            t = self.r_ecef_m[prn][0]
            return int(t[0]), int(t[-1])
        return int(self.epochs_gpst_ns[0]), int(self.epochs_gpst_ns[-1])

    def is_geo(self, prn: str) -> bool:
        """BeiDou GEO: mean |z| below 5,000 km at geosynchronous radius."""
        if prn[0] != "C" or prn not in self.r_ecef_m:
            return False
        r = self.r_ecef_m[prn][1]
        radius = np.linalg.norm(r, axis=1).mean()
        return bool(radius > 35.0e6 and np.abs(r[:, 2]).max() < 0.1 * radius)

    def orbit_class(self, prn: str) -> str:
        """``"GEO"``, ``"IGSO"`` or ``"MEO"`` from the tabulated positions."""
        if self.is_geo(prn):
            return "GEO"
        if prn not in self.r_ecef_m:
            return "MEO"
        radius = np.linalg.norm(self.r_ecef_m[prn][1], axis=1).mean()
        return "IGSO" if radius > 35.0e6 else "MEO"

    def positions(self, prns: list[str], t_gpst_ns: np.ndarray,
                  offset_s: np.ndarray | None = None) -> OrbitSamples:
        """Interpolated positions, same contract as
        :meth:`orbitkit.gnss.ephemerides.BroadcastOrbits.positions`."""
        t_ns = np.asarray(t_gpst_ns, dtype=np.int64)
        n_s = len(prns)
        t2 = np.broadcast_to(t_ns, (n_s,) + t_ns.shape[-1:]) if t_ns.ndim == 1 else t_ns
        n_t = t2.shape[1]
        r = np.full((n_s, n_t, 3), np.nan)
        status = np.full((n_s, n_t), NO_RECORD, np.uint8)
        n = self.n_points
        max_span = (n - 1 + 2) * self.interval_s * 1.001
        off = _offsets(offset_s, (n_s, n_t))
        for i, prn in enumerate(prns):
            if prn not in self.r_ecef_m:
                status[i] = NOT_IN_FILE
                continue
            tv, pos = self.r_ecef_m[prn]
            if len(tv) < n:
                continue
            t = t2[i]
            inside = (t >= tv[0]) & (t <= tv[-1])
            j = np.searchsorted(tv, t)
            start = np.clip(j - n // 2, 0, len(tv) - n)
            w = start[:, None] + np.arange(n)                      # (T, n) node indices
            dx = (tv[w] - t[:, None]).astype(np.float64) * 1e-9    # node - wanted, s
            if off is not None:
                dx = dx - off[i][:, None]
            span = (tv[w[:, -1]] - tv[w[:, 0]]) * 1e-9
            good = inside & (span <= max_span)
            r[i] = _lagrange(dx, pos[w])
            r[i][~good] = np.nan
            status[i] = np.where(good, OK, NO_RECORD)
        return OrbitSamples(list(prns), t_ns, r, status, np.zeros((n_s, n_t), np.int64),
                            self.source, np.array([self.is_geo(p) for p in prns], bool))


def _lagrange(dx: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Lagrange interpolation at 0 from nodes at offsets dx (T, n) with values y (T, n, 3).

    ``L_k = prod_{m != k} (0 - dx_m) / (dx_k - dx_m)``; an exact node gives weight 1.
    """
    n = dx.shape[1]
    diff = dx[:, :, None] - dx[:, None, :]              # (T, k, m): dx_k - dx_m
    eye = np.eye(n, dtype=bool)
    num = np.where(eye[None], 1.0, -dx[:, None, :])     # (T, k, m): -dx_m, 1 on k == m
    den = np.where(eye[None], 1.0, diff)
    weights = np.prod(num / den, axis=2)                # (T, n)
    return np.einsum("tk,tkc->tc", weights, y)


def _epoch_ns(line: str, path: str, lineno: int, time_system: str) -> int:
    try:
        y, mo, d, h, mi = (int(line[3:7]), int(line[8:10]), int(line[11:13]),
                           int(line[14:16]), int(line[17:19]))
        sec = float(line[20:31])
    except ValueError:
        raise ElementParseError(
            f"{path}, line {lineno}, columns 4-31: SP3 epoch: expected 'YYYY MM DD HH MM "
            f"SS.SSSSSSSS', found {line[3:31].strip()!r}", path=path, line=lineno,
            column=4, field="epoch", expected="YYYY MM DD HH MM SS", found=line[3:31]
        ) from None
    label = np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}", "ns") + np.int64(
        round(sec * 1e9))
    return int(_to_gpst(np.array([label]), time_system)[0])


def _to_gpst(labels: np.ndarray, time_system: str) -> np.ndarray:
    if time_system in ("GPS", "GAL", "QZS", "IRN"):
        return label_to_ns(labels)
    if time_system == "BDT":
        return label_to_ns(labels) - BDT_MINUS_GPST_NS
    if time_system == "TAI":
        return label_to_ns(labels) - 19_000_000_000
    if time_system == "UTC":
        return utc_to_gpst_ns(labels)
    if time_system == "GLO":  # GLONASST = UTC + 3 h
        return utc_to_gpst_ns(labels - np.timedelta64(3, "h"))
    raise AssertionError(time_system)


def read_sp3(path: str | Path, *, n_points: int = 10) -> PreciseOrbits:
    """Read an SP3-c or SP3-d file (plain or gzip).

    Parameters
    ----------
    path
        The file.
    n_points
        Interpolation nodes (9-11 recommended; default 10, degree 9).

    Raises
    ------
    ElementFileError
        Missing, not SP3, unknown time system, no valid position.
    ElementParseError
        A malformed epoch or position line (file, line, field named).
    """
    path = Path(path)
    name = str(path)
    lines = _read_text(path).splitlines()
    if not lines or not lines[0].startswith("#") or lines[0][1:2] not in ("c", "d"):
        found = lines[0][:20] if lines else "an empty file"
        raise ElementFileError(f"{name}, line 1: expected an SP3-c/d header starting "
                               f"'#cP' or '#dP', found {found!r}")
    version = lines[0][1]
    interval_s = 900.0
    time_system = None
    for i, line in enumerate(lines[:200]):
        if line.startswith("##"):
            try:
                interval_s = float(line[24:38])
            except ValueError:
                raise ElementFileError(f"{name}, line {i + 1}, columns 25-38: epoch "
                                       f"interval: expected seconds, found "
                                       f"{line[24:38].strip()!r}") from None
        if line.startswith("%c") and time_system is None:
            time_system = line[9:12].strip()
        if line.startswith("*"):
            break
    if time_system not in ("GPS", "GAL", "QZS", "IRN", "BDT", "TAI", "UTC", "GLO"):
        raise ElementFileError(f"{name}: time system {time_system!r} in the first %c line "
                               "(columns 10-12): expected GPS, GAL, BDT, QZS, TAI or UTC")
    epoch_rows = [i for i, line in enumerate(lines) if line[:1] == "*"]
    if not epoch_rows:
        raise ElementFileError(f"{name}: no epoch ('*') line")
    epochs = np.array([_epoch_ns(lines[i], name, i + 1, time_system) for i in epoch_rows],
                      dtype=np.int64)
    p_rows = [i for i, line in enumerate(lines) if line[:1] == "P"]
    text = " ".join(lines[i][4:60] for i in p_rows)
    try:
        numbers = np.array(text.split(), dtype=np.float64).reshape(len(p_rows), 4)
    except ValueError:
        for i in p_rows:
            try:
                vals = [float(v) for v in lines[i][4:60].split()]
            except ValueError:
                vals = []
            if len(vals) != 4:
                raise ElementParseError(
                    f"{name}, line {i + 1}, columns 5-60: {lines[i][1:4]} position record: "
                    "expected x, y, z (km) and clock (us) as four numbers, found "
                    f"{lines[i][4:60].strip()!r}", path=name, line=i + 1, column=5,
                    field="position", expected="4 numbers", found=lines[i][4:60]) from None
        raise
    prn = np.array([lines[i][1:4].replace(" ", "0") for i in p_rows])
    epoch_of = np.searchsorted(np.asarray(epoch_rows), np.asarray(p_rows)) - 1
    t = epochs[epoch_of]
    xyz = numbers[:, :3] * 1e3
    clock = numbers[:, 3].copy()
    clock[np.abs(clock) >= _BAD_CLOCK_US] = np.nan
    absent_row = np.all(numbers[:, :3] == 0.0, axis=1)
    tables: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    clocks: dict[str, np.ndarray] = {}
    absent: dict[str, int] = {}
    order = np.lexsort((t, prn))
    prn_s = prn[order]
    cuts = np.flatnonzero(prn_s[1:] != prn_s[:-1]) + 1
    for rows in np.split(order, cuts):
        p = str(prn[rows[0]])
        bad = absent_row[rows]
        if bad.any():
            absent[p] = int(bad.sum())
        rows = rows[~bad]
        if len(rows):
            tables[p] = (t[rows], xyz[rows])
            clocks[p] = clock[rows]
    if not tables:
        raise ElementFileError(f"{name}: no valid position record")
    return PreciseOrbits(name, version, time_system, epochs, interval_s, tables, clocks,
                         absent, n_points)


def merge_sp3(parts: list[PreciseOrbits]) -> PreciseOrbits:
    """Several SP3 files (e.g. consecutive days) as one table; an epoch present in two files
    keeps the first file's value. The interval is the smallest of the files'."""
    if len(parts) == 1:
        return parts[0]
    tables: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    clocks: dict[str, np.ndarray] = {}
    absent: dict[str, int] = {}
    for part in parts:
        for prn, (t, r) in part.r_ecef_m.items():
            c = part.clock_us[prn]
            if prn in tables:
                t0, r0 = tables[prn]
                new = ~np.isin(t, t0)
                t, r, c = (np.concatenate([t0, t[new]]), np.concatenate([r0, r[new]]),
                           np.concatenate([clocks[prn], c[new]]))
                order = np.argsort(t, kind="stable")
                t, r, c = t[order], r[order], c[order]
            tables[prn], clocks[prn] = (t, r), c
        for prn, n in part.absent.items():
            absent[prn] = absent.get(prn, 0) + n
    epochs = np.unique(np.concatenate([p.epochs_gpst_ns for p in parts]))
    return PreciseOrbits(", ".join(str(p.path) for p in parts), parts[0].version,
                         parts[0].time_system, epochs, min(p.interval_s for p in parts),
                         tables, clocks, absent, parts[0].n_points)
