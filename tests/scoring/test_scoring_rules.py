"""Scoring building blocks against values worked out by hand from the scoring rules (docs/reference/scoring.md)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.intake._scheme import Normalize, default_scheme, parse_scheme
from assess.scoring._compute import aggregate, competition_rank, grade, normalize_series
from hypothesis_profiles import examples

IDX = ["a", "b", "c", "d"]


def s(values) -> pd.Series:
    return pd.Series(values, index=IDX[: len(values)], dtype=float)


def test_goalposts_clip_and_direction():
    g = Normalize(method="goalposts", bounds=(0, 10))
    assert normalize_series(s([-1, 0, 2.5, 12]), g, "higher").tolist() == [0, 0, 25, 100]
    assert normalize_series(s([-1, 0, 2.5, 12]), g, "lower").tolist() == [100, 100, 75, 0]


def test_minmax_rank_tscore():
    x = s([1, 3, np.nan, 5])
    mm = normalize_series(x, Normalize(method="minmax"), "higher")
    assert mm.tolist()[:2] == [0, 50] and math.isnan(mm["c"]) and mm["d"] == 100
    assert normalize_series(s([2, 2]), Normalize(method="minmax"), "higher").tolist() == [100, 100]
    # ranks 1 (worst) .. n; ties share the average rank: [1, 2.5, 2.5, 4] -> (r-1)/3
    r = normalize_series(s([1, 4, 4, 9]), Normalize(method="rank"), "higher")
    assert r.tolist() == pytest.approx([0, 50, 50, 100])
    assert normalize_series(s([1, 4, 4, 9]), Normalize(method="rank"), "lower").tolist() == pytest.approx(
        [100, 50, 50, 0]
    )
    assert normalize_series(s([7]), Normalize(method="rank"), "higher").tolist() == [100]
    # population sd of [2, 4, 4, 4, 5, 5, 7, 9] is 2, mean 5
    t = normalize_series(pd.Series([2, 4, 4, 4, 5, 5, 7, 9], dtype=float), Normalize(method="tscore"), "higher")
    assert t.tolist() == pytest.approx([35, 45, 45, 45, 50, 50, 60, 70])
    assert normalize_series(s([3, 3]), Normalize(method="tscore"), "higher").tolist() == [50, 50]


def test_competition_rank_shares_best_rank_within_tolerance():
    x = pd.Series([90.0, 80.0, 80.0 + 1e-12, 70.0, np.nan], index=list("abcde"))
    assert competition_rank(x).tolist()[:4] == [1, 2, 2, 4]
    assert competition_rank(x).isna().tolist() == [False] * 4 + [True]


def test_aggregate_renormalises_and_applies_min_coverage():
    scheme = default_scheme()
    norm = pd.DataFrame({k: [80.0, 80.0] for k in scheme.indicators}, index=["full", "partial"])
    norm.loc["partial", "ledger_completeness"] = np.nan  # 0.8 of daily_work's weight remains
    norm.loc["partial", "milestone_on_time"] = np.nan
    norm.loc["partial", "investment_completion"] = np.nan  # only 0.6 of effectiveness remains
    norm.loc["partial", "ledger_on_time"] = 40.0
    comps, base = aggregate(norm, scheme)
    assert comps.loc["full"].tolist() == pytest.approx([80, 80, 80])
    # daily_work = (0.4*40 + 0.4*80) / 0.8 = 60
    assert comps.loc["partial", "daily_work"] == pytest.approx(60)
    assert math.isnan(comps.loc["partial", "effectiveness"])
    # base from the available components: (0.3*60 + 0.3*80) / 0.6 = 70
    assert base["partial"] == pytest.approx(70)


def test_geometric_aggregation_floors_zero_at_one_point():
    data = yaml_default()
    data["aggregation"] = "geometric"
    scheme = parse_scheme(data)
    norm = pd.DataFrame({k: [100.0] for k in scheme.indicators}, index=["g"])
    norm.loc["g", "ledger_on_time"] = 0.0
    comps, base = aggregate(norm, scheme)
    # daily_work = exp(0.4 ln 1 + 0.2 ln 100 + 0.4 ln 100) = 100^0.6
    assert comps.loc["g", "daily_work"] == pytest.approx(100**0.6)
    assert base["g"] == pytest.approx(math.exp(0.3 * math.log(100**0.6) + 0.7 * math.log(100)))


def yaml_default() -> dict:
    import yaml

    from assess.intake._scheme import DEFAULT_SCHEME_TEXT

    return yaml.safe_load(DEFAULT_SCHEME_TEXT)


def _grade(final, eff=None, vetoed=(), ungraded=(), scheme=None):
    idx = [f"g{i}" for i in range(len(final))]
    comps = pd.DataFrame(
        {"effectiveness": eff or [50.0] * len(final), "service_rating": 50.0, "daily_work": 50.0}, index=idx
    )
    out = grade(
        pd.Series(final, index=idx, dtype=float),
        comps,
        pd.Series([i in vetoed for i in range(len(final))], index=idx),
        pd.Series([i in ungraded for i in range(len(final))], index=idx),
        scheme or default_scheme(),
    )
    return out["grade"].tolist()


def test_quota_fills_from_the_top_and_demotes_to_the_next_band():
    # 10 graded groups: floor(0.2 * 10) = 2 excellent places for 3 qualifying groups
    final = [95, 93, 91, 85, 70, 60, 59.9999999999, 50, 40, 30]
    assert _grade(final) == ["excellent", "excellent", "good", "good", "pass", "pass", "pass", "fail", "fail", "fail"]


def test_tie_break_components_then_demote_ties_across_the_cut():
    final = [95, 92, 92, 85, 70, 60, 55, 50, 40, 30]
    # the two 92s differ on effectiveness: the better one takes the second place
    assert _grade(final, eff=[50, 60, 70, 50, 50, 50, 50, 50, 50, 50])[:3] == ["excellent", "good", "excellent"]
    # fully tied across the cut: both demoted
    assert _grade(final)[:3] == ["excellent", "good", "good"]
    data = yaml_default()
    data["grades"]["ties"] = "admit"
    assert _grade(final, scheme=parse_scheme(data))[:3] == ["excellent"] * 3


def test_veto_and_insufficient_data_never_graded_up():
    final = [99, 98, 97, 85, 70, 60, 55, 50, 40, 30]
    grades = _grade(final, vetoed=(0,), ungraded=(1,))
    # 9 graded -> floor(1.8) = 1 excellent place; g0 vetoed -> fail, g1 ungraded -> None
    assert pd.isna(grades[1])
    assert [grades[0], *grades[2:4]] == ["fail", "excellent", "good"]


def test_quota_rounding_ceil_with_float_noise():
    data = yaml_default()
    data["grades"]["bands"][0]["quota"] = 0.15
    data["grades"]["quota_rounding"] = "ceil"
    final = [95.0] * 3 + [50.0] * 17  # 0.15 * 20 = 3.0000000000000004 must still give 3
    assert _grade(final, eff=list(range(20)), scheme=parse_scheme(data)).count("excellent") == 3


def test_office_indicator_usable_and_unknown_one_named():
    from assess.common._errors import SchemeError
    from assess.intake._sample import make_sample
    from assess.intake._validate import Dataset

    frames = make_sample(groups=6, seed=2)
    ds = Dataset(tables={k: v.assign(_row=range(2, len(v) + 2)) for k, v in frames.items()})
    data = yaml_default()
    data["indicators"]["ledger_completeness"]["weight"] = 0.1
    data["indicators"]["key_tasks"] = {"component": "daily_work", "weight": 0.1}
    result = assess_score(ds, parse_scheme(data))
    key = result.indicators[result.indicators["indicator"] == "key_tasks"].set_index("group_id")
    expected = frames["indicators"].set_index("group_id")["value"]
    assert key["raw"].tolist() == expected.reindex(key.index).tolist()
    assert key["normalized"].tolist() == pytest.approx((expected.reindex(key.index) * 100).tolist())
    data["indicators"]["key_tasks"] = {"component": "daily_work", "weight": 0.05}
    data["indicators"]["party_building"] = {"component": "daily_work", "weight": 0.05}
    with pytest.raises(SchemeError) as info:
        assess_score(ds, parse_scheme(data))
    assert "indicators.party_building: no such indicator" in str(info.value) and "key_tasks" in str(info.value)


def assess_score(ds, scheme):
    from assess.scoring._compute import score

    return score(ds, year=2025, scheme=scheme)


# ---- float noise: values equal on paper are equal (issue 11 §2) ------------------------------

NOISY = [0.39999999999999997, 0.4, 0.4000000000000001]  # 0.1 * 4, 0.4, 0.2 + 0.2 + ... as Python computes them


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_values_equal_on_paper_normalise_as_equal(direction):
    x = pd.Series(NOISY, index=IDX[:3])
    assert normalize_series(x, Normalize(method="minmax"), direction).tolist() == [100, 100, 100]
    assert normalize_series(x, Normalize(method="rank"), direction).tolist() == [50, 50, 50]  # one shared rank (2 of 3)
    assert normalize_series(x, Normalize(method="tscore"), direction).tolist() == [50, 50, 50]
    # beside a really different value, the noisy three still share one place
    y = pd.Series([*NOISY, 0.9], index=IDX)
    mm = normalize_series(y, Normalize(method="minmax"), "higher")
    assert mm.tolist()[:3] == [0, 0, 0] and mm["d"] == 100
    assert normalize_series(y, Normalize(method="rank"), "higher").tolist() == pytest.approx([100 / 3] * 3 + [100])


@settings(max_examples=examples(200), deadline=None)
@given(
    counts=st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), min_size=1, max_size=12),
    noise=st.lists(st.floats(-1e-12, 1e-12), min_size=12, max_size=12),
    method=st.sampled_from(["minmax", "rank", "tscore", "goalposts"]),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_noise_below_1e_12_never_moves_a_normalised_value(counts, noise, method, direction):
    """Shares of whole counts (what the indicators are) plus noise below 1e-12 normalise
    within 1e-6 of the noiseless values."""
    x = pd.Series([min(a, b) / b for a, b in counts], dtype=float)
    how = Normalize(method=method, bounds=(0, 1)) if method == "goalposts" else Normalize(method=method)
    clean = normalize_series(x, how, direction)
    noisy = normalize_series(x + np.array(noise[: len(x)]), how, direction)
    assert np.abs(clean.to_numpy() - noisy.to_numpy()).max() <= 1e-6
