"""CCSDS Orbit Mean-Elements Messages (OMM) in JSON, CSV, XML and KVN.

All four encodings carry the same keywords (CelesTrak / Space-Track names:
``OBJECT_NAME``, ``NORAD_CAT_ID``, ``EPOCH``, ``MEAN_MOTION`` ...). Each reader turns
its encoding into one plain ``{keyword: value}`` mapping per record (plus the line of
each keyword when the encoding has lines), and :func:`omm_to_element_set` validates a
mapping and builds the :class:`~orbitkit.elements.model.ElementSet`.

Catalogue numbers above 339999
------------------------------
OMM has no 5-character limit, so ``NORAD_CAT_ID`` may exceed what a TLE (and therefore
``Satrec.satnum``) can hold. Such objects are initialised with ``satnum = 0`` (SGP4 does
not use the number for propagation) and the real number is kept in
:attr:`ElementSet.norad_id`. Numbers up to 339999 are stored in the Satrec as usual
(Alpha-5 above 99999).

Numerics
--------
Units follow the OMM/TLE conventions: mean motion in rev/day, angles in degrees,
``MEAN_MOTION_DOT`` in rev/day^2 (already divided by 2, as in a TLE),
``MEAN_MOTION_DDOT`` in rev/day^3 (divided by 6), ``BSTAR`` in 1/Earth radii. They are
converted to SGP4's radians and minutes with exactly the operations
``Satrec.twoline2rv`` uses, and the epoch's Julian date is set the same way, so an OMM
written from a TLE gives the same satellite record bit for bit (or within an ulp for
``BSTAR``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.parsers import expat

from sgp4.api import WGS72, Satrec

from orbitkit.elements.ccsds_xml import local_name, parse_xml
from orbitkit.elements.model import SOURCE_KINDS, ElementSet
from orbitkit.elements.tle import SGP4_ERRORS, duplicate_error
from orbitkit.errors import ElementFileError, ElementParseError
from orbitkit.timeutil import TIME_RANGE_END, TIME_RANGE_FIRST, TIME_RANGE_TEXT

__all__ = [
    "OMM_REQUIRED",
    "OMM_OPTIONAL",
    "OMM_KEYWORDS",
    "MAX_TLE_SATNUM",
    "omm_to_element_set",
    "parse_omm_json",
    "parse_omm_csv",
    "parse_omm_xml",
    "parse_omm_kvn",
]

#: Largest catalogue number a Satrec (and a TLE) can carry: Alpha-5 ``Z9999``.
MAX_TLE_SATNUM = 339999

#: Keywords every record must have, with what they must hold.
OMM_REQUIRED: dict[str, str] = {
    "NORAD_CAT_ID": "a non-negative integer catalogue number",
    "EPOCH": "a UTC time like 2026-02-24T01:28:11.421120",
    "MEAN_MOTION": "a number > 0 (rev/day)",
    "ECCENTRICITY": "a number 0 <= e < 1",
    "INCLINATION": "a number 0 <= i <= 180 (degrees)",
    "RA_OF_ASC_NODE": "a number 0 <= x < 360 (degrees)",
    "ARG_OF_PERICENTER": "a number 0 <= x < 360 (degrees)",
    "MEAN_ANOMALY": "a number 0 <= x < 360 (degrees)",
    "BSTAR": "a number (1/Earth radii)",
}
#: Keywords that may be absent, with the value used then.
OMM_OPTIONAL: dict[str, Any] = {
    "OBJECT_NAME": "",
    "OBJECT_ID": None,
    "MEAN_MOTION_DOT": 0.0,
    "MEAN_MOTION_DDOT": 0.0,
    "CLASSIFICATION_TYPE": "U",
    "EPHEMERIS_TYPE": 0,
    "ELEMENT_SET_NO": 999,
    "REV_AT_EPOCH": 0,
}
#: All keywords the writers emit, in CelesTrak's column order.
OMM_KEYWORDS = (
    "OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
    "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
    "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
    "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT",
)

# The same constants, computed the same way, as in SGP4's twoline2rv (see module doc).
_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day -> rad/min divisor
_DEG2RAD = math.pi / 180.0
_JD_1949_12_31 = 2433281.5  # SGP4 counts epoch days from 1949 Dec 31 0h UTC
_DAY0 = datetime(1949, 12, 31, tzinfo=UTC)

_EPOCH_RE = re.compile(
    r"\s*(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"\s*(Z|[+-]00:?00|UTC)?\s*",
    re.IGNORECASE,
)
_COSPAR_RE = re.compile(r"(\d{4})-(\d{3})([A-Z]{1,3})")


# --------------------------------------------------------------------------------------
# Field conversion
# --------------------------------------------------------------------------------------


class _Bad(Exception):
    """Internal: one field failed; carries what the error message needs."""

    def __init__(self, field: str, expected: str, found: str, problem: str = "") -> None:
        super().__init__(field)
        self.field = field
        self.expected = expected
        self.found = found
        self.problem = problem


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(rec: Mapping[str, Any], key: str) -> float:
    value = rec[key]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Bad(key, "a number", f"{type(value).__name__} {_show(value)}",
                   "wrong type")
    if isinstance(value, str):
        text = value.strip()
        # float() would also take "1_000", "nan" and "infinity"; none is a number here.
        if "_" in text:
            raise _Bad(key, "a number", _show(value))
        try:
            number = float(text)
        except ValueError:
            raise _Bad(key, "a number", _show(value)) from None
    else:
        number = float(value)
    if not math.isfinite(number):
        raise _Bad(key, "a finite number", _show(value))
    return number


def _integer(rec: Mapping[str, Any], key: str) -> int:
    value = rec[key]
    if isinstance(value, bool):
        raise _Bad(key, "an integer", _show(value), "wrong type")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+").isdigit() and value.isascii():
        return int(value.strip())
    raise _Bad(key, "an integer", f"{type(value).__name__} {_show(value)}"
               if not isinstance(value, str) else _show(value))


def _text(rec: Mapping[str, Any], key: str) -> str:
    value = rec[key]
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # e.g. OBJECT_NAME 123 in a sloppy JSON file
    raise _Bad(key, "text", f"{type(value).__name__} {_show(value)}", "wrong type")


def parse_epoch(text: Any) -> datetime:
    """Parse an OMM ``EPOCH`` into an aware UTC datetime (microsecond resolution).

    Accepts ``YYYY-MM-DDTHH:MM:SS[.ffffff]`` and the CCSDS day-of-year form
    ``YYYY-DDDTHH:MM:SS[.f]``, a space instead of ``T``, and an optional ``Z``/UTC
    suffix. More than six fraction digits are rounded to the microsecond.

    Raises
    ------
    ValueError
        With a message saying what is wrong.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected text, found {type(text).__name__}")
    m = _EPOCH_RE.fullmatch(text)
    if m is None:
        raise ValueError("not a time of the form YYYY-MM-DDTHH:MM:SS.ffffff")
    year, month, day, doy, hh, mi, ss, frac, _ = m.groups()
    if int(ss) >= 60:
        raise ValueError("seconds must be below 60 (SGP4 epochs cannot be leap seconds)")
    if doy is not None:
        base = datetime(int(year), 1, 1, tzinfo=UTC)
        if not 1 <= int(doy) <= (366 if _leap(int(year)) else 365):
            raise ValueError(f"day of year {doy} does not exist in {year}")
        base += timedelta(days=int(doy) - 1)
    else:
        base = datetime(int(year), int(month), int(day), tzinfo=UTC)  # ValueError if bad
    micros = round(int(frac[:7].ljust(7, "0")) / 10) if frac else 0  # 7 digits, rounded
    epoch = base + timedelta(hours=int(hh), minutes=int(mi), seconds=int(ss),
                             microseconds=micros)
    # every time orbitkit takes in is held to this range (nanosecond times wrap beyond it);
    # an epoch outside it would be propagated over centuries towards the requested times
    if not TIME_RANGE_FIRST <= epoch < TIME_RANGE_END:
        raise ValueError(f"epoch {epoch:%Y-%m-%dT%H:%M:%S}Z is outside the times orbitkit "
                         f"represents, {TIME_RANGE_TEXT}")
    return epoch


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --------------------------------------------------------------------------------------
# One record -> ElementSet
# --------------------------------------------------------------------------------------


