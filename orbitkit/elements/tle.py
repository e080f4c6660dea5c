"""Two-line element sets (TLE and 3LE): strict, fast validation with messages that teach.

The TLE format comes from punched cards: every field has fixed columns, and a value in
the wrong column silently changes meaning (``Satrec.twoline2rv`` will happily read a
shifted line and give garbage orbits). So every line is checked against the official
column layout before it is handed to SGP4, and anything wrong is reported with the file,
line number, column, field, what was expected and what was found, followed by the
offending line under a column template and a caret under the bad column::

    elements.tle, line 3, column 27: TLE line 2, eccentricity: expected a digit
    (the field is 7 digits with an assumed leading decimal point), found '.'.
    Object: CALSPHERE 1 (NORAD 900).
      Line 2 must follow this layout (N = digit, + = sign, ' ' = blank):
        2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN
        2 00900  90.2154  69.1406 .023380 275.3046 145.4849 13.76477716 55869
                                  ^

Speed
-----
Reading must cost at most 1.5x a bare ``Satrec.twoline2rv`` loop (see
``benchmarks/bench_parse.py``), so a good record is never examined field by field in
Python. Instead, for all line pairs of a file at once (numpy, in :func:`_prescan`):

* line 1, its line end and line 2 are gathered as one 139-byte row per candidate pair;
  line numbers, equal catalogue numbers, checksums and physical ranges (epoch day,
  inclination, angles) are whole-column operations on those rows;
* the column layout is checked by *shape*: the row with every digit replaced by ``9``
  is looked up in a cache of shapes already matched against the regular expressions
  (one per line type, generated from the field table); a 14,000-object file has only
  a few hundred distinct shapes, so a pair costs one set lookup;
* duplicates are found by sorting one integer key (catalogue number and epoch) per pair.

The element sets are then built with C-level ``map`` calls only (``twoline2rv``, the
instance dicts), bypassing the dataclass ``__init__`` whose two checks hold by
construction; :class:`TleElementSet` makes ``epoch`` and ``origin`` on first access.
The cyclic garbage collector is paused while the (acyclic) objects are made.

Everything the prescan does not vouch for, and all lines around it, goes through the
careful sequential parser (:func:`_walk`), which diagnoses field by field and
resynchronises after a bad record. A fuzz test checks that both paths accept exactly
the same records with the same results. Without numpy everything takes the careful
path (correct, just slower).

Catalogue numbers
-----------------
Alpha-5 numbers are accepted: a leading letter stands for 10..33 (``A`` = 10, letters
``I`` and ``O`` skipped), so ``A0000`` = 100000 and ``Z9999`` = 339999.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import attrgetter

from sgp4.api import Satrec

from orbitkit.elements.model import SOURCE_KINDS, ElementSet
from orbitkit.errors import ElementParseError

__all__ = [
    "TLE_LINE_LENGTH",
    "LINE1_TEMPLATE",
    "LINE2_TEMPLATE",
    "alpha5_to_int",
    "int_to_alpha5",
    "tle_checksum",
    "check_tle_line",
    "parse_tle",
    "parse_tle_lines",
    "parse_tle_text",
    "SGP4_ERRORS",
]

#: Characters in a TLE line (without the line end).
TLE_LINE_LENGTH = 69

_UTC = UTC

#: Meaning of ``Satrec.error`` codes (from the SGP4 reference implementation).
SGP4_ERRORS = {
    1: "mean elements out of range (eccentricity >= 1 or < -0.001, or semi-major axis "
    "below 0.95 Earth radii)",
    2: "mean motion is negative or zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum is negative",
    5: "epoch elements are sub-orbital (no longer used by SGP4)",
    6: "the satellite has decayed (orbit is inside the Earth)",
}

# --------------------------------------------------------------------------------------
# Alpha-5 catalogue numbers
# --------------------------------------------------------------------------------------

# I and O are left out because they look like 1 and 0 on a printed card.
_ALPHA5_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_ALPHA5_VALUE = {ch: 10 + i for i, ch in enumerate(_ALPHA5_LETTERS)}


def alpha5_to_int(text: str) -> int:
    """Decode a 5-character TLE catalogue number, Alpha-5 aware.

    Parameters
    ----------
    text
        The catalogue-number field (columns 3-7), e.g. ``"25544"``, ``"A0000"`` or
        ``"  900"`` (leading blanks allowed).

    Returns
    -------
    int
        The catalogue number, 0 .. 339999.

    Raises
    ------
    ValueError
        When the text is neither digits nor a valid Alpha-5 letter followed by 4 digits.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty catalogue number")
    head = s[0]
    if head.isdigit():
        if not (s.isdigit() and s.isascii()):
            raise ValueError(f"not a catalogue number: {text!r}")
        return int(s)
    if head not in _ALPHA5_VALUE or len(s) != 5 or not (s[1:].isdigit() and s[1:].isascii()):
        raise ValueError(f"not an Alpha-5 catalogue number: {text!r}")
    return _ALPHA5_VALUE[head] * 10000 + int(s[1:])


def int_to_alpha5(number: int) -> str:
    """Encode a catalogue number as the 5-character TLE field (Alpha-5 above 99999).

    Raises
    ------
    ValueError
        When ``number`` is negative or above 339999 (``Z9999``), which no TLE can carry.
    """
    if number < 0 or number > 339999:
        raise ValueError(
            f"catalogue number {number} cannot be written in a TLE (0 .. 339999 only; "
            "larger numbers exist only in OMM)"
        )
    if number < 100000:
        return f"{number:05d}"
    high, low = divmod(number, 10000)
    return f"{_ALPHA5_LETTERS[high - 10]}{low:04d}"


# --------------------------------------------------------------------------------------
# Column layout: one table drives the fast regular expressions, the slow diagnosis and
# the template shown in messages, so the three can never disagree.
# --------------------------------------------------------------------------------------

# Template alphabet (one character per column):
#   N digit                 n digit, or a blank before the first digit (right-aligned)
#   A catalogue-number lead: digit, Alpha-5 letter, or blank
#   C classification U/C/S  D launch-year/number digit (or blank: no designator)
#   L launch piece letter   s sign: blank, + or -     e exponent sign: + or -
#   E ephemeris type        X checksum digit          _ blank   . 1 2 literal
_CLASS_CHARS = {
    "N": "0123456789",
    "n": "0123456789 ",
    "A": "0123456789 " + _ALPHA5_LETTERS,
    "C": "UCS ",
    "D": "0123456789 ",
    "L": "ABCDEFGHIJKLMNOPQRSTUVWXYZ ",
    "s": " +-",
    "e": "+-",
    "E": "0123456789 ",
    "X": "0123456789",
    "_": " ",
    ".": ".",
    "1": "1",
    "2": "2",
}
_CLASS_WORDS = {
    "N": "a digit",
    "n": "a digit (or a blank before the number)",
    "A": "a digit or an Alpha-5 letter (A-Z without I and O)",
    "C": "a classification letter U, C or S",
    "D": "a digit of the international designator",
    "L": "a launch-piece letter A-Z (or a blank)",
    "s": "a sign: blank, '+' or '-'",
    "e": "an exponent sign '+' or '-'",
    "E": "an ephemeris-type digit",
    "X": "the checksum digit",
    "_": "a blank",
    ".": "a decimal point '.'",
    "1": "the line number '1'",
    "2": "the line number '2'",
}
# What each template character looks like in the template printed in messages.
_CLASS_SHOW = {"n": "N", "A": "N", "D": "N", "E": "N", "X": "N", "L": "A", "s": "+", "e": "-",
               "_": " "}


