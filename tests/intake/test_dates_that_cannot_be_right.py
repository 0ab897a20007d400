"""Dates that read as dates but cannot be right: outside the plausible window, or in an impossible order.

The workbooks are built as an office's spreadsheet saves them: real date cells (``datetime``
with a date format), and bare numbers typed into date-formatted cells, which every reader
takes for a day of 1900.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import assess
from assess.cli import main
from assess.common._errors import SchemeError
from assess.intake._plausible import check_plausible
from assess.intake._problems import InputError, Problem
from assess.intake._read import read_tables
from assess.intake._scheme import DEFAULT_SCHEME_TEXT, load_scheme, parse_scheme
from assess.intake._validate import check_tables
from hypothesis_profiles import examples
from workbooks import minimal_sheets

DATE = "yyyy-mm-dd"


def office_workbook(path: Path, edits: dict[str, dict[tuple[int, int], object]] | None = None) -> Path:
    """The minimal workbook with real date cells, then ``edits`` ({sheet: {(row, col): value}}, 1-based)
    typed into cells that keep their date format, as Excel keeps a cell's format when a number is typed."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in minimal_sheets().items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(r, c)
                if r > 1 and isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit():
                    cell.value = dt.datetime.fromisoformat(value)
                    cell.number_format = DATE
                else:
                    cell.value = value
        for (r, c), value in (edits or {}).get(name, {}).items():
            cell = ws.cell(r, c)
            cell.value = value
            if not isinstance(value, str):
                cell.number_format = DATE
    book.save(path)
    return path


def refused(path: Path, **options) -> list[Problem]:
    with pytest.raises(InputError) as info:
        assess.load(path, **options)
    return info.value.problems


def where(p: Problem) -> tuple:
    return (p.file, p.sheet, p.row, p.column, p.col_index, p.value, p.severity)


# ---- the plausible window ------------------------------------------------------------------------


def test_a_number_typed_into_a_veto_date_is_a_located_error_not_a_dropped_veto(tmp_path):
    # G2's veto dated "4.4" (April 4th) becomes 1900-01-04: outside 2025, so scoring would drop it.
    sheets_edit = {"adjustments": {(3, 1): "G2", (3, 2): 4.4, (3, 3): "veto", (3, 5): "谎报数据"}}
    path = office_workbook(tmp_path / "veto.xlsx", sheets_edit)
    assert openpyxl.load_workbook(path)["adjustments"]["B3"].value.date() == dt.date(
        1900, 1, 4
    )  # what every reader sees
    (p,) = refused(path)
    assert where(p) == ("veto.xlsx", "adjustments", 3, "date", 2, "1900-01-04", "error")
    assert "the bare number 4.4 in a date cell" in p.rule and "(2024-01-01 to 2026-12-31)" in p.rule
    assert "2025-03-31" in p.fix
    assert "日期单元格中只填了数字 4.4" in p.rule_zh and "2024-01-01 至 2026-12-31" in p.rule_zh and p.fix_zh
    assert p.group_id == "G2"


def test_a_year_typed_alone_into_a_completion_date_is_a_located_error(tmp_path):
    path = office_workbook(tmp_path / "m.xlsx", {"milestones": {(2, 5): 2025}})  # completed_on: "2025"
    (p,) = refused(path)
    assert where(p) == ("m.xlsx", "milestones", 2, "completed_on", 5, "1905-07-17", "error")
    assert "the bare number 2025" in p.rule


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "column", "shown"),
    [
        ("ledger", (2, 4), dt.datetime(2052, 1, 20), "submitted_on", "2052-01-20"),  # a typo of the year
        ("visits", (2, 3), dt.datetime(2023, 12, 31), "date", "2023-12-31"),  # one day before the window
        ("problems", (2, 8), dt.datetime(2027, 1, 1), "resolved_on", "2027-01-01"),  # one day after it
        ("ledger", (2, 2), "2052-01", "month", "2052-01"),
        ("ratings", (2, 1), "2030-Q1", "quarter", "2030-Q1"),
    ],
)
def test_a_date_month_or_quarter_outside_the_window_is_a_located_error(tmp_path, sheet, cell, value, column, shown):
    path = office_workbook(tmp_path / "w.xlsx", {sheet: {cell: value}})
    problems = refused(path)
    assert [where(p) for p in problems] == [("w.xlsx", sheet, cell[0], column, cell[1], shown, "error")]
    kind = {"month": ("month", "月份"), "quarter": ("quarter", "季度")}.get(column, ("date", "日期"))
    assert problems[0].rule.startswith(f"the {kind[0]} is outside the plausible window for the 2025 assessment")
    assert problems[0].rule_zh.startswith(f"{kind[1]}不在 2025 年度考核的合理范围内")


