"""Batched propagation: shapes, agreement with single-satellite sgp4, status, chunking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sgp4.api import SGP4_ERRORS, Satrec

from orbitkit.elements.model import ElementSet
from orbitkit.errors import PropagationError, RequestTooLargeError, TimeInputError
from orbitkit.propagation import Ephemeris, iter_propagate, propagate
from orbitkit.timeutil import time_grid

# CelesTrak active snapshot 2026-02-24 (the shared reference file)
CSS = ("CSS (TIANHE)",
       "1 48274U 21035A   26054.87405439  .00027207  00000+0  31186-3 0  9991",
       "2 48274  41.4659 121.0322 0006588 329.7412  30.3107 15.60406018276578")
BDS_G1 = ("BEIDOU-3 G1",
          "1 43683U 18085A   26054.54090185 -.00000353  00000+0  00000+0 0  9990",
          "2 43683   1.7264  49.4536 0003891 322.6802 156.2960  1.00273245 26586")
# Vallado's SGP4-VER.TLE case 29141 "SL-14 DEB, lost in under 420 min" (sgp4 error 6)
DECAY = ("SL-14 DEB",
         "1 29141U 85108AA  06170.26783845  .99999999  00000-0  13519-0 0   718",
         "2 29141  82.4288 273.4882 0015848 277.2124  83.9133 15.93343074  6828")


def element_set(name: str, line1: str, line2: str) -> ElementSet:
    """An ElementSet straight from TLE lines (no file parsing)."""
    sat = Satrec.twoline2rv(line1, line2)
    whole = sat.jdsatepoch + sat.jdsatepochF
    epoch = datetime(2000, 1, 1, 12, tzinfo=UTC) + timedelta(days=whole - 2451545.0)
    return ElementSet(norad_id=sat.satnum, name=name, epoch=epoch, satrec=sat, source="file",
                      line1=line1, line2=line2)


@pytest.fixture(scope="module")
def sets() -> list[ElementSet]:
    return [element_set(*CSS), element_set(*BDS_G1)]


def test_shapes_and_dtypes(sets):
    times = time_grid("2026-02-24T00:00:00Z", "2026-02-24T01:00:00Z", 60)
    eph = propagate(sets, times)
    assert isinstance(eph, Ephemeris)
    assert eph.shape == (2, 61)
    assert eph.r_teme_km.shape == eph.v_teme_km_s.shape == (2, 61, 3)
    assert eph.r_teme_km.dtype == np.float64 and eph.error.dtype == np.uint8
    assert eph.norad_ids.dtype == np.int64 and list(eph.norad_ids) == [48274, 43683]
    assert eph.names == ["CSS (TIANHE)", "BEIDOU-3 G1"]
    assert eph.times.dtype == np.dtype("datetime64[ns]")
    assert eph.ok.all() and eph.all_ok and eph.failures() == []
    assert eph.r_itrs_km.shape == eph.r_gcrs_km.shape == (2, 61, 3)
    lat, lon, alt = eph.geodetic()
    assert lat.shape == lon.shape == alt.shape == (2, 61)
    assert np.all((alt[0] > 350) & (alt[0] < 450))  # CSS flies at ~380-400 km
    assert np.all(np.abs(lat[1]) < 2.0) and np.all(np.abs(alt[1] - 35786) < 100)  # GEO


def test_matches_single_satellite_sgp4_exactly(sets):
    """Each row equals Satrec.sgp4 at the same two-part Julian date (bit for bit)."""
    times = time_grid("2026-02-24T00:00:00Z", "2026-02-25T00:00:00Z", 977)
    eph = propagate(sets, times)
    for i, es in enumerate(sets):
        for j in range(0, times.size, 7):
            e, r, v = es.satrec.sgp4(eph.jd[j], eph.fr[j])
            assert e == 0
            assert tuple(eph.r_teme_km[i, j]) == r
            assert tuple(eph.v_teme_km_s[i, j]) == v


def test_accepts_each_time_type(sets):
    from skyfield.api import load

    ts = load.timescale(builtin=True)
    t0 = datetime(2026, 2, 24, 6, tzinfo=UTC)
    inputs = [t0, [t0], "2026-02-24T06:00:00Z", np.datetime64("2026-02-24T06:00"),
              ts.utc(2026, 2, 24, 6)]
    results = [propagate(sets, t).r_teme_km for t in inputs]
    for r in results[1:]:
        assert np.max(np.abs(r - results[0])) < 1e-8  # skyfield Time: within 10 µm
    with pytest.raises(TimeInputError, match="naive"):
        propagate(sets, datetime(2026, 2, 24, 6))


def test_failed_samples_are_nan_and_reported():
    """Vallado's 29141 decays (sgp4 error 6: mrt < 1) between 420 and 440 min after epoch."""
    es = element_set(*DECAY)
    sat = es.satrec
    minutes = np.arange(0, 600, 20.0)
    epoch = np.datetime64("1970-01-01", "ns") + np.timedelta64(
        int(round((sat.jdsatepoch - 2440587.5 + sat.jdsatepochF) * 86400e9)), "ns")
    times = epoch + (minutes * 60e9).astype("timedelta64[ns]")
    eph = propagate([es, element_set(*CSS)], times)
    bad = ~eph.ok[0]
    assert bad.any() and eph.ok[1].all()
    assert set(eph.error[0][bad]) == {6}
    assert np.isnan(eph.r_teme_km[0][bad]).all() and np.isnan(eph.v_teme_km_s[0][bad]).all()
    assert np.isfinite(eph.r_teme_km[0][~bad]).all()
    lat, _, _ = eph.geodetic()
    assert np.isnan(lat[0][bad]).all()
    (fail,) = eph.failures()
    assert fail.norad_id == 29141 and fail.name == "SL-14 DEB"
    assert fail.count == int(bad.sum())
    assert fail.message == SGP4_ERRORS[6]
    first = int(np.flatnonzero(bad)[0])
    assert fail.first_time == datetime.fromtimestamp(
        times[first].astype("datetime64[us]").astype(int) / 1e6, tz=UTC)
    # failed samples never appear as rows
    rows = list(eph.rows("itrs"))
    assert sum(r[1] == 29141 for r in rows) == int((~bad).sum())


