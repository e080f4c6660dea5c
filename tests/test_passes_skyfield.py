"""Passes against skyfield's ``EarthSatellite.find_events`` on the real 2026-02-24 snapshot.

Tolerances (issue 5): the same passes, rise and set within 1 s, culmination within 2 s,
maximum elevation within 0.05 deg.

Why they hold: skyfield's ``find_events`` works, like orbitkit, in the Earth-fixed frame
reached from TEME by the GMST 1982 rotation on UT1 (it replaces GAST and the precession-
nutation matrix by identities for the search), with the same sgp4 and a WGS84 station;
the positions agree to centimetres. What remains is the search precision: skyfield stops
at half a second (``find_events`` epsilon), orbitkit at 0.05 s (rise/set) and 0.2 s
(culmination).

skyfield looks for culminations first and keeps those above the mask, then brackets rise
and set around them (its issue #996): a pass that only just clears the mask can be missed
when its sampled maximum falls below. A pass orbitkit finds and skyfield does not is
accepted only if it is such a grazing pass (maximum < 0.5 deg above the mask) and
skyfield's own geometry puts the satellite above the mask at orbitkit's culmination.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from orbitkit.passes import Pass, find_passes
from orbitkit.sites import parse_site
from tests.passes_helpers import sets_from_file

skyfield_api = pytest.importorskip("skyfield.api")

RISE_SET_S = 1.0
CULMINATION_S = 2.0
MAX_ELEVATION_DEG = 0.05
GRAZING_DEG = 0.5


def skyfield_passes(es, site, t0: datetime, t1: datetime, mask: float) -> list[dict]:
    """find_events grouped into passes: {"rise", "culm": [(t, alt)], "set"} (None = absent)."""
    ts = skyfield_api.load.timescale(builtin=True)
    topos = skyfield_api.wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_m)
    sat = skyfield_api.EarthSatellite.from_satrec(es.satrec, ts)
    t, events = sat.find_events(topos, ts.from_datetime(t0), ts.from_datetime(t1),
                                altitude_degrees=mask)
    alts = (sat - topos).at(t).altaz()[0].degrees if len(t) else []
    out: list[dict] = []
    current: dict | None = None
    for ti, ev, alt in zip(t.utc_datetime(), events, alts, strict=True):
        if ev == 0:
            current = {"rise": ti, "culm": [], "set": None}
            out.append(current)
        elif ev == 1:
            if current is None:
                current = {"rise": None, "culm": [], "set": None}
                out.append(current)
            current["culm"].append((ti, float(alt)))
        else:
            if current is None:
                out.append({"rise": None, "culm": [], "set": ti})
            else:
                current["set"] = ti
            current = None
    return out


def skyfield_altitude(es, site, when: datetime) -> float:
    ts = skyfield_api.load.timescale(builtin=True)
    topos = skyfield_api.wgs84.latlon(site.lat_deg, site.lon_deg, elevation_m=site.alt_m)
    sat = skyfield_api.EarthSatellite.from_satrec(es.satrec, ts)
    return float((sat - topos).at(ts.from_datetime(when)).altaz()[0].degrees)


def compare(ours: list[Pass], theirs_by_sat: dict[int, list[dict]], sets, site, mask: float
            ) -> dict[str, float]:
    """Assert the issue's tolerances; return the worst differences seen."""
    worst = {"rise_s": 0.0, "set_s": 0.0, "culm_s": 0.0, "el_deg": 0.0, "skyfield_missed": 0}
    by_id = {es.norad_id: es for es in sets}
    used: set[tuple[int, int]] = set()
    for p in ours:
        groups = theirs_by_sat[p.norad_id]
        lo, hi = p.rise_utc - timedelta(seconds=5), p.set_utc + timedelta(seconds=5)
        match = [k for k, g in enumerate(groups)
                 if any(x is not None and lo <= x <= hi
                        for x in (g["rise"], g["set"], *(c[0] for c in g["culm"])))]
        if not match:
            # skyfield #996: only a grazing pass may be missed, and it must be real
            assert p.max_elevation_deg - mask < GRAZING_DEG, p
            assert skyfield_altitude(by_id[p.norad_id], site, p.max_utc) >= mask - 1e-3, p
            worst["skyfield_missed"] += 1
            continue
        assert len(match) == 1, (p, [groups[k] for k in match])
        used.add((p.norad_id, match[0]))
        g = groups[match[0]]
        if not p.starts_before_window:
            assert g["rise"] is not None, p
            d = abs((g["rise"] - p.rise_utc).total_seconds())
            assert d <= RISE_SET_S, (p, g)
            worst["rise_s"] = max(worst["rise_s"], d)
        if not p.ends_after_window:
            assert g["set"] is not None, p
            d = abs((g["set"] - p.set_utc).total_seconds())
            assert d <= RISE_SET_S, (p, g)
            worst["set_s"] = max(worst["set_s"], d)
        if g["culm"]:
            t_top, alt_top = max(g["culm"], key=lambda c: c[1])
            if p.rise_utc < t_top < p.set_utc:
                d = abs((t_top - p.max_utc).total_seconds())
                assert d <= CULMINATION_S, (p, g)
                worst["culm_s"] = max(worst["culm_s"], d)
                d_el = abs(alt_top - p.max_elevation_deg)
                assert d_el <= MAX_ELEVATION_DEG, (p, g)
                worst["el_deg"] = max(worst["el_deg"], d_el)
        else:
            # no culmination in the window: the pass must be cut at a window edge
            assert p.starts_before_window or p.ends_after_window, (p, g)
    # nothing skyfield found is missing from orbitkit
    for norad_id, groups in theirs_by_sat.items():
        for k, g in enumerate(groups):
            assert (norad_id, k) in used, (norad_id, g)
    return worst


