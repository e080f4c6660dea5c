"""Broadcast orbits by the ICDs, checked three ways:

1. simulator truth (Skydel, 2023-01-08): the simulator's own satellite positions computed
   from the navigation file it broadcast — the exact answer an ICD implementation must
   give; evaluated at the transmit time t_rx - range/c with the record nearest toe;
2. precise orbits (GFZ rapid SP3, 2023-01-01): per-PRN 3D RMS over the day must land on
   the values an independent implementation measured (issue 17) and under the class bounds;
3. the classic mistakes (GPS rotation rate for BeiDou, the MEO formula for a GEO, BDT read
   as GPST) must each cost what the issue says, so the tests would catch them.
"""

from __future__ import annotations

import csv
import functools
import glob

import numpy as np
import pytest

from orbitkit.catalog import load_catalog
from orbitkit.gnss import BroadcastOrbits, read_rinex_nav, read_sp3
from orbitkit.gnss import broadcast as bc
from orbitkit.gnss.ephemerides import NO_RECORD, NOT_IN_FILE, OK, is_bds_geo
from orbitkit.gnss.timescales import WEEK_NS, label_to_ns
from tests.gnss_helpers import BRDC, GFZ, SKYDEL, need

C_LIGHT = 299792458.0


def _skydel_truth():
    """{prn: (t_rx GPST ns, range m, ECEF m)} from the Skydel B1 satellite files."""
    out = {}
    for path in sorted(glob.glob(str(need(SKYDEL / "truth") / "B1_*.csv"))):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        tow = np.array([float(r["GPS TOW"]) for r in rows])
        week = np.array([int(r["GPS Week Number"]) for r in rows])
        t = week * WEEK_NS + np.round(tow * 1e9).astype(np.int64)
        rng = np.array([float(r["Range (m)"]) for r in rows])
        xyz = np.array([[float(r[f"ECEF {a} (m)"]) for a in "XYZ"] for r in rows])
        out["C" + path[-6:-4]] = (t, rng, xyz)
    return out


@pytest.fixture(scope="module")
def skydel():
    orbits = BroadcastOrbits.from_file(need(SKYDEL / "SkydelRINEX_S_20238959_3600S_CN.rnx"))
    errors = {}
    for prn, (t, rng, xyz) in _skydel_truth().items():
        s = orbits.positions([prn], t, offset_s=-rng / C_LIGHT)   # transmit time
        assert (s.status == OK).all()
        tk = (t - s.toe_gpst_ns[0]) * 1e-9 - rng / C_LIGHT
        errors[prn] = (np.linalg.norm(s.r_ecef_m[0] - xyz, axis=1), tk, orbits.is_geo(prn))
    return errors


def test_skydel_meo_igso_within_1_cm(skydel):
    # an independent ICD implementation reaches 0.4 mm; we see <= 0.1 mm
    checked = 0
    for prn, (err, _, geo) in skydel.items():
        if not geo:
            assert err.max() < 0.01, f"{prn}: {err.max():.4f} m"
            checked += err.size
    assert checked > 200


def test_skydel_geo_within_1_cm_near_toe_and_what_is_seen_further(skydel):
    """GEO (C01-C05, C59, C60) within 1 cm within 60 s of toe (measured: 0.6-2.2 mm).

    Further from toe the simulator's GEO truth drifts away from its own broadcast
    parameters, linearly in |tk|: measured 0.10-0.48 m at 30 min (C59 the largest),
    the same for either sign of tk. MEO/IGSO records of the same file show no drift
    (< 0.1 mm at 30 min), so the drift is in the simulator's GEO model, not in the ICD
    formula; we bound it rather than hide it.
    """
    geos = [p for p, (_, _, g) in skydel.items() if g]
    assert sorted(geos) == ["C01", "C02", "C03", "C04", "C05", "C59", "C60"]
    for prn in geos:
        err, tk, _ = skydel[prn]
        near = np.abs(tk) <= 60
        assert near.any() and err[near].max() < 0.01, prn
        assert err.max() < 0.5, prn


