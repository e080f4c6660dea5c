"""iCalendar (RFC 5545) files of passes, for ground-station operators' calendars.

One ``VEVENT`` per pass, from rise (rounded down to the second) to set (rounded up), so
the calendar entry always covers the pass; the summary names the satellite, the station
and the maximum elevation, the description lists rise/culmination/set with azimuths.
Lines end in CRLF and are folded at 75 octets; text values are escaped as the RFC asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from orbitkit.passes import Pass
from orbitkit.sites import Site

__all__ = ["passes_to_ical"]

_PRODID = "-//orbitkit//passes//EN"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Split a content line into pieces of at most 75 octets (RFC 5545 section 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current = " "  # continuation lines start with one space
            size = 1
            limit = 75
        current += ch
        size += n
    out.append(current)
    return out


def _stamp(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _floor_s(t: datetime) -> datetime:
    return t.replace(microsecond=0)


def _ceil_s(t: datetime) -> datetime:
    return t.replace(microsecond=0) + (timedelta(seconds=1) if t.microsecond else timedelta())


def _min_s(duration_s: float) -> str:
    # round once, then split: 359.6 s is "6 min 0 s", not "5 min 60 s"
    total = round(duration_s)
    return f"{total // 60} min {total % 60} s"


def _hhmmss(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def passes_to_ical(
    passes: Iterable[Pass],
    *,
    stations: Mapping[str, Site] | None = None,
    now: datetime | None = None,
    calendar_name: str = "orbitkit passes",
) -> str:
    """An iCalendar document with one event per pass.

    Parameters
    ----------
    passes
        :class:`~orbitkit.passes.Pass` objects.
    stations
        Sites by key, to add ``LOCATION`` names and ``GEO`` coordinates.
    now
        ``DTSTAMP`` of the events (aware UTC; default: the current time).
    calendar_name
        ``X-WR-CALNAME``, the name calendar programs show.

    Returns
    -------
    str
        The document, CRLF line endings.
    """
    stamp = _stamp(now or datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
    ]
    stations = stations or {}
    for p in passes:
        site = stations.get(p.station)
        uid = f"{p.norad_id}-{p.station}-{_stamp(p.rise_utc)}@orbitkit"
        cut = []
        if p.starts_before_window:
            cut.append("rise is the start of the search window")
        if p.ends_after_window:
            cut.append("set is the end of the search window")
        visible = {True: "yes", False: "no", None: "not computed"}[p.visible]
        description = "\n".join([
            f"{p.name} (NORAD {p.norad_id}) over {site.name if site else p.station}",
            f"Rise: {_hhmmss(p.rise_utc)}, azimuth {p.rise_az_deg:.0f} deg",
            f"Max: {_hhmmss(p.max_utc)}, elevation {p.max_elevation_deg:.1f} deg, "
            f"azimuth {p.max_az_deg:.0f} deg",
            f"Set: {_hhmmss(p.set_utc)}, azimuth {p.set_az_deg:.0f} deg",
            f"Duration: {_min_s(p.duration_s)}",
            f"Visible by eye: {visible}",
            *cut,
        ])
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_stamp(_floor_s(p.rise_utc))}",
            f"DTEND:{_stamp(max(_ceil_s(p.set_utc), _floor_s(p.rise_utc) + timedelta(seconds=1)))}",
            f"SUMMARY:{_escape(f'{p.name} pass, max {p.max_elevation_deg:.0f}° ({p.station})')}",
            f"DESCRIPTION:{_escape(description)}",
            f"LOCATION:{_escape(site.name if site else p.station)}",
        ]
        if site is not None:
            lines.append(f"GEO:{site.lat_deg:.6f};{site.lon_deg:.6f}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    folded: list[str] = []
    for line in lines:
        folded += _fold(line)
    return "\r\n".join(folded) + "\r\n"
