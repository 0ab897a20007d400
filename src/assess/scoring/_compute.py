"""The whole assessment in one call: :func:`score` is :func:`assess.scoring._prepared.prepare`
(the data half, once) followed by :meth:`~assess.scoring._prepared.Prepared.rescore` (the
weighing half). The steps themselves live in :mod:`assess.scoring._steps` (their names stay
importable from here) and the arrays they run on in :mod:`assess.scoring._kernel`.
"""

from __future__ import annotations

import pandas as pd

from assess.intake import Dataset, Scheme, default_scheme
from assess.scoring import _steps as steps
from assess.scoring._kernel import TOL as TOL
from assess.scoring._prepared import prepare
from assess.scoring._result import Result
from assess.scoring._steps import adjust as adjust
from assess.scoring._steps import aggregate as aggregate
from assess.scoring._steps import competition_rank as competition_rank
from assess.scoring._steps import contributions as contributions
from assess.scoring._steps import grade as grade
from assess.scoring._steps import normalize as normalize
from assess.scoring._steps import normalize_series as normalize_series
from assess.scoring._steps import order_rank as order_rank
from assess.scoring._steps import prepare_indicators as prepare_indicators
from assess.scoring._steps import quota_size as quota_size

__all__ = ["score", *steps.__all__]


def score(
    dataset: Dataset,
    year: int,
    as_of: str | pd.Timestamp | None = None,
    scheme: Scheme | None = None,
    *,
    raw: pd.DataFrame | None = None,
    present: pd.DataFrame | None = None,
    offset: pd.Series | None = None,
) -> Result:
    """Score every group of ``dataset`` for ``year`` under ``scheme`` (default: the scoring rules (docs/reference/scoring.md)).

    ``as_of`` defaults to the scheme's ``as_of``, else 31 December of ``year``.
    Raises :class:`~assess.common._errors.SchemeError` when the scheme names an indicator that
    exists nowhere.

    Three keyword arguments exist for checking the uncertainty analysis draw by draw
    (:meth:`assess.analysis.Uncertainty.raw_for_draw`): ``raw`` replaces the raw indicators
    computed from the dataset (same index and columns), and ``present`` (groups ×
    components, booleans) fixes which components count as available instead of comparing
    their coverage with ``min_coverage`` under this scheme's weights; ``offset`` (points per
    group, :meth:`assess.analysis.Uncertainty.offset_for_draw`) is subtracted from the final
    score before it is clipped to 0–100.
    """
    scheme = scheme or default_scheme()
    return prepare(dataset, year, as_of, scheme).rescore(scheme, raw=raw, present=present, offset=offset)
