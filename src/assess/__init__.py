"""assess — year-end assessment of working groups.

>>> import assess
>>> ds = assess.load("data/sample.xlsx")          # doctest: +SKIP
>>> result = assess.score(ds, year=2025)            # doctest: +SKIP
>>> result.scores.head()                            # doctest: +SKIP
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("assess")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .errors import AssessError, InputError, Problem, SchemeError  # noqa: E402
from .result import Result, load_result, save_result  # noqa: E402
from .scheme import Scheme, default_scheme, load_scheme  # noqa: E402
from .scoring import score  # noqa: E402
from .uncertainty import uncertainty  # noqa: E402  (the function; the module is assess.uncertainty in sys.modules)
from .validate import Dataset, load  # noqa: E402

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
