"""The edges of issue 14: what comes in (times, element files from pipes and gzip, station
heights) and what goes out (``--out`` paths, a console that cannot print UTF-8).

Every case here gave a wrong answer, a false message or an "internal error" before the fix;
each user error must now exit 2 with one line naming the input, as the CLI contract says
(tests/test_cli_contract.py).
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from orbitkit.errors import TimeInputError
from orbitkit.timeutil import parse_utc, time_grid, to_datetime64, to_julian
from tests.cli_helpers import ORBITKIT, run_cli
from tests.passes_helpers import tle_subset

# the installed command, run as its own process
T0 = "2026-02-24T06:00:00Z"


def assert_user_error(status: int, out: str, err: str, *needles: str) -> None:
    """The CLI contract: exit 2, nothing on stdout, a short message, no traceback."""
    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) <= 12, err
    for needle in needles:
        assert needle.lower() in err.lower(), err


@pytest.fixture(scope="module")
def tianhe_file(tmp_path_factory, active_2026) -> Path:
    """CSS Tianhe (48274) and BeiDou-3 M1 (43001) out of the 2026-02-24 snapshot."""
    return tle_subset(active_2026, [48274, 43001], tmp_path_factory.mktemp("tle") / "tianhe.tle")


# ----------------------------------------------------------------------- 3. time range

# What numpy's datetime64[ns] holds is 1677-09-21 .. 2262-04-11; past it numpy wraps
# silently (2263 became 1678). orbitkit's range is the whole years inside it.
RANGE_TEXT = "1678-01-01"


@pytest.mark.parametrize("value", [
    "2263-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2262-04-12T00:00:00Z",
    "1677-01-01T00:00:00Z", "1000-01-01", datetime(2300, 1, 1, tzinfo=UTC),
    np.datetime64("2300-01-01T00:00:00"), np.datetime64("1600-01-01", "D"),
])
def test_times_outside_the_range_are_refused_with_the_range(value):
    with pytest.raises(TimeInputError, match="1678-01-01.*2261-12-31"):
        to_datetime64(value, what="start")
    with pytest.raises(TimeInputError, match="1678-01-01.*2261-12-31"):
        parse_utc(value, what="start")


def test_datetime64_arrays_and_sequences_outside_the_range_never_wrap():
    # numpy casts 2300-01-01 (days) to nanoseconds as a date in 1715: no error, wrong time
    wrapped = np.array(["2026-01-01", "2300-01-01"], dtype="datetime64[D]")
    assert wrapped.astype("datetime64[ns]")[1] < wrapped[0]  # the trap itself
    with pytest.raises(TimeInputError, match="index 1"):
        to_datetime64(wrapped, what="times")
    with pytest.raises(TimeInputError, match="2261-12-31"):
        to_julian([datetime(2026, 1, 1, tzinfo=UTC), datetime(2400, 1, 1, tzinfo=UTC)])


def test_the_range_ends_are_accepted_and_exact():
    first = to_datetime64("1678-01-01T00:00:00Z")
    last = to_datetime64("2261-12-31T23:59:59.999999Z")
    assert str(first[0]) == "1678-01-01T00:00:00.000000000"
    assert str(last[0]) == "2261-12-31T23:59:59.999999000"
    grid = time_grid("2261-12-31T23:00:00Z", "2261-12-31T23:59:00Z", 60)
    assert grid.size == 60 and str(grid[-1]) == "2261-12-31T23:59:00.000000000"


@pytest.mark.parametrize(("verb", "argv"), [
    ("passes", ["passes", "48274", "--station", "beijing", "--start", "2263-01-01T00:00:00Z"]),
    ("ephemeris", ["ephemeris", "48274", "--start", "2263-01-01T00:00:00Z",
                   "--stop", "2263-01-01T01:00:00Z", "--step-s", "60"]),
    ("ephemeris-9999", ["ephemeris", "48274", "--start", "9999-12-31T23:59:59Z",
                        "--stop", "9999-12-31T23:59:59Z", "--step-s", "60"]),
    ("skyplot", ["skyplot", "48274", "--station", "beijing", "--time", "2263-01-01T00:00:00Z"]),
    ("groundtrack", ["groundtrack", "48274", "--start", "2263-01-01T00:00:00Z",
                     "--out", "x.png"]),
    ("coverage", ["coverage", "beidou-3", "--start", "2263-01-01T00:00:00Z", "--hours", "1"]),
    ("elements-at", ["elements", "48274", "--at", "2263-01-01T00:00:00Z"]),
    # a start inside the range whose span runs out of it
    ("passes-span", ["passes", "48274", "--station", "beijing",
                     "--start", "2261-12-01T00:00:00Z", "--days", "60"]),
    ("passes-huge-span", ["passes", "48274", "--station", "beijing", "--days", "1e7"]),
    ("skyplot-span", ["skyplot", "48274", "--station", "beijing",
                      "--time", "2261-12-31T23:00:00Z", "--hours", "2"]),
    ("groundtrack-huge-span", ["groundtrack", "48274", "--hours", "1e12", "--out", "x.png"]),
])
def test_every_verb_refuses_times_outside_the_range(verb, argv, tianhe_file, capsys, tmp_path,
                                                   monkeypatch):
    """Issue 14 item 4: 2263 used to list wrapped passes with exit 0, and ephemeris,
    skyplot, groundtrack ended in 'internal error: OverflowError'."""
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(capsys, *argv, "--elements", str(tianhe_file))
    assert_user_error(status, out, err, RANGE_TEXT, "2261-12-31")


def test_sub_microsecond_fractions_are_rounded_with_a_note(capsys):
    """datetime.fromisoformat truncates '.9999999' to .999999 without a word."""
    with pytest.warns(UserWarning, match="rounded to the microsecond"):
        t = parse_utc("2026-05-01T00:00:00.9999996Z")
    assert t == datetime(2026, 5, 1, 0, 0, 1, tzinfo=UTC)
    with pytest.warns(UserWarning, match="rounded"):
        assert parse_utc("2026-05-01T00:00:00.123456789+08:00") == \
            datetime(2026, 4, 30, 16, 0, 0, 123457, tzinfo=UTC)
    with pytest.warns(UserWarning, match="rounded"):
        assert parse_utc("2026-05-01T00:00:00,1234564Z").microsecond == 123456
    with pytest.warns(UserWarning, match="rounded"):  # a carry through midnight
        assert parse_utc("2026-12-31T23:59:59.99999999Z") == datetime(2027, 1, 1, tzinfo=UTC)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # six digits or fewer: no note
        assert parse_utc("2026-05-01T00:00:00.123456Z").microsecond == 123456


def test_cli_says_a_time_was_rounded(capsys, tianhe_file):
    status, out, err = run_cli(
        capsys, "elements", "48274", "--at", "2026-02-24T00:00:00.0000004Z",
        "--elements", str(tianhe_file), "--format", "json")
    assert status == 0, err
    assert "--at" in err and "rounded to the microsecond" in err
    assert len([line for line in err.splitlines() if "rounded" in line]) == 1


# ----------------------------------------------------------------------- 4. outputs

# Every option that names a file to write, with a verb line that otherwise works offline.
OUTPUT_CASES = [
    ("passes", ["passes", "48274", "--station", "beijing", "--start", T0, "--out"]),
    ("skyplot", ["skyplot", "48274", "--station", "beijing", "--time", T0, "--out"]),
    ("coverage", ["coverage", "beidou-3", "--start", T0, "--hours", "1", "--out"]),
    ("groundtrack", ["groundtrack", "48274", "--start", T0, "--hours", "1", "--out"]),
    ("groundtrack-geojson", ["groundtrack", "48274", "--start", T0, "--hours", "1", "--out"]),
    ("mission-out", ["mission", "tianwen-1", "--out"]),
    ("mission-porkchop", ["mission", "tianwen-1", "--porkchop"]),
    ("mission-mars-orbits", ["mission", "tianwen-1", "--mars-orbits"]),
]


def _suffix(case: str) -> str:
    return ".geojson" if case.endswith("geojson") else ".png"


@pytest.mark.parametrize(("case", "argv"), OUTPUT_CASES, ids=[c[0] for c in OUTPUT_CASES])
@pytest.mark.parametrize("where", ["proc", "folder"])
def test_an_unwritable_out_is_a_user_error_before_the_work(case, argv, where, tianhe_file,
                                                          capsys, tmp_path, monkeypatch):
    """Issue 14 item 5: '--out /proc/x.png' was 'internal error: FileNotFoundError ... This
    is a bug' (exit 1) after all the computing; a folder named x.png an IsADirectoryError."""
    monkeypatch.chdir(tmp_path)
    name = "x" + _suffix(case)
    if where == "proc":
        target, reason = f"/proc/{name}", "cannot"
    else:
        (tmp_path / name).mkdir()
        target, reason = name, "folder"
    import orbitkit.propagation as propagation

    def no_work(*args, **kwargs):
        raise AssertionError("the output path must be checked before any work")

    monkeypatch.setattr(propagation, "propagate", no_work)
    elements = [] if argv[0] == "mission" else ["--elements", str(tianhe_file)]
    status, out, err = run_cli(capsys, *argv, target, *elements)
    assert_user_error(status, out, err, target, reason)


