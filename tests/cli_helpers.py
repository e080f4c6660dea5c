"""Running the CLI from tests: in-process (:func:`run_cli`) or as a subprocess
(:data:`ORBITKIT`, for pipes, standard input and exit codes as a shell sees them)."""

from __future__ import annotations

import sys

from orbitkit.cli import main

#: argv prefix that runs ``orbitkit`` in a fresh interpreter (no console script needed).
ORBITKIT = [sys.executable, "-c", "import sys; from orbitkit.cli import main; sys.exit(main())"]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``orbitkit ARGV`` run in this process (output
    written before the call is dropped first)."""
    capsys.readouterr()
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err
