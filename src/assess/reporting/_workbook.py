"""Writing Excel files: ``scores.xlsx`` and the blank input template. I/O only.

Text cells that start with ``=``, ``+``, ``-`` or ``@`` are stored as literal strings
(openpyxl's ``data_type = "s"``) so that Excel shows them as text and never evaluates them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assess.analysis import COHERENCE_WORDS, SCENARIO_WORDS, importance
from assess.common import DEFAULT_TIMEZONE, Domain, atomic_write, message, source_date_epoch, stamp
from assess.intake import SHEETS, Scheme
from assess.reporting import _facts as facts
from assess.reporting._i18n import mark
from assess.scoring import SUMMARY_WORDS, Result

__all__ = ["write_tables", "write_template", "write_scores", "provenance_table", "header_labels"]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_FORMULA_START = ("=", "+", "-", "@")
_SIGNED = {"bonus": "+0.0;-0.0;0.0", "deduction": "-0.0;+0.0;0.0"}
_DATE_FORMAT = "YYYY-MM-DD"  # how a date is typed, in every language
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
        kinds[j] = (
            "date"
            if pd.api.types.is_datetime64_any_dtype(dtype)
            else "float"
            if pd.api.types.is_float_dtype(dtype)
            else "int"
            if pd.api.types.is_integer_dtype(dtype)
            else "text"
        )
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


def write_tables(
    path: str | Path,
    tables: Mapping[str, pd.DataFrame],
    fills: Mapping[str, Mapping[str, str]] | None = None,
    *,
    finish: Callable[[openpyxl.Workbook], None] | None = None,
) -> Path:
    """Write one sheet per DataFrame to ``path`` atomically (nothing half-written on failure).

    ``fills`` optionally colours rows: ``{sheet: {column: ..., value -> hex colour}}`` is
    given as ``{sheet: {"column": name, value: colour, ...}}``. ``finish`` may change the
    workbook (add sheets, comments) before it is saved.
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
    if finish is not None:
        finish(book)
    _save(book, path)
    return path


def _save(book: openpyxl.Workbook, path: Path) -> None:
    """Save ``book`` atomically; under ``SOURCE_DATE_EPOCH``, byte for byte reproducibly."""
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(path, _reproducible(buffer.getvalue()))


def _reproducible(xlsx: bytes) -> bytes:
    """Pin every time in an .xlsx to ``SOURCE_DATE_EPOCH`` (zip entries, ``docProps/core.xml``)."""
    epoch = source_date_epoch()
    if epoch is None:
        return xlsx
    when = max(epoch, datetime(1980, 1, 1, tzinfo=UTC))  # zip times start in 1980
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rb"\g<1>" + stamp + rb"\g<3>", data
                )
            info = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, item.external_attr
            dst.writestr(info, data)
    return out.getvalue()


def write_template(
    path: str | Path, rows: Mapping[str, pd.DataFrame] | None = None, *, lang: str = "en", note: str = ""
) -> Path:
    """Write a blank input workbook: every sheet with its header, a bilingual README sheet,
    dropdowns for the enumerations and date formats on date columns.

    With ``rows`` (a group's submission, :func:`assess.intake._collect.submission_tables`) only
    those sheets are written, pre-filled with the given rows; ``lang="zh"`` names the sheets and
    headers in Chinese (intake reads both), and ``note`` opens the README sheet.
    """
    path = Path(path)
    zh = lang == "zh" and rows is not None
    book = openpyxl.Workbook()
    _template_readme(book.active, note)
    for sheet in SHEETS.values():
        if rows is not None and sheet.name not in rows:
            continue
        ws = book.create_sheet(sheet.zh if zh else sheet.name)
        ws.append([c.zh if zh else c.name for c in sheet.columns])
        if rows is not None:
            _template_rows(ws, sheet.columns, rows[sheet.name], zh)
        for j, col in enumerate(sheet.columns, start=1):
            _template_column(ws, j, col, zh, submission=rows is not None)
        ws.freeze_panes = "A2"
    _save(book, path)
    return path


