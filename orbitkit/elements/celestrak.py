"""Fetching GP element sets from CelesTrak, by CelesTrak's published rules.

CelesTrak blocks clients that hammer it (same query again and again, calls after errors). The
rules here follow its published usage policy:

* Only an explicit ``orbitkit fetch``, or an analysis whose cache lacks the object or is older
  than ``max_age_h`` (24 h by default), ever fetches; ``--offline`` / ``ORBITKIT_OFFLINE=1``
  never touch the network.
* The same query is never sent twice within :data:`MIN_QUERY_INTERVAL_H` (2 h), across
  processes: every query is recorded in ``<cache>/celestrak/queries.json`` before it is sent.
  ``--force`` refreshes a cache younger than ``max_age_h`` but does **not** break this rule.
* Any non-200 answer stops the fetch and is reported; 403/404/301 (and other 3xx/4xx) are
  never retried. After a 403 no query at all is sent for the next 2 h (the block is recorded).
* Timeouts, connection resets and 5xx answers are retried at most :data:`MAX_TRIES` times in
  all, with exponential backoff (1 s, 2 s, ...).
* The timeout is at most 10 s; the User-Agent names orbitkit, its version and its home.
* A reply is stored only after validation (HTML with status 200, an empty reply, "No GP data
  found", truncated JSON or records that do not parse are refused): the cache is never
  overwritten with junk. The write is atomic (see :mod:`orbitkit.elements.cache`).

The base URL is ``https://celestrak.org/NORAD/elements/gp.php``; ``ORBITKIT_CELESTRAK_URL``
overrides it (the tests point it at a local faulty server).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from orbitkit.elements.cache import ElementCache, atomic_write, format_age, sets_from_omm_records
from orbitkit.errors import FetchError

__all__ = [
    "DEFAULT_URL",
    "GROUPS_ALL",
    "SYSTEM_GROUPS",
    "MIN_QUERY_INTERVAL_H",
    "MAX_TRIES",
    "Query",
    "FetchOutcome",
    "QueryTooSoonError",
    "BlockedError",
    "base_url",
    "user_agent",
    "is_offline",
    "fetch_query",
    "fetch_queries",
    "queries_for_norads",
    "validate_payload",
    "QueryLog",
]

DEFAULT_URL = "https://celestrak.org/NORAD/elements/gp.php"
PROJECT_URL = "https://github.com/orbitkit/orbitkit"

#: ``orbitkit fetch --all``: the CelesTrak groups orbitkit's systems live in. ``active`` holds
#: everything in orbit (BeiDou, Fengyun, CSS); the smaller groups are fetched as well because
#: they are what a user would point at for one system (and survive a trimmed ``active``).
GROUPS_ALL = ("active", "stations", "gnss", "beidou", "weather")

#: A catalogue system fetched as one group (instead of one CATNR query per member).
SYSTEM_GROUPS = {"beidou-3": "beidou", "fengyun": "weather", "tiangong": "stations"}

MIN_QUERY_INTERVAL_H = 2.0
BLOCK_H = 2.0
MAX_TRIES = 3
BACKOFF_S = 1.0
MAX_TIMEOUT_S = 10.0
#: More objects than this in one auto-fetch: one ``GROUP=active`` query instead of many CATNR.
MAX_CATNR_QUERIES = 5

# Patched by the tests so backoff does not make them slow.
_sleep: Callable[[float], None] = time.sleep


class QueryTooSoonError(FetchError):
    """The same query was sent less than 2 h ago (CelesTrak policy); the cache is used."""


class BlockedError(FetchError):
    """CelesTrak answered 403 less than 2 h ago: no query at all until the block ends."""


# --------------------------------------------------------------------------- settings

def base_url() -> str:
    """The GP service URL (``ORBITKIT_CELESTRAK_URL`` overrides the real one)."""
    return os.environ.get("ORBITKIT_CELESTRAK_URL") or DEFAULT_URL


def user_agent() -> str:
    from orbitkit import __version__

    return f"orbitkit/{__version__} (+{PROJECT_URL})"


def is_offline(offline: bool | None = None) -> bool:
    """True when the network is off: ``offline=True`` or ``ORBITKIT_OFFLINE`` set to 1/true/yes."""
    if offline:
        return True
    return os.environ.get("ORBITKIT_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def timeout_s(value: float | None = None) -> float:
    """Network timeout in s: ``value``, else ``ORBITKIT_FETCH_TIMEOUT_S``, else 10; at most 10."""
    if value is None:
        try:
            value = float(os.environ.get("ORBITKIT_FETCH_TIMEOUT_S", MAX_TIMEOUT_S))
        except ValueError:
            value = MAX_TIMEOUT_S
    return min(max(value, 0.05), MAX_TIMEOUT_S)


# --------------------------------------------------------------------------- queries

@dataclass(frozen=True)
class Query:
    """One GP query: ``kind`` is GROUP, CATNR or INTDES."""

    kind: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in ("GROUP", "CATNR", "INTDES"):
            raise ValueError(f"query kind must be GROUP, CATNR or INTDES, not {self.kind!r}")

    @property
    def key(self) -> str:
        return f"{self.kind}={self.value}"

    def url(self) -> str:
        params = urllib.parse.urlencode({self.kind: self.value, "FORMAT": "json"})
        return f"{base_url()}?{params}"


def queries_for_norads(norad_ids: Iterable[int]) -> list[Query]:
    """Few objects: one CATNR query each; many: a single ``GROUP=active`` query."""
    ids = sorted({int(n) for n in norad_ids})
    if len(ids) > MAX_CATNR_QUERIES:
        return [Query("GROUP", "active")]
    return [Query("CATNR", str(n)) for n in ids]


@dataclass
class FetchOutcome:
    """What one query did: stored a snapshot, or was skipped (and why)."""

    query: Query
    path: Path | None = None
    count: int = 0
    fetched_at: datetime | None = None
    skipped: str | None = None
    requests: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.key,
            "path": str(self.path) if self.path else None,
            "objects": self.count,
            "fetched_utc": self.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if self.fetched_at else None,
            "skipped": self.skipped,
        }


# --------------------------------------------------------------------------- query log

class QueryLog:
    """``queries.json`` in the cache folder: when each query was last sent; a 403 block.

    Read and written only while the cache lock is held; written atomically.
    """

    def __init__(self, cache: ElementCache) -> None:
        self.path = cache.folder / "queries.json"
        self.data: dict[str, Any] = {"queries": {}, "blocked_until": None}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("queries"), dict):
                self.data = loaded
        except (OSError, ValueError):
            # A missing or damaged log is rebuilt; the worst case is one early repeat query.
            pass

    def last_sent(self, query: Query) -> datetime | None:
        entry = self.data["queries"].get(query.key)
        if not entry:
            return None
        try:
            return datetime.fromisoformat(entry["sent_utc"])
        except (KeyError, TypeError, ValueError):
            return None

    def blocked_until(self) -> datetime | None:
        text = self.data.get("blocked_until")
        try:
            return datetime.fromisoformat(text) if text else None
        except (TypeError, ValueError):
            return None

    def record(self, query: Query, when: datetime, status: str) -> None:
        self.data["queries"][query.key] = {"sent_utc": when.isoformat(), "status": status}
        self.save()

    def block(self, until: datetime, reason: str) -> None:
        self.data["blocked_until"] = until.isoformat()
        self.data["blocked_reason"] = reason
        self.save()

    def save(self) -> None:
        atomic_write(self.path, json.dumps(self.data, indent=1).encode("utf-8"))


# --------------------------------------------------------------------------- validation

def validate_payload(body: bytes, query: Query) -> tuple[list[dict[str, Any]], int]:
    """Check a 200 reply before it may enter the cache.

    Returns
    -------
    (records, count)
        The OMM JSON records and the number of usable element sets among them.

    Raises
    ------
    FetchError
        Empty reply, HTML page, "No GP data found", not UTF-8, truncated/invalid JSON, not a
        list of OMM records, or no record that parses.
    """
    what = f"CelesTrak reply to {query.key}"
    if not body.strip():
        raise FetchError(f"{what} was empty (HTTP 200 with no data); nothing stored")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise FetchError(f"{what} is not UTF-8 text (binary junk?); nothing stored") from None
    head = text.lstrip()[:512].lower()
    if head.startswith("<") or "<html" in head or "<!doctype" in head:
        raise FetchError(f"{what} is an HTML page, not element data (CelesTrak may be showing "
                         "an error or maintenance page); nothing stored")
    if "no gp data found" in head:
        raise FetchError(f"CelesTrak has no element data for {query.key} ('No GP data found'): "
                         "check the number/group; nothing stored")
    try:
        records = json.loads(text)
    except ValueError as exc:
        raise FetchError(f"{what} is not valid JSON ({exc}); the download was probably cut "
                         "short; nothing stored") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FetchError(f"{what} is JSON but not a list of OMM records; nothing stored")
    if not records:
        raise FetchError(f"{what} holds no records; nothing stored")
    sets, errors = sets_from_omm_records(records, source="celestrak", origin=query.url())
    if not sets:
        first = f": {errors[0]}" if errors else ""
        raise FetchError(f"{what}: no record could be read as OMM{first}; nothing stored")
    return records, len(sets)


# --------------------------------------------------------------------------- HTTP

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Do not follow redirects: a 301 is reported (the URL in use is outdated), not chased."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


_RETRYABLE_EXC = (TimeoutError, socket.timeout, ConnectionResetError, ConnectionAbortedError,
                  http.client.IncompleteRead, http.client.RemoteDisconnected, BrokenPipeError)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, http.client.IncompleteRead):
        return f"connection closed mid-reply ({len(exc.partial)} bytes received)"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server"
    return f"{type(exc).__name__}: {exc}"


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500
    if isinstance(exc, urllib.error.URLError):
        return isinstance(exc.reason, _RETRYABLE_EXC)
    return isinstance(exc, _RETRYABLE_EXC)


def _get(url: str, timeout: float) -> bytes:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(),
                                                   "Accept": "application/json"})
    with opener.open(request, timeout=timeout) as response:
        status = getattr(response, "status", 200)
        if status != 200:
            # A 2xx other than 200 (e.g. 204) is still not the answer we asked for.
            raise FetchError(f"CelesTrak answered HTTP {status} for {url}; nothing stored")
        return response.read()


def _http_error_message(exc: urllib.error.HTTPError, query: Query, url: str) -> str:
    if exc.code == 403:
        return (f"CelesTrak refused {query.key} with HTTP 403 Forbidden: this address is probably "
                f"blocked for too many requests; orbitkit sends no query for the next "
                f"{BLOCK_H:g} h")
    if exc.code == 404:
        return f"CelesTrak answered HTTP 404 Not Found for {url}: check ORBITKIT_CELESTRAK_URL"
    if 300 <= exc.code < 400:
        where = exc.headers.get("Location") if exc.headers else None
        return (f"CelesTrak answered HTTP {exc.code} (redirect{' to ' + where if where else ''}) "
                f"for {url}: the service address changed; update orbitkit or set "
                "ORBITKIT_CELESTRAK_URL; not followed")
    return f"CelesTrak answered HTTP {exc.code} {exc.reason} for {query.key}"


# --------------------------------------------------------------------------- fetch

def fetch_query(query: Query, *, cache: ElementCache | None = None, force: bool = False,
                max_age_h: float = 24.0, timeout: float | None = None, tries: int = MAX_TRIES,
                backoff_s: float = BACKOFF_S, offline: bool | None = None,
                now: datetime | None = None) -> FetchOutcome:
    """Send one GP query (if the rules allow) and store the validated reply in the cache.

    Parameters
    ----------
    query
        The query.
    cache
        Cache to write into (default: :class:`ElementCache` at :func:`cache_root`).
    force
        Fetch even when the newest snapshot of this query is younger than ``max_age_h``
        (the 2-hour rule and a 403 block still apply).
    max_age_h
        A snapshot younger than this (hours) makes the query unnecessary.
    timeout
        Seconds per attempt (default ``ORBITKIT_FETCH_TIMEOUT_S`` or 10; capped at 10).
    tries, backoff_s
        At most ``tries`` attempts on timeouts/resets/5xx, waiting ``backoff_s * 2**k`` s.
    offline
        ``True`` (or ``ORBITKIT_OFFLINE=1``) refuses to fetch.

    Returns
    -------
    FetchOutcome
        With ``path`` set when a snapshot was stored, ``skipped`` when the cache was fresh.

    Raises
    ------
    QueryTooSoonError, BlockedError
        The 2-hour rule or a recent 403 forbids the query.
    FetchError
        Offline, or the query failed (HTTP status, timeout, reset, bad payload); the cache
        is untouched and the message says why.
    """
    if is_offline(offline):
        raise FetchError("the network is off (--offline or ORBITKIT_OFFLINE=1): not fetching "
                         f"{query.key}")
    cache = cache or ElementCache()
    timeout = timeout_s(timeout)
    with cache.lock():
        now = now or datetime.now(UTC)
        log = QueryLog(cache)
        newest = cache.newest(query.key)
        if newest is not None and not force and newest.age_s(now) < max_age_h * 3600.0:
            return FetchOutcome(query, path=newest.path, fetched_at=newest.fetched_at,
                                skipped=f"cache is {format_age(newest.age_s(now))} old "
                                        f"(younger than {max_age_h:g} h); use --force to refresh")
        blocked = log.blocked_until()
        if blocked is not None and now < blocked:
            raise BlockedError(
                f"CelesTrak refused a query with HTTP 403 recently; orbitkit sends nothing until "
                f"{blocked:%Y-%m-%d %H:%M}Z ({format_age((blocked - now).total_seconds())} "
                "from now) so the block is not extended" + _cache_hint(newest, now))
        last = log.last_sent(query)
        if last is not None and (now - last) < timedelta(hours=MIN_QUERY_INTERVAL_H):
            ago = format_age((now - last).total_seconds())
            raise QueryTooSoonError(
                f"{query.key} was already sent to CelesTrak {ago} ago; CelesTrak's policy "
                f"allows the same query once per {MIN_QUERY_INTERVAL_H:g} h"
                + _cache_hint(newest, now))
        # Recorded before sending: a crash or a failure still counts as a query sent.
        log.record(query, now, "sent")
        url = query.url()
        outcome = FetchOutcome(query)
        body: bytes | None = None
        for attempt in range(max(tries, 1)):
            outcome.requests += 1
            try:
                body = _get(url, timeout)
                break
            except urllib.error.HTTPError as exc:
                message = _http_error_message(exc, query, url)
                if exc.code == 403:
                    log.block(now + timedelta(hours=BLOCK_H), message)
                if not _is_retryable(exc) or attempt + 1 >= tries:
                    log.record(query, now, f"HTTP {exc.code}")
                    raise FetchError(_tries_note(message, attempt, exc)
                                     + _cache_hint(newest, now)) from None
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                message = f"fetching {query.key} from CelesTrak failed: {_describe(exc)}"
                if not _is_retryable(exc) or attempt + 1 >= tries:
                    log.record(query, now, _describe(exc))
                    raise FetchError(_tries_note(message, attempt, exc)
                                     + _cache_hint(newest, now)) from None
            _sleep(backoff_s * 2**attempt)
        assert body is not None
        try:
            records, count = validate_payload(body, query)
        except FetchError as exc:
            log.record(query, now, "bad payload")
            raise FetchError(str(exc) + _cache_hint(newest, now)) from None
        fetched_at = now  # the time the query was sent stamps the snapshot
        payload = json.dumps(records, separators=(",", ":")).encode("utf-8")
        outcome.path = cache.write(query.key, payload, fetched_at)
        outcome.count = count
        outcome.fetched_at = fetched_at
        log.record(query, now, "ok")
        return outcome


def _tries_note(message: str, attempt: int, exc: BaseException) -> str:
    if attempt > 0:
        return f"{message} (gave up after {attempt + 1} tries)"
    return message


def _cache_hint(newest: Any, now: datetime) -> str:
    if newest is None:
        return "; no cached copy of this query exists"
    return (f"; the cached copy from {newest.fetched_at:%Y-%m-%d %H:%M}Z "
            f"({format_age(newest.age_s(now))} old) is used")


def fetch_queries(queries: Sequence[Query], **kwargs: Any) -> tuple[list[FetchOutcome],
                                                                   list[FetchError]]:
    """Run several queries; stop at the first hard failure (not at 'too soon' skips).

    A failure other than the 2-hour rule stops the run, so a blocked or failing service is
    not asked again for the remaining queries.
    """
    outcomes: list[FetchOutcome] = []
    errors: list[FetchError] = []
    for query in queries:
        try:
            outcomes.append(fetch_query(query, **kwargs))
        except QueryTooSoonError as exc:
            errors.append(exc)
        except FetchError as exc:
            errors.append(exc)
            break
    return outcomes, errors