def test_coverage_site_figure_path_is_checked_too(capsys, tmp_path, monkeypatch, tianhe_file):
    """--site with --out also writes map-site.png beside the map: checked before the work."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "map-site.png").mkdir()
    status, out, err = run_cli(capsys, "coverage", "beidou-3", "--start", T0, "--hours", "1",
                               "--site", "beijing", "--out", "map.png",
                               "--elements", str(tianhe_file))
    assert_user_error(status, out, err, "map-site.png", "folder")


def test_a_write_that_fails_after_the_work_names_the_path_and_reason(capsys, tmp_path,
                                                                      monkeypatch, tianhe_file):
    """A full disk (or a folder removed meanwhile) while the figure is saved: a user error
    naming the file and the system's reason, exit 2, not 'this is a bug'."""
    import orbitkit.plots.timeline as timeline

    def disk_full(result, out, **kwargs):
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(timeline, "plot_timeline", disk_full)
    out_path = tmp_path / "t.png"
    status, out, err = run_cli(capsys, "passes", "48274", "--station", "beijing",
                               "--start", T0, "--out", str(out_path), "--format", "json",
                               "--elements", str(tianhe_file))
    assert status == 2, err
    assert "internal error" not in err and "Traceback" not in err
    assert str(out_path) in err and "No space left on device" in err

    def missing_data(result, out, **kwargs):  # not about the user's file: still a bug
        raise FileNotFoundError(2, "No such file or directory", "/pkg/data/land.geojson")

    monkeypatch.setattr(timeline, "plot_timeline", missing_data)
    status, out, err = run_cli(capsys, "passes", "48274", "--station", "beijing",
                               "--start", T0, "--out", str(out_path), "--format", "json",
                               "--elements", str(tianhe_file))
    assert status == 1 and "internal error" in err