def _template_readme(readme: Worksheet, note: str) -> None:
    """The README sheet: every column of every sheet, in English and Chinese side by side."""
    readme.title = "README"
    if note:
        readme.append([note])
        readme.append([])
    en, cn = TEMPLATE["en"], TEMPLATE["zh"]
    readme.append(
        [en["sheet"], cn["sheet"], en["column"], f"{cn['alias']} ({en['alias']})", f"{en['required']} {cn['required']}",
         en["meaning"], cn["meaning"]]
    )  # fmt: skip
    for cell in readme[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for sheet in SHEETS.values():
        for col in sheet.columns:
            answer = "yes" if col.required else "no"
            required = f"{en[answer]} {cn[answer]}"
            if sheet.optional:
                required += f" ({en['optional_sheet']} {cn['optional_sheet']})"
            readme.append([sheet.name, sheet.zh, col.name, col.zh, required, col.en_help, col.zh_help])
    readme.append([])
    notes = [TEMPLATE.text("aliases_note", lang, program="Excel", format=_DATE_FORMAT) for lang in ("en", "zh")]
    readme.append([" ".join(notes)])
    for j, width in enumerate((14, 12, 22, 16, 22, 52, 40), start=1):
        readme.column_dimensions[get_column_letter(j)].width = width
    readme.freeze_panes = "A2"


def _template_column(ws: Worksheet, j: int, col: Any, zh: bool, *, submission: bool) -> None:
    """Column ``j`` of a template sheet: its header's style and width, and the check its cells get
    (a dropdown, a date, text for months, quarters and IDs, a range for numbers) in the cells' language."""
    head = ws.cell(row=1, column=j)
    head.font, head.fill = _HEADER_FONT, _HEADER_FILL
    letter = get_column_letter(j)
    ws.column_dimensions[letter].width = max(14, len(col.name) + 4)
    cells = f"{letter}2:{letter}5000"
    shown = "zh" if zh else "en"  # the language of the cells
    last = 2 if submission else 502  # a submission formats the column, so no empty cell is written (read faster)
    if col.kind == "enum":
        choices = list(col.values.values()) if zh else list(col.values)  # the values the cells show
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=not col.required)
        dv.error = message("collect", "choose_one", shown, values=mark("list_separator", shown).join(choices))
        dv.errorTitle = message("collect", "invalid_value", shown)
        ws.add_data_validation(dv)
        dv.add(cells)
    elif col.kind == "date":
        if submission:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        for row in range(2, last):
            ws.cell(row=row, column=j).number_format = "yyyy-mm-dd"
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        dv.error = TEMPLATE.text("enter_date", shown, format=_DATE_FORMAT)
        ws.add_data_validation(dv)
        dv.add(cells)
    elif col.kind in ("month", "quarter", "id"):
        if submission:
            ws.column_dimensions[letter].number_format = "@"
        for row in range(2, last):
            ws.cell(row=row, column=j).number_format = "@"  # text, so 2025-03 stays text
    if col.kind == "number" and col.min is not None:
        op = (
            {"type": "decimal", "operator": "between", "formula1": str(col.min), "formula2": str(col.max)}
            if col.max is not None
            else {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": str(col.min)}
        )
        dv = DataValidation(allow_blank=True, **op)
        ws.add_data_validation(dv)
        dv.add(cells)
    head.alignment = Alignment(horizontal="center")


def _template_rows(ws: Worksheet, columns: tuple, frame: pd.DataFrame, zh: bool) -> None:
    """Pre-fill a template sheet from row 2 (enumerations in Chinese with ``zh``; text never a formula)."""
    for i, record in enumerate(frame[[c.name for c in columns]].itertuples(index=False, name=None), start=2):
        for j, (col, v) in enumerate(zip(columns, record, strict=True), start=1):
            value = _cell_value(v)
            if value is None:
                continue
            if col.kind == "enum" and zh:
                value = col.values.get(str(value), value)
            if isinstance(value, datetime):
                value = value.date()
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif col.kind == "date":
                cell.number_format = "yyyy-mm-dd"


_GRADE_COLOURS = ("C6EFCE", "DDEBF7", "FFF2CC", "F8CBAD", "E7E6E6", "D9D2E9")


def provenance_table(meta: Mapping[str, object], scheme: Scheme | None = None, lang: str = "en") -> pd.DataFrame:
    """The provenance of a result as a two-column key/value table (times in the scheme's time zone).

    The keys stay machine names in every language (scripts read them back); the settings of an
    uncertainty analysis are written in ``lang``.
    """
    keys: tuple[str, ...] = (
        "input",
        "input_sha256",
        "scheme_name",
        "scheme_sha256",
        "version",
        "year",
        "as_of",
        "generated_at",
        "timezone",
    )
    timezone = scheme.timezone if scheme is not None else DEFAULT_TIMEZONE
    values = {**meta, "scheme_name": meta.get("scheme_name", ""), "timezone": timezone}
    if meta.get("generated_at"):  # in the office's local time, with its UTC offset
        values["generated_at"] = stamp(str(meta["generated_at"]), timezone)
    if meta.get("uncertainty"):  # every output showing a probability records how it was drawn
        from assess.reporting._uncertainty_text import settings_text

        keys = (*keys, "uncertainty")
        values["uncertainty"] = settings_text(meta["uncertainty"], lang)  # type: ignore[arg-type]
    return pd.DataFrame({"key": list(keys), "value": pd.Series([values.get(k, "") for k in keys], dtype=object)})


def write_scores(result: Result, path: str | Path, lang: str = "en") -> Path:
    """Write ``scores.xlsx``: a first, printable sheet ``summary`` (``考核结果汇总`` with
    ``lang="zh"``), then sheets ``scores``, ``indicators``, ``contributions``,
    ``importance``, ``ratings_quality``, ``flags``, ``overdue_problems``, ``provenance`` (and ``year_over_year`` with a previous year;
    ``uncertainty`` and ``sensitivity`` with an uncertainty analysis; ``scenarios`` and
    ``coherence`` — ``替代方案`` and ``指标体系一致性`` with ``lang="zh"``, headers in the run's
    language — when the result carries them).

    The sheets after the summary keep their machine names and English headers, for formulas
    and scripts (``pd.read_excel(..., sheet_name="scores")`` reads them as they are); with
    ``lang="zh"`` each of their header cells carries its Chinese label as a cell comment (and
    each provenance key its label), and the fixed values the program writes — flags and their
    details, statuses, changes of grade, priorities, the sensitivity's outputs and factors —
    are written in Chinese. Identifiers stay: group IDs, indicator and component names, the
    scheme's grade codes (last year's file is read back by them) and the provenance keys.
    """
    if lang not in SUMMARY_WORDS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(SUMMARY_WORDS)}.")
    bands = result.scheme.band_names
    colours = {
        "column": "grade",
        **{name: _GRADE_COLOURS[min(i, len(_GRADE_COLOURS) - 1)] for i, name in enumerate(bands)},
    }
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
    # every overdue problem: a report lists the first few and points here for the rest
    tables[facts.OVERDUE_SHEET] = facts.all_overdue_problems(result)
    if result.scenarios is not None and not result.scenarios.empty:  # headers in the run's language
        from assess.analysis import scenario_sheet

        tables[SCENARIO_WORDS[lang]["sheet"]] = scenario_sheet(result, lang)
    if result.coherence is not None and not result.coherence.empty:
        from assess.analysis import coherence_sheet

        tables[COHERENCE_WORDS[lang]["sheet"]] = coherence_sheet(result, lang)
    tables["provenance"] = provenance_table(result.meta, result.scheme, lang)
    localised = {SCENARIO_WORDS[lang]["sheet"], COHERENCE_WORDS[lang]["sheet"]}
    if lang != "en":
        tables = _values_in_words(tables, result, lang)

    def finish(book: openpyxl.Workbook) -> None:
        _write_summary(book.create_sheet(SUMMARY_WORDS[lang]["sheet"], 0), result, lang)
        book.active = 0
        if lang == "zh":
            for name in tables:
                if name not in localised:
                    _label_headers(book[name], header_labels(result, "zh"))
            _label_keys(book["provenance"], {key: PROVENANCE[lang][key] for key in PROVENANCE[lang]})

    return write_tables(path, tables, fills={"scores": colours}, finish=finish)


