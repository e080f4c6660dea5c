"""A faulty local GP server (issue 10, item 3): every fault CelesTrak (or a network) can show.

A ``http.server`` on 127.0.0.1 in a thread imitates ``gp.php``. For each fault: the cache is
never corrupted, the last good cache is served with its age, the message is clear, nothing
is retried after 403/404/301, retries after 5xx/timeouts are bounded with backoff, and no
query is repeated within 2 h (CelesTrak usage policy). No test touches the internet.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sgp4.api import Satrec
from sgp4.exporter import export_omm

from orbitkit.elements import celestrak
from orbitkit.elements.cache import ElementCache
from orbitkit.elements.celestrak import (
    BlockedError,
    Query,
    QueryTooSoonError,
    fetch_query,
)
from orbitkit.elements.sources import load_element_sets
from orbitkit.errors import FetchError

# Vallado/python-sgp4's ISS example set; a second copy stands in for Tianhe (48274).
ISS = ("1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927",
       "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537")
_KEEP = ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
         "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
         "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
         "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")


def _records() -> list[dict]:
    omm = export_omm(Satrec.twoline2rv(*ISS), "ISS (ZARYA)")
    iss = {k: omm[k] for k in _KEEP}
    tianhe = dict(iss, OBJECT_NAME="CSS (TIANHE)", OBJECT_ID="2021-035A", NORAD_CAT_ID=48274)
    return [iss, tianhe]


GOOD = json.dumps(_records()).encode()
HTML = b"<!DOCTYPE html><html><head><title>503</title></head><body>Maintenance</body></html>"
SLOW_S = 1.5
TIMEOUT_S = "0.5"


class _Handler(BaseHTTPRequestHandler):
    server: _GPServer

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        srv = self.server
        with srv.lock:
            srv.requests.append((self.path, self.headers.get("User-Agent")))
            mode = srv.modes.pop(0) if srv.modes else srv.default
        if srv.delay_s:
            time.sleep(srv.delay_s)
        if mode == "good":
            self._send(200, GOOD, "application/json")
        elif mode == "html200":
            self._send(200, HTML, "text/html")
        elif mode in ("403", "404", "500", "503"):
            self._send(int(mode), b"error", "text/plain")
        elif mode == "301":
            self.send_response(301)
            self.send_header("Location", "https://celestrak.example/new/gp.php")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif mode == "slow":
            time.sleep(SLOW_S)
            self._send(200, GOOD, "application/json")
        elif mode == "reset":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(GOOD)))
            self.end_headers()
            self.wfile.write(GOOD[: len(GOOD) // 2])
            self.wfile.flush()
            # SO_LINGER 0: close with a TCP RST, as a dropped connection looks mid-body.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        elif mode == "truncated":
            self._send(200, GOOD[: len(GOOD) * 2 // 3], "application/json")
        elif mode == "empty":
            self._send(200, b"", "application/json")
        elif mode == "nodata":
            self._send(200, b"No GP data found", "text/plain")
        else:  # pragma: no cover
            raise AssertionError(mode)

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _GPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str | None]] = []
        self.modes: list[str] = []
        self.default = "good"
        self.delay_s = 0.0

    def handle_error(self, request, client_address) -> None:  # faults are on purpose
        pass

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/NORAD/elements/gp.php"


@pytest.fixture
def server(monkeypatch) -> Iterator[_GPServer]:
    srv = _GPServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    monkeypatch.delenv("ORBITKIT_OFFLINE", raising=False)
    monkeypatch.setenv("ORBITKIT_CELESTRAK_URL", srv.url)
    monkeypatch.setenv("ORBITKIT_FETCH_TIMEOUT_S", TIMEOUT_S)
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Backoff waits, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr(celestrak, "_sleep", waits.append)
    return waits


QUERY = Query("CATNR", "48274")
HOURS_AGO = 5.0


def _good_cache(server: _GPServer) -> tuple[ElementCache, dict[str, bytes]]:
    """A good snapshot fetched 5 h ago (so the 2-hour rule allows a new query now)."""
    cache = ElementCache()
    outcome = fetch_query(QUERY, cache=cache,
                          now=datetime.now(UTC) - timedelta(hours=HOURS_AGO))
    assert outcome.path is not None and outcome.count == 2
    server.requests.clear()
    return cache, _files(cache)


def _files(cache: ElementCache) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in cache.folder.glob("*.json")
            if p.name != "queries.json"}


def _assert_served_from_cache_with_age(capsys=None) -> None:
    res = load_element_sets("48274", max_age_h=1.0)
    assert [es.source for es in res.sets] == ["cache"]
    assert res.sets[0].norad_id == 48274
    text = "\n".join(res.warnings)
    assert "fetched 5.0 h ago" in text


# --------------------------------------------------------------------------- good path

def test_good_reply_is_cached_with_user_agent_and_json_format(server):
    cache = ElementCache()
    outcome = fetch_query(QUERY, cache=cache)
    assert outcome.count == 2 and outcome.path and outcome.path.exists()
    path, agent = server.requests[0]
    assert "CATNR=48274" in path and "FORMAT=json" in path
    assert agent and agent.startswith("orbitkit/")
    res = load_element_sets("48274", max_age_h=24.0)
    assert res.sets[0].source == "cache" and not any("fetched" in w for w in res.warnings)


def test_analysis_fetches_on_its_own_when_the_cache_lacks_the_object(server):
    res = load_element_sets("48274")
    assert [es.source for es in res.sets] == ["cache"]  # fetched, stored, read back
    assert len(server.requests) == 1


def test_offline_never_touches_the_network(server, monkeypatch):
    monkeypatch.setenv("ORBITKIT_OFFLINE", "1")
    res = load_element_sets("48274")
    assert res.sets[0].source == "nominal"
    with pytest.raises(FetchError, match="network is off"):
        fetch_query(QUERY)
    assert server.requests == []


# --------------------------------------------------------------------------- 2-hour rule

def test_no_query_repeated_within_2_h_across_processes(server):
    fetch_query(QUERY, cache=ElementCache())
    assert len(server.requests) == 1
    # a new cache object reads the persisted query log, as another process would
    with pytest.raises(QueryTooSoonError, match="once per 2 h.*cached copy"):
        fetch_query(QUERY, cache=ElementCache(), force=True)
    load_element_sets("48274", max_age_h=0.0)  # an analysis wanting fresher data
    assert len(server.requests) == 1


def test_fresh_cache_is_not_refetched_without_force(server):
    fetch_query(QUERY)
    outcome = fetch_query(QUERY, now=datetime.now(UTC) + timedelta(hours=3))
    assert outcome.skipped and "--force" in outcome.skipped
    assert len(server.requests) == 1


# --------------------------------------------------------------------------- no retry

@pytest.mark.parametrize("mode, words", [
    ("403", "403 Forbidden"),
    ("404", "404 Not Found"),
    ("301", "301 (redirect to https://celestrak.example/new/gp.php)"),
])
def test_no_retry_after_403_404_301(server, sleeps, mode, words):
    cache, before = _good_cache(server)
    server.modes = [mode]
    with pytest.raises(FetchError) as err:
        fetch_query(QUERY, cache=cache, force=True)
    message = str(err.value)
    assert words in message and "cached copy" in message and "5.0 h old" in message
    assert len(server.requests) == 1 and sleeps == []
    assert _files(cache) == before


def test_after_403_no_query_at_all_for_2_h(server, sleeps):
    cache, _ = _good_cache(server)
    server.modes = ["403"]
    with pytest.raises(FetchError, match="403"):
        fetch_query(QUERY, cache=cache, force=True)
    with pytest.raises(BlockedError, match="sends nothing until"):
        fetch_query(Query("GROUP", "stations"), cache=ElementCache())
    assert len(server.requests) == 1
    _assert_served_from_cache_with_age()
    assert len(server.requests) == 1


# --------------------------------------------------------------------------- bounded retries

@pytest.mark.parametrize("mode", ["500", "503", "slow", "reset"])
def test_bounded_retries_with_backoff(server, sleeps, mode):
    cache, before = _good_cache(server)
    server.default = mode
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetch_query(QUERY, cache=cache, force=True)
    elapsed = time.monotonic() - t0
    message = str(err.value)
    assert "gave up after 3 tries" in message and "5.0 h old" in message
    expected = {"500": "HTTP 500", "503": "HTTP 503", "slow": "timed out",
                "reset": "mid-reply"}[mode]
    if mode == "reset":
        assert "mid-reply" in message or "reset" in message
    else:
        assert expected in message
    assert len(server.requests) == celestrak.MAX_TRIES
    assert sleeps == [1.0, 2.0]  # exponential backoff, bounded
    if mode == "slow":
        assert elapsed < 3 * float(TIMEOUT_S) + 1.0  # the timeout is honoured
    assert _files(cache) == before
    _assert_served_from_cache_with_age()


def test_retry_succeeds_after_one_5xx(server, sleeps):
    server.modes = ["500"]
    outcome = fetch_query(QUERY)
    assert outcome.count == 2 and len(server.requests) == 2 and sleeps == [1.0]


# --------------------------------------------------------------------------- bad payloads

@pytest.mark.parametrize("mode, words", [
    ("html200", "HTML page"),
    ("truncated", "not valid JSON"),
    ("empty", "empty"),
    ("nodata", "No GP data found"),
])
def test_bad_payload_with_200_is_refused_and_cache_kept(server, sleeps, mode, words):
    cache, before = _good_cache(server)
    server.modes = [mode]
    with pytest.raises(FetchError) as err:
        fetch_query(QUERY, cache=cache, force=True)
    assert words in str(err.value) and "nothing stored" in str(err.value)
    assert len(server.requests) == 1 and sleeps == []
    assert _files(cache) == before
    _assert_served_from_cache_with_age()


def test_analysis_reports_fetch_failure_and_cache_age(server, sleeps):
    _good_cache(server)
    server.default = "500"
    res = load_element_sets("48274", max_age_h=1.0)
    assert res.sets[0].source == "cache"
    text = "\n".join(res.warnings)
    assert "CelesTrak fetch failed" in text and "HTTP 500" in text
    assert "fetched 5.0 h ago" in text


# --------------------------------------------------------------------------- two processes

_FETCH = "from orbitkit.cli import main; raise SystemExit(main(['fetch', '--all']))"


@pytest.mark.slow
def test_two_fetch_processes_at_once_leave_a_valid_cache(server):
    server.delay_s = 0.1  # long enough for the two processes to overlap
    env = dict(os.environ)
    procs = [subprocess.Popen([sys.executable, "-c", _FETCH], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    cache = ElementCache()
    snaps = cache.snapshots()
    # each group fetched exactly once (the second process waited, then saw the 2-hour rule)
    assert sorted(s.query_key for s in snaps) == sorted(
        f"GROUP-{g}" for g in celestrak.GROUPS_ALL)
    assert len(server.requests) == len(celestrak.GROUPS_ALL)
    for snap in snaps:
        assert json.loads(snap.path.read_text()) == _records()
    assert not list(cache.folder.glob(".*.tmp"))
    stdout = b"".join(out for out, _ in outs).decode()
    assert "skipped: cache is" in stdout  # the later process found the fresh snapshots


def test_fetch_cli_reports_a_403_and_exits_1(server, capsys):
    from orbitkit.cli import main

    server.default = "403"
    assert main(["fetch", "48274"]) == 1
    err = capsys.readouterr().err
    assert "403 Forbidden" in err and "Traceback" not in err


def test_cache_root_is_the_env_folder():
    assert ElementCache().root == Path(os.environ["ORBITKIT_CACHE_DIR"])
