"""assess — year-end assessment of working groups.

>>> import assess
>>> ds = assess.load("data/sample.xlsx")          # doctest: +SKIP
>>> result = assess.score(ds, year=2025)            # doctest: +SKIP
>>> result.scores.head()                            # doctest: +SKIP

The public names below are imported on first use (PEP 562), so ``import assess`` stays quick
(no pandas until a function needs it); ``from assess import load, score`` works as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess import _moved
from assess.common.lazy import lazy_exports
from assess.common.version import __version__

if TYPE_CHECKING:
    from assess.analysis.history import compare
    from assess.analysis.monitor import monitor
    from assess.analysis.uncertainty import uncertainty
    from assess.common.errors import AssessError, SchemeError
    from assess.intake.problems import InputError, Problem
    from assess.intake.scheme import Scheme, default_scheme, load_scheme
    from assess.intake.validate import Dataset, load
    from assess.scoring.compute import score
    from assess.scoring.prepared import Prepared, prepare
    from assess.scoring.result import Result, load_result, save_result

#: public name -> the module that defines it
_PUBLIC = {
    "AssessError": "assess.common.errors",
    "SchemeError": "assess.common.errors",
    "InputError": "assess.intake.problems",
    "Problem": "assess.intake.problems",
    "Scheme": "assess.intake.scheme",
    "default_scheme": "assess.intake.scheme",
    "load_scheme": "assess.intake.scheme",
    "Dataset": "assess.intake.validate",
    "load": "assess.intake.validate",
    "score": "assess.scoring.compute",
    "prepare": "assess.scoring.prepared",  # the data half of score, once
    "Prepared": "assess.scoring.prepared",
    "Result": "assess.scoring.result",
    "load_result": "assess.scoring.result",
    "save_result": "assess.scoring.result",
    "compare": "assess.analysis.history",
    "monitor": "assess.analysis.monitor",  # the function: the figures of a month's bulletin
    "uncertainty": "assess.analysis.uncertainty",  # the function (the module is assess.analysis.uncertainty)
}
_SUBPACKAGES = ("common", "intake", "scoring", "analysis", "reporting", "batch", "cli")

__all__ = [
    "AssessError",
    "Dataset",
    "InputError",
    "Prepared",
    "Problem",
    "Result",
    "Scheme",
    "SchemeError",
    "__version__",
    "compare",
    "default_scheme",
    "load",
    "load_result",
    "load_scheme",
    "monitor",
    "prepare",
    "save_result",
    "score",
    "uncertainty",
]


__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC, (*_SUBPACKAGES, "__version__"))

_moved.install()  # the flat module paths of assess 0.1 still import, with a DeprecationWarning
