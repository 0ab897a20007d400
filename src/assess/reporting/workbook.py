"""Writing Excel files: ``scores.xlsx`` and the blank input template. I/O only.

Text cells that start with ``=``, ``+``, ``-`` or ``@`` are stored as literal strings
(openpyxl's ``data_type = "s"``) so that Excel shows them as text and never evaluates them.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assess.analysis.coherence import COHERENCE_WORDS  # the coherence sheet's name and headers
from assess.analysis.importance import importance
from assess.analysis.scenarios import SCENARIO_WORDS  # the scenarios sheet's name and headers
from assess.common.atomic import atomic_write
from assess.common.localtime import DEFAULT_TIMEZONE, local_datetime
from assess.common.messages import message
from assess.intake.scheme import Scheme
from assess.intake.spec import SHEETS
from assess.reporting import facts
from assess.scoring.result import Result
from assess.scoring.summary import SUMMARY_WORDS

__all__ = ["write_tables", "write_template", "write_scores", "provenance_table", "header_labels"]

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_FORMULA_START = ("=", "+", "-", "@")
_SIGNED = {"bonus": "+0.0;-0.0;0.0", "deduction": "-0.0;+0.0;0.0"}
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

    With ``rows`` (a group's submission, :func:`assess.intake.collect.submission_tables`) only
    those sheets are written, pre-filled with the given rows; ``lang="zh"`` names the sheets and
    headers in Chinese (intake reads both), and ``note`` opens the README sheet.
    """
    path = Path(path)
    zh = lang == "zh" and rows is not None
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    if note:
        readme.append([note])
        readme.append([])
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
    readme.append(
        [
            "Headers may be the English names or the Chinese aliases above; dates may be Excel dates or YYYY-MM-DD. 表头可用英文列名或上表的中文别名；日期可用 Excel 日期或 YYYY-MM-DD。"
        ]
    )
    for j, width in enumerate((14, 12, 22, 16, 22, 52, 40), start=1):
        readme.column_dimensions[get_column_letter(j)].width = width
    readme.freeze_panes = "A2"
    for sheet in SHEETS.values():
        if rows is not None and sheet.name not in rows:
            continue
        ws = book.create_sheet(sheet.zh if zh else sheet.name)
        ws.append([c.zh if zh else c.name for c in sheet.columns])
        if rows is not None:
            _template_rows(ws, sheet.columns, rows[sheet.name], zh)
        for j, col in enumerate(sheet.columns, start=1):
            head = ws.cell(row=1, column=j)
            head.font, head.fill = _HEADER_FONT, _HEADER_FILL
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = max(14, len(col.name) + 4)
            cells = f"{letter}2:{letter}5000"
            if col.kind == "enum":
                choices = list(col.values.values()) if zh else list(col.values)  # the values the cells show
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=not col.required)
                dv.error, dv.errorTitle = f"Use one of: {', '.join(choices)}", "Invalid value"
                if zh:
                    dv.error = message("collect", "choose_one", "zh", values="、".join(choices))
                    dv.errorTitle = message("collect", "invalid_value", "zh")
                ws.add_data_validation(dv)
                dv.add(cells)
            elif col.kind == "date":
                if rows is not None:  # a submission: the column's format, so no empty cell is written (read faster)
                    ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
                for row in range(2, 502 if rows is None else 2):
                    ws.cell(row=row, column=j).number_format = "yyyy-mm-dd"
                dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
                dv.error = "Enter a date (YYYY-MM-DD)"
                ws.add_data_validation(dv)
                dv.add(cells)
            elif col.kind in ("month", "quarter", "id"):
                if rows is not None:
                    ws.column_dimensions[letter].number_format = "@"
                for row in range(2, 502 if rows is None else 2):
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
        ws.freeze_panes = "A2"
    _save(book, path)
    return path


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


