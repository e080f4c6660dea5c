"""Read element files of any supported format: sniff, parse, keep the good records.

Formats (recognised from the content, not the file name):

========== =============================================================================
``tle``    two-line sets, or three-line sets with a name line (``"0 "`` prefix allowed)
``json``   OMM JSON: CelesTrak ``FORMAT=json`` / ``json-pretty`` array, or one object
``csv``    OMM CSV with CelesTrak's column names
``xml``    OMM in CCSDS NDM/XML (``<ndm><omm>`` or bare ``<omm>``, namespaces allowed)
``kvn``    OMM in CCSDS keyword = value notation
========== =============================================================================

Whole-file problems (empty, binary, an HTML page saved instead of data, broken JSON or
XML, no usable record at all) raise :class:`~orbitkit.errors.ElementFileError`. Bad
records in an otherwise usable file are reported in :attr:`ParseResult.errors` while
the good ones are kept.

Duplicates (same catalogue number and epoch) are dropped, keeping the first; each
dropped copy is reported as a :class:`~orbitkit.elements.tle.DuplicateElementSetError`
(an :class:`~orbitkit.errors.ElementParseError`), whose message says whether the
copies were identical or conflicting.

This module imports only the standard library, numpy and sgp4.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from orbitkit.elements import files as _files
from orbitkit.elements.model import SOURCE_KINDS, ElementSet
from orbitkit.elements.omm import parse_omm_csv, parse_omm_json, parse_omm_kvn, parse_omm_xml
from orbitkit.elements.tle import DuplicateElementSetError, parse_tle_text
from orbitkit.errors import ElementFileError, ElementParseError

__all__ = [
    "FORMATS",
    "ParseResult",
    "DuplicateElementSetError",
    "sniff_format",
    "decode_element_bytes",
    "parse_text",
    "read_elements",
]

#: Format names :func:`sniff_format` returns.
FORMATS = ("tle", "json", "csv", "xml", "kvn")

_PARSERS = {
    "tle": parse_tle_text,
    "json": parse_omm_json,
    "csv": parse_omm_csv,
    "xml": parse_omm_xml,
    "kvn": parse_omm_kvn,
}
_KVN_HINT = re.compile(
    r"^\s*(CCSDS_OMM_VERS|OBJECT_NAME|NORAD_CAT_ID|MEAN_MOTION|EPOCH)\s*=", re.MULTILINE)
_JSON_NUMBER = re.compile(r"\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*")
# A file bigger than this is surely not an element file someone meant to give us.
MAX_FILE_BYTES = _files.MAX_INPUT_BYTES


@dataclass
class ParseResult:
    """What :func:`read_elements` / :func:`parse_text` found.

    Attributes
    ----------
    sets
        Good element sets, in file order (duplicates removed).
    errors
        One :class:`ElementParseError` per bad record (and per dropped duplicate, as a
        :class:`DuplicateElementSetError`), in file order. Print them as warnings.
    path
        File name used in messages (``"<string>"`` for text).
    format
        One of :data:`FORMATS`.

    ``sets, errors = result`` also works (the result unpacks like a 2-tuple).
    """

    sets: list[ElementSet] = field(default_factory=list)
    errors: list[ElementParseError] = field(default_factory=list)
    path: str = "<string>"
    format: str = "tle"

    def __iter__(self):
        return iter((self.sets, self.errors))

    def __len__(self) -> int:
        return 2

    @property
    def duplicates(self) -> list[DuplicateElementSetError]:
        """The errors that are only dropped duplicates (warnings)."""
        return [e for e in self.errors if isinstance(e, DuplicateElementSetError)]


def decode_element_bytes(data: bytes, *, path: str = "<bytes>") -> str:
    """Bytes of an element file -> text, refusing what is clearly not text.

    UTF-8 (with or without BOM) is expected; element files are ASCII in practice. A
    few undecodable bytes are replaced (the record holding them is then reported on
    its own); NUL bytes, compressed data or mostly undecodable content mean the file
    is binary and raise :class:`ElementFileError`.
    """
    if data[:2] == b"\x1f\x8b":
        raise ElementFileError(f"{path} is gzip-compressed; decompress it first "
                               "(gunzip) and give the plain text file")
    if data[:4] == b"PK\x03\x04":
        raise ElementFileError(f"{path} is a ZIP archive; extract the element file first")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ElementFileError(
            f"{path} is binary data, not an element file (NUL byte at offset {nul}); "
            "expected TLE/3LE text or OMM (JSON, CSV, XML, KVN)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    controls = sum(text.count(ch) for ch in _CONTROL_CHARS)
    if bad + controls > max(8, len(text) // 100):
        raise ElementFileError(
            f"{path} is not text: it cannot be decoded as UTF-8 (first bad byte "
            f"0x{data[first_bad]:02x} at offset {first_bad}, {bad} bad sequences); "
            "expected TLE/3LE text or OMM (JSON, CSV, XML, KVN)")
    return text


_CONTROL_CHARS = tuple(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v")


def sniff_format(text: str, *, path: str = "<string>") -> str:
    """Recognise the element format from the content.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    ElementFileError
        For an empty file or an HTML page.
    """
    head = text.lstrip("\ufeff \t\r\n\f\v")[:4096]
    if not head:
        raise ElementFileError(
            f"{path} is empty (no element sets); expected TLE/3LE text or OMM "
            "(JSON, CSV, XML, KVN)")
    lower = head[:2048].lower()
    if lower.startswith(("<!doctype html", "<html")) or re.search(r"<html[\s>]", lower) or (
            lower.startswith("<!doctype") and "html" in lower[:100]):
        title = re.search(r"<title[^>]*>(.*?)</title>", head, re.IGNORECASE | re.DOTALL)
        shown = f" (page title: {title.group(1).strip()[:80]!r})" if title else ""
        raise ElementFileError(
            f"{path} looks like an HTML page{shown}, not element data: probably an error "
            "page or a web page saved instead of the data. Download the TLE/OMM file itself "
            "(e.g. CelesTrak's FORMAT=tle or FORMAT=json URL) and try again.")
    first = head[0]
    if first == "<":
        return "xml"
    if first in '[{"' or _JSON_NUMBER.fullmatch(head):
        return "json"  # a bare JSON value is reported as "not OMM records"
    first_line = head.split("\n", 1)[0].upper()
    if "," in first_line and ("NORAD_CAT_ID" in first_line or "OBJECT_NAME" in first_line
                              or "MEAN_MOTION" in first_line):
        return "csv"
    if _KVN_HINT.search(head):
        return "kvn"
    return "tle"


def parse_text(
    text: str | bytes,
    *,
    path: str = "<string>",
    source: str = "file",
    format: str | None = None,
) -> ParseResult:
    """Parse element data held in memory.

    Parameters
    ----------
    text
        File contents (bytes are decoded as by :func:`decode_element_bytes`).
    path
        Name used in messages and in each set's ``origin``.
    source
        :data:`~orbitkit.elements.model.SOURCE_KINDS` value for the sets.
    format
        Force a format instead of sniffing it (one of :data:`FORMATS`).

    Returns
    -------
    ParseResult

    Raises
    ------
    ElementFileError
        Empty, binary or HTML input, broken JSON/XML, or no usable record at all (the
        message then includes the first record error).
    """
    if source not in SOURCE_KINDS:
        raise ValueError(f"source must be one of {SOURCE_KINDS}, not {source!r}")
    raw = None
    if isinstance(text, bytes | bytearray | memoryview):
        raw = bytes(text)
        text = decode_element_bytes(raw, path=path)
    elif "\x00" in text:
        raise ElementFileError(
            f"{path} is binary data, not an element file (NUL character at offset "
            f"{text.index(chr(0))})")
    fmt = format or sniff_format(text, path=path)
    if fmt not in _PARSERS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    if fmt == "tle" and raw is not None and raw.isascii():
        # The TLE reader works on bytes too; hand over what we have instead of re-encoding.
        sets, errors = parse_tle_text(text, path=path, source=source, ascii_bytes=raw)
    else:
        sets, errors = _PARSERS[fmt](text, path=path, source=source)
    if not sets:
        if errors:
            more = f" ({len(errors) - 1} more bad record(s) after it)" if len(errors) > 1 else ""
            raise ElementFileError(
                f"{path}: no usable element set in this {_FORMAT_WORDS[fmt]} file. "
                f"First problem{more}:\n{errors[0]}")
        raise ElementFileError(
            f"{path}: no element sets found in this {_FORMAT_WORDS[fmt]} data"
            + (" (the JSON array is empty: CelesTrak answers [] when a query matches "
               "nothing)" if fmt == "json" else ""))
    return ParseResult(sets=sets, errors=errors, path=path, format=fmt)


_FORMAT_WORDS = {"tle": "TLE/3LE", "json": "OMM JSON", "csv": "OMM CSV", "xml": "OMM XML",
                 "kvn": "OMM KVN"}


def read_elements(
    path_or_text: str | os.PathLike[str] | bytes,
    *,
    source: str = "file",
) -> ParseResult:
    """Read an element file (or element text) of any supported format.

    Parameters
    ----------
    path_or_text
        A path (``str`` or ``PathLike``), ``"-"`` for standard input, raw ``bytes`` of a
        file, or the text itself: a ``str`` that contains a line break or starts with
        ``[``, ``{`` or ``<`` is taken as content, any other ``str`` as a path. Files are
        read by :func:`orbitkit.elements.files.read_input_bytes`: pipes, ``/dev/stdin``
        and process substitution work, and gzip data (file or bytes) is decompressed.
    source
        :data:`~orbitkit.elements.model.SOURCE_KINDS` value for the sets.

    Returns
    -------
    ParseResult
        Good sets and per-record errors (see :func:`parse_text`).

    Raises
    ------
    ElementFileError
        Missing/unreadable file, or a file with nothing usable (see :func:`parse_text`).
    """
    if isinstance(path_or_text, bytes | bytearray):
        data = _files.gunzip_if_compressed(bytes(path_or_text), what="element data",
                                           error=ElementFileError)
        return parse_text(data, path="<bytes>", source=source)
    if isinstance(path_or_text, str) and (
            "\n" in path_or_text or path_or_text.lstrip()[:1] in ("[", "{", "<")):
        return parse_text(path_or_text, source=source)
    data = _files.read_input_bytes(path_or_text, what="element file", error=ElementFileError)
    return parse_text(data, path=_files.display_name(path_or_text), source=source)