@dataclass(frozen=True)
class _Field:
    """One fixed-column TLE field."""

    name: str
    start: int  # 1-based first column
    template: str  # one template character per column
    what: str = ""  # unit/format explanation appended to messages
    regex: str | None = None  # regex fragment when per-column classes are not enough

    @property
    def end(self) -> int:
        return self.start + len(self.template) - 1


def _right_aligned(width: int) -> str:
    """Regex for a ``width``-column unsigned integer, blanks only before the digits."""
    return "(?:" + "|".join(" " * k + f"[0-9]{{{width - k}}}" for k in range(width)) + ")"


def _fields(*spec: tuple) -> tuple[_Field, ...]:
    out: list[_Field] = []
    col = 1
    for item in spec:
        fld = _Field(*item) if isinstance(item, tuple) else _Field("blank separator", 0, item)
        fld = dataclasses.replace(fld, start=col)
        out.append(fld)
        col += len(fld.template)
    assert col == TLE_LINE_LENGTH + 1, col
    return tuple(out)


_SATNUM_RE = r"(?:[0-9A-HJ-NP-Z][0-9]{4}|" + _right_aligned(5)[3:]
_ANGLE_RE = r"(?:[0-9]{3}| [0-9]{2}|  [0-9])\.[0-9]{4}"
_ANGLE_WHAT = "degrees, format NNN.NNNN, right-aligned"

_LINE1 = _fields(
    ("line number", 0, "1"),
    "_",
    ("catalogue number", 0, "AnnnN", "5 digits, or Alpha-5 letter + 4 digits", _SATNUM_RE),
    ("classification", 0, "C", "U = unclassified"),
    "_",
    ("international designator", 0, "DDDDDLLL",
     "launch year (2 digits), launch number (3 digits), piece (1-3 letters), or all blank",
     r"(?:[0-9]{5}(?:[A-Z]{3}|[A-Z]{2} |[A-Z]  )| {8})"),
    "_",
    ("epoch year", 0, "NN", "last two digits of the year, 57-99 = 19xx, 00-56 = 20xx"),
    ("epoch day", 0, "nnN.NNNNNNNN", "day of year with fraction, format DDD.DDDDDDDD",
     r"(?:[0-9]{3}| [0-9]{2}|  [0-9])\.[0-9]{8}"),
    "_",
    ("first derivative of mean motion", 0, "s.NNNNNNNN", "rev/day^2 / 2, format +.NNNNNNNN"),
    "_",
    ("second derivative of mean motion", 0, "sNNNNNeN",
     "rev/day^3 / 6, format +NNNNN-N meaning +0.NNNNN x 10^-N"),
    "_",
    ("BSTAR drag term", 0, "sNNNNNeN", "1/Earth radii, format +NNNNN-N meaning +0.NNNNN x 10^-N"),
    "_",
    ("ephemeris type", 0, "E", "0 for SGP4 elements"),
    "_",
    ("element set number", 0, "nnnN", "up to 4 digits, right-aligned", _right_aligned(4)),
    ("checksum", 0, "X", "sum of digits (+1 per '-') of columns 1-68, modulo 10"),
)
_LINE2 = _fields(
    ("line number", 0, "2"),
    "_",
    ("catalogue number", 0, "AnnnN", "5 digits, or Alpha-5 letter + 4 digits", _SATNUM_RE),
    "_",
    ("inclination", 0, "nnN.NNNN", _ANGLE_WHAT, _ANGLE_RE),
    "_",
    ("right ascension of the ascending node", 0, "nnN.NNNN", _ANGLE_WHAT, _ANGLE_RE),
    "_",
    ("eccentricity", 0, "NNNNNNN", "7 digits with an assumed leading decimal point"),
    "_",
    ("argument of perigee", 0, "nnN.NNNN", _ANGLE_WHAT, _ANGLE_RE),
    "_",
    ("mean anomaly", 0, "nnN.NNNN", _ANGLE_WHAT, _ANGLE_RE),
    "_",
    ("mean motion", 0, "nN.NNNNNNNN", "rev/day, format NN.NNNNNNNN",
     r"(?:[0-9]{2}| [0-9])\.[0-9]{8}"),
    ("revolution number at epoch", 0, "nnnnN", "up to 5 digits, right-aligned", _right_aligned(5)),
    ("checksum", 0, "X", "sum of digits (+1 per '-') of columns 1-68, modulo 10"),
)
_LAYOUT = {1: _LINE1, 2: _LINE2}


def _field_regex(fld: _Field) -> str:
    if fld.regex is not None:
        return fld.regex
    return "".join(
        "[" + re.escape(_CLASS_CHARS[ch]).replace("\\ ", " ") + "]" for ch in fld.template
    )


def _template_text(fields: Sequence[_Field]) -> str:
    return "".join(_CLASS_SHOW.get(ch, ch) for fld in fields for ch in fld.template)


#: Column templates printed in messages (N digit, + sign, - exponent sign, A letter).
LINE1_TEMPLATE = _template_text(_LINE1)
LINE2_TEMPLATE = _template_text(_LINE2)
_TEMPLATES = {1: LINE1_TEMPLATE, 2: LINE2_TEMPLATE}

# One compiled expression per line type. It tests only *classes* of characters (digit,
# blank, letter...), so it gives the same answer for a line and for the line's shape
# (digits replaced by '9'); shapes repeat, which is what makes the cache below work.
_LINE_RE = {k: re.compile("".join(_field_regex(f) for f in v)) for k, v in _LAYOUT.items()}
# The same for shapes, where the line number itself has become '9' (callers check it).
_SHAPE_RE = {k: re.compile("9" + p.pattern[3:]) for k, p in _LINE_RE.items()}
assert all(p.pattern.startswith(f"[{k}]") for k, p in _LINE_RE.items())


