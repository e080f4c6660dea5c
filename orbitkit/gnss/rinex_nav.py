"""RINEX 3.0x / 4.0x navigation files: broadcast ephemerides as arrays per system.

Definition
----------
A RINEX navigation file holds the navigation messages the satellites broadcast, one
record per satellite and message: an epoch line (``C01 2023 01 01 00 00 00`` + three
clock terms) and continuation lines of four 19-character numbers each (RINEX 3.05
section 6 and A8-A16; RINEX 4.0x puts a ``> EPH C01 D1`` line before each record).
GPS, Galileo, BeiDou, QZSS and NavIC records carry Keplerian elements (7 continuation
lines); GLONASS records carry a PZ-90 state vector (3 lines, 4 from RINEX 3.05).

Method
------
1. The file (plain or gzip) is read whole and split into lines; the header is read up to
   ``END OF HEADER`` (version, file type, BDSA/BDSB and other IONOSPHERIC CORR lines,
   LEAP SECONDS).
2. A record starts at a line whose first column is not blank; the lines up to the next
   start belong to it. SBAS records, RINEX 4 CNAV/CNV1-3/L1OC messages and STO/EOP/ION
   blocks are skipped and counted.
3. The numbers of all records of one system are cut at their fixed columns and
   converted in one pass (``D`` exponents read as ``E``); a field that does not convert
   is then located and reported with file, line, column and field name, and its record
   is dropped while the others are kept. A file with no usable record is an error.
4. Epochs become int64 nanoseconds of GPST (:mod:`orbitkit.gnss.timescales`): BeiDou
   epochs are BDT (+14 s), GLONASS epochs UTC (+ leap seconds - 19 s). ``toe`` on the
   GPST axis is placed in the week that puts it nearest ``toc`` (RTKLIB's ``adjweek``),
   so a week field that disagrees at a week boundary cannot shift it by a week.

Why it is right and tolerances
------------------------------
Column positions and field order are those of RINEX 3.05 tables A8 (GPS), A10
(GLONASS), A12 (Galileo), A14 (QZSS), A16 (BeiDou), A18 (NavIC); the numbers are
stored exactly as written (float64 of the printed decimal). Parsing a day's merged
multi-GNSS file (110,000 lines) takes ~0.2 s (``benchmarks/bench_broadcast.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from orbitkit.errors import ElementFileError, ElementParseError
from orbitkit.gnss.timescales import BDT_MINUS_GPST_NS, WEEK_NS, label_to_ns, utc_to_gpst_ns

__all__ = [
    "NavRecords",
    "NavFile",
    "read_rinex_nav",
    "merge_nav_files",
    "KEPLER_FIELDS",
    "GLONASS_FIELDS",
    "KEPLER_SYSTEMS",
]

#: Systems whose records carry Keplerian elements.
KEPLER_SYSTEMS = ("G", "E", "C", "J", "I")

#: Names of the numbers of a Keplerian record in file order (epoch line: 3 clock terms,
#: then 4 per continuation line). ICD symbols; units: s, s/s, s/s^2, m, rad, rad/s,
#: sqrt(m), s of week. Field 20, 22, 26, 28 mean different things per system.
KEPLER_FIELDS = (
    "af0", "af1", "af2",
    "iode", "crs", "deln", "M0",
    "cuc", "e", "cus", "sqrtA",
    "toes", "cic", "omg0", "cis",
    "i0", "crc", "omg", "OMGd",
    "idot", "code", "week", "flag",
    "sva", "health", "tgd", "tgd2",
    "ttr", "fit", "spare1", "spare2",
)
#: Fields a Keplerian record must have (a blank one among them is an error).
_KEPLER_REQUIRED = KEPLER_FIELDS[:20] + ("week", "health")

#: GLONASS record numbers in file order; positions km, velocities km/s, accel km/s^2.
GLONASS_FIELDS = (
    "taun_neg", "gamn", "tof",
    "x", "vx", "ax", "health",
    "y", "vy", "ay", "freq",
    "z", "vz", "az", "age",
    "status", "dtaun", "urai", "health_flags",
)
_GLONASS_REQUIRED = GLONASS_FIELDS[:15]

_NAMES = {"G": "GPS", "E": "Galileo", "C": "BeiDou", "J": "QZSS", "I": "NavIC",
          "R": "GLONASS", "S": "SBAS"}
# RINEX 4 message types read here (same layout as RINEX 3); others are skipped.
_V4_TYPES = {"LNAV", "INAV", "FNAV", "D1", "D2", "FDMA"}


@dataclass
class NavRecords:
    """The records of one system, as arrays (one row per record, file order).

    Attributes
    ----------
    system
        RINEX system letter (``G``, ``E``, ``C``, ``J``, ``I``, ``R``).
    prn
        (N,) str, e.g. ``"C19"``.
    toc_ns
        (N,) int64 ns of GPST since the GPS epoch: the record's epoch (clock reference).
    toe_ns
        (N,) int64 ns of GPST: time of ephemeris (GLONASS: = ``toc_ns``).
    values
        (N, F) float64, the record's numbers in file order, named by :data:`KEPLER_FIELDS`
        or :data:`GLONASS_FIELDS`; NaN where a field was blank.
    line
        (N,) int, 1-based line number of each record's epoch line.
    """

    system: str
    prn: np.ndarray
    toc_ns: np.ndarray
    toe_ns: np.ndarray
    values: np.ndarray
    line: np.ndarray

    @property
    def fields(self) -> tuple[str, ...]:
        return GLONASS_FIELDS if self.system == "R" else KEPLER_FIELDS

    def column(self, name: str) -> np.ndarray:
        """(N,) one named field, e.g. ``records.column("sqrtA")``."""
        return self.values[:, self.fields.index(name)]

    def __len__(self) -> int:
        return len(self.prn)

    @property
    def healthy(self) -> np.ndarray:
        """(N,) bool: the record's health field is 0 (GLONASS: the Bn flag is 0)."""
        return self.column("health") == 0


