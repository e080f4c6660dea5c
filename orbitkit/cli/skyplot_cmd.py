"""``orbitkit skyplot TARGET --station S --time T``: where the satellites are in the sky.

Argument parsing and printing only: element sets from
:func:`orbitkit.cli._elements.elements_for_cli`, look angles from
:func:`orbitkit.skyview.sky_view`, the polar plot from :mod:`orbitkit.plots.skyplot`.
PRNs and orbit classes come from the catalogue; objects outside it get a class from their
elements (period, inclination, eccentricity).
"""

from __future__ import annotations

import argparse
import math
from datetime import timedelta

from orbitkit.cli.common import (
    add_elements_options,
    add_format_option,
    emit_json,
    emit_table,
    info,
    picture_path,
    positive_float,
    span_arg,
    time_arg,
    writing,
)
from orbitkit.errors import UserError

_MAX_TIMES = 20_000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "skyplot",
        help="azimuth, elevation and range of satellites seen from a station (polar plot)",
        description="Azimuth, elevation, range and range rate of TARGET's satellites from "
        "--station at --time (and their tracks over --hours). JSON is a list with norad_id, "
        "name, azimuth_deg, elevation_deg, range_km, range_rate_km_s (and prn, orbit_class "
        "when known), one entry per satellite above the mask and time.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="system key, satellite name, NORAD number, COSPAR id, or a "
                        "comma-separated mix")
    parser.add_argument("--station", required=True, metavar="S",
                        help="site key (see 'orbitkit sites') or LAT,LON[,ALT_M]")
    parser.add_argument("--time", type=time_arg("--time"), default=None, metavar="T",
                        help="the time, ISO 8601 UTC (default now)")
    parser.add_argument("--hours", type=span_arg("--hours", 3600.0, "hours"),
                        default=None, metavar="H",
                        help="also follow the satellites for H hours (tracks on the plot)")
    parser.add_argument("--step-s", dest="step_s", type=positive_float("--step-s"),
                        default=60.0, metavar="S", help="track step in seconds (default 60)")
    parser.add_argument("--min-elevation-deg", dest="min_elevation_deg", type=float,
                        default=0.0, metavar="E", help="elevation mask in degrees (default 0)")
    add_elements_options(parser)
    add_format_option(parser, ("table", "json"), "table")
    parser.add_argument("--out", metavar="FILE", default=None,
                        help="draw the polar sky plot to FILE (.png .svg .pdf)")
    parser.set_defaults(func=run)


def _class_from_elements(satrec) -> str:
    """A coarse orbit class from mean elements, for objects outside the catalogue."""
    revs = satrec.no_kozai * 1440.0 / (2.0 * math.pi)
    incl = math.degrees(satrec.inclo)
    if satrec.ecco > 0.25:
        return "HEO"
    if revs >= 11.0:
        return "SSO" if 95.0 <= incl <= 105.0 else "LEO"
    if 0.9 <= revs <= 1.1:
        return "GEO" if incl < 10.0 else "IGSO"
    return "MEO"


def run(args: argparse.Namespace) -> int:
    from orbitkit.cli._elements import elements_for_cli
    from orbitkit.sites import parse_site
    from orbitkit.skyview import sky_view
    from orbitkit.timeutil import now_utc, time_grid

    if not -10.0 <= args.min_elevation_deg < 90.0:
        raise UserError(f"--min-elevation-deg {args.min_elevation_deg:g}: must lie in -10..90")
    out = picture_path(args.out, "--out", "the sky plot")
    site = parse_site(args.station)
    t0 = args.time or now_utc()
    if args.hours:
        if args.hours * 3600.0 / args.step_s > _MAX_TIMES:
            raise UserError(f"--hours {args.hours:g} at --step-s {args.step_s:g} gives more "
                            f"than {_MAX_TIMES:,} times; use a larger step")
        times = time_grid(t0, t0 + timedelta(hours=args.hours), args.step_s)
    else:
        times = time_grid(t0, t0, 1.0)
    resolution = elements_for_cli(args, args.target, t0, one_per_orbit=True,
                                  until=t0 + timedelta(hours=args.hours) if args.hours else None)
    if not resolution.sets:
        raise UserError(f"no element sets for {args.target!r}; nothing to plot")
    members = resolution.members
    classes = [m.orbit_class or (_class_from_elements(es.satrec) if hasattr(es, "satrec")
                                 else None)
               for m, es in zip(members, resolution.sets, strict=True)]
    prns = [m.prn for m in members]
    view = sky_view(resolution.sets, site, times, orbit_classes=classes, prns=prns)
    if args.format == "json":
        emit_json(view.rows(args.min_elevation_deg))
    else:
        rows = view.rows(args.min_elevation_deg, time_index=0)
        rows.sort(key=lambda r: -r["elevation_deg"])
        emit_table(["norad", "name", "prn", "class", "az (deg)", "el (deg)", "range (km)",
                    "range rate (km/s)"],
                   [[r["norad_id"], r["name"], r.get("prn", ""), r.get("orbit_class", ""),
                     f"{r['azimuth_deg']:.1f}", f"{r['elevation_deg']:.1f}",
                     f"{r['range_km']:.0f}", f"{r['range_rate_km_s']:.3f}"] for r in rows])
    if out is not None:
        from orbitkit.plots.skyplot import plot_sky

        with writing(out, "--out"):
            plot_sky(view, out, min_elevation_deg=args.min_elevation_deg)
        info(f"wrote {out}")
    return 0
