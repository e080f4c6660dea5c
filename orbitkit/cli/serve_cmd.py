"""``orbitkit serve``: the planning page in a browser, offline, on this machine.

Argument parsing and start-up only: the application is :func:`orbitkit.web.app.create_app`,
served by uvicorn. The web stack is imported here, when the verb runs, never by
``import orbitkit`` or by building the command line.
"""

from __future__ import annotations

import argparse
import errno
import socket

from orbitkit.cli.common import add_elements_options, info, warn
from orbitkit.errors import UserError

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="the planning page in a browser: GNSS sky and DOP, station passes, ground track",
        description="Start a local web server with the planning page (satellites in view "
        "and PDOP/HDOP/VDOP over a day, sky plot, world PDOP map, space-station passes "
        "with calendar/CSV export, the station's ground track) and its JSON endpoints "
        "(/api/planning, /api/passes, ...). Everything is served from the package: no "
        "internet needed with --offline. Stop it with Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=8000, metavar="N",
                        help="TCP port (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", metavar="H",
                        help="address to listen on (default 127.0.0.1, this machine only; "
                        "0.0.0.0 shares the page with the local network)")
    add_elements_options(parser)
    parser.set_defaults(func=run)


def _check_port(host: str, port: int) -> None:
    """Say clearly when the port cannot be had, before the server's own log would."""
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: must lie in 1..65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except socket.gaierror:
        raise UserError(f"--host {host}: not an address of this machine") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(f"--port {port}: already in use on {host}; give another "
                            "--port") from None
        raise UserError(f"--host {host} --port {port}: cannot listen there "
                        f"({exc.strerror or exc})") from None


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from orbitkit.web.app import create_app
    except ModuleNotFoundError as exc:
        raise UserError(f"orbitkit serve needs the web stack ({exc.name} is not installed); "
                        "pip install starlette uvicorn (or reinstall orbitkit)") from None

    _check_port(args.host, args.port)
    if args.host not in _LOCAL_HOSTS:
        warn(f"--host {args.host}: the page and its endpoints are open to every machine "
             "that can reach this address (read-only; no file of this machine is served)")
    app = create_app(args.elements or [], offline=bool(args.offline))
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"orbitkit: serving the planning page at http://{shown}:{args.port}/ "
          "(Ctrl-C stops)", flush=True)
    if args.offline:
        info("offline: element sets from the --elements files, the cache, or nominal orbits")
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning",
                            access_log=False, lifespan="off")
    uvicorn.Server(config).run()
    return 0