class _ShapeCache:
    """Remembers line shapes already known to satisfy the column layout."""

    # Bounded so a hostile file with endless distinct shapes cannot grow memory forever.
    limit = 100_000

    def __init__(self) -> None:
        self.good: dict[int, set[bytes]] = {1: set(), 2: set()}
        self.pairs: set[bytes] = set()  # line 1 + b"\n" + line 2 shapes

    def check_pair(self, shape: bytes) -> bool:
        if shape in self.pairs:
            return True
        n = TLE_LINE_LENGTH
        if not (len(shape) == 2 * n + 1 and shape[n] == 10 and self.check(1, shape[:n])
                and self.check(2, shape[n + 1:])):
            return False
        if len(self.pairs) < self.limit:
            self.pairs.add(shape)
        return True

    def check(self, kind: int, shape: bytes) -> bool:
        if shape in self.good[kind]:
            return True
        if len(shape) != TLE_LINE_LENGTH or _SHAPE_RE[kind].fullmatch(
                shape.decode("latin-1")) is None:
            return False
        if len(self.good[kind]) < self.limit:
            self.good[kind].add(shape)
        return True


_SHAPES = _ShapeCache()

# --------------------------------------------------------------------------------------
# Checksums
# --------------------------------------------------------------------------------------

_CHK_BYTES = bytearray(256)
for _d in range(10):
    _CHK_BYTES[48 + _d] = _d
_CHK_BYTES[ord("-")] = 1
_CHK_BYTES = bytes(_CHK_BYTES)


def tle_checksum(line: str) -> int:
    """Modulo-10 checksum of a TLE line: digits count their value, each '-' counts 1.

    Only the first 68 columns are summed (column 69 holds the checksum itself); other
    characters count 0.
    """
    return sum(line[:68].encode("ascii", "replace").translate(_CHK_BYTES)) % 10


@dataclass
class _Scan:
    """What the vectorised first look found (see :func:`_prescan`)."""

    pairs: list[int]  # index of line 1 of each clean pair, ascending
    names: list[int]  # index of the name line of each pair, or -1
    uncovered: list[int]  # indices of lines that belong to no clean pair
    zero_prefix: bool = False  # some name line starts with "0 "
    duplicates: bool = False  # some pairs share catalogue number and epoch
    cospar: list[str | None] | None = None  # designator of each pair as YYYY-NNNP
    norads: list[int] | None = None  # catalogue number of each pair
    firsts: list[int] | None = None  # line number of each record's first line
    seconds: list[int] | None = None  # index of line 2 of each pair
    firsts_changed: bool = False  # a name was attached later (names/firsts disagree)


# Alpha-5 lead character -> value of the ten-thousands (blank and digits as themselves).
_LEAD_VALUE = bytes(
    (ch - 48) if 48 <= ch <= 57 else _ALPHA5_VALUE.get(chr(ch), 0) for ch in range(256)
)


_WHITESPACE = b" \t\x0b\x0c"


_DIGITS_TO_9_BYTES = bytes.maketrans(b"0123456789", b"9999999999")


def _pair_shapes_ok(np, block):
    """Which rows of ``block`` (line 1, ``'\n'``, line 2: 139 bytes) follow the layout.

    Each row's shape (digits replaced by ``9``) is looked up in the shape cache; only
    pair shapes never seen before are matched against the two regular expressions.
    One lookup per *pair* of lines costs less than checking the columns with numpy,
    because a file has few distinct shapes.
    """
    shapes = np.frombuffer(block.tobytes().translate(_DIGITS_TO_9_BYTES),
                           dtype=f"S{block.shape[1]}").tolist()
    good = _SHAPES.pairs
    ok = list(map(good.__contains__, shapes))
    if not all(ok):
        check = _SHAPES.check_pair
        ok = [hit or check(shape) for hit, shape in zip(ok, shapes, strict=True)]
    return np.array(ok, dtype=bool)


def _prescan(text: str, np, off: int = 0, data: bytes | None = None) -> _Scan:
    """Vectorised first look at the ``'\n'``-separated lines of ``text``.

    Finds every pair of lines that is clean: exactly 69 columns each, numbered 1 and 2,
    the same catalogue number on both, the column layout right (via the shape cache),
    correct checksums, and numbers in physical range (epoch day, inclination <= 180,
    angles < 360; mean motion > 0 is left to SGP4, whose error 2 the caller explains).
    The range checks read blanks as zeros, which is right whenever the layout is right.

    Doing this with numpy over whole columns costs far less than per-line Python
    (summing 68 digits in Python costs as much as initialising SGP4 itself).
    """
    # 'replace' keeps one byte per character, so byte offsets equal string offsets.
    if data is None:
        data = text.encode("ascii", "replace")
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    nlines = len(ends) + 1
    starts = np.empty(nlines, dtype=np.int64)
    starts[0] = 0
    starts[1:] = ends + 1
    stops = np.empty_like(starts)
    stops[:-1] = ends
    stops[-1] = len(raw)
    # Exactly 69 columns: longer lines (trailing blanks, extra text) take the slow path.
    exact = stops - starts == TLE_LINE_LENGTH
    cand = np.flatnonzero(exact[:-1] & exact[1:])
    if not len(cand):
        return _Scan([], [], list(range(nlines)))
    s1 = starts[cand]
    # The two lines of every candidate as rows of 69 bytes: every column test below
    # is then a strided view, not a scattered gather over the whole file.
    # Line 1, its '\n' and line 2 are adjacent: one row of 139 bytes per candidate.
    pair_len = 2 * TLE_LINE_LENGTH + 1
    if s1[-1] + pair_len > len(raw):  # a pair at the very end without a final '\n'
        raw = np.frombuffer(data + b"\n", dtype=np.uint8)
    block = np.lib.stride_tricks.sliding_window_view(raw, pair_len)[s1]
    b1 = block[:, :TLE_LINE_LENGTH]
    b2 = block[:, TLE_LINE_LENGTH + 1:]
    keep = (b1[:, 0] == 49) & (b2[:, 0] == 50)
    keep &= (b1[:, 2:7] == b2[:, 2:7]).all(axis=1)
    # Checksums: translate the rows to digit values ('-' counts 1) and add them up.
    values = np.frombuffer(block.tobytes().translate(_CHK_BYTES), dtype=np.uint8)
    values = values.reshape(-1, pair_len)
    for first, line in ((0, b1), (TLE_LINE_LENGTH + 1, b2)):
        sums = values[:, first:first + 68].sum(axis=1, dtype=np.int32)
        keep &= sums % 10 == line[:, 68].astype(np.int32) - 48

    def number(block, columns):
        # Integer formed by the digits in the given 1-based columns; a blank (or any
        # non-digit below '0') counts as 0, which is right for right-aligned fields.
        value = np.zeros(len(block), dtype=np.int64)
        for col in columns:
            digit = block[:, col - 1].astype(np.int64) - 48
            np.maximum(digit, 0, out=digit)
            value *= 10
            value += digit
        return value

    yy = number(b1, (19, 20))
    day = number(b1, (21, 22, 23))
    keep &= (day >= 1) & (day <= 365 + (yy % 4 == 0))  # leap rule right for 1957-2056
    incl_hi = number(b2, (9, 10))  # inclination <= 180.0000
    keep &= (incl_hi < 18) | ((incl_hi == 18) & (number(b2, (11, 13, 14, 15, 16)) == 0))
    for col in (18, 35, 44):  # angles < 360: the first two digits decide
        keep &= number(b2, (col, col + 1)) < 36
    # Column layout last: rows that already failed are skipped (fewer regex calls).
    rows = np.flatnonzero(keep)
    keep[rows] = _pair_shapes_ok(np, block[rows])
    cand, b1, yy, day = cand[keep], b1[keep], yy[keep], day[keep]
    if not len(cand):
        return _Scan([], [], list(range(nlines)))
    pairs = cand.tolist()
    # Name lines: the line before a pair, unless it is blank or itself a TLE line.
    prev = cand - 1
    has_prev = prev >= 0
    ps = starts[np.where(has_prev, prev, 0)]
    plen = stops[np.where(has_prev, prev, 0)] - ps
    b0 = raw[np.minimum(ps, len(raw) - 1)]
    bb = raw[np.minimum(ps + 1, len(raw) - 1)]
    tle_head = ((b0 == 49) | (b0 == 50)) & (bb == 32) & (plen >= 2)
    is_name = has_prev & (plen > 0) & ~tle_head
    names_arr = np.where(is_name, prev, -1)
    zero_prefix = bool(np.any(is_name & (b0 == 48) & (bb == 32)))
    # Lines that begin with a blank might be whitespace only: decide those in Python
    # with the same rule the sequential parser uses.
    unsure = np.flatnonzero(is_name & np.isin(b0, np.frombuffer(_WHITESPACE, np.uint8)))
    if len(unsure):
        lines = text.split("\n")
        zero_prefix = True  # "  0 NAME" is possible; let the builder look
        for k in unsure.tolist():
            if _is_blank(lines[int(names_arr[k])]):
                names_arr[k] = -1
    covered = np.zeros(nlines, dtype=bool)
    covered[cand] = True
    covered[cand + 1] = True
    covered[names_arr[names_arr >= 0]] = True
    uncovered = np.flatnonzero(~covered).tolist()
    # Duplicates (same catalogue number and epoch): one sortable integer per pair.
    lead = np.frombuffer(_LEAD_VALUE, dtype=np.uint8)[b1[:, 2]].astype(np.int64)
    norads = lead * 10000 + number(b1, (4, 5, 6, 7))
    key = norads * 100 + yy
    key = (key * 1000 + day) * 100_000_000 + number(b1, range(25, 33))
    key.sort()
    duplicates = bool((key[1:] == key[:-1]).any())
    firsts = np.where(names_arr >= 0, names_arr, cand) + off  # as 1-based line numbers
    return _Scan(pairs, names_arr.tolist(), uncovered, zero_prefix, duplicates,
                 _cospar_ids(np, b1[:, 9:17]), norads.tolist(), firsts.tolist(),
                 (cand + 1).tolist())


