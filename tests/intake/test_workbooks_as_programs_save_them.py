"""Workbooks as offices and programs really save them: date systems and formats, formulas never
calculated, merged data cells, a header pasted twice, a number typed for a date — and the
calamine reader agreeing, frame for frame and problem for problem, with the cell-by-cell one."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import assess
from assess.intake import _read as intake
from assess.intake._problems import InputError, Problem
from workbooks import edit_member, minimal_sheets, set_cached_value, write_workbook, write_xlsxwriter

CJK_IDS = [*range(27, 37), *range(50, 59)]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        assess.load(path)
    return info.value.problems


def stored_value(path: Path, sheet_index: int, cell: str) -> str:
    """The ``<v>`` text of one cell as the file stores it (read independently of any reader)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    m = re.search(rf'<c r="{cell}"[^>]*>(?:<f>[^<]*</f>)?<v>([^<]*)</v>', xml)
    assert m, cell
    return m.group(1)


# ---- 1904 date system and every date format ------------------------------------------------


@pytest.mark.parametrize("date_1904", [False, True])
def test_every_built_in_and_cjk_date_format_reads_the_date_written_in_either_date_system(tmp_path, date_1904):
    sheets = minimal_sheets()
    ids = [14, 15, 16, 17, 22, *CJK_IDS, 'yyyy"年"m"月"d"日"', "[$-804]yyyy年m月d日", "dd/mm/yyyy"]
    days = [dt.datetime(2025, 1, 1) + dt.timedelta(days=9 * i) for i in range(len(ids))]
    sheets["visits"] = [
        sheets["visits"][0],
        *[["G1", "E1", day, "实地走访", f"format {f}"] for day, f in zip(days, ids, strict=True)],
    ]
    formats = {("visits", r, 2): f for r, f in enumerate(ids, 1)}
    path = write_xlsxwriter(tmp_path / "d.xlsx", sheets, formats, date_1904=date_1904)
    # the file holds serials of its own date system: 1,462 days apart (checked on the XML itself)
    epoch = dt.datetime(1904, 1, 1) if date_1904 else dt.datetime(1899, 12, 30)
    assert float(stored_value(path, 4, "C2")) == (days[0] - epoch).days
    ds = assess.load(path)
    assert ds.visits["date"].tolist() == [pd.Timestamp(d) for d in days]
    assert intake.CJK_DATE_FORMATS == frozenset(CJK_IDS)


def test_the_cell_by_cell_reader_knows_the_cjk_date_formats_too(tmp_path, monkeypatch):
    sheets = minimal_sheets()
    sheets["visits"][1][2] = dt.datetime(2025, 2, 1)
    path = write_xlsxwriter(tmp_path / "d.xlsx", sheets, {("visits", 1, 2): 31}, date_1904=True)
    monkeypatch.setattr(intake, "_read_sheet_fast", lambda *args: None)
    assert assess.load(path).visits.loc[0, "date"] == pd.Timestamp("2025-02-01")


def test_a_month_column_stored_as_dates_in_format_57_is_read_as_months(tmp_path):
    sheets = minimal_sheets()
    sheets["ledger"] += [["G1", dt.datetime(2025, 10, 1), "2025-10-25", "2025-10-20", 1]]
    sheets["ledger"][1][1] = dt.datetime(2025, 1, 1)
    formats = {("ledger", 1, 1): 57, ("ledger", 2, 1): 57}
    path = write_xlsxwriter(tmp_path / "m.xlsx", sheets, formats)
    assert stored_value(path, 3, "B3") == "45931"  # the serial the office's "45931: not a month" named
    assert assess.load(path).ledger["month"].tolist() == ["2025-01", "2025-10"]


# ---- formulas a spreadsheet never calculated ------------------------------------------------


