"""The year-end jobs the command line runs: score a workbook, run a whole assessment.

Each job validates first and writes nothing when the input is bad. It holds the output
folder's lock while it works (:mod:`assess.common.outlock`: two runs never write one folder at
once), and writes its outputs into the folder's staging folder, swapped in only when the job has
finished (:mod:`assess.common.staging`): stopped midway — a full disk, Ctrl-C, a crash — it
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

import pandas as pd

from assess.analysis.history import compare, read_previous
from assess.common.atomic import atomic_write
from assess.common.errors import OptionError
from assess.common.extras import require
from assess.common.messages import message
from assess.common.outlock import output_lock
from assess.common.staging import recover, staged, staging_path
from assess.intake.problems import Problem, validation_text
from assess.intake.sample import make_sample
from assess.intake.scheme import Scheme
from assess.intake.validate import Dataset, load
from assess.reporting.workbook import write_scores, write_tables
from assess.scoring.compute import score
from assess.scoring.result import Result, save_result

__all__ = [
    "score_to",
    "run_assessment",
    "RunSummary",
    "write_sample",
    "check_outputs",
    "check_targets",
    "check_dates",
    "check_only",
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
    """Refuse (:class:`~assess.common.errors.OptionError`) when an output would replace an input.

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
    as_of: str | None = None,
    scheme: Scheme | None = None,
    previous: str | Path | None = None,
    uncertainty: int | None = None,
    lang: str = "en",
    on_warning: Callable[[Problem], None] | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Result:
    """Validate and score ``data``; write ``out/scores.xlsx`` and the saved result ``out/results/``.

    ``previous`` is last year's ``scores.xlsx``: the change per group is added.
    ``uncertainty`` is a number of Monte Carlo draws: the uncertainty analysis
    (:func:`assess.uncertainty`, seeded by the scheme) is added. ``lang`` is the language of
    the workbook's summary sheet and header labels (``en`` or ``zh``). ``on_warning`` is
    called with each warning of the intake (a hidden sheet read, control characters
    removed, rows pasted twice, ...), which do not stop the run.
    Bad input raises before anything is written.

    ``out`` is locked while the job works: another job on it raises
    :class:`~assess.common.outlock.OutputBusy`, or with ``wait`` waits (``on_wait`` receives
    the line saying so). The two outputs are swapped in together at the end; a full disk raises
    :class:`~assess.common.staging.DiskFull` and leaves the previous ones.
    """
    check_outputs(out, data=data, previous=previous)
    with output_lock(out, wait=wait, on_wait=on_wait, lang=lang):
        dataset = _load(data, scheme, on_warning, year, as_of)
        check_dates(dataset, year, as_of, scheme)
        last_year = read_previous(previous) if previous else None
        with staged(out, _SCORE_NAMES, lang=lang, resume=False) as stage:
            return _score_and_write(dataset, year, stage, as_of, scheme, last_year, uncertainty, lang)


def _load(
    data: str | Path,
    scheme: Scheme | None,
    on_warning: Callable[[Problem], None] | None,
    year: int | None = None,
    as_of: str | None = None,
) -> Dataset:
    """The validated dataset (its dates checked against the window of ``year``); its warnings
    go to ``on_warning`` (the run goes on)."""
    dataset = load(data, scheme, year=year, as_of=as_of or getattr(scheme, "as_of", None))
    if on_warning is not None:
        for warning in dataset.warnings:
            on_warning(warning)
    return dataset


