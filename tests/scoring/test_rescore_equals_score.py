"""Rescoring a prepared assessment under a new scheme gives exactly what a full ``assess.score``
gives (issue 21 §7): on the sample, under random weights, and when the new scheme changes
the indicators themselves (the ratings' shrinkage) or the rating-quality flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import assess
from assess.common._errors import SchemeError
from assess.intake._scheme import Scheme, default_scheme
from assess.scoring._prepared import reweight

TABLES = ("scores", "indicators", "contributions", "flags", "ratings_quality", "raw")


def _same(a: assess.Result, b: assess.Result) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    drop = ("generated_at",)
    assert {k: v for k, v in a.meta.items() if k not in drop} == {k: v for k, v in b.meta.items() if k not in drop}
    assert a.scheme == b.scheme


@pytest.fixture(scope="module")
def prepared(sample_2025):
    return assess.prepare(sample_2025, year=2025)


def test_rescore_under_the_prepared_scheme_is_score(prepared, sample_2025_result):
    _same(prepared.rescore(), sample_2025_result)


@pytest.mark.parametrize("seed", range(4))
def test_rescore_under_random_weights_is_score(prepared, sample_2025, seed):
    rng = np.random.default_rng(seed)
    base = default_scheme()
    scheme = reweight(
        base,
        components=dict(zip(base.components, rng.uniform(0.05, 1, len(base.components)), strict=True)),
        indicators=dict(zip(base.indicators, rng.uniform(0.05, 1, len(base.indicators)), strict=True)),
    )
    again = prepared.rescore(scheme)
    _same(again, assess.score(sample_2025, 2025, scheme=scheme))
    # and the weighing itself, by hand: a graded group's base score is the weighted mean of its components
    s = again.scores.set_index("group_id")
    graded = s[s["grade"].notna()]
    by_hand = sum(scheme.components[c].weight * graded[c] for c in scheme.components)
    np.testing.assert_allclose(graded["base_score"], by_hand, rtol=1e-12)


def test_a_scheme_that_changes_the_indicators_is_prepared_again(prepared, sample_2025):
    data = default_scheme().model_dump(mode="json", exclude_none=True)
    data["rating_prior_weight"] = 0  # no shrinkage: rating_score is each group's own mean
    data["rating_min_raters"] = 6  # more groups have too few raters
    data["aggregation"] = "geometric"
    scheme = Scheme.model_validate(data)
    again = prepared.rescore(scheme)
    full = assess.score(sample_2025, 2025, scheme=scheme)
    _same(again, full)
    assert not again.raw["rating_score"].equals(prepared.raw["rating_score"].reset_index(drop=True))
    raters = again.ratings_quality.set_index("group_id")["raters"]
    assert again.ratings_quality.set_index("group_id")["few_raters"].equals(raters < 6)


def test_reweighted_renormalises_each_sibling_set(prepared):
    # the default components weigh 0.3, 0.4, 0.3; service_rating set to 0.4 → 0.3, 0.4, 0.4 over 1.1
    result = prepared.reweighted(components={"service_rating": 0.4})
    weights = {k: c.weight for k, c in result.scheme.components.items()}
    assert weights == pytest.approx({"daily_work": 0.3 / 1.1, "effectiveness": 0.4 / 1.1, "service_rating": 0.4 / 1.1})
    with pytest.raises(SchemeError, match="no such component"):
        prepared.reweighted(components={"nonsense": 1.0})


def test_an_unknown_indicator_is_refused_when_rescoring(prepared):
    data = default_scheme().model_dump(mode="json", exclude_none=True)
    data["indicators"]["made_up"] = data["indicators"].pop("visit_coverage")
    with pytest.raises(SchemeError, match="made_up"):
        prepared.rescore(Scheme.model_validate(data))
