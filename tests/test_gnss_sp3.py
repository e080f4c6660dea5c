"""SP3 reader and interpolation: the GFZ rapid file of 2023-01-01, MATRTKLIB's interpolation
of it, a leave-one-out check, and absent/bad records."""

from __future__ import annotations

import csv
import gzip
from datetime import datetime

import numpy as np
import pytest

from orbitkit.errors import ElementFileError, ElementParseError
from orbitkit.gnss import read_sp3
from orbitkit.gnss.ephemerides import NO_RECORD, OK
from orbitkit.gnss.sp3 import PreciseOrbits
from orbitkit.gnss.timescales import label_to_ns
from tests.gnss_helpers import DAY, GFZ, need


@pytest.fixture(scope="module")
def gfz():
    return read_sp3(need(GFZ))


def test_header_and_contents(gfz):
    assert (gfz.version, gfz.time_system, gfz.interval_s) == ("d", "GPS", 300.0)
    assert len(gfz.epochs_gpst_ns) == 288 and len(gfz.prns) == 124
    assert sum(p[0] == "C" for p in gfz.prns) == 43
    # first record: PC01 -34321.044384 24448.023624 257.020533 (km)
    t, r = gfz.r_ecef_m["C01"]
    assert r[0] == pytest.approx([-34321044.384, 24448023.624, 257020.533], abs=1e-6)
    assert t[0] == label_to_ns(np.array([np.datetime64("2023-01-01T00:00")]))[0]


def test_interpolation_is_exact_at_the_nodes(gfz):
    t, r = gfz.r_ecef_m["C19"]
    s = gfz.positions(["C19"], t)
    assert np.abs(s.r_ecef_m[0] - r).max() < 1e-6


def _matrtklib_rows():
    with gzip.open(need(DAY / "satpos_sp3_no_pco_matrtklib.csv.gz"), "rt") as f:
        rows = [r for r in csv.DictReader(f) if r["pos_x"] not in ("", "NaN", "nan")]
    return rows


def _distance_to_track(orbits, row):
    """Distance (m) from MATRTKLIB's position to our interpolated track near its epoch.

    MATRTKLIB evaluated the SP3 at each signal's emission time, which the CSV does not
    carry (it needs the receiver's pseudoranges), so the emission time is solved for: the
    along-track component is absorbed and the 2-D distance to the track remains, which any
    interpolation error (radial or cross-track) shows in full.
    """
    t_rx = label_to_ns(np.array([np.datetime64(datetime.strptime(row["epoch"],
                                                                 "%d-%b-%Y %H:%M:%S"))]))
    ref = np.array([float(row[f"pos_{a}"]) for a in "xyz"])
    dt = 0.075
    for _ in range(5):  # Newton on the emission delay
        a = orbits.positions([row["prn"]], t_rx, offset_s=np.array([[-dt]])).r_ecef_m[0, 0]
        b = orbits.positions([row["prn"]], t_rx, offset_s=np.array([[-dt - 1e-3]])
                             ).r_ecef_m[0, 0]
        v = (a - b) / 1e-3
        dt += float(np.dot(a - ref, v) / np.dot(v, v))
    assert 0.0 < dt < 0.2  # a plausible signal travel time (plus clocks)
    distance = float(np.linalg.norm(a - ref))
    assert np.isfinite(distance), row
    return distance


def test_matches_matrtklib_within_2_mm(gfz):
    """MATRTKLIB's positions (centre of mass, 420 rows, 5 systems) lie on our track within
    2 mm (measured: max 0.009 mm)."""
    rows = _matrtklib_rows()
    assert len(rows) == 420
    worst = max(_distance_to_track(gfz, r) for r in rows[::7])
    assert worst < 0.002


def test_a_cubic_would_fail_the_matrtklib_check(gfz):
    """The check can fail: 4-point (cubic) interpolation is metres off the same rows."""
    cubic = PreciseOrbits(gfz.path, gfz.version, gfz.time_system, gfz.epochs_gpst_ns,
                          gfz.interval_s, gfz.r_ecef_m, gfz.clock_us, gfz.absent, n_points=4)
    assert max(_distance_to_track(cubic, r) for r in _matrtklib_rows()[:40:4]) > 0.002


def test_leave_one_out_at_10_minute_spacing(gfz):
    """Every other epoch dropped (10-min nodes) and interpolated back: within 2 mm in the
    middle of the day (the file prints 1 mm, so ~1 mm is rounding), within 8 mm in the first
    and last hour where the 10-point window is one-sided. At the file's own 5-min spacing the
    error is smaller still."""
    for prn in ("G05", "C01", "C19", "C38", "E11", "R07"):
        t, r = gfz.r_ecef_m[prn]
        half = PreciseOrbits("x", "d", "GPS", t[::2], 600.0, {prn: (t[::2], r[::2])}, {}, {})
        s = half.positions([prn], t[1:-1:2])
        err = np.linalg.norm(s.r_ecef_m[0] - r[1:-1:2], axis=1)
        assert err[6:-6].max() < 0.002, prn
        assert err.max() < 0.008, prn


