"""Fuzzing: damaged real records must give results or our two error types, nothing else.

Real TLE/3LE/OMM records (embedded, so no shared data is needed) are mutated by byte
flips, truncations, insertions, deletions and line shuffles. Whatever comes out, the
parser may only return a ParseResult or raise ElementParseError / ElementFileError;
any other exception (IndexError, ValueError, RecursionError...) is a bug. A deadline
makes a hang (e.g. a regex blowing up on some input) fail the test.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitkit.elements.export import to_omm_csv, to_omm_kvn, to_omm_xml
from orbitkit.elements.model import ElementSet
from orbitkit.elements.parse import ParseResult, parse_text
from orbitkit.errors import ElementFileError, ElementParseError
from tests._tried import count

TLE_3LE = (
    "CSS (TIANHE)            \n"
    "1 48274U 21035A   26055.08242906  .00019707  00000+0  23964-3 0  9995\n"
    "2 48274  41.4668 290.9181 0005449 183.7722 176.3076 15.60067811275489\n"
    "FENGYUN 3E              \n"
    "1 49008U 21062A   26055.31323045 -.00000165  00000+0 -57057-4 0  9992\n"
    "2 49008  98.7512  59.9772 0002650  65.4959 294.6494 14.19891262240563\n"
    "METEOSAT-9 (MSG-2)      \n"
    "1 28912U 05049B   26055.10746321  .00000122  00000+0  00000+0 0  9995\n"
    "2 28912   9.1048  55.2610 0002174 212.2248 330.8192  1.00272899  5863\n"
)
TLE_2LE = "".join(line + "\n" for line in TLE_3LE.splitlines() if line[:2] in ("1 ", "2 "))
OMM_RECORDS = [
    {"OBJECT_NAME": "CALSPHERE 1", "OBJECT_ID": "1964-063C",
     "EPOCH": "2026-02-24T01:28:11.421120", "MEAN_MOTION": 13.76477716,
     "ECCENTRICITY": 0.002338, "INCLINATION": 90.2154, "RA_OF_ASC_NODE": 69.1406,
     "ARG_OF_PERICENTER": 275.3046, "MEAN_ANOMALY": 145.4849, "EPHEMERIS_TYPE": 0,
     "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 900, "ELEMENT_SET_NO": 999,
     "REV_AT_EPOCH": 55869, "BSTAR": 0.00060183, "MEAN_MOTION_DOT": 5.99e-6,
     "MEAN_MOTION_DDOT": 0},
    {"OBJECT_NAME": "NEWSAT", "OBJECT_ID": "2026-999A", "EPOCH": "2026-02-01T00:00:00",
     "MEAN_MOTION": 15.5, "ECCENTRICITY": 0.0005, "INCLINATION": 41.47,
     "RA_OF_ASC_NODE": 100.0, "ARG_OF_PERICENTER": 30.0, "MEAN_ANOMALY": 60.0,
     "NORAD_CAT_ID": 400123, "BSTAR": 0.0001},
]
OMM_JSON = json.dumps(OMM_RECORDS)
_SETS = parse_text(OMM_JSON).sets
SEEDS = {
    "3le": TLE_3LE,
    "2le": TLE_2LE,
    "crlf": TLE_3LE.replace("\n", "\r\n"),
    "json": OMM_JSON,
    "json-pretty": json.dumps(OMM_RECORDS, indent=4),
    "csv": to_omm_csv(_SETS),
    "xml": to_omm_xml(_SETS),
    "kvn": to_omm_kvn(_SETS),
}
# Characters that matter to the formats, plus some that must never crash anything.
INTERESTING = list("0123456789 .-+\n\r\t,:=[]{}<>\"'/AZIOUuèé\u2212\u00a0\x00\x7f") + ["\ufeff"]

FUZZ = settings(max_examples=150, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


def check(data: str | bytes) -> None:
    """Parse and assert the only allowed outcomes."""
    count("fuzzed element inputs (hypothesis examples)")
    try:
        result = parse_text(data, path="fuzz")
    except (ElementParseError, ElementFileError) as exc:
        assert str(exc)  # every error explains itself
        return
    assert isinstance(result, ParseResult)
    assert result.sets, "a result without sets must have raised ElementFileError"
    for es in result.sets:
        assert isinstance(es, ElementSet)
        assert es.epoch.tzinfo is not None
        es.satrec.sgp4(es.satrec.jdsatepoch, es.satrec.jdsatepochF)  # usable
        assert isinstance(es.norad_id, int) and es.norad_id >= 0
    for err in result.errors:
        assert isinstance(err, ElementParseError) and str(err)


@st.composite
def mutated(draw, seed_text: str) -> str:
    text = seed_text
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "swap-lines",
                                     "duplicate-line"]))
        pos = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "flip" and text:
            ch = draw(st.sampled_from(INTERESTING) | st.characters(max_codepoint=0x2FFF))
            text = text[:pos] + ch + text[pos + 1:]
        elif kind == "insert":
            ins = draw(st.text(st.sampled_from(INTERESTING), min_size=1, max_size=5))
            text = text[:pos] + ins + text[pos:]
        elif kind == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 10)):]
        elif kind == "truncate":
            text = text[:pos]
        else:
            lines = text.split("\n")
            if len(lines) > 1:
                a = draw(st.integers(0, len(lines) - 1))
                b = draw(st.integers(0, len(lines) - 1))
                if kind == "swap-lines":
                    lines[a], lines[b] = lines[b], lines[a]
                else:
                    lines.insert(b, lines[a])
                text = "\n".join(lines)
    return text


@FUZZ
@given(data=mutated(SEEDS["3le"]))
def test_fuzz_3le(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["2le"]))
def test_fuzz_2le(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["crlf"]))
def test_fuzz_crlf(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["json"]))
def test_fuzz_omm_json(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["json-pretty"]))
def test_fuzz_omm_json_pretty(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["csv"]))
def test_fuzz_omm_csv(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["xml"]))
def test_fuzz_omm_xml(data):
    check(data)


@FUZZ
@given(data=mutated(SEEDS["kvn"]))
def test_fuzz_omm_kvn(data):
    check(data)


@FUZZ
@given(data=st.sampled_from(sorted(SEEDS)).flatmap(lambda k: mutated(SEEDS[k])),
       encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_fuzz_bytes(data, encoding):
    check(data.encode(encoding, errors="replace"))


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_random_bytes(data):
    check(data)


@FUZZ
@given(data=st.text(max_size=300))
def test_fuzz_random_text(data):
    check(data)


def test_unmutated_seeds_parse_cleanly():
    for name, text in SEEDS.items():
        result = parse_text(text, path=name)
        assert result.errors == [], name
        assert len(result.sets) in (2, 3), name


@st.composite
def flipped_record(draw) -> tuple[str, str, str]:
    """One real 3LE record with 1-3 characters replaced (line count and lengths kept)."""
    name, line1, line2 = TLE_3LE.split("\n")[draw(st.sampled_from([0, 3, 6])):][:3]
    lines = [line1, line2]
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, 1))
        pos = draw(st.integers(0, 68))
        ch = draw(st.sampled_from(INTERESTING[:16] + list("AIOZ9")))
        lines[k] = lines[k][:pos] + ch + lines[k][pos + 1:]
    return name, lines[0], lines[1]


@FUZZ
@given(record=flipped_record())
def test_bulk_path_agrees_with_record_by_record_path(record):
    """The vectorised reader accepts exactly what the careful one accepts, identically."""
    from orbitkit.elements.tle import parse_tle, parse_tle_text

    if any("\n" in part or "\r" in part for part in record):
        return
    sets, errors = parse_tle_text("\n".join(record) + "\n", path="p")
    if record[1][:2] != "1 " or record[2][:2] != "2 ":
        assert sets == [] and errors  # structure broken: reported, nothing kept
        return
    try:
        ref = parse_tle(record[1], record[2], record[0], path="p", lineno=2, origin="p:1")
    except ElementParseError as exc:
        assert sets == [] and len(errors) == 1
        assert (errors[0].line, errors[0].column, errors[0].field) == (
            exc.line, exc.column, exc.field)
        return
    assert errors == [] and len(sets) == 1
    es = sets[0]
    assert (es.norad_id, es.name, es.epoch, es.cospar_id, es.origin, es.line1, es.line2) == (
        ref.norad_id, ref.name, ref.epoch, ref.cospar_id, ref.origin, ref.line1, ref.line2)
