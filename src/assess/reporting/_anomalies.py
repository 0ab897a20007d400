"""Rows of a valid workbook that still look wrong: one check per function, one table of hits.

Each check returns the rows it found as :class:`Hit`\\ s (the check's id, the rows' groups and
the values of its detail); :func:`anomalies` counts them per group and words check and detail
in ``lang`` from the ``anomaly`` section of the catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from assess.common import Domain
from assess.intake import Dataset
from assess.reporting._localise import localise
from assess.scoring import Window, rating_rows

__all__ = ["anomalies", "Hit", "CHECKS"]

#: The checks and their details, ``lang → {check.id / detail.id: phrase}``.
WORDS = Domain("anomaly")

#: How far (in robust standard deviations, from the median and the MAD) a raw indicator is an outlier.
OUTLIER_Z = 3.5


@dataclass(frozen=True)
class Hit:
    """Rows one check found: ``check`` (an id of the catalogue), the groups of the rows, and
    the values of the check's and the detail's placeholders (an indicator is a machine name)."""

    check: str
    groups: pd.Series
    values: dict[str, Any] = field(default_factory=dict)


def _hit(check: str, mask: pd.Series, frame: pd.DataFrame, **values: Any) -> list[Hit]:
    groups = frame.loc[mask.to_numpy(), "group_id"]
    return [Hit(check, groups, values)] if len(groups) else []


def ledger_early(t: dict[str, pd.DataFrame], w: Window) -> list[Hit]:
    """A monthly ledger submitted before the month it reports on began."""
    led = t["ledger"]
    return _hit("ledger_early", led["submitted_on"] < w.period_starts(led["month"], "month"), led)


def resolved_same_day(t: dict[str, pd.DataFrame], w: Window) -> list[Hit]:
    """A problem resolved on the day it was raised."""
    p = t["problems"]
    return _hit("resolved_same_day", (p["status"] == "resolved") & (p["resolved_on"] == p["raised_on"]), p)


def duplicate_visits(t: dict[str, pd.DataFrame], w: Window) -> list[Hit]:
    """A second visit to the same recipient on the same day."""
    v = t["visits"]
    return _hit("duplicate_visits", v.duplicated(["group_id", "recipient_id", "date"], keep="first"), v)


def investment_above_plan(t: dict[str, pd.DataFrame], w: Window) -> list[Hit]:
    """A milestone whose completed investment exceeds the planned amount."""
    m = t["milestones"]
    return _hit("investment_above_plan", m["investment_completed"] > m["investment_planned"], m)


def completed_after_as_of(t: dict[str, pd.DataFrame], w: Window) -> list[Hit]:
    """A milestone completed after the assessment date."""
    m = t["milestones"]
    return _hit("completed_after_as_of", m["completed_on"] > w.as_of, m, date=str(w.as_of.date()))


def all_minimum_rater(t: dict[str, pd.DataFrame], w: Window) -> list[Hit]:
    """A recipient who gave the lowest score to every item (of at least two)."""
    r = rating_rows(t, w)
    low = r.groupby(["group_id", "recipient_id"])["score"].agg(["min", "max", "size"]).reset_index()
    lo = r["score"].min() if len(r) else np.nan
    return _hit("all_minimum_rater", (low["max"] == lo) & (low["size"] >= 2), low)


#: The row checks, in the order the table lists them.
CHECKS: tuple[Callable[[dict[str, pd.DataFrame], Window], list[Hit]], ...] = (
    ledger_early,
    resolved_same_day,
    duplicate_visits,
    investment_above_plan,
    completed_after_as_of,
    all_minimum_rater,
)


def outliers(dataset: Dataset, year: int, as_of: str | None) -> list[Hit]:
    """Groups whose raw indicator lies far from the others (robust z-score above :data:`OUTLIER_Z`)."""
    from assess.scoring import score

    scored = score(dataset, year, as_of=as_of)
    assert scored.raw is not None  # score() always keeps the raw indicators
    raw = scored.raw.set_index("group_id")
    med = raw.median()
    mad = (raw - med).abs().median() * 1.4826
    z = (raw - med) / mad.where(mad > 0)
    frame = pd.DataFrame({"group_id": raw.index})
    hits = []
    for col in raw.columns:
        far = z[col].abs() > OUTLIER_Z
        if far.any():
            hits += _hit("outlier", far.reset_index(drop=True), frame, indicator=col, median=f"{med[col]:.3g}")
    return hits


def _words(hit: Hit, lang: str) -> tuple[str, str]:
    """The check and the detail of ``hit`` in ``lang`` (an indicator by its name in ``lang``)."""
    values = dict(hit.values)
    if "indicator" in values and lang != "en":
        from assess.reporting._i18n import indicator_label

        values["indicator"] = indicator_label(values["indicator"], lang)
    check_values = {k: v for k, v in values.items() if k == "indicator"}
    return (
        WORDS.text(f"check.{hit.check}", lang, **check_values),
        WORDS.text(f"detail.{hit.check}", lang, **values),
    )


def anomalies(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Rows that are valid but suspicious, one line per (check, group) with the count.

    Checks: a ledger submitted before its month began; a problem resolved the day it was
    raised; two visits to one recipient on one day; investment completed above plan; a
    milestone completed after the assessment date; a recipient who gave the lowest score
    to every item; and a group whose raw indicator lies far from the others (robust
    z-score from the median and the MAD, above 3.5).
    """
    w = Window(int(year), pd.Timestamp(as_of or f"{year}-12-31"))
    hits = [hit for check in CHECKS for hit in check(dataset.tables, w)] + outliers(dataset, year, as_of)
    parts = []
    for hit in hits:
        counts = hit.groups.value_counts().sort_index()
        check, detail = _words(hit, lang)
        parts.append(
            pd.DataFrame({"check": check, "group_id": counts.index, "rows": counts.to_numpy(), "detail": detail})
        )
    cols = ["check", "group_id", "rows", "detail"]
    table = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    return localise(table, lang)
