"""The year-end jobs the command line runs: score a workbook, run a whole assessment.

Each job validates first and writes nothing when the input is bad. It holds the output
folder's lock while it works (:mod:`assess.common._outlock`: two runs never write one folder at
once), and writes its outputs into the folder's staging folder, swapped in only when the job has
finished (:mod:`assess.common._staging`): stopped midway — a full disk, Ctrl-C, a crash — it
leaves the previous outputs whole, never some new and some old.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from assess.analysis import compare, read_previous
from assess.batch._ledger import Ledger
from assess.batch._options import OPTION_FLAGS, ReportOptions, report_options
from assess.common import OptionError, atomic_write, message, output_lock, recover, require, staged, staging_path
from assess.intake import Dataset, Problem, Scheme, load, make_sample, validation_text
from assess.reporting import write_scores, write_tables
from assess.scoring import Result, preflight, save_result, score

__all__ = [
    "score_to",
    "run_assessment",
    "RunSummary",
    "write_sample",
    "check_outputs",
    "check_targets",
    "check_dates",
    "check_only",
    "check_same_content",
    "OUTPUT_NAMES",
]

log = logging.getLogger(__name__)

#: What a run writes under ``OUT/`` (files and folders it replaces).
OUTPUT_NAMES = ("scores.xlsx", "results", "reports", "notebooks", "index.html", "run.jsonl", "validation.txt")
#: What each job writes in its staging folder and swaps into ``OUT/`` at its end.
_SCORE_NAMES = ("scores.xlsx", "results", "validation.txt")
_RUN_NAMES = (*OUTPUT_NAMES, "index.pdf", "reports.pdf")
_LEDGER = "run.jsonl"  # appended to in place: copied into the staging folder, never linked

_ROLES = {"data": "the input", "previous": "--previous", "scheme": "the scheme file", "template": "--template"}


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _clash(target: Path, source: Path) -> str | None:
    """How writing ``target`` would destroy ``source`` (``None``: it would not)."""
    resolved, real = target.resolve(), source.resolve()
    if resolved in real.parents:
        return "inside "
    if real == resolved or _same(source, target):
        return ""
    return None


def check_outputs(out: str | Path, **inputs: str | Path | None) -> None:
    """Refuse (:class:`~assess.common._errors.OptionError`) when an output would replace an input.

    ``inputs`` name what the run reads: ``data`` (workbook or CSV folder), ``previous``,
    ``scheme``, ``template``, ... Each is compared, by resolved path and by
    :func:`os.path.samefile` (hard and symbolic links), with every output under ``out``
    (:data:`OUTPUT_NAMES`), and must not lie inside an output folder that a run replaces.
    """
    check_targets([Path(out) / name for name in OUTPUT_NAMES], where=f"under {str(out)!r}", **inputs)


def check_targets(targets: Sequence[str | Path], where: str = "", **inputs: str | Path | None) -> None:
    """Refuse when writing any of ``targets`` (files or folders) would replace one of ``inputs``.

    The one rule behind :func:`check_outputs`, for any command that writes a file it is
    given (e.g. an annotated copy of the workbook).
    """
    lines = []
    for role, given in inputs.items():
        if not given:
            continue
        source = Path(given)
        for target in map(Path, targets):
            inside = _clash(target, source)
            if inside is not None:
                what = _ROLES.get(role, f"--{role}")
                lines.append(
                    f"{what} {str(source)!r} is {inside}{target.name}, which this run writes{' ' + where if where else ''}: "
                    "it would be replaced. Choose another output, or keep the file elsewhere."
                )
                break
    if lines:
        raise OptionError(lines)


#: The column that dates each row of a dated sheet (``YYYY-MM`` and ``YYYY-Qn`` count by their year).
DATED = {
    "ledger": "month",
    "visits": "date",
    "problems": "raised_on",
    "milestones": "planned_date",
    "ratings": "quarter",
    "adjustments": "date",
}


def _row_years(table: pd.DataFrame, column: str) -> pd.Series:
    values = table[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.year
    return pd.to_numeric(values.astype("string").str[:4], errors="coerce")


def check_dates(dataset, year: int, as_of: str | None, scheme: Scheme | None) -> None:
    """Refuse an assessment date outside ``year``, or a ``year`` none of the dated rows fall in.

    ``as_of`` is the command's ``--as-of`` (it wins over the scheme's ``as_of``). The dated
    sheets are :data:`DATED`; the message gives the span of every date in the workbook.
    """
    lines = []
    day, source = (as_of, "--as-of") if as_of else (getattr(scheme, "as_of", None), "the scheme's as_of")
    if day is not None:
        stamp = pd.Timestamp(day)
        if stamp.year != year:
            side = "before the year starts" if stamp.year < year else "after the year ends"
            lines.append(
                f"{source} {stamp.date().isoformat()} is {side}: the assessment date must lie in --year {year} ({year}-01-01 to {year}-12-31)"
            )
    dates, counted = [], 0
    for name, table in dataset.tables.items():
        if table.empty:
            continue
        for column in table.columns:
            if pd.api.types.is_datetime64_any_dtype(table[column]):
                dates.append(table[column].dropna())
        if name in DATED and DATED[name] in table.columns:
            counted += int((_row_years(table, DATED[name]) == year).sum())
    if counted == 0:
        every = pd.concat(dates) if dates else pd.Series(dtype="datetime64[ns]")
        if every.empty:
            found = "the workbook has no dated rows (ledger, visits, problems, milestones, ratings, adjustments)"
        else:
            found = (
                f"the workbook's dates run from {every.min().date().isoformat()} to {every.max().date().isoformat()}"
            )
        lines.append(f"{found}; --year {year} matches none. Check --year, or the workbook")
    if lines:
        raise OptionError(lines)


def check_only(dataset, only: Sequence[str] | None) -> None:
    """Refuse ``--only`` naming groups the workbook does not have (before anything is scored)."""
    if not only:
        return
    known = [str(g) for g in dataset.tables["groups"]["group_id"]]
    unknown = sorted(set(map(str, only)) - set(known))
    if unknown:
        raise OptionError(
            [
                f"--only: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the groups sheet; it has {', '.join(known[:10])}{' ...' if len(known) > 10 else ''}"
            ]
        )


def score_to(
    data: str | Path,
    year: int,
    out: str | Path,
    options: ReportOptions | None = None,
    *,
    as_of: str | None = None,
    scheme: Scheme | None = None,
    on_warning: Callable[[Problem], None] | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    **changes: Any,
) -> Result:
    """Validate and score ``data``; write ``out/scores.xlsx``, the saved result ``out/results/``
    and ``out/validation.txt``.

    ``options`` (:class:`~assess.batch._options.ReportOptions`, or its fields by name in
    ``changes``) gives ``previous``, last year's ``scores.xlsx`` (the change per group is
    added), ``uncertainty``, a number of Monte Carlo draws (:func:`assess.uncertainty`, seeded
    by the scheme), and ``lang``, the language of the workbook's summary sheet and header labels.
    ``on_warning`` is called with each warning of the intake (a hidden sheet read, control
    characters removed, rows pasted twice, ...), which do not stop the run. Bad input raises
    before anything is written.

    ``out`` is locked while the job works: another job on it raises
    :class:`~assess.common._outlock.OutputBusy`, or with ``wait`` waits (``on_wait`` receives
    the line saying so). The outputs are swapped in together at the end; a full disk raises
    :class:`~assess.common._staging.DiskFull` and leaves the previous ones.
    """
    job = _Job(Path(data), year, as_of, scheme, report_options(options, **changes), on_warning)
    check_outputs(out, data=data, previous=job.options.previous)
    with output_lock(out, wait=wait, on_wait=on_wait, lang=job.options.lang):
        dataset, last_year = job.load()
        with staged(out, _SCORE_NAMES, lang=job.options.lang, resume=False) as stage:
            return _score_and_write(job, dataset, last_year, stage)


@dataclass(frozen=True)
class _Job:
    """One scoring of one workbook: what it reads and how, shared by :func:`score_to` and
    :func:`run_assessment`."""

    data: Path
    year: int
    as_of: str | None
    scheme: Scheme | None
    options: ReportOptions
    on_warning: Callable[[Problem], None] | None = None

    def load(self) -> tuple[Dataset, pd.DataFrame | None]:
        """The validated dataset (its dates checked against the window of the year; its
        warnings to ``on_warning``, the run goes on) and last year's scores (``previous``)."""
        as_of = self.as_of or getattr(self.scheme, "as_of", None)
        dataset = load(self.data, self.scheme, year=self.year, as_of=as_of)
        if self.on_warning is not None:
            for warning in dataset.warnings:
                self.on_warning(warning)
        check_dates(dataset, self.year, self.as_of, self.scheme)
        check_only(dataset, self.options.only)
        previous = self.options.previous
        return dataset, (read_previous(previous) if previous else None)


