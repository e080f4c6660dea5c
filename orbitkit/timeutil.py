"""Accepted time inputs and their conversion to UTC.

At the edges orbitkit takes timezone-aware ``datetime``, numpy ``datetime64`` (read as
UTC), ISO 8601 strings with a zone (``2026-05-01T00:00:00Z``) and skyfield ``Time``.
Naive datetimes are refused: a satellite is somewhere else 8 hours later.
"""

from __future__ import annotations

from datetime import UTC, datetime

from orbitkit.errors import TimeInputError

__all__ = ["parse_utc", "format_utc", "now_utc"]


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def parse_utc(value: str | datetime, *, what: str = "time") -> datetime:
    """Parse an ISO 8601 time with a zone (or ``now``) into an aware UTC datetime.

    Parameters
    ----------
    value
        ``"2026-05-01T00:00:00Z"``, ``"2026-05-01T08:00:00+08:00"``, ``"2026-05-01"``
        (a bare date is midnight UTC), ``"now"``, or an aware ``datetime``.
    what
        Name of the option or argument, used in the error message.

    Raises
    ------
    TimeInputError
        When the value is naive, unparsable, or not a time at all.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise TimeInputError(
                f"{what}: naive datetime {value.isoformat()} has no time zone; "
                "give an aware datetime (e.g. tzinfo=timezone.utc)"
            )
        return value.astimezone(UTC)
    text = str(value).strip()
    if text.lower() == "now":
        return now_utc()
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise TimeInputError(
            f"{what}: cannot read {text!r} as a time; use ISO 8601 UTC such as "
            "2026-05-01T00:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        if len(text) == 10:  # a bare date: midnight UTC is the only sensible reading
            return parsed.replace(tzinfo=UTC)
        raise TimeInputError(
            f"{what}: {text!r} has no time zone; add 'Z' for UTC (e.g. {text}Z)"
        )
    return parsed.astimezone(UTC)


def format_utc(t: datetime, *, timespec: str = "seconds") -> str:
    """ISO 8601 UTC with a trailing ``Z`` (``2026-05-01T00:00:00Z``)."""
    return t.astimezone(UTC).replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