@dataclass
class NavFile:
    """A parsed navigation file.

    Attributes
    ----------
    path
        The file's name as given.
    version
        RINEX version (e.g. 3.05).
    records
        System letter -> :class:`NavRecords` (only systems with usable records).
    iono
        Header IONOSPHERIC CORR lines: key (``GPSA``, ``BDSA``, ``BDSA U 02`` ...) -> 4
        floats; per-satellite BDSA/BDSB lines keep their time mark and PRN in the key.
    leap_seconds
        GPST - UTC... as written in LEAP SECONDS (the current count), or None.
    skipped
        What was left out on purpose: a label -> count (``"SBAS records"``, ...).
    problems
        One :class:`ElementParseError` per record dropped for a bad field.
    """

    path: str
    version: float
    records: dict[str, NavRecords]
    iono: dict[str, tuple[float, ...]] = field(default_factory=dict)
    leap_seconds: int | None = None
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[ElementParseError] = field(default_factory=list)

    @property
    def prns(self) -> list[str]:
        """All PRNs with at least one record, sorted by system then number."""
        out: list[str] = []
        for rec in self.records.values():
            out += sorted(set(rec.prn.tolist()))
        return out

    def span_gpst_ns(self) -> tuple[int, int]:
        """(first, last) toe over all records, int64 ns of GPST."""
        lo = min(int(r.toe_ns.min()) for r in self.records.values())
        hi = max(int(r.toe_ns.max()) for r in self.records.values())
        return lo, hi


def _read_text(path: Path) -> str:
    # one reader for every user input: '-', pipes and gzip as for element files
    from orbitkit.elements.files import read_input_bytes

    data = read_input_bytes(path, what="orbit file", error=ElementFileError)
    if b"\x00" in data[:4096]:
        raise ElementFileError(f"{path}: binary data, not a RINEX navigation file")
    return data.decode("ascii", errors="replace")


