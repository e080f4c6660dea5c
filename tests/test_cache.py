"""Cache integrity (issue 10, item 4): atomic writes, corrupted files set aside, query log.

No network: snapshots are written directly, as a successful fetch would write them.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sgp4.api import Satrec
from sgp4.exporter import export_omm

from orbitkit.elements import cache as cache_mod
from orbitkit.elements.cache import KEEP_PER_QUERY, ElementCache, atomic_write, format_age
from orbitkit.elements.celestrak import Query, QueryLog
from orbitkit.elements.sources import load_element_sets

ISS = ("1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
       "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537")


def _payload(epoch_shift_days: float = 0.0, norad: int = 25544) -> bytes:
    sat = Satrec.twoline2rv(*ISS)
    omm = export_omm(sat, "ISS (ZARYA)")
    epoch = datetime.fromisoformat(omm["EPOCH"]) + timedelta(days=epoch_shift_days)
    omm["EPOCH"] = epoch.strftime("%Y-%m-%dT%H:%M:%S.%f")
    omm["NORAD_CAT_ID"] = norad
    for key in ("CENTER_NAME", "REF_FRAME", "TIME_SYSTEM", "MEAN_ELEMENT_THEORY"):
        omm.pop(key)
    return json.dumps([omm]).encode()


AT = datetime(2008, 9, 21, tzinfo=UTC)


def test_atomic_write_leaves_the_old_file_when_the_rename_fails(tmp_path, monkeypatch, tried):
    target = tmp_path / "snap.json"
    target.write_bytes(b"old good content")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new content")
    assert target.read_bytes() == b"old good content"
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]  # temp file cleaned up
    tried("cache faults")


def test_write_is_date_stamped_and_keeps_the_newest_three():
    cache = ElementCache()
    t0 = datetime(2026, 2, 24, 10, 0, tzinfo=UTC)
    for k in range(5):
        path = cache.write("CATNR=25544", _payload(), t0 + timedelta(hours=3 * k))
    assert path.name == "CATNR-25544__20260224T220000Z.json"
    snaps = cache.snapshots("CATNR=25544")
    assert len(snaps) == KEEP_PER_QUERY
    assert snaps[0].fetched_at == t0 + timedelta(hours=12)


def test_corrupted_snapshot_is_set_aside_reported_and_the_older_one_used(tried):
    cache = ElementCache()
    now = datetime.now(UTC)
    cache.write("CATNR=25544", _payload(), now - timedelta(hours=30))
    newest = cache.write("CATNR=25544", _payload(), now - timedelta(hours=1))
    newest.write_bytes(newest.read_bytes()[:57])  # a half-written file (e.g. copied by hand)
    res = load_element_sets("25544", at=AT)
    assert [es.source for es in res.sets] == ["cache"]
    text = "\n".join(res.warnings)
    assert f"cache file {newest} is corrupted" in text and "moved aside" in text
    assert "fetched 30.0 h ago" in text
    aside = list(cache.folder.glob(newest.name + ".corrupt-*"))
    assert len(aside) == 1 and not newest.exists()
    # a second run no longer sees it
    res = load_element_sets("25544", at=AT)
    assert not any("corrupted" in w for w in res.warnings)
    tried("cache faults", 2)


@pytest.mark.parametrize("junk", [b"", b"\x00\xff\xfe binary", b"{}", b"[]", b"[1, 2]",
                                  b'[{"NORAD_CAT_ID": 25544, "EPOCH": "yesterday"}]'])
def test_every_kind_of_damage_is_detected(junk, tried):
    cache = ElementCache()
    path = cache.write("CATNR=25544", _payload(), datetime.now(UTC))
    path.write_bytes(junk)
    lookup = cache.lookup([25544], AT)
    assert not lookup.found
    assert len(lookup.warnings) == 1 and "is corrupted" in lookup.warnings[0]
    assert not path.exists() and len(list(cache.folder.glob("*.corrupt-*"))) == 1
    tried("cache faults")


def test_nearest_epoch_is_chosen_among_snapshots():
    cache = ElementCache()
    now = datetime.now(UTC)
    cache.write("CATNR=25544", _payload(-10.0), now - timedelta(hours=5))
    cache.write("GROUP=stations", _payload(0.0), now - timedelta(hours=4))
    cache.write("GROUP=active", _payload(+10.0), now - timedelta(hours=3))
    res = load_element_sets("25544", at=AT + timedelta(days=9))
    assert res.sets[0].epoch.date().isoformat() == "2008-09-30"
    assert len(res.all_sets.sets_for(25544)) == 3
    res = load_element_sets("25544", at=AT - timedelta(days=2))
    assert res.sets[0].epoch.date().isoformat() == "2008-09-20"


def test_cache_without_the_object_and_offline_says_how_to_fix():
    ElementCache().write("CATNR=25544", _payload(), datetime.now(UTC))
    from orbitkit.errors import ElementsUnavailableError

    with pytest.raises(ElementsUnavailableError) as err:
        load_element_sets("100123", at=AT)
    message = str(err.value)
    assert "--elements FILE" in message and "orbitkit fetch" in message
    assert "--offline" in message


def test_query_log_survives_damage(tried):
    cache = ElementCache()
    cache.folder.mkdir(parents=True)
    (cache.folder / "queries.json").write_text("{not json")
    log = QueryLog(cache)  # a damaged log is rebuilt, not fatal
    assert log.last_sent(Query("GROUP", "active")) is None
    when = datetime(2026, 2, 24, tzinfo=UTC)
    log.record(Query("GROUP", "active"), when, "ok")
    assert QueryLog(cache).last_sent(Query("GROUP", "active")) == when
    tried("cache faults")


def test_lock_is_exclusive_between_holders(tmp_path):
    import fcntl

    cache = ElementCache()
    with cache.lock():
        with open(cache.folder / ".lock", "a+b") as fh:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(cache.folder / ".lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again


def test_format_age():
    assert format_age(35 * 60) == "35 min"
    assert format_age(5.2 * 3600) == "5.2 h"
    assert format_age(3.1 * 86400) == "3.1 days"


def test_cache_root_defaults_to_platformdirs(monkeypatch):
    monkeypatch.delenv("ORBITKIT_CACHE_DIR")
    root = cache_mod.cache_root()
    assert root.name == "orbitkit" or "orbitkit" in str(root)


def test_a_name_known_only_to_the_cache_resolves():
    ElementCache().write("GROUP=stations", _payload(), datetime.now(UTC))
    res = load_element_sets("ISS (ZARYA)", at=AT)
    assert res.sets[0].norad_id == 25544 and res.sets[0].source == "cache"
    assert res.members[0].name == "ISS (ZARYA)"
