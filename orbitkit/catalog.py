"""The white-paper catalogue: systems, their members, and the target resolver.

The catalogue is data (``catalog/*.toml``, format in ``catalog/FORMAT.md``) shipped inside
the wheel as ``orbitkit/_catalog``. A user folder (``ORBITKIT_CATALOG_PATH``, several
folders separated by ``os.pathsep``, else ``<config dir>/catalog``) may add systems or
override members of existing ones.

Every command resolves its TARGET here: a system key, a satellite name or alias
(case-insensitive), a NORAD number, a COSPAR id, or a comma-separated mix.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from orbitkit.errors import CatalogError, TargetError

__all__ = [
    "CATEGORIES",
    "ORBIT_CLASSES",
    "STATUSES",
    "Member",
    "System",
    "Catalog",
    "builtin_catalog_dir",
    "user_catalog_dirs",
    "load_catalog",
    "resolve_target",
]

CATEGORIES = (
    "navigation", "meteorology", "crewed", "remote-sensing", "communications",
    "relay", "science", "lunar", "planetary",
)
ORBIT_CLASSES = ("LEO", "SSO", "MEO", "IGSO", "GEO", "HEO", "lunar", "mars", "heliocentric")
STATUSES = ("active", "spare", "retired", "decayed", "landed")
ELEMENT_AVAILABILITY = ("tle", "partial", "none")

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COSPAR_RE = re.compile(r"^\d{4}-\d{3}[A-Z]{1,3}$")

# Facts a member may carry; each must be covered by a source (the member's default
# ``source`` or an entry in its ``sources`` table).
_MEMBER_FACTS: dict[str, type | tuple[type, ...]] = {
    "aliases": list,
    "norad_id": int,
    "cospar_id": str,
    "orbit_class": str,
    "status": str,
    "status_date": (str, date),
    "status_known_by": (str, date),
    "launch_date": (str, date),
    "prn": str,
    "plane": str,
    "slot": int,
    "geo_longitude_deg": (int, float),
    "ltan_h": (int, float),
    "altitude_km": (int, float),
    "hard_body_radius_m": (int, float),
    "inclination_deg": (int, float),
    "landing_site": dict,
    "note": str,
}
_SYSTEM_REQUIRED = ("key", "name", "name_zh", "category", "operator", "description",
                    "source", "elements")


@dataclass(frozen=True)
class Member:
    """One spacecraft of a system (or an object known only by its NORAD number)."""

    name: str
    system_key: str
    orbit_class: str | None
    status: str
    aliases: tuple[str, ...] = ()
    norad_id: int | None = None
    cospar_id: str | None = None
    status_date: str | None = None
    status_known_by: str | None = None
    launch_date: str | None = None
    prn: str | None = None
    plane: str | None = None
    slot: int | None = None
    geo_longitude_deg: float | None = None
    ltan_h: float | None = None
    altitude_km: float | None = None
    hard_body_radius_m: float | None = None
    inclination_deg: float | None = None
    landing_site: dict[str, Any] | None = None
    note: str | None = None
    source: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def source_of(self, fact: str) -> str | None:
        """Source id of one fact (``"prn"``, ``"norad_id"``, ...)."""
        return self.sources.get(fact, self.source)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "system": self.system_key,
            "norad_id": self.norad_id,
            "cospar_id": self.cospar_id,
            "orbit_class": self.orbit_class,
            "status": self.status,
        }
        for key in ("status_date", "status_known_by", "launch_date", "prn", "plane", "slot",
                    "geo_longitude_deg", "ltan_h", "altitude_km", "hard_body_radius_m",
                    "inclination_deg", "landing_site", "note"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["aliases"] = list(self.aliases)
        out["source"] = self.source
        if self.sources:
            out["sources"] = dict(self.sources)
        return out


@dataclass(frozen=True)
class System:
    """A system the white paper names (BeiDou-3, Fengyun, Tiangong, Tianwen-1, ...)."""

    key: str
    name: str
    name_zh: str
    category: str
    operator: str
    description: str
    source: str
    elements: str
    members: tuple[Member, ...]
    sources: dict[str, str]
    elements_note: str | None = None
    nominal: dict[str, Any] = field(default_factory=dict)
    events: tuple[dict[str, Any], ...] = ()
    path: str = ""

    def to_dict(self, *, with_members: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "name_zh": self.name_zh,
            "category": self.category,
            "operator": self.operator,
            "description": self.description,
            "elements": self.elements,
        }
        if self.elements_note:
            out["elements_note"] = self.elements_note
        if with_members:
            out["members"] = [m.to_dict() for m in self.members]
            if self.events:
                out["events"] = [_plain(e) for e in self.events]
            if self.nominal:
                out["nominal"] = _plain(self.nominal)
            out["sources"] = dict(self.sources)
        else:
            out["members"] = len(self.members)
        return out


def _plain(value: Any) -> Any:
    """TOML dates/datetimes -> ISO strings, recursively, for JSON output."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    return value


