"""``orbitkit elements TARGET`` (which sets, from where) and ``orbitkit fetch TARGET|--all``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from orbitkit.cli._elements import elements_for_cli
from orbitkit.cli.common import (
    add_elements_options,
    add_format_option,
    emit_json,
    emit_table,
    info,
    time_arg,
    warn,
)
from orbitkit.elements.model import ElementSet
from orbitkit.errors import UserError

_UTC_FMT = "%Y-%m-%dT%H:%M:%SZ"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "elements",
        help="the element set used for each object: epoch, age and source",
        description="Resolve TARGET to one element set per object, trying --elements files, "
        "the cache, CelesTrak (unless offline) and the nominal design orbits, in that order; "
        "print the set nearest --at with its epoch, age and source.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="system key, satellite name, NORAD number, COSPAR id, or a "
                        "comma-separated mix")
    add_elements_options(parser)
    parser.add_argument("--at", type=time_arg("--at"), default=None, metavar="T",
                        help="choose the set nearest this UTC time (default now)")
    parser.add_argument("--no-nominal", action="store_true",
                        help="never fall back to nominal design orbits")
    add_format_option(parser, ("table", "json", "tle", "omm-json", "omm-kvn", "omm-xml",
                               "omm-csv"), "table")
    parser.set_defaults(func=run_elements)

    fetch = sub.add_parser(
        "fetch",
        help="download element sets from CelesTrak into the cache",
        description="Fetch GP element sets from CelesTrak into the cache. CelesTrak's rules "
        "are kept: the same query at most once per 2 h, no retry after 403/404/301, nothing "
        "for 2 h after a 403, at most 3 tries with backoff on timeouts and 5xx.",
    )
    fetch.add_argument("target", metavar="TARGET", nargs="?",
                       help="system key, satellite name, NORAD number, COSPAR id, ...")
    fetch.add_argument("--all", action="store_true",
                       help="the CelesTrak groups orbitkit uses (active, stations, gnss, "
                       "beidou, weather)")
    fetch.add_argument("--force", action="store_true",
                       help="refresh even a cache younger than 24 h (the 2-hour rule still "
                       "holds)")
    fetch.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)
    add_format_option(fetch, ("table", "json"), "table")
    fetch.set_defaults(func=run_fetch)


# --------------------------------------------------------------------------- elements

def _row(es: ElementSet, member_name: str, at: datetime) -> dict[str, Any]:
    out = es.to_dict()
    out["epoch_utc"] = es.epoch.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    out["age_days"] = round(es.age_days(at), 4)
    if member_name != es.name:
        out["catalog_name"] = member_name
    return out


def run_elements(args: argparse.Namespace) -> int:
    at = args.at or datetime.now(UTC)
    resolution = elements_for_cli(args, args.target, at, allow_nominal=not args.no_nominal)
    rows = [_row(es, m.name, at) for es, m in zip(resolution.sets, resolution.members,
                                                  strict=True)]
    from orbitkit.elements.export import export_elements, nominal_comment, tle_lines, to_omm

    if args.format == "json":
        emit_json(rows)
    elif args.format == "omm-json":
        # a nominal set's record carries a COMMENT saying it is a design orbit
        emit_json([{**to_omm(es), **({"COMMENT": nominal_comment(es)} if es.is_nominal
                                     else {})} for es in resolution.sets])
    elif args.format in ("omm-kvn", "omm-xml", "omm-csv"):
        # CCSDS 502.0-B-3 OMM; nominal sets say so in a COMMENT (column, for CSV)
        sys.stdout.write(export_elements(resolution.sets, args.format))
    elif args.format == "tle":
        if resolution.any_nominal:
            warn("TLE lines of nominal sets describe design orbits, not tracked objects")
        for es in resolution.sets:
            line1, line2 = tle_lines(es)
            sys.stdout.write(f"{es.name}\n{line1}\n{line2}\n")
    else:
        emit_table(
            ["name", "norad_id", "epoch_utc", "age_d", "source", "origin"],
            [[r.get("catalog_name", r["name"]), r["norad_id"],
              es.epoch.strftime(_UTC_FMT), f"{r['age_days']:+.2f}", r["source"], r["origin"]]
             for r, es in zip(rows, resolution.sets, strict=True)],
        )
    return 0


# --------------------------------------------------------------------------- fetch

def _queries_for_target(text: str) -> list:
    from orbitkit.catalog import load_catalog
    from orbitkit.elements.celestrak import SYSTEM_GROUPS, Query, queries_for_norads
    from orbitkit.elements.nominal import nominal_reason

    catalog = load_catalog()
    queries: list[Query] = []
    norads: list[int] = []
    for token in (t.strip() for t in text.split(",") if t.strip()):
        key = token.lower()
        if key in SYSTEM_GROUPS and key in catalog.systems:
            queries.append(Query("GROUP", SYSTEM_GROUPS[key]))
            continue
        for member in catalog.resolve(token):
            if member.norad_id is None or (nominal_reason(member) or "").startswith(
                    ("deep space", "decayed", "landed")):
                info(f"{member.name}: no Earth-orbit element set to fetch "
                     f"({nominal_reason(member) or 'no NORAD number'})")
                continue
            norads.append(member.norad_id)
    if norads:
        queries.extend(q for q in queries_for_norads(norads) if q not in queries)
    return queries


def run_fetch(args: argparse.Namespace) -> int:
    from orbitkit.elements.celestrak import (
        GROUPS_ALL,
        Query,
        QueryTooSoonError,
        fetch_queries,
        is_offline,
    )

    if bool(args.target) == bool(args.all):
        raise UserError("fetch: give a TARGET or --all (not both, not neither); e.g. "
                        "'orbitkit fetch beidou-3' or 'orbitkit fetch --all'")
    if is_offline(args.offline):
        why, fix = (("--offline was given", "drop --offline") if args.offline else
                    ("ORBITKIT_OFFLINE is set", "unset ORBITKIT_OFFLINE"))
        raise UserError(f"fetch needs the network, but {why}; {fix} to fetch")
    queries = [Query("GROUP", g) for g in GROUPS_ALL] if args.all else \
        _queries_for_target(args.target)
    if not queries:
        raise UserError(f"fetch: nothing to fetch for {args.target!r} (no member has an "
                        "Earth-orbit element set)")
    outcomes, errors = fetch_queries(queries, force=args.force)
    failed = [e for e in errors if not isinstance(e, QueryTooSoonError)]
    for err in errors:
        (info if isinstance(err, QueryTooSoonError) else warn)(str(err))
    # fetch_queries handles the queries in order, one outcome or error each, and stops at
    # the first hard failure: the rest were never sent.
    not_sent = queries[len(outcomes) + len(errors):]
    if args.format == "json":
        emit_json({
            "fetched": [o.to_dict() for o in outcomes],
            "errors": [str(e) for e in errors],
            "not_sent": [q.key for q in not_sent],
        })
    else:
        rows = []
        for o in outcomes:
            status = f"skipped: {o.skipped}" if o.skipped else f"stored {o.count} objects"
            rows.append([o.query.key, status, o.path.name if o.path else ""])
        if rows:
            emit_table(["query", "result", "cache file"], rows)
        for q in not_sent:
            info(f"{q.key}: not sent (stopped after the failure above)")
    if failed:
        sys.stderr.write("orbitkit: error: fetch failed; the cache is unchanged "
                         "(see the messages above)\n")
        return 1
    return 0