def _record_error(
    path: str,
    index: int,
    line: int | None,
    bad: _Bad,
    *,
    name: str | None,
    norad: int | None,
) -> ElementParseError:
    where = f"{path}, record {index}" + (f", line {line}" if line is not None else "")
    obj = ""
    if name or norad is not None:
        obj = f" (object {name or 'unnamed'}" + (f", NORAD {norad}" if norad is not None else "")
        obj += ")"
    lead = f"{bad.problem}: " if bad.problem else ""
    message = (f"{where}{obj}: field {bad.field}: {lead}expected {bad.expected}, "
               f"found {bad.found}.")
    return ElementParseError(message, path=path, line=line, column=None, field=bad.field,
                             expected=bad.expected, found=bad.found, norad_id=norad)


def omm_to_element_set(
    record: Mapping[str, Any],
    *,
    path: str = "<string>",
    index: int = 1,
    lines: Mapping[str, int] | None = None,
    line: int | None = None,
    source: str = "file",
    origin: str | None = None,
) -> ElementSet:
    """Validate one OMM record and build its element set.

    Parameters
    ----------
    record
        ``{keyword: value}``; values may be numbers or text (CSV/XML/KVN give text).
        Keywords are matched case-insensitively.
    path, index
        File name and 1-based record number, for messages.
    lines
        Line number of each keyword, when the encoding has lines (CSV, XML, KVN).
    line
        Line of the record itself (used when a keyword has no line of its own).
    source
        :data:`~orbitkit.elements.model.SOURCE_KINDS` value for the result.
    origin
        Defaults to ``"{path}:{line}"`` or, without lines, ``"{path}, record {index}"``.

    Returns
    -------
    ElementSet
        ``norad_id`` is the real ``NORAD_CAT_ID`` (any size); the Satrec carries it too
        when it is <= 339999, else 0.

    Raises
    ------
    ElementParseError
        Naming the file, record, line (when known), field, expected and found values.
    """
    if source not in SOURCE_KINDS:
        raise ValueError(f"source must be one of {SOURCE_KINDS}, not {source!r}")
    if not isinstance(record, Mapping):
        raise ElementParseError(
            f"{path}, record {index}: expected an OMM record (an object of KEYWORD: value "
            f"pairs), found {type(record).__name__} {_show(record)}.",
            path=path, line=line, field="record", expected="an object",
            found=type(record).__name__)
    rec = {str(k).strip().upper(): v for k, v in record.items()}
    # Empty values (CSV cells, XML elements) mean "absent".
    rec = {k: v for k, v in rec.items() if v is not None and v != ""}
    name = None
    norad = None

    def field_line(key: str) -> int | None:
        return (lines or {}).get(key, line)

    try:
        if "OBJECT_NAME" in rec:
            name = _text(rec, "OBJECT_NAME")
        if "NORAD_CAT_ID" in rec:
            norad = _integer(rec, "NORAD_CAT_ID")
            if norad < 0:
                raise _Bad("NORAD_CAT_ID", OMM_REQUIRED["NORAD_CAT_ID"], _show(norad))
        missing = [k for k in OMM_REQUIRED if k not in rec]
        if missing:
            raise _Bad(missing[0], "the keyword to be present (" + OMM_REQUIRED[missing[0]]
                       + ")", "nothing" + (f"; also missing: {', '.join(missing[1:])}"
                                           if len(missing) > 1 else ""),
                       "missing field")
        _check_metadata(rec)
        try:
            epoch = parse_epoch(rec["EPOCH"])
        except ValueError as exc:
            raise _Bad("EPOCH", OMM_REQUIRED["EPOCH"], _show(rec["EPOCH"]),
                       f"unparsable EPOCH ({exc})") from None
        values = {}
        for key in ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                    "ARG_OF_PERICENTER", "MEAN_ANOMALY", "BSTAR"):
            values[key] = _number(rec, key)
        for key in ("MEAN_MOTION_DOT", "MEAN_MOTION_DDOT"):
            values[key] = _number(rec, key) if key in rec else 0.0
        _check_ranges(values)
        ints = {key: (_integer(rec, key) if key in rec else OMM_OPTIONAL[key])
                for key in ("EPHEMERIS_TYPE", "ELEMENT_SET_NO", "REV_AT_EPOCH")}
        if ints["EPHEMERIS_TYPE"] == 4:
            raise _Bad("EPHEMERIS_TYPE", "0 or 2 (SGP4 elements)", "4",
                       "SGP4-XP elements need the SGP4-XP propagator, not SGP4")
        classification = _text(rec, "CLASSIFICATION_TYPE")[:1] if "CLASSIFICATION_TYPE" in rec \
            else "U"
        cospar = _text(rec, "OBJECT_ID") if "OBJECT_ID" in rec else None
    except _Bad as bad:
        raise _record_error(path, index, field_line(bad.field), bad, name=name,
                            norad=norad) from None
    satrec = _satrec(norad, epoch, values, ints, classification, cospar)
    if satrec.error:
        code = satrec.error
        bad = _Bad("elements", "elements SGP4 accepts",
                   f"SGP4 error {code} ({SGP4_ERRORS.get(code, 'unknown error')})",
                   "SGP4 cannot initialise these elements")
        raise _record_error(path, index, line, bad, name=name, norad=norad)
    if origin is None:
        origin = f"{path}:{line}" if line is not None else f"{path}, record {index}"
    return ElementSet(
        norad_id=norad, name=name or "", epoch=epoch, satrec=satrec, source=source,
        origin=origin, cospar_id=cospar if cospar and _COSPAR_RE.fullmatch(cospar) else
        (cospar or None),
    )


