"""The on-disk element cache: date-stamped CelesTrak snapshots, atomic writes, a lock.

Layout (``<cache>`` is ``ORBITKIT_CACHE_DIR`` or the user cache dir from ``platformdirs``)::

    <cache>/celestrak/GROUP-active__20260224T101500Z.json   one OMM JSON reply per query,
    <cache>/celestrak/CATNR-48274__20260224T101502Z.json    stamped with the fetch time (UTC)
    <cache>/celestrak/queries.json                          query log (2-hour rule, 403 block)
    <cache>/celestrak/.lock                                 fcntl lock held while fetching

Guarantees
----------
* A snapshot is written to a temporary file in the same folder and renamed over its final
  name (``os.replace``), so a reader never sees half a file, even if the writer dies.
* Writers (``orbitkit fetch`` processes) hold an exclusive ``fcntl`` lock on ``.lock``, so two
  fetches at once neither interleave nor repeat each other's query.
* A snapshot that does not parse is moved aside as ``<name>.corrupt-<UTC stamp>`` and
  reported; the next older snapshot of the same query is used instead.
* Only the newest :data:`KEEP_PER_QUERY` snapshots of each query are kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orbitkit.elements.model import ElementSet
from orbitkit.elements.select import nearest

__all__ = [
    "KEEP_PER_QUERY",
    "cache_root",
    "CachedSet",
    "CacheLookup",
    "Snapshot",
    "ElementCache",
    "atomic_write",
    "sets_from_omm_records",
    "format_age",
]

#: Snapshots kept per query; older ones are deleted after a successful fetch.
KEEP_PER_QUERY = 3

_STAMP = "%Y%m%dT%H%M%SZ"
_NAME_RE = re.compile(r"^(?P<key>[A-Za-z]+-[A-Za-z0-9._-]+?)__(?P<stamp>\d{8}T\d{6}Z)\.json$")


def cache_root() -> Path:
    """The orbitkit cache folder: ``ORBITKIT_CACHE_DIR`` or the platform's user cache dir."""
    env = os.environ.get("ORBITKIT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("orbitkit"))


def format_age(seconds: float) -> str:
    """``"35 min"``, ``"5.2 h"``, ``"3.1 days"``: an age a person reads at a glance."""
    if seconds < 3600:
        return f"{max(seconds, 0) / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder + ``os.replace``.

    The rename is atomic on POSIX and Windows when both names are on one file system, which
    is why the temporary file lives in the destination folder rather than in ``/tmp``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _parse_records(records: list[dict[str, Any]], origin: str,
                   source: str) -> tuple[list[ElementSet], list]:
    """OMM JSON records -> element sets and per-record errors, through the project parser."""
    from orbitkit.elements.parse import parse_text
    from orbitkit.errors import ElementFileError

    try:
        result = parse_text(json.dumps(records), path=origin, source=source, format="json")
    except ElementFileError as exc:  # no usable record at all
        return [], [exc]
    return list(result.sets), list(result.errors)


def sets_from_omm_records(records: list[dict[str, Any]], *, source: str,
                          origin: str) -> tuple[list[ElementSet], list]:
    """Element sets from CelesTrak OMM JSON records, tagged with ``source`` and ``origin``.

    Returns ``(sets, errors)``; ``errors`` holds one :class:`ElementParseError` per bad record.
    """
    sets, errors = _parse_records(records, origin, source)
    return [replace(es, source=source, origin=origin) for es in sets], errors


@dataclass(frozen=True)
class Snapshot:
    """One cached reply: which query, when fetched, where on disk."""

    path: Path
    query_key: str
    fetched_at: datetime

    def age_s(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.fetched_at).total_seconds()


@dataclass(frozen=True)
class CachedSet:
    """A set found in the cache and the snapshot it came from."""

    element_set: ElementSet
    snapshot: Snapshot


@dataclass
class CacheLookup:
    """Result of :meth:`ElementCache.lookup`: found sets (nearest ``at``) and warnings."""

    found: dict[int, CachedSet] = field(default_factory=dict)
    all_sets: list[ElementSet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ElementCache:
    """The CelesTrak snapshot cache under ``<root>/celestrak``.

    Parameters
    ----------
    root
        Cache root (default :func:`cache_root`, read when the object is made).
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else cache_root()
        self.folder = self.root / "celestrak"

    # ------------------------------------------------------------------ locking
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive inter-process lock on the cache (blocks until free)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: atomic renames still protect readers
            yield
            return
        with open(self.folder / ".lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # ------------------------------------------------------------------ listing
    def snapshots(self, query_key: str | None = None) -> list[Snapshot]:
        """Cached snapshots, newest first (optionally of one query only)."""
        if not self.folder.is_dir():
            return []
        out: list[Snapshot] = []
        for path in self.folder.iterdir():
            match = _NAME_RE.match(path.name)
            if not match:
                continue
            key = match["key"]
            if query_key is not None and key != _file_key(query_key):
                continue
            stamp = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
            out.append(Snapshot(path=path, query_key=key, fetched_at=stamp))
        out.sort(key=lambda s: s.fetched_at, reverse=True)
        return out

    def newest(self, query_key: str | None = None) -> Snapshot | None:
        snaps = self.snapshots(query_key)
        return snaps[0] if snaps else None

    # ------------------------------------------------------------------ writing
    def write(self, query_key: str, payload: bytes, fetched_at: datetime | None = None) -> Path:
        """Store one validated reply atomically; prune older snapshots of the same query.

        The caller validates ``payload`` first (see :mod:`orbitkit.elements.celestrak`).
        """
        fetched_at = (fetched_at or datetime.now(UTC)).astimezone(UTC)
        path = self.folder / f"{_file_key(query_key)}__{fetched_at.strftime(_STAMP)}.json"
        atomic_write(path, payload)
        for old in self.snapshots(query_key)[KEEP_PER_QUERY:]:
            with contextlib.suppress(OSError):
                old.path.unlink()
        return path

    def set_aside(self, path: Path) -> Path:
        """Move a corrupted snapshot out of the way: ``<name>.corrupt-<UTC stamp>``."""
        target = path.with_name(f"{path.name}.corrupt-{datetime.now(UTC).strftime(_STAMP)}")
        os.replace(path, target)
        return target

    # ------------------------------------------------------------------ reading
    def _records(self, snap: Snapshot) -> list[dict[str, Any]]:
        data = json.loads(snap.path.read_bytes().decode("utf-8"))
        if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
            raise ValueError("not a non-empty JSON list of OMM records")
        return data

    def lookup(self, norad_ids: Iterable[int], at: datetime) -> CacheLookup:
        """Sets of the wanted objects in every snapshot; per object the one nearest ``at``.

        Corrupted snapshots are set aside and named in ``warnings``.
        """
        wanted = {int(n) for n in norad_ids}
        result = CacheLookup()
        if not wanted:
            return result
        candidates: dict[int, list[CachedSet]] = {}
        for snap in self.snapshots():
            try:
                records = self._records(snap)
                chosen = [r for r in records if _norad(r) in wanted]
                if not chosen:
                    continue
                origin = f"cache {snap.path.name}"
                sets, errors = sets_from_omm_records(chosen, source="cache", origin=origin)
                if errors:
                    raise ValueError(str(errors[0]))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                # json.JSONDecodeError is a ValueError: a truncated or damaged snapshot.
                moved = self._set_aside_quietly(snap.path)
                result.warnings.append(
                    f"cache file {snap.path} is corrupted ({_short(exc)}); moved aside to "
                    f"{moved.name if moved else '(could not move)'} and ignored; "
                    "'orbitkit fetch' rebuilds it")
                continue
            for es in sets:
                candidates.setdefault(es.norad_id, []).append(CachedSet(es, snap))
                result.all_sets.append(es)
        for norad, cands in candidates.items():
            best = nearest([c.element_set for c in cands], at)
            result.found[norad] = next(c for c in cands if c.element_set is best)
        return result

    def _set_aside_quietly(self, path: Path) -> Path | None:
        try:
            return self.set_aside(path)
        except OSError:
            return None

    def norad_ids(self) -> set[int]:
        """Every object number held in the (readable) snapshots."""
        out: set[int] = set()
        for snap in self.snapshots():
            with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
                out.update(n for n in (_norad(r) for r in self._records(snap)) if n is not None)
        return out

    def find_name(self, name: str) -> list[int]:
        """NORAD numbers whose OBJECT_NAME equals ``name`` (case-insensitive) in any snapshot."""
        want = " ".join(name.casefold().split())
        out: set[int] = set()
        for snap in self.snapshots():
            with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
                for rec in self._records(snap):
                    if " ".join(str(rec.get("OBJECT_NAME", "")).casefold().split()) == want:
                        n = _norad(rec)
                        if n is not None:
                            out.add(n)
        return sorted(out)


def _norad(record: dict[str, Any]) -> int | None:
    try:
        return int(record.get("NORAD_CAT_ID"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _file_key(query_key: str) -> str:
    """``GROUP=active`` -> ``GROUP-active`` (a file-name-safe query key)."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", query_key.replace("=", "-", 1))


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:160]


def snapshot_summary(snaps: Sequence[Snapshot]) -> list[dict[str, Any]]:
    """JSON-ready list of snapshots (for ``orbitkit fetch`` output)."""
    now = datetime.now(UTC)
    return [{"query": s.query_key, "path": str(s.path),
             "fetched_utc": s.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "age_h": round(s.age_s(now) / 3600.0, 2)} for s in snaps]


def cache_max_age_h() -> float:
    """Cache age (h) beyond which an analysis refreshes from CelesTrak, for every front end
    (CLI verbs, web endpoints): ``ORBITKIT_CACHE_MAX_AGE_H`` or 24 h (CelesTrak updates GP
    data a few times a day; more often is pointless)."""
    try:
        value = float(os.environ.get("ORBITKIT_CACHE_MAX_AGE_H", "24"))
    except ValueError:
        return 24.0
    return value if value > 0 else 24.0