def test_check_writable_leaves_nothing_behind(tmp_path):
    from orbitkit.cli.common import check_writable
    from orbitkit.errors import UserError

    assert check_writable(tmp_path / "a.png", "--out") == tmp_path / "a.png"
    assert list(tmp_path.iterdir()) == []  # the probe file is gone
    existing = tmp_path / "b.csv"
    existing.write_text("keep me")
    check_writable(existing, "--out")
    assert existing.read_text() == "keep me"
    assert check_writable(tmp_path, "--cdm-dir", folder=True) == tmp_path
    with pytest.raises(UserError, match="does not exist"):
        check_writable(tmp_path / "nope" / "a.png", "--out")
    with pytest.raises(UserError, match="not a folder"):
        check_writable(existing, "--cdm-dir", folder=True)


# ----------------------------------------------------------------------- 5. inputs


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "ORBITKIT_OFFLINE": "1"}
    return subprocess.run([*ORBITKIT, *args], capture_output=True, timeout=120, env=env,
                          **kwargs)


def _elements_json(proc: subprocess.CompletedProcess) -> dict:
    import json

    assert proc.returncode == 0, proc.stderr.decode()
    return {r["norad_id"]: r for r in json.loads(proc.stdout)}


ELEMENTS_ARGS = ["elements", "48274", "--at", T0, "--format", "json"]


def test_elements_dash_reads_standard_input(tianhe_file):
    """Issue 14 item 6: '-' was 'element file - does not exist'."""
    proc = _run([*ELEMENTS_ARGS, "--elements", "-"], input=tianhe_file.read_bytes())
    record = _elements_json(proc)[48274]
    assert record["source"] == "file" and "<stdin>" in str(record)


