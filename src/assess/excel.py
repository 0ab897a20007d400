"""Writing Excel files: ``scores.xlsx`` and the blank input template. I/O only.

Text cells that start with ``=``, ``+``, ``-`` or ``@`` are stored as literal strings
(openpyxl's ``data_type = "s"``) so that Excel shows them as text and never evaluates them.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .atomic import atomic_write
from .importance import importance
from .result import Result
from .spec import SHEETS

__all__ = ["write_tables", "write_template", "write_scores", "provenance_table"]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_FORMULA_START = ("=", "+", "-", "@")
_NUMBER_FORMATS = {"float": "0.0###", "date": "yyyy-mm-dd", "int": "0"}


def _cell_value(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _write_frame(ws: Worksheet, frame: pd.DataFrame) -> None:
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
            cell.data_type = "s"  # a header is text too, never a formula
    kinds = {}
    for j, col in enumerate(frame.columns, start=1):
        dtype = frame[col].dtype
        kinds[j] = "date" if pd.api.types.is_datetime64_any_dtype(dtype) else "float" if pd.api.types.is_float_dtype(dtype) else "int" if pd.api.types.is_integer_dtype(dtype) else "text"
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, v in enumerate(row, start=1):
            value = _cell_value(v)
            if value is None:
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.data_type = "s"  # literal text, never a formula
            elif kinds[j] in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[kinds[j]]
    _finish_sheet(ws, frame)


def _finish_sheet(ws: Worksheet, frame: pd.DataFrame) -> None:
    ws.freeze_panes = "A2"
    if len(frame.columns):  # a filter on the header even when no row (an empty importance sheet)
        ws.auto_filter.ref = ws.dimensions
    for j, col in enumerate(frame.columns, start=1):
        sample = [str(col)] + [str(v) for v in frame[col].head(200).tolist()]
        width = max(len(s) + sum(1 for ch in s if ord(ch) > 0x2E80) for s in sample)
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)


def write_tables(path: str | Path, tables: Mapping[str, pd.DataFrame], fills: Mapping[str, Mapping[str, str]] | None = None) -> Path:
    """Write one sheet per DataFrame to ``path`` atomically (nothing half-written on failure).

    ``fills`` optionally colours rows: ``{sheet: {column: ..., value -> hex colour}}`` is
    given as ``{sheet: {"column": name, value: colour, ...}}``.
    """
    path = Path(path)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        ws = book.create_sheet(name)
        _write_frame(ws, frame.reset_index(drop=True))
        rule = (fills or {}).get(name)
        if rule:
            j = list(frame.columns).index(rule["column"]) + 1
            for i in range(2, ws.max_row + 1):
                colour = rule.get(ws.cell(row=i, column=j).value)
                if colour:
                    ws.cell(row=i, column=j).fill = PatternFill("solid", fgColor=colour)
    _save(book, path)
    return path


def _save(book: openpyxl.Workbook, path: Path) -> None:
    """Save ``book`` atomically; under ``SOURCE_DATE_EPOCH``, byte for byte reproducibly."""
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(path, _reproducible(buffer.getvalue()))


def _reproducible(xlsx: bytes) -> bytes:
    """Pin every time in an .xlsx to ``SOURCE_DATE_EPOCH`` (zip entries, ``docProps/core.xml``)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return xlsx
    when = datetime.fromtimestamp(max(int(epoch), 315532800), tz=UTC)  # zip times start in 1980
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rb"\g<1>" + stamp + rb"\g<3>", data)
            info = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, item.external_attr
            dst.writestr(info, data)
    return out.getvalue()


