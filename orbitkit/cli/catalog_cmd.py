"""``orbitkit catalog list|show``: what the white-paper catalogue holds."""

from __future__ import annotations

import argparse

from orbitkit.catalog import load_catalog
from orbitkit.cli.common import add_format_option, emit_json, emit_table


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("catalog", help="list the systems, or show one system's members")
    actions = parser.add_subparsers(dest="catalog_action", metavar="ACTION")
    listing = actions.add_parser("list", help="every system: key, name, category, members")
    add_format_option(listing, ("table", "json"), "table")
    listing.set_defaults(func=run_list)
    show = actions.add_parser("show", help="the members of a target (system, name, NORAD, ...)")
    show.add_argument("target", metavar="TARGET")
    add_format_option(show, ("table", "json"), "table")
    show.set_defaults(func=run_show)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def run_list(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    systems = sorted(catalog.systems.values(), key=lambda s: (s.category, s.key))
    if args.format == "json":
        emit_json([s.to_dict(with_members=False) for s in systems])
        return 0
    emit_table(
        ["key", "name", "中文", "category", "members", "elements"],
        [[s.key, s.name, s.name_zh, s.category, len(s.members), s.elements] for s in systems],
    )
    return 0


def run_show(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    key = args.target.strip().lower()
    if key in catalog.systems:
        system = catalog.systems[key]
        if args.format == "json":
            emit_json(system.to_dict())
            return 0
        print(f"{system.name} ({system.name_zh}) — {system.key}, {system.category}, "
              f"{system.operator}")
        print(system.description)
        if system.elements_note:
            print(f"Element data: {system.elements} ({system.elements_note})")
        members = list(system.members)
    else:
        members = catalog.resolve(args.target)
        if args.format == "json":
            emit_json({"key": args.target, "name": args.target,
                       "members": [m.to_dict() for m in members]})
            return 0
    emit_table(
        ["name", "norad_id", "cospar_id", "class", "status", "prn", "plane/slot", "lon_deg"],
        [[m.name, m.norad_id, m.cospar_id, m.orbit_class, m.status, m.prn,
          f"{m.plane}{m.slot}" if m.plane else None,
          None if m.geo_longitude_deg is None else f"{m.geo_longitude_deg:.2f}"]
         for m in members],
    )
    return 0
