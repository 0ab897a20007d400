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

# sorted, as every public face's
__all__ = [
    "anomalies",
    "correlation_figure",
    "coverage",
    "effective_weights",
    "grade_counts",
    "indicator_correlations",
    "indicator_summary",
    "ledger_by_group",
    "ledger_by_month",
    "ledger_figure",
    "ledger_status",
    "localise",
    "out_of_window",
    "rating_distribution",
    "rating_figure",
    "rating_flags",
    "rating_reliability",
    "response_rates",
    "reweighted",
    "score_summary",
    "sensitivity",
    "weight_sliders",
    "what_if",
    "what_if_figure",
]
