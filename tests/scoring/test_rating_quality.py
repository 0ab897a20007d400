"""Rating quality: reliability against pingouin and krippendorff, and straight-lining."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

from assess.scoring import _ratings as ratings


def balanced(seed: int = 0, groups: int = 8, raters: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    effect = rng.normal(0, 10, groups)
    return pd.DataFrame(
        [
            {"group_id": f"G{g}", "recipient_id": f"R{g}-{r}", "rater": r, "score": 70 + effect[g] + rng.normal(0, 8)}
            for g in range(groups)
            for r in range(raters)
        ]
    )


@pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # pingouin on pandas 3
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_icc1_agrees_with_pingouin(seed):
    pg = pytest.importorskip("pingouin")
    data = balanced(seed)
    table = pg.intraclass_corr(data=data, targets="group_id", raters="rater", ratings="score")
    expected = table.loc[table["Type"].isin(["ICC1", "ICC(1,1)"]), "ICC"].item()  # named ICC(1,1) since pingouin 0.6
    assert ratings.icc1(data) == pytest.approx(expected, abs=1e-12)
    mean_k = table.loc[table["Type"].isin(["ICC1k", "ICC(1,k)"]), "ICC"].item()
    assert ratings.icc1k(data) == pytest.approx(mean_k, abs=1e-12)


def test_icc1k_by_hand():
    """The reliability of a group's mean: (MSB − MSW) / MSB. Groups (1, 3) and (5, 7, 9):
    grand mean 5, MSB = (2·(2 − 5)² + 3·(7 − 5)²) / 1 = 30, MSW = (2 + 8) / 3 = 10/3 ->
    (30 − 10/3) / 30 = 8/9; ICC(1) stepped up by Spearman–Brown to k0 = 2.4 responses
    gives the same."""
    data = pd.DataFrame({"group_id": list("aabbb"), "score": [1.0, 3, 5, 7, 9]})
    assert ratings.icc1k(data) == pytest.approx(8 / 9, abs=1e-12)
    r1, k0 = ratings.icc1(data), 2.4
    assert ratings.icc1k(data) == pytest.approx(k0 * r1 / (1 + (k0 - 1) * r1), abs=1e-12)
    assert np.isnan(
        ratings.icc1k(pd.DataFrame({"group_id": ["a", "b"], "score": [1.0, 2.0]}))
    )  # no within-group spread to measure


def test_icc1_unbalanced_uses_k0():
    # two groups: scores (1, 3) and (5, 7, 9); grand mean 5: MSB = 2·9 + 3·4 = 30, MSW = 10/3, k0 = 5 − 13/5 = 2.4
    data = pd.DataFrame({"group_id": list("aabbb"), "score": [1.0, 3, 5, 7, 9]})
    msb, msw, k0 = 30, 10 / 3, 2.4
    assert ratings.icc1(data) == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw))


def test_alpha_agrees_with_krippendorff_on_the_coder_matrix():
    rng = np.random.default_rng(3)
    rows = []
    for g in range(6):  # 6 groups, 2–5 raters each, two items, scores 1–5
        for r in range(rng.integers(2, 6)):
            for item in ("attitude", "speed"):
                rows.append(
                    {
                        "group_id": f"G{g}",
                        "recipient_id": f"R{g}{r}",
                        "item": item,
                        "score": float(min(5, max(1, g // 2 + 2 + rng.integers(-1, 2)))),
                    }
                )
    data = pd.DataFrame(rows)
    # the textbook form: one row per coder (recipient × item), one column per unit (group), NaN where not rated
    matrix = data.pivot_table(index=["recipient_id", "item"], columns="group_id", values="score").to_numpy()
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    assert ratings.alpha(data) == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < 1


def test_straight_liners_need_evidence_beyond_a_ceiling():
    q = [f"2025-Q{i}" for i in (1, 2, 3, 4)]
    rows = []

    def rate(recipient: str, group: str, quarters: list[str], scores: list[int]) -> None:
        for quarter in quarters:
            for item, score in zip(("attitude", "speed"), scores, strict=True):
                rows.append(
                    {"group_id": group, "recipient_id": recipient, "quarter": quarter, "item": item, "score": score}
                )

    rate("A", "G1", q, [3, 3])  # 3 on every item in four quarters: flagged
    rate("B", "G1", q[:3], [2, 2])  # the same, but three responses only: too little evidence
    rate("C", "G2", q, [3, 4])  # varies: never
    for r in "DEFGHIJK":  # most of the data is 5s
        rate(r, "G2", q, [5, 5])
    liners = ratings.straight_liners(pd.DataFrame(rows))
    # D..K answered 5 throughout, which most of the data is: a ceiling, not inattention
    assert liners[["group_id", "recipient_id", "scores", "value"]].values.tolist() == [["G1", "A", 8, 3]]
    assert ratings.straight_liners(pd.DataFrame(rows), min_responses=3)["recipient_id"].tolist() == ["A", "B"]


def test_quality_table_flags_few_raters():
    resp = pd.DataFrame(
        {"group_id": ["G1", "G1", "G2"], "recipient_id": ["A", "B", "C"], "quarter": "2025-Q1", "score": [80.0, 60, 90]}
    )
    table, overall = ratings.quality(resp, resp.assign(score=[4.0, 3, 5]), pd.Index(["G1", "G2", "G3"]), min_raters=2)
    assert table["raters"].tolist() == [2, 1, 0] and table["few_raters"].tolist() == [False, True, True]
    assert table["mean"].tolist()[:2] == [70, 90]
    assert overall == {
        "responses": 3,
        "raters": 3,
        "icc1": pytest.approx(ratings.icc1(resp)),
        "icc1k": pytest.approx(ratings.icc1k(resp)),
        "alpha": overall["alpha"],
    }


def test_one_item_designs_are_never_straight_lining():
    """With one item per response, "the same score to every item" is the only possible answer."""
    rows = [
        {"group_id": "G1", "recipient_id": "A", "quarter": f"2025-Q{i}", "item": "overall", "score": 3}
        for i in (1, 2, 3, 4)
    ]
    rows += [
        {"group_id": "G1", "recipient_id": r, "quarter": f"2025-Q{i}", "item": "overall", "score": 5}
        for r in "BCDEF"
        for i in (1, 2, 3, 4)
    ]
    assert ratings.straight_liners(pd.DataFrame(rows)).empty
    two = pd.DataFrame(rows + [{**rows[0], "item": "speed"}])  # a second item in one quarter: a choice existed
    assert ratings.straight_liners(two)["recipient_id"].tolist() == ["A"]


@pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # pingouin on pandas 3
def test_each_group_gets_the_reliability_of_its_own_mean():
    """Spearman–Brown of ICC(1) at the group's own number of responses; at a balanced design it
    equals pingouin's ICC1k (the reliability of a mean of k ratings)."""
    pingouin = pytest.importorskip("pingouin")
    rng = np.random.default_rng(4)
    groups = [f"G{i}" for i in range(8)]
    effect = dict(zip(groups, rng.normal(0, 8, len(groups)), strict=True))
    rows = [
        {"group_id": g, "recipient_id": f"{g}-{j}", "quarter": "2025-Q1", "score": 70 + effect[g] + rng.normal(0, 10)}
        for g in groups
        for j in range(6)
    ]
    balanced = pd.DataFrame(rows)
    table, overall = ratings.quality(balanced, balanced, pd.Index(groups, name="group_id"), min_raters=1)
    frame = balanced.assign(rater=balanced.groupby("group_id").cumcount())
    icc = pingouin.intraclass_corr(frame, targets="group_id", raters="rater", ratings="score")
    mean_k = icc.loc[icc["Type"].isin(["ICC1k", "ICC(1,k)"]), "ICC"].item()
    assert table["reliability"].to_numpy() == pytest.approx([mean_k] * len(groups), abs=1e-9)
    # unbalanced: G0 keeps 1 response, G1 all 6; each is ICC(1) stepped up to its own n, by hand
    thin = balanced[~((balanced["group_id"] == "G0") & (balanced["recipient_id"] != "G0-0"))]
    table, overall = ratings.quality(thin, thin, pd.Index(groups, name="group_id"), min_raters=1)
    r = overall["icc1"]
    own = table.set_index("group_id")["reliability"]
    assert own["G0"] == pytest.approx(r) and own["G1"] == pytest.approx(6 * r / (1 + 5 * r))
    assert own["G0"] < own["G1"]