def test_xlsxwriter_formula_placeholders_are_refused_naming_each_row(tmp_path):
    sheets = minimal_sheets()
    sheets["ledger"] += [["G2", "2025-01", "2025-01-25", "2025-01-21", "=0.5+0.4"]]
    sheets["ledger"][1][4] = "=0.5+0.4"
    path = write_xlsxwriter(tmp_path / "f.xlsx", sheets)
    assert stored_value(path, 3, "E2") == "0"  # what XlsxWriter stores: a placeholder, never calculated
    with zipfile.ZipFile(path) as z:
        assert 'fullCalcOnLoad="1"' in z.read("xl/workbook.xml").decode()
    probs = problems_of(path)
    assert [(p.sheet, p.row, p.column, p.col_index) for p in probs] == [
        ("ledger", 2, "completeness", 5),
        ("ledger", 3, "completeness", 5),
    ]
    assert "never calculated" in probs[0].rule and "Excel / WPS" in probs[0].fix and probs[0].rule_zh


def test_a_formula_value_a_spreadsheet_saved_is_read_even_when_zero(tmp_path):
    sheets = minimal_sheets()
    sheets["ledger"][1][4] = "=0.5-0.5"
    path = write_workbook(tmp_path / "f.xlsx", sheets)
    set_cached_value(path, 3, "E2", "0")  # openpyxl asks for fullCalcOnLoad: 0 is a placeholder
    assert "never calculated" in problems_of(path)[0].rule
    # as Excel saves it: a calculation id, no request to recalculate; 0 is then the value
    edit_member(path, "xl/workbook.xml", lambda t: re.sub(r"<calcPr[^>]*/>", '<calcPr calcId="191029"/>', t))
    assert assess.load(path).ledger.loc[0, "completeness"] == 0
    # no calculation settings at all: no spreadsheet ever calculated it
    edit_member(path, "xl/workbook.xml", lambda t: re.sub(r"<calcPr[^>]*/>", "", t))
    assert [(p.row, p.column) for p in problems_of(path)] == [(2, "completeness")]


# ---- merged data cells ---------------------------------------------------------------------


def test_a_submission_date_merged_over_two_months_is_a_located_error(tmp_path):
    sheets = minimal_sheets()
    sheets["ledger"] += [["G1", "2025-02", "2025-02-25", None, 0.8]]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book["ledger"].merge_cells("D2:D3")  # submitted_on, January and February
    path = tmp_path / "merged.xlsx"
    book.save(path)
    probs = problems_of(path)
    assert [(p.sheet, p.row, p.column, p.col_index) for p in probs] == [("ledger", 3, "submitted_on", 4)]
    assert "D2:D3" in probs[0].rule and "D2" in probs[0].rule_zh and "unmerge" in probs[0].fix.lower()


# ---- a header row pasted again ---------------------------------------------------------------


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_header_row_repeated_mid_table_is_a_located_error_and_no_record(tmp_path, form):
    sheets = minimal_sheets()
    sheets["groups"] += [["group_id", "name", "leader"], ["G3", "第三工作组", "王芳"]]
    if form == "xlsx":
        data = write_workbook(tmp_path / "h.xlsx", sheets)
        file = "h.xlsx"
    else:
        data = tmp_path / "csv"
        data.mkdir()
        for name, rows in sheets.items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_csv(data / f"{name}.csv", index=False)
        file = "csv/groups.csv"
    with pytest.raises(InputError) as info:
        assess.load(data)
    probs = info.value.problems
    assert [(p.file, p.sheet, p.row) for p in probs] == [(file, "groups", 4)]
    assert "repeats the header" in probs[0].rule and "表头" in probs[0].rule_zh
    raw = intake.read_tables(data)
    assert raw.tables["groups"]["group_id"].tolist() == ["G1", "G2", "G3"]  # never a group called group_id


# ---- a number typed into a date cell ------------------------------------------------------------


@pytest.mark.parametrize(("typed", "day"), [(4.4, "1900-01-04"), (3.15, "1900-01-03"), (2025, "1905-07-17")])
def test_a_bare_number_in_a_date_cell_is_a_located_error_not_an_excel_day(tmp_path, typed, day):
    sheets = minimal_sheets()
    sheets["adjustments"] += [["G1", typed, "veto", None, "安全生产事故"]]
    path = write_workbook(tmp_path / "n.xlsx", sheets)
    probs = problems_of(path)
    assert [(p.sheet, p.row, p.column, p.col_index, p.value) for p in probs] == [("adjustments", 3, "date", 2, typed)]
    assert probs[0].rule.startswith(f"{typed:g} is a number, not a date") and day in probs[0].rule
    assert "2025-04-04" in probs[0].fix and "不是日期" in probs[0].rule_zh