def _cospar_ids(np, desig) -> list[str | None]:
    """International designators (rows of 8 bytes "YYNNNPPP") as "YYYY-NNNPPP" / None."""
    out = np.zeros((len(desig), 11), dtype=np.uint8)
    launch_yy = (desig[:, 0].astype(np.int16) - 48) * 10 + desig[:, 1] - 48
    modern = launch_yy < 57  # launch years 57-99 are 19xx, 00-56 are 20xx
    out[:, 0] = np.where(modern, ord("2"), ord("1"))
    out[:, 1] = np.where(modern, ord("0"), ord("9"))
    out[:, 2:4] = desig[:, 0:2]
    out[:, 4] = ord("-")
    out[:, 5:11] = desig[:, 2:8]
    out[out == 32] = 0  # numpy drops trailing NULs (not blanks) when making strings
    out[(desig == 32).all(axis=1)] = 0
    ids = list(map(bytes.decode, np.frombuffer(out.tobytes(), dtype="S11").tolist()))
    if "" in ids:
        ids = [i or None for i in ids]
    return ids


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\x0b\x0c")


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def _visible(line: str, limit: int = 100) -> str:
    """The line as it can be printed with a caret under it (tabs and controls shown)."""
    shown = "".join(
        "\u00bb" if ch == "\t" else ("\u2400" if ch < " " or ch == "\x7f" else ch) for ch in line
    )
    return shown if len(shown) <= limit else shown[:limit] + "\u2026"


def _tle_error(
    problem: str,
    *,
    path: str,
    lineno: int | None,
    kind: int | None,
    line: str | None,
    column: int | None,
    field: str,
    expected: str,
    found: str,
    name: str | None = None,
    norad_id: int | None = None,
    hint: str | None = None,
) -> ElementParseError:
    """Build an :class:`ElementParseError` whose text follows one fixed pattern."""
    where = f"{path}, line {lineno}" if lineno is not None else path
    if column is not None:
        where += f", column {column}"
    what = f"TLE line {kind}, {field}" if kind else f"TLE, {field}"
    parts = [f"{where}: {what}: {problem}" if problem else
             f"{where}: {what}: expected {expected}, found {found}."]
    if norad_id is not None or name:
        obj = name or "unnamed object"
        parts.append(f"Object: {obj}" + (f" (NORAD {norad_id})." if norad_id is not None else "."))
    if hint:
        parts.append(hint)
    if line is not None and kind in (1, 2):
        parts.append(f"  Line {kind} must follow this layout (N = digit, + = sign, ' ' = blank):")
        parts.append("    " + _TEMPLATES[kind])
        parts.append("    " + _visible(line))
        if column is not None:
            parts.append("    " + " " * (min(column, 101) - 1) + "^")
    elif line is not None:
        parts.append("    " + _visible(line))
    return ElementParseError(
        "\n".join(parts),
        path=path,
        line=lineno,
        column=column,
        field=field,
        expected=expected,
        found=found,
        norad_id=norad_id,
    )


def _field_at(kind: int, column: int) -> _Field:
    for fld in _LAYOUT[kind]:
        if fld.start <= column <= fld.end:
            return fld
    return _LAYOUT[kind][-1]


def _safe_norad(line: str) -> int | None:
    try:
        return alpha5_to_int(line[2:7])
    except (ValueError, IndexError):
        return None


