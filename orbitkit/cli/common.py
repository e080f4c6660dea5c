"""Options and output helpers shared by every verb, so they behave the same everywhere."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from orbitkit.errors import UserError
from orbitkit.timeutil import (
    TIME_RANGE_END,
    TIME_RANGE_FIRST,
    TIME_RANGE_TEXT,
    TimeRoundingWarning,
    parse_utc,
)


def warn(message: str) -> None:
    """A warning for the user: stderr only, never mixed into data on stdout."""
    sys.stderr.write(f"orbitkit: warning: {message}\n")


def info(message: str) -> None:
    """Progress or a note: stderr only."""
    sys.stderr.write(f"orbitkit: {message}\n")


def time_arg(what: str):
    """An argparse ``type=`` that reads ISO 8601 UTC times, naming the option on error."""

    def parse(text: str) -> datetime:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", TimeRoundingWarning)
                value = parse_utc(text, what=what)
        except UserError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        for note in caught:
            info(str(note.message))
        return value

    parse.__name__ = "time"
    return parse


#: Longest span (s) any time range can have: the whole range orbitkit represents.
_RANGE_S = (TIME_RANGE_END - TIME_RANGE_FIRST).total_seconds()


def span_arg(what: str, unit_s: float, unit: str):
    """An argparse ``type=`` for a span length (``--days``, ``--hours``): a positive number,
    no longer than the whole supported time range, so that start + span never overflows
    (a span ending beyond the range is then refused where the end time is built)."""
    number = positive_float(what)

    def parse(text: str) -> float:
        value = number(text)
        if value * unit_s > _RANGE_S:
            raise argparse.ArgumentTypeError(
                f"{what}: {text} {unit} is longer than the whole time range orbitkit "
                f"represents, {TIME_RANGE_TEXT}")
        return value

    parse.__name__ = "number"
    return parse


def positive_float(what: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}: expected a number, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{what}: must be > 0, got {text}")
        if math.isinf(value):
            raise argparse.ArgumentTypeError(f"{what}: must be a finite number, got {text}")
        return value

    parse.__name__ = "number"
    return parse


#: File suffixes matplotlib writes that orbitkit offers for figures.
PICTURE_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg")


def picture_path(path: str | None, option: str, what: str = "the figure") -> Path | None:
    """Check a figure's output path before any work is done: a picture suffix, and a file
    that can be written there (:func:`check_writable`). ``None`` passes through (no figure
    asked for)."""
    if path is None:
        return None
    out = Path(path)
    if out.suffix.lower() not in PICTURE_SUFFIXES:
        raise UserError(f"{option} {path}: {what} is a picture; use "
                        f"{', '.join(PICTURE_SUFFIXES[:3])} (or .jpg)")
    return check_writable(out, option)


def check_writable(path: str | os.PathLike[str], option: str, *, folder: bool = False) -> Path:
    """Check, before any work, that an output can be written at ``path``.

    For every option that names an output (``--out``, ``--porkchop``, a folder of files
    such as ``--cdm-dir`` with ``folder=True``): the work may take minutes, and a path that
    cannot be written must fail first, as a user error naming the path and the reason.

    A file: its folder must exist, the path must not be a folder, and a probe file is
    created in that folder and removed at once (the only test that is true on every
    system: permissions, read-only mounts, ``/proc``, full quotas of inodes); an existing
    file is opened for appending, which changes nothing in it. A folder (``folder=True``):
    it must exist and take the same probe. Nothing is left behind either way.

    Returns
    -------
    pathlib.Path
        ``path`` as a ``Path``.

    Raises
    ------
    orbitkit.errors.UserError
        Naming ``option``, the path and what is wrong (exit status 2 on the command line).
    """
    out = Path(path)
    if folder:
        if not out.is_dir():
            what = "is not a folder" if out.exists() else "does not exist"
            raise UserError(f"{option} {path}: {what}; create the folder first")
        _probe(out, option, path)
        return out
    if out.is_dir():
        raise UserError(f"{option} {path}: is a folder; give a file name (e.g. "
                        f"{out / ('out' + (out.suffix or '.png'))})")
    parent = out.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise UserError(f"{option} {path}: folder {parent} {what}")
    if out.exists():
        try:  # append, never truncate; non-blocking so that a named pipe cannot hang us
            os.close(os.open(out, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)))
        except OSError as exc:
            raise UserError(f"{option} {path}: cannot write this file "
                            f"({exc.strerror or exc})") from None
        return out
    _probe(parent, option, path)
    return out


def _probe(folder: Path, option: str, path: Any) -> None:
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".orbitkit-write-check-")
    except OSError as exc:
        raise UserError(f"{option} {path}: cannot write in folder {folder} "
                        f"({exc.strerror or exc})") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


@contextlib.contextmanager
def writing(path: str | os.PathLike[str], option: str) -> Iterator[None]:
    """Turn a failure to write ``path`` (disk full, folder removed meanwhile, ...) into a
    user error naming the option, the path and the system's reason, instead of an internal
    error: wrap each call that writes an output file the user named. An error about another
    file (a data file the drawing reads) is not the user's and passes through."""
    try:
        yield
    except OSError as exc:
        other = exc.filename is not None and os.fspath(exc.filename) != os.fspath(path)
        if isinstance(exc, BrokenPipeError) or other:
            raise
        raise UserError(f"{option} {path}: could not be written "
                        f"({exc.strerror or exc})") from None


