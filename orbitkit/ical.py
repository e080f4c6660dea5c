"""iCalendar (RFC 5545) files of passes, for ground-station operators' calendars.

One ``VEVENT`` per pass, from rise (rounded down to the second) to set (rounded up), so
the calendar entry always covers the pass (the description shows those same seconds), and
one per visibility interval of an object that does not rise and set (GEO, IGSO). The
summary names the satellite, the station and the maximum elevation, the description lists
rise/culmination/set with azimuths.
Lines end in CRLF and are folded at 75 octets; text values are escaped as the RFC asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from orbitkit.passes import Pass, VisibilityInterval
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


def _event(uid: str, stamp: str, start: datetime, end: datetime, summary: str,
           description: str, station: str, site: Site | None) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_escape(uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_stamp(start)}",
        f"DTEND:{_stamp(end)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(site.name if site else station)}",
    ]
    if site is not None:
        lines.append(f"GEO:{site.lat_deg:.6f};{site.lon_deg:.6f}")
    return lines + ["TRANSP:TRANSPARENT", "END:VEVENT"]


def _round_s(t: datetime) -> datetime:
    return _floor_s(t + timedelta(microseconds=500_000))


def passes_to_ical(
    passes: Iterable[Pass],
    *,
    intervals: Iterable[VisibilityInterval] = (),
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
    intervals
        :class:`~orbitkit.passes.VisibilityInterval` objects (GEO, IGSO, never-setting
        objects): one event each, from the start to the end of the interval.
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
        # The description shows the very seconds of DTSTART and DTEND (rise rounded down,
        # set rounded up), so a reader never sees two set times 1 s apart.
        start = _floor_s(p.rise_utc)
        end = max(_ceil_s(p.set_utc), start + timedelta(seconds=1))
        description = "\n".join([
            f"{p.name} (NORAD {p.norad_id}) over {site.name if site else p.station}",
            f"Rise: {_hhmmss(start)}, azimuth {p.rise_az_deg:.0f} deg",
            f"Max: {_hhmmss(_round_s(p.max_utc))}, elevation {p.max_elevation_deg:.1f} deg, "
            f"azimuth {p.max_az_deg:.0f} deg",
            f"Set: {_hhmmss(end)}, azimuth {p.set_az_deg:.0f} deg",
            f"Duration: {_min_s(p.duration_s)}",
            f"Visible by eye: {visible}",
            *cut,
        ])
        summary = f"{p.name} pass, max {p.max_elevation_deg:.0f}° ({p.station})"
        lines += _event(uid, stamp, start, end, summary, description, p.station, site)
    for v in intervals:
        site = stations.get(v.station)
        uid = f"{v.norad_id}-{v.station}-{_stamp(v.start_utc)}-visibility@orbitkit"
        start = _floor_s(v.start_utc)
        end = max(_ceil_s(v.end_utc), start + timedelta(seconds=1))
        cut = []
        if v.starts_before_window:
            cut.append("from is the start of the search window (above the mask before it)")
        if v.ends_after_window:
            cut.append("to is the end of the search window (above the mask after it)")
        description = "\n".join([
            f"{v.name} (NORAD {v.norad_id}) above the mask at "
            f"{site.name if site else v.station}: it does not rise and set (GEO, IGSO) or "
            "stayed up the whole window",
            f"From: {_hhmmss(start)}, azimuth {v.start_az_deg:.0f} deg",
            f"To: {_hhmmss(end)}, azimuth {v.end_az_deg:.0f} deg",
            f"Elevation: {v.min_elevation_deg:.1f} to {v.max_elevation_deg:.1f} deg",
            f"Duration: {_min_s(v.duration_s)}",
            *cut,
        ])
        summary = f"{v.name} visible, elevation {v.min_elevation_deg:.0f}-" \
            f"{v.max_elevation_deg:.0f}° ({v.station})"
        lines += _event(uid, stamp, start, end, summary, description, v.station, site)
    lines.append("END:VCALENDAR")
    folded: list[str] = []
    for line in lines:
        folded += _fold(line)
    return "\r\n".join(folded) + "\r\n"
