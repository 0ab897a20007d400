"""Reading the office's workbooks and writing ``scores.xlsx``: I/O only, no rules.

:func:`read_tables` turns an ``.xlsx`` workbook or a folder of CSV files into one raw
DataFrame per sheet (cells as read, plus the Excel row number in ``_row``), mapping
Chinese sheet names and headers to the English ones. Type coercion and every rule live in
:mod:`assess.intake._validate`.

Workbooks are checked before they are parsed (encrypted, .xls, damaged, zip bombs) and then
streamed cell by cell: only cells present in the file are visited, never the padded grid.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
import itertools
import math
import operator
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

import numpy as np
import openpyxl
import pandas as pd
import python_calamine
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.xml.constants import SHEET_MAIN_NS

from assess.common import atomic_path, message, openpyxl_reader, sheet_parser_options, sheet_source, workbook_styles
from assess.intake import _xlsx_parts as parts
from assess.intake._problems import InputError, Problem, Wording
from assess.intake._said import listed
from assess.intake._spec import SHEET_ALIASES, SHEETS, Column

_openpyxl = openpyxl_reader()  # openpyxl's private streaming parser, behind common.compat
FORMULA_TAG, INLINE_STRING, VALUE_TAG = _openpyxl.FORMULA_TAG, _openpyxl.INLINE_STRING, _openpyxl.VALUE_TAG
WorkSheetParser: type[Any] = _openpyxl.WorkSheetParser
_cast_number = _openpyxl._cast_number

__all__ = ["RawTables", "Origin", "read_tables", "file_sha256", "atomic_path", "normalise_name"]

ROW = "_row"  # the Excel row number of each record (header is row 1)

#: Limits checked before a workbook is parsed (see the README, "What assess refuses").
MAX_UNCOMPRESSED = 500 * 1024**2  # bytes, all members of the .xlsx together
MAX_RATIO = 100  # uncompressed : compressed, for a member larger than RATIO_FLOOR
RATIO_FLOOR = 5 * 1024**2
MAX_ROWS = 1_000_000  # data rows in one sheet

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are OLE compound files
# Characters that never belong in a cell: C0 controls except tab and newline, DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters that sneak into headers copied from web pages or chat messages.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")  # how .xlsx stores a control character (ECMA-376 ST_Xstring)
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_LAST_SERIAL = 2958466  # Excel serial of 10000-01-01


@dataclass(frozen=True)
class Origin:
    """Where a table came from: the sheet (or CSV file) name and the headers as written."""

    label: str  # the sheet title or CSV file stem as the office wrote it (``问题台账``)
    columns: dict[str, tuple[str, int]] = field(default_factory=dict)  # column -> (header as written, 1-based index)
    hidden: bool = False


@dataclass(frozen=True)
class RawTables:
    """Sheets as read: ``tables[sheet]`` holds raw cells and a ``_row`` column.

    ``problems`` stop validation from passing; ``warnings`` do not (hidden sheets read, unknown
    headers ignored, control characters removed). ``origins`` keeps the office's own names of
    each sheet and column, and ``missing`` the required columns the sheets lack.
    """

    source: str
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    files: dict[str, str]  # the file each sheet came from, as problems name it
    warnings: list[Problem] = field(default_factory=list)
    origins: dict[str, Origin] = field(default_factory=dict)
    missing: frozenset[tuple[str, str]] = frozenset()

    def file(self, sheet: str) -> str:
        return self.files.get(sheet, self.source)


def _csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, or of every CSV file of a folder in name order."""
    path = Path(path)
    digest = hashlib.sha256()
    paths = _csv_files(path) if path.is_dir() else [path]
    for p in paths:
        if path.is_dir():
            digest.update(p.name.encode() + b"\0")
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


# ---- names: sheets and headers as the office writes them --------------------------------------


def normalise_name(text: object) -> str:
    """A sheet or header name as compared: invisible characters dropped, NFKC (full-width to ASCII), trimmed."""
    text = _INVISIBLE.sub("", _CONTROL.sub("", str(text)))
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def _header_map(sheet: str) -> dict[str, str]:
    mapping = {}
    for col in SHEETS[sheet].columns:
        mapping[col.name.lower()] = col.name
        mapping[normalise_name(col.zh)] = col.name
    return mapping


def _suggest(sheet: str, text: str) -> Column | None:
    """The known column whose English or Chinese name is closest to ``text`` (difflib), if any is close."""
    names = {}
    for col in SHEETS[sheet].columns:
        names[col.name.lower()] = col
        names[col.zh] = col
    match = difflib.get_close_matches(normalise_name(text), list(names), n=1, cutoff=0.6)
    return names[match[0]] if match else None


def table_of_sheet(name: str) -> str | None:
    """The table a sheet (or CSV file stem) holds, by its English or Chinese name, or None."""
    key = normalise_name(name)
    return _SHEET_KEYS.get(key)


_SHEET_KEYS = {normalise_name(k): v for k, v in SHEET_ALIASES.items()} | {s: s for s in SHEETS}


_CONTROL_NAMES = ("NUL", "BEL", "ESC")  # the control characters a warning names as examples


def _cleaned(
    value: str, escaped: bool, here: _Where, number: int, ci: int, name: str, warnings: list[Problem]
) -> str | None:
    """A text cell with escapes undone and control characters removed (said in a warning); None when blank."""
    value, stripped = _clean_text(value, escaped)
    if stripped:
        warnings.append(
            Problem(
                **here,
                row=number,
                column=name,
                value=value,
                col_index=ci,
                severity="warning",
                **_said(
                    "control_removed",
                    {"examples": "NUL, BEL or ESC"},
                    {"examples": listed(_CONTROL_NAMES, "zh")},
                ),
            )
        )
    return value if value.strip() else None


_INFINITIES = (math.inf, -math.inf)