def _check_metadata(rec: dict[str, Any]) -> None:
    """Reject metadata that would make SGP4 results meaningless."""
    rules = (
        ("MEAN_ELEMENT_THEORY", ("SGP4", "SGP/SGP4"), "SGP4"),
        ("REF_FRAME", ("TEME",), "TEME"),
        ("TIME_SYSTEM", ("UTC",), "UTC"),
        ("CENTER_NAME", ("EARTH",), "EARTH"),
    )
    for key, allowed, want in rules:
        if key in rec:
            value = str(rec[key]).strip().upper()
            if value not in allowed:
                problem = ("these are not SGP4 mean elements" if key == "MEAN_ELEMENT_THEORY"
                           else "SGP4 elements are only defined for this value")
                raise _Bad(key, want, _show(rec[key]), problem)


def _check_ranges(v: dict[str, float]) -> None:
    def bad(key, found):
        raise _Bad(key, OMM_REQUIRED[key], _show(found), "out of range")

    if not v["MEAN_MOTION"] > 0.0:
        bad("MEAN_MOTION", v["MEAN_MOTION"])
    if not 0.0 <= v["ECCENTRICITY"] < 1.0:
        bad("ECCENTRICITY", v["ECCENTRICITY"])
    if not 0.0 <= v["INCLINATION"] <= 180.0:
        bad("INCLINATION", v["INCLINATION"])
    for key in ("RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY"):
        if not 0.0 <= v[key] < 360.0:
            bad(key, v[key])


