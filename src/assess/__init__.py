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
from assess.common import __version__, lazy_exports

if TYPE_CHECKING:
    from assess.analysis import compare, monitor, uncertainty
    from assess.batch import ReportOptions, run_assessment
    from assess.common import AssessError, SchemeError
    from assess.intake import Dataset, InputError, Problem, Scheme, default_scheme, load, load_scheme, validate
    from assess.scoring import Prepared, Result, load_result, prepare, save_result, score

#: public name -> the module that defines it
_PUBLIC = {
    "AssessError": "assess.common._errors",
    "SchemeError": "assess.common._errors",
    "InputError": "assess.intake._problems",
    "Problem": "assess.intake._problems",
    "Scheme": "assess.intake._scheme",
    "default_scheme": "assess.intake._scheme",
    "load_scheme": "assess.intake._scheme",
    "Dataset": "assess.intake._validate",
    "load": "assess.intake._validate",
    "validate": "assess.intake._validate",  # every problem as data, without raising
    "score": "assess.scoring._compute",
    "prepare": "assess.scoring._prepared",  # the data half of score, once
    "Prepared": "assess.scoring._prepared",
    "Result": "assess.scoring._result",
    "load_result": "assess.scoring._result",
    "save_result": "assess.scoring._result",
    "compare": "assess.analysis._history",
    "monitor": "assess.analysis._monitor",  # the function: the figures of a month's bulletin
    "uncertainty": "assess.analysis._uncertainty",  # the function
    "run_assessment": "assess.batch._pipeline",  # the whole year end: what `assess run` does
    "ReportOptions": "assess.batch._options",
}
_SUBPACKAGES = ("common", "intake", "scoring", "analysis", "reporting", "batch", "cli")

__all__ = [
    "AssessError",
    "Dataset",
    "InputError",
    "Prepared",
    "ReportOptions",
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
    "run_assessment",
    "save_result",
    "score",
    "uncertainty",
    "validate",
]


__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC, (*_SUBPACKAGES, "__version__"))

_moved.install()  # the flat module paths of assess 0.1 still import, with a DeprecationWarning