def test_dev_stdin_and_gzip_through_a_pipe(tianhe_file):
    """/dev/stdin is a pipe, not a regular file; it carries gzip data here."""
    proc = _run([*ELEMENTS_ARGS, "--elements", "/dev/stdin"],
                input=gzip.compress(tianhe_file.read_bytes()))
    assert 48274 in _elements_json(proc)


def test_process_substitution_is_read(tianhe_file):
    """``--elements <(zcat x.tle.gz)`` hands orbitkit /dev/fd/63, a pipe."""
    bash = "/bin/bash"
    if not os.path.exists(bash):
        pytest.skip("bash is needed for process substitution")
    packed = tianhe_file.with_suffix(".tle.gz")
    packed.write_bytes(gzip.compress(tianhe_file.read_bytes()))
    cmd = " ".join([*(f"'{a}'" for a in ORBITKIT), *ELEMENTS_ARGS,
                    "--elements", f"<(gzip -dc '{packed}')"])
    proc = subprocess.run([bash, "-c", cmd], capture_output=True, timeout=120,
                          env={**os.environ, "ORBITKIT_OFFLINE": "1"})
    assert 48274 in _elements_json(proc)


def test_gzip_files_are_read_by_their_magic_not_their_name(tianhe_file, tmp_path, capsys):
    """'is gzip-compressed; decompress it first' was the answer to every .gz file."""
    data = gzip.compress(tianhe_file.read_bytes())
    for name in ("active.tle.gz", "active.txt"):  # the second hides its gzip in the name
        path = tmp_path / name
        path.write_bytes(data)
        status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", str(path))
        assert status == 0, err
        assert '"norad_id": 48274' in out


def test_damaged_gzip_and_gzip_bombs_are_refused(tianhe_file, tmp_path, capsys, monkeypatch):
    cut = tmp_path / "cut.tle.gz"
    cut.write_bytes(gzip.compress(tianhe_file.read_bytes())[:40])
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", str(cut))
    assert_user_error(status, out, err, str(cut), "damaged gzip")
    import orbitkit.elements.files as files

    monkeypatch.setattr(files, "MAX_INPUT_BYTES", 10_000)
    bomb = tmp_path / "bomb.tle.gz"
    bomb.write_bytes(gzip.compress(b"\n" * 1_000_000))  # 1 MB of newlines in 1 KB
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", str(bomb))
    assert_user_error(status, out, err, str(bomb), "decompresses to more than")


def test_missing_file_messages_are_true(tmp_path, capsys, tianhe_file):
    link = tmp_path / "today.tle"
    link.symlink_to(tmp_path / "gone.tle")
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", str(link))
    assert_user_error(status, out, err, str(link), "symbolic link", "gone.tle")
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", str(tmp_path / "no.tle"))
    assert_user_error(status, out, err, "no.tle", "does not exist")
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", str(tmp_path))
    assert_user_error(status, out, err, "is a folder")


def test_open_text_is_the_public_helper_for_other_readers(tianhe_file, tmp_path, monkeypatch):
    """RINEX/SP3/OEM readers reuse it: '-', pipes, gzip; their own error class."""
    import io

    from orbitkit.elements.files import open_text
    from orbitkit.errors import ElementFileError

    packed = tmp_path / "x.sp3.gz"
    packed.write_bytes(gzip.compress("ÿ utf-8 text\n".encode()))
    assert open_text(packed) == "ÿ utf-8 text\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from stdin\n")))
    assert open_text("-") == "from stdin\n"
    assert open_text("-") == "from stdin\n"  # read once, kept: a second reader sees it too
    with pytest.raises(ElementFileError, match="does not exist"):
        open_text(tmp_path / "none.sp3", what="SP3 file", error=ElementFileError)


# ----------------------------------------------------------------------- 6. stations


@pytest.mark.parametrize("height", ["nan", "inf", "-inf", "-7000000", "-501", "100001"])
def test_station_heights_must_be_finite_and_within_range(height):
    """Issue 14 item 7: 'nan' made passes and skyplot print [] with exit 0; -7,000,000 m
    (inside the Earth) was accepted."""
    from orbitkit.errors import SiteError
    from orbitkit.sites import parse_site

    with pytest.raises(SiteError, match=r"-500 .*100,000 m"):
        parse_site(f"39.9,116.4,{height}")


