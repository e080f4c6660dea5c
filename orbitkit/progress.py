"""A small progress bar on stderr, drawn only on a terminal and only for slow runs.

Data goes to stdout, so the bar never mixes into JSON or CSV; when stderr is a file or a
pipe (CI logs, ``2>log``) nothing is drawn at all.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Callable ``progress(done, total)`` that draws ``label [#####     ] 42%`` on stderr.

    Parameters
    ----------
    label
        Text before the bar.
    delay_s
        Draw nothing until the run has taken this long (quick runs stay silent), seconds.
    stream
        Where to draw (default ``sys.stderr``); nothing is drawn unless it is a TTY.
    width
        Bar width in characters.
    """

    def __init__(self, label: str = "", *, delay_s: float = 1.0, stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.label = label
        self.delay_s = delay_s
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.start = time.monotonic()
        self.drawn = False
        self._last = -1.0
        try:
            self.enabled = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.enabled = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self.start < self.delay_s:
            return
        if now - self._last < 0.1 and done < total:  # redraw at most 10 times a second
            return
        self._last = now
        frac = min(1.0, done / total)
        filled = int(round(frac * self.width))
        bar = "#" * filled + " " * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {frac * 100:3.0f}%")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the bar's line (if one was drawn)."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