def _header(path: str, lines: list[str]) -> tuple[int, float, dict, int | None]:
    """(index of the first body line, version, iono dict, leap seconds)."""
    if not lines or "RINEX VERSION / TYPE" not in lines[0][60:]:
        found = lines[0][:60].strip() if lines else "an empty file"
        raise ElementFileError(
            f"{path}, line 1: expected a RINEX header ('RINEX VERSION / TYPE' in columns "
            f"61-80), found {found!r}")
    first = lines[0]
    try:
        version = float(first[:9])
    except ValueError:
        raise ElementFileError(f"{path}, line 1, columns 1-9: RINEX version: expected a "
                               f"number, found {first[:9].strip()!r}") from None
    kind = first[20:21]
    if version < 3 or version >= 5:
        raise ElementFileError(f"{path}, line 1: RINEX version {version:g}: orbitkit reads "
                               "navigation files of versions 3.0x and 4.0x")
    if kind != "N":
        raise ElementFileError(f"{path}, line 1, column 21: file type: expected 'N' "
                               f"(navigation data), found {kind!r}")
    iono: dict[str, tuple[float, ...]] = {}
    leap = None
    for i, line in enumerate(lines):
        label = line[60:].strip()
        if label == "END OF HEADER":
            return i + 1, version, iono, leap
        if label == "IONOSPHERIC CORR":
            key = line[:4].strip()
            mark = line[54:59].strip()
            if mark:
                key = f"{key} {mark}"
            try:
                iono[key] = tuple(float(line[5 + 12 * k:17 + 12 * k].replace("D", "E"))
                                  for k in range(4))
            except ValueError:
                pass  # ionosphere terms are not used for orbits; a bad line is harmless
        elif label == "LEAP SECONDS":
            try:
                leap = int(line[:6])
            except ValueError:
                pass
    raise ElementFileError(f"{path}: no 'END OF HEADER' line: not a complete RINEX header")


def _bad_field(path: str, lines: list[str], start: int, index: int, names: tuple[str, ...],
               problem: str) -> ElementParseError:
    """An error naming the line, columns and field of field ``index`` of a record."""
    if index < 3:
        lineno, col = start + 1, 24 + 19 * index
    else:
        k, j = divmod(index - 3, 4)
        lineno, col = start + 2 + k, 5 + 19 * j
    text = lines[lineno - 1][col - 1:col + 18] if lineno - 1 < len(lines) else ""
    prn = lines[start][:3]
    name = names[index] if index < len(names) else f"field {index + 1}"
    return ElementParseError(
        f"{path}, line {lineno}, columns {col}-{col + 18}: {prn} record, {name}: "
        f"{problem}, found {text.strip()!r}.\n    {lines[lineno - 1].rstrip()}",
        path=path, line=lineno, column=col, field=name, expected=problem,
        found=text.strip())


