"""The user's TLE / 3LE / OMM files as an orbit source (``--elements FILE``).

Every file is read once (:func:`read_element_files`); good records are kept, bad ones are
named in warnings (the first :data:`MAX_RECORD_WARNINGS` one by one). Objects are found by
NORAD number, and also by the name or COSPAR id the file gives them when the catalogue
does not know the target. Several sets of one object (several files) switch along the
span at the midpoints between epochs (:mod:`orbitkit.elements.switching`).

A requested object whose only record is invalid is an error naming file, line and field:
a design orbit is never silently put in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from orbitkit.elements.orbit import (
    OrbitRequest,
    OrbitSource,
    SourceAnswer,
    bare_member,
)
from orbitkit.elements.select import ElementStore
from orbitkit.elements.switching import orbit_for_span
from orbitkit.errors import ElementFileError, ElementParseError

__all__ = ["ElementFileSource", "read_element_files", "error_text", "MAX_RECORD_WARNINGS"]

#: Bad records listed one by one before the rest are summarised in a single line.
MAX_RECORD_WARNINGS = 20


def error_text(err: ElementParseError) -> str:
    """``file:line: message`` unless the message already starts with the file name."""
    text = str(err)
    if err.path and not text.startswith(str(err.path)):
        where = f"{err.path}:{err.line}" if err.line else str(err.path)
        text = f"{where}: {text}"
    return text


def _brief(err: ElementParseError) -> str:
    """One line per skipped record: where, what (and which object); the column template of
    the full message is kept for when the user asks for that very object."""
    lines = error_text(err).splitlines()
    obj = next((ln.strip() for ln in lines[1:] if ln.startswith("Object:")), "")
    return f"{lines[0]} {obj}".strip() if lines else ""


def read_element_files(files: Sequence[str | Path]) -> tuple[ElementStore, list[ElementParseError]]:
    """Read every user element file; keep the good records, collect the bad ones.

    Raises
    ------
    ElementFileError
        A file is missing or holds no usable record at all (HTML page, binary, empty, ...).
    """
    from orbitkit.elements.files import check_input
    from orbitkit.elements.parse import read_elements

    for path in files:  # every file checked before any is parsed; pipes and '-' are fine
        check_input(path, what="element file", error=ElementFileError,
                    hint="; give the path of a TLE, 3LE or OMM file (or - for standard "
                    "input) to --elements")

    key = _files_key(files)
    memo = _READ_MEMO.get(key) if key is not None else None
    if memo is not None:
        return memo[0], list(memo[1])
    store = ElementStore()
    errors: list[ElementParseError] = []
    for path in files:
        result = read_elements(Path(path), source="file")
        store.add(result.sets)
        errors.extend(result.errors)
    if key is not None:
        _READ_MEMO[key] = (store, list(errors))
        while len(_READ_MEMO) > _READ_MEMO_SIZE:
            del _READ_MEMO[next(iter(_READ_MEMO))]
    return store, errors


# The same files read again by a long-running process (``orbitkit serve`` resolves targets on
# every request) are parsed once: keyed by each file's resolved path and a digest of its
# bytes, so a file changed on disk is read anew. The store returned is shared between
# callers: read it, never add to it (load_element_sets copies it before adding). Standard
# input and pipes are not regular files and are never memoised (they can be read once).
_READ_MEMO: dict[tuple[tuple[str, str], ...], tuple[ElementStore, list[ElementParseError]]] = {}
_READ_MEMO_SIZE = 4


def _files_key(files: Sequence[str | Path]) -> tuple[tuple[str, str], ...] | None:
    import hashlib

    key = []
    for path in files:
        p = Path(path)
        if str(path) == "-" or not p.is_file():
            return None
        try:
            data = p.read_bytes()
        except OSError:
            return None  # read_elements reports it
        key.append((str(p.resolve()), hashlib.blake2b(data, digest_size=16).hexdigest()))
    return tuple(key)


class ElementFileSource(OrbitSource):
    """TLE/OMM files given by the user; sets report kind ``tle`` or ``omm``.

    Parameters
    ----------
    files
        Paths of element files (read here, once).

    Attributes
    ----------
    store
        Every good set read, several per object possible.
    warnings
        One per skipped bad or dropped duplicate record (bounded; see the module notes).
    """

    kind = "file"

    def __init__(self, files: Sequence[str | Path]) -> None:
        self.files = list(files)
        self.store, errors = read_element_files(self.files)
        self.warnings: list[str] = []
        self.bad_by_norad: dict[int, ElementParseError] = {}
        for n, err in enumerate(errors):
            # A dropped duplicate is not a broken record: the object still has its good set.
            duplicate = type(err).__name__ == "DuplicateElementSetError"
            kind = "dropped duplicate record" if duplicate else "skipped bad record"
            if n < MAX_RECORD_WARNINGS:
                self.warnings.append(f"{kind}: {_brief(err)}")
            elif n == MAX_RECORD_WARNINGS:
                self.warnings.append(f"... and {len(errors) - n} more bad or duplicate records "
                                     "(ask for one of them by number to see its full message)")
            if err.norad_id is not None and not duplicate:
                self.bad_by_norad.setdefault(err.norad_id, err)

    def find_token(self, token: str) -> list:
        ids = self.store.find_name(token) or self.store.find_cospar(token)
        return [bare_member(n) for n in ids]

    def object_name(self, norad_id: int) -> tuple[str, str | None] | None:
        sets = self.store.sets_for(norad_id)
        if sets and sets[-1].name:
            return sets[-1].name, sets[-1].cospar_id
        return None

    def answer(self, request: OrbitRequest) -> SourceAnswer:
        """Sets of the members found in the files (switching along the span).

        Raises
        ------
        ElementParseError
            A member's only record in the files is invalid.
        """
        out = SourceAnswer(tried=[f"{len(self.files)} element file(s)"])
        starts = request.starts
        for i, member in enumerate(request.members):
            if member.norad_id is None:
                continue
            sets = self.store.sets_for(member.norad_id)
            if sets:
                out.orbits[i] = orbit_for_span(sets, request.at, request.until,
                                               valid_from=starts.get(i))
                continue
            bad = self.bad_by_norad.get(member.norad_id)
            if bad is not None:
                label = member.name if member.name == f"NORAD {member.norad_id}" else \
                    f"{member.name} (NORAD {member.norad_id})"
                raise ElementParseError(
                    f"{label}: its record in the element file is "
                    f"invalid, so there is nothing to use: {error_text(bad)}",
                    path=bad.path, line=bad.line, column=bad.column, field=bad.field,
                    expected=bad.expected, found=bad.found, norad_id=bad.norad_id)
        return out
