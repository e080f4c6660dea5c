"""Write element sets as TLE lines or as OMM (JSON, CSV, XML, KVN).

Values are written so that reading them back gives the same SGP4 record:

* a set that came from a TLE keeps its lines, and its OMM values are the TLE's own
  decimal fields (``"13.76477716"`` stays 13.76477716, not a converted float);
* a set without lines (OMM, nominal) is written from its Satrec, converting back with
  the inverse of the operations SGP4 used; TLE output then rounds to the TLE's fixed
  decimals (that is the TLE format's precision, not ours).

A nominal design orbit (``source="nominal"``) says so in the file itself: a ``COMMENT`` in
the metadata of OMM KVN and XML (CCSDS 502.0-B-3 allows comments there), a ``COMMENT`` key
in OMM JSON and a ``COMMENT`` column in OMM CSV (present only when a nominal set is
written). A TLE has no place for a comment: the CLI warns on stderr instead.

A TLE cannot carry a catalogue number above 339999 (Alpha-5 ``Z9999``); asking for one
raises :class:`ElementExportError`. OMM has no such limit.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from orbitkit.elements.model import ElementSet
from orbitkit.elements.omm import OMM_KEYWORDS
from orbitkit.elements.tle import int_to_alpha5, tle_checksum
from orbitkit.errors import UserError

__all__ = [
    "EXPORT_FORMATS",
    "ElementExportError",
    "tle_lines",
    "to_tle",
    "to_tle_text",
    "to_omm",
    "to_omm_json",
    "to_omm_csv",
    "to_omm_xml",
    "to_omm_kvn",
    "export_elements",
    "nominal_comment",
]

#: Format names :func:`export_elements` accepts.
EXPORT_FORMATS = ("tle", "3le", "omm-json", "omm-csv", "omm-xml", "omm-kvn")

_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day per rad/min, as in SGP4
_DEG2RAD = math.pi / 180.0


class ElementExportError(UserError, ValueError):
    """An element set cannot be written in the requested format (e.g. TLE for > 339999)."""


# --------------------------------------------------------------------------------------
# TLE
# --------------------------------------------------------------------------------------


def _exp_field(value: float, what: str) -> str:
    """``+NNNNN-N`` field: sign, 5-digit mantissa 0.NNNNN, signed 1-digit exponent."""
    if value == 0.0:
        return " 00000+0"
    sign = "-" if value < 0 else " "
    mag = abs(value)
    exp = math.floor(math.log10(mag)) + 1
    mant = round(mag / 10.0**exp * 1e5)
    if mant >= 100000:  # 0.999996 rounds up to 1.00000
        mant //= 10
        exp += 1
    if exp < -9:
        return " 00000+0"  # below what the field can hold: effectively zero
    if exp > 9:
        raise ElementExportError(f"{what} {value!r} is too large for a TLE field")
    return f"{sign}{mant:05d}{'-' if exp < 0 else '+'}{abs(exp)}"


def _angle(rad: float) -> str:
    deg = math.degrees(rad) % 360.0
    text = f"{deg:8.4f}"
    return "  0.0000" if text == "360.0000" else text


def _epoch_field(epoch: datetime) -> str:
    epoch = epoch.astimezone(UTC)
    # Units of 1e-8 day (864 us) since the start of the year, rounded once.
    start = datetime(epoch.year, 1, 1, tzinfo=UTC)
    units = round((epoch - start) / timedelta(microseconds=864))
    year = epoch.year
    days_in_year = (datetime(year + 1, 1, 1, tzinfo=UTC) - start).days
    if units >= days_in_year * 100_000_000:  # rounded into the next year
        units -= days_in_year * 100_000_000
        year += 1
    if not 1957 <= year <= 2056:
        raise ElementExportError(f"epoch year {year} cannot be written in a TLE (1957-2056)")
    day, frac = divmod(units, 100_000_000)
    return f"{year % 100:02d}{day + 1:03d}.{frac:08d}"


def tle_lines(es: ElementSet) -> tuple[str, str]:
    """The two TLE lines of an element set.

    Sets read from a TLE return their original lines; others are formatted from the
    Satrec (rounded to the TLE's decimals) with correct checksums.

    Raises
    ------
    ElementExportError
        When ``norad_id`` is above 339999 or a value does not fit its TLE field.
    """
    if es.line1 and es.line2:
        return es.line1, es.line2
    sat = es.satrec
    try:
        num = int_to_alpha5(es.norad_id)
    except ValueError as exc:
        raise ElementExportError(
            f"{es.name or 'object'} (NORAD {es.norad_id}) cannot be written as a TLE: {exc}. "
            "Use an OMM format (e.g. --format omm-json) instead.") from None
    cls = (getattr(sat, "classification", "U") or "U")[:1]
    desig = (getattr(sat, "intldesg", "") or "")[:8]
    ndot = sat.ndot * (_XPDOTP * 1440.0)
    if abs(ndot) >= 1.0:
        raise ElementExportError(f"mean motion derivative {ndot!r} does not fit a TLE")
    ndot_text = f"{ndot:.8f}".replace("0.", ".", 1)
    ndot_text = ndot_text if ndot_text.startswith("-") else " " + ndot_text
    nddot = sat.nddot * (_XPDOTP * 1440.0 * 1440.0)
    ephtype = sat.ephtype if 0 <= sat.ephtype <= 9 else 0
    elnum = sat.elnum % 10000
    line1 = (f"1 {num}{cls} {desig:<8s} {_epoch_field(es.epoch)} {ndot_text} "
             f"{_exp_field(nddot, 'second derivative of mean motion')} "
             f"{_exp_field(sat.bstar, 'BSTAR')} {ephtype} {elnum:4d}")
    ecc = min(round(sat.ecco * 1e7), 9_999_999)
    motion = sat.no_kozai * _XPDOTP
    line2 = (f"2 {num} {_angle(sat.inclo)} {_angle(sat.nodeo)} {ecc:07d} "
             f"{_angle(sat.argpo)} {_angle(sat.mo)} {motion:11.8f}{sat.revnum % 100000:5d}")
    if math.degrees(sat.inclo) > 180.00005:
        raise ElementExportError(f"inclination {math.degrees(sat.inclo)} deg is above 180")
    return line1 + str(tle_checksum(line1 + "0")), line2 + str(tle_checksum(line2 + "0"))


def to_tle(es: ElementSet, *, name: bool = True) -> tuple[str, ...]:
    """``(name, line1, line2)`` (or ``(line1, line2)`` with ``name=False``)."""
    line1, line2 = tle_lines(es)
    return (es.name or f"NORAD {es.norad_id}", line1, line2) if name else (line1, line2)


def to_tle_text(sets: Iterable[ElementSet], *, names: bool = True) -> str:
    """TLE (``names=False``) or 3LE text, one record after the other, LF line ends."""
    return "".join("\n".join(to_tle(es, name=names)) + "\n" for es in sets)


# --------------------------------------------------------------------------------------
# OMM
# --------------------------------------------------------------------------------------


def _tle_exp_value(text: str) -> float:
    # " 60183-3" -> 0.60183e-3, parsed from decimal text so it is correctly rounded.
    sign = "-" if text[0] == "-" else ""
    return float(f"{sign}0.{text[1:6]}e{text[6]}{text[7]}")


def to_omm(es: ElementSet) -> dict[str, Any]:
    """One OMM record with CelesTrak's keywords and JSON types.

    From TLE lines the decimal fields are copied exactly; otherwise values come from
    the Satrec. ``NORAD_CAT_ID`` is always the real :attr:`ElementSet.norad_id`.
    """
    sat = es.satrec
    rec: dict[str, Any] = {
        "OBJECT_NAME": es.name,
        "OBJECT_ID": es.cospar_id or "",
        "EPOCH": es.epoch.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
    }
    l1, l2 = es.line1, es.line2
    if l1 and l2:
        rec.update({
            "MEAN_MOTION": float(l2[52:63]),
            "ECCENTRICITY": float("0." + l2[26:33]),
            "INCLINATION": float(l2[8:16]),
            "RA_OF_ASC_NODE": float(l2[17:25]),
            "ARG_OF_PERICENTER": float(l2[34:42]),
            "MEAN_ANOMALY": float(l2[43:51]),
            "EPHEMERIS_TYPE": int(l1[62]) if l1[62].isdigit() else 0,
            "CLASSIFICATION_TYPE": l1[7].strip() or "U",
            "NORAD_CAT_ID": es.norad_id,
            "ELEMENT_SET_NO": int(l1[64:68]),
            "REV_AT_EPOCH": int(l2[63:68]),
            "BSTAR": _tle_exp_value(l1[53:61]),
            "MEAN_MOTION_DOT": float(l1[33:43].replace(" ", "")),
            "MEAN_MOTION_DDOT": _tle_exp_value(l1[44:52]),
        })
    else:
        rec.update({
            "MEAN_MOTION": sat.no_kozai * _XPDOTP,
            "ECCENTRICITY": sat.ecco,
            "INCLINATION": sat.inclo / _DEG2RAD,
            "RA_OF_ASC_NODE": sat.nodeo / _DEG2RAD,
            "ARG_OF_PERICENTER": sat.argpo / _DEG2RAD,
            "MEAN_ANOMALY": sat.mo / _DEG2RAD,
            "EPHEMERIS_TYPE": int(sat.ephtype),
            "CLASSIFICATION_TYPE": (sat.classification or "U")[:1],
            "NORAD_CAT_ID": es.norad_id,
            "ELEMENT_SET_NO": int(sat.elnum),
            "REV_AT_EPOCH": int(sat.revnum),
            "BSTAR": sat.bstar,
            "MEAN_MOTION_DOT": sat.ndot * (_XPDOTP * 1440.0),
            "MEAN_MOTION_DDOT": sat.nddot * (_XPDOTP * 1440.0 * 1440.0),
        })
    return {key: rec[key] for key in OMM_KEYWORDS}


def nominal_comment(es: ElementSet) -> str | None:
    """The note a written nominal set carries (``None`` for a tracked set)."""
    if not es.is_nominal:
        return None
    return (f"NOMINAL DESIGN ORBIT from the orbitkit catalogue, not a tracked element set: "
            f"planes, slots and longitudes as designed, phasing illustrative; NORAD "
            f"{es.norad_id} names the satellite it stands for")


def _omm_with_comment(es: ElementSet) -> dict[str, Any]:
    rec = to_omm(es)
    note = nominal_comment(es)
    return {**rec, "COMMENT": note} if note else rec


def to_omm_json(sets: Iterable[ElementSet], *, pretty: bool = False) -> str:
    """CelesTrak-style JSON array (``pretty=True``: indented, like ``json-pretty``).

    A nominal set's record has one more key, ``COMMENT``, saying it is a design orbit.
    """
    records = [_omm_with_comment(es) for es in sets]
    if pretty:
        return json.dumps(records, indent=4) + "\n"
    return json.dumps(records, separators=(",", ":"))


def to_omm_csv(sets: Iterable[ElementSet]) -> str:
    """CelesTrak-style CSV: header of OMM keywords, one row per set (CRLF, like csv).

    When a nominal set is among them, a last ``COMMENT`` column says which rows are design
    orbits (empty for tracked sets).
    """
    sets = list(sets)
    out = io.StringIO()
    writer = csv.writer(out)
    with_comment = any(es.is_nominal for es in sets)
    writer.writerow(OMM_KEYWORDS + (("COMMENT",) if with_comment else ()))
    for es in sets:
        rec = to_omm(es)
        row = [_text(rec[k]) for k in OMM_KEYWORDS]
        writer.writerow(row + ([nominal_comment(es) or ""] if with_comment else []))
    return out.getvalue()


def _text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


_META = (("CENTER_NAME", "EARTH"), ("REF_FRAME", "TEME"), ("TIME_SYSTEM", "UTC"),
         ("MEAN_ELEMENT_THEORY", "SGP4"))
_MEAN = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
         "ARG_OF_PERICENTER", "MEAN_ANOMALY")
_TLE_PARAMS = ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
               "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")


def _created(created: datetime | None) -> str:
    return (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def to_omm_xml(sets: Iterable[ElementSet], *, created: datetime | None = None) -> str:
    """CCSDS NDM/XML (``<ndm>`` with one ``<omm>`` per set), as CelesTrak's FORMAT=xml."""
    stamp = _created(created)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="https://sanaregistry.org/r/ndmxml_unqualified/'
        'ndmxml-2.0.0-master-2.0.xsd">',
    ]

    def tag(key: str, value: Any) -> str:
        return f"<{key}>{escape(_text(value))}</{key}>"

    for es in sets:
        rec = to_omm(es)
        parts += [
            '<omm id="CCSDS_OMM_VERS" version="2.0">',
            f"<header>{tag('CREATION_DATE', stamp)}{tag('ORIGINATOR', 'orbitkit')}</header>",
            "<body><segment><metadata>",
            (tag("COMMENT", nominal_comment(es)) if es.is_nominal else "")
            + tag("OBJECT_NAME", rec["OBJECT_NAME"]) + tag("OBJECT_ID", rec["OBJECT_ID"])
            + "".join(tag(k, v) for k, v in _META),
            "</metadata><data><meanElements>",
            "".join(tag(k, rec[k]) for k in _MEAN),
            "</meanElements><tleParameters>",
            "".join(tag(k, rec[k]) for k in _TLE_PARAMS),
            "</tleParameters></data></segment></body></omm>",
        ]
    parts.append("</ndm>")
    return "\n".join(parts) + "\n"


