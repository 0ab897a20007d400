"""Where report tasks run: worker processes on this machine, or a dask.distributed cluster.

An executor takes :class:`~assess.batch._engine.ReportTask` objects and yields
:class:`~assess.batch._engine.ReportPayload` objects as they finish, in any order. Both kinds
keep one warm kernel per worker (per worker thread on dask) for as long as the worker
lives, so a dask cluster keeps its kernels warm from one run to the next.

``open_executor("local", workers=2, settings=...)`` starts the worker processes and their
kernels at once, in the background: a caller can score the year while they warm up.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from assess.batch._engine import (
    KernelSettings,
    ReportPayload,
    ReportTask,
    clean_stale_temp,
    forget_inherited_kernels,
    run_task,
    shutdown_kernels,
    temp_prefix,
    warm_up,
)
from assess.batch._options import BatchError
from assess.common import __version__, pool_processes, require

__all__ = [
    "KERNEL_MEMORY_MB",
    "BatchError",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "cap_workers",
    "default_workers",
    "open_executor",
]

log = logging.getLogger(__name__)


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


#: What one worker with its warm kernel costs in memory (the shipped report's preload), in MB.
KERNEL_MEMORY_MB = 220


def cap_workers(requested: int) -> int:
    """``requested`` local workers, capped at the cores and at the available memory.

    More workers than cores only make every report slower, and each warm kernel costs
    about :data:`KERNEL_MEMORY_MB`; a worker count beyond either is lowered, with a warning
    that says to what and why.
    """
    cores = default_workers()
    try:
        import psutil

        available = psutil.virtual_memory().available / 2**20
    except Exception:  # no psutil, or no way to ask: cores only
        available = None
    by_memory = None if available is None else max(int(available // KERNEL_MEMORY_MB), 1)
    cap = min(cores, by_memory) if by_memory is not None else cores
    if requested <= cap:
        return requested
    reasons = []
    if cap == cores:
        reasons.append(f"this machine has {cores} core{'s' if cores != 1 else ''}")
    if by_memory is not None and cap == by_memory:
        reasons.append(
            f"{available / 1024:.1f} GB of memory is available and each warm kernel needs about {KERNEL_MEMORY_MB} MB"
        )
    log.warning(
        "%d workers asked for; using %d, because %s (more workers would only slow every report down).",
        requested,
        cap,
        " and ".join(reasons),
    )
    return cap


class Executor(Protocol):
    """Runs report tasks somewhere and yields their payloads as they finish."""

    workers: int
    description: str

    def run(self, tasks: Iterable[ReportTask]) -> Iterator[ReportPayload]: ...

    def close(self, cancel: bool = False) -> None: ...


def _lost(task: ReportTask, error: BaseException, attempts: int) -> ReportPayload:
    """A task whose worker vanished: an infrastructure failure of class ``dead_kernel``."""
    return ReportPayload(
        group_id=task.group_id,
        ok=False,
        error_class="dead_kernel",
        error=f"worker lost: {type(error).__name__}: {error}".rstrip(": "),
        attempts=attempts,
    )


# --- local worker processes ------------------------------------------------------------------


_tracking: str | None = None  # in a worker: the folder where it notes the group it is working on


def _watch_parent(owner: int, interval: float = 0.2) -> None:
    """Leave, killing this worker's kernels, as soon as ``owner`` (the ``assess`` process) is gone.

    A worker whose parent changes (``owner`` killed, or the forkserver it came from gone
    with ``owner``) or whose ``owner`` no longer exists would otherwise run on forever.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                os.kill(owner, 0)
                gone = os.getppid() != parent
            except ProcessLookupError:
                gone = True
            except OSError:
                gone = os.getppid() != parent
            if gone:
                shutdown_kernels(kill=True)
                os._exit(1)

    threading.Thread(target=watch, name="assess-parent-watch", daemon=True).start()


def _worker_init(
    settings: KernelSettings, log_level: int, tracking: str | None = None, owner: int | None = None
) -> None:
    """Runs in each new worker process: parent watch, signals, logging, and the warm kernel."""
    global _tracking
    _tracking = tracking
    forget_inherited_kernels()  # a forked worker must not touch its parent's kernels
    if owner is not None:
        _watch_parent(owner)
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    # Ctrl-C reaches the whole process group: the parent handles it and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def terminated(signum: int, frame: Any) -> None:
        shutdown_kernels(kill=True)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    # multiprocessing workers leave through os._exit, which skips atexit; Finalize runs.
    multiprocessing.util.Finalize(None, shutdown_kernels, exitpriority=10)
    try:
        warm_up(settings)
    except Exception:  # the first task retries the start and reports the failure
        log.warning("kernel warm-up failed:\n%s", traceback.format_exc())


def _ping() -> int:
    return os.getpid()


