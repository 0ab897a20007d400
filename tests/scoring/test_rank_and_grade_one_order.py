"""One order for ranks and grades (issue 19 §2, the scoring rules (docs/reference/scoring.md) Rank, revised).

The rank follows the quota's order — final score, then the scheme's ``tie_break``
components — so only groups equal on every key share a rank, and groups that share a rank
always share a grade (``ties: admit`` both in, ``demote`` both out). Scores are drawn from a
few values so that ties at the quota's cut are common.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.analysis._uncertainty import grade_levels, order_ranks
from assess.intake._scheme import parse_scheme
from assess.scoring._compute import grade, order_rank
from hypothesis_profiles import examples


def _scheme(ties: str, tie_break: list[str], quota: float, good_quota: float | None) -> object:
    label = {"en": "x", "zh": "x"}
    good = {"name": "good", "min": 80, "label": label}
    if good_quota is not None:
        good["quota"] = good_quota
    return parse_scheme(
        {
            "name": "ties",
            "components": {"a": {"weight": 0.5, "label": label}, "b": {"weight": 0.5, "label": label}},
            "indicators": {"ia": {"component": "a", "weight": 1.0}, "ib": {"component": "b", "weight": 1.0}},
            "grades": {
                "bands": [
                    {"name": "excellent", "min": 90, "quota": quota, "label": label},
                    good,
                    {"name": "fail", "min": 0, "label": label},
                ],
                "quota_rounding": "floor",
                "ties": ties,
                "tie_break": tie_break,
            },
        }
    )


groups = st.lists(
    st.tuples(
        st.sampled_from([95.0, 92.0, 92.0 + 1e-12, 90.0, 85.0, 80.0, 70.0]),  # final
        st.sampled_from([60.0, 70.0, 80.0]),  # component a
        st.sampled_from([60.0, 70.0]),  # component b
        st.booleans(),  # vetoed (rarely, below)
    ),
    min_size=2,
    max_size=14,
)


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=groups,
    ties=st.sampled_from(["demote", "admit"]),
    tie_break=st.sampled_from([[], ["a"], ["a", "b"], ["b"]]),
    quota=st.sampled_from([0.1, 0.2, 0.3, 0.5]),
    good_quota=st.sampled_from([None, 0.3, 0.5]),
)
def test_rank_order_never_contradicts_grade_order(rows, ties, tie_break, quota, good_quota) -> None:
    scheme = _scheme(ties, tie_break, quota, good_quota)
    idx = [f"G{i:02d}" for i in range(len(rows))]
    final = pd.Series([r[0] for r in rows], index=idx)
    comps = pd.DataFrame({"a": [r[1] for r in rows], "b": [r[2] for r in rows]}, index=idx)
    vetoed = pd.Series([r[3] and i % 5 == 0 for i, r in enumerate(rows)], index=idx)
    ungraded = pd.Series(False, index=idx)
    g = grade(final, comps, vetoed, ungraded, scheme)
    level = g["grade"].map({"excellent": 0, "good": 1, "fail": 2})
    rank = order_rank(final, comps, ~vetoed, tie_break)
    ranked = [i for i in idx if not vetoed[i]]
    for x in ranked:
        for y in ranked:
            if rank[x] < rank[y]:
                assert level[x] <= level[y], (x, y)
            if rank[x] == rank[y]:
                assert level[x] == level[y], (x, y)
                # sharing a rank means equal on every key of the quota's order
                assert abs(final[x] - final[y]) <= 1e-9
                assert all(comps.at[x, c] == comps.at[y, c] for c in tie_break)
    # the vectorised engine of the uncertainty analysis ranks and grades the same way
    keys = [final.to_numpy()[None, :]] + [comps[c].to_numpy()[None, :] for c in tie_break]
    ranks_v = order_ranks(keys, (~vetoed).to_numpy())[0]
    levels_v = grade_levels(
        final.to_numpy()[None, :], keys, vetoed.to_numpy(), np.ones((1, len(idx)), dtype=bool), scheme
    )[0]
    np.testing.assert_array_equal(ranks_v, rank.fillna(0).to_numpy(dtype=int))
    np.testing.assert_array_equal(levels_v, level.to_numpy())


def test_tie_break_orders_ranks_by_hand() -> None:
    """Four groups at 92 with one place: the tie-break (component a) sets ranks 1–4 and the
    grades; without it all four share rank 1 and, under ``demote``, all four lose the place."""
    idx = ["G21", "G22", "G23", "G24", "G25"]
    final = pd.Series([92.0, 92.0, 92.0, 92.0, 85.0], index=idx)
    comps = pd.DataFrame({"a": [70.0, 80.0, 60.0, 80.0, 90.0], "b": [60.0, 60.0, 60.0, 70.0, 60.0]}, index=idx)
    none = pd.Series(False, index=idx)
    scheme = _scheme("demote", ["a", "b"], 0.2, None)  # floor(0.2 * 5) = 1 place
    g = grade(final, comps, none, none, scheme)
    rank = order_rank(final, comps, ~none, ["a", "b"])
    # by a: G22 = G24 = 80, then b: G24 (70) before G22 (60); G21 (70); G23 (60); G25 (85 final)
    assert rank.to_dict() == {"G24": 1, "G22": 2, "G21": 3, "G23": 4, "G25": 5}
    assert g["grade"].tolist() == ["good", "good", "good", "excellent", "good"]
    flat = _scheme("demote", [], 0.2, None)
    g = grade(final, comps, none, none, flat)
    rank = order_rank(final, comps, ~none, [])
    assert rank.tolist() == [1, 1, 1, 1, 5]
    assert g["grade"].tolist() == ["good"] * 5
    admit = _scheme("admit", [], 0.2, None)
    assert grade(final, comps, none, none, admit)["grade"].tolist() == ["excellent"] * 4 + ["good"]
