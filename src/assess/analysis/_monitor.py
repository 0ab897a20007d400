"""In-year monitoring (the in-year definitions (docs/reference/monitoring.md)): the figures of a month's bulletin or a quarter's review.

Every function here is a pure function of a validated :class:`~assess.intake._validate.Dataset`
and a date: :func:`as_known` cuts the dataset down to what was known at the end of the
period (rows dated after it are dropped, a problem resolved later is still open, a ledger
submitted later is not submitted yet, a quarter's ratings count once the quarter is over),
so the bulletin of a past month comes out the same whatever was added to the workbook since.
:func:`monitor` gathers every table of the bulletin into one frozen :class:`Monitor`, which
shows itself as HTML in JupyterLab.

Definitions (the in-year definitions (docs/reference/monitoring.md)), at the period's last day ``d``:

- a problem is *collected* on ``raised_on`` and *resolved* on ``resolved_on``; it is *overdue*
  when it is open at ``d`` and ``deadline < d`` (days overdue ``d − deadline``); *due soon* when
  open and ``d ≤ deadline ≤ d + 30 days``;
- a month's ledger is *on time* when ``submitted_on ≤ due_date``, *late* when submitted later,
  *missing* when not submitted by ``d`` (*not yet due* while ``due_date > d``); a group is
  *repeatedly late* when late or missing in at least 2 of the last 3 months of the year that
  have begun;
- the *provisional standing* (暂评) is the year-end score computed with ``as_of = d``
  (:func:`assess.scoring._compute.score` on the cut dataset), with its change since the end of
  the previous month (or quarter);
- milestones *due next month* are those planned in the next month and not completed by ``d``.

Examples
--------
>>> import assess                                          # doctest: +SKIP
>>> m = assess.monitor(assess.load("data/sample.xlsx"), month="2025-06")   # doctest: +SKIP
>>> m.overview["collected_ytd"], m.supervision.head()      # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assess.common import __version__, check_lang, message
from assess.intake import Dataset, Scheme, default_scheme
from assess.scoring import score

__all__ = ["Monitor", "Period", "parse_period", "as_known", "monitor", "trajectories", "DUE_SOON_DAYS", "LATE_WINDOW"]

#: "Due soon": open problems whose deadline falls within this many days after the period's end.
DUE_SOON_DAYS = 30
#: Repeatedly late: late or missing in at least ``LATE_WINDOW[0]`` of the last ``LATE_WINDOW[1]`` months.
LATE_WINDOW = (2, 3)


@dataclass(frozen=True)
class Period:
    """A month ``YYYY-MM`` or a quarter ``YYYY-Qn``: its label, first and last day."""

    label: str
    kind: str  # "month" or "quarter"
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def year(self) -> int:
        return int(self.start.year)

    @property
    def months(self) -> list[str]:
        """The months of the period, ``YYYY-MM``."""
        return [p.strftime("%Y-%m") for p in pd.period_range(self.start, self.end, freq="M")]

    def previous_end(self) -> pd.Timestamp | None:
        """The last day of the previous period inside the same year (``None`` for the first)."""
        before = self.start - pd.Timedelta(days=1)
        return before if before.year == self.year else None


def parse_period(month: str | None = None, quarter: str | None = None) -> Period:
    """The period of ``month`` (``2025-06``) or ``quarter`` (``2025-Q2``); ``ValueError`` otherwise.

    Examples
    --------
    >>> p = parse_period(quarter="2025-Q2")
    >>> p.start.date(), p.end.date(), p.months
    (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), ['2025-04', '2025-05', '2025-06'])
    """
    if (month is None) == (quarter is None):
        raise ValueError("give either a month (YYYY-MM, e.g. 2025-06) or a quarter (YYYY-Qn, e.g. 2025-Q2)")
    if month is not None:
        match = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"{month!r} is not a month; write it as YYYY-MM, e.g. 2025-06")
        start = pd.Timestamp(int(match.group(1)), int(match.group(2)), 1)
        return Period(f"{start:%Y-%m}", "month", start, start + pd.offsets.MonthEnd(0))
    assert quarter is not None
    match = re.fullmatch(r"(\d{4})-?Q([1-4])", quarter.strip().upper())
    if not match:
        raise ValueError(f"{quarter!r} is not a quarter; write it as YYYY-Qn, e.g. 2025-Q2")
    year, q = int(match.group(1)), int(match.group(2))
    start = pd.Timestamp(year, 3 * q - 2, 1)
    return Period(f"{year}-Q{q}", "quarter", start, start + pd.offsets.QuarterEnd(0))


def _quarter_end(label: pd.Series) -> pd.Series:
    """The last day of each ``YYYY-Qn`` label (NaT for anything else), worked out once per distinct label."""
    ends: dict[Any, pd.Timestamp] = {}
    for value in pd.unique(label):
        match = re.fullmatch(r"(\d{4})-?Q([1-4])", str(value).strip().upper())
        ends[value] = parse_period(quarter=str(value)).end if match else pd.NaT
    return label.map(ends)


def as_known(dataset: Dataset, day: str | pd.Timestamp) -> Dataset:
    """``dataset`` as it stood at the end of ``day``: only what is dated on or before it.

    Problems raised later are dropped, and one resolved later is open; a ledger submitted
    later is not submitted (blank date and completeness); visits, milestones planned and
    adjustments dated later are dropped, a milestone completed later is not completed; ledger
    months that have not begun and ratings of quarters not yet over are dropped.
    """
    d = pd.Timestamp(day).normalize()
    t = {name: table for name, table in dataset.tables.items()}
    p = t["problems"]
    p = p[p["raised_on"] <= d].copy()
    later = p["resolved_on"].notna() & (p["resolved_on"] > d)
    p.loc[later, "resolved_on"] = pd.NaT
    p.loc[later, "status"] = "open"
    t["problems"] = p
    led = t["ledger"]
    led = led[led["month"].astype("string") <= f"{d:%Y-%m}"].copy()
    later = led["submitted_on"].notna() & (led["submitted_on"] > d)
    led.loc[later, "submitted_on"] = pd.NaT
    led.loc[later, "completeness"] = np.nan
    t["ledger"] = led
    t["visits"] = t["visits"][t["visits"]["date"] <= d]
    ms = t["milestones"].copy()
    later = ms["completed_on"].notna() & (ms["completed_on"] > d)
    ms.loc[later, "completed_on"] = pd.NaT
    t["milestones"] = ms
    r = t["ratings"]
    t["ratings"] = r[(_quarter_end(r["quarter"]) <= d).fillna(False).to_numpy()] if len(r) else r
    a = t["adjustments"]
    t["adjustments"] = a[a["date"] <= d]
    return replace(dataset, tables=t, warnings=[])


# ---- the figures ---------------------------------------------------------------------------


def _between(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return dates.notna() & (dates >= start) & (dates <= end)


def _open_at(p: pd.DataFrame, d: pd.Timestamp) -> pd.Series:
    return (p["raised_on"] <= d) & ~(p["resolved_on"].notna() & (p["resolved_on"] <= d))


def overdue_at(problems: pd.DataFrame, d: pd.Timestamp) -> pd.Series:
    """Problems open at ``d`` whose deadline is before ``d`` (boolean mask)."""
    return _open_at(problems, d) & (problems["deadline"] < d)


def _rate(num: float, den: float) -> float:
    return num / den if den else math.nan


def _overview(t: dict[str, pd.DataFrame], period: Period, ledger: pd.DataFrame) -> dict[str, Any]:
    d, s, y0 = period.end, period.start, pd.Timestamp(period.year, 1, 1)
    p = t["problems"]
    raised_ytd = _between(p["raised_on"], y0, d)
    resolved_ytd = raised_ytd & p["resolved_on"].notna()
    visits = t["visits"]
    ms = t["milestones"]
    due_ytd = _between(ms["planned_date"], y0, d)
    due_now = _between(ms["planned_date"], s, d)
    done = ms["completed_on"].notna()
    invested = ms[due_ytd & (ms["investment_planned"].fillna(0) > 0)]
    status = ledger["status"].value_counts()
    out = {
        "collected": int(_between(p["raised_on"], s, d).sum()),
        "resolved": int(_between(p["resolved_on"], s, d).sum()),
        "collected_ytd": int(raised_ytd.sum()),
        "resolved_ytd": int(resolved_ytd.sum()),
        "open": int(_open_at(p, d).sum()),
        "overdue": int(overdue_at(p, d).sum()),
        "due_soon": int(
            (_open_at(p, d) & (p["deadline"] >= d) & (p["deadline"] <= d + pd.Timedelta(days=DUE_SOON_DAYS))).sum()
        ),
        "visits": int(_between(visits["date"], s, d).sum()),
        "visits_ytd": int(_between(visits["date"], y0, d).sum()),
        "milestones_due": int(due_now.sum()),
        "milestones_done": int((due_now & done).sum()),
        "milestones_due_ytd": int(due_ytd.sum()),
        "milestones_done_ytd": int((due_ytd & done).sum()),
        "investment_planned": float(invested["investment_planned"].sum()),
        "investment_completed": float(invested["investment_completed"].fillna(0).sum()),
        "ledger_on_time": int(status.get("on_time", 0)),
        "ledger_late": int(status.get("late", 0)),
        "ledger_missing": int(status.get("missing", 0)),
        "ledger_pending": int(status.get("pending", 0)),
        "groups": len(t["groups"]),
    }
    out["resolution_rate"] = _rate(out["resolved_ytd"], out["collected_ytd"])
    out["investment_rate"] = _rate(out["investment_completed"], out["investment_planned"])
    return out


def _ledger_status(t: dict[str, pd.DataFrame], month: str, d: pd.Timestamp) -> pd.DataFrame:
    """Per group, the ledger of ``month`` at ``d``: status, days late, completeness."""
    groups = t["groups"]["group_id"]
    led = t["ledger"]
    led = led[led["month"].astype("string") == month].drop_duplicates("group_id").set_index("group_id")
    led = led.reindex(groups)
    submitted = led["submitted_on"].notna() & (led["submitted_on"] <= d)
    late_days = (led["submitted_on"] - led["due_date"]).dt.days
    status = np.select(
        [submitted & (late_days <= 0), submitted, led["due_date"].notna() & (led["due_date"] > d)],
        ["on_time", "late", "pending"],
        "missing",
    )
    return pd.DataFrame(
        {
            "group_id": groups.to_numpy(),
            "month": month,
            "due_date": led["due_date"].to_numpy(),
            "submitted_on": led["submitted_on"].where(submitted).to_numpy(),
            "status": status,
            "days_late": late_days.where(submitted & (late_days > 0)).astype("Int64").to_numpy(),
            "completeness": led["completeness"].where(submitted).to_numpy(),
        }
    )


def _repeatedly_late(t: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """Groups late or missing in ≥ 2 of the last 3 months of the year that have begun by ``d``."""
    d = period.end
    last = pd.Period(d, freq="M")
    months = [str(last - i) for i in range(LATE_WINDOW[1]) if (last - i).year == period.year][::-1]
    per_month = [_ledger_status(t, m, d).set_index("group_id")["status"] for m in months]
    if not per_month:
        return pd.DataFrame(columns=["group_id", "months", "late_or_missing"])
    frame = pd.concat(per_month, axis=1, keys=months)
    bad = frame.isin(["late", "missing"])
    count = bad.sum(axis=1)
    hit = count >= LATE_WINDOW[0]
    return pd.DataFrame(
        {
            "group_id": frame.index[hit],
            "months": [",".join(m for m in months if bad.at[g, m]) for g in frame.index[hit]],
            "late_or_missing": count[hit].astype(int).to_numpy(),
        }
    ).reset_index(drop=True)


def _problem_rows(t: dict[str, pd.DataFrame], mask: pd.Series, d: pd.Timestamp) -> pd.DataFrame:
    p = t["problems"][mask]
    names = t["groups"].set_index("group_id")["name"]
    recipients = t["recipients"].set_index("recipient_id")["name"]
    return pd.DataFrame(
        {
            "problem_id": p["problem_id"].to_numpy(),
            "group_id": p["group_id"].to_numpy(),
            "group": p["group_id"].map(names).to_numpy(),
            "recipient": p["recipient_id"].map(recipients).to_numpy(),
            "category": p["category"].to_numpy(),
            "priority": p["priority"].to_numpy(),
            "responsible_unit": p["responsible_unit"].to_numpy(),
            "responsible_person": p["responsible_person"].to_numpy(),
            "raised_on": p["raised_on"].to_numpy(),
            "deadline": p["deadline"].to_numpy(),
            "days_overdue": (d - p["deadline"]).dt.days.to_numpy(),
        }
    )


def _supervision(t: dict[str, pd.DataFrame], d: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    p = t["problems"]
    overdue = _problem_rows(t, overdue_at(p, d), d)
    overdue = overdue.sort_values(
        ["days_overdue", "group_id", "problem_id"], ascending=[False, True, True], kind="stable"
    )
    soon_mask = _open_at(p, d) & (p["deadline"] >= d) & (p["deadline"] <= d + pd.Timedelta(days=DUE_SOON_DAYS))
    soon = _problem_rows(t, soon_mask, d).drop(columns="days_overdue")
    soon.insert(len(soon.columns), "days_left", (soon["deadline"] - d).dt.days.to_numpy())
    soon = soon.sort_values(["deadline", "group_id", "problem_id"], kind="stable")
    unit = overdue["responsible_unit"].fillna("")
    by_unit = (
        overdue.assign(responsible_unit=unit)
        .groupby("responsible_unit", sort=False)
        .agg(overdue=("problem_id", "size"), longest=("days_overdue", "max"), mean_days=("days_overdue", "mean"),
             groups=("group_id", "nunique"))
        .reset_index()
        .sort_values(["overdue", "longest", "responsible_unit"], ascending=[False, False, True], kind="stable")
    )  # fmt: skip
    return overdue.reset_index(drop=True), soon.reset_index(drop=True), by_unit.reset_index(drop=True)


def _standing(known: Dataset, year: int, d: pd.Timestamp, scheme: Scheme) -> pd.DataFrame:
    s = score(known, year=year, as_of=d, scheme=scheme).scores
    insufficient = s["flags"].fillna("").str.contains("insufficient_data")
    return pd.DataFrame(
        {
            "group_id": s["group_id"],
            "score": s["final_score"].where(~insufficient),
            "rank": s["rank"].astype("Float64"),
            "grade": s["grade"].where(~insufficient),
            "insufficient": insufficient,
        }
    ).set_index("group_id")


def _progress(
    t: dict[str, pd.DataFrame], period: Period, ledger: pd.DataFrame, now: pd.DataFrame, before: pd.DataFrame | None
) -> pd.DataFrame:
    d, s, y0 = period.end, period.start, pd.Timestamp(period.year, 1, 1)
    groups = t["groups"]["group_id"]
    p = t["problems"]

    def count(mask: pd.Series, frame: pd.DataFrame = p) -> np.ndarray:
        return frame[mask].groupby("group_id").size().reindex(groups, fill_value=0).to_numpy()

    raised_ytd = _between(p["raised_on"], y0, d)
    ms = t["milestones"]
    nxt_start = d + pd.Timedelta(days=1)
    nxt_end = nxt_start + pd.offsets.MonthEnd(0)
    due_next = _between(ms["planned_date"], nxt_start, nxt_end) & ms["completed_on"].isna()
    collected_ytd = count(raised_ytd)
    resolved_ytd = count(raised_ytd & p["resolved_on"].notna())
    led = ledger.set_index("group_id").reindex(groups)
    out = pd.DataFrame(
        {
            "group_id": groups.to_numpy(),
            "name": t["groups"]["name"].to_numpy(),
            "ledger": led["status"].to_numpy(),
            "days_late": led["days_late"].to_numpy(),
            "completeness": led["completeness"].to_numpy(),
            "collected": count(_between(p["raised_on"], s, d)),
            "resolved": count(_between(p["resolved_on"], s, d)),
            "collected_ytd": collected_ytd,
            "resolved_ytd": resolved_ytd,
            "resolution_rate": np.where(collected_ytd > 0, resolved_ytd / np.maximum(collected_ytd, 1), np.nan),
            "overdue": count(overdue_at(p, d)),
            "milestones_due_next": count(due_next, ms),
        }
    )
    now = now.reindex(groups)
    out["score"] = now["score"].to_numpy(dtype=float)
    out["rank"] = now["rank"].astype("Int64").to_numpy()
    out["grade"] = now["grade"].to_numpy()
    out["insufficient"] = now["insufficient"].fillna(True).astype(bool).to_numpy()
    if before is not None:
        prev = before.reindex(groups)
        out["score_before"] = prev["score"].to_numpy(dtype=float)
        out["rank_before"] = prev["rank"].astype("Int64").to_numpy()
    else:
        out["score_before"] = np.nan
        out["rank_before"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["change"] = out["score"] - out["score_before"]
    return out


def _trend(t: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """Per month of the year up to the period's end: collected, resolved, cumulative, overdue at its end."""
    p = t["problems"]
    y0 = pd.Timestamp(period.year, 1, 1)
    rows = []
    for m in pd.period_range(y0, period.end, freq="M"):
        start, end = m.start_time.normalize(), m.end_time.normalize()
        rows.append(
            {
                "month": str(m),
                "collected": int(_between(p["raised_on"], start, end).sum()),
                "resolved": int(_between(p["resolved_on"], start, end).sum()),
                "collected_total": int(_between(p["raised_on"], y0, end).sum()),
                "resolved_total": int(_between(p["resolved_on"], y0, end).sum()),
                "overdue": int(overdue_at(p, end).sum()),
            }
        )
    return pd.DataFrame(rows)


