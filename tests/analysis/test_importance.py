"""Nominal weight against effective importance (assess.analysis._importance), by hand and on the sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import assess
from assess.analysis._importance import IMPORTANCE_COLUMNS, importance
from assess.intake._scheme import default_scheme
from assess.reporting._workbook import write_scores

ROOT = Path(__file__).resolve().parents[2]


def _hand_result() -> assess.Result:
    """Four graded groups; only ledger_on_time (L) and problem_on_time (P) vary.
    points L = 12, 6, 0, 6 and P = 0, 3, 6, 3, so base = 12, 9, 6, 9."""
    groups = ["g1", "g2", "g3", "g4"]
    rows = []
    for g, lp, pp in zip(groups, [12, 6, 0, 6], [0, 3, 6, 3], strict=True):
        rows.append({"group_id": g, "indicator": "ledger_on_time", "normalized": lp / 0.12, "points": float(lp)})
        rows.append({"group_id": g, "indicator": "problem_on_time", "normalized": pp / 0.12, "points": float(pp)})
    scores = pd.DataFrame(
        {"group_id": groups, "grade": "pass", "base_score": [12.0, 9, 6, 9], "final_score": [12.0, 9, 6, 9]}
    )
    meta = {"scheme": default_scheme().model_dump(mode="json")}
    return assess.Result(
        scores=scores, indicators=pd.DataFrame(), groups=pd.DataFrame(), meta=meta, contributions=pd.DataFrame(rows)
    )


def test_importance_by_hand() -> None:
    t = importance(_hand_result()).set_index("indicator")
    assert list(t.reset_index().columns) == IMPORTANCE_COLUMNS
    # Var(L) = (36 + 0 + 36 + 0) / 4 = 18, Var(P) = (9 + 0 + 9 + 0) / 4 = 4.5
    assert t.loc["ledger_on_time", "weighted_variance_share"] == pytest.approx(18 / 22.5)
    assert t.loc["problem_on_time", "weighted_variance_share"] == pytest.approx(4.5 / 22.5)
    # Var(base) = 4.5; Cov(L, base) = (6·3 + 6·3) / 4 = 9 -> 2; Cov(P, base) = −4.5 -> −1 (they add up to 1)
    assert t.loc["ledger_on_time", "variance_share"] == pytest.approx(2.0)
    assert t.loc["problem_on_time", "variance_share"] == pytest.approx(-1.0)
    assert t["variance_share"].sum() == pytest.approx(1.0)
    # both correlate perfectly (one up, one down) with the final score
    assert t.loc[["ledger_on_time", "problem_on_time"], "corr_linear"].tolist() == pytest.approx([1.0, 1.0])
    # correlation ratio with 4 units: ⌊√4⌋ = 2 bins of equal count by rank: L = 100 | 50, 0, 50;
    # bin means of y = 12 | 8, grand mean 9: between 1·9 + 3·1 = 12 of total 18 -> 2/3 (P alike)
    assert t.loc[["ledger_on_time", "problem_on_time"], "corr_ratio"].tolist() == pytest.approx([2 / 3, 2 / 3])
    assert t.loc["ledger_on_time", "corr_ratio_share"] == pytest.approx(0.5)
    assert t.loc["ledger_on_time", "nominal_weight"] == pytest.approx(0.4 * 0.3)
    assert t.loc["rating_score", "weighted_variance_share"] == 0 and t.loc["rating_score", "corr_ratio"] == 0
    assert t.index[0] == "ledger_on_time"  # largest ratio first (ties by name)


def _result_of(norm: dict[str, list[float]], final: list[float]) -> assess.Result:
    groups = [f"g{i}" for i in range(len(final))]
    rows = [
        {"group_id": g, "indicator": k, "normalized": v[i], "points": 0.0}
        for k, v in norm.items()
        for i, g in enumerate(groups)
    ]
    scores = pd.DataFrame({"group_id": groups, "grade": "pass", "base_score": final, "final_score": final})
    meta = {"scheme": default_scheme().model_dump(mode="json")}
    return assess.Result(
        scores=scores, indicators=pd.DataFrame(), groups=pd.DataFrame(), meta=meta, contributions=pd.DataFrame(rows)
    )


def test_correlation_ratio_linear_case_by_hand() -> None:
    """3 × 3 factorial of L and P in {0, 50, 100}, final = 0.2·L + 0.1·P: E(y | L) = 0.2·L + 5
    exactly, V(0.2·L) = 0.04·5000/3, V(0.1·P) = 0.01·5000/3: S_L = 0.04/0.05 = 0.8, S_P = 0.2."""
    levels = [0.0, 50.0, 100.0]
    L = [a for a in levels for _ in levels]
    P = [b for _ in levels for b in levels]
    final = [0.2 * a + 0.1 * b for a, b in zip(L, P, strict=True)]
    t = importance(_result_of({"ledger_on_time": L, "problem_on_time": P}, final)).set_index("indicator")
    assert t.loc["ledger_on_time", "corr_ratio"] == pytest.approx(0.8)
    assert t.loc["problem_on_time", "corr_ratio"] == pytest.approx(0.2)
    assert t.loc["ledger_on_time", "corr_ratio_share"] == pytest.approx(0.8)
    # in a linear case the ratio is the squared correlation
    assert t.loc["ledger_on_time", "corr_linear"] == pytest.approx(0.8)


def test_correlation_ratio_sees_a_non_linear_dependence() -> None:
    """x in {0, 50, 100} and z in {0, 50, 100}, final = (x − 50)²/50 + z/2 (a U in x): no linear
    correlation with x at all, but E(y | x) = (x − 50)²/50 + 25 varies: V = 2/9·50² against
    V(z/2) = 1/4·5000/3; S_x = (5000/9) / (5000/9 + 1250/3) = 4/7."""
    levels = [0.0, 50.0, 100.0]
    x = [a for a in levels for _ in levels]
    z = [b for _ in levels for b in levels]
    final = [(a - 50) ** 2 / 50 + b / 2 for a, b in zip(x, z, strict=True)]
    t = importance(_result_of({"ledger_on_time": x, "problem_on_time": z}, final)).set_index("indicator")
    assert t.loc["ledger_on_time", "corr_linear"] == pytest.approx(0.0, abs=1e-12)
    assert t.loc["ledger_on_time", "corr_ratio"] == pytest.approx(4 / 7)
    assert t.loc["problem_on_time", "corr_ratio"] == pytest.approx(3 / 7)


def test_correlation_ratio_of_continuous_indicators_by_binning() -> None:
    """2,000 units, y = 2·x1 + x2 with x1, x2 independent uniform: S1 = 4/5, S2 = 1/5; binned
    estimates err upward by about (B − 1)/(n − 1) ≈ 0.02 of the rest."""
    from assess.analysis._importance import correlation_ratio

    rng = np.random.default_rng(0)
    x1, x2 = rng.random((2, 2000))
    y = 2 * x1 + x2
    assert correlation_ratio(x1, y) == pytest.approx(0.8, abs=0.02)
    assert correlation_ratio(x2, y) == pytest.approx(0.2, abs=0.03)


def test_importance_on_the_sample_and_in_scores_xlsx(sample_2025_result: assess.Result, tmp_path: Path) -> None:
    result = sample_2025_result
    t = importance(result).set_index("indicator")
    assert t["nominal_weight"].sum() == pytest.approx(1.0)
    assert t["weighted_variance_share"].sum() == pytest.approx(1.0) and t["variance_share"].sum() == pytest.approx(1.0)
    # the audit's finding: problem_on_time (0.12 nominal) carries about half the weighted
    # spread, rating_score (0.24 nominal) about 7 %
    assert t.loc["problem_on_time", "weighted_variance_share"] == pytest.approx(0.49, abs=0.01)
    assert t.loc["rating_score", "weighted_variance_share"] == pytest.approx(0.07, abs=0.01)
    # independent check of one share with numpy on the contributions
    c = result.contributions.pivot(index="group_id", columns="indicator", values="points").fillna(0)
    v = c.var(ddof=0)
    assert t.loc["visit_coverage", "weighted_variance_share"] == pytest.approx(v["visit_coverage"] / v.sum())
    assert np.isclose(t["corr_ratio_share"].sum(), 1.0)
    book = openpyxl.load_workbook(write_scores(result, tmp_path / "scores.xlsx"))
    sheet = book["importance"]
    assert [c.value for c in sheet[1]] == IMPORTANCE_COLUMNS and sheet.max_row == 1 + len(t)
    assert sheet["A2"].value == t["corr_ratio"].idxmax()
    # the correlation ratio of one indicator, again with pandas: bins of equal count by rank
    graded = result.scores[result.scores["grade"].notna()].set_index("group_id")["final_score"]
    x = result.contributions.pivot(index="group_id", columns="indicator", values="normalized")["rating_score"]
    x = x.reindex(graded.index)
    bins = np.minimum((x.rank(method="min") - 1) * int(np.sqrt(len(x))) // len(x), int(np.sqrt(len(x))) - 1)
    means = graded.groupby(bins).transform("mean")
    expected = ((means - graded.mean()) ** 2).sum() / ((graded - graded.mean()) ** 2).sum()
    assert t.loc["rating_score", "corr_ratio"] == pytest.approx(expected)


def test_importance_needs_graded_groups() -> None:
    r = _hand_result()
    few = assess.Result(
        scores=r.scores.assign(grade=[None, None, "pass", "pass"]),
        indicators=r.indicators,
        groups=r.groups,
        meta=r.meta,
        contributions=r.contributions,
    )
    assert importance(few).empty


def test_importance_figure_in_both_languages() -> None:
    from matplotlib.figure import Figure

    from assess.reporting.figures import importance_figure

    result = _hand_result()
    fig = importance_figure(result)
    assert isinstance(fig, Figure) and fig.get_label() == "Nominal weight and effective importance"
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Monthly ledger on time"  # largest share first
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths.count(0.5) == 2  # the hand-computed shares of the correlation ratio (2/3 each) are drawn
    zh = importance_figure(result, "zh")
    if zh.get_label() != fig.get_label():  # a CJK font is installed
        assert zh.get_label() == "名义权重与实际影响"
        assert [t.get_text() for t in zh.axes[0].get_yticklabels()][0] == "月度台账按时报送率"
    with pytest.raises(ValueError, match="'fr' is not supported"):
        importance_figure(result, "fr")


def test_importance_sentence_names_the_largest_gaps(sample_2025_result: assess.Result, tmp_path: Path) -> None:
    from assess.reporting._pages import write_index
    from assess.reporting.figures import importance_sentence

    result = _hand_result()
    # gaps (share − weight): ledger_on_time 0.5 − 0.12 = +0.38 (largest, first by name), rating_score 0 − 0.24
    assert importance_sentence(result) == (
        "What carries the ranking: Monthly ledger on time (12 % of the nominal weight) has 50 % of the effective "
        "importance (the share of the final scores' variance it explains, Paruolo et al. 2013), Rating score (24 %) 0 %; "
        "an indicator on which groups differ little decides little, whatever its weight."
    )
    assert importance_sentence(result, "zh").startswith("实际影响：月度台账按时报送率（名义权重12%）占实际影响的50%")
    sample = sample_2025_result
    page = write_index(sample, [], tmp_path / "index", lang="zh").read_text(encoding="utf-8")
    assert importance_sentence(sample, "zh") in page and "占实际影响的" in page
