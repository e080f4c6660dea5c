"""The executor seam: embedded by default, a real Dask cluster when asked, same answers.

A scheduler and two single-threaded workers run as ``dask scheduler`` / ``dask worker``
subprocesses on 127.0.0.1 for the module (tests/dask_cluster.py), and are torn down at
its end. "Same answer" is exact here: the tasks are the same pure functions on the same
inputs, and every merge orders by block, not by arrival, so equality is checked with ``==``
on the JSON (bit for bit on the floats), not with a tolerance.
"""

from __future__ import annotations

import io
import json
import pickle
import time
from contextlib import redirect_stderr, redirect_stdout

import coverage_fixtures as cf
import numpy as np
import pytest

pytest.importorskip("distributed", reason="the [dask] extra is not installed")

from dask_cluster import failing_square, local_dask  # noqa: E402

from orbitkit import coverage as cv  # noqa: E402
from orbitkit import executor as ex  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    with local_dask(2) as c:
        yield c


@pytest.fixture(scope="module")
def bds3_positions_small(active_2026):
    r, t = cf.bds3_positions(active_2026)
    return r[:, ::4], t[::4]


@pytest.fixture(scope="module")
def client(cluster):
    from distributed import Client

    with Client(cluster.address, set_as_default=False) as c:
        yield c


def _cli(*argv: str) -> tuple[int, str, str]:
    from orbitkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- seam


def test_embedded_runs_every_task_and_names_a_failing_block():
    got = dict(ex.run_tasks(failing_square, [0, 1, 2], 10, describe=lambda t: f"block {t}"))
    assert got == {0: 10, 1: 11, 2: 14}
    with pytest.raises(ex.TaskError, match="block 3 failed: ValueError: bad block"):
        list(ex.run_tasks(failing_square, [1, 3], 0, describe=lambda t: f"block {t}",
                          executor=ex.Embedded(2)))


def test_embedded_processes_for_gil_bound_tasks_give_the_same_results():
    """gil_bound tasks run in forked processes (threads when fork is unsafe): same results,
    the shared input sent once per process, a failing block named from there too."""
    tasks = list(range(3)) * 4
    got = dict(ex.run_tasks(failing_square, tasks, 5, gil_bound=True,
                            executor=ex.Embedded(2)))
    assert got == {i: t * t + 5 for i, t in enumerate(tasks)}
    with pytest.raises(ex.TaskError, match="block 3 failed"):
        list(ex.run_tasks(failing_square, [1, 3], 0, gil_bound=True,
                          describe=lambda t: f"block {t}", executor=ex.Embedded(2)))


def test_satrec_pickles_and_propagates_bit_for_bit(active_2026):
    from orbitkit.propagation import propagate

    sets = cf.bds3_sets(active_2026)
    back = pickle.loads(pickle.dumps(sets))
    times = cf.times()[:20]
    a, b = propagate(sets, times), propagate(back, times)
    np.testing.assert_array_equal(a.r_itrs_km, b.r_itrs_km)
    assert [s.epoch for s in back] == [s.epoch for s in sets]


def test_dask_names_a_failing_block(client):
    with pytest.raises(ex.TaskError, match="block 3 failed: ValueError: bad block"):
        list(ex.run_tasks(failing_square, [1, 3], 0, describe=lambda t: f"block {t}",
                          executor=client))


def test_unreachable_scheduler_is_a_user_error_within_seconds(tmp_path):
    t0 = time.monotonic()
    status, out, err = _cli("coverage", "beidou-3", "--resolution-deg", "30", "--hours", "1",
                            "--start", "2026-05-01T00:00:00Z", "--format", "json",
                            "--scheduler", "tcp://127.0.0.1:9")
    assert status == 2 and out == ""
    assert "did not answer" in err and "Traceback" not in err
    assert time.monotonic() - t0 < 20  # 5 s connect timeout, plus the CLI's own start


# ----------------------------------------------------------------------------- coverage


def test_coverage_on_dask_equals_embedded_bit_for_bit(client, bds3_positions_small):
    r, t = bds3_positions_small
    grid = cv.make_grid("global", 6.0)
    kw = dict(mask_deg=10.0, point_quantiles=True)
    here = cv.compute_coverage(r, t, grid, **kw)
    there = cv.compute_coverage(r, t, grid, executor=client, **kw)
    assert here.summary == there.summary
    for key, m in here.maps.items():
        np.testing.assert_array_equal(m, there.maps[key], err_msg=key)


def test_coverage_time_blocks_merge_exactly(client, bds3_positions_small, monkeypatch):
    """Blocks of epochs are added in time order whatever order they finish in."""
    r, t = bds3_positions_small
    grid = cv.make_grid("asia-pacific", 10.0)
    monkeypatch.setattr(cv, "_TIME_BLOCK_EPOCHS", 7)
    here = cv.compute_coverage(r, t, grid, point_quantiles=False, workers=2)
    there = cv.compute_coverage(r, t, grid, point_quantiles=False, executor=client)
    one = cv.compute_coverage(r, t, grid, point_quantiles=False, workers=1)
    assert here.summary == there.summary == one.summary
    whole = cv.compute_coverage(r, t, grid, point_quantiles=True, workers=1)
    for key in ("mean_visible", "min_visible", "max_visible", "pdop_availability",
                "median_pdop", "p95_pdop"):
        assert here.summary[key] == whole.summary[key], key  # counts and values: exact
    # float32 sums within a block: another split rounds differently (1e-8 relative)
    assert here.summary["mean_pdop"] == pytest.approx(whole.summary["mean_pdop"], rel=1e-7)