def _score_and_write(job: _Job, dataset: Dataset, last_year: pd.DataFrame | None, out: Path) -> Result:
    """Score ``dataset`` with its analyses; write scores.xlsx, results/ and validation.txt in ``out``."""
    result = _scored(job, dataset, last_year)
    lang = job.options.lang
    out.mkdir(parents=True, exist_ok=True)
    write_scores(result, out / "scores.xlsx", lang=lang)
    save_result(result, out / "results")
    # validation.txt lists what `assess validate` prints: the intake's warnings and the pre-flight ones
    noticed = [*dataset.warnings, *preflight(dataset, job.scheme, job.year, job.as_of, scored=result)]
    source = Path(dataset.source).name if dataset.source else ""
    atomic_write(out / "validation.txt", validation_text(noticed, source, job.year, lang))
    return result


def _scored(job: _Job, dataset: Dataset, last_year: pd.DataFrame | None) -> Result:
    """The result, with the intake's warnings (the index lists them), last year's change, the
    scenario table and coherence checks, and the uncertainty analysis when asked."""
    result = score(dataset, year=job.year, as_of=job.as_of, scheme=job.scheme)
    if dataset.warnings:
        shown = [{lang: w.text(lang) for lang in ("en", "zh")} for w in dataset.warnings]
        result = dataclasses.replace(result, meta={**result.meta, "warnings": shown})
    if last_year is not None:
        result = compare(result, last_year)
    from assess.analysis import attach_scenarios as attach_checks

    result = attach_checks(result, dataset)
    if job.options.uncertainty:
        from assess.analysis import attach_uncertainty
        from assess.analysis import uncertainty as analyse

        draws = analyse(dataset, job.scheme, draws=job.options.uncertainty, year=job.year, as_of=job.as_of)
        result = attach_uncertainty(result, draws)
    return result


