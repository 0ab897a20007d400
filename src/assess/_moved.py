"""Old module paths, kept working with a DeprecationWarning that says where to import from.

Two moves (see CHANGELOG.md):

- 0.2 moved the flat modules of 0.1 into layer folders (``assess.report`` → reporting);
- 0.3 made every module private behind its package's public face (``assess.intake.read`` →
  ``assess.intake._read``; the public names are imported from ``assess.intake``).

A meta-path finder, consulted after the normal one, hands out the module at its new path and
warns once per old path, so ``import assess.report``, ``from assess.labels import text`` and
``from assess.intake.read import read_tables`` still work. The only path that cannot come back
is ``assess.uncertainty``, which is the function; importing from it says where its contents went.
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
    "assess.errors": "assess.common._errors",
    "assess.atomic": "assess.common._atomic",
    "assess.localtime": "assess.common._localtime",
    "assess.spec": "assess.intake._spec",
    "assess.io": "assess.intake._read",
    "assess.validate": "assess.intake._validate",
    "assess.sample": "assess.intake._sample",
    "assess.annotate": "assess.intake._annotate",
    "assess.scheme": "assess.intake._scheme",
    "assess.indicators": "assess.scoring._indicators",
    "assess.ratings": "assess.scoring._ratings",
    "assess.result": "assess.scoring._result",
    "assess.summary": "assess.scoring._summary",
    "assess.preflight": "assess.scoring._preflight",
    "assess.sensitivity": "assess.analysis._sensitivity",
    "assess.importance": "assess.analysis._importance",
    "assess.history": "assess.analysis._history",
    "assess.labels": "assess.reporting._i18n",
    "assess.facts": "assess.reporting._facts",
    "assess.plots": "assess.reporting.figures",
    "assess.report": "assess.reporting.sections",
    "assess.pages": "assess.reporting._pages",
    "assess.export": "assess.reporting._pdf",
    "assess.excel": "assess.reporting._workbook",
    "assess.explore": "assess.reporting.explore",
    "assess.provenance": "assess.reporting._provenance",
    "assess.engine": "assess.batch._engine",
    "assess.kernel_state": "assess.batch._kernel_state",
    "assess.executors": "assess.batch._executors",
    "assess.ledger": "assess.batch._ledger",
    "assess.fingerprint": "assess.batch._fingerprint",
    "assess.reports": "assess.batch._runner",
    "assess.pipeline": "assess.batch._pipeline",
}

_UNCERTAINTY = (
    "assess.uncertainty is the function assess.uncertainty(dataset, ...) since 0.2; import the module's "
    "contents from assess.analysis (attach_uncertainty, sentence, sentences, Uncertainty) and the figures "
    "from assess.reporting.figures (rank_intervals_figure, group_figure)"
)


#: the packages whose modules became private in 0.3
_PACKAGES = ("common", "intake", "scoring", "analysis", "reporting", "batch")


def private_path(old: str) -> str | None:
    """The private module an 0.2 path ``assess.<package>.<module>`` moved to in 0.3, if it did.

    Examples
    --------
    >>> private_path("assess.intake.read"), private_path("assess.reporting.explore")
    ('assess.intake._read', None)
    """
    parts = old.split(".")
    if len(parts) != 3 or parts[0] != "assess" or parts[1] not in _PACKAGES or parts[2].startswith("_"):
        return None
    new = f"assess.{parts[1]}._{parts[2]}"
    return new if importlib.util.find_spec(new) is not None else None


def _advice(old: str, new: str) -> str:
    package = ".".join(new.split(".")[:2])
    return (
        f"{old} is an old module path: import the public names from {package} "
        f"(the module is now {new}, private); the old path will go"
    )


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(_advice(spec.name, self.new), DeprecationWarning, stacklevel=2)
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """The module at the new path is already executed."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "assess.uncertainty":
            raise ImportError(_UNCERTAINTY, name=fullname)
        new = MOVED.get(fullname) or private_path(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    """Put the finder after the normal ones (idempotent)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