def provenance_table(meta: Mapping[str, object], scheme: Scheme | None = None) -> pd.DataFrame:
    """The provenance of a result as a two-column key/value table (times in the scheme's time zone)."""
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
        values["generated_at"] = local_datetime(str(meta["generated_at"]), timezone).isoformat()
    if meta.get("uncertainty"):  # every output showing a probability records how it was drawn
        from assess.reporting.uncertainty_text import settings_text

        keys = (*keys, "uncertainty")
        values["uncertainty"] = settings_text(meta["uncertainty"], "en")  # type: ignore[arg-type]
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
    ``lang="zh"`` each of their header cells carries its Chinese label as a cell comment.
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
        from assess.analysis import scenarios as alternatives

        tables[SCENARIO_WORDS[lang]["sheet"]] = alternatives.sheet(result, lang)
    if result.coherence is not None and not result.coherence.empty:
        from assess.analysis import coherence as checks

        tables[COHERENCE_WORDS[lang]["sheet"]] = checks.sheet(result, lang)
    tables["provenance"] = provenance_table(result.meta, result.scheme)
    localised = {SCENARIO_WORDS[lang]["sheet"], COHERENCE_WORDS[lang]["sheet"]}

    def finish(book: openpyxl.Workbook) -> None:
        _write_summary(book.create_sheet(SUMMARY_WORDS[lang]["sheet"], 0), result, lang)
        book.active = 0
        if lang == "zh":
            for name in tables:
                if name not in localised:
                    _label_headers(book[name], header_labels(result, "zh"))

    return write_tables(path, tables, fills={"scores": colours}, finish=finish)


# ---- the summary sheet and the Chinese header labels -----------------------------------------

_TITLE_FONT = Font(bold=True, size=14)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_PARTIAL_FONT = Font(italic=True, color="7F7F7F")
#: Rows of the summary sheet: title, subtitle (office, dates), header, then one row per group.
SUMMARY_HEADER_ROW = 3

# Chinese labels of the machine sheets' headers (``lang="zh"``: one cell comment per header).
_HEADER_ZH = {
    "group_id": "工作组编号",
    "name": "工作组名称",
    "base_score": "基础得分",
    "bonus": "加分（计入上限后）",
    "deduction": "扣分（计入上限后）",
    "final_score": "最终得分",
    "grade": "等次（考核方案中的等次代码）",
    "rank": "排名",
    "flags": "标记：insufficient_data 数据不足，veto 一票否决，quota_demoted 受名额限制降档",
    "previous_score": "上年最终得分",
    "score_change": "得分变化",
    "previous_rank": "上年排名",
    "rank_change": "排名变化（正数为上升）",
    "previous_grade": "上年等次",
    "grade_change": "等次变化",
    "status": "状态：both 两年均有，new 本年新设，gone 本年已无",
    "indicator": "指标",
    "component": "考核部分",
    "raw": "指标原始值",
    "normalized": "标准化得分（0–100）",
    "weight": "指标在本部分内的权重",
    "effective_weight": "实际权重（按本组有数据的指标重新分配）",
    "points": "得分贡献（各项之和为基础得分）",
    "vs_median": "与中位数工作组之差",
    "responses": "评价份数（服务对象 × 季度）",
    "raters": "参与评价的服务对象数",
    "mean": "平均评价（0–100）",
    "sd": "评价标准差",
    "straight_liners": "各项各季度打分完全相同的服务对象数",
    "few_raters": "参与评价的服务对象过少",
    "icc1": "组内相关系数 ICC(1)（全部工作组）",
    "icc1k": "工作组平均评价的信度 ICC(1,k)（全部工作组）",
    "alpha": "Krippendorff α（全部工作组）",
    "nominal_weight": "名义权重（指标权重 × 考核部分权重）",
    "weighted_variance_share": "加权得分差异中所占份额",
    "variance_share": "对基础得分方差的贡献份额",
    "corr_ratio": "实际影响：相关比（可解释的最终得分方差占比）",
    "corr_linear": "与最终得分的线性相关系数的平方",
    "reliability": "本组平均评价的信度（按本组评价份数推算）",
    "rank_coverage": "排名区间实际覆盖的模拟比例",
    "S1_shown": "一阶敏感度指数（截断到 0–1，用于展示）",
    "S1_low": "一阶敏感度指数 95% 区间下限",
    "S1_high": "一阶敏感度指数 95% 区间上限",
    "ST_shown": "总敏感度指数（截断到 0–1，用于展示）",
    "ST_low": "总敏感度指数 95% 区间下限",
    "ST_high": "总敏感度指数 95% 区间上限",
    "corr_ratio_share": "相关比份额（合计为 1）",
    "flag": "标记",
    "detail": "说明",
    "nominal_score": "按考核方案的最终得分",
    "nominal_rank": "按考核方案的排名",
    "nominal_grade": "按考核方案的等次",
    "score_median": "得分中位数（各次模拟）",
    "score_p05": "得分第 5 百分位",
    "score_p95": "得分第 95 百分位",
    "rank_median": "排名中位数（各次模拟）",
    "rank_p05": "排名第 5 百分位",
    "rank_p95": "排名第 95 百分位",
    "p_keep": "保持原等次的概率",
    "p_ungraded": "不评定等次的概率",
    "factor": "不确定性来源",
    "active": "是否参与模拟",
    "S1": "一阶敏感度指数",
    "S1_conf": "一阶敏感度指数的置信区间半宽",
    "ST": "总敏感度指数",
    "ST_conf": "总敏感度指数的置信区间半宽",
    "key": "项目",
    "value": "内容",
    # overdue_problems: every problem overdue at the assessment date
    "problem_id": "问题编号",
    "recipient": "服务对象",
    "raised_on": "提出日期",
    "priority": "紧急程度",
    "category": "问题类别",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "deadline": "办结时限",
    "days_overdue": "超期天数",
}


