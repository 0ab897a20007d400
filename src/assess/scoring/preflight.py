"""Pre-flight warnings: what a valid workbook will do to the assessment, said before it runs.

A workbook can pass every rule and still leave a group ungraded, a quota with no places
or a quarter without a single rating. :func:`preflight` scores the workbook once and
returns each such finding as a :class:`~assess.intake.problems.Problem` with ``severity="warning"``,
worded in English (``rule``) and Chinese (``rule_zh``). ``assess validate`` prints them
(exit status stays 0) and lists them in the annotated copy's ``问题清单``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assess.intake.plausible import assessment_year
from assess.intake.problems import Problem
from assess.intake.scheme import Scheme, default_scheme
from assess.intake.validate import Dataset
from assess.scoring.compute import quota_size
from assess.scoring.indicators import Window
from assess.scoring.summary import missing_data

__all__ = ["preflight", "infer_year"]

_MONTHS_ZH = "一二三四五六七八九十"
_QUARTERS_ZH = ("第一季度", "第二季度", "第三季度", "第四季度")
_ROUNDING_ZH = {"floor": "向下取整", "round": "四舍五入", "ceil": "向上取整"}


def infer_year(dataset: Dataset) -> int | None:
    """The year most dated rows of ``dataset`` fall in (``None`` without any dated row): the same
    count the intake's date window uses (:func:`assess.intake.plausible.assessment_year`)."""
    return assessment_year(dataset.tables)


def _month_zh(month: int) -> str:
    return f"{_MONTHS_ZH[month - 1]}月" if month <= 10 else f"十{_MONTHS_ZH[month - 11]}月"


def _missing_periods(dataset: Dataset, window: Window, source: str) -> list[Problem]:
    """Months (ledger, visits) and quarters (ratings) of the year, begun by ``as_of``, with no row at all."""
    t = dataset.tables
    year = window.year
    out = []
    months = [m for m in range(1, 13) if pd.Timestamp(year, m, 1) <= window.as_of]
    checks = (
        ("ledger", "month", "monthly ledger", "月度台账", set(t["ledger"]["month"].dropna())),
        ("visits", "date", "visit", "走访记录", {f"{d.year:04d}-{d.month:02d}" for d in t["visits"]["date"].dropna()}),
    )
    for sheet, column, en, zh, have in checks:
        for m in months:
            label = f"{year}-{m:02d}"
            if label not in have:
                out.append(
                    Problem(
                        source, sheet, None, column, label,
                        f"no {en} row at all for {label}: every group will count as without data that month",
                        "check that the month's rows were not left out when the workbook was assembled",
                        rule_zh=f"{year}年{_month_zh(m)}没有任何{zh}：各工作组该月均按无数据计算",
                        fix_zh="请核对汇总工作簿时是否漏填该月数据",
                        severity="warning",
                    )
                )  # fmt: skip
    have = set(t["ratings"]["quarter"].dropna())
    for q in range(1, 5):
        label = f"{year}-Q{q}"
        if pd.Timestamp(year, 3 * q - 2, 1) <= window.as_of and label not in have:
            out.append(
                Problem(
                    source, "ratings", None, "quarter", label,
                    f"no rating at all for {label}: the service-recipient ratings of that quarter are missing for every group",
                    "add the quarter's ratings, or confirm that none were collected",
                    rule_zh=f"{year}年{_QUARTERS_ZH[q - 1]}没有任何服务对象评价：各工作组该季度评价均缺失",
                    fix_zh="请补充该季度的评价数据，或确认该季度未组织评价",
                    severity="warning",
                )
            )  # fmt: skip
    return out


