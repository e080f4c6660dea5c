"""The Starlette application of ``orbitkit serve``: routes, error answers, page files.

Why Starlette (BSD-3-Clause) and uvicorn (BSD-3-Clause): a small, maintained ASGI stack with
few dependencies (anyio; click and h11 for the server), a test client for endpoint tests,
and sync endpoints run in a thread pool, so the numpy work does not block the event loop.

Errors: every :class:`~orbitkit.errors.UserError` becomes a 4xx with ``{"error": message}``
(400 bad parameter, 404 unknown target or path, 413 too large, 422 no usable elements for
that time); anything else is a 500 with a one-line ``{"error": ...}`` and the traceback only
in the server's log, never in the answer.

Page files: the files under ``orbitkit/web/static`` are read once at start-up into a table
keyed by their relative path; ``/static/<name>`` answers only names in that table. No
request path is ever joined to a folder, so ``/static/../../etc/passwd`` and its
percent-encoded forms are 404s by construction, not by a filter that might miss a spelling.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from orbitkit.errors import (
    ElementsUnavailableError,
    RequestTooLargeError,
    TargetError,
    UserError,
)
from orbitkit.web.api import ApiError, PlanningApi

__all__ = ["create_app", "STATIC_DIR", "LAND_FILE"]

log = logging.getLogger("orbitkit.web")

STATIC_DIR = Path(__file__).with_name("static")
LAND_FILE = Path(__file__).resolve().parents[1] / "data" / "naturalearth" / "ne_110m_land.geojson"

# The page may load only its own files and talk only to its own server.
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml",
          ".png": "image/png", ".json": "application/json"}


def _static_table(folder: Path) -> dict[str, tuple[bytes, str]]:
    table: dict[str, tuple[bytes, str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            name = path.relative_to(folder).as_posix()
            kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] \
                or "application/octet-stream"
            table[name] = (path.read_bytes(), kind)
    return table


def _status(exc: UserError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    if isinstance(exc, RequestTooLargeError):
        return 413
    if isinstance(exc, TargetError):
        return 404
    if isinstance(exc, ElementsUnavailableError):
        return 422
    return 400


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status,
                        headers={"Cache-Control": "no-store"})


def _guarded(fn: Callable[[Request], Response],
             redact: Callable[[str], str] = str) -> Callable[[Request], Response]:
    """An endpoint whose errors answer as JSON: 4xx for the user's (without the server's
    folders), 500 (logged) for ours."""

    def endpoint(request: Request) -> Response:
        try:
            return fn(request)
        except UserError as exc:
            return _error(_status(exc), redact(str(exc)))
        except Exception as exc:  # noqa: BLE001 - the server's last line of defence
            log.exception("internal error on %s", request.url.path)
            return _error(500, f"internal error ({type(exc).__name__}); this is a bug in "
                          "orbitkit: the server's log has the details")

    endpoint.__name__ = fn.__name__
    return endpoint


def _json(obj: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(body, media_type="application/json",
                    headers={"Cache-Control": "no-store", **(headers or {})})


def create_app(element_files: Sequence[str | Path] = (), *, offline: bool = False,
               api: PlanningApi | None = None) -> Starlette:
    """The ASGI application.

    Parameters
    ----------
    element_files, offline
        As ``orbitkit serve --elements FILE ... --offline``.
    api
        A ready :class:`~orbitkit.web.api.PlanningApi` (tests share one between apps).
    """
    api = api or PlanningApi(element_files, offline=offline)
    static = _static_table(STATIC_DIR)
    land = LAND_FILE.read_bytes()

    def q(request: Request) -> dict[str, str]:
        return dict(request.query_params)

    def index(request: Request) -> Response:
        body, kind = static["index.html"]
        return Response(body, media_type=kind, headers={"Content-Security-Policy": _CSP,
                                                         "Cache-Control": "no-cache"})

    def static_file(request: Request) -> Response:
        entry = static.get(request.path_params["name"])
        if entry is None:
            return _error(404, "no such page file")
        body, kind = entry
        return Response(body, media_type=kind, headers={"Cache-Control": "no-cache",
                                                        "X-Content-Type-Options": "nosniff"})

    def info(request: Request) -> Response:
        return _json(api.info())

    def sites(request: Request) -> Response:
        return _json(api.sites())

    def land_geojson(request: Request) -> Response:
        return Response(land, media_type="application/geo+json",
                        headers={"Cache-Control": "max-age=86400"})

    def planning(request: Request) -> Response:
        return _json(api.planning(q(request)))

    def passes(request: Request) -> Response:
        records, warnings = api.passes(q(request))
        return _json(records, {"X-Orbitkit-Warnings": json.dumps(warnings[:20])})

    def passes_ics(request: Request) -> Response:
        return _export(request, "ics")

    def passes_csv(request: Request) -> Response:
        return _export(request, "csv")

    def _export(request: Request, fmt: str) -> Response:
        text, kind, filename = api.passes_export(q(request), fmt)
        return Response(text, media_type=kind.split(";")[0],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                 "Cache-Control": "no-store"})

    def groundtrack(request: Request) -> Response:
        return _json(api.groundtrack(q(request)))

    def pdopmap(request: Request) -> Response:
        return _json(api.pdop_map(q(request)))

    routes = [
        Route("/", _guarded(index, api.redact)),
        Route("/static/{name:path}", _guarded(static_file, api.redact)),
        Route("/api/info", _guarded(info, api.redact)),
        Route("/api/sites", _guarded(sites, api.redact)),
        Route("/api/land", _guarded(land_geojson, api.redact)),
        Route("/api/planning", _guarded(planning, api.redact)),
        Route("/api/passes", _guarded(passes, api.redact)),
        Route("/api/passes.ics", _guarded(passes_ics, api.redact)),
        Route("/api/passes.csv", _guarded(passes_csv, api.redact)),
        Route("/api/groundtrack", _guarded(groundtrack, api.redact)),
        Route("/api/pdopmap", _guarded(pdopmap, api.redact)),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "") or "error"
        return _error(status, "not found" if status == 404 else str(detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s: %r", request.url.path, exc)
        return _error(500, "internal error; the server's log has the details")

    return Starlette(
        routes=routes,
        middleware=[Middleware(GZipMiddleware, minimum_size=2048)],
        exception_handlers={HTTPException: http_error, 500: server_error},
    )
