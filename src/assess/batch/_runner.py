"""The report batch: one executed notebook and one self-contained HTML page per group.

:class:`ReportBatch` runs the report notebook for many groups against one saved
:class:`~assess.scoring._result.Result` folder (scored once; the notebooks only read it):

- in warm kernels (:mod:`assess.batch._engine`), one per worker, reset between reports, or with
  ``isolation="fresh"`` one new kernel per report;
- on ``workers`` local processes or on a dask.distributed cluster (:mod:`assess.batch._executors`),
  with one progress bar for the run;
- incrementally: a report whose inputs are unchanged (:mod:`assess.batch._fingerprint`) and whose
  files exist is kept; ``force`` reruns all, ``only`` some, ``failed`` the failures;
- resiliently: a failing group never stops the others and never leaves an HTML report
  behind, stale or partial; infrastructure failures are retried; every file is written
  under a temporary name and renamed, so Ctrl-C or SIGTERM leaves no half-written report,
  and waits while a report's files and its ledger line are written (:func:`held_signals`);
- with a ledger, ``OUT/run.jsonl`` (:mod:`assess.batch._ledger`), that ``assess status`` reads.

:func:`render_reports` is the one-call form; ``index.html`` is written by
:meth:`ReportBatch.write_index` only when its content changed.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import logging
import re
import signal
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from assess.batch._engine import DEFAULT_PRELOAD, KernelSettings, ReportPayload, ReportTask
from assess.batch._executors import Executor, default_workers, open_executor
from assess.batch._fingerprint import index_fingerprint, report_fingerprints
from assess.batch._ledger import Ledger
from assess.batch._options import DEFAULT_TEMPLATE, BatchError, ReportOptions, report_options
from assess.common import atomic_write, message, pid_alive, require
from assess.intake import ID_PATTERN
from assess.reporting import render_html, write_index
from assess.reporting import sections as report
from assess.scoring import Result, load_result

__all__ = [
    "DEFAULT_TEMPLATE",
    "BatchError",
    "ReportBatch",
    "ReportOptions",
    "ReportOutcome",
    "render_html",
    "render_reports",
    "write_index",
]

log = logging.getLogger(__name__)


_ID = re.compile(ID_PATTERN)
_PART_OWNER = re.compile(r"\.(\d+)\.part$")  # ".NAME.PID.part": a file being written by process PID


class _Bar(tqdm):
    """The run's progress bar, without tqdm's monitor thread: a process with one thread can
    fork its workers (instant, imports shared) rather than start them from scratch."""

    monitor_interval = 0


@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one group's report.

    Attributes
    ----------
    group_id : str
        The group.
    ok : bool
        Whether the group has a current HTML report.
    html_path : Path or None
        The HTML report; ``None`` when ``ok`` is false (no file exists then).
    notebook_path : Path or None
        The executed notebook, kept for failed runs too (it shows the failing cell);
        ``None`` if the kernel never got that far.
    error : str or None
        ``"ename: evalue"`` of the failure, ``None`` when ``ok``.
    seconds : float
        Wall time spent on this group in this run (0 when it was kept).
    error_class : str or None
        ``notebook_error``, ``timeout``, ``dead_kernel``, ``export_error`` or
        ``invalid_group``; ``None`` when ``ok``.
    attempts : int
        Executions tried in this run (infrastructure failures are retried).
    peak_memory_mb : float or None
        The kernel's peak resident memory while it ran this report.
    status : str
        ``written`` (run now), ``skipped`` (unchanged, kept), ``kept`` (not selected by
        ``only``/``failed``; state of an earlier run) or ``failed``.
    pdf_path : Path or None
        The PDF report, when asked for.
    """

    group_id: str
    ok: bool
    html_path: Path | None
    notebook_path: Path | None
    error: str | None
    seconds: float
    error_class: str | None = None
    attempts: int = 0
    peak_memory_mb: float | None = None
    status: str = "written"
    pdf_path: Path | None = None


