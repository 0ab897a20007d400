"""An independent, deliberately plain implementation of the scoring rules (docs/reference/scoring.md) with the default scheme.

This module is the test suite's second opinion on the scoring.  It was written from
the scoring rules of docs/reference/scoring.md alone (plus the package's documented choices where they leave room) and never
looks at ``assess.scoring._indicators`` or ``assess.scoring._compute``.  Everything is a loop over groups and
rows with plain Python numbers and ``datetime.date``; no vectorised pandas.

Choices where the rules leave room (the same ones the package documents):

* window: a dated row counts iff its date is in year ``Y`` and ``<= as_of`` (default ``Y-12-31``);
* ``ledger_on_time``: ledger rows whose month is in ``Y`` and whose first day is ``<= as_of``;
  a row is on time iff ``submitted_on`` is set, ``<= as_of`` and ``<= due_date``; the count is
  divided by 12 always;
* ``ledger_completeness``: mean completeness over those rows with ``submitted_on`` set and
  ``<= as_of`` (blank completeness ignored); none -> missing;
* ``visit_coverage``: distinct (recipient, calendar quarter) pairs among the visits in the window
  ÷ (4 × recipients assigned to the group); no recipients -> missing;
* a problem is resolved by ``as_of`` iff status is ``resolved`` and ``resolved_on <= as_of``;
* ``problem_on_time``: denominator = raised in the window and ``deadline <= as_of``; numerator
  additionally resolved by ``as_of`` with ``resolved_on <= deadline``;
* milestones count when ``planned_date`` is in the window; investment = Σ completed (blank = 0)
  ÷ Σ planned over rows with planned > 0, capped at 1;
* ratings count when the quarter is in ``Y`` and its first day is ``<= as_of``;
* adjustments count when dated in the window;
* quota size ``floor(0.2 × graded + 1e-9)``; scores within 1e-9 are equal.

``reference_raw`` (raw built-in indicators) and ``reference_adjustments`` are reused by
``tests/_support/reference_scheme.py``, the same reference generalised to any scheme.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field

import pandas as pd

EPS = 1e-9

#: Default scheme, written out by hand from the scoring rules (docs/reference/scoring.md).
COMPONENT_WEIGHTS = {"daily_work": 0.3, "effectiveness": 0.4, "service_rating": 0.3}
INDICATORS = {  # name: (component, weight, goalpost lo, goalpost hi)
    "ledger_on_time": ("daily_work", 0.4, 0.0, 1.0),
    "ledger_completeness": ("daily_work", 0.2, 0.0, 1.0),
    "visit_coverage": ("daily_work", 0.4, 0.0, 1.0),
    "problem_resolution": ("effectiveness", 0.3, 0.0, 1.0),
    "problem_on_time": ("effectiveness", 0.3, 0.0, 1.0),
    "milestone_on_time": ("effectiveness", 0.2, 0.0, 1.0),
    "investment_completion": ("effectiveness", 0.2, 0.0, 1.0),
    "rating_score": ("service_rating", 0.8, 0.0, 100.0),
    "rating_response": ("service_rating", 0.2, 0.0, 1.0),
}
RATING_LO, RATING_HI = 1.0, 5.0
PRIOR_WEIGHT = 5.0
MIN_COVERAGE = 0.65
BONUS_CAP, DEDUCTION_CAP = 5.0, 20.0
BANDS = [("excellent", 90.0, 0.20), ("good", 80.0, None), ("pass", 60.0, None), ("fail", 0.0, None)]
TIE_BREAK = ["effectiveness", "service_rating", "daily_work"]


@dataclass
class GroupScore:
    group_id: str
    raw: dict[str, float | None] = field(default_factory=dict)  # also the two unweighted indicators
    normalized: dict[str, float | None] = field(default_factory=dict)
    components: dict[str, float | None] = field(default_factory=dict)
    base: float | None = None
    bonus: float = 0.0
    deduction: float = 0.0
    final: float | None = None
    grade: str | None = None
    rank: int | None = None
    flags: set[str] = field(default_factory=set)


# ---- small helpers ---------------------------------------------------------------------------


def _missing(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _date(v) -> dt.date | None:
    if _missing(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return pd.Timestamp(v).date()


def _num(v) -> float | None:
    return None if _missing(v) else float(v)


def _rows(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None:
        return []
    return frame.to_dict("records")


def _quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _parse_quarter(q: str) -> tuple[int, int]:
    year, n = q.split("-Q")
    return int(year), int(n)


def _parse_month(m: str) -> tuple[int, int]:
    year, month = m.split("-")
    return int(year), int(month)


def _mean(values: list[float]) -> float | None:
    if not values:
        return None
    total = 0.0
    for v in values:
        total += v
    return total / len(values)


# ---- the reference -----------------------------------------------------------------------------


def _window(year: int, as_of: dt.date):
    year_start = dt.date(year, 1, 1)
    year_end = dt.date(year, 12, 31)

    def in_window(d: dt.date | None) -> bool:
        return d is not None and year_start <= d <= year_end and d <= as_of

    return in_window


def reference_raw(
    tables: dict[str, pd.DataFrame],
    year: int,
    as_of: str | dt.date | None = None,
    rating_scale: tuple[float, float] = (RATING_LO, RATING_HI),
    prior_weight: float = PRIOR_WEIGHT,
) -> dict[str, GroupScore]:
    """Every built-in indicator's raw value per group (``GroupScore.raw``), keyed by group_id.

    Only ``raw`` is filled; the other fields are left at their defaults.
    """
    scale_lo, scale_hi = (float(v) for v in rating_scale)
    prior = float(prior_weight)
    if as_of is None:
        as_of = dt.date(year, 12, 31)
    as_of = _date(as_of)
    in_window = _window(year, as_of)

    rows = {sheet: _rows(tables.get(sheet)) for sheet in ("ledger", "visits", "problems", "milestones")}
    groups = [r["group_id"] for r in _rows(tables["groups"])]
    out = {g: GroupScore(g) for g in groups}

    assigned: dict[str, list[str]] = {g: [] for g in groups}
    for r in _rows(tables["recipients"]):
        assigned[r["group_id"]].append(r["recipient_id"])

    # --- ledger ---
    for g in groups:
        on_time = 0
        completeness = []
        for r in rows["ledger"]:
            if r["group_id"] != g:
                continue
            y, m = _parse_month(r["month"])
            if y != year or dt.date(y, m, 1) > as_of:
                continue
            submitted = _date(r["submitted_on"])
            due = _date(r["due_date"])
            if submitted is not None and submitted <= as_of:
                if submitted <= due:
                    on_time += 1
                c = _num(r["completeness"])
                if c is not None:
                    completeness.append(c)
        out[g].raw["ledger_on_time"] = on_time / 12
        out[g].raw["ledger_completeness"] = _mean(completeness)

    # --- visits ---
    for g in groups:
        pairs = set()
        count = 0
        for r in rows["visits"]:
            if r["group_id"] != g:
                continue
            d = _date(r["date"])
            if not in_window(d):
                continue
            count += 1
            if r["recipient_id"] in assigned[g]:
                pairs.add((r["recipient_id"], _quarter_of(d)))
        n_rec = len(assigned[g])
        out[g].raw["visit_coverage"] = len(pairs) / (4 * n_rec) if n_rec else None
        out[g].raw["visits_per_recipient"] = count / n_rec if n_rec else None

    # --- problems ---
    def resolved_by(r, day: dt.date) -> bool:
        on = _date(r["resolved_on"])
        return r["status"] == "resolved" and on is not None and on <= day

    for g in groups:
        raised = resolved = 0
        due = due_on_time = 0
        overdue_open = 0
        for r in rows["problems"]:
            if r["group_id"] != g:
                continue
            raised_on = _date(r["raised_on"])
            deadline = _date(r["deadline"])
            if in_window(raised_on):
                raised += 1
                if resolved_by(r, as_of):
                    resolved += 1
                if deadline <= as_of:
                    due += 1
                    if resolved_by(r, as_of) and _date(r["resolved_on"]) <= deadline:
                        due_on_time += 1
            if raised_on <= as_of and deadline < as_of and not resolved_by(r, as_of):
                overdue_open += 1
        out[g].raw["problem_resolution"] = resolved / raised if raised else None
        out[g].raw["problem_on_time"] = due_on_time / due if due else None
        out[g].raw["problem_overdue_open"] = float(overdue_open)

    # --- milestones ---
    for g in groups:
        planned = on_time = 0
        inv_planned = inv_completed = 0.0
        inv_rows = 0
        for r in rows["milestones"]:
            if r["group_id"] != g:
                continue
            planned_date = _date(r["planned_date"])
            if not in_window(planned_date):
                continue
            planned += 1
            completed = _date(r["completed_on"])
            if completed is not None and completed <= planned_date:
                on_time += 1
            p = _num(r["investment_planned"])
            if p is not None and p > 0:
                inv_rows += 1
                inv_planned += p
                c = _num(r["investment_completed"])
                inv_completed += c if c is not None else 0.0
        out[g].raw["milestone_on_time"] = on_time / planned if planned else None
        out[g].raw["investment_completion"] = min(inv_completed / inv_planned, 1.0) if inv_rows else None

    # --- ratings ---
    items: dict[tuple[str, str, str], list[float]] = {}
    for r in _rows(tables["ratings"]):
        y, n = _parse_quarter(r["quarter"])
        if y != year or dt.date(y, 3 * (n - 1) + 1, 1) > as_of:
            continue
        mapped = (float(r["score"]) - scale_lo) / (scale_hi - scale_lo) * 100.0
        items.setdefault((r["group_id"], r["recipient_id"], r["quarter"]), []).append(mapped)
    responses: dict[tuple[str, str, str], float] = {key: _mean(vals) for key, vals in items.items()}
    grand_mean = _mean(list(responses.values()))
    for g in groups:
        mine = [v for (gg, _, _), v in responses.items() if gg == g]
        n = len(mine)
        if n:
            mean = _mean(mine)
            out[g].raw["rating_score"] = (n * mean + prior * grand_mean) / (n + prior)
        else:
            out[g].raw["rating_score"] = None
        n_rec = len(assigned[g])
        distinct = {(rec, q) for (gg, rec, q) in responses if gg == g}
        out[g].raw["rating_response"] = len(distinct) / (4 * n_rec) if n_rec else None

    return out


def reference_adjustments(
    tables: dict[str, pd.DataFrame],
    year: int,
    as_of: str | dt.date | None = None,
    bonus_cap: float = BONUS_CAP,
    deduction_cap: float = DEDUCTION_CAP,
) -> dict[str, tuple[float, float, bool]]:
    """Per group: (capped bonus, capped deduction, vetoed) from the adjustments in the window."""
    if as_of is None:
        as_of = dt.date(year, 12, 31)
    in_window = _window(year, _date(as_of))
    out = {}
    rows = _rows(tables.get("adjustments"))
    for g in [r["group_id"] for r in _rows(tables["groups"])]:
        bonus = deduction = 0.0
        veto = False
        for r in rows:
            if r["group_id"] != g or not in_window(_date(r["date"])):
                continue
            if r["kind"] == "bonus":
                bonus += _num(r["points"]) or 0.0
            elif r["kind"] == "deduction":
                deduction += _num(r["points"]) or 0.0
            elif r["kind"] == "veto":
                veto = True
        out[g] = (min(bonus, bonus_cap), min(deduction, deduction_cap), veto)
    return out


def reference_score(
    tables: dict[str, pd.DataFrame], year: int, as_of: str | dt.date | None = None
) -> dict[str, GroupScore]:
    """Score every group of ``tables`` by the scoring rules (docs/reference/scoring.md) (default scheme); keyed by group_id."""
    out = reference_raw(tables, year, as_of)
    groups = list(out)

    # --- normalise and aggregate ---
    for g in groups:
        s = out[g]
        for name, (_, _, lo, hi) in INDICATORS.items():
            x = s.raw[name]
            s.normalized[name] = None if x is None else min(max((x - lo) / (hi - lo), 0.0), 1.0) * 100.0
        for comp in COMPONENT_WEIGHTS:
            total_w = avail_w = acc = 0.0
            for name, (c, w, _, _) in INDICATORS.items():
                if c != comp:
                    continue
                total_w += w
                if s.normalized[name] is not None:
                    avail_w += w
                    acc += w * s.normalized[name]
            if avail_w == 0 or avail_w / total_w < MIN_COVERAGE - EPS:
                s.components[comp] = None
            else:
                s.components[comp] = acc / avail_w
        acc = avail_w = 0.0
        for comp, w in COMPONENT_WEIGHTS.items():
            if s.components[comp] is not None:
                acc += w * s.components[comp]
                avail_w += w
            else:
                s.flags.add("insufficient_data")
        s.base = acc / avail_w if avail_w else None

    # --- adjustments ---
    adjustments = reference_adjustments(tables, year, as_of)
    for g in groups:
        s = out[g]
        s.bonus, s.deduction, veto = adjustments[g]
        if veto:
            s.flags.add("veto")
        if s.base is not None:
            s.final = min(max(s.base + s.bonus - s.deduction, 0.0), 100.0)

    # --- grades with quotas ---
    graded = [g for g in groups if "insufficient_data" not in out[g].flags]
    n_graded = len(graded)
    lowest = BANDS[-1][0]
    remaining = []
    for g in graded:
        if "veto" in out[g].flags:
            out[g].grade = lowest
        else:
            remaining.append(g)

    def key(g: str) -> list[float]:
        return [out[g].final] + [out[g].components[c] for c in TIE_BREAK]

    def compare(a: str, b: str) -> int:  # best first
        for x, y in zip(key(a), key(b), strict=True):
            if abs(x - y) > EPS:
                return -1 if x > y else 1
        return 0

    for name, threshold, quota in BANDS:
        qualifying = [g for g in remaining if out[g].final >= threshold - EPS]
        if quota is None:
            admitted = qualifying
        else:
            size = math.floor(quota * n_graded + EPS)
            ordered = sorted(qualifying, key=functools.cmp_to_key(compare))
            if len(ordered) <= size:
                admitted = ordered
            else:
                first_out = ordered[size]
                admitted = [g for g in ordered[:size] if compare(g, first_out) != 0]
            for g in qualifying:
                if g not in admitted:
                    out[g].flags.add("quota_demoted")
        for g in admitted:
            out[g].grade = name
        remaining = [g for g in remaining if g not in admitted]

    competition_ranks(out, groups, compare)
    return out


def competition_ranks(out: dict, groups: list, compare=None) -> None:
    """Set the rank of each ranked group: 1 + the ranked groups that come strictly before
    it in the quota's order (final score, then the tie-break components, each within EPS).
    Ranked = graded and not vetoed (the scoring rules (docs/reference/scoring.md), revised): a rank never contradicts a grade,
    and groups share a rank only when equal on every key."""

    def ranked(g: str) -> bool:
        return out[g].final is not None and out[g].grade is not None and "veto" not in out[g].flags

    def before(h: str, g: str) -> bool:
        if compare is None:
            return out[h].final > out[g].final + EPS
        return compare(h, g) < 0

    for g in groups:
        if not ranked(g):
            continue
        better = 0
        for h in groups:
            if ranked(h) and before(h, g):
                better += 1
        out[g].rank = better + 1