def _run_tracked(task: ReportTask) -> ReportPayload:
    """:func:`run_task`, noting first (synchronously) which group this worker is on."""
    if _tracking:
        with open(os.path.join(_tracking, str(os.getpid())), "w", encoding="utf-8") as note:
            note.write(task.group_id)
    return run_task(task)


def _context() -> multiprocessing.context.BaseContext:
    """How to start workers: fork when this process has one thread (the workers then share
    its imports and start at once), else forkserver (fork is unsafe with threads), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["assess.batch._engine", "assess.reporting._pages"])
        return context
    return multiprocessing.get_context("spawn")


class LocalExecutor:
    """``workers`` processes on this machine, each with its own warm kernel.

    The processes start at once and warm their kernels in the background. A worker
    process that dies (not just its kernel) breaks the pool; the executor then starts a
    new one, charges the group the dead worker was on an infrastructure attempt, and
    resubmits the others free of charge.
    """

    def __init__(self, workers: int, settings: KernelSettings, retries: int = 2) -> None:
        if workers < 1:
            raise BatchError(f"Workers {workers} is invalid. Workers should be a positive number of processes.")
        self.workers = workers
        self.settings = settings
        self.retries = retries
        self.description = f"local, {workers} worker{'s' if workers != 1 else ''}"
        self._pool: ProcessPoolExecutor | None = None
        clean_stale_temp()  # what a killed run left behind
        self._tracking = tempfile.mkdtemp(prefix=temp_prefix("workers"))
        self._processes: dict[int, Any] = {}
        self._start()

    def _start(self) -> None:
        self._processes = {}
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_context(),
            initializer=_worker_init,
            initargs=(self.settings, logging.getLogger("assess").getEffectiveLevel(), self._tracking, os.getpid()),
        )
        for _ in range(self.workers):  # spawn every worker now so that all kernels warm up
            self._pool.submit(_ping)

    def run(self, tasks: Iterable[ReportTask]) -> Iterator[ReportPayload]:
        queue = list(tasks)
        attempts: dict[str, int] = {}
        pending: dict[Future, ReportTask] = {}
        while queue or pending:
            assert self._pool is not None
            while queue and len(pending) < 2 * self.workers:  # a short queue: resubmittable on breakage
                task = queue.pop(0)
                try:
                    pending[self._pool.submit(_run_tracked, task)] = task
                except BrokenProcessPool:
                    queue.insert(0, task)
                    self._restart()
            self._processes.update(pool_processes(self._pool))
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            lost: list[tuple[ReportTask, BaseException]] = []
            for future in done:
                task = pending.pop(future)
                try:
                    payload = future.result()
                except BrokenProcessPool as error:
                    lost.append((task, error))
                    continue
                except Exception as error:  # run_task never raises; this is a pickling problem
                    payload = _lost(task, error, 1)
                payload.attempts += attempts.get(task.group_id, 0)
                yield payload
            if lost:
                lost += [(task, BrokenProcessPool("collateral")) for task in pending.values()]
                pending.clear()
                culprits = self._culprits()
                for task, cause in lost:
                    if culprits and task.group_id not in culprits:
                        queue.insert(0, task)  # its worker was stopped because another one died
                        continue
                    used = attempts.get(task.group_id, 0) + 1
                    attempts[task.group_id] = used
                    if used <= task.retries:
                        queue.insert(0, task)
                    else:
                        yield _lost(task, cause, used)
                self._restart()

    def _culprits(self) -> set[str]:
        """The groups whose worker died by itself (not stopped by the pool); empty if unknown."""
        stopped = (0, None, -signal.SIGTERM, 128 + signal.SIGTERM)
        culprits = set()
        for pid, process in self._processes.items():
            process.join(timeout=10)
            note = Path(self._tracking) / str(pid)
            if process.exitcode not in stopped and note.is_file():
                culprits.add(note.read_text(encoding="utf-8"))
        return culprits

    def _restart(self) -> None:
        log.warning("a worker process died; starting a new pool")
        self._stop(cancel=True)
        self._start()

    def close(self, cancel: bool = False) -> None:
        self._stop(cancel)
        shutil.rmtree(self._tracking, ignore_errors=True)

    def _stop(self, cancel: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for pid in self._processes:
            (Path(self._tracking) / str(pid)).unlink(missing_ok=True)
        if cancel:
            processes = list(pool_processes(pool).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # SIGTERM: each worker kills its kernel and leaves
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=10)
        pool.shutdown(wait=True, cancel_futures=cancel)


# --- dask.distributed ------------------------------------------------------------------------


def _worker_facts() -> dict[str, Any]:
    return {"version": __version__, "pid": os.getpid()}


class DaskExecutor:
    """Report tasks on a dask.distributed cluster reached at ``tcp://HOST:PORT``.

    Each worker thread keeps a warm kernel between tasks (and between runs, while the
    worker lives). Workers need the same ``assess`` version and must be able to read the
    saved result folder at the path the tasks name; the template travels with each task.
    """

    def __init__(self, address: str, settings: KernelSettings, timeout: float = 30) -> None:
        require("cluster")
        from distributed import Client

        self.settings = settings
        self.address = address
        try:
            # Not the default client: every call below names this one (as_completed, wait and
            # friends would look for a default client and find none in `assess run`).
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except OSError as error:
            raise BatchError(f"Cannot reach the dask scheduler at {address}: {error}") from error
        facts = self.client.run(_worker_facts)
        if not facts:
            self.client.close()
            raise BatchError(f"The dask cluster at {address} has no workers; start some with `dask worker {address}`.")
        versions = {worker: f["version"] for worker, f in facts.items() if f["version"] != __version__}
        if versions:
            self.client.close()
            listed = ", ".join(f"{w} has {v}" for w, v in versions.items())
            raise BatchError(f"Every dask worker needs assess {__version__}: {listed}.")
        self.workers = sum(self.client.nthreads().values())
        self.description = f"dask {address}, {len(facts)} workers, {self.workers} threads"
        self._futures: list[Any] = []
        self._muted: dict[str, int] = {}

    def _connected(self) -> bool:
        return self.client.status == "running"

    def run(self, tasks: Iterable[ReportTask]) -> Iterator[ReportPayload]:
        """Submit every task, then yield payloads as they finish.

        A dask worker that dies mid-report has its task rerun elsewhere by the scheduler
        (up to its ``allowed-failures``, then the group fails as ``dead_kernel``). When the
        scheduler itself goes away, the tasks not finished yet fail at once, each with an
        error that says so; the finished ones are kept.
        """
        import queue

        finished: queue.Queue[Any] = queue.Queue()
        by_key: dict[str, ReportTask] = {}
        for task in tasks:
            key = f"assess-report-{task.group_id}-{os.urandom(4).hex()}"
            future = self.client.submit(run_task, task, pure=False, key=key)
            by_key[key] = task
            self._futures.append(future)
            future.add_done_callback(finished.put)  # runs in dask's callback thread
        remaining = dict(by_key)
        while remaining:
            try:
                future = finished.get(timeout=1.0)
            except queue.Empty:
                if self.client.status in ("closing", "closed", "failed"):  # no callback will come now
                    yield from self._abandon(remaining)
                    break
                continue
            if future.key not in remaining:
                continue
            task = remaining.pop(future.key)
            try:
                payload = future.result(timeout=60)
            except Exception as error:
                if not self._connected() or "connection" in str(error).lower():
                    payload = self._gone(task)
                else:  # a worker died more often than the scheduler allows
                    payload = _lost(task, error, 1)
            future.release()
            yield payload
        self._futures = []

    def _gone(self, task: ReportTask) -> ReportPayload:
        """A task whose scheduler went away; from now on dask's own reconnection noise is muted."""
        self._mute()
        return ReportPayload(
            group_id=task.group_id,
            ok=False,
            error_class="dead_kernel",
            error=(
                f"lost the dask scheduler at {self.address} before this report finished; "
                "restart the cluster and rerun the failures with --failed"
            ),
            attempts=1,
        )

    def _abandon(self, remaining: dict[str, ReportTask]) -> Iterator[ReportPayload]:
        for key in list(remaining):
            yield self._gone(remaining.pop(key))

    def _mute(self) -> None:
        # distributed logs every failed reconnection with a traceback; the failures say it all.
        for name in ("distributed.client", "distributed.utils", "distributed.core", "distributed.comm"):
            logger = logging.getLogger(name)
            self._muted.setdefault(name, logger.level)
            logger.setLevel(logging.CRITICAL + 1)

    def close(self, cancel: bool = False) -> None:
        try:
            if cancel and self._futures and self._connected():
                self.client.cancel(self._futures)
        except Exception:  # the scheduler is gone already
            pass
        self._futures = []
        if not self._connected():
            self._mute()
        try:
            self.client.close(timeout=10)
        except Exception as error:
            log.warning("closing the dask client: %s", error)
        finally:
            for name, level in self._muted.items():
                logging.getLogger(name).setLevel(level)
            self._muted.clear()


def open_executor(
    executor: str = "local", workers: int | None = None, settings: KernelSettings | None = None, retries: int = 2
) -> Executor:
    """Start an executor: ``"local"`` or ``"dask://HOST:PORT"`` (also ``tcp://HOST:PORT``).

    Raises
    ------
    BatchError
        For an address of another form, or a cluster that cannot be used.
    """
    settings = settings or KernelSettings()
    if executor == "local":
        return LocalExecutor(cap_workers(workers or default_workers()), settings, retries=retries)
    for scheme in ("dask://", "tcp://"):
        if executor.startswith(scheme) and len(executor) > len(scheme):
            return DaskExecutor("tcp://" + executor[len(scheme) :], settings)
    raise BatchError(f"Executor {executor!r} is invalid. Executor should be 'local' or 'dask://HOST:PORT'.")
