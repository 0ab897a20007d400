"""Rating quality: reliability against pingouin and krippendorff, straight-lining, leniency."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

from assess import ratings


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
                rows.append({"group_id": f"G{g}", "recipient_id": f"R{g}{r}", "item": item, "score": float(min(5, max(1, g // 2 + 2 + rng.integers(-1, 2))))})
    data = pd.DataFrame(rows)
    # the textbook form: one row per coder (recipient × item), one column per unit (group), NaN where not rated
    matrix = data.pivot_table(index=["recipient_id", "item"], columns="group_id", values="score").to_numpy()
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert ratings.alpha(data) == pytest.approx(expected, abs=1e-12)
    assert 0 < expected < 1


def test_straight_liners():
    rows = pd.DataFrame(
        {
            "group_id": ["G1"] * 6 + ["G2"] * 3,
            "recipient_id": ["A", "A", "A", "A", "B", "B", "C", "C", "D"],
            "score": [4, 4, 4, 4, 5, 3, 5, 5, 5],
        }
    )
    liners = ratings.straight_liners(rows)
    # A gave 4 to all four items, C gave 5 twice; D gave a single score: not enough to tell
    assert liners[["group_id", "recipient_id", "scores", "value"]].values.tolist() == [["G1", "A", 4, 4], ["G2", "C", 2, 5]]


def test_quality_table_flags_few_raters():
    resp = pd.DataFrame({"group_id": ["G1", "G1", "G2"], "recipient_id": ["A", "B", "C"], "score": [80.0, 60, 90]})
    table, overall = ratings.quality(resp, resp.assign(score=[4.0, 3, 5]), pd.Index(["G1", "G2", "G3"]), min_raters=2)
    assert table["raters"].tolist() == [2, 1, 0] and table["few_raters"].tolist() == [False, True, True]
    assert table["mean"].tolist()[:2] == [70, 90] and overall == {"responses": 3, "raters": 3, "icc1": pytest.approx(ratings.icc1(resp)), "alpha": overall["alpha"]}


def test_leniency_not_identified_when_each_rater_rates_one_group():
    out = ratings.leniency(balanced(0))
    assert not out.identified and "only its own group" in out.reason and out.rater_effects.empty


def test_leniency_not_identified_on_a_disconnected_graph():
    resp = pd.DataFrame({"group_id": ["G1", "G2", "G3", "G4"], "recipient_id": ["A", "A", "B", "B"], "score": [1.0, 2, 3, 4]})
    out = ratings.leniency(resp)
    assert not out.identified and "2 unconnected parts" in out.reason


def test_leniency_recovers_planted_rater_effects():
    """Tolerance: with noise sd 3 and ~8 responses per rater, every rater effect within 3 points."""
    rng = np.random.default_rng(42)
    groups, raters = 20, 60
    quality = rng.normal(0, 8, groups)
    lenient = rng.normal(0, 10, raters)
    lenient -= lenient.mean()
    rows = []
    for r in range(raters):
        for g in rng.choice(groups, 4, replace=False):
            for _q in range(2):
                rows.append({"group_id": f"G{g}", "recipient_id": f"R{r}", "score": 60 + quality[g] + lenient[r] + rng.normal(0, 3)})
    resp = pd.DataFrame(rows)
    out = ratings.leniency(resp)
    assert out.identified
    est = out.rater_effects.reindex([f"R{r}" for r in range(raters)]).to_numpy()
    truth = lenient - lenient[resp["recipient_id"].str[1:].astype(int)].mean()  # centred over responses, as estimated
    assert np.abs(est - truth).max() < 3.0
    corrected = resp["score"] - resp["recipient_id"].map(out.rater_effects)
    by_group = corrected.groupby(resp["group_id"]).mean().reindex([f"G{g}" for g in range(groups)])
    raw = resp.groupby("group_id")["score"].mean().reindex(by_group.index)
    assert np.corrcoef(by_group, quality)[0, 1] > np.corrcoef(raw, quality)[0, 1]
    assert np.corrcoef(by_group, quality)[0, 1] > 0.97
