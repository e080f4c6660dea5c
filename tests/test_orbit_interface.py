"""The orbit-source interface (issue 17, item 4): any source in every analysis.

A toy source (tests/orbit_source_example.py) stands for the GNSS and OEM sources: Earth-fixed
native states, a bounded span, a PRN, a file format of its own claimed for ``--elements``.
Its states are SGP4's turned into ITRS, so every analysis must give what it gives on the
element set itself. Tolerances: frame round trips to 1 µm (float64 rotations); positions
through the ITRS-native path to 1 µm of the SGP4 path (the same rotation, done and undone);
pass times within 0.1 s (both are refined to 0.05 s on the same geometry).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from orbitkit import frames
from orbitkit.cli import main
from orbitkit.elements import orbit as orbit_api
from orbitkit.elements.orbit import OutsideSpanError
from orbitkit.elements.sources import load_element_sets
from orbitkit.passes import find_passes
from orbitkit.propagation import propagate
from orbitkit.skyview import sky_view
from orbitkit.timeutil import precession_nutation, time_grid, utc_to_ut1
from tests.orbit_source_example import MAGIC, ToyOrbit
from tests.passes_helpers import sets_from_file

T0 = datetime(2026, 2, 24, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
CSS = 48274


@pytest.fixture(scope="module")
def css(active_2026):
    return sets_from_file(active_2026, [CSS])[0]


@pytest.fixture
def toy_file(tmp_path, css, monkeypatch) -> Path:
    """A toy-format file with the station as PRN C99, registered as a file source."""
    path = tmp_path / "toy.states"
    path.write_text(f"{MAGIC.decode()}\nC99 {CSS} 2026-02-24T00:00:00Z 2026-02-25T00:00:00Z\n"
                    f"{css.line1}\n{css.line2}\n")
    monkeypatch.setattr(orbit_api, "FILE_SOURCES", [
        ("precise", "tests.orbit_source_example:claims",
         "tests.orbit_source_example:open_files")])
    return path


def _toy(css) -> ToyOrbit:
    return ToyOrbit("C99", CSS, (T0, T1), css.satrec, "toy")


def test_frame_round_trips_from_any_native_frame():
    rng = np.random.default_rng(7)
    r = rng.normal(size=(2, 5, 3)) * 7000.0
    v = rng.normal(size=(2, 5, 3)) * 7.0
    jd = np.full(5, 2461095.5)
    fr = np.linspace(0.0, 0.9, 5)
    ut1 = utc_to_ut1(jd, fr)
    r_i, v_i = frames.teme_to_itrs(r, v, *ut1)
    r_t, v_t = frames.itrs_to_teme(r_i, v_i, *ut1)
    assert np.abs(r_t - r).max() < 1e-9 and np.abs(v_t - v).max() < 1e-12
    gast, bpn = precession_nutation(jd, fr)
    r_g, v_g = frames.teme_to_gcrs(r, v, *ut1, gast, bpn)
    r_t, v_t = frames.gcrs_to_teme(r_g, v_g, *ut1, gast, bpn)
    assert np.abs(r_t - r).max() < 1e-9 and np.abs(v_t - v).max() < 1e-12


def test_an_itrs_native_source_gives_every_frame(css):
    times = time_grid(T0, T0 + timedelta(hours=2), 60.0)
    ref = propagate([css], times)
    eph = propagate([_toy(css)], times)
    assert eph.frame == "itrs" and ref.frame == "teme"
    for name in ("r_itrs_km", "v_itrs_km_s", "r_teme_km", "v_teme_km_s", "r_gcrs_km"):
        assert np.abs(getattr(eph, name) - getattr(ref, name)).max() < 1e-9, name
    lat, lon, alt = eph.geodetic()
    lat0, lon0, alt0 = ref.geodetic()
    assert np.abs(lat - lat0).max() < 1e-9 and np.abs(alt - alt0).max() < 1e-9
    d = eph.to_dict("itrs")
    assert d["satellites"][0]["source_kind"] == "precise" and d["satellites"][0]["prn"] == "C99"
    # an object the catalogue does not map: known by PRN, NORAD -1 in the results
    unmapped = ToyOrbit("C99", None, (T0, T1), css.satrec, "toy")
    d = propagate([unmapped], times[:3]).to_dict("itrs")
    assert d["satellites"][0]["norad_id"] == -1 and d["satellites"][0]["prn"] == "C99"
    assert d["satellites"][0]["elements"]["span_utc"] == ["2026-02-24T00:00:00Z",
                                                          "2026-02-25T00:00:00Z"]
    # a mix of native frames comes out Earth-fixed, each satellite right
    mixed = propagate([css, _toy(css)], times)
    assert mixed.frame == "itrs"
    assert np.abs(mixed.r_itrs_km[0] - mixed.r_itrs_km[1]).max() < 1e-9


def test_passes_and_sky_views_work_on_any_source(css):
    toy = _toy(css)
    got = find_passes([toy], "beijing", T0, T1, min_elevation_deg=10.0)
    ref = find_passes([css], "beijing", T0, T1, min_elevation_deg=10.0)
    assert len(got.passes) == len(ref.passes) > 3
    for p, q in zip(got.passes, ref.passes, strict=True):
        for attr in ("rise_utc", "max_utc", "set_utc"):
            assert abs((getattr(p, attr) - getattr(q, attr)).total_seconds()) < 0.1
        assert abs(p.max_elevation_deg - q.max_elevation_deg) < 1e-3
        assert p.visible == q.visible
    unmapped = find_passes([ToyOrbit("C99", None, (T0, T1), css.satrec, "toy")], "beijing",
                           T0, T1, min_elevation_deg=10.0)
    assert [(r["norad_id"], r["name"]) for r in unmapped.records()] == \
        [(-1, "C99")] * len(ref.passes)
    times = [T0 + timedelta(minutes=k) for k in range(0, 600, 7)]
    a, b = sky_view([toy], "beijing", times), sky_view([css], "beijing", times)
    assert np.abs(a.el_deg - b.el_deg).max() < 1e-9


def test_no_extrapolation_outside_a_sources_span(css):
    toy = _toy(css)
    with pytest.raises(OutsideSpanError, match=r"covers 2026-02-24T00:00:00Z \.\. "
                       r"2026-02-25T00:00:00Z, but 2026-02-24T12:00:00Z \.\. "
                       r"2026-02-25T12:00:00Z was asked"):
        propagate([toy], time_grid(T0 + timedelta(hours=12), T1 + timedelta(hours=12), 600.0))
    with pytest.raises(OutsideSpanError, match="C99"):
        find_passes([toy], "beijing", T0 - timedelta(hours=1), T1)


def test_a_registered_file_source_resolves_by_norad_and_prn(toy_file, active_2026):
    res = load_element_sets("C99", files=[toy_file], at=T0, offline=True)
    assert res.sets[0].kind == "precise" and res.sets[0].prn == "C99"
    res = load_element_sets(f"{CSS},25544", files=[toy_file, active_2026], at=T0, offline=True)
    assert [o.kind for o in res.sets] == ["precise", "tle"]
    assert res.sources_summary()["precise"] == 1


def test_cli_verbs_take_a_registered_source(capsys, toy_file):
    argv = ["--elements", str(toy_file), "--offline"]
    assert main(["passes", "C99", "--station", "beijing", "--start", "2026-02-24T00:00:00Z",
                 "--days", "0.5", "--format", "json", *argv]) == 0
    assert [r for r in json.loads(capsys.readouterr().out) if "rise_utc" in r]
    assert main(["ephemeris", "C99", "--start", "2026-02-24T00:00:00Z", "--stop",
                 "2026-02-24T01:00:00Z", "--format", "json", *argv]) == 0
    assert json.loads(capsys.readouterr().out)["satellites"][0]["source_kind"] == "precise"
    assert main(["skyplot", "C99", "--station", "beijing", "--time", "2026-02-24T03:00:00Z",
                 "--hours", "2", "--format", "json", *argv]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["coverage", "C99", "--start", "2026-02-24T00:00:00Z", "--hours", "2",
                 "--resolution-deg", "10", "--format", "json", *argv]) == 0
    assert json.loads(capsys.readouterr().out)["elements"]["precise"] == 1
    out = toy_file.parent / "track.geojson"
    assert main(["groundtrack", "C99", "--start", "2026-02-24T00:00:00Z", "--hours", "2",
                 "--out", str(out), *argv]) == 0
    assert json.loads(out.read_text())["features"]
    capsys.readouterr()
    # outside the file's span: exit 2, one line with the span
    assert main(["ephemeris", "C99", "--start", "2026-02-26T00:00:00Z", "--stop",
                 "2026-02-26T01:00:00Z", "--format", "csv", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # refused before the CSV header is written
    assert "covers 2026-02-24T00:00:00Z .. 2026-02-25T00:00:00Z" in err
    assert "Traceback" not in err


def test_claiming_a_pipe_does_not_consume_it(monkeypatch, toy_file, active_2026, css):
    """With a reader registered, standard input is looked at to see whose it is: the reader
    that gets it (toy or TLE) must still read all of it."""
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(toy_file.read_bytes())))
    res = load_element_sets("C99", files=["-"], at=T0, offline=True)
    assert res.sets[0].kind == "precise"
    tle = f"{css.name}\n{css.line1}\n{css.line2}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(tle.encode())))
    res = load_element_sets(str(CSS), files=["-"], at=T0, offline=True)
    assert res.sets[0].kind == "tle" and res.sets[0].line1 == css.line1


def test_a_navigation_file_on_standard_input_is_a_broadcast_source(monkeypatch):
    """The GNSS reader claims a gzipped RINEX file on standard input and reads all of it:
    the same positions as from the file itself (issue 14 item 5's inputs, for every reader)."""
    import io
    import sys

    from tests.gnss_helpers import BRDC, need

    path = need(BRDC)
    at = datetime(2023, 1, 1, 6, tzinfo=UTC)
    times = time_grid(at, at + timedelta(hours=1), 600.0)
    ref = propagate(load_element_sets("C19", files=[path], at=at, offline=True).sets, times)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    res = load_element_sets("C19", files=["-"], at=at, offline=True)
    assert res.sets[0].kind == "broadcast"
    assert np.array_equal(propagate(res.sets, times).r_itrs_km, ref.r_itrs_km)