def test_chunked_propagation_equals_one_call(sets):
    times = time_grid("2026-02-24T00:00:00Z", "2026-02-24T12:00:00Z", 30)
    whole = propagate(sets, times)
    tiny = propagate(sets, times, max_memory_mb=0.01)  # forces ~100-step chunks
    assert np.array_equal(whole.r_teme_km, tiny.r_teme_km)
    assert np.array_equal(whole.error, tiny.error)
    parts = list(iter_propagate(sets, times, max_memory_mb=0.2))
    assert len(parts) > 1
    assert np.array_equal(np.concatenate([p.r_itrs_km for p in parts], axis=1),
                          whole.r_itrs_km)
    assert np.array_equal(np.concatenate([p.times for p in parts]), whole.times)


def test_absurd_request_is_refused_with_estimate_and_hint(sets):
    times = np.datetime64("2026-02-24", "ns") + np.arange(3_000_000) * np.timedelta64(1, "s")
    many = sets * 20  # 40 satellites x 3e6 times = 1.2e8 samples = ~5.9 GB
    with pytest.raises(RequestTooLargeError) as info:
        propagate(many, times)
    text = str(info.value)
    assert "MB" in text and "coarser time step" in text and "fewer satellites" in text


def test_nothing_to_propagate():
    with pytest.raises(PropagationError):
        propagate([], "2026-02-24T00:00:00Z")
    with pytest.raises(TimeInputError):
        propagate(element_set(*CSS), [])


def test_rows_and_to_dict(sets):
    times = time_grid("2026-02-24T00:00:00Z", "2026-02-24T00:02:00Z", 60)
    eph = propagate(sets, times)
    assert eph.columns("itrs")[:4] == ("time_utc", "norad_id", "name", "x_km")
    assert eph.columns("geodetic")[3:] == ("lat_deg", "lon_deg", "alt_km")
    rows = list(eph.rows("geodetic"))
    assert len(rows) == 6
    assert rows[0][:3] == ["2026-02-24T00:00:00Z", 48274, "CSS (TIANHE)"]
    assert rows[1][1] == 43683  # time-major: both satellites at the first time
    d = eph.to_dict("teme")
    assert d["times_utc"][0] == "2026-02-24T00:00:00Z"
    assert len(d["satellites"]) == 2 and len(d["satellites"][0]["x_km"]) == 3
    with pytest.raises(ValueError):
        eph.to_dict("ecef")