def test_coverage_cli_through_scheduler_equals_embedded(cluster, active_2026):
    args = ["coverage", "beidou-3", "--elements", str(active_2026), "--resolution-deg", "5",
            "--hours", "6", "--step-min", "20", "--start", "2026-05-01T00:00:00Z",
            "--offline", "--format", "json"]
    s1, here, err1 = _cli(*args)
    s2, there, err2 = _cli(*args, "--scheduler", cluster.address)
    assert s1 == s2 == 0, err1 + err2
    assert json.loads(here) == json.loads(there)
    assert json.loads(there)["weighting"] == "area"


# ----------------------------------------------------------------------------- passes


def _first_norad_ids(path, n: int) -> list[int]:
    lines = path.read_text().splitlines()
    return [int(line[2:7]) for line in lines if line.startswith("1 ")][:n]


def test_passes_cli_through_scheduler_equals_embedded(cluster, active_2026):
    """150 objects of the 2026 snapshot = 3 satellite blocks, over 3 stations for 12 h."""
    from orbitkit.pass_tasks import SATELLITE_BLOCK

    ids = _first_norad_ids(active_2026, 150)
    assert len(ids) > 2 * SATELLITE_BLOCK
    args = ["passes", ",".join(map(str, ids)), "--elements", str(active_2026),
            "--station", "beijing", "--station", "kashgar", "--station", "-33.87,151.21",
            "--start", "2026-03-01T00:00:00Z", "--days", "0.5", "--offline",
            "--format", "json"]
    s1, here, err1 = _cli(*args)
    s2, there, err2 = _cli(*args, "--scheduler", cluster.address)
    assert s1 == s2 == 0, err1 + err2
    assert json.loads(here) == json.loads(there)
    assert len(json.loads(here)) > 200


def test_passes_blocks_merge_like_one_search_within_tolerance(active_2026):
    """The block cut only moves culminations within their tolerance (0.2 s): rise and set
    instants, stations, satellites and the count are those of one search."""
    from datetime import UTC, datetime, timedelta

    from orbitkit.elements.sources import read_element_files
    from orbitkit.pass_tasks import PassShared, merge_pass_blocks, pass_blocks, pass_task
    from orbitkit.passes import PassSearch, find_passes

    store, _ = read_element_files([str(active_2026)])
    start = datetime(2026, 3, 1, tzinfo=UTC)
    sets = [store.nearest(i, start) for i in _first_norad_ids(active_2026, 150)]
    stop = start + timedelta(hours=6)
    split = find_passes(sets, ["beijing", "wenchang"], start, stop, executor=ex.Embedded(2))
    # one search of everything, through the same task function
    shared = PassShared(sets, split.stations, [0.0, 0.0], start, stop, True, 8.0, 5.0)
    block = pass_blocks(len(sets))[0].__class__(0, len(sets))
    whole = merge_pass_blocks([(block, pass_task(block, shared))],
                              PassSearch(start_utc=start, stop_utc=stop,
                                         stations=split.stations,
                                         min_elevation_deg=[0.0, 0.0]), sets)
    a, b = split.records(), whole.records()
    assert len(a) == len(b) > 100
    for x, y in zip(a, b, strict=True):
        assert (x["norad_id"], x["station"], x["rise_utc"], x["set_utc"]) == \
            (y["norad_id"], y["station"], y["rise_utc"], y["set_utc"])
        assert abs(np.datetime64(x["max_utc"][:-1]) - np.datetime64(y["max_utc"][:-1])) \
            <= np.timedelta64(200, "ms")


# ----------------------------------------------------------------------------- faults


def test_killed_worker_is_rerun_and_the_answer_is_the_same(active_2026):
    """Issue 16: a worker killed in the middle of a run -> Dask reruns its tasks elsewhere;
    the coverage (bit for bit) is that of the embedded run. Own cluster: the kill is final
    (no nanny), so the run finishes on the surviving worker."""
    from distributed import Client

    r, t = cf.bds3_positions(active_2026)
    r, t = r[:, ::2], t[::2]
    grid = cv.make_grid("global", 4.0)
    here = cv.compute_coverage(r, t, grid, point_quantiles=False)
    with local_dask(2) as cl, Client(cl.address, set_as_default=False) as client:
        victim = cl.workers[0]
        seen = []

        def progress(done: int, total: int) -> None:
            seen.append(done)
            if done == 2 and victim.poll() is None:
                cl.kill_worker(victim)

        there = cv.compute_coverage(r, t, grid, point_quantiles=False, executor=client,
                                    progress=progress)
        assert victim.poll() is not None  # it was killed mid-run
        assert len(client.scheduler_info()["workers"]) == 1
    assert seen[-1] > 2
    assert here.summary == there.summary
    for key, m in here.maps.items():
        np.testing.assert_array_equal(m, there.maps[key], err_msg=key)