def _epoch_labels(lines: list[str], starts: list[int], path: str,
                  problems: list[ElementParseError]) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] epoch labels of record starts (+ a mask of those that parsed)."""
    iso = [f"{lines[s][4:8]}-{lines[s][9:11]}-{lines[s][12:14]}T{lines[s][15:17]}:"
           f"{lines[s][18:20]}:{lines[s][21:23]}".replace(" ", "0") for s in starts]
    try:
        return np.array(iso, dtype="datetime64[ns]"), np.ones(len(starts), bool)
    except ValueError:
        pass
    out = np.zeros(len(starts), dtype="datetime64[ns]")
    ok = np.ones(len(starts), bool)
    for i, (s, text) in enumerate(zip(starts, iso, strict=True)):
        try:
            out[i] = np.datetime64(text, "ns")
        except ValueError:
            ok[i] = False
            problems.append(ElementParseError(
                f"{path}, line {s + 1}, columns 5-23: {lines[s][:3]} record, epoch: expected "
                f"'YYYY MM DD HH MM SS', found {lines[s][4:23]!r}.\n    {lines[s].rstrip()}",
                path=path, line=s + 1, column=5, field="epoch",
                expected="YYYY MM DD HH MM SS", found=lines[s][4:23]))
    return out, ok


def _field_matrix(lines: list[str], starts: list[int], n_cont: int) -> np.ndarray:
    """(N, F) bytes of 19 characters: the number fields of records of one layout."""
    text = "".join(
        lines[s + k][:80].ljust(80) for s in starts for k in range(n_cont + 1))
    raw = np.frombuffer(text.encode("ascii", errors="replace"), dtype=np.uint8).copy()
    raw = raw.reshape(len(starts), n_cont + 1, 80)
    raw[(raw == ord("D")) | (raw == ord("d"))] = ord("E")  # Fortran double exponents
    head = raw[:, 0, 23:80].reshape(len(starts), 3, 19)
    cont = raw[:, 1:, 4:80].reshape(len(starts), 4 * n_cont, 19)
    cells = np.concatenate([head, cont], axis=1)
    blank = (cells == ord(" ")).all(axis=2)
    cells[blank] = np.frombuffer(b"nan".ljust(19), dtype=np.uint8)
    return np.ascontiguousarray(cells).view("S19")[..., 0], blank


def _convert(path: str, lines: list[str], starts: list[int], n_cont: int,
             names: tuple[str, ...], required: tuple[str, ...],
             problems: list[ElementParseError]) -> tuple[np.ndarray, np.ndarray]:
    """(values (N, F), ok (N,)) for records of one layout, converted in one numpy pass."""
    n_fields = 3 + 4 * n_cont
    cells, blank = _field_matrix(lines, starts, n_cont)
    ok = np.ones(len(starts), bool)
    try:
        values = cells.astype(np.float64)
    except ValueError:
        # slow path, only for a file with a bad number: find and name each one
        values = np.full((len(starts), n_fields), np.nan)
        for i, s in enumerate(starts):
            for j in range(n_fields):
                try:
                    values[i, j] = float(cells[i, j])
                except ValueError:
                    problems.append(_bad_field(path, lines, s, j, names,
                                               "expected a number such as 1.234E+02"))
                    ok[i] = False
                    break
    need = [names.index(r) for r in required if names.index(r) < n_fields]
    missing = blank[:, need]
    for i in np.flatnonzero(missing.any(axis=1) & ok):
        j = need[int(np.argmax(missing[i]))]
        problems.append(_bad_field(path, lines, starts[i], j, names,
                                   "expected a number (this field is required)"))
        ok[i] = False
    if n_fields < len(names):  # older layout (GLONASS before 3.05): pad the missing line
        values = np.hstack([values, np.full((len(starts), len(names) - n_fields), np.nan)])
    return values, ok


def _nearest_week(week_start_ns: np.ndarray, sow_s: np.ndarray, ref_ns: np.ndarray) -> np.ndarray:
    """week start + seconds of week, moved by whole weeks to lie within 1/2 week of ref."""
    t = week_start_ns + np.round(sow_s * 1e9).astype(np.int64)
    shift = np.round((ref_ns - t) / WEEK_NS).astype(np.int64)
    return t + shift * WEEK_NS


def read_rinex_nav(path: str | Path, *, strict: bool = False) -> NavFile:
    """Read a RINEX 3.0x/4.0x navigation file (plain or gzip).

    Parameters
    ----------
    path
        The file; ``.gz`` (or any gzip data) is decompressed in memory.
    strict
        Raise the first :class:`~orbitkit.errors.ElementParseError` instead of dropping
        the bad record and listing it in :attr:`NavFile.problems`.

    Returns
    -------
    NavFile
        Records by system; BeiDou, GLONASS and the rest on the GPST nanosecond axis.

    Raises
    ------
    ElementFileError
        Missing, unreadable, not RINEX navigation, or no usable record at all.
    ElementParseError
        With ``strict=True``, the first bad field (file, line, columns, field).
    """
    path = Path(path)
    name = str(path)
    lines = _read_text(path).splitlines()
    body, version, iono, leap = _header(name, lines)

    # --- 2. record starts, by system and layout
    starts: dict[str, list[int]] = {}
    skipped: dict[str, int] = {}
    v4_type: str | None = None
    v4 = version >= 4
    n = len(lines)
    for i in range(body, n):
        line = lines[i]
        if not line or line[0] == " ":
            continue
        if line[0] == ">":
            parts = line[1:].split()
            v4_type = (parts[2] if len(parts) > 2 and parts[0] == "EPH"
                       else (parts[0] if parts else "?"))
            if parts and parts[0] != "EPH":
                skipped[f"{parts[0]} blocks"] = skipped.get(f"{parts[0]} blocks", 0) + 1
            continue
        sys_ = line[0]
        if v4 and v4_type not in _V4_TYPES:
            label = f"{_NAMES.get(sys_, sys_)} {v4_type} records"
            skipped[label] = skipped.get(label, 0) + 1
            continue
        if sys_ not in KEPLER_SYSTEMS and sys_ != "R":
            label = f"{_NAMES.get(sys_, sys_)} records"
            skipped[label] = skipped.get(label, 0) + 1
            continue
        starts.setdefault(sys_, []).append(i)

    problems: list[ElementParseError] = []
    records: dict[str, NavRecords] = {}
    for sys_, idx in starts.items():
        # continuation lines: up to the next non-blank-first-column line
        nxt = idx[1:] + [n]
        groups: dict[int, list[int]] = {}
        for s, e in zip(idx, nxt, strict=True):
            k = 1
            while s + k < e and s + k < n and lines[s + k][:1] == " ":
                k += 1
            groups.setdefault(k - 1, []).append(s)
        if sys_ == "R":
            names, required, need = GLONASS_FIELDS, _GLONASS_REQUIRED, 3
        else:
            names, required, need = KEPLER_FIELDS, _KEPLER_REQUIRED, 7
        parts = []
        for n_cont, group in sorted(groups.items()):
            if n_cont < need:
                for s in group:
                    problems.append(ElementParseError(
                        f"{name}, line {s + 1}: {lines[s][:3]} record: expected {need} "
                        f"continuation lines, found {n_cont}.\n    {lines[s].rstrip()}",
                        path=name, line=s + 1, column=1, field="record length",
                        expected=f"{need} continuation lines", found=str(n_cont)))
                continue
            n_use = min(n_cont, 4 if sys_ == "R" else 7)
            values, ok = _convert(name, lines, group, n_use, names, required, problems)
            labels, ok_t = _epoch_labels(lines, group, name, problems)
            ok &= ok_t
            prn = np.array([lines[s][:3].replace(" ", "0") for s in group])
            parts.append((prn[ok], labels[ok], values[ok], np.asarray(group)[ok] + 1))
        if strict and problems:
            raise problems[0]
        if not parts or not sum(len(p[0]) for p in parts):
            continue
        prn = np.concatenate([p[0] for p in parts])
        labels = np.concatenate([p[1] for p in parts])
        values = np.concatenate([p[2] for p in parts])
        line_no = np.concatenate([p[3] for p in parts])
        order = np.argsort(line_no, kind="stable")
        prn, labels, values, line_no = prn[order], labels[order], values[order], line_no[order]
        records[sys_] = _with_times(sys_, prn, labels, values, line_no)
    if strict and problems:
        raise problems[0]
    if not records:
        what = "; ".join(str(p).splitlines()[0] for p in problems[:3])
        raise ElementFileError(
            f"{name}: no usable GPS/Galileo/BeiDou/QZSS/NavIC/GLONASS record"
            + (f" ({len(problems)} bad: {what})" if problems else ""))
    return NavFile(path=name, version=version, records=records, iono=iono,
                   leap_seconds=leap, skipped=skipped, problems=problems)


def _with_times(sys_: str, prn: np.ndarray, labels: np.ndarray, values: np.ndarray,
                line_no: np.ndarray) -> NavRecords:
    """Place toc and toe on the GPST nanosecond axis (see the module docstring, step 4)."""
    if sys_ == "R":
        toc = utc_to_gpst_ns(labels)
        return NavRecords(sys_, prn, toc, toc.copy(), values, line_no)
    label_ns = label_to_ns(labels)
    week_start = label_ns - np.mod(label_ns, WEEK_NS)
    toes = values[:, KEPLER_FIELDS.index("toes")]
    toe_label = _nearest_week(week_start, toes, label_ns)
    if sys_ == "C":  # BDT labels -> GPST: BDT weeks start on GPS week boundaries + 14 s
        return NavRecords(sys_, prn, label_ns - BDT_MINUS_GPST_NS,
                          toe_label - BDT_MINUS_GPST_NS, values, line_no)
    return NavRecords(sys_, prn, label_ns, toe_label, values, line_no)


def merge_nav_files(files: list[NavFile]) -> NavFile:
    """Several parsed navigation files as one (records concatenated per system).

    Records keep their own line numbers; :attr:`NavRecords.line` is then only unique
    within a file, which matters only for ordering duplicates of one toe (the first file's
    record wins)."""
    if len(files) == 1:
        return files[0]
    records: dict[str, NavRecords] = {}
    for sys_ in dict.fromkeys(k for f in files for k in f.records):
        parts = [f.records[sys_] for f in files if sys_ in f.records]
        offset = np.cumsum([0] + [int(p.line.max()) + 1 for p in parts[:-1]])
        records[sys_] = NavRecords(
            sys_, np.concatenate([p.prn for p in parts]),
            np.concatenate([p.toc_ns for p in parts]), np.concatenate([p.toe_ns for p in parts]),
            np.concatenate([p.values for p in parts]),
            np.concatenate([p.line + o for p, o in zip(parts, offset, strict=True)]))
    skipped: dict[str, int] = {}
    for f in files:
        for k, v in f.skipped.items():
            skipped[k] = skipped.get(k, 0) + v
    return NavFile(path=", ".join(f.path for f in files), version=files[0].version,
                   records=records, iono=files[0].iono, leap_seconds=files[-1].leap_seconds,
                   skipped=skipped, problems=[p for f in files for p in f.problems])