def _overdue_matrix(t: dict[str, pd.DataFrame], period: Period) -> pd.DataFrame:
    """Problems overdue at each month's end of the year so far, groups × months."""
    p = t["problems"]
    groups = t["groups"]["group_id"]
    cols = {}
    for m in pd.period_range(pd.Timestamp(period.year, 1, 1), period.end, freq="M"):
        end = m.end_time.normalize()
        cols[str(m)] = p[overdue_at(p, end)].groupby("group_id").size().reindex(groups, fill_value=0)
    return pd.DataFrame(cols, index=groups).astype(int)


def _ratings(t: dict[str, pd.DataFrame], period: Period, scheme: Scheme) -> dict[str, pd.DataFrame]:
    """The quarter's ratings: per group response rate and mean with a 95 % interval, items, comments."""
    from scipy import stats

    r = t["ratings"]
    r = r[r["quarter"].astype("string").str.replace("-", "", regex=False) == period.label.replace("-", "")]
    groups = t["groups"][["group_id", "name"]]
    assigned = t["recipients"].groupby("group_id").size()
    responses = r.groupby(["group_id", "recipient_id"])["score"].mean().reset_index()
    per = responses.groupby("group_id")["score"].agg(["size", "mean", "std"])
    per = per.reindex(groups["group_id"])
    n = per["size"].fillna(0).astype(int)
    half = pd.Series(
        [stats.t.ppf(0.975, k - 1) * sd / math.sqrt(k) if k >= 2 and not math.isnan(sd) else math.nan
         for k, sd in zip(n, per["std"], strict=True)],
        index=per.index,
    )  # fmt: skip
    item_means = r.groupby(["group_id", "item"])["score"].mean().reset_index()
    lowest = (
        item_means.sort_values(["group_id", "score", "item"], kind="stable")
        .drop_duplicates("group_id")
        .set_index("group_id")
    )
    rec = assigned.reindex(groups["group_id"]).fillna(0).astype(int)
    by_group = pd.DataFrame(
        {
            "group_id": groups["group_id"].to_numpy(),
            "name": groups["name"].to_numpy(),
            "recipients": rec.to_numpy(),
            "responses": n.to_numpy(),
            "response_rate": np.where(rec > 0, n / np.maximum(rec, 1), np.nan),
            "mean": per["mean"].to_numpy(),
            "low": (per["mean"] - half).to_numpy(),
            "high": (per["mean"] + half).to_numpy(),
            "lowest_item": lowest["item"].reindex(groups["group_id"]).to_numpy(),
            "lowest_item_mean": lowest["score"].reindex(groups["group_id"]).to_numpy(dtype=float),
        }
    )
    items = (
        r.groupby("item")["score"].agg(["size", "mean"]).reset_index().rename(columns={"size": "n"})
        .sort_values(["mean", "item"], kind="stable").reset_index(drop=True)
    )  # fmt: skip
    names = t["recipients"].set_index("recipient_id")["name"]
    gnames = t["groups"].set_index("group_id")["name"]
    c = r[r["comment"].notna() & (r["comment"].astype("string").str.strip() != "")]
    comments = pd.DataFrame(
        {
            "group_id": c["group_id"].to_numpy(),
            "group": c["group_id"].map(gnames).to_numpy(),
            "recipient_id": c["recipient_id"].to_numpy(),
            "recipient": c["recipient_id"].map(names).to_numpy(),
            "item": c["item"].to_numpy(),
            "score": c["score"].to_numpy(),
            "comment": c["comment"].to_numpy(),
        }
    ).sort_values(["score", "group_id", "recipient_id"], kind="stable")
    return {"by_group": by_group, "items": items, "comments": comments.reset_index(drop=True)}


