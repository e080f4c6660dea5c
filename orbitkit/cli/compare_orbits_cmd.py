"""``orbitkit compare-orbits TARGET --elements A --elements B``: how far apart two orbit
sources put the same satellites (radial / along-track / cross-track and 3D, RMS and max).

Argument parsing and printing only: files are opened by
:func:`orbitkit.gnss.orbit_files.open_orbit_file` (RINEX navigation -> broadcast, SP3 ->
precise, anything else -> TLE/OMM through SGP4), the numbers come from
:func:`orbitkit.gnss.compare.compare_orbits`. B is the reference (RTN axes from its orbit).
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from orbitkit.cli.common import (
    add_format_option,
    emit_json,
    emit_table,
    picture_path,
    positive_float,
    time_arg,
    warn,
)
from orbitkit.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare-orbits",
        help="differences of two orbit sources (broadcast, SP3, TLE) per satellite, in RTN",
        description="Compare the positions two orbit files give the satellites of TARGET "
        "over a window: per satellite the RMS of the radial, along-track and cross-track "
        "differences and the RMS and maximum 3D difference. Files: RINEX navigation "
        "(broadcast orbits), SP3 (precise orbits), TLE/OMM (SGP4; PRNs through the "
        "catalogue). The second file is the reference. TARGET: a catalogue name (beidou-3), "
        "a PRN (C19, G05, E11) or a system key (gps, galileo, glonass, beidou, qzss, gnss); "
        "comma-separated mixes work.",
    )
    parser.add_argument("target", metavar="TARGET")
    parser.add_argument("--elements", metavar="FILE", action="append", default=[],
                        help="orbit file; give exactly two (A, then the reference B); "
                        "plain or gzipped")
    parser.add_argument("--offline", action="store_true",
                        help="accepted for symmetry with other verbs: this verb reads only "
                        "the given files")
    parser.add_argument("--start", type=time_arg("--start"), required=True, metavar="T",
                        help="window start, ISO 8601 UTC")
    parser.add_argument("--hours", type=positive_float("--hours"), default=24.0,
                        metavar="H", help="window length in hours (default 24)")
    parser.add_argument("--step-s", dest="step_s", type=positive_float("--step-s"),
                        default=300.0, metavar="S",
                        help="sample step in seconds, on GPST multiples (default 300, the "
                        "SP3 epochs)")
    add_format_option(parser, ("table", "json"), "table")
    parser.add_argument("--out", metavar="PLOT", default=None,
                        help="also draw the comparison to this picture (.png, .svg, .pdf)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from orbitkit.catalog import load_catalog
    from orbitkit.gnss.compare import compare_orbits
    from orbitkit.gnss.orbit_files import open_orbit_file
    from orbitkit.gnss.targets import resolve_gnss_target

    if len(args.elements) != 2:
        raise UserError(f"compare-orbits needs exactly two --elements files (A, then the "
                        f"reference B); {len(args.elements)} given")
    out = picture_path(args.out, "--out")
    if args.hours * 3600 / args.step_s > 200_000:
        raise UserError(f"--hours {args.hours:g} at --step-s {args.step_s:g} is more than "
                        "200,000 samples per satellite; use a larger step")
    catalog = load_catalog()
    prn_of_norad = {m.norad_id: m.prn.upper() for m in catalog.members()
                    if m.prn and m.norad_id is not None and m.status != "retired"}
    a, b = (open_orbit_file(path, prn_of_norad) for path in args.elements)
    for orbits in (a, b):
        for problem in getattr(getattr(orbits, "nav", None), "problems", [])[:5]:
            warn(str(problem).splitlines()[0])
    shared = [p for p in a.prns if p in set(b.prns)]
    unhealthy = {p: orbits.path for orbits in (a, b) for p in orbits.unhealthy()}
    target = resolve_gnss_target(args.target, shared + sorted(set(unhealthy) - set(shared)),
                                 catalog)
    for text in target.warnings:
        warn(text)
    left_out = [p for p in target.prns if p in unhealthy]
    if left_out:
        warn(f"left out as unhealthy (every record flagged): {', '.join(left_out)}")
    prns = [p for p in target.prns if p in set(shared) and p not in unhealthy]
    stop = args.start + timedelta(hours=args.hours)
    result = compare_orbits(a, b, prns, args.start, stop, step_s=args.step_s,
                            describe=target.describe)
    for note in result.notes:
        warn(note)
    for prn, why in result.excluded:
        warn(f"{prn}: no common sample ({why})")
    if args.format == "json":
        emit_json(result.to_dict())
    else:
        header = ["prn", "name", "class", "samples", "rms_3d_m", "max_3d_m", "radial_m",
                  "along_m", "cross_m"]
        rows = [[s.prn, s.name, s.orbit_class, s.samples, f"{s.rms_3d_m:.3f}",
                 f"{s.max_3d_m:.3f}", f"{s.rms_radial_m:.3f}", f"{s.rms_along_m:.3f}",
                 f"{s.rms_cross_m:.3f}"] for s in result.satellites]
        emit_table(header, rows)
    if out is not None:
        from orbitkit.plots.orbit_compare import plot_orbit_comparison

        plot_orbit_comparison(result, out)
    return 0
