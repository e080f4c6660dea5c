"""OMM (JSON, CSV, XML, KVN): reading, big catalogue numbers, exact round trips via export."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sgp4.api import Satrec

from orbitkit.elements.export import (
    ElementExportError,
    export_elements,
    tle_lines,
    to_omm,
    to_omm_csv,
    to_omm_json,
    to_omm_kvn,
    to_omm_xml,
    to_tle,
)
from orbitkit.elements.omm import omm_to_element_set, parse_epoch
from orbitkit.elements.parse import parse_text, read_elements, sniff_format
from orbitkit.elements.tle import parse_tle_text
from orbitkit.errors import ElementFileError, ElementParseError

FY3E = (
    "FENGYUN 3E",
    "1 49008U 21062A   26055.31323045 -.00000165  00000+0 -57057-4 0  9992",
    "2 49008  98.7512  59.9772 0002650  65.4959 294.6494 14.19891262240563",
)
RECORD = {
    "OBJECT_NAME": "CALSPHERE 1", "OBJECT_ID": "1964-063C",
    "EPOCH": "2026-02-24T01:28:11.421120", "MEAN_MOTION": 13.76477716,
    "ECCENTRICITY": 0.002338, "INCLINATION": 90.2154, "RA_OF_ASC_NODE": 69.1406,
    "ARG_OF_PERICENTER": 275.3046, "MEAN_ANOMALY": 145.4849, "EPHEMERIS_TYPE": 0,
    "CLASSIFICATION_TYPE": "U", "NORAD_CAT_ID": 900, "ELEMENT_SET_NO": 999,
    "REV_AT_EPOCH": 55869, "BSTAR": 0.00060183, "MEAN_MOTION_DOT": 5.99e-6,
    "MEAN_MOTION_DDOT": 0,
}
SAT_FIELDS = ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo", "bstar")


def record(**changes):
    rec = dict(RECORD)
    for key, value in changes.items():
        if value is None:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


def propagates(es, days: float = 1.0) -> tuple[float, float, float]:
    err, r, _v = es.satrec.sgp4(es.satrec.jdsatepoch + days, es.satrec.jdsatepochF)
    assert err == 0
    assert 6378.0 < math.hypot(*r) < 50000.0
    return r


# ---------------------------------------------------------------------------- reading


def test_celestrak_json_array():
    result = parse_text(json.dumps([RECORD]), path="gp.json")
    (es,) = result.sets
    assert result.format == "json" and result.errors == []
    assert (es.norad_id, es.name, es.cospar_id) == (900, "CALSPHERE 1", "1964-063C")
    assert es.epoch == datetime(2026, 2, 24, 1, 28, 11, 421120, tzinfo=UTC)
    assert es.origin == "gp.json, record 1"
    assert es.line1 is None
    propagates(es)


def test_single_object_and_pretty_json():
    assert len(parse_text(json.dumps(RECORD)).sets) == 1
    assert len(parse_text(json.dumps([RECORD, record(NORAD_CAT_ID=901)], indent=4)).sets) == 2


def test_space_track_style_strings_are_numbers():
    rec = {k: str(v) for k, v in RECORD.items()}
    (es,) = parse_text(json.dumps([rec])).sets
    assert es.norad_id == 900 and es.satrec.ecco == 0.002338


def test_object_100123_parses_and_propagates():
    (es,) = parse_text(json.dumps([record(NORAD_CAT_ID=100123, OBJECT_NAME="NEWSAT")])).sets
    assert es.norad_id == 100123
    assert es.satrec.satnum == 100123  # fits Alpha-5 (A0123)
    propagates(es)
    assert to_tle(es)[1][2:7] == "A0123"


@pytest.mark.parametrize("norad", [340000, 999999, 270000000])
def test_numbers_beyond_alpha5_keep_real_id_and_propagate(norad):
    (es,) = parse_text(json.dumps([record(NORAD_CAT_ID=norad)])).sets
    assert es.norad_id == norad
    assert es.satrec.satnum == 0  # documented: a Satrec cannot hold it
    propagates(es)
    assert to_omm(es)["NORAD_CAT_ID"] == norad
    with pytest.raises(ElementExportError, match="OMM"):
        tle_lines(es)


def test_same_numbers_as_twoline2rv():
    (es,) = parse_tle_text("\n".join(FY3E) + "\n")[0]
    back = parse_text(to_omm_json([es])).sets[0]
    ref = Satrec.twoline2rv(FY3E[1], FY3E[2])
    for name in SAT_FIELDS[:-1]:
        assert getattr(back.satrec, name) == getattr(ref, name), name
    assert back.satrec.jdsatepoch == ref.jdsatepoch
    assert back.satrec.jdsatepochF == pytest.approx(ref.jdsatepochF, abs=1e-15)


def test_xml_with_and_without_namespace_and_ndm():
    xml = to_omm_xml(parse_text(json.dumps([RECORD, record(NORAD_CAT_ID=901)])).sets)
    assert len(parse_text(xml).sets) == 2
    bare = xml[xml.index("<omm "):xml.index("</omm>") + 6]
    assert parse_text(bare).sets[0].norad_id == 900
    spaced = xml.replace("<ndm ", '<ndm xmlns="urn:ccsds:schema:ndmxml" ')
    assert len(parse_text(spaced).sets) == 2
    prefixed = bare.replace("<", "<n:").replace("<n:/", "</n:").replace(
        "<n:omm ", '<n:omm xmlns:n="urn:x" ')
    assert parse_text(prefixed).sets[0].norad_id == 900


def test_xml_errors_name_the_line():
    xml = to_omm_xml(parse_text(json.dumps([RECORD])).sets)
    bad = xml.replace("<ECCENTRICITY>0.002338<", "<ECCENTRICITY>1.5<")
    with pytest.raises(ElementFileError) as info:
        parse_text(bad, path="x.xml")
    assert "ECCENTRICITY" in str(info.value) and "line" in str(info.value)


def test_kvn_several_messages_with_units_and_comments():
    sets = parse_text(json.dumps([RECORD, record(NORAD_CAT_ID=901)])).sets
    kvn = to_omm_kvn(sets).replace("OBJECT_NAME", "COMMENT made by hand\nOBJECT_NAME", 1)
    back = parse_text(kvn)
    assert back.format == "kvn" and [es.norad_id for es in back.sets] == [900, 901]
    assert back.sets[0].origin.startswith("<string>:")


def test_csv_reads_celestrak_columns():
    csv_text = to_omm_csv(parse_text(json.dumps([RECORD])).sets)
    assert csv_text.startswith("OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION")
    (es,) = parse_text(csv_text, path="gp.csv").sets
    assert es.norad_id == 900 and es.origin == "gp.csv:2"


def test_sniffing_ignores_the_extension(tmp_path: Path):
    path = tmp_path / "elements.txt"
    path.write_text(json.dumps([RECORD]))
    assert read_elements(path).format == "json"
    assert sniff_format(to_omm_kvn(parse_text(json.dumps(RECORD)).sets)) == "kvn"


@pytest.mark.parametrize("text,when", [
    ("2026-02-24T01:28:11.421120", datetime(2026, 2, 24, 1, 28, 11, 421120, tzinfo=UTC)),
    ("2026-02-24T01:28:11", datetime(2026, 2, 24, 1, 28, 11, tzinfo=UTC)),
    ("2026-02-24 01:28:11.5Z", datetime(2026, 2, 24, 1, 28, 11, 500000, tzinfo=UTC)),
    ("2026-055T01:28:11.4211204", datetime(2026, 2, 24, 1, 28, 11, 421120, tzinfo=UTC)),
    ("2026-02-24T23:59:59.9999996", datetime(2026, 2, 25, tzinfo=UTC)),
])
def test_epoch_forms(text, when):
    assert parse_epoch(text) == when


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize("changes,field,words", [
    ({"MEAN_MOTION": None}, "MEAN_MOTION", "missing field"),
    ({"EPOCH": None, "BSTAR": None}, "EPOCH", "also missing: BSTAR"),
    ({"ECCENTRICITY": "high"}, "ECCENTRICITY", "expected a number"),
    ({"INCLINATION": [1, 2]}, "INCLINATION", "wrong type"),
    ({"NORAD_CAT_ID": True}, "NORAD_CAT_ID", "wrong type"),
    ({"NORAD_CAT_ID": 12.5}, "NORAD_CAT_ID", "an integer"),
    ({"ECCENTRICITY": 1.2}, "ECCENTRICITY", "0 <= e < 1"),
    ({"INCLINATION": 181.0}, "INCLINATION", "out of range"),
    ({"MEAN_MOTION": -1.0}, "MEAN_MOTION", "> 0"),
    ({"MEAN_ANOMALY": 360.0}, "MEAN_ANOMALY", "< 360"),
    ({"BSTAR": "nan"}, "BSTAR", "finite"),
    ({"EPOCH": "2026-02-30T00:00:00"}, "EPOCH", "unparsable EPOCH"),
    ({"EPOCH": "yesterday"}, "EPOCH", "unparsable EPOCH"),
    # an epoch past the times orbitkit represents: named, not propagated over centuries
    ({"EPOCH": "2300-01-01T00:00:00"}, "EPOCH", "outside the times orbitkit represents"),
    ({"EPOCH": "1600-001T00:00:00"}, "EPOCH", "1678-01-01 to 2261-12-31 UTC"),
    ({"REF_FRAME": "GCRF"}, "REF_FRAME", "TEME"),
    ({"MEAN_ELEMENT_THEORY": "SGP4-XP"}, "MEAN_ELEMENT_THEORY", "not SGP4"),
])
def test_record_errors_name_file_record_field(changes, field, words):
    text = json.dumps([RECORD, record(**{"NORAD_CAT_ID": 901, **changes})])
    result = parse_text(text, path="gp.json")
    assert [es.norad_id for es in result.sets] == [900]
    (err,) = result.errors
    assert err.field == field and err.path == "gp.json"
    assert str(err).startswith("gp.json, record 2")
    assert words in str(err)


def test_kvn_and_csv_errors_give_the_line():
    sets = parse_text(json.dumps([RECORD, record(NORAD_CAT_ID=901)])).sets
    kvn = to_omm_kvn(sets).replace("ECCENTRICITY = 0.002338", "ECCENTRICITY = 2.0", 1)
    err = parse_text(kvn, path="a.kvn").errors[0]
    assert err.line == kvn.split("\n").index("ECCENTRICITY = 2.0") + 1
    csv_text = to_omm_csv(sets).replace(",900,", ",-5,")
    err = parse_text(csv_text, path="a.csv").errors[0]
    assert err.line == 2 and err.field == "NORAD_CAT_ID"


def test_not_an_object_in_the_array():
    result = parse_text(json.dumps([RECORD, 42]))
    assert "found int 42" in str(result.errors[0])


def test_direct_record_api_error_type():
    with pytest.raises(ElementParseError):
        omm_to_element_set({"NORAD_CAT_ID": 5}, path="p")


# ---------------------------------------------------------------------------- round trips


def _sample(path: Path, step: int) -> list:
    return read_elements(path).sets[::step]


@pytest.mark.parametrize("fmt", ["omm-json", "omm-csv", "omm-xml", "omm-kvn"])
def test_tle_to_omm_to_sets_is_exact(weather_2026: Path, active_2026: Path, fmt: str):
    sets = _sample(weather_2026, 1)
    ids = {es.norad_id for es in sets}
    sets += [es for es in _sample(active_2026, 37) if es.norad_id not in ids]
    back = parse_text(export_elements(sets, fmt), path=fmt)
    assert back.errors == [] and len(back.sets) == len(sets)
    for a, b in zip(sets, back.sets, strict=True):
        assert (a.norad_id, a.name, a.epoch, a.cospar_id) == (b.norad_id, b.name, b.epoch,
                                                              b.cospar_id)
        for name in SAT_FIELDS:
            assert getattr(b.satrec, name) == pytest.approx(getattr(a.satrec, name),
                                                            rel=1e-15, abs=1e-18), name
        ja = a.satrec.jdsatepoch + a.satrec.jdsatepochF
        jb = b.satrec.jdsatepoch + b.satrec.jdsatepochF
        assert jb == pytest.approx(ja, abs=1e-12)
        jd, fr = a.satrec.jdsatepoch + 1.0, a.satrec.jdsatepochF
        ea, ra, _ = a.satrec.sgp4(jd, fr)
        eb, rb, _ = b.satrec.sgp4(jd, fr)
        assert ea == eb
        if ea == 0:
            assert math.dist(ra, rb) < 1e-6  # km: within 1 mm


def test_omm_to_tle_reproduces_the_lines(weather_2026: Path):
    sets = read_elements(weather_2026).sets
    omm_sets = parse_text(to_omm_json(sets)).sets
    for a, b in zip(sets, omm_sets, strict=True):
        assert tle_lines(b) == (a.line1, a.line2)


def test_exports_are_reread_by_format(tmp_path: Path, weather_2026: Path):
    sets = read_elements(weather_2026).sets[:5]
    for fmt, sniffed in (("tle", "tle"), ("3le", "tle"), ("omm-json", "json"),
                         ("omm-csv", "csv"), ("omm-xml", "xml"), ("omm-kvn", "kvn")):
        path = tmp_path / f"out.{fmt}"
        path.write_text(export_elements(sets, fmt))
        result = read_elements(path)
        assert result.format == sniffed and len(result.sets) == 5, fmt
