"""``orbitkit conjunctions TARGET [--against TARGET|all]``: close approaches (collision warning).

Argument parsing and printing only: element sets from the verb's ``--elements`` files (or
:func:`orbitkit.cli._elements.elements_for_cli` for a named target), the screen from
:func:`orbitkit.conjunctions.find_conjunctions`, CDMs from :mod:`orbitkit.conjunctions.cdm`,
the figure from :mod:`orbitkit.plots.conjunctions`.

Output: a table sorted by miss distance (default), CSV with exactly CelesTrak SOCRATES's
columns, or JSON ``{"window", "objects", "screened_pairs", "events"}``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

from orbitkit.cli._executor import add_scheduler_option, executor_from_args
from orbitkit.cli.common import (
    add_elements_options,
    add_format_option,
    emit_csv,
    emit_json,
    emit_table,
    info,
    picture_path,
    positive_float,
    time_arg,
    warn,
)
from orbitkit.errors import UserError

#: SOCRATES's CSV columns (a literal so that building the parser stays light; a test keeps
#: it equal to orbitkit.conjunctions.SOCRATES_COLUMNS).
CSV_COLUMNS = ("NORAD_CAT_ID_1", "OBJECT_NAME_1", "DSE_1", "NORAD_CAT_ID_2", "OBJECT_NAME_2",
               "DSE_2", "TCA", "TCA_RANGE", "TCA_RELATIVE_SPEED", "MAX_PROB", "DILUTION")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "conjunctions",
        help="close approaches between objects: TCA, miss distance, maximum probability",
        description="Screen TARGET against other objects (default: every object in the "
        "--elements files) from --start for --days days and list every local minimum of "
        "their distance below --threshold-km (SGP4): time of closest approach to 1 ms, miss "
        "distance to 1 m, relative speed, the miss vector in object 1's radial/in-track/"
        "cross-track frame, SOCRATES's maximum collision probability and dilution threshold. "
        "TARGET 'all' screens every pair of the --elements files. Objects sharing one "
        "element set (docked vehicles) are one object.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="system key, satellite name, NORAD number, COSPAR id, a "
                        "comma-separated mix, or 'all' (every object of the --elements files)")
    parser.add_argument("--against", default="all", metavar="TARGET",
                        help="objects to screen TARGET against: a target, or 'all' (default: "
                        "every object of the --elements files)")
    parser.add_argument("--start", type=time_arg("--start"), default=None, metavar="T",
                        help="start of the window, ISO 8601 UTC (default now)")
    parser.add_argument("--days", type=positive_float("--days"), default=7.0, metavar="D",
                        help="length of the window in days (default 7)")
    parser.add_argument("--threshold-km", dest="threshold_km",
                        type=positive_float("--threshold-km"), default=5.0, metavar="KM",
                        help="report minima closer than this (default 5 km)")
    parser.add_argument("--hbr-m", dest="hbr_m", type=positive_float("--hbr-m"), default=None,
                        metavar="R", help="combined hard-body radius for the maximum "
                        "probability, m (default: both objects' radii: the station 20 m from "
                        "its module dimensions, others 5 m)")
    add_elements_options(parser)
    add_scheduler_option(parser)
    add_format_option(parser, ("table", "csv", "json"), "table")
    parser.add_argument("--cdm-dir", dest="cdm_dir", metavar="DIR", default=None,
                        help="also write one CCSDS Conjunction Data Message (KVN) per event "
                        "into DIR")
    parser.add_argument("--out", metavar="FILE", default=None,
                        help="also draw distance around each TCA and the encounter plane of "
                        "the closest events to FILE (.png .svg .pdf)")
    parser.set_defaults(func=run)


def _all_sets(args: argparse.Namespace, at, what: str) -> list:
    """Every object of the --elements files, the set nearest ``at`` for each."""
    from orbitkit.elements.sources import read_element_files

    if not args.elements:
        raise UserError(f"{what} 'all' means every object of the element files: give them "
                        "with --elements FILE (e.g. a CelesTrak catalogue snapshot)")
    store, errors = read_element_files(args.elements)
    if errors:
        warn(f"{len(errors)} bad record(s) in the element files were skipped; the first: "
             f"{errors[0]}")
    sets = [store.nearest(n, at) for n in store.norad_ids()]
    return [s for s in sets if s is not None]


def _resolve(args: argparse.Namespace, target: str, start, stop, what: str) -> list:
    if target.strip().lower() == "all":
        return _all_sets(args, start, what)
    from orbitkit.cli._elements import elements_for_cli

    res = elements_for_cli(args, target, start, until=stop, allow_nominal=False)
    if not res.sets:
        raise UserError(f"{what} {target!r}: no element sets")
    return res.sets


def run(args: argparse.Namespace) -> int:
    from orbitkit.conjunctions import find_conjunctions
    from orbitkit.timeutil import now_utc

    out = picture_path(args.out, "--out", "the conjunction figure")
    cdm_dir = None
    if args.cdm_dir is not None:
        cdm_dir = Path(args.cdm_dir)
        if cdm_dir.exists() and not cdm_dir.is_dir():
            raise UserError(f"--cdm-dir {args.cdm_dir}: exists and is not a folder")
        if not cdm_dir.parent.is_dir():
            raise UserError(f"--cdm-dir {args.cdm_dir}: folder {cdm_dir.parent} does not exist")
    if args.days > 31:
        raise UserError(f"--days {args.days:g}: element sets are not good for conjunction "
                        "screening beyond a few weeks; give at most 31 days")
    start = args.start or now_utc()
    stop = start + timedelta(days=args.days)
    clock = time.perf_counter()
    targets = _resolve(args, args.target, start, stop, "TARGET")
    if args.target.strip().lower() == "all":
        against = None
    else:
        against = _resolve(args, args.against, start, stop, "--against")
    from orbitkit.progress import Progress

    with executor_from_args(args) as executor, Progress("conjunctions") as bar:
        result = find_conjunctions(targets, against, start=start, stop=stop,
                                   threshold_km=args.threshold_km, hbr_m=args.hbr_m,
                                   executor=executor, progress=bar)
    for note in result.merged:
        info(note)
    for message in result.warnings:
        warn(message)
    info(f"{result.objects:,} objects, {result.screened_pairs:,} pairs screened over "
         f"{args.days:g} day(s): {len(result.events)} event(s) closer than "
         f"{args.threshold_km:g} km ({time.perf_counter() - clock:.1f} s)")

    if args.format == "json":
        emit_json(result.to_dict())
    elif args.format == "csv":
        emit_csv(CSV_COLUMNS, result.socrates_rows())
    else:
        _table(result)
    if cdm_dir is not None:
        from orbitkit.conjunctions.cdm import write_cdm

        cdm_dir.mkdir(exist_ok=True)
        for e in result.events:
            write_cdm(e, cdm_dir, screen_start=start, screen_stop=stop,
                      threshold_km=args.threshold_km)
        info(f"wrote {len(result.events)} CDM(s) into {cdm_dir}")
    if out is not None:
        if not result.events:
            info(f"no events: {out} not drawn")
        else:
            from orbitkit.plots.conjunctions import plot_conjunctions

            plot_conjunctions(result, out)
            info(f"wrote {out}")
    return 0


def _table(result) -> None:
    if not result.events:
        sys.stdout.write("no close approaches in the window\n")
        return
    rows = []
    for e in result.events:
        d = e.to_dict()
        rows.append([d["tca_utc"].replace("T", " ").rstrip("Z"), f"{e.miss_km:.3f}",
                     f"{e.relative_speed_km_s:.2f}", e.norad_id_1, e.name_1, e.norad_id_2,
                     e.name_2, f"{d['r_km']:.3f}", f"{d['t_km']:.3f}", f"{d['n_km']:.3f}",
                     f"{e.max_probability:.2e}" if e.max_probability is not None else "",
                     f"{e.dilution_km:.3f}" if e.dilution_km is not None else ""])
    emit_table(["TCA (UTC)", "miss km", "km/s", "norad 1", "name 1", "norad 2", "name 2",
                "R km", "T km", "N km", "max prob", "dilution km"], rows)