@dataclass(frozen=True)
class RunSummary:
    """What a run produced: the result, each report's outcome and the index page."""

    result: Result
    outcomes: list
    index: Path

    @property
    def failed(self) -> list:
        return [o for o in self.outcomes if not o.ok]


def run_assessment(
    data: str | Path,
    year: int,
    out: str | Path,
    options: ReportOptions | None = None,
    *,
    as_of: str | None = None,
    scheme: Scheme | None = None,
    progress: bool = True,
    on_warning: Callable[[Problem], None] | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    **changes: Any,
) -> RunSummary:
    """Validate, score, write ``scores.xlsx``, one HTML report per group and ``index.html``
    (with ``pdf`` also each report's PDF, ``index.pdf`` and the bound ``reports.pdf``).

    ``options`` (:class:`~assess.batch._options.ReportOptions`, or its fields by name in
    ``changes``: ``lang``, ``pdf``, ``previous``, ``uncertainty``, ``template``, ``workers``,
    ``isolation``, ``executor``, ``timeout``, ``force``, ``only``, ``failed``, ...) says what to
    make and how. Reports and the index whose content is unchanged are kept; ``out/run.jsonl``
    logs the run. ``failed`` reruns the last run's failures (with a fixed template, say) and
    refuses another ``lang`` or ``pdf`` than that run's.

    ``out`` is locked while the run works (``wait`` and ``on_wait`` as in :func:`score_to`).
    Everything is written in ``out``'s staging folder and swapped in at the end; a run stopped
    before (Ctrl-C, a crash) leaves ``out`` as it was, and the next run on ``out`` resumes from
    the reports it finished. A full disk raises :class:`~assess.common._staging.DiskFull`.
    """
    opts = report_options(options, **changes)
    require("reports")  # a clear "pip install 'assess[reports]'" rather than an ImportError
    if opts.pdf:
        require("pdf")
    from assess.batch._runner import ReportBatch  # heavy imports (papermill) only when reporting

    out, job = Path(out), _Job(Path(data), year, as_of, scheme, opts, on_warning)
    check_outputs(out, data=data, previous=opts.previous, template=opts.template)
    with output_lock(out, wait=wait, on_wait=on_wait, lang=opts.lang):
        recover(out)  # a swap a killed run began is finished before anything reads the folder
        stage = staging_path(out)
        if opts.failed:  # the last run's ledger: a stopped run's is in its staging folder, adopted below
            check_same_content(Ledger(stage if (stage / _LEDGER).is_file() else out).last_options, opts)
        with contextlib.ExitStack() as swap:
            # Entering the batch starts the workers and their kernels, which warm up while we score.
            with ReportBatch(stage, opts, progress=progress, publish_to=out) as batch:
                if opts.pdf:  # after the workers have started (they fork from a one-thread process)
                    from assess.reporting import warm_in_background

                    warm_in_background(opts.lang)
                dataset, last_year = job.load()
                # swapped in on leaving; a run without --pdf leaves no earlier run's PDF beside its pages
                swap.enter_context(staged(out, _RUN_NAMES, copy=(_LEDGER,), lang=opts.lang, drop=_drops(opts)))
                result = _score_and_write(job, dataset, last_year, stage)
                outcomes = _report(batch, result, stage, out, opts.lang)
            if opts.pdf:  # OUT/index.pdf and the bound OUT/reports.pdf, the workers stopped
                from assess.reporting import write_run_pdfs

                write_run_pdfs(result, outcomes, stage, lang=opts.lang)
    return RunSummary(result, [_moved(o, stage, out) for o in outcomes], out / "index.html")