# ---- the object ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Monitor:
    """Every table of one bulletin: a month (``2025-06``) or a quarter (``2025-Q2``).

    Attributes
    ----------
    period : Period
        The month or quarter; ``period.end`` is the date every figure is taken at.
    overview : dict
        The district's figures, in the period and since the year began (:func:`monitor`).
    supervision : DataFrame
        督办清单: every problem open and past its deadline at the period's end, longest overdue first.
    due_soon : DataFrame
        Open problems due within :data:`DUE_SOON_DAYS` days after the period's end.
    by_unit : DataFrame
        The overdue problems per responsible unit (责任单位), most first.
    ledger : DataFrame
        台账报送: per group, the ledger of the period's last month (status, days late, completeness).
    repeatedly_late : DataFrame
        Groups late or missing in at least 2 of the last 3 months.
    progress : DataFrame
        各工作组进展: per group, new and resolved problems, cumulative resolution, overdue,
        milestones due next month, provisional score (暂评), rank and change since the previous period.
    trend : DataFrame
        Per month of the year so far: collected, resolved, cumulative totals, overdue at its end.
    overdue_matrix : DataFrame
        Problems overdue at each month's end, groups × months.
    ratings : dict of DataFrame or None
        For a quarter: ``by_group``, ``items`` and ``comments`` of the quarter's ratings.
    meta : dict
        Provenance: input file and SHA-256, scheme and SHA-256, version, generation time.
    """

    period: Period
    overview: dict[str, Any]
    supervision: pd.DataFrame
    due_soon: pd.DataFrame
    by_unit: pd.DataFrame
    ledger: pd.DataFrame
    repeatedly_late: pd.DataFrame
    progress: pd.DataFrame
    trend: pd.DataFrame
    overdue_matrix: pd.DataFrame
    ratings: dict[str, pd.DataFrame] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"

    def in_lang(self, lang: str) -> Monitor:
        """The same figures, shown in ``lang`` in a notebook."""
        return replace(self, lang=check_lang(lang))

    def trajectory(self, group_id: str) -> pd.DataFrame:
        """One group's overdue problems at each month's end of the year so far."""
        if group_id not in self.overdue_matrix.index:
            raise KeyError(f"Group {group_id!r} is not in this bulletin; known groups start with: "
                           f"{', '.join(map(str, self.overdue_matrix.index[:10]))}")  # fmt: skip
        return self.overdue_matrix.loc[group_id].rename("overdue").rename_axis("month").reset_index()

    def _repr_html_(self) -> str:
        lang = self.lang
        o = self.overview

        def w(key: str, **values: Any) -> str:
            return html.escape(message("bulletin", key, lang, **values))

        rate = "—" if math.isnan(o["resolution_rate"]) else f"{o['resolution_rate'] * 100:.1f}%"
        lines = [
            f"<h3>{w('title_' + self.period.kind, period=self.period.label)}</h3>",
            "<ul>",
            f"<li>{w('repr.problems', collected=o['collected'], resolved=o['resolved'], collected_ytd=o['collected_ytd'], resolved_ytd=o['resolved_ytd'], rate=rate)}</li>",
            f"<li>{w('repr.overdue', overdue=o['overdue'], due_soon=o['due_soon'], open=o['open'])}</li>",
            f"<li>{w('repr.ledger', on_time=o['ledger_on_time'], late=o['ledger_late'], missing=o['ledger_missing'])}</li>",
            "</ul>",
        ]
        columns = ["group", "recipient", "responsible_unit", "deadline", "days_overdue"]
        top = self.supervision.head(10)[columns].rename(
            columns={c: message("bulletin", f"col.{c}", lang) for c in columns}
        )
        lines.append(f"<p>{w('repr.supervision_top', n=len(self.supervision))}</p>")
        lines.append(top.to_html(index=False, escape=True, na_rep="—"))
        return "\n".join(lines)


