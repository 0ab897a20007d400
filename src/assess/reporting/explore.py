"""Views of a dataset and a result for analysts, so their notebooks hold no logic.

The public face of the analysts' views; each job lives in its own module:

- :mod:`assess.reporting._data_views` — what each sheet holds, the monthly ledgers, the ratings;
- :mod:`assess.reporting._anomalies` — rows that are valid but look wrong;
- :mod:`assess.reporting._result_views` — reliability, indicators, scores and grades of a result;
- :mod:`assess.reporting._what_if` — a reweighted scheme and what changes under it;
- :mod:`assess.reporting._view_figures` — the charts; :mod:`assess.reporting._sliders` — the sliders;
- :mod:`assess.reporting._localise` — every header and fixed value in the reader's language.

Examples
--------
>>> from assess.reporting import explore
>>> explore.reweighted(components={"daily_work": 1, "effectiveness": 1, "service_rating": 2}).components[
...     "service_rating"
... ].weight
0.5
"""

from __future__ import annotations

from assess.reporting._anomalies import anomalies
from assess.reporting._data_views import (
    coverage,
    ledger_by_group,
    ledger_by_month,
    ledger_status,
    out_of_window,
    rating_distribution,
    response_rates,
)
from assess.reporting._localise import localise
from assess.reporting._result_views import (
    effective_weights,
    grade_counts,
    indicator_correlations,
    indicator_summary,
    rating_flags,
    rating_reliability,
    score_summary,
    sensitivity,
)
from assess.reporting._sliders import weight_sliders
from assess.reporting._view_figures import correlation_figure, ledger_figure, rating_figure, what_if_figure
from assess.reporting._what_if import reweighted, what_if

__all__ = [
    "coverage",
    "ledger_status",
    "ledger_by_month",
    "ledger_by_group",
    "out_of_window",
    "anomalies",
    "rating_distribution",
    "response_rates",
    "rating_reliability",
    "indicator_summary",
    "indicator_correlations",
    "effective_weights",
    "reweighted",
    "what_if",
    "ledger_figure",
    "rating_figure",
    "correlation_figure",
    "what_if_figure",
    "weight_sliders",
    "score_summary",
    "grade_counts",
    "rating_flags",
    "sensitivity",
    "localise",
]
