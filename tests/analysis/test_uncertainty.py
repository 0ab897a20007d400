"""Monte Carlo uncertainty and Sobol sensitivity (assess.uncertainty, assess.analysis._sensitivity).

The vectorised engine is checked against the ordinary scoring: every draw is rescored
through :func:`assess.score` with that draw's scheme and evidence, and the components a
group has fixed at the nominal weights.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import assess
from assess.analysis._sensitivity import sobol_indices
from assess.analysis._uncertainty import (
    FACTORS,
    OUTPUTS,
    attach_uncertainty,
    competition_ranks,
    grade_levels,
    normalize_rows,
    percent,
    sentence,
)
from assess.cli import main
from assess.intake._scheme import Normalize, default_scheme, parse_scheme
from assess.intake._validate import Dataset
from assess.reporting.figures import group_figure, rank_intervals_figure
from assess.scoring._compute import competition_rank, grade, normalize_series
from assess.scoring._result import load_result, save_result
from hypothesis_profiles import examples

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample-2025.xlsx"
YEAR = 2025
OFF = {"weights": False, "normalisation": False, "aggregation": False, "evidence": False}


def scheme_with(**uncertainty: object) -> assess.Scheme:
    data = yaml.safe_load(default_scheme().text)
    data["uncertainty"] = uncertainty
    return parse_scheme(data)


@pytest.fixture(scope="module")
def sample(sample_2025: Dataset) -> Dataset:
    return sample_2025


def _twin(tables: dict[str, pd.DataFrame], gid: str, new: str) -> dict[str, pd.DataFrame]:
    """``tables`` plus a group ``new`` whose data copies ``gid``'s exactly (an exact tie)."""
    out = dict(tables)
    for sheet, t in tables.items():
        if "group_id" not in t.columns:
            continue
        rows = t[t["group_id"] == gid].copy()
        rows["group_id"] = new
        for col in ("recipient_id", "problem_id"):
            if col in rows.columns:
                rows[col] = rows[col].where(rows[col].isna(), rows[col] + "T")
        if sheet == "groups":
            rows["name"] = rows["name"] + " (twin)"
        out[sheet] = pd.concat([t, rows], ignore_index=True)
    return out


@pytest.fixture(scope="module")
def hard(sample: Dataset) -> Dataset:
    """The sample with the cases that make scoring hard: twins (exact ties across the quota
    cut), a group without effectiveness data (insufficient_data), one whose effectiveness
    coverage sits just under min_coverage (0.6: it flips with the weights), one with no
    ratings, and a group that reaches 100 after its bonus (clipped: an exact tie in score)."""
    t = dict(sample.tables)
    ranked = assess.score(sample, YEAR).scores.sort_values("rank")
    for i, gid in enumerate(ranked["group_id"].iloc[5:9]):
        t = _twin(t, gid, f"T{i}")
    t["problems"] = t["problems"][t["problems"]["group_id"] != "G05"]
    t["milestones"] = t["milestones"][~t["milestones"]["group_id"].isin(["G05", "G06"])]
    t["ratings"] = t["ratings"][t["ratings"]["group_id"] != "G07"]
    top = ranked["group_id"].iloc[0]
    bonus = pd.DataFrame(
        {
            "group_id": [top, "T0"],
            "date": pd.to_datetime(["2025-06-01"] * 2),
            "kind": ["bonus"] * 2,
            "points": [20.0, 20.0],
            "reason": ["award"] * 2,
        }
    )
    t["adjustments"] = pd.concat([t["adjustments"], bonus], ignore_index=True)
    return Dataset(tables=t, source="hard", sha256="")


# ---- every factor off: the ordinary result ----------------------------------------------------


def test_every_factor_off_is_the_nominal_result(hard: Dataset) -> None:
    u = assess.uncertainty(hard, scheme_with(factors=OFF), draws=30, seed=4, year=YEAR)
    nominal = assess.score(hard, YEAR).scores
    t = u.table
    assert list(t["group_id"]) == list(nominal["group_id"])
    np.testing.assert_allclose(t["nominal_score"], nominal["final_score"], atol=1e-9)
    assert (t["nominal_rank"] == nominal["rank"]).all()
    assert t["nominal_grade"].fillna("-").tolist() == nominal["grade"].fillna("-").tolist()
    assert (t["p_keep"] == 1).all()
    assert (t["rank_p05"] == t["nominal_rank"]).all() and (t["rank_p95"] == t["nominal_rank"]).all()
    assert (t["rank_median"] == t["nominal_rank"]).all()
    np.testing.assert_allclose(
        t[["score_p05", "score_median", "score_p95"]].to_numpy(), np.tile(t[["nominal_score"]].to_numpy(), 3), atol=1e-9
    )
    for _, row in t.iterrows():
        expected = "ungraded" if pd.isna(row["nominal_grade"]) else row["nominal_grade"]
        assert row[f"p_{expected}"] == 1
    assert (u.sensitivity[["S1", "ST"]] == 0).all().all() and not u.sensitivity["active"].any()
    assert t.loc[t["group_id"] == "G05", "nominal_grade"].isna().all()  # the hard cases are there
    assert nominal["flags"].str.contains("quota_demoted").any()


