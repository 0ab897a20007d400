"""Intake of single cells: numbers, dates, quarters, IDs, and problems said in English and Chinese."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import assess
from assess.cli import main
from assess.intake._problems import InputError, Problem
from assess.intake._read import read_tables
from assess.intake._validate import check_tables
from workbooks import minimal_sheets, write_workbook


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        assess.load(path)
    return info.value.problems


def located(problems: list[Problem]) -> list[tuple]:
    return sorted((p.file, p.sheet, p.row, p.column, p.col_index) for p in problems)


def set_xml_value(path: Path, sheet_index: int, cell: str, value: str) -> None:
    """Replace the stored ``<v>`` of one cell, as a hand-made or foreign-tool workbook may hold it."""
    tmp = path.with_suffix(".tmp")
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                text, n = re.subn(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value}</v>", data.decode())
                assert n == 1, f"no numeric cell {cell} in {member}"
                data = text.encode()
            dst.writestr(item, data)
    tmp.replace(path)


# ---- 2. numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["inf", "Infinity", "nan", "-inf", "NaN", "+INF", "1e999"])
def test_non_finite_text_is_a_located_problem(tmp_path, text):
    sheets = minimal_sheets()
    sheets["ledger"][1][4] = text  # completeness, column E
    sheets["ratings"][1][4] = text  # score, column E
    probs = problems_of(write_workbook(tmp_path / "n.xlsx", sheets))
    assert located(probs) == [("n.xlsx", "ledger", 2, "completeness", 5), ("n.xlsx", "ratings", 2, "score", 5)]
    assert all(p.rule == "not a finite number (infinity or NaN)" and p.value == text and p.rule_zh for p in probs)


@pytest.mark.parametrize("stored", ["inf", "NaN", "-INF", "1e999"])
def test_non_finite_stored_numbers_are_located_problems(tmp_path, stored):
    path = write_workbook(tmp_path / "x.xlsx", minimal_sheets())
    set_xml_value(path, 6, "F2", stored)  # milestones.investment_planned, a numeric cell
    probs = problems_of(path)
    assert located(probs) == [("x.xlsx", "milestones", 2, "investment_planned", 6)]
    assert probs[0].rule.startswith("not a finite number") and probs[0].group_id == "G1"


def test_a_huge_numeric_cell_is_a_problem(tmp_path):
    sheets = minimal_sheets()
    sheets["milestones"][1][5] = 1e308
    path = write_workbook(tmp_path / "h.xlsx", sheets)
    set_xml_value(path, 6, "F2", "1E+999")
    set_xml_value(path, 6, "G2", "1" + "0" * 400)  # an integer beyond any float
    probs = problems_of(path)
    assert located(probs) == [
        ("h.xlsx", "milestones", 2, "investment_completed", 7),
        ("h.xlsx", "milestones", 2, "investment_planned", 6),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,000", 1000.0),
        ("12,345.6", 12345.6),
        ("1,234,567", 1234567.0),
        ("１２．５", 12.5),
        ("１，０００", 1000.0),
        (" 7 ", 7.0),
        ("+3", 3.0),
    ],
)
def test_accepted_number_forms(tmp_path, text, value):
    sheets = minimal_sheets()
    sheets["milestones"][1][5] = text
    assert assess.load(write_workbook(tmp_path / "ok.xlsx", sheets)).milestones.loc[0, "investment_planned"] == value


@pytest.mark.parametrize("text", ["0,5", "1,00", "12,34", "1,0000", ",5", "1.000,5", "1_000", "0x10", "5%"])
def test_a_comma_that_is_not_a_thousands_separator_is_never_a_number(tmp_path, text):
    sheets = minimal_sheets()
    sheets["milestones"][1][5] = text
    probs = problems_of(write_workbook(tmp_path / "c.xlsx", sheets))
    assert located(probs) == [("c.xlsx", "milestones", 2, "investment_planned", 6)]
    if "," in text:
        assert probs[0].rule.startswith("ambiguous comma") and "0.5" in probs[0].fix
    else:
        assert probs[0].rule == "not a number"


# ---- 2, 4. dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "２０２５－０３－０４",
        "２０２５年３月４日",
        "2025年3月4日",
        "２０２５/３/４",
        20250304,
        "20250304",
        "2025-03-04T00:00",
    ],
)
def test_accepted_date_forms(tmp_path, text):
    sheets = minimal_sheets()
    sheets["visits"][1][2] = text
    assert assess.load(write_workbook(tmp_path / "d.xlsx", sheets)).visits.loc[0, "date"] == pd.Timestamp("2025-03-04")


@pytest.mark.parametrize(
    "value",
    [
        "3025-03-04",
        "9999-12-31",
        "0001-01-01",
        "1800-01-01",
        "10000-01-01",
        dt.datetime(3025, 3, 4),
        dt.datetime(9999, 12, 31),
        dt.datetime(1, 1, 1),
        dt.date(2262, 4, 12),
        3_000_000,
        10**7,
    ],
)
def test_dates_outside_the_accepted_years_are_located_problems(tmp_path, value):
    sheets = minimal_sheets()
    sheets["problems"][1][7] = value  # resolved_on, column H
    probs = problems_of(write_workbook(tmp_path / "far.xlsx", sheets))
    assert located(probs) == [("far.xlsx", "problems", 2, "resolved_on", 8)]
    assert "outside the years 1900–2099" in probs[0].rule and "1900—2099" in probs[0].rule_zh


def test_a_date_cell_with_a_serial_beyond_excel_is_a_located_problem(tmp_path):
    path = write_workbook(
        tmp_path / "s.xlsx",
        {**minimal_sheets(), "visits": [["group_id", "recipient_id", "date"], ["G1", "E1", dt.datetime(2025, 2, 1)]]},
    )
    set_xml_value(path, 4, "C2", "99999999")  # date-formatted cell, serial past 9999-12-31
    probs = problems_of(path)
    assert located(probs) == [("s.xlsx", "visits", 2, "date", 3)] and "outside the years" in probs[0].rule


@pytest.mark.parametrize(
    ("text", "zone", "day"),
    [
        ("2025-03-04T08:00:00Z", None, "2025-03-04"),
        ("2025-03-04T20:00:00Z", None, "2025-03-05"),  # 04:00 the next morning in Beijing
        ("2025-03-04T23:30:00+00:00", None, "2025-03-05"),
        ("2025-03-04T23:30:00+08:00", None, "2025-03-04"),
        ("2025-03-05T01:00:00+08:00", "UTC", "2025-03-04"),
        ("2025-03-04T20:00:00Z", "UTC", "2025-03-04"),
        ("2025-03-04T20:00:00", None, "2025-03-04"),  # no zone: already local
    ],
)
def test_time_zoned_strings_become_the_offices_local_date(tmp_path, text, zone, day):
    sheets = minimal_sheets()
    sheets["visits"][1][2] = text
    raw = read_tables(write_workbook(tmp_path / "tz.xlsx", sheets))
    scheme = assess.default_scheme() if zone is None else SimpleNamespace(rating_scale=(1, 5), timezone=zone)
    tables, _ = check_tables(raw, scheme)
    assert tables["visits"].loc[0, "date"] == pd.Timestamp(day)


# ---- 9. quarters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("2025年一季度", "2025-Q1"),
        ("2025年第一季度", "2025-Q1"),
        ("2025年第3季度", "2025-Q3"),
        ("Q1 2025", "2025-Q1"),
        ("2025 Q2", "2025-Q2"),
        ("2025Q4", "2025-Q4"),
        ("2025-q1", "2025-Q1"),
        ("２０２５年第四季度", "2025-Q4"),
        ("2025第二季度", "2025-Q2"),
        ("Ｑ３ ２０２５", "2025-Q3"),
    ],
)
def test_accepted_quarter_forms(tmp_path, text, quarter):
    sheets = minimal_sheets()
    sheets["ratings"][1][0] = text
    assert assess.load(write_workbook(tmp_path / "q.xlsx", sheets)).ratings.loc[0, "quarter"] == quarter


def test_quarters_without_a_year_take_the_year_of_the_other_quarters(tmp_path):
    sheets = minimal_sheets()
    sheets["ratings"] += [
        ["一季度", "E1", "G1", "效率", 4, None],
        ["第二季度", "E1", "G1", "效率", 4, None],
        ["Q3", "E1", "G1", "效率", 3, None],
    ]
    ds = assess.load(write_workbook(tmp_path / "q.xlsx", sheets))
    assert ds.ratings["quarter"].tolist() == ["2025-Q1", "2025-Q1", "2025-Q2", "2025-Q3"]
    [w] = ds.warnings
    assert (w.sheet, w.row, w.column, w.severity) == (
        "ratings",
        3,
        "quarter",
        "warning",
    ) and "3 quarter(s) have no year" in w.rule


def test_quarters_without_a_year_fall_back_on_the_ledger_months(tmp_path):
    sheets = minimal_sheets()
    sheets["ratings"][1][0] = "第一季度"
    ds = assess.load(write_workbook(tmp_path / "q.xlsx", sheets))
    assert ds.ratings["quarter"].tolist() == ["2025-Q1"] and "months of the ledger" in ds.warnings[0].rule


def test_quarters_without_a_year_in_a_workbook_of_two_years_are_problems(tmp_path):
    sheets = minimal_sheets()
    sheets["ratings"] += [["2024-Q4", "E1", "G1", "效率", 4, None], ["一季度", "E1", "G1", "效率", 4, None]]
    probs = problems_of(write_workbook(tmp_path / "q.xlsx", sheets))
    assert located(probs) == [("q.xlsx", "ratings", 4, "quarter", 1)]
    assert "they span 2024, 2025" in probs[0].rule and probs[0].value == "一季度" and "年份" in probs[0].rule_zh


# ---- 3. case-only duplicate IDs --------------------------------------------------------------


def test_ids_that_differ_only_in_case_are_located_problems(tmp_path, capsys):
    sheets = minimal_sheets()
    sheets["groups"].append(["g1", "小写组", None])
    sheets["recipients"].append(["e1", "某企业", "enterprise", "G2"])
    sheets["problems"].append(["q1", "G2", None, "2025-03-01", "common", "2025-04-01", "open", None])
    path = write_workbook(tmp_path / "case.xlsx", sheets)
    probs = problems_of(path)
    assert located(probs) == [
        ("case.xlsx", "groups", 2, "group_id", 1), ("case.xlsx", "groups", 4, "group_id", 1),
        ("case.xlsx", "problems", 2, "problem_id", 1), ("case.xlsx", "problems", 3, "problem_id", 1),
        ("case.xlsx", "recipients", 2, "recipient_id", 1), ("case.xlsx", "recipients", 5, "recipient_id", 1),
    ]  # fmt: skip
    first = next(p for p in probs if p.sheet == "groups" and p.row == 2)
    assert (
        first.value == "G1"
        and "'g1' (row 4)" in first.rule
        and "Windows and macOS" in first.rule
        and "大小写" in first.rule_zh
    )
    out = tmp_path / "out"
    assert main(["score", str(path), "--year", "2025", "--out", str(out)]) == 2 and not out.exists()
    assert "differs only in letter case" in capsys.readouterr().err


# ---- 10. Chinese problems with the workbook's own names ----------------------------------------


def chinese_workbook(path: Path) -> Path:
    sheets = minimal_sheets()
    del sheets["problems"]
    sheets["问题台账"] = [["问题编号", "工作组编号", "提出日期", "办结时限", "办理状态", "办结日期"]]
    sheets["问题台账"] += [[f"Q{i}", "G1", "2025-03-01", "2025-04-01", "未办结", None] for i in range(1, 6)]
    sheets["问题台账"].append(["Q6", "G2", "2025-03-01", "2025-04-01", "已办结", "2025-13-01"])  # row 7
    return write_workbook(path, sheets)


def test_problems_name_the_sheet_and_column_as_the_office_wrote_them(tmp_path):
    [p] = problems_of(chinese_workbook(tmp_path / "data.xlsx"))
    assert (p.sheet, p.row, p.column) == ("problems", 7, "resolved_on")
    assert (p.sheet_label, p.column_label, p.col_index, p.group_id, p.severity) == (
        "问题台账",
        "办结日期",
        6,
        "G2",
        "error",
    )
    assert p.text("zh") == (
        "data.xlsx：问题台账 第7行 办结日期：'2025-13-01'：不是有效日期 —— 改正：填写日期，如 2025-03-31 或 2025年3月31日（也可用 Excel 日期单元格）"
    )
    assert (
        p.text("en")
        == str(p)
        == (
            "data.xlsx: problems, row 7, column resolved_on: '2025-13-01': not a date — fix: write a date such as 2025-03-31 (or use an Excel date cell)"
        )
    )


def test_validate_lang_zh_prints_the_workbooks_names(tmp_path, capsys):
    path = chinese_workbook(tmp_path / "data.xlsx")
    with pytest.raises(InputError) as info:
        assess.load(path)
    text = info.value.text("zh")
    assert text.startswith("输入数据有 1 个问题：") and "问题台账 第7行 办结日期" in text
    assert info.value.text("en") == str(info.value)
    assert main(["validate", str(path)]) == 2
    assert "problems, row 7, column resolved_on" in capsys.readouterr().err


def test_every_problem_and_warning_of_intake_speaks_chinese_and_is_located(tmp_path):
    sheets = minimal_sheets()
    sheets["groups"] += [["G1", "重复", None], ["../../etc/x", "坏", None], ["CON", "坏", None], ["g2", "小写", None]]
    sheets["groups"][0].append("备用")  # an unknown header
    sheets["recipients"] += [["E3", "某公司", "factory", "G9"]]
    sheets["ledger"] += [["G1", "2025-13", "2025-02-25", "soon", 1.5], ["G1", "2025-02", "3025-02-25", None, "0,5"]]
    sheets["visits"] += [["G1", "E2", "2025-02-01", None, None], ["G1", "E404", "2025-02-01", "_x001B_", None]]
    sheets["problems"] += [
        ["Q2", "G1", None, "2025-03-01", "low", "2025-04-01", "resolved", None],
        ["Q4", "G1", None, "2025-03-01", "common", "2025-04-01", "resolved", "2025-02-01"],
        ["Q1", "G2", None, "2025-03-01", "common", "2025-04-01", "open", None],
    ]
    sheets["milestones"] += [["P1", "G1", "x", "2025-05-01", None, -5, "inf"]]
    sheets["ratings"] += [
        ["2025-Q2", "E2", "G1", "效率", 4, None],
        ["2025-Q2", "E1", "G1", "效率", 6, None],
        ["2025-Q9", "E1", "G1", None, None, None],
    ]
    sheets["adjustments"] += [["G1", "2025-06-01", "deduction", None, "迟报"]]
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    with pytest.raises(InputError) as info:
        assess.load(path)
    problems, warnings = info.value.problems, info.value.warnings
    assert len(problems) > 20 and len(warnings) == 2
    for p in problems + warnings:
        assert p.rule_zh and p.fix_zh and p.sheet_label == p.sheet, p
        assert p.col_index is not None and p.column is not None, p
        assert p.group_id or p.sheet == "groups" and p.row == 1 or p.sheet == "groups" and p.column == "group_id", p
        assert "：" in p.text("zh") and p.text("zh") != p.text("en")
    assert {p.severity for p in problems} == {"error"} and {w.severity for w in warnings} == {"warning"}


@pytest.mark.parametrize(("stored", "day"), [("2025-03-04T00:00:00", "2025-03-04"), ("garbage", None)])
def test_iso_date_cells_are_read_or_located(tmp_path, stored, day):
    path = write_workbook(tmp_path / "d.xlsx", minimal_sheets())
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet4.xml":  # visits.date as an ISO date cell (t="d")
                data = re.sub(r'<c r="C2"[^>]*>.*?</c>', f'<c r="C2" t="d"><v>{stored}</v></c>', data.decode()).encode()
            dst.writestr(item, data)
    tmp.replace(path)
    if day is None:
        assert located(problems_of(path)) == [("d.xlsx", "visits", 2, "date", 3)]
    else:
        assert assess.load(path).visits.loc[0, "date"] == pd.Timestamp(day)
