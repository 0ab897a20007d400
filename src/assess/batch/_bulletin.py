"""``assess bulletin``: the month's bulletin or the quarter's review paper, as files under ``OUT/``.

The figures are computed once here (:func:`assess.analysis._monitor.monitor`), saved for the
kernel, and the bulletin notebook (``templates/bulletin.ipynb``) is run by papermill in a
kernel exactly as a group's report is (:func:`assess.batch._engine.run_task`): the same page,
Content-Security-Policy, catalogues, provenance ``<meta>`` tags and PDF export. Every file is
written atomically, and only once the notebook has run: a failure leaves nothing behind.
With ``SOURCE_DATE_EPOCH`` set, the bulletin of a past month is the same, byte for byte, on
every run (HTML, workbook, Word document).
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from assess.analysis import Monitor, Period, monitor, parse_period
from assess.batch._engine import KernelSettings, ReportTask, run_task, shutdown_kernels
from assess.batch._pipeline import DATED, check_targets
from assess.common import AssessError, OptionError, atomic_write, require, resource_path
from assess.intake import Dataset, Problem, Scheme, load
from assess.reporting import bulletin as doc

__all__ = ["BULLETIN_TEMPLATE", "BulletinFiles", "write_bulletin", "BulletinError"]

#: The bulletin notebook shipped in the package.
BULLETIN_TEMPLATE = resource_path("assess.reporting", "templates", "bulletin.ipynb")


class BulletinError(AssessError):
    """The bulletin notebook failed; nothing was written."""


@dataclass(frozen=True)
class BulletinFiles:
    """What ``bulletin`` wrote: the figures and each file."""

    monitor: Monitor
    html: Path
    xlsx: Path
    pdf: Path | None = None
    docx: Path | None = None


def _check_period(dataset: Dataset, period: Period) -> None:
    """Refuse a period whose year holds no dated row up to its end (a typo in the year, or the
    wrong workbook): its bulletin would only list last year's open problems as overdue."""
    import pandas as pd

    found = 0
    for name, column in DATED.items():
        table = dataset.tables.get(name)
        if table is None or table.empty or column not in table.columns:
            continue
        values = table[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            found += int(((values.dt.year == period.year) & (values <= period.end)).sum())
        else:
            labels = values.astype("string")
            found += int((labels.str.startswith(f"{period.year}-") & (labels.str[:7] <= f"{period.end:%Y-%m}")).sum())
    if not found:
        flag = "--quarter" if period.kind == "quarter" else "--month"
        raise OptionError(
            [
                f"{flag} {period.label}: the workbook has no row dated from {period.year}-01-01 to "
                f"{period.end.date().isoformat()} (ledger, visits, problems, milestones, ratings, adjustments); "
                "check the period, or the workbook"
            ]
        )


def write_bulletin(
    data: str | Path,
    out: str | Path,
    month: str | None = None,
    quarter: str | None = None,
    scheme: Scheme | None = None,
    lang: str = "en",
    pdf: bool = False,
    docx: bool = False,
    kernel_name: str = "python3",
    on_warning: Callable[[Problem], None] | None = None,
    office: str | dict | None = None,
) -> BulletinFiles:
    """Write ``OUT/bulletin-<period>.html`` and ``.xlsx`` (and ``.pdf``, ``.docx`` when asked).

    Bad input raises :class:`~assess.intake._problems.InputError` before anything is written.
    """
    require("reports")
    if pdf:
        require("pdf")
    if docx:
        require("docx")
    out = Path(out)
    dataset = load(data, scheme)
    if on_warning is not None:
        for warning in dataset.warnings:
            on_warning(warning)
    _check_period(dataset, parse_period(month, quarter))
    m = monitor(dataset, month=month, quarter=quarter, scheme=scheme, lang=lang)
    if office is None and scheme is not None:
        office = scheme.office
    if office:
        m = replace(m, meta={**m.meta, "office": office})
    stem = doc.file_stem(m)
    targets = [out / f"{stem}.{ext}" for ext in ("html", "xlsx", "pdf", "docx")]
    check_targets(targets, where=f"under {str(out)!r}", data=data)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="assess-bulletin-") as work:  # private (0700), gone afterwards
        saved = Path(work) / "monitor.pkl"
        saved.write_bytes(pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL))
        task = ReportTask(
            group_id=stem,
            title=doc.title(m, lang),
            template=BULLETIN_TEMPLATE.read_text(encoding="utf-8"),
            parameters={"monitor_path": str(saved), "lang": lang},
            lang=lang,
            pdf=pdf,
            retries=1,
            cwd=work,
            settings=KernelSettings(kernel_name=kernel_name, isolation="fresh"),
        )
        try:
            payload = run_task(task)
        finally:
            shutdown_kernels()
    if not payload.ok or payload.html is None:
        raise BulletinError(
            f"the bulletin notebook failed ({payload.error_class}): {payload.error}. Nothing was written."
        )
    xlsx = doc.write_xlsx(m, out / f"{stem}.xlsx", lang)
    html = out / f"{stem}.html"
    atomic_write(html, payload.html)
    pdf_path = docx_path = None
    if pdf and payload.pdf is not None:
        pdf_path = out / f"{stem}.pdf"
        atomic_write(pdf_path, payload.pdf)
    if docx:
        docx_path = doc.write_docx(m, out / f"{stem}.docx", lang)
    return BulletinFiles(m, html, xlsx, pdf_path, docx_path)
