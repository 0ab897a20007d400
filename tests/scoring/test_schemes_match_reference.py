"""The package's scoring under NON-default schemes, checked against ``tests/reference_scheme.py``.

(1) the scheme issue 3 names — other component and indicator weights, ``minmax`` and ``rank``
    normalisation, ``geometric`` aggregation, three grade bands with a 15 % quota on the top one
    rounded up — on the sample year (38 and 120 groups) and on a small hand-built dataset;
(2) ``tscore`` and a lower-is-better indicator (``problem_overdue_open``), quotas on two bands,
    ``quota_rounding: round``, ``ties: admit``, other caps, rating scale, prior and ``as_of``;
(3) an office indicator from the ``indicators`` sheet (``key_tasks`` in the sample) in a scheme;
(4) properties on random data and random schemes: agreement with the reference, improving a raw
    indicator never lowers the base score (arithmetic), contributions add up to the base score
    (arithmetic and geometric), row and group order change nothing, and a scheme dumped and
    reloaded scores the same.

plus quota sizes at the float edges (0.28·25, 0.58·25, 0.58·50: the 1e-9 tolerance), ties at a
quota cut within 1e-9, and flat / single-value normalisation.

Hand-worked values are in the comments and asserted next to the reference comparison.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assess
from assess.intake._sample import make_sample
from assess.intake._scheme import load_scheme, parse_scheme, relative_with_absolute
from assess.intake._validate import Dataset
from hypothesis_profiles import examples
from reference_scheme import SCORING_FLAGS, scheme_score
from test_scores_match_reference import _close, _flags, _grade, dataset, random_rows, shuffled, table, write_workbook

YEAR = 2025
TOL = 1e-6
D = dt.date

# ---- schemes ------------------------------------------------------------------------------------


def _label(name: str) -> dict:
    return {"en": name.replace("_", " ").capitalize(), "zh": name}


def _components(weights: dict[str, float]) -> dict:
    return {name: {"weight": w, "label": _label(name)} for name, w in weights.items()}


def _bands(*bands: tuple) -> list[dict]:
    out = []
    for name, lo, quota in bands:
        band = {"name": name, "min": lo, "label": _label(name)}
        if quota is not None:
            band["quota"] = quota
        out.append(band)
    return out


def issue_scheme() -> dict:
    """The scheme issue 3 names: other weights, minmax and rank, geometric, 3 bands, 15 % ceil."""
    return {
        "name": "issue-3",
        "aggregation": "geometric",
        "components": _components({"daily_work": 0.4, "effectiveness": 0.4, "service_rating": 0.2}),
        "indicators": {
            "ledger_on_time": {"component": "daily_work", "weight": 0.5, "normalize": {"method": "rank"}},
            "visit_coverage": {"component": "daily_work", "weight": 0.3, "normalize": {"method": "minmax"}},
            "ledger_completeness": {"component": "daily_work", "weight": 0.2},
            "problem_resolution": {"component": "effectiveness", "weight": 0.5, "normalize": {"method": "minmax"}},
            "problem_on_time": {"component": "effectiveness", "weight": 0.5, "normalize": {"method": "rank"}},
            "rating_score": {"component": "service_rating", "weight": 0.7, "normalize": {"method": "minmax"}},
            "rating_response": {"component": "service_rating", "weight": 0.3},
        },
        "grades": {
            "bands": _bands(("excellent", 80, 0.15), ("pass", 50, None), ("fail", 0, None)),
            "quota_rounding": "ceil",
            "ties": "demote",
            "tie_break": ["effectiveness", "service_rating", "daily_work"],
        },
    }


def tscore_scheme(overdue_method: str = "minmax") -> dict:
    """tscore, problem_overdue_open lower-is-better, quotas on two bands, round, admit."""
    return {
        "name": "tscore-lower",
        "rating_scale": [0, 5],
        "rating_prior_weight": 2,
        "min_coverage": 0.5,
        "as_of": "2025-10-31",
        "components": _components({"daily_work": 0.25, "effectiveness": 0.5, "service_rating": 0.25}),
        "indicators": {
            "ledger_on_time": {"component": "daily_work", "weight": 0.6, "normalize": {"method": "tscore"}},
            "visit_coverage": {"component": "daily_work", "weight": 0.4, "normalize": {"method": "rank"}},
            "problem_resolution": {"component": "effectiveness", "weight": 0.4},
            "problem_overdue_open": {
                "component": "effectiveness",
                "weight": 0.3,
                "direction": "lower",
                "normalize": {"method": overdue_method},
            },
            "problem_on_time": {"component": "effectiveness", "weight": 0.3, "normalize": {"method": "tscore"}},
            "rating_score": {"component": "service_rating", "weight": 0.7, "normalize": {"method": "tscore"}},
            "rating_response": {"component": "service_rating", "weight": 0.3},
        },
        "adjustments": {"bonus_cap": 3, "deduction_cap": 10},
        "grades": {
            "bands": _bands(("excellent", 80, 0.1), ("good", 60, 0.3), ("pass", 40, None), ("fail", 0, None)),
            "quota_rounding": "round",
            "ties": "admit",
            "tie_break": ["daily_work"],
        },
    }


def office_scheme(aggregation: str = "arithmetic", method: str = "minmax") -> dict:
    """The sample's office indicator ``key_tasks`` (0–1) weighted in effectiveness."""
    normalize = {"method": method} if method != "goalposts" else {"method": "goalposts", "bounds": [0.5, 1]}
    return {
        "name": "office",
        "aggregation": aggregation,
        "components": _components({"daily_work": 0.3, "effectiveness": 0.4, "service_rating": 0.3}),
        "indicators": {
            "ledger_on_time": {"component": "daily_work", "weight": 0.5},
            "visit_coverage": {"component": "daily_work", "weight": 0.5},
            "problem_resolution": {"component": "effectiveness", "weight": 0.4},
            "key_tasks": {"component": "effectiveness", "weight": 0.6, "normalize": normalize},
            "rating_score": {
                "component": "service_rating",
                "weight": 1.0,
                "normalize": {"method": "goalposts", "bounds": [0, 100]},
            },
        },
        "grades": {
            "bands": _bands(("excellent", 85, 0.2), ("good", 70, None), ("fail", 0, None)),
            "tie_break": ["effectiveness"],
        },
    }


# ---- comparison ---------------------------------------------------------------------------------


