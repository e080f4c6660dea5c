"""``orbitkit passes``: the issue's "done when" against skyfield, every format, horizon
files, the timeline, geosynchronous intervals and user errors (exit status 2).

Elements: the CelesTrak active snapshot of 2026-02-24 (CSS 48274, Fengyun-3E 49008,
Haiyang-2B 43655, BeiDou-3 G1 43683). Tolerances as in test_passes_skyfield.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from orbitkit.cli import main
from orbitkit.export import PASS_CSV_COLUMNS as CSV_COLUMNS
from orbitkit.passes import Pass
from orbitkit.sites import parse_site
from tests.cli_helpers import ORBITKIT, run_cli
from tests.passes_helpers import sets_from_file, tle_subset
from tests.test_passes_skyfield import compare, skyfield_passes

PASS_COLUMNS = CSV_COLUMNS[:-2]  # the pass keys; then kind and min_elevation_deg
BEIJING = "39.9042,116.4074,50"
START = "2026-05-01T00:00:00Z"
DONE_WHEN_IDS = [48274, 49008, 43655]
# the installed command, run as its own process (no console-script path needed)


def _pass_from_json(d: dict) -> Pass:
    def t(s: str) -> datetime:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))

    return Pass(d["norad_id"], d["name"], d["station"], t(d["rise_utc"]), d["rise_az_deg"],
                t(d["max_utc"]), d["max_elevation_deg"], d["max_az_deg"], t(d["set_utc"]),
                d["set_az_deg"], d["duration_s"], d["visible"], d["starts_before_window"],
                d["ends_after_window"])


@pytest.fixture(scope="module")
def small_file(tmp_path_factory, active_2026) -> Path:
    """The done-when objects and a GEO, copied out of the 14,468-object snapshot."""
    return tle_subset(active_2026, [*DONE_WHEN_IDS, 43683],
                      tmp_path_factory.mktemp("tle") / "small.tle")


@pytest.mark.slow
def test_done_when_process_matches_skyfield(active_2026):
    """The issue's command, as a real process on the full snapshot, lists exactly
    skyfield's passes: rise/set within 1 s, culmination within 2 s, 0.05 deg."""
    cmd = [*ORBITKIT, "passes", "48274,49008,43655", "--station",
           BEIJING, "--start", START, "--days", "7", "--min-elevation-deg", "10",
           "--elements", str(active_2026), "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert all(set(r) == {"kind", *PASS_COLUMNS} and r["kind"] == "pass" for r in records)
    ours = [_pass_from_json(r) for r in records]
    sets = sets_from_file(active_2026, DONE_WHEN_IDS)
    site = parse_site(BEIJING)
    t0 = datetime.fromisoformat(START.replace("Z", "+00:00"))
    theirs = {es.norad_id: skyfield_passes(es, site, t0, t0 + timedelta(days=7), 10.0)
              for es in sets}
    worst = compare(ours, theirs, sets, site, 10.0)
    assert len(ours) == sum(len(g) for g in theirs.values()) == 94
    assert worst["skyfield_missed"] == 0
    assert "days after the element epoch" in proc.stderr  # old elements are warned about


def test_csv_columns_are_the_pass_keys():
    from orbitkit.passes import PASS_KEYS

    assert PASS_COLUMNS == PASS_KEYS


def test_json_csv_and_table_agree(capsys, small_file):
    common = ["passes", "48274,49008", "--station", BEIJING, "--station", "beijing",
              "--start", START, "--days", "1", "--min-elevation-deg", "10",
              "--elements", str(small_file)]
    status, out, _ = run_cli(capsys, *common, "--format", "json")
    assert status == 0
    records = json.loads(out)
    assert records and {r["station"] for r in records} == {BEIJING, "beijing"}
    status, out, _ = run_cli(capsys, *common, "--format", "csv")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == len(records)
    assert rows[1][3] == records[0]["rise_utc"]
    status, out, _ = run_cli(capsys, *common)
    assert status == 0
    assert "rise (UTC)" in out and out.count("CSS (TIANHE)") == sum(
        r["norad_id"] == 48274 for r in records)


def test_ics_output(capsys, small_file):
    status, out, _ = run_cli(capsys, "passes", "48274", "--station", "beijing", "--start",
                             START, "--days", "2", "--min-elevation-deg", "10",
                             "--elements", str(small_file), "--format", "ics")
    assert status == 0
    assert out.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert out.endswith("END:VCALENDAR\r\n")
    n_events = out.count("BEGIN:VEVENT")
    status, js, _ = run_cli(capsys, "passes", "48274", "--station", "beijing", "--start",
                            START, "--days", "2", "--min-elevation-deg", "10",
                            "--elements", str(small_file), "--format", "json")
    assert n_events == len(json.loads(js)) > 0
    for line in out.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert "DTSTART:20260501T" in out and "GEO:39.9" in out


def test_geostationary_object_gives_intervals(capsys, small_file):
    status, out, err = run_cli(capsys, "passes", "43683,48274", "--station", "beijing",
                               "--start", START, "--days", "1", "--min-elevation-deg", "10",
                               "--elements", str(small_file), "--format", "json")
    assert status == 0
    records = json.loads(out)
    geo = [r for r in records if r["norad_id"] == 43683]
    assert len(geo) == 1 and geo[0]["kind"] == "visibility"
    assert geo[0]["starts_before_window"] and geo[0]["ends_after_window"]
    assert all(r["kind"] == "pass" for r in records if r["norad_id"] == 48274)
    status, out, err = run_cli(capsys, "passes", "43683", "--station", "beijing", "--start",
                               START, "--days", "1", "--elements", str(small_file),
                               "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0 and len(rows) == 1 and rows[0]["kind"] == "visibility"
    assert rows[0]["rise_utc"] == geo[0]["start_utc"] and rows[0]["max_utc"] == ""


def test_flat_horizon_file_equals_scalar_mask(capsys, small_file, tmp_path):
    """A horizon file at 10 deg everywhere gives the scalar mask's passes (to 0.1 s); a
    30 deg ridge in the east only shortens or splits them, and a pass that rises over the
    ridge climbs to at least 30 deg."""
    flat = tmp_path / "flat.txt"
    flat.write_text("# az el\n0 10\n120 10\n240 10\n")
    base = ["passes", "48274,49008,43655", "--station", "beijing", "--start", START,
            "--days", "2", "--elements", str(small_file), "--format", "json"]
    _, a, _ = run_cli(capsys, *base, "--min-elevation-deg", "10")
    _, b, _ = run_cli(capsys, *base, "--horizon", str(flat))
    pa, pb = json.loads(a), json.loads(b)
    assert len(pa) == len(pb) > 5
    for x, y in zip(pa, pb, strict=True):
        for key in ("rise_utc", "set_utc"):
            tx = datetime.fromisoformat(x[key].replace("Z", "+00:00"))
            ty = datetime.fromisoformat(y[key].replace("Z", "+00:00"))
            assert abs((tx - ty).total_seconds()) <= 0.1
    ridge = tmp_path / "ridge.txt"
    ridge.write_text("0 10\n45 10\n60 30\n150 30\n165 10\n")
    _, c, _ = run_cli(capsys, *base, "--horizon", str(ridge))
    pc = json.loads(c)

    def span(r):
        return (datetime.fromisoformat(r["rise_utc"].replace("Z", "+00:00")),
                datetime.fromisoformat(r["set_utc"].replace("Z", "+00:00")))

    # a ridge only takes time away (it may split a pass in two): every pass lies inside
    # a pass over the flat horizon
    for r in pc:
        lo, hi = span(r)
        slack = timedelta(seconds=0.1)  # both ends carry their 0.1 s tolerance
        assert any(r["norad_id"] == q["norad_id"] and span(q)[0] - slack <= lo
                   and hi <= span(q)[1] + slack for q in pa), r
    assert pc != pa
    assert all(r["max_elevation_deg"] >= 10 for r in pc)
    eastern = [r for r in pc if 60 <= r["rise_az_deg"] <= 150 and not r["starts_before_window"]]
    assert all(r["max_elevation_deg"] >= 30 - 1e-6 for r in eastern)


def test_timeline_picture(capsys, small_file, tmp_path):
    out_png = tmp_path / "timeline.png"
    status, _, err = run_cli(capsys, "passes", "48274,49008", "--station", "beijing",
                             "--station", "39.47,75.99,1300", "--start", START, "--days", "1",
                             "--elements", str(small_file), "--out", str(out_png))
    assert status == 0
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in err


@pytest.mark.parametrize("extra, message", [
    (["--station", "atlantis"], "unknown station"),
    (["--station", "beijing", "--min-elevation-deg", "95"], "min-elevation"),
    (["--station", "beijing", "--horizon", "/no/such/file.txt"], "--horizon"),
    (["--station", "beijing", "--out", "timeline.txt"], "--out"),
    (["--station", "beijing", "--days", "0"], "--days"),
])
def test_user_errors_exit_2(capsys, small_file, extra, message):
    status, out, err = run_cli(capsys, "passes", "48274", "--start", START,
                               "--elements", str(small_file), *extra)
    assert status == 2
    assert message in err
    assert out == ""


def test_horizon_file_not_utf8_is_a_user_error(capsys, small_file, tmp_path):
    """A horizon file saved in UTF-16 (a spreadsheet export) exits 2 naming the file,
    not with an internal error."""
    bad = tmp_path / "mask.txt"
    bad.write_bytes("0 10\n".encode("utf-16"))
    status, out, err = run_cli(capsys, "passes", "48274", "--start", START, "--station",
                               "beijing", "--elements", str(small_file), "--horizon", str(bad))
    assert status == 2 and out == ""
    assert "mask.txt" in err and "UTF-8" in err and "internal error" not in err


def test_horizon_file_read_like_element_files(capsys, monkeypatch, small_file, tmp_path):
    """--horizon reads as --elements does: gzip, '-' (standard input) and a UTF-8
    byte-order mark give the passes of the plain file. Before, a gzip file was "not
    UTF-8", '-' a missing file, and a BOM silently dropped the first point as a header."""
    import gzip

    text = "0 25\n90 10\n180 10\n270 10\n"  # the first point matters: north at 25 deg
    plain = tmp_path / "mask.txt"
    plain.write_text(text)
    packed = tmp_path / "mask.txt.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    base = ["passes", "48274,49008", "--station", "beijing", "--start", START, "--days", "1",
            "--elements", str(small_file), "--format", "json", "--horizon"]
    status, want, err = run_cli(capsys, *base, str(plain))
    assert status == 0, err
    assert json.loads(want)
    for path in (packed, bom):
        status, got, err = run_cli(capsys, *base, str(path))
        assert status == 0, err
        assert got == want, path.name
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    status, got, err = run_cli(capsys, *base, "-")
    assert status == 0, err
    assert got == want


def test_user_error_exit_status_from_argparse(small_file):
    with pytest.raises(SystemExit) as exc:
        main(["passes", "48274", "--start", START, "--elements", str(small_file)])
    assert exc.value.code == 2  # --station is required


def test_fast_csv_is_what_csv_writer_writes(capsys):
    """The bulk CSV text equals csv.writer's for awkward values (commas, quotes, None)."""
    from orbitkit.cli.passes_cmd import _write_csv

    values = [48274, 'A "quoted", name', "39.9042,116.4074,50", "2026-05-01T00:00:00.000Z",
              282.984, "x", 1e-05, 0.1, "y", -0.5, 377.8, None, True, False]
    columns = {k: [v, v] for k, v in zip(PASS_COLUMNS, values, strict=True)}
    _write_csv(columns)
    ours = capsys.readouterr().out
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([[*values, "pass", ""], [*values, "pass", ""]])
    assert ours == buf.getvalue()


def test_docked_modules_are_listed_once(capsys, active_2026):
    """``passes tiangong``: the modules share one element set, so each pass is listed once
    (under Tianhe) and stderr names the merged objects; asked for alone, a module is kept."""
    status, out, err = run_cli(capsys, "passes", "tiangong", "--station", BEIJING,
                               "--start", "2026-02-24T00:00:00Z", "--days", "1",
                               "--elements", str(active_2026), "--format", "json")
    assert status == 0, err
    passes = [p for p in json.loads(out) if p.get("kind") != "visibility"]
    assert passes and {p["norad_id"] for p in passes} == {48274}
    assert len({p["rise_utc"] for p in passes}) == len(passes)
    assert "CSS (WENTIAN) (53239), CSS (MENGTIAN) (54216)" in err and "as 48274" in err
    status, out, err = run_cli(capsys, "passes", "53239", "--station", BEIJING,
                               "--start", "2026-02-24T00:00:00Z", "--days", "1",
                               "--elements", str(active_2026), "--format", "json")
    assert status == 0 and {p["norad_id"] for p in json.loads(out)} == {53239}
    assert "element set of" not in err


def _timeline_search(days: float, n_stations: int = 1, passes=(), intervals=()):
    from orbitkit.passes import PassSearch

    start = datetime.fromisoformat("2026-02-25T00:00:00+00:00")
    sites = [parse_site(s) for s in ("beijing", "hong-kong")[:n_stations]]
    return PassSearch(start_utc=start, stop_utc=start + timedelta(days=days), stations=sites,
                      min_elevation_deg=[0.0] * n_stations, passes=list(passes),
                      intervals=list(intervals))


@pytest.mark.parametrize("days", [1.0, 0.01, 7.0])
def test_timeline_ticks_fall_on_round_times(days):
    """Tick labels are "%H:%M" (or "%H:%M:%S" for short windows): a tick must sit on the
    time its label says, i.e. on a whole minute (to 1 ms), not at 04:48 or 00:02:53
    (a float locator's fifths of the window)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from orbitkit.plots.timeline import plot_timeline

    fig = plot_timeline(_timeline_search(days))
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert len(ticks) >= 3
    for t in ticks:
        when = mdates.num2date(t)
        assert when.second == 0 and when.microsecond < 1000, when
    if days >= 1:
        assert all(mdates.num2date(t).minute == 0 for t in ticks)  # whole hours
    plt.close(fig)


def test_timeline_without_passes_still_names_the_stations():
    """No pass in the window: the picture keeps one row per station (it had no rows, no
    labels, and matplotlib warned on stderr about singular y limits)."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from orbitkit.plots.timeline import plot_timeline

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_timeline(_timeline_search(0.01, n_stations=2))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["beijing", "hong-kong"]
    plt.close(fig)


def test_timeline_passes_are_drawn_over_visibility_intervals():
    """One row per station (many satellites): a GEO's all-day interval shares the row with
    the LEO passes, which must be drawn on top of it, not hidden under the hatching."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from orbitkit.passes import VisibilityInterval
    from orbitkit.plots.timeline import plot_timeline

    t0 = datetime.fromisoformat("2026-02-25T00:00:00+00:00")
    passes = [Pass(40000 + k, f"LEO {k}", "beijing", t0 + timedelta(hours=k % 20),
                   10.0, t0 + timedelta(hours=k % 20, minutes=4), 40.0, 100.0,
                   t0 + timedelta(hours=k % 20, minutes=8), 190.0, 480.0, False, False, False)
              for k in range(45)]  # 45 satellites > 40 rows: one row per station
    geo = VisibilityInterval(43683, "BEIDOU-3 G1", "beijing", t0, 147.0,
                             t0 + timedelta(days=1), 147.0, 35.0, 40.0, 86400.0, True, True)
    fig = plot_timeline(_timeline_search(1.0, passes=passes, intervals=[geo]))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["beijing"]
    hatched = [c for c in ax.collections if c.get_hatch()]
    plain = [c for c in ax.collections if not c.get_hatch()]
    assert len(hatched) == 1 and len(plain) == 45
    assert all(c.get_zorder() > hatched[0].get_zorder() for c in plain)
    plt.close(fig)


@pytest.mark.parametrize("duration_s, text", [(359.6, "6 min 0 s"), (359.4, "5 min 59 s"),
                                              (59.5, "1 min 0 s"), (75.0, "1 min 15 s")])
def test_ics_duration_never_shows_60_seconds(duration_s, text):
    """The event description rounds the duration to the second once: 359.6 s is
    "6 min 0 s" (it read "5 min 60 s")."""
    from orbitkit.ical import passes_to_ical

    t0 = datetime.fromisoformat("2026-02-25T00:00:00+00:00")
    p = Pass(48274, "CSS", "beijing", t0, 200.0, t0 + timedelta(seconds=duration_s / 2), 30.0,
             150.0, t0 + timedelta(seconds=duration_s), 90.0, duration_s, False, False, False)
    folded = passes_to_ical([p], now=t0).replace("\r\n ", "")
    assert f"Duration: {text}" in folded


def test_window_ending_past_the_staleness_limit_warns(capsys, small_file):
    """Elements are checked for age at --start only; a 20-day window of CSS passes from a
    TLE one day old ends 21 days after its epoch, beyond the 14-day LEO limit: say so on
    stderr (stdout stays data). A 2-day window stays quiet."""
    base = ["passes", "48274", "--station", "beijing", "--start", "2026-02-25T00:00:00Z",
            "--elements", str(small_file), "--format", "json"]
    status, out, err = run_cli(capsys, *base, "--days", "20")
    assert status == 0 and json.loads(out)
    assert "at the end of the span" in err and "CSS (TIANHE) (48274)" in err
    status, out, err = run_cli(capsys, *base, "--days", "2")
    assert status == 0 and "end of the span" not in err


def test_same_station_twice_is_a_user_error(capsys, small_file):
    """--station beijing --station beijing listed every pass twice (and the timeline
    drew one row over the other): exit 2 naming the station."""
    status, out, err = run_cli(capsys, "passes", "48274", "--start", START, "--station",
                               "beijing", "--station", "beijing", "--elements", str(small_file))
    assert status == 2 and out == ""
    assert "--station beijing" in err and "2 times" in err


def test_table_header_and_notes_say_what_they_mean(capsys, small_file):
    """The duration column said "min" next to "el" (read as a minimum elevation); a LEO
    pass cut at both ends by a short window is an interval, whose note on stderr said
    "objects that never set"; an empty result said nothing at all."""
    base = ["passes", "48274", "--station", "hong-kong", "--elements", str(small_file)]
    _, out, _ = run_cli(capsys, *base, "--start", "2026-02-25T00:00:00Z")
    assert "dur (min)" in out.splitlines()[0]
    # 2026-02-25 02:43:00 + 86 s lies inside a CSS pass over Hong Kong (rise 02:38:53)
    status, out, err = run_cli(capsys, *base, "--start", "2026-02-25T02:43:00Z", "--days",
                               "0.001", "--format", "csv")
    assert status == 0 and len(out.splitlines()) == 2 and out.rstrip().endswith(
        ",visibility,16.35")
    assert "above the mask for the whole window" in err
    status, out, err = run_cli(capsys, *base, "--start", "2026-02-25T00:00:00Z", "--days",
                               "0.01", "--format", "json")
    assert status == 0 and json.loads(out) == []
    assert "no passes" in err


def test_table_times_are_rounded_to_the_second(capsys, small_file):
    """The table shows each JSON time rounded to the nearest second (03:43:57.514 reads
    03:43:58), never cut, which put a set up to 1 s early."""
    from datetime import timedelta

    common = ["passes", "48274", "--station", "beijing", "--start", START, "--days", "1",
              "--elements", str(small_file)]
    status, out, _ = run_cli(capsys, *common, "--format", "json")
    records = [r for r in json.loads(out) if "rise_utc" in r]
    status, table, _ = run_cli(capsys, *common)
    assert status == 0 and records

    def rounded(iso: str) -> str:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00")) + timedelta(milliseconds=500)
        return t.strftime("%Y-%m-%d %H:%M:%S")

    for r in records:
        for key in ("rise_utc", "max_utc", "set_utc"):
            assert rounded(r[key]) in table, (key, r[key])
