"""The uncertainty analysis shows in each report and in the index, and only when it ran."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import assess
from assess.analysis._uncertainty import attach_uncertainty, uncertainty
from assess.intake._sample import make_sample
from assess.intake._validate import Dataset
from assess.reporting import sections as report
from assess.reporting._pages import write_index


@pytest.fixture(scope="module")
def results():
    frames = make_sample(groups=8, seed=4)
    ds = Dataset(tables={k: v.assign(_row=range(2, len(v) + 2)) for k, v in frames.items()})
    plain = assess.score(ds, year=2025)
    return plain, attach_uncertainty(plain, uncertainty(ds, draws=120, seed=1, year=2025, sensitivity=0))


def test_report_section_states_the_keep_probability_in_words(results):
    plain, with_u = results
    assert report.uncertainty_section(plain, "G01").data == ""
    html = report.uncertainty_section(with_u, "G01").data
    row = with_u.uncertainty.set_index("group_id").loc["G01"]
    grade = with_u.scores.set_index("group_id").loc["G01", "grade"]
    label = assess.default_scheme().grade_label(grade)
    if row["p_keep"] < 1:
        assert (
            f"In {round(row['p_keep'] * 100)} % of the plausible variations this group keeps the grade {label}" in html
        )
    else:
        assert f"In all 120 draws this group keeps the grade {label}" in html
    assert "Over 120 plausible variations" in html and "data:image/jpeg;base64," in html
    zh = report.uncertainty_section(with_u, "G01", "zh").data
    assert "等次的稳健性" in zh and "120 种" in zh


def test_index_shows_rank_intervals_only_with_an_analysis(results, tmp_path):
    plain, with_u = results
    without = write_index(plain, [], tmp_path / "a").read_text(encoding="utf-8")
    with_fig = write_index(with_u, [], tmp_path / "b").read_text(encoding="utf-8")
    assert "Rank intervals and grade probabilities" not in without
    assert "Rank intervals and grade probabilities" in with_fig
    assert (
        len(re.findall(r"data:image/jpeg;base64,", with_fig))
        == len(re.findall(r"data:image/jpeg;base64,", without)) + 1
    )
    assert isinstance(with_u.uncertainty, pd.DataFrame)