def _score_and_write(
    dataset,
    year: int,
    out: str | Path,
    as_of: str | None,
    scheme: Scheme | None,
    last_year: pd.DataFrame | None,
    uncertainty: int | None,
    lang: str = "en",
) -> Result:
    result = score(dataset, year=year, as_of=as_of, scheme=scheme)
    warnings = list(getattr(dataset, "warnings", []))
    if warnings:  # the index lists them too
        shown = [{lang: w.text(lang) for lang in ("en", "zh")} for w in warnings]
        result = dataclasses.replace(result, meta={**result.meta, "warnings": shown})
    if last_year is not None:
        result = compare(result, last_year)
    from assess.analysis.scenarios import attach as attach_checks  # scenario table and coherence checks

    result = attach_checks(result, dataset)
    if uncertainty:
        from assess.analysis.uncertainty import attach
        from assess.analysis.uncertainty import uncertainty as analyse

        result = attach(result, analyse(dataset, scheme, draws=uncertainty, year=year, as_of=as_of))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_scores(result, out / "scores.xlsx", lang=lang)
    save_result(result, out / "results")
    source = Path(dataset.source).name if getattr(dataset, "source", "") else ""
    atomic_write(out / "validation.txt", validation_text(warnings, source, year, lang))
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
    as_of: str | None = None,
    scheme: Scheme | None = None,
    previous: str | Path | None = None,
    progress: bool = True,
    uncertainty: int | None = None,
    on_warning: Callable[[Problem], None] | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    **report_options,
) -> RunSummary:
    """Validate, score, write ``scores.xlsx``, one HTML report per group and ``index.html``
    (with ``pdf=True`` also each report's PDF, ``index.pdf`` and the bound ``reports.pdf``).

    ``report_options`` go to :class:`assess.batch.runner.ReportBatch` (``template``, ``lang``,
    ``workers``, ``isolation``, ``executor``, ``timeout``, ``force``, ``only``, ``failed``, ...).
    Reports and the index whose content is unchanged are kept; ``out/run.jsonl`` logs the run.

    ``out`` is locked while the run works (``wait`` and ``on_wait`` as in :func:`score_to`).
    Everything is written in ``out``'s staging folder and swapped in at the end; a run stopped
    before (Ctrl-C, a crash) leaves ``out`` as it was, and the next run on ``out`` resumes from
    the reports it finished. A full disk raises :class:`~assess.common.staging.DiskFull`.
    """
    require("reports")  # a clear "pip install 'assess[reports]'" rather than an ImportError
    if report_options.get("pdf"):
        require("pdf")
    from assess.batch.runner import ReportBatch  # heavy imports (papermill) only when reporting

    out = Path(out)
    lang = report_options.get("lang", "en")
    check_outputs(out, data=data, previous=previous, template=report_options.get("template"))
    with output_lock(out, wait=wait, on_wait=on_wait, lang=lang):
        with contextlib.ExitStack() as swap:
            recover(out)  # a swap a killed run began is finished before anything reads the folder
            stage = staging_path(out)
            # Entering the batch starts the workers and their kernels, which warm up while we score.
            with ReportBatch(stage, progress=progress, publish_to=out, **report_options) as batch:
                if report_options.get("pdf"):  # after the workers have started (they fork from a one-thread process)
                    from assess.reporting.pdf import warm_in_background

                    warm_in_background(lang)
                dataset = _load(data, scheme, on_warning, year, as_of)
                check_dates(dataset, year, as_of, scheme)
                check_only(dataset, report_options.get("only"))
                last_year = read_previous(previous) if previous else None
                swap.enter_context(staged(out, _RUN_NAMES, copy=(_LEDGER,), lang=lang))  # swapped in on leaving
                if not report_options.get("pdf"):
                    _drop_pdfs(stage)  # a run without --pdf never leaves an earlier run's PDFs beside its pages
                result = _score_and_write(dataset, year, stage, as_of, scheme, last_year, uncertainty, lang)
                try:
                    outcomes = batch.run(stage / "results", list(result.scores["group_id"]))
                except KeyboardInterrupt:  # Ctrl-C, SIGTERM: say where the finished reports went
                    log.warning(message("outputs", "stopped_kept", lang, folder=str(out), staging=str(stage)))
                    raise
                batch.write_index(result, outcomes)
            if report_options.get("pdf"):  # OUT/index.pdf and the bound OUT/reports.pdf
                from assess.reporting.pdf import write_run_pdfs

                write_run_pdfs(result, outcomes, stage, lang=lang)
        if not report_options.get("pdf"):  # an earlier --pdf run's index.pdf and bound file go too
            for name in ("index.pdf", "reports.pdf"):
                (out / name).unlink(missing_ok=True)
    return RunSummary(result, [_moved(o, stage, out) for o in outcomes], out / "index.html")


def _drop_pdfs(stage: Path) -> None:
    """Remove the PDFs an earlier ``--pdf`` run left in the staging folder (links to OUT's, or a
    stopped run's own): ``index.pdf``, ``reports.pdf`` and ``reports/*.pdf``. OUT keeps them until
    the swap (``reports/`` is swapped whole; the two files are removed from OUT after it, the
    lock still held), so a run that fails before it leaves the previous outputs whole."""
    for path in (stage / "index.pdf", stage / "reports.pdf", *sorted((stage / "reports").glob("*.pdf"))):
        path.unlink(missing_ok=True)


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