# ---- invariants over the draws ------------------------------------------------------------------


@pytest.fixture(scope="module")
def everything_on(hard: Dataset):
    factors = dict.fromkeys(OFF, True)
    return assess.uncertainty(
        hard, scheme_with(factors=factors, concentration=20), draws=400, seed=11, year=YEAR, sensitivity=64
    )


def test_grade_probabilities_sum_to_one(everything_on) -> None:
    t = everything_on.table
    p = t[[f"p_{b}" for b in everything_on.bands] + ["p_ungraded"]].sum(axis=1)
    np.testing.assert_allclose(p, 1.0, atol=1e-12)
    assert ((t["p_keep"] >= 0) & (t["p_keep"] <= 1)).all()
    assert 0 < t["p_keep"].mean() < 1  # the draws do move grades


def test_whether_a_group_is_graded_is_a_fact_not_a_draw(everything_on, hard: Dataset) -> None:
    """G06's effectiveness coverage (0.6 of the nominal weight) sits under min_coverage
    (0.65); drawn weights would lift it above in some draws. Graded-ness is decided once, at
    the nominal weights: p_ungraded is exactly 0 or 1, as the ordinary scoring says."""
    t = everything_on.table.set_index("group_id")
    nominal = assess.score(hard, YEAR).scores.set_index("group_id")
    assert t["p_ungraded"].isin([0.0, 1.0]).all()
    assert (t["p_ungraded"] == nominal["grade"].isna().astype(float).reindex(t.index)).all()
    assert t.loc["G06", "p_ungraded"] == 1.0 and t.loc["G05", "p_ungraded"] == 1.0
    graded = (everything_on.grade >= 0).sum(axis=1)
    assert (graded == graded[0]).all()  # the quota base is the same in every draw


def test_quota_limited_grade_never_exceeds_its_quota_in_any_draw(everything_on) -> None:
    u = everything_on
    graded = (u.grade >= 0).sum(axis=1)
    excellent = (u.grade == 0).sum(axis=1)
    assert (excellent <= np.floor(0.20 * graded + 1e-9)).all()
    assert (excellent == np.floor(0.20 * graded + 1e-9)).any()  # the quota binds somewhere
    veto = u.table["group_id"].to_numpy() == "G02"
    assert (u.grade[:, veto] == len(u.bands) - 1).all()  # a vetoed group always gets the lowest grade
    g05 = u.table["group_id"].to_numpy() == "G05"
    assert (u.grade[:, g05] == -1).all()  # no effectiveness data in any draw: never graded
    assert ((u.rank > 0) == u.model.ranked[None, :]).all()  # graded and not vetoed: ranked in every draw
    assert (u.rank[:, veto] == 0).all()


def test_rank_interval_contains_the_median_and_ranks_are_competition_ranks(everything_on) -> None:
    t = everything_on.table
    assert ((t["rank_p05"] <= t["rank_median"]) & (t["rank_median"] <= t["rank_p95"])).all()
    assert ((t["score_p05"] <= t["score_median"]) & (t["score_median"] <= t["score_p95"])).all()
    ranked = everything_on.model.ranked
    for d in range(0, 400, 57):
        final = everything_on.final[d]
        expected = competition_rank(pd.Series(np.where(ranked, final, np.nan))).to_numpy(dtype=float, na_value=0)
        r = everything_on.rank[d]
        # the tie-break may order equal final scores (the scoring rules (docs/reference/scoring.md), revised); otherwise competition ranks
        assert (r >= expected).all() and (
            r[ranked] < expected[ranked] + (expected[ranked][:, None] == expected[ranked]).sum(axis=1)
        ).all()
        higher = final[ranked][:, None] > final[ranked][None, :] + 1e-9
        assert (r[ranked][:, None] < r[ranked][None, :])[higher].all()


# ---- posterior draws of the evidence ------------------------------------------------------------