# ---- the summary sheet and the Chinese header labels -----------------------------------------

_TITLE_FONT = Font(bold=True, size=14)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_PARTIAL_FONT = Font(italic=True, color="7F7F7F")
#: Rows of the summary sheet: title, subtitle (office, dates), header, then one row per group.
SUMMARY_HEADER_ROW = 3

#: What each machine header of ``scores.xlsx`` means, ``lang → {column: phrase}`` (a comment under ``lang="zh"``).
COLUMNS = Domain("columns")
#: The fixed values the code writes into the machine sheets, ``lang → {key: phrase}``.
VALUES = Domain("column_values")
#: The keys of the provenance table, ``lang → {key: phrase}``.
PROVENANCE = Domain("provenance")
#: The input template's README and cell checks, ``lang → {key: phrase}``.
TEMPLATE = Domain("template")
#: Phrases of ``columns`` that are templates for the scheme's names, not a header's label.
_TEMPLATES = ("component_score", "grade_probability")


def header_labels(result: Result, lang: str = "zh") -> dict[str, str]:
    """Display label of every machine column name of ``scores.xlsx`` (the scheme's
    components and grade bands included); ``lang="en"`` gives the names themselves."""
    if lang != "zh":
        return {}
    scheme = result.scheme
    labels = {key: phrase for key, phrase in COLUMNS[lang].items() if key not in _TEMPLATES}
    for name in scheme.components:
        labels[name] = COLUMNS.text("component_score", lang, label=scheme.component_label(name, lang))
    for band in scheme.grades.bands:
        grade = getattr(band.label, lang, "") or band.name
        labels[f"p_{band.name}"] = COLUMNS.text("grade_probability", lang, grade=grade)
    return labels


