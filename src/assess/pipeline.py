"""The year-end jobs the command line runs: score a workbook, run a whole assessment.

Each job validates first and writes nothing when the input is bad; outputs land
atomically, so an interrupted run never leaves a half-written file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .excel import write_scores, write_tables
from .history import compare, read_previous
from .result import Result, save_result
from .sample import make_sample
from .scheme import Scheme
from .scoring import score
from .validate import load

__all__ = ["score_to", "run_assessment", "RunSummary", "write_sample"]


def score_to(
    data: str | Path,
    year: int,
    out: str | Path,
    as_of: str | None = None,
    scheme: Scheme | None = None,
    previous: str | Path | None = None,
    uncertainty: int | None = None,
    lang: str = "en",
) -> Result:
    """Validate and score ``data``; write ``out/scores.xlsx`` and the saved result ``out/results/``.

    ``previous`` is last year's ``scores.xlsx``: the change per group is added.
    ``uncertainty`` is a number of Monte Carlo draws: the uncertainty analysis
    (:func:`assess.uncertainty`, seeded by the scheme) is added. ``lang`` is the language of
    the workbook's summary sheet and header labels (``en`` or ``zh``).
    Bad input raises before anything is written.
    """
    dataset = load(data, scheme)
    last_year = read_previous(previous) if previous else None
    result = score(dataset, year=year, as_of=as_of, scheme=scheme)
    if last_year is not None:
        result = compare(result, last_year)
    if uncertainty:
        from .uncertainty import attach
        from .uncertainty import uncertainty as analyse

        result = attach(result, analyse(dataset, scheme, draws=uncertainty, year=year, as_of=as_of))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_scores(result, out / "scores.xlsx", lang=lang)
    save_result(result, out / "results")
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
    **report_options,
) -> RunSummary:
    """Validate, score, write ``scores.xlsx``, one HTML report per group and ``index.html``.

    ``report_options`` go to :class:`assess.reports.ReportBatch` (``template``, ``lang``,
    ``workers``, ``isolation``, ``executor``, ``timeout``, ``force``, ``only``, ``failed``, ...).
    Reports and the index whose content is unchanged are kept; ``out/run.jsonl`` logs the run.
    """
    from .reports import ReportBatch  # heavy imports (papermill) only when reporting

    out = Path(out)
    # Entering the batch starts the workers and their kernels, which warm up while we score.
    with ReportBatch(out, progress=progress, **report_options) as batch:
        result = score_to(data, year, out, as_of=as_of, scheme=scheme, previous=previous, uncertainty=uncertainty, lang=report_options.get("lang", "en"))
        outcomes = batch.run(out / "results", list(result.scores["group_id"]))
        index = batch.write_index(result, outcomes)
    return RunSummary(result, outcomes, index)


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
        out.to_csv(path / f"{name}.csv", index=False, encoding="utf-8")
    return path
