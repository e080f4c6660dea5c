"""``orbitkit coverage TARGET``: visible satellites and DOP over a region, as a map or numbers.

Argument parsing and printing only: element sets from
:func:`orbitkit.cli._elements.elements_for_cli`, positions from :mod:`orbitkit.propagation`,
everything else from :mod:`orbitkit.coverage` and the plots.

Multi-constellation: a TARGET made only of constellation words -- ``gnss`` (all four),
``beidou``, ``gps``, ``galileo``, ``glonass``, comma-separated -- takes every object of the
``--elements`` files whose name belongs to those constellations (CelesTrak naming: ``GPS ...``,
``GSAT0nnn``, ``COSMOS ...``, ``BEIDOU ...``; SBAS, QZSS and NavIC are left out) and gives
each constellation its own receiver clock. Example::

    orbitkit coverage gnss --elements celestrak-gnss-2021-02-03.txt --start 2021-02-03T00:00:00Z
"""

from __future__ import annotations

import argparse
import math
from datetime import datetime
from pathlib import Path
from typing import Any

from orbitkit.cli._executor import add_scheduler_option, executor_from_args
from orbitkit.cli.common import (
    add_elements_options,
    add_format_option,
    check_writable,
    emit_csv,
    emit_json,
    info,
    picture_path,
    positive_float,
    span_arg,
    time_arg,
    warn,
    writing,
)
from orbitkit.errors import UserError

METRIC_CHOICES = ("visible", "pdop", "hdop", "vdop", "gdop", "availability")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "coverage",
        help="visible satellites, PDOP/HDOP/VDOP/GDOP and availability over a region",
        description="Count the satellites of TARGET above the elevation mask and compute "
        "GDOP/PDOP/HDOP/VDOP/TDOP on a latitude/longitude grid at every epoch, then summarise "
        "over time: a map (--out), a JSON summary or a CSV grid. TARGET is a system "
        "(beidou-3), any catalogue target, or constellation words for multi-GNSS from "
        "--elements files: gnss (BeiDou+GPS+Galileo+GLONASS, one receiver clock each), or a "
        "comma list of beidou, gps, galileo, glonass, also after a catalogue target "
        "(beidou-3,gps: BeiDou-3 with GPS).",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="beidou-3, a catalogue target, or gnss / gps,galileo,... "
                        "(multi-constellation from --elements files)")
    parser.add_argument("--region", default="global", metavar="REGION",
                        help="global, asia-pacific (55S-55N, 70E-150E) or S,N,W,E in degrees "
                        "(default global)")
    parser.add_argument("--resolution-deg", dest="resolution_deg", metavar="R",
                        type=positive_float("--resolution-deg"), default=2.0,
                        help="grid spacing in degrees (default 2)")
    parser.add_argument("--start", type=time_arg("--start"), default=None, metavar="T",
                        help="first epoch, ISO 8601 UTC (default now)")
    parser.add_argument("--hours", type=span_arg("--hours", 3600.0, "hours"),
                        default=24.0, metavar="H",
                        help="length of the span in hours (default 24)")
    parser.add_argument("--step-min", dest="step_min", type=positive_float("--step-min"),
                        default=10.0, metavar="M", help="time step in minutes (default 10)")
    parser.add_argument("--mask-deg", dest="mask_deg", type=float, default=10.0, metavar="E",
                        help="elevation mask in degrees (default 10)")
    parser.add_argument("--metric", choices=METRIC_CHOICES, default="pdop",
                        help="what the map shows (default pdop: mean PDOP)")
    parser.add_argument("--pdop-threshold", dest="pdop_threshold", metavar="X",
                        type=positive_float("--pdop-threshold"), default=6.0,
                        help="availability counts epochs with PDOP <= X (default 6)")
    parser.add_argument("--by-class", dest="by_class", action="store_true",
                        help="also compute MEO satellites alone and compare with all "
                        "(MEO+IGSO+GEO)")
    parser.add_argument("--site", metavar="S", default=None,
                        help="also a time series of visible count and DOP at this site "
                        "(site key or LAT,LON[,ALT_M]); in the JSON, and plotted beside --out")
    parser.add_argument("--weighting", choices=("area", "points"), default="area",
                        help="region statistics weigh each grid node by the area of its cell "
                        "(default: statistics over the Earth's surface) or every node the "
                        "same (points: the old per-node statistics)")
    add_scheduler_option(parser)
    add_elements_options(parser)
    add_format_option(parser, ("text", "json", "csv"), "text")
    parser.add_argument("--out", metavar="FILE", default=None,
                        help="write the map (PNG, SVG, PDF by extension), or the grid as "
                        "CF NetCDF (.nc; needs the netcdf extra)")
    parser.set_defaults(func=run)