def _column(
    column: Sequence[object] | np.ndarray,
    numbers: list[int],
    here: _Where,
    ci: int,
    name: str,
    date: bool,
    escaped: bool,
    warnings: list[Problem],
    problems: list[Problem],
) -> tuple[list[object] | np.ndarray, bool]:
    """One column's cells as intake keeps them: blanks as None, text cleaned, odd numbers named.

    The column's distinct values are screened first; only a column holding something to clean
    or to name (control characters, blank text, inf/NaN, a number in a date column) is walked
    cell by cell.
    """
    distinct = set(column)
    texts = [v for v in distinct if isinstance(v, str)]
    odd = (
        (escaped and any("_x" in v for v in texts))
        or _CONTROL.search("\n".join(texts)) is not None
        or any(v.isspace() for v in texts)
        or any(
            type(v) is float
            and (v != v or v in _INFINITIES)
            or date
            and type(v) in (int, float)
            and 1 <= v < _FIRST_PLAUSIBLE_SERIAL
            for v in distinct
        )
    )
    if not odd:
        if "" in distinct:
            if isinstance(column, np.ndarray):  # a dense column: blanked in place, never copied to a list
                blanked = column.copy()
                blanked[np.equal(column, "")] = None
                return blanked, False
            return [None if v == "" else v for v in column], False
        return column if isinstance(column, np.ndarray) else list(column), False
    out: list[object] = []
    for number, value in zip(numbers, column, strict=True):
        kind = type(value)
        if value is None or value == "":
            value = None
        elif isinstance(value, str):
            if _CONTROL.search(value) or (escaped and "_x" in value):
                value = _cleaned(value, escaped, here, number, ci, name, warnings)
            elif value.isspace():
                value = None
        elif isinstance(value, (int, float)) and kind is not bool:
            if date and 1 <= value < _FIRST_PLAUSIBLE_SERIAL:
                problems.append(
                    Problem(**here, row=number, column=name, value=value, col_index=ci, **_bare_number(value))
                )
                value = None
            elif kind is float and not math.isfinite(value):
                value = repr(value)  # inf / nan: kept as text so that validation names it
        out.append(value)
    return out, True


_NONE: Any = None  # compared cell by cell with numpy (``np.equal(cells, None)``)


def _dense_rows(
    body: Sequence[Sequence[object]],
    kept_cols: list[int],
    unknown: set[int],
    lead_forms: set[str],
    spelled: dict[int, str],
    here: _Where,
) -> tuple[list[np.ndarray], list[int], dict[int, int], list[Problem]]:
    """The rows of a dense sheet (row 2 on) as :func:`_frame`'s row loop keeps them, a column at a time.

    Returns the kept columns' cells of the records, their Excel rows, the first row of each
    column holding values without a header, and the rows that repeat the header (problems).
    The same rules as the loop: a row blank in every column is no row at all (and not counted
    against ``MAX_ROWS``); a row blank in every kept column is no record; a row repeating the
    header is a problem and no record. Only the header-like cells of the first kept column are
    looked at one by one.
    """
    n = len(body)
    width = max(map(len, body), default=0)
    if width and min(map(len, body)) < width:  # a row made longer by a correction, or a ragged CSV: pad with blanks
        body = [r if len(r) == width else [*r, *[None] * (width - len(r))] for r in body]
    cells = np.empty((n, width), dtype=object)
    if n and width:
        cells[:] = body  # one copy of the references, row by row, in C
    columns = [cells[:, j] for j in range(width)]
    filled = [~(np.equal(c, "") | np.equal(c, _NONE)) for c in columns]
    in_row = np.logical_or.reduce(filled) if filled else np.zeros(0, dtype=bool)
    if int(in_row.sum()) > MAX_ROWS:
        raise _too_many_rows(here)
    headerless: dict[int, int] = {}
    kept = set(kept_cols)
    for ci in range(1, width + 1):
        if ci not in kept and ci not in unknown and filled[ci - 1].any():
            headerless[ci] = int(np.argmax(filled[ci - 1])) + 2
    none = np.full(n, None, dtype=object)
    picked = [columns[ci - 1] if ci <= width else none for ci in kept_cols]
    record = np.logical_or.reduce([filled[ci - 1] for ci in kept_cols if ci <= width] or [np.zeros(n, dtype=bool)])
    repeated: list[Problem] = []
    if picked:
        lead = picked[0]
        forms = {v for v in set(lead.tolist()) if isinstance(v, str) and v.strip().lower() in lead_forms}
        for i in (i for i, v in enumerate(lead.tolist()) if v in forms) if forms else ():
            values = [c[i] for c in picked]
            if _repeats_header(dict(zip(kept_cols, values, strict=True)), spelled):
                repeated.append(
                    Problem(
                        **here,
                        row=i + 2,
                        column=None,
                        value=values[0],
                        col_index=kept_cols[0],
                        **_said("header_repeated"),
                    )
                )
                record[i] = False
    if record.all():
        return picked, list(range(2, n + 2)), headerless, repeated
    rows = np.flatnonzero(record)
    return [c[rows] for c in picked], (rows + 2).tolist(), headerless, repeated


def _too_many_rows(here: _Where) -> InputError:
    return InputError(
        [
            Problem(
                **here,
                row=None,
                column=None,
                value=None,
                **_said("too_many_rows", limit=f"{MAX_ROWS:,}"),
            )
        ]
    )


def _repeats_header(cells: Cells, spelled: dict[int, str]) -> bool:
    """Whether a row holds the header again: each of its cells under a header is that header's text."""
    matched = 0
    for ci, text in spelled.items():
        value = cells.get(ci)
        if value is None:
            continue
        if not isinstance(value, str) or normalise_name(value) != text:
            return False
        matched += 1
    return matched >= min(2, len(spelled))


#: Excel's day number of 1950-01-01: a plain number below it in a date column is a day, month or year typed alone.
_FIRST_PLAUSIBLE_SERIAL = 18264


def _bare_number(value: float) -> Wording:
    epoch = dt.date(1899, 12, 31) if value < 61 else dt.date(1899, 12, 30)  # Excel's day 60 is 1900-02-29
    day = (epoch + dt.timedelta(days=int(value))).isoformat()
    return _said("bare_number", value=f"{value:g}", day=day, example="2025-04-04")


def _letter(index: int) -> str:
    return openpyxl.utils.get_column_letter(index)


def _clean_text(value: str, escaped: bool) -> tuple[str, bool]:
    """Undo .xlsx escapes and drop control characters; say whether any were dropped."""
    if escaped and "_x" in value:
        value = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
    if "\r" in value:
        value = value.replace("\r\n", "\n")
    if _CONTROL.search(value):
        return _CONTROL.sub("", value), True
    return value, False


# ---- one sheet: header and sparse rows -> raw frame ------------------------------------------


Cells = dict[int, object]  # 1-based column index -> value, only the cells that hold something
# A row as read: sparse cells, or dense (column ci at index ci - 1, "" or None when blank).
Row = Cells | list[object] | tuple[object, ...]


class _Where(TypedDict):
    """The fields every problem about one table shares (spread into :class:`Problem`)."""

    file: str
    sheet: str
    sheet_label: str


