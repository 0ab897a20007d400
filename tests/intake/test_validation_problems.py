"""Intake and validation: every problem reported at once, with row, column, value and rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import assess
from assess.intake._problems import InputError
from assess.intake._read import RawTables
from assess.intake._spec import SHEETS
from assess.intake._validate import safe_group_id, validate_tables
from hypothesis_profiles import examples
from workbooks import minimal_sheets, set_cached_value, write_workbook


def problems_of(path) -> list[assess.Problem]:
    with pytest.raises(InputError) as info:
        assess.load(path)
    return info.value.problems


def find(problems, sheet, row, column, rule_part):
    return [p for p in problems if p.sheet == sheet and p.row == row and p.column == column and rule_part in p.rule]


def test_minimal_workbook_loads_with_types(tmp_path):
    ds = assess.load(write_workbook(tmp_path / "ok.xlsx", minimal_sheets()))
    assert list(ds.groups["group_id"]) == ["G1", "G2"]
    assert ds.problems.loc[0, "resolved_on"] == pd.Timestamp("2025-03-20")
    assert ds.milestones.loc[0, "investment_planned"] == 100.0
    assert ds.ratings.loc[0, "quarter"] == "2025-Q1"
    assert list(ds.groups["_row"]) == [2, 3]


def test_every_problem_is_reported_at_once(tmp_path):
    sheets = minimal_sheets()
    sheets["groups"] += [["G1", "重复", None], ["../../etc/x", "坏", None], ["CON", "坏", None]]
    sheets["recipients"] += [["E3", "某公司", "factory", "G9"]]
    sheets["ledger"] += [["G1", "2025-13", "2025-02-25", "soon", 1.5]]
    sheets["visits"] += [["G1", "E2", "2025-02-01", None, None], ["G1", "E404", "2025-02-01", None, None]]
    sheets["problems"] += [
        ["Q2", "G1", None, "2025-03-01", "low", "2025-04-01", "resolved", None],
        ["Q3", "G1", None, "2025-03-01", "common", "2025-04-01", "open", "2025-03-05"],
        ["Q4", "G1", None, "2025-03-01", "common", "2025-04-01", "resolved", "2025-02-01"],
        ["Q1", "G2", None, "2025-03-01", "common", "2025-04-01", "open", None],
    ]
    sheets["milestones"] += [["P1", "G1", "x", "2025-05-01", None, -5, None]]
    sheets["ratings"] += [["2025-Q2", "E2", "G1", "效率", 4, None], ["2025-Q2", "E1", "G1", "效率", 6, None]]
    sheets["adjustments"] += [["G1", "2025-06-01", "deduction", None, "迟报"]]
    probs = problems_of(write_workbook(tmp_path / "bad.xlsx", sheets))
    expected = [
        ("groups", 4, "group_id", "duplicate key"),
        ("groups", 5, "group_id", "1–40 letters"),
        ("groups", 5, "group_id", "file name"),
        ("groups", 6, "group_id", "file name"),
        ("recipients", 5, "kind", "must be one of"),
        ("recipients", 5, "group_id", "unknown group_id"),
        ("ledger", 3, "month", "not a month"),
        ("ledger", 3, "submitted_on", "not a date"),
        ("ledger", 3, "completeness", "between 0 and 1"),
        ("visits", 3, "recipient_id", "not assigned to this group"),
        ("visits", 4, "recipient_id", "unknown recipient_id"),
        ("problems", 3, "priority", "must be one of"),
        ("problems", 3, "status", "disagree"),
        ("problems", 4, "status", "disagree"),
        ("problems", 5, "resolved_on", "before raised_on"),
        ("problems", 6, "problem_id", "duplicate key"),
        ("milestones", 3, "investment_planned", "≥ 0"),
        ("ratings", 3, "recipient_id", "not assigned"),
        ("ratings", 4, "score", "rating scale"),
        ("adjustments", 3, "kind", "needs points"),
    ]
    for sheet, row, column, rule in expected:
        assert find(probs, sheet, row, column, rule), f"missing: {sheet} row {row} {column} {rule}"
    # an unparsable required cell is reported once, as unparsable, not again as missing
    assert not find(probs, "ledger", 3, "month", "required value is missing")
    bad_date = find(probs, "ledger", 3, "submitted_on", "not a date")[0]
    assert bad_date.value == "soon" and "2025-03-31" in bad_date.fix and bad_date.file == "bad.xlsx"
    # the first occurrences of the duplicated keys are reported too
    assert find(probs, "groups", 2, "group_id", "duplicate key") and find(
        probs, "problems", 2, "problem_id", "duplicate key"
    )
    assert len(probs) == len(expected) + 2


def test_missing_sheet_and_column(tmp_path):
    sheets = minimal_sheets()
    del sheets["visits"]
    sheets["ratings"][0] = ["quarter", "recipient_id", "group_id", "item", "points_given", "comment"]
    probs = problems_of(write_workbook(tmp_path / "m.xlsx", sheets))
    assert [(p.sheet, p.column, p.rule) for p in probs] == [
        ("visits", None, "required sheet is missing"),
        ("ratings", "score", "required column is missing"),
    ]
    assert "评分" in probs[1].fix


def test_adjustments_sheet_is_optional(tmp_path):
    sheets = minimal_sheets()
    del sheets["adjustments"]
    ds = assess.load(write_workbook(tmp_path / "a.xlsx", sheets))
    assert ds.adjustments.empty and "reason" in ds.adjustments.columns


def test_empty_groups_sheet(tmp_path):
    sheets = {k: v[:1] for k, v in minimal_sheets().items()}
    probs = problems_of(write_workbook(tmp_path / "e.xlsx", sheets))
    assert [(p.sheet, p.rule) for p in probs] == [("groups", "the groups sheet has no rows")]


def test_chinese_headers_sheet_names_and_values(tmp_path):
    sheets = minimal_sheets()
    sheets["工作组"] = [["工作组编号", "工作组名称", "组长"], ["G1", "一组", "张三"], ["G2", "二组", None]]
    del sheets["groups"]
    sheets["problems"] = [
        ["问题编号", "工作组编号", "提出日期", "办结时限", "办理状态", "办结日期", "优先级"],
        ["Q1", "G1", "2025年3月1日", "2025/04/01", "已办结", "2025-03-20", "紧急"],
    ]
    ds = assess.load(write_workbook(tmp_path / "zh.xlsx", sheets))
    assert ds.groups["name"].tolist() == ["一组", "二组"]
    row = ds.problems.iloc[0]
    assert (row["status"], row["priority"]) == ("resolved", "urgent")
    assert row["raised_on"] == pd.Timestamp("2025-03-01") and row["deadline"] == pd.Timestamp("2025-04-01")


def test_numeric_ids_and_every_date_form_match(tmp_path):
    sheets = minimal_sheets()
    sheets["groups"].append([101, "数字组", None])
    sheets["recipients"].append(["E9", "某企业", "enterprise", "101"])
    sheets["visits"] += [
        [101.0, "E9", dt.datetime(2025, 3, 1, 0, 0), None, None],
        ["101", "E9", 45717, None, None],  # Excel serial of 2025-03-01
        ["101", "E9", "2025-03-01", None, None],
        ["101", "E9", "2025-03-01T00:00:00", None, None],
    ]
    ds = assess.load(write_workbook(tmp_path / "n.xlsx", sheets))
    v = ds.visits[ds.visits["group_id"] == "101"]
    assert len(v) == 4 and set(v["date"]) == {pd.Timestamp("2025-03-01")}


def test_formulas_are_read_by_their_saved_value(tmp_path):
    sheets = minimal_sheets()
    sheets["ledger"][1][4] = "=0.5+0.4"
    path = write_workbook(tmp_path / "f.xlsx", sheets)
    probs = problems_of(path)  # openpyxl saves no value: say so instead of reading a blank
    assert len(probs) == 1 and "formula with no saved value" in probs[0].rule
    assert (probs[0].row, probs[0].column) == (2, "completeness")
    set_cached_value(path, 3, "E2", "0.9")  # what Excel stores after calculating
    ds = assess.load(path)
    assert ds.ledger.loc[0, "completeness"] == pytest.approx(0.9)


def test_csv_folder(tmp_path):
    for name, rows in minimal_sheets().items():
        pd.DataFrame(rows[1:], columns=rows[0]).to_csv(tmp_path / f"{name}.csv", index=False)
    ds = assess.load(tmp_path)
    assert ds.recipients["recipient_id"].tolist() == ["E1", "P1", "E2"]
    (tmp_path / "ratings.csv").write_text("quarter,recipient_id,group_id,score\n2025-Q9,E1,G1,4\n", encoding="utf-8")
    probs = problems_of(tmp_path)
    assert [(p.file, p.row, p.column) for p in probs] == [(f"{tmp_path.name}/ratings.csv", 2, "quarter")]


def test_unreadable_files(tmp_path):
    (tmp_path / "x.xlsx").write_text("not a zip")
    assert "cannot be opened" in problems_of(tmp_path / "x.xlsx")[0].rule
    assert "not found" in problems_of(tmp_path / "nope.xlsx")[0].rule


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("G01", True),
        ("a.b-c_1", True),
        ("..", False),
        (".", False),
        ("CON", False),
        ("nul.txt", False),
        ("com1", False),
        ("../x", False),
        ("x" * 41, False),
        ("CONSOLE", True),
    ],
)
def test_safe_group_id(value, ok):
    assert safe_group_id(value) is ok


CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(
        ["2025-02-30", "2025-Q0", "G1", "E1", "resolved", "已办结", "=SUM(A1)", "../x", "CON", " ", "1e309"]
    ),
)


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data())
def test_any_cell_garbage_gives_problems_never_a_crash(data):
    sheets = minimal_sheets()
    for _ in range(data.draw(st.integers(1, 6))):
        name = data.draw(st.sampled_from(sorted(sheets)))
        rows = sheets[name]
        r = data.draw(st.integers(1, len(rows) - 1))
        c = data.draw(st.integers(0, len(rows[0]) - 1))
        rows[r] = list(rows[r])
        rows[r][c] = data.draw(CELL_VALUES)
    tables = {}
    for name in SHEETS:
        rows = sheets.get(name, [[c.name for c in SHEETS[name].columns]])
        frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
        frame = frame.astype(object).where(frame.notna(), None)
        for col in SHEETS[name].columns:
            if col.name not in frame.columns:
                frame[col.name] = None
        tables[name] = frame.assign(_row=range(2, len(frame) + 2))
    try:
        validated = validate_tables(RawTables("fuzz.xlsx", tables, [], {}))
    except InputError as exc:
        assert exc.problems and all(p.sheet in SHEETS and p.rule for p in exc.problems)
    else:
        assessed = assess.score(assess.Dataset(tables=validated), year=2025)
        assert len(assessed.scores) == len(validated["groups"])
