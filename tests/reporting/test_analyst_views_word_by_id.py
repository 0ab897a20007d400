"""The analysts' views build their tables with ids and word them from the catalogue: the same
anomaly in both languages with its values, the figures' labels by key, and explore as the one
public face of the view modules."""

from __future__ import annotations

import pandas as pd
import pytest

from assess.common._messages import message
from assess.intake._validate import Dataset
from assess.reporting import _anomalies as anomalies
from assess.reporting import _data_views as data_views
from assess.reporting import _result_views as result_views
from assess.reporting import _view_figures as view_figures
from assess.reporting import _what_if as what_if
from assess.reporting import explore
from assess.reporting._localise import localise, view_word

YEAR = 2025


@pytest.fixture(scope="module")
def planted(sample_2025: Dataset) -> Dataset:
    """The sample year with one milestone completed on 2025-11-20, after an as_of of 2025-10-31."""
    t = dict(sample_2025.tables)
    m = t["milestones"].copy()
    m.loc[m.index[0], "completed_on"] = pd.Timestamp("2025-11-20")
    t["milestones"] = m
    return Dataset(tables=t)


def test_one_anomaly_in_both_languages_carries_its_values(planted: Dataset) -> None:
    gid = planted.tables["milestones"]["group_id"].iloc[0]
    rows = {}
    for lang in ("en", "zh"):
        table = anomalies.anomalies(planted, YEAR, as_of="2025-10-31", lang=lang)
        rows[lang] = table.iloc[:, [0, 1, 3]].to_numpy().tolist()
    assert ["completed after as_of", gid, "completion dated after the assessment date 2025-10-31"] in rows["en"]
    assert ["完成日期晚于考核日期", gid, "完成日期晚于考核日期 2025-10-31"] in rows["zh"]
    assert len(rows["en"]) == len(rows["zh"])  # one Chinese line for every English one, in the same order
    outliers = [(en, zh) for en, zh in zip(rows["en"], rows["zh"], strict=True) if en[0].startswith("outlier: ")]
    for en, zh in outliers:
        indicator = en[0].removeprefix("outlier: ")
        label = message("indicator", indicator, "zh")
        assert zh[0] == f"异常值：{label}" and zh[2].startswith(f"{label}与中位数 ")


def test_each_check_is_a_small_function_of_the_tables() -> None:
    assert [c.__name__ for c in anomalies.CHECKS] == [
        "ledger_early", "resolved_same_day", "duplicate_visits", "investment_above_plan", "completed_after_as_of",
        "all_minimum_rater",
    ]  # fmt: skip
    for check in anomalies.CHECKS:
        assert message("anomaly", f"check.{check.__name__}", "zh") and message(
            "anomaly", f"detail.{check.__name__}", "en"
        )


def test_ids_are_worded_and_english_keeps_the_machine_names() -> None:
    assert view_word("no_ledger", "en") == "missing" and view_word("no_ledger", "zh") == "无台账"
    assert view_word("in_window", "en") == "in_window" and view_word("G01", "zh") == "G01"
    frame = pd.DataFrame({"on_time": [1]}, index=pd.Index(["q25"], name="status"))
    assert localise(frame, "en").to_dict() == {"on time": {"25%": 1}}
    zh = localise(frame, "zh")
    assert zh.index.name == "报送情况" and list(zh.index) == ["下四分位数"] and list(zh.columns) == ["按时报送"]
    assert localise(pd.DataFrame({"daily_work": [1]}), "zh", labels={"daily_work": "日常工作"}).columns[0] == "日常工作"
    assert (
        localise(pd.DataFrame({"daily_work": [1]}), "en", labels={"daily_work": "Daily work"}).columns[0]
        == "daily_work"
    )


def test_explore_is_the_public_face_of_the_view_modules() -> None:
    modules = (data_views, anomalies, result_views, what_if, view_figures)
    for name in explore.__all__:
        obj = getattr(explore, name)
        homes = [m for m in modules if getattr(m, name, None) is obj]
        assert homes or name in ("weight_sliders", "localise"), name
    assert set(explore.__all__) >= set(data_views.__all__) | set(result_views.__all__) | set(view_figures.__all__)