def _values_in_words(tables: dict[str, pd.DataFrame], result: Result, lang: str) -> dict[str, pd.DataFrame]:
    """The machine sheets with the fixed values the code writes (flags, statuses, changes, the
    sensitivity's outputs and factors) in ``lang``. Identifiers stay as they are: group IDs,
    indicator and component names, the scheme's grade codes (``assess.analysis._history`` reads
    them back from last year's file) and the provenance keys."""
    from assess.analysis import UNCERTAINTY_WORDS
    from assess.reporting._flag_words import flags_in_words, flags_text

    words = VALUES[lang]
    factors = UNCERTAINTY_WORDS[lang]

    def coded(frame: pd.DataFrame, column: str, prefix: str, phrases: Mapping[str, str] = words) -> None:
        if column in frame:
            frame[column] = frame[column].map(lambda v: phrases.get(f"{prefix}{v}", v) if isinstance(v, str) else v)

    out = {name: frame.copy() for name, frame in tables.items()}
    if "flags" in out["scores"]:
        out["scores"]["flags"] = out["scores"]["flags"].map(lambda v: flags_text(v, lang))
    coded(out["scores"], "grade_change", "change.")
    if "flags" in out:
        out["flags"] = flags_in_words(result, lang)
    if "year_over_year" in out:
        coded(out["year_over_year"], "status", "status.")
        coded(out["year_over_year"], "grade_change", "change.")
    if "sensitivity" in out:
        coded(out["sensitivity"], "output", "output.")
        coded(out["sensitivity"], "factor", "factor.", factors)
    if facts.OVERDUE_SHEET in out:  # a problem's priority as the reports and the bulletin name it
        coded(out[facts.OVERDUE_SHEET], "priority", "priority.", Domain("report")[lang])
    if "ratings_quality" in out:
        quality = out["ratings_quality"]
        quality["group_id"] = quality["group_id"].replace("(all)", words["all_groups"])
    return out


def _label_keys(ws: Worksheet, labels: Mapping[str, str]) -> None:
    """Put each key cell's label (first column, below the header) in a comment; the key stays the machine name."""
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        label = labels.get(str(cell.value)) if cell.value is not None else None
        if label:
            comment = Comment(label, "assess")
            comment.width, comment.height = 160, 40
            cell.comment = comment


def _label_headers(ws: Worksheet, labels: Mapping[str, str]) -> None:
    """Put each header cell's Chinese label in a comment; the header text itself stays the machine name."""
    for cell in ws[1]:
        label = labels.get(str(cell.value)) if cell.value is not None else None
        if label:
            comment = Comment(label, "assess")
            comment.width, comment.height = 220, 60
            cell.comment = comment


def _text_width(value: object) -> int:
    """Display width of a cell's text: a CJK character counts two."""
    text = str(value)
    return len(text) + sum(1 for ch in text if ord(ch) > 0x2E80)


