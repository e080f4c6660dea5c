"""RINEX navigation reader: real files (IGS merged 3.05, Spirent 3.04 with D exponents,
sbf2rin 3.03), a RINEX 4 rewrite, and bad input that must be named by line and field."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from orbitkit.errors import ElementFileError, ElementParseError
from orbitkit.gnss import BroadcastOrbits, read_rinex_nav
from tests.gnss_helpers import BRDC, RINEX_2018, SKYDEL, SPIRENT_NAV, need

SKYDEL_NAV = SKYDEL / "SkydelRINEX_S_20238959_3600S_CN.rnx"


@pytest.fixture(scope="module")
def brdc():
    return read_rinex_nav(need(BRDC))


def test_igs_merged_file_2023_001_counts(brdc):
    # counts of record lines per system (grep '^C' etc. on the decompressed file)
    assert brdc.version == 3.05
    assert {k: len(v) for k, v in brdc.records.items()} == {
        "C": 1032, "E": 5663, "G": 436, "I": 216, "J": 96, "R": 1198}
    assert brdc.skipped == {"SBAS records": 11338}
    assert not brdc.problems
    bds = sorted(set(brdc.records["C"].prn.tolist()))
    assert len(bds) == 43 and {"C01", "C05", "C59", "C60", "C46"} <= set(bds)
    assert brdc.leap_seconds == 18
    # per-satellite BDSA lines keep their time mark and PRN
    assert "BDSA U 02" in brdc.iono and brdc.iono["GPSA"][0] == pytest.approx(2.0489e-08)


def test_bdt_epochs_are_14_s_behind_gpst(brdc):
    rec = brdc.records["C"]
    first = rec.toc_ns[rec.prn == "C01"][0]
    # C01 2023 01 01 00 00 00 BDT = 2023-01-01T00:00:14 GPST
    gps_label = np.datetime64("2023-01-01T00:00:14", "ns")
    assert first == gps_label.astype(np.int64) - np.datetime64("1980-01-06", "ns").astype(np.int64)
    assert (rec.toe_ns == rec.toc_ns).mean() > 0.99  # BDS toe = toc in these records


def test_glonass_epochs_are_utc(brdc):
    rec = brdc.records["R"]
    # R01 2022 12 31 23 45 00 UTC = 23:45:18 GPST (18 leap seconds)
    label = np.datetime64("2022-12-31T23:45:18", "ns").astype(np.int64) - np.datetime64(
        "1980-01-06", "ns").astype(np.int64)
    assert rec.toc_ns[rec.prn == "R01"][0] == label


def test_fortran_d_exponents_spirent_304():
    nav = read_rinex_nav(need(SPIRENT_NAV))
    rec = nav.records["C"]
    assert len(rec) == 135 and len(set(rec.prn.tolist())) == 27
    assert rec.column("sqrtA")[0] == pytest.approx(6.493380950928e03)
    assert nav.iono["BDSA J 01"][0] == pytest.approx(3.3528e-08)


def test_gzip_and_plain_give_the_same_records(tmp_path):
    plain = tmp_path / "nav.rnx"
    plain.write_bytes(gzip.decompress(need(RINEX_2018 / "VILL00ESP_R_20181700000_01D_MN.rnx.gz")
                                      .read_bytes()))
    a = read_rinex_nav(plain)
    b = read_rinex_nav(RINEX_2018 / "VILL00ESP_R_20181700000_01D_MN.rnx.gz")
    assert a.records.keys() == b.records.keys()
    for k in a.records:
        np.testing.assert_array_equal(a.records[k].values, b.records[k].values)
    # RINEX 3.03: GLONASS records have 3 continuation lines (no 3.05 status line)
    assert "R" in a.records and np.isnan(a.records["R"].column("status")).all()


def _rinex4_from_skydel(tmp_path):
    """The Skydel 3.03 BeiDou file rewritten as RINEX 4.00, plus records to skip."""
    lines = SKYDEL_NAV.read_text().splitlines()
    end = next(i for i, s in enumerate(lines) if "END OF HEADER" in s)
    head = ["     4.00           NAVIGATION DATA     M".ljust(60) + "RINEX VERSION / TYPE"]
    head += lines[1:end + 1]
    body = []
    for i in range(end + 1, len(lines)):
        if lines[i][:1] == "C":
            body.append(f"> EPH {lines[i][:3]} D1")
        body.append(lines[i])
    # a CNAV1 record and a system-time-offset block: both skipped and counted
    body += ["> EPH C19 CNV1"] + lines[end + 1:end + 9]
    body += ["> STO C01 BDUT", "    2023 01 08 10 00 00 BDUT          UTC(NTSC)",
             "     3.600000000000E+04 5.587935447693E-09 0.000000000000E+00 0.000000000000E+00"]
    path = tmp_path / "v4.rnx"
    path.write_text("\n".join(head + body) + "\n")
    return path


def test_rinex4_eph_blocks_read_like_rinex3(tmp_path):
    v3 = read_rinex_nav(need(SKYDEL_NAV))
    v4 = read_rinex_nav(_rinex4_from_skydel(tmp_path))
    assert v4.version == 4.0
    np.testing.assert_array_equal(v4.records["C"].values, v3.records["C"].values)
    assert v4.skipped == {"BeiDou CNV1 records": 1, "STO blocks": 1}


def _damaged(tmp_path, line_no, col, text):
    lines = SKYDEL_NAV.read_text().splitlines()
    s = lines[line_no - 1]
    lines[line_no - 1] = s[:col - 1] + text + s[col - 1 + len(text):]
    path = tmp_path / "bad.rnx"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bad_number_is_named_by_file_line_column_field(tmp_path):
    # line 8 is C01's second continuation line: Cuc e Cus sqrtA; e sits in columns 24-42
    path = _damaged(tmp_path, 8, 24, "  6.0557X7135390E-04")
    nav = read_rinex_nav(path)
    (problem,) = nav.problems
    assert problem.line == 8 and problem.column == 24 and problem.field == "e"
    assert "bad.rnx, line 8, columns 24-42: C01 record, e" in str(problem)
    # the bad record is dropped, the other 263 kept
    assert len(nav.records["C"]) == 263
    with pytest.raises(ElementParseError, match="line 8"):
        read_rinex_nav(path, strict=True)


def test_blank_required_field_is_an_error(tmp_path):
    path = _damaged(tmp_path, 9, 5, " " * 19)  # toe of C01 blank
    (problem,) = read_rinex_nav(path).problems
    assert problem.field == "toes" and "required" in str(problem)


def test_bad_epoch_is_named(tmp_path):
    path = _damaged(tmp_path, 6, 5, "2023 13 08")
    (problem,) = read_rinex_nav(path).problems
    assert problem.field == "epoch" and problem.line == 6


@pytest.mark.parametrize("content, message", [
    ("", "expected a RINEX header"),
    ("     2.11           N: GPS NAV DATA".ljust(60) + "RINEX VERSION / TYPE\n",
     "versions 3.0x and 4.0x"),
    ("     3.04           OBSERVATION DATA    M".ljust(60) + "RINEX VERSION / TYPE\n",
     "file type: expected 'N'"),
    ("     3.04           N: GNSS NAV DATA    M".ljust(60) + "RINEX VERSION / TYPE\n",
     "no 'END OF HEADER'"),
    ("     3.04           N: GNSS NAV DATA    M".ljust(60) + "RINEX VERSION / TYPE\n"
     + " " * 60 + "END OF HEADER\n", "no usable"),
])
def test_file_level_errors(tmp_path, content, message):
    path = tmp_path / "x.rnx"
    path.write_text(content)
    with pytest.raises(ElementFileError, match=message):
        read_rinex_nav(path)


def test_missing_and_damaged_gzip(tmp_path):
    with pytest.raises(ElementFileError, match="does not exist"):
        read_rinex_nav(tmp_path / "absent.rnx")
    bad = tmp_path / "cut.rnx.gz"
    bad.write_bytes(need(BRDC).read_bytes()[:5000])
    with pytest.raises(ElementFileError, match="damaged gzip"):
        read_rinex_nav(bad)


def test_unhealthy_satellites_are_named(brdc):
    orbits = BroadcastOrbits(brdc)
    # E14/E18 (the eccentric-orbit Galileo pair) and R25 broadcast only unhealthy records
    assert orbits.unhealthy() == ["E14", "E18", "R25"]
    assert "E14" not in orbits.prns
    assert "E14" in BroadcastOrbits(brdc, include_unhealthy=True).prns


def test_two_nav_files_merge(tmp_path):
    """The Skydel file cut in two at a record boundary and merged gives the same orbits."""
    lines = need(SKYDEL_NAV).read_text().splitlines()
    end = next(i for i, s in enumerate(lines) if "END OF HEADER" in s) + 1
    cut = end + 8 * 130
    (tmp_path / "a.rnx").write_text("\n".join(lines[:cut]) + "\n")
    (tmp_path / "b.rnx").write_text("\n".join(lines[:end] + lines[cut:]) + "\n")
    merged = BroadcastOrbits.from_files([tmp_path / "a.rnx", tmp_path / "b.rnx"])
    whole = BroadcastOrbits.from_file(SKYDEL_NAV)
    assert merged.prns == whole.prns
    t = whole.nav.records["C"].toe_ns[::7] + 600 * 10**9
    a = merged.positions(whole.prns, t).r_ecef_m
    b = whole.positions(whole.prns, t).r_ecef_m
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    assert np.nanmax(np.abs(a - b)) == 0.0
