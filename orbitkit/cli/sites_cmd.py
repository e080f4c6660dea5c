"""``orbitkit sites``: the ground sites any ``--station`` option accepts by key."""

from __future__ import annotations

import argparse
import sys

from orbitkit.cli.common import add_format_option, emit_json, emit_table
from orbitkit.sites import load_sites


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sites", help="ground sites usable as --station KEY")
    add_format_option(parser, ("table", "json"), "table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sites = sorted(load_sites().values(), key=lambda s: (s.kind, s.key))
    if args.format == "json":
        emit_json([s.to_dict() for s in sites])
        return 0
    emit_table(
        ["key", "name", "kind", "lat_deg", "lon_deg", "alt_m", "approx"],
        [[s.key, s.name, s.kind, f"{s.lat_deg:.4f}", f"{s.lon_deg:.4f}",
          f"{s.alt_m:.0f}" if s.alt_known else "?", "yes" if s.approximate else ""]
         for s in sites],
    )
    if any(not s.alt_known for s in sites):
        sys.stdout.write("alt_m ?: no sourced height; 0 m is used\n")
    return 0