@pytest.fixture(scope="module")
def thin(sample: Dataset) -> Dataset:
    """The sample with G01 rated by one response only and G03 with one due problem (overdue)."""
    t = dict(sample.tables)
    r = t["ratings"]
    first = r[r["group_id"] == "G01"].iloc[0]
    t["ratings"] = r[
        (r["group_id"] != "G01") | ((r["recipient_id"] == first["recipient_id"]) & (r["quarter"] == first["quarter"]))
    ]
    p = t["problems"]
    mine = p[p["group_id"] == "G03"]
    keep = mine.index[:1]
    p = p.drop(index=mine.index.difference(keep))
    p.loc[keep, ["raised_on", "deadline", "status", "resolved_on"]] = [
        pd.Timestamp("2025-02-01"),
        pd.Timestamp("2025-03-01"),
        "open",
        pd.NaT,
    ]
    t["problems"] = p
    return Dataset(tables=t, source="thin", sha256="")


def test_posterior_draws_spread_with_thin_evidence(thin: Dataset) -> None:
    """A group rated once is uncertain; one rated twenty times is not (a bootstrap of one
    response had no variance at all). One overdue problem out of one due: x* ~ Binomial(1, ¼),
    shifted back by 0 − ¼: 0 (clipped from −¼) with probability ¾, ¾ with probability ¼."""
    u = assess.uncertainty(
        thin, scheme_with(factors={**OFF, "evidence": True}), draws=4000, seed=3, year=YEAR, sensitivity=0
    )
    m = u.model
    responses = assess.score(thin, YEAR).ratings_quality.set_index("group_id")["responses"]
    many = responses[responses >= 20].index[0]
    assert responses["G01"] == 1
    e = m.evidence.index(m.indicators.index("rating_score"))
    draws = pd.DataFrame(u.factors.evidence[:, :, e].astype(float), columns=m.groups)
    assert draws["G01"].std() > 2 * draws[many].std() > 0
    # the normal posterior: mean the shrunk score, sd = sqrt(pooled within variance / (n + k))
    assert draws["G01"].mean() == pytest.approx(m.raw.loc["G01", "rating_score"], abs=0.5)
    p = m.evidence.index(m.indicators.index("problem_on_time"))
    g03 = u.factors.evidence[:, list(m.groups).index("G03"), p].astype(float)
    assert set(np.unique(g03)) == {0.0, 0.75}
    assert np.median(g03) == 0 == m.raw.loc["G03", "problem_on_time"]  # the median is the printed share
    assert (g03 == 0.75).mean() == pytest.approx(0.25, abs=0.02)
    assert g03.std() == pytest.approx(0.75 * np.sqrt(0.25 * 0.75), abs=0.015)
    # a share with much evidence moves little: ledger_on_time is x of 12 months
    led = m.evidence.index(m.indicators.index("ledger_on_time"))
    sd = u.factors.evidence[:, :, led].astype(float).std(axis=0)
    assert sd.max() < 0.16 and sd.min() >= 0
    assert sd.max() > 0.02


def test_share_draws_follow_the_counts(sample: Dataset) -> None:
    """problem_resolution with x and n counted here from the tables: the draws' mean and sd are
    those of clip(k/n + x/n − p̃, 0, 1) under k ~ Binomial(n, p̃), p̃ = (x + ½)/(n + 1),
    computed from scipy's binomial pmf; every median is within one step 1/n of the printed x/n."""
    from scipy.stats import binom

    u = assess.uncertainty(
        sample, scheme_with(factors={**OFF, "evidence": True}), draws=3000, seed=8, year=YEAR, sensitivity=0
    )
    m = u.model
    p = sample.tables["problems"]
    raised = p[p["raised_on"].dt.year == YEAR]
    n = raised.groupby("group_id").size()
    x = (
        raised[(raised["status"] == "resolved") & (raised["resolved_on"] <= pd.Timestamp("2025-12-31"))]
        .groupby("group_id")
        .size()
        .reindex(n.index, fill_value=0)
    )
    e = m.evidence.index(m.indicators.index("problem_resolution"))
    drawn = pd.DataFrame(u.factors.evidence[:, :, e].astype(float), columns=m.groups)[n.index]
    for g in n.index:
        nn, xx = int(n[g]), int(x[g])
        smooth = (xx + 0.5) / (nn + 1)
        k = np.arange(nn + 1)
        values = np.clip(k / nn + xx / nn - smooth, 0, 1)
        pmf = binom.pmf(k, nn, smooth)
        mean = (pmf * values).sum()
        sd = np.sqrt((pmf * (values - mean) ** 2).sum())
        assert drawn[g].mean() == pytest.approx(mean, abs=0.01), g
        assert drawn[g].std() == pytest.approx(sd, rel=0.1, abs=0.005), g
        assert abs(drawn[g].median() - xx / nn) <= 1 / nn + 1e-6, g


