"""The ``orbitkit`` command line: ``orbitkit VERB TARGET [options]``.

Argument parsing and printing only; every verb calls the library. Each verb lives in
its own module ``orbitkit.cli.<verb>`` with ``register(subparsers)``; only verbs listed in
:data:`VERBS` (and that import) are offered.

Exit status: 0 success, 2 user error (bad file, target, time, option value), 1 internal
error. Data goes to stdout; warnings and progress to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from orbitkit import __version__
from orbitkit.errors import OrbitkitError, UserError

#: Verb modules, in the order ``orbitkit --help`` lists them.
VERBS = (
    "catalog_cmd",
    "sites_cmd",
    "elements_cmd",
    "ephemeris_cmd",
    "passes_cmd",
    "skyplot_cmd",
    "coverage_cmd",
    "groundtrack_cmd",
    "mission_cmd",
    "compare_orbits_cmd",
    "serve_cmd",
    "conjunctions_cmd",
    "pc_cmd",
)

# A value such as "-33.87,151.21" or "-60,60,50,170" after an option: argparse would take it
# for an option itself, so it is glued to its option with "=" before parsing.
_NEGATIVE_VALUE = re.compile(r"^-\d[\d.]*(,[-+]?[\d.]+)*$")


def _glue_negative_values(argv: Sequence[str]) -> list[str]:
    out: list[str] = []
    for token in argv:
        if (
            out
            and _NEGATIVE_VALUE.match(token)
            and out[-1].startswith("--")
            and "=" not in out[-1]
            and out[-1] != "--"
        ):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 2 through our own contract (message + hint)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"orbitkit: error: {message}\n")
        sys.stderr.write(f"Run '{self.prog} --help' for the options.\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="orbitkit",
        description="Where is it, when does it pass, how well does BeiDou cover a region: "
        "the space systems of China's 2021 white paper on real orbital data.",
    )
    parser.add_argument("--version", action="version", version=f"orbitkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name in VERBS:
        try:
            module = importlib.import_module(f"orbitkit.cli.{name}")
        except ModuleNotFoundError as exc:
            # A verb whose module is not (yet) there is simply not offered.
            if exc.name == f"orbitkit.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    from orbitkit.cli.console import final_note, prepare_streams

    prepare_streams()  # a cp1252/ascii console: transliterate instead of crashing
    try:
        return _run(argv, debug)
    finally:
        final_note()


def _run(argv: list[str], debug: bool) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(_glue_negative_values(argv))
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        status = args.func(args)
        return int(status or 0)
    except UserError as exc:
        if debug:
            raise
        sys.stderr.write(f"orbitkit: error: {exc}\n")
        return 2
    except OrbitkitError as exc:
        if debug:
            raise
        sys.stderr.write(f"orbitkit: error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("orbitkit: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
        if debug:
            raise
        sys.stderr.write(
            f"orbitkit: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in orbitkit; run again with --debug for the traceback and report it.\n"
        )
        return 1


def entry_point() -> None:
    """Console-script entry."""
    raise SystemExit(main())
