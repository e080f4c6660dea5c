"""One CLI contract for every verb (issue 10): user errors exit 2 with a short message on
stderr naming what was wrong, nothing on stdout, no traceback; internal errors exit 1 and
say so; ``--debug`` shows the traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orbitkit.cli import main

HTML = "<!DOCTYPE html><html><head><title>503</title></head><body>Busy</body></html>\n"


@pytest.fixture
def html_file(tmp_path):
    path = tmp_path / "saved-page.txt"
    path.write_text(HTML)
    return str(path)


T0 = "2026-05-01T00:00:00Z"
# (case id, argv, a substring the message must contain)
CASES = [
    ("unknown-target", ["catalog", "show", "beidou3"], "did you mean"),
    ("unknown-target-elements", ["elements", "fengyun-9"], "unknown target"),
    ("missing-element-file", ["elements", "48274", "--elements", "/nonexistent/x.tle"],
     "/nonexistent/x.tle"),
    ("html-element-file", ["elements", "48274", "--elements", "{html}"], "HTML"),
    ("bad-time", ["ephemeris", "48274", "--start", "yesterday", "--stop", T0, "--step-s", "60"],
     "yesterday"),
    ("naive-time", ["ephemeris", "48274", "--start", "2026-05-01T00:00:00",
                    "--stop", "2026-05-01T01:00:00Z", "--step-s", "60"], "time zone"),
    ("reversed-range", ["ephemeris", "tiangong", "--start", "2026-05-02T00:00:00Z",
                        "--stop", T0, "--step-s", "60"], "before"),
    ("absurd-request", ["ephemeris", "beidou-3", "--start", T0, "--stop", "2036-05-01T00:00:00Z",
                        "--step-s", "1"], "step"),
    ("bad-step", ["ephemeris", "tiangong", "--start", T0, "--stop", "2026-05-01T01:00:00Z",
                  "--step-s", "-5"], "step"),
    ("bad-station", ["passes", "tiangong", "--station", "91,0", "--start", T0, "--days", "1"],
     "latitude"),
    ("unknown-station", ["skyplot", "beidou-3", "--station", "bejing", "--time", T0],
     "did you mean beijing"),
    ("bad-region", ["coverage", "beidou-3", "--region", "10,0,0,10", "--hours", "1"], "region"),
    ("bad-resolution", ["coverage", "beidou-3", "--resolution-deg", "0"], "resolution"),
    ("bad-metric", ["coverage", "beidou-3", "--metric", "speed"], "invalid choice"),
    ("groundtrack-bad-extension", ["groundtrack", "tiangong", "--start", T0, "--hours", "1",
                                   "--out", "track.docx"], ".docx"),
    ("unknown-mission", ["mission", "apollo-11"], "apollo-11"),
]


@pytest.mark.parametrize(("argv", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_user_error_exits_2_with_message_and_no_traceback(argv, needle, html_file, capsys,
                                                          tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [a.replace("{html}", html_file) for a in argv]
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own usage errors exit through SystemExit(2)
        status = exc.code
    out, err = capsys.readouterr()
    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err
    assert needle.lower() in err.lower(), err
    assert len(err.splitlines()) <= 12, "a user error gets a short message, not a dump"


def test_internal_error_exits_1_and_says_it_is_a_bug(monkeypatch, capsys):
    import orbitkit.cli.catalog_cmd as catalog_cmd

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog_cmd, "run_list", broken)
    assert main(["catalog", "list"]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "boom" in err and "--debug" in err
    assert "Traceback" not in err


def test_debug_flag_shows_the_traceback():
    proc = subprocess.run(
        [sys.executable, "-c", "from orbitkit.cli import main; raise SystemExit(main())",
         "--debug", "catalog", "show", "beidou3"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr and "TargetError" in proc.stderr


def test_real_process_user_error_exit_status():
    proc = subprocess.run(
        [sys.executable, "-c", "from orbitkit.cli import main; raise SystemExit(main())",
         "catalog", "show", "beidou3"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