@dataclass
class _Header:
    """Row 1 of a sheet as read: the columns kept (1-based index -> name), as written, and unknown."""

    kept: dict[int, str] = field(default_factory=dict)
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (header as written, index)
    unknown: dict[int, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[int]:
        return list(self.kept)  # ascending, like the header

    def spelled(self) -> dict[int, str]:
        """Each kept column's header as a repeated header row would hold it, compared normalised."""
        return {ci: normalise_name(self.origin[name][0]) for ci, name in self.kept.items()}

    def lead_forms(self, sheet: str) -> set[str]:
        """The first column's header as a repeated header row would hold it."""
        if not self.kept:
            return set()
        col = SHEETS[sheet].column(self.kept[self.columns[0]])
        return {self.origin[col.name][0].strip().lower(), col.name.lower(), col.zh}


def _read_header(sheet: str, header: Cells, here: _Where, problems: list[Problem], warnings: list[Problem]) -> _Header:
    """Map each header cell to a column of the sheet; say what is unknown, repeated or misspelled."""
    mapping = _header_map(sheet)
    spec = SHEETS[sheet]
    out = _Header()
    for ci in sorted(header):
        text = str(header[ci])
        if not text.strip():
            continue
        name = mapping.get(normalise_name(text))
        if name is None:
            out.unknown[ci] = text
            guess = _suggest(sheet, text)
            hint = {
                lang: _phrase("unknown_header_hint", lang, zh=guess.zh, name=guess.name) if guess else ""
                for lang in ("en", "zh")
            }
            words = _said("unknown_header", {"hint": hint["en"]}, {"hint": hint["zh"]}, letter=_letter(ci))
            warnings.append(
                Problem(
                    **here, row=1, column=f"column {_letter(ci)}", value=text, col_index=ci, severity="warning", **words
                )
            )
            continue
        if name in out.origin:
            words = _said("header_twice", first=_letter(out.origin[name][1]), second=_letter(ci))
            problems.append(Problem(**here, row=1, column=name, value=text, col_index=ci, column_label=text, **words))
            continue
        col = spec.column(name)
        if text.lower() not in (col.name.lower(), col.zh):  # read, but not as written: say so
            words = _said("header_spelled", name=col.name, zh=col.zh)
            warnings.append(
                Problem(
                    **here, row=1, column=name, value=text, col_index=ci, column_label=text, severity="warning", **words
                )
            )
        out.kept[ci] = name
        out.origin[name] = (text, ci)
    return out


def _sparse_rows(
    rows: Iterable[tuple[int, Row]], head: _Header, sheet: str, here: _Where, problems: list[Problem]
) -> tuple[list[tuple[object, ...]], list[int], dict[int, int]]:
    """The records of a sheet read row by row (openpyxl's stream): their kept cells, Excel rows, and
    the first row of each column holding values without a header. Same rules as :func:`_dense_rows`."""
    kept_cols, kept_set, unknown = head.columns, set(head.kept), head.unknown
    lead_forms, spelled = head.lead_forms(sheet), head.spelled()
    others: dict[int, list[int]] = {}  # row width -> columns neither read nor warned about as unknown
    records: list[tuple[object, ...]] = []
    numbers: list[int] = []
    headerless: dict[int, int] = {}
    pick = operator.itemgetter(*[ci - 1 for ci in kept_cols]) if kept_cols else None
    count = 0
    for number, cells in rows:
        if isinstance(cells, dict):
            if not cells:
                continue
            values = tuple(cells.get(ci) for ci in kept_cols)
            if not cells.keys() <= kept_set:
                for ci in cells:
                    if ci not in kept_set and ci not in unknown and ci not in headerless:
                        headerless[ci] = number
        else:  # a dense row: column ci at index ci - 1, "" or None when blank
            width = len(cells)
            if cells.count("") + cells.count(None) == width:
                continue
            if pick is None:
                values = ()
            elif kept_cols[-1] <= width:
                got = pick(cells)
                values = got if len(kept_cols) > 1 else (got,)
            else:
                values = tuple(cells[ci - 1] if ci <= width else None for ci in kept_cols)
            if width not in others:
                others[width] = [ci for ci in range(1, width + 1) if ci not in kept_set and ci not in unknown]
            for ci in others[width]:
                if ci not in headerless and cells[ci - 1] not in ("", None):
                    headerless[ci] = number
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows(here)
        lead = values[0] if values else None
        if (
            isinstance(lead, str)
            and lead.strip().lower() in lead_forms
            and _repeats_header(dict(zip(kept_cols, values, strict=True)), spelled)
        ):
            problems.append(
                Problem(**here, row=number, column=None, value=lead, col_index=kept_cols[0], **_said("header_repeated"))
            )
            continue
        if values.count(None) + values.count("") == len(values):
            continue  # values only in columns not read
        records.append(values)
        numbers.append(number)
    return records, numbers, headerless


def _cleaned_columns(
    table: Sequence[Sequence[object]] | list[np.ndarray],
    numbers: list[int],
    head: _Header,
    here: _Where,
    dates: set[int],
    escaped: bool,
    problems: list[Problem],
    warnings: list[Problem],
) -> tuple[dict[str, list[object] | np.ndarray], bool]:
    """Each kept column's cells as intake keeps them (:func:`_column`), and whether a cell was blanked.

    The warnings and problems of single cells are put in row order, then column order.
    """
    columns: dict[str, list[object] | np.ndarray] = {}
    cleaned = False  # whether a cell was blanked while cleaning (a row may then hold nothing)
    said: list[Problem] = []
    cell_problems: list[Problem] = []
    for i, (ci, column) in enumerate(zip(head.columns, table, strict=False)):
        name = head.kept[ci]
        cells = cast(Sequence[object], column)
        columns[name], walked = _column(cells, numbers, here, ci, name, i in dates, escaped, said, cell_problems)
        cleaned = cleaned or walked
    for ci in head.columns[len(columns) :]:  # no rows at all
        columns[head.kept[ci]] = []
    order = {id(p): n for n, p in enumerate(said + cell_problems)}
    warnings.extend(sorted(said, key=lambda p: (p.row or 0, p.col_index or 0, order[id(p)])))
    problems.extend(sorted(cell_problems, key=lambda p: (p.row or 0, p.col_index or 0, order[id(p)])))
    return columns, cleaned


def _headerless(headerless: dict[int, int], joined: set[int], here: _Where, warnings: list[Problem]) -> None:
    """Columns holding values but no header are ignored: say so, and whether the header cell is merged."""
    for ci, first in sorted(headerless.items()):
        note = {lang: _phrase("headerless_merged", lang) if ci in joined else "" for lang in ("en", "zh")}
        words = _said("headerless", {"note": note["en"]}, {"note": note["zh"]}, letter=_letter(ci))
        warnings.append(
            Problem(
                **here, row=first, column=f"column {_letter(ci)}", value=None, col_index=ci, severity="warning", **words
            )
        )


def _missing_columns(sheet: str, head: _Header, here: _Where, problems: list[Problem]) -> set[str]:
    """The required columns the header lacks, each a problem naming an unknown header that looks like it."""
    spec = SHEETS[sheet]
    missing = {c for c in spec.required_columns if c not in head.origin}
    for required in (c for c in spec.required_columns if c in missing):
        zh = spec.column(required).zh
        found = [
            (ci, text)
            for ci, text in head.unknown.items()
            if (g := _suggest(sheet, text)) is not None and g.name == required
        ]
        hint = {
            lang: "".join(
                _phrase("column_missing_hint", lang, text=repr(text) if lang == "en" else text, letter=_letter(ci))
                for ci, text in found
            )
            for lang in ("en", "zh")
        }
        guessed = _phrase("column_missing_guess", "en", zh=zh, name=required) if found else ""
        words = _said(
            "column_missing",
            {"hint": hint["en"], "guess": guessed},
            {"hint": hint["zh"], "guess": _phrase("named", "zh", zh=zh, name=required)},
            name=required,
            zh=zh,
        )
        at = found[0][0] if found else None
        problems.append(Problem(**here, row=1, column=required, value=None, col_index=at, **words))
    return missing


def _frame(
    file: str,
    sheet: str,
    label: str,
    header: Cells,
    rows: Iterable[tuple[int, Row]] | Sequence[Sequence[object]],
    problems: list[Problem],
    warnings: list[Problem],
    *,
    escaped: bool = False,
    typed: bool = False,
    merged: Callable[[], set[int]] = set,
    grid: bool = False,
) -> tuple[pd.DataFrame, Origin, set[str]]:
    """Build the raw frame of one sheet from its header (row 1) and its data rows.

    Only the cells present are visited, so a stray value far to the right or far below costs
    nothing. Returns the frame, where each column came from, and the required columns missing.

    A row that repeats the header (a table pasted twice) is an error and no record. With
    ``typed`` (a workbook, whose cells carry numbers and dates), a plain number in a date column
    that can only be a day, a month or a year typed alone (``4.4``, ``2025``) is an error, never
    an Excel day number of 1900–1949.

    With ``grid``, ``rows`` are the dense rows from row 2 on (column ci at index ci - 1, "" or
    None when blank), read column by column (:func:`_dense_rows`) rather than row by row.
    """
    spec = SHEETS[sheet]
    here = _Where(file=file, sheet=sheet, sheet_label=label)
    head = _read_header(sheet, header, here, problems, warnings)
    table: Sequence[Sequence[object]] | list[np.ndarray]
    if grid:
        dense = cast(Sequence[Sequence[object]], rows)
        lead_forms, spelled = head.lead_forms(sheet), head.spelled()
        table, numbers, headerless, repeated = _dense_rows(
            dense, head.columns, set(head.unknown), lead_forms, spelled, here
        )
        problems.extend(repeated)
    else:
        records, numbers, headerless = _sparse_rows(cast(Iterable[tuple[int, Row]], rows), head, sheet, here, problems)
        table = list(zip(*records, strict=True))
    dates = {i for i, ci in enumerate(head.columns) if typed and spec.column(head.kept[ci]).kind == "date"}
    columns, cleaned = _cleaned_columns(table, numbers, head, here, dates, escaped, problems, warnings)
    _headerless(headerless, merged(), here, warnings)
    names = list(head.kept.values())
    frame = pd.DataFrame({name: pd.Series(columns[name], dtype=object) for name in names})
    frame[ROW] = pd.Series(numbers, dtype="int64")
    if cleaned:
        frame = frame[frame[names].notna().any(axis=1)].reset_index(drop=True)
    missing = _missing_columns(sheet, head, here, problems)
    for col in spec.columns:  # optional columns absent from the file are simply blank
        if col.name not in frame.columns:
            frame[col.name] = pd.Series([None] * len(frame), dtype=object)
    return frame, Origin(label, head.origin), missing


# ---- workbooks ------------------------------------------------------------------------------


def _refuse(source: str, words: Wording) -> InputError:
    return InputError([Problem.of_sheet(source, "-", **words)])


def _damaged(source: str, detail: str) -> InputError:
    return _refuse(source, _said("damaged", detail=detail))


def check_archive(path: Path) -> None:
    """Refuse, before any parsing, files that are not plain .xlsx: encrypted, .xls, damaged, zip bombs."""
    source = path.name
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        if path.suffix.lower() == ".xls":
            raise _refuse(source, _said("old_xls"))
        raise _refuse(source, _said("encrypted"))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(
            source, "not a complete zip archive" if not str(exc) else f"{type(exc).__name__}: {exc}"
        ) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise _damaged(source, "it holds no xl/workbook.xml")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise _refuse(source, _said("too_large", size=f"{total / 1024**2:,.0f}", limit=MAX_UNCOMPRESSED // 1024**2))
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size / max(m.compress_size, 1)
            size = f"{m.file_size / 1024**2:,.0f}"
            raise _refuse(
                source, _said("zip_ratio", member=m.filename, ratio=f"{ratio:,.0f}", limit=MAX_RATIO, size=size)
            )


_T = f"{{{SHEET_MAIN_NS}}}t"
_R = f"{{{SHEET_MAIN_NS}}}r"


class _CellParser(WorkSheetParser):  # openpyxl's private parser, through common.compat
    """openpyxl's streaming sheet parser, made total and quicker for the cells intake meets.

    Every ``<v>`` becomes a value, never an exception: a numeric value that is not a plain
    number (``inf``, ``NaN``) is kept as its text and a date-formatted serial outside Excel's
    dates as the number, so that validation names them. Numbers, shared and inline strings are
    read here directly (openpyxl builds an object tree per inline string); other cells go to
    openpyxl. ``formula`` marks cells holding a formula, whose value is the one Excel saved.
    """

    # set by openpyxl's parser: the row being read and the last column read in it
    row_counter: int
    col_counter: int

    def parse_cell(self, element: Any) -> dict[str, Any]:
        kind = element.get("t", "n")
        if kind not in ("n", "s", "inlineStr"):
            try:
                cell = super().parse_cell(element)
            except (ValueError, OverflowError):  # e.g. an ISO date cell (t="d") that is no date: its text
                row, column = (
                    coordinate_to_tuple(element.get("r"))
                    if element.get("r")
                    else (self.row_counter, self.col_counter + 1)
                )
                self.col_counter = column
                cell = {
                    "row": row,
                    "column": column,
                    "value": element.findtext(VALUE_TAG),
                    "data_type": "s",
                    "style_id": 0,
                }
        else:
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            style = int(element.get("s") or 0)
            value: object = None
            if kind == "inlineStr":
                text = element.find(INLINE_STRING)
                if text is not None:
                    plain = text.find(_T)
                    value = (
                        plain.text or ""
                        if plain is not None
                        else "".join(r.findtext(_T) or "" for r in text.iterfind(_R))
                    )
            else:
                raw = element.findtext(VALUE_TAG) or None
                if raw is not None and kind == "s":
                    value = self._shared(raw, coordinate or f"{_letter(column)}{row}")
                elif raw is not None:
                    value = self._number(raw, style)
            cell = {"row": row, "column": column, "value": value, "data_type": kind, "style_id": style}
        if element.find(FORMULA_TAG) is not None:
            cell["formula"] = True
        return cell

    def _shared(self, raw: str, where: str) -> str:
        """The shared string a cell points to; an index that is not one of them (``-1`` would be the last) is damage."""
        index = raw.strip()
        if not index.isdigit() or int(index) >= len(self.shared_strings):
            raise ValueError(
                f"cell {where} points to shared text {raw!r}, but the file holds {len(self.shared_strings)}"
            )
        return self.shared_strings[int(index)]

    def _number(self, raw: str, style: int) -> object:
        if not _PLAIN_NUMBER.match(raw):
            return raw  # inf, NaN, or worse: text, for validation to name
        number = _cast_number(raw)
        if style in self.date_formats:
            if not 0 <= float(number) < _LAST_SERIAL:
                return float(number)  # validation says the date is out of range
            try:
                return from_excel(number, self.epoch, timedelta=style in self.timedelta_formats)
            except (OverflowError, ValueError):
                return float(number)
        return number


#: Cells calamine may lay out as a dense grid (rows × columns of the sheet's extent); a sheet
#: beyond it (a stray value far away) is streamed cell by cell instead.
MAX_GRID = 8_000_000
_APPS = "Excel / WPS"


def _read_xlsx(path: Path) -> RawTables:
    """Read a workbook: values with calamine, structure (formulas, merges, hidden rows) from its parts."""
    source = path.name
    check_archive(path)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    try:
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # pragma: no cover - check_archive opened it already
        raise _damaged(source, f"{type(exc).__name__}: {exc}") from None
    try:
        try:
            book_facts = parts.book_facts(archive)
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # a workbook part that is not XML, a broken zip member, ...
            raise _damaged(source, f"{type(exc).__name__}: {exc}") from None
        reader = _Book(path, source, archive, book, book_facts)
        try:
            return _read_sheets(reader, problems, warnings)
        finally:
            reader.close()
    finally:
        archive.close()


class _Book:
    """One open workbook: calamine for values, the zip for structure, openpyxl only for odd sheets."""

    def __init__(
        self,
        path: Path,
        source: str,
        archive: zipfile.ZipFile,
        book: python_calamine.CalamineWorkbook,
        facts: parts.BookFacts,
    ) -> None:
        self.path, self.source, self.archive, self.book, self.facts = path, source, archive, book, facts
        self._openpyxl: Any = None

    def worksheet(self, title: str) -> Any:
        """The openpyxl read-only worksheet, for a sheet calamine cannot lay out (opened on first need)."""
        if self._openpyxl is None:
            self._openpyxl = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        return self._openpyxl[title]

    def close(self) -> None:
        self.book.close()
        if self._openpyxl is not None:
            self._openpyxl.close()


def _read_sheets(reader: _Book, problems: list[Problem], warnings: list[Problem]) -> RawTables:
    source = reader.source
    found: dict[str, pd.DataFrame] = {}
    origins: dict[str, Origin] = {}
    titles: dict[str, str] = {}
    missing: set[tuple[str, str]] = set()
    where = ""  # the sheet being read, for a damaged part
    try:
        for part in reader.facts.sheets:
            title = part.name
            where = f"sheet {title!r}: "
            sheet = table_of_sheet(title)
            if sheet is None:
                continue
            hidden = part.state != "visible"
            if hidden:
                warnings.append(
                    Problem.of_sheet(
                        source,
                        sheet,
                        severity="warning",
                        sheet_label=title,
                        **_said("sheet_hidden", {"title": repr(title)}, {"title": title}),
                    )
                )
            if sheet in found:
                first = titles[sheet]
                problems.append(
                    Problem.of_sheet(
                        source,
                        sheet,
                        sheet_label=title,
                        **_said(
                            "sheet_twice",
                            {"sheet": sheet, "first": repr(first), "second": repr(title)},
                            {"sheet": _table(sheet, "zh"), "first": first, "second": title},
                        ),
                    )
                )
                continue
            result = _read_sheet_fast(reader, sheet, part, problems, warnings)
            if result is None:  # a sheet calamine cannot lay out or read: streamed cell by cell, as before
                result = _read_sheet(
                    source, sheet, reader.worksheet(title), problems, warnings, reader.facts.calculated
                )
            frame, origin, lacking = result
            found[sheet] = frame
            origins[sheet] = Origin(origin.label, origin.columns, hidden)
            titles[sheet] = title
            missing |= {(sheet, c) for c in lacking}
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet part: bad XML, a broken deflate stream, a CRC error
        raise _damaged(source, f"{where}{type(exc).__name__}: {exc}") from None
    return _finish(source, found, problems, warnings, origins, missing)


_NOT_NUMBERS = (dt.time, dt.timedelta, dt.date)


Fixes = dict[int, dict[int, object]]  # row -> column -> the value to read instead (None: blank)
Found = list[tuple[int, int, object]]  # (row, column, value) of formulas without a usable saved value


def _grid_fixes(grid: list[list[object]], facts: parts.SheetFacts, calculated: bool) -> tuple[Fixes, Found, Found]:
    """What calamine's grid gets wrong, from the sheet's XML: stored numbers it misreads, error
    cells it reads as blank, and formulas whose saved value is missing or a placeholder."""
    fixes: Fixes = {}
    for (r, c), raw in facts.raw.items():  # negative or odd numbers: the stored text decides, as before
        value = grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else ""
        if isinstance(value, str) and value != "":
            continue
        if not _PLAIN_NUMBER.match(raw):
            fixes.setdefault(r, {})[c] = raw  # inf, NaN: kept as text for validation to name
        elif isinstance(value, _NOT_NUMBERS):  # a date-formatted negative serial: the number
            fixes.setdefault(r, {})[c] = float(raw)
    for (r, c), text in facts.errors.items():  # #N/A, #REF!: calamine reads them as blank
        fixes.setdefault(r, {})[c] = text
    uncalculated: Found = []
    placeholders: Found = []
    for (r, c), (cached, kind) in facts.formulas.items():
        if kind == "e":
            continue
        if cached is None or (cached == "" and kind == "n"):  # <v></v> holds no number: no saved value
            uncalculated.append((r, c, None))
            fixes.setdefault(r, {})[c] = None
        elif not calculated and cached.strip() in ("0", ""):
            placeholders.append((r, c, cached))
            fixes.setdefault(r, {})[c] = None
    return fixes, uncalculated, placeholders


def _read_sheet_fast(
    reader: _Book, sheet: str, part: parts.SheetPart, problems: list[Problem], warnings: list[Problem]
) -> tuple[pd.DataFrame, Origin, set[str]] | None:
    """One sheet's values from calamine, corrected and completed with the facts of its XML part.

    None when the sheet must be streamed cell by cell instead: its XML is not the regular shape,
    its extent is too large for a grid (a stray cell far away), or calamine cannot read it (the
    slow reader then names the damage exactly).
    """
    facts = parts.sheet_facts(reader.archive, part.member)
    if not facts.regular or facts.max_row * max(facts.max_col, 1) > MAX_GRID:
        return None
    try:
        grid: list[list[object]] = reader.book.get_sheet_by_name(part.name).to_python(skip_empty_area=False)  # type: ignore[assignment]
    except Exception:
        return None
    fixes, uncalculated, placeholders = _grid_fixes(grid, facts, reader.facts.calculated)
    header: Cells = {ci: v for ci, v in enumerate(grid[0], 1) if v != ""} if grid else {}
    if 1 in fixes:
        header = {ci: v for ci, v in ({**header, **fixes[1]}).items() if v is not None and v != ""}

    for number, fix in fixes.items():  # the grid is this call's own: corrected in place
        if number == 1 or number > len(grid):
            continue
        row = grid[number - 1]
        for ci, v in fix.items():
            if ci > len(row):
                row.extend([""] * (ci - len(row)))
            row[ci - 1] = "" if v is None else v

    def merged() -> set[int]:
        joined: set[int] = set()
        for r1, c1, _, c2 in facts.merges:
            if r1 == 1:
                joined |= set(range(c1 + 1, c2 + 1))
        return joined

    frame, origin, lacking = _frame(
        reader.source, sheet, part.name, header, grid[1:], problems, warnings, typed=True, merged=merged, grid=True
    )
    _hidden_rows_and_columns(
        reader.source, sheet, part.name, facts.hidden_rows, facts.hidden_cols, frame, origin, warnings
    )
    _merged_data_cells(reader.source, sheet, part.name, facts.merges, frame, origin, problems)
    _formula_problems(reader.source, sheet, part.name, origin, uncalculated, placeholders, problems)
    return frame, origin, lacking


def _formula_problems(
    source: str,
    sheet: str,
    label: str,
    origin: Origin,
    uncalculated: list[tuple[int, int, object]],
    placeholders: list[tuple[int, int, object]],
    problems: list[Problem],
) -> None:
    """Formulas whose value was never saved, or saved as a placeholder by a program that never calculated it."""
    reverse = {ci: name for name, (_, ci) in origin.columns.items()}
    unsaved = _said("formula_unsaved", {"apps": _unsaved_apps("en")}, {"apps": _unsaved_apps("zh")})
    found = [(idx, ci, unsaved) for idx, ci, _ in uncalculated] + [
        (idx, ci, _said("formula_placeholder", value=str(cached), apps=_APPS)) for idx, ci, cached in placeholders
    ]
    for idx, ci, words in found:
        if ci in reverse:
            problems.append(Problem(source, sheet, idx, reverse[ci], None, sheet_label=label, col_index=ci, **words))


#: Names a Chinese phrase writes as they are (programs, formats, units): filled into every phrase.
_NAMES = {
    "excel": "Excel",
    "xlsx": ".xlsx",
    "xls": ".xls",
    "csv": "CSV",
    "utf8": "UTF-8",
    "mb": "MB",
    "windows": "Windows",
    "readme": "README",
    "gbk": "GBK/GB18030",
    "command": "`assess template`",
}


def _phrase(key: str, lang: str, **values: object) -> str:
    """One phrase of the ``reader`` catalogue section in ``lang``, the names above filled in."""
    return message("reader", key, lang, **_NAMES, **values)


def _said(
    key: str, en: dict[str, object] | None = None, zh: dict[str, object] | None = None, /, **values: Any
) -> Wording:
    """``rule``, ``fix`` and their Chinese wording from the ``reader`` catalogue section.

    ``values`` fill both languages; ``en`` and ``zh`` what each language names its own way. A
    fix that starts with a shared one (``{resave}``, ``{csv_resave}``) gets it in its language.
    """
    out = {}
    for lang, own in (("en", en), ("zh", zh)):
        filled = {**values, **(own or {})}
        filled["resave"] = _phrase("resave", lang)
        filled["csv_utf8"] = _phrase("csv_utf8", lang)
        filled["csv_resave"] = _phrase("csv_resave", lang, csv_utf8=filled["csv_utf8"])
        suffix = "" if lang == "en" else "_zh"
        out["rule" + suffix] = _phrase(f"{key}_rule", lang, **filled)
        out["fix" + suffix] = _phrase(f"{key}_fix", lang, **filled)
    return cast(Wording, out)


def _unsaved_apps(lang: str) -> str:
    """The programs that calculate and save a formula's value, as ``lang`` lists them."""
    others = ("LibreOffice",) if lang == "en" else ("WPS", "LibreOffice")
    return _phrase("unsaved_apps", lang, others=listed(others, lang))


def _table(sheet: str, lang: str) -> str:
    """A table named in ``lang``: ``visits``, or ``走访（visits）``."""
    return _phrase("table", lang, zh=SHEETS[sheet].zh, name=sheet)


def _merged_data_cells(
    source: str,
    sheet: str,
    label: str,
    merges: Iterable[tuple[int, int, int, int]],
    frame: pd.DataFrame,
    origin: Origin,
    problems: list[Problem],
) -> None:
    """Merged cells inside the table: every cell a merge blanks out (all but its top-left one) is an error.

    A merged cell keeps its value only in its first cell, so a ``submitted_on`` merged over two
    months would read as "never submitted" for the second; header merges are warned about by
    :func:`_frame`.
    """
    reverse = {ci: name for name, (_, ci) in origin.columns.items()}
    present = set(frame[ROW].tolist())
    for r1, c1, r2, c2 in merges:
        if r2 < 2:
            continue
        anchor = f"{_letter(c1)}{r1}"
        where = f"{anchor}:{_letter(c2)}{r2}"
        for row in range(max(r1, 2), r2 + 1):
            if row not in present:
                continue
            for ci in range(c1, c2 + 1):
                if (row, ci) == (r1, c1) or ci not in reverse:
                    continue
                problems.append(
                    Problem(
                        source,
                        sheet,
                        row,
                        reverse[ci],
                        None,
                        sheet_label=label,
                        col_index=ci,
                        **_said("merged", range=where, anchor=anchor),
                    )
                )


def _read_sheet(
    source: str, sheet: str, ws: Any, problems: list[Problem], warnings: list[Problem], calculated: bool = True
) -> tuple[pd.DataFrame, Origin, set[str]]:
    """Stream one worksheet's cells (only those present) into :func:`_frame`; formulas are read by their saved value.

    The reader of sheets calamine cannot lay out (a stray value far away, positions not written)
    or read (damaged parts, whose error it names).
    """
    with sheet_source(ws) as src:  # openpyxl's read-only sheets expose no public sparse reader
        parser = _CellParser(src, data_only=True, date_formats=_date_styles(ws.parent), **sheet_parser_options(ws))
        cells = parser.parse()
        header: Cells = {}
        first: list[tuple[int, list[dict]]] = []
        for idx, row in cells:
            if idx == 1:
                header = {c["column"]: c["value"] for c in row if c["value"] is not None}
            else:
                first.append((idx, row))
            break
        uncalculated: list[tuple[int, int, object]] = []
        placeholders: list[tuple[int, int, object]] = []

        def rows() -> Iterator[tuple[int, Cells]]:
            for idx, row in itertools.chain(first, cells):
                values = {}
                for c in row:
                    if c.get("formula") and c["value"] is None:
                        uncalculated.append((idx, c["column"], None))
                    elif c.get("formula") and not calculated and str(c["value"]).strip() in ("0", ""):
                        placeholders.append((idx, c["column"], c["value"]))
                    elif c["value"] is not None:
                        values[c["column"]] = c["value"]
                yield idx, values

        def ranges() -> list[tuple[int, int, int, int]]:
            out = []
            for rng in getattr(parser.merged_cells, "mergeCell", None) or []:
                lo_col, lo_row, hi_col, hi_row = range_boundaries(rng.ref)
                out.append((lo_row, lo_col, hi_row, hi_col))
            return out

        def merged() -> set[int]:
            joined: set[int] = set()
            for lo_row, lo_col, _, hi_col in ranges():
                if lo_row == 1:
                    joined |= set(range(lo_col + 1, hi_col + 1))
            return joined

        frame, origin, lacking = _frame(
            source, sheet, ws.title, header, rows(), problems, warnings, escaped=True, typed=True, merged=merged
        )
    _hidden_rows_and_columns(source, sheet, ws.title, *_hidden_of(parser), frame, origin, warnings)
    _merged_data_cells(source, sheet, ws.title, ranges(), frame, origin, problems)
    _formula_problems(source, sheet, ws.title, origin, uncalculated, placeholders, problems)
    return frame, origin, lacking


#: Built-in number formats that are dates in Chinese, Japanese and Korean Excel (``yyyy"年"m"月"d"日"``,
#: ``yyyy年m月``, ...): their ids carry no format code in the file, and openpyxl takes them for numbers.
CJK_DATE_FORMATS = frozenset([*range(27, 37), *range(50, 59)])


def _date_styles(book: Any) -> set[int]:
    """The cell styles openpyxl reads as dates, and those with a built-in CJK date format."""
    cell_styles, date_styles = workbook_styles(book)
    cjk = {i for i, style in enumerate(cell_styles) if style.numFmtId in CJK_DATE_FORMATS}
    return set(date_styles) | cjk


def _hidden_of(parser: Any) -> tuple[set[int], list[tuple[int, int]]]:
    def hidden(attrs: dict) -> bool:
        return str(attrs.get("hidden", "")).lower() in ("1", "true")

    rows = {int(r) for r, attrs in parser.row_dimensions.items() if hidden(attrs) and str(r).isdigit()}
    spans = []
    for attrs in parser.column_dimensions.values():
        if hidden(attrs):
            try:
                spans.append((int(attrs.get("min", 0)), int(attrs.get("max", attrs.get("min", 0)))))
            except ValueError:
                continue
    return rows, spans


def _hidden_rows_and_columns(
    source: str,
    sheet: str,
    label: str,
    hidden_rows: set[int],
    spans: list[tuple[int, int]],
    frame: pd.DataFrame,
    origin: Origin,
    warnings: list[Problem],
) -> None:
    """Rows and columns hidden in Excel (by hand or by a filter) are read like visible ones: say so, as for hidden sheets."""
    rows = sorted(hidden_rows & set(frame[ROW].tolist()))
    if rows:
        shown = {
            lang: listed(rows[:5], lang) + (message("input_rules", "and_more", lang) if len(rows) > 5 else "")
            for lang in ("en", "zh")
        }
        warnings.append(
            Problem.of_sheet(
                source,
                sheet,
                rows[0],
                severity="warning",
                sheet_label=label,
                **_said("hidden_rows", {"shown": shown["en"]}, {"shown": shown["zh"]}, n=len(rows)),
            )
        )
    columns = [
        (ci, name, text) for name, (text, ci) in origin.columns.items() if any(lo <= ci <= hi for lo, hi in spans)
    ]
    for ci, name, text in sorted(columns):
        warnings.append(
            Problem(
                source,
                sheet,
                1,
                name,
                text,
                severity="warning",
                sheet_label=label,
                col_index=ci,
                column_label=text,
                **_said("hidden_column", letter=_letter(ci), text=text),
            )
        )


def _finish(
    source: str,
    found: dict[str, pd.DataFrame],
    problems: list[Problem],
    warnings: list[Problem],
    origins: dict[str, Origin],
    missing: set[tuple[str, str]],
    files: dict[str, str] | None = None,
    seen: list[str] | None = None,
) -> RawTables:
    for sheet, spec in SHEETS.items():
        if sheet in found:
            continue
        if spec.optional:
            found[sheet], _, _ = _frame(
                source, sheet, "", {i: c.name for i, c in enumerate(spec.columns, 1)}, [], [], []
            )
            continue
        if files and sheet in files:  # its file is there but could not be read: that problem is already named
            continue
        close = difflib.get_close_matches(spec.zh, seen or [], n=1, cutoff=0.5) or difflib.get_close_matches(
            sheet, [s.lower() for s in seen or []], n=1, cutoff=0.6
        )
        hint = {
            lang: _phrase(
                "sheet_missing_hint", lang, close=repr(close[0]) if lang == "en" else close[0], zh=spec.zh, sheet=sheet
            )
            if close
            else ""
            for lang in ("en", "zh")
        }
        problems.append(
            Problem.of_sheet(
                source,
                sheet,
                **_said(
                    "sheet_missing",
                    {"hint": hint["en"], "named": ""},
                    {"hint": hint["zh"], "named": _phrase("named", "zh", zh=spec.zh, name=sheet)},
                    sheet=sheet,
                    zh=spec.zh,
                ),
            )
        )
    return RawTables(
        source,
        {name: found[name] for name in SHEETS if name in found},
        problems,
        files or {},
        warnings,
        origins,
        frozenset(missing),
    )


# ---- CSV folders ----------------------------------------------------------------------------


def _read_csv_folder(path: Path) -> RawTables:
    source = path.name
    problems: list[Problem] = []
    warnings: list[Problem] = []
    found: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    origins: dict[str, Origin] = {}
    missing: set[tuple[str, str]] = set()
    csvs = _csv_files(path)
    broken: dict[str, str] = {}
    for entry in sorted(path.iterdir()):  # named like a table but no file to read: never silently left out
        sheet = table_of_sheet(entry.stem) if entry.suffix.lower() == ".csv" else None
        if sheet is None or entry.is_file():
            continue
        kind = (
            "kind_folder"
            if entry.is_dir()
            else "kind_dangling"
            if entry.is_symlink() and not entry.exists()
            else "kind_other"
        )
        problems.append(
            Problem.of_sheet(
                f"{source}/{entry.name}",
                sheet,
                sheet_label=entry.stem,
                **_said(
                    "entry_not_file",
                    {"name": repr(entry.name), "kind": _phrase(kind, "en"), "sheet": sheet},
                    {"name": entry.name, "kind": _phrase(kind, "zh"), "sheet": _table(sheet, "zh")},
                ),
            )
        )
        broken.setdefault(sheet, f"{source}/{entry.name}")
    for file in csvs:
        sheet = table_of_sheet(file.stem)
        if sheet is None:
            continue
        name = f"{source}/{file.name}"
        if sheet in files:
            problems.append(
                Problem.of_sheet(
                    name,
                    sheet,
                    sheet_label=file.stem,
                    **_said(
                        "csv_twice",
                        {"sheet": sheet, "first": repr(Path(files[sheet]).name), "second": repr(file.name)},
                        {"sheet": _table(sheet, "zh"), "first": Path(files[sheet]).name, "second": file.name},
                    ),
                )
            )
            continue
        files[sheet] = name
        rows = _read_csv(file, name, sheet, problems)
        if rows is None:
            continue
        header = {i: v for i, v in enumerate(rows[0], 1) if v != ""} if rows else {}
        frame, origin, lacking = _frame(name, sheet, file.stem, header, rows[1:], problems, warnings, grid=True)
        found[sheet] = frame
        origins[sheet] = origin
        missing |= {(sheet, c) for c in lacking}
    return _finish(source, found, problems, warnings, origins, missing, broken | files, [p.stem for p in csvs])


def _read_csv(file: Path, name: str, sheet: str, problems: list[Problem]) -> list[tuple] | None:
    """Rows of one CSV file as text, or None (with a problem) when it is not UTF-8 CSV, too large or unreadable."""
    try:
        size = file.stat().st_size
        data = file.read_bytes() if size <= MAX_UNCOMPRESSED else b""
    except OSError as exc:
        problems.append(
            Problem.of_sheet(name, sheet, sheet_label=file.stem, **_said("unreadable", error=exc.strerror or exc))
        )
        return None
    if size > MAX_UNCOMPRESSED:
        problems.append(
            Problem.of_sheet(
                name,
                sheet,
                sheet_label=file.stem,
                **_said("csv_too_large", size=f"{size:,}", limit=MAX_UNCOMPRESSED // 1024**2),
            )
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
            guess = {lang: _phrase("gbk_guess", lang) for lang in ("en", "zh")}
        except UnicodeDecodeError:
            guess = {"en": "", "zh": ""}
        problems.append(
            Problem.of_sheet(
                name,
                sheet,
                sheet_label=file.stem,
                **_said("not_utf8", {"guess": guess["en"]}, {"guess": guess["zh"]}, byte=exc.start),
            )
        )
        return None
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    except pd.errors.EmptyDataError:
        return []
    except pd.errors.ParserError as exc:
        problems.append(
            Problem.of_sheet(
                name, sheet, sheet_label=file.stem, **_said("csv_broken", error=str(exc).replace("\n", " "))
            )
        )
        return None
    return list(table.itertuples(index=False, name=None))


def read_tables(path: str | Path) -> RawTables:
    """Read a workbook (``.xlsx``) or a folder of CSV files named like the sheets.

    Raises :class:`~assess.intake._problems.InputError` when the path cannot be read at all (missing,
    encrypted, damaged, .xls, too large); problems with sheets or headers are returned in
    ``problems`` for validation to report with the rest, and notices in ``warnings``.
    """
    path = Path(path)
    if path.is_dir():
        return _read_csv_folder(path)
    if not path.exists():
        raise _refuse(path.name, _said("not_found", path=repr(str(path))))
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        raise _refuse(path.name, _said("not_a_workbook"))
    return _read_xlsx(path)