# ----------------------------------------------------------------------------- elements


def _constellations_of(target: str) -> tuple[str, ...] | None:
    from orbitkit.coverage_targets import constellations_of

    return constellations_of(target)


def _multi_gnss_sets(args: argparse.Namespace, wanted: tuple[str, ...], at: datetime,
                     until: datetime | None = None):
    """Element sets of the wanted constellations from --elements files, and group indices;
    several sets of one satellite switch along ``[at, until]`` (named on stderr)."""
    from orbitkit.coverage_targets import multi_gnss_sets

    sets, groups, names, warnings = multi_gnss_sets(args.elements or [], wanted, at,
                                                    target=args.target, until=until)
    for message in warnings:
        warn(message)
    return sets, groups, names


def _elements_summary(sets: list[Any]) -> dict[str, Any]:
    from orbitkit.coverage_targets import elements_summary

    return elements_summary(sets)


# ----------------------------------------------------------------------------- run


def _times(start: datetime, hours: float, step_min: float) -> list[datetime]:
    # one code path with the web planning endpoint: orbitkit.coverage_targets
    from orbitkit.coverage_targets import epoch_times

    return epoch_times(start, hours, step_min)


def _site_figure_path(out: Path) -> Path:
    """``map.png`` -> ``map-site.png``: the --site figure written beside the map."""
    return out.with_name(f"{out.stem}-site{out.suffix or '.png'}")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from orbitkit import coverage as cov
    from orbitkit.progress import Progress
    from orbitkit.propagation import propagate
    from orbitkit.timeutil import now_utc

    if not math.isfinite(args.mask_deg) or not (-10.0 <= args.mask_deg < 90.0):
        raise UserError(f"--mask-deg {args.mask_deg:g}: must be at least -10 and below 90 "
                        "degrees")
    # the site, the output's path (and the site figure's beside it) are checked before the work
    from orbitkit.export_netcdf import NETCDF_SUFFIXES
    from orbitkit.sites import parse_site

    site = parse_site(args.site) if args.site else None
    netcdf_out = bool(args.out) and Path(args.out).suffix.lower() in NETCDF_SUFFIXES
    site_path = None
    if netcdf_out:
        check_writable(args.out, "--out")
        try:
            import scipy  # noqa: F401
            import xarray  # noqa: F401
        except ImportError:
            raise UserError(f"--out {args.out}: NetCDF needs xarray and scipy; "
                            "pip install \"orbitkit[netcdf]\"") from None
    else:
        out_path = picture_path(args.out, "--out", "the coverage map")
        if out_path is not None and args.site:
            site_path = check_writable(_site_figure_path(out_path), "--out (with --site)")
    start = args.start or now_utc().replace(microsecond=0)
    times = _times(start, args.hours, args.step_min)
    grid = cov.make_grid(args.region, args.resolution_deg)
    point_epochs = grid.n_points * len(times)
    if point_epochs > cov._MAX_POINT_EPOCHS or grid.n_points > cov._MAX_POINTS:
        from orbitkit.errors import RequestTooLargeError

        raise RequestTooLargeError(
            f"{grid.n_points:,} points x {len(times):,} epochs = {point_epochs:.3g} "
            "point-epochs is too much for one run; use a coarser --resolution-deg, a smaller "
            "--region, fewer --hours or a longer --step-min"
        )

    wanted = _constellations_of(args.target)
    members = None
    if wanted:
        sets, groups, group_names = _multi_gnss_sets(args, wanted, start, times[-1])
        elements = _elements_summary(sets)
        label = "+".join(group_names)
    else:
        from orbitkit.cli._elements import elements_for_cli
        from orbitkit.coverage_targets import split_coverage_target, with_constellations

        catalogue_part, extra = split_coverage_target(args.target)
        resolution = elements_for_cli(args, catalogue_part or args.target, start,
                                      one_per_orbit=True, until=times[-1])
        sets, members = list(resolution.sets), list(resolution.members)
        groups, group_names = None, []
        elements = resolution.sources_summary()
        label = args.target
        if extra:  # beidou-3,gps,...: the catalogue's sets plus constellations from files
            sets, groups, group_names, notes = with_constellations(
                sets, catalogue_part, args.elements or [], extra, start, until=times[-1])
            for message in notes:
                warn(message)
            members, label = None, "+".join(group_names)
            elements = _elements_summary(sets)
    if not sets:
        raise UserError(f"no element sets for {args.target!r}")

    eph = propagate(sets, times)
    for f in eph.failures():
        warn(f"{f.name} (NORAD {f.norad_id}): {f.count} of {len(times)} samples failed from "
             f"{f.first_time:%Y-%m-%dT%H:%M:%SZ} ({f.message}); it counts as not visible there")
    r_itrs = eph.r_itrs_km
    ok = eph.ok
    group_arr = None if groups is None else np.asarray(groups)

    csv_out = args.format == "csv" or netcdf_out
    # PDOP always; the other DOPs cost about a third more kernel work, so they are computed
    # for the CSV grid and when the map shows them
    dops = cov.DOP_KINDS if csv_out else ("pdop", args.metric) if args.metric in \
        cov.DOP_KINDS else ("pdop",)
    extra: dict[str, Any] = {}
    with executor_from_args(args) as executor, Progress("coverage") as bar:
        result = cov.compute_coverage(
            r_itrs, times, grid, mask_deg=args.mask_deg, pdop_threshold=args.pdop_threshold,
            ok=ok, groups=group_arr, group_names=group_names, point_quantiles=csv_out,
            progress=bar, label=label, dops=dops, weighting=args.weighting,
            executor=executor)
        if args.by_class:
            extra["by_class"] = _by_class(args, cov, r_itrs, ok, times, grid, members, result,
                                          executor)
    result.elements = elements

    site_series = None
    if site is not None:
        site_series = cov.site_series(
            r_itrs, times, site.lat_deg, site.lon_deg, site.alt_km, mask_deg=args.mask_deg,
            ok=ok, groups=group_arr, name=site.name, label=label)
        extra["site"] = site_series.to_dict()

    if netcdf_out:
        from orbitkit.export_netcdf import write_coverage_netcdf

        with writing(args.out, "--out"):
            write_coverage_netcdf(result, args.out, site=site_series)
        info(f"grid written to {args.out} (CF-1.8 netCDF-3)")
    elif args.out:
        from orbitkit.plots.coverage_map import plot_coverage_map

        with writing(args.out, "--out"):
            plot_coverage_map(result, args.metric, args.out)
        info(f"map written to {args.out}")
        if site_series is not None and site_path is not None:
            from orbitkit.plots.site_series import plot_site_series

            with writing(site_path, "--out (with --site)"):
                plot_site_series(site_series, site_path)
            info(f"site time series written to {site_path}")

    if args.format == "json":
        data = result.to_dict()
        data.update(extra)
        emit_json(data)
    elif args.format == "csv":
        header, rows = result.csv_rows()
        emit_csv(header, rows)
        left_out = [name for name, key in (("--site", "site"), ("--by-class", "by_class"))
                    if key in extra]
        if left_out:
            info(f"the CSV holds the grid only: the {' and '.join(left_out)} results are in "
                 "--format json (or the figures beside --out)")
    else:
        _print_text(result, extra)
    return 0


