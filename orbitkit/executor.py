"""One executor seam: independent tasks plus a merge, run here or on a Dask cluster.

The large analyses (coverage over a grid, passes of many satellites, conjunction screening)
are cut into *tasks*: ``fn(task, shared)`` where ``fn`` is a pure top-level function, ``task``
a small description of one block (grid tile x epochs, satellite block x stations, ...) and
``shared`` the inputs every task reads (the satellite table, the element sets). The analysis
merges the results in an order of its own (by block, never by arrival), so the answer does
not depend on which task finished first nor on where it ran.

Two executors run the very same tasks:

* :class:`Embedded` (the default): this process, both cores, no service. Threads for tasks
  whose numpy kernels release the GIL (coverage); with ``gil_bound=True`` a pool of forked
  processes (sgp4's array call holds the GIL, so threads would not use the second core).
  ``shared`` reaches each process once, through the pool's initializer.
* :class:`DaskExecutor`: a ``dask.distributed.Client``. ``shared`` is scattered once with
  ``broadcast=True`` (every worker holds a copy, so a killed worker loses no input), each task
  is one ``submit`` with the scattered future as argument, results stream back through
  ``as_completed`` and are released as soon as they are merged, so memory on this side stays
  bounded by the merge itself. A worker that dies is Dask's business: its tasks are rerun
  elsewhere and, being pure, give the same result. orbitkit has no scheduler, RPC or retry
  logic of its own.

A task that raises is reported as :class:`TaskError` naming its block (``describe(task)``:
objects, time span). dask is imported only by :class:`DaskExecutor` / :func:`connect`, never
by ``import orbitkit`` nor by a kernel: the analyses receive an executor object.

sgp4's ``Satrec`` cannot be pickled; importing this module registers a reducer that rebuilds
it with ``sgp4init`` from its own elements and restores its epoch split, which propagates
bit for bit like the original (checked on all 14,468 objects of the 2026 snapshot; the
tests check the 35 BDS-3 sets).
"""

from __future__ import annotations

import copyreg
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from orbitkit.errors import OrbitkitError, UserError

__all__ = [
    "Executor",
    "Embedded",
    "DaskExecutor",
    "TaskError",
    "TaskUserError",
    "SchedulerUnreachableError",
    "connect",
    "get_executor",
    "run_tasks",
    "task_runner",
    "SCHEDULER_ENV",
]

#: Environment variable the CLI reads when ``--scheduler`` is not given.
SCHEDULER_ENV = "ORBITKIT_SCHEDULER"
# How long to wait for a scheduler before calling it unreachable [s].
_CONNECT_TIMEOUT_S = 5.0


class TaskError(OrbitkitError):
    """A task raised; the message names its block (objects, time span) and the cause."""


class TaskUserError(UserError, TaskError):
    """A task met bad input (a :class:`~orbitkit.errors.UserError`): named with its block."""


class SchedulerUnreachableError(UserError):
    """The Dask scheduler named by --scheduler / ORBITKIT_SCHEDULER did not answer."""


class Executor(Protocol):
    """Runs ``fn(task, shared)`` for every task; yields ``(task index, result)`` as they end."""

    def run(self, fn: Callable[[Any, Any], Any], tasks: Sequence[Any], shared: Any, *,
            describe: Callable[[Any], str] = str, gil_bound: bool = False
            ) -> Iterator[tuple[int, Any]]: ...


def _call(fn: Callable[[Any, Any], Any], task: Any, shared: Any, label: str) -> Any:
    """Run one task; an exception becomes a :class:`TaskError` naming the block."""
    try:
        return fn(task, shared)
    except TaskError:
        raise
    except UserError as exc:
        raise TaskUserError(f"{label}: {exc}") from exc
    except Exception as exc:  # re-raised with the block named; the cause is kept
        raise TaskError(f"task {label} failed: {type(exc).__name__}: {exc}") from exc


# ----------------------------------------------------------------------------- embedded


