"""``orbitkit ephemeris TARGET``: positions over a time span, as CSV or JSON.

Argument parsing and printing only: element sets come from
:func:`orbitkit.cli._elements.elements_for_cli`, numbers from
:mod:`orbitkit.propagation`.

Failed samples (sgp4 error codes: decayed, eccentricity out of range, ...) are left out
of the CSV rows, and one warning per satellite on stderr names it, the number of samples
lost, the first failed time and sgp4's message. In JSON they are ``null`` and listed under
``failures``.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from orbitkit.cli.common import (
    add_elements_options,
    add_format_option,
    emit_csv,
    emit_json,
    positive_float,
    time_arg,
    warn,
)
from orbitkit.errors import RequestTooLargeError, TimeInputError, UserError

FRAME_CHOICES = ("teme", "gcrs", "itrs", "geodetic")
_DEFAULT_SPAN = timedelta(hours=24)
# CSV output streams time chunks of at most this size, so memory stays bounded whatever
# the request (JSON is built whole and is refused above propagate()'s limit instead).
_STREAM_MEMORY_MB = 200
# More rows than this (~2 GB of CSV, ~100 bytes a row) is refused before any work.
_MAX_ROWS = 20_000_000
# JSON is built whole in memory as Python lists and then as text: measured 1.14 GB peak
# for 864,000 samples (~1.2 KB each), so 20 M samples would need ~26 GB and be killed by
# the kernel instead of refused. 2 M samples is ~2.5 GB.
_MAX_JSON_SAMPLES = 2_000_000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ephemeris",
        help="positions and velocities over a time span (TEME, GCRS, ITRS or geodetic)",
        description="Propagate TARGET's element sets with SGP4/SDP4 from --start to --stop "
        "every --step-s seconds and write one row per satellite and time. Frames: teme "
        "(SGP4's own), gcrs (celestial, as skyfield's at()), itrs (Earth-fixed), geodetic "
        "(WGS84 latitude, longitude, height). Samples sgp4 cannot compute (decayed, bad "
        "elements) are left out with a warning on stderr.",
    )
    parser.add_argument("target", metavar="TARGET",
                        help="system key, satellite name, NORAD number, COSPAR id, or a "
                        "comma-separated mix")
    parser.add_argument("--start", type=time_arg("--start"), default=None, metavar="T",
                        help="first time, ISO 8601 UTC (default now)")
    parser.add_argument("--stop", type=time_arg("--stop"), default=None, metavar="T",
                        help="last time, included when on the step grid (default start + 24 h)")
    parser.add_argument("--step-s", dest="step_s", type=positive_float("--step-s"),
                        default=60.0, metavar="S", help="time step in seconds (default 60)")
    parser.add_argument("--frame", choices=FRAME_CHOICES, default=None,
                        help="output frame (default itrs; gcrs, written as GCRF, for oem)")
    add_elements_options(parser)
    add_format_option(parser, ("csv", "json", "oem", "oem-xml"), "csv")
    parser.set_defaults(func=run)


def _check_span(start: datetime, stop: datetime, start_given: bool) -> None:
    """Refuse a stop before the start, naming both options (and the default start)."""
    from orbitkit.timeutil import format_utc

    if stop >= start:
        return
    if start_given:
        raise TimeInputError(f"stop (--stop {format_utc(stop)}) is before start "
                             f"(--start {format_utc(start)}); swap them")
    raise TimeInputError(f"stop (--stop {format_utc(stop)}) is before start: --start was "
                         f"not given and defaults to now ({format_utc(start)}); give "
                         "--start too")


def _merge_low(into: dict[int, dict[str, Any]], eph: Any) -> None:
    """Record samples that sgp4 returns as good below the re-entry altitude."""
    from orbitkit.timeutil import format_utc_array

    low = eph.below_altitude()
    if not low.any():
        return
    alt = eph.geodetic()[2]
    for i in np.flatnonzero(low.any(axis=1)):
        idx = np.flatnonzero(low[i])
        norad = int(eph.norad_ids[i])
        lowest = float(alt[i, idx].min())
        entry = into.get(norad)
        if entry is None:
            into[norad] = {"name": eph.names[i], "count": int(idx.size), "lowest": lowest,
                           "first": str(format_utc_array(eph.times[idx[:1]])[0])}
        else:
            entry["count"] += int(idx.size)
            entry["lowest"] = min(entry["lowest"], lowest)


def _warn_low(low: dict[int, dict[str, Any]], n_times: int) -> None:
    from orbitkit.propagation import REENTRY_ALTITUDE_KM

    for norad, f in low.items():
        warn(f"{f['name']} (NORAD {norad}): {f['count']} of {n_times} samples are below "
             f"{REENTRY_ALTITUDE_KM:g} km altitude from {f['first']} "
             f"(lowest {f['lowest']:.1f} km): "
             "it has most likely re-entered, but sgp4 does not flag this, so those rows are "
             "kept; use elements nearer that time")


def _warn_failures(failures: dict[int, dict[str, Any]], n_times: int) -> None:
    for f in failures.values():
        warn(f"{f['name']} (NORAD {f['norad_id']}): {f['count']} of {n_times} samples "
             f"failed from {f['first']} ({f['message']}); those rows are left out")


def _merge_failures(into: dict[int, dict[str, Any]], eph: Any) -> None:
    from orbitkit.timeutil import format_utc

    for f in eph.failures():
        entry = into.get(f.norad_id)
        if entry is None:
            into[f.norad_id] = {"norad_id": f.norad_id, "name": f.name, "count": f.count,
                                "first": format_utc(f.first_time), "message": f.message}
        else:
            entry["count"] += f.count
            for part in f.message.split("; "):
                if part not in entry["message"]:
                    entry["message"] += f"; {part}"


def run(args: argparse.Namespace) -> int:
    from orbitkit.cli._elements import elements_for_cli
    from orbitkit.propagation import Ephemeris, iter_propagate, propagate
    from orbitkit.timeutil import now_utc, time_grid

    start = args.start or now_utc()
    stop = args.stop or start + _DEFAULT_SPAN
    _check_span(start, stop, args.start is not None)
    n_times = int((stop - start).total_seconds() // args.step_s) + 1

    resolution = elements_for_cli(args, args.target, start, until=stop)
    if not resolution.sets:
        raise UserError(f"no element sets for {args.target!r}; nothing to propagate")
    n_rows = n_times * len(resolution.sets)
    if n_rows > _MAX_ROWS:
        raise RequestTooLargeError(
            f"{len(resolution.sets)} satellite(s) x {n_times:,} times = {n_rows:,} rows "
            f"(~{n_rows * 100 / 1e9:.0f} GB of output; limit {_MAX_ROWS:,}); use a coarser "
            "--step-s, fewer satellites or a shorter span"
        )
    if args.format in ("oem", "oem-xml") and args.frame == "geodetic":
        raise UserError("--format oem: an OEM holds Cartesian states; use --frame gcrs "
                        "(GCRF, the default), itrs (ITRF) or teme (TEME)")
    if args.format != "csv" and n_rows > _MAX_JSON_SAMPLES:
        raise RequestTooLargeError(
            f"{len(resolution.sets)} satellite(s) x {n_times:,} times = {n_rows:,} samples "
            f"as {args.format.upper()} would need ~{n_rows * 1.2e3 / 1e9:.0f} GB of memory "
            f"(it is built whole; limit {_MAX_JSON_SAMPLES:,} samples); use --format csv, "
            "which streams, "
            "or a coarser --step-s, fewer satellites or a shorter span"
        )
    times = time_grid(start, stop, args.step_s)
    if args.format in ("oem", "oem-xml"):
        return _write_oem(args, resolution, times)
    if args.frame is None:
        args.frame = "itrs"

    failures: dict[int, dict[str, Any]] = {}
    low: dict[int, dict[str, Any]] = {}
    if args.format == "json":
        eph = propagate(resolution.sets, times)
        _merge_failures(failures, eph)
        _merge_low(low, eph)
        emit_json(eph.to_dict(args.frame))
        _warn_failures(failures, times.size)
        _warn_low(low, times.size)
        return 0

    def rows():
        for chunk in iter_propagate(resolution.sets, times, max_memory_mb=_STREAM_MEMORY_MB):
            _merge_failures(failures, chunk)
            _merge_low(low, chunk)
            yield from chunk.rows(args.frame)

    emit_csv(Ephemeris.columns(args.frame), rows())
    _warn_failures(failures, times.size)
    _warn_low(low, times.size)
    return 0


# Above this, the OEM's Lagrange interpolation between the written states is said to be
# too coarse for the object (a warning with the step that would do).
_OEM_INTERP_WARN_KM = 1e-3


def _write_oem(args: argparse.Namespace, resolution: Any, times: np.ndarray) -> int:
    """CCSDS OEM (KVN or XML) of the propagated states, with a check of its interpolation.

    The hint written is Lagrange of degree 7 over positions (and, separately, velocities):
    SGP4's velocity is not the exact derivative of its position (measured 1.7-2.7 cm/s
    apart on the CSS and a BeiDou GEO), so a Hermite hint would carry that mismatch into
    interpolated positions (0.5 m at a 60 s step). Every midpoint between written states
    is propagated too and compared with the Lagrange interpolation; the largest difference
    per object goes into a COMMENT, and a warning names objects above 1 mm.
    """
    import sys

    from orbitkit.elements.oem import ephemeris_segments, write_oem_kvn, write_oem_xml
    from orbitkit.propagation import propagate

    frame = args.frame or "gcrs"
    eph = propagate(resolution.sets, times)
    failures: dict[int, dict[str, Any]] = {}
    low: dict[int, dict[str, Any]] = {}
    _merge_failures(failures, eph)
    _merge_low(low, eph)
    segments, notes = ephemeris_segments(eph, frame)
    if times.size > 1:
        mid = times[:-1] + (times[1:] - times[:-1]) // 2
        truth_r = propagate(resolution.sets, mid).position(frame)[0]
        worst: dict[int, float] = {}
        for seg in segments:
            i = seg.index
            inside = seg.covers(mid)
            if not inside.any():
                continue
            r, _ = seg.interpolate(mid[inside])
            err = np.linalg.norm(r - truth_r[i, inside], axis=1)
            err = float(np.nanmax(err)) if np.isfinite(err).any() else 0.0
            worst[i] = max(worst.get(i, 0.0), err)
            seg.comments.append(
                f"Lagrange degree {seg.interpolation_degree} between these states "
                f"reproduces SGP4 within {err * 1e3:.3g} m (checked at every midpoint)")
        for i, err in worst.items():
            if err > _OEM_INTERP_WARN_KM:
                name, norad = eph.names[i], int(eph.norad_ids[i])
                warn(f"{name} (NORAD {norad}): interpolating the OEM at --step-s "
                     f"{args.step_s:g} misses SGP4 by up to {err * 1e3:.3g} m between "
                     "states; a smaller --step-s brings it under 1 mm (60 s does for LEO)")
    writer = write_oem_kvn if args.format == "oem" else write_oem_xml
    sys.stdout.write(writer(segments))
    for note in notes:
        warn(note)
    _warn_failures(failures, times.size)
    _warn_low(low, times.size)
    if resolution.any_nominal:
        warn("some objects are nominal design orbits (illustrative): their OEM segments "
             "say so in a COMMENT")
    return 0
