"""Reading a user's input file the same way everywhere: paths, standard input, pipes, gzip.

This is the one place orbitkit opens a file the user named. Element files use it
(:func:`orbitkit.elements.parse.read_elements`, and through it ``--elements``); every other
reader of user data (RINEX navigation, SP3, OEM, CDM, ...) should call :func:`read_input_bytes`
or :func:`open_text` too, so that all of them accept the same inputs and say the same true
things when one is wrong:

- ``-`` is standard input (``--elements -``, ``zcat x.tle.gz | orbitkit ... --elements -``).
- Pipes, ``/dev/stdin`` and process substitution (``--elements <(zcat x.tle.gz)``, which the
  shell passes as ``/dev/fd/63``) are not regular files: their size is 0 and they can be read
  once. They are read whole, and what was read is kept for the rest of the process, keyed by
  the pipe itself, so a second reader of the same pipe (or ``-`` then ``/dev/stdin``) sees the
  same bytes instead of nothing.
- gzip data is recognised by its magic bytes (``1f 8b``), not by the ``.gz`` name, and
  decompressed (CelesTrak and Space-Track users keep ``.gz`` files; so do IGS's RINEX and SP3
  archives). Multi-member files are read whole.
- Sizes are limited to :data:`MAX_INPUT_BYTES` (512 MiB) before *and* after decompression, so
  a wrong file (or a gzip bomb) is refused with a message instead of filling the memory.
- Messages are true: "does not exist" only when nothing is there; a dangling link, a folder,
  a permission problem or a closed standard input are each named as such.

Only the standard library is used.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import sys
import zlib
from pathlib import Path

from orbitkit.errors import UserError

__all__ = [
    "STDIN",
    "MAX_INPUT_BYTES",
    "display_name",
    "check_input",
    "read_input_bytes",
    "open_text",
    "gunzip_if_compressed",
]

#: The name that means standard input.
STDIN = "-"
#: Largest input (bytes, also after decompression) any reader accepts.
MAX_INPUT_BYTES = 512 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# Bytes already read from pipes and standard input, keyed by the pipe's (device, inode), or
# by the stream object itself when standard input has no file descriptor (kept alive in
# _STREAMS so that its id is not reused).
_ONCE_ONLY: dict[tuple[int, int] | tuple[str, int], bytes] = {}
_STREAMS: list[object] = []


def display_name(path: str | os.PathLike[str]) -> str:
    """The name used in messages: ``<stdin>`` for ``-``, else the path as given."""
    text = os.fspath(path)
    return "<stdin>" if text == STDIN else text


def check_input(path: str | os.PathLike[str], *, what: str = "file",
                error: type[UserError] = UserError, hint: str = "") -> None:
    """Check that ``path`` names something readable, without reading or opening it.

    Opening is left out on purpose: opening a named pipe for reading blocks until a
    writer comes, and reading a pipe consumes it. Call this for every input before reading
    any, so that a missing second file fails before the first is parsed.

    Parameters
    ----------
    path
        A path, or ``-`` for standard input (always accepted here).
    what
        What the file is, for the message ("element file").
    error
        The :class:`~orbitkit.errors.UserError` subclass to raise.
    hint
        Appended to the message (e.g. "; give the path of a TLE, 3LE or OMM file").

    Raises
    ------
    UserError
        (as ``error``) naming the path and what is wrong: does not exist, a dangling link,
        a folder, permission denied.
    """
    text = os.fspath(path)
    if text == STDIN:
        return
    try:
        info = os.stat(text)
    except FileNotFoundError:
        if os.path.lexists(text):
            raise error(f"{what} {text} is a symbolic link to {os.readlink(text)}, which does "
                        f"not exist{hint}") from None
        raise error(f"{what} {text} does not exist{hint}") from None
    except PermissionError:
        raise error(f"{what} {text} cannot be reached (permission denied){hint}") from None
    except OSError as exc:
        raise error(f"{what} {text} cannot be read: {exc.strerror or exc}{hint}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{text} is a folder, not a {what}{hint}")


def read_input_bytes(path: str | os.PathLike[str], *, what: str = "file",
                     error: type[UserError] = UserError,
                     max_bytes: int | None = None) -> bytes:
    """The bytes of a user's input: a file, ``-`` (standard input), a pipe or a device such
    as ``/dev/stdin``; gzip data is decompressed (recognised by its magic bytes).

    Parameters
    ----------
    path
        Path, or ``-`` for standard input.
    what
        What the file is, for messages ("element file").
    error
        The :class:`~orbitkit.errors.UserError` subclass to raise.
    max_bytes
        Largest size accepted, before and after decompression (default
        :data:`MAX_INPUT_BYTES`).

    Returns
    -------
    bytes
        The (decompressed) content.

    Raises
    ------
    UserError
        (as ``error``) missing, unreadable, a folder, too large, damaged gzip data, or a
        closed standard input; the message names the input.
    """
    check_input(path, what=what, error=error)
    max_bytes = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    name = display_name(path)
    text = os.fspath(path)
    if text == STDIN:
        data = _read_stdin(what, error, max_bytes)
    else:
        try:
            info = os.stat(text)
            if stat.S_ISREG(info.st_mode):
                if info.st_size > max_bytes:
                    raise error(_too_large(name, what, info.st_size, max_bytes))
                data = Path(text).read_bytes()
            else:  # a pipe, /dev/stdin, /dev/fd/N: read once, keep for later readers
                key = (info.st_dev, info.st_ino)
                if key not in _ONCE_ONLY:
                    with open(text, "rb") as fh:
                        _ONCE_ONLY[key] = _read_limited(fh, name, what, error, max_bytes)
                data = _ONCE_ONLY[key]
        except PermissionError:
            raise error(f"{what} {name} cannot be read (permission denied)") from None
        except IsADirectoryError:
            raise error(f"{name} is a folder, not a {what}") from None
        except OSError as exc:
            raise error(f"{what} {name} cannot be read: {exc.strerror or exc}") from None
    return gunzip_if_compressed(data, name=name, what=what, error=error, max_bytes=max_bytes)


def open_text(path: str | os.PathLike[str], *, what: str = "file",
              error: type[UserError] = UserError, encoding: str = "utf-8-sig",
              errors: str = "strict", max_bytes: int | None = None) -> str:
    """The text of a user's input, read as :func:`read_input_bytes` reads it (``-``, pipes,
    gzip) and decoded (UTF-8, a byte-order mark dropped, by default).

    Raises
    ------
    UserError
        (as ``error``) as :func:`read_input_bytes`, or text that does not decode, naming the
        input and the byte offset.
    """
    data = read_input_bytes(path, what=what, error=error, max_bytes=max_bytes)
    try:
        return data.decode(encoding, errors=errors)
    except UnicodeDecodeError as exc:
        # "utf-8-sig" is UTF-8 to a user (the codec only drops a byte-order mark)
        name = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf-8-sig") \
            else encoding
        raise error(f"{what} {display_name(path)} is not {name} text (byte "
                    f"0x{data[exc.start]:02x} at offset {exc.start})") from None


def gunzip_if_compressed(data: bytes, *, name: str = "<bytes>", what: str = "file",
                         error: type[UserError] = UserError,
                         max_bytes: int | None = None) -> bytes:
    """``data`` decompressed when it starts with gzip's magic bytes, else unchanged (at most
    ``max_bytes``, default :data:`MAX_INPUT_BYTES`, once decompressed)."""
    if data[:2] != _GZIP_MAGIC:
        return data
    max_bytes = MAX_INPUT_BYTES if max_bytes is None else max_bytes
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            out = gz.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise error(f"{what} {name} is damaged gzip data ({exc}); check the download") \
            from None
    if len(out) > max_bytes:
        raise error(f"{what} {name} decompresses to more than {max_bytes // 2**20} MiB; that "
                    f"is not a {what}")
    return out


def _read_stdin(what: str, error: type[UserError], max_bytes: int) -> bytes:
    stream = sys.stdin
    if stream is None:
        raise error(f"{what} '-' means standard input, but there is none (it is closed)")
    try:
        key: tuple[int, int] | tuple[str, int] = _file_key(stream.fileno())
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        key = ("stream", id(stream))  # no file descriptor (e.g. replaced in tests)
        _STREAMS.append(stream)
    if key not in _ONCE_ONLY:
        binary = getattr(stream, "buffer", None)
        try:
            if binary is not None:
                _ONCE_ONLY[key] = _read_limited(binary, "<stdin>", what, error, max_bytes)
            else:
                _ONCE_ONLY[key] = stream.read().encode("utf-8")
        except (OSError, ValueError) as exc:
            raise error(f"{what} '-' (standard input) cannot be read: "
                        f"{getattr(exc, 'strerror', None) or exc}") from None
    return _ONCE_ONLY[key]


def _file_key(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return (info.st_dev, info.st_ino)


def _read_limited(fh, name: str, what: str, error: type[UserError], max_bytes: int) -> bytes:
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise error(_too_large(name, what, len(data), max_bytes))
    return data


def _too_large(name: str, what: str, size: int, max_bytes: int) -> str:
    return (f"{name} is larger than {max_bytes / 2**20:g} MiB; that is not a {what} (the "
            f"limit is {max_bytes / 2**20:g} MiB)")