def write_template(path: str | Path) -> Path:
    """Write a blank input workbook: every sheet with its header, a bilingual README sheet,
    dropdowns for the enumerations and date formats on date columns."""
    path = Path(path)
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["sheet", "工作表", "column", "中文列名 (alias)", "required 必填", "meaning", "说明"])
    for cell in readme[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for sheet in SHEETS.values():
        for col in sheet.columns:
            required = "yes 是" if col.required else "no 否"
            if sheet.optional:
                required += " (optional sheet 可选表)"
            readme.append([sheet.name, sheet.zh, col.name, col.zh, required, col.en_help, col.zh_help])
    readme.append([])
    readme.append(["Headers may be the English names or the Chinese aliases above; dates may be Excel dates or YYYY-MM-DD. 表头可用英文列名或上表的中文别名；日期可用 Excel 日期或 YYYY-MM-DD。"])
    for j, width in enumerate((14, 12, 22, 16, 22, 52, 40), start=1):
        readme.column_dimensions[get_column_letter(j)].width = width
    readme.freeze_panes = "A2"
    for sheet in SHEETS.values():
        ws = book.create_sheet(sheet.name)
        ws.append([c.name for c in sheet.columns])
        for j, col in enumerate(sheet.columns, start=1):
            head = ws.cell(row=1, column=j)
            head.font, head.fill = _HEADER_FONT, _HEADER_FILL
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = max(14, len(col.name) + 4)
            cells = f"{letter}2:{letter}5000"
            if col.kind == "enum":
                dv = DataValidation(type="list", formula1='"' + ",".join(col.values) + '"', allow_blank=not col.required)
                dv.error, dv.errorTitle = f"Use one of: {', '.join(col.values)}", "Invalid value"
                ws.add_data_validation(dv)
                dv.add(cells)
            elif col.kind == "date":
                for row in range(2, 502):
                    ws.cell(row=row, column=j).number_format = "yyyy-mm-dd"
                dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
                dv.error = "Enter a date (YYYY-MM-DD)"
                ws.add_data_validation(dv)
                dv.add(cells)
            elif col.kind in ("month", "quarter", "id"):
                for row in range(2, 502):
                    ws.cell(row=row, column=j).number_format = "@"  # text, so 2025-03 stays text
            if col.kind == "number" and col.min is not None:
                op = {"type": "decimal", "operator": "between", "formula1": str(col.min), "formula2": str(col.max)} if col.max is not None else {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": str(col.min)}
                dv = DataValidation(allow_blank=True, **op)
                ws.add_data_validation(dv)
                dv.add(cells)
            head.alignment = Alignment(horizontal="center")
        ws.freeze_panes = "A2"
    _save(book, path)
    return path


_GRADE_COLOURS = ("C6EFCE", "DDEBF7", "FFF2CC", "F8CBAD", "E7E6E6", "D9D2E9")


def provenance_table(meta: Mapping[str, object]) -> pd.DataFrame:
    """The provenance of a result as a two-column key/value table."""
    keys = ("input", "input_sha256", "scheme_name", "scheme_sha256", "version", "year", "as_of", "generated_at")
    values = {**meta, "scheme_name": (meta.get("scheme") or {}).get("name", "")}
    return pd.DataFrame({"key": list(keys), "value": pd.Series([values.get(k, "") for k in keys], dtype=object)})


def write_scores(result: Result, path: str | Path) -> Path:
    """Write ``scores.xlsx``: sheets ``scores``, ``indicators``, ``contributions``,
    ``importance``, ``ratings_quality``, ``flags``, ``provenance`` (and ``year_over_year`` with a previous year;
    ``uncertainty`` and ``sensitivity`` with an uncertainty analysis)."""
    bands = [b["name"] for b in result.meta["scheme"]["grades"]["bands"]]
    colours = {"column": "grade", **{name: _GRADE_COLOURS[min(i, len(_GRADE_COLOURS) - 1)] for i, name in enumerate(bands)}}
    tables = {"scores": result.scores, "indicators": result.indicators}
    if result.contributions is not None:
        tables["contributions"] = result.contributions
        coherence = importance(result)  # nominal weight beside effective importance (3+ graded groups)
        if not coherence.empty:
            tables["importance"] = coherence
    if result.ratings_quality is not None:
        overall = result.meta.get("ratings", {})
        row = {"group_id": "(all)", "responses": overall.get("responses"), "raters": overall.get("raters")}
        quality = result.ratings_quality.assign(icc1=np.nan, icc1k=np.nan, alpha=np.nan)
        row |= {"icc1": overall.get("icc1"), "icc1k": overall.get("icc1k"), "alpha": overall.get("alpha")}
        tables["ratings_quality"] = pd.concat([quality, pd.DataFrame([row])], ignore_index=True)
    if result.flags is not None:
        tables["flags"] = result.flags
    if result.year_over_year is not None:
        tables["year_over_year"] = result.year_over_year
    if result.uncertainty is not None:
        tables["uncertainty"] = result.uncertainty
        sensitivity = (result.meta.get("uncertainty") or {}).get("sensitivity")
        if sensitivity:
            tables["sensitivity"] = pd.DataFrame(sensitivity)
    tables["provenance"] = provenance_table(result.meta)
    return write_tables(path, tables, fills={"scores": colours})
