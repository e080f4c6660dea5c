"""Counts of bad inputs and faults tried, for the end-of-run summary (issue 10).

A plain module, imported as ``tests._tried`` by conftest and by tests alike, so every count
lands in one place (hypothesis tests cannot take function-scoped fixtures).
"""

from __future__ import annotations

TRIED: dict[str, int] = {}


def count(kind: str, n: int = 1) -> None:
    """Add ``n`` inputs of ``kind`` to the summary."""
    TRIED[kind] = TRIED.get(kind, 0) + n