def test_spirent_meo_igso_within_1_cm():
    """A second simulator (Spirent SimGEN, 2023-01-08, its own RINEX 3.04 file with D
    exponents): its BeiDou MEO/IGSO positions are the transmit-time positions expressed in
    the Earth-fixed frame of the reception instant (rotated by OMGe * range/c, the Sagnac
    term, ~150-380 m). With that rotation orbitkit agrees within 1 cm (measured 0.1 mm,
    the CSV's last digit).

    Spirent's GEO rows (C01-C05) match neither the ICD's GEO branch nor the MEO formula
    (radius right to 1 m, 2,000-7,000 km off along the orbit either way), so they are left
    out; the Skydel GEO test above is the GEO reference."""
    from tests.gnss_helpers import SPIRENT_NAV

    orbits = BroadcastOrbits.from_file(need(SPIRENT_NAV))
    with open(need(SPIRENT_NAV.parent / "sat_data_V1A1.csv"), newline="") as f:
        rows = list(csv.reader(f))
    col = {h: i for i, h in enumerate(rows[4])}
    t0 = 1357207140 * 10**9            # the file's time origin, GPS seconds
    by_prn: dict[str, list] = {}
    for row in rows[5:]:
        if len(row) > 10 and row[col["Sat_type"]] == "BeiDou":
            by_prn.setdefault(f"C{int(row[col['Sat_PRN']]):02d}", []).append(row)
    worst, n = 0.0, 0
    for prn, prn_rows in by_prn.items():
        if orbits.is_geo(prn):
            continue
        t = t0 + np.array([int(r[col["Time_ms"]]) for r in prn_rows]) * 10**6
        tau = np.array([float(r[col["Range"]]) for r in prn_rows]) / C_LIGHT
        r = orbits.positions([prn], t, offset_s=-tau).r_ecef_m[0]
        assert np.isfinite(r).all(), prn
        a = bc.OMGE_BDS * tau           # Earth's rotation during the signal's flight, rad
        r_rx = np.stack([np.cos(a) * r[:, 0] + np.sin(a) * r[:, 1],
                         -np.sin(a) * r[:, 0] + np.cos(a) * r[:, 1], r[:, 2]], axis=-1)
        ref = np.array([[float(x[col[f"Sat_Pos_{k}"]]) for k in "XYZ"] for x in prn_rows])
        worst = max(worst, float(np.linalg.norm(r_rx - ref, axis=1).max()))
        n += len(prn_rows)
    assert n > 300 and worst < 0.01, (n, worst)


@pytest.fixture(scope="module")
def day():
    nav = read_rinex_nav(need(BRDC))
    sp3 = read_sp3(need(GFZ))
    orbits = BroadcastOrbits(nav)
    t = label_to_ns(np.arange(np.datetime64("2023-01-01T00:00"),
                              np.datetime64("2023-01-01T23:56"), np.timedelta64(5, "m")))
    prns = [p for p in orbits.prns if p in sp3.prns]
    b = orbits.positions(prns, t)
    p = sp3.positions(prns, t)
    d = np.linalg.norm(b.r_ecef_m - p.r_ecef_m, axis=-1)
    assert (b.status == OK).all() and (p.status == OK).all()
    rms = dict(zip(prns, np.sqrt(np.mean(d * d, axis=1)).tolist(), strict=True))
    return orbits, rms


# orbit classes of 2023-01-01 (MGEX): BDS-3 IGSO C38-C40; BDS-2 = C01-C16; GEOs by record
_BDS3_IGSO = {"C38", "C39", "C40"}


def _classes(orbits, rms):
    out = {}
    for prn in rms:
        n = int(prn[1:])
        if prn[0] == "C":
            if orbits.is_geo(prn):
                key = "BDS-3 GEO" if n >= 59 else "BDS-2 GEO"
            elif prn in _BDS3_IGSO:
                key = "BDS-3 IGSO"
            elif n <= 16:
                key = "BDS-2 IGSO" if n not in (11, 12, 14) else "BDS-2 MEO"
            else:
                key = "BDS-3 MEO"
        else:
            key = {"G": "GPS", "E": "Galileo", "R": "GLONASS", "J": "QZSS"}[prn[0]]
        out.setdefault(key, {})[prn] = rms[prn]
    return out


