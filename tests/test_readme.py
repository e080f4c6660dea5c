"""The README stays true: its Python example runs, its commands name real verbs, and CI
runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_python_example_runs_on_the_2026_snapshot(active_2026):
    (block,) = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    code = block.replace('"celestrak-active-2026-02-24.tle"', repr(str(active_2026)))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["lat_deg"].shape == (35, 1441)


def test_shell_examples_use_registered_verbs():
    from orbitkit.cli import build_parser

    verbs = set(build_parser()._subparsers._group_actions[0].choices)  # noqa: SLF001
    shell = "\n".join(re.findall(r"```sh\n(.*?)```", README, flags=re.S))
    used = set(re.findall(r"(?:^|&& )orbitkit ([a-z-]+)", shell, flags=re.M))
    assert used and used <= verbs, used - verbs


def test_ci_runs_the_readme_test_command():
    (command,) = [line.strip() for line in README.splitlines()
                  if "pytest" in line and line.strip().startswith("python3 -m venv")]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()