def test_deep_space_objects_use_sdp4(sets):
    """BeiDou GEO is a deep-space object (period > 225 min): sgp4 method 'd'."""
    assert sets[1].satrec.method == "d" and sets[0].satrec.method == "n"


# ------------------------------------------------------------------ against skyfield

DONE_WHEN = {48274: "CSS (LEO)", 49008: "FY-3E (SSO)", 43001: "BDS M1 (MEO)",
             44204: "BDS IGSO-1", 43683: "BDS G1 (GEO)", 48808: "FY-4B (GEO)",
             43655: "HY-2B (SSO)"}


def _snapshot_sets(path, wanted) -> list[ElementSet]:
    """Element sets of ``wanted`` NORAD ids from a 3LE snapshot (built straight from the
    lines, so this test does not depend on the file parser; the CLI test goes through it)."""
    lines = path.read_text().splitlines()
    found = {}
    for i in range(1, len(lines) - 1):
        if lines[i].startswith("1 ") and lines[i + 1].startswith("2 "):
            norad = int(lines[i][2:7])
            if norad in wanted:
                found[norad] = element_set(lines[i - 1].strip(), lines[i], lines[i + 1])
    return [found[n] for n in wanted]


@pytest.fixture(scope="module")
def snapshot_day(active_2026):
    sets = _snapshot_sets(active_2026, list(DONE_WHEN))
    times = time_grid("2026-02-24T00:00:00Z", "2026-02-25T00:00:00Z", 60)
    return sets, times, propagate(sets, times)


def _skyfield(es, n_times):
    from skyfield.api import EarthSatellite, load

    ts = load.timescale(builtin=True)
    t = ts.utc(2026, 2, 24, 0, 0, np.arange(n_times) * 60.0)
    return EarthSatellite.from_satrec(es.satrec, ts).at(t), t


def test_itrs_and_gcrs_match_skyfield_within_1_cm(snapshot_day):
    """LEO, SSO, MEO, IGSO and GEO from the 2026-02-24 snapshot, a day at 60 s.

    Against skyfield 1.55 ``EarthSatellite.at(t)`` (``.position.km`` for GCRS,
    ``.frame_xyz(itrs)`` for ITRS) with ``load.timescale(builtin=True)``. The issue asks
    for a metre; measured: ITRS < 1 µm, GCRS < 2 mm (precession-nutation interpolated
    between 72-minute nodes), so 1 cm is asserted.
    """
    from skyfield.framelib import itrs

    sets, times, eph = snapshot_day
    assert eph.all_ok
    for i, es in enumerate(sets):
        geo, _ = _skyfield(es, times.size)
        d_gcrs = np.linalg.norm(eph.r_gcrs_km[i] - geo.position.km.T, axis=1).max()
        d_itrs = np.linalg.norm(eph.r_itrs_km[i] - geo.frame_xyz(itrs).km.T, axis=1).max()
        assert d_gcrs < 1e-5, (DONE_WHEN[es.norad_id], d_gcrs)
        assert d_itrs < 1e-5, (DONE_WHEN[es.norad_id], d_itrs)
        dv = np.linalg.norm(eph.v_gcrs_km_s[i] - geo.velocity.km_per_s.T, axis=1).max()
        assert dv < 1e-6  # 1 mm/s


def test_itrs_velocity_matches_skyfield(snapshot_day):
    """Earth-fixed velocity within 1 mm/s of skyfield's frame_xyz_and_velocity(itrs).

    skyfield turns the frame at a constant rate; ours is the GMST 1982 rate, which is
    what makes the sub-millimetre-per-second differences (0.35 mm/s at GEO).
    """
    from skyfield.framelib import itrs

    sets, times, eph = snapshot_day
    for i, es in enumerate(sets):
        geo, _ = _skyfield(es, times.size)
        _, v = geo.frame_xyz_and_velocity(itrs)
        assert np.linalg.norm(eph.v_itrs_km_s[i] - v.km_per_s.T, axis=1).max() < 1e-6


