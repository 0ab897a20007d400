"""The numbers behind each section of a group's report, as plain DataFrames and dicts.

Pure functions of a loaded :class:`~assess.scoring._result.Result` and a ``group_id``: no HTML, no
labels, no rounding (that is :mod:`assess.reporting.sections`'s job), so each number can be checked
against ``scores.xlsx`` or recomputed by hand. Counting rules follow the scoring rules (docs/reference/scoring.md) and the
indicator definitions in :mod:`assess.scoring._indicators`: the same window (the assessment year up
to ``as_of``), the same notion of "resolved by ``as_of``".

A result without the validated inputs (``result.inputs`` empty, e.g. one built by hand)
gives empty tables rather than an error.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from assess.common import TOL as _TOL
from assess.scoring import Result, Window, rating_rows

__all__ = [
    "window",
    "quarters",
    "summary",
    "indicators",
    "strengths",
    "rating_responses",
    "ratings_by_quarter",
    "rating_summary",
    "comments",
    "problem_counts",
    "overdue_problems",
    "all_overdue_problems",
    "OVERDUE_SHEET",
    "resolution",
    "milestones",
    "investment",
    "adjustments",
    "adjustment_totals",
    "quality_notes",
    "standing",
    "missing_data",
    "improvements",
    "PRIORITIES",
]

#: Problem priorities in display order; ``none`` stands for a blank priority.
PRIORITIES = ("urgent", "major", "common", "none")
#: The sheet of ``scores.xlsx`` that lists every group's overdue problems (:func:`all_overdue_problems`):
#: a report's table shows the first few and points there for the rest.
OVERDUE_SHEET = "overdue_problems"


def window(result: Result) -> Window:
    """The assessment window (year and ``as_of``) of ``result``."""
    year = int(result.meta["year"])
    as_of = result.meta.get("as_of") or f"{year}-12-31"
    return Window(year, pd.Timestamp(as_of).normalize())


def quarters(result: Result) -> list[str]:
    """The quarters of the assessment year that have begun by ``as_of`` (``YYYY-Qn``)."""
    w = window(result)
    labels = pd.Series([f"{w.year}-Q{q}" for q in range(1, 5)])
    return labels[w.contains_period(labels, "quarter").to_numpy()].tolist()


def _months(result: Result) -> list[str]:
    w = window(result)
    labels = pd.Series([f"{w.year}-{m:02d}" for m in range(1, 13)])
    return labels[w.contains_period(labels, "month").to_numpy()].tolist()


def _sheet(result: Result, sheet: str) -> pd.DataFrame:
    table = result.inputs.get(sheet)
    return table if table is not None else pd.DataFrame(columns=["group_id"])


def _rows(result: Result, sheet: str, group_id: str) -> pd.DataFrame:
    table = _sheet(result, sheet)
    return table[table["group_id"] == group_id].reset_index(drop=True)


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of ``frame``, or an all-missing one when the sheet lacks it."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _dates(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_datetime(_col(frame, name), errors="coerce")


def _recipient_names(result: Result) -> dict[str, str]:
    table = _sheet(result, "recipients")
    if "recipient_id" not in table.columns:
        return {}
    return dict(zip(table["recipient_id"].astype(str), _col(table, "name"), strict=True))


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` sorted by those of ``keys`` it has (stable)."""
    present = [k for k in keys if k in frame.columns]
    return frame.sort_values(present, kind="stable") if present else frame


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


# ---- summary ----------------------------------------------------------------------------


