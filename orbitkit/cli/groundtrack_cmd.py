"""``orbitkit groundtrack TARGET --out FILE``: ground tracks as a map or a GIS/Earth file.

Argument parsing and printing only: element sets come from
:func:`orbitkit.cli._elements.elements_for_cli`, tracks from
:func:`orbitkit.groundtrack.ground_track`, pictures from :mod:`orbitkit.plots.groundtrack` and
files from :mod:`orbitkit.export`. The output format is the extension of ``--out``.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from orbitkit.cli.common import (
    add_elements_options,
    check_writable,
    info,
    positive_float,
    span_arg,
    time_arg,
    warn,
    writing,
)
from orbitkit.errors import UserError

#: Picture formats (matplotlib) and data formats (orbitkit.export) ``--out`` accepts.
IMAGE_FORMATS = (".png", ".svg", ".pdf")
DATA_FORMATS = (".geojson", ".kml", ".czml", ".csv", ".json")
PROJECTIONS = ("platecarree", "robinson", "orthographic")

# Beyond this many samples per satellite a map is a smear and files get large; the user can
# still ask for it with a larger step.
_MAX_SAMPLES_PER_SATELLITE = 200_000
# A step longer than this draws a LEO track as visible chords (a LEO moves ~4 deg a minute
# along track), so say so.
_COARSE_STEP_S = 300.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "groundtrack",
        help="draw ground tracks (PNG/SVG/PDF) or export them (GeoJSON, KML, CZML, CSV)",
        description="Sub-satellite tracks of TARGET over a span, cut at the antimeridian, drawn "
        "on an offline world map (no download) or written for GIS (GeoJSON), Google Earth "
        "(KML), Cesium (CZML) or a spreadsheet (CSV). The format is the extension of --out.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="system key, name, NORAD number or COSPAR id (e.g. 48274, tiangong)")
    parser.add_argument("--start", type=time_arg("--start"), default=None,
                        help="start time, ISO 8601 UTC (default now)")
    parser.add_argument("--hours", type=span_arg("--hours", 3600.0, "hours"), default=3.0,
                        help="span in hours (default 3, about two LEO orbits)")
    parser.add_argument("--step-s", dest="step_s", type=positive_float("--step-s"),
                        default=30.0, help="sampling step in seconds (default 30)")
    add_elements_options(parser)
    parser.add_argument("--projection", choices=PROJECTIONS, default="platecarree",
                        help="map projection for pictures (default platecarree; robinson and "
                        "orthographic need cartopy)")
    parser.add_argument("--center", metavar="LAT,LON", default=None,
                        help="map centre in degrees (orthographic: the point facing you; "
                        "default the first station or the first satellite)")
    parser.add_argument("--footprint-mask-deg", dest="footprint_mask_deg", type=float,
                        default=None, metavar="E",
                        help="draw/export each satellite's visibility footprint at the start "
                        "time for elevation mask E degrees")
    parser.add_argument("--station", action="append", default=[], metavar="S",
                        help="mark a station: site key or LAT,LON[,ALT_M]; repeatable")
    parser.add_argument("--terminator", action="store_true",
                        help="shade the night side at the start time")
    parser.add_argument("--tick-min", dest="tick_min", type=positive_float("--tick-min"),
                        default=30.0, help="time ticks along the track every N minutes "
                        "(default 30)")
    parser.add_argument("--out", metavar="FILE", required=True,
                        help="output: .png .svg .pdf (map) or .geojson .kml .czml .csv .json")
    parser.set_defaults(func=run)


def _output_kind(path: Path) -> str:
    ext = path.suffix.lower()
    if ext in IMAGE_FORMATS:
        return "image"
    if ext in DATA_FORMATS:
        return "data"
    raise UserError(
        f"--out {path}: cannot tell the format from {ext or 'no extension'!r}; use one of "
        f"{', '.join(IMAGE_FORMATS + DATA_FORMATS)}"
    )


def _center(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        raise UserError(f"--center {text!r}: expected LAT,LON in degrees (e.g. 40,116)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 360):
        raise UserError(f"--center {text!r}: latitude must be in -90..90, longitude -180..360")
    return lat, lon


def _groups(members: list[Any]) -> list[str]:
    """Colour key per satellite: the system when several systems are drawn, else the orbit
    class (BeiDou's MEO/IGSO/GEO), else nothing (one colour per satellite)."""
    systems = [getattr(m, "system_key", None) or "" for m in members]
    if len(set(systems) - {""}) > 1:
        return systems
    classes = [getattr(m, "orbit_class", None) or "" for m in members]
    if len(set(classes) - {""}) > 1:
        return classes
    return [""] * len(members)


def run(args: argparse.Namespace) -> int:
    from orbitkit.cli._elements import elements_for_cli
    from orbitkit.groundtrack import ground_track
    from orbitkit.sites import parse_site
    from orbitkit.timeutil import format_utc, now_utc

    out = Path(args.out)
    kind = _output_kind(out)
    check_writable(out, "--out")
    center = _center(args.center)
    stations = [parse_site(s) for s in args.station]
    if args.footprint_mask_deg is not None and not 0 <= args.footprint_mask_deg < 90:
        raise UserError(f"--footprint-mask-deg {args.footprint_mask_deg}: must be in [0, 90)")
    n_samples = int(args.hours * 3600.0 / args.step_s) + 1
    if n_samples > _MAX_SAMPLES_PER_SATELLITE:
        raise UserError(
            f"--hours {args.hours:g} at --step-s {args.step_s:g} is {n_samples:,} samples per "
            f"satellite (limit {_MAX_SAMPLES_PER_SATELLITE:,}); use a larger --step-s"
        )
    if args.step_s > _COARSE_STEP_S:
        warn(f"--step-s {args.step_s:g}: low orbits will be drawn as chords; 30-60 s is smooth")

    start = args.start or now_utc()
    resolution = elements_for_cli(args, args.target, start, one_per_orbit=True,
                                  until=start + timedelta(hours=args.hours))
    if not resolution.sets:
        raise UserError(f"no element sets for {args.target!r}; nothing to draw")
    track = ground_track(
        resolution.sets, start, hours=args.hours, step_s=args.step_s,
        groups=_groups(resolution.members),
        footprint_time=start if args.footprint_mask_deg is not None else None,
        footprint_mask_deg=args.footprint_mask_deg,
    )
    failed = int((~track.ok).sum())
    if failed:
        warn(f"{failed} of {track.ok.size} samples could not be propagated (decayed or bad "
             "elements); the tracks have gaps there")

    if kind == "image":
        with writing(out, "--out"):
            _draw(track, out, args, stations, center, resolution.any_nominal)
    else:
        from orbitkit.export import write_track

        if stations or args.terminator:
            warn("--station and --terminator only affect pictures; ignored for "
                 f"{out.suffix} output")
        with writing(out, "--out"):
            write_track(track, out)
    info(f"wrote {out} ({track.n_satellites} satellite(s), {track.times.size} samples from "
         f"{format_utc(start)}, step {args.step_s:g} s)")
    return 0


def _draw(track: Any, out: Path, args: argparse.Namespace, stations: list[Any],
          center: tuple[float, float] | None, illustrative: bool) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window from the command line
    import matplotlib.pyplot as plt

    from orbitkit.plots.groundtrack import plot_ground_track

    fig, ax = plot_ground_track(
        track, projection=args.projection, center=center, stations=stations,
        terminator=args.terminator, tick_minutes=args.tick_min,
    )
    if illustrative:
        # Below the map (clear of the longitude labels), inside the saved area.
        ax.text(0.5, -0.09, "Nominal design orbits: positions are illustrative, not tracked. "
                "Give --elements FILE for real element sets.", ha="center", va="top",
                fontsize=8, color="#b2182b", transform=ax.transAxes)
    try:
        fig.savefig(out, dpi=150, bbox_inches="tight")
    finally:
        plt.close(fig)
