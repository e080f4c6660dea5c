"""A real Dask cluster on 127.0.0.1 for tests and benchmarks: ``dask scheduler`` and
``dask worker`` processes, started from this interpreter and torn down on exit.

Workers run without a nanny, so a killed worker stays dead and its tasks must be rerun by
the scheduler on the others (what the worker-kill test checks); each worker has one thread
and one BLAS/OpenMP thread, so "N workers" means N cores.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

_START_TIMEOUT_S = 60.0


def failing_square(task: int, shared: int) -> int:
    """A task for the tests: block 3 raises (importable by the workers: tests/ is on their
    path)."""
    if task == 3:
        raise ValueError("bad block")
    return task * task + shared


def _env() -> dict[str, str]:
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               ORBITKIT_THREADS="1", PYTHONWARNINGS="ignore")
    return env


class LocalDask:
    """Scheduler + workers as subprocesses; ``address``, ``add_worker()``, ``kill_worker()``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.log = open(folder / "dask.log", "wb")  # noqa: SIM115 - closed in close()
        self.scheduler = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--dashboard-address", ":0", "--scheduler-file",
             str(self.scheduler_file)], stdout=self.log, stderr=subprocess.STDOUT, env=_env())
        self.workers: list[subprocess.Popen] = []
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self.scheduler_file.exists():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                self.close()
                raise RuntimeError(f"dask scheduler did not start (log: {folder}/dask.log)")
            time.sleep(0.1)
        time.sleep(0.1)  # the file is written whole, but give it a moment
        self.address = json.loads(self.scheduler_file.read_text())["address"]

    def add_worker(self) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--nthreads",
             "1", "--no-nanny", "--host", "127.0.0.1", "--dashboard-address", ":0",
             "--memory-limit", "0"], stdout=self.log, stderr=subprocess.STDOUT, env=_env())
        self.workers.append(proc)
        return proc

    def wait_for_workers(self, n: int) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(n, timeout=_START_TIMEOUT_S)

    def kill_worker(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def close(self) -> None:
        # test processes hold nothing worth a graceful shutdown: a worker's own shutdown
        # waits for its scheduler connection, which here adds ~10 s per cluster
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.kill()
        for proc in [*self.workers, self.scheduler]:
            proc.wait(10)
        self.log.close()


@contextmanager
def local_dask(n_workers: int = 2):
    """A scheduler and ``n_workers`` single-threaded workers on 127.0.0.1."""
    with tempfile.TemporaryDirectory(prefix="orbitkit-dask-") as folder:
        cluster = LocalDask(Path(folder))
        try:
            for _ in range(n_workers):
                cluster.add_worker()
            cluster.wait_for_workers(n_workers)
            yield cluster
        finally:
            cluster.close()