def _norm(text: str) -> str:
    return " ".join(text.strip().casefold().split())


class Catalog:
    """All systems, with lookups by key, NORAD number, COSPAR id and name."""

    def __init__(self, systems: dict[str, System]) -> None:
        self.systems = dict(systems)
        self._by_norad: dict[int, Member] = {}
        self._by_cospar: dict[str, Member] = {}
        self._by_name: dict[str, list[Member]] = {}
        self._by_primary_name: dict[str, list[Member]] = {}
        for system in self.systems.values():
            for member in system.members:
                if member.norad_id is not None:
                    self._by_norad.setdefault(member.norad_id, member)
                if member.cospar_id:
                    self._by_cospar.setdefault(member.cospar_id.upper(), member)
                self._by_primary_name.setdefault(_norm(member.name), []).append(member)
                for name in (member.name, *member.aliases):
                    bucket = self._by_name.setdefault(_norm(name), [])
                    if member not in bucket:
                        bucket.append(member)

    def __len__(self) -> int:
        return len(self.systems)

    def system(self, key: str) -> System:
        try:
            return self.systems[key.strip().lower()]
        except KeyError:
            raise TargetError(_unknown("system", key, list(self.systems))) from None

    def members(self) -> list[Member]:
        return [m for s in self.systems.values() for m in s.members]

    def by_norad(self, norad_id: int) -> Member | None:
        return self._by_norad.get(int(norad_id))

    def resolve(self, target: str) -> list[Member]:
        """Members named by a target string; see :func:`resolve_target`."""
        tokens = [t.strip() for t in str(target).split(",")]
        if not any(tokens):
            raise TargetError("empty target: give a system key, a name, a NORAD number or a "
                              "COSPAR id (see 'orbitkit catalog list')")
        found: list[Member] = []
        for token in tokens:
            if not token:
                continue
            for member in self._resolve_one(token):
                if member not in found:
                    found.append(member)
        return found

    def _resolve_one(self, token: str) -> list[Member]:
        key = token.lower()
        if key in self.systems:
            return list(self.systems[key].members)
        if token.isdigit():
            number = int(token)
            known = self._by_norad.get(number)
            if known is not None:
                return [known]
            # Not in our catalogue: still a valid object for element files and CelesTrak.
            return [Member(name=f"NORAD {number}", system_key="", orbit_class=None,
                           status="active", norad_id=number)]
        if _COSPAR_RE.match(token.upper()):
            known = self._by_cospar.get(token.upper())
            if known is not None:
                return [known]
            raise TargetError(f"unknown COSPAR id {token!r}: no catalogue member has it "
                              "(give its NORAD number to use an element file)")
        # A current name wins over an old alias: CelesTrak reused BeiDou MEO names
        # ("BEIDOU-3 M7" was 43245 in 2021 and is 43107 in 2026).
        named = self._by_primary_name.get(_norm(token)) or self._by_name.get(_norm(token))
        if named:
            return list(named)
        choices = list(self.systems) + [m.name for m in self.members()] + [
            a for m in self.members() for a in m.aliases]
        raise TargetError(_unknown("target", token, choices))


