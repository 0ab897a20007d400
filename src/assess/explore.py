"""Views of a dataset for analysts: what data each group has, month by month.

Pure functions returning DataFrames, for the analysts' notebooks.
"""

from __future__ import annotations

import pandas as pd

from .indicators import Window
from .validate import Dataset

__all__ = ["coverage", "ledger_status"]


def coverage(dataset: Dataset, year: int, as_of: str | None = None) -> pd.DataFrame:
    """Rows of each sheet per group inside the assessment window, and rows outside it.

    One row per group: recipients, ledger months, visits, problems raised, milestones
    planned, rating rows and adjustments in the window, then ``out_of_window``: dated rows
    of any sheet that the scoring ignores (another year, or after ``as_of``).
    """
    w = Window(int(year), pd.Timestamp(as_of or f"{year}-12-31"))
    t = dataset.tables
    groups = pd.Index(t["groups"]["group_id"], name="group_id")
    dated = {
        "ledger": w.contains_period(t["ledger"]["month"], "month") & t["ledger"]["month"].str.startswith(f"{year}-"),
        "visits": w.contains(t["visits"]["date"]),
        "problems": w.contains(t["problems"]["raised_on"]),
        "milestones": w.contains(t["milestones"]["planned_date"]),
        "ratings": w.contains_period(t["ratings"]["quarter"], "quarter") & t["ratings"]["quarter"].str.startswith(f"{year}-"),
        "adjustments": w.contains(t["adjustments"]["date"]),
    }
    out = pd.DataFrame({"recipients": t["recipients"].groupby("group_id").size()}, index=groups)
    outside = pd.Series(0, index=groups)
    for sheet, inside in dated.items():
        gid = t[sheet]["group_id"]
        out[sheet] = inside.groupby(gid).sum().reindex(groups)
        outside = outside.add((~inside).groupby(gid).sum().reindex(groups, fill_value=0), fill_value=0)
    out["out_of_window"] = outside
    return out.fillna(0).astype(int)


def ledger_status(dataset: Dataset, year: int) -> pd.DataFrame:
    """Each group's monthly ledger in ``year``: ``on time``, ``late``, ``not submitted`` or ``missing`` (no row)."""
    led = dataset.tables["ledger"]
    led = led[led["month"].str.startswith(f"{year}-")]
    status = pd.Series("on time", index=led.index)
    status[led["submitted_on"] > led["due_date"]] = "late"
    status[led["submitted_on"].isna()] = "not submitted"
    table = pd.DataFrame({"group_id": led["group_id"], "month": led["month"].str[5:], "status": status})
    months = [f"{m:02d}" for m in range(1, 13)]
    wide = table.pivot(index="group_id", columns="month", values="status")
    return wide.reindex(index=dataset.tables["groups"]["group_id"], columns=months).fillna("missing")