def _small_sp3(tmp_path, time_system="GPS", edit=None):
    with gzip.open(need(GFZ), "rt") as f:
        lines = f.read().splitlines()
    first_epoch = next(i for i, s in enumerate(lines) if s.startswith("*"))
    out = lines[:first_epoch]
    out[out.index(next(s for s in out if s.startswith("%c")))] = (
        "%c M  cc " + time_system + " ccc cccc cccc cccc cccc ccccc ccccc ccccc ccccc")
    n_epochs, i = 0, first_epoch
    while n_epochs < 24:
        if lines[i].startswith("*"):
            n_epochs += 1
        out.append(lines[i])
        i += 1
    while not lines[i].startswith("*"):
        out.append(lines[i])
        i += 1
    if edit:
        edit(out)
    out.append("EOF")
    path = tmp_path / "small.sp3"
    path.write_text("\n".join(out) + "\n")
    return path


def test_absent_records_and_bad_clocks_are_skipped(tmp_path):
    def edit(lines):
        k = [i for i, s in enumerate(lines) if s.startswith("PC19")][12]
        lines[k] = "PC19      0.000000      0.000000      0.000000 999999.999999"
        k = [i for i, s in enumerate(lines) if s.startswith("PG05")][3]
        lines[k] = lines[k][:46] + " 999999.999999"

    sp3 = read_sp3(_small_sp3(tmp_path, edit=edit))
    assert sp3.absent == {"C19": 1}
    assert len(sp3.r_ecef_m["C19"][0]) == 23 and len(sp3.r_ecef_m["G05"][0]) == 24
    assert np.isnan(sp3.clock_us["G05"][3]) and np.isfinite(sp3.clock_us["G05"][2])
    # the gap is bridged by the 10 surrounding valid epochs (one missing is allowed)
    t = sp3.epochs_gpst_ns[12]
    s = sp3.positions(["C19"], np.array([t]))
    assert s.status[0, 0] == OK
    truth = read_sp3(GFZ).positions(["C19"], np.array([t])).r_ecef_m
    assert np.linalg.norm(s.r_ecef_m - truth) < 0.01


def test_time_system_from_the_header(tmp_path):
    gps = read_sp3(_small_sp3(tmp_path))
    bdt = read_sp3(_small_sp3(tmp_path, "BDT"))
    assert bdt.time_system == "BDT"
    assert (bdt.epochs_gpst_ns - gps.epochs_gpst_ns == 14 * 10**9).all()
    utc = read_sp3(_small_sp3(tmp_path, "UTC"))
    assert (utc.epochs_gpst_ns - gps.epochs_gpst_ns == 18 * 10**9).all()


def test_outside_the_span_is_absent_not_extrapolated(tmp_path):
    sp3 = read_sp3(_small_sp3(tmp_path))
    lo, hi = sp3.span_gpst_ns()
    s = sp3.positions(["G05", "G99"], np.array([lo - 1, lo, hi, hi + 1]))
    assert s.status[0].tolist() == [NO_RECORD, OK, OK, NO_RECORD]
    assert np.isnan(s.r_ecef_m[0, [0, 3]]).all()
    assert s.failures()[1][0] == "G99"


def test_bad_files_are_named(tmp_path):
    bad = tmp_path / "x.sp3"
    bad.write_text("hello\n")
    with pytest.raises(ElementFileError, match="SP3-c/d header"):
        read_sp3(bad)
    with pytest.raises(ElementFileError, match="time system 'XYZ'"):
        read_sp3(_small_sp3(tmp_path, "XYZ"))

    def edit(lines):
        k = [i for i, s in enumerate(lines) if s.startswith("PC19")][2]
        lines[k] = lines[k][:20] + "abc" + lines[k][23:]

    with pytest.raises(ElementParseError, match=r"line \d+, columns 5-60: C19 position"):
        read_sp3(_small_sp3(tmp_path, edit=edit))


def test_two_files_merge_into_one_span(tmp_path, gfz):
    """Two halves of the day's file, read separately and merged, interpolate like the whole
    (the join is bridged without a seam)."""
    from orbitkit.gnss.sp3 import merge_sp3

    with gzip.open(need(GFZ), "rt") as f:
        lines = f.read().splitlines()
    epochs = [i for i, s in enumerate(lines) if s.startswith("*")]
    head = lines[:epochs[0]]
    first = tmp_path / "a.sp3"
    second = tmp_path / "b.sp3"
    first.write_text("\n".join(lines[:epochs[150]] + ["EOF"]) + "\n")
    second.write_text("\n".join(head + lines[epochs[140]:]) + "\n")
    merged = merge_sp3([read_sp3(first), read_sp3(second)])
    assert merged.span_gpst_ns() == gfz.span_gpst_ns()
    t = gfz.epochs_gpst_ns[145] + 150 * 10**9
    a = merged.positions(["C19", "G05"], np.array([t])).r_ecef_m
    b = gfz.positions(["C19", "G05"], np.array([t])).r_ecef_m
    assert np.abs(a - b).max() < 1e-6


def test_offsets_beyond_one_second_are_refused(gfz):
    """``offset_s`` (light time, differencing) acts after the span check, so it is bounded:
    more than 1 s would be an extrapolation."""
    t = gfz.epochs_gpst_ns[-1:]
    assert np.isfinite(gfz.positions(["C19"], t, offset_s=0.5).r_ecef_m).all()
    with pytest.raises(ValueError, match="at most 1 s"):
        gfz.positions(["C19"], t, offset_s=300.0)