def test_dirichlet_weights_are_centred_on_the_scheme(sample: Dataset) -> None:
    u = assess.uncertainty(
        sample,
        scheme_with(factors={**OFF, "weights": True}, concentration=50),
        draws=4000,
        seed=2,
        year=YEAR,
        sensitivity=0,
    )
    f, m = u.factors, u.model
    np.testing.assert_allclose(f.component_weights.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(f.component_weights.mean(axis=0), [0.3, 0.4, 0.3], atol=0.005)
    np.testing.assert_allclose(f.indicator_weights.mean(axis=0), m.indicator_weights, atol=0.005)
    # sd of a Dirichlet(50 w) weight: sqrt(w (1 - w) / 51)
    np.testing.assert_allclose(f.component_weights.std(axis=0), np.sqrt([0.21, 0.24, 0.21]) / np.sqrt(51), rtol=0.06)
    for idx in m.members:
        np.testing.assert_allclose(f.indicator_weights[:, idx].sum(axis=1), 1.0, atol=1e-12)


def test_same_seed_same_results_other_seed_other_draws(sample: Dataset) -> None:
    scheme = scheme_with(factors=dict.fromkeys(OFF, True))
    a = assess.uncertainty(sample, scheme, draws=200, seed=5, year=YEAR, sensitivity=32)
    b = assess.uncertainty(sample, scheme, draws=200, seed=5, year=YEAR, sensitivity=32)
    c = assess.uncertainty(sample, scheme, draws=200, seed=6, year=YEAR, sensitivity=32)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.sensitivity, b.sensitivity)
    np.testing.assert_array_equal(a.final, b.final)
    assert not np.array_equal(a.final, c.final)


def test_settings_come_from_the_scheme_and_arguments_override(sample: Dataset) -> None:
    u = assess.uncertainty(sample, scheme_with(draws=25, seed=9, sensitivity=0), year=YEAR)
    assert (u.settings.draws, u.settings.seed, len(u.final)) == (25, 9, 25)
    assert u.settings.factors.normalisation is False  # off by default: thresholds are absolute
    assert u.settings.factors.aggregation is False  # likewise: geometric means lower every score
    assert not u.factors.geometric.any()
    assert scheme_with(factors={"ratings": False}).uncertainty.factors.evidence is False  # the earlier name
    assert u.sensitivity.empty
    v = assess.uncertainty(sample, scheme_with(draws=25, seed=9, sensitivity=0), draws=10, seed=9, year=YEAR)
    assert len(v.final) == 10
    np.testing.assert_array_equal(v.final, u.final[:10])  # a longer run extends a shorter one


def test_bad_settings_say_what_and_how(sample: Dataset) -> None:
    with pytest.raises(assess.SchemeError, match=r"uncertainty.concentration: -1.0 is invalid"):
        scheme_with(concentration=-1.0)
    with pytest.raises(assess.SchemeError, match=r"uncertainty.methods: at least one normalisation method is needed"):
        scheme_with(methods=[])
    with pytest.raises(assess.SchemeError, match=r"uncertainty.methods\[0\]"):
        scheme_with(methods=["zscore"])
    with pytest.raises(assess.SchemeError, match=r"draws: 0 is invalid"):
        assess.uncertainty(sample, draws=0, year=YEAR)
    with pytest.raises(assess.SchemeError, match=r"draws: 100001 is invalid"):
        assess.uncertainty(sample, draws=100_001, year=YEAR)