def _write_summary(ws: Worksheet, result: Result, lang: str) -> None:
    """The printable summary: title, office and dates, header, one row per group in rank order."""
    from assess.scoring import summary_table

    words = SUMMARY_WORDS[lang]
    table = summary_table(result, lang)
    components = [c for c in result.scheme.components if c in result.scores]
    comp_labels = {c: result.scheme.component_label(c, lang) for c in components}
    columns = [
        "rank",
        "group_id",
        "name",
        *components,
        "base_score",
        "bonus",
        "deduction",
        "final_score",
        "grade",
        "remarks",
    ]
    heads = [comp_labels.get(c) or words[c] for c in columns]
    numeric = set(components) | {"base_score", "bonus", "deduction", "final_score"}
    last = get_column_letter(len(columns))
    _summary_title(ws, result, lang, last)
    ws.append(heads)
    for cell in ws[SUMMARY_HEADER_ROW]:
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _summary_rows(ws, table, columns, numeric)
    _summary_widths(ws, table, columns, heads, numeric)
    _summary_page(ws, last, words["page"])


def _summary_title(ws: Worksheet, result: Result, lang: str, last: str) -> None:
    """Rows 1 and 2 of the summary, merged across ``A:last``: the title, then office and dates."""
    from assess.common import format_date, format_datetime

    words, meta = SUMMARY_WORDS[lang], result.meta
    ws.append([words["title"].format(year=meta.get("year", ""))])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font, ws["A1"].alignment = _TITLE_FONT, Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    parts = []
    office = result.scheme.office
    if office:
        parts.append(words["office"].format(office=office))
    if meta.get("as_of"):
        parts.append(words["as_of"].format(date=format_date(meta["as_of"], lang)))
    if meta.get("generated_at"):
        parts.append(
            words["generated"].format(moment=format_datetime(meta["generated_at"], lang, result.scheme.timezone))
        )
    ws.append([mark("wide_space", lang).join(parts)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="center")


def _summary_rows(ws: Worksheet, table: pd.DataFrame, columns: list[str], numeric: set[str]) -> None:
    """One bordered row per group under the header; a partial score grey, italic and explained."""
    for r, row in enumerate(table.itertuples(index=False), start=SUMMARY_HEADER_ROW + 1):
        values = row._asdict()
        for j, col in enumerate(columns, start=1):
            value = _cell_value(values[col])
            cell = ws.cell(row=r, column=j, value=value)
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.data_type = "s"  # literal text, never a formula
            cell.border = _BORDER
            if col in numeric:
                # one sign convention with the reports: a bonus shows +2.0, a deduction −4.0 (stored as
                # the amount deducted, 4, like the scores sheet; the sign is display only)
                cell.number_format = _SIGNED.get(col, "0.0")
            elif col == "rank":
                cell.number_format = "0"
                cell.alignment = Alignment(horizontal="center")
            elif col == "remarks":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif col == "grade":
                cell.alignment = Alignment(horizontal="center")
        if values["partial"]:
            for col in ("base_score", "final_score"):
                cell = ws.cell(row=r, column=columns.index(col) + 1)
                cell.font = _PARTIAL_FONT
            note = Comment(values["partial_note"], "assess")
            note.width, note.height = 260, 80
            ws.cell(row=r, column=columns.index("final_score") + 1).comment = note


def _summary_widths(
    ws: Worksheet, table: pd.DataFrame, columns: list[str], heads: list[str], numeric: set[str]
) -> None:
    """Columns wide enough for the header and the values, CJK counting double; long numeric headers wrap."""
    for j, col in enumerate(columns, start=1):
        sample = [heads[j - 1]] + ([] if table.empty else [v for v in table[col].tolist() if v is not None])
        if col in numeric:
            width = min(max(_text_width(heads[j - 1]) + 2, 8), 12)
        elif col == "remarks":
            width = min(max([_text_width(v) for v in sample] + [10]) + 2, 48)
        else:
            width = min(max(_text_width(v) for v in sample) + 2, 30)
        ws.column_dimensions[get_column_letter(j)].width = max(width, 6)


def _summary_page(ws: Worksheet, last: str, footer: str) -> None:
    """A4 landscape, every column on one page wide, the header row repeated on each page."""
    last_row = max(ws.max_row, SUMMARY_HEADER_ROW)
    ws.print_area = f"A1:{last}{last_row}"
    ws.print_title_rows = f"{SUMMARY_HEADER_ROW}:{SUMMARY_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = footer
    ws.freeze_panes = f"D{SUMMARY_HEADER_ROW + 1}"