def _diagnose_line(
    line: str, kind: int, *, path: str, lineno: int, name: str | None, norad_id: int | None
) -> ElementParseError | None:
    """Find the first problem of one TLE line, or ``None`` when its layout is fine.

    Order matters for good messages: characters that cannot be in any TLE (non-ASCII,
    tabs) first, then column by column (so a shifted field is reported where the shift
    starts, not as a vague length error), then whole-field rules, then length, checksum.
    """

    def err(column, fld_name, expected, found, problem="", hint=None):
        return _tle_error(problem, path=path, lineno=lineno, kind=kind, line=line,
                          column=column, field=fld_name, expected=expected, found=found,
                          name=name, norad_id=norad_id, hint=hint)

    length = len(line)
    length_note = (
        "Every field must start in its exact column: one blank too many or too few "
        "shifts all the fields after it." if length == TLE_LINE_LENGTH else
        f"The line has {length} characters instead of {TLE_LINE_LENGTH}, so the fields after "
        "the reported column are probably shifted."
    )
    if not line.isascii():
        col = next(i for i, ch in enumerate(line) if ord(ch) > 127) + 1
        fld = _field_at(kind, col).name if col <= TLE_LINE_LENGTH else "end of line"
        return err(col, fld, "ASCII characters only", repr(line[col - 1]),
                   hint="TLE lines are plain ASCII; a non-ASCII character usually means the "
                   "file was re-encoded or edited with a word processor.")
    if "\t" in line:
        col = line.index("\t") + 1
        fld = _field_at(kind, col).name if col <= TLE_LINE_LENGTH else "end of line"
        return err(col, fld, "spaces", "a tab character",
                   hint="TLE columns are fixed; they must be padded with spaces, never tabs.")
    for fld in _LAYOUT[kind]:
        for offset, cls in enumerate(fld.template):
            col = fld.start + offset
            if col > length:
                break
            ch = line[col - 1]
            if ch in _CLASS_CHARS[cls]:
                continue
            hint = length_note
            if fld.name == "mean motion" and ch == "-":
                hint = "Mean motion (rev/day) must be positive; a negative value is not an orbit."
            elif fld.name == "eccentricity" and ch in ".-":
                hint = ("The eccentricity field has an assumed leading decimal point and no "
                        "sign: it can only hold 0 <= e < 1 (an eccentricity of 1 or more is "
                        "not a closed orbit).")
            elif cls == "A" and ch in "IO":
                hint = "Alpha-5 catalogue numbers do not use the letters I and O."
            what = f" ({fld.what})" if fld.what else ""
            return err(col, fld.name, _CLASS_WORDS[cls] + what, repr(ch), hint=hint)
        if fld.end <= length and fld.regex is not None:
            text = line[fld.start - 1:fld.end]
            if re.fullmatch(fld.regex, text) is None:
                return err(fld.start, fld.name, fld.what or "a valid value", repr(text),
                           hint="Numbers are right-aligned: blanks may only come before "
                           "the first digit." if " " in text.strip() else length_note)
    if length != TLE_LINE_LENGTH:
        col = min(length, TLE_LINE_LENGTH) + 1
        if length < TLE_LINE_LENGTH:
            fld = _field_at(kind, col).name
            return err(col, fld, f"{TLE_LINE_LENGTH} characters",
                       f"{length} characters (the line ends inside the {fld} field)",
                       hint="Truncated lines often come from copying from a web page or an "
                       "e-mail that wrapped or trimmed the text.")
        return err(col, "line length", f"{TLE_LINE_LENGTH} characters",
                   f"{length} characters (extra text {line[69:79]!r})")
    want = tle_checksum(line)
    got = line[68]
    if ord(got) - 48 != want:
        return err(69, "checksum", f"{want} (sum of digits, +1 per '-', of columns 1-68, mod 10)",
                   repr(got), hint="A wrong checksum means a digit was changed after the "
                   "line was made (typo, bad copy, or a damaged file).")
    return None


def check_tle_line(line: str, kind: int, *, path: str = "<string>", lineno: int = 1) -> None:
    """Validate one TLE line (layout, characters, length and checksum).

    Parameters
    ----------
    line
        The line without its line end.
    kind
        1 or 2, the line number the line must carry.
    path, lineno
        Used in the error message.

    Raises
    ------
    ElementParseError
        Describing the first problem found.
    """
    line = _trim_tail(line)
    error = _diagnose_line(line, kind, path=path, lineno=lineno, name=None,
                           norad_id=_safe_norad(line))
    if error is not None:
        raise error


def _trim_tail(line: str) -> str:
    # Blanks after column 69 are harmless padding (some tools add them); anything shorter
    # keeps its trailing blanks so a missing checksum is reported as such.
    if len(line) > TLE_LINE_LENGTH and not line[TLE_LINE_LENGTH:].strip():
        return line[:TLE_LINE_LENGTH]
    return line


# --------------------------------------------------------------------------------------
# Building ElementSet objects
# --------------------------------------------------------------------------------------

_EPOCH_1970 = datetime(1970, 1, 1, tzinfo=_UTC)
# Epoch year -> (Unix time of 0h on day 0, i.e. Dec 31 of the previous year; max day + 1).
_YEAR_INFO: dict[str, tuple[float, float]] = {}
for _yy in range(100):
    _year = _yy + (2000 if _yy < 57 else 1900)
    _base = (datetime(_year, 1, 1, tzinfo=_UTC) - timedelta(days=1) - _EPOCH_1970)
    _leap = _year % 4 == 0 and (_year % 100 != 0 or _year % 400 == 0)
    _YEAR_INFO[f"{_yy:02d}"] = (_base.total_seconds(), 367.0 if _leap else 366.0)
# Launch-year prefix of the international designator -> "YYYY-".
_CENTURY = {f"{yy:02d}": f"{yy + (2000 if yy < 57 else 1900)}-" for yy in range(100)}

class _Lazy:
    """Non-data descriptor: computes a value on first access and keeps it in the instance.

    Because it defines no ``__set__``, a value stored in the instance ``__dict__`` (by
    the dataclass ``__init__`` or by an earlier access) always wins.
    """

    def __init__(self, compute) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = self.compute(obj)
        obj.__dict__[self.name] = value
        return value


def _epoch_from_line1(line1: str) -> datetime:
    # Seconds from 1970 rounded to the microsecond by fromtimestamp: the TLE epoch is a
    # multiple of 1e-8 day = 864 us, and the float error here is below 0.2 us.
    return _from_timestamp(_YEAR_INFO[line1[18:20]][0] + float(line1[20:32]) * 86400.0, _UTC)


def _cospar_from_line1(line1: str) -> str | None:
    if line1[9] == " ":
        return None
    return _CENTURY[line1[9:11]] + line1[11:17].rstrip()


class TleElementSet(ElementSet):
    """An :class:`~orbitkit.elements.model.ElementSet` read from TLE lines.

    It is an ``ElementSet`` in every respect (same fields, same behaviour). The only
    difference is *when* two derived fields are made: ``epoch`` is decoded from
    ``line1`` and ``origin`` is formatted on first access, then kept. All validation
    (including the epoch's day-of-year range) has already happened at parse time; only
    these Python objects are made later, which saves a third of the time of reading a
    14,000-object catalogue of which a caller then uses a few objects.

    Instances made with the ordinary constructor (``TleElementSet(norad_id=..., ...)``
    or :func:`dataclasses.replace`) store all fields at once, like ``ElementSet``.
    """

    # The bulk builder leaves ``source`` out of the instance when it is "file" (one dict
    # entry less per object); this class attribute then answers.
    source = "file"

    @_Lazy
    def epoch(self) -> datetime:  # type: ignore[override]
        return _epoch_from_line1(self.line1)

    @_Lazy
    def cospar_id(self) -> str | None:  # type: ignore[override]
        return _cospar_from_line1(self.line1)

    @_Lazy
    def origin(self) -> str:  # type: ignore[override]
        return f"{self.__dict__['_path']}:{self.__dict__['_line']}"