def test_geodetic_matches_skyfield_wgs84(snapshot_day):
    """Sub-satellite points against skyfield's wgs84.geographic_position_of within 1 cm."""
    from skyfield.api import wgs84

    sets, times, eph = snapshot_day
    lat, lon, alt = eph.geodetic()
    for i, es in enumerate(sets):
        geo, _ = _skyfield(es, times.size)
        where = wgs84.geographic_position_of(geo)
        assert np.abs(lat[i] - where.latitude.degrees).max() < 1e-7  # ~1 cm
        dlon = (lon[i] - where.longitude.degrees + 180) % 360 - 180
        assert np.abs(dlon).max() < 1e-7
        assert np.abs(alt[i] - where.elevation.km).max() < 1e-5


def test_repr_is_short(sets):
    eph = propagate(sets, time_grid("2026-02-24T00:00:00Z", "2026-02-24T01:00:00Z", 60))
    assert repr(eph) == ("Ephemeris(2 satellite(s) x 61 time(s), 2026-02-24T00:00:00Z .. "
                         "2026-02-24T01:00:00Z, 0 failed sample(s))")


def test_importing_propagate_stays_light():
    """No skyfield (loaded only for UT1/GCRS), matplotlib, cartopy, astropy or scipy."""
    import json
    import subprocess
    import sys

    code = ("import sys, json, orbitkit.propagation, orbitkit.frames, orbitkit.timeutil; "
            "print(json.dumps([m for m in ('skyfield', 'matplotlib', 'cartopy', 'astropy', "
            "'scipy') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    assert json.loads(out) == []


def test_to_frame_needs_pandas(sets):
    eph = propagate(sets, "2026-02-24T00:00:00Z")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            eph.to_frame("itrs")
    else:
        frame = eph.to_frame("geodetic")
        assert list(frame.columns) == list(eph.columns("geodetic")) and len(frame) == 2


def test_below_altitude_flags_good_samples_under_100_km():
    """sgp4 reports a decay only once the mean radius is inside the Earth: a synthetic
    state 50 km up (status 0) is flagged, one 400 km up is not, a failed sample never is."""
    import numpy as np

    from orbitkit.propagation import Ephemeris

    r = np.array([[[6378.137 + 50.0, 0.0, 0.0], [0.0, 0.0, 6356.752 + 400.0],
                   [np.nan, np.nan, np.nan]]])
    eph = Ephemeris(element_sets=[], norad_ids=np.array([1]), names=["X"],
                    times=np.array(["2026-01-01T00:00:00"] * 3, dtype="datetime64[ns]"),
                    jd=np.full(3, 2461041.5), fr=np.zeros(3), r_teme_km=r,
                    v_teme_km_s=np.zeros_like(r), error=np.array([[0, 0, 6]], dtype=np.uint8))
    assert eph.below_altitude().tolist() == [[True, False, False]]
    assert eph.below_altitude(450.0).tolist() == [[True, True, False]]


def test_every_function_taking_element_sets_takes_one_and_explains_the_usual_mistakes(sets):
    """propagate took a single ElementSet; find_passes, sky_view and ground_track failed with
    ``'TleElementSet' object is not iterable`` / ``has no len()``. Results must equal the
    one-element-list call exactly (same code path after the conversion)."""
    from orbitkit.elements.parse import ParseResult
    from orbitkit.groundtrack import ground_track
    from orbitkit.passes import find_passes
    from orbitkit.skyview import sky_view

    es = sets[0]
    t0 = datetime(2026, 2, 24, tzinfo=UTC)
    one, listed = (find_passes(x, "39.9,116.4", t0, t0 + timedelta(hours=12),
                               visibility=False) for x in (es, [es]))
    assert one.records() == listed.records() and len(one) > 0
    one, listed = (sky_view(x, "39.9,116.4", t0) for x in (es, [es]))
    assert np.array_equal(one.el_deg, listed.el_deg)
    one, listed = (ground_track(x, t0, hours=1) for x in (es, [es]))
    assert np.array_equal(one.lat_deg, listed.lat_deg)

    for call in (lambda x: propagate(x, t0), lambda x: find_passes(x, "0,0", t0, "now"),
                 lambda x: sky_view(x, "0,0", t0), lambda x: ground_track(x, t0)):
        with pytest.raises(TypeError, match=r"element_sets: got a ParseResult; pass its \.sets"):
            call(ParseResult(sets=[es]))
        with pytest.raises(TypeError, match=r"element_sets: got the string 'tiangong'"):
            call("tiangong")
        with pytest.raises(TypeError, match="element_sets: expected an ElementSet"):
            call(48274)
