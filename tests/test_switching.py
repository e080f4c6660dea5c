"""Element sets switch along the window (issue 14, item 1) and a span before launch (item 8).

The rule under test: each instant uses the set nearest it in epoch, switching at the
midpoint between consecutive epochs (ties to the later set). The real case is the issue's:
Tianhe (48274) in the CelesTrak snapshots of 2021-08-24 (set of 2021-08-23 03:39 UTC) and
2021-09-20 (set of 2021-09-17 05:35 UTC), 10,800 km apart by 2021-09-20 because the
station manoeuvred in between. Before the fix the first set was used for all 29 days and
the 2021-09-20 passes were up to half an hour off.

Tolerances: states are compared bit for bit with sgp4 on the set in use (the same C++ call);
passes against skyfield's ``find_events`` within 1 s for rise and set (its 0.5 s search
precision plus ours, as in test_passes_skyfield.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from orbitkit.cli import main
from orbitkit.elements.model import ElementSet
from orbitkit.elements.sources import load_element_sets
from orbitkit.elements.switching import ElementSetSeries, orbit_for_span, set_in_use
from orbitkit.errors import ElementsUnavailableError
from orbitkit.groundtrack import ground_track
from orbitkit.passes import find_passes
from orbitkit.propagation import propagate
from orbitkit.sites import parse_site
from orbitkit.skyview import sky_view
from tests.passes_helpers import sets_from_file

TIANHE = 48274
START = datetime(2021, 8, 23, tzinfo=UTC)
STOP = START + timedelta(days=29)
EPOCH_A = datetime(2021, 8, 23, 3, 39, 18, tzinfo=UTC)  # 21235.15230133, to the second
EPOCH_B = datetime(2021, 9, 17, 5, 35, 26, tzinfo=UTC)  # 21260.23294387


@pytest.fixture(scope="module")
def files(tle_dir):
    return [tle_dir / "celestrak-active-2021-08-24.txt",
            tle_dir / "celestrak-active-2021-09-20.txt"]


@pytest.fixture(scope="module")
def two_sets(files) -> list[ElementSet]:
    a = sets_from_file(files[0], [TIANHE])[0]
    b = sets_from_file(files[1], [TIANHE])[0]
    assert abs((a.epoch - EPOCH_A).total_seconds()) < 1
    assert abs((b.epoch - EPOCH_B).total_seconds()) < 1
    return [a, b]


def _midpoint(a: ElementSet, b: ElementSet) -> datetime:
    return a.epoch + (b.epoch - a.epoch) / 2


def _sgp4(es: ElementSet, times: np.ndarray) -> np.ndarray:
    return propagate([es], times).r_teme_km[0]


# --------------------------------------------------------------------------- the rule


def test_each_instant_uses_the_set_nearest_in_epoch(two_sets):
    a, b = two_sets
    mid = _midpoint(a, b)
    series = ElementSetSeries([b, a], at=START)  # any order in
    assert [es.epoch for es in series.sets] == [a.epoch, b.epoch]
    assert series.primary is a and series.name == a.name and series.satrec is a.satrec
    times = np.array([np.datetime64(mid.replace(tzinfo=None), "ns") + np.timedelta64(k, "s")
                      for k in (-86400, -1, 0, 1, 86400)])
    r = propagate([series], times).r_teme_km[0]
    assert np.array_equal(r[:2], _sgp4(a, times)[:2])
    # at the midpoint itself the later (fresher) set is used, as nearest() breaks ties
    assert np.array_equal(r[2:], _sgp4(b, times)[2:])
    assert set_in_use([a, b], mid) is b and set_in_use([a, b], mid - timedelta(seconds=1)) is a


def test_one_set_when_no_switch_falls_inside_the_span(two_sets):
    a, b = two_sets
    mid = _midpoint(a, b)
    assert orbit_for_span([a, b], START, mid - timedelta(minutes=1)) is a
    assert orbit_for_span([a, b], mid, STOP) is b
    both = orbit_for_span([a, b], START, STOP)
    assert isinstance(both, ElementSetSeries) and both.n_sets == 2


def test_load_element_sets_switches_along_the_span_and_reports_the_jump(files, two_sets):
    res = load_element_sets(str(TIANHE), files=files, at=START, until=STOP, offline=True)
    (orbit,) = res.sets
    assert isinstance(orbit, ElementSetSeries)
    (sw,) = res.switches
    assert abs((sw.time_utc - _midpoint(*two_sets)).total_seconds()) < 0.001
    assert abs((sw.time_utc - datetime(2021, 9, 4, 16, 37, 22, tzinfo=UTC)).total_seconds()) < 1
    # the two sets disagree by thousands of km there (Tianhe manoeuvred in between)
    assert 1000 < sw.jump_km < 20000
    d = res.to_dict()
    assert d["sources"]["epoch_max_utc"] == "2021-09-17T05:35:26Z"  # every set in use
    assert d["switches"][0]["jump_km"] == round(sw.jump_km, 3)
    assert d["switches"][0]["from_epoch_utc"] == "2021-08-23T03:39:18Z"
    # without a span, the set nearest the instant, as before
    single = load_element_sets(str(TIANHE), files=files, at=START, offline=True)
    assert isinstance(single.sets[0], ElementSet)
    assert abs((single.sets[0].epoch - two_sets[0].epoch).total_seconds()) < 0.001
    assert not single.switches


# --------------------------------------------------------------------------- analyses


def test_passes_29_days_match_skyfield_with_the_set_nearest_each_pass(capsys, files, two_sets):
    """The issue's done-when: every pass as skyfield finds it with the set nearest it."""
    from tests.test_passes_skyfield import skyfield_passes

    status = main(["passes", str(TIANHE), "--station", "beijing", "--elements", str(files[0]),
                   "--elements", str(files[1]), "--start", "2021-08-23T00:00:00Z",
                   "--days", "29", "--format", "json"])
    captured = capsys.readouterr()
    assert status == 0
    records = json.loads(captured.out)
    passes = [r for r in records if "rise_utc" in r]
    switches = [r for r in records if r.get("kind") == "element_switch"]
    # the switch is named on stderr and in JSON, with its jump
    assert len(switches) == 1 and switches[0]["time_utc"] == "2021-09-04T16:37:22Z"
    assert "element sets switch at 2021-09-04 16:37:22Z" in captured.err
    assert f"jumps {switches[0]['jump_km']:,.1f} km" in captured.err
    site = parse_site("beijing")
    theirs = {es.epoch: skyfield_passes(es, site, START, STOP, 0.0) for es in two_sets}
    mid = _midpoint(*two_sets)
    used_b = 0
    for p in passes:
        t = {k: datetime.fromisoformat(p[k].replace("Z", "+00:00"))
             for k in ("rise_utc", "max_utc", "set_utc", "elements_epoch_utc")}
        nearest = min(two_sets, key=lambda es: abs((es.epoch - t["max_utc"]).total_seconds()))
        # each pass says which set it used: the nearest in epoch
        assert abs((t["elements_epoch_utc"] - nearest.epoch).total_seconds()) < 0.001, p
        assert not (t["rise_utc"] < mid < t["set_utc"])  # none straddles the switch here
        used_b += nearest is two_sets[1]
        match = [g for g in theirs[nearest.epoch]
                 if g["rise"] and abs((g["rise"] - t["rise_utc"]).total_seconds()) < 60]
        assert len(match) == 1, p
        assert abs((match[0]["rise"] - t["rise_utc"]).total_seconds()) <= 1.0, (p, match)
        assert abs((match[0]["set"] - t["set_utc"]).total_seconds()) <= 1.0, (p, match)
    # and every skyfield pass of the set in use is there
    for es in two_sets:
        inside = [g for g in theirs[es.epoch] if g["rise"] and g["set"]
                  and set_in_use(two_sets, g["rise"]) is es
                  and set_in_use(two_sets, g["set"]) is es]
        assert len(inside) == sum(
            1 for p in passes if p["elements_epoch_utc"].startswith(es.epoch.strftime("%Y-%m-%d")))
    assert used_b > 20 and len(passes) > 100
    # the pass: the 2021-09-20 pass of the 2021-09-17 set, not the stale one
    sep20 = [p for p in passes if p["rise_utc"].startswith("2021-09-20T00:")]
    assert len(sep20) == 1 and sep20[0]["rise_utc"] > "2021-09-20T00:30"


