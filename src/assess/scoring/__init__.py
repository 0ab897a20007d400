"""Scoring: the scheme, indicators, scores and grades, rater agreement, the result.

The public names are imported on first use (PEP 562); the modules that define them are private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.common import lazy_exports

if TYPE_CHECKING:
    from assess.scoring._compute import score
    from assess.scoring._indicators import Window, rating_rows, share_counts
    from assess.scoring._kernel import (
        TOL,
        combine,
        competition_ranks,
        grade_levels,
        normalize_rows,
        order_ranks,
        present_components,
        snap_rows,
    )
    from assess.scoring._preflight import preflight
    from assess.scoring._prepared import Prepared, prepare, reweight
    from assess.scoring._ratings import LOW_RELIABILITY
    from assess.scoring._result import Result, load_result, save_result
    from assess.scoring._steps import adjust, aggregate, grade, normalize, normalize_series, order_rank
    from assess.scoring._summary import SUMMARY_WORDS, quota_notes, summary_table, tie_break_notes

#: public name -> the private module that defines it
_PUBLIC = {
    "LOW_RELIABILITY": "assess.scoring._ratings",
    "Prepared": "assess.scoring._prepared",
    "Result": "assess.scoring._result",
    "SUMMARY_WORDS": "assess.scoring._summary",
    "TOL": "assess.scoring._kernel",
    "Window": "assess.scoring._indicators",
    "adjust": "assess.scoring._steps",
    "aggregate": "assess.scoring._steps",
    "combine": "assess.scoring._kernel",
    "competition_ranks": "assess.scoring._kernel",
    "grade": "assess.scoring._steps",
    "grade_levels": "assess.scoring._kernel",
    "load_result": "assess.scoring._result",
    "normalize": "assess.scoring._steps",
    "normalize_rows": "assess.scoring._kernel",
    "normalize_series": "assess.scoring._steps",
    "order_rank": "assess.scoring._steps",
    "order_ranks": "assess.scoring._kernel",
    "preflight": "assess.scoring._preflight",
    "prepare": "assess.scoring._prepared",
    "present_components": "assess.scoring._kernel",
    "quota_notes": "assess.scoring._summary",
    "rating_rows": "assess.scoring._indicators",
    "reweight": "assess.scoring._prepared",
    "save_result": "assess.scoring._result",
    "score": "assess.scoring._compute",
    "share_counts": "assess.scoring._indicators",
    "snap_rows": "assess.scoring._kernel",
    "summary_table": "assess.scoring._summary",
    "tie_break_notes": "assess.scoring._summary",
}

__all__ = [
    "LOW_RELIABILITY",
    "Prepared",
    "Result",
    "SUMMARY_WORDS",
    "TOL",
    "Window",
    "adjust",
    "aggregate",
    "combine",
    "competition_ranks",
    "grade",
    "grade_levels",
    "load_result",
    "normalize",
    "normalize_rows",
    "normalize_series",
    "order_rank",
    "order_ranks",
    "preflight",
    "prepare",
    "present_components",
    "quota_notes",
    "rating_rows",
    "reweight",
    "save_result",
    "score",
    "share_counts",
    "snap_rows",
    "summary_table",
    "tie_break_notes",
]

__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