def monitor(
    data: Dataset | str | Path,
    month: str | None = None,
    quarter: str | None = None,
    scheme: Scheme | None = None,
    lang: str = "en",
) -> Monitor:
    """The figures of the bulletin of ``month`` (``YYYY-MM``) or of ``quarter`` (``YYYY-Qn``).

    ``data`` is a validated dataset or the path of a workbook (validated here). Only rows dated
    on or before the period's last day count (:func:`as_known`); the provisional standing is
    scored under ``scheme`` (default: the shipped scheme) at that day and at the previous
    period's end.
    """
    if not isinstance(data, Dataset):
        from assess.intake import load

        data = load(data, scheme)
    scheme = scheme or default_scheme()
    period = parse_period(month, quarter)
    d = period.end
    known = as_known(data, d)
    t = known.tables
    ledger = _ledger_status(t, period.months[-1], d)
    overview = _overview(t, period, ledger)
    supervision, due_soon, by_unit = _supervision(t, d)
    now = _standing(known, period.year, d, scheme)
    before_end = period.previous_end()
    before = _standing(as_known(data, before_end), period.year, before_end, scheme) if before_end is not None else None
    progress = _progress(t, period, ledger, now, before)
    from assess.common import generated_now

    meta = {
        "input": Path(data.source).name if data.source else "",
        "input_sha256": data.sha256,
        "scheme_name": scheme.name,
        "scheme_sha256": scheme.sha256,
        "version": __version__,
        "generated_at": generated_now(),
        "year": period.year,
        "as_of": d.date().isoformat(),
        "period": period.label,
        "previous_as_of": None if before_end is None else before_end.date().isoformat(),
        "rating_scale": list(scheme.rating_scale),
        "timezone": scheme.timezone,
    }
    return Monitor(
        period=period,
        overview=overview,
        supervision=supervision,
        due_soon=due_soon,
        by_unit=by_unit,
        ledger=ledger,
        repeatedly_late=_repeatedly_late(t, period),
        progress=progress,
        trend=_trend(t, period),
        overdue_matrix=_overdue_matrix(t, period),
        ratings=_ratings(t, period, scheme) if period.kind == "quarter" else None,
        meta=meta,
        lang=check_lang(lang),
    )


def trajectories(data: Dataset, month: str, scheme: Scheme | None = None) -> pd.DataFrame:
    """Every group's course through the year up to ``month``: at each month's end, the problems
    collected and resolved so far, those overdue, the ledger's status and the provisional
    standing (score, rank), each as known at that month's end.

    One row per group and month (``month``, ``group_id``, ``name``, ``collected_ytd``,
    ``resolved_ytd``, ``overdue``, ``ledger``, ``score``, ``rank``, ``insufficient``).
    """
    scheme = scheme or default_scheme()
    last = parse_period(month=month)
    frames = []
    for m in pd.period_range(pd.Timestamp(last.year, 1, 1), last.end, freq="M"):
        period = parse_period(month=str(m))
        known = as_known(data, period.end)
        t = known.tables
        ledger = _ledger_status(t, period.label, period.end)
        progress = _progress(t, period, ledger, _standing(known, period.year, period.end, scheme), None)
        frames.append(
            progress[["group_id", "name", "collected_ytd", "resolved_ytd", "overdue", "ledger", "score", "rank",
                      "insufficient"]].assign(month=period.label)
        )  # fmt: skip
    out = pd.concat(frames, ignore_index=True)
    return out[["month", *[c for c in out.columns if c != "month"]]]