def _satrec(norad: int, epoch: datetime, v: dict[str, float], ints: dict[str, int],
            classification: str, cospar: str | None) -> Satrec:
    """Initialise SGP4 exactly as twoline2rv would for the same numbers."""
    delta = epoch - _DAY0
    whole = delta.days
    # Fraction of the day from integer microseconds: exact to the last bit SGP4 keeps.
    frac = (delta.seconds * 1_000_000 + delta.microseconds) / 86_400_000_000
    jd = _JD_1949_12_31 + whole
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", norad if norad <= MAX_TLE_SATNUM else 0,
        (jd + frac) - _JD_1949_12_31,
        v["BSTAR"],
        v["MEAN_MOTION_DOT"] / (_XPDOTP * 1440.0),
        v["MEAN_MOTION_DDOT"] / (_XPDOTP * 1440.0 * 1440.0),
        v["ECCENTRICITY"],
        v["ARG_OF_PERICENTER"] * _DEG2RAD,
        v["INCLINATION"] * _DEG2RAD,
        v["MEAN_ANOMALY"] * _DEG2RAD,
        v["MEAN_MOTION"] / _XPDOTP,
        v["RA_OF_ASC_NODE"] * _DEG2RAD,
    )
    # sgp4init splits the epoch float itself; store the exact split instead (what
    # twoline2rv stores), so propagation times match a TLE of the same epoch.
    sat.jdsatepoch = jd
    sat.jdsatepochF = frac
    start_of_year = datetime(epoch.year, 1, 1, tzinfo=UTC)
    sat.epochyr = epoch.year % 100
    sat.epochdays = (epoch - start_of_year).days + 1 + frac
    sat.classification = classification or "U"
    if cospar:
        m = _COSPAR_RE.fullmatch(cospar)
        if m:
            sat.intldesg = m.group(1)[2:] + m.group(2) + m.group(3)
    sat.ephtype = ints["EPHEMERIS_TYPE"]
    sat.elnum = ints["ELEMENT_SET_NO"]
    sat.revnum = ints["REV_AT_EPOCH"]
    return sat