def test_heights_at_the_range_ends_are_accepted():
    from orbitkit.sites import Site, parse_site

    assert parse_site("31.5,35.5,-430").alt_m == -430.0  # the Dead Sea shore
    assert parse_site("27.99,86.93,8849").alt_m == 8849.0  # Everest
    assert parse_site("0,0,100000").alt_m == 100000.0
    assert Site(key="x", name="x", lat_deg=np.float32(1), lon_deg=np.int64(2),
                alt_m=np.float64(3)).alt_m == 3.0  # numpy numbers are numbers
    from orbitkit.errors import SiteError

    with pytest.raises(SiteError, match="height"):
        Site(key="x", name="x", lat_deg=0.0, lon_deg=0.0, alt_m=float("nan"))


@pytest.mark.parametrize("argv", [
    ["passes", "48274", "--start", T0, "--format", "json", "--station"],
    ["skyplot", "48274", "--time", T0, "--format", "json", "--station"],
    ["groundtrack", "48274", "--start", T0, "--hours", "1", "--out", "x.png", "--station"],
    ["coverage", "beidou-3", "--start", T0, "--hours", "1", "--format", "json", "--site"],
], ids=["passes", "skyplot", "groundtrack", "coverage-site"])
def test_cli_refuses_bad_heights_before_the_work(argv, capsys, tianhe_file, tmp_path,
                                                 monkeypatch):
    """coverage --site ...,nan --format json was 'internal error: ... not JSON compliant'."""
    monkeypatch.chdir(tmp_path)
    import orbitkit.propagation as propagation

    def no_work(*args, **kwargs):
        raise AssertionError("the station must be checked before any work")

    monkeypatch.setattr(propagation, "propagate", no_work)
    status, out, err = run_cli(capsys, *argv, "39.9,116.4,nan", "--elements", str(tianhe_file))
    assert_user_error(status, out, err, "39.9,116.4,nan", "height")


@pytest.mark.parametrize(("value", "needle"), [
    ("nan", "finite"), ("-7e6", "-500"), ('"50 m"', "number"),
])
def test_sites_files_name_a_bad_height(value, needle, tmp_path, monkeypatch):
    from orbitkit.errors import CatalogError
    from orbitkit.sites import load_sites

    (tmp_path / "sites.toml").write_text(
        '[sources]\nMINE = "my survey"\n\n[[sites]]\nkey = "my-dish"\nname = "My dish"\n'
        f'lat_deg = 30.0\nlon_deg = 110.0\nalt_m = {value}\nkind = "ttc"\nsource = "MINE"\n')
    monkeypatch.setenv("ORBITKIT_CATALOG_PATH", str(tmp_path))
    with pytest.raises(CatalogError, match="my-dish") as info:
        load_sites()
    assert "alt_m" in str(info.value) and needle in str(info.value)
    assert str(tmp_path / "sites.toml") in str(info.value)


# ----------------------------------------------------------------------- 7. encoding


