"""Element-set sources (issue 3, items 3, 4 and 7): order tried, nearest epoch, staleness.

Offline throughout (the autouse fixture sets ORBITKIT_OFFLINE=1 and an empty cache dir).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from elements_helpers import corrupt_checksum, omm_json, omm_record, satrec, tle_block

from orbitkit.cli._elements import elements_for_cli
from orbitkit.elements.model import ElementSet
from orbitkit.elements.nominal import NOMINAL_ORIGIN
from orbitkit.elements.select import ElementStore, nearest, stale_limits_days, staleness_warning
from orbitkit.elements.sources import ElementResolution, load_element_sets
from orbitkit.errors import (
    ElementParseError,
    ElementsUnavailableError,
    TargetError,
    TimeInputError,
)

AT = datetime(2026, 2, 24, tzinfo=UTC)


@pytest.fixture
def parser():
    """File tests need the element parser (orbitkit.elements.parse)."""
    pytest.importorskip("orbitkit.elements.parse")


def _set(norad: int, epoch: datetime, source: str = "file", **kw) -> ElementSet:
    return ElementSet(norad_id=norad, name=f"OBJ {norad}", epoch=epoch,
                      satrec=satrec(norad, epoch, **kw), source=source, origin="test")


# --------------------------------------------------------------------------- nominal, offline

def test_offline_empty_cache_beidou_answers_from_the_nominal_design():
    """Issue 3 'done when': no network, empty cache -> nominal design, with its warning."""
    res = load_element_sets("beidou-3", at=AT)
    assert len(res.sets) == 35 and not res.missing
    assert all(es.source == "nominal" and es.origin == NOMINAL_ORIGIN for es in res.sets)
    assert all(es.epoch == AT for es in res.sets)
    assert res.any_nominal
    assert any("positions are illustrative" in w for w in res.warnings)
    summary = res.sources_summary()
    assert summary["nominal"] == 35 and summary["illustrative"] is True
    assert summary["epoch_min_utc"] == summary["epoch_max_utc"] == "2026-02-24T00:00:00Z"
    assert [m.norad_id for m in res.members] == [es.norad_id for es in res.sets]


def test_members_without_any_source_go_to_missing_with_a_reason():
    res = load_element_sets("tiangong", at=AT)
    assert [m.name for m in res.missing] == ["Tiangong-2"]
    assert res.missing_reasons["Tiangong-2"].startswith("decayed on 2019-07-19")
    assert any("no element set for Tiangong-2 (41765): decayed" in w for w in res.warnings)
    assert len(res.sets) == 3
    assert res.to_dict()["missing"][0]["reason"].startswith("decayed")


def test_deep_space_target_says_there_is_no_earth_orbit_set():
    with pytest.raises(ElementsUnavailableError, match="deep space.*no Earth-orbit"):
        load_element_sets("change", at=AT)


def test_nothing_resolves_says_what_was_tried_and_how_to_fix():
    with pytest.raises(ElementsUnavailableError) as err:
        load_element_sets("48274", at=AT, allow_nominal=False)
    message = str(err.value)
    for needle in ("tried", "the cache", "offline", "--elements FILE", "orbitkit fetch",
                   "drop --offline"):
        assert needle in message, needle


def test_unknown_target_and_naive_time_are_user_errors():
    with pytest.raises(TargetError, match="unknown target"):
        load_element_sets("fengyun-9", at=AT)
    with pytest.raises(TimeInputError, match="time zone"):
        load_element_sets("tiangong", at=datetime(2026, 2, 24))


# --------------------------------------------------------------------------- files

def test_file_set_is_used_first_and_says_its_source(tmp_path, parser):
    path = tmp_path / "css.tle"
    path.write_text(tle_block(48274, "CSS (TIANHE)", AT - timedelta(days=1)))
    res = load_element_sets("48274", files=[path], at=AT)
    (es,) = res.sets
    assert es.source == "file" and str(path) in es.origin
    assert es.epoch == AT - timedelta(days=1)
    assert es.age_days(AT) == pytest.approx(1.0)
    assert res.members[0].name == "Tianhe core module"


def test_one_path_a_norad_int_and_a_list_of_targets_are_read_as_meant(tmp_path, parser):
    """``files="x.tle"`` was iterated as characters ("element file / is a folder"), a NORAD
    ``int`` raised "'int' object is not iterable" and a list of target strings failed with
    AttributeError deep in the nominal fallback."""
    path = tmp_path / "css.tle"
    path.write_text(tle_block(48274, "CSS (TIANHE)", AT - timedelta(days=1)))
    want = [es.norad_id for es in load_element_sets("48274", files=[path], at=AT).sets]
    for target, files in (("48274", str(path)), ("48274", path), (48274, [path]),
                          (["48274"], [path]), ([48274], [path])):
        res = load_element_sets(target, files=files, at=AT)
        assert [es.norad_id for es in res.sets] == want and res.sets[0].source == "file"
    both = load_element_sets(["tiangong", "48274"], at=AT)
    assert both.sets == load_element_sets("tiangong,48274", at=AT).sets
    with pytest.raises(TargetError, match=r"target\[1\]: float"):
        load_element_sets([both.members[0], 4.5], at=AT)
    with pytest.raises(TargetError, match="not float"):
        load_element_sets(4.5, at=AT)


def test_per_object_sources_mix_file_and_nominal(tmp_path, parser):
    path = tmp_path / "css.tle"
    path.write_text(tle_block(48274, "CSS (TIANHE)", AT))
    res = load_element_sets("tiangong", files=[path], at=AT)
    assert [es.source for es in res.sets] == ["file", "nominal", "nominal"]
    assert res.sources_summary()["file"] == 1 and res.sources_summary()["nominal"] == 2


def test_nearest_epoch_is_chosen_among_several_files(tmp_path, parser):
    files = []
    for days in (-20, -3, 6):
        path = tmp_path / f"snap{days}.tle"
        path.write_text(tle_block(48274, "CSS (TIANHE)", AT + timedelta(days=days)))
        files.append(path)
    res = load_element_sets("48274", files=files, at=AT + timedelta(days=2))
    assert res.sets[0].epoch == AT + timedelta(days=6)
    res = load_element_sets("48274", files=files, at=AT)
    assert res.sets[0].epoch == AT - timedelta(days=3)
    assert len(res.all_sets.sets_for(48274)) == 3  # all kept


def test_object_not_in_the_catalogue_resolves_by_number_and_by_file_name(tmp_path, parser):
    path = tmp_path / "iss.tle"
    path.write_text(tle_block(25544, "ISS (ZARYA)", AT, incl_deg=51.64))
    res = load_element_sets("25544", files=[path], at=AT)
    assert res.members[0].name == "ISS (ZARYA)" and res.sets[0].source == "file"
    res = load_element_sets("iss (zarya)", files=[path], at=AT)
    assert res.sets[0].norad_id == 25544


def test_omm_json_number_above_alpha5_resolves(tmp_path, parser):
    path = tmp_path / "new.json"
    path.write_text(omm_json([omm_record(100123, "NEWSAT 1", AT)]))
    res = load_element_sets("100123", files=[path], at=AT)
    (es,) = res.sets
    assert es.norad_id == 100123 and es.name == "NEWSAT 1"
    jd, fr = es.satrec.jdsatepoch, es.satrec.jdsatepochF
    err, r, _ = es.satrec.sgp4(jd, fr + 0.5)
    assert err == 0 and 6700 < sum(x * x for x in r) ** 0.5 < 7000


def test_bad_record_is_skipped_with_file_and_line(tmp_path, parser):
    path = tmp_path / "mixed.tle"
    good = tle_block(25544, "ISS (ZARYA)", AT)
    bad = corrupt_checksum(tle_block(99001, "BROKEN SAT", AT))
    path.write_text(good + bad + tle_block(48274, "CSS (TIANHE)", AT))
    res = load_element_sets("25544,48274", files=[path], at=AT)
    assert [es.norad_id for es in res.sets] == [25544, 48274]
    skipped = [w for w in res.warnings if w.startswith("skipped bad record")]
    assert len(skipped) == 1 and str(path) in skipped[0] and "6" in skipped[0]


def test_asking_for_the_corrupt_record_is_an_error_not_a_design_orbit(tmp_path, parser):
    """Tianhe has a nominal orbit, but a broken record the user gave must not be papered over."""
    path = tmp_path / "mixed.tle"
    path.write_text(tle_block(25544, "ISS (ZARYA)", AT)
                    + corrupt_checksum(tle_block(48274, "CSS (TIANHE)", AT)))
    with pytest.raises(ElementParseError) as err:
        load_element_sets("48274", files=[path], at=AT)
    assert str(path) in str(err.value) and "checksum" in str(err.value).lower()


# --------------------------------------------------------------------------- staleness

def test_staleness_14_days_leo_30_days_higher(monkeypatch):
    leo = _set(48274, AT - timedelta(days=15))
    geo = _set(43683, AT - timedelta(days=15), rev_per_day=1.0027, incl_deg=0.1)
    assert "15.0 days after" in staleness_warning(leo, AT)
    assert staleness_warning(geo, AT) is None
    assert "higher-orbit" in staleness_warning(geo, AT + timedelta(days=16))
    assert staleness_warning(leo, AT, leo_days=20) is None
    monkeypatch.setenv("ORBITKIT_STALE_LEO_DAYS", "21")
    monkeypatch.setenv("ORBITKIT_STALE_DAYS", "45")
    assert stale_limits_days() == (21.0, 45.0)
    assert staleness_warning(leo, AT) is None
    assert "before" in staleness_warning(leo, AT - timedelta(days=40))


def test_stale_file_set_warns_through_the_resolution(tmp_path, parser):
    path = tmp_path / "old.tle"
    path.write_text(tle_block(48274, "CSS (TIANHE)", AT - timedelta(days=40)))
    res = load_element_sets("48274", files=[path], at=AT)
    assert any("40.0 days after the element epoch" in w for w in res.warnings)


def test_nominal_sets_are_never_stale():
    res = load_element_sets("48274", at=AT)
    assert not any("days after" in w for w in res.warnings)


# --------------------------------------------------------------------------- store

def test_store_nearest_prefers_the_later_epoch_on_a_tie():
    early, late = _set(1, AT - timedelta(days=1)), _set(1, AT + timedelta(days=1))
    store = ElementStore([early, late])
    assert store.nearest(1, AT) is late
    assert nearest([], AT) is None
    assert store.sets_for(1) == [early, late] and 1 in store and len(store) == 2


def test_resolution_json_ready():
    res = load_element_sets("tiangong", at=AT)
    assert isinstance(res, ElementResolution)
    json.dumps(res.to_dict(), allow_nan=False)


def test_cli_helper_prints_warnings_to_stderr_only(capsys):
    import argparse

    args = argparse.Namespace(elements=[], offline=True)
    res = elements_for_cli(args, "tiangong", AT)
    out, err = capsys.readouterr()
    assert out == "" and len(res.sets) == 3
    assert "orbitkit: warning:" in err and "illustrative" in err and "Tiangong-2" in err


def test_many_bad_records_are_summarised_after_twenty(tmp_path, parser):
    path = tmp_path / "many.tle"
    bad = "".join(corrupt_checksum(tle_block(90000 + k, f"BAD {k}", AT)) for k in range(25))
    path.write_text(tle_block(25544, "ISS (ZARYA)", AT) + bad)
    res = load_element_sets("25544", files=[path], at=AT)
    skipped = [w for w in res.warnings if w.startswith(("skipped bad record", "... and"))]
    assert len(skipped) == 21 and "5 more bad or duplicate records" in skipped[-1]
    assert all("\n" not in w for w in skipped)  # one line each on stderr


def test_a_stale_constellation_gets_one_summary_line(active_2026):
    """35 equally old BDS-3 sets: one line, not 35 near-identical warnings."""
    from orbitkit.elements.sources import load_element_sets as load

    res = load("beidou-3", files=[active_2026], at="2026-05-01T00:00:00Z", offline=True)
    stale = [w for w in res.warnings if "staleness" in w or "older than" in w]
    assert len(stale) == 1 and stale[0].startswith("35 element sets are")
    single = load("48274", files=[active_2026], at="2026-05-01T00:00:00Z", offline=True)
    assert any("older than 14 days" in w for w in single.warnings)


def test_sets_studied_at_their_own_epoch(active_2026):
    """Real sets: the time is their newest epoch (whole minutes); none: nominal at the fallback."""
    from datetime import datetime

    from orbitkit.elements.sources import load_element_sets_at_epoch

    res, at = load_element_sets_at_epoch("fengyun-4a,fengyun-4b", files=[active_2026],
                                         fallback_at="2026-03-01T00:00:00Z")
    newest = max(es.epoch for es in res.sets)
    assert at == newest.replace(second=0, microsecond=0) and res.at == at
    assert res.source_note().startswith("real element sets (file)")
    res, at = load_element_sets_at_epoch("fengyun-4a", fallback_at="2026-03-01T00:00:00Z")
    assert at == datetime.fromisoformat("2026-03-01T00:00:00+00:00")
    assert res.any_nominal and res.source_note().startswith("nominal design orbits")
    with pytest.raises(ValueError):
        load_element_sets_at_epoch("fengyun-4a", fallback_at=at, pick="middle")


def test_docked_spacecraft_are_one_orbit(active_2026):
    """The 2026 snapshot gives the three station modules and the docked Shenzhou-22 the same
    elements under four NORAD numbers: one orbit, kept once under the first in target order;
    distinct orbits (BeiDou-3) are never merged, nor a real set with a nominal one."""
    from orbitkit.elements.select import shared_orbit_groups
    from orbitkit.elements.sources import load_element_sets as load

    res = load("tiangong,shenzhou", files=[active_2026], at="2026-02-24T00:00:00Z",
               offline=True)
    ids = [es.norad_id for es in res.sets]
    assert {48274, 53239, 54216, 66645} <= set(ids)
    assert shared_orbit_groups(res.sets) == [[ids.index(n) for n in (48274, 53239, 54216,
                                                                      66645)]]
    merged, notes = res.one_per_orbit()
    assert [es.norad_id for es in merged.sets] == [48274]
    assert [m.norad_id for m in merged.members] == [48274]
    assert len(notes) == 1 and notes[0].startswith("CSS (WENTIAN) (53239), CSS (MENGTIAN)")
    assert "shown once, as 48274" in notes[0]
    assert len(res.sets) == 4  # the original is left as it was

    bds = load("beidou-3", files=[active_2026], at="2026-02-24T00:00:00Z", offline=True)
    assert shared_orbit_groups(bds.sets) == [] and bds.one_per_orbit() == (bds, [])
    # the modules' design orbits are one orbit too; distinct design orbits are kept apart
    nominal = load("tiangong", at="2026-02-24T00:00:00Z", offline=True)
    assert nominal.any_nominal and len(nominal.sets) == 3
    merged, notes = nominal.one_per_orbit()
    assert len(merged.sets) == 1 and "share one nominal design orbit with" in notes[0]
    nominal_bds = load("beidou-3", at="2026-02-24T00:00:00Z", offline=True)
    assert nominal_bds.any_nominal and shared_orbit_groups(nominal_bds.sets) == []
    # a real set and a nominal one are never the same orbit
    assert shared_orbit_groups([res.sets[0], nominal.sets[0]]) == []


def test_no_orbit_before_launch(active_2026):
    """Wentian was launched on 2022-07-24: asked for in 2021, neither the 2026 file's set nor
    a design orbit stands in for it; it is missing with the launch date as the reason."""
    from orbitkit.elements.sources import load_element_sets as load

    res = load("tiangong", files=[active_2026], at="2021-08-25T00:00:00Z", offline=True)
    assert [es.norad_id for es in res.sets] == [48274]
    assert res.missing_reasons["Wentian laboratory module"] == (
        "not launched until 2022-07-24: no orbit on 2021-08-25")
    nominal = load("tiangong", at="2022-07-24T23:00:00Z", offline=True)  # launch day counts
    assert [es.norad_id for es in nominal.sets] == [48274, 53239]
    with pytest.raises(ElementsUnavailableError, match="not yet launched"):
        load("54216", files=[active_2026], at="2021-08-25T00:00:00Z", offline=True)