# The direct fill is only valid while ElementSet has exactly the fields we know; if the
# model gains one we fall back to the ordinary constructor.
_DIRECT_FILL = tuple(f.name for f in dataclasses.fields(ElementSet)) == (
    "norad_id", "name", "epoch", "satrec", "source", "origin", "cospar_id", "line1", "line2")
_new_object = object.__new__
_set_attr = object.__setattr__
_from_timestamp = datetime.fromtimestamp
_twoline2rv = Satrec.twoline2rv
_GET_ERROR = attrgetter("error")


def _clean_name(raw: str | None) -> str:
    if raw is None:
        return ""
    name = raw.strip()
    # Space-Track 3LE files prefix names with "0 " (a "line 0").
    if name[:2] == "0 ":
        name = name[2:].lstrip()
    return name


def _check_source(source: str) -> None:
    if source not in SOURCE_KINDS:
        raise ValueError(f"source must be one of {SOURCE_KINDS}, not {source!r}")


def _range_problem(line1: str | None, line2: str | None):
    """Physical-range check of layout-valid lines: ``None`` or (kind, col, field, ...).

    Fixed-width right-aligned fields compare as strings in numeric order (blank < digit),
    so only the epoch day has to be parsed. Either line may be ``None`` (not checked).
    """
    if line1 is not None:
        day = float(line1[20:32])
        if not 1.0 <= day < _YEAR_INFO[line1[18:20]][1]:
            return (1, 21, "epoch day", "a day of year from 1 to 365 (366 in leap years)",
                    line1[20:32].strip())
    if line2 is None:
        return None
    if line2[8:16] > "180.0000":
        return (2, 9, "inclination", "0 <= inclination <= 180 degrees", line2[8:16].strip())
    for col, fname in ((18, "right ascension of the ascending node"),
                       (35, "argument of perigee"), (44, "mean anomaly")):
        if line2[col - 1:col + 7] >= "360.0000":
            return (2, col, fname, "an angle 0 <= x < 360 degrees", line2[col - 1:col + 7].strip())
    if not line2[52:63].strip("0. "):
        return (2, 53, "mean motion", "mean motion > 0 rev/day", line2[52:63].strip())
    return None


def _build(line1, line2, name, origin, source, satrec=None) -> TleElementSet:
    """ElementSet from two lines already known to be valid (ordinary constructor)."""
    if satrec is None:
        satrec = _twoline2rv(line1, line2)
    return TleElementSet(
        norad_id=satrec.satnum, name=name, epoch=_epoch_from_line1(line1), satrec=satrec,
        source=source, origin=origin, cospar_id=_cospar_from_line1(line1),
        line1=line1, line2=line2)


def _diagnose_pair(line1, line2, *, path, lineno1, lineno2, name):
    """First problem of a pair of lines (layout, numbers, ranges, SGP4), or ``None``."""
    norad = _safe_norad(line1) if line1[:1] == "1" else None
    for line, kind, lineno in ((line1, 1, lineno1), (line2, 2, lineno2)):
        err = _diagnose_line(line, kind, path=path, lineno=lineno, name=name, norad_id=norad)
        if err is not None:
            return err
    n1, n2 = _safe_norad(line1), _safe_norad(line2)
    if n1 != n2:
        return _tle_error(
            "", path=path, lineno=lineno2, kind=2, line=line2, column=3,
            field="catalogue number", expected=f"{line1[2:7].strip()} (as on line 1)",
            found=line2[2:7].strip(), name=name, norad_id=n1,
            hint="Line 1 and line 2 belong to different objects: lines from two element "
            "sets were probably mixed up, or one line of a pair is missing.")
    problem = _range_problem(line1, line2)
    if problem is not None:
        kind, col, fname, expected, found = problem
        line, lineno = (line1, lineno1) if kind == 1 else (line2, lineno2)
        return _tle_error("", path=path, lineno=lineno, kind=kind, line=line, column=col,
                          field=fname, expected=expected, found=found, name=name, norad_id=n1)
    return None


def _sgp4_problem(satrec, *, path, lineno, line2, name, norad):
    code = satrec.error
    text = SGP4_ERRORS.get(code, "unknown error")
    return _tle_error(
        f"SGP4 cannot initialise these elements: error {code}, {text}.",
        path=path, lineno=lineno, kind=2, line=line2, column=None, field="elements",
        expected="elements SGP4 accepts", found=f"SGP4 error {code}", name=name,
        norad_id=norad)


def parse_tle(
    line1: str,
    line2: str,
    name: str | None = None,
    *,
    path: str = "<string>",
    lineno: int = 1,
    source: str = "file",
    origin: str | None = None,
) -> ElementSet:
    """Validate one TLE and build its :class:`~orbitkit.elements.model.ElementSet`.

    Parameters
    ----------
    line1, line2
        The two lines (line ends and blanks after column 69 are ignored).
    name
        Object name (a 3LE name line, ``"0 "`` prefix allowed), or ``None``.
    path, lineno
        File name and 1-based number of ``line1`` there, for messages and ``origin``.
    source
        :data:`~orbitkit.elements.model.SOURCE_KINDS` value for the result.
    origin
        Overrides the default origin ``"{path}:{lineno}"``.

    Returns
    -------
    ElementSet
        With ``norad_id`` decoded (Alpha-5 aware), epoch in UTC (microsecond exact),
        ``cospar_id`` as ``YYYY-NNNP`` when the line has a designator.

    Raises
    ------
    ElementParseError
        Naming file, line, column, field, expected and found value.
    """
    _check_source(source)
    line1 = _trim_tail(line1.rstrip("\r\n"))
    line2 = _trim_tail(line2.rstrip("\r\n"))
    clean = _clean_name(name)
    err = _diagnose_pair(line1, line2, path=path, lineno1=lineno, lineno2=lineno + 1,
                         name=clean or None)
    if err is not None:
        raise err
    satrec = _twoline2rv(line1, line2)
    if satrec.error:
        raise _sgp4_problem(satrec, path=path, lineno=lineno + 1, line2=line2, name=clean,
                            norad=satrec.satnum)
    return _build(line1, line2, clean, origin or f"{path}:{lineno}", source, satrec)


def parse_tle_lines(
    lines: Sequence[str] | Iterable[str],
    *,
    path: str = "<string>",
    source: str = "file",
) -> tuple[list[ElementSet], list[ElementParseError]]:
    """Parse TLE/3LE text already split into lines (line ends removed).

    See :func:`parse_tle_text`.
    """
    lines = list(lines)
    return parse_tle_text("\n".join(lines), path=path, source=source)


