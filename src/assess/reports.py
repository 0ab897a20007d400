"""The report batch: one executed notebook and one self-contained HTML page per group.

:func:`render_reports` runs the report notebook with papermill once per group against a
saved :class:`~assess.result.Result` folder and converts each executed notebook to HTML
without its code; :func:`write_index` writes the page that links them all. A failing
group never stops the others and never leaves an HTML report behind, stale or partial.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import papermill
import zmq
from papermill.exceptions import PapermillExecutionError
from tqdm.auto import tqdm
from traitlets.config import Config

from assess import report
from assess.pages import render_html, write_atomic, write_index
from assess.result import load_result
from assess.spec import ID_PATTERN

__all__ = ["DEFAULT_TEMPLATE", "ReportOutcome", "render_reports", "render_html", "write_index"]

log = logging.getLogger(__name__)

#: The report notebook shipped with the source tree.
DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "group_report.ipynb"

_ID = re.compile(ID_PATTERN)

# Let jupyter_client give the kernel CurveZMQ keys when both sides support it: the
# local kernel traffic is then encrypted, and ipykernel stops printing its "running over
# TCP without encryption" warning once per report. Older jupyter_client ignores the key.
_KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}} if zmq.has("curve") else {})

@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one group's report.

    Attributes
    ----------
    group_id : str
        The group.
    ok : bool
        Whether the notebook ran and its HTML was written.
    html_path : Path or None
        The HTML report; ``None`` when ``ok`` is false (no file exists then).
    notebook_path : Path or None
        The executed notebook, kept for failed runs too (it shows the failing cell);
        ``None`` if the kernel never got that far.
    error : str or None
        ``"ename: evalue"`` of the failure, ``None`` when ``ok``.
    seconds : float
        Wall time spent on this group.
    """

    group_id: str
    ok: bool
    html_path: Path | None
    notebook_path: Path | None
    error: str | None
    seconds: float


def _describe(error: BaseException) -> str:
    if isinstance(error, PapermillExecutionError):
        return f"{error.ename}: {error.evalue}"
    return f"{type(error).__name__}: {error}"


def _render_one(
    group_id: str,
    title: str,
    result_dir: Path,
    out_dir: Path,
    template: Path,
    timeout: float,
    lang: str,
    kernel_name: str,
) -> ReportOutcome:
    started = time.perf_counter()
    notebook_path = out_dir / "notebooks" / f"{group_id}.ipynb"
    html_path = out_dir / "reports" / f"{group_id}.html"
    # Remove the previous run's files first: whatever happens next, no stale report survives.
    html_path.unlink(missing_ok=True)
    notebook_path.unlink(missing_ok=True)
    try:
        executed = papermill.execute_notebook(
            str(template),
            str(notebook_path),
            parameters={"group_id": group_id, "result_dir": str(result_dir), "lang": lang},
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            cwd=str(out_dir),
            config=_KERNEL_CONFIG,
        )
        write_atomic(html_path, render_html(executed, title, lang))
    except Exception as error:  # one group's failure must not stop the batch
        html_path.unlink(missing_ok=True)
        message = _describe(error)
        log.warning("Report for group %s failed: %s", group_id, message)
        return ReportOutcome(
            group_id=group_id,
            ok=False,
            html_path=None,
            notebook_path=notebook_path if notebook_path.exists() else None,
            error=message,
            seconds=time.perf_counter() - started,
        )
    return ReportOutcome(
        group_id=group_id,
        ok=True,
        html_path=html_path,
        notebook_path=notebook_path,
        error=None,
        seconds=time.perf_counter() - started,
    )


def render_reports(
    result_dir: str | Path,
    out_dir: str | Path,
    group_ids: Iterable[str],
    template: str | Path = DEFAULT_TEMPLATE,
    timeout: float = 600,
    progress: bool = True,
    *,
    lang: str = "en",
    kernel_name: str = "python3",
) -> list[ReportOutcome]:
    """Execute the report notebook for each group and convert it to HTML.

    Writes ``out_dir/notebooks/<group_id>.ipynb`` (the executed notebook) and
    ``out_dir/reports/<group_id>.html`` (outputs only, self-contained). The HTML is written
    under a temporary name and renamed into place, and any previous HTML of the group is
    removed first, so a failed group has no HTML at all.

    Parameters
    ----------
    result_dir : str or Path
        A folder written by :func:`assess.result.save_result`; passed to the notebook as an
        absolute path.
    out_dir : str or Path
        Where ``notebooks/`` and ``reports/`` go (created if needed); the kernels' working
        directory.
    group_ids : iterable of str
        The groups to report on, in order. IDs must match :data:`assess.spec.ID_PATTERN`.
    template : str or Path
        The papermill notebook; it needs a cell tagged ``parameters``.
    timeout : float
        Seconds one notebook cell may run before the group fails.
    progress : bool
        Show one progress bar across the groups.
    lang : {"en", "zh"}
        Report language, passed to the notebook.
    kernel_name : str
        Jupyter kernel to run the notebook in.

    Returns
    -------
    list of ReportOutcome
        One per group, in the order given; failures carry ``ok=False`` and the error.

    Raises
    ------
    FileNotFoundError
        If ``result_dir`` holds no saved result or ``template`` does not exist (checked
        once, before any notebook runs).
    """
    report.check_lang(lang)
    result_dir = Path(result_dir).resolve()
    out_dir = Path(out_dir).resolve()
    template = Path(template).resolve()
    if not template.is_file():
        raise FileNotFoundError(f"Report template {template} does not exist; pass an existing .ipynb as template.")
    result = load_result(result_dir)  # fails once, up front, if the folder holds no result
    names = {
        str(g): report.display_text(n) for g, n in zip(result.scores["group_id"], result.scores["name"], strict=True)
    }
    year_title = report.text("title", lang, year=result.meta.get("year", ""))
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    (out_dir / "reports").mkdir(parents=True, exist_ok=True)

    group_ids = list(group_ids)
    outcomes: list[ReportOutcome] = []
    for group_id in tqdm(group_ids, desc="reports", unit="group", disable=not progress):
        if not isinstance(group_id, str) or not _ID.fullmatch(group_id):
            # Never build a path from an ID the input contract does not allow (e.g. "../x").
            outcomes.append(
                ReportOutcome(
                    group_id=str(group_id),
                    ok=False,
                    html_path=None,
                    notebook_path=None,
                    error=f"InvalidGroupId: {group_id!r} does not match {ID_PATTERN}",
                    seconds=0.0,
                )
            )
            continue
        name = names.get(group_id)
        title = f"{name} · {group_id} · {year_title}" if name else f"{group_id} · {year_title}"
        outcomes.append(_render_one(group_id, title, result_dir, out_dir, template, timeout, lang, kernel_name))
    return outcomes