def test_broadcast_vs_gfz_class_bounds(day):
    """Per-PRN 3D RMS over 2023-01-01 under the issue's bounds (BDS-3 MEO <= 2 m, IGSO <= 3 m,
    GEO <= 12 m; GPS <= 3.5 m; Galileo <= 1.5 m). The broadcast orbit refers to the antenna
    phase centre, SP3 to the centre of mass: that offset (0.8-2.9 m radial) is part of it."""
    orbits, rms = day
    classes = _classes(orbits, rms)
    bounds = {"BDS-3 MEO": 2.0, "BDS-3 IGSO": 3.0, "BDS-3 GEO": 12.0, "GPS": 3.5,
              "Galileo": 1.5, "BDS-2 IGSO": 6.0, "BDS-2 GEO": 30.0, "BDS-2 MEO": 3.0,
              "GLONASS": 10.0, "QZSS": 5.0}
    for key, values in classes.items():
        worst = max(values, key=values.get)
        assert values[worst] <= bounds[key], f"{key}: {worst} {values[worst]:.2f} m"
    assert len(classes["BDS-3 MEO"]) == 23 and len(classes["GPS"]) == 31


def test_broadcast_vs_gfz_reproduces_the_measured_ranges(day):
    """The issue's per-class (min, max) 3D RMS from an independent implementation that agrees
    with cssrlib to 4e-5 m; reproduced within 5 cm (same files, 5-min grid, nearest toe)."""
    orbits, rms = day
    classes = _classes(orbits, rms)
    expected = {"BDS-3 MEO": (1.03, 1.44), "BDS-3 IGSO": (1.80, 2.23), "BDS-3 GEO": (3.7, 4.0),
                "GPS": (0.95, 2.82), "Galileo": (0.76, 0.99)}
    for key, (lo, hi) in expected.items():
        values = classes[key].values()
        assert min(values) == pytest.approx(lo, abs=0.05), key
        assert max(values) == pytest.approx(hi, abs=0.05), key
    assert rms["C07"] == pytest.approx(5.5, abs=0.05)    # BDS-2 IGSO worst
    assert rms["C04"] == pytest.approx(24.0, abs=0.2)    # BDS-2 GEO worst (along-track)


def test_geos_found_from_records_agree_with_the_catalogue(day):
    orbits, _ = day
    geos = {p for p in orbits.prns if orbits.is_geo(p)}
    assert geos == {"C01", "C02", "C03", "C04", "C05", "C59", "C60"}
    catalogue = {m.prn: m.orbit_class for s in ("beidou-2", "beidou-3")
                 for m in load_catalog().system(s).members if m.prn}
    for prn in orbits.prns:
        if prn in catalogue and prn[0] == "C":
            assert (catalogue[prn] == "GEO") == (prn in geos), prn
    # the rule itself: 4 deg GEO at 42,164 km, 55 deg IGSO, 55 deg MEO at 27,906 km
    assert is_bds_geo(np.deg2rad([4.0, 55.0, 55.0]), np.sqrt([42164e3, 42164e3, 27906e3])
                      ).tolist() == [True, False, False]
    classes = {p: orbits.orbit_class(p) for p in ("C01", "C59", "C38", "C07", "C19", "G05",
                                                   "R07")}
    assert classes == {"C01": "GEO", "C59": "GEO", "C38": "IGSO", "C07": "IGSO",
                       "C19": "MEO", "G05": "MEO", "R07": "MEO"}


@functools.lru_cache(maxsize=1)
def _brdc():
    return read_rinex_nav(need(BRDC))


def _one_record(prn):
    nav = _brdc()
    rec = nav.records["C"]
    row = np.flatnonzero(rec.prn == prn)[3]
    eph = {k: rec.column(k)[row] for k in ("sqrtA", "e", "M0", "deln", "omg", "omg0", "OMGd",
                                          "i0", "idot", "cuc", "cus", "cic", "cis", "crc",
                                          "crs", "toes")}
    return eph