def _drops(options: ReportOptions) -> tuple[str, ...]:
    """What an earlier run left that this one must not keep: its PDFs, when this run makes none."""
    return () if options.pdf else ("index.pdf", "reports.pdf", "reports/*.pdf")


def check_same_content(last: dict[str, Any] | None, options: ReportOptions) -> None:
    """Refuse ``failed`` with another language or PDF option than the last run's
    (:data:`~assess.batch._options.CONTENT_OPTIONS`): its reruns would differ in kind from the
    reports it keeps (a Chinese report beside English ones, an index.pdf without every report's)."""
    if not last:
        return
    now = options.content()
    differ = [name for name in now if name in last and last[name] != now[name]]
    if differ:
        lines = [
            message(
                "runs", "failed_differs", options.lang,
                option=OPTION_FLAGS[name], last=_shown(last[name], options.lang), now=_shown(now[name], options.lang),
            )
            for name in differ
        ]  # fmt: skip
        raise OptionError([message("runs", "failed_options", options.lang, option="--failed"), *lines])


def _shown(value: Any, lang: str) -> str:
    """An option's value as the message shows it (yes/no, ``-`` for none)."""
    if isinstance(value, bool):
        return message("runs", "value_yes" if value else "value_no", lang)
    return str(value) if value not in (None, {}, "") else "-"


def _report(batch: Any, result: Result, stage: Path, out: Path, lang: str) -> list:
    """Every group's report and the index, written by ``batch`` (a ReportBatch) in ``stage``."""
    try:
        outcomes = batch.run(stage / "results", list(result.scores["group_id"]))
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: say where the finished reports went
        log.warning(message("outputs", "stopped_kept", lang, folder=str(out), staging=str(stage)))
        raise
    batch.write_index(result, outcomes)
    return outcomes


def _moved(outcome, stage: Path, out: Path):
    """``outcome`` with its paths in the staging folder turned into the same paths under ``out``."""
    changes = {}
    for name in ("html_path", "notebook_path", "pdf_path"):
        path = getattr(outcome, name, None)
        if path is not None:
            with contextlib.suppress(ValueError):
                changes[name] = out / Path(path).resolve().relative_to(stage.resolve())
    return dataclasses.replace(outcome, **changes) if changes else outcome


def write_sample(path: str | Path, year: int = 2025, groups: int = 38, seed: int = 0) -> Path:
    """Write a synthetic year to ``path``: an ``.xlsx`` workbook, or else a folder of CSV files."""
    path = Path(path)
    frames = make_sample(year=year, groups=groups, seed=seed)
    if path.suffix.lower() == ".xlsx":
        return write_tables(path, frames)
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        atomic_write(path / f"{name}.csv", out.to_csv(index=False, lineterminator="\n"))
    return path