def test_a_date_formatted_small_serial_is_still_a_date(tmp_path):
    sheets = minimal_sheets()
    sheets["visits"][1][2] = dt.datetime(2025, 2, 1)
    path = write_workbook(tmp_path / "s.xlsx", sheets)
    assert assess.load(path).visits.loc[0, "date"] == pd.Timestamp("2025-02-01")


# ---- the calamine reader and the cell-by-cell reader agree --------------------------------------


def _comparable(frame: pd.DataFrame) -> list[list[object]]:
    def cell(v: object) -> object:
        if isinstance(v, dt.datetime | dt.date):
            return pd.Timestamp(v)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
        return v

    return [[cell(v) for v in row] for row in frame.itertuples(index=False)]


def _corpus(tmp_path: Path) -> list[Path]:
    """Test workbooks of every kind the intake tests build, written by openpyxl and by XlsxWriter."""
    out = [Path(__file__).parents[2] / "data" / "sample-2025.xlsx"]
    base = minimal_sheets()
    out.append(write_workbook(tmp_path / "minimal.xlsx", base))
    odd = minimal_sheets()
    odd["groups"][1][1] = "第一_x0007_工作组"
    odd["groups"].append([101, "数字组", None])
    odd["visits"] += [["G1", "E1", 45717, None, None], ["G1", "E1", 20250304, "x", "#N/A"]]
    odd["ledger"][1][4] = "=0.5+0.4"
    odd["milestones"][1][5] = -3
    odd["adjustments"] += [["G1", 4.4, "veto", None, "=1"], ["group_id", "date", "kind", "points", "reason"]]
    path = write_workbook(tmp_path / "odd.xlsx", odd)
    book = openpyxl.load_workbook(path)
    book["ratings"].sheet_state = "hidden"
    book["visits"].row_dimensions[3].hidden = True
    book["visits"].column_dimensions["D"].hidden = True
    book["visits"].merge_cells("C2:C3")
    book["visits"]["H1"] = "走访人"
    book.save(path)
    set_cached_value(path, 3, "E2", "0")  # a placeholder where openpyxl asks for recalculation
    out.append(path)
    dated = minimal_sheets()
    dated["visits"][1][2] = dt.datetime(2025, 2, 1)
    dated["ledger"][1][1] = dt.datetime(2025, 1, 1)
    out.append(write_xlsxwriter(tmp_path / "cjk.xlsx", dated, {("visits", 1, 2): 31, ("ledger", 1, 1): 57}, True))
    return out


def test_the_calamine_reader_and_the_cell_by_cell_reader_read_the_same(tmp_path, monkeypatch):
    for path in _corpus(tmp_path):
        fast = intake.read_tables(path)
        with monkeypatch.context() as m:
            m.setattr(intake, "_read_sheet_fast", lambda *args: None)
            slow = intake.read_tables(path)
        assert list(fast.tables) == list(slow.tables), path.name
        for sheet in fast.tables:
            assert list(fast.tables[sheet].columns) == list(slow.tables[sheet].columns), (path.name, sheet)
            assert _comparable(fast.tables[sheet]) == _comparable(slow.tables[sheet]), (path.name, sheet)
        assert fast.problems == slow.problems, path.name
        assert fast.warnings == slow.warnings, path.name
        assert fast.origins == slow.origins and fast.missing == slow.missing, path.name
    # the odd workbook holds each class once: all located, by both readers alike
    rules = [p.rule for p in intake.read_tables(tmp_path / "odd.xlsx").problems]
    assert any("never calculated" in r for r in rules) and any("merged into C2:C3" in r for r in rules)
    assert any("4.4 is a number" in r for r in rules) and any("repeats the header" in r for r in rules)