def header_labels(result: Result, lang: str = "zh") -> dict[str, str]:
    """Display label of every machine column name of ``scores.xlsx`` (the scheme's
    components and grade bands included); ``lang="en"`` gives the names themselves."""
    if lang != "zh":
        return {}
    scheme = result.scheme
    labels = dict(_HEADER_ZH)
    for name, entry in scheme.components.items():
        labels[name] = f"{entry.label.zh or name}（部分得分，0–100）"
    for band in scheme.grades.bands:
        labels[f"p_{band.name}"] = f"评为{band.label.zh or band.name}的概率"
    return labels


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
    from assess.common.localtime import format_date, format_datetime
    from assess.scoring.summary import summary_table

    words = SUMMARY_WORDS[lang]
    meta = result.meta
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
    last = get_column_letter(len(columns))

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
    ws.append(["　　".join(parts) if lang == "zh" else "    ".join(parts)])
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.append(heads)
    for cell in ws[SUMMARY_HEADER_ROW]:
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    numeric = set(components) | {"base_score", "bonus", "deduction", "final_score"}
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
    # widths: wide enough for the header and the values, CJK counting double
    for j, col in enumerate(columns, start=1):
        sample = [heads[j - 1]] + ([] if table.empty else [v for v in table[col].tolist() if v is not None])
        if col in numeric:  # long headers wrap
            width = min(max(_text_width(heads[j - 1]) + 2, 8), 12)
        elif col == "remarks":
            width = min(max([_text_width(v) for v in sample] + [10]) + 2, 48)
        else:
            width = min(max(_text_width(v) for v in sample) + 2, 30)
        ws.column_dimensions[get_column_letter(j)].width = max(width, 6)
    # A4 landscape, every column on one page wide, the header row repeated on each page
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
    ws.oddFooter.center.text = words["page"]
    ws.freeze_panes = f"D{SUMMARY_HEADER_ROW + 1}"