def test_a_pass_across_a_switch_is_found_and_refined(two_sets):
    """A station under the satellite at the switch per the later set. The earlier set (some
    2,400 km behind along the track) sets 19 s before the switch; at the switch the later
    set puts the satellite overhead. By the rule that is two passes: the earlier set's, as
    skyfield finds it with that set, and one that rises at the switch itself and sets as
    skyfield finds it with the later set. (Before the coarse scan sampled either side of
    each switch, the 19 s gap was stepped over and the two were merged into one pass.)"""
    from tests.test_passes_skyfield import skyfield_passes

    a, b = two_sets
    mid = _midpoint(a, b)
    t = np.array([np.datetime64(mid.replace(tzinfo=None), "ns")])
    lat, lon, _ = propagate([b], t).geodetic()
    site = parse_site(f"{lat[0, 0]:.4f},{lon[0, 0]:.4f},0")
    series = ElementSetSeries([a, b], at=mid)
    t0, t1 = mid - timedelta(hours=1), mid + timedelta(hours=1)
    res = find_passes([series], [site], t0, t1, visibility=False)
    (sky_a,) = [g for g in skyfield_passes(a, site, t0, t1, 0.0) if g["rise"] < mid]
    (sky_b,) = [g for g in skyfield_passes(b, site, t0, t1, 0.0) if g["set"] > mid]
    assert sky_a["set"] < mid < sky_b["set"]  # the geometry the test is about
    first, second = [p for p in res.passes if t0 < p.rise_utc < t1]
    assert abs((first.rise_utc - sky_a["rise"]).total_seconds()) <= 1.0
    assert abs((first.set_utc - sky_a["set"]).total_seconds()) <= 1.0
    assert first.elements_epoch_utc == a.epoch
    assert abs((second.rise_utc - mid).total_seconds()) <= 0.1
    assert abs((second.set_utc - sky_b["set"]).total_seconds()) <= 1.0
    assert second.max_elevation_deg > 89.0 and second.elements_epoch_utc == b.epoch
    assert len(res.switches) == 1 and res.to_dict()["switches"][0]["kind"] == "element_switch"


