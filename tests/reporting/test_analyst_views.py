"""The analysts' views (assess.reporting.explore): tables, what-if, the notebook summary of a result."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import assess
from assess.intake._validate import Dataset
from assess.reporting import explore

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2025


@pytest.fixture(scope="module")
def sample(sample_2025: Dataset) -> Dataset:
    return sample_2025


@pytest.fixture(scope="module")
def result(sample_2025_result: assess.Result) -> assess.Result:
    return sample_2025_result


def test_ledger_views_count_every_group_every_month(sample: Dataset) -> None:
    by_month = explore.ledger_by_month(sample, YEAR)
    assert list(by_month.columns) == [f"{m:02d}" for m in range(1, 13)]
    assert list(by_month.index) == ["on time", "late", "not submitted", "missing"]
    assert (by_month.sum() == 38).all()
    by_group = explore.ledger_by_group(sample, YEAR)
    assert (by_group[["on time", "late", "not submitted", "missing"]].sum(axis=1) == 12).all()
    assert by_group["not on time"].is_monotonic_decreasing


def test_out_of_window_splits_every_dated_row(sample: Dataset) -> None:
    t = explore.out_of_window(sample, YEAR)
    assert (t[["in_window", "earlier_years", "after_as_of", "later_years"]].sum(axis=1) == t["rows"]).all()
    early = explore.out_of_window(sample, YEAR, as_of="2025-06-30")
    assert early.loc["visits", "after_as_of"] > 0 and early.loc["visits", "in_window"] < t.loc["visits", "in_window"]


def test_anomalies_find_planted_rows(sample: Dataset) -> None:
    t = dict(sample.tables)
    visit = t["visits"].iloc[[0]]
    t["visits"] = pd.concat([t["visits"], visit, visit], ignore_index=True)  # two more visits that day
    found = explore.anomalies(Dataset(tables=t), YEAR)
    assert list(found.columns) == ["check", "group_id", "rows", "detail"]
    dup = found[(found["check"] == "duplicate visits") & (found["group_id"] == visit["group_id"].iloc[0])]
    base = explore.anomalies(sample, YEAR)
    before = base[(base["check"] == "duplicate visits") & (base["group_id"] == visit["group_id"].iloc[0])]["rows"].sum()
    assert dup["rows"].sum() == before + 2


def test_rating_views(sample: Dataset, result: assess.Result) -> None:
    dist = explore.rating_distribution(sample, YEAR)
    np.testing.assert_allclose(dist.drop(columns="items").sum(axis=1), 1.0)
    assert dist["items"].sum() == len(sample.tables["ratings"])
    rates = explore.response_rates(sample, YEAR)
    assert list(rates.columns) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "year"]
    assert ((rates >= 0) & (rates <= 1)).all().all() and rates["year"].is_monotonic_increasing
    rel = explore.rating_reliability(result)
    assert rel.loc["responses", "value"] == result.meta["ratings"]["responses"]


def test_indicator_views(result: assess.Result) -> None:
    corr = explore.indicator_correlations(result)
    assert list(corr.columns) == list(result.scheme.indicators)
    np.testing.assert_allclose(np.diag(corr.to_numpy()), 1.0)
    summary = explore.indicator_summary(result)
    assert {"daily_work", "rating_score"} <= set(summary.index) and (summary["missing"] >= 0).all()
    w = explore.effective_weights(result)
    assert w.loc["ledger_on_time", "nominal"] == pytest.approx(0.3 * 0.4)
    assert w["nominal"].sum() == pytest.approx(1.0)
    # base = sum of points, so the covariance shares add up to 1
    assert w["variance_share"].sum() == pytest.approx(1.0)


def test_effective_weights_of_a_result_without_contributions(result: assess.Result) -> None:
    """A result saved without its contributions table (loaded as None) still shows the nominal weights."""
    bare = dataclasses.replace(result, contributions=None)
    w = explore.effective_weights(bare)
    assert w.loc["ledger_on_time", "nominal"] == pytest.approx(0.3 * 0.4)
    assert w["effective_mean"].isna().all()
    assert w["variance_share"].isna().all()  # importance needs the contributions too


def test_reweighted_renormalises_and_names_bad_keys() -> None:
    s = explore.reweighted(
        components={"daily_work": 1, "effectiveness": 1, "service_rating": 2},
        indicators={"rating_score": 0.6, "rating_response": 0.6},
    )
    assert [c.weight for c in s.components.values()] == [0.25, 0.25, 0.5]
    assert (s.indicators["rating_score"].weight, s.indicators["rating_response"].weight) == (0.5, 0.5)
    with pytest.raises(assess.SchemeError, match="components.daily: no such component"):
        explore.reweighted(components={"daily": 0.5})


def test_what_if_orders_grade_changes_first(sample: Dataset, result: assess.Result) -> None:
    same = explore.what_if(result, result)
    assert not same["grade_changed"].any() and (same["score_change"].fillna(0) == 0).all()
    alt = assess.score(
        sample,
        YEAR,
        scheme=explore.reweighted(components={"daily_work": 0.1, "effectiveness": 0.8, "service_rating": 0.1}),
    )
    table = explore.what_if(result, alt)
    changed = table["grade_changed"].to_numpy()
    assert changed.any() and not (np.diff(changed.astype(int)) > 0).any()  # all changes first
    assert isinstance(explore.what_if_figure(table), Figure)


def test_figures_and_html_summary(sample: Dataset, result: assess.Result) -> None:
    for fig in (
        explore.ledger_figure(sample, YEAR),
        explore.rating_figure(sample, YEAR),
        explore.correlation_figure(result),
    ):
        assert isinstance(fig, Figure) and fig.get_label()
    html = result._repr_html_()
    top = result.scores.sort_values("rank").iloc[0]
    assert (
        "Assessment 2025" in html
        and "Excellent" in html
        and top["group_id"] in html
        and "Top 10 by final score" in html
    )
    assert "优秀" not in html  # English throughout unless the result is shown in Chinese
    zh = result.in_language("zh")._repr_html_()
    assert "2025年度考核" in zh and "优秀" in zh and top["group_id"] in zh and "最终得分前10名" in zh
    assert "<script" not in html


def test_views_in_chinese(sample: Dataset, result: assess.Result) -> None:
    """lang="zh": the same numbers under Chinese headers, index labels, values and chart labels."""
    cover, cover_zh = explore.coverage(sample, YEAR), explore.coverage(sample, YEAR, lang="zh")
    assert list(cover_zh.columns) == [
        "服务对象数",
        "月度台账",
        "走访",
        "问题台账",
        "项目节点",
        "服务对象评价",
        "加扣分",
        "考核期外行数",
    ]
    assert cover_zh.index.name == "工作组编号"
    np.testing.assert_array_equal(cover_zh.to_numpy(), cover.to_numpy())
    by_month = explore.ledger_by_month(sample, YEAR, lang="zh")
    assert list(by_month.index) == ["按时报送", "逾期报送", "未报送", "无台账"] and by_month.index.name == "报送情况"
    assert (by_month.sum() == 38).all()
    status = explore.ledger_status(sample, YEAR, lang="zh")
    assert set(np.unique(status.to_numpy())) <= {"按时报送", "逾期报送", "未报送", "无台账"}
    window = explore.out_of_window(sample, YEAR, lang="zh")
    assert (
        list(window.columns) == ["行数", "考核期内", "以前年度", "考核日期之后", "以后年度"]
        and "月度台账" in window.index
    )
    summary = explore.indicator_summary(result, lang="zh")
    assert {"日常工作", "工作成效", "服务对象评价", "问题按时办结率", "走访覆盖率"} <= set(summary.index)
    assert list(summary.columns)[:3] == ["缺失数", "平均值", "标准差"]
    weights = explore.effective_weights(result, lang="zh")
    assert (
        list(weights.columns) == ["名义权重", "平均实际权重", "加权得分差异占比", "方差贡献占比", "与最终得分的相关比"]
        and "月度台账按时报送率" in weights.index
    )
    reliability = explore.rating_reliability(result, lang="zh")
    assert "各组平均评价的信度 ICC(1,k)" in reliability.index and reliability.columns.tolist() == ["数值"]
    alt = assess.score(
        sample,
        YEAR,
        scheme=explore.reweighted(components={"daily_work": 0.2, "effectiveness": 0.5, "service_rating": 0.3}),
    )
    table = explore.what_if(result, alt, lang="zh")
    assert {"工作组名称", "最终得分", "调整后最终得分", "等次是否变化", "等次", "调整后等次"} <= set(table.columns)
    assert set(table["等次"].dropna()) <= {"优秀", "良好", "合格", "不合格"}
    grades = explore.grade_counts(result, lang="zh")
    assert list(grades.index) == ["优秀", "良好", "合格", "不合格", "不评定等次"] and grades["工作组数"].sum() == 38
    flags = explore.rating_flags(result, lang="zh")
    assert set(flags["标记"]) <= {"参与评价者过少", "各项打分完全相同"} and len(flags) == len(
        explore.rating_flags(result)
    )
    assert all("服务对象" in d for d in flags["说明"])
    fig = explore.ledger_figure(sample, YEAR, lang="zh")
    ax = fig.axes[0]
    assert (
        ax.get_xlabel() == "2025年各月"
        and ax.get_ylabel() == "工作组数"
        and fig.get_label() == "2025年月度台账报送情况"
    )
    assert "Noto Sans CJK SC" in ax.xaxis.label.get_fontfamily() or "CJK" in str(ax.xaxis.label.get_fontfamily())
    assert explore.what_if_figure(table, lang="zh").axes[0].get_xlabel() == "按考核方案的最终得分"
    corr = explore.correlation_figure(result, lang="zh")
    assert "走访覆盖率" in [t.get_text() for t in corr.axes[0].get_xticklabels()]
