"""``assess.compare``: this year against last year, from a Result, its scores or its scores.xlsx."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import assess
from assess.intake._sample import make_sample
from assess.intake._validate import Dataset
from assess.reporting._workbook import write_scores


@pytest.fixture(scope="module")
def two_years() -> tuple[assess.Result, assess.Result]:
    """Two scorings of different samples: 'last year' (seed 1) and 'this year' (seed 2)."""
    years = []
    for seed in (1, 2):
        ds = Dataset(tables=make_sample(groups=12, seed=seed), source=f"seed{seed}", sha256="0" * 64, warnings=[])
        years.append(assess.score(ds, year=2025))
    return years[1], years[0]


def _expected(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """The change per group, computed row by row from the two scores tables."""
    rows = []
    for _, r in now.iterrows():
        p = before[before["group_id"] == r["group_id"]].iloc[0]
        rank_change = p["rank"] - r["rank"] if pd.notna(r["rank"]) and pd.notna(p["rank"]) else np.nan
        rows.append((r["group_id"], r["final_score"] - p["final_score"], rank_change, p["grade"]))
    return pd.DataFrame(rows, columns=["group_id", "score_change", "rank_change", "previous_grade"])


@pytest.mark.parametrize("form", ["result", "scores", "scores_with_extra_columns", "xlsx"])
def test_compare_accepts_every_form_of_last_year(two_years, form, tmp_path) -> None:
    now, before = two_years
    previous: object
    if form == "result":
        previous = before
    elif form == "scores":
        previous = before.scores
    elif form == "scores_with_extra_columns":  # name, components, flags: used to become name_x / name_y
        previous = before.scores.assign(note="kept out")
    else:
        previous = write_scores(before, tmp_path / "scores.xlsx")
    compared = assess.compare(now, previous).scores
    assert "name" in compared.columns and "name_x" not in compared.columns
    expected = _expected(now.scores, before.scores)
    got = compared.set_index("group_id").loc[expected["group_id"]]
    np.testing.assert_allclose(got["score_change"].to_numpy(float), expected["score_change"].to_numpy(float), atol=1e-9)
    np.testing.assert_allclose(got["rank_change"].to_numpy(float), expected["rank_change"].to_numpy(float))
    assert list(got["previous_grade"].fillna("")) == list(expected["previous_grade"].fillna(""))


def test_compare_names_what_last_year_lacks(two_years) -> None:
    now, before = two_years
    with pytest.raises(ValueError, match="lack the column.*rank"):
        assess.compare(now, before.scores.drop(columns="rank"))
    with pytest.raises(TypeError, match="pass last year's Result"):
        assess.compare(now, 42)  # type: ignore[arg-type]


def test_compare_is_public() -> None:
    assert "compare" in assess.__all__ and assess.compare is assess.analysis._history.compare


def test_last_year_scores_that_are_not_there_are_one_located_problem_in_each_language(tmp_path) -> None:
    from assess.analysis._history import read_previous

    missing = tmp_path / "scores2024.xlsx"
    with pytest.raises(assess.InputError) as caught:
        read_previous(missing)
    fix_en = "pass the scores.xlsx written by `assess score` or `assess run`, unchanged"
    fix_zh = "请使用 `assess score` 或 `assess run` 生成且未经改动的 scores.xlsx"
    assert caught.value.problems[0].text("en") == (
        f"scores2024.xlsx: scores: cannot read last year's scores (FileNotFoundError: no such file: "
        f"{str(missing)!r}) — fix: {fix_en}"
    )
    assert caught.value.problems[0].text("zh") == (
        f"scores2024.xlsx：无法读取上一年度的考核结果（找不到文件 {str(missing)!r}） —— 改正：{fix_zh}"
    )
    with pytest.raises(assess.InputError, match="is not a file"):
        read_previous(tmp_path)
