"""The bulletin's figures (assess.analysis._monitor) on a small workbook built by hand.

Every expected number below was counted by hand from the rows of :func:`sheets` (the
comments say which rows), not by the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from assess.analysis._monitor import as_known, monitor, parse_period
from assess.intake._validate import load
from monitor_sheets import sheets
from workbooks import write_workbook


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("monitor") / "data.xlsx", sheets())


@pytest.fixture(scope="module")
def june(workbook: Path):
    return monitor(load(workbook), month="2025-06")


@pytest.fixture(scope="module")
def may(workbook: Path):
    return monitor(load(workbook), month="2025-05")


def test_periods() -> None:
    p = parse_period(month="2025-06")
    assert (p.start, p.end, p.previous_end()) == (
        pd.Timestamp("2025-06-01"), pd.Timestamp("2025-06-30"), pd.Timestamp("2025-05-31"),
    )  # fmt: skip
    assert parse_period(month="2025-01").previous_end() is None
    q = parse_period(quarter="2025-Q2")
    assert (q.start, q.end, q.previous_end()) == (
        pd.Timestamp("2025-04-01"), pd.Timestamp("2025-06-30"), pd.Timestamp("2025-03-31"),
    )  # fmt: skip
    for bad in ({"month": "2025-13"}, {"month": "June"}, {"quarter": "2025-Q5"}, {}):
        with pytest.raises(ValueError):
            parse_period(**bad)


def test_problem_counts_in_june(june) -> None:
    o = june.overview
    assert o["collected"] == 2  # Q03, Q05 raised in June
    assert o["resolved"] == 1  # Q04 resolved on 15 June (Q02's July resolution is not known yet)
    assert o["collected_ytd"] == 6  # Q01–Q06 (Q07 is July's, Q08 last year's)
    assert o["resolved_ytd"] == 2  # Q01, Q04
    assert o["resolution_rate"] == pytest.approx(2 / 6)
    assert o["open"] == 5  # Q02, Q03, Q05, Q06, Q08
    assert o["overdue"] == 3  # Q02, Q06, Q08; Q03's deadline is 30 June itself: not overdue yet
    assert o["due_soon"] == 1  # Q03, due on the month's last day


def test_problem_counts_in_may(may) -> None:
    o = may.overview
    assert (o["collected"], o["resolved"], o["collected_ytd"], o["resolved_ytd"]) == (1, 0, 4, 1)
    assert (o["open"], o["overdue"], o["due_soon"]) == (4, 3, 1)  # overdue Q04, Q06, Q08; due soon Q02
    assert list(may.supervision["problem_id"]) == ["Q08", "Q06", "Q04"]
    assert list(may.supervision["days_overdue"]) == [181, 91, 30]


def test_supervision_list_longest_overdue_first(june) -> None:
    s = june.supervision
    assert list(s["problem_id"]) == ["Q08", "Q06", "Q02"]
    assert list(s["days_overdue"]) == [211, 121, 20]  # 1 Dec 2024, 1 Mar and 10 Jun to 30 Jun
    first = s.iloc[0]
    assert (first["group"], first["recipient"], first["category"], first["priority"]) == (
        "第一工作组", "京阳物流", "用地报批", "common",
    )  # fmt: skip
    assert (first["responsible_unit"], first["responsible_person"]) == ("县自然资源局", "王一")
    assert first["deadline"] == pd.Timestamp("2024-12-01")
    soon = june.due_soon
    assert list(soon["problem_id"]) == ["Q03"] and list(soon["days_left"]) == [0]
    units = june.by_unit
    assert list(units["responsible_unit"]) == ["县自然资源局", "县人社局", "县征拆办"]
    assert list(units["overdue"]) == [1, 1, 1] and list(units["longest"]) == [211, 121, 20]


def test_ledger_in_june(june) -> None:
    led = june.ledger.set_index("group_id")
    assert list(led["status"]) == ["on_time", "late", "missing"]
    assert led.at["G2", "days_late"] == 3 and pd.isna(led.at["G1", "days_late"])
    assert led.at["G2", "completeness"] == pytest.approx(0.8)
    assert pd.isna(led.at["G3", "submitted_on"]) and pd.isna(led.at["G3", "completeness"])  # filed on 3 July
    o = june.overview
    assert (o["ledger_on_time"], o["ledger_late"], o["ledger_missing"]) == (1, 1, 1)
    late = june.repeatedly_late.set_index("group_id")
    # G2: April late, May missing, June late; G3: May filed on 10 June (late), June missing
    assert list(late.index) == ["G2", "G3"]
    assert list(late["late_or_missing"]) == [3, 2]
    assert late.at["G3", "months"] == "2025-05,2025-06"


def test_ledger_filed_after_the_month_end(workbook: Path, may) -> None:
    """G3's May ledger came on 10 June: missing in May's bulletin, late when seen from July."""
    assert may.ledger.set_index("group_id").at["G3", "status"] == "missing"
    assert list(may.repeatedly_late["group_id"]) == ["G2"]  # G2: April late, May missing; G3 only May
    july = monitor(load(workbook), month="2025-07")
    late = july.repeatedly_late.set_index("group_id")
    assert late.at["G3", "late_or_missing"] == 3  # May late (10 June), June late (3 July), July missing
    from assess.analysis._monitor import _ledger_status

    june_seen_in_july = _ledger_status(
        as_known(load(workbook), "2025-07-31").tables, "2025-06", pd.Timestamp("2025-07-31")
    )
    assert june_seen_in_july.set_index("group_id").at["G3", "days_late"] == 8


def test_visits_and_milestones(june) -> None:
    o = june.overview
    assert (o["visits"], o["visits_ytd"]) == (2, 3)  # 3 and 30 June; 10 May; the July visit does not count
    assert (o["milestones_due"], o["milestones_done"]) == (2, 1)  # 土方平整 done; 主体工程 completed in July
    assert (o["milestones_due_ytd"], o["milestones_done_ytd"]) == (3, 2)  # and 前期手续 in March
    assert (o["investment_planned"], o["investment_completed"]) == (300, 130)
    progress = june.progress.set_index("group_id")
    assert progress.at["G1", "milestones_due_next"] == 1  # 配套设施; 竣工 was completed in June


def test_progress_per_group(june) -> None:
    p = june.progress.set_index("group_id")
    assert list(p["collected"]) == [1, 1, 0]  # Q03; Q05
    assert list(p["resolved"]) == [0, 1, 0]  # Q04
    assert list(p["collected_ytd"]) == [3, 2, 1]  # Q01–Q03; Q04–Q05; Q06
    assert list(p["resolved_ytd"]) == [1, 1, 0]
    assert list(p["overdue"]) == [2, 0, 1]  # Q02, Q08; Q06
    assert list(p["ledger"]) == ["on_time", "late", "missing"]


def test_provisional_standing_is_labelled_and_too_little_data_says_so(june) -> None:
    p = june.progress.set_index("group_id")
    # G3 has no rating in the quarters over by 30 June: no service-rating component, no score
    assert bool(p.at["G3", "insufficient"]) and math.isnan(p.at["G3", "score"])
    assert not p.at["G1", "insufficient"] and 0 <= p.at["G1", "score"] <= 100
    assert p.at["G1", "change"] == pytest.approx(p.at["G1", "score"] - p.at["G1", "score_before"])
    # G2 has no milestone planned by 31 May: too little work effectiveness then, so no change to show
    assert math.isnan(p.at["G2", "score_before"]) and math.isnan(p.at["G2", "change"])


def test_only_data_up_to_the_month_end_counts(tmp_path: Path, june) -> None:
    """June's figures are the same from a workbook holding only what was known on 30 June."""
    cut = sheets()
    cut["problems"] = [r for r in cut["problems"] if r[0] != "Q07"]
    for row in cut["problems"]:
        if row[0] == "Q02":
            row[9], row[10] = "open", None
    cut["ledger"] = [
        r if r[:2] != ["G3", "2025-06"] else ["G3", "2025-06", "2025-06-25", None, None] for r in cut["ledger"]
    ]
    cut["visits"] = cut["visits"][:-1]
    cut["milestones"][2][4] = None
    known = monitor(load(write_workbook(tmp_path / "cut.xlsx", cut)), month="2025-06")
    assert known.overview == june.overview
    for name in ("supervision", "due_soon", "by_unit", "ledger", "repeatedly_late", "trend", "overdue_matrix"):
        pd.testing.assert_frame_equal(getattr(known, name), getattr(june, name), check_dtype=False)
    pd.testing.assert_frame_equal(known.progress, june.progress, check_dtype=False)


