"""Views of a dataset and a result for analysts, so their notebooks hold no logic.

Pure functions returning DataFrames (and, at the end, a few matplotlib ``Figure``s and the
what-if sliders), for the analysts' notebooks ``notebooks/00``–``04``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from assess.analysis.importance import importance, nominal_weights
from assess.common.extras import require
from assess.common.messages import Domain
from assess.intake.scheme import Scheme, default_scheme
from assess.intake.validate import Dataset
from assess.scoring.indicators import Window, rating_rows
from assess.scoring.result import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "coverage",
    "ledger_status",
    "ledger_by_month",
    "ledger_by_group",
    "out_of_window",
    "anomalies",
    "rating_distribution",
    "response_rates",
    "rating_reliability",
    "indicator_summary",
    "indicator_correlations",
    "effective_weights",
    "reweighted",
    "what_if",
    "ledger_figure",
    "rating_figure",
    "correlation_figure",
    "what_if_figure",
    "weight_sliders",
    "score_summary",
    "grade_counts",
    "rating_flags",
    "localise",
]

# Every header, index label and fixed value of the views, in Chinese (``lang="zh"``).
# Indicator, component and grade names come from :mod:`assess.reporting.i18n` and the scheme.
_ZH: dict[str, str] = {
    "group_id": "工作组编号",
    "name": "工作组名称",
    "recipients": "服务对象数",
    "ledger": "月度台账",
    "visits": "走访",
    "problems": "问题台账",
    "milestones": "项目节点",
    "ratings": "服务对象评价",
    "adjustments": "加扣分",
    "out_of_window": "考核期外行数",
    "on time": "按时报送",
    "late": "逾期报送",
    "not submitted": "未报送",
    "missing": "无台账",
    "not on time": "未按时报送",
    "status": "报送情况",
    "month": "月份",
    "sheet": "工作表",
    "rows": "行数",
    "in_window": "考核期内",
    "earlier_years": "以前年度",
    "after_as_of": "考核日期之后",
    "later_years": "以后年度",
    "check": "检查项",
    "detail": "说明",
    "quarter": "季度",
    "items": "评价项数",
    "score": "评分",
    "year": "全年",
    "value": "数值",
    "responses": "评价份数",
    "recipients who rated": "参与评价的服务对象数",
    "reliability of a group's mean, ICC(1,k)": "各组平均评价的信度 ICC(1,k)",
    "reliability of one response, ICC(1)": "单份评价的信度 ICC(1)",
    "Krippendorff's alpha (ordinal)": "Krippendorff α（顺序尺度）",
    "groups with too few raters": "参与评价者过少的工作组数",
    "straight-lining recipients": "各项打分完全相同的服务对象数",
    "mean": "平均值",
    "std": "标准差",
    "min": "最小值",
    "25%": "下四分位数",
    "50%": "中位数",
    "75%": "上四分位数",
    "max": "最大值",
    "nominal": "名义权重",
    "effective_mean": "平均实际权重",
    "weighted_variance_share": "加权得分差异占比",
    "variance_share": "方差贡献占比",
    "corr_ratio": "与最终得分的相关比",
    "final_score": "最终得分",
    "base_score": "基础得分",
    "bonus": "加分",
    "deduction": "扣分",
    "rank": "排名",
    "grade": "等次",
    "final_score_alt": "调整后最终得分",
    "rank_alt": "调整后排名",
    "grade_alt": "调整后等次",
    "score_change": "得分变化",
    "rank_change": "排名变化（正数为上升）",
    "grade_changed": "等次是否变化",
    "groups": "工作组数",
    "ungraded": "不评定等次",
    "flag": "标记",
    "few_raters": "参与评价者过少",
    "straight_lining": "各项打分完全相同",
    "count": "个数",
    "indicator": "指标",
    # anomaly checks
    "ledger before its month": "台账早于所属月份报送",
    "resolved the day raised": "问题提出当天即办结",
    "duplicate visits": "同日重复走访",
    "investment above plan": "完成投资超过计划",
    "completed after as_of": "完成日期晚于考核日期",
    "all-minimum rater": "所有项目均打最低分",
    "submitted before the month it reports on began": "所属月份尚未开始即已报送",
    "a problem resolved on the day it was raised": "问题在提出当天即办结",
    "a second visit to the same recipient on the same day": "同一天对同一服务对象的第二次走访",
    "completed investment exceeds the planned amount": "完成投资额超过计划投资额",
    "a recipient gave the lowest score to every item": "服务对象对所有项目均打最低分",
}


def _word(key: Any, lang: str) -> Any:
    """``key`` in ``lang``: an indicator's or fixed word's Chinese label, else ``key`` itself."""
    if lang != "zh" or not isinstance(key, str):
        return key
    from assess.reporting.i18n import indicator_label

    return _ZH.get(key) or indicator_label(key, "zh")


_EXPLORE = Domain("explore")


def localise(
    frame: pd.DataFrame, lang: str = "en", labels: dict[str, str] | None = None, values: tuple[str, ...] = ()
) -> pd.DataFrame:
    """``frame`` with its headers, index labels and the text of the ``values`` columns in ``lang``.

    ``labels`` adds names of this result (components, grades) to the catalogue. English
    (``lang="en"``) returns ``frame`` unchanged.
    """
    from assess.reporting.i18n import check_lang

    if check_lang(lang) == "en":
        return frame
    extra = labels or {}

    def word(k: Any) -> Any:
        return extra.get(k, _word(k, lang)) if isinstance(k, str) else k

    out = frame.copy()
    for col in values:
        if col in out.columns:
            out[col] = out[col].map(lambda v: word(v) if isinstance(v, str) else v)
    if not pd.api.types.is_numeric_dtype(out.index) and not isinstance(out.index, pd.MultiIndex):
        out.index = pd.Index([word(k) for k in out.index], name=out.index.name)
    out.index.name = word(out.index.name)
    out = out.rename(columns=word)
    out.columns.name = word(out.columns.name)
    return out


def _scheme_labels(result: Result, lang: str) -> dict[str, str]:
    """Component and grade names of ``result``'s scheme → their labels in ``lang``."""
    scheme = result.scheme
    out = {k: scheme.component_label(k, lang) for k in scheme.components}
    out |= {b.name: getattr(b.label, lang, "") or b.name for b in scheme.grades.bands}
    return out