def summary(result: Result, group_id: str) -> dict[str, Any]:
    """The summary card's numbers.

    Returns
    -------
    dict
        ``final_score, base_score, bonus, deduction`` (floats, NaN when missing), ``grade``
        (band name or None), ``rank`` (int or None), ``n_groups``, ``flags`` (list of flag
        names), ``components`` ({name: score}) and ``previous``: None without last year's
        scores, else ``{status, previous_score, score_change, previous_rank, rank_change,
        previous_grade, grade_change}`` (``status`` ``both`` or ``new``).
    """
    row = result.group(group_id)
    names = [c for c in result.scheme.components if c in result.scores.columns]
    if not names:
        names = [c for c in ("daily_work", "effectiveness", "service_rating") if c in result.scores.columns]
    grade = row.get("grade")
    rank = _number(row.get("rank"))
    previous = None
    if "previous_score" in result.scores.columns:
        before = _number(row.get("previous_score"))
        previous = {
            "status": "new" if math.isnan(before) else "both",
            "previous_score": before,
            "score_change": _number(row.get("score_change")),
            "previous_rank": _number(row.get("previous_rank")),
            "rank_change": _number(row.get("rank_change")),
            "previous_grade": row.get("previous_grade") if isinstance(row.get("previous_grade"), str) else None,
            "grade_change": row.get("grade_change") if isinstance(row.get("grade_change"), str) else None,
        }
    flags = str(row.get("flags")) if isinstance(row.get("flags"), str) else ""
    return {
        "final_score": _number(row.get("final_score")),
        "base_score": _number(row.get("base_score")),
        "bonus": _number(row.get("bonus")),
        "deduction": _number(row.get("deduction")),
        "grade": grade if isinstance(grade, str) and grade else None,
        "rank": None if math.isnan(rank) else int(rank),
        "n_groups": len(result.scores),
        "flags": [f.strip() for f in flags.split(";") if f.strip()],
        "components": {name: _number(row.get(name)) for name in names},
        "previous": previous,
    }


# ---- indicators -------------------------------------------------------------------------

_INDICATOR_COLUMNS = [
    "indicator",
    "component",
    "raw",
    "normalized",
    "weight",
    "effective_weight",
    "points",
    "vs_median",
]


