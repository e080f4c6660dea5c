"""OMM KVN and XML written by orbitkit, read by an independent CCSDS reader.

The reader is ``ccsds-ndm`` (GPL-3.0, so a test dependency only; orbitkit never imports
it): its object models are generated with xsdata from the official CCSDS NDM/XML schemas and
its XML parser refuses unknown elements (``fail_on_unknown_properties``), so a parse stands in
for schema validation. Values are compared with orbitkit's own OMM record exactly (the
writer copies the TLE's decimal fields), the epoch to the microsecond.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from ccsds_ndm.ndm_io import NdmIo

from orbitkit.cli import main
from orbitkit.elements.export import (
    export_elements,
    to_omm,
    to_omm_csv,
    to_omm_json,
    to_omm_kvn,
    to_omm_xml,
)
from orbitkit.elements.parse import parse_text, read_elements

CREATED = datetime(2026, 5, 1, tzinfo=UTC)
# LEO (CSS), SSO (Fengyun-3), MEO / IGSO / GEO (BeiDou-3), a Molniya-like HEO if present
NORADS = (48274, 43010, 43001, 44204, 43683)


@pytest.fixture(scope="module")
def real_sets(active_2026):
    sets = {es.norad_id: es for es in read_elements(active_2026).sets}
    return [sets[n] for n in NORADS if n in sets]


@pytest.fixture(scope="module")
def nominal():
    import orbitkit as ok

    res = ok.load_element_sets("BEIDOU-3 M1,BEIDOU-3 G1", offline=True,
                               at=datetime(2026, 5, 1, tzinfo=UTC))
    assert all(es.is_nominal for es in res.sets)
    return res.sets


def _check(omm, es) -> None:
    """One ccsds-ndm ``Omm`` object against orbitkit's own record of ``es``."""
    rec = to_omm(es)
    md, data = omm.body.segment.metadata, omm.body.segment.data
    mean, tle = data.mean_elements, data.tle_parameters
    assert md.object_name == rec["OBJECT_NAME"] and md.object_id == rec["OBJECT_ID"]
    assert (md.center_name, md.ref_frame, md.time_system, md.mean_element_theory) == (
        "EARTH", "TEME", "UTC", "SGP4")
    assert datetime.fromisoformat(str(mean.epoch)).replace(tzinfo=UTC) == es.epoch
    assert mean.mean_motion.value == rec["MEAN_MOTION"]
    assert mean.eccentricity == rec["ECCENTRICITY"]
    for key in ("INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY"):
        assert getattr(mean, key.lower()).value == rec[key], key
    assert tle.norad_cat_id == es.norad_id
    assert tle.bstar.value == rec["BSTAR"]
    assert tle.mean_motion_dot.value == rec["MEAN_MOTION_DOT"]
    assert tle.element_set_no == rec["ELEMENT_SET_NO"]


def _kvn_messages(text: str) -> list[str]:
    parts = text.split("CCSDS_OMM_VERS")
    assert parts[0].strip() == ""
    return ["CCSDS_OMM_VERS" + p for p in parts[1:]]


def test_omm_kvn_read_by_ccsds_ndm(real_sets):
    assert len(real_sets) >= 4
    messages = _kvn_messages(to_omm_kvn(real_sets, created=CREATED))
    assert len(messages) == len(real_sets)
    for text, es in zip(messages, real_sets, strict=True):
        omm = NdmIo().from_string(text)
        assert type(omm).__name__ == "Omm"
        assert omm.header.originator == "orbitkit"
        _check(omm, es)


def test_omm_xml_read_strictly_by_ccsds_ndm(real_sets):
    ndm = NdmIo().from_string(to_omm_xml(real_sets, created=CREATED))
    assert len(ndm.omm) == len(real_sets)
    for omm, es in zip(ndm.omm, real_sets, strict=True):
        _check(omm, es)


def test_the_xml_reader_is_strict(real_sets):
    """The check can fail: an element the schema does not know is refused."""
    text = to_omm_xml(real_sets[:1], created=CREATED)
    bad = text.replace("<OBJECT_ID>", "<NOT_IN_THE_SCHEMA>1</NOT_IN_THE_SCHEMA><OBJECT_ID>")
    with pytest.raises(Exception, match="NOT_IN_THE_SCHEMA"):
        NdmIo().from_string(bad)


def test_nominal_sets_say_so_in_every_omm_form(nominal):
    """Before: only stderr said a nominal set was a design orbit; the files did not."""
    kvn = to_omm_kvn(nominal, created=CREATED)
    for text, es in zip(_kvn_messages(kvn), nominal, strict=True):
        omm = NdmIo().from_string(text)
        _check(omm, es)
        assert "NOMINAL DESIGN ORBIT" in omm.body.segment.metadata.comment[0]
    ndm = NdmIo().from_string(to_omm_xml(nominal, created=CREATED))
    for omm in ndm.omm:
        assert "NOMINAL DESIGN ORBIT" in omm.body.segment.metadata.comment[0]
    records = json.loads(to_omm_json(nominal))
    assert all("NOMINAL DESIGN ORBIT" in r["COMMENT"] for r in records)
    assert "COMMENT" in to_omm_csv(nominal).splitlines()[0]


@pytest.mark.parametrize("fmt", ["omm-kvn", "omm-xml", "omm-json", "omm-csv"])
def test_written_nominal_and_real_sets_read_back_the_same(fmt, nominal, real_sets):
    """orbitkit's own readers take the comment in stride: same SGP4 records back."""
    sets = [*real_sets[:2], *nominal]
    back = parse_text(export_elements(sets, fmt), path=f"x.{fmt}").sets
    assert [b.norad_id for b in back] == [es.norad_id for es in sets]
    for a, b in zip(sets, back, strict=True):
        for f in ("no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo"):
            assert getattr(b.satrec, f) == pytest.approx(getattr(a.satrec, f), rel=1e-12,
                                                         abs=1e-15)


@pytest.mark.parametrize("fmt", ["omm-kvn", "omm-xml"])
def test_cli_writes_omm_a_ccsds_reader_accepts(fmt, capsys, active_2026):
    assert main(["elements", "48274,43683", "--elements", str(active_2026), "--offline",
                 "--at", "2026-02-24T00:00:00Z", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "omm-kvn":
        parsed = [NdmIo().from_string(m) for m in _kvn_messages(out)]
    else:
        parsed = NdmIo().from_string(out).omm
    names = [o.body.segment.metadata.object_name for o in parsed]
    assert names == ["CSS (TIANHE)", "BEIDOU-3 G1"]


def test_cli_omm_json_of_a_nominal_set_carries_the_comment(capsys):
    assert main(["elements", "BEIDOU-3 G1", "--offline", "--at", "2026-05-01T00:00:00Z",
                 "--format", "omm-json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert "NOMINAL DESIGN ORBIT" in record["COMMENT"] and record["NORAD_CAT_ID"] == 43683
