"""The catalogue loader, its validation, user extension and the target resolver."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbitkit.catalog import CATEGORIES, ORBIT_CLASSES, STATUSES, load_catalog, resolve_target
from orbitkit.errors import CatalogError, TargetError


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_every_system_validates_and_uses_known_vocabularies(catalog):
    assert len(catalog) >= 5
    for system in catalog.systems.values():
        assert system.category in CATEGORIES
        assert system.source in system.sources
        for member in system.members:
            assert member.status in STATUSES
            assert member.orbit_class in ORBIT_CLASSES
            for fact in ("norad_id", "cospar_id", "orbit_class", "status"):
                if getattr(member, fact) is not None:
                    assert member.source_of(fact) in system.sources, (member.name, fact)


def test_system_key_resolves_to_all_members(catalog):
    members = resolve_target("beidou-3", catalog)
    assert len(members) == len(catalog.system("beidou-3").members) == 35
    assert {m.orbit_class for m in members} == {"MEO", "IGSO", "GEO"}


def test_name_alias_and_chinese_name_are_case_insensitive(catalog):
    (tianhe,) = resolve_target("css (tianhe)", catalog)
    assert tianhe.norad_id == 48274
    assert resolve_target("  Tianhe  ", catalog) == [tianhe]
    assert resolve_target("天和", catalog) == [tianhe]


def test_renamed_beidou_meo_resolves_by_either_name(catalog):
    # CelesTrak called 43107 "BEIDOU-3 M3 (C27)" in 2021 and "BEIDOU-3 M7" in 2026, and gave
    # "BEIDOU-3 M7" to 43245 in 2021 (SOURCES.md): the current name wins, old names still work.
    assert [m.norad_id for m in resolve_target("BEIDOU-3 M7", catalog)] == [43107]
    assert [m.norad_id for m in resolve_target("BEIDOU-3 M3 (C27)", catalog)] == [43107]
    assert [m.norad_id for m in resolve_target("BEIDOU-3 M7 (C29)", catalog)] == [43245]


def test_norad_cospar_and_mixed_lists(catalog):
    members = resolve_target("48274, 2017-069A,fengyun,48274", catalog)
    norads = [m.norad_id for m in members]
    assert norads[:2] == [48274, 43001]
    assert norads.count(48274) == 1  # duplicates dropped, order kept
    assert any(m.system_key == "fengyun" for m in members)


def test_unknown_norad_number_is_a_bare_member(catalog):
    (member,) = resolve_target("25544", catalog)
    assert member.norad_id == 25544 and member.system_key == "" and member.orbit_class is None


def test_unknown_target_suggests_close_matches(catalog):
    with pytest.raises(TargetError, match=r"unknown target 'beidou3'.*did you mean.*beidou-3"):
        resolve_target("beidou3", catalog)
    with pytest.raises(TargetError, match="unknown COSPAR id"):
        resolve_target("1999-999Z", catalog)
    with pytest.raises(TargetError, match="empty target"):
        resolve_target(" , ", catalog)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


USER_SYSTEM = """
key = "my-cubesats"
name = "My cubesats"
name_zh = "我的立方星"
category = "science"
operator = "A university"
description = "Two student cubesats."
source = "ME"
elements = "tle"
[sources]
ME = "our own tracking"
[[members]]
name = "STUDENTSAT-1"
aliases = []
norad_id = 99901
orbit_class = "SSO"
status = "active"
source = "ME"
"""


def test_user_folder_adds_a_system_and_overrides_a_member(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    _write(folder, "cubesats.toml", USER_SYSTEM)
    _write(folder, "bds-fix.toml", """
key = "beidou-3"
[sources]
MINE = "my notes"
[[members]]
name = "BeiDou-3 M1"
norad_id = 43001
status = "spare"
note = "moved to spare in my scenario"
sources = { status = "MINE" }
""")
    monkeypatch.setenv("ORBITKIT_CATALOG_PATH", str(folder))
    catalog = load_catalog()
    assert [m.norad_id for m in catalog.resolve("my-cubesats")] == [99901]
    (m1,) = catalog.resolve("43001")
    assert m1.status == "spare" and m1.source_of("status") == "MINE"
    assert m1.prn == "C19"  # facts not overridden are kept
    assert len(catalog.system("beidou-3").members) == 35


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key = 'Bad Key'", "'key' must be a lower-case id"),
        ("key = 'x'\nname = 'X'", "missing required key"),
        (USER_SYSTEM.replace('category = "science"', 'category = "fun"'), "category 'fun'"),
        (USER_SYSTEM.replace('orbit_class = "SSO"', 'orbit_class = "LOW"'), "orbit_class 'LOW'"),
        (USER_SYSTEM.replace('status = "active"', 'status = "alive"'), "status 'alive'"),
        (USER_SYSTEM.replace('source = "ME"\n', 'source = "NOPE"\n'), "'NOPE'"),
        (USER_SYSTEM.replace("norad_id = 99901", 'norad_id = "99901"'), "wrong type"),
        (USER_SYSTEM.replace("aliases = []", "aliases = []\nflavour = 1"), "unknown field"),
        ("key = [", "not valid TOML"),
        (USER_SYSTEM.replace('status = "active"', 'status = "retired"\nstatus_date = '
                             '"2025-01-01"\nstatus_known_by = "2026-02-24"'), "not both"),
    ],
    ids=["bad-key", "missing-keys", "category", "orbit-class", "status", "undeclared-source",
         "norad-type", "unknown-field", "toml-syntax", "two-status-dates"],
)
def test_bad_user_file_names_file_key_and_problem(tmp_path, monkeypatch, text, message):
    path = _write(tmp_path / "bad", "broken.toml", text)
    monkeypatch.setenv("ORBITKIT_CATALOG_PATH", str(path.parent))
    with pytest.raises(CatalogError) as info:
        load_catalog()
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_undated_retirement_says_only_when_it_was_known():
    """Mozi left the 'active' snapshot between 2021 and 2026 and no source dates its end:
    the catalogue says 'retired by 2026-02-24', never an invented end date."""
    (mozi,) = load_catalog().resolve("mozi")
    assert mozi.status == "retired" and mozi.status_date is None
    assert mozi.status_known_by == "2026-02-24" and mozi.source_of("status_known_by") == "A26"
    assert mozi.to_dict()["status_known_by"] == "2026-02-24"