def preflight(
    dataset: Dataset, scheme: Scheme | None = None, year: int | None = None, as_of: str | None = None
) -> list[Problem]:
    """Warnings about a valid ``dataset`` before it is scored for ``year`` (default: :func:`infer_year`).

    Four kinds, each a :class:`~assess.intake.problems.Problem` with ``severity="warning"``:
    groups that will be ungraded and why (the missing data and the component's coverage
    against ``min_coverage``); a band quota that rounds to zero places; months (ledger,
    visits) or quarters (ratings) of the year with no row at all; groups rated by fewer
    recipients than ``rating_min_raters``.
    """
    from assess.scoring.compute import score  # scoring imports validate; late, like the analysts' views

    scheme = scheme or default_scheme()
    year = int(year) if year is not None else infer_year(dataset)
    if year is None:
        return []
    source = Path(dataset.source).name if dataset.source else ""
    result = score(dataset, year, as_of=as_of, scheme=scheme)
    window = Window(year, pd.Timestamp(result.meta["as_of"]))
    out: list[Problem] = []
    s = result.scores.set_index("group_id")

    for gid in s.index[s["flags"].str.contains("insufficient_data")]:
        for m in missing_data(result, gid):
            sheet = m.causes[0][0] if m.causes else "groups"
            en_causes = ", ".join(c[1] for c in m.causes) or "no data"
            zh_causes = "，".join(c[2] for c in m.causes) or "无数据"
            out.append(
                Problem(
                    source, sheet, None, None, None,
                    f"{gid} will not be graded: {en_causes}, so {m.label['en']} has coverage {m.coverage:.2f} < {m.min_coverage:.2f} (min_coverage)",
                    f"add the group's {m.label['en'].lower()} data for {year}, or accept that it gets a partial score and no grade",
                    rule_zh=f"{gid} {zh_causes}，{m.label['zh']}覆盖率 {m.coverage:.2f} < {m.min_coverage:.2f}，将不评定等次",
                    fix_zh=f"请补充该组{year}年的{m.label['zh']}数据；否则该组只有部分得分，不评定等次",
                    group_id=str(gid), severity="warning",
                )
            )  # fmt: skip

    graded = int(s["grade"].notna().sum())
    for band in scheme.grades.bands[:-1]:
        if band.quota is None or band.quota <= 0:
            continue
        places = quota_size(band.quota, graded, scheme.grades.quota_rounding)
        if places == 0 and graded > 0:
            pct = f"{band.quota * 100:g} %"
            out.append(
                Problem(
                    source, "groups", None, None, None,
                    f"{graded} graded group(s) × {pct} → 0 {band.label.en} place(s) (quota_rounding: {scheme.grades.quota_rounding}): no group can be graded {band.label.en}",
                    "raise the quota, use quota_rounding: ceil or round in the scheme, or accept no top grade",
                    rule_zh=f"参评工作组 {graded} 个 × {pct} → {band.label.zh}名额 0 个（{_ROUNDING_ZH[scheme.grades.quota_rounding]}）：没有工作组能评为{band.label.zh}",
                    fix_zh="请在考核方案中提高名额比例，或将 quota_rounding 设为 ceil 或 round；否则本年度无人评为该等次",
                    severity="warning",
                )
            )  # fmt: skip

    out.extend(_missing_periods(dataset, window, source))

    quality = result.ratings_quality
    if quality is not None:
        few = quality[quality["few_raters"].astype(bool)]
        for row in few.itertuples(index=False):
            raters = int(row.raters)
            out.append(
                Problem(
                    source, "ratings", None, None, raters,
                    f"{row.group_id} was rated by {raters} recipient(s), fewer than rating_min_raters = {scheme.rating_min_raters}: its rating score leans on the mean of all groups",
                    "collect ratings from more of the group's recipients, or check the recipient and group IDs of its ratings",
                    rule_zh=f"{row.group_id} 仅有 {raters} 个服务对象参与评价，少于考核方案要求的 {scheme.rating_min_raters} 个（rating_min_raters），评价得分更多参考全体平均水平",
                    fix_zh="请组织更多服务对象参与评价，或核对评价记录中的服务对象编号和工作组编号",
                    group_id=str(row.group_id), severity="warning",
                )
            )  # fmt: skip
    return out