_KVN_UNITS = {"MEAN_MOTION": "rev/day", "INCLINATION": "deg", "RA_OF_ASC_NODE": "deg",
              "ARG_OF_PERICENTER": "deg", "MEAN_ANOMALY": "deg", "BSTAR": "1/ER",
              "MEAN_MOTION_DOT": "rev/day**2", "MEAN_MOTION_DDOT": "rev/day**3"}


def to_omm_kvn(sets: Iterable[ElementSet], *, created: datetime | None = None) -> str:
    """CCSDS OMM keyword = value notation, one message per set, units in brackets."""
    stamp = _created(created)
    lines: list[str] = []
    for es in sets:
        rec = to_omm(es)
        lines += ["CCSDS_OMM_VERS = 2.0", f"CREATION_DATE = {stamp}", "ORIGINATOR = orbitkit",
                  ""]
        if es.is_nominal:
            lines.append(f"COMMENT {nominal_comment(es)}")
        lines += [f"OBJECT_NAME = {rec['OBJECT_NAME']}", f"OBJECT_ID = {rec['OBJECT_ID']}"]
        lines += [f"{k} = {v}" for k, v in _META]
        lines.append("")
        for key in _MEAN + _TLE_PARAMS:
            unit = _KVN_UNITS.get(key)
            lines.append(f"{key} = {_text(rec[key])}" + (f" [{unit}]" if unit else ""))
        lines.append("")
    return "\n".join(lines)


def export_elements(sets: Iterable[ElementSet], fmt: str) -> str:
    """Write ``sets`` in one of :data:`EXPORT_FORMATS` and return the text."""
    sets = list(sets)
    if fmt == "tle":
        return to_tle_text(sets, names=False)
    if fmt == "3le":
        return to_tle_text(sets, names=True)
    if fmt == "omm-json":
        return to_omm_json(sets, pretty=True)
    if fmt == "omm-csv":
        return to_omm_csv(sets)
    if fmt == "omm-xml":
        return to_omm_xml(sets)
    if fmt == "omm-kvn":
        return to_omm_kvn(sets)
    raise ValueError(f"fmt must be one of {EXPORT_FORMATS}, not {fmt!r}")
