"""Views of a dataset before it is scored: what each sheet holds, the monthly ledgers, the ratings.

Pure functions returning DataFrames for the analysts' notebooks (``notebooks/00``–``02``);
every header, index label and fixed value is shown in ``lang`` through :func:`localise`.
"""

from __future__ import annotations

import pandas as pd

from assess.intake import Dataset
from assess.reporting._localise import localise
from assess.scoring import Window, rating_rows

__all__ = [
    "coverage",
    "ledger_status",
    "ledger_by_month",
    "ledger_by_group",
    "out_of_window",
    "rating_distribution",
    "response_rates",
]

#: The statuses of a monthly ledger, in the order the views list them (ids of the ``views`` catalogue).
STATUSES = ["on_time", "late", "not_submitted", "no_ledger"]


def _window(year: int, as_of: str | None) -> Window:
    return Window(int(year), pd.Timestamp(as_of or f"{year}-12-31"))


def coverage(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Rows of each sheet per group inside the assessment window, and rows outside it.

    One row per group: recipients, ledger months, visits, problems raised, milestones
    planned, rating rows and adjustments in the window, then ``out_of_window``: dated rows
    of any sheet that the scoring ignores (another year, or after ``as_of``).
    """
    w = _window(year, as_of)
    t = dataset.tables
    groups = pd.Index(t["groups"]["group_id"], name="group_id")
    dated = {
        "ledger": w.contains_period(t["ledger"]["month"], "month") & t["ledger"]["month"].str.startswith(f"{year}-"),
        "visits": w.contains(t["visits"]["date"]),
        "problems": w.contains(t["problems"]["raised_on"]),
        "milestones": w.contains(t["milestones"]["planned_date"]),
        "ratings": w.contains_period(t["ratings"]["quarter"], "quarter")
        & t["ratings"]["quarter"].str.startswith(f"{year}-"),
        "adjustments": w.contains(t["adjustments"]["date"]),
    }
    out = pd.DataFrame({"recipients": t["recipients"].groupby("group_id").size()}, index=groups)
    outside = pd.Series(0, index=groups)
    for sheet, inside in dated.items():
        gid = t[sheet]["group_id"]
        out[sheet] = inside.groupby(gid).sum().reindex(groups)
        outside = outside.add((~inside).groupby(gid).sum().reindex(groups, fill_value=0), fill_value=0)
    out["out_of_window"] = outside
    return localise(out.fillna(0).astype(int), lang)


def _ledger_status_ids(dataset: Dataset, year: int) -> pd.DataFrame:
    """Each group's ledger status per month of ``year``, as ids (``on_time`` ... ``no_ledger``)."""
    led = dataset.tables["ledger"]
    led = led[led["month"].str.startswith(f"{year}-")]
    status = pd.Series("on_time", index=led.index)
    status[led["submitted_on"] > led["due_date"]] = "late"
    status[led["submitted_on"].isna()] = "not_submitted"
    table = pd.DataFrame({"group_id": led["group_id"], "month": led["month"].str[5:], "status": status})
    months = [f"{m:02d}" for m in range(1, 13)]
    wide = table.pivot(index="group_id", columns="month", values="status")
    return wide.reindex(index=dataset.tables["groups"]["group_id"], columns=months).fillna("no_ledger")


def ledger_status(dataset: Dataset, year: int, lang: str = "en") -> pd.DataFrame:
    """Each group's monthly ledger in ``year``: ``on time``, ``late``, ``not submitted`` or ``missing`` (no row)."""
    wide = _ledger_status_ids(dataset, year)
    return localise(wide, lang, values=tuple(wide.columns))


def ledger_counts_by_month(dataset: Dataset, year: int) -> pd.DataFrame:
    """Groups per ledger status id (rows, in :data:`STATUSES` order) and month (columns)."""
    wide = _ledger_status_ids(dataset, year)
    counts = wide.apply(lambda month: month.value_counts()).reindex(STATUSES).fillna(0).astype(int)
    counts.index.name = "status"
    return counts


def ledger_by_month(dataset: Dataset, year: int, lang: str = "en") -> pd.DataFrame:
    """Groups per monthly-ledger status (rows) and month (columns, ``01``–``12``)."""
    return localise(ledger_counts_by_month(dataset, year), lang)


def ledger_by_group(dataset: Dataset, year: int, lang: str = "en") -> pd.DataFrame:
    """Months per status for each group, the groups with the most months not on time first."""
    wide = _ledger_status_ids(dataset, year)
    counts = wide.apply(lambda row: row.value_counts(), axis=1).reindex(columns=STATUSES).fillna(0).astype(int)
    counts["not_on_time"] = 12 - counts["on_time"]
    return localise(counts.sort_values(["not_on_time", "no_ledger"], ascending=False, kind="stable"), lang)


def _dated(t: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """The date each dated row is counted by (period starts for months and quarters)."""
    w = Window(2000, pd.Timestamp("2000-12-31"))  # only for its label parsing
    return {
        "ledger": w.period_starts(t["ledger"]["month"], "month"),
        "visits": t["visits"]["date"],
        "problems": t["problems"]["raised_on"],
        "milestones": t["milestones"]["planned_date"],
        "ratings": w.period_starts(t["ratings"]["quarter"], "quarter"),
        "adjustments": t["adjustments"]["date"],
    }


def out_of_window(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Dated rows per sheet: inside the window, from earlier years, later years, or after ``as_of``.

    The scoring ignores every row outside the window (except open problems of earlier
    years, which count as overdue); a large count usually means a wrong year in the file.
    """
    as_of_ts = pd.Timestamp(as_of or f"{year}-12-31")
    rows = []
    for sheet, dates in _dated(dataset.tables).items():
        y = dates.dt.year
        rows.append(
            {
                "sheet": sheet,
                "rows": len(dates),
                "in_window": int(((y == year) & (dates <= as_of_ts)).sum()),
                "earlier_years": int((y < year).sum()),
                "after_as_of": int(((y == year) & (dates > as_of_ts)).sum()),
                "later_years": int((y > year).sum()),
            }
        )
    return localise(pd.DataFrame(rows).set_index("sheet"), lang)


def rating_distribution(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Share of item scores per quarter (rows) and score (columns), with the number of items."""
    r = rating_rows(dataset.tables, _window(year, as_of))
    table = pd.crosstab(r["quarter"], r["score"], normalize="index")
    table["items"] = r.groupby("quarter").size()
    return localise(table, lang)


def response_rates(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Per group and quarter: the share of its assigned recipients that rated it."""
    t = dataset.tables
    r = rating_rows(t, _window(year, as_of))
    raters = r.groupby(["group_id", "quarter"])["recipient_id"].nunique().unstack(fill_value=0)
    assigned = t["recipients"].groupby("group_id").size()
    groups = pd.Index(t["groups"]["group_id"], name="group_id")
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    rates = raters.reindex(index=groups, columns=quarters).fillna(0).div(assigned.reindex(groups), axis=0)
    return localise(rates.assign(year=rates.mean(axis=1)).sort_values("year", kind="stable"), lang)