def test_the_window_edges_are_inside(tmp_path):
    edits = {"visits": {(2, 3): dt.datetime(2024, 1, 1)}, "problems": {(2, 8): dt.datetime(2026, 12, 31)}}
    ds = assess.load(office_workbook(tmp_path / "edge.xlsx", edits))
    assert ds.visits.loc[0, "date"] == pd.Timestamp("2024-01-01")
    assert ds.problems.loc[0, "resolved_on"] == pd.Timestamp("2026-12-31")


def _scheme(tmp_path: Path, extra: dict) -> object:
    data = yaml.safe_load(DEFAULT_SCHEME_TEXT) | extra
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_scheme(path)


def test_the_window_follows_the_year_as_of_and_the_scheme(tmp_path):
    path = office_workbook(tmp_path / "old.xlsx", {"visits": {(2, 3): dt.datetime(2022, 6, 1)}})
    assert "(2024-01-01 to 2026-12-31)" in refused(path)[0].rule
    # an office that carries older rows says so in its scheme, by years or by a date
    assert len(assess.load(path, _scheme(tmp_path, {"dates": {"years_before": 3}})).visits) == 1
    assert len(assess.load(path, _scheme(tmp_path, {"dates": {"earliest": "2022-01-01"}})).visits) == 1
    # the latest day is as_of plus one year: from the scheme, or given by the caller
    late = office_workbook(tmp_path / "late.xlsx", {"problems": {(2, 8): dt.datetime(2026, 9, 1)}})
    assert len(assess.load(late).problems) == 1
    assert "(2024-01-01 to 2026-06-30)" in refused(late, as_of="2025-06-30")[0].rule
    assert "(2024-01-01 to 2026-06-30)" in refused(late, scheme=_scheme(tmp_path, {"as_of": "2025-06-30"}))[0].rule
    assert len(assess.load(late, _scheme(tmp_path, {"dates": {"latest": "2030-12-31"}})).problems) == 1
    # a year given that no dated row falls in places no window: the run refuses that year in one line
    assert len(assess.load(path, year=2026).visits) == 1


@pytest.mark.parametrize(
    ("dates", "complaint"),
    [
        ({"earliest": "2020-01-01", "years_before": 2}, "give either earliest or years_before, not both"),
        ({"latest": "2030-01-01", "years_after": 2}, "give either latest or years_after, not both"),
        ({"earliest": "2026-01-01", "latest": "2025-01-01"}, "earliest 2026-01-01 must come before latest 2025-01-01"),
        ({"years_before": -1}, "dates.years_before: -1 is invalid"),
        ({"years_after": 1.5}, "dates.years_after: 1.5 is invalid"),
        ({"earliest": 20200101}, "dates.earliest: 20200101 is not a date"),
        ({"earliest": "someday"}, "dates.earliest"),
        ({"first": "2020-01-01"}, "dates.first: is not a known setting"),
    ],
)
def test_a_bad_date_window_in_the_scheme_is_refused_with_its_key(dates, complaint):
    with pytest.raises(SchemeError) as info:
        parse_scheme(yaml.safe_load(DEFAULT_SCHEME_TEXT) | {"dates": dates})
    assert complaint in str(info.value)


def test_the_default_scheme_is_unchanged_by_the_window():
    scheme = assess.intake._scheme.default_scheme()
    assert scheme.dates is None and scheme.goalpost_factor is None and "dates" not in scheme.text
    assert scheme.date_bounds(2025) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert scheme.date_bounds(2024, dt.date(2024, 2, 29)) == (dt.date(2023, 1, 1), dt.date(2025, 2, 28))


# ---- impossible orders -----------------------------------------------------------------------------