@contextmanager
def _font(lang: str) -> Iterator[str]:
    """The language a figure can be drawn in, with a CJK font for Chinese while it is built."""
    import matplotlib as mpl

    from assess.reporting.figures import cjk_font, figure_lang

    lang = figure_lang(lang)
    font = cjk_font() if lang == "zh" else None
    with mpl.rc_context({"font.family": [font, "DejaVu Sans"]} if font else {}):
        yield lang


def coverage(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
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


def ledger_status(dataset: Dataset, year: int, lang: str = "en") -> pd.DataFrame:
    """Each group's monthly ledger in ``year``: ``on time``, ``late``, ``not submitted`` or ``missing`` (no row)."""
    led = dataset.tables["ledger"]
    led = led[led["month"].str.startswith(f"{year}-")]
    status = pd.Series("on time", index=led.index)
    status[led["submitted_on"] > led["due_date"]] = "late"
    status[led["submitted_on"].isna()] = "not submitted"
    table = pd.DataFrame({"group_id": led["group_id"], "month": led["month"].str[5:], "status": status})
    months = [f"{m:02d}" for m in range(1, 13)]
    wide = table.pivot(index="group_id", columns="month", values="status")
    wide = wide.reindex(index=dataset.tables["groups"]["group_id"], columns=months).fillna("missing")
    return localise(wide, lang, values=tuple(months))


_STATUSES = ["on time", "late", "not submitted", "missing"]


def ledger_by_month(dataset: Dataset, year: int, lang: str = "en") -> pd.DataFrame:
    """Groups per monthly-ledger status (rows) and month (columns, ``01``–``12``)."""
    wide = ledger_status(dataset, year)
    counts = wide.apply(lambda month: month.value_counts()).reindex(_STATUSES).fillna(0).astype(int)
    counts.index.name = "status"
    return localise(counts, lang)


def ledger_by_group(dataset: Dataset, year: int, lang: str = "en") -> pd.DataFrame:
    """Months per status for each group, the groups with the most months not on time first."""
    wide = ledger_status(dataset, year)
    counts = wide.apply(lambda row: row.value_counts(), axis=1).reindex(columns=_STATUSES).fillna(0).astype(int)
    counts["not on time"] = 12 - counts["on time"]
    return localise(counts.sort_values(["not on time", "missing"], ascending=False, kind="stable"), lang)


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


def anomalies(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Rows that are valid but suspicious, one line per (check, group) with the count.

    Checks: a ledger submitted before its month began; a problem resolved the day it was
    raised; two visits to one recipient on one day; investment completed above plan; a
    milestone completed after the assessment date; a recipient who gave the lowest score
    to every item; and a group whose raw indicator lies far from the others (robust
    z-score from the median and the MAD, above 3.5).
    """
    t = dataset.tables
    as_of_ts = pd.Timestamp(as_of or f"{year}-12-31")
    w = Window(int(year), as_of_ts)
    parts = []

    def add(check: str, mask: pd.Series, frame: pd.DataFrame, detail: str) -> None:
        hit = frame.loc[mask.to_numpy(), "group_id"]
        if len(hit):
            counts = hit.value_counts().sort_index()
            parts.append(
                pd.DataFrame({"check": check, "group_id": counts.index, "rows": counts.to_numpy(), "detail": detail})
            )

    led = t["ledger"]
    starts = w.period_starts(led["month"], "month")
    add("ledger before its month", led["submitted_on"] < starts, led, "submitted before the month it reports on began")
    p = t["problems"]
    add(
        "resolved the day raised",
        (p["status"] == "resolved") & (p["resolved_on"] == p["raised_on"]),
        p,
        "a problem resolved on the day it was raised",
    )
    v = t["visits"]
    add(
        "duplicate visits",
        v.duplicated(["group_id", "recipient_id", "date"], keep="first"),
        v,
        "a second visit to the same recipient on the same day",
    )
    m = t["milestones"]
    add(
        "investment above plan",
        m["investment_completed"] > m["investment_planned"],
        m,
        "completed investment exceeds the planned amount",
    )
    add(
        "completed after as_of",
        m["completed_on"] > as_of_ts,
        m,
        f"completion dated after the assessment date {as_of_ts.date()}",
    )
    r = rating_rows(t, w)
    low = r.groupby(["group_id", "recipient_id"])["score"].agg(["min", "max", "size"]).reset_index()
    lo = r["score"].min() if len(r) else np.nan
    add(
        "all-minimum rater",
        (low["max"] == lo) & (low["size"] >= 2),
        low,
        "a recipient gave the lowest score to every item",
    )
    from assess.scoring.compute import score  # late: scoring imports this package's modules

    scored = score(dataset, year, as_of=as_of)
    assert scored.raw is not None  # score() always keeps the raw indicators
    raw = scored.raw.set_index("group_id")
    med = raw.median()
    mad = (raw - med).abs().median() * 1.4826
    z = (raw - med) / mad.where(mad > 0)
    for col in raw.columns:
        far = z[col].abs() > 3.5
        if far.any():
            frame = pd.DataFrame({"group_id": raw.index})
            add(
                f"outlier: {col}",
                far.reset_index(drop=True),
                frame,
                f"{col} is more than 3.5 robust SDs from the median {med[col]:.3g}",
            )
    cols = ["check", "group_id", "rows", "detail"]
    table = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    if lang == "zh" and len(table):
        from assess.reporting.i18n import indicator_label

        def zh_check(c: str) -> str:
            return (
                f"异常值：{indicator_label(c.removeprefix('outlier: '), 'zh')}"
                if c.startswith("outlier: ")
                else _ZH.get(c, c)
            )

        def zh_detail(d: str) -> str:
            m = re.fullmatch(r"(\w+) is more than 3\.5 robust SDs from the median (.+)", d)
            if m:
                return f"{indicator_label(m.group(1), 'zh')}与中位数 {m.group(2)} 相差超过 3.5 个稳健标准差"
            m = re.fullmatch(r"completion dated after the assessment date (.+)", d)
            return f"完成日期晚于考核日期 {m.group(1)}" if m else _ZH.get(d, d)

        table = table.assign(check=table["check"].map(zh_check), detail=table["detail"].map(zh_detail))
    return localise(table, lang)


def rating_distribution(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Share of item scores per quarter (rows) and score (columns), with the number of items."""
    r = rating_rows(dataset.tables, Window(int(year), pd.Timestamp(as_of or f"{year}-12-31")))
    table = pd.crosstab(r["quarter"], r["score"], normalize="index")
    table["items"] = r.groupby("quarter").size()
    return localise(table, lang)


def response_rates(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Per group and quarter: the share of its assigned recipients that rated it."""
    t = dataset.tables
    r = rating_rows(t, Window(int(year), pd.Timestamp(as_of or f"{year}-12-31")))
    raters = r.groupby(["group_id", "quarter"])["recipient_id"].nunique().unstack(fill_value=0)
    assigned = t["recipients"].groupby("group_id").size()
    groups = pd.Index(t["groups"]["group_id"], name="group_id")
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    rates = raters.reindex(index=groups, columns=quarters).fillna(0).div(assigned.reindex(groups), axis=0)
    return localise(rates.assign(year=rates.mean(axis=1)).sort_values("year", kind="stable"), lang)


def rating_reliability(result: Result, lang: str = "en") -> pd.DataFrame:
    """The ratings' overall reliability, as a two-column table."""
    r = result.meta.get("ratings", {})
    q = result.ratings_quality if result.ratings_quality is not None else pd.DataFrame()
    rows = {
        "responses": r.get("responses"),
        "recipients who rated": r.get("raters"),
        "reliability of a group's mean, ICC(1,k)": r.get("icc1k"),
        "reliability of one response, ICC(1)": r.get("icc1"),
        "Krippendorff's alpha (ordinal)": r.get("alpha"),
        "groups with too few raters": int(q["few_raters"].sum()) if "few_raters" in q else None,
        "straight-lining recipients": int(q["straight_liners"].sum()) if "straight_liners" in q else None,
    }
    return localise(pd.DataFrame({"value": pd.Series(rows, dtype=object)}), lang)


def indicator_summary(result: Result, lang: str = "en") -> pd.DataFrame:
    """Distribution of each weighted indicator's normalised score and each component."""
    wide = result.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    comps = result.scores.set_index("group_id")[[c for c in result.scheme.components if c in result.scores]]
    table = pd.concat([comps, wide[list(dict.fromkeys(result.indicators["indicator"]))]], axis=1).describe().T
    table.insert(0, "missing", len(result.scores) - table["count"].astype(int))
    return localise(table.drop(columns="count"), lang, labels=_scheme_labels(result, lang) | {"missing": "缺失数"})


def indicator_correlations(result: Result, method: str = "spearman", lang: str = "en") -> pd.DataFrame:
    """Correlations between the normalised indicators (Handbook step 4: redundant or
    contradictory indicators show as large positive or negative values)."""
    wide = result.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    corr = wide[list(dict.fromkeys(result.indicators["indicator"]))].corr(method=method)
    return localise(corr, lang)


def effective_weights(result: Result, lang: str = "en") -> pd.DataFrame:
    """Nominal weight (component × indicator) against the effective one and the importance.

    ``effective_mean``: the weight an indicator really has after renormalisation over what
    each group has, averaged over groups; ``weighted_variance_share``, ``variance_share`` and
    ``corr_ratio``: its effective importance across the graded groups
    (:func:`assess.analysis.importance.importance`), which shows an indicator with a large weight but
    little spread carrying little of the ranking, and one with a small weight carrying most.
    """
    nominal = nominal_weights(result.scheme)
    if result.contributions is None:  # a result saved without them: no effective weights to show
        eff = pd.Series(np.nan, index=nominal.index)
    else:
        eff = result.contributions.groupby("indicator", sort=False)["effective_weight"].mean()
    coherence = importance(result).set_index("indicator")
    table = pd.DataFrame(
        {
            "nominal": nominal,
            "effective_mean": eff,
            "weighted_variance_share": coherence["weighted_variance_share"],
            "variance_share": coherence["variance_share"],
            "corr_ratio": coherence["corr_ratio"],
        }
    )
    return localise(table.reindex(nominal.index), lang)


def reweighted(
    scheme: Scheme | None = None, components: dict[str, float] | None = None, indicators: dict[str, float] | None = None
) -> Scheme:
    """``scheme`` with new weights, each sibling set renormalised to sum to 1.

    Weights not given keep their value before the renormalisation. Raises
    :class:`~assess.common.errors.SchemeError` for an unknown name or a weight ≤ 0.
    """
    from assess.scoring.prepared import reweight  # the one renormalisation, beside the rescoring it feeds

    return reweight(scheme or default_scheme(), components, indicators)


def what_if(nominal: Result, alternative: Result, lang: str = "en") -> pd.DataFrame:
    """Each group's score, rank and grade under two schemes, the groups that move most first.

    ``flags`` and ``flags_alt`` say why a group has no rank or grade (``veto``,
    ``insufficient_data``) or was demoted by a quota, under each scheme. The scores keep their
    full precision; ``.round(1)`` shows them as the reports do.
    """
    a = nominal.scores.set_index("group_id")[["name", "final_score", "rank", "grade", "flags"]]
    b = alternative.scores.set_index("group_id")[["final_score", "rank", "grade", "flags"]]
    table = a.merge(b, left_index=True, right_index=True, how="left", suffixes=("", "_alt"))
    table["score_change"] = table["final_score_alt"] - table["final_score"]
    table["rank_change"] = (table["rank"] - table["rank_alt"]).astype("Int64")  # positive: moves up
    table["grade_changed"] = table["grade"].fillna("-") != table["grade_alt"].fillna("-")
    order = table["rank_change"].abs().astype("Float64").fillna(0)
    table = (
        table.assign(_o=order).sort_values(["grade_changed", "_o"], ascending=False, kind="stable").drop(columns="_o")
    )
    columns = ["name", "final_score", "rank", "grade", "flags", "final_score_alt", "rank_alt", "grade_alt", "flags_alt"]
    table = table[[*columns, "score_change", "rank_change", "grade_changed"]]
    for col in ("flags", "flags_alt"):
        table[col] = table[col].map(lambda v: _flag_words(v, lang))
    headers = {col: _EXPLORE.text(col, lang) for col in ("flags", "flags_alt")}
    return localise(table, lang, labels=_scheme_labels(nominal, lang) | headers, values=("grade", "grade_alt"))


def _flag_words(value: Any, lang: str) -> str:
    """``veto;quota_demoted`` → the flags in words of ``lang`` (``一票否决；受名额限制降档``)."""
    if not isinstance(value, str) or not value:
        return ""
    words = [_EXPLORE.text(f"flag_{f}", lang) if f"flag_{f}" in _EXPLORE[lang] else f for f in value.split(";") if f]
    return _EXPLORE.text("list_separator", lang).join(words)


def score_summary(result: Result, lang: str = "en") -> pd.DataFrame:
    """Distribution (count, mean, quartiles, ...) of the component scores and the final score."""
    cols = [c for c in result.scheme.components if c in result.scores] + ["final_score"]
    return localise(result.scores[cols].describe(), lang, labels=_scheme_labels(result, lang))


def grade_counts(result: Result, lang: str = "en") -> pd.DataFrame:
    """Groups per grade, best first, then the ungraded ones."""
    bands = result.scheme.band_names
    counts = result.scores["grade"].value_counts().reindex(bands, fill_value=0)
    counts.loc["ungraded"] = int(result.scores["grade"].isna().sum())
    table = counts.rename("groups").to_frame()
    table.index.name = "grade"
    return localise(table, lang, labels=_scheme_labels(result, lang))


def rating_flags(result: Result, lang: str = "en") -> pd.DataFrame:
    """The flags the scoring raised about the ratings (straight-lining, too few raters), one row per group and flag."""
    flags = result.flags if result.flags is not None else pd.DataFrame(columns=["group_id", "flag", "detail"])
    table = flags[flags["flag"].isin(["straight_lining", "few_raters"])].reset_index(drop=True)
    if lang == "zh" and len(table):

        def zh(d: str) -> str:
            m = re.fullmatch(r"rated by (\S+) recipient\(s\); at least (\d+) wanted", d)
            if m:
                return f"仅 {m.group(1)} 个服务对象参与评价，应不少于 {m.group(2)} 个"
            m = re.fullmatch(r"(\S+) recipient\(s\) gave the same score to every item in every quarter", d)
            return f"{m.group(1)} 个服务对象在各季度对所有项目打分完全相同" if m else d

        table = table.assign(detail=table["detail"].map(zh))
    return localise(table, lang, values=("flag",))


# ---- figures for the notebooks ---------------------------------------------------------------


def _fig(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def ledger_figure(dataset: Dataset, year: int, lang: str = "en") -> Figure:
    """Monthly ledgers of all groups: on time, late, not submitted or missing, per month."""
    counts = ledger_by_month(dataset, year)
    with _font(lang) as lang:
        fig = _fig(7.5, 3.2)
        ax = fig.add_subplot()
        colours = {"on time": "#1a9850", "late": "#fdae61", "not submitted": "#d73027", "missing": "#bdbdbd"}
        bottom = np.zeros(counts.shape[1])
        for status in counts.index:
            ax.bar(
                counts.columns,
                counts.loc[status],
                bottom=bottom,
                color=colours[status],
                label=_word(status, lang),
                width=0.8,
            )
            bottom += counts.loc[status].to_numpy()
        ax.set_xlabel(f"{year}年各月" if lang == "zh" else f"Month of {year}")
        ax.set_ylabel(_word("groups", lang) if lang == "zh" else "Groups")
        fig.legend(loc="outside right upper", frameon=False, fontsize=8)
        fig.set_label(f"{year}年月度台账报送情况" if lang == "zh" else f"Monthly ledgers {year}")
    return fig


def rating_figure(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> Figure:
    """Distribution of item scores in each quarter (stacked shares)."""
    table = rating_distribution(dataset, year, as_of).drop(columns="items")
    with _font(lang) as lang:
        fig = _fig(7.5, 3.0)
        ax = fig.add_subplot()
        from matplotlib import colormaps

        cmap = colormaps["RdYlGn"]
        left = np.zeros(len(table))
        for k, col in enumerate(table.columns):
            ax.barh(
                table.index, table[col], left=left, color=cmap(k / max(len(table.columns) - 1, 1)), label=f"{col:g}"
            )
            left += table[col].to_numpy()
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_xlabel("各分值所占比例" if lang == "zh" else "Share of item scores")
        fig.legend(title=_word("score", lang), loc="outside right upper", frameon=False, fontsize=8)
        fig.set_label(f"{year}年各季度评分分布" if lang == "zh" else f"Rating scores by quarter {year}")
    return fig


def correlation_figure(result: Result, method: str = "spearman", lang: str = "en") -> Figure:
    """Heat map of :func:`indicator_correlations`."""
    with _font(lang) as lang:
        corr = indicator_correlations(result, method, lang)
        n = len(corr)
        fig = _fig(1.2 + 0.62 * n, 0.8 + 0.55 * n)
        ax = fig.add_subplot()
        image = ax.imshow(corr.to_numpy(), vmin=-1, vmax=1, cmap="RdBu_r")
        ax.set_xticks(range(n), corr.columns, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(n), corr.index, fontsize=8)
        for i in range(n):
            for j in range(n):
                v = corr.iat[i, j]
                if not np.isnan(v):
                    ax.text(
                        j,
                        i,
                        f"{v:.2f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if abs(v) > 0.6 else "black",
                    )
        name = {"spearman": "Spearman", "pearson": "Pearson", "kendall": "Kendall"}.get(method, method)
        fig.colorbar(
            image, ax=ax, shrink=0.8, label=f"{name} 相关系数" if lang == "zh" else f"{method.capitalize()} correlation"
        )
        fig.set_label(f"指标间相关系数（{name}）" if lang == "zh" else f"Correlations between indicators ({method})")
    return fig


def what_if_figure(table: pd.DataFrame, lang: str = "en") -> Figure:
    """Final score under the scheme against the alternative, one dot per group (from :func:`what_if`, in either language)."""
    back = {v: k for k, v in _ZH.items() if k in ("final_score", "final_score_alt", "grade_changed")}
    table = table.rename(columns=back)
    with _font(lang) as lang:
        zh = lang == "zh"
        fig = _fig(5.0, 4.6)
        ax = fig.add_subplot()
        changed = table["grade_changed"].to_numpy(dtype=bool)
        ax.plot([0, 100], [0, 100], color="0.7", linewidth=1)
        ax.scatter(
            table.loc[~changed, "final_score"],
            table.loc[~changed, "final_score_alt"],
            s=18,
            color="#4a6fa5",
            label="等次不变" if zh else "same grade",
        )
        ax.scatter(
            table.loc[changed, "final_score"],
            table.loc[changed, "final_score_alt"],
            s=30,
            color="#d73027",
            label="等次变化" if zh else "grade changes",
        )
        for gid, row in table[changed].iterrows():
            ax.annotate(
                str(gid),
                (row["final_score"], row["final_score_alt"]),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=7,
            )
        lo = float(np.nanmin(table[["final_score", "final_score_alt"]].to_numpy(dtype=float))) - 2 if len(table) else 0
        ax.set_xlim(lo, 100)
        ax.set_ylim(lo, 100)
        ax.set_xlabel("按考核方案的最终得分" if zh else "Final score under the scheme")
        ax.set_ylabel("按调整后权重的最终得分" if zh else "Final score under the alternative")
        ax.legend(frameon=False, fontsize=8)
        fig.set_label("假设分析：两种方案下的最终得分" if zh else "What if: final scores under two schemes")
    return fig


def weight_sliders(
    dataset: Dataset, year: int, scheme: Scheme | None = None, as_of: str | None = None, lang: str = "en"
) -> Any:
    """ipywidgets sliders for the component weights; moving them rescores and shows the
    groups whose grade or rank changes.

    The sliders are labelled in ``lang``; since the weights are renormalised to sum to 1, the
    weights actually used are printed above the table on every change.
    """
    require("lab")
    import ipywidgets as widgets
    from IPython.display import display

    from assess.scoring.prepared import prepare

    scheme = scheme or default_scheme()
    prepared = prepare(dataset, year, as_of, scheme)  # the indicators once; each slider move only reweighs
    nominal = prepared.rescore(scheme)
    labels = {name: getattr(c.label, lang) for name, c in scheme.components.items()}
    sliders = {
        name: widgets.FloatSlider(
            value=c.weight, min=0.05, max=1.0, step=0.05, description=labels[name], continuous_update=False,
            style={"description_width": "initial"},
        )
        for name, c in scheme.components.items()
    }  # fmt: skip

    def show(**weights: float) -> None:
        used = reweighted(scheme, components=weights)
        alt = prepared.rescore(used)
        table = what_if(nominal, alt, lang=lang)
        moved = int(table.iloc[:, -1].sum())
        largest = int(table.iloc[:, -2].abs().max()) if table.iloc[:, -2].notna().any() else 0
        sep = _EXPLORE.text("list_separator", lang)
        effective = sep.join(f"{labels[n]} {c.weight:.2f}" for n, c in used.components.items())
        print(_EXPLORE.text("weights_used", lang, weights=effective))
        print(_EXPLORE.text("what_if_moves", lang, moved=moved, largest=largest))
        display(table.head(15).round(1))

    return widgets.interactive(show, **sliders)