def _is_tle_line(line: str) -> bool:
    """Does this line look like TLE line 1 or 2 (even a damaged one), not a name line?"""
    # A name such as "1HOPSAT" or "2 MASS" must not be mistaken for a TLE line: demand
    # "1 "/"2 " followed by something that looks like the start of a catalogue number.
    if line[:2] not in ("1 ", "2 "):
        return False
    # Names are short (CelesTrak: 24 columns); a long line starting "1 " is a damaged
    # TLE line, whatever its catalogue-number field holds.
    return line[3:7].strip().isdigit() or len(line.rstrip()) >= 40


def parse_tle_text(
    text: str,
    *,
    path: str = "<string>",
    source: str = "file",
    first_lineno: int = 1,
    ascii_bytes: bytes | None = None,
) -> tuple[list[ElementSet], list[ElementParseError]]:
    """Parse every TLE / 3LE record in ``text``; keep good ones, report bad ones.

    Parameters
    ----------
    text
        File contents. LF, CRLF and CR line ends are all accepted; name lines may
        carry trailing blanks and a ``"0 "`` prefix; blank lines are ignored.
    path
        File name used in messages and in each set's ``origin`` (``"{path}:{line}"``,
        the line being the record's first line: the name line of a 3LE).
    source
        Value for :attr:`ElementSet.source`.
    first_lineno
        Line number of the first line of ``text`` (when it is a slice of a file).
    ascii_bytes
        Optional: ``text`` encoded as ASCII, when the caller has it anyway (saves
        encoding it again); ignored unless it has exactly one byte per character.

    Returns
    -------
    sets, errors
        The good element sets in file order, and one :class:`ElementParseError` per bad
        record, in file order. After a bad record the parser resynchronises on the next
        line that starts a record, so one damaged record never hides the rest.
    """
    _check_source(source)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        ascii_bytes = None
    if ascii_bytes is not None and len(ascii_bytes) != len(text):
        ascii_bytes = None
    # Everything below creates only acyclic objects, tens of thousands of them; letting
    # the cyclic garbage collector scan them again and again would cost a sixth of the
    # time. It is switched back on (if it was on) however we leave.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        return _parse_all(text, path, source, first_lineno, ascii_bytes)
    finally:
        if gc_was_on:
            gc.enable()


def _parse_all(text: str, path: str, source: str, off: int, data: bytes | None = None):
    lines = text.split("\n")
    count = len(lines)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is normally installed
        np = None
    scan = (_prescan(text, np, off, data) if np is not None
            else _Scan([], [], list(range(count))))
    pairs, names = scan.pairs, scan.names
    extra_sets: list[tuple[int, ElementSet]] = []
    errors: list[tuple[int, ElementParseError]] = []
    # Lines not covered by a clean pair (or its name) go through the careful sequential
    # parser, one run of consecutive lines at a time; in a good file that is at most a
    # trailing empty line.
    uncovered = scan.uncovered
    if uncovered and not (len(uncovered) == 1 and not lines[uncovered[0]]):
        pair_at = {i: n for n, i in enumerate(pairs)}
        k = 0
        while k < len(uncovered):
            lo = uncovered[k]
            while k + 1 < len(uncovered) and uncovered[k + 1] == uncovered[k] + 1:
                k += 1
            hi = uncovered[k] + 1
            k += 1
            # A name line separated from a clean pair by blank lines only goes with it.
            n = pair_at.get(hi)
            takes_name = n is not None and names[n] < 0
            donate = _walk(lines, lo, hi, path, off, source, extra_sets, errors, takes_name)
            if donate is not None:
                names[n] = donate
                scan.firsts_changed = True
    sets = _build_many(lines, scan, path, off, source, errors)
    if extra_sets:
        starts = [names[n] if names[n] >= 0 else i for n, i in enumerate(pairs)]
        merged = sorted(
            [(starts[n], n, es) for n, es in enumerate(sets) if es is not None]
            + [(at, -1, es) for at, es in extra_sets],
            key=lambda t: (t[0], t[1]),
        )
        sets = [es for _, _, es in merged]
    elif None in sets:
        sets = [es for es in sets if es is not None]
    if scan.duplicates or extra_sets:
        sets = _drop_duplicates(sets, errors, path, off)
    errors.sort(key=lambda t: t[0])
    return sets, [e for _, e in errors]


class DuplicateElementSetError(ElementParseError):
    """An element set repeats one already read (same catalogue number and epoch).

    A *warning*: the later copy is dropped and the first kept, so a file that lists
    an object twice (common when group files are concatenated) still works. The
    message says whether the copies are identical or conflict.
    """


def _drop_duplicates(sets, errors, path, off):
    """Keep the first set per (norad_id, epoch); report the others."""
    seen: dict[tuple[int, datetime], ElementSet] = {}
    kept = []
    for es in sets:
        key = (es.norad_id, es.epoch)
        first = seen.get(key)
        if first is None:
            seen[key] = es
            kept.append(es)
            continue
        same = (first.line1, first.line2) == (es.line1, es.line2)
        line = int(es.origin.rsplit(":", 1)[1])
        errors.append((line - off, duplicate_error(es, first, same=same, line=line, path=path)))
    return kept


def duplicate_error(es, first, *, same: bool, line: int | None, path: str):
    """The warning for a repeated element set (shared with the OMM reader)."""
    what = ("an exact repeat" if same else
            "a conflicting copy (same object and epoch, different elements)")
    where = f"{path}, line {line}" if line is not None else f"{path}, {es.origin}"
    return DuplicateElementSetError(
        f"{where}: duplicate element set: NORAD {es.norad_id} ({es.name or 'unnamed'}) at "
        f"epoch {es.epoch:%Y-%m-%d %H:%M:%S.%f} UTC is {what} of the one at {first.origin}; "
        "the first one is kept and this one is skipped.",
        path=path, line=line, column=None, field="duplicate",
        expected="one element set per object and epoch",
        found=f"repeat of {first.origin}", norad_id=es.norad_id)


