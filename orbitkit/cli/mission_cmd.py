"""``orbitkit mission tianwen-1``: replay a deep-space mission from the catalogue's dates.

Argument parsing and printing only. The dates (launch, Mars orbit insertion) and the Zhurong
landing site come from the catalogue (``catalog/tianwen-1.toml``); every figure is computed
by :mod:`orbitkit.deepspace` on the offline DE421 ephemeris.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from orbitkit.cli.common import (
    add_format_option,
    emit_json,
    emit_table,
    info,
    picture_path,
    writing,
)
from orbitkit.errors import CatalogError, TargetError, UserError
from orbitkit.timeutil import format_utc, parse_utc

#: Missions this verb can replay (catalogue key -> what it needs from the catalogue).
MISSIONS = ("tianwen-1",)

# The 2020 Mars window drawn around Tianwen-1 (an analysis choice, not a fact): departures
# over July–August 2020, arrivals mid-January to March 2021, one-day steps.
_PORKCHOP_DEPARTURES = ("2020-07-01T00:00:00Z", "2020-08-31T00:00:00Z")
_PORKCHOP_ARRIVALS = ("2021-01-15T00:00:00Z", "2021-03-31T00:00:00Z")
_PORKCHOP_STEP_DAYS = 1.0

_LAUNCH_NAMES = ("launch",)
_ARRIVAL_NAMES = ("mars orbit insertion", "moi", "orbit insertion")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mission",
        help="replay a deep-space mission (tianwen-1): transfer, porkchop, Mars orbits",
        description="Replay Tianwen-1's 2020 Earth-Mars transfer between the catalogue's launch "
        "and Mars-orbit-insertion dates on the offline JPL DE421 ephemeris: departure C3 and "
        "v-infinity, arrival v-infinity, transfer angle, path length, Earth-Mars distance, "
        "beside CNSA's published figures; and the orbits about Mars with their periods.",
    )
    parser.add_argument("mission", metavar="MISSION", help="mission key: tianwen-1")
    add_format_option(parser, ("table", "json"), "table")
    parser.add_argument("--out", metavar="FILE", help="draw the transfer (e.g. transfer.png)")
    parser.add_argument(
        "--porkchop", metavar="FILE", help="draw the 2020 porkchop plot (e.g. porkchop.png)"
    )
    parser.add_argument(
        "--mars-orbits",
        metavar="FILE",
        dest="mars_orbits",
        help="draw the orbits about Mars and the science orbit's ground track with Zhurong",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never touch the network (this verb never does: DE421 ships in the 'de421' package)",
    )
    parser.set_defaults(func=run)


def _event_time(events: Any, names: tuple[str, ...], what: str, path: str) -> datetime:
    for event in events:
        name = str(_field(event, "name") or "").strip().casefold()
        if name in names:
            value = _field(event, "date_utc")
            if isinstance(value, datetime):
                return parse_utc(value, what=f"{what} event date_utc")
            text = str(value)
            if len(text) <= 10:
                raise CatalogError(
                    f"{path}: the {what} event has only a date ({text}); the transfer needs the "
                    "time of day too (e.g. 2020-07-23T04:41:00Z)"
                )
            return parse_utc(text, what=f"{what} event date_utc")
    raise CatalogError(
        f"{path}: no [[events]] entry named {names[0]!r} in the tianwen-1 system; the "
        "transfer needs its date"
    )


def _field(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _mission_facts(key: str) -> dict[str, Any]:
    """Launch and arrival times and the landing site, from the catalogue."""
    try:
        from orbitkit.catalog import load_catalog
    except ImportError as exc:  # the loader is part of the package; this is a broken install
        raise CatalogError(f"the catalogue loader is not available ({exc})") from exc
    try:
        system = load_catalog().system(key)
    except TargetError:
        raise CatalogError(
            f"the catalogue has no {key!r} system: the mission dates come from "
            f"catalog/{key}.toml (launch and Mars orbit insertion events)"
        ) from None
    path = system.path or f"catalog/{key}.toml"
    launch = _event_time(system.events, _LAUNCH_NAMES, "launch", path)
    arrival = _event_time(system.events, _ARRIVAL_NAMES, "Mars orbit insertion", path)
    site = None
    for member in system.members:
        landing = _field(member, "landing_site")
        if landing and str(landing.get("body", "")).lower() == "mars":
            site = {
                "name": member.name,
                "lat_deg": float(landing["lat_deg"]),
                "lon_deg": float(landing["lon_deg"]),
                "elevation_m": landing.get("elevation_m"),
            }
            break
    return {"launch": launch, "arrival": arrival, "site": site, "catalog_file": path}


def _check_output(path: str | None, option: str) -> Path | None:
    return picture_path(path, option)


def _check_distinct(outputs: dict[str, Path | None]) -> None:
    """Two figure options naming one file: the later figure would silently replace the
    earlier one (and 'wrote FILE' would be printed twice)."""
    seen: dict[Path, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        resolved = path.resolve()
        if resolved in seen:
            raise UserError(f"{seen[resolved]} and {option} both name {path}: each figure "
                            "needs its own file")
        seen[resolved] = option


def run(args: argparse.Namespace) -> int:
    key = args.mission.strip().lower()
    if key not in MISSIONS:
        raise TargetError(
            f"unknown mission {args.mission!r}: only {', '.join(MISSIONS)} can be replayed so far"
        )
    out = _check_output(args.out, "--out")
    porkchop_out = _check_output(args.porkchop, "--porkchop")
    mars_out = _check_output(args.mars_orbits, "--mars-orbits")
    _check_distinct({"--out": out, "--porkchop": porkchop_out, "--mars-orbits": mars_out})

    from orbitkit.deepspace.mars import insertion_delta_v_km_s, tianwen1_mars_orbits
    from orbitkit.deepspace.transfer import date_range, earth_mars_transfer, porkchop

    facts = _mission_facts(key)
    result = earth_mars_transfer(facts["launch"], facts["arrival"])
    orbits = tianwen1_mars_orbits()
    capture = orbits[0]
    grid = porkchop(
        date_range(*(parse_utc(t) for t in _PORKCHOP_DEPARTURES), _PORKCHOP_STEP_DAYS),
        date_range(*(parse_utc(t) for t in _PORKCHOP_ARRIVALS), _PORKCHOP_STEP_DAYS),
        marked_departure_utc=facts["launch"],
        marked_arrival_utc=facts["arrival"],
        marked_label="Tianwen-1",
    )

    payload: dict[str, Any] = {"mission": key, **result.to_dict()}
    payload["published_at_moi"] = result.compare_published()
    payload["moi_delta_v_ideal_km_s"] = insertion_delta_v_km_s(result.arrival_vinf_km_s, capture)
    payload["mars_orbits"] = [o.to_dict() for o in orbits]
    payload["zhurong_site"] = facts["site"]
    payload["porkchop_2020"] = grid.to_dict()
    payload["dates_from"] = facts["catalog_file"]

    if args.format == "json":
        emit_json(payload)
    else:
        _print_table(result, payload)

    if out is not None:
        from orbitkit.plots.transfer import plot_transfer

        with writing(out, "--out"):
            plot_transfer(
                result,
                out,
                title=f"Tianwen-1: {format_utc(result.launch_utc)} → "
                f"{format_utc(result.arrival_utc)} (one-leg Lambert on DE421)",
            )
        info(f"wrote {out}")
    if porkchop_out is not None:
        from orbitkit.plots.porkchop import plot_porkchop

        with writing(porkchop_out, "--porkchop"):
            plot_porkchop(grid, porkchop_out)
        info(f"wrote {porkchop_out}")
    if mars_out is not None:
        from orbitkit.deepspace.mars import ground_track
        from orbitkit.plots.mars_orbits import plot_mars_orbits

        science = next(o for o in orbits if o.key == "remote-sensing")
        site = facts["site"]
        # Node over the landing site's longitude: an illustrative choice (the real node
        # longitude on a given day is not published), so the track passes near Zhurong.
        track = ground_track(science, node_longitude_deg=site["lon_deg"] if site else 0.0)
        with writing(mars_out, "--mars-orbits"):
            plot_mars_orbits(orbits, mars_out, ground_track=track, site=site)
        info(f"wrote {mars_out}")
    return 0


def _print_table(result: Any, payload: dict[str, Any]) -> None:
    published = {row["figure"]: row for row in payload["published_at_moi"]}

    def row(label: str, key: str, value: float, unit: str, fmt: str) -> list[str]:
        pub = published.get(key)
        if pub is None:
            return [label, format(value, fmt), unit, "", ""]
        return [label, format(value, fmt), unit, format(pub["published"], fmt),
                f"{pub['relative_difference'] * 100:+.2f} %"]

    rows = [
        ["launch", format_utc(result.launch_utc), "UTC", "", ""],
        ["Mars orbit insertion", format_utc(result.arrival_utc), "UTC", "", ""],
        row("time of flight", "time_of_flight_days", result.time_of_flight_days, "d", ".2f"),
        row("departure C3", "c3_km2_s2", result.c3_km2_s2, "km²/s²", ".3f"),
        row("departure v∞", "departure_vinf_km_s", result.departure_vinf_km_s, "km/s", ".3f"),
        row("departure DLA", "departure_dla_deg", result.departure_dla_deg, "deg", ".2f"),
        row("arrival v∞", "arrival_vinf_km_s", result.arrival_vinf_km_s, "km/s", ".3f"),
        row("transfer angle", "transfer_angle_deg", result.transfer_angle_deg, "deg", ".2f"),
    ]
    rows.append(["path length", f"{result.path_length_km / 1e6:.2f}", "million km",
                 f"{published['path_length_km']['published'] / 1e6:.0f}",
                 f"{published['path_length_km']['relative_difference'] * 100:+.2f} %"])
    em = published["earth_mars_distance_at_arrival_km"]
    rows.append(["Earth–Mars distance at MOI",
                 f"{result.earth_mars_distance_at_arrival_km / 1e6:.2f}", "million km",
                 f"{em['published'] / 1e6:.0f}", f"{em['relative_difference'] * 100:+.2f} %"])
    rows.append(row("one-way light time", "one_way_light_time_min",
                    result.one_way_light_time_min, "min", ".2f"))
    rows.append(["ideal MOI Δv (into capture orbit)",
                 f"{payload['moi_delta_v_ideal_km_s']:.3f}", "km/s", "", ""])
    emit_table(["figure", "computed", "unit", "published (CNSA)", "difference"], rows)
    print()
    orbit_rows = []
    for o in payload["mars_orbits"]:
        orbit_rows.append([
            o["name"],
            f"{o['periapsis_altitude_km']:,.0f} × {o['apoapsis_altitude_km']:,.0f}"
            + (" (apo from period)" if o["apoapsis_derived_from_period"] else ""),
            "" if o["inclination_deg"] is None else f"{o['inclination_deg']:.0f}",
            f"{o['period_h']:.3f} h = {o['period_sols']:.3f} sols",
            o["published_period"],
            "(by construction)" if o["apoapsis_derived_from_period"]
            else f"{o['period_relative_difference'] * 100:+.2f} %",
        ])
    emit_table(["orbit about Mars", "altitudes (km)", "i (deg)", "computed period",
                "published", "difference"], orbit_rows)
    site = payload["zhurong_site"]
    if site:
        print(f"\n{site['name']}: {site['lat_deg']:.3f}°N, {site['lon_deg']:.3f}°E (Mars)")
    from orbitkit.deepspace.mars import MU_MARS_KM3_S2, R_MARS_MEAN_KM

    print(f"dates from {payload['dates_from']}; ephemeris {result.ephemeris}; "
          f"frame {result.frame}; μ_Mars {MU_MARS_KM3_S2} km³/s², "
          f"R_Mars {R_MARS_MEAN_KM} km (mean)")