# --------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------

Result = tuple[list[ElementSet], list[ElementParseError]]


def _collect(records, path: str, source: str) -> Result:
    """Build sets from ``(index, line, lines, record)`` tuples; keep the good ones."""
    sets: list[ElementSet] = []
    errors: list[ElementParseError] = []
    seen: dict[tuple[int, datetime], ElementSet] = {}
    for index, line, lines, record in records:
        try:
            es = omm_to_element_set(record, path=path, index=index, lines=lines, line=line,
                                    source=source)
        except ElementParseError as exc:
            errors.append(exc)
            continue
        key = (es.norad_id, es.epoch)
        first = seen.get(key)
        if first is not None:
            same = _same_elements(first, es)
            errors.append(duplicate_error(es, first, same=same, line=line, path=path))
            continue
        seen[key] = es
        sets.append(es)
    return sets, errors


def _same_elements(a: ElementSet, b: ElementSet) -> bool:
    fields = ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar")
    return all(getattr(a.satrec, f) == getattr(b.satrec, f) for f in fields)


def parse_omm_json(text: str, *, path: str = "<string>", source: str = "file") -> Result:
    """Parse CelesTrak ``FORMAT=json`` / ``json-pretty`` text (an array, or one object).

    Raises
    ------
    ElementFileError
        When the text is not JSON (the message gives the position and says when the
        file looks truncated) or holds neither an object nor an array of objects.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        tail = text.rstrip()
        opened = text.count("[") + text.count("{")
        closed = text.count("]") + text.count("}")
        truncated = (exc.pos >= len(tail) - 1 or opened > closed
                     or exc.msg.startswith("Unterminated string"))
        hint = (" The file looks truncated: the JSON data stops before it is complete "
                "(an interrupted download?)." if truncated else "")
        raise ElementFileError(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} "
            f"(character {exc.pos}).{hint}") from None
    except RecursionError:
        raise ElementFileError(f"{path}: JSON nested too deeply to be OMM data") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ElementFileError(
            f"{path}: JSON holds {type(data).__name__} {_show(data)}, not OMM records (expected "
            "an array of objects like CelesTrak's FORMAT=json, or one object)")
    return _collect(((i + 1, None, None, rec) for i, rec in enumerate(data)), path, source)


def parse_omm_csv(text: str, *, path: str = "<string>", source: str = "file") -> Result:
    """Parse CelesTrak ``FORMAT=csv`` text (header row of OMM keywords, one row per object).

    Raises
    ------
    ElementFileError
        When the header lacks a required keyword.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except StopIteration:
        raise ElementFileError(f"{path}: CSV file has no header row") from None
    except csv.Error as exc:
        raise ElementFileError(f"{path}: unreadable CSV: {exc}") from None
    columns = [h.strip().lstrip("\ufeff").upper() for h in header]
    missing = [k for k in OMM_REQUIRED if k not in columns]
    if missing:
        raise ElementFileError(
            f"{path}, line {reader.line_num}: CSV header lacks the OMM column(s) "
            f"{', '.join(missing)}; found columns {', '.join(columns)[:200]}")

    def rows():
        index = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                index += 1
                yield index, reader.line_num, None, _CsvProblem(str(exc))
                continue
            if not any(cell.strip() for cell in row):
                continue
            index += 1
            if len(row) != len(columns):
                yield index, reader.line_num, None, _CsvProblem(
                    f"{len(row)} cells where the header has {len(columns)}")
                continue
            yield index, reader.line_num, None, dict(zip(columns, row, strict=True))

    return _collect_csv(rows(), path, source)


class _CsvProblem(str):
    """A CSV row that could not be split into cells."""


def _collect_csv(rows, path, source) -> Result:
    good = []
    errors: list[ElementParseError] = []
    for index, line, lines, record in rows:
        if isinstance(record, _CsvProblem):
            errors.append(ElementParseError(
                f"{path}, record {index}, line {line}: expected one cell per header column, "
                f"found {record}.", path=path, line=line, field="row",
                expected="one cell per column", found=str(record)))
            continue
        good.append((index, line, lines, record))
    sets, more = _collect(good, path, source)
    return sets, sorted(errors + more, key=lambda e: (e.line or 0))