def _unknown(kind: str, token: str, choices: list[str]) -> str:
    lowered = {c.casefold(): c for c in choices}
    close = difflib.get_close_matches(token.casefold(), list(lowered), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(lowered[c]) for c in close)}?" if close else ""
    return (f"unknown {kind} {token!r}{hint} "
            "(targets: a system key, a satellite name or alias, a NORAD number or a COSPAR id; "
            "'orbitkit catalog list' shows the systems)")


# --------------------------------------------------------------------------- loading

def builtin_catalog_dir() -> Path:
    """The catalogue shipped with orbitkit (inside the wheel, or ``catalog/`` in a checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_catalog", here.parent / "catalog"):
        if (candidate / "sites.toml").is_file() or any(candidate.glob("*.toml")):
            return candidate
    raise CatalogError(f"orbitkit's catalogue is missing (looked in {here / '_catalog'}); "
                       "reinstall orbitkit")


def user_config_dir() -> Path:
    env = os.environ.get("ORBITKIT_CONFIG_DIR")
    if env:
        return Path(env)
    from platformdirs import user_config_dir as _ucd

    return Path(_ucd("orbitkit"))


def user_catalog_dirs() -> list[Path]:
    """User catalogue folders, in the order they apply (later ones win)."""
    env = os.environ.get("ORBITKIT_CATALOG_PATH")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [user_config_dir() / "catalog"]


def _require(cond: bool, path: Path, where: str, problem: str) -> None:
    if not cond:
        raise CatalogError(f"{path}: {where}: {problem}")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from None


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _parse_member(raw: Any, index: int, key: str, sources: dict[str, str], path: Path,
                  partial: bool = False) -> Member:
    where = f"system {key!r}, members[{index}]"
    _require(isinstance(raw, dict), path, where, "each [[members]] entry must be a table")
    name = raw.get("name")
    _require(isinstance(name, str) and bool(name.strip()), path, where,
             "'name' is required and must be a non-empty string")
    where = f"system {key!r}, member {name!r}"
    unknown = set(raw) - set(_MEMBER_FACTS) - {"name", "source", "sources"}
    _require(not unknown, path, where, f"unknown field(s) {sorted(unknown)}; "
             f"allowed: {sorted(_MEMBER_FACTS)} (see catalog/FORMAT.md)")
    for fact, kind in _MEMBER_FACTS.items():
        if fact in raw:
            ok = isinstance(raw[fact], kind) and not (kind is int and isinstance(raw[fact], bool))
            _require(ok, path, where, f"field {fact!r} has the wrong type "
                     f"({type(raw[fact]).__name__}; expected {getattr(kind, '__name__', kind)})")
    if not partial:
        _require("orbit_class" in raw and "status" in raw, path, where,
                 "'orbit_class' and 'status' are required")
    if "orbit_class" in raw:
        _require(raw["orbit_class"] in ORBIT_CLASSES, path, where,
                 f"orbit_class {raw['orbit_class']!r} is not one of {list(ORBIT_CLASSES)}")
    if "status" in raw:
        _require(raw["status"] in STATUSES, path, where,
                 f"status {raw['status']!r} is not one of {list(STATUSES)}")
    if "norad_id" in raw:
        _require(raw["norad_id"] > 0, path, where, "norad_id must be a positive integer")
    if "cospar_id" in raw:
        _require(bool(_COSPAR_RE.match(raw["cospar_id"])), path, where,
                 f"cospar_id {raw['cospar_id']!r} is not of the form YYYY-NNNP (e.g. 2017-069A)")
    if "geo_longitude_deg" in raw:
        _require(-180.0 <= raw["geo_longitude_deg"] <= 180.0, path, where,
                 "geo_longitude_deg must be in -180..180 (east positive)")
    default_source = raw.get("source")
    member_sources = raw.get("sources", {})
    _require(isinstance(member_sources, dict), path, where, "'sources' must be a table")
    for fact, sid in [("source", default_source), *member_sources.items()]:
        if sid is not None:
            _require(sid in sources, path, where,
                     f"source id {sid!r} (for {fact}) is not declared in [sources]")
    if not partial:
        facts = [f for f in _MEMBER_FACTS if f in raw and f not in ("aliases", "note")]
        missing = [f for f in facts if f not in member_sources and default_source is None]
        _require(not missing, path, where,
                 f"fact(s) {missing} carry no source: add 'source' or a 'sources' entry")
    values: dict[str, Any] = {k: raw[k] for k in _MEMBER_FACTS if k in raw}
    values["aliases"] = tuple(str(a) for a in values.get("aliases", ()))
    _require(not ("status_date" in values and "status_known_by" in values), path, where,
             "give 'status_date' (when the status began) or 'status_known_by' (a date by "
             "which it held, its start unsourced), not both")
    for k in ("status_date", "status_known_by", "launch_date"):
        if k in values:
            values[k] = _iso(values[k])
    if "hard_body_radius_m" in raw:
        _require(0.0 < raw["hard_body_radius_m"] < 1000.0, path, where,
                 "hard_body_radius_m must be a radius in metres, > 0 and < 1000")
    for k in ("geo_longitude_deg", "ltan_h", "altitude_km", "hard_body_radius_m",
              "inclination_deg"):
        if k in values:
            values[k] = float(values[k])
    return Member(name=name.strip(), system_key=key,
                  orbit_class=values.pop("orbit_class", None),
                  status=values.pop("status", "active"),
                  source=default_source, sources=dict(member_sources), **values)


def _parse_system(path: Path, base: System | None = None) -> System:
    raw = _read_toml(path)
    key = raw.get("key")
    _require(isinstance(key, str) and bool(_KEY_RE.match(key or "")), path, "key",
             f"'key' must be a lower-case id like 'beidou-3', got {key!r}")
    where = f"system {key!r}"
    overriding = base is not None
    if not overriding:
        missing = [k for k in _SYSTEM_REQUIRED if k not in raw]
        _require(not missing, path, where, f"missing required key(s) {missing}")
    for k in _SYSTEM_REQUIRED:
        if k in raw:
            _require(isinstance(raw[k], str), path, where, f"{k!r} must be a string")
    if "category" in raw:
        _require(raw["category"] in CATEGORIES, path, where,
                 f"category {raw['category']!r} is not one of {list(CATEGORIES)}")
    if "elements" in raw:
        _require(raw["elements"] in ELEMENT_AVAILABILITY, path, where,
                 f"elements {raw['elements']!r} is not one of {list(ELEMENT_AVAILABILITY)}")
        if raw["elements"] != "tle":
            _require(isinstance(raw.get("elements_note"), str), path, where,
                     "a system without full element data needs 'elements_note' saying why")
    sources = dict(base.sources) if base else {}
    new_sources = raw.get("sources", {})
    _require(isinstance(new_sources, dict), path, where, "[sources] must be a table")
    sources.update({str(k): str(v) for k, v in new_sources.items()})
    if "source" in raw:
        _require(raw["source"] in sources, path, where,
                 f"source id {raw['source']!r} is not declared in [sources]")
    members_raw = raw.get("members", [])
    _require(isinstance(members_raw, list), path, where, "'members' must be an array of tables")

    if overriding:
        members = list(base.members)
        for i, m in enumerate(members_raw):
            norad = m.get("norad_id") if isinstance(m, dict) else None
            slot = next((j for j, old in enumerate(members)
                         if (norad is not None and old.norad_id == norad)
                         or (norad is None and isinstance(m, dict)
                             and old.name == m.get("name"))), None)
            if slot is None:
                members.append(_parse_member(m, i, key, sources, path))
            else:
                merged = {**_member_fields(members[slot]), **m}
                members[slot] = _parse_member(merged, i, key, sources, path)
    else:
        members = [_parse_member(m, i, key, sources, path) for i, m in enumerate(members_raw)]
    events = raw.get("events", base.events if base else ())
    _require(isinstance(events, list | tuple), path, where, "'events' must be an array of tables")
    for i, event in enumerate(events):
        _require(isinstance(event, dict) and "date_utc" in event and "name" in event,
                 path, f"{where}, events[{i}]", "each event needs 'date_utc' and 'name'")
    nominal = raw.get("nominal", base.nominal if base else {})
    _require(isinstance(nominal, dict), path, where, "[nominal] must be a table")

    def pick(k: str, default: Any = None) -> Any:
        return raw.get(k, getattr(base, k) if base else default)

    return System(
        key=key, name=pick("name"), name_zh=pick("name_zh"), category=pick("category"),
        operator=pick("operator"), description=pick("description"), source=pick("source"),
        elements=pick("elements"), elements_note=pick("elements_note"),
        members=tuple(members), sources=sources, nominal=dict(nominal),
        events=tuple(events), path=str(path),
    )


def _member_fields(member: Member) -> dict[str, Any]:
    out = {k: getattr(member, k) for k in _MEMBER_FACTS if getattr(member, k) is not None}
    out["aliases"] = list(member.aliases)
    out["name"] = member.name
    if member.source:
        out["source"] = member.source
    if member.sources:
        out["sources"] = dict(member.sources)
    return out


def _system_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.name != "sites.toml")


@lru_cache(maxsize=8)
def _load(builtin: Path, user_dirs: tuple[Path, ...]) -> Catalog:
    systems: dict[str, System] = {}
    for path in _system_files(builtin):
        system = _parse_system(path)
        if system.key in systems:
            raise CatalogError(f"{path}: key {system.key!r} is already defined in "
                               f"{systems[system.key].path}")
        systems[system.key] = system
    for folder in user_dirs:
        if not folder.is_dir():
            continue
        for path in _system_files(folder):
            key = _read_toml(path).get("key")
            systems_key = key if isinstance(key, str) else None
            base = systems.get(systems_key) if systems_key else None
            system = _parse_system(path, base)
            systems[system.key] = system
    return Catalog(systems)


def load_catalog(extra_dirs: list[str | Path] | None = None) -> Catalog:
    """Load the built-in catalogue plus the user's folders (and ``extra_dirs``, applied last).

    Raises
    ------
    CatalogError
        A file is malformed; the message names the file, the key and the problem.
    """
    dirs = [*user_catalog_dirs(), *(Path(p) for p in (extra_dirs or []))]
    return _load(builtin_catalog_dir(), tuple(d.resolve() for d in dirs))


def resolve_target(target: str, catalog: Catalog | None = None) -> list[Member]:
    """Resolve a target string into catalogue members.

    Parameters
    ----------
    target
        A system key (``beidou-3``: all members), a satellite name or alias
        (case-insensitive, ``"BEIDOU-3 M1"``, ``"Tianhe"``, ``"天和"``), a NORAD number
        (``48274``; numbers not in the catalogue give a bare member), a COSPAR id
        (``2021-035A``), or a comma-separated mix. Duplicates are dropped, order is kept.

    Raises
    ------
    TargetError
        Unknown target; the message suggests the closest matches.
    """
    return (catalog or load_catalog()).resolve(target)


def with_overrides(member: Member, **changes: Any) -> Member:
    """A copy of a member with some facts changed (for user code and tests)."""
    return replace(member, **changes)