def mismatches(result: assess.Result, ref: dict, scheme, tol: float = TOL) -> list[str]:
    """Every difference between the package's result and the reference, as readable lines."""
    out = []
    scores = result.scores
    if sorted(scores["group_id"]) != sorted(ref):
        return [f"groups differ: {sorted(scores['group_id'])} vs {sorted(ref)}"]
    for row in scores.to_dict("records"):
        g = row["group_id"]
        s = ref[g]
        for c in scheme.components:
            if not _close(row[c], s.components[c], tol):
                out.append(f"{g} {c}: package {row[c]!r}, reference {s.components[c]!r}")
        for col, value in (
            ("base_score", s.base),
            ("bonus", s.bonus),
            ("deduction", s.deduction),
            ("final_score", s.final),
        ):
            if not _close(row[col], value, tol):
                out.append(f"{g} {col}: package {row[col]!r}, reference {value!r}")
        if _grade(row["grade"]) != s.grade:
            out.append(f"{g} grade: package {_grade(row['grade'])!r}, reference {s.grade!r}")
        if s.rank is None or pd.isna(row["rank"]):
            if not (s.rank is None and pd.isna(row["rank"])):
                out.append(f"{g} rank: package {row['rank']!r}, reference {s.rank!r}")
        elif int(row["rank"]) != s.rank:
            out.append(f"{g} rank: package {row['rank']!r}, reference {s.rank!r}")
        if _flags(row["flags"]) & SCORING_FLAGS != s.flags:
            out.append(f"{g} flags: package {_flags(row['flags'])}, reference {s.flags}")
    long = result.indicators.set_index(["group_id", "indicator"])
    for g, s in ref.items():
        for name in scheme.indicators:
            raw = long.loc[(g, name), "raw"] if (g, name) in long.index else None
            norm = long.loc[(g, name), "normalized"] if (g, name) in long.index else None
            if not _close(raw, s.raw[name], tol):
                out.append(f"{g} {name} raw: package {raw!r}, reference {s.raw[name]!r}")
            if not _close(norm, s.normalized[name], tol):
                out.append(f"{g} {name} normalized: package {norm!r}, reference {s.normalized[name]!r}")
    return out


def assert_agree(ds: Dataset, scheme, as_of: str | None = None, year: int = YEAR):
    result = assess.score(ds, year=year, as_of=as_of, scheme=scheme)
    ref = scheme_score(ds.tables, year, scheme, as_of)
    diff = mismatches(result, ref, scheme)
    assert not diff, f"package and reference disagree ({len(diff)} differences):\n" + "\n".join(diff[:40])
    return result, ref


def contribution_gaps(result: assess.Result) -> list[str]:
    """Groups whose contributions do not add up to their base score."""
    contrib = result.contributions
    assert contrib is not None
    expected = ["group_id", "indicator", "component", "raw", "normalized", "effective_weight", "points", "vs_median"]
    assert [c for c in expected if c in contrib.columns] == expected
    points: dict[str, float] = {}
    for row in contrib.to_dict("records"):
        if not pd.isna(row["points"]):
            points[row["group_id"]] = points.get(row["group_id"], 0.0) + float(row["points"])
    out = []
    for row in result.scores.to_dict("records"):
        if pd.isna(row["base_score"]):
            continue
        got = points.get(row["group_id"], 0.0)
        if abs(got - row["base_score"]) > TOL:
            out.append(f"{row['group_id']}: points add up to {got!r}, base score {row['base_score']!r}")
    return out


# ---- (1)–(3) on the sample year -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample38(sample_year: Dataset) -> Dataset:
    return sample_year


@pytest.fixture(scope="module")
def sample120(tmp_path_factory) -> Dataset:
    folder = tmp_path_factory.mktemp("s120")
    for name, frame in make_sample(year=YEAR, groups=120, seed=7).items():
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        out.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    return assess.load(folder)