def test_the_classic_beidou_mistakes_cost_what_the_issue_says():
    tk = np.linspace(-3600, 3600, 241)
    # the MEO formula on a GEO record: 2,135 km (C01) and 3,661 km (C02) in the issue
    for prn, km in (("C01", 2135), ("C02", 3661)):
        eph = _one_record(prn)
        right = bc.bds_pos(tk, eph, True)
        wrong = bc.kepler_pos(tk, eph, bc.GM_BDS, bc.OMGE_BDS)
        off = np.linalg.norm(right - wrong, axis=-1) / 1e3
        assert off.mean() == pytest.approx(km, rel=0.1), prn
    # the GPS rotation rate instead of CGCS2000's: the rates differ by 1.467e-12 rad/s and
    # the error grows with toe (s of week) and the distance from the axis: 7-11 m for a MEO
    # mid-week, up to 37 m for an IGSO at the week's end
    # 2023-01-01 is a Sunday (toe < 1 day), so the time of week is set here.
    for prn, toes, lo, hi in (("C19", 302400.0, 6, 14), ("C38", 604000.0, 15, 38)):
        eph = dict(_one_record(prn), toes=toes)
        right = bc.bds_pos(tk, eph, False)
        wrong = bc.kepler_pos(tk, eph, bc.GM_BDS, bc.OMGE_GPS)
        off = np.linalg.norm(right - wrong, axis=-1)
        assert lo < off.min() and off.max() < hi, prn
    # BDT read as GPST (14 s): tens of km for a 3.9 km/s MEO
    eph = _one_record("C19")
    right = bc.bds_pos(tk, eph, False)
    shifted = bc.bds_pos(tk + 14.0, eph, False)
    assert np.linalg.norm(shifted - right, axis=-1).min() > 10e3


def test_selection_is_nearest_toe_and_never_extrapolates(day):
    orbits, _ = day
    lo, hi = orbits.span_gpst_ns("C19")
    t = np.array([lo - 1, lo, hi, hi + 1])
    s = orbits.positions(["C19", "X99"], t)
    assert s.status[0].tolist() == [NO_RECORD, OK, OK, NO_RECORD]
    assert np.isnan(s.r_ecef_m[0, [0, 3]]).all() and np.isfinite(s.r_ecef_m[0, [1, 2]]).all()
    assert (s.status[1] == NOT_IN_FILE).all()
    # nearest toe: 29 min after a toe uses it, 31 min uses the next
    rec = orbits.nav.records["C"]
    toes = np.unique(rec.toe_ns[rec.prn == "C19"])
    near = orbits.positions(["C19"], np.array([toes[5] + 29 * 60 * 10**9,
                                               toes[5] + 31 * 60 * 10**9]))
    assert near.toe_gpst_ns[0].tolist() == [toes[5], toes[6]]


def test_grid_equals_one_time_at_a_time(day):
    orbits, _ = day
    t = label_to_ns(np.arange(np.datetime64("2023-01-01T03:00"), np.datetime64("2023-01-01T05:00"),
                              np.timedelta64(17, "m")))
    prns = ["C01", "C19", "C38", "G05", "E11", "R07", "J02", "I05"]
    grid = orbits.positions(prns, t).r_ecef_m
    for j, tj in enumerate(t):
        single = orbits.positions(prns, np.array([tj])).r_ecef_m[:, 0]
        # GLONASS: the RK4 step count follows the batch's largest |tk| (steps of 20-60 s):
        # differences up to 0.1 mm; Keplerian systems agree to the micrometre
        np.testing.assert_allclose(grid[:, j], single, rtol=0, atol=1e-3)
        np.testing.assert_allclose(grid[:5, j], single[:5], rtol=0, atol=1e-6)


def test_glonass_rk4_step_converged(day):
    """RK4 at the default 30-s steps against 10-s steps over +-15 min: within 0.1 mm."""
    orbits, _ = day
    rec = orbits.nav.records["R"]
    v = rec.values[:50]
    state = v[:, [3, 7, 11, 4, 8, 12]] * 1e3
    acc = v[:, [5, 9, 13]] * 1e3
    tk = np.linspace(-900, 900, 50)
    a = bc.glo_pos(tk, state, acc)
    b = bc.glo_pos(tk, state, acc, max_step_s=10)
    assert np.abs(a - b).max() < 1e-4


def test_glonass_records_marching_equals_direct_integration(day):
    """glo_pos_records (each record integrated once, samples reached in turn) against
    glo_pos (each sample integrated from tb): within 0.05 mm."""
    orbits, _ = day
    v = orbits.nav.records["R"].values[:40]
    state = v[:, [3, 7, 11, 4, 8, 12]] * 1e3
    acc = v[:, [5, 9, 13]] * 1e3
    rng = np.random.default_rng(17)
    record = rng.integers(0, 40, 600)
    tk = rng.uniform(-900, 900, 600)
    tk[:5] = 0.0
    a = bc.glo_pos_records(tk, record, state, acc)
    b = bc.glo_pos(tk, state[record], acc[record])
    assert np.abs(a - b).max() < 5e-5
