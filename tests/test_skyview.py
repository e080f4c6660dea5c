"""Sky view: look angles against skyfield's ``(sat - topos).at(t).altaz()``, range rate
against the range's own derivative, and ``orbitkit skyplot`` (JSON keys, table, picture).

skyfield computes the apparent direction in GCRS; orbitkit in ITRS. For an Earth-fixed
observer the two agree to the light-time and aberration terms skyfield leaves out for
``altaz()`` of a satellite, i.e. to well under 0.001 deg here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from orbitkit.cli import main
from orbitkit.skyview import SkyView, sky_view
from orbitkit.timeutil import time_grid
from tests.passes_helpers import sets_from_file

IDS = [48274, 43683, 44204, 43001]  # CSS, BeiDou-3 G1 (GEO), IGSO-1, M1 (MEO)
BEIJING = "39.9042,116.4074,50"


def test_look_angles_match_skyfield(active_2026):
    api = pytest.importorskip("skyfield.api")
    sets = sets_from_file(active_2026, IDS)
    t0 = datetime(2026, 3, 1, 4, tzinfo=UTC)
    times = time_grid(t0, t0 + timedelta(hours=6), 600)
    view = sky_view(sets, BEIJING, times)
    assert isinstance(view, SkyView) and view.shape == (4, times.size)
    ts = api.load.timescale(builtin=True)
    topos = api.wgs84.latlon(39.9042, 116.4074, elevation_m=50)
    t_sf = ts.from_datetimes([t0 + timedelta(seconds=600 * k) for k in range(times.size)])
    for i, es in enumerate(sets):
        sat = api.EarthSatellite.from_satrec(es.satrec, ts)
        alt, az, dist = (sat - topos).at(t_sf).altaz()
        assert np.allclose(view.el_deg[i], alt.degrees, atol=1e-3)
        d_az = (view.az_deg[i] - az.degrees + 180) % 360 - 180
        assert np.all(np.abs(d_az * np.cos(np.radians(alt.degrees))) < 1e-3)
        assert np.allclose(view.range_km[i], dist.km, atol=0.01)


def test_range_rate_is_the_derivative_of_range(active_2026):
    sets = sets_from_file(active_2026, [48274, 43001])
    t0 = datetime(2026, 3, 1, 4, tzinfo=UTC)
    view = sky_view(sets, "beijing", time_grid(t0, t0 + timedelta(seconds=2), 1))
    numeric = (view.range_km[:, 2] - view.range_km[:, 0]) / 2.0
    assert np.allclose(view.range_rate_km_s[:, 1], numeric, atol=1e-4)


def test_rows_filter_and_labels(active_2026):
    sets = sets_from_file(active_2026, IDS)
    view = sky_view(sets, "beijing", "2026-03-01T04:00:00Z", prns=[None, "C59", "C38", "C19"],
                    orbit_classes=["LEO", "GEO", "IGSO", "MEO"])
    rows = view.rows(10.0)
    assert all(r["elevation_deg"] >= 10 for r in rows)
    geo = [r for r in rows if r["norad_id"] == 43683]
    assert geo and geo[0]["prn"] == "C59" and geo[0]["orbit_class"] == "GEO"
    assert {"norad_id", "name", "azimuth_deg", "elevation_deg", "range_km",
            "range_rate_km_s", "time_utc"} <= set(geo[0])
    assert view.label(1) == "C59" and view.label(0) == view.names[0]
    assert len(view.rows(None)) == len(sets)


@pytest.fixture(scope="module")
def beidou_file(tmp_path_factory, active_2026):
    path = tmp_path_factory.mktemp("tle") / "beidou.tle"
    lines = active_2026.read_text().splitlines()
    keep = []
    for i in range(len(lines) - 2):
        if lines[i].startswith("BEIDOU-3") and lines[i + 1].startswith("1 "):
            keep += lines[i:i + 3]
    path.write_text("\n".join(keep) + "\n")
    return path


def test_skyplot_cli_json_table_and_picture(capsys, beidou_file, tmp_path):
    base = ["skyplot", "beidou-3", "--station", "beijing", "--time", "2026-03-01T04:00:00Z",
            "--min-elevation-deg", "10", "--elements", str(beidou_file)]
    assert main([*base, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 8  # a dozen BeiDou-3 satellites are up over Beijing at any time
    for r in rows:
        assert {"norad_id", "name", "azimuth_deg", "elevation_deg", "range_km"} <= set(r)
        assert r["elevation_deg"] >= 10 and 0 <= r["azimuth_deg"] < 360
    assert any(r.get("prn") == "C59" and r["orbit_class"] == "GEO" for r in rows)
    assert main(base) == 0
    table = capsys.readouterr().out
    assert "el (deg)" in table and "C59" in table
    png = tmp_path / "sky.png"
    assert main([*base, "--hours", "6", "--step-s", "300", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in capsys.readouterr().err
    assert main([*base, "--hours", "1", "--step-s", "600", "--format", "json"]) == 0
    span = json.loads(capsys.readouterr().out)
    assert len({r["time_utc"] for r in span}) == 7


def test_skyplot_cli_errors(capsys, beidou_file):
    assert main(["skyplot", "beidou-3", "--station", "beijing", "--elements", str(beidou_file),
                 "--out", "sky.txt"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["skyplot", "beidou-3", "--station", "nowhere", "--elements",
                 str(beidou_file)]) == 2


def test_sky_plot_with_negative_mask_keeps_satellites_below_the_horizon():
    """With --min-elevation-deg -10 the title counts satellites down to -10 deg; the plot
    must show them too (the rim used to stay at 0 deg and clip them away)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from orbitkit.plots.skyplot import plot_sky
    from orbitkit.sites import parse_site

    one = np.ones((2, 1))
    view = SkyView(station=parse_site(BEIJING), norad_ids=np.array([1, 2]), names=["a", "b"],
                   times=np.array(["2026-03-01T04:00"], dtype="datetime64[ns]"),
                   az_deg=one * [[10.0], [200.0]], el_deg=one * [[-5.0], [40.0]],
                   range_km=one * 30000.0, range_rate_km_s=one * 0.0,
                   ok=np.ones((2, 1), bool))
    fig = plot_sky(view, min_elevation_deg=-10.0)
    ax = fig.axes[0]
    assert ax.get_rmax() == pytest.approx(100.0)  # zenith 0 .. -10 deg at the rim
    dots = [line.get_ydata()[0] for line in ax.lines if line.get_marker() == "o"]
    assert sorted(dots) == pytest.approx([50.0, 95.0])  # both satellites drawn
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "-10°"
    assert "2 satellites above -10°" in ax.get_title()
    plt.close(fig)


