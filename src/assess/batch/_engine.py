"""The warm-kernel papermill engine, and the worker-side task that turns one group into a report.

Starting a Jupyter kernel and importing pandas, matplotlib and seaborn into it costs several
seconds; the report itself takes a fraction of that. The :class:`WarmKernelEngine` keeps one
kernel per worker thread alive between notebooks, with the reports' heavy imports loaded
once, and before each notebook puts the kernel back into the state it had right after that
preload (:mod:`assess.batch._kernel_state`): fresh user namespace, no open figures, matplotlib,
seaborn, pandas and numpy settings as they were. A kernel is replaced after
``recycle_after`` notebooks, when its memory passes ``max_memory_mb``, and whenever it
dies or a notebook overruns its time.

It is a regular papermill engine, registered under the name ``assess-warm`` through the
``papermill.engine`` entry point, so ``papermill --engine assess-warm in.ipynb out.ipynb``
uses it too. :func:`run_task` is what a batch worker runs for one group: execute (retrying
infrastructure failures), check that every cell really ran, render the HTML (and PDF),
and return everything to the caller, which writes the files.

Examples
--------
>>> import papermill                                               # doctest: +SKIP
>>> papermill.execute_notebook("in.ipynb", "out.ipynb", engine_name="assess-warm")  # doctest: +SKIP
"""

from __future__ import annotations

import ast
import atexit
import copy
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat
import zmq
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets.config import Config

from assess.batch._wakeful import WakefulKernelManager
from assess.common import papermill_internals, pid_alive, source_date_epoch

__all__ = [
    "DEFAULT_PRELOAD",
    "ENGINE_NAME",
    "ERROR_CLASSES",
    "KernelError",
    "KernelSettings",
    "ReportPayload",
    "ReportTask",
    "WarmKernel",
    "WarmKernelEngine",  # noqa: F822 (built on first access: see __getattr__)
    "clean_stale_temp",
    "pid_alive",
    "pin_notebook",
    "run_task",
    "shutdown_kernels",
    "temp_prefix",
]

log = logging.getLogger(__name__)

#: The name the engine is registered under (``papermill --engine assess-warm``).
ENGINE_NAME = "assess-warm"

#: Modules imported into every warm kernel before its first report (the template's own
#: imports are added by the batch).
DEFAULT_PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow.parquet",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "assess.scoring._result",
    "assess.reporting.sections",
    "assess.reporting.figures",
)

#: Why a report failed: its own code raised, it ran out of time, its kernel died (or never
#: started), or converting the executed notebook to HTML/PDF failed.
ERROR_CLASSES = ("notebook_error", "timeout", "dead_kernel", "export_error")

# Let jupyter_client give the kernel CurveZMQ keys when both sides support it: the local
# kernel traffic is then encrypted, and ipykernel stops warning about plain TCP.
_KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}} if zmq.has("curve") else {})
# No IPython history database: parallel kernels would contend for its SQLite file.
_KERNEL_ARGS = ["--HistoryManager.enabled=False"]
_CONTROL_TIMEOUT = 60.0


class KernelError(RuntimeError):
    """A kernel could not be started, or died while it was being prepared."""


@dataclass(frozen=True)
class KernelSettings:
    """How worker kernels are run.

    Attributes
    ----------
    kernel_name : str
        The Jupyter kernel spec.
    isolation : {"warm", "fresh"}
        ``warm`` reuses a kernel between notebooks (reset in between); ``fresh`` starts
        and stops one kernel per notebook.
    preload : tuple of str
        Modules a warm kernel imports once, before its first notebook.
    recycle_after : int
        Replace a warm kernel after this many notebooks (0: never).
    max_memory_mb : float
        Replace a warm kernel whose resident memory exceeds this after a notebook (0: no limit).
    start_timeout : float
        Seconds a kernel may take to start.
    """

    kernel_name: str = "python3"
    isolation: str = "warm"
    preload: tuple[str, ...] = DEFAULT_PRELOAD
    recycle_after: int = 100
    max_memory_mb: float = 2048.0
    start_timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.isolation not in ("warm", "fresh"):
            raise ValueError(f"Isolation {self.isolation!r} is invalid. Isolation should be 'warm' or 'fresh'.")
        if self.recycle_after < 0:
            raise ValueError(
                f"recycle_after {self.recycle_after} is invalid. It should be 0 (never) or a positive count."
            )
        if self.max_memory_mb < 0:
            raise ValueError(
                f"max_memory_mb {self.max_memory_mb} is invalid. It should be 0 (no limit) or a positive size."
            )


