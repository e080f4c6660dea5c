"""Error types of orbitkit.

Every error a user can cause derives from :class:`UserError`; the command line turns
those into exit status 2 with a one-paragraph message and no traceback. Anything else
that escapes is an internal error (exit status 1).
"""

from __future__ import annotations

__all__ = [
    "OrbitkitError",
    "UserError",
    "CatalogError",
    "TargetError",
    "SiteError",
    "TimeInputError",
    "ElementParseError",
    "ElementFileError",
    "ElementsUnavailableError",
    "FetchError",
    "RequestTooLargeError",
    "PropagationError",
]


class OrbitkitError(Exception):
    """Base class of every error orbitkit raises on purpose."""


class UserError(OrbitkitError):
    """An error in what the user gave us (file, target, time, option value)."""


class CatalogError(UserError):
    """A catalogue file is malformed: names the file, the key and the problem."""


class TargetError(UserError):
    """A target string resolves to nothing; the message suggests close matches."""


class SiteError(UserError):
    """A station/site string is neither a known site key nor ``LAT,LON[,ALT_M]``."""


class TimeInputError(UserError):
    """A time is naive, unparsable, or a range is reversed."""


class ElementParseError(UserError):
    """One element record (TLE/3LE/OMM) is invalid.

    Attributes say where and what: ``path`` (file name or ``"<string>"``), ``line``
    (1-based line number of the offending line, or ``None``), ``column`` (1-based, or
    ``None``), ``field`` (e.g. ``"checksum"``, ``"eccentricity"``), ``expected`` and
    ``found``. ``str(error)`` is a complete, human-readable message.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        expected: str | None = None,
        found: str | None = None,
        norad_id: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.field = field
        self.expected = expected
        self.found = found
        self.norad_id = norad_id


class ElementFileError(UserError):
    """A whole element file is unusable (missing, empty, HTML, binary, no good record)."""


class ElementsUnavailableError(UserError):
    """No element set could be found for a requested object from any allowed source."""


class FetchError(OrbitkitError):
    """A network fetch failed (HTTP status, timeout, reset, bad payload, rate rule)."""


class RequestTooLargeError(UserError):
    """A request would need absurd memory or time; the message gives an estimate and a hint."""


class PropagationError(OrbitkitError):
    """Propagation could not run at all (not per-sample failures, which are reported as status)."""