def test_as_known_leaves_the_dataset_alone(workbook: Path) -> None:
    ds = load(workbook)
    before = ds.tables["problems"].copy()
    cut = as_known(ds, "2025-05-31")
    assert len(cut.tables["problems"]) == 5  # Q01, Q02, Q04, Q06, Q08
    pd.testing.assert_frame_equal(ds.tables["problems"], before)


def test_trend_and_heat_map(june) -> None:
    t = june.trend.set_index("month")
    assert list(t.index) == [f"2025-{m:02d}" for m in range(1, 7)]
    assert list(t["collected"]) == [1, 1, 0, 1, 1, 2]  # Q01; Q06; –; Q04; Q02; Q03 Q05
    assert list(t["collected_total"]) == [1, 2, 2, 3, 4, 6]
    assert list(t["resolved_total"]) == [0, 1, 1, 1, 1, 2]  # Q01 in Feb, Q04 in June
    # overdue at each month's end: Q08 all year; Q06 from 31 Mar; Q04 on 31 May; Q02 on 30 June
    assert list(t["overdue"]) == [1, 1, 2, 2, 3, 3]
    assert list(june.overdue_matrix.loc["G2"]) == [0, 0, 0, 0, 1, 0]


def test_quarter_ratings(workbook: Path) -> None:
    q = monitor(load(workbook), quarter="2025-Q2")
    assert (q.overview["collected"], q.overview["resolved"]) == (4, 1)  # Q02–Q05 raised; Q04 resolved
    g = q.ratings["by_group"].set_index("group_id")
    assert list(g["responses"]) == [2, 1, 0] and list(g["recipients"]) == [2, 1, 1]
    assert list(g["response_rate"]) == [1.0, 1.0, 0.0]
    assert g.at["G1", "mean"] == pytest.approx(4.0)  # E1 (5+3)/2 = 4, P1 4
    assert (g.at["G1", "low"], g.at["G1", "high"]) == (pytest.approx(4.0), pytest.approx(4.0))  # no spread
    assert math.isnan(g.at["G2", "low"])  # one response: no interval
    assert (g.at["G1", "lowest_item"], g.at["G1", "lowest_item_mean"]) == ("办事效率", 3.0)
    items = q.ratings["items"]
    assert list(items["item"]) == ["办事效率", "服务态度"]
    assert items["mean"].tolist() == pytest.approx([3.0, 11 / 3])
    c = q.ratings["comments"]
    assert list(c["comment"]) == ["问题久拖未决", "<script>alert(1)</script>", "很好"]
    assert list(c["recipient"]) == ["长重机械", "雙橋三路", "京阳物流"]
    assert q.meta["previous_as_of"] == "2025-03-31"


def test_html_repr_escapes(june) -> None:
    html = june.in_lang("zh")._repr_html_()
    assert "本期收集 2 个" in html and "<table" in html and "县自然资源局" in html
    # the supervision table is headed in the notebook's language, not with machine names
    assert "<th>责任单位</th>" in html and "responsible_unit" not in html
    assert "<th>responsible_unit</th>" not in june._repr_html_() and "<th>Responsible unit</th>" in june._repr_html_()


def test_a_groups_course_through_the_year(workbook: Path) -> None:
    from assess.analysis._monitor import trajectories

    course = trajectories(load(workbook), month="2025-06")
    g3 = course[course["group_id"] == "G3"].set_index("month")
    assert list(g3["overdue"]) == [0, 0, 1, 1, 1, 1]  # Q06, due 1 March, overdue from 31 March on
    assert list(g3["collected_ytd"]) == [0, 1, 1, 1, 1, 1]
    g1 = course[course["group_id"] == "G1"].set_index("month")
    assert list(g1["overdue"]) == [1, 1, 1, 1, 1, 2]  # Q08 all year, Q02 from 30 June
    assert list(g1["ledger"])[2:] == ["on_time", "on_time", "on_time", "on_time"]
