"""``--scheduler``: where a verb's tasks run (this machine, or a Dask cluster).

Without ``--scheduler`` and without ``ORBITKIT_SCHEDULER`` the tasks run embedded, on this
machine's cores, with no service to start. With either, the same tasks run on the Dask
scheduler at that address (``tcp://HOST:PORT``); one that does not answer within a few
seconds is a user error (exit 2).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def add_scheduler_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", default=None,
        help="run the tasks on the Dask scheduler at ADDRESS (tcp://HOST:PORT; default "
        "$ORBITKIT_SCHEDULER, else this machine's cores); needs pip install 'orbitkit[dask]'")


@contextmanager
def executor_from_args(args: argparse.Namespace) -> Iterator[Any]:
    """``None`` (embedded) or a connected Dask executor, closed on the way out."""
    from orbitkit.executor import SCHEDULER_ENV

    address = getattr(args, "scheduler", None) or os.environ.get(SCHEDULER_ENV, "").strip()
    if not address:
        yield None
        return
    from orbitkit.executor import get_executor

    ex = get_executor(address)
    try:
        yield ex
    finally:
        ex.close()