def _by_class(args, cov, r_itrs, ok, times, grid, members, full, executor=None
              ) -> dict[str, Any]:
    """MEO alone against the whole constellation (MEO + IGSO + GEO)."""
    import numpy as np

    if members is None:
        raise UserError("--by-class needs a catalogue TARGET (e.g. beidou-3), whose members "
                        "carry their orbit class")
    classes = [m.orbit_class or "?" for m in members]
    meo = np.array([c == "MEO" for c in classes])
    if not meo.any():
        raise UserError(f"--by-class: {args.target!r} has no MEO satellites")
    meo_only = cov.compute_coverage(
        r_itrs[meo], times, grid, mask_deg=args.mask_deg, pdop_threshold=args.pdop_threshold,
        ok=ok[meo], point_quantiles=False, label=f"{args.target} MEO only",
        weighting=args.weighting, executor=executor,
        dops=[k.replace("mean_", "") for k in full.summary if k.startswith("mean_")
              and k != "mean_visible"])
    counts = {c: classes.count(c) for c in sorted(set(classes))}
    out: dict[str, Any] = {"classes": counts}
    keys = ("mean_visible", "min_visible", "max_visible", "mean_pdop", "median_pdop",
            "p95_pdop", "mean_hdop", "mean_vdop", "mean_gdop", "pdop_availability")
    meo_dict, full_dict = meo_only.to_dict(), full.to_dict()
    out["meo"] = {k: meo_dict[k] for k in keys if k in meo_dict}
    out["meo"]["satellites"] = int(meo.sum())
    out["all"] = {k: full_dict[k] for k in keys if k in full_dict}
    out["all"]["satellites"] = len(classes)
    improvement = {}
    for k in ("mean_pdop", "mean_hdop", "mean_vdop", "mean_gdop"):
        a, b = meo_only.summary.get(k), full.summary.get(k)
        if a and b:
            improvement[k.replace("mean_", "") + "_improvement_pct"] = round(100 * (a - b) / a, 3)
    out["improvement"] = improvement
    return out


