"""assess — year-end assessment of working groups.

>>> import assess
>>> ds = assess.load("data/sample.xlsx")          # doctest: +SKIP
>>> result = assess.score(ds, year=2025)            # doctest: +SKIP
>>> result.scores.head()                            # doctest: +SKIP
"""

from assess.analysis.uncertainty import uncertainty  # noqa: E402  (the function; the module is assess.uncertainty in sys.modules)
from assess.common.errors import AssessError, SchemeError  # noqa: E402
from assess.common.version import __version__
from assess.intake.problems import InputError, Problem
from assess.intake.scheme import Scheme, default_scheme, load_scheme  # noqa: E402
from assess.intake.validate import Dataset, load  # noqa: E402
from assess.scoring.compute import score  # noqa: E402
from assess.scoring.result import Result, load_result, save_result  # noqa: E402

__all__ = [
    "AssessError",
    "Dataset",
    "InputError",
    "Problem",
    "Result",
    "Scheme",
    "SchemeError",
    "__version__",
    "default_scheme",
    "load",
    "load_result",
    "load_scheme",
    "save_result",
    "score",
    "uncertainty",
]

from assess import _moved  # noqa: E402

_moved.install()  # the flat module paths of assess 0.1 still import, with a DeprecationWarning
