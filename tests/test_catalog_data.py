"""Checks of the catalogue data files in ``catalog/`` against ``catalog/FORMAT.md``.

Plain ``tomllib`` only (no orbitkit imports), so the data can be checked independently
of the loader. The cross-checks against the real CelesTrak snapshot use the
``active_2026`` fixture and skip when the shared data is absent.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "catalog"
SYSTEM_FILES = sorted(p for p in CATALOG.glob("*.toml") if p.name != "sites.toml")

CATEGORIES = {
    "navigation", "meteorology", "crewed", "remote-sensing", "communications",
    "relay", "science", "lunar", "planetary",
}
ELEMENTS = {"tle", "partial", "none"}
ORBIT_CLASSES = {"LEO", "SSO", "MEO", "IGSO", "GEO", "HEO", "lunar", "mars", "heliocentric"}
STATUSES = {"active", "spare", "retired", "decayed", "landed"}
SITE_KINDS = {"launch", "ttc", "deep-space", "control", "teaching"}
KEY_RE = re.compile(r"^[a-z0-9-]+$")
COSPAR_RE = re.compile(r"^\d{4}-\d{3}[A-Z]{1,3}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z)?$")
PRN_RE = re.compile(r"^C\d{2}$")


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def systems() -> dict[str, dict]:
    return {p.name: _load(p) for p in SYSTEM_FILES}


@pytest.fixture(scope="module")
def sites() -> dict:
    return _load(CATALOG / "sites.toml")


def _alpha5(field: str) -> int:
    field = field.strip()
    if field.isdigit():
        return int(field)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # alpha-5: I and O are skipped
    return (10 + letters.index(field[0])) * 10000 + int(field[1:])


def _cospar(line1: str) -> str:
    c = line1[9:17].strip()
    yy = int(c[:2])
    return f"{1900 + yy if yy >= 57 else 2000 + yy}-{c[2:]}"


@pytest.fixture(scope="module")
def snapshot_2026(active_2026: Path) -> dict[int, tuple[str, str]]:
    """NORAD -> (name, COSPAR) from the 2026-02-24 active snapshot."""
    lines = [ln.rstrip("\r\n") for ln in active_2026.read_text().splitlines()]
    out: dict[int, tuple[str, str]] = {}
    i = 0
    while i < len(lines) - 2:
        if lines[i + 1].startswith("1 ") and lines[i + 2].startswith("2 "):
            name = lines[i].strip()
            if name.startswith("0 "):
                name = name[2:]
            out[_alpha5(lines[i + 1][2:7])] = (name, _cospar(lines[i + 1]))
            i += 3
        else:
            i += 1
    assert len(out) > 10000
    return out


def test_there_are_more_than_20_systems(systems):
    assert len(systems) > 20


def test_file_name_is_key_and_keys_unique(systems):
    keys = set()
    for fname, s in systems.items():
        assert s["key"] == fname[:-5], fname
        assert KEY_RE.match(s["key"]), fname
        assert s["key"] not in keys
        keys.add(s["key"])


def test_system_required_fields(systems):
    for fname, s in systems.items():
        for k in ("key", "name", "name_zh", "category", "operator", "description", "source",
                  "elements"):
            assert isinstance(s.get(k), str) and s[k].strip(), (fname, k)
        assert "\n" not in s["description"], fname
        assert s["category"] in CATEGORIES, fname
        assert s["elements"] in ELEMENTS, fname
        if s["elements"] != "tle":
            assert s.get("elements_note"), (fname, "elements_note")
        assert isinstance(s.get("sources"), dict) and s["sources"], fname
        members = s.get("members", [])
        assert isinstance(members, list)
        if not members:
            assert s["elements"] == "none" and s.get("events"), fname


def _used_source_ids(s: dict) -> set[str]:
    ids = {s["source"]}
    for m in s.get("members", []):
        ids.add(m["source"])
        ids.update(m.get("sources", {}).values())
    for e in s.get("events", []):
        ids.add(e["source"])
    if "nominal" in s:
        ids.add(s["nominal"]["source"])
    return ids


def test_every_source_id_is_declared(systems, sites):
    for fname, s in systems.items():
        missing = _used_source_ids(s) - set(s["sources"])
        assert not missing, (fname, missing)
    declared = set(sites["sources"])
    for site in sites["sites"]:
        assert site["source"] in declared, site["key"]


def test_member_fields(systems):
    for fname, s in systems.items():
        for m in s.get("members", []):
            where = (fname, m.get("name"))
            assert isinstance(m.get("name"), str) and m["name"], where
            assert isinstance(m.get("aliases"), list), where
            assert all(isinstance(a, str) and a for a in m["aliases"]), where
            assert m.get("orbit_class") in ORBIT_CLASSES, where
            assert m.get("status") in STATUSES, where
            assert isinstance(m.get("source"), str), where
            if m["status"] in ("decayed", "retired", "landed"):
                # when the change is dated by a source, else the date by which it held
                dates = [m[k] for k in ("status_date", "status_known_by") if k in m]
                assert len(dates) == 1 and DATE_RE.match(dates[0]), where
            if "launch_date" in m:
                assert DATE_RE.match(m["launch_date"]), where
            if "norad_id" in m:
                assert isinstance(m["norad_id"], int) and m["norad_id"] > 0, where
            if "cospar_id" in m:
                assert COSPAR_RE.match(m["cospar_id"]), where
            if "geo_longitude_deg" in m:
                assert m["orbit_class"] == "GEO", where
                assert -180.0 <= m["geo_longitude_deg"] <= 180.0, where
            if "ltan_h" in m:
                assert m["orbit_class"] == "SSO" and 0.0 <= m["ltan_h"] < 24.0, where
            if "prn" in m:
                assert PRN_RE.match(m["prn"]), where
            if "slot" in m:
                assert isinstance(m["slot"], int) and "plane" in m, where
            if "inclination_deg" in m:
                assert 0.0 <= m["inclination_deg"] <= 180.0, where
            if m["orbit_class"] == "SSO" and "inclination_deg" in m:
                assert 96.0 <= m["inclination_deg"] <= 100.5, where
            if m["status"] == "landed":
                site = m.get("landing_site")
                assert isinstance(site, dict), where
                assert site["body"] in ("Mars", "Moon"), where
                assert -90 <= site["lat_deg"] <= 90 and -180 <= site["lon_deg"] <= 180, where
            if "sources" in m:
                assert isinstance(m["sources"], dict), where


def test_norad_ids_unique_across_catalogue(systems):
    seen: dict[int, str] = {}
    for fname, s in systems.items():
        for m in s.get("members", []):
            if "norad_id" in m:
                assert m["norad_id"] not in seen, (fname, m["name"], seen.get(m["norad_id"]))
                seen[m["norad_id"]] = fname


def test_events(systems):
    for fname, s in systems.items():
        for e in s.get("events", []):
            for k in ("date_utc", "name", "description", "source"):
                assert isinstance(e.get(k), str) and e[k], (fname, k)
            assert DATETIME_RE.match(e["date_utc"]), (fname, e["date_utc"])


def test_active_members_are_in_the_2026_snapshot(systems, snapshot_2026):
    for fname, s in systems.items():
        for m in s.get("members", []):
            if m["status"] == "active" and "norad_id" in m:
                assert m["norad_id"] in snapshot_2026, (fname, m["name"])
                assert snapshot_2026[m["norad_id"]][1] == m.get("cospar_id"), (fname, m["name"])


def test_current_celestrak_name_is_an_alias(systems, snapshot_2026):
    for fname, s in systems.items():
        for m in s.get("members", []):
            if m.get("norad_id") in snapshot_2026:
                assert snapshot_2026[m["norad_id"]][0] in m["aliases"], (fname, m["name"])


def test_beidou3_has_every_bds3_object_of_the_snapshot(systems, snapshot_2026):
    bds3 = {n for n, (name, _) in snapshot_2026.items()
            if name.startswith("BEIDOU-3 ") and not name.startswith("BEIDOU-3S")}
    assert len(bds3) == 35
    members = systems["beidou-3.toml"]["members"]
    assert {m["norad_id"] for m in members} == bds3
    classes = [m["orbit_class"] for m in members]
    assert (classes.count("MEO"), classes.count("IGSO"), classes.count("GEO")) == (28, 3, 4)
    assert all(m["status"] == "active" for m in members)


def test_beidou3_nominal(systems):
    nom = systems["beidou-3.toml"]["nominal"]
    assert nom["meo_walker"] == "24/3/1"
    assert set(nom["meo_plane_raan_deg"]) == {"A", "B", "C"}
    assert 27800 < nom["meo_sma_km"] < 28000


def test_deep_space_systems(systems):
    tw = systems["tianwen-1.toml"]
    assert tw["elements"] == "none"
    zhurong = [m for m in tw["members"] if m["status"] == "landed"]
    assert len(zhurong) == 1 and zhurong[0]["landing_site"]["body"] == "Mars"
    change = systems["change.toml"]
    assert {m["landing_site"]["body"] for m in change["members"]} == {"Moon"}


def test_sites(sites):
    keys = set()
    for site in sites["sites"]:
        for k in ("key", "name", "name_zh", "kind", "country", "source"):
            assert isinstance(site.get(k), str) and site[k], (site.get("key"), k)
        assert KEY_RE.match(site["key"]) and site["key"] not in keys
        keys.add(site["key"])
        assert site["kind"] in SITE_KINDS
        assert -90 <= site["lat_deg"] <= 90 and -180 <= site["lon_deg"] <= 180
        if "alt_m" in site:
            assert isinstance(site["alt_m"], float)
        assert isinstance(site["approximate"], bool)
    assert {"jiuquan", "taiyuan", "xichang", "wenchang", "beijing"} <= keys
