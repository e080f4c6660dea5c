"""Property tests (hypothesis) of the pass search, in the spirit of orbit-predictor's:
rise < culmination < set; the maximum elevation is at least the mask; a pass is never
found twice; moving the window's start by seconds does not change the passes wholly
inside both windows; a pass grazing the mask is found wherever it falls.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbitkit.passes import find_passes
from orbitkit.sites import Site
from tests.passes_helpers import (
    EQUATOR,
    R_EQ,
    CircularOrbits,
    search,
    seconds,
    sets_from_file,
    visibility_half_angle,
)

LEO_IDS = [48274, 49008, 43655, 25544, 43010]  # CSS, FY-3E, HY-2B, ISS, FY-3D
BASE = datetime(2026, 3, 1, tzinfo=UTC)

_SETS: dict[str, list] = {}


@pytest.fixture(scope="module")
def leo_sets(active_2026):
    if "leo" not in _SETS:
        _SETS["leo"] = sets_from_file(active_2026, LEO_IDS)
    return _SETS["leo"]


stations = st.builds(
    lambda lat, lon, alt: Site(key=f"{lat:.3f},{lon:.3f},{alt:.0f}", name="test",
                               lat_deg=lat, lon_deg=lon, alt_m=alt),
    st.floats(-70, 70), st.floats(-180, 180), st.floats(0, 3000),
)
SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(site=stations, mask=st.floats(0, 60), offset_h=st.floats(0, 24 * 40),
       hours=st.floats(6, 24))
def test_invariants(leo_sets, site, mask, offset_h, hours):
    t0 = BASE + timedelta(hours=offset_h)
    res = find_passes(leo_sets, [site], t0, t0 + timedelta(hours=hours),
                      min_elevation_deg=mask, visibility=False)
    assert res.failed_samples == 0
    by_sat: dict[int, list] = {}
    for p in res.passes:
        assert p.rise_utc <= p.max_utc <= p.set_utc
        if not (p.starts_before_window or p.ends_after_window):
            assert p.rise_utc < p.max_utc < p.set_utc, p
        assert p.max_elevation_deg >= mask - 1e-6, p
        assert p.duration_s == pytest.approx((p.set_utc - p.rise_utc).total_seconds(),
                                             abs=1e-5)
        assert t0 <= p.rise_utc and p.set_utc <= t0 + timedelta(hours=hours)
        by_sat.setdefault(p.norad_id, []).append(p)
    for passes in by_sat.values():  # never twice, never overlapping
        passes.sort(key=lambda p: p.rise_utc)
        for a, b in zip(passes, passes[1:], strict=False):
            assert a.set_utc < b.rise_utc, (a, b)


@SETTINGS
@given(site=stations, mask=st.floats(0, 45), offset_h=st.floats(0, 24 * 40),
       shift_s=st.floats(0.5, 30))
def test_shifting_the_start_keeps_inner_passes(leo_sets, site, mask, offset_h, shift_s):
    t0 = BASE + timedelta(hours=offset_h)
    t1 = t0 + timedelta(hours=12)
    a = find_passes(leo_sets, [site], t0, t1, min_elevation_deg=mask, visibility=False)
    b = find_passes(leo_sets, [site], t0 + timedelta(seconds=shift_s), t1,
                    min_elevation_deg=mask, visibility=False)
    edge = t0 + timedelta(seconds=shift_s + 1)

    def inner(res):
        return [p for p in res.passes
                if p.rise_utc > edge and not p.ends_after_window]

    pa, pb = inner(a), inner(b)
    assert [p.norad_id for p in pa] == [p.norad_id for p in pb]
    for x, y in zip(pa, pb, strict=True):
        assert abs((x.rise_utc - y.rise_utc).total_seconds()) <= 0.1
        assert abs((x.set_utc - y.set_utc).total_seconds()) <= 0.1
        assert abs((x.max_utc - y.max_utc).total_seconds()) <= 0.5
        assert x.max_elevation_deg == pytest.approx(y.max_elevation_deg, abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(alt_km=st.floats(200, 2000), mask=st.floats(0, 70), above=st.floats(0.005, 2.0),
       t_close=st.floats(1000, 1700))
def test_grazing_pass_always_found(alt_km, mask, above, t_close):
    """A circular orbit whose pass peaks ``above`` deg over the mask, at any phase of the
    coarse grid: exactly one pass, with closed-form rise, culmination and set."""
    r = R_EQ + alt_km
    lam0 = math.degrees(visibility_half_angle(math.radians(mask + above), r))
    orbit = CircularOrbits([r], [lam0], [t_close])
    res = search(orbit, [EQUATOR], [mask], 2700.0)  # under half the shortest period
    assert len(res.passes) == 1
    p = res.passes[0]
    rise, tc, fall, el_max = orbit.analytic(0, mask)
    assert abs(seconds(p.rise_utc) - rise) <= 0.1
    assert abs(seconds(p.set_utc) - fall) <= 0.1
    assert abs(seconds(p.max_utc) - tc) <= 0.5
    assert p.max_elevation_deg == pytest.approx(el_max, abs=1e-3)
