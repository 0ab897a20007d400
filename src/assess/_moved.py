"""Old module paths of assess ≤ 0.1 (flat modules), kept working with a DeprecationWarning.

0.2 moved every module into a layer folder (see CHANGELOG.md). ``import assess.report`` and
``from assess.labels import text`` still work: a meta-path finder, consulted after the
normal one, hands out the module at its new path and warns once per old path. The only
path that cannot come back is ``assess.uncertainty``, which is the function; importing
from it says where its contents went.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

#: old module path → new module path
MOVED: dict[str, str] = {
    "assess.errors": "assess.common.errors",
    "assess.atomic": "assess.common.atomic",
    "assess.localtime": "assess.common.localtime",
    "assess.spec": "assess.intake.spec",
    "assess.io": "assess.intake.read",
    "assess.validate": "assess.intake.validate",
    "assess.sample": "assess.intake.sample",
    "assess.annotate": "assess.intake.annotate",
    "assess.scheme": "assess.intake.scheme",
    "assess.indicators": "assess.scoring.indicators",
    "assess.ratings": "assess.scoring.ratings",
    "assess.result": "assess.scoring.result",
    "assess.summary": "assess.scoring.summary",
    "assess.preflight": "assess.scoring.preflight",
    "assess.sensitivity": "assess.analysis.sensitivity",
    "assess.importance": "assess.analysis.importance",
    "assess.history": "assess.analysis.history",
    "assess.labels": "assess.reporting.i18n",
    "assess.facts": "assess.reporting.facts",
    "assess.plots": "assess.reporting.figures",
    "assess.report": "assess.reporting.sections",
    "assess.pages": "assess.reporting.pages",
    "assess.export": "assess.reporting.pdf",
    "assess.excel": "assess.reporting.workbook",
    "assess.explore": "assess.reporting.explore",
    "assess.provenance": "assess.reporting.provenance",
    "assess.engine": "assess.batch.engine",
    "assess.kernel_state": "assess.batch.kernel_state",
    "assess.executors": "assess.batch.executors",
    "assess.ledger": "assess.batch.ledger",
    "assess.fingerprint": "assess.batch.fingerprint",
    "assess.reports": "assess.batch.runner",
    "assess.pipeline": "assess.batch.pipeline",
}

_UNCERTAINTY = (
    "assess.uncertainty is the function assess.uncertainty(dataset, ...) since 0.2; import the module's "
    "contents from assess.analysis.uncertainty (attach_uncertainty, sentence, sentences, Uncertainty) and the figures "
    "from assess.reporting.figures (rank_intervals_figure, group_figure)"
)


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(
            f"{spec.name} moved to {self.new} in assess 0.2; import it from there (the old path will go)",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """The module at the new path is already executed."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "assess.uncertainty":
            raise ImportError(_UNCERTAINTY, name=fullname)
        new = MOVED.get(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    """Put the finder after the normal ones (idempotent)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
