"""``orbitkit ephemeris``: CSV/JSON contract, and the issue's "Done when" run vs skyfield."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from orbitkit.cli import main

DONE_WHEN = "48274,49008,43001,44204,43683,48808"
CARTESIAN = "time_utc,norad_id,name,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s"
GEODETIC = "time_utc,norad_id,name,lat_deg,lon_deg,alt_km"
SPAN = ("--start", "2026-02-24T00:00:00Z", "--stop", "2026-02-25T00:00:00Z", "--step-s", "60")

DECAYING_3LE = """SL-14 DEB
1 29141U 85108AA  06170.26783845  .99999999  00000-0  13519-0 0   718
2 29141  82.4288 273.4882 0015848 277.2124  83.9133 15.93343074  6828
"""


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("frame, header", [("teme", CARTESIAN), ("gcrs", CARTESIAN),
                                           ("itrs", CARTESIAN), ("geodetic", GEODETIC)])
def test_csv_header_per_frame(capsys, frame, header):
    # offline and without files the catalogue's nominal orbit stands in (with a warning)
    status, out, err = run(capsys, "ephemeris", "48274", "--start", "2026-02-24T00:00:00Z",
                           "--stop", "2026-02-24T00:02:00Z", "--step-s", "60",
                           "--frame", frame, "--offline")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == header
    assert len(lines) == 4
    assert lines[1].startswith("2026-02-24T00:00:00Z,48274,")
    assert lines[3].startswith("2026-02-24T00:02:00Z,48274,")


def test_json_output(capsys):
    status, out, _ = run(capsys, "ephemeris", "48274", "--start", "2026-02-24T00:00:00Z",
                         "--stop", "2026-02-24T00:10:00Z", "--step-s", "300",
                         "--frame", "geodetic", "--format", "json", "--offline")
    assert status == 0
    data = json.loads(out)
    assert data["frame"] == "geodetic"
    assert data["times_utc"] == ["2026-02-24T00:00:00Z", "2026-02-24T00:05:00Z",
                                 "2026-02-24T00:10:00Z"]
    (sat,) = data["satellites"]
    assert sat["norad_id"] == 48274 and len(sat["lat_deg"]) == 3
    assert data["failures"] == []


def test_reversed_span_and_naive_time_exit_2(capsys):
    status, out, err = run(capsys, "ephemeris", "48274", "--start", "2026-02-25T00:00:00Z",
                           "--stop", "2026-02-24T00:00:00Z", "--offline")
    assert status == 2 and out == "" and "before start" in err
    with pytest.raises(SystemExit) as info:
        main(["ephemeris", "48274", "--start", "2026-02-24T00:00:00", "--offline"])
    assert info.value.code == 2
    assert "time zone" in capsys.readouterr().err


def test_absurd_grid_is_refused(capsys):
    status, _, err = run(capsys, "ephemeris", "48274", "--start", "2026-01-01T00:00:00Z",
                         "--stop", "2027-01-01T00:00:00Z", "--step-s", "0.1", "--offline")
    assert status == 2 and "coarser" in err and "step" in err


def test_done_when_itrs_csv_matches_skyfield_within_1_m(capsys, active_2026):
    """The issue's "Done when": six satellites, a day at 60 s, ITRS, every sample vs
    skyfield 1.55 ``EarthSatellite(...).at(t).frame_xyz(itrs)`` with the builtin timescale.

    Asserted 1 m (the issue's bar); the CSV's 1 mm rounding dominates what is left.
    """
    from skyfield.api import EarthSatellite, load
    from skyfield.framelib import itrs

    status, out, err = run(capsys, "ephemeris", DONE_WHEN, "--elements", str(active_2026),
                           *SPAN, "--frame", "itrs", "--format", "csv", "--offline")
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    ids = [int(n) for n in DONE_WHEN.split(",")]
    assert len(rows) == 1441 * len(ids)

    lines = active_2026.read_text().splitlines()
    tle = {int(lines[i][2:7]): (lines[i], lines[i + 1]) for i in range(len(lines) - 1)
           if lines[i].startswith("1 ") and lines[i + 1].startswith("2 ")}
    ts = load.timescale(builtin=True)
    t = ts.utc(2026, 2, 24, 0, 0, np.arange(1441) * 60.0)
    for k, norad in enumerate(ids):
        mine = rows[k::len(ids)]  # time-major: one row per satellite per time
        assert {int(r["norad_id"]) for r in mine} == {norad}
        assert mine[0]["time_utc"] == "2026-02-24T00:00:00Z"
        assert mine[-1]["time_utc"] == "2026-02-25T00:00:00Z"
        r = np.array([[float(row[c]) for c in ("x_km", "y_km", "z_km")] for row in mine])
        sat = EarthSatellite(*tle[norad], ts=ts)
        ref = sat.at(t).frame_xyz(itrs).km.T
        assert np.linalg.norm(r - ref, axis=1).max() < 1e-3, norad


def test_failed_samples_are_left_out_with_a_warning(capsys, tmp_path):
    path = tmp_path / "decay.tle"
    path.write_text(DECAYING_3LE)
    status, out, err = run(capsys, "ephemeris", "29141", "--elements", str(path),
                           "--start", "2006-06-19T06:25:41Z", "--stop", "2006-06-19T16:25:41Z",
                           "--step-s", "600", "--frame", "teme", "--offline")
    assert status == 0
    rows = out.splitlines()[1:]
    assert 0 < len(rows) < 61
    assert "SL-14 DEB (NORAD 29141)" in err and "decayed" in err and "left out" in err


def test_too_many_rows_is_refused_before_any_work(capsys):
    # 35 satellites x 3 years at 5 s = 660 M rows
    status, out, err = run(capsys, "ephemeris", "beidou-3", "--start", "2026-01-01T00:00:00Z",
                           "--stop", "2029-01-01T00:00:00Z", "--step-s", "5", "--offline")
    assert status == 2 and out == ""
    assert "rows" in err and "coarser --step-s" in err


def test_stop_before_the_default_start_says_start_defaulted_to_now(capsys):
    """Only --stop given, in the past: "swap them" would be wrong advice; the message
    names both options and says --start defaulted to now."""
    status, out, err = run(capsys, "ephemeris", "48274", "--stop", "2020-01-01T00:00:00Z",
                           "--offline")
    assert status == 2 and out == ""
    assert "--stop 2020-01-01T00:00:00Z" in err and "defaults to now" in err
    assert "give --start" in err and "swap" not in err
    status, _, err = run(capsys, "ephemeris", "48274", "--start", "2026-02-25T00:00:00Z",
                         "--stop", "2026-02-24T00:00:00Z", "--offline")
    assert status == 2
    assert "(--stop 2026-02-24T00:00:00Z) is before start (--start 2026-02-25T00:00:00Z)" in err


def test_json_beyond_its_sample_limit_is_refused_before_any_work(capsys):
    """JSON is built whole (~1.2 KB of memory per sample, measured): 1 satellite x 2.16 M
    times would need ~3 GB and 20 M samples (the CSV row limit) ~26 GB, which the kernel
    kills instead of refusing. The refusal points to the streaming CSV output."""
    status, out, err = run(capsys, "ephemeris", "48274", "--start", "2026-02-24T00:00:00Z",
                           "--stop", "2026-02-25T00:00:00Z", "--step-s", "0.04",
                           "--format", "json", "--offline")
    assert status == 2 and out == ""
    assert "2,160,000 samples" in err and "--format csv" in err


def test_csv_reaches_stdout_in_bounded_pieces(capsys, monkeypatch):
    """The CSV is written as it is produced, not built whole first (2 GB of text at the
    20 M row limit); each write stays near the flush size, and the text is unchanged."""
    import sys

    from orbitkit.cli import common

    argv = ("ephemeris", "48274", "--start", "2026-02-24T00:00:00Z", "--stop",
            "2026-02-24T06:00:00Z", "--step-s", "10", "--offline")
    status, whole, _ = run(capsys, *argv)
    assert status == 0

    writes: list[int] = []
    real_write = sys.stdout.write

    def counting_write(text):
        writes.append(len(text))
        return real_write(text)

    monkeypatch.setattr(common, "CSV_FLUSH_CHARS", 10_000)
    monkeypatch.setattr(sys.stdout, "write", counting_write)
    status, out, _ = run(capsys, *argv)
    assert status == 0 and out == whole and len(whole) > 100_000
    assert len(writes) > 10 and max(writes) < 10_000 + 200  # flush size + one row


def test_staleness_is_checked_at_stop_too(capsys, active_2026):
    """The set is chosen (and its age checked) at --start; a 60-day span from the epoch
    ends 60 days from it, past the 14-day LEO limit, which must be said."""
    status, _, err = run(capsys, "ephemeris", "48274", "--elements", str(active_2026),
                         "--start", "2026-02-24T00:00:00Z", "--stop", "2026-04-25T00:00:00Z",
                         "--step-s", "86400", "--offline")
    assert status == 0
    assert "at the end of the span (2026-04-25 00:00Z): CSS (TIANHE) (48274)" in err
    assert "LEO elements older than 14" in err
    status, _, err = run(capsys, "ephemeris", "48274", "--elements", str(active_2026),
                         "--start", "2026-02-24T00:00:00Z", "--stop", "2026-03-01T00:00:00Z",
                         "--step-s", "86400", "--offline")
    assert status == 0 and "at the end of the span" not in err


# CelesTrak active snapshot 2021-08-24: STARLINK-70, which re-entered in January 2022.
STARLINK_70 = """STARLINK-70
1 44281U 19029AY  21234.69034186  .00126224  00000-0  10450-2 0  9998
2 44281  52.9921 306.2981 0006799   9.3087 350.8053 15.69353649 56934
"""


def test_positions_below_100_km_that_sgp4_passes_as_ok_are_warned(capsys, tmp_path):
    """sgp4 flags decay only once the mean radius is inside the Earth: on 2022-01-10..13
    this set gives status 0 at 13-29 km altitude (checked here against orbitkit's own
    geodetic column). Those rows stay (the CSV contract), with one warning naming them."""
    path = tmp_path / "starlink70.tle"
    path.write_text(STARLINK_70)
    status, out, err = run(capsys, "ephemeris", "44281", "--elements", str(path),
                           "--start", "2022-01-10T00:00:00Z", "--stop", "2022-01-20T00:00:00Z",
                           "--step-s", "43200", "--frame", "geodetic", "--offline")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    low = [r for r in rows if float(r["alt_km"]) < 100]
    assert len(low) == 8 and len(rows) == 8
    assert "STARLINK-70 (NORAD 44281): 8 of 21 samples are below 100 km" in err
    assert "from 2022-01-10T00:00:00Z (lowest 12.8 km)" in err and "re-entered" in err
    # JSON says the same on stderr
    status, _, err = run(capsys, "ephemeris", "44281", "--elements", str(path),
                         "--start", "2022-01-10T00:00:00Z", "--stop", "2022-01-20T00:00:00Z",
                         "--step-s", "43200", "--format", "json", "--offline")
    assert status == 0 and "8 of 21 samples are below 100 km" in err
    # a healthy LEO set says nothing of the kind
    status, _, err = run(capsys, "ephemeris", "48274", "--start", "2026-02-24T00:00:00Z",
                         "--stop", "2026-02-24T02:00:00Z", "--offline")
    assert status == 0 and "below 100 km" not in err