def template_imports(notebook_text: str) -> tuple[str, ...]:
    """Top-level modules the template's code cells import (preloaded into warm kernels)."""
    import nbformat

    found: list[str] = []
    for cell in nbformat.reads(notebook_text, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics and the like
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
                # "from assess import plots": plots may be a module
                found += [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
    return tuple(dict.fromkeys(m for m in found if importlib.util.find_spec(m.split(".")[0]) is not None))


#: Parameters assess sets for each report; ``parameters`` may not override them.
PER_REPORT_PARAMETERS = {
    "group_id": "the group of each report",
    "result_dir": "the scored result",
    "lang": "the language: use --lang",
}


def template_parameters(notebook_text: str) -> tuple[str, ...]:
    """Names assigned at the top level of the template's cell tagged ``parameters``."""
    import nbformat

    names: list[str] = []
    for cell in nbformat.reads(notebook_text, as_version=4).cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                names += [t.id for t in targets if isinstance(t, ast.Name)]
    return tuple(dict.fromkeys(names))


def check_parameters(parameters: dict[str, Any], notebook_text: str, template: Path) -> None:
    """Refuse a parameter the template does not declare, or one assess sets for each report."""
    declared = template_parameters(notebook_text)
    lines = []
    for name in parameters:
        if name in PER_REPORT_PARAMETERS:
            lines.append(f"parameter {name!r} is set by assess for each report ({PER_REPORT_PARAMETERS[name]})")
        elif name not in declared:
            free = [n for n in declared if n not in PER_REPORT_PARAMETERS]
            lines.append(
                f"parameter {name!r} is not in the parameters cell of {template.name}; "
                + (
                    f"it declares: {', '.join(free)}"
                    if free
                    else "it declares none besides group_id, result_dir and lang"
                )
                + " (add it there, or drop -p)"
            )
    if lines:
        raise BatchError("; ".join(lines) + ". Nothing was written.")


def check_kernel(kernel_name: str) -> None:
    """Refuse a Jupyter kernel that is not installed, naming the ones that are."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(kernel_name)
    except NoSuchKernel:
        known = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise BatchError(
            f"Kernel {kernel_name!r} is not installed (installed: {known}); "
            "give one of them with -k, or install it (`make lab` installs 'assess'). Nothing was written."
        ) from None


class _Terminate:
    """Within the block, SIGTERM raises KeyboardInterrupt in the main thread (like Ctrl-C)."""

    def __enter__(self) -> _Terminate:
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    def __exit__(self, *exc: Any) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Within the block, Ctrl-C and SIGTERM wait: they interrupt only when it is done. A
    report's files and its ledger line are written together in one (:meth:`ReportBatch._store`):
    a run stopped between them would keep the files without their record, and run the report
    again on resume. Outside the main thread (where no signal handler runs) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        pending.append(signum)

    previous = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if pending:
        raise KeyboardInterrupt(f"signal {pending[0]}")


class ReportBatch:
    """The reports of one output folder, run incrementally on warm kernels.

    Parameters
    ----------
    out_dir : str or Path
        Where ``notebooks/``, ``reports/``, ``index.html`` and ``run.jsonl`` go.
    options : ReportOptions, optional
        What to run and how (:class:`~assess.batch._options.ReportOptions`: language, PDF,
        template, kernel, isolation, workers, executor, timeout, retries, ``only``,
        ``failed``, ``force``, notebook parameters). Default: the defaults.
    progress : bool
        Show one progress bar for the run.
    publish_to : str or Path, optional
        Where ``out_dir``'s contents will be once the run is swapped in, when ``out_dir`` is a
        staging folder (:mod:`assess.common._staging`): the executed notebooks name the result
        folder there, not in the staging folder that is gone by then.
    **changes
        Single options given by name (``lang="zh"``, ``workers=2``), over ``options``.

    Notes
    -----
    Use it as a context manager: entering starts the workers and their kernels in the
    background (so scoring can run meanwhile); leaving stops them. Nothing is written to
    ``out_dir`` before :meth:`run`.
    """

    def __init__(
        self,
        out_dir: str | Path,
        options: ReportOptions | None = None,
        *,
        progress: bool = True,
        publish_to: str | Path | None = None,
        **changes: Any,
    ) -> None:
        self.options = opts = report_options(options, **changes)
        report.check_lang(opts.lang)
        self.out_dir = Path(out_dir).resolve()
        self.publish_to = None if publish_to is None else Path(publish_to).resolve()
        self.template = opts.template.resolve()
        if not self.template.is_file():
            raise FileNotFoundError(
                f"Report template {self.template} does not exist; pass an existing .ipynb as template."
            )
        if opts.pdf:
            require("pdf")
            from assess.reporting import check_fonts

            check_fonts(opts.lang)  # a Chinese PDF without a CJK font would be boxes: refused before any work
        self.template_text = self.template.read_text(encoding="utf-8")
        check_parameters(dict(opts.parameters), self.template_text, self.template)
        if opts.kernel_name != "python3":  # papermill's default is always there
            check_kernel(opts.kernel_name)
        self.settings = KernelSettings(
            kernel_name=opts.kernel_name,
            isolation=opts.isolation,
            preload=tuple(dict.fromkeys(DEFAULT_PRELOAD + template_imports(self.template_text))),
            recycle_after=opts.recycle_after,
            max_memory_mb=opts.max_kernel_memory,
        )
        self.progress, self.lang, self.pdf = progress, opts.lang, opts.pdf
        self._executor: Executor | None = None
        self._signals: _Terminate | None = None
        self.ledger: Ledger | None = None

    # lifecycle
    def start(self, workers: int | None = None) -> ReportBatch:
        """Start the executor now (kernels warm up in the background)."""
        if self._executor is None:
            self._executor = open_executor(
                self.options.executor,
                workers or self.options.workers or default_workers(),
                self.settings,
                self.options.retries,
            )
        return self

    def close(self, cancel: bool = False) -> None:
        """Stop the workers (at once when ``cancel``) and close the ledger."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.close(cancel=cancel)
        if self.ledger is not None:
            self.ledger.close()

    def __enter__(self) -> ReportBatch:
        self._signals = _Terminate().__enter__()
        try:
            return self.start()
        except BaseException:
            self._signals.__exit__(None, None, None)
            raise

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self.close(cancel=exc_type is not None)
        finally:
            if self._signals is not None:
                self._signals.__exit__(None, None, None)

    # the run
    def _fingerprinted(self) -> dict[str, Any]:
        """What, besides the data, changes a report's content (its fingerprint)."""
        return {
            "lang": self.lang,
            "pdf": self.pdf,
            "kernel": self.settings.kernel_name,
            "parameters": dict(self.options.parameters),
        }

    def _paths(self, group_id: str) -> tuple[Path, Path, Path]:
        return (
            self.out_dir / "reports" / f"{group_id}.html",
            self.out_dir / "notebooks" / f"{group_id}.ipynb",
            self.out_dir / "reports" / f"{group_id}.pdf",
        )

    def _has_outputs(self, group_id: str) -> bool:
        html, notebook, pdf = self._paths(group_id)
        return html.is_file() and notebook.is_file() and (pdf.is_file() or not self.pdf)

    def _kept(self, group_id: str, record: dict[str, Any] | None, status: str) -> ReportOutcome | None:
        """The outcome of a group that is not run now, from its latest ledger record."""
        html, notebook, pdf = self._paths(group_id)
        if record is None:
            return None
        if record.get("status") == "ok" and self._has_outputs(group_id):
            return ReportOutcome(
                group_id, True, html, notebook, None, 0.0, status=status, pdf_path=pdf if self.pdf else None
            )
        if record.get("status") == "failed":
            return ReportOutcome(
                group_id,
                False,
                None,
                notebook if notebook.is_file() else None,
                record.get("error"),
                0.0,
                error_class=record.get("error_class"),
                attempts=record.get("attempts", 0),
                status="kept",
            )
        return None

    def run(self, result_dir: str | Path, group_ids: Iterable[str]) -> list[ReportOutcome]:
        """Bring every group's report up to date; return one outcome per known group.

        Groups run when their fingerprint changed, their files are missing, their last
        report failed, or ``force`` is set (restricted to ``only``/``failed`` when given).

        Returns
        -------
        list of ReportOutcome
            In the order of ``group_ids``; groups neither run now nor ever reported are
            left out.
        """
        result_dir = Path(result_dir).resolve()
        result = load_result(result_dir)  # fails once, up front, if the folder holds no result
        group_ids = [g if isinstance(g, str) else str(g) for g in group_ids]
        valid = [g for g in group_ids if _ID.fullmatch(g)]
        fingerprints = report_fingerprints(result, self.template_text, valid, self._fingerprinted())
        self.ledger = ledger = Ledger(self.out_dir)
        selected = self._selected(group_ids, ledger.state)
        outcomes, to_run = self._plan(group_ids, selected, ledger.state, fingerprints)
        self._tidy(group_ids, ledger.state)
        ledger.start(self._ledger_options(), groups=len(group_ids), to_run=len(to_run))
        self._record_unrun(group_ids, selected, outcomes, fingerprints)
        if not to_run and self._executor is not None:
            self._executor.close(cancel=True)  # started early for nothing: stop it, warm or not
            self._executor = None
        titles = self._titles(result, to_run)
        tasks = [self._task(g, titles[g], result_dir) for g in to_run]
        outcomes.update(self._execute(tasks, fingerprints, unchanged=len(group_ids) - len(to_run), outcomes=outcomes))
        return [outcomes[g] for g in group_ids if g in outcomes]

    def _selected(self, group_ids: list[str], state: dict[str, dict[str, Any]]) -> set[str]:
        """The groups this run is about: ``only``'s, the last failures (``failed``), or all."""
        if self.options.only is not None:
            unknown = sorted(set(self.options.only) - set(group_ids))
            if unknown:
                raise BatchError(
                    f"Groups {', '.join(unknown)} are not in this result; --only takes IDs like {group_ids[0]}."
                )
            return set(self.options.only)
        if self.options.failed:
            return {g for g in group_ids if _ID.fullmatch(g) and state.get(g, {}).get("status") == "failed"}
        return set(group_ids)

    def _plan(
        self,
        group_ids: list[str],
        selected: set[str],
        state: dict[str, dict[str, Any]],
        fingerprints: dict[str, str],
    ) -> tuple[dict[str, ReportOutcome], list[str]]:
        """The outcomes of the groups kept as they are, and the groups to run now, in order."""
        # Named groups (only) and failures (failed) rerun whatever their fingerprint says.
        rerun = self.options.force or self.options.only is not None or self.options.failed
        outcomes: dict[str, ReportOutcome] = {}
        to_run: list[str] = []
        for group_id in group_ids:
            if group_id not in selected:
                kept = self._kept(group_id, state.get(group_id), "kept")
                if kept is not None:
                    outcomes[group_id] = kept
            elif not _ID.fullmatch(group_id):
                continue  # recorded by _record_unrun
            elif (
                not rerun
                and state.get(group_id, {}).get("fingerprint") == fingerprints[group_id]
                and (skipped := self._kept(group_id, state.get(group_id), "skipped")) is not None
                and skipped.ok  # it succeeded last time and its files are all there
            ):
                outcomes[group_id] = skipped
            else:
                to_run.append(group_id)
        return outcomes, to_run

    def _tidy(self, group_ids: list[str], state: dict[str, dict[str, Any]]) -> None:
        """Make the folders; remove what a killed run left half-written, and the reports of
        groups gone from the input (in a run over all groups)."""
        for sub in ("reports", "notebooks"):
            (self.out_dir / sub).mkdir(parents=True, exist_ok=True)
        for folder in (self.out_dir, self.out_dir / "reports", self.out_dir / "notebooks"):
            for stray in folder.glob(".*.part"):  # left by a killed run (not by one still running)
                owner = _PART_OWNER.search(stray.name)
                if owner is None and folder != self.out_dir or owner and not pid_alive(int(owner.group(1))):
                    stray.unlink(missing_ok=True)
        if self.options.only is None and not self.options.failed:
            for group_id in set(state) - set(group_ids):  # a group gone from the input: its report goes too
                if _ID.fullmatch(group_id):
                    for path in self._paths(group_id):
                        path.unlink(missing_ok=True)

    def _record_unrun(
        self,
        group_ids: list[str],
        selected: set[str],
        outcomes: dict[str, ReportOutcome],
        fingerprints: dict[str, str],
    ) -> None:
        """Ledger lines for the groups not run: refused IDs (as failures) and unchanged reports."""
        assert self.ledger is not None
        for group_id in group_ids:
            if group_id in selected and not _ID.fullmatch(group_id):
                # Never build a path from an ID the input contract does not allow (e.g. "../x").
                error = f"InvalidGroupId: {group_id!r} does not match {ID_PATTERN}"
                outcomes[group_id] = ReportOutcome(
                    group_id, False, None, None, error, 0.0, error_class="invalid_group", status="failed"
                )
                self.ledger.report(
                    group_id=group_id, status="failed", error_class="invalid_group", error=error, attempts=0
                )
        for group_id, outcome in outcomes.items():
            if outcome.status == "skipped":
                self.ledger.report(group_id=group_id, status="skipped", fingerprint=fingerprints[group_id])

    def _execute(
        self,
        tasks: list[ReportTask],
        fingerprints: dict[str, str],
        unchanged: int,
        outcomes: dict[str, ReportOutcome],
    ) -> dict[str, ReportOutcome]:
        """Run ``tasks`` on the workers, storing each report as it comes, under one progress bar;
        the ledger's end line says how the run ended, interrupted or not."""
        assert self.ledger is not None
        done: dict[str, ReportOutcome] = {}
        started = time.perf_counter()
        interrupted = True
        try:
            if tasks:
                self.start(min(self.options.workers or default_workers(), len(tasks)))
                assert self._executor is not None
                bar = self._bar(len(tasks))
                bar.set_postfix_str(message("runs", "progress_counts", self.lang, failed=0, unchanged=unchanged))
                try:
                    for payload in self._executor.run(tasks):
                        with held_signals():  # the files and their ledger line, or neither
                            done[payload.group_id] = self._store(payload, fingerprints[payload.group_id])
                        failed = sum(not o.ok for o in done.values())
                        counts = message("runs", "progress_counts", self.lang, failed=failed, unchanged=unchanged)
                        bar.set_postfix_str(counts, refresh=False)
                        bar.update(1)
                finally:
                    bar.close()
            interrupted = False
        finally:
            self.ledger.end(
                time.perf_counter() - started,
                written=sum(o.ok for o in done.values()),
                skipped=sum(o.status == "skipped" for o in outcomes.values()),
                failed=sum(not o.ok for o in done.values()),
                interrupted=interrupted,
            )
        return done

    def _bar(self, total: int) -> _Bar:
        """The run's progress bar, in the run's language."""
        desc, unit = (message("runs", key, self.lang) for key in ("progress", "progress_unit"))
        return _Bar(total=total, desc=desc, unit=unit, disable=not self.progress, smoothing=0.1)

    def _ledger_options(self) -> dict[str, Any]:
        opts = self.options
        return {
            "template": str(self.template),
            "executor": opts.executor,
            "workers": getattr(self._executor, "workers", None) or opts.workers or default_workers(),
            "isolation": self.settings.isolation,
            "timeout": opts.timeout,
            "retries": opts.retries,
            "lang": self.lang,
            "pdf": self.pdf,
            "kernel": opts.kernel_name,
            "parameters": dict(opts.parameters),
            "force": opts.force,
            "only": None if opts.only is None else list(opts.only),
            "failed": opts.failed,
        }

    def _titles(self, result: Result, group_ids: list[str]) -> dict[str, str]:
        """Each report's page title: the group's name, its ID and the year."""
        names = {str(g): n for g, n in zip(result.scores["group_id"], result.scores["name"], strict=True)}
        year_title = report.text("title", self.lang, year=result.meta.get("year", ""))
        return {
            g: f"{report.display_text(names[g])} · {g} · {year_title}" if names.get(g) else f"{g} · {year_title}"
            for g in group_ids
        }

    def _task(self, group_id: str, title: str, result_dir: Path) -> ReportTask:
        parameters = {**self.options.parameters, "group_id": group_id, "result_dir": str(result_dir)}
        return ReportTask(
            group_id=group_id,
            title=title,
            template=self.template_text,
            parameters={**parameters, "lang": self.lang},
            lang=self.lang,
            pdf=self.pdf,
            timeout=self.options.timeout,
            retries=self.options.retries,
            cwd=str(self.out_dir),
            settings=self.settings,
        )

    def _store(self, payload: ReportPayload, fingerprint: str) -> ReportOutcome:
        """Write one payload's files (atomically) and its ledger line; return the outcome."""
        group_id = payload.group_id
        html, notebook, pdf = self._paths(group_id)
        if payload.notebook is not None:
            atomic_write(notebook, self._published(payload.notebook))
        else:
            notebook.unlink(missing_ok=True)
        if payload.ok and payload.html is not None:
            atomic_write(html, payload.html)
            if self.pdf and payload.pdf is not None:
                atomic_write(pdf, payload.pdf)
        else:  # no report at all rather than a stale one
            html.unlink(missing_ok=True)
            pdf.unlink(missing_ok=True)
            words = {"group": group_id, "kind": payload.error_class, "error": payload.error}
            log.warning(message("runs", "report_failed", self.lang, **words))
        assert self.ledger is not None
        self.ledger.report(
            group_id=group_id,
            status="ok" if payload.ok else "failed",
            error_class=payload.error_class,
            error=payload.error,
            seconds=round(payload.seconds, 3),
            peak_memory_mb=None if payload.peak_memory_mb is None else round(payload.peak_memory_mb, 1),
            attempts=payload.attempts,
            fingerprint=fingerprint if payload.ok else None,
            worker=payload.worker,
        )
        return ReportOutcome(
            group_id=group_id,
            ok=payload.ok,
            html_path=html if payload.ok else None,
            notebook_path=notebook if payload.notebook is not None else None,
            error=payload.error,
            seconds=payload.seconds,
            error_class=payload.error_class,
            attempts=payload.attempts,
            peak_memory_mb=payload.peak_memory_mb,
            status="written" if payload.ok else "failed",
            pdf_path=pdf if payload.ok and self.pdf else None,
        )

    def _published(self, notebook: str) -> str:
        """The executed notebook with the result folder's path as it will be after the swap."""
        if self.publish_to is None:
            return notebook
        staged, final = str(self.out_dir / "results"), str(self.publish_to / "results")
        return notebook.replace(f'{staged}"', f'{final}"').replace(f'{staged}\\"', f'{final}\\"')

    def write_index(self, result: Result, outcomes: Sequence[ReportOutcome]) -> Path:
        """Write ``index.html`` unless it exists and nothing it shows has changed."""
        path = self.out_dir / "index.html"
        fingerprint = index_fingerprint(result, outcomes, {"lang": self.lang})
        ledger = self.ledger or Ledger(self.out_dir)
        if path.is_file() and ledger.index_fingerprint == fingerprint:
            return path
        written = write_index(result, outcomes, self.out_dir, lang=self.lang)
        ledger.index(fingerprint)
        if self.ledger is None:
            ledger.close()
        return written


def render_reports(
    result_dir: str | Path,
    out_dir: str | Path,
    group_ids: Iterable[str],
    template: str | Path = DEFAULT_TEMPLATE,
    options: ReportOptions | None = None,
    *,
    progress: bool = True,
    **changes: Any,
) -> list[ReportOutcome]:
    """Execute the report notebook for each group and convert it to HTML.

    Writes ``out_dir/notebooks/<group_id>.ipynb`` (the executed notebook),
    ``out_dir/reports/<group_id>.html`` (outputs only, self-contained), with ``pdf``
    ``out_dir/reports/<group_id>.pdf``, and appends to ``out_dir/run.jsonl``. Each file
    is written under a temporary name and renamed into place; a failed group has no HTML
    at all. Reports that are up to date are kept (see :class:`ReportBatch`).

    Parameters
    ----------
    result_dir : str or Path
        A folder written by :func:`assess.scoring._result.save_result`; passed to the notebook as an
        absolute path.
    out_dir : str or Path
        Where ``notebooks/`` and ``reports/`` go (created if needed); the kernels' working
        directory.
    group_ids : iterable of str
        The groups to report on, in order. IDs must match :data:`assess.intake._spec.ID_PATTERN`.
    template : str or Path
        The papermill notebook; it needs a cell tagged ``parameters``.
    options : ReportOptions, optional
        How to run (:class:`~assess.batch._options.ReportOptions`); its ``template`` gives way
        to ``template``.
    progress : bool
        Show one progress bar across the groups.
    **changes
        Single options by name over ``options`` (``lang="zh"``, ``pdf=True``, ``workers=2``,
        ``timeout``, ``isolation``, ``executor``, ``retries``, ``force``, ``only``, ``failed``, ...).

    Returns
    -------
    list of ReportOutcome
        One per group, in the order given; failures carry ``ok=False`` and the error.

    Raises
    ------
    FileNotFoundError
        If ``result_dir`` holds no saved result or ``template`` does not exist (checked
        once, before any notebook runs).
    BatchError
        For invalid options, or an executor that cannot be used.
    """
    batch = ReportBatch(out_dir, report_options(options, template=template, **changes), progress=progress)
    with _Terminate():
        try:
            return batch.run(result_dir, group_ids)
        except BaseException:
            batch.close(cancel=True)
            raise
        finally:
            batch.close()