def test_ground_tracks_and_sky_views_use_the_set_in_force(two_sets):
    a, b = two_sets
    mid = _midpoint(a, b)
    series = ElementSetSeries([a, b], at=mid - timedelta(hours=1))
    start = mid - timedelta(hours=1)
    track = ground_track([series], start, hours=2.0, step_s=600.0)
    ref_a = ground_track([a], start, hours=2.0, step_s=600.0)
    ref_b = ground_track([b], start, hours=2.0, step_s=600.0)
    before = track.times < np.datetime64(mid.replace(tzinfo=None), "ns")
    assert before.any() and (~before).any()
    assert np.array_equal(track.lat_deg[0][before], ref_a.lat_deg[0][before])
    assert np.array_equal(track.lat_deg[0][~before], ref_b.lat_deg[0][~before])
    times = [mid - timedelta(minutes=5), mid + timedelta(minutes=5)]
    view = sky_view([series], "beijing", times)
    assert view.el_deg[0, 0] == sky_view([a], "beijing", times).el_deg[0, 0]
    assert view.el_deg[0, 1] == sky_view([b], "beijing", times).el_deg[0, 1]


def test_staleness_uses_the_age_of_the_set_in_use(capsys, files):
    """29 days from one set of 2021-08-23 is stale by the end; with the set of 2021-09-17
    in use by then, it is not."""
    one = load_element_sets(str(TIANHE), files=files[:1], at=START, until=STOP, offline=True)
    assert any(w.startswith("at the end of the span (2021-09-21 00:00Z)") for w in one.warnings)
    both = load_element_sets(str(TIANHE), files=files, at=START, until=STOP, offline=True)
    assert not any("older than" in w for w in both.warnings)
    argv = ["ephemeris", str(TIANHE), "--start", "2021-08-23T00:00:00Z",
            "--stop", "2021-09-21T00:00:00Z", "--step-s", "86400", "--format", "csv"]
    assert main([*argv, "--elements", str(files[0])]) == 0
    assert "at the end of the span" in capsys.readouterr().err
    assert main([*argv, "--elements", str(files[0]), "--elements", str(files[1])]) == 0
    err = capsys.readouterr().err
    assert "at the end of the span" not in err and "older than" not in err
    assert "element sets switch at 2021-09-04 16:37:22Z" in err


def test_coverage_and_ephemeris_json_name_the_switch(capsys, files):
    status = main(["ephemeris", str(TIANHE), "--start", "2021-09-04T16:00:00Z",
                   "--stop", "2021-09-04T17:00:00Z", "--step-s", "600", "--format", "json",
                   "--elements", str(files[0]), "--elements", str(files[1])])
    out = json.loads(capsys.readouterr().out)
    assert status == 0 and out["switches"][0]["time_utc"] == "2021-09-04T16:37:22Z"
    sat = out["satellites"][0]
    assert sat["source_kind"] == "tle" and len(sat["elements"]["sets"]) == 2
    status = main(["coverage", str(TIANHE), "--start", "2021-09-04T16:00:00Z", "--hours", "1",
                   "--step-min", "10", "--resolution-deg", "10", "--format", "json",
                   "--elements", str(files[0]), "--elements", str(files[1])])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert status == 0 and out["elements"]["switches"][0]["time_utc"] == "2021-09-04T16:37:22Z"
    assert "element sets switch at 2021-09-04 16:37:22Z" in captured.err


