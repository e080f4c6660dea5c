"""CCSDS OEM: written by orbitkit, read by ccsds-ndm (independent, strict for XML) and by
orbitkit's reader; interpolation with the hinted method; refusals.

Tolerances: the round trip is judged against SGP4 itself at the midpoints between the
written states (the hardest place for the interpolation): within 1 mm (the issue's bound);
at the written epochs within 1 µm (the text keeps 9 decimals of km).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest
from ccsds_ndm.ndm_io import NdmIo

import orbitkit as ok
from orbitkit.cli import main
from orbitkit.elements.oem import (
    OemSpanError,
    ephemeris_segments,
    interpolate_states,
    parse_oem,
    write_oem_kvn,
    write_oem_xml,
)
from orbitkit.elements.parse import read_elements
from orbitkit.errors import ElementFileError

CREATED = datetime(2026, 5, 1, tzinfo=UTC)
# (NORAD, step s): the CSS in LEO, a BeiDou-3 MEO, a BeiDou-3 GEO
CASES = [(48274, 60.0), (43001, 300.0), (43683, 600.0)]


@pytest.fixture(scope="module")
def sets(active_2026):
    by_id = {es.norad_id: es for es in read_elements(active_2026).sets}
    return {n: by_id[n] for n, _ in CASES}


def _grid(step_s: float, hours: float = 6.0) -> np.ndarray:
    return ok.time_grid("2026-02-24T00:00:00Z", f"2026-02-24T{int(hours):02d}:00:00Z", step_s)


@pytest.mark.parametrize("writer", [write_oem_kvn, write_oem_xml])
@pytest.mark.parametrize("frame", ["gcrs", "itrs", "teme"])
@pytest.mark.parametrize("norad,step_s", CASES)
def test_round_trip_within_1_mm_of_sgp4(sets, norad, step_s, frame, writer):
    es = sets[norad]
    t = _grid(step_s)
    eph = ok.propagate([es], t)
    segments, notes = ephemeris_segments(eph, frame)
    assert len(segments) == 1 and not notes
    (seg,) = parse_oem(writer(segments, created=CREATED), source="rt.oem")
    assert seg.ref_frame == {"gcrs": "GCRF", "itrs": "ITRF", "teme": "TEME"}[frame]
    assert seg.norad_id == norad and seg.object_id == es.cospar_id
    assert (seg.interpolation, seg.interpolation_degree) == ("LAGRANGE", 7)
    np.testing.assert_array_equal(seg.times, t)
    r_nodes, v_nodes = seg.interpolate(t)
    r_true, v_true = eph.position(frame)
    assert np.abs(r_nodes - r_true[0]).max() < 1e-9  # km: 1 µm
    mid = t[:-1] + (t[1:] - t[:-1]) // 2
    r_mid, v_mid = seg.interpolate(mid)
    r_ref, v_ref = ok.propagate([es], mid).position(frame)
    assert np.linalg.norm(r_mid - r_ref[0], axis=1).max() < 1e-6  # km: 1 mm
    assert np.linalg.norm(v_mid - v_ref[0], axis=1).max() < 1e-6  # km/s: 1 mm/s


@pytest.mark.parametrize("writer", [write_oem_kvn, write_oem_xml])
def test_ccsds_ndm_reads_the_oem(sets, writer):
    """The independent reader (strict for XML) finds the metadata and the same states."""
    es = sets[48274]
    eph = ok.propagate([es, sets[43683]], _grid(600.0, 2))
    segments, _ = ephemeris_segments(eph, "gcrs")
    oem = NdmIo().from_string(writer(segments, created=CREATED))
    assert type(oem).__name__ == "Oem"
    assert len(oem.body.segment) == 2
    seg = oem.body.segment[0]
    md = seg.metadata
    assert (md.object_name, md.object_id, md.center_name, md.ref_frame, md.time_system) == (
        "CSS (TIANHE)", "2021-035A", "EARTH", "GCRF", "UTC")
    assert (md.interpolation, int(md.interpolation_degree)) == ("LAGRANGE", 7)
    assert str(md.start_time).startswith("2026-02-24T00:00:00")
    assert str(md.stop_time).startswith("2026-02-24T02:00:00")
    states = seg.data.state_vector
    assert len(states) == 13
    first = states[0]
    x = first.x.value if hasattr(first.x, "value") else first.x
    assert float(x) == pytest.approx(eph.r_gcrs_km[0, 0, 0], abs=1e-9)
    assert any("NORAD_CAT_ID = 48274" in c for c in md.comment)


def test_the_oem_xml_check_is_strict(sets):
    eph = ok.propagate([sets[48274]], _grid(600.0, 1))
    text = write_oem_xml(ephemeris_segments(eph, "gcrs")[0], created=CREATED)
    bad = text.replace("<CENTER_NAME>", "<NOT_IN_THE_SCHEMA>1</NOT_IN_THE_SCHEMA><CENTER_NAME>")
    with pytest.raises(Exception, match="NOT_IN_THE_SCHEMA"):
        NdmIo().from_string(bad)


def test_an_oem_written_by_ccsds_ndm_reads_back_the_same(sets):
    """orbitkit's reader on KVN written by the other library (its own layout and
    number formatting)."""
    from ccsds_ndm.mapping import NDMFileFormats

    eph = ok.propagate([sets[43001]], _grid(300.0, 3))
    ours = write_oem_kvn(ephemeris_segments(eph, "gcrs")[0], created=CREATED)
    theirs = NdmIo().to_string(NdmIo().from_string(ours), NDMFileFormats.KVN)
    (a,) = parse_oem(ours)
    (b,) = parse_oem(theirs, source="ccsds-ndm.oem")
    np.testing.assert_array_equal(a.times, b.times)
    np.testing.assert_allclose(b.r_km, a.r_km, rtol=0, atol=1e-9)
    np.testing.assert_allclose(b.v_km_s, a.v_km_s, rtol=0, atol=1e-12)
    assert (b.ref_frame, b.interpolation, b.interpolation_degree) == ("GCRF", "LAGRANGE", 7)


def test_outside_the_span_is_refused_never_extrapolated(sets):
    eph = ok.propagate([sets[48274]], _grid(60.0, 1))
    (seg,) = parse_oem(write_oem_kvn(ephemeris_segments(eph, "gcrs")[0]), source="x.oem")
    late = np.array(["2026-02-24T01:00:00.001"], dtype="datetime64[ns]")
    with pytest.raises(OemSpanError, match=r"x\.oem.*outside the ephemeris span"):
        seg.interpolate(late)
    # a USEABLE span narrower than the table is what counts
    text = write_oem_kvn(ephemeris_segments(eph, "gcrs")[0]).replace(
        "USEABLE_STOP_TIME = 2026-02-24T01:00:00.000000",
        "USEABLE_STOP_TIME = 2026-02-24T00:30:00.000000")
    (seg,) = parse_oem(text)
    seg.interpolate(np.array(["2026-02-24T00:30:00"], dtype="datetime64[ns]"))
    with pytest.raises(OemSpanError):
        seg.interpolate(np.array(["2026-02-24T00:31:00"], dtype="datetime64[ns]"))


@pytest.mark.parametrize("method,degree,tol_km", [
    ("LAGRANGE", 7, 1e-7), ("HERMITE", 7, 1e-9), ("HERMITE", 5, 1e-6), ("LINEAR", 1, 10.0)])
def test_interpolation_methods_on_circular_motion(method, degree, tol_km):
    """Exact circular motion (7000 km, LEO rate), 60 s table: each method within the error
    its polynomial degree allows (Hermite 7 ~ 5e-11 km, Hermite 5 ~ 1e-7 km, Lagrange 7
    ~ 3e-8 km, linear ~ 4 km)."""
    x = np.arange(0.0, 3600.0, 60.0)
    w, a = 1.1e-3, 7000.0

    def state(t):
        return (np.stack([a * np.cos(w * t), a * np.sin(w * t), 0 * t], 1),
                np.stack([-a * w * np.sin(w * t), a * w * np.cos(w * t), 0 * t], 1))

    r, v = state(x)
    xq = np.linspace(0.0, x[-1], 777)
    rq, vq = interpolate_states(x, r, v, xq, method, degree)
    rt, vt = state(xq)
    assert np.abs(rq - rt).max() < tol_km
    if method != "LINEAR":
        assert np.abs(vq - vt).max() < tol_km * 1e-1


def _kvn(system: str = "UTC", rows: str | None = None, extra: str = "") -> str:
    rows = rows or ("2026-02-24T00:00:00 7000 0 0 0 7.5 0\n"
                    "2026-02-24T00:01:00 6996 450 0 -0.5 7.48 0\n")
    return (f"CCSDS_OEM_VERS = 2.0\nCREATION_DATE = 2026-02-24T00:00:00\nORIGINATOR = test\n"
            f"META_START\nOBJECT_NAME = TEST\nOBJECT_ID = 2021-035A\nCENTER_NAME = EARTH\n"
            f"REF_FRAME = EME2000\nTIME_SYSTEM = {system}\n"
            f"START_TIME = 2026-02-24T00:00:00\nSTOP_TIME = 2026-02-24T00:01:00\n{extra}"
            f"META_STOP\n{rows}")


@pytest.mark.parametrize("system,offset_s", [("UTC", 0), ("TAI", 37), ("GPS", 18),
                                              ("TT", 69.184)])
def test_time_systems_become_utc(system, offset_s):
    (seg,) = parse_oem(_kvn(system))
    expect = np.datetime64("2026-02-24T00:00:00", "ns") - np.timedelta64(
        round(offset_s * 1e9), "ns")
    assert seg.times[0] == expect and seg.time_system == system


def test_day_of_year_epochs_and_covariance_blocks_are_read():
    rows = ("2026-055T00:00:00.5 7000 0 0 0 7.5 0\n"
            "2026-055T00:01:00.5 6996 450 0 -0.5 7.48 0 0 0 0\n"
            "COVARIANCE_START\nEPOCH = 2026-055T00:00:00\n1.0\nCOVARIANCE_STOP\n")
    (seg,) = parse_oem(_kvn(rows=rows))
    assert seg.times[1] == np.datetime64("2026-02-24T00:01:00.5", "ns")


@pytest.mark.parametrize("text,message", [
    (_kvn("TDB"), "line 9: TIME_SYSTEM: expected UTC or TAI or GPS or TT, found 'TDB'"),
    (_kvn(rows="2026-02-24T00:00:00 7000 0 0 0 7.5\n"), "line 13: state vector: expected"),
    (_kvn(rows="2026-02-30T00:00:00 7000 0 0 0 7.5 0\n"), "line 13: EPOCH"),
    (_kvn(rows="2026-02-24T00:00:00 7000 x 0 0 7.5 0\n"), "numbers (km, km/s)"),
    (_kvn(extra="INTERPOLATION = SPLINE\n"), "INTERPOLATION: expected LAGRANGE"),
    (_kvn().replace("REF_FRAME = EME2000\n", ""), "metadata has no REF_FRAME"),
    (_kvn(rows="2026-02-24T00:01:00 7000 0 0 0 7.5 0\n2026-02-24T00:00:00 1 2 3 4 5 6\n"),
     "epochs must increase"),
    ("<oem><body><segment><metadata>", "not well-formed XML"),
    ("<?xml version='1.0'?><!DOCTYPE oem [<!ENTITY a 'b'>]><oem/>", "DOCTYPE/DTD"),
    ("OBJECT_NAME = X\n", "not a CCSDS OEM"),
])
def test_bad_oem_is_refused_naming_the_line_and_field(text, message):
    with pytest.raises(ElementFileError) as exc:
        parse_oem(text, source="bad.oem")
    assert "bad.oem" in str(exc.value) and message in str(exc.value)


def test_cli_ephemeris_oem(capsys, active_2026):
    argv = ["ephemeris", "48274,43683", "--elements", str(active_2026), "--offline",
            "--start", "2026-02-24T00:00:00Z", "--stop", "2026-02-24T02:00:00Z",
            "--step-s", "60"]
    assert main([*argv, "--format", "oem"]) == 0
    out, err = capsys.readouterr()
    segs = parse_oem(out)
    assert [s.ref_frame for s in segs] == ["GCRF", "GCRF"]  # the default frame for OEM
    assert [s.norad_id for s in segs] == [48274, 43683]
    assert any("reproduces SGP4 within" in c for c in segs[0].comments)
    assert "misses SGP4" not in err
    assert main([*argv, "--format", "oem-xml", "--frame", "itrs"]) == 0
    segs = parse_oem(capsys.readouterr().out)
    assert [s.ref_frame for s in segs] == ["ITRF", "ITRF"]
    assert main([*argv, "--format", "csv"]) == 0  # CSV keeps its itrs default
    assert capsys.readouterr().out.splitlines()[0].endswith("vz_km_s")
    assert main([*argv, "--format", "oem", "--frame", "geodetic"]) == 2
    assert "Cartesian" in capsys.readouterr().err


def test_cli_oem_says_a_coarse_step_loses_accuracy(capsys, active_2026):
    assert main(["ephemeris", "48274", "--elements", str(active_2026), "--offline",
                 "--start", "2026-02-24T00:00:00Z", "--stop", "2026-02-24T02:00:00Z",
                 "--step-s", "600", "--format", "oem"]) == 0
    assert "misses SGP4 by up to" in capsys.readouterr().err


def test_nominal_orbit_oem_says_so(capsys):
    assert main(["ephemeris", "BEIDOU-3 M1", "--offline", "--start", "2026-05-01T00:00:00Z",
                 "--stop", "2026-05-01T01:00:00Z", "--step-s", "300", "--format", "oem"]) == 0
    (seg,) = parse_oem(capsys.readouterr().out)
    assert "NOMINAL DESIGN ORBIT" in seg.comments[0]
    json.dumps(seg.comments)


def test_a_change_of_element_set_starts_a_new_segment(capsys, tle_dir):
    """Two snapshots of the CSS switch at 2021-09-04 16:37:22Z (the position jumps 2,388
    km there): the OEM holds one segment per set, each naming its own set, so no reader
    interpolates across the jump (before: one segment, 1,230 km off between states)."""
    argv = ["ephemeris", "48274", "--elements", str(tle_dir / "celestrak-active-2021-08-24.txt"),
            "--elements", str(tle_dir / "celestrak-active-2021-09-20.txt"), "--offline",
            "--start", "2021-09-04T12:00:00Z", "--stop", "2021-09-04T20:00:00Z",
            "--step-s", "60", "--format", "oem"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    first, second = parse_oem(out)
    assert first.stop == np.datetime64("2021-09-04T16:37:00", "ns")
    assert second.start == np.datetime64("2021-09-04T16:38:00", "ns")
    assert "2021-08-24" in first.comments[0] and "2021-09-20" in second.comments[0]
    assert "misses SGP4" not in err
