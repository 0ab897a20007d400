"""Saved results: a round trip keeps every table, and a warm process reads each folder once."""

from __future__ import annotations

import pandas as pd
import pytest

import assess
from assess.intake._sample import make_sample
from assess.intake._validate import Dataset
from assess.scoring._result import load_result, save_result


@pytest.fixture
def saved(tmp_path):
    frames = make_sample(groups=5, seed=7)
    result = assess.score(
        Dataset(tables={k: v.assign(_row=range(2, len(v) + 2)) for k, v in frames.items()}), year=2025
    )
    return result, save_result(result, tmp_path / "results")


def test_round_trip_keeps_tables_inputs_and_meta(saved):
    result, folder = saved
    back = load_result(folder)
    for name in ("scores", "indicators", "contributions", "ratings_quality", "flags"):
        pd.testing.assert_frame_equal(
            getattr(back, name), getattr(result, name).reset_index(drop=True), check_dtype=False
        )
    assert back.meta == result.meta
    pd.testing.assert_frame_equal(back.rows("problems", "G01"), result.rows("problems", "G01"), check_dtype=False)


def test_second_load_is_cached_but_isolated(saved, monkeypatch):
    _, folder = saved
    first = load_result(folder)
    first.scores.loc[0, "final_score"] = -1.0  # a report scribbling on its copy
    first.meta["year"] = 1900
    first.inputs["ratings"]["comment"] = "planted"
    reads = []
    monkeypatch.setattr(pd, "read_parquet", lambda *a, **k: reads.append(a) or pytest.fail("read again"))
    second = load_result(folder)
    assert reads == []
    assert second.scores.loc[0, "final_score"] != -1.0 and second.meta["year"] == 2025
    assert "planted" not in set(second.inputs["ratings"]["comment"].dropna())


def test_a_rewritten_folder_is_read_again(saved):
    result, folder = saved
    load_result(folder)
    changed = result.scores.assign(name="改名")
    save_result(type(result)(**{**result.__dict__, "scores": changed}), folder)
    assert set(load_result(folder).scores["name"]) == {"改名"}
