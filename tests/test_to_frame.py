"""``to_frame()`` (pandas) on pass searches, sky views and coverage site series: the same
numbers as the records / CSV the CLI writes, typed columns, UTC-aware times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

import orbitkit as ok
from orbitkit.elements.parse import read_elements

pd = pytest.importorskip("pandas")
START = datetime(2026, 2, 24, tzinfo=UTC)


@pytest.fixture(scope="module")
def sets(active_2026):
    by_id = {es.norad_id: es for es in read_elements(active_2026).sets}
    return [by_id[48274], by_id[43683], by_id[43001]]


def test_pass_search_frame_matches_the_records(sets):
    search = ok.find_passes(sets, [ok.parse_site("beijing")], START,
                            START + timedelta(days=1), min_elevation_deg=10.0)
    assert search.passes and search.intervals  # both kinds are present
    df = search.to_frame()
    records = search.records()
    assert list(df["kind"]) == ["pass"] * len(records) + ["visibility"] * len(
        search.intervals)
    assert str(df["rise_utc"].dtype) == "datetime64[ns, UTC]"
    passes = df[df["kind"] == "pass"]
    for (_, row), rec in zip(passes.iterrows(), records, strict=True):
        assert row["norad_id"] == rec["norad_id"] and row["station"] == rec["station"]
        assert row["rise_utc"] == pd.Timestamp(rec["rise_utc"])
        assert row["max_elevation_deg"] == rec["max_elevation_deg"]
    geo = df[df["kind"] == "visibility"].iloc[0]
    iv = search.intervals[0]
    assert geo["rise_utc"] == pd.Timestamp(iv.to_dict()["start_utc"])
    assert pd.isna(geo["max_utc"]) and geo["min_elevation_deg"] <= geo["max_elevation_deg"]


def test_sky_view_frame_matches_rows(sets):
    times = ok.time_grid(START, START + timedelta(hours=2), 600)
    view = ok.sky_view(sets, "beijing", times)
    df = view.to_frame(10.0)
    rows = view.rows(10.0)
    assert len(df) == len(rows) > 0
    assert str(df["time_utc"].dtype) == "datetime64[ns, UTC]"
    assert list(df["norad_id"]) == [r["norad_id"] for r in rows]
    np.testing.assert_allclose(df["elevation_deg"], [r["elevation_deg"] for r in rows],
                               atol=5e-4)
    assert (df["elevation_deg"] >= 10.0).all()
    assert len(view.to_frame(None)) == int(view.ok.sum())


def test_pandas_is_not_loaded_by_import_orbitkit():
    import subprocess
    import sys

    code = ("import sys, orbitkit; orbitkit.PassSearch; orbitkit.SkyView; "
            "orbitkit.CoverageResult; print('pandas' in sys.modules, 'xarray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["False", "False"]


def test_conjunction_search_frame_matches_the_events(active_2026):
    """A small shell of the 2026 catalogue screened for half a day: one row per event,
    the same numbers as the JSON events (which round them)."""
    from orbitkit.conjunctions import EVENT_KEYS, find_conjunctions

    sets = read_elements(active_2026).sets
    hp = np.array([s.satrec.a * (1 - s.satrec.ecco) for s in sets]) * 6378.135 - 6378.135
    shell = [s for s, h in zip(sets, hp, strict=True) if 540 <= h < 560]
    pick = np.random.default_rng(1).choice(len(shell), 100, replace=False)
    search = find_conjunctions([shell[i] for i in sorted(pick)],
                               start="2026-03-01T00:00:00Z", stop="2026-03-01T12:00:00Z")
    assert len(search) > 0
    df = search.to_frame()
    assert list(df.columns) == [*EVENT_KEYS, "hbr_m"]
    assert str(df["tca_utc"].dtype) == "datetime64[ns, UTC]"
    for (_, row), event in zip(df.iterrows(), search.events, strict=True):
        d = event.to_dict()
        # the JSON writes the TCA to the millisecond (its precision); the frame keeps all
        assert abs((row["tca_utc"] - pd.Timestamp(d["tca_utc"])).total_seconds()) < 1e-3
        for key in ("miss_km", "relative_speed_km_s", "r_km", "n_km", "dse_1_d"):
            assert row[key] == pytest.approx(d[key], abs=1e-6), key
        assert row["norad_id_2"] == d["norad_id_2"] and row["pc_method"] == d["pc_method"]
    assert df["miss_km"].is_monotonic_increasing