def _dop_share_note(summary: dict[str, Any]) -> str:
    """Why DOP is n/a, or what its statistics are over when not every point-epoch has one."""
    share = summary.get("dop_share")
    if share is None or share >= 1.0:
        return ""
    if share == 0.0:
        return "  (no DOP anywhere: never enough satellites above the mask, 4 for one system)"
    return f"  (over the {100 * share:.1f} % of point-epochs with a DOP)"


def _print_text(result, extra: dict[str, Any]) -> None:
    s = result.summary
    el = result.elements or {}

    def fmt(v: Any, spec: str = ".2f") -> str:
        return "n/a" if v is None else format(v, spec)

    sources = ", ".join(f"{k} {v}" for k, v in el.items()
                        if k in ("file", "cache", "celestrak", "nominal", "broadcast",
                                 "precise", "oem") and v)
    lines = [
        f"{result.label}: {result.n_satellites} "
        f"{'satellite' if result.n_satellites == 1 else 'satellites'} over "
        f"{result.grid.region.label()} "
        f"({s['points']} points x {s['epochs']} epochs, mask {result.mask_deg:g} deg; "
        + ("nodes weighted by cell area)" if s.get("weighting") == "area"
           else "every node weighted the same)"),
        f"  visible  mean {s['mean_visible']:.2f}  min {s['min_visible']}  "
        f"max {s['max_visible']}",
        f"  PDOP     mean {fmt(s['mean_pdop'])}  median {fmt(s['median_pdop'])}  "
        f"p95 {fmt(s['p95_pdop'])}" + _dop_share_note(s),
        "  means: " + "  ".join(f"{k.upper()} {fmt(s['mean_' + k])}"
                                for k in ("hdop", "vdop", "gdop", "tdop") if "mean_" + k in s),
        f"  PDOP <= {result.pdop_threshold:g} available {100 * s['pdop_availability']:.2f} % "
        "of point-epochs",
        f"  elements: {sources}, epochs {el.get('epoch_min_utc')} .. {el.get('epoch_max_utc')}",
    ]
    if "by_class" in extra:
        bc = extra["by_class"]
        lines.append(f"  MEO alone ({bc['meo']['satellites']}): visible "
                     f"{bc['meo']['mean_visible']:.2f}, mean PDOP {fmt(bc['meo']['mean_pdop'])};"
                     f" all ({bc['all']['satellites']}): visible {bc['all']['mean_visible']:.2f},"
                     f" mean PDOP {fmt(bc['all']['mean_pdop'])}; PDOP better by "
                     f"{bc['improvement'].get('pdop_improvement_pct', float('nan')):.1f} %")
    if "site" in extra:
        site = extra["site"]
        pdop = [v for v in site["pdop"] if v is not None]
        lines.append(f"  at {site['site']}: visible {min(site['visible'])}..{max(site['visible'])}"
                     f", PDOP {min(pdop):.2f}..{max(pdop):.2f}" if pdop else
                     f"  at {site['site']}: visible {min(site['visible'])}..{max(site['visible'])}"
                     ", no PDOP (fewer than 4 satellites)")
        lines.append("  (the site's time series: --format json, or its plot beside --out)")
    print("\n".join(line for line in lines if line.strip() != "means:"))
