"""Helpers that build small input workbooks for the tests."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl


def write_workbook(path: Path, sheets: dict[str, list[list]], formulas: bool = True) -> Path:
    """Write ``{sheet: [header, *rows]}`` as an .xlsx with openpyxl (cells as given).

    With ``formulas=False`` text starting with ``=`` is stored as text, as Excel does for
    a cell formatted as text.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        if not formulas:
            for cells in ws.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
    book.save(path)
    return path


def minimal_sheets() -> dict[str, list[list]]:
    """A tiny valid input: two groups, three recipients, a few rows of each sheet."""
    return {
        "groups": [["group_id", "name", "leader"], ["G1", "第一工作组", "张伟"], ["G2", "第二工作组", "李娜"]],
        "recipients": [
            ["recipient_id", "name", "kind", "group_id"],
            ["E1", "湖南京阳物流有限公司", "enterprise", "G1"],
            ["P1", "雙橋三路", "project", "G1"],
            ["E2", "长重机械", "enterprise", "G2"],
        ],
        "ledger": [
            ["group_id", "month", "due_date", "submitted_on", "completeness"],
            ["G1", "2025-01", "2025-01-25", "2025-01-20", 0.9],
        ],
        "visits": [["group_id", "recipient_id", "date", "kind", "note"], ["G1", "E1", "2025-02-01", "实地走访", ""]],
        "problems": [
            ["problem_id", "group_id", "recipient_id", "raised_on", "priority", "deadline", "status", "resolved_on"],
            ["Q1", "G1", "E1", "2025-03-01", "urgent", "2025-04-01", "resolved", "2025-03-20"],
        ],
        "milestones": [
            [
                "recipient_id",
                "group_id",
                "milestone",
                "planned_date",
                "completed_on",
                "investment_planned",
                "investment_completed",
            ],
            ["P1", "G1", "土方平整", "2025-05-31", "2025-05-20", 100, 80],
        ],
        "ratings": [
            ["quarter", "recipient_id", "group_id", "item", "score", "comment"],
            ["2025-Q1", "E1", "G1", "服务态度", 5, "很好"],
        ],
        "adjustments": [["group_id", "date", "kind", "points", "reason"], ["G2", "2025-06-01", "bonus", 2, "招商引资"]],
    }


def set_cached_value(path: Path, sheet_index: int, cell: str, value: str) -> None:
    """Give a formula cell the cached value Excel would have saved with it."""
    tmp = path.with_suffix(".tmp.xlsx")
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == name:
                text = data.decode()
                text = re.sub(
                    rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\g<1>\g<2><v>{value}</v>", text
                )
                data = text.encode()
            dst.writestr(item, data)
    tmp.replace(path)


def write_xlsxwriter(
    path: Path,
    sheets: dict[str, list[list]],
    formats: dict[tuple[str, int, int], object] | None = None,
    date_1904: bool = False,
) -> Path:
    """Write ``{sheet: [header, *rows]}`` with XlsxWriter, as other programs and libraries save workbooks.

    ``formats`` maps ``(sheet, row, col)`` (0-based, the header is row 0) to a number format: a
    built-in id (``31`` is ``yyyy"年"m"月"d"日"``) or a format code. Datetimes are written as dates
    (serials in the workbook's date system); text starting with ``=`` as a formula with XlsxWriter's
    placeholder value ``0`` (and ``fullCalcOnLoad``, as XlsxWriter sets it).
    """
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904, "strings_to_numbers": False})
    cache: dict[object, object] = {}
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                code = (formats or {}).get((name, r, c))
                fmt = None
                if code is not None:
                    fmt = cache.setdefault(code, book.add_format({"num_format": code}))
                if value is None:
                    continue
                if isinstance(value, dt.datetime | dt.date):
                    ws.write_datetime(r, c, value, fmt or cache.setdefault("date", book.add_format({"num_format": 14})))
                elif isinstance(value, str) and value.startswith("="):
                    ws.write_formula(r, c, value, fmt)
                elif isinstance(value, str):
                    ws.write_string(r, c, value, fmt)
                else:
                    ws.write_number(r, c, value, fmt)
    book.close()
    return path


def edit_member(path: Path, member: str, edit) -> None:
    """Rewrite one part of an .xlsx (a zip) with ``edit(text) -> text``, as a hand-made file would be."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                data = edit(data.decode()).encode()
            dst.writestr(item, data)
    tmp.replace(path)