# ---- XML ----------------------------------------------------------------------------


def parse_omm_xml(text: str, *, path: str = "<string>", source: str = "file") -> Result:
    """Parse CCSDS NDM/XML: ``<ndm><omm>...`` or bare ``<omm>``, namespaces allowed.

    Every leaf element inside an ``<omm>`` (in ``metadata``, ``meanElements``,
    ``tleParameters``...) is taken as ``KEYWORD = text``; its line is remembered.
    DTDs and entities are refused (no entity-expansion attacks).

    Raises
    ------
    ElementFileError
        When the XML is not well formed (with line and column) or has no ``<omm>``.
    """
    parser = expat.ParserCreate()
    records: list[tuple[int, int, dict[str, int], dict[str, str]]] = []
    stack: list[str] = []
    state: dict[str, Any] = {"omm": None, "text": [], "root": None}

    def start(tag, _attrs):
        name = local_name(tag)
        if state["root"] is None:
            state["root"] = name
        stack.append(name)
        if name.lower() == "omm":
            state["omm"] = (parser.CurrentLineNumber, {}, {})
        state["text"] = []

    def end(_tag):
        name = stack.pop()
        omm = state["omm"]
        if name.lower() == "omm" and omm is not None:
            records.append((len(records) + 1, omm[0], omm[2], omm[1]))
            state["omm"] = None
        elif omm is not None:
            value = "".join(state["text"]).strip()
            key = name.upper()
            if key not in omm[1] and key not in ("COMMENT", "USER_DEFINED"):
                omm[1][key] = value
                omm[2][key] = parser.CurrentLineNumber
        state["text"] = []

    def chars(data):
        state["text"].append(data)

    parse_xml(parser, text, path, kind="OMM", start=start, end=end, chars=chars)
    if not records:
        raise ElementFileError(
            f"{path}: XML has no <omm> element (root element is <{state['root']}>); expected "
            "CCSDS NDM/XML such as CelesTrak's FORMAT=xml")
    return _collect(((i, line, lines, rec) for i, line, lines, rec in records), path, source)


# ---- KVN ----------------------------------------------------------------------------

_KVN_LINE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*")
# A unit in brackets after a number ("15.5 [rev/day]"); names may contain brackets too
# ("COSMOS 2433 [GLONASS-M]"), so only a number followed by a unit loses its bracket.
_KVN_UNIT = re.compile(r"([-+.0-9eE]+)\s*\[[^\]]*\]")
_KVN_SKIP = {"META_START", "META_STOP", "COVARIANCE_START", "COVARIANCE_STOP",
             "DATA_START", "DATA_STOP"}


def parse_omm_kvn(text: str, *, path: str = "<string>", source: str = "file") -> Result:
    """Parse CCSDS OMM keyword = value notation (one or more messages in a row).

    A message starts at ``CCSDS_OMM_VERS`` (or, without it, when a keyword repeats);
    ``COMMENT`` lines and units in square brackets are ignored.
    """
    records: list[tuple[int, int, dict[str, int], dict[str, str]]] = []
    problems: list[ElementParseError] = []
    current: dict[str, str] | None = None
    lines_of: dict[str, int] = {}
    start_line = 0

    def close():
        if current:
            records.append((len(records) + 1, start_line, dict(lines_of), current))

    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("COMMENT") or line in _KVN_SKIP:
            continue
        m = _KVN_LINE.fullmatch(line)
        if m is None:
            problems.append(ElementParseError(
                f"{path}, line {lineno}: expected 'KEYWORD = value', found {_show(line)}.",
                path=path, line=lineno, field="line", expected="KEYWORD = value",
                found=line[:60]))
            continue
        key, value = m.group(1).upper(), m.group(2)
        unit = _KVN_UNIT.fullmatch(value)
        if unit:
            value = unit.group(1)
        if key == "CCSDS_OMM_VERS" or current is None or key in current:
            close()
            current, lines_of, start_line = {}, {}, lineno
        current[key] = value
        lines_of[key] = lineno
    close()
    if not records:
        return [], problems
    sets, errors = _collect(records, path, source)
    return sets, sorted(problems + errors, key=lambda e: (e.line or 0))
