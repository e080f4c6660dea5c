"""``orbitkit sites``: the ground sites any ``--station`` option accepts by key."""

from __future__ import annotations

import argparse

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
        [[s.key, s.name, s.kind, f"{s.lat_deg:.4f}", f"{s.lon_deg:.4f}", f"{s.alt_m:.0f}",
          "yes" if s.approximate else ""] for s in sites],
    )
    return 0