def add_elements_options(parser: argparse.ArgumentParser) -> None:
    """``--elements FILE`` (repeatable) and ``--offline``: every verb that needs orbits."""
    parser.add_argument(
        "--elements",
        metavar="FILE",
        action="append",
        default=[],
        help="element file (TLE, 3LE, OMM JSON/CSV/XML/KVN; gzip too; - for standard input) "
        "or GNSS orbit file (RINEX navigation: broadcast; SP3: precise); repeatable; tried "
        "before the cache",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never touch the network (also ORBITKIT_OFFLINE=1)",
    )


def add_format_option(
    parser: argparse.ArgumentParser, choices: Sequence[str], default: str
) -> None:
    data_formats = "/".join(c for c in ("json", "csv") if c in choices)
    parser.add_argument(
        "--format",
        choices=list(choices),
        default=default,
        help=f"output format (default {default})" + (
            f"; {data_formats} {'write' if '/' in data_formats else 'writes'} only data to "
            "stdout" if data_formats else ""),
    )


# Both build the text in memory and write it at once (CSV in large pieces): with an
# unbuffered stdout (PYTHONUNBUFFERED) row-by-row writing costs one system call per row.
def emit_json(obj: Any) -> None:
    from orbitkit.cli.console import stdout_is_unicode

    # on a console that cannot print every character, \u escapes keep the JSON lossless
    sys.stdout.write(json_text(obj, ensure_ascii=not stdout_is_unicode()) + "\n")


_SCALARS = (str, int, float, bool, type(None))


def _json_key(key: Any) -> str:
    # as json.dumps turns non-string keys into strings
    if isinstance(key, str):
        return key
    if isinstance(key, (bool, type(None))):
        return json.dumps(key)
    return json.dumps(key) if isinstance(key, (int, float)) else str(key)


def json_text(obj: Any, *, ensure_ascii: bool = True, level: int = 0) -> str:
    """JSON indented by two spaces, except that a flat record (an object whose values are
    all scalars) inside a list is written on one line.

    One record per line reads well and greps well, and it lets the C encoder write each
    record: ``json.dumps(..., indent=2)`` falls back to the pure-Python encoder, which
    took seconds for the 56,000 events of a catalogue's conjunction day.
    """
    pad = "  " * (level + 1)
    if isinstance(obj, dict) and obj:
        items = [f"{pad}{json.dumps(_json_key(k), ensure_ascii=ensure_ascii)}: "
                 f"{json_text(v, ensure_ascii=ensure_ascii, level=level + 1)}"
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(obj, (list, tuple)) and obj:
        parts = []
        for v in obj:
            if isinstance(v, dict) and all(isinstance(x, _SCALARS) for x in v.values()):
                parts.append(pad + json.dumps(v, ensure_ascii=ensure_ascii, allow_nan=False))
            else:
                parts.append(pad + json_text(v, ensure_ascii=ensure_ascii, level=level + 1))
        return "[\n" + ",\n".join(parts) + "\n" + "  " * level + "]"
    return json.dumps(obj, ensure_ascii=ensure_ascii, allow_nan=False)


#: CSV text reaches stdout in pieces of about this many characters: one write call for a
#: small table, bounded memory for a stream of millions of rows (an ephemeris).
CSV_FLUSH_CHARS = 4 << 20


def emit_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() >= CSV_FLUSH_CHARS:
            sys.stdout.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    sys.stdout.write(buffer.getvalue())


def emit_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned text table for terminals (transliterated first on a console that
    cannot print every character, so that the columns stay aligned)."""
    from orbitkit.cli.console import printable

    header = [printable(h) for h in header]
    text_rows = [["" if v is None else printable(str(v)) for v in row] for row in rows]
    widths = [len(h) for h in header]
    for row in text_rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in text_rows]
    sys.stdout.write("\n".join(s.rstrip() for s in out) + "\n")
