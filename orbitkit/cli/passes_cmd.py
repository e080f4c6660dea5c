"""``orbitkit passes TARGET --station S``: every pass over one or more stations.

Argument parsing and printing only: element sets from
:func:`orbitkit.cli._elements.elements_for_cli`, passes from
:func:`orbitkit.passes.find_passes`, calendars from :mod:`orbitkit.ical`, the timeline
from :mod:`orbitkit.plots.timeline`.

Output: a table (default), CSV or JSON of passes on stdout, or an iCalendar file
(``--format ics``). Objects that never set (GEO, IGSO) get visibility intervals instead
of passes: listed after the passes in every format. In JSON every record has a ``kind``
(``"pass"`` or ``"visibility"``); in CSV an interval is a row with ``kind`` visibility
(rise/set columns hold its start/end, ``max_elevation_deg`` and ``min_elevation_deg`` its
elevation range, culmination columns empty); in ics it is an event.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

from orbitkit.cli._executor import add_scheduler_option, executor_from_args
from orbitkit.cli.common import (
    add_elements_options,
    add_format_option,
    emit_table,
    info,
    picture_path,
    span_arg,
    time_arg,
    warn,
    writing,
)
from orbitkit.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "passes",
        help="every pass of satellites over ground stations (rise, culmination, set)",
        description="Find every pass of TARGET above one or more stations from --start for "
        "--days days: rise, culmination and set with azimuths, duration, whether it can be "
        "seen by eye (satellite sunlit while the station's Sun is below -6 deg). Passes "
        "cut by the window are included and flagged. Geometric elevation (no refraction), "
        "WGS84 stations. Objects that never set (GEO, IGSO) get visibility intervals.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="system key, satellite name, NORAD number, COSPAR id, or a "
                        "comma-separated mix")
    parser.add_argument("--station", action="append", required=True, metavar="S",
                        help="site key (see 'orbitkit sites') or LAT,LON[,ALT_M]; repeatable")
    parser.add_argument("--start", type=time_arg("--start"), default=None, metavar="T",
                        help="start of the window, ISO 8601 UTC (default now)")
    parser.add_argument("--days", type=span_arg("--days", 86400.0, "days"),
                        default=1.0, metavar="D",
                        help="length of the window in days (default 1)")
    parser.add_argument("--min-elevation-deg", dest="min_elevation_deg", type=float,
                        default=0.0, metavar="E",
                        help="elevation mask in degrees (default 0, the geometric horizon)")
    parser.add_argument("--horizon", action="append", default=[], metavar="FILE",
                        help="azimuth-dependent mask: a text file of 'AZ_DEG EL_DEG' lines; "
                        "one for every station, or one per --station in order; overrides "
                        "--min-elevation-deg")
    add_scheduler_option(parser)
    add_elements_options(parser)
    add_format_option(parser, ("table", "csv", "json", "ics"), "table")
    parser.add_argument("--out", metavar="FILE", default=None,
                        help="also draw a pass timeline (stations x time, bars coloured by "
                        "maximum elevation) to FILE (.png .svg .pdf)")
    parser.set_defaults(func=run)


def _horizons(paths: list[str], n_stations: int) -> list[Any] | None:
    from orbitkit.elements.files import check_input, display_name, open_text
    from orbitkit.passes import parse_horizon

    if not paths:
        return None
    if len(paths) not in (1, n_stations):
        raise UserError(f"--horizon: give one file for all stations or one per --station "
                        f"({n_stations}), not {len(paths)}")
    for p in paths:  # every file is there before any is read
        check_input(p, what="--horizon")
    # read as element files are: '-' (standard input), pipes, gzip, a UTF-8 BOM dropped
    return [parse_horizon(open_text(p, what="--horizon"), source=display_name(p))
            for p in paths]


def _fmt(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}"


def _short(iso: str) -> str:
    """2026-05-01T00:58:43.654Z -> 2026-05-01 00:58:44: rounded to the nearest second, as
    a person reads a table (cutting the fraction put a set up to 1 s early)."""
    from datetime import datetime

    t = datetime.fromisoformat(iso.replace("Z", "+00:00")) + timedelta(milliseconds=500)
    return t.strftime("%Y-%m-%d %H:%M:%S")


def run(args: argparse.Namespace) -> int:
    from orbitkit.cli._elements import elements_for_cli
    from orbitkit.passes import find_passes
    from orbitkit.sites import parse_site
    from orbitkit.timeutil import now_utc

    if not -10.0 <= args.min_elevation_deg < 90.0:
        raise UserError(f"--min-elevation-deg {args.min_elevation_deg:g}: must lie in -10..90")
    out = picture_path(args.out, "--out", "the timeline")
    sites = [parse_site(s) for s in args.station]
    keys = [s.key for s in sites]
    for k in keys:
        if keys.count(k) > 1:
            raise UserError(f"--station {k}: given {keys.count(k)} times; every pass would "
                            "be listed that many times (give each station once)")
    horizons = _horizons(args.horizon, len(sites))
    start = args.start or now_utc()
    stop = start + timedelta(days=args.days)

    resolution = elements_for_cli(args, args.target, start, one_per_orbit=True, until=stop)
    if not resolution.sets:
        raise UserError(f"no element sets for {args.target!r}; no passes to search")
    from orbitkit.progress import Progress

    with executor_from_args(args) as executor, Progress("passes") as bar:
        result = find_passes(resolution.sets, sites, start, stop,
                             min_elevation_deg=args.min_elevation_deg, horizon=horizons,
                             executor=executor, progress=bar)
    for message in result.warnings:
        warn(message)
    if resolution.any_nominal:
        warn("some element sets are nominal design orbits: their passes are illustrative")

    if args.format == "json":
        from orbitkit.export import passes_json_records

        _write_json(passes_json_records(result))
    elif args.format == "csv":
        _write_csv(result.columns(), result.intervals)
    elif args.format == "ics":
        from orbitkit.ical import passes_to_ical

        sys.stdout.write(passes_to_ical(result.passes, intervals=result.intervals,
                                        stations={s.key: s for s in sites}))
    else:
        _table(result)
    if result.intervals and args.format in ("csv", "ics"):
        info(f"{len(result.intervals)} visibility interval(s) (objects that never set, or "
             "above the mask for the whole window) are written as "
             + ("rows with kind 'visibility'" if args.format == "csv" else "events"))
    if not result.passes and not result.intervals:
        info("no passes above the mask in the window")
    if out is not None:
        from orbitkit.plots.timeline import plot_timeline

        with writing(out, "--out"):
            plot_timeline(result, out)
        info(f"wrote {out}")
    return 0


# A week of passes over many stations is tens of thousands of rows: the text is built in
# memory and written in one call, as common.emit_json/emit_csv would write it row by row
# (one system call per row when stdout is unbuffered, e.g. PYTHONUNBUFFERED=1).


def _write_json(obj: Any) -> None:
    from orbitkit.cli.console import stdout_is_unicode

    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=not stdout_is_unicode(),
                                allow_nan=False) + "\n")


def _write_csv(columns: dict[str, list[Any]], intervals: Any = ()) -> None:
    from orbitkit.export import passes_csv_text

    sys.stdout.write(passes_csv_text(columns, intervals))


def _table(result: Any) -> None:
    rows = []
    for p in result.passes:
        d = p.to_dict()
        flags = ("<" if p.starts_before_window else "") + (">" if p.ends_after_window else "")
        rows.append([d["norad_id"], d["name"], d["station"], _short(d["rise_utc"]),
                     _fmt(p.rise_az_deg, 0), _short(d["max_utc"]),
                     _fmt(p.max_elevation_deg), _fmt(p.max_az_deg, 0), _short(d["set_utc"]),
                     _fmt(p.set_az_deg, 0), f"{p.duration_s / 60:.1f}",
                     "yes" if p.visible else "", flags])
    emit_table(["norad", "name", "station", "rise (UTC)", "az", "max (UTC)", "el", "az",
                "set (UTC)", "az", "dur (min)", "visible", "cut"], rows)
    if result.intervals:
        sys.stdout.write("\nvisibility intervals (objects that do not rise and set, or above "
                         "the mask for the whole window):\n")
        emit_table(["norad", "name", "station", "from (UTC)", "to (UTC)", "el min", "el max",
                    "cut"],
                   [[v.norad_id, v.name, v.station, _short(v.to_dict()["start_utc"]),
                     _short(v.to_dict()["end_utc"]), _fmt(v.min_elevation_deg),
                     _fmt(v.max_elevation_deg),
                     ("<" if v.starts_before_window else "")
                     + (">" if v.ends_after_window else "")] for v in result.intervals])
    if result.passes and any(p.starts_before_window or p.ends_after_window
                             for p in result.passes):
        sys.stdout.write("cut: < began before the window, > ends after it\n")
