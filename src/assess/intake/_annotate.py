"""The office's workbook marked up for the groups: every bad cell red, with the problem and the fix.

:func:`annotate` writes a copy of the input (never the input itself): each cell a problem
points to is filled light red and carries a comment with the problem and how to fix it, in
English or Chinese; a first sheet ``问题清单`` (``problem_list`` in English) lists every
problem and pre-flight warning by working group, so each group can be sent its own rows.
Nothing else changes: values, formulas and the other sheets are as the office wrote them.

Locating a problem: the sheet by its name in the workbook (``Problem.sheet_label``) or by
the canonical name any alias maps to; the row is the Excel row; the column by
``Problem.col_index``, else by finding ``column_label`` / ``column`` (or its Chinese alias)
in the header row. A problem about a whole sheet or column, or about a column the sheet
does not have, marks the sheet's first header cell (A1). Warnings are only listed: they are
about data that is absent, not about a cell. A folder of CSV files gives an ``.xlsx`` copy
with one sheet per CSV file, its cells as text exactly as in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assess.common import AssessError, Domain, check_lang
from assess.intake._problems import Problem
from assess.intake._read import atomic_path, table_of_sheet
from assess.intake._spec import SHEETS

__all__ = ["annotate", "Annotated", "check_target", "ANNOTATE_WORDS", "LIST_SHEET", "RED"]

#: The fill of a bad cell (Excel's light red for "bad").
RED = "FFC7CE"


class _Names(Mapping[str, str]):
    """One phrase of a catalogue section in every language, as ``lang → phrase``."""

    def __init__(self, domain: Domain, key: str) -> None:
        self._domain, self._key = domain, key

    def __getitem__(self, lang: str) -> str:
        return self._domain[lang][self._key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._domain)

    def __len__(self) -> int:
        return len(self._domain)


#: The words of the marked copy, ``lang → {key: phrase}`` (section ``annotate`` of the catalogues).
ANNOTATE_WORDS = Domain("annotate")
#: Name of the first sheet, the list of problems, ``lang → name``. Not ``problems`` in English:
#: that is an input sheet's name, and a corrected copy must read back as the office's workbook.
LIST_SHEET = _Names(ANNOTATE_WORDS, "list_sheet")
_HEAD = ("group_id", "sheet", "row", "column", "value", "problem", "fix", "level")
_COLUMN_LETTER = re.compile(r"^column ([A-Z]{1,3})$")


@dataclass(frozen=True)
class Annotated:
    """What :func:`annotate` wrote: the copy, the marked cells ``(sheet, "C7")`` and the listed problems."""

    path: Path
    marked: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    listed: int = 0


def check_target(source: str | Path, target: str | Path, lang: str = "en") -> Path:
    """The annotated copy's path, refused (in ``lang``) when it would overwrite the input or is not ``.xlsx``."""
    words = ANNOTATE_WORDS[check_lang(lang)]
    source, target = Path(source), Path(target)
    if target.suffix.lower() != ".xlsx":
        raise AssessError(words["target_not_xlsx"].format(target=target))
    same = target.resolve() == source.resolve() or (target.exists() and source.exists() and target.samefile(source))
    if same:
        example = source.with_name(source.stem + "-marked.xlsx")
        raise AssessError(words["target_is_input"].format(target=target, example=example))
    if target.is_dir():
        raise AssessError(
            words["target_is_folder"].format(target=target, example=target / (source.stem + "-marked.xlsx"))
        )
    probe = target.parent
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise AssessError(words["target_in_file"].format(target=target, probe=probe))
    return target


def _words(p: Problem, lang: str) -> tuple[str, str]:
    if lang == "zh":
        return p.rule_zh or p.rule, p.fix_zh or p.fix
    return p.rule, p.fix


def _open(source: Path) -> openpyxl.Workbook:
    """The workbook to mark: the .xlsx itself, or one sheet per CSV file of a folder."""
    if not source.is_dir():
        return openpyxl.load_workbook(source)  # formulas kept as formulas
    book = openpyxl.Workbook()
    book.remove(book.active)
    for file in sorted(source.glob("*.csv")):
        try:
            table = pd.read_csv(file, dtype=str, keep_default_na=False, header=None, encoding="utf-8-sig")
        except pd.errors.EmptyDataError:
            table = pd.DataFrame()
        except (UnicodeDecodeError, pd.errors.ParserError):
            continue  # validation reports the file; there is no cell to mark
        ws = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", file.stem)[:31])
        for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
            for c, value in enumerate(row, start=1):
                if value != "":
                    cell = ws.cell(row=r, column=c, value=value)
                    cell.data_type = "s"  # text exactly as in the file, never a formula
    return book


def _sheet(book: openpyxl.Workbook, p: Problem) -> Worksheet | None:
    if p.sheet_label and p.sheet_label in book.sheetnames:
        return book[p.sheet_label]
    if p.sheet in book.sheetnames:
        return book[p.sheet]
    return next((ws for ws in book.worksheets if table_of_sheet(ws.title) == p.sheet), None)