def test_skyplot_hours_past_the_staleness_limit_warns(capsys, beidou_file):
    """--hours 1000 (42 days) from near the epoch ends beyond the 30-day limit for MEO
    elements: a warning on stderr, JSON still clean on stdout."""
    status = main(["skyplot", "43001", "--station", "beijing", "--time",
                   "2026-02-25T00:00:00Z", "--hours", "1000", "--step-s", "3600",
                   "--elements", str(beidou_file), "--format", "json"])
    captured = capsys.readouterr()
    assert status == 0 and isinstance(json.loads(captured.out), list)
    assert "at the end of the span" in captured.err and "(43001)" in captured.err


def test_labels_of_the_wrong_length_are_refused_up_front(active_2026):
    """A short ``orbit_classes``/``prns`` list was accepted and to_dict() then failed with
    IndexError inside rows()."""
    sets = sets_from_file(active_2026, IDS)
    with pytest.raises(ValueError, match=r"orbit_classes: give one per element set \(4\), not 1"):
        sky_view(sets, "beijing", "2026-03-01T04:00:00Z", orbit_classes=["LEO"])
    with pytest.raises(ValueError, match=r"prns: give one per element set \(4\), not 5"):
        sky_view(sets, "beijing", "2026-03-01T04:00:00Z", prns=["C1"] * 5)


def test_json_has_no_negative_zero():
    """Values that round to zero are written 0.0, never -0.0 (as the pass records): a
    satellite at the horizon and at its closest approach wrote "elevation_deg": -0.0 and
    "range_rate_km_s": -0.0."""
    from orbitkit.sites import parse_site

    view = SkyView(parse_site("beijing"), np.array([1]), ["SAT"],
                   np.array(["2026-03-01T00:00:00"], dtype="datetime64[ns]"),
                   az_deg=np.array([[-0.0001]]), el_deg=np.array([[-0.0]]),
                   range_km=np.array([[2000.0]]), range_rate_km_s=np.array([[-1e-9]]),
                   ok=np.array([[True]]))
    text = json.dumps(view.to_dict(min_elevation_deg=None))
    assert "-0.0" not in text
    (row,) = view.rows(None)
    assert row["elevation_deg"] == 0.0 and row["range_rate_km_s"] == 0.0


def test_sky_plot_time_index_out_of_range_is_a_user_error():
    """``time_index=100`` on a 1-time view was an IndexError from inside the drawing loop;
    negative indices keep counting from the end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from orbitkit.errors import UserError
    from orbitkit.plots.skyplot import plot_sky
    from orbitkit.sites import parse_site

    one = np.ones((1, 1))
    view = SkyView(station=parse_site(BEIJING), norad_ids=np.array([1]), names=["a"],
                   times=np.array(["2026-03-01T04:00"], dtype="datetime64[ns]"),
                   az_deg=one * 10.0, el_deg=one * 40.0, range_km=one * 30000.0,
                   range_rate_km_s=one * 0.0, ok=np.ones((1, 1), bool))
    with pytest.raises(UserError, match=r"time_index 100 is outside the view's 1 time"):
        plot_sky(view, time_index=100)
    plt.close(plot_sky(view, time_index=-1))


def test_sky_plot_legend_names_only_classes_in_the_picture():
    """A GEO below the mask the whole time is not drawn, so 'GEO' is not in the legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from orbitkit.plots.skyplot import plot_sky
    from orbitkit.sites import parse_site

    one = np.ones((2, 1))
    view = SkyView(station=parse_site(BEIJING), norad_ids=np.array([1, 2]), names=["m", "g"],
                   times=np.array(["2026-03-01T04:00"], dtype="datetime64[ns]"),
                   az_deg=one * [[10.0], [200.0]], el_deg=one * [[40.0], [-20.0]],
                   range_km=one * 30000.0, range_rate_km_s=one * 0.0,
                   ok=np.ones((2, 1), bool), orbit_classes=["MEO", "GEO"])
    fig = plot_sky(view, min_elevation_deg=10.0)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["MEO"]
    plt.close(fig)