# --------------------------------------------------------------------------- before launch


def test_a_span_starting_before_launch_starts_at_launch(capsys, files):
    """Tianhe was launched on 2021-04-29: a span from 2021-04-25 used to be refused whole
    ("not launched until 2021-04-29"); now its orbit starts at the launch, with a warning."""
    start = datetime(2021, 4, 25, tzinfo=UTC)
    with pytest.raises(ElementsUnavailableError, match="not launched until 2021-04-29"):
        load_element_sets(str(TIANHE), files=files[:1], at=start, offline=True)
    res = load_element_sets(str(TIANHE), files=files[:1], at=start,
                            until=start + timedelta(days=7), offline=True)
    (orbit,) = res.sets
    assert orbit.valid_from == datetime(2021, 4, 29, tzinfo=UTC)
    assert any("launched on 2021-04-29, after the start of the span" in w for w in res.warnings)
    eph = propagate(res.sets, [start, datetime(2021, 4, 30, tzinfo=UTC)])
    assert eph.error[0].tolist() == [7, 0] and np.isnan(eph.r_teme_km[0, 0]).all()
    assert "before the start of its orbit" in eph.failures()[0].message
    status = main(["passes", str(TIANHE), "--station", "beijing", "--elements", str(files[0]),
                   "--start", "2021-04-25T00:00:00Z", "--days", "7", "--format", "json"])
    captured = capsys.readouterr()
    assert status == 0 and "its orbit starts at its launch" in captured.err
    assert "the search starts at 2021-04-29T00:00:00Z" in captured.err
    assert "samples failed" not in captured.err
    passes = [r for r in json.loads(captured.out) if "rise_utc" in r]
    assert passes and all(p["rise_utc"] >= "2021-04-29" for p in passes)
    # a span wholly before the launch is still refused
    assert main(["passes", str(TIANHE), "--station", "beijing", "--elements", str(files[0]),
                 "--start", "2021-04-20T00:00:00Z", "--days", "2"]) == 2


# --------------------------------------------------------------------------- property


def test_the_rule_is_nearest_epoch_at_every_instant(active_2026):
    """Any epochs, any instants: the series gives exactly what sgp4 gives on the set that
    orbitkit.elements.select.nearest() picks for that instant (distinct satrecs per set,
    so a wrong choice shows as a different position)."""
    from dataclasses import replace

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from orbitkit.elements.select import nearest

    pool = sets_from_file(active_2026, [25544, 48274, 49008, 43655, 43010])
    base = datetime(2026, 2, 20, tzinfo=UTC)

    @settings(max_examples=40, deadline=None)
    @given(offsets_h=st.lists(st.integers(0, 24 * 20), min_size=2, max_size=5, unique=True),
           probes_h=st.lists(st.floats(-48.0, 24 * 22.0), min_size=1, max_size=20))
    def check(offsets_h, probes_h):
        sets = [replace(pool[k], norad_id=1, epoch=base + timedelta(hours=h))
                for k, h in enumerate(offsets_h)]
        series = ElementSetSeries(sets)
        when = [base + timedelta(hours=h) for h in probes_h]
        r = propagate([series], when).r_teme_km[0]
        for j, t in enumerate(when):
            want = propagate([nearest(sets, t)], [t]).r_teme_km[0, 0]
            assert np.array_equal(r[j], want), (offsets_h, probes_h[j])

    check()


def test_a_constellations_switches_end_in_one_summary_line(capsys, files):
    """Two snapshots of BeiDou-3: some 30 satellites switch on 2021-09-04. Three are named,
    then one line sums up the rest; JSON lists every one."""
    status = main(["passes", "beidou-3", "--station", "beijing", "--elements", str(files[0]),
                   "--elements", str(files[1]), "--start", "2021-09-04T00:00:00Z",
                   "--days", "1", "--format", "json"])
    captured = capsys.readouterr()
    switches = [r for r in json.loads(captured.out) if r.get("kind") == "element_switch"]
    assert status == 0 and len(switches) > 20
    assert captured.err.count("element sets switch at") == 3
    assert f"and {len(switches) - 3} more switches of element set" in captured.err
