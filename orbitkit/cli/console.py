"""Printing on a console that cannot encode every character.

orbitkit's names and tables hold characters outside most legacy code pages: 天和 and the other
Chinese names, ∞ in v∞, Δ in Δv, the minus sign −. Python encodes standard output with the
console's code page when that is not UTF-8 (Windows with output redirected: cp1252;
``PYTHONIOENCODING=ascii``), and one such character then ended the whole command with
"internal error: UnicodeEncodeError".

On such a stream (and only there) :func:`prepare_streams` installs an error handler that:

- transliterates what has a plain equivalent (``∞`` → ``inf``, ``−`` → ``-``, ``→`` → ``->``,
  accented letters without their accents when the code page lacks them);
- replaces anything else with ``?`` (a Chinese name becomes ``??``);
- and remembers that it did, so that :func:`final_note` can say so in one line on stderr at
  the end (not in the middle of the output, and never twice).

JSON stays lossless instead: :func:`stdout_is_unicode` tells the JSON writers to escape
non-ASCII characters (``"\\u5929\\u548c"``, which every JSON reader turns back into 天和).
Files orbitkit writes (``--out``) are always UTF-8 whatever the console: this concerns the
console streams only.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata

__all__ = ["prepare_streams", "stdout_is_unicode", "printable", "final_note", "ERROR_HANDLER"]

#: Name of the codecs error handler installed on non-Unicode console streams.
ERROR_HANDLER = "orbitkit-console"

# Plain equivalents for the symbols orbitkit prints (tables, units, messages).
_PLAIN = {
    "∞": "inf", "−": "-", "–": "-", "—": "--", "→": "->", "←": "<-", "↔": "<->",
    "≈": "~", "≤": "<=", "≥": ">=", "×": "x", "Δ": "d", "δ": "d", "μ": "mu", "µ": "u",
    "°": " deg", "²": "2", "³": "3", "±": "+/-", "·": ".", "…": "...", "‘": "'", "’": "'",
    "“": '"', "”": '"', "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}
# The encodings of the streams the handler was installed on (codecs report cp1252 as
# "charmap", so the handler cannot learn the real one from the error), and whether it ran.
_encodings: list[str] = []
_replaced: list[bool] = []


def _is_unicode(encoding: str | None) -> bool:
    if not encoding:
        return True  # not a text console (a test's capture buffer): leave it alone
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-8", "utf-16", "utf-32", "utf_8", "utf_16", "utf_32"))


def _plain(ch: str) -> str:
    for candidate in (_PLAIN.get(ch), _without_accents(ch)):
        if candidate:
            try:
                for encoding in _encodings or ["ascii"]:
                    candidate.encode(encoding)
            except UnicodeEncodeError:
                continue
            return candidate
    return "?"


def _without_accents(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isascii())


def _handler(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    if not _replaced:
        _replaced.append(True)
    return "".join(_plain(ch) for ch in text), exc.end


codecs.register_error(ERROR_HANDLER, _handler)


def prepare_streams() -> None:
    """Give stdout and stderr the transliterating error handler where their encoding is not
    a Unicode one; a UTF-8 console is left exactly as it is."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        if stream is None or _is_unicode(encoding):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=ERROR_HANDLER)
            except (ValueError, OSError):  # a detached or closed stream: nothing to do
                continue
            if encoding not in _encodings:
                _encodings.append(encoding)


def stdout_is_unicode() -> bool:
    """Whether stdout can print every character (JSON writers escape them when not)."""
    return _is_unicode(getattr(sys.stdout, "encoding", None))


def printable(text: str) -> str:
    """``text`` as stdout will show it: unchanged on a Unicode console, else transliterated
    (tables call this before measuring column widths, so ``v∞`` -> ``vinf`` stays aligned)."""
    encoding = getattr(sys.stdout, "encoding", None)
    if _is_unicode(encoding):
        return text
    return text.encode(encoding, errors=ERROR_HANDLER).decode(encoding)


def final_note() -> None:
    """One line on stderr when characters were transliterated or replaced (once a run)."""
    if not _replaced:
        return
    encodings = ", ".join(_encodings) or "not UTF-8"
    _replaced.clear()
    try:
        sys.stderr.write(
            f"orbitkit: note: this console's encoding ({encodings}) cannot show some "
            "characters (Chinese names, symbols); they were transliterated or shown as '?'. "
            "Set PYTHONIOENCODING=utf-8 to see them, or use --format json (escaped) or "
            "--out (files are UTF-8)\n")
    except (OSError, ValueError):
        pass