def default_workers() -> int:
    """Workers of the embedded executor: ``ORBITKIT_THREADS``, else the CPUs available."""
    env = os.environ.get("ORBITKIT_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


_PROCESS_SHARED: Any = None


def _set_process_shared(shared: Any) -> None:
    global _PROCESS_SHARED
    _PROCESS_SHARED = shared


def _call_in_process(fn: Callable[[Any, Any], Any], task: Any, label: str) -> Any:
    return _call(fn, task, _PROCESS_SHARED, label)


class Embedded:
    """Tasks in this process's machine: a thread pool, or forked processes for GIL-bound work.

    Parameters
    ----------
    workers
        Threads or processes (default :func:`default_workers`). With one worker, or one
        task, tasks run inline in this thread.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()

    def __repr__(self) -> str:
        return f"Embedded(workers={self.workers})"

    def run(self, fn: Callable[[Any, Any], Any], tasks: Sequence[Any], shared: Any, *,
            describe: Callable[[Any], str] = str, gil_bound: bool = False
            ) -> Iterator[tuple[int, Any]]:
        n = len(tasks)
        workers = min(self.workers, n)
        if workers <= 1:
            for i, task in enumerate(tasks):
                yield i, _call(fn, task, shared, describe(task))
            return
        if gil_bound and _fork_context() is not None:
            from concurrent.futures import ProcessPoolExecutor

            pool: Any = ProcessPoolExecutor(workers, mp_context=_fork_context(),
                                            initializer=_set_process_shared, initargs=(shared,))
            with pool:
                yield from _drain({pool.submit(_call_in_process, fn, t, describe(t)): i
                                   for i, t in enumerate(tasks)})
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as tpool:
            yield from _drain({tpool.submit(_call, fn, t, shared, describe(t)): i
                               for i, t in enumerate(tasks)})


def _drain(futures: dict[Any, int]) -> Iterator[tuple[int, Any]]:
    """(task index, result) as the futures finish; the rest are cancelled if one raises or
    the consumer stops early."""
    from concurrent.futures import as_completed

    try:
        for fut in as_completed(futures):
            yield futures.pop(fut), fut.result()
    finally:
        for fut in futures:
            fut.cancel()


def _fork_context() -> Any:
    """The 'fork' multiprocessing context where it is safe, else None.

    Forked workers start in milliseconds and inherit the imported modules. Without fork
    (Windows), inside a daemon process, or with other threads running, the GIL-bound tasks
    run on threads instead (correct, just not faster).
    """
    import multiprocessing as mp
    import threading

    if mp.current_process().daemon:  # a pool's worker may not have children of its own
        return None
    if threading.active_count() > 1:
        # forking a process with other threads (a web server's, a client's) can copy a lock
        # held by one of them into the child, which then waits forever: threads instead
        return None
    try:
        return mp.get_context("fork")
    except ValueError:  # pragma: no cover - Windows
        return None


# ----------------------------------------------------------------------------- dask


def connect(address: str, timeout_s: float = _CONNECT_TIMEOUT_S) -> Any:
    """A ``dask.distributed.Client`` on the scheduler at ``address`` (``tcp://HOST:PORT``).

    Raises
    ------
    SchedulerUnreachableError
        When nothing answers within ``timeout_s`` or the address is malformed.
    UserError
        When dask.distributed is not installed.
    """
    try:
        from distributed import Client
    except ImportError as exc:
        raise UserError(f"--scheduler {address}: dask.distributed is not installed; "
                        "pip install 'orbitkit[dask]'") from exc
    text = str(address).strip()
    if "://" not in text:
        text = "tcp://" + text
    try:
        return Client(text, timeout=f"{timeout_s}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachableError(
            f"Dask scheduler {text} did not answer within {timeout_s:g} s ({type(exc).__name__}"
            f": {str(exc).splitlines()[0] if str(exc) else 'no reply'}); start one with "
            "'dask scheduler' and 'dask worker ADDRESS', or drop --scheduler / "
            f"{SCHEDULER_ENV} to run here") from exc


class DaskExecutor:
    """Tasks on a Dask cluster through a ``distributed.Client``.

    Parameters
    ----------
    client
        A connected ``dask.distributed.Client``.
    own
        Close the client in :meth:`close` (True when :func:`get_executor` opened it).
    """

    def __init__(self, client: Any, *, own: bool = False) -> None:
        self.client = client
        self.own = own

    def __repr__(self) -> str:
        return f"DaskExecutor({self.client.scheduler.address})"

    def close(self) -> None:
        if self.own:
            self.client.close()

    def run(self, fn: Callable[[Any, Any], Any], tasks: Sequence[Any], shared: Any, *,
            describe: Callable[[Any], str] = str, gil_bound: bool = False
            ) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        client = self.client
        run_id = uuid.uuid4().hex[:12]
        # one copy of the shared inputs on every worker, sent once for all the tasks
        [shared_f] = client.scatter([shared], broadcast=True, hash=False)
        name = getattr(fn, "__name__", "task")
        futures = {}
        for i, task in enumerate(tasks):
            fut = client.submit(_call, fn, task, shared_f, describe(task),
                                key=f"orbitkit-{name}-{run_id}-{i}", retries=0)
            futures[fut.key] = (i, fut)
        try:
            for fut in as_completed([f for _, f in futures.values()], loop=client.loop):
                i, _ = futures.pop(fut.key)
                result = fut.result()
                fut.release()
                yield i, result
        finally:
            for _, fut in futures.values():
                fut.cancel()
            client.cancel([shared_f])


def get_executor(spec: Any = None) -> Any:
    """An executor from what a caller passes.

    ``None`` -> :class:`Embedded`; an executor (has ``run``) -> itself; a
    ``dask.distributed.Client`` -> :class:`DaskExecutor` on it; a string ``tcp://HOST:PORT``
    -> a new client on that scheduler (closed with the executor's ``close()``).
    """
    if spec is None:
        return Embedded()
    if hasattr(spec, "run") and not hasattr(spec, "scatter"):
        return spec
    if isinstance(spec, str):
        return DaskExecutor(connect(spec), own=True)
    if hasattr(spec, "scatter") and hasattr(spec, "submit"):
        return DaskExecutor(spec)
    raise TypeError(f"executor: expected None, an address 'tcp://HOST:PORT', a "
                    f"dask.distributed.Client or an Executor, not {type(spec).__name__}")


def run_tasks(fn: Callable[[Any, Any], Any], tasks: Sequence[Any], shared: Any, *,
              executor: Any = None, describe: Callable[[Any], str] = str,
              gil_bound: bool = False,
              progress: Callable[[int, int], None] | None = None
              ) -> Iterator[tuple[int, Any]]:
    """Run every task on ``executor`` (see :func:`get_executor`), yielding as they finish.

    ``progress(done, total)`` is called after each finished task.
    """
    ex = get_executor(executor)
    total = len(tasks)
    try:
        for done, item in enumerate(ex.run(fn, tasks, shared, describe=describe,
                                           gil_bound=gil_bound), start=1):
            if progress is not None:
                progress(done, total)
            yield item
    finally:
        if ex is not executor and hasattr(ex, "close"):
            ex.close()


def task_runner(executor: Any = None, *, describe: Callable[[Any], str] | None = None,
                gil_bound: bool = True, progress: Callable[[int, int], None] | None = None
                ) -> Callable[[Callable[[Any, Any], Any], Sequence[Any], Any], Iterator[Any]]:
    """A ``run(fn, tasks, shared)`` callable on ``executor`` for analyses that take a runner.

    The returned callable yields each task's result as it finishes (completion order): the
    analysis's merge must order them itself (the conjunction screen's merge sorts its events
    by pair and TCA). ``gil_bound`` defaults to True: those tasks are sgp4-bound. Without
    ``describe``, a task with a ``describe(shared)`` method names its own block.
    """

    def run(fn: Callable[[Any, Any], Any], tasks: Sequence[Any], shared: Any) -> Iterator[Any]:
        def name(task: Any) -> str:
            if describe is not None:
                return describe(task)
            if hasattr(task, "describe"):
                return task.describe(shared)
            return str(task)

        for _, result in run_tasks(fn, list(tasks), shared, executor=executor,
                                   describe=name, gil_bound=gil_bound, progress=progress):
            yield result

    return run


# ----------------------------------------------------------------------------- pickling


def _rebuild_satrec(consts: str, mode: str, satnum: int, epoch: float, elements: tuple,
                    jd: float, jd_frac: float, extra: dict[str, Any]) -> Any:
    from sgp4 import api

    sat = api.Satrec()
    sat.sgp4init(getattr(api, consts), mode, satnum, epoch, *elements)
    # the epoch split as the original had it: sgp4() subtracts it from the requested date
    sat.jdsatepoch, sat.jdsatepochF = jd, jd_frac
    for key, value in extra.items():
        try:
            setattr(sat, key, value)
        except (AttributeError, TypeError):  # read-only in this sgp4 version
            pass
    return sat


def _reduce_satrec(sat: Any) -> tuple[Any, tuple[Any, ...]]:
    if abs(sat.radiusearthkm - 6378.137) < 1e-9:
        consts = "WGS84"
    elif abs(sat.mu - 398600.79964) < 1e-6:
        consts = "WGS72OLD"
    else:
        consts = "WGS72"
    elements = (sat.bstar, sat.ndot, sat.nddot, sat.ecco, sat.argpo, sat.inclo, sat.mo,
                sat.no_kozai, sat.nodeo)
    extra = {k: getattr(sat, k) for k in ("classification", "intldesg", "epochyr", "epochdays",
                                          "elnum", "revnum", "ephtype")
             if hasattr(sat, k)}
    epoch = (sat.jdsatepoch + sat.jdsatepochF) - 2433281.5
    return _rebuild_satrec, (consts, sat.operationmode, sat.satnum, epoch, elements,
                             sat.jdsatepoch, sat.jdsatepochF, extra)


def _register_satrec_pickling() -> None:
    from sgp4.api import Satrec

    copyreg.pickle(Satrec, _reduce_satrec)


_register_satrec_pickling()