@pytest.mark.parametrize("which", ["sample38", "sample120"])
def test_issue_scheme_on_sample(which: str, request) -> None:
    ds = request.getfixturevalue(which)
    scheme = parse_scheme(issue_scheme())
    result, ref = assert_agree(ds, scheme)
    assert not contribution_gaps(result)
    graded = [s for s in ref.values() if "insufficient_data" not in s.flags]
    top = [s for s in ref.values() if s.grade == "excellent"]
    # ceil(0.15 × graded) places at most (fewer when ties straddle the cut)
    assert len(top) <= -(-len(graded) * 15 // 100)
    assert {s.grade for s in graded} <= {"excellent", "pass", "fail"}


@pytest.mark.parametrize("overdue_method", ["minmax", "rank", "tscore"])
@pytest.mark.parametrize("which", ["sample38", "sample120"])
def test_tscore_lower_scheme_on_sample(which: str, overdue_method: str, request) -> None:
    ds = request.getfixturevalue(which)
    scheme = parse_scheme(tscore_scheme(overdue_method))
    result, _ = assert_agree(ds, scheme)
    assert result.meta["as_of"] == "2025-10-31"  # the scheme's as_of is used
    assert not contribution_gaps(result)


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
@pytest.mark.parametrize("method", ["goalposts", "minmax", "rank", "tscore"])
def test_office_indicator_on_sample(sample38: Dataset, aggregation: str, method: str) -> None:
    scheme = parse_scheme(office_scheme(aggregation, method))
    result, ref = assert_agree(sample38, scheme)
    assert not contribution_gaps(result)
    sheet = sample38.tables["indicators"]
    long = result.indicators.set_index(["group_id", "indicator"])
    for row in sheet[sheet["indicator"] == "key_tasks"].to_dict("records"):
        assert long.loc[(row["group_id"], "key_tasks"), "raw"] == pytest.approx(row["value"], abs=TOL)


def test_office_indicator_missing_for_a_group(sample38: Dataset) -> None:
    """A group without a ``key_tasks`` row: effectiveness keeps 0.4 of its weight < 0.65 ->
    the component is missing and the group is insufficient_data, with no grade."""
    tables = dict(sample38.tables)
    ind = tables["indicators"]
    tables["indicators"] = ind[ind["group_id"] != "G05"].reset_index(drop=True)
    ds = Dataset(tables=tables)
    scheme = parse_scheme(office_scheme())
    result, ref = assert_agree(ds, scheme)
    assert ref["G05"].raw["key_tasks"] is None
    assert "insufficient_data" in ref["G05"].flags and ref["G05"].grade is None
    row = result.scores.set_index("group_id").loc["G05"]
    assert pd.isna(row["effectiveness"]) and _grade(row["grade"]) is None


# ---- (1)–(2) on a small hand-built dataset ------------------------------------------------------


def hand_rows() -> dict[str, list[dict]]:
    """Six groups, one recipient each, numbers chosen to be worked out by hand.

    =====  ========  ======  ========  ========================  ======  ==========
    group  on time   compl.  quarters  problems (raised 1 Mar,    rating  adjustments
           ledgers           visited   due 30 Jun; resolved 1 May)  (all Qs)
    =====  ========  ======  ========  ========================  ======  ==========
    H1     12        0.5     4         2 raised, 2 resolved      5
    H2     9         1.0     4         2 raised, 1 resolved      4       bonus 4
    H3     9         1.0     3         4 raised, 1 resolved      4       deduction 12
    H4     6         1.0     2         1 raised, 0 resolved      3
    H5     3         1.0     1         none                      2
    H6     0         1.0     0         2 raised, 0 resolved      none    veto
    =====  ========  ======  ========  ========================  ======  ==========

    Every ledger is submitted: on time on the 20th for the first ``k`` months, late (the 28th,
    due the 25th) afterwards.
    """
    rows: dict[str, list[dict]] = {s: [] for s in ("groups", "recipients", "ledger", "visits", "problems")}
    rows.update({"milestones": [], "ratings": [], "adjustments": [], "indicators": []})
    on_time = [12, 9, 9, 6, 3, 0]
    completeness = [0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    quarters = [4, 4, 3, 2, 1, 0]
    problems = [(2, 2), (2, 1), (4, 1), (1, 0), (0, 0), (2, 0)]
    rating = [5, 4, 4, 3, 2, None]
    for i in range(6):
        g, r = f"H{i + 1}", f"H{i + 1}-R"
        rows["groups"].append({"group_id": g, "name": f"组 {g}"})
        rows["recipients"].append({"recipient_id": r, "name": r, "kind": "project", "group_id": g})
        for m in range(1, 13):
            sub = D(YEAR, m, 20) if m <= on_time[i] else D(YEAR, m, 28)
            rows["ledger"].append(
                {
                    "group_id": g,
                    "month": f"{YEAR}-{m:02d}",
                    "due_date": D(YEAR, m, 25),
                    "submitted_on": sub,
                    "completeness": completeness[i],
                }
            )
        for q in range(quarters[i]):
            rows["visits"].append({"group_id": g, "recipient_id": r, "date": D(YEAR, 3 * q + 2, 10)})
        raised, resolved = problems[i]
        for k in range(raised):
            done = k < resolved
            rows["problems"].append(
                {
                    "problem_id": f"{g}-P{k}",
                    "group_id": g,
                    "recipient_id": r,
                    "raised_on": D(YEAR, 3, 1),
                    "deadline": D(YEAR, 6, 30),
                    "status": "resolved" if done else "open",
                    "resolved_on": D(YEAR, 5, 1) if done else None,
                }
            )
        if rating[i] is not None:
            for q in range(1, 5):
                rows["ratings"].append(
                    {"quarter": f"{YEAR}-Q{q}", "recipient_id": r, "group_id": g, "item": "总体", "score": rating[i]}
                )
    rows["adjustments"] += [
        {"group_id": "H2", "date": D(YEAR, 6, 1), "kind": "bonus", "points": 4.0, "reason": "表彰"},
        {"group_id": "H3", "date": D(YEAR, 6, 1), "kind": "deduction", "points": 12.0, "reason": "通报"},
        {"group_id": "H6", "date": D(YEAR, 6, 1), "kind": "veto", "points": None, "reason": "否决"},
    ]
    return rows


def test_hand_dataset_issue_scheme() -> None:
    scheme = parse_scheme(issue_scheme())
    result, ref = assert_agree(dataset(hand_rows()), scheme)
    long = result.indicators.set_index(["group_id", "indicator"])["normalized"]
    scores = result.scores.set_index("group_id")

    # ledger_on_time raw 1, .75, .75, .5, .25, 0 -> rank, 1 = worst: H6 1, H5 2, H4 3, H2 = H3 share
    # (4+5)/2 = 4.5, H1 6; (r-1)/(6-1)·100 -> 100, 70, 70, 40, 20, 0.
    for g, v in zip(["H1", "H2", "H3", "H4", "H5", "H6"], [100, 70, 70, 40, 20, 0], strict=True):
        assert long[g, "ledger_on_time"] == pytest.approx(v, abs=TOL)
    # visit_coverage 1, 1, .75, .5, .25, 0 -> minmax over [0, 1]: 100, 100, 75, 50, 25, 0.
    assert long["H3", "visit_coverage"] == pytest.approx(75, abs=TOL)
    # problem_on_time 1, .5, .25, 0, —, 0 (H5 has none; n = 5) -> rank: H4 = H6 share 1.5, H3 3,
    # H2 4, H1 5 -> (r-1)/4·100 = 12.5, 50, 75, 100.
    assert long["H4", "problem_on_time"] == pytest.approx(12.5, abs=TOL)
    assert long["H6", "problem_on_time"] == pytest.approx(12.5, abs=TOL)
    assert long["H2", "problem_on_time"] == pytest.approx(75, abs=TOL)
    assert pd.isna(long["H5", "problem_on_time"])
    # rating_score: responses 100, 75, 75, 50, 25 (H1..H5, four each); grand mean 65;
    # shrunk (4x + 5·65)/9: H1 725/9, H2 = H3 625/9, H4 525/9, H5 425/9; minmax over
    # [425/9, 725/9] -> 100, 66.67, 66.67, 33.33, 0.
    assert long["H2", "rating_score"] == pytest.approx(200 / 3, abs=TOL)

    # Geometric daily_work of H1: 100^0.5 · 100^0.3 · 50^0.2 = 100 · 0.5^0.2 ≈ 87.0551.
    assert scores.loc["H1", "daily_work"] == pytest.approx(100 * 0.5**0.2, abs=TOL)
    # H6: ledger 0 and visits 0, each floored at 1 point, completeness 100: 1·1·100^0.2 ≈ 2.5119.
    assert scores.loc["H6", "daily_work"] == pytest.approx(100**0.2, abs=TOL)
    # H4 effectiveness: resolution 0 (floored at 1) and on time 12.5: sqrt(12.5) ≈ 3.5355.
    assert scores.loc["H4", "effectiveness"] == pytest.approx(12.5**0.5, abs=TOL)
    # H1: effectiveness 100, service 100 -> base = 87.0551^0.4 · 100^0.6 = 100 · 0.5^0.08 ≈ 94.6058.
    assert scores.loc["H1", "base_score"] == pytest.approx(100 * 0.5**0.08, abs=TOL)
    assert scores.loc["H1", "base_score"] == pytest.approx(94.6058, abs=1e-4)
    # H5 has no problems -> effectiveness missing; H6 has no ratings -> rating_response 0 alone
    # keeps 0.3 < 0.65 -> service missing. Both insufficient_data; H6's veto gives no grade then.
    for g in ("H5", "H6"):
        assert "insufficient_data" in _flags(scores.loc[g, "flags"])
        assert _grade(scores.loc[g, "grade"]) is None
    # Graded: H1..H4 -> ceil(0.15 · 4) = ceil(0.6) = 1 excellent place, taken by H1 (≈ 94.61).
    # H2: daily 70^.5·100^.3·100^.2 ≈ 83.666, effectiveness sqrt(50·75) ≈ 61.237, service
    # 66.67^.7·100^.3 ≈ 75.290 -> base ≈ 72.306, + bonus 4 (cap 5) ≈ 76.306 -> pass (>= 50).
    # H3: base ≈ 56.073 - deduction 12 ≈ 44.073 -> fail.
    assert scores.loc["H1", "grade"] == "excellent"
    assert (scores["grade"] == "excellent").sum() == 1
    assert scores.loc["H2", "daily_work"] == pytest.approx(100 * 0.7**0.5, abs=TOL)
    assert scores.loc["H2", "effectiveness"] == pytest.approx(3750**0.5, abs=TOL)
    assert scores.loc["H2", "service_rating"] == pytest.approx((200 / 3) ** 0.7 * 100**0.3, abs=TOL)
    h2 = (100 * 0.7**0.5) ** 0.4 * 3750**0.2 * ((200 / 3) ** 0.7 * 100**0.3) ** 0.2
    assert scores.loc["H2", "final_score"] == pytest.approx(h2 + 4, abs=TOL)
    assert scores.loc["H2", "final_score"] == pytest.approx(76.3058, abs=1e-4)
    assert scores.loc["H2", "grade"] == "pass" and scores.loc["H3", "grade"] == "fail"
    # Ranks by final among the graded: H1 94.61, H2 76.31, H3 44.07, H4 17.25; H5 and H6
    # (insufficient_data) are not ranked.
    assert list(scores.loc[["H1", "H2", "H3", "H4"], "rank"]) == [1, 2, 3, 4]
    assert scores.loc[["H5", "H6"], "rank"].isna().all()
    assert not contribution_gaps(result)


def test_hand_dataset_tscore_lower_scheme() -> None:
    scheme = parse_scheme(tscore_scheme("minmax"))
    result, ref = assert_agree(dataset(hand_rows()), scheme)
    long = result.indicators.set_index(["group_id", "indicator"])["normalized"]
    scores = result.scores.set_index("group_id")
    # as_of 31 Oct (from the scheme): ledgers Jan–Oct count, the count is over 12 months:
    # on time 10, 9, 9, 6, 3, 0 -> 10/12, .75, .75, .5, .25, 0.
    # mean = 37/72; population sd = sqrt(Σ(x-mean)²/6); z(H1) = (10/12 - 37/72)/sd.
    xs = [10 / 12, 0.75, 0.75, 0.5, 0.25, 0.0]
    mean = sum(xs) / 6
    sd = (sum((x - mean) ** 2 for x in xs) / 6) ** 0.5
    assert mean == pytest.approx(37 / 72)
    # deviations .31944, .23611, .23611, -.01389, -.26389, -.51389; Σ squares ≈ .547454;
    # sd = sqrt(.547454/6) ≈ .302063 -> z(H1) ≈ 1.05754 -> 60.575; z(H6) ≈ -1.70126 -> 32.987.
    assert sd == pytest.approx(0.302063, abs=1e-6)
    assert long["H1", "ledger_on_time"] == pytest.approx(50 + 10 * (10 / 12 - 37 / 72) / sd, abs=TOL)
    assert long["H1", "ledger_on_time"] == pytest.approx(60.5754, abs=1e-4)
    assert long["H6", "ledger_on_time"] == pytest.approx(32.9874, abs=1e-4)
    # problem_overdue_open (lower is better), open and past the 30 Jun deadline at 31 Oct:
    # 0, 1, 3, 1, 0, 2 -> minmax flipped: (3 - x)/3·100 = 100, 66.67, 0, 66.67, 100, 33.33.
    for g, v in zip(["H1", "H2", "H3", "H4", "H5", "H6"], [100, 200 / 3, 0, 200 / 3, 100, 100 / 3], strict=True):
        assert long[g, "problem_overdue_open"] == pytest.approx(v, abs=TOL)
    # H5: no problems raised -> resolution and on-time missing, overdue 0 -> 100; available
    # weight 0.3 < min_coverage 0.5 -> effectiveness missing.
    assert pd.isna(scores.loc["H5", "effectiveness"])
    # visit_coverage by 31 Oct: quarter visits on 10 Feb, May, Aug, Nov -> H1 3/4 (Nov is after
    # as_of), H2 3/4, H3 3/4, H4 2/4, H5 1/4, H6 0 -> rank: H6 1, H5 2, H4 3, H1..H3 share 5
    # -> (r-1)/5·100 = 80, 80, 80, 40, 20, 0.
    for g, v in zip(["H1", "H2", "H3", "H4", "H5", "H6"], [80, 80, 80, 40, 20, 0], strict=True):
        assert long[g, "visit_coverage"] == pytest.approx(v, abs=TOL)
    # Caps: H2 bonus 4 -> 3; H3 deduction 12 -> 10.
    assert scores.loc["H2", "bonus"] == pytest.approx(3)
    assert scores.loc["H3", "deduction"] == pytest.approx(10)
    # H6 (no ratings): rating_response 0 -> goalposts 0, weight 0.3 < 0.5 -> service missing.
    assert "insufficient_data" in _flags(scores.loc["H6", "flags"])
    # Graded H1..H4 (n = 4). excellent: round(0.1 · 4) = round(0.4) = 0 places, so H1 (≈ 80.84,
    # >= 80) is demoted; good: round(0.3 · 4) = round(1.2) = 1 place, taken by H1, so H2
    # (≈ 64.71 >= 60) is demoted to pass; H4 ≈ 42.75 pass; H3 ≈ 45.71 - 10 ≈ 35.71 fail.
    assert scores.loc["H1", "grade"] == "good" and "quota_demoted" in _flags(scores.loc["H1", "flags"])
    assert scores.loc["H2", "grade"] == "pass" and "quota_demoted" in _flags(scores.loc["H2", "flags"])
    assert scores.loc["H4", "grade"] == "pass" and scores.loc["H3", "grade"] == "fail"
    # Ungraded H5 (≈ 43.39) and H6 take no rank: H1 1, H2 2, H4 3, H3 4.
    assert list(scores.loc[["H1", "H2", "H4", "H3"], "rank"]) == [1, 2, 3, 4]
    assert scores.loc[["H5", "H6"], "rank"].isna().all()
    assert not contribution_gaps(result)


# ---- quotas, ties and the 1e-9 tolerance on office indicators -----------------------------------


def quota_rows() -> dict[str, list[dict]]:
    """Twenty groups scored only by two office indicators ``kt`` (0–1) and ``qa`` (0–10).

    final = 0.5·kt·100 + 0.5·qa·10:
      Q01 1.00/10  -> 100     Q02 .96/9.6 -> 96
      Q03 .95/9.3  -> 94      Q04 .93/9.5 -> 94  (same final, delivery 95/93 vs 93/95)
      Q05 .92/9.2  -> 92      Q06 .92/9.2 -> 92  (tied on everything)
      Q07..Q20 -> 85, 84, ..., 72 (kt = qa/10 = final/100)
    """
    rows: dict[str, list[dict]] = {s: [] for s in ("groups", "recipients", "ledger", "visits", "problems")}
    rows.update({"milestones": [], "ratings": [], "adjustments": [], "indicators": []})
    values = [(1.0, 10.0), (0.96, 9.6), (0.95, 9.3), (0.93, 9.5), (0.92, 9.2), (0.92, 9.2)]
    values += [((85 - k) / 100, (85 - k) / 10) for k in range(14)]
    for i, (kt, qa) in enumerate(values, start=1):
        g = f"Q{i:02d}"
        rows["groups"].append({"group_id": g, "name": g})
        rows["indicators"].append({"group_id": g, "indicator": "kt", "value": kt})
        rows["indicators"].append({"group_id": g, "indicator": "qa", "value": qa})
    return rows


def quota_scheme(ties: str = "demote", tie_break: tuple[str, ...] = ("quality", "delivery")) -> dict:
    return {
        "name": "quota",
        "components": _components({"delivery": 0.5, "quality": 0.5}),
        "indicators": {
            "kt": {"component": "delivery", "weight": 1.0},
            "qa": {"component": "quality", "weight": 1.0, "normalize": {"method": "goalposts", "bounds": [0, 10]}},
        },
        "grades": {
            "bands": _bands(("excellent", 90, 0.15), ("good", 80, None), ("fail", 0, None)),
            "quota_rounding": "ceil",
            "ties": ties,
            "tie_break": list(tie_break),
        },
    }


@pytest.fixture(scope="module")
def quota_dataset(tmp_path_factory) -> Dataset:
    """Through the loader: an xlsx with an ``indicators`` sheet."""
    rows = quota_rows()
    frames = {sheet: table(sheet, rows.get(sheet, [])) for sheet in rows}
    path = write_workbook(frames, tmp_path_factory.mktemp("quota") / "quota.xlsx")
    return assess.load(path, scheme=parse_scheme(quota_scheme()))


@pytest.mark.parametrize(
    ("ties", "tie_break", "excellent"),
    [
        # 20 graded -> ceil(0.15 · 20) = 3 places (0.15·20 = 3.0000000000000004 in floats: the
        # 1e-9 tolerance keeps it at 3). Order Q01 100, Q02 96, then Q03 = Q04 = 94 on the final
        # score; tie_break quality puts Q04 (95) before Q03 (93), so the cut is clean.
        ("demote", ("quality", "delivery"), {"Q01", "Q02", "Q04"}),
        ("admit", ("quality", "delivery"), {"Q01", "Q02", "Q04"}),
        # Without tie_break Q03 and Q04 are tied across the cut: both demoted, or both admitted.
        ("demote", (), {"Q01", "Q02"}),
        ("admit", (), {"Q01", "Q02", "Q03", "Q04"}),
    ],
)
def test_quota_ceil_tolerance_and_ties(quota_dataset: Dataset, ties: str, tie_break: tuple, excellent: set) -> None:
    scheme = parse_scheme(quota_scheme(ties, tie_break))
    result, ref = assert_agree(quota_dataset, scheme)
    scores = result.scores.set_index("group_id")
    assert set(scores.index[scores["grade"] == "excellent"]) == excellent
    for g in {"Q01", "Q02", "Q03", "Q04", "Q05", "Q06"} - excellent:
        assert scores.loc[g, "grade"] == "good"  # demoted to the best band below it meets
        assert "quota_demoted" in _flags(scores.loc[g, "flags"])
    assert scores.loc["Q03", "final_score"] == pytest.approx(94, abs=TOL)
    if tie_break:  # the rank follows the tie-break the quota used (the scoring rules (docs/reference/scoring.md), revised): Q04 before Q03
        assert (scores.loc["Q04", "rank"], scores.loc["Q03", "rank"]) == (3, 4)
    else:  # nothing breaks the tie: one rank, one grade
        assert scores.loc["Q03", "rank"] == scores.loc["Q04", "rank"] == 3
        assert scores.loc["Q03", "grade"] == scores.loc["Q04", "grade"]
    assert scores.loc["Q07", "grade"] == "good" and scores.loc["Q12", "grade"] == "good"  # 85, 80
    assert scores.loc["Q13", "grade"] == "fail"  # 79
    assert not contribution_gaps(result)


def test_quota_on_a_lower_band_and_round(quota_dataset: Dataset) -> None:
    """Quotas on two bands, round: excellent 0.1·20 = 2, good 0.125·20 = 2.5 -> 3 (halves up).

    Excellent: Q01, Q02; Q03–Q06 fall to good, which takes 3 of Q04 (tie_break quality first),
    Q03, then Q05 = Q06 tied across the cut -> ties admit: both, so good = Q04, Q03, Q05, Q06
    and every group from Q07 (85) down falls to pass (>= 60)."""
    data = quota_scheme("admit")
    data["grades"]["bands"] = _bands(("excellent", 90, 0.1), ("good", 80, 0.125), ("pass", 60, None), ("fail", 0, None))
    data["grades"]["quota_rounding"] = "round"
    scheme = parse_scheme(data)
    result, _ = assert_agree(quota_dataset, scheme)
    grade = result.scores.set_index("group_id")["grade"]
    assert set(grade.index[grade == "excellent"]) == {"Q01", "Q02"}
    assert set(grade.index[grade == "good"]) == {"Q03", "Q04", "Q05", "Q06"}
    assert grade["Q07"] == "pass" and "quota_demoted" in _flags(result.scores.set_index("group_id").loc["Q07", "flags"])


@pytest.mark.parametrize(
    ("share", "rounding", "n", "places"),
    [
        (0.15, "ceil", 20, 3),  # the issue's example (0.15·20 is exactly 3.0 in floats)
        (0.28, "ceil", 25, 7),  # 0.28·25 = 7.000000000000001 in floats: ceil would give 8
        (0.58, "round", 25, 15),  # 0.58·25 = 14.499999999999998: 14.5 halves up to 15, not 14
        (0.58, "floor", 50, 29),  # 0.58·50 = 28.999999999999996: floor is 29, not 28
        (0.25, "round", 10, 3),  # 2.5 halves up to 3 (Python's round would give 2)
        (0.15, "round", 10, 2),  # 1.5 -> 2
        (0.15, "floor", 10, 1),  # 1.5 -> 1
    ],
)
def test_quota_size_rounding(share: float, rounding: str, n: int, places: int) -> None:
    """n groups, all above the top threshold with distinct scores: the top band takes exactly
    ``places`` = floor/round/ceil(share · n) of them, within the 1e-9 tolerance."""
    rows: dict[str, list[dict]] = {s: [] for s in ("groups", "recipients", "ledger", "visits", "problems")}
    rows.update({"milestones": [], "ratings": [], "adjustments": [], "indicators": []})
    for i in range(n):
        g = f"N{i:02d}"
        rows["groups"].append({"group_id": g, "name": g})
        rows["indicators"].append({"group_id": g, "indicator": "kt", "value": 0.99 - i / 1000})
    data = {
        "name": "quota-size",
        "components": _components({"delivery": 1.0}),
        "indicators": {"kt": {"component": "delivery", "weight": 1.0}},
        "grades": {
            "bands": _bands(("excellent", 90, share), ("good", 0, None)),
            "quota_rounding": rounding,
        },
    }
    scheme = parse_scheme(data)
    result, _ = assert_agree(dataset(rows), scheme)
    grade = result.scores.set_index("group_id")["grade"]
    assert (grade == "excellent").sum() == places
    assert set(grade.index[grade == "excellent"]) == {f"N{i:02d}" for i in range(places)}


def _office_only(values: dict[str, dict[str, float]]) -> Dataset:
    """Groups with nothing but office indicator values (group -> {indicator: value})."""
    rows: dict[str, list[dict]] = {s: [] for s in ("groups", "recipients", "ledger", "visits", "problems")}
    rows.update({"milestones": [], "ratings": [], "adjustments": [], "indicators": []})
    for g, mine in values.items():
        rows["groups"].append({"group_id": g, "name": g})
        for name, value in mine.items():
            rows["indicators"].append({"group_id": g, "indicator": name, "value": value})
    return dataset(rows)


@pytest.mark.parametrize(
    ("ties", "tie_break", "excellent"),
    [
        # Z1..Z3 score 92 (0.3·100·kt + 0.7·10·qa: 25.5 + 66.5, 27.6 + 64.4, 29.7 + 62.3) but in
        # floats Z2 comes out 91.99999999999999: within 1e-9, so the three are tied. 10 graded,
        # floor(0.3 · 10) = 3 places: Z0 (100), then the cut falls inside the tie.
        ("demote", (), {"Z0"}),
        ("admit", (), {"Z0", "Z1", "Z2", "Z3"}),
        # quality 95 > 92 > 89 breaks the tie: Z0, Z1, Z2 in; Z3 demoted.
        ("demote", ("quality",), {"Z0", "Z1", "Z2"}),
    ],
)
def test_scores_within_1e9_are_tied_at_the_cut(ties: str, tie_break: tuple, excellent: set) -> None:
    values = {"Z0": (1.0, 10.0), "Z1": (0.85, 9.5), "Z2": (0.92, 9.2), "Z3": (0.99, 8.9)}
    values.update({f"Z{i}": (0.8, 8.0 - i / 10) for i in range(4, 10)})  # 80 - 0.7·i < 90
    ds = _office_only({g: {"kt": kt, "qa": qa} for g, (kt, qa) in values.items()})
    data = quota_scheme(ties, tie_break)
    data["components"] = _components({"delivery": 0.3, "quality": 0.7})
    data["grades"]["bands"] = _bands(("excellent", 90, 0.3), ("good", 75, None), ("fail", 0, None))
    data["grades"]["quota_rounding"] = "floor"
    result, _ = assert_agree(ds, parse_scheme(data))
    scores = result.scores.set_index("group_id")
    assert set(scores.index[scores["grade"] == "excellent"]) == excellent
    # the rank follows the quota's order: one shared rank without tie_break, quality 95 > 92 > 89 with it
    assert list(scores.loc[["Z1", "Z2", "Z3"], "rank"]) == ([2, 3, 4] if tie_break else [2, 2, 2])
    assert abs(scores.loc["Z2", "final_score"] - 92) < 1e-9


def test_flat_and_single_values() -> None:
    """minmax with every value equal -> 100; tscore with sd exactly 0 -> 50; rank with one value
    -> 100; rank of 0.1, 0.2, 0.2 -> ranks 1, 2.5, 2.5 -> 0, 75, 75."""
    ds = _office_only(
        {
            "A": {"same": 0.7, "ones": 1.0, "solo": 0.3, "r": 0.1},
            "B": {"same": 0.7, "ones": 1.0, "r": 0.2},
            "C": {"same": 0.7, "ones": 1.0, "r": 0.2},
        }
    )
    data = {
        "name": "flat",
        "min_coverage": 0.0,
        "components": _components({"a": 0.5, "b": 0.5}),
        "indicators": {
            "same": {"component": "a", "weight": 0.5, "normalize": {"method": "minmax"}},
            "ones": {"component": "a", "weight": 0.5, "normalize": {"method": "tscore"}},
            "solo": {"component": "b", "weight": 0.5, "normalize": {"method": "rank"}},
            "r": {"component": "b", "weight": 0.5, "normalize": {"method": "rank"}},
        },
        "grades": {"bands": _bands(("top", 90, None), ("rest", 0, None))},
    }
    result, _ = assert_agree(ds, parse_scheme(data))
    norm = result.indicators.set_index(["group_id", "indicator"])["normalized"]
    for g in "ABC":
        assert norm[g, "same"] == pytest.approx(100, abs=TOL)
        assert norm[g, "ones"] == pytest.approx(50, abs=TOL)
    assert norm["A", "solo"] == pytest.approx(100, abs=TOL)
    assert pd.isna(norm["B", "solo"])
    assert [norm[g, "r"] for g in "ABC"] == pytest.approx([0, 75, 75], abs=TOL)


@pytest.mark.parametrize("method", ["tscore", "minmax", "rank"])
def test_equal_values_with_float_noise(method: str) -> None:
    """Three groups with the same value 0.7: their mean is 0.6999999999999998 in floats, so a
    naive population sd is ~2e-16, not 0, and z = (0.7 - mean)/sd = +1 for everyone.  the scoring rules (docs/reference/scoring.md):
    sd = 0 -> 50 (tscore); all equal -> 100 (minmax); one shared rank -> (2 - 1)/2·100 = 50."""
    ds = _office_only({g: {"kt": 0.7} for g in "ABC"})
    data = {
        "name": "noise",
        "components": _components({"a": 1.0}),
        "indicators": {"kt": {"component": "a", "weight": 1.0, "normalize": {"method": method}}},
        "grades": {"bands": _bands(("top", 90, None), ("rest", 0, None))},
    }
    expected = {"tscore": 50.0, "minmax": 100.0, "rank": 50.0}[method]
    result = assess.score(ds, year=YEAR, scheme=parse_scheme(data))
    norm = result.indicators.set_index(["group_id", "indicator"])["normalized"]
    assert [norm[g, "kt"] for g in "ABC"] == pytest.approx([expected] * 3, abs=TOL)
    assert_agree(ds, parse_scheme(data))


# ---- (4) properties on random data and random schemes -------------------------------------------

CANDIDATES = {  # indicator: (natural component, goalposts bounds, direction)
    "ledger_on_time": ("daily_work", [0, 1], "higher"),
    "ledger_completeness": ("daily_work", [0, 1], "higher"),
    "visit_coverage": ("daily_work", [0, 1], "higher"),
    "visits_per_recipient": ("daily_work", [0, 6], "higher"),
    "kt": ("daily_work", [0, 1], "higher"),
    "problem_resolution": ("effectiveness", [0, 1], "higher"),
    "problem_on_time": ("effectiveness", [0, 1], "higher"),
    "problem_overdue_open": ("effectiveness", [0, 5], "lower"),
    "milestone_on_time": ("effectiveness", [0, 1], "higher"),
    "investment_completion": ("effectiveness", [0, 1], "higher"),
    "complaints": ("effectiveness", [0, 10], "lower"),
    "rating_score": ("service_rating", [0, 100], "higher"),
    "rating_response": ("service_rating", [0, 1], "higher"),
}
OFFICE = {"kt": (0.0, 1.0), "complaints": (0.0, 10.0)}
#: indicators whose raw values are not ratios of small integers: ranked ties could differ in the
#: last bit between two implementations, so they are never rank-normalised in random schemes.
NO_RANK = {"ledger_completeness", "investment_completion", "rating_score", "kt", "complaints"}


def _shares(rnd: random.Random, n: int) -> list[float]:
    ints = [rnd.randint(1, 6) for _ in range(n)]
    return [i / sum(ints) for i in ints]


def random_scheme(rnd: random.Random, aggregation: str | None = None, must: str | None = None) -> dict:
    comps = ["daily_work", "effectiveness", "service_rating"]
    indicators = {}
    for comp in comps:
        pool = [k for k, v in CANDIDATES.items() if v[0] == comp]
        chosen = rnd.sample(pool, rnd.randint(1, len(pool)))
        if must in pool and must not in chosen:
            chosen.append(must)
        for name, w in zip(chosen, _shares(rnd, len(chosen)), strict=True):
            _, bounds, direction = CANDIDATES[name]
            methods = ["goalposts", "minmax", "tscore"] + ([] if name in NO_RANK else ["rank"])
            method = rnd.choice(methods)
            spec = {"method": method, "bounds": bounds} if method == "goalposts" else {"method": method}
            indicators[name] = {"component": comp, "weight": w, "direction": direction, "normalize": spec}
    n_bands = rnd.randint(2, 4)
    mins = sorted(rnd.sample(range(30, 96, 5), n_bands - 1), reverse=True) + [0]
    bands = []
    for k, lo in enumerate(mins):
        quota = rnd.choice([None, 0.1, 0.15, 0.25, 0.5]) if k < n_bands - 1 else None
        bands.append((f"b{k}", lo, quota))
    return {
        "name": "random",
        "aggregation": aggregation or rnd.choice(["arithmetic", "geometric"]),
        "min_coverage": rnd.choice([0.0, 0.5, 0.65, 1.0]),
        "rating_prior_weight": rnd.choice([0, 2, 5]),
        "components": _components(dict(zip(comps, _shares(rnd, 3), strict=True))),
        "indicators": indicators,
        "adjustments": {"bonus_cap": rnd.choice([0, 3, 5]), "deduction_cap": rnd.choice([5, 20])},
        "grades": {
            "bands": _bands(*bands),
            "quota_rounding": rnd.choice(["floor", "round", "ceil"]),
            "ties": rnd.choice(["demote", "admit"]),
            "tie_break": rnd.sample(comps, rnd.randint(0, 3)),
        },
    }


def random_case(rnd: random.Random, aggregation: str | None = None, must: str | None = None):
    """Random valid rows (from the default-scheme property tests) plus office indicator rows."""
    rows, as_of = random_rows(rnd)
    for i, g in enumerate(r["group_id"] for r in rows["groups"]):
        for name, (lo, hi) in OFFICE.items():
            if i == 0 or rnd.random() < 0.85:  # the first group has each: a scheme may name it
                value = round(rnd.uniform(lo, hi), 2) if rnd.random() < 0.8 else rnd.choice([lo, hi])
                rows["indicators"].append({"group_id": g, "indicator": name, "value": value})
    return rows, as_of, parse_scheme(random_scheme(rnd, aggregation, must))


PROPERTY = settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _base(ds: Dataset, as_of, scheme, group: str) -> float:
    scores = assess.score(ds, year=YEAR, as_of=as_of, scheme=scheme).scores
    return float(scores.loc[scores["group_id"] == group, "base_score"].iloc[0])


@PROPERTY
@given(rnd=st.randoms(use_true_random=False))
def test_random_data_and_scheme_match_reference(rnd: random.Random) -> None:
    rows, as_of, scheme = random_case(rnd)
    result, _ = assert_agree(dataset(rows), scheme, as_of)
    assert not contribution_gaps(result)


@PROPERTY
@given(rnd=st.randoms(use_true_random=False), aggregation=st.sampled_from(["arithmetic", "geometric"]))
def test_contributions_add_up_to_the_base_score(rnd: random.Random, aggregation: str) -> None:
    rows, as_of, scheme = random_case(rnd, aggregation)
    result = assess.score(dataset(rows), year=YEAR, as_of=as_of, scheme=scheme)
    gaps = contribution_gaps(result)
    assert not gaps, "\n".join(gaps[:20])


@PROPERTY
@given(
    rnd=st.randoms(use_true_random=False),
    pick=st.integers(min_value=0),
    step=st.floats(0.01, 5),
    which=st.sampled_from(["kt", "complaints"]),
)
def test_a_better_office_indicator_never_lowers_the_base(
    rnd: random.Random, pick: int, step: float, which: str
) -> None:
    """Raise ``kt`` (higher is better) or lower ``complaints`` (lower is better) for one group."""
    rows, as_of, scheme = random_case(rnd, "arithmetic", must=which)
    mine = [i for i, r in enumerate(rows["indicators"]) if r["indicator"] == which]
    if not mine:
        return
    i = mine[pick % len(mine)]
    group = rows["indicators"][i]["group_id"]
    before = _base(dataset(rows), as_of, scheme, group)
    if pd.isna(before):
        return  # no component at all (min_coverage 1 and gaps): nothing to compare
    value = rows["indicators"][i]["value"]
    rows["indicators"][i] = {**rows["indicators"][i], "value": value + step if which == "kt" else value - step}
    after = _base(dataset(rows), as_of, scheme, group)
    assert after >= before - 1e-9


@PROPERTY
@given(rnd=st.randoms(use_true_random=False), pick=st.integers(min_value=0), when=st.floats(0, 1))
def test_a_better_built_in_indicator_never_lowers_the_base(rnd: random.Random, pick: int, when: float) -> None:
    """A late ledger moved onto its due date, or an open problem resolved by its deadline."""
    rows, as_of, scheme = random_case(rnd, "arithmetic", must=rnd.choice(["ledger_on_time", "problem_overdue_open"]))
    day = D(YEAR, 12, 31) if as_of is None else dt.date.fromisoformat(as_of)
    late = [
        ("ledger", i)
        for i, r in enumerate(rows["ledger"])
        if r["month"].startswith(f"{YEAR}-")
        and r["submitted_on"] is not None
        and r["due_date"] < r["submitted_on"] <= day
    ]
    open_ = [("problems", i) for i, r in enumerate(rows["problems"]) if r["status"] == "open"]
    moves = late + open_
    if not moves:
        return
    sheet, i = moves[pick % len(moves)]
    row = rows[sheet][i]
    before = _base(dataset(rows), as_of, scheme, row["group_id"])
    if pd.isna(before):
        return
    if sheet == "ledger":
        rows[sheet][i] = {**row, "submitted_on": row["due_date"]}
    else:
        days = int(when * (row["deadline"] - row["raised_on"]).days)
        rows[sheet][i] = {**row, "status": "resolved", "resolved_on": row["raised_on"] + dt.timedelta(days=days)}
    after = _base(dataset(rows), as_of, scheme, row["group_id"])
    assert after >= before - 1e-9


def _same(a: assess.Result, b: assess.Result, scheme) -> None:
    x = a.scores.sort_values("group_id", ignore_index=True)
    y = b.scores.sort_values("group_id", ignore_index=True)
    assert list(x["group_id"]) == list(y["group_id"])
    for col in [*scheme.components, "base_score", "bonus", "deduction", "final_score"]:
        for u, v in zip(x[col], y[col], strict=True):
            assert _close(u, v, 1e-9), col
    assert [_grade(v) for v in x["grade"]] == [_grade(v) for v in y["grade"]]
    assert [None if pd.isna(v) else int(v) for v in x["rank"]] == [None if pd.isna(v) else int(v) for v in y["rank"]]
    assert [_flags(v) for v in x["flags"]] == [_flags(v) for v in y["flags"]]


@PROPERTY
@given(rnd=st.randoms(use_true_random=False))
def test_row_and_group_order_change_nothing(rnd: random.Random) -> None:
    rows, as_of, scheme = random_case(rnd)
    ds = dataset(rows)
    a = assess.score(ds, year=YEAR, as_of=as_of, scheme=scheme)
    b = assess.score(shuffled(ds, rnd), year=YEAR, as_of=as_of, scheme=scheme)
    _same(a, b, scheme)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rnd=st.randoms(use_true_random=False))
def test_a_dumped_and_reloaded_scheme_scores_the_same(rnd: random.Random, tmp_path: Path) -> None:
    rows, as_of, scheme = random_case(rnd)
    scheme = _relative_grades(scheme)
    path = tmp_path / "scheme.yaml"
    path.write_text(scheme.text, encoding="utf-8")
    again = load_scheme(path)
    assert again == scheme
    ds = dataset(rows)
    _same(
        assess.score(ds, year=YEAR, as_of=as_of, scheme=scheme),
        assess.score(ds, year=YEAR, as_of=as_of, scheme=again),
        scheme,
    )


def _relative_grades(scheme):
    """A scheme file with relative normalisations must say its thresholds are relative too
    (``load_scheme`` refuses the mix otherwise; issue 19 §3)."""
    if not relative_with_absolute(scheme):
        return scheme
    data = scheme.model_dump(mode="json", exclude_none=True)
    data["grades"]["relative"] = True
    return parse_scheme(data)


def test_named_schemes_dump_and_reload(tmp_path: Path, sample38: Dataset) -> None:
    for i, data in enumerate([issue_scheme(), tscore_scheme("tscore"), office_scheme("geometric", "rank")]):
        scheme = _relative_grades(parse_scheme(data))
        path = tmp_path / f"s{i}.yaml"
        path.write_text(scheme.text, encoding="utf-8")
        again = load_scheme(path)
        assert again == scheme
        _same(assess.score(sample38, year=YEAR, scheme=scheme), assess.score(sample38, year=YEAR, scheme=again), scheme)