def test_impossible_orders_are_located_errors(tmp_path):
    edits = {
        "ledger": {(3, 1): "G1", (3, 2): "2025-03", (3, 3): dt.datetime(2025, 3, 25), (3, 4): dt.datetime(2025, 2, 20)},
        "problems": {(2, 6): dt.datetime(2025, 2, 1)},  # deadline before raised_on 2025-03-01
    }
    path = office_workbook(tmp_path / "order.xlsx", edits)
    wb = openpyxl.load_workbook(path)
    wb["ledger"].append(["G2", "2025-04", dt.datetime(2025, 3, 25), None, None])  # due before its month
    wb.save(path)
    problems = refused(path)
    assert [where(p) for p in problems] == [
        ("order.xlsx", "ledger", 3, "submitted_on", 4, "submitted_on=2025-02-20 / month=2025-03", "error"),
        ("order.xlsx", "ledger", 4, "due_date", 3, "due_date=2025-03-25 / month=2025-04", "error"),
        ("order.xlsx", "problems", 2, "deadline", 6, "deadline=2025-02-01 / raised_on=2025-03-01", "error"),
    ]
    assert problems[0].rule == "the ledger was submitted before its month (2025-03) began"
    assert problems[0].rule_zh == "台账报送日期早于所报月份（2025-03）的第一天"
    assert problems[1].rule == "the due date is before its month (2025-04) began"
    assert problems[2].rule == "the deadline is before the day the problem was raised"
    assert problems[2].rule_zh == "办结时限早于问题提出日期"
    assert [p.group_id for p in problems] == ["G1", "G2", "G1"]


def test_a_date_outside_the_window_is_not_reported_again_by_an_order(tmp_path):
    # resolved_on typed as "3.20" (20 March) reads 1900-01-03: before raised_on too, but said once, as the number it is
    path = office_workbook(tmp_path / "once.xlsx", {"problems": {(2, 8): 3.20}})
    (p,) = refused(path)
    assert (p.column, p.value) == ("resolved_on", "1900-01-03") and "the bare number 3.2 in a date cell" in p.rule