# --- kernels ---------------------------------------------------------------------------------


def _read_status_kb(pid: int, key: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


# --- temporary files of killed runs ----------------------------------------------------------

_STALE = re.compile(r"assess-[a-z]+-(\d+)-")


def temp_prefix(kind: str) -> str:
    """The name prefix of a temporary file or folder of this process: ``assess-KIND-PID-``.

    :func:`clean_stale_temp` removes those whose process is gone.
    """
    return f"assess-{kind}-{os.getpid()}-"


def clean_stale_temp(folder: str | Path | None = None) -> list[Path]:
    """Remove what killed ``assess`` processes left in the temporary folder; return it.

    Kernel connection files and worker folders carry their process's ID in their name
    (:func:`temp_prefix`); an entry of this user whose process no longer runs is removed.
    """
    base = Path(folder or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        match = _STALE.match(entry.name)
        if match is None or pid_alive(int(match.group(1))):
            continue
        try:
            if uid is not None and entry.lstat().st_uid != uid:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    if removed:
        log.info("removed %d temporary file(s) left by killed runs", len(removed))
    return removed


class WarmKernel:
    """One Jupyter kernel that outlives a notebook.

    Owned by one thread (its client's sockets belong to that thread's event loop). Use it
    through :class:`WarmKernelEngine`; the class is public for tests and tools.
    """

    def __init__(self, settings: KernelSettings) -> None:
        self.settings = settings
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self.reports = 0
        self.preload_failures: list[str] = []

    # lifecycle
    def start(self, cwd: str | None = None) -> WarmKernel:
        """Start the kernel and, for warm isolation, preload and snapshot it."""
        started = time.perf_counter()
        _register(self)  # from now on shutdown_kernels() can stop it, even half-started
        try:
            km = WakefulKernelManager(  # its channels notice a reply whose wake-up was lost
                kernel_name=self.settings.kernel_name,
                config=_KERNEL_CONFIG,
                # named after this process, so that a later run removes it if this one is killed
                connection_file=os.path.join(tempfile.gettempdir(), f"{temp_prefix('kernel')}{uuid.uuid4().hex}.json"),
            )
            self.km = km
            run_sync(km.start_kernel)(extra_arguments=list(_KERNEL_ARGS), cwd=cwd or os.getcwd())
            kc = km.client()
            kc.start_channels()
            self.kc = kc
            run_sync(kc.wait_for_ready)(timeout=self.settings.start_timeout)
            if self.settings.isolation == "warm":
                preload = json.dumps(list(self.settings.preload))
                result = self.control(
                    "",
                    expression=f"__import__('importlib').import_module('assess.batch._kernel_state').preload({preload})",
                )
                self.preload_failures = ast.literal_eval(result) if result else []
                for failure in self.preload_failures:
                    log.info("kernel preload skipped %s", failure)
        except Exception as error:
            self.shutdown()
            raise KernelError(
                f"kernel {self.settings.kernel_name!r} did not start: {type(error).__name__}: {error}"
            ) from error
        log.debug("kernel %s ready in %.2fs", self.pid, time.perf_counter() - started)
        return self

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def is_alive(self) -> bool:
        if self.km is None:
            return False
        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:
            return False

    def shutdown(self) -> None:
        """Stop the kernel now (no graceful request: nothing in it is worth keeping)."""
        kc, km, self.kc, self.km = self.kc, self.km, None, None
        _unregister(self)
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:
                pass
        if km is not None:
            try:
                if km.has_kernel:
                    run_sync(km.shutdown_kernel)(now=True)
            except Exception:
                pid = getattr(getattr(km, "provisioner", None), "pid", None)
                if pid:
                    try:
                        os.kill(pid, 9)
                    except OSError:
                        pass
            try:
                run_sync(km.cleanup_resources)()
            except Exception:
                pass

    def kill(self) -> None:
        """Kill the kernel process at once (signal-safe: no event loop involved)."""
        pid = self.pid
        if pid:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        path = getattr(self.km, "connection_file", None)
        if path:
            Path(path).unlink(missing_ok=True)

    # control
    def control(self, code: str, expression: str | None = None, timeout: float = _CONTROL_TIMEOUT) -> str | None:
        """Run ``code`` silently (no history, no execution count); return ``expression``'s repr."""
        return run_sync(self._control)(code, expression, timeout)

    async def _control(self, code: str, expression: str | None, timeout: float) -> str | None:
        kc = self.kc
        if kc is None:
            raise KernelError("kernel is not running")
        expressions = {"value": expression} if expression else {}
        msg_id = kc.execute(code, silent=True, store_history=False, user_expressions=expressions, allow_stdin=False)
        deadline = time.monotonic() + timeout
        reply = None
        while reply is None:
            try:
                msg = await kc.get_shell_msg(timeout=1.0)
            except Exception:  # queue.Empty
                if not self.is_alive():
                    raise KernelError("kernel died") from None
                if time.monotonic() > deadline:
                    raise KernelError(f"kernel did not answer within {timeout:g}s") from None
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
        while True:  # drain this request's output up to its idle status
            try:
                msg = await kc.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
            except Exception:
                break
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            ):
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelError(f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}")
        if expression:
            value = content.get("user_expressions", {}).get("value", {})
            if value.get("status") != "ok":
                raise KernelError(f"kernel set-up failed: {value.get('ename')}: {value.get('evalue')}")
            return value["data"]["text/plain"]
        return None

    def prepare(self, cwd: str | None) -> None:
        """Reset the kernel to its post-preload state and the peak-memory counter."""
        if self.settings.isolation == "warm":  # a fresh kernel was started in ``cwd`` already
            self.control(f"__import__('importlib').import_module('assess.batch._kernel_state').restore({cwd!r})")
        pid = self.pid
        if pid:
            try:  # Linux: "5" resets the peak resident set size (VmHWM) of the process
                with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
                    refs.write("5")
            except OSError:
                pass

    def peak_memory_mb(self) -> float | None:
        """Peak resident memory since :meth:`prepare` (Linux), else the current one."""
        pid = self.pid
        if not pid:
            return None
        peak = _read_status_kb(pid, "VmHWM")
        if peak is None:
            try:
                import psutil

                return psutil.Process(pid).memory_info().rss / 2**20
            except Exception:
                return None
        return peak / 1024

    def rss_mb(self) -> float | None:
        pid = self.pid
        kb = _read_status_kb(pid, "VmRSS") if pid else None
        return None if kb is None else kb / 1024

    def worn_out(self) -> bool:
        """Whether the kernel should be replaced before the next notebook."""
        s = self.settings
        if s.isolation == "fresh":
            return True
        if s.recycle_after and self.reports >= s.recycle_after:
            return True
        rss = self.rss_mb()
        return bool(s.max_memory_mb and rss is not None and rss > s.max_memory_mb)


_registry_lock = threading.Lock()
_registry: list[WarmKernel] = []
_local = threading.local()


def _register(kernel: WarmKernel) -> None:
    with _registry_lock:
        if kernel not in _registry:
            _registry.append(kernel)


def _unregister(kernel: WarmKernel) -> None:
    with _registry_lock:
        if kernel in _registry:
            _registry.remove(kernel)


def shutdown_kernels(kill: bool = False) -> int:
    """Stop every kernel this process started; ``kill`` just kills them (signal handlers)."""
    with _registry_lock:
        kernels = list(_registry)
    for kernel in kernels:
        if kill:
            kernel.kill()
        else:
            kernel.shutdown()
    _local.__dict__.clear()
    return len(kernels)


atexit.register(shutdown_kernels)


def forget_inherited_kernels() -> None:
    """In a forked child: drop the parent's kernels from view (their sockets are not ours)."""
    with _registry_lock:
        _registry.clear()
    _local.__dict__.clear()


def acquire_kernel(settings: KernelSettings, cwd: str | None = None) -> WarmKernel:
    """This thread's kernel for ``settings``: the warm one, or a newly started one."""
    kernel: WarmKernel | None = getattr(_local, "kernel", None)
    if kernel is not None and (kernel.settings != settings or kernel.km is None or not kernel.is_alive()):
        kernel.shutdown()
        kernel = None
    if kernel is None:
        kernel = WarmKernel(settings).start(cwd)
        _local.kernel = kernel
    return kernel


def release_kernel(kernel: WarmKernel, healthy: bool) -> None:
    """Keep ``kernel`` for the next notebook, or stop it when it is worn out or unhealthy."""
    kernel.reports += 1
    if not healthy or kernel.worn_out():
        if getattr(_local, "kernel", None) is kernel:
            _local.kernel = None
        kernel.shutdown()


def warm_up(settings: KernelSettings) -> None:
    """Start this thread's kernel now, so the first notebook does not wait for it."""
    if settings.isolation == "warm":
        acquire_kernel(settings)


def last_run() -> dict[str, Any]:
    """Facts about this thread's last notebook: ``peak_memory_mb``, ``kernel_pid``, ``kernel_reports``."""
    return dict(getattr(_local, "last", {}))


# --- the papermill engine --------------------------------------------------------------------


def _execute_managed(
    nb_man: Any,
    kernel_name: str,
    log_output: bool = False,
    stdout_file: Any = None,
    stderr_file: Any = None,
    start_timeout: float = 60,
    execution_timeout: float | None = None,
    report_timeout: float | None = None,
    kernel_settings: KernelSettings | None = None,
    **kwargs: Any,
) -> Any:
    """The engine's work: run ``nb_man``'s notebook in this thread's warm kernel."""
    pm = papermill_internals()

    settings = kernel_settings or KernelSettings(kernel_name=kernel_name, start_timeout=start_timeout)
    if settings.kernel_name != kernel_name:
        settings = replace(settings, kernel_name=kernel_name)
    cwd = os.getcwd()  # papermill has changed into the notebook's cwd
    kernel = acquire_kernel(settings, cwd)
    healthy = False
    _local.last = {"kernel_pid": kernel.pid, "kernel_reports": kernel.reports}
    try:
        kernel.prepare(cwd)
        deadline = time.monotonic() + report_timeout if report_timeout else None

        def cell_timeout(cell: Any) -> float | None:
            limits = [execution_timeout] if execution_timeout else []
            if deadline is not None:
                limits.append(max(deadline - time.monotonic(), 0.001))
            return min(limits) if limits else None

        safe = pm.remove_args(["input_path", "timeout", "startup_timeout", "kernel_manager_class"], **kwargs)
        client = pm.PapermillNotebookClient(
            nb_man,
            km=kernel.km,
            timeout_func=cell_timeout,
            startup_timeout=settings.start_timeout,
            kernel_name=kernel_name,
            log=log,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **safe,
        )
        client.kc = kernel.kc
        client.execute()
        if not kernel.is_alive():
            raise DeadKernelError("Kernel died")
        healthy = True
    except Exception as error:
        error.notebook = nb_man.nb  # type: ignore[attr-defined]
        raise
    finally:
        _local.last["peak_memory_mb"] = kernel.peak_memory_mb()
        release_kernel(kernel, healthy)
    return nb_man.nb


def _engine_class() -> type:
    # papermill loads its engine entry points while it is being imported: subclass its
    # Engine only on first use, so that neither import order is a cycle.
    from papermill.engines import Engine

    class WarmKernelEngine(Engine):
        """A papermill engine that runs notebooks in a reused, reset kernel.

        Extra keyword arguments (papermill passes unknown ones through to the engine):
        ``report_timeout`` (seconds for the whole notebook, on top of papermill's per-cell
        ``execution_timeout``) and ``kernel_settings`` (:class:`KernelSettings`). Without
        settings it uses the defaults with the notebook's kernel.

        On a timeout or a dead kernel the kernel is discarded and the error re-raised with
        the partly executed notebook attached as ``error.notebook``.
        """

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            return _execute_managed(nb_man, kernel_name, **kwargs)

    WarmKernelEngine.__module__ = __name__
    return WarmKernelEngine


_engine: type | None = None


def __getattr__(name: str) -> Any:
    """``WarmKernelEngine`` is built on first access (see :func:`_engine_class`)."""
    global _engine
    if name == "WarmKernelEngine":
        if _engine is None:
            built = _engine_class()  # importing papermill may have built (and registered) it already
            if _engine is None:
                _engine = built
        return _engine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_engine() -> Any:
    """papermill's engine registry, with this engine in it (also when the entry point is not installed)."""
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, __getattr__("WarmKernelEngine"))
    return papermill_engines


