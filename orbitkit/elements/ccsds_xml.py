"""The XML side shared by the CCSDS readers (OMM in :mod:`orbitkit.elements.omm`, OEM in
:mod:`orbitkit.elements.oem`): expat driven through their handlers, DTDs and entity
declarations refused, and errors that name the file, line and column.

Why refuse DTDs: a DOCTYPE can declare entities whose expansion grows without bound
("billion laughs"); no CCSDS NDM/XML file needs one, so expat stops at the declaration.
Namespaces are not resolved: the readers compare local names (:func:`local_name`), which
is what ``<ndm:omm>``, ``<{urn}omm>`` and ``<omm>`` have in common.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from orbitkit.errors import ElementFileError

__all__ = ["local_name", "parse_xml"]


def local_name(tag: str) -> str:
    """``tag`` without a namespace prefix (``ndm:omm``) or a resolved URI (``{urn}omm``)."""
    return tag.rsplit(":", 1)[-1].rsplit("}", 1)[-1]


def parse_xml(parser: Any, text: str, source: str, *, kind: str,
              start: Callable[[str, dict], None], end: Callable[[str], None],
              chars: Callable[[str], None]) -> None:
    """Run ``parser`` (from ``expat.ParserCreate()``; the handlers may read its
    ``CurrentLineNumber``) over ``text`` with the given element handlers.

    Raises
    ------
    ElementFileError
        XML with a DOCTYPE/DTD or an entity declaration (naming ``kind``, e.g. "OMM"), or
        XML that is not well formed (line, column, and a hint when it looks truncated).
    """
    def refuse_dtd(*_args: Any) -> None:
        raise ElementFileError(f"{source}: XML with a DOCTYPE/DTD is not accepted as "
                               f"{kind} data")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        where = f"line {exc.lineno}, column {exc.offset + 1}"
        hint = (" The file looks truncated." if exc.code == expat.errors.codes.get(
            expat.errors.XML_ERROR_NO_ELEMENTS) or "no element found" in str(exc) else "")
        raise ElementFileError(
            f"{source}: not well-formed XML: {expat.errors.messages[exc.code]} at "
            f"{where}.{hint}") from None
