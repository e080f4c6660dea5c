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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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
# constellation words a TARGET may be made of (multi-constellation mode)
_CONSTELLATION_WORDS = {
    "gnss": ("BeiDou", "GPS", "Galileo", "GLONASS"),
    "beidou": ("BeiDou",),
    "bds": ("BeiDou",),
    "gps": ("GPS",),
    "galileo": ("Galileo",),
    "glonass": ("GLONASS",),
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "coverage",
        help="visible satellites, PDOP/HDOP/VDOP/GDOP and availability over a region",
        description="Count the satellites of TARGET above the elevation mask and compute "
        "GDOP/PDOP/HDOP/VDOP/TDOP on a latitude/longitude grid at every epoch, then summarise "
        "over time: a map (--out), a JSON summary or a CSV grid. TARGET is a system "
        "(beidou-3), any catalogue target, or constellation words for multi-GNSS from "
        "--elements files: gnss (BeiDou+GPS+Galileo+GLONASS, one receiver clock each), or a "
        "comma list of beidou, gps, galileo, glonass.",
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
    add_elements_options(parser)
    add_format_option(parser, ("text", "json", "csv"), "text")
    parser.add_argument("--out", metavar="FILE", default=None,
                        help="write the map (PNG, SVG, PDF by extension)")
    parser.set_defaults(func=run)


# ----------------------------------------------------------------------------- elements


def _constellations_of(target: str) -> tuple[str, ...] | None:
    words = [w.strip().lower() for w in target.split(",") if w.strip()]
    if not words or not all(w in _CONSTELLATION_WORDS for w in words):
        return None
    out: list[str] = []
    for w in words:
        for c in _CONSTELLATION_WORDS[w]:
            if c not in out:
                out.append(c)
    return tuple(out)


def _multi_gnss_sets(args: argparse.Namespace, wanted: tuple[str, ...], at: datetime,
                     until: datetime | None = None):
    """Element sets of the wanted constellations from --elements files, and group indices.

    Several sets of one satellite switch along ``[at, until]`` at the midpoints between
    their epochs (:mod:`orbitkit.elements.switching`); each switch is named on stderr."""
    from orbitkit.coverage import classify_constellation
    from orbitkit.elements.sources import read_element_files
    from orbitkit.elements.switching import orbit_for_span

    files = list(args.elements or [])
    if not files:
        raise UserError(
            f"TARGET {args.target!r} takes its satellites from element files: give --elements "
            "FILE (e.g. a CelesTrak 'gnss' group file)"
        )
    from orbitkit.elements.orbit import open_file_sources

    file_sources, files = open_file_sources(files)
    sets, groups = [], []
    for source in file_sources:  # RINEX navigation / SP3 files: satellites by PRN
        for orbit, constellation in getattr(source, "constellation_orbits", lambda w: [])(
                wanted):
            sets.append(orbit)
            groups.append(wanted.index(constellation))
        for note in getattr(source, "unhealthy_notes", lambda: [])():
            warn(note)  # excluded from DOP, and named
    store, errors = read_element_files(files)
    if errors:
        warn(f"{len(errors)} bad record(s) in the element files were skipped "
             f"(first: {errors[0]})")
    for norad in store.norad_ids():
        es = orbit_for_span(store.sets_for(norad), at, until)
        if es is None:
            continue
        for switch in es.switches(at, until) if until is not None else []:
            info(switch.message())
        constellation = classify_constellation(es.name)
        if constellation in wanted:
            sets.append(es)
            groups.append(wanted.index(constellation))
    present = sorted(set(groups))
    if not sets:
        raise UserError(f"no {', '.join(wanted)} satellites in {', '.join(files)} (names are "
                        "read the CelesTrak way: GPS ..., GSAT0nnn, COSMOS ..., BEIDOU ...)")
    # renumber so the groups are 0..C-1 over the constellations actually present
    names = [wanted[g] for g in present]
    groups = [present.index(g) for g in groups]
    return sets, groups, names


def _elements_summary(sets: list[Any]) -> dict[str, Any]:
    from collections import Counter

    out: dict[str, Any] = dict(Counter(es.source for es in sets))
    epochs = [es.epoch for es in sets]
    out["epoch_min_utc"] = min(epochs).strftime("%Y-%m-%dT%H:%M:%SZ") if epochs else None
    out["epoch_max_utc"] = max(epochs).strftime("%Y-%m-%dT%H:%M:%SZ") if epochs else None
    out["illustrative"] = any(es.source == "nominal" for es in sets)
    return out


# ----------------------------------------------------------------------------- run


# Most epochs in one run: 200,000 is 3.8 years every 10 min (or 139 days every minute).
# Checked before the list of times is built: --hours 1e6 used to spend minutes and gigabytes
# building 60 million datetimes before any other limit could say no.
_MAX_EPOCHS = 200_000


def _times(start: datetime, hours: float, step_min: float) -> list[datetime]:
    # the span is half-open, [start, start + hours): 24 h every 10 min is 144 epochs, so a
    # day's statistics do not count the repeated instant twice
    n_float = math.floor(hours * 60.0 / step_min + 1e-9)
    if n_float < 1:
        raise UserError(f"--hours {hours:g} is shorter than one --step-min {step_min:g} step")
    if n_float > _MAX_EPOCHS:
        raise UserError(
            f"--hours {hours:g} every --step-min {step_min:g} is {n_float:,.0f} epochs (limit "
            f"{_MAX_EPOCHS:,}); use fewer --hours or a longer --step-min"
        )
    n = int(n_float)
    step = timedelta(minutes=step_min)
    return [start + i * step for i in range(n)]


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
    # the site, the map's path (and the site figure's beside it) are checked before the work
    from orbitkit.sites import parse_site

    site = parse_site(args.site) if args.site else None
    out_path = picture_path(args.out, "--out", "the coverage map")
    site_path = None
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

        resolution = elements_for_cli(args, args.target, start, one_per_orbit=True,
                                      until=times[-1])
        sets, members = list(resolution.sets), list(resolution.members)
        groups, group_names = None, []
        elements = resolution.sources_summary()
        label = args.target
    if not sets:
        raise UserError(f"no element sets for {args.target!r}")

    eph = propagate(sets, times)
    for f in eph.failures():
        warn(f"{f.name} (NORAD {f.norad_id}): {f.count} of {len(times)} samples failed from "
             f"{f.first_time:%Y-%m-%dT%H:%M:%SZ} ({f.message}); it counts as not visible there")
    r_itrs = eph.r_itrs_km
    ok = eph.ok
    group_arr = None if groups is None else np.asarray(groups)

    csv_out = args.format == "csv"
    # PDOP always; the other DOPs cost about a third more kernel work, so they are computed
    # for the CSV grid and when the map shows them
    dops = cov.DOP_KINDS if csv_out else ("pdop", args.metric) if args.metric in \
        cov.DOP_KINDS else ("pdop",)
    with Progress("coverage") as bar:
        result = cov.compute_coverage(
            r_itrs, times, grid, mask_deg=args.mask_deg, pdop_threshold=args.pdop_threshold,
            ok=ok, groups=group_arr, group_names=group_names, point_quantiles=csv_out,
            progress=bar, label=label, dops=dops)
    result.elements = elements

    extra: dict[str, Any] = {}
    if args.by_class:
        extra["by_class"] = _by_class(args, cov, r_itrs, ok, times, grid, members, result)
    site_series = None
    if site is not None:
        site_series = cov.site_series(
            r_itrs, times, site.lat_deg, site.lon_deg, site.alt_km, mask_deg=args.mask_deg,
            ok=ok, groups=group_arr, name=site.name, label=label)
        extra["site"] = site_series.to_dict()

    if args.out:
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
    elif csv_out:
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


def _by_class(args, cov, r_itrs, ok, times, grid, members, full) -> dict[str, Any]:
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
        f"({s['points']} points x {s['epochs']} epochs, mask {result.mask_deg:g} deg)",
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