def indicators(result: Result, group_id: str) -> pd.DataFrame:
    """The group's indicators, in the scheme's component order.

    Columns ``indicator, component, raw, normalized, weight`` (the scheme's weight inside
    the component, as in ``scores.xlsx``), ``effective_weight, points, vs_median`` (from
    ``result.contributions``; NaN when the result has none). ``points`` add up to the
    base score.
    """
    result.group(group_id)  # KeyError for an unknown group
    own = result.indicators[result.indicators["group_id"] == group_id]
    frame = own[["indicator", "component", "raw", "normalized", "weight"]].reset_index(drop=True)
    if result.contributions is not None:
        contrib = result.contributions[result.contributions["group_id"] == group_id]
        extra = contrib.set_index("indicator")[["effective_weight", "points", "vs_median"]]
        frame = frame.join(extra, on="indicator")
    for column in _INDICATOR_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan
    order = {name: i for i, name in enumerate(result.scheme.components)}
    position = frame["component"].map(lambda c: order.get(c, len(order)))
    frame = frame.iloc[position.argsort(kind="stable").to_numpy()].reset_index(drop=True)
    for column in ("raw", "normalized", "weight", "effective_weight", "points", "vs_median"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame[_INDICATOR_COLUMNS]


def strengths(result: Result, group_id: str, n: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` indicators furthest above and below the median group (``vs_median``).

    Returns ``(strongest, weakest)``, each with the columns of :func:`indicators`;
    strongest only holds indicators above the median, weakest only those below, the
    furthest first (ties keep the scheme's order). An indicator with an effective weight
    of 0 (it does not count for this group) is neither.
    """
    table = indicators(result, group_id).dropna(subset=["vs_median"])
    table = table[~(table["effective_weight"].abs() <= _TOL)]  # an indicator that weighs nothing says nothing
    above = table[table["vs_median"] > _TOL].sort_values("vs_median", ascending=False, kind="stable")
    below = table[table["vs_median"] < -_TOL].sort_values("vs_median", ascending=True, kind="stable")
    return above.head(n).reset_index(drop=True), below.head(n).reset_index(drop=True)


# ---- ratings ----------------------------------------------------------------------------


def rating_responses(result: Result) -> pd.DataFrame:
    """Every group's responses: one row per (group, recipient, quarter), the mean of its
    items mapped from the scheme's scale to 0–100, as observed (no leniency correction)."""
    ratings = _sheet(result, "ratings")
    if ratings.empty or "quarter" not in ratings.columns:
        return pd.DataFrame({"group_id": [], "recipient_id": [], "quarter": [], "score": []})
    rows = rating_rows({"ratings": ratings}, window(result))
    lo, hi = result.scheme.rating_scale
    scaled = (pd.to_numeric(rows["score"], errors="coerce") - lo) / (hi - lo) * 100.0
    frame = pd.DataFrame(
        {
            "group_id": rows["group_id"],
            "recipient_id": rows["recipient_id"],
            "quarter": rows["quarter"],
            "score": scaled,
        }
    )
    return frame.groupby(["group_id", "recipient_id", "quarter"], as_index=False, sort=True)["score"].mean()


def ratings_by_quarter(result: Result, group_id: str) -> pd.DataFrame:
    """The group's mean response per quarter against the spread of all groups' means.

    One row per quarter of the year begun by ``as_of``: ``quarter, mean, responses`` (this
    group; NaN/0 without responses) and, over the groups rated that quarter, ``groups,
    min, q1, median, q3, max``.
    """
    result.group(group_id)
    responses = rating_responses(result)
    per_group = responses.groupby(["quarter", "group_id"])["score"].agg(["mean", "size"]).reset_index()
    rows = []
    for quarter in quarters(result):
        block = per_group[per_group["quarter"] == quarter]
        own = block[block["group_id"] == group_id]
        means = block["mean"]
        q = means.quantile([0.0, 0.25, 0.5, 0.75, 1.0]).to_numpy() if len(means) else [np.nan] * 5
        rows.append(
            {
                "quarter": quarter,
                "mean": float(own["mean"].iloc[0]) if len(own) else np.nan,
                "responses": int(own["size"].iloc[0]) if len(own) else 0,
                "groups": len(means),
                "min": q[0],
                "q1": q[1],
                "median": q[2],
                "q3": q[3],
                "max": q[4],
            }
        )
    columns = ["quarter", "mean", "responses", "groups", "min", "q1", "median", "q3", "max"]
    return pd.DataFrame(rows, columns=columns)


def rating_summary(result: Result, group_id: str) -> dict[str, Any]:
    """Response rate and reliability of the group's ratings.

    ``responses, raters, straight_liners, few_raters`` (from ``result.ratings_quality``),
    ``possible`` (assigned recipients × quarters of the year), ``response_rate`` and
    ``rating_score`` (the raw indicators), ``min_raters``, ``prior_weight`` (the shrinkage's
    ``k``), ``reliability`` (the group's own: ICC(1) stepped up to its number of responses;
    NaN in a result written before it was computed), and the overall ``icc1, alpha,
    total_responses, icc1k`` of ``meta['ratings']``.

    ``icc1k`` is the reliability of a group's mean rating, ICC(1,k); a result without it
    (written before it was computed) gets it from ICC(1) by the Spearman–Brown formula
    with k the mean number of responses per rated group, which is the same number for
    balanced groups. ``icc1k_estimated`` says which.
    """
    result.group(group_id)
    quality: dict[str, Any] = {}
    if result.ratings_quality is not None:
        rows = result.ratings_quality[result.ratings_quality["group_id"] == group_id]
        quality = rows.iloc[0].to_dict() if len(rows) else {}
    raw: dict[str, Any] = {}
    if result.raw is not None:
        rows = result.raw[result.raw["group_id"] == group_id]
        raw = rows.iloc[0].to_dict() if len(rows) else {}
    overall = result.meta.get("ratings") or {}
    n_recipients = len(_rows(result, "recipients", group_id))
    icc1k, estimated = _number(overall.get("icc1k")), False
    if math.isnan(icc1k):
        icc1, estimated = _number(overall.get("icc1")), True
        rated = 0
        if result.ratings_quality is not None and "responses" in result.ratings_quality.columns:
            per_group = result.ratings_quality[result.ratings_quality["group_id"] != "(all)"]["responses"]
            rated = int((pd.to_numeric(per_group, errors="coerce") > 0).sum())
        k = int(overall.get("responses", 0) or 0) / rated if rated else math.nan
        if not math.isnan(icc1) and k > 0 and 1 + (k - 1) * icc1 > 0:
            icc1k = k * icc1 / (1 + (k - 1) * icc1)
    return {
        "responses": int(quality.get("responses", 0) or 0),
        "raters": int(quality.get("raters", 0) or 0),
        "straight_liners": int(quality.get("straight_liners", 0) or 0),
        "few_raters": bool(quality.get("few_raters", False)),
        "possible": n_recipients * 4,
        "response_rate": _number(raw.get("rating_response")),
        "rating_score": _number(raw.get("rating_score")),
        "min_raters": result.scheme.rating_min_raters,
        "prior_weight": _number(result.scheme.rating_prior_weight),
        "icc1": _number(overall.get("icc1")),
        "icc1k": icc1k,
        "icc1k_estimated": estimated,
        "reliability": _number(quality.get("reliability")),
        "alpha": _number(overall.get("alpha")),
        "total_responses": int(overall.get("responses", 0) or 0),
    }


def comments(result: Result, group_id: str) -> pd.DataFrame:
    """The recipients' comments on the group in the window: ``quarter, recipient, comment``.

    One row per distinct (quarter, recipient, comment), ordered by quarter and recipient;
    ``recipient`` is the recipient's name (its ID when it has none). Text is returned as
    written: escaping is the display's job.
    """
    result.group(group_id)
    ratings = _rows(result, "ratings", group_id)
    if ratings.empty or "comment" not in ratings.columns:
        return pd.DataFrame({"quarter": [], "recipient": [], "comment": []}, dtype=object)
    rows = rating_rows({"ratings": ratings}, window(result))
    text = rows["comment"].astype(object).where(rows["comment"].notna(), "")
    rows = rows.assign(comment=text.map(lambda s: str(s).strip()))
    rows = rows[rows["comment"] != ""]
    rows = _sorted(rows.drop_duplicates(["quarter", "recipient_id", "comment"]), ["quarter", "recipient_id", "_row"])
    names = _recipient_names(result)
    recipient = [names.get(str(r)) or str(r) for r in rows["recipient_id"]]
    return pd.DataFrame(
        {
            "quarter": rows["quarter"].astype(str).to_numpy(),
            "recipient": recipient,
            "comment": rows["comment"].to_numpy(),
        },
        dtype=object,
    )


# ---- problems ---------------------------------------------------------------------------


def _problems(result: Result, group_id: str | None) -> pd.DataFrame:
    """The group's problems (every group's with ``None``) with parsed dates and status at ``as_of``."""
    p = _sheet(result, "problems") if group_id is None else _rows(result, "problems", group_id)
    w = window(result)
    raised = _dates(p, "raised_on")
    resolved_on = _dates(p, "resolved_on")
    resolved = (_col(p, "status") == "resolved") & resolved_on.notna() & (resolved_on <= w.as_of)
    priority = _col(p, "priority").astype(object).where(_col(p, "priority").isin(PRIORITIES[:-1]), "none")
    return p.assign(
        _raised=raised,
        _resolved_on=resolved_on,
        _deadline=_dates(p, "deadline"),
        _resolved=resolved.to_numpy(dtype=bool),
        _priority=priority,
        _in_year=w.contains(raised).to_numpy(dtype=bool) if len(p) else np.zeros(0, dtype=bool),
    )


def problem_counts(result: Result, group_id: str) -> pd.DataFrame:
    """Problems raised in the year up to ``as_of`` by priority and status at ``as_of``.

    Index: the priorities present (in :data:`PRIORITIES` order) and ``all``; columns
    ``open, resolved, all`` (ints).
    """
    result.group(group_id)
    p = _problems(result, group_id)
    p = p[p["_in_year"]]
    status = np.where(p["_resolved"], "resolved", "open")
    table = pd.crosstab(p["_priority"], status).reindex(columns=["open", "resolved"], fill_value=0)
    table = table.reindex([k for k in PRIORITIES if k in table.index])
    table.loc["all"] = table.sum()
    table["all"] = table["open"] + table["resolved"]
    table.index.name = "priority"
    table.columns.name = None
    return table.astype(int)


def overdue_problems(result: Result, group_id: str) -> pd.DataFrame:
    """Problems overdue at ``as_of``: raised on or before it in any year, deadline passed,
    not resolved by it (the rows counted by ``problem_overdue_open``).

    Columns ``problem_id, recipient, raised_on, priority, category, responsible_unit,
    responsible_person, deadline, days_overdue``, the longest overdue first.
    """
    result.group(group_id)
    w = window(result)
    p = _problems(result, group_id)
    late = p[(p["_raised"] <= w.as_of) & (p["_deadline"] < w.as_of) & ~p["_resolved"]]
    late = _sorted(late, ["_deadline", "problem_id"])
    names = _recipient_names(result)
    recipient = [names.get(str(r)) or (None if pd.isna(r) else str(r)) for r in _col(late, "recipient_id")]
    return pd.DataFrame(
        {
            "problem_id": _col(late, "problem_id").astype(object).to_numpy(),
            "recipient": recipient,
            "raised_on": late["_raised"].dt.date.to_numpy(),
            "priority": late["_priority"].to_numpy(),
            "category": _col(late, "category").astype(object).to_numpy(),
            "responsible_unit": _col(late, "responsible_unit").astype(object).to_numpy(),
            "responsible_person": _col(late, "responsible_person").astype(object).to_numpy(),
            "deadline": late["_deadline"].dt.date.to_numpy(),
            "days_overdue": (w.as_of - late["_deadline"]).dt.days.astype(int).to_numpy(),
        }
    )


def all_overdue_problems(result: Result) -> pd.DataFrame:
    """:func:`overdue_problems` of every group, one after the other in the groups' order, with
    a first column ``group_id`` (the :data:`OVERDUE_SHEET` sheet of ``scores.xlsx``)."""
    tables = [
        overdue_problems(result, group_id).assign(group_id=group_id)
        for group_id in result.scores["group_id"].astype(str)
    ]
    frame = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    columns = ["group_id", *(c for c in frame.columns if c != "group_id")]
    return frame[columns] if len(frame.columns) else frame


def _days_to_resolve(p: pd.DataFrame) -> pd.Series:
    done = p[p["_in_year"] & p["_resolved"]]
    return (done["_resolved_on"] - done["_raised"]).dt.days.astype(float)


def resolution(result: Result, group_id: str) -> dict[str, Any]:
    """Time to resolve the problems raised in the year and resolved by ``as_of``.

    ``resolved`` (count), ``median, mean, max`` (days; NaN when none), ``due`` (raised in
    the year with a deadline by ``as_of``), ``on_time`` (of those, resolved by the
    deadline) and ``all_median`` (days, over every group's resolved problems).
    """
    result.group(group_id)
    w = window(result)
    p = _problems(result, group_id)
    days = _days_to_resolve(p)
    due = p["_in_year"] & (p["_deadline"] <= w.as_of)
    on_time = due & p["_resolved"] & (p["_resolved_on"] <= p["_deadline"])
    all_days = _days_to_resolve(_problems(result, None))
    return {
        "resolved": len(days),
        "median": float(days.median()) if len(days) else math.nan,
        "mean": float(days.mean()) if len(days) else math.nan,
        "max": float(days.max()) if len(days) else math.nan,
        "due": int(due.sum()),
        "on_time": int(on_time.sum()),
        "all_median": float(all_days.median()) if len(all_days) else math.nan,
    }


# ---- milestones -------------------------------------------------------------------------


def _planned(result: Result, group_id: str) -> pd.DataFrame:
    m = _rows(result, "milestones", group_id)
    planned = _dates(m, "planned_date")
    inside = window(result).contains(planned) if len(m) else pd.Series(dtype=bool)
    return m.assign(_planned=planned, _completed=_dates(m, "completed_on"))[inside.to_numpy(dtype=bool)]


def milestones(result: Result, group_id: str) -> pd.DataFrame:
    """Milestones planned in the year up to ``as_of``, with their on-time status.

    Columns ``recipient, milestone, planned_date, completed_on, status`` (``on_time``:
    completed on or before the planned date, as ``milestone_on_time`` counts; ``late``:
    completed after it, by ``as_of``; ``not_done``: not completed by ``as_of``),
    ``investment_planned, investment_completed``; by planned date.
    """
    result.group(group_id)
    as_of = window(result).as_of
    m = _sorted(_planned(result, group_id), ["_planned", "milestone"])
    done = m["_completed"].notna()
    status = np.where(
        done & (m["_completed"] <= m["_planned"]),
        "on_time",
        np.where(done & (m["_completed"] <= as_of), "late", "not_done"),
    )
    names = _recipient_names(result)
    return pd.DataFrame(
        {
            "recipient": [names.get(str(r)) or str(r) for r in _col(m, "recipient_id")],
            "milestone": _col(m, "milestone").astype(object).to_numpy(),
            "planned_date": m["_planned"].dt.date.to_numpy(),
            "completed_on": m["_completed"].dt.date.astype(object).where(done, None).to_numpy(),
            "status": status.astype(object),
            "investment_planned": pd.to_numeric(_col(m, "investment_planned"), errors="coerce")
            .astype(float)
            .to_numpy(),
            "investment_completed": pd.to_numeric(_col(m, "investment_completed"), errors="coerce")
            .astype(float)
            .to_numpy(),
        }
    )


def investment(result: Result, group_id: str) -> dict[str, Any]:
    """Investment and milestone totals of the year.

    ``n`` milestones, ``on_time`` of them; ``planned`` and ``completed``: sums over the
    milestones with planned investment > 0 (as ``investment_completion`` counts), ``share``
    = completed ÷ planned (uncapped; NaN without planned investment).
    """
    table = milestones(result, group_id)
    funded = table[table["investment_planned"] > 0]
    planned = float(funded["investment_planned"].sum())
    completed = float(funded["investment_completed"].fillna(0).sum())
    return {
        "n": len(table),
        "on_time": int((table["status"] == "on_time").sum()),
        "planned": planned,
        "completed": completed,
        "share": completed / planned if planned > 0 else math.nan,
    }


# ---- adjustments ------------------------------------------------------------------------


def adjustments(result: Result, group_id: str) -> pd.DataFrame:
    """Bonus, deduction and veto rows of the year up to ``as_of``: ``date, kind, points, reason``."""
    result.group(group_id)
    a = _rows(result, "adjustments", group_id)
    dates = _dates(a, "date")
    inside = window(result).contains(dates).to_numpy(dtype=bool) if len(a) else np.zeros(0, dtype=bool)
    a = a.assign(_date=dates)[inside]
    a = _sorted(a, ["_date", "_row"])
    return pd.DataFrame(
        {
            "date": a["_date"].dt.date.to_numpy(),
            "kind": _col(a, "kind").astype(object).to_numpy(),
            "points": pd.to_numeric(_col(a, "points"), errors="coerce").astype(float).to_numpy(),
            "reason": _col(a, "reason").astype(object).to_numpy(),
        }
    )


def adjustment_totals(result: Result, group_id: str) -> dict[str, Any]:
    """What the adjustments did: ``bonus, deduction`` applied (after the caps, as in
    ``scores``), the raw sums ``bonus_sum, deduction_sum``, the caps and ``veto``."""
    table = adjustments(result, group_id)
    caps = result.scheme.adjustments
    row = summary(result, group_id)
    return {
        "bonus": row["bonus"],
        "deduction": row["deduction"],
        "bonus_sum": float(table.loc[table["kind"] == "bonus", "points"].fillna(0).sum()),
        "deduction_sum": float(table.loc[table["kind"] == "deduction", "points"].fillna(0).sum()),
        "bonus_cap": _number(caps.bonus_cap),
        "deduction_cap": _number(caps.deduction_cap),
        "veto": bool((table["kind"] == "veto").any()) or "veto" in row["flags"],
    }


# ---- data quality -----------------------------------------------------------------------


def quality_notes(result: Result, group_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Data-quality notes as ``(key, values)`` pairs; ``key`` names a ``quality.*`` label.

    In order: ``insufficient_data`` (``components``: names, ``missing``: what data is
    lacking, as :func:`missing_data`), ``missing_indicators`` (``indicators``: names), ``no_recipients``,
    ``ledger_missing`` / ``ledger_late`` (``months``), ``few_raters`` (``raters, min``),
    ``straight_lining`` (``n``). Empty when there is nothing to say. A veto or a quota
    demotion is not a data-quality matter: :func:`standing` gives them to the result card.
    """
    card = summary(result, group_id)
    notes: list[tuple[str, dict[str, Any]]] = []
    missing = [name for name, value in card["components"].items() if math.isnan(value)]
    if "insufficient_data" in card["flags"] or missing:
        notes.append(("insufficient_data", {"components": missing, "missing": missing_data(result, group_id, missing)}))
    table = indicators(result, group_id)
    absent = table.loc[table["normalized"].isna(), "indicator"].tolist()
    if absent:
        notes.append(("missing_indicators", {"indicators": absent}))
    if result.inputs and _rows(result, "recipients", group_id).empty:
        notes.append(("no_recipients", {}))
    months = ledger_months(result, group_id)
    if months["missing"]:
        notes.append(("ledger_missing", {"months": months["missing"]}))
    if months["late"]:
        notes.append(("ledger_late", {"months": months["late"]}))
    ratings = rating_summary(result, group_id)
    if ratings["few_raters"]:
        notes.append(("few_raters", {"raters": ratings["raters"], "min": ratings["min_raters"]}))
    if ratings["straight_liners"] > 0:
        notes.append(("straight_lining", {"n": ratings["straight_liners"]}))
    return notes


# ---- standing: rank, grade decision, partial scores ---------------------------------------

#: What an indicator without a value says about the data behind it (a ``missing.*`` label).
MISSING_DATA = {
    "ledger_on_time": "ledger",
    "ledger_completeness": "ledger",
    "visit_coverage": "recipients",
    "visits_per_recipient": "recipients",
    "problem_resolution": "problems",
    "problem_on_time": "problems_due",
    "problem_overdue_open": "problems",
    "milestone_on_time": "milestones",
    "investment_completion": "investment",
    "rating_score": "ratings",
    "rating_response": "ratings",
}


def _flagged(result: Result, flag: str) -> pd.Series:
    flags = result.scores["flags"] if "flags" in result.scores.columns else pd.Series("", index=result.scores.index)
    return flags.fillna("").astype(str).str.split(";").map(lambda names: flag in [n.strip() for n in names])


def missing_data(
    result: Result, group_id: str, components: list[str] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """What data the group lacks, as ``(key, values)`` pairs naming ``missing.*`` labels.

    One entry per kind of missing data behind the indicators without a value (``milestones``:
    no project milestones planned in the year, ``ratings``, ``problems_due``, ...); the
    office's own indicators give ``indicator`` with ``{"indicator": name}``. ``values``
    always holds ``year`` and ``indicators`` (the indicator names concerned). With
    ``components``, only the indicators of those components count.
    """
    table = indicators(result, group_id)
    if components is not None:
        table = table[table["component"].isin(components)]
    absent = table.loc[table["normalized"].isna(), "indicator"].tolist()
    year = result.meta.get("year", "")
    found: dict[str, dict[str, Any]] = {}
    for name in absent:
        key = MISSING_DATA.get(name, "indicator")
        entry = found.setdefault(key if key != "indicator" else f"indicator:{name}", {"year": year, "indicators": []})
        entry["indicators"].append(name)
        if key == "indicator":
            entry["indicator"] = name
    for broad, narrow in (("milestones", "investment"), ("problems", "problems_due")):  # the broader fact says it all
        if broad in found and narrow in found:
            found[broad]["indicators"] += found.pop(narrow)["indicators"]
    return [(key.split(":")[0], values) for key, values in found.items()]


def _quota(result: Result, group_id: str, final: float) -> dict[str, Any] | None:
    """The quota that demoted the group: the best band it met above its grade, that band's
    quota size (as scoring computes it) and the group's place among the groups that met it."""
    bands = result.scheme.grades.bands
    names = result.scheme.band_names
    grade = result.group(group_id).get("grade")
    if grade not in names:
        return None
    scores = result.scores
    graded = scores["grade"].notna() & (scores["grade"].astype(str) != "")
    finals = pd.to_numeric(scores["final_score"], errors="coerce")
    for band in bands[: names.index(grade)]:
        share, floor = band.quota, band.min
        if share is None or final < floor - _TOL:
            continue
        from assess.scoring import quota_notes

        met = graded & ~_flagged(result, "veto") & (finals >= floor - _TOL)
        note = quota_notes(result).get(group_id)
        if note is None or note.band != band.name:
            return None
        return {
            "band": note.band,
            "quota": float(share),
            "cap": note.places,
            "position": note.position,
            "met": int(met.sum()),
            "tied_with": list(note.tied_with) if note.tied else [],
        }
    return None


def standing(result: Result, group_id: str) -> dict[str, Any]:
    """Where the group stands, for the result card and the index.

    Returns
    -------
    dict
        ``ranked`` (bool), ``rank`` (int or None), ``n_ranked`` (groups that are ranked:
        graded, not vetoed, with a rank), ``unranked_reason`` (``"veto"``,
        ``"insufficient_data"`` or None), ``partial`` (an ungraded group whose score is
        built from the components it has), ``missing_components``, ``missing_data``
        (:func:`missing_data`), ``veto_reasons`` and ``quota`` (``{band, quota, cap,
        position, met, tied_with}`` when a quota demoted the group, else None) and
        ``tie_break`` (``{above, component}`` when the scheme's tie-break ranked the group
        below another with the same final score, else None).

    A vetoed or ``insufficient_data`` group is never ranked, whatever ``scores.rank`` holds
    (the scoring rules (docs/reference/scoring.md), revised: only graded, not vetoed groups are ranked).
    """
    card = summary(result, group_id)
    scores = result.scores
    out_of_ranking = _flagged(result, "veto") | _flagged(result, "insufficient_data")
    ranks = (
        pd.to_numeric(scores["rank"], errors="coerce")
        if "rank" in scores.columns
        else pd.Series(np.nan, index=scores.index)
    )
    n_ranked = int((ranks.notna() & ~out_of_ranking).sum())
    reason = None
    if "veto" in card["flags"]:
        reason = "veto"
    elif "insufficient_data" in card["flags"] or card["grade"] is None:
        reason = "insufficient_data"
    missing = [name for name, value in card["components"].items() if math.isnan(value)]
    veto_reasons: list[str] = []
    if "veto" in card["flags"]:
        table = adjustments(result, group_id)
        veto_reasons = table.loc[table["kind"] == "veto", "reason"].dropna().astype(str).tolist()
    quota = None
    if "quota_demoted" in card["flags"] and not math.isnan(card["final_score"]):
        quota = _quota(result, group_id, card["final_score"])
    ranked = reason is None and card["rank"] is not None
    tie_break = None
    if ranked:
        from assess.scoring import tie_break_notes

        note = tie_break_notes(result).get(group_id)
        if note is not None:
            tie_break = {"above": note.above, "component": note.component}
    return {
        "ranked": ranked,
        "rank": card["rank"] if ranked else None,
        "n_ranked": n_ranked,
        "unranked_reason": reason,
        "partial": reason == "insufficient_data" and not math.isnan(card["final_score"]),
        "missing_components": missing,
        "missing_data": missing_data(result, group_id, missing) if reason == "insufficient_data" else [],
        "veto_reasons": veto_reasons,
        "quota": quota,
        "tie_break": tie_break,
    }


# ---- what to improve ------------------------------------------------------------------------


def ledger_months(result: Result, group_id: str) -> dict[str, list[str]]:
    """Months of the window whose ledger was ``missing`` (not submitted by ``as_of``) or
    ``late`` (submitted after its due date)."""
    if not result.inputs:
        return {"missing": [], "late": []}
    ledger = _rows(result, "ledger", group_id)
    as_of = window(result).as_of
    submitted = _dates(ledger, "submitted_on")
    filed = ledger.assign(_submitted=submitted)[submitted.notna() & (submitted <= as_of)]
    filed_months = set(_col(filed, "month").astype(str))
    months = _months(result)
    late = filed[filed["_submitted"] > _dates(filed, "due_date")]
    return {
        "missing": [m for m in months if m not in filed_months],
        "late": sorted({m for m in _col(late, "month").astype(str) if m in months}),
    }


def improvements(
    result: Result, group_id: str, limit: int = 4, min_points: float = 0.3
) -> list[tuple[str, dict[str, Any]]]:
    """What the group should improve, by rules on its numbers, as ``(key, values)`` pairs.

    In order, at most ``limit``:

    - ``overdue``: problems overdue at ``as_of`` (``n``, ``longest`` days, and the longest
      one's ``problem_id, category, responsible_unit``);
    - ``weak``: the indicators costing the most points against the median group — points
      lost = (median's normalised score − the group's) × effective weight, at least
      ``min_points``; never an indicator with an effective weight of 0 (``indicator,
      value, median, lost``); at most two;
    - ``ledger_missing`` / ``ledger_late``: months whose ledger is missing or was late
      (``n, months``);
    - ``milestones_open``: milestones planned by ``as_of`` and not completed (``n``).

    Empty when there is nothing to improve against these rules.
    """
    items: list[tuple[str, dict[str, Any]]] = []
    overdue = overdue_problems(result, group_id)
    if len(overdue):
        worst = overdue.sort_values("days_overdue", ascending=False, kind="stable").iloc[0]
        items.append(
            (
                "overdue",
                {
                    "n": len(overdue),
                    "longest": int(worst["days_overdue"]),
                    "problem_id": worst["problem_id"],
                    "category": worst["category"],
                    "responsible_unit": worst["responsible_unit"],
                },
            )
        )
    table = indicators(result, group_id).dropna(subset=["vs_median", "effective_weight", "normalized"])
    table = table[table["effective_weight"] > _TOL]
    lost = -table["vs_median"] * table["effective_weight"]
    table = table.assign(lost=lost)[lost >= min_points].sort_values("lost", ascending=False, kind="stable")
    for row in table.head(2).itertuples():
        items.append(
            (
                "weak",
                {
                    "indicator": row.indicator,
                    "value": float(row.normalized),
                    "median": float(row.normalized - row.vs_median),
                    "lost": float(row.lost),
                },
            )
        )
    months = ledger_months(result, group_id)
    if months["missing"]:
        items.append(("ledger_missing", {"n": len(months["missing"]), "months": months["missing"]}))
    elif months["late"]:
        items.append(("ledger_late", {"n": len(months["late"]), "months": months["late"]}))
    if result.inputs:
        planned = milestones(result, group_id)
        open_ = int((planned["status"] == "not_done").sum())
        if open_:
            items.append(("milestones_open", {"n": open_, "of": len(planned)}))
    return items[:limit]