def _header_index(ws: Worksheet, name: str, sheet: str) -> int | None:
    """1-based column of header ``name`` (its English or Chinese form) in row 1."""
    m = _COLUMN_LETTER.match(name)
    if m:
        return column_index_from_string(m.group(1))
    wanted = {name.strip().lower()}
    spec = SHEETS.get(sheet)
    if spec is not None and any(c.name == name for c in spec.columns):
        wanted.add(spec.column(name).zh)
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        if cell.value is not None and str(cell.value).strip().lower() in wanted:
            return cell.column
    return None


def _cells(ws: Worksheet, p: Problem) -> tuple[list[tuple[int, int]], bool]:
    """The cells ``p`` points to, (row, column), at least one; and whether its column was found."""
    row = p.row if p.row is not None else 1
    if p.col_index:
        return [(row, p.col_index)], True
    names = [n.strip() for n in (p.column_label or p.column or "").split(",") if n.strip()]
    found = [j for j in (_header_index(ws, n, p.sheet) for n in names) if j is not None]
    if not found:
        return ([(1, 1)] if p.row in (None, 1) else [(row, 1)]), False
    return [(row, j) for j in dict.fromkeys(found)], True


def _group_of(ws: Worksheet | None, p: Problem) -> str:
    if p.group_id:
        return p.group_id
    if ws is None or p.row is None or p.row < 2:
        return ""
    j = (
        _header_index(ws, "group_id", p.sheet)
        if SHEETS.get(p.sheet) and any(c.name == "group_id" for c in SHEETS[p.sheet].columns)
        else None
    )
    value = ws.cell(row=p.row, column=j).value if j else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _show(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def annotate(source: str | Path, target: str | Path, problems: list[Problem], lang: str = "en") -> Annotated:
    """Write a marked copy of ``source`` (a workbook or CSV folder) to ``target`` (``.xlsx``).

    ``problems`` are validation problems (marked and listed) and pre-flight warnings
    (``severity="warning"``, listed only). The source is only read. Raises
    :class:`~assess.common._errors.AssessError` when ``target`` is the source or not ``.xlsx``.
    """
    words = ANNOTATE_WORDS[check_lang(lang)]
    source = Path(source)
    target = check_target(source, target, lang)
    try:
        book = _open(source)
    except Exception:  # encrypted, damaged, not a workbook: intake has said why; the copy holds the list alone
        book = openpyxl.Workbook()
        book.remove(book.active)
    marks: dict[tuple[str, int, int], list[Problem]] = {}
    rows = []
    order = list(SHEETS)
    for p in problems:
        ws = _sheet(book, p)
        cells, located = _cells(ws, p) if ws is not None else ([], False)
        if ws is not None and p.severity != "warning":
            for r, c in cells:
                marks.setdefault((ws.title, r, c), []).append(p)
        column = p.column_label or p.column
        if ws is not None and not p.column_label and located and p.column:  # the header as written in the workbook
            heads = [ws.cell(row=1, column=c).value for _, c in cells]
            column = ", ".join(str(h) for h in heads) if all(h is not None for h in heads) else p.column
        rule, fix = _words(p, lang)
        rows.append(
            (
                _group_of(ws, p), p.sheet_label or (ws.title if ws is not None else p.sheet), p.row, column,
                _show(p.value), rule, fix, words[f"level.{p.severity}"] if f"level.{p.severity}" in words else p.severity,
                (p.severity == "warning", order.index(p.sheet) if p.sheet in order else len(order), p.row or 0, cells[0][1] if cells else 0),
            )
        )  # fmt: skip
    for (title, r, c), found in marks.items():
        cell = book[title].cell(row=r, column=c)
        cell.fill = PatternFill("solid", fgColor=RED)
        text = "\n".join(words["comment"].format(rule=rule, fix=fix) for rule, fix in (_words(p, lang) for p in found))
        if cell.comment is not None:
            text = f"{cell.comment.text}\n—\n{text}"
        comment = Comment(text, "assess")
        comment.width, comment.height = 320, 60 + 50 * len(found)
        cell.comment = comment
    rows.sort(key=lambda r: (r[0] != "", r[0], r[8]))
    _write_list(book.create_sheet(LIST_SHEET[lang], 0), words, [r[:8] for r in rows])
    book.active = 0
    for ws in book.worksheets[1:]:
        ws.sheet_view.tabSelected = False
    with atomic_path(target) as tmp:
        book.save(tmp)
    return Annotated(target, frozenset((t, f"{get_column_letter(c)}{r}") for t, r, c in marks), len(rows))


def _write_list(ws: Worksheet, words: Mapping[str, str], rows: list[tuple]) -> None:
    ws.append([words[f"head.{key}"] for key in _HEAD])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE5F0")
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                cell.data_type = "s"  # a bad value that looks like a formula stays text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGH", (12, 14, 6, 16, 20, 48, 40, 8), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
