"""Raw indicator values per group (the scoring rules (docs/reference/scoring.md)), vectorised over all groups at once.

Each function takes the validated tables and the assessment window and returns a Series
indexed by every group_id; a group without the data an indicator needs gets NaN
("missing"). Counting rules follow the scoring rules (docs/reference/scoring.md); where it leaves room, the choice is written
in the function's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from assess.intake import Scheme

__all__ = ["Window", "Share", "compute_indicators", "share_counts"]


@dataclass(frozen=True)
class Window:
    """The assessment year ``year`` and the assessment date ``as_of``."""

    year: int
    as_of: pd.Timestamp

    def contains(self, dates: pd.Series) -> pd.Series:
        """Dates inside the year and on or before ``as_of``."""
        return (dates.dt.year == self.year) & (dates <= self.as_of)

    def period_starts(self, labels: pd.Series, kind: str) -> pd.Series:
        """First day of each ``YYYY-MM`` month or ``YYYY-Qn`` quarter label."""
        if kind == "month":
            return pd.to_datetime(labels + "-01", format="%Y-%m-%d")
        q = labels.str[-1].astype(int)
        return pd.to_datetime(
            labels.str[:4] + "-" + ((q - 1) * 3 + 1).astype(str).str.zfill(2) + "-01", format="%Y-%m-%d"
        )

    def contains_period(self, labels: pd.Series, kind: str) -> pd.Series:
        """Months or quarters of the year that have begun by ``as_of``."""
        return self.contains(self.period_starts(labels, kind)) if len(labels) else pd.Series(False, index=labels.index)


def _per_group(values: pd.Series, groups: pd.Index) -> pd.Series:
    return values.reindex(groups)


class Share(NamedTuple):
    """A share indicator's evidence per group: ``x`` successes out of ``n`` (the
    uncertainty analysis draws the share from its Beta posterior given these counts)."""

    x: pd.Series
    n: pd.Series

    @property
    def value(self) -> pd.Series:
        """x / n; NaN where n is 0."""
        return (self.x / self.n).where(self.n > 0)


def _share(num: pd.Series, den: pd.Series, groups: pd.Index) -> Share:
    """num out of den per group (absent counts are 0)."""
    return Share(num.reindex(groups, fill_value=0).astype(float), den.reindex(groups, fill_value=0).astype(float))


def _ledger(t: dict[str, pd.DataFrame], w: Window, groups: pd.Index) -> dict[str, pd.Series | Share]:
    """``ledger_on_time`` over the 12 months of the year and ``ledger_completeness``.

    A ledger counts as submitted only if ``submitted_on`` is on or before ``as_of``
    (what happened after the assessment date is not yet known at it).
    """
    led = t["ledger"]
    led = led[led["month"].str.startswith(f"{w.year}-") & w.contains_period(led["month"], "month")]
    submitted = led["submitted_on"].notna() & (led["submitted_on"] <= w.as_of)
    on_time = submitted & (led["submitted_on"] <= led["due_date"])
    months = pd.Series(12.0, index=groups)
    completeness = led.loc[submitted, "completeness"].groupby(led.loc[submitted, "group_id"]).mean()
    return {
        "ledger_on_time": _share(on_time.groupby(led["group_id"]).sum(), months, groups),
        "ledger_completeness": _per_group(completeness, groups),
    }


def _recipient_counts(t: dict[str, pd.DataFrame], groups: pd.Index) -> pd.Series:
    return t["recipients"].groupby("group_id").size().reindex(groups, fill_value=0)


def _visits(t: dict[str, pd.DataFrame], w: Window, groups: pd.Index, n_rec: pd.Series) -> dict[str, pd.Series | Share]:
    """``visit_coverage`` (recipient-quarters with a visit ÷ 4 × assigned recipients), ``visits_per_recipient``."""
    v = t["visits"]
    v = v[w.contains(v["date"])]
    pairs = pd.DataFrame(
        {"group_id": v["group_id"], "recipient_id": v["recipient_id"], "q": v["date"].dt.quarter}
    ).drop_duplicates()
    covered = pairs.groupby("group_id").size()
    return {
        "visit_coverage": _share(covered, n_rec * 4, groups),
        "visits_per_recipient": _share(v.groupby("group_id").size(), n_rec, groups).value,  # a rate, not a share
    }


def _problems(t: dict[str, pd.DataFrame], w: Window, groups: pd.Index) -> dict[str, pd.Series | Share]:
    """``problem_resolution``, ``problem_on_time`` and ``problem_overdue_open``."""
    p = t["problems"]
    resolved_by = (p["status"] == "resolved") & (p["resolved_on"] <= w.as_of)
    raised = w.contains(p["raised_on"])
    gid = p["group_id"]
    due = raised & (p["deadline"] <= w.as_of)
    on_time = due & resolved_by & (p["resolved_on"] <= p["deadline"])
    overdue = (p["raised_on"] <= w.as_of) & (p["deadline"] < w.as_of) & ~resolved_by
    return {
        "problem_resolution": _share((raised & resolved_by).groupby(gid).sum(), raised.groupby(gid).sum(), groups),
        "problem_on_time": _share(on_time.groupby(gid).sum(), due.groupby(gid).sum(), groups),
        "problem_overdue_open": overdue.groupby(gid).sum().reindex(groups, fill_value=0).astype(float),
    }


def _milestones(t: dict[str, pd.DataFrame], w: Window, groups: pd.Index) -> dict[str, pd.Series | Share]:
    """``milestone_on_time`` and ``investment_completion`` (capped at 1) over milestones planned in the window."""
    m = t["milestones"]
    m = m[w.contains(m["planned_date"])]
    on_time = m["completed_on"].notna() & (m["completed_on"] <= m["planned_date"])
    funded = m[m["investment_planned"] > 0]
    done = funded["investment_completed"].fillna(0).groupby(funded["group_id"]).sum()
    planned = funded["investment_planned"].groupby(funded["group_id"]).sum()
    return {
        "milestone_on_time": _share(on_time.groupby(m["group_id"]).sum(), m.groupby("group_id").size(), groups),
        "investment_completion": _share(done, planned, groups).value.clip(upper=1.0),  # amounts, not counts
    }


def rating_rows(t: dict[str, pd.DataFrame], w: Window) -> pd.DataFrame:
    """The item-level ratings of quarters of the year that have begun by ``as_of``."""
    r = t["ratings"]
    return r[r["quarter"].str.startswith(f"{w.year}-Q") & w.contains_period(r["quarter"], "quarter")]


def rating_responses(t: dict[str, pd.DataFrame], w: Window, scheme: Scheme) -> pd.DataFrame:
    """One response per (group, recipient, quarter): the mean of its items, mapped to 0–100."""
    r = rating_rows(t, w)
    lo, hi = scheme.rating_scale
    scaled = (r["score"] - lo) / (hi - lo) * 100.0
    frame = pd.DataFrame(
        {"group_id": r["group_id"], "recipient_id": r["recipient_id"], "quarter": r["quarter"], "score": scaled}
    )
    return frame.groupby(["group_id", "recipient_id", "quarter"], as_index=False)["score"].mean()


def _ratings(resp: pd.DataFrame, groups: pd.Index, n_rec: pd.Series, scheme: Scheme) -> dict[str, pd.Series | Share]:
    """``rating_score`` (shrunk toward the grand mean) and ``rating_response`` from the responses."""
    k = scheme.rating_prior_weight
    by = resp.groupby("group_id")["score"]
    n = by.size().reindex(groups, fill_value=0).astype(float)
    total = by.sum().reindex(groups, fill_value=0.0)
    grand = resp["score"].mean() if len(resp) else np.nan
    shrunk = ((total + k * grand) / (n + k)).where(n > 0)
    return {"rating_score": shrunk, "rating_response": _share(by.size(), n_rec * 4, groups)}


def _builtin(
    tables: dict[str, pd.DataFrame], window: Window, scheme: Scheme, responses: pd.DataFrame | None
) -> tuple[pd.Index, dict[str, pd.Series | Share]]:
    groups = pd.Index(tables["groups"]["group_id"], name="group_id")
    if responses is None:
        responses = rating_responses(tables, window, scheme)
    n_rec = _recipient_counts(tables, groups)
    parts: dict[str, pd.Series | Share] = {}
    parts |= _ledger(tables, window, groups)
    parts |= _visits(tables, window, groups, n_rec)
    parts |= _problems(tables, window, groups)
    parts |= _milestones(tables, window, groups)
    parts |= _ratings(responses, groups, n_rec, scheme)
    return groups, parts


def compute_indicators(
    tables: dict[str, pd.DataFrame], window: Window, scheme: Scheme, responses: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every built-in indicator for every group, then the office's own from the
    ``indicators`` sheet: a frame indexed by ``group_id``.

    ``responses`` (from :func:`rating_responses`) defaults to the plain responses.
    """
    groups, parts = _builtin(tables, window, scheme, responses)
    values = {k: v.value if isinstance(v, Share) else v for k, v in parts.items()}
    own = tables["indicators"].pivot(index="group_id", columns="indicator", values="value")
    return pd.concat([pd.DataFrame(values, index=groups), own.reindex(groups)], axis=1).astype(float)


def share_counts(
    tables: dict[str, pd.DataFrame], window: Window, scheme: Scheme, responses: pd.DataFrame | None = None
) -> dict[str, Share]:
    """The counts behind each share indicator (``ledger_on_time``, ``visit_coverage``,
    ``problem_resolution``, ``problem_on_time``, ``milestone_on_time``, ``rating_response``):
    the evidence the uncertainty analysis draws from."""
    _, parts = _builtin(tables, window, scheme, responses)
    return {k: v for k, v in parts.items() if isinstance(v, Share)}
