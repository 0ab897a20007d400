"""The scenario table and the coherence checks (issue 19 §5), against assess.score, pingouin and
scipy, and in scores.xlsx, the report and the index."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import stats

import assess
from assess.analysis._coherence import coherence, cronbach_alpha, pc1_share, red_flags
from assess.analysis._scenarios import alternatives, attach_scenarios, grade_line, label
from assess.intake._sample import make_sample
from assess.reporting._workbook import write_scores, write_tables
from assess.reporting.sections import index_remarks, standing_notes


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    path = write_tables(tmp_path_factory.mktemp("scen") / "s.xlsx", make_sample(year=2025, groups=38, seed=0))
    return assess.load(path)


@pytest.fixture(scope="module")
def result(dataset):
    return attach_scenarios(assess.score(dataset, year=2025), dataset)


def test_alternatives_of_the_default_scheme() -> None:
    keys = [k for k, _ in alternatives(assess.default_scheme())]
    # 3 normalisations, 1 aggregation, 3 components × ±20 %, shrinkage off, ties admit, 9 indicators dropped
    assert len(keys) == 3 + 1 + 6 + 1 + 1 + 9
    assert keys[:4] == ["normalisation:minmax", "normalisation:rank", "normalisation:tscore", "aggregation:geometric"]
    schemes = dict(alternatives(assess.default_scheme()))
    up = schemes["weight:service_rating:+"].components
    # 0.3·1.2 = 0.36 of 1.06 in all
    assert up["service_rating"].weight == pytest.approx(0.36 / 1.06) and up["daily_work"].weight == pytest.approx(
        0.3 / 1.06
    )
    dropped = schemes["drop:ledger_on_time"].indicators
    assert "ledger_on_time" not in dropped and dropped["visit_coverage"].weight == pytest.approx(0.4 / 0.6)
    assert schemes["shrinkage:off"].rating_prior_weight == 0 and schemes["ties:admit"].grades.ties == "admit"


def test_every_alternative_scores_as_assess_score_does(dataset, result) -> None:
    table = result.scenarios
    for key, scheme in alternatives(assess.default_scheme()):
        expected = assess.score(dataset, year=2025, scheme=scheme).scores.set_index("group_id")
        mine = table[table["scenario"] == key].set_index("group_id").reindex(expected.index)
        np.testing.assert_allclose(mine["final_score"], expected["final_score"], atol=1e-9, err_msg=key)
        assert mine["rank"].astype("float").fillna(0).tolist() == expected["rank"].astype("float").fillna(0).tolist(), (
            key
        )
        assert mine["grade"].fillna("-").tolist() == expected["grade"].fillna("-").tolist(), key
    assert len(table) == 38 * 22


def test_the_grade_line_counts_the_alternatives(result) -> None:
    t = result.scenarios
    for gid in ("G15", "G03"):
        mine = t[t["group_id"] == gid]
        nominal = mine.loc[mine["scenario"] == "nominal", "grade"].iloc[0]
        # the default scheme's thresholds are absolute: the three relative normalisations are counted apart
        relative = ["normalisation:minmax", "normalisation:rank", "normalisation:tscore"]
        alts = mine[(mine["scenario"] != "nominal") & ~mine["scenario"].isin(relative)]
        same = int((alts["grade"] == nominal).sum())
        line = grade_line(result, gid, "en")
        label_en = {"excellent": "Excellent", "good": "Good", "pass": "Pass", "fail": "Fail"}[nominal]
        apart = "; under the 3 relative normalisations ("
        assert apart in line and line.endswith("their ranks are in the scenarios sheet.")
        if same == len(alts):
            assert line.startswith(f"Graded {label_en} under all {len(alts)} alternatives of the scheme{apart}")
        else:
            assert line.startswith(f"Graded {label_en} under {same} of {len(alts)} alternatives of the scheme; ")
            for key in alts.loc[alts["grade"] != nominal, "scenario"]:
                assert label(result, key, "en") in line
        zh = grade_line(result, gid, "zh")
        assert zh.startswith(f"在{len(alts)}种替代方案中") or zh.startswith(f"在全部{len(alts)}种替代方案中")
        assert "另有3种相对标准化方案" in zh and "\n" not in zh
    assert ("scenarios", grade_line(result, "G15", "zh")) in standing_notes(result, "G15", "zh")
    assert label(result, "weight:service_rating:-", "zh") == "服务对象评价权重 −20%"
    assert label(result, "aggregation:geometric", "en") == "geometric aggregation"


def test_coherence_against_pingouin_and_scipy(result) -> None:
    pingouin = pytest.importorskip("pingouin")
    t = coherence(result).set_index("name")
    graded = result.scores.loc[result.scores["grade"].notna(), "group_id"]
    norm = result.contributions.pivot(index="group_id", columns="indicator", values="normalized").reindex(graded)
    members = ["problem_resolution", "problem_on_time", "milestone_on_time", "investment_completion"]
    alpha, _ = pingouin.cronbach_alpha(data=norm[members].dropna())
    assert t.loc["effectiveness", "cronbach_alpha"] == pytest.approx(alpha, abs=1e-9)
    eig = np.linalg.eigvalsh(np.corrcoef(norm[members].dropna().to_numpy(), rowvar=False))
    assert t.loc["effectiveness", "pc1_share"] == pytest.approx(eig.max() / len(members))
    x = norm["investment_completion"].dropna()
    assert t.loc["investment_completion", "skewness"] == pytest.approx(stats.skew(x, bias=False))
    assert t.loc["investment_completion", "kurtosis"] == pytest.approx(stats.kurtosis(x, bias=False))
    # the JRC rule: |skewness| > 2 and kurtosis > 3.5
    rule = (t["skewness"].abs() > 2) & (t["kurtosis"] > 3.5)
    assert t.loc[t["level"] == "indicator", "outlier"].astype(bool).tolist() == rule[t["level"] == "indicator"].tolist()
    c = result.scores.set_index("group_id").loc[x.index, "effectiveness"]
    assert t.loc["investment_completion", "corr_component"] == pytest.approx(np.corrcoef(x, c)[0, 1])


def test_coherence_by_hand() -> None:
    """Two items a = 1, 2, 3, 4 and b = 1, 2, 3, 5: Var(a) = 5/3, Var(b) = 35/12, Var(a + b) = 107/12:
    alpha = 2·(1 − (20/12 + 35/12)/(107/12)) = 2·52/107; r(a, b) = 0.98270...: PC1 share (1 + r)/2."""
    items = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 5]})
    assert cronbach_alpha(items) == pytest.approx(2 * 52 / 107)
    r = np.corrcoef(items["a"], items["b"])[0, 1]
    assert pc1_share(items) == pytest.approx((1 + r) / 2)


def test_a_negatively_correlated_indicator_is_a_red_flag(result) -> None:
    c = result.contributions.copy()
    flip = c["indicator"] == "ledger_completeness"
    c.loc[flip, "normalized"] = 100 - c.loc[flip, "normalized"]
    import dataclasses

    flipped = dataclasses.replace(result, contributions=c)
    flipped = dataclasses.replace(flipped, coherence=coherence(flipped))
    row = flipped.coherence.set_index("name").loc["ledger_completeness"]
    assert bool(row["negative"]) and bool(row["red_flag"]) and row["corr_component"] < 0
    sentence = red_flags(flipped, "en")
    assert "Ledger completeness runs against its component Daily work (correlation -" in sentence
    assert "负相关" in red_flags(flipped, "zh")


def test_sheets_the_index_and_the_report(result, tmp_path) -> None:
    book = openpyxl.load_workbook(write_scores(result, tmp_path / "zh.xlsx", lang="zh"))
    ws = book["替代方案"]
    assert [c.value for c in ws[1]][:6] == ["替代方案", "工作组编号", "工作组名称", "最终得分", "排名", "等次"]
    assert ws.max_row == 1 + 38 * 21
    assert [c.value for c in book["指标体系一致性"][1]][:3] == ["层级", "考核部分或指标", "所属考核部分"]
    en = openpyxl.load_workbook(write_scores(result, tmp_path / "en.xlsx", lang="en"))
    assert "scenarios" in en.sheetnames and "coherence" in en.sheetnames
    assert [c.value for c in en["scenarios"][1]][0] == "Alternative"
    remarks = index_remarks(result, "zh")
    assert red_flags(result, "zh") in remarks and "存在异常值" in remarks


def test_low_reliability_groups_are_named_in_the_index(result) -> None:
    import dataclasses

    q = result.ratings_quality.copy()
    q.loc[q["group_id"] == "G07", "reliability"] = 0.55
    low = dataclasses.replace(result, ratings_quality=q)
    assert "G07 (0.55)" in index_remarks(low, "en") and "Ratings less reliable than 0.7" in index_remarks(low, "en")
    others = q[q["group_id"] != "G07"]["reliability"]
    assert (others >= 0.7).all()  # the sample's other groups: 0.78 and more
