"""Year over year: this year's scores against last year's ``scores.xlsx``."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from assess.common import message
from assess.intake import InputError, Problem, wording_apart
from assess.scoring import Result

__all__ = ["read_previous", "previous_scores", "compare"]

_NEEDED = ("group_id", "final_score", "rank", "grade")


def _problem(
    path: Path,
    row: int | None,
    column: str | None,
    value: object,
    rule: str,
    values: Mapping[str, object] = {},
    zh: Mapping[str, object] = {},
) -> Problem:
    """A problem of last year's ``scores`` sheet: ``rule`` is a key of the ``history`` catalogue section."""
    return Problem(path.name, "scores", row, column, value, **wording_apart("history", rule, "fix", values, zh))


def read_previous(path: str | Path) -> pd.DataFrame:
    """The ``scores`` sheet of a previous ``scores.xlsx`` (``group_id, final_score, rank, grade``).

    The file gets intake's checks (not encrypted, not damaged, no zip bomb) and every cell the
    comparison uses is checked: one row per group, a finite score, a whole rank or blank.
    Anything else is an :class:`InputError` naming the cell, never a traceback or a group
    counted twice.
    """
    from assess.intake import check_archive

    path = Path(path)
    if not path.is_file():
        key = "not_a_file" if path.exists() else "no_file"
        en, zh = (message("history", key, lang, path=repr(str(path))) for lang in ("en", "zh"))
        error = {"error": f"{FileNotFoundError.__name__}: {en}"}  # English names the error as Python does
        raise InputError([_problem(path, None, None, None, "unreadable", error, {"error": zh})])
    try:
        check_archive(path)
        frame = pd.read_excel(path, sheet_name="scores", dtype=object, engine="openpyxl")
    except InputError as exc:  # encrypted, .xls, damaged or a zip bomb: intake's own words
        raise InputError(
            [
                dataclasses.replace(
                    p,
                    sheet="scores",
                    rule=message("history", "intake_problem", "en", rule=p.rule),
                    rule_zh=message("history", "intake_problem", "zh", rule=p.rule_zh or p.rule),
                )
                for p in exc.problems
            ]
        ) from None
    except Exception as exc:  # openpyxl and pandas raise many kinds for a file that is not a workbook
        raise InputError(
            [_problem(path, None, None, None, "unreadable", {"error": f"{type(exc).__name__}: {exc}"})]
        ) from None
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise InputError([_problem(path, 1, c, None, "missing_column") for c in missing])
    frame = frame[list(_NEEDED)].copy()
    problems = []
    ids = []
    for idx, value in frame["group_id"].items():
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
        ids.append(text)
        if not text:
            problems.append(_problem(path, int(idx) + 2, "group_id", None, "no_group_id"))
    frame["group_id"] = ids
    for gid in sorted({g for g in ids if g and ids.count(g) > 1}):
        rows = [i + 2 for i, g in enumerate(ids) if g == gid]
        problems.append(
            _problem(
                path,
                rows[1],
                "group_id",
                gid,
                "repeated",
                {"rows": message("marks", "list_separator", "en").join(map(str, rows))},
                {"rows": message("marks", "list_separator", "zh").join(map(str, rows))},
            )
        )
    for column, whole in (("final_score", False), ("rank", True)):
        numbers = []
        for idx, value in frame[column].items():
            number = _number(value)
            blank = (
                value is None
                or (isinstance(value, float) and math.isnan(value))
                or (isinstance(value, str) and not value.strip())
            )
            if not blank and (number is None or (whole and not number.is_integer()) or (whole and number < 1)):
                problems.append(_problem(path, int(idx) + 2, column, value, "not_rank" if whole else "not_number"))
            numbers.append(number if not blank else math.nan)
        frame[column] = pd.Series(numbers, index=frame.index, dtype="float64")
    frame["grade"] = frame["grade"].map(lambda v: v if isinstance(v, str) and v.strip() else None)
    if problems:
        raise InputError(problems)
    return frame


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, int | float | str) else None
    except (ValueError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def previous_scores(previous: Result | pd.DataFrame | str | Path) -> pd.DataFrame:
    """Last year's ``group_id, final_score, rank, grade`` from a :class:`Result`, its ``scores``
    frame (any other columns are ignored) or the path of a ``scores.xlsx`` (read with
    :func:`read_previous`'s checks).
    """
    if isinstance(previous, str | Path):
        return read_previous(previous)
    frame = previous.scores if isinstance(previous, Result) else previous
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"previous is a {type(previous).__name__}; pass last year's Result, its scores, or the path of its scores.xlsx"
        )
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"last year's scores lack the column(s) {', '.join(missing)}; pass last year's Result, its scores "
            "(with group_id, final_score, rank and grade), or the path of its scores.xlsx"
        )
    out = frame[list(_NEEDED)].copy()
    out["group_id"] = out["group_id"].astype(str)
    out["final_score"] = pd.to_numeric(out["final_score"]).astype("float64")
    out["rank"] = pd.to_numeric(out["rank"]).astype("float64")
    return out


def compare(result: Result, previous: Result | pd.DataFrame | str | Path) -> Result:
    """Add the change in score, rank and grade per group since last year.

    ``previous`` is last year's :class:`Result`, its ``scores`` frame, or the path of its
    ``scores.xlsx``. ``scores`` gains ``previous_score, score_change, previous_rank, rank_change`` (positive:
    moved up), ``previous_grade`` and ``grade_change`` (``up``, ``down``, ``same`` or ``new``).
    ``year_over_year`` lists every group of either year with ``status`` ``both``, ``new``
    or ``gone``: groups are marked, never dropped.
    """
    order = result.scheme.band_names
    level = {name: i for i, name in enumerate(order)}
    prev = previous_scores(previous).rename(
        columns={"final_score": "previous_score", "rank": "previous_rank", "grade": "previous_grade"}
    )
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
    table = both[
        [
            "group_id",
            "name",
            "status",
            "final_score",
            "previous_score",
            "score_change",
            "rank",
            "previous_rank",
            "rank_change",
            "grade",
            "previous_grade",
            "grade_change",
        ]
    ]
    return replace(result, scores=scores, year_over_year=table.reset_index(drop=True))