def _cp1252(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """A console that cannot encode UTF-8: Windows with output redirected."""
    env = {**os.environ, "ORBITKIT_OFFLINE": "1", "PYTHONIOENCODING": "cp1252",
           "ORBITKIT_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([*ORBITKIT, *args], capture_output=True, timeout=120, env=env,
                          cwd=tmp_path)


def _assert_degraded(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("cp1252")
    assert proc.returncode == 0, err
    assert "internal error" not in err
    notes = [line for line in err.splitlines() if "cannot show some characters" in line]
    assert len(notes) == 1, err
    assert "cp1252" in notes[0]
    return proc.stdout.decode("cp1252")


def test_catalog_list_on_a_cp1252_console(tmp_path):
    """Issue 14 item 8: 'internal error: UnicodeEncodeError'."""
    out = _assert_degraded(_cp1252(["catalog", "list"], tmp_path))
    assert "beidou-3" in out and "??" in out  # the Chinese names, replaced


def test_mission_table_transliterates_symbols(tmp_path):
    out = _assert_degraded(_cp1252(["mission", "tianwen-1"], tmp_path))
    assert "departure vinf" in out and "ideal MOI dv" in out


def test_csv_with_a_chinese_name_on_a_cp1252_console(tmp_path, tianhe_file):
    named = tmp_path / "tianhe-zh.tle"
    lines = tianhe_file.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("1 48274U"))
    named.write_text("\n".join(["天和", *lines[at:at + 2]]) + "\n", encoding="utf-8")
    out = _assert_degraded(_cp1252(["passes", "48274", "--station", "beijing", "--start", T0,
                                    "--format", "csv", "--elements", str(named)], tmp_path))
    assert out.splitlines()[1].startswith("48274,??,beijing,")
    # JSON stays lossless: escaped, read back as the name itself; no note needed
    proc = _cp1252(["passes", "48274", "--station", "beijing", "--start", T0,
                    "--format", "json", "--elements", str(named)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    import json

    assert json.loads(proc.stdout)[0]["name"] == "天和"
    # and files are UTF-8 whatever the console
    proc = _cp1252(["groundtrack", "48274", "--start", T0, "--hours", "0.1",
                    "--out", "track.csv", "--elements", str(named)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "天和" in (tmp_path / "track.csv").read_text(encoding="utf-8")


def test_catalog_json_on_a_cp1252_console_is_lossless(tmp_path):
    import json

    proc = _cp1252(["catalog", "show", "tiangong", "--format", "json"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "天" in json.dumps(json.loads(proc.stdout), ensure_ascii=False)


# ----------------------------------------------------------------------- 8. horizon files


@pytest.mark.parametrize(("text", "line", "extra"), [
    # the first line used to be skipped silently as a 'header': the 0 deg point was lost
    ("0 5 ridge\n90 10\n180 5\n270 5\n", 1, "ridge"),
    ("0 5\n90 10 12.5\n180 5\n", 2, "12.5"),
    ("0,5\n90,10\n180;5;tree;far\n", 3, "tree far"),
])
def test_horizon_lines_with_extra_columns_are_named(text, line, extra):
    from orbitkit.errors import UserError
    from orbitkit.passes import parse_horizon

    with pytest.raises(UserError, match=rf"mask\.txt, line {line}: .*extra column") as info:
        parse_horizon(text, source="mask.txt")
    assert repr(extra) in str(info.value)


def test_a_real_header_line_is_still_skipped():
    from orbitkit.passes import parse_horizon

    mask = parse_horizon("azimuth elevation comment\n0 5\n180 10\n", source="mask.txt")
    assert mask is not None


def test_unreadable_standard_input_is_a_user_error(capsys, monkeypatch):
    """pytest's captured stdin raises on read, as a closed or detached one would."""

    class Closed:
        def read(self, *args):
            raise OSError("reading from stdin while output is captured")

    monkeypatch.setattr(sys, "stdin", Closed())
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", "-")
    assert_user_error(status, out, err, "standard input")
    monkeypatch.setattr(sys, "stdin", None)
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", "-")
    assert_user_error(status, out, err, "standard input", "closed")


def test_each_standard_input_is_its_own(tianhe_file, capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(tianhe_file.read_bytes())))
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", "-", "--elements", "-")
    assert status == 0 and '"norad_id": 48274' in out, err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    status, out, err = run_cli(capsys, *ELEMENTS_ARGS, "--elements", "-")
    assert_user_error(status, out, err, "<stdin>", "empty")


def _time_options():
    """Every option of every verb that takes a time (by name or its metavar T)."""
    import argparse

    from orbitkit.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = []
    for verb, verb_parser in sub.choices.items():
        stack = [(verb, verb_parser)]
        while stack:
            name, p = stack.pop()
            for action in p._actions:
                if isinstance(action, argparse._SubParsersAction):
                    stack += [(f"{name} {k}", v) for k, v in action.choices.items()]
                    continue
                opts = set(action.option_strings)
                if action.metavar == "T" or opts & {"--start", "--stop", "--time", "--at",
                                                    "--epoch", "--tca", "--when"}:
                    found.append((name, action))
    return found


def test_every_time_option_of_every_verb_goes_through_the_range_check():
    """A verb added later with its own time option is caught here: every time option must
    read its value with cli.common.time_arg (parse_utc), where the range is checked."""
    options = _time_options()
    assert len(options) >= 7  # passes, ephemeris x2, skyplot, groundtrack, coverage, elements
    for verb, action in options:
        assert getattr(action.type, "__name__", None) == "time", (verb, action.option_strings)
        with pytest.raises(Exception, match="2261-12-31"):
            action.type("2263-01-01T00:00:00Z")
