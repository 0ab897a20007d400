"""Reading the office's workbooks and writing ``scores.xlsx``: I/O only, no rules.

:func:`read_tables` turns an ``.xlsx`` workbook or a folder of CSV files into one raw
DataFrame per sheet (cells as read, plus the Excel row number in ``_row``), mapping
Chinese sheet names and headers to the English ones. Type coercion and every rule live in
:mod:`assess.validate`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from .atomic import atomic_path  # re-exported: assess.io.atomic_path is the one atomic writer
from .errors import InputError, Problem
from .spec import SHEET_ALIASES, SHEETS

__all__ = ["RawTables", "read_tables", "file_sha256", "atomic_path"]

ROW = "_row"  # the Excel row number of each record (header is row 1)


@dataclass(frozen=True)
class RawTables:
    """Sheets as read: ``tables[sheet]`` holds raw cells and a ``_row`` column."""

    source: str
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    files: dict[str, str]  # the file each sheet came from, as problems name it

    def file(self, sheet: str) -> str:
        return self.files.get(sheet, self.source)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, or of every CSV file of a folder in name order."""
    path = Path(path)
    digest = hashlib.sha256()
    paths = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    for p in paths:
        if path.is_dir():
            digest.update(p.name.encode() + b"\0")
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _header_map(sheet: str) -> dict[str, str]:
    spec = SHEETS[sheet]
    mapping = {}
    for col in spec.columns:
        mapping[col.name.lower()] = col.name
        mapping[col.zh] = col.name
    return mapping


def _frame(source: str, sheet: str, header: list[object], rows: Iterable[tuple], problems: list[Problem]) -> pd.DataFrame:
    """Build the raw frame of one sheet from its header and data rows (row 2 onwards)."""
    mapping = _header_map(sheet)
    names: list[str | None] = []
    for cell in header:
        key = str(cell).strip() if cell is not None else ""
        name = mapping.get(key.lower(), mapping.get(key))
        if name is not None and name in names:
            problems.append(Problem(source, sheet, 1, name, cell, "the column appears twice", "keep one of the two columns"))
            name = None
        names.append(name)
    keep = [i for i, n in enumerate(names) if n is not None]
    records = []
    for number, row in enumerate(rows, start=2):
        cells = [row[i] if i < len(row) else None for i in keep]
        cells = [None if (isinstance(c, str) and not c.strip()) else c for c in cells]
        if all(c is None for c in cells):
            continue  # blank lines carry nothing
        records.append([*cells, number])
    frame = pd.DataFrame(records, columns=[names[i] for i in keep] + [ROW], dtype=object)
    frame[ROW] = frame[ROW].astype("int64")
    missing = [c for c in SHEETS[sheet].required_columns if c not in frame.columns]
    for col in missing:
        zh = SHEETS[sheet].column(col).zh
        problems.append(
            Problem(source, sheet, 1, col, None, "required column is missing", f"add a header cell '{col}' (or '{zh}') in row 1")
        )
    for col in SHEETS[sheet].columns:  # optional columns absent from the file are simply blank
        if col.name not in frame.columns:
            frame[col.name] = pd.Series([None] * len(frame), dtype=object)
    return frame


def _sheet_name(name: str) -> str | None:
    key = name.strip()
    if key.lower() in SHEETS:
        return key.lower()
    return SHEET_ALIASES.get(key)


def _finish(source: str, found: dict[str, pd.DataFrame], problems: list[Problem], files: dict[str, str] | None = None) -> RawTables:
    for sheet, spec in SHEETS.items():
        if sheet not in found:
            if spec.optional:
                found[sheet] = _frame(source, sheet, [c.name for c in spec.columns], [], problems)
            else:
                problems.append(
                    Problem(source, sheet, None, None, None, "required sheet is missing", f"add a sheet named '{sheet}' (or '{spec.zh}'); `assess template` writes one")
                )
    return RawTables(source, {name: found[name] for name in SHEETS if name in found}, problems, files or {})


def _read_xlsx(path: Path) -> RawTables:
    source = path.name
    problems: list[Problem] = []
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError([Problem(source, "-", None, None, None, f"cannot be opened as an .xlsx workbook ({type(exc).__name__}: {exc})", "save it from Excel as .xlsx")]) from None
    cached = None  # a second, value-only view, opened only when a formula is met
    found: dict[str, pd.DataFrame] = {}
    try:
        for ws in book.worksheets:
            sheet = _sheet_name(ws.title)
            if sheet is None or sheet in found:
                continue
            rows = list(ws.iter_rows(values_only=True))
            if any(isinstance(c, str) and c.startswith("=") for row in rows for c in row):
                if cached is None:
                    cached = openpyxl.load_workbook(path, read_only=True, data_only=True)
                values = list(cached[ws.title].iter_rows(values_only=True))
                rows = _formula_values(source, sheet, rows, values, problems)
            header = list(rows[0]) if rows else []
            found[sheet] = _frame(source, sheet, header, rows[1:], problems)
    finally:
        book.close()
        if cached is not None:
            cached.close()
    return _finish(source, found, problems)


def _formula_values(source: str, sheet: str, rows: list[tuple], values: list[tuple], problems: list[Problem]) -> list[tuple]:
    """Replace formulas by the values Excel saved with them; flag formulas never calculated."""
    out = []
    mapping = _header_map(sheet)
    header = [mapping.get(str(h).strip().lower(), mapping.get(str(h).strip())) if h is not None else None for h in (values[0] if values else ())]
    for r, (row, vals) in enumerate(zip(rows, values, strict=False), start=1):
        new = list(vals)
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell.startswith("=") and (c >= len(vals) or vals[c] is None):
                col = (header[c] if c < len(header) else None) or f"column {openpyxl.utils.get_column_letter(c + 1)}"
                problems.append(
                    Problem(source, sheet, r, col, cell, "the cell holds a formula with no saved value", "open the workbook in Excel (or LibreOffice) and save it, so that the value is stored")
                )
        out.append(tuple(new))
    return out


def _read_csv_folder(path: Path) -> RawTables:
    source = path.name
    problems: list[Problem] = []
    found: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for file in sorted(path.glob("*.csv")):
        sheet = _sheet_name(file.stem)
        if sheet is None or sheet in found:
            continue
        try:
            table = pd.read_csv(file, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig")
        except pd.errors.EmptyDataError:
            table = pd.DataFrame()
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            problems.append(Problem(f"{source}/{file.name}", sheet, None, None, None, f"cannot be read as UTF-8 CSV ({exc})", "save it as CSV UTF-8"))
            continue
        rows = list(table.itertuples(index=False, name=None))
        header = list(rows[0]) if rows else []
        files[sheet] = f"{source}/{file.name}"
        found[sheet] = _frame(files[sheet], sheet, header, rows[1:], problems)
    return _finish(source, found, problems, files)


def read_tables(path: str | Path) -> RawTables:
    """Read a workbook (``.xlsx``) or a folder of CSV files named like the sheets.

    Raises :class:`~assess.errors.InputError` when the path cannot be read at all; problems
    with sheets or headers are returned in ``problems`` for validation to report with the rest.
    """
    path = Path(path)
    if path.is_dir():
        return _read_csv_folder(path)
    if not path.exists():
        raise InputError([Problem(path.name, "-", None, None, None, "file not found", f"check the path {str(path)!r}")])
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError([Problem(path.name, "-", None, None, None, "is neither an .xlsx workbook nor a folder of CSV files", "save it from Excel as .xlsx")])
    return _read_xlsx(path)