def _build_many(lines, scan: _Scan, path, off, source, errors) -> list:
    """ElementSets for all clean pairs at once, with C-level loops (map) only.

    One Python-level statement per object would cost more than the whole validation,
    so every column (satrecs, names, ...) is produced by ``map`` over built-in
    functions. Pairs SGP4 rejects become errors and ``None`` placeholders.
    """
    pairs = scan.pairs
    if not pairs:
        return []
    getline = lines.__getitem__
    line1s = list(map(getline, pairs))
    line2s = list(map(getline, scan.seconds))
    satrecs = list(map(_twoline2rv, line1s, line2s))
    norads = scan.norads
    lines.append("")  # index -1 now reads an empty name
    names = list(map(str.strip, map(getline, scan.names)))
    lines.pop()
    if scan.zero_prefix:
        names = [_clean_name(n) for n in names]
    if scan.firsts_changed:
        firsts = [k + off if k >= 0 else i + off for k, i in zip(scan.names, pairs,
                                                                 strict=True)]
    else:
        firsts = scan.firsts
    values = [
        {"norad_id": a, "name": b, "satrec": c, "cospar_id": g, "line1": d, "line2": e,
         "_path": path, "_line": f}
        for a, b, c, d, e, f, g in zip(norads, names, satrecs, line1s, line2s, firsts,
                                       scan.cospar, strict=True)
    ]
    if source != TleElementSet.source:
        for value in values:
            value["source"] = source
    if _DIRECT_FILL:
        # Skips ElementSet.__init__/__post_init__: the epoch is made timezone-aware by
        # TleElementSet and ``source`` was checked once, so both of its checks hold by
        # construction; going through __init__ would cost a third of the speed budget.
        objs = list(map(_new_object, repeat(TleElementSet, len(values))))
        list(map(_set_attr, objs, repeat("__dict__"), values))
    else:  # pragma: no cover - only if model.py changes
        objs = [
            _build(line1s[n], line2s[n], names[n], f"{path}:{firsts[n]}", source, satrecs[n])
            for n in range(len(values))
        ]
    if any(map(_GET_ERROR, satrecs)):
        for n, code in enumerate(map(_GET_ERROR, satrecs)):
            if not code:
                continue
            i = pairs[n]
            # The careful check names the field (e.g. mean motion 0) when it can.
            err = _diagnose_pair(line1s[n], line2s[n], path=path, lineno1=i + off,
                                 lineno2=i + 1 + off, name=names[n] or None)
            errors.append((firsts[n] - off, err or _sgp4_problem(
                satrecs[n], path=path, lineno=i + 1 + off, line2=line2s[n],
                name=names[n], norad=norads[n])))
            objs[n] = None
    return objs


def _lost_name_error(lines, k, path, off):
    return _tle_error(
        "", path=path, lineno=k + off, kind=None, line=lines[k].rstrip(), column=None,
        field="record structure", expected="a name line followed by TLE line 1 and line 2",
        found="a name line with no TLE lines after it",
        hint="The element lines of this object are missing (or the file is truncated).")


def _walk(lines, lo, hi, path, off, source, sets, errors, takes_name=False) -> int | None:
    """Sequential, careful parse of ``lines[lo:hi]``; appends ``(line index, item)``.

    When ``takes_name`` (the clean pair right after the range has no name line), a name
    line left waiting at the end is returned for it; otherwise it is reported.
    """
    pending: int | None = None  # index of a name line waiting for its TLE lines
    orphans: list[int] = []  # name-like lines that got no TLE lines

    def flush_orphans():
        if orphans:
            errors.append((orphans[0], _orphan_error(lines, orphans[0], len(orphans), path, off)))
            orphans.clear()

    i = lo
    while i < hi:
        line = lines[i]
        if _is_blank(line):
            i += 1
            continue
        if not _is_tle_line(line):
            if pending is not None:
                orphans.append(pending)
            pending = i
            i += 1
            continue
        flush_orphans()
        name = _clean_name(lines[pending]) if pending is not None else ""
        start = pending if pending is not None else i
        pending = None
        i = _slow_record(lines, i, hi, name, start, path, off, source, sets, errors)
    if pending is not None and not takes_name:
        after = lines[hi] if hi < len(lines) else ""
        if orphans or (not _is_blank(after) and not _is_tle_line(after)):
            # Followed by more name-like lines (e.g. the name of the next record).
            orphans.append(pending)
        else:
            errors.append((pending, _lost_name_error(lines, pending, path, off)))
        pending = None
    flush_orphans()
    return pending


def _orphan_error(lines, start, count, path, off):
    if count == 1:
        found = "a name line followed by another name line instead of TLE line 1"
    elif count == 2 and start + 1 < len(lines) and not _is_blank(lines[start + 1]):
        found = "a name line followed by another name line instead of TLE line 1"
    else:
        found = f"{count} lines in a row that are not TLE lines, starting with this one"
    return _tle_error(
        "", path=path, lineno=start + off, kind=None, line=lines[start].rstrip(), column=None,
        field="record structure", expected="a name line followed by TLE lines 1 and 2",
        found=found,
        hint="TLE lines start with '1 ' or '2 ' followed by the catalogue number; the "
        "lines of this object are missing, or the text is not element data.")


def _slow_record(lines, i, hi, name, start, path, off, source, sets, errors) -> int:
    """Handle the record whose first TLE line is ``lines[i]``; return the next index.

    ``sets``/``errors`` receive ``(index of the record's first line, item)``.
    """
    line = _trim_tail(lines[i])
    nxt = _trim_tail(lines[i + 1]) if i + 1 < hi else None
    nxt_is_tle = nxt is not None and _is_tle_line(nxt)
    norad = _safe_norad(line)
    shown = name or None
    if line[0] == "1":
        if nxt_is_tle and nxt[0] == "2":
            err = _diagnose_pair(line, nxt, path=path, lineno1=i + off, lineno2=i + 1 + off,
                                 name=shown)
            if err is None:
                satrec = _twoline2rv(line, nxt)
                if satrec.error:
                    err = _sgp4_problem(satrec, path=path, lineno=i + 1 + off, line2=nxt,
                                        name=shown, norad=norad)
                else:
                    sets.append((start, _build(line, nxt, name, f"{path}:{start + off}",
                                               source, satrec)))
            if err is not None:
                errors.append((start, err))
            return i + 2
        found = ("the end of the file" if nxt is None and hi == len(lines) else
                 "no line 2" if nxt is None else
                 "another TLE line 1" if nxt_is_tle else f"{nxt.rstrip()[:40]!r}")
        errors.append((start, _tle_error(
            "", path=path, lineno=i + off, kind=1, line=line, column=None,
            field="record structure", expected="TLE line 2 on the next line", found=found,
            name=shown, norad_id=norad,
            hint="Line 2 of this element set is missing; the record is skipped.")))
        return i + 1
    # A line 2 where a line 1 (or a name) should be.
    if nxt_is_tle and nxt[0] == "1":
        after = _trim_tail(lines[i + 2]) if i + 2 < hi else ""
        if not (_is_tle_line(after) and after[0] == "2"):
            errors.append((start, _tle_error(
                "", path=path, lineno=i + off, kind=2, line=line, column=1,
                field="line order", expected="line 1 before line 2",
                found="line 2 followed by line 1", name=shown, norad_id=norad,
                hint="The two lines of this element set are swapped; put the line starting "
                "with '1 ' first.")))
            return i + 2
    errors.append((start, _tle_error(
        "", path=path, lineno=i + off, kind=2, line=line, column=1, field="record structure",
        expected="TLE line 1 before this line 2", found="line 2 without a line 1",
        name=shown, norad_id=norad,
        hint="Line 1 of this element set is missing; the record is skipped.")))
    return i + 1