def test_draws_times_groups_is_bounded(sample: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """The draws × groups arrays are kept whole: above MAX_CELLS the analysis refuses and
    says how many draws fit (here a bound of 20,000 cells for 38 groups: 526 draws)."""
    engine = sys.modules["assess.analysis._uncertainty"]  # the module (assess.uncertainty is also the function)
    monkeypatch.setattr(engine, "MAX_CELLS", 20_000)
    with pytest.raises(
        assess.SchemeError, match=r"1,000 draws × 38 groups is more than 20,000 scored cells; use at most 526 draws"
    ):
        assess.uncertainty(sample, draws=1000, year=YEAR)
    assert len(assess.uncertainty(sample, draws=526, year=YEAR, sensitivity=0).final) == 526


# ---- the vectorised engine agrees with the ordinary scoring, draw by draw ------------------


def _loop_agrees(u, dataset: Dataset, draws: range) -> None:
    for d in draws:
        scheme = u.scheme_for_draw(d)
        result = assess.score(
            dataset, YEAR, scheme=scheme, raw=u.raw_for_draw(d), present=u.present, offset=u.offset_for_draw(d)
        )
        s = result.scores
        np.testing.assert_allclose(
            u.final[d], s["final_score"].to_numpy(dtype=float), atol=1e-9, rtol=0, err_msg=f"draw {d}"
        )
        np.testing.assert_array_equal(u.rank[d], s["rank"].to_numpy(dtype=float, na_value=0), err_msg=f"draw {d}")
        names = np.array([b.name for b in scheme.grades.bands], dtype=object)
        vectorised = np.where(u.grade[d] >= 0, names[np.maximum(u.grade[d], 0)], "-")
        assert list(vectorised) == s["grade"].fillna("-").tolist(), f"draw {d}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "edits",
    [
        {},
        {"aggregation": "geometric", "grades": {"ties": "admit", "quota_rounding": "round"}},
        {"grades": {"quota_rounding": "ceil", "bands": "good quota"}, "tie_break": ["daily_work"]},
        {"factors": {**OFF, "weights": True, "aggregation": True}, "ties_at_cut": True},
        {"factors": {**OFF, "weights": True, "aggregation": True}, "grades": {"ties": "admit"}, "ties_at_cut": True},
    ],
    ids=["default", "geometric-admit-round", "two-quotas-ceil", "twins-at-the-cut-demote", "twins-at-the-cut-admit"],
)
def test_vectorised_engine_agrees_with_rescoring_each_draw(hard: Dataset, edits: dict) -> None:
    data = yaml.safe_load(default_scheme().text)
    data["aggregation"] = edits.get("aggregation", data["aggregation"])
    grades = dict(edits.get("grades", {}))
    if grades.pop("bands", None):
        data["grades"]["bands"][1]["quota"] = 0.3
    data["grades"].update(grades)
    if "tie_break" in edits:
        data["grades"]["tie_break"] = edits["tie_break"]
    data["uncertainty"] = {"factors": edits.get("factors", dict.fromkeys(OFF, True)), "concentration": 15}
    u = assess.uncertainty(hard, parse_scheme(data), draws=16, seed=3, year=YEAR, sensitivity=0)
    assert len(set(u.factors.geometric.tolist())) == 2
    if edits.get("ties_at_cut"):
        # without the evidence draws the twins stay exactly tied: in some draws a pair straddles
        # the excellent quota's cut, and the tie rule decides (demote: fewer than the quota)
        cap = np.floor(0.2 * (u.grade >= 0).sum(axis=1) + 1e-9)
        excellent = (u.grade == 0).sum(axis=1)
        assert ((excellent < cap) if data["grades"]["ties"] == "demote" else (excellent > cap)).sum() >= 2
    else:
        assert len(set(u.factors.method.tolist())) > 1
    _loop_agrees(u, hard, range(16))


@pytest.mark.slow
def test_engine_agrees_with_rescoring_on_the_plain_sample(sample: Dataset) -> None:
    u = assess.uncertainty(
        sample, scheme_with(factors=dict.fromkeys(OFF, True)), draws=8, seed=0, year=YEAR, sensitivity=0
    )
    _loop_agrees(u, sample, range(8))


def test_scheme_for_draw_carries_the_draw(everything_on) -> None:
    u = everything_on
    d = int(np.flatnonzero(u.factors.method == u.model.methods.index("rank"))[0])
    s = u.scheme_for_draw(d)
    assert s.aggregation == ("geometric" if u.factors.geometric[d] else "arithmetic")
    assert all(i.normalize == Normalize(method="rank") for i in s.indicators.values())
    assert [c.weight for c in s.components.values()] == u.factors.component_weights[d].tolist()
    g = int(np.flatnonzero(u.factors.method == u.model.methods.index("goalposts"))[0])
    assert u.scheme_for_draw(g).indicators["rating_score"].normalize.bounds == (0, 100)


# ---- the vectorised building blocks against the ordinary ones ---------------------------------

grid = st.integers(min_value=0, max_value=8).map(lambda v: v * 12.5)  # coarse: many exact ties