CASES = [
    # the "done when": CSS, Fengyun-3E, Haiyang-2B over Beijing, 7 days, 10 deg
    ("39.9042,116.4074,50", [48274, 49008, 43655], "2026-05-01T00:00:00Z", 7.0, 10.0),
    # the geometric horizon, southern hemisphere, with the ISS and Fengyun-3D
    ("-33.87,151.21,40", [25544, 48274, 43010, 49008], "2026-03-10T06:30:00Z", 2.0, 0.0),
    # a high mask at a high site (Kashgar)
    ("39.47,75.99,1300", [48274, 49008, 43655, 43010], "2026-04-01T00:00:00Z", 3.0, 45.0),
]


@pytest.mark.parametrize(("station", "ids", "start", "days", "mask"), CASES)
def test_passes_match_skyfield_find_events(active_2026, station, ids, start, days, mask):
    sets = sets_from_file(active_2026, ids)
    assert [es.norad_id for es in sets] == ids
    site = parse_site(station)
    t0 = datetime.fromisoformat(start.replace("Z", "+00:00"))
    t1 = t0 + timedelta(days=days)
    res = find_passes(sets, [site], t0, t1, min_elevation_deg=mask)
    assert res.failed_samples == 0 and not res.intervals
    theirs = {es.norad_id: skyfield_passes(es, site, t0, t1, mask) for es in sets}
    worst = compare(res.passes, theirs, sets, site, mask)
    # same passes: every skyfield pass matched, and skyfield missed at most a grazing one
    n_theirs = sum(len(g) for g in theirs.values())
    assert len(res.passes) == n_theirs + worst["skyfield_missed"]
    assert len(res.passes) > 5 * days  # the comparison has substance
    print(f"{station} mask {mask}: {len(res.passes)} passes; worst {worst}")


def test_done_when_counts_and_edges(active_2026):
    """The done-when window in detail: 94 passes, none cut, all with a culmination."""
    sets = sets_from_file(active_2026, [48274, 49008, 43655])
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    res = find_passes(sets, "39.9042,116.4074,50", t0, t0 + timedelta(days=7),
                      min_elevation_deg=10)
    counts = {n: sum(p.norad_id == n for p in res.passes) for n in (48274, 49008, 43655)}
    assert sum(counts.values()) == len(res.passes) == 94, counts
    assert all(p.rise_utc < p.max_utc < p.set_utc for p in res.passes)
    assert np.all(np.diff([p.rise_utc.timestamp() for p in res.passes]) >= 0)
