"""assess — year-end assessment of working groups.

>>> import assess
>>> ds = assess.load("data/sample.xlsx")          # doctest: +SKIP
>>> result = assess.score(ds, year=2025)            # doctest: +SKIP
>>> result.scores.head()                            # doctest: +SKIP

The public names, listed in ``__init__.pyi``, are imported on first use (lazy_loader), so ``import assess`` stays quick
(no pandas until a function needs it); ``from assess import load, score`` works as usual.
"""

from assess import _moved
from assess.common import public_face

__getattr__, __dir__, __all__ = public_face(__name__, __file__)

_moved.install()  # the flat module paths of assess 0.1 still import, with a DeprecationWarning
