"""Nominal weight against effective importance (assess.analysis.importance), by hand and on the sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import assess
from assess.analysis.importance import IMPORTANCE_COLUMNS, importance
from assess.intake.scheme import default_scheme
from assess.reporting.workbook import write_scores

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
    assert t.loc[["ledger_on_time", "problem_on_time"], "corr_ratio"].tolist() == pytest.approx([1.0, 1.0])
    assert t.loc["ledger_on_time", "corr_ratio_share"] == pytest.approx(0.5)
    assert t.loc["ledger_on_time", "nominal_weight"] == pytest.approx(0.4 * 0.3)
    assert t.loc["rating_score", "weighted_variance_share"] == 0 and t.loc["rating_score", "corr_ratio"] == 0
    assert t.index[0] == "ledger_on_time"  # largest share first


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
    assert sheet["A2"].value == "problem_on_time"


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
    assert 0.8 in widths and 0.2 in widths  # the hand-computed shares are drawn
    zh = importance_figure(result, "zh")
    if zh.get_label() != fig.get_label():  # a CJK font is installed
        assert zh.get_label() == "名义权重与实际影响"
        assert [t.get_text() for t in zh.axes[0].get_yticklabels()][0] == "月度台账按时报送率"
    with pytest.raises(ValueError, match="'fr' is not supported"):
        importance_figure(result, "fr")


def test_importance_sentence_names_the_largest_gaps(sample_2025_result: assess.Result, tmp_path: Path) -> None:
    from assess.reporting.figures import importance_sentence
    from assess.reporting.pages import write_index

    result = _hand_result()
    # gaps (share − weight): ledger_on_time 0.8 − 0.12 = +0.68 (largest), rating_score 0 − 0.24 (smallest)
    assert importance_sentence(result) == (
        "What carries the ranking: Monthly ledger on time (12 % of the nominal weight) accounts for 80 % of the spread "
        "of the weighted scores, Rating score (24 %) for 0 %; an indicator on which groups differ little "
        "decides little, whatever its weight."
    )
    assert importance_sentence(result, "zh").startswith(
        "实际影响：月度台账按时报送率（名义权重12%）占加权得分差异的80%"
    )
    sample = sample_2025_result
    page = write_index(sample, [], tmp_path / "index", lang="zh").read_text(encoding="utf-8")
    assert "问题按时办结率（名义权重12%）占加权得分差异的49%" in page
