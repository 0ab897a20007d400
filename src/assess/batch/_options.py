"""What a run is asked to produce, in one frozen value: :class:`ReportOptions`.

The command line builds one from its options; :func:`assess.batch._pipeline.run_assessment`
scores with it (``previous``, ``uncertainty``, ``lang``) and hands it to
:class:`assess.batch._runner.ReportBatch`, which runs the reports with it. One value travels
the whole way, rather than a dict of keyword arguments re-spelt at each step.

Examples
--------
>>> options = ReportOptions(lang="zh", only=("G01", "G02"))
>>> options.only, options.pdf
(('G01', 'G02'), False)
>>> ReportOptions(workers=0)
Traceback (most recent call last):
...
assess.batch._options.BatchError: Workers 0 is invalid. Workers should be a positive number of processes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assess.common import AssessError, resource_path

__all__ = ["CONTENT_OPTIONS", "DEFAULT_TEMPLATE", "OPTION_FLAGS", "BatchError", "ReportOptions", "report_options"]

#: The report notebook shipped in the package (package data, found by importlib.resources).
DEFAULT_TEMPLATE = resource_path("assess.reporting", "templates", "group_report.ipynb")

#: The options that make a run's outputs of one kind — one language, PDFs beside every page or
#: none: ``--failed`` refuses to rerun the failures with other values than the run they failed
#: in (its reruns would sit beside pages of the other kind). A fixed template, kernel or
#: parameter is what ``--failed`` is for, and may differ.
CONTENT_OPTIONS = ("lang", "pdf")

#: The command line's name of each of :data:`CONTENT_OPTIONS`.
OPTION_FLAGS = {"lang": "--lang", "pdf": "--pdf"}


class BatchError(AssessError):
    """The batch cannot run as asked (bad options, bad executor address, cluster unreachable, ...)."""


@dataclass(frozen=True)
class ReportOptions:
    """How a run scores and reports: its language, its extras, which groups, on what.

    Attributes
    ----------
    lang : {"en", "zh"}
        Language of the reports, the index and scores.xlsx's summary sheet.
    pdf : bool
        Also write each report's PDF, ``index.pdf`` and the bound ``reports.pdf``.
    previous : str or Path, optional
        Last year's ``scores.xlsx``: the change per group is added.
    uncertainty : int, optional
        Monte Carlo draws of the uncertainty analysis (none when ``None``).
    only : tuple of str, optional
        Run just these groups' reports (the others keep theirs).
    failed : bool
        Run just the reports that failed last time (with the same content options).
    force : bool
        Rerun every selected report, changed or not.
    template : Path
        The papermill notebook; it needs a cell tagged ``parameters``.
    kernel_name : str
        Jupyter kernel that runs the notebooks.
    parameters : mapping
        Extra notebook parameters (part of every report's fingerprint).
    timeout, retries, workers, executor, isolation, recycle_after, max_kernel_memory
        How the reports run: see :class:`assess.batch._runner.ReportBatch`.
    """

    lang: str = "en"
    pdf: bool = False
    previous: str | Path | None = None
    uncertainty: int | None = None
    only: tuple[str, ...] | None = None
    failed: bool = False
    force: bool = False
    template: Path = DEFAULT_TEMPLATE
    kernel_name: str = "python3"
    parameters: Mapping[str, Any] = field(default_factory=dict)
    timeout: float = 600
    retries: int = 2
    workers: int | None = None
    executor: str = "local"
    isolation: str = "warm"
    recycle_after: int = 100
    max_kernel_memory: float = 2048

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise the given values once, here
        set_(self, "template", Path(self.template))
        set_(self, "parameters", dict(self.parameters or {}))
        if self.only is not None:
            set_(self, "only", tuple(str(g) for g in self.only))
        if self.timeout is not None and self.timeout <= 0:
            raise BatchError(f"Timeout {self.timeout} is invalid. Timeout should be a positive number of seconds.")
        if self.workers is not None and self.workers < 1:
            raise BatchError(f"Workers {self.workers} is invalid. Workers should be a positive number of processes.")
        if self.retries < 0:
            raise BatchError(f"Retries {self.retries} is invalid. Retries should be 0 or more.")
        if self.only is not None and self.failed:
            raise BatchError("Give either only (some groups) or failed (the failures), not both.")

    def replace(self, **changes: Any) -> ReportOptions:
        """A copy with ``changes`` (checked as a new value is)."""
        return dataclasses.replace(self, **changes)

    def content(self) -> dict[str, Any]:
        """The options that make the outputs of one kind (:data:`CONTENT_OPTIONS`), as the ledger keeps them."""
        return {name: getattr(self, name) for name in CONTENT_OPTIONS}


def report_options(options: ReportOptions | None = None, **changes: Any) -> ReportOptions:
    """``options`` (default: the defaults) with ``changes`` given as keyword arguments, the way
    the library's functions took them before :class:`ReportOptions`; an unknown name is refused."""
    known = {f.name for f in dataclasses.fields(ReportOptions)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise TypeError(
            f"unknown report option(s) {', '.join(unknown)}; ReportOptions takes {', '.join(sorted(known))}"
        )
    if isinstance(changes.get("only"), Sequence) and not isinstance(changes["only"], str):
        changes["only"] = tuple(changes["only"])
    return dataclasses.replace(options or ReportOptions(), **changes)
