"""A hand-made corpus of broken (and tricky but fine) element inputs.

Every case names what is wrong in its id and gives the text the message must contain,
so a failing case says at once which teaching message regressed. Record-level cases
carry one good record besides the bad one: the good one must survive (partial files),
the bad one must be reported. File-level cases must raise ElementFileError.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

import pytest

from orbitkit.elements.parse import read_elements
from orbitkit.elements.tle import tle_checksum
from orbitkit.errors import ElementFileError

NAME = "FENGYUN 3E              "
L1 = "1 49008U 21062A   26055.31323045 -.00000165  00000+0 -57057-4 0  9992"
L2 = "2 49008  98.7512  59.9772 0002650  65.4959 294.6494 14.19891262240563"
GOOD = ("CSS (TIANHE)            ",
        "1 48274U 21035A   26055.08242906  .00019707  00000+0  23964-3 0  9995",
        "2 48274  41.4668 290.9181 0005449 183.7722 176.3076 15.60067811275489")
OMM = {
    "OBJECT_NAME": "CALSPHERE 1", "OBJECT_ID": "1964-063C",
    "EPOCH": "2026-02-24T01:28:11.421120", "MEAN_MOTION": 13.76477716,
    "ECCENTRICITY": 0.002338, "INCLINATION": 90.2154, "RA_OF_ASC_NODE": 69.1406,
    "ARG_OF_PERICENTER": 275.3046, "MEAN_ANOMALY": 145.4849, "EPHEMERIS_TYPE": 0,
    "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 900, "ELEMENT_SET_NO": 999,
    "REV_AT_EPOCH": 55869, "BSTAR": 0.00060183, "MEAN_MOTION_DOT": 5.99e-6,
    "MEAN_MOTION_DDOT": 0,
}


def fix(line: str) -> str:
    """Give a (deliberately altered) line a correct checksum so only the alteration shows."""
    return line[:68] + str(tle_checksum(line))


def put(line: str, col: int, text: str) -> str:
    """Overwrite ``line`` from 1-based column ``col`` with ``text``, then fix the checksum."""
    return fix(line[:col - 1] + text + line[col - 1 + len(text):])


def with_good(*lines: str) -> str:
    return "\n".join([*GOOD, *lines]) + "\n"


def omm(**changes) -> dict:
    rec = dict(OMM)
    for key, value in changes.items():
        if value is None:
            rec.pop(key)
        else:
            rec[key] = value
    return rec


def omm_file(*bad: dict) -> str:
    return json.dumps([omm(NORAD_CAT_ID=901), *bad])


@dataclass(frozen=True)
class Case:
    id: str
    data: str | bytes
    expect: str  # substring of the message
    good: int | None = 1  # good sets kept; None = ElementFileError expected


CASES = [
    # ---- TLE: characters and columns ---------------------------------------------
    Case("tle-wrong-checksum-line1", with_good(NAME, L1[:68] + "7", L2), "checksum"),
    Case("tle-wrong-checksum-line2", with_good(NAME, L1, L2[:68] + "0"), "checksum"),
    Case("tle-shifted-columns", with_good(NAME, L1, fix(L2[:8] + " " + L2[8:68] + "0")),
         "column 12: TLE line 2, inclination"),
    Case("tle-tab-instead-of-spaces", with_good(NAME, L1, L2.replace("  98", "\t98")), "tab"),
    Case("tle-non-ascii-minus", with_good(NAME, L1.replace(" -.0000", " \u2212.0000"), L2),
         "ASCII"),
    Case("tle-non-ascii-name-is-fine", "FENGYUN 3E \u98ce\u4e91\n" + L1 + "\n" + L2 + "\n",
         "", 1),
    Case("tle-line-too-short", with_good(NAME, L1[:68], L2), "68 characters"),
    Case("tle-line-too-long", with_good(NAME, L1 + "12", L2), "71 characters"),
    Case("tle-letter-in-number", with_good(NAME, L1, put(L2, 30, "O")), "eccentricity"),
    Case("tle-blank-inside-number", with_good(NAME, L1, put(L2, 9, "9 .7512")),
         "right-aligned"),
    Case("tle-lowercase-classification", with_good(NAME, put(L1, 8, "u"), L2),
         "classification"),
    Case("tle-alpha5-letter-I", with_good(NAME, put(L1, 3, "I9008"), put(L2, 3, "I9008")),
         "I and O"),
    Case("tle-bad-exponent-sign", with_good(NAME, put(L1, 60, "*"), L2), "exponent sign"),
    # ---- TLE: structure ---------------------------------------------------------------
    Case("tle-missing-line-2", with_good(NAME, L1), "Line 2 of this element set is missing"),
    Case("tle-missing-line-1", with_good(NAME, L2), "line 2 without a line 1"),
    Case("tle-swapped-lines", with_good(NAME, L2, L1), "swapped"),
    Case("tle-mismatched-catalogue-numbers", with_good(NAME, L1, put(L2, 3, "49009")),
         "catalogue number"),
    Case("tle-name-without-lines", with_good("LONELY NAME"), "no TLE lines after it"),
    Case("tle-two-names-in-a-row", "FIRST\n" + "\n".join(GOOD) + "\n",
         "followed by another name line"),
    # ---- TLE: physical ranges ---------------------------------------------------------
    Case("tle-eccentricity-ge-1", with_good(NAME, L1, put(L2, 27, "1.00000")),
         "eccentricity of 1 or more"),
    Case("tle-negative-mean-motion", with_good(NAME, L1, put(L2, 53, "-4.19891262")),
         "must be positive"),
    Case("tle-zero-mean-motion", with_good(NAME, L1, put(L2, 53, " 0.00000000")),
         "mean motion > 0"),
    Case("tle-inclination-over-180", with_good(NAME, L1, put(L2, 9, "198.7512")),
         "0 <= inclination <= 180"),
    Case("tle-raan-360", with_good(NAME, L1, put(L2, 18, "360.0000")), "0 <= x < 360"),
    Case("tle-epoch-day-zero", with_good(NAME, put(L1, 21, "000.31323045"), L2),
         "day of year"),
    Case("tle-epoch-day-366-not-leap", with_good(NAME, put(L1, 21, "366.31323045"), L2),
         "366 in leap years"),
    # ---- TLE: duplicates and line ends ---------------------------------------------
    Case("tle-duplicated-object", with_good(*GOOD), "exact repeat"),
    Case("tle-crlf-is-fine", with_good(NAME, L1, L2).replace("\n", "\r\n"), "", 2),
    Case("tle-name-trailing-space-and-0-prefix", "0 FENGYUN 3E   \t \n" + L1 + "\n" + L2, "", 1),
    Case("tle-two-line-records-are-fine", "\n".join([GOOD[1], GOOD[2], L1, L2]), "", 2),
    # ---- whole files ---------------------------------------------------------------
    Case("empty-file", "", "is empty", None),
    Case("whitespace-only-file", " \n\r\n\t\n", "is empty", None),
    Case("binary-junk-with-nul", bytes(range(256)) * 4, "binary data", None),
    Case("binary-junk-undecodable", b"\xff\xfe\xfa\xc3" * 300, "not text", None),
    # gzip is read (issue 14: CelesTrak and Space-Track users keep .gz files)
    Case("gzip-file", gzip.compress(with_good().encode()), "", 1),
    Case("gzip-file-cut-off", gzip.compress(with_good().encode())[:40], "damaged gzip", None),
    Case("html-error-page", "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable"
         "</title></head><body>Try later</body></html>", "looks like an HTML page", None),
    Case("html-without-doctype", "\n  <html>\n<body>Not found</body></html>", "HTML page",
         None),
    Case("plain-text-not-elements", "Hello,\nthese are my notes\nabout satellites\n",
         "not TLE lines", None),
    Case("celestrak-no-data-answer", "No GP data found", "no usable element set", None),
    Case("all-records-bad", with_good()[:-1].replace(GOOD[1][-1], "0", 1) + "\n",
         "no usable element set", None),
    # ---- OMM JSON ----------------------------------------------------------------------
    Case("json-truncated", omm_file(omm())[:300], "truncated", None),
    Case("json-garbage-after-value", "[1, 2] 3", "not valid JSON", None),
    Case("json-top-level-number", "42", "not OMM records", None),
    Case("json-top-level-string", '"tle"', "not OMM records", None),
    Case("json-empty-array", "[]", "CelesTrak answers []", None),
    Case("omm-missing-field", omm_file(omm(MEAN_MOTION=None)), "missing field"),
    Case("omm-wrong-type-string", omm_file(omm(ECCENTRICITY="low")), "expected a number"),
    Case("omm-wrong-type-list", omm_file(omm(NORAD_CAT_ID=[900])), "NORAD_CAT_ID"),
    Case("omm-eccentricity-1", omm_file(omm(ECCENTRICITY=1.0)), "0 <= e < 1"),
    Case("omm-negative-mean-motion", omm_file(omm(MEAN_MOTION=-15.0)), "MEAN_MOTION"),
    Case("omm-unparsable-epoch", omm_file(omm(EPOCH="24/02/2026 01:28")),
         "unparsable EPOCH"),
    Case("omm-record-not-an-object", json.dumps([omm(NORAD_CAT_ID=901), [1, 2]]),
         "expected an OMM record"),
    Case("omm-duplicated-conflicting", omm_file(omm(NORAD_CAT_ID=901, MEAN_MOTION=13.8)),
         "conflicting"),
    Case("omm-sgp4-xp-elements", omm_file(omm(EPHEMERIS_TYPE=4)), "SGP4-XP"),
    # ---- OMM XML / CSV / KVN -----------------------------------------------------------
    Case("xml-not-well-formed", "<ndm><omm><body>", "not well-formed XML", None),
    Case("xml-without-omm", "<?xml version='1.0'?><catalogue><sat/></catalogue>",
         "no <omm> element", None),
    Case("xml-with-dtd", "<?xml version='1.0'?><!DOCTYPE omm [<!ENTITY a 'b'>]><omm/>",
         "DTD", None),
    Case("csv-missing-column", "OBJECT_NAME,NORAD_CAT_ID,EPOCH\nX,5,2026-01-01T00:00:00\n",
         "lacks the OMM column", None),
    Case("kvn-line-without-equals",
         "CCSDS_OMM_VERS = 2.0\n" + "\n".join(f"{k} = {v}" for k, v in OMM.items())
         + "\nthis is not a keyword line\n", "KEYWORD = value"),
]


def test_corpus_is_big_enough():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case: Case, tmp_path):
    path = tmp_path / "input.dat"
    path.write_bytes(case.data if isinstance(case.data, bytes) else case.data.encode())
    if case.good is None:
        with pytest.raises(ElementFileError) as info:
            read_elements(path)
        assert case.expect in str(info.value)
        assert str(path) in str(info.value)
        return
    result = read_elements(path)
    assert len(result.sets) == case.good, [str(e) for e in result.errors]
    if case.expect:
        messages = [str(e) for e in result.errors]
        assert any(case.expect in m for m in messages), messages
        assert all(str(path) in m for m in messages)
    else:
        assert result.errors == []