# --- one report, worker side -----------------------------------------------------------------


@dataclass(frozen=True)
class ReportTask:
    """Everything a worker needs to produce one group's report (picklable, path-free output).

    ``template`` is the notebook's JSON text, so workers need no access to the template file;
    they do need to read ``parameters["result_dir"]``.
    """

    group_id: str
    title: str
    template: str
    parameters: dict[str, Any]
    lang: str = "en"
    pdf: bool = False
    timeout: float | None = 600
    retries: int = 2
    cwd: str | None = None
    settings: KernelSettings = field(default_factory=KernelSettings)


@dataclass
class ReportPayload:
    """What a worker sends back: the outcome and the finished files' contents."""

    group_id: str
    ok: bool
    error_class: str | None = None
    error: str | None = None
    html: str | None = None
    notebook: str | None = None
    pdf: bytes | None = None
    seconds: float = 0.0
    attempts: int = 0
    peak_memory_mb: float | None = None
    worker: str = ""


def _describe(error: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, PapermillExecutionError):
        return f"{error.ename}: {error.evalue}"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": ")


def _classify(error: BaseException) -> str:
    if isinstance(error, (CellTimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(error, (DeadKernelError, KernelError)):
        return "dead_kernel"
    return "notebook_error"


def _unfinished_cell(nb: Any) -> int | None:
    """Index of the first code cell that did not run, ``None`` when all ran.

    papermill marks cells "completed" after a dead kernel or a timeout and stops quietly
    after ``sys.exit()``; the execution counts tell what really ran.
    """
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.strip() and cell.get("execution_count") is None:
            return index
    return None


def pin_notebook(nb: Any) -> Any:
    """Make the executed notebook ``nb`` reproducible, in place; return it.

    The cell papermill injects gets a fixed ID (not a random one). With
    ``SOURCE_DATE_EPOCH`` set, every execution time the kernel and papermill record
    (``metadata.execution`` of each cell, papermill's start and end times) becomes that
    time and every duration 0, so identical runs write identical notebooks.
    """
    ids = {cell.get("id") for cell in nb.cells}
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []) and "injected-parameters" not in ids:
            cell["id"] = "injected-parameters"
            ids.add("injected-parameters")
    epoch = source_date_epoch()
    if epoch is None:
        return nb
    kernel_time = epoch.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def pin(papermill: Any) -> None:
        for key in ("start_time", "end_time"):
            if papermill.get(key) is not None:
                papermill[key] = epoch.isoformat()
        if papermill.get("duration") is not None:
            papermill["duration"] = 0.0

    pin(nb.metadata.get("papermill", {}))
    for cell in nb.cells:
        metadata = cell.get("metadata", {})
        execution = metadata.get("execution")
        if isinstance(execution, dict):
            for key in execution:
                execution[key] = kernel_time
        pin(metadata.get("papermill", {}))
    return nb


_templates: dict[str, Any] = {}


def _load_template(text: str) -> Any:
    """The template notebook as papermill loads it (tags and metadata filled in), cached."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    nb = _templates.get(key)
    if nb is None:
        nb = papermill_internals().load_notebook_node(nbformat.reads(text, as_version=4))
        _templates.clear()  # one template per batch: keep just the latest
        _templates[key] = nb
    return nb


def _execute(task: ReportTask, template: Any) -> Any:
    # papermill is imported where it is used: importing it loads this module (entry point).
    pm = papermill_internals()

    nb = pm.parameterize_notebook(
        copy.deepcopy(template), task.parameters, kernel_name=task.settings.kernel_name, engine_name=ENGINE_NAME
    )
    nb = pm.remove_error_markers(pm.prepare_notebook_metadata(nb, "", ""))
    cwd = task.cwd if task.cwd and os.path.isdir(task.cwd) else None
    previous = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        return _register_engine().execute_notebook_with_engine(
            ENGINE_NAME,
            nb,
            kernel_name=task.settings.kernel_name,
            output_path=None,
            progress_bar=False,
            log_output=False,
            start_timeout=task.settings.start_timeout,
            report_timeout=task.timeout,
            kernel_settings=task.settings,
        )
    finally:
        if cwd:
            os.chdir(previous)


def run_task(task: ReportTask) -> ReportPayload:
    """Produce one group's report; never raises.

    Runs the notebook in this thread's kernel, retrying up to ``task.retries`` times when
    the kernel dies or does not start (a notebook error or a timeout is not retried),
    verifies that every cell ran, renders the HTML (and the PDF when asked) and returns
    the contents. Failures come back with ``ok=False``, an error class from
    :data:`ERROR_CLASSES` and, when the kernel got that far, the executed notebook.
    """
    from papermill.exceptions import PapermillExecutionError

    from assess.reporting import render_html

    started = time.perf_counter()
    payload = ReportPayload(group_id=task.group_id, ok=False, worker=f"{socket.gethostname()}:{os.getpid()}")
    if task.pdf:  # Pango, the fonts and the stylesheet load while the first report runs in the kernel
        from assess.reporting import warm_in_background

        warm_in_background(task.lang)
    template = _load_template(task.template)
    nb = None
    for attempt in range(1, task.retries + 2):
        payload.attempts = attempt
        try:
            nb = _execute(task, template)
            payload.peak_memory_mb = last_run().get("peak_memory_mb")
            papermill_internals().raise_for_execution_errors(nb, None)
            missing = _unfinished_cell(nb)
            if missing is not None:
                raise PapermillExecutionError(
                    cell_index=missing,
                    exec_count=None,
                    source=nb.cells[missing].source,
                    ename="NotebookStopped",
                    evalue=f"execution stopped before cell {missing}",
                    traceback=[],
                )
            break
        except Exception as error:
            payload.peak_memory_mb = last_run().get("peak_memory_mb")
            nb = getattr(error, "notebook", nb)
            payload.error_class = _classify(error)
            payload.error = _describe(error)
            if payload.error_class == "dead_kernel" and attempt <= task.retries:
                log.warning("group %s: %s; retrying (attempt %d)", task.group_id, payload.error, attempt + 1)
                continue
            payload.notebook = nbformat.writes(pin_notebook(nb)) if nb is not None else None
            payload.seconds = time.perf_counter() - started
            return payload
    payload.error_class = payload.error = None
    assert nb is not None  # the loop is left by break only after _execute returned the notebook
    payload.notebook = nbformat.writes(pin_notebook(nb))
    try:
        payload.html = render_html(nb, task.title, task.lang)
        if task.pdf:
            payload.pdf = _to_pdf(payload.html, task.group_id)
    except Exception as error:
        payload.html = payload.pdf = None
        payload.error_class, payload.error = "export_error", _describe(error)
        payload.seconds = time.perf_counter() - started
        return payload
    payload.ok = True
    payload.seconds = time.perf_counter() - started
    return payload


def _to_pdf(html: str, group_id: str) -> bytes:
    from assess.reporting import html_string_to_pdf, wait_for_warm_up

    wait_for_warm_up()
    return html_string_to_pdf(html, f"{group_id}.html")