@settings(max_examples=examples(60), deadline=None)
@given(
    rows=st.lists(st.lists(grid, min_size=7, max_size=7), min_size=1, max_size=4),
    method=st.sampled_from(["goalposts", "minmax", "rank", "tscore"]),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_normalize_rows_is_normalize_series_per_row(rows, method, direction) -> None:
    x = np.array(rows, dtype=float)
    x[:, 2] = np.nan  # a group without a value
    how = Normalize(method=method, bounds=(0, 100) if method == "goalposts" else None)
    got = normalize_rows(x, how, direction)
    for r in range(len(x)):
        want = normalize_series(pd.Series(x[r]), how, direction).to_numpy(dtype=float)
        np.testing.assert_allclose(got[r], want, atol=1e-9)


@settings(max_examples=examples(80), deadline=None)
@given(
    scores=st.lists(
        st.lists(st.integers(min_value=55, max_value=100), min_size=12, max_size=12), min_size=1, max_size=3
    ),
    tie=st.lists(st.integers(min_value=0, max_value=3), min_size=12, max_size=12),
    ungraded=st.lists(st.booleans(), min_size=12, max_size=12),
    veto=st.lists(st.booleans(), min_size=12, max_size=12),
    quota=st.sampled_from([0.0, 0.1, 0.2, 0.34, 1.0]),
    ties=st.sampled_from(["demote", "admit"]),
    rounding=st.sampled_from(["floor", "round", "ceil"]),
)
def test_grade_levels_is_grade_per_draw(scores, tie, ungraded, veto, quota, ties, rounding) -> None:
    data = yaml.safe_load(default_scheme().text)
    data["grades"].update(ties=ties, quota_rounding=rounding)
    data["grades"]["bands"][0]["quota"] = quota
    data["grades"]["bands"][1]["quota"] = 0.25
    scheme = parse_scheme(data)
    final = np.array(scores, dtype=float)
    final[:, 0] = final[:, 1]  # at least one exact tie in score
    comps = pd.DataFrame({"effectiveness": np.array(tie, float) * 10, "service_rating": 50.0, "daily_work": 50.0})
    graded = ~np.array(ungraded)
    keys = [final] + [np.tile(comps[c].to_numpy(), (len(final), 1)) for c in scheme.grades.tie_break]
    levels = grade_levels(final, keys, np.array(veto), np.tile(graded, (len(final), 1)), scheme)
    names = [b.name for b in scheme.grades.bands]
    for d in range(len(final)):
        want = grade(pd.Series(final[d]), comps, pd.Series(veto), pd.Series(~graded), scheme)["grade"]
        got = [names[v] if v >= 0 else "-" for v in levels[d]]
        assert got == want.fillna("-").tolist()


def test_competition_ranks_share_ties_within_tolerance() -> None:
    final = np.array([[90.0, 80.0, 90.0 + 5e-10, np.nan, 70.0], [50.0, 50.0, 50.0, 50.0, 49.0]])
    np.testing.assert_array_equal(competition_ranks(final), [[1, 3, 1, 0, 4], [1, 1, 1, 1, 5]])


# ---- sensitivity --------------------------------------------------------------------------------


def test_sobol_indices_of_an_additive_function() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.random((2, 20000, 3))

    def f(x: np.ndarray) -> np.ndarray:
        return 4 * x[:, 0] + 2 * x[:, 1] + 0 * x[:, 2]

    hybrids = []
    for i in range(3):
        m = a.copy()
        m[:, i] = b[:, i]
        hybrids.append(f(m))
    table = sobol_indices(f(a), f(b), hybrids, ["x0", "x1", "x2"], resamples=50)
    # exact: variances 16/12 and 4/12 of a total 20/12
    np.testing.assert_allclose(table["S1"], [0.8, 0.2, 0.0], atol=0.02)
    np.testing.assert_allclose(table["ST"], [0.8, 0.2, 0.0], atol=0.02)
    assert (table["S1_conf"][:2] > 0).all() and table.loc[2, "ST"] == 0 == table.loc[2, "S1_conf"]


def test_sensitivity_names_the_factor_that_moves_the_ranking(sample: Dataset) -> None:
    only_weights = assess.uncertainty(
        sample, scheme_with(factors={**OFF, "weights": True}), draws=128, seed=1, year=YEAR, sensitivity=128
    )
    table = only_weights.sensitivity
    assert list(table["output"]) == [o for o in OUTPUTS for _ in FACTORS]
    off = ["normalisation", "aggregation", "evidence"]
    for output in OUTPUTS:
        s = table[table["output"] == output].set_index("factor")
        assert list(s.index) == list(FACTORS)
        assert s.loc["weights", "active"] and not s.loc[off, "active"].any()
        assert s.loc["weights", "ST"] == pytest.approx(1.0, abs=0.15)  # the only factor explains everything
        assert (s.loc[off, ["S1", "ST"]] == 0).all().all()
    both = assess.uncertainty(
        sample, scheme_with(factors={**OFF, "weights": True, "normalisation": True}), draws=256, seed=1, year=YEAR
    ).sensitivity
    both = both[both["output"] == "rank_shift"].set_index("factor")
    assert (
        both.loc["normalisation", "ST"] > both.loc["weights", "ST"]
    )  # rank/minmax/tscore reorder more than weights do


def test_sensitivity_of_the_grade_decision(sample: Dataset) -> None:
    """grade_changes: how many groups' grades differ from the nominal grades, per draw; its
    Sobol indices say which choice moves grades (here only the evidence can)."""
    u = assess.uncertainty(sample, scheme_with(factors={**OFF, "evidence": True}), draws=256, seed=2, year=YEAR)
    nominal = np.array([u.bands.index(g) if g in u.bands else -1 for g in u.table["nominal_grade"].fillna("-")])
    changes = (u.grade != nominal[None, :]).sum(axis=1)
    assert changes.mean() > 0  # thin evidence does move some grades
    s = u.sensitivity[u.sensitivity["output"] == "grade_changes"].set_index("factor")
    assert s.loc["evidence", "ST"] == pytest.approx(1.0, abs=0.2) and s.loc["weights", "ST"] == 0


# ---- where it shows ---------------------------------------------------------------------------


def _table(rows: list[dict]) -> pd.DataFrame:
    base = {
        "name": "x",
        "nominal_score": 80.0,
        "score_median": 80.0,
        "score_p05": 78.0,
        "score_p95": 82.0,
        "rank_median": 5,
        "p_ungraded": 0.0,
    }
    frame = pd.DataFrame([{**base, **r} for r in rows])
    for c in ("nominal_rank", "rank_median", "rank_p05", "rank_p95"):
        frame[c] = frame[c].astype("Int64")
    return frame


def _result_with(table: pd.DataFrame) -> assess.Result:
    meta = {"scheme": default_scheme().model_dump(mode="json"), "uncertainty": {"draws": 1000}}
    return assess.Result(
        scores=pd.DataFrame(), indicators=pd.DataFrame(), groups=pd.DataFrame(), meta=meta, uncertainty=table
    )


def test_sentences_in_plain_words() -> None:
    table = _table(
        [
            {
                "group_id": "A",
                "nominal_rank": 6,
                "nominal_grade": "good",
                "rank_p05": 4,
                "rank_p95": 9,
                "rank_coverage": 0.94,
                "p_keep": 0.97,
                "p_excellent": 0.0,
                "p_good": 0.97,
                "p_pass": 0.03,
                "p_fail": 0.0,
            },
            {
                "group_id": "B",
                "nominal_rank": 1,
                "nominal_grade": "excellent",
                "rank_p05": 1,
                "rank_p95": 1,
                "p_keep": 1.0,
                "p_excellent": 1.0,
                "p_good": 0.0,
                "p_pass": 0.0,
                "p_fail": 0.0,
            },
            {
                "group_id": "C",
                "nominal_rank": 9,
                "nominal_grade": None,
                "rank_p05": 8,
                "rank_p95": 12,
                "p_keep": 0.6,
                "p_excellent": 0.0,
                "p_good": 0.0,
                "p_pass": 0.4,
                "p_fail": 0.0,
                "p_ungraded": 0.6,
            },
            {
                "group_id": "D",
                "nominal_rank": None,
                "nominal_grade": None,
                "rank_p05": None,
                "rank_p95": None,
                "p_keep": 1.0,
                "p_excellent": 0.0,
                "p_good": 0.0,
                "p_pass": 0.0,
                "p_fail": 0.0,
                "p_ungraded": 1.0,
            },
        ]
    )
    table = pd.concat(
        [
            table,
            _table(
                [
                    {
                        "group_id": "E",
                        "nominal_rank": None,
                        "nominal_grade": "fail",
                        "rank_p05": None,
                        "rank_p95": None,
                        "p_keep": 1.0,
                        "p_excellent": 0.0,
                        "p_good": 0.0,
                        "p_pass": 0.0,
                        "p_fail": 1.0,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    result = _result_with(table)
    assert (
        sentence(result, "A")
        == "In 97 % of the plausible variations this group keeps the grade Good (otherwise most often Pass, 3 %); its rank lies between 4 and 9 in 94 % of the plausible variations."
    )
    assert (
        sentence(result, "A", "zh")
        == "在97%的合理变动情形下，本组保持“良好”等次（否则多为“合格”，3%）；在94%的合理变动情形下，排名在第4至第9名之间。"
    )
    # a sure grade is said of the draws there were, never of "every plausible variation";
    # without the share the interval holds (an older result), "at least 90 %"
    assert (
        sentence(result, "B")
        == "In all 1,000 draws this group keeps the grade Excellent; its rank is 1 in at least 90 % of the plausible variations."
    )
    assert (
        sentence(result, "B", "zh")
        == "在全部1000次抽样中，本组均保持“优秀”等次；在至少90%的合理变动情形下，排名为第1名。"
    )
    # graded-ness does not vary: an ungraded group is simply ungraded
    assert (
        sentence(result, "C")
        == sentence(result, "D")
        == "This group has no grade (insufficient data); the variations change scores, not the data a grade needs."
    )
    assert sentence(result, "D", "zh") == "本组因数据不足未评定等次；各种变动情形只改变得分，不改变评定等次所需的数据。"
    assert sentence(result, "E") == "In all 1,000 draws this group keeps the grade Fail; it is not ranked (veto)."
    assert sentence(result, "E", "zh") == "在全部1000次抽样中，本组均保持“不合格”等次；因一票否决不参与排名。"
    with pytest.raises(KeyError, match="'Z' is not in this uncertainty analysis"):
        sentence(result, "Z")
    with pytest.raises(ValueError, match="no uncertainty analysis"):
        sentence(_result_with(None), "A")
    assert [percent(p) for p in (0.0, 0.004, 0.5, 0.9949, 0.996, 1.0)] == [
        "0 %",
        "less than 1 %",
        "50 %",
        "99 %",
        "more than 99 %",
        "100 %",
    ]


def test_figures(everything_on, sample: Dataset) -> None:
    fig = rank_intervals_figure(everything_on)
    assert isinstance(fig, Figure) and fig.get_label() == "Rank intervals and grade probabilities of all groups"
    small = group_figure(everything_on, "G06", lang="zh")
    assert isinstance(small, Figure) and "G06" in small.get_label()
    many = pd.concat(
        [everything_on.table.assign(group_id=everything_on.table["group_id"] + f"-{k}") for k in range(3)],
        ignore_index=True,
    )
    assert isinstance(rank_intervals_figure(_result_with(many)), Figure)  # > 60 groups: drawn as an image
    with pytest.raises(ValueError, match="Language 'fr' is not supported"):
        group_figure(everything_on, "G06", lang="fr")


def test_attach_saves_loads_and_writes_the_uncertainty_sheet(sample: Dataset, tmp_path: Path) -> None:
    u = assess.uncertainty(sample, draws=50, seed=1, year=YEAR, sensitivity=16)
    result = attach_uncertainty(assess.score(sample, YEAR), u)
    assert result.meta["uncertainty"]["draws"] == 50 and len(result.meta["uncertainty"]["sensitivity"]) == 2 * 4
    back = load_result(save_result(result, tmp_path / "results"))
    pd.testing.assert_frame_equal(back.uncertainty, u.table, check_dtype=False)
    assert sentence(back, "G01") == sentence(u, "G01")
    from assess.reporting._workbook import write_scores

    book = openpyxl.load_workbook(write_scores(back, tmp_path / "scores.xlsx"))
    assert "uncertainty" in book.sheetnames and "sensitivity" in book.sheetnames
    header = [c.value for c in book["uncertainty"][1]]
    assert header[:5] == ["group_id", "name", "nominal_score", "nominal_rank", "nominal_grade"] and "p_keep" in header
    assert book["uncertainty"].max_row == 39
    assert "<table" in result._repr_html_() and "Uncertainty" in u._repr_html_()


@pytest.mark.slow
def test_cli_score_with_uncertainty(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["score", str(SAMPLE), "--year", "2025", "--out", str(out), "--uncertainty", "40"]) == 0
    book = openpyxl.load_workbook(out / "scores.xlsx")
    assert "uncertainty" in book.sheetnames
    assert load_result(out / "results").meta["uncertainty"]["draws"] == 40


def test_cli_refuses_too_many_draws_before_anything_is_written(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        main(["score", str(SAMPLE), "--year", "2025", "--out", str(out), "--uncertainty", "100001"])
    assert info.value.code == 2 and "give 1 to 100,000 draws" in capsys.readouterr().err
    assert not out.exists()


def test_the_rank_sentence_states_the_share_the_interval_holds(everything_on) -> None:
    """rank_coverage is the share of the draws inside [rank_p05, rank_p95], counted here again,
    and at least 0.9 by the definition of the quantiles."""
    t = everything_on.table
    for i, row in t.iterrows():
        r = everything_on.rank[:, i]
        if pd.isna(row["rank_p05"]):
            assert pd.isna(row["rank_coverage"])
            continue
        ranked = r[r > 0]
        share = ((ranked >= row["rank_p05"]) & (ranked <= row["rank_p95"])).mean()
        assert row["rank_coverage"] == pytest.approx(share) and share >= 0.9 - 1e-12
        text = sentence(everything_on, row["group_id"])
        assert f"in {percent(share)} of the plausible variations." in text
