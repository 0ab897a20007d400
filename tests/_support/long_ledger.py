"""A sample year whose first group has a very long problem ledger (and long milestone and
comment lists), for the tests of the reports' long tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from assess.intake._sample import make_sample
from assess.reporting._workbook import write_tables

YEAR = 2025
LONG_GROUP = "G01"


def long_ledger_frames(
    n_problems: int = 5000, n_milestones: int = 400, n_comments: int = 600
) -> dict[str, pd.DataFrame]:
    """Six sample groups; G01 gets ``n_problems`` problems raised through the year (every
    third one still open, most of those past their deadline at the assessment date),
    ``n_milestones`` milestones and ``n_comments`` distinct comments."""
    frames = make_sample(year=YEAR, groups=6, seed=3)
    rng = np.random.default_rng(7)
    recipients = frames["recipients"]
    mine = recipients.loc[recipients["group_id"] == LONG_GROUP, "recipient_id"].tolist()
    raised = pd.Timestamp(f"{YEAR}-01-02") + pd.to_timedelta(rng.integers(0, 340, n_problems), unit="D")
    deadline = raised + pd.to_timedelta(rng.integers(10, 60, n_problems), unit="D")
    open_ = np.arange(n_problems) % 3 == 0
    resolved_on = (raised + pd.to_timedelta(rng.integers(1, 50, n_problems), unit="D")).where(~open_)
    problems = pd.DataFrame(
        {
            "problem_id": [f"L{YEAR}-{i:05d}" for i in range(1, n_problems + 1)],
            "group_id": LONG_GROUP,
            "recipient_id": [mine[i % len(mine)] for i in range(n_problems)],
            "raised_on": raised,
            "category": "审批手续",
            "priority": np.array(["urgent", "major", "common"])[np.arange(n_problems) % 3],
            "responsible_unit": "县住建局",
            "responsible_person": "赵磊",
            "deadline": deadline,
            "status": np.where(open_, "open", "resolved"),
            "resolved_on": resolved_on,
        }
    )
    frames["problems"] = pd.concat([frames["problems"], problems[frames["problems"].columns]], ignore_index=True)
    planned = pd.Timestamp(f"{YEAR}-01-05") + pd.to_timedelta(np.arange(n_milestones) % 340, unit="D")
    milestones = pd.DataFrame(
        {
            "recipient_id": [mine[i % len(mine)] for i in range(n_milestones)],
            "group_id": LONG_GROUP,
            "milestone": [f"节点{i:04d}" for i in range(n_milestones)],
            "planned_date": planned,
            "completed_on": planned + pd.to_timedelta(np.arange(n_milestones) % 7 - 3, unit="D"),
            "investment_planned": 100.0,
            "investment_completed": 90.0,
        }
    )
    frames["milestones"] = pd.concat(
        [frames["milestones"], milestones[frames["milestones"].columns]], ignore_index=True
    )
    ratings = frames["ratings"]
    rows = ratings.index[ratings["group_id"] == LONG_GROUP]
    extra = ratings.loc[np.resize(rows, n_comments)].copy()
    extra["comment"] = [f"意见{i:04d}：工作组服务热情" for i in range(n_comments)]
    frames["ratings"] = pd.concat([ratings, extra], ignore_index=True)
    return frames


def write_long_ledger(path: Path, **sizes: int) -> Path:
    """:func:`long_ledger_frames` written as an ``.xlsx`` workbook at ``path``."""
    return write_tables(path, long_ledger_frames(**sizes))