def test_validate_and_score_exit_2_naming_every_cell_and_write_nothing(tmp_path, capsys):
    edits = {
        "adjustments": {(3, 1): "G2", (3, 2): 4.4, (3, 3): "veto", (3, 5): "谎报数据"},
        "problems": {(2, 6): dt.datetime(2025, 2, 1)},
    }
    path = office_workbook(tmp_path / "bad.xlsx", edits)
    assert main(["validate", str(path), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "输入数据中有 2 个问题：" in err  # the console speaks --lang
    assert "bad.xlsx：adjustments 第3行 date：'1900-01-04'：读作 1900-01-04" in err
    assert "bad.xlsx：problems 第2行 deadline" in err and "办结时限早于问题提出日期" in err
    out = tmp_path / "out"
    assert main(["score", str(path), "--year", "2025", "--out", str(out)]) == 2
    assert "problems, row 2, column deadline" in capsys.readouterr().err and not out.exists()


def test_a_year_no_row_falls_in_is_refused_once_not_per_date(tmp_path, capsys):
    path = office_workbook(tmp_path / "ok.xlsx")
    assert main(["score", str(path), "--year", "2030", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--year 2030 matches none" in err and "plausible window" not in err


# ---- what the office may mean: warnings, and the run goes on ----------------------------------------


def test_what_the_office_may_mean_is_warned_on_the_console_in_validation_txt_and_scored_as_written(tmp_path, capsys):
    edits = {
        "ledger": {(2, 3): dt.datetime(2025, 6, 25), (2, 4): dt.datetime(2025, 5, 20)},  # January due in June
        "milestones": {(2, 5): dt.datetime(2024, 3, 1)},  # planned 2025-05-31, reached 15 months early
    }
    path = office_workbook(tmp_path / "meant.xlsx", edits)
    ds = assess.load(path)
    assert [where(w) for w in ds.warnings] == [
        ("meant.xlsx", "ledger", 2, "due_date", 3, "due_date=2025-06-25 / month=2025-01", "warning"),
        (
            "meant.xlsx",
            "milestones",
            2,
            "completed_on",
            5,
            "completed_on=2024-03-01 / planned_date=2025-05-31",
            "warning",
        ),
    ]
    assert "more than three months after its month (2025-01) ended" in ds.warnings[0].rule
    assert "实际完成日期比计划日期早一年以上" in ds.warnings[1].rule_zh

    assert main(["validate", str(path)]) == 0
    assert "warning: meant.xlsx: ledger, row 2, column due_date: 'due_date=2025-06-25 / month=2025-01': the due" in (
        capsys.readouterr().out
    )

    out = tmp_path / "out"
    assert main(["score", str(path), "--year", "2025", "--out", str(out), "--lang", "zh"]) == 0
    assert "提醒：meant.xlsx：milestones 第2行 completed_on：" in capsys.readouterr().err
    text = (out / "validation.txt").read_text(encoding="utf-8")
    # the two dates are warnings; the rest of the count is pre-flight (sparse groups will not be graded)
    assert re.match(r"meant\.xlsx（2025 年度考核）校验结果：无错误，提示 \d+ 条；本次运行照常进行。\n", text)
    assert "  - meant.xlsx：ledger 第2行 due_date：'due_date=2025-06-25 / month=2025-01'：报送截止日期" in text
    # scored as written: January's ledger on time (1 of 12 months), the one milestone on time
    raw = pd.read_excel(out / "scores.xlsx", sheet_name="indicators", engine="openpyxl").set_index(
        ["group_id", "indicator"]
    )["raw"]
    assert raw[("G1", "ledger_on_time")] == pytest.approx(1 / 12)
    assert raw[("G1", "milestone_on_time")] == 1.0


def test_a_clean_run_says_so_in_validation_txt(tmp_path):
    from assess.scoring._preflight import preflight  # noqa: PLC0415

    out, path = tmp_path / "out", office_workbook(tmp_path / "ok.xlsx")
    assert main(["score", str(path), "--year", "2025", "--out", str(out)]) == 0
    text = (out / "validation.txt").read_text(encoding="utf-8")
    # no intake warning: all it lists is pre-flight (the small workbook's sparse months and groups)
    dataset = assess.load(path, year=2025)
    expected = len(preflight(dataset, year=2025))
    assert dataset.warnings == [] and expected > 0
    assert text.startswith(f"Validation of ok.xlsx for the 2025 assessment: no errors, {expected} warning(s).")


def test_the_sample_year_passes_without_a_warning(tmp_path):
    path = assess.batch._pipeline.write_sample(tmp_path / "sample.xlsx", year=2024, groups=12, seed=3)
    assert assess.load(path).warnings == [] and assess.load(path, year=2024).warnings == []


def test_a_cell_the_reader_already_named_is_not_named_again(tmp_path):
    # e.g. the reader's own finding that a bare number sits in a cell without a date format
    path = office_workbook(tmp_path / "twice.xlsx", {"visits": {(2, 3): 4.4}})
    raw = read_tables(path)
    said = Problem("twice.xlsx", "visits", 2, "date", 4.4, "a bare number in a date column", "type the whole date")
    with pytest.raises(InputError) as info:
        check_tables(dataclasses.replace(raw, problems=[said]))
    assert [(p.sheet, p.row, p.column, p.rule) for p in info.value.problems] == [
        ("visits", 2, "date", "a bare number in a date column")
    ]


def test_a_month_typed_as_a_bare_number_into_a_date_cell_is_named_as_such(tmp_path):
    path = office_workbook(tmp_path / "month.xlsx", {"ledger": {(2, 2): 3}})  # "3" for March, in a date cell
    (p,) = refused(path)
    assert (p.sheet, p.row, p.column, p.value) == ("ledger", 2, "month", "1900-01")
    assert "the bare number 3 in a date cell" in p.rule


@settings(max_examples=examples(60), deadline=None)
@given(
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    year=st.integers(2000, 2090),
    before=st.integers(0, 5),
    after=st.integers(0, 5),
    as_of=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2000, 12, 31)),
)
def test_a_date_is_refused_exactly_when_it_lies_outside_the_window(day, year, before, after, as_of):
    as_of = as_of.replace(year=year) if not (as_of.month == 2 and as_of.day == 29) else dt.date(year, 2, 28)
    scheme = parse_scheme(
        yaml.safe_load(DEFAULT_SCHEME_TEXT) | {"dates": {"years_before": before, "years_after": after}}
    )
    visits = pd.DataFrame(
        {"group_id": ["G1", "G1"], "recipient_id": ["E1", "E1"], "date": pd.to_datetime([dt.date(year, 1, 1), day])}
    ).assign(_row=[2, 3])
    errors, warnings = check_plausible({"visits": visits}, lambda sheet: "x.xlsx", scheme, year, as_of)
    # the window by hand: 1 January `before` years back, to as_of `after` years on (29 February → 28th)
    earliest = dt.date(year - before, 1, 1)
    try:
        latest = as_of.replace(year=year + after)
    except ValueError:
        latest = dt.date(year + after, 2, 28)
    assert [p.row for p in errors] == ([] if earliest <= day <= latest else [3]) and warnings == []
