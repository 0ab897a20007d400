"""Year over year: this year's scores against last year's ``scores.xlsx``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .result import Result

__all__ = ["read_previous", "compare"]

_NEEDED = ("group_id", "final_score", "rank", "grade")


def read_previous(path: str | Path) -> pd.DataFrame:
    """The ``scores`` sheet of a previous ``scores.xlsx`` (``group_id, final_score, rank, grade``)."""
    path = Path(path)
    try:
        frame = pd.read_excel(path, sheet_name="scores", dtype={"group_id": str})
    except (OSError, ValueError, KeyError) as exc:
        raise InputError([Problem(path.name, "scores", None, None, None, f"cannot read last year's scores ({exc})", "pass the scores.xlsx written by `assess score` or `assess run`")]) from None
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise InputError([Problem(path.name, "scores", 1, c, None, "required column is missing", "pass the scores.xlsx written by `assess score` or `assess run`") for c in missing])
    return frame[list(_NEEDED)]


def compare(result: Result, previous: pd.DataFrame) -> Result:
    """Add the change in score, rank and grade per group.

    ``scores`` gains ``previous_score, score_change, previous_rank, rank_change`` (positive:
    moved up), ``previous_grade`` and ``grade_change`` (``up``, ``down``, ``same`` or ``new``).
    ``year_over_year`` lists every group of either year with ``status`` ``both``, ``new``
    or ``gone``: groups are marked, never dropped.
    """
    order = [b["name"] for b in result.meta["scheme"]["grades"]["bands"]]
    level = {name: i for i, name in enumerate(order)}
    prev = previous.rename(columns={"final_score": "previous_score", "rank": "previous_rank", "grade": "previous_grade"})
    prev = prev.assign(group_id=prev["group_id"].astype(str))
    now = result.scores[["group_id", "name", "final_score", "rank", "grade"]]
    both = now.merge(prev, on="group_id", how="outer", indicator=True, sort=False)
    both["status"] = both.pop("_merge").map({"both": "both", "left_only": "new", "right_only": "gone"}).astype(str)
    both["score_change"] = both["final_score"] - both["previous_score"]
    both["rank_change"] = both["previous_rank"] - both["rank"].astype(float)
    a = both["grade"].map(level)
    b = both["previous_grade"].map(level)
    change = np.select([a.isna() | b.isna(), a < b, a > b], ["", "up", "down"], "same")
    both["grade_change"] = np.where(both["status"] == "new", "new", change)
    both.loc[both["status"] == "gone", "grade_change"] = "gone"
    columns = ["previous_score", "score_change", "previous_rank", "rank_change", "previous_grade", "grade_change"]
    scores = result.scores.merge(both[["group_id", *columns]], on="group_id", how="left")
    table = both[["group_id", "name", "status", "final_score", "previous_score", "score_change", "rank", "previous_rank", "rank_change", "grade", "previous_grade", "grade_change"]]
    return replace(result, scores=scores, year_over_year=table.reset_index(drop=True))
