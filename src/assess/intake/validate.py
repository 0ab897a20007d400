"""Validation: coerce raw cells to types, then check every rule of the input contract (docs/reference/input.md) with pandera.

One pandera schema per sheet, run lazily, plus cross-sheet checks (references, assignment
of recipients to groups) expressed as pandera checks bound to the other sheets' keys. Every
failure becomes a :class:`~assess.intake.problems.Problem` with file, sheet, Excel row, column, value,
rule and fix, in English and Chinese, named as the office's workbook names them; nothing is
raised until all of them are collected. Notices that do not stop a run (a hidden sheet read,
an unknown header ignored, a quarter's year inferred) come back as ``Dataset.warnings``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from assess.common.errors import SchemeError
from assess.common.lazy import lazy_module
from assess.intake.plausible import check_plausible
from assess.intake.problems import InputError, Problem
from assess.intake.read import ROW, RawTables, file_sha256, read_tables
from assess.intake.scheme import BUILTIN_INDICATORS, Scheme, default_scheme
from assess.intake.spec import ID_PATTERN, SHEETS, Column

if TYPE_CHECKING:
    import pandera.pandas as pa
else:
    pa = lazy_module("pandera.pandas")  # ~0.4 s, paid by the first validation, not by every import

__all__ = ["Dataset", "load", "validate_tables", "check_tables", "safe_group_id", "DATE_RANGE", "DEFAULT_TIMEZONE"]

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
#: The dates intake accepts: anything outside is a typo or a placeholder such as 9999-12-31.
DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2099, 12, 31))
#: The office's time zone when the scheme names none: time-zoned strings become dates there.
DEFAULT_TIMEZONE = "Asia/Shanghai"
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_CN_DIGIT = {"一": "1", "二": "2", "三": "3", "四": "4", "1": "1", "2": "2", "3": "3", "4": "4"}
_QUARTER_FORMS = (  # applied to the NFKC-normalised, upper-cased cell without spaces; (year, quarter) groups
    re.compile(r"^(?P<y>\d{4})年?[-_/.]?Q(?P<q>[1-4])$"),  # 2025-Q1, 2025Q1, 2025 Q1, 2025年Q1
    re.compile(r"^Q(?P<q>[1-4])[-_/.]?(?P<y>\d{4})年?$"),  # Q1 2025, Q1-2025
    re.compile(r"^(?P<y>\d{4})年第?(?P<q>[1-4一二三四])(?:季度?)?$"),  # 2025年一季度, 2025年第一季度, 2025年1
    re.compile(r"^(?P<y>\d{4})第?(?P<q>[1-4一二三四])季度?$"),  # 2025第一季度
    re.compile(r"^Q(?P<q>[1-4])$"),  # Q1: the year comes from the rest of the workbook
    re.compile(r"^第?(?P<q>[1-4一二三四])季度?$"),  # 一季度, 第一季度, 第1季度
)
_NUMBER_RE = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_THOUSANDS_RE = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACED_RE = re.compile(r"^[-+]?\d{1,3}( \d{3})+(\.\d+)?$")
_NON_FINITE_RE = re.compile(r"^[-+]?(inf|infinity|nan)$", re.IGNORECASE)
_YYYYMMDD = re.compile(r"^(19|20)\d{6}$")
_DTYPES = {"date": "datetime64[ns]", "number": "float64"} | dict.fromkeys(
    ("id", "text", "enum", "month", "quarter"), object
)
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)
_YEARLESS = "????"  # year placeholder of a quarter written without one, resolved workbook-wide
#: IDs that name a file or a key: two spellings that differ only in letter case collide.
_CASE_KEYS = {"groups": "group_id", "recipients": "recipient_id", "problems": "problem_id", "indicators": "indicator"}


@dataclass(frozen=True)
class Dataset:
    """A validated input: one typed DataFrame per sheet (plus ``_row``, the Excel row).

    ``warnings`` lists what intake noticed without refusing the input (``severity`` "warning").
    """

    tables: dict[str, pd.DataFrame]
    source: str = ""
    sha256: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name, sheet in SHEETS.items():  # an optional sheet left out is an empty one
            if name not in self.tables and sheet.optional:
                self.tables[name] = pd.DataFrame(
                    {c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in sheet.columns} | {ROW: pd.Series(dtype="int64")}
                )

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"Dataset({self.source!r}: {sizes})"


def safe_group_id(value: str) -> bool:
    """True when ``value`` is a valid ID that is also safe as a file name on every system."""
    return bool(re.match(ID_PATTERN, value)) and value.strip(".") != "" and not _RESERVED.match(value)


# ---- coercion: raw cell -> typed value, or a problem ----------------------------------------


@dataclass(frozen=True)
class _Bad:
    """Why one cell could not be converted, when there is more to say than "not a date"."""

    rule: str
    fix: str
    rule_zh: str
    fix_zh: str


def _nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation (``１２．５``, ``２０２５－０３``) as ASCII; trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    return str(v).strip()


def _out_of_range(value: object) -> _Bad:
    lo, hi = DATE_RANGE
    return _Bad(
        f"the date is outside the years {lo.year}–{hi.year} that assess accepts",
        "correct the year; leave the cell blank when there is no date",
        f"日期超出本工具接受的年份范围（{lo.year}—{hi.year} 年）",
        "改正年份；没有日期时请留空",
    )


def _day(d: dt.date) -> pd.Timestamp | _Bad:
    if not DATE_RANGE[0] <= d <= DATE_RANGE[1]:
        return _out_of_range(d)
    return pd.Timestamp(d.year, d.month, d.day)


def _date(v: object, tz: dt.tzinfo) -> pd.Timestamp | _Bad | None:
    """A cell as a date: Excel dates and serials, ``yyyymmdd``, ISO and Chinese strings; time-zoned ones in ``tz``."""
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(tz)
        return _day(v.date())
    if isinstance(v, dt.date):
        return _day(v)
    if isinstance(v, pd.Timestamp):
        return _day(v.date()) if not pd.isna(v) else None
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        if not math.isfinite(v) or 0 <= v < 1:  # a time of day alone is no date
            return None
        if v < 0:  # a date cell before 1900 (Excel stores 0001-01-01 as a negative serial)
            return _out_of_range(v)
        if float(v).is_integer() and _YYYYMMDD.match(str(int(v))):  # 20250304 typed as a number
            return _date(str(int(v)), tz)
        try:
            return _day(_EXCEL_EPOCH + dt.timedelta(days=int(v)))
        except OverflowError:
            return _out_of_range(v)
    if isinstance(v, str):
        s = _nfkc(v)
        for fmt in _DATE_FORMATS:
            try:
                return _day(dt.datetime.strptime(s, fmt).date())
            except ValueError:
                pass
        try:  # ISO date-times: 2025-03-01T00:00:00, "2025-03-01 08:30", 2025-03-04T20:00:00Z, ...+08:00
            stamp = dt.datetime.fromisoformat(s)
        except ValueError:
            m = re.match(r"^(\d{4,})\D", s)  # a year no calendar can hold (10000-01-01, 0000-01-01) is still a year
            return _out_of_range(s) if m and not 1900 <= int(m.group(1)) <= 2099 and len(s) >= 8 else None
        return _date(stamp, tz)
    return None


def _month(v: object, tz: dt.tzinfo) -> str | _Bad | None:
    if isinstance(v, (dt.datetime, dt.date)):
        year, month = v.year, v.month
    else:
        m = _MONTH_RE.match(_nfkc(_text(v)))
        if not m or not 1 <= int(m.group(2)) <= 12:
            return None
        year, month = int(m.group(1)), int(m.group(2))
    if not DATE_RANGE[0].year <= year <= DATE_RANGE[1].year:
        return _out_of_range(v)
    return f"{year:04d}-{month:02d}"


def _quarter(v: object, tz: dt.tzinfo) -> str | _Bad | None:
    """``YYYY-Qn`` from the forms offices write; a quarter without a year keeps ``????`` for later."""
    s = re.sub(r"\s+", "", _nfkc(_text(v))).upper()
    for form in _QUARTER_FORMS:
        m = form.match(s)
        if m:
            year = m.groupdict().get("y") or _YEARLESS
            if year != _YEARLESS and not DATE_RANGE[0].year <= int(year) <= DATE_RANGE[1].year:
                return _out_of_range(v)
            return f"{year}-Q{_CN_DIGIT[m.group('q')]}"
    return None


_NON_FINITE = _Bad(
    "not a finite number (infinity or NaN)",
    "write the actual number; leave the cell blank if it is not known",
    "不是有限的数值（无穷大或 NaN）",
    "填写实际数值；未知时留空",
)
_DECIMAL_COMMA = _Bad(
    "ambiguous comma: a comma is read only as a thousands separator in groups of three (1,000 or 12,345.6)",
    "write decimals with a point (0.5, not 0,5) and thousands as 1,000 or 1000",
    "逗号有歧义：逗号只能用作千位分隔符，每三位一组（如 1,000 或 12,345.6）",
    "小数点请用“.”（写 0.5，不要写 0,5）；千位写作 1,000 或 1000",
)

_SPACED = _Bad(
    "a space inside the number: it is read only as a thousands separator in groups of three (1 000 or 12 345.6)",
    "remove the space, or write the decimal point (0.5, not 0 5)",
    "数字中间有空格：空格只能用作千位分隔，每三位一组（如 1 000 或 12 345.6）",
    "删除空格，或补上小数点（写 0.5，不要写 0 5）",
)


def _number(v: object, tz: dt.tzinfo | None = None) -> float | _Bad | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        try:
            number = float(v)
        except OverflowError:  # an integer beyond any float
            return _NON_FINITE
        return number if math.isfinite(number) else _NON_FINITE
    if isinstance(v, str):
        s = _nfkc(v)
        if re.search(r"\d\s+\d", s):  # "1 000" groups thousands; "0 5" or "99 5" is a typo, never 5 or 995
            if not _SPACED_RE.match(re.sub(r"\s+", " ", s)):
                return _SPACED
        s = re.sub(r"\s+", "", s)
        if _NON_FINITE_RE.match(s):
            return _NON_FINITE
        if "," in s:
            if not _THOUSANDS_RE.match(s):
                return _DECIMAL_COMMA
            s = s.replace(",", "")
        if not _NUMBER_RE.match(s):
            return None
        number = float(s)
        return number if math.isfinite(number) else _NON_FINITE
    return None


#: Excel's error values: what a cell shows when its formula failed (a CSV saved from Excel holds them as text).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                          "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"})  # fmt: skip
#: The most characters an Excel cell holds: a longer text (from a CSV) could not be written back whole.
EXCEL_CELL_MAX = 32_767
_TOO_LONG = (
    f"the text is longer than an Excel cell holds ({EXCEL_CELL_MAX:,} characters), so scores.xlsx could not keep it whole",
    "shorten it (keep the full text in a separate document if it is needed)",
    f"文字超过 Excel 单元格的上限（{EXCEL_CELL_MAX} 个字符），考核结果表无法完整保存",
    "请精简内容（如需保留全文，可另附文档）",
)
_EXCEL_ERROR = (
    "the cell holds an Excel error value: the formula or lookup behind it failed",
    "correct the formula (or the lookup's source) so that the cell shows the real value, or type the value in",
    "该单元格是 Excel 错误值，说明其公式或查找引用出错",
    "修正公式（或被查找的数据），使单元格显示实际内容，或直接填写该内容",
)

_COERCE: dict[str, tuple[Callable[[object, dt.tzinfo], object], str, str, str, str]] = {
    "date": (
        _date,
        "not a date",
        "write a date such as 2025-03-31 (or use an Excel date cell)",
        "不是有效日期",
        "填写日期，如 2025-03-31 或 2025年3月31日（也可用 Excel 日期单元格）",
    ),
    "month": (
        _month,
        "not a month",
        "write the month as YYYY-MM, e.g. 2025-03",
        "不是有效月份",
        "按“年-月”填写，如 2025-03 或 2025年3月",
    ),
    "quarter": (
        _quarter,
        "not a quarter",
        "write the quarter as YYYY-Qn, e.g. 2025-Q1",
        "不是有效季度",
        "填写季度，如 2025-Q1 或 2025年第一季度",
    ),
    "number": (_number, "not a number", "write a plain number such as 0.8", "不是数字", "填写数字，如 0.8"),
}


def _fast(values: pd.Series, kind: str) -> pd.Series | None:
    """Vectorised conversion when a column holds one clean type (the usual case), else None.

    Cells it cannot convert come back as NaN/NaT and go through the cell-by-cell rules.
    """
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    try:
        if kind in ("id", "enum") and inferred == "string":
            return _nfkc_strings(values.astype(str)).str.strip()
        if kind == "text" and inferred == "string":
            return values.astype(str).str.strip()
        if kind == "date" and inferred in ("datetime", "datetime64", "date"):
            return pd.to_datetime(values).dt.normalize()
        if kind == "date" and inferred == "string":
            return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        if kind == "number" and inferred in ("floating", "integer", "mixed-integer-float"):
            numbers = values.astype(float)
            return numbers.where(np.isfinite(numbers))  # inf and nan go the slow way, to be named
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return None  # a cell beyond pandas' range: the cell-by-cell rules say which
    return None


def _nfkc_strings(strings: pd.Series) -> pd.Series:
    """``str.normalize("NFKC")`` of a string column, paid only by its non-ASCII cells (NFKC leaves ASCII as it is)."""
    wide = ~strings.str.isascii()
    if not wide.any():
        return strings
    strings = strings.copy()
    strings[wide] = strings[wide].str.normalize("NFKC")
    return strings


def _each_distinct(
    values: pd.Series, fn: Callable[[object], object], flag: Callable[[object], bool] = bool
) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` of each cell and ``flag`` of each result, computed once per distinct text.

    A sheet repeats a few labels (``2025-Q1``, ``已办结``) many times. Only a column of nothing
    but ``str`` cells is grouped (by :func:`pandas.factorize`, exact for text): ``1``, ``1.0``
    and ``True`` are equal keys yet different cells, so any other column is converted cell by
    cell, its texts remembered.
    """
    if len(values) and pd.api.types.infer_dtype(values, skipna=False) == "string":
        codes, distinct = pd.factorize(values)
        results = [fn(v) for v in distinct]
        flags = np.fromiter((flag(r) for r in results), dtype=bool, count=len(results))
        return _objects(results)[codes], flags[codes]
    seen: dict[str, object] = {}
    out = []
    for v in values:
        if type(v) is str:
            if v not in seen:
                seen[v] = fn(v)
            out.append(seen[v])
        else:
            out.append(fn(v))
    return _objects(out), np.fromiter((flag(r) for r in out), dtype=bool, count=len(out))


def _objects(items: list[object]) -> np.ndarray:
    """A one-dimensional object array of ``items`` (never a table, whatever the items are)."""
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


def _unusable(c: object) -> bool:
    """Whether a converted cell is no value: blank, NaN, NaT or a reason (:class:`_Bad`) it is wrong."""
    return c is None or isinstance(c, _Bad) or (isinstance(c, float) and math.isnan(c)) or c is pd.NaT


def _failed_texts(out: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are an Excel error value (``#N/A``) and which are too long for a cell, as two masks.

    Every error value starts with ``#``, so only those cells are looked at one by one.
    """
    strings = out if isinstance(out.dtype, pd.StringDtype) else out.astype(str)
    hashed = strings.str.startswith("#").to_numpy(dtype=bool, na_value=False)
    failed = np.zeros(len(out), dtype=bool)
    if hashed.any():
        failed[hashed] = [isinstance(v, str) and v.upper() in EXCEL_ERRORS for v in out.to_numpy()[hashed]]
    too_long = (strings.str.len() > EXCEL_CELL_MAX).to_numpy(dtype=bool, na_value=False) & ~failed
    return failed, too_long


def _coerce_column(
    raw: pd.Series, col: Column, source: str, sheet: str, rows: pd.Series, problems: list[Problem], tz: dt.tzinfo
) -> pd.Series:
    present = raw.notna()
    values = raw[present]
    fast = _fast(values, col.kind) if len(values) else None
    if col.kind in ("id", "text", "enum"):
        if fast is not None:
            out = fast
        elif col.kind == "text":
            out = values.map(_text)
        else:
            out = values.map(lambda v: _nfkc(_text(v)))
        if col.kind == "enum":
            aliases = {zh: code for code, zh in col.values.items()}
            codes = _each_distinct(out, lambda v: aliases.get(v, v.lower()))[0]  # type: ignore[attr-defined,call-overload]
            out = pd.Series(codes, index=out.index, dtype=object)
        failed, too_long = _failed_texts(out)
        for idx in out.index[failed]:  # a formula's error shown as text: never a name, a reason or an ID
            problems.append(Problem(source, sheet, int(rows[idx]), col.name, raw[idx], *_EXCEL_ERROR))
        for idx in out.index[too_long]:  # never cut short without a word in scores.xlsx
            problems.append(Problem(source, sheet, int(rows[idx]), col.name, raw[idx], *_TOO_LONG))
        failed = failed | too_long
        if not failed.any() and len(out) == len(raw):  # every cell present and kept (the usual column)
            return pd.Series(out.to_numpy(dtype=object), index=raw.index, dtype=object)
        failed_at = pd.Series(failed, index=out.index)
        out = out.where(~failed_at, None)
        return (
            out.reindex(raw.index).astype(object).where(present & ~failed_at.reindex(raw.index, fill_value=False), None)
        )
    convert, rule, fix, rule_zh, fix_zh = _COERCE[col.kind]
    good = fast.notna() if fast is not None else pd.Series(False, index=values.index)
    why: dict[object, object] = {}  # index -> what a bad cell became (None, NaN, NaT or a _Bad)
    if col.kind == "date" and fast is not None:  # dates pandas could read may still be out of range
        lo, hi = (pd.Timestamp(d) for d in DATE_RANGE)
        far = good & ((fast < lo) | (fast > hi))
        why.update(dict.fromkeys(values.index[far], _out_of_range(None)))
        good &= ~far
        retry = fast.isna()
    else:
        retry = ~good
    slow_index = values.index[retry]  # the cell-by-cell rules, for whatever the fast path left
    slow, unusable = _each_distinct(values[retry], lambda v: convert(v, tz), _unusable)
    why.update(zip(slow_index[unusable], slow[unusable], strict=True))
    kept_index, kept = slow_index[~unusable], slow[~unusable]
    for idx in sorted(why, key=values.index.get_loc) if len(why) > 1 else why:
        bad = why[idx]
        if isinstance(bad, _Bad):
            problems.append(
                Problem(
                    source,
                    sheet,
                    int(rows[idx]),
                    col.name,
                    raw[idx],
                    bad.rule,
                    bad.fix,
                    rule_zh=bad.rule_zh,
                    fix_zh=bad.fix_zh,
                )
            )
        elif isinstance(raw[idx], str) and raw[idx].strip().upper() in EXCEL_ERRORS:
            problems.append(Problem(source, sheet, int(rows[idx]), col.name, raw[idx], *_EXCEL_ERROR))
        else:
            problems.append(
                Problem(source, sheet, int(rows[idx]), col.name, raw[idx], rule, fix, rule_zh=rule_zh, fix_zh=fix_zh)
            )
    if col.kind in ("date", "number"):
        dtype = "datetime64[ns]" if col.kind == "date" else "float64"
        out = pd.Series(pd.NaT if col.kind == "date" else np.nan, index=raw.index, dtype=dtype)
        if fast is not None and good.any():
            out.loc[good[good].index] = fast[good].astype(dtype)
        if len(kept):
            out.loc[kept_index] = pd.to_datetime(kept).astype(dtype) if col.kind == "date" else np.asarray(kept, float)
        return out
    out = pd.Series(np.nan, index=raw.index, dtype=object)  # month and quarter labels: NaN where blank, as before
    out.loc[list(why)] = None
    if len(kept):
        out.loc[kept_index] = kept
    return out


def _coerce(raw: RawTables, problems: list[Problem], tz: dt.tzinfo) -> dict[str, pd.DataFrame]:
    typed = {}
    for sheet, frame in raw.tables.items():
        spec = SHEETS[sheet]
        out = pd.DataFrame(index=frame.index)
        for col in spec.columns:
            out[col.name] = _coerce_column(frame[col.name], col, raw.file(sheet), sheet, frame[ROW], problems, tz)
        out[ROW] = frame[ROW]
        typed[sheet] = out.reset_index(drop=True)
    return typed


def _resolve_quarters(
    typed: dict[str, pd.DataFrame], raw: RawTables, problems: list[Problem], warnings: list[Problem]
) -> None:
    """Give quarters written without a year (``一季度``, ``Q1``) the workbook's one year, or name them.

    The year is that of the sheet's other quarters when they all share one; failing any, that
    of the ledger's months when they all share one. Otherwise each such cell is a problem.
    """
    if "ratings" not in typed:
        return
    ratings = typed["ratings"]
    quarters = ratings["quarter"]
    labels = quarters.dropna().unique()  # a few distinct labels, however many ratings
    yearless = quarters.isin([q for q in labels if isinstance(q, str) and q.startswith(_YEARLESS)])
    if not yearless.any():
        return
    years = {q[:4] for q in quarters[~yearless].dropna()}
    where_en, where_zh = "the sheet's other quarters", "本表其他季度"
    if not years and "ledger" in typed:
        years = {m[:4] for m in typed["ledger"]["month"].dropna()}
        where_en, where_zh = "the months of the ledger", "月度台账的月份"
    file = raw.file("ratings")
    rows = ratings.loc[yearless, ROW]
    if len(years) == 1:
        year = years.pop()
        ratings.loc[yearless, "quarter"] = quarters[yearless].str.replace(_YEARLESS, year, regex=False)
        first = int(rows.iloc[0])
        warnings.append(
            Problem(
                file,
                "ratings",
                first,
                "quarter",
                raw.tables["ratings"]["quarter"].iloc[rows.index[0]],
                severity="warning",
                rule=f"{len(rows)} quarter(s) have no year (first at row {first}); read as {year}, the year of {where_en}",
                fix=f"write the year too, e.g. {year}-Q1 or {year}年第一季度",
                rule_zh=f"有 {len(rows)} 个季度未写年份（首个在第{first}行），已按{where_zh}所在的 {year} 年读取",
                fix_zh=f"请同时写明年份，如 {year}-Q1 或 {year}年第一季度",
            )
        )
        return
    found_en = f"they span {', '.join(sorted(years))}" if years else "nothing in the workbook says which year"
    found_zh = f"其年份不止一个（{'、'.join(sorted(years))}）" if years else "工作簿中没有可据以确定年份的内容"
    for idx in rows.index:
        problems.append(
            Problem(
                file,
                "ratings",
                int(rows[idx]),
                "quarter",
                raw.tables["ratings"]["quarter"].iloc[idx],
                rule=f"the quarter has no year, and it cannot be taken from {where_en}: {found_en}",
                fix="write the year too, e.g. 2025-Q1 or 2025年第一季度",
                rule_zh=f"季度未写年份，且无法从{where_zh}推定：{found_zh}",
                fix_zh="请写明年份，如 2025-Q1 或 2025年第一季度",
            )
        )
        ratings.at[idx, "quarter"] = None


# ---- rules as pandera schemas -----------------------------------------------------------------

#: Fix and Chinese wording of each rule, keyed by the rule text that pandera reports as the failing check.
_FIXES: dict[str, tuple[str, str, str]] = {}
#: For rules over several columns of a row: the columns they name, first one reported.
_RULE_COLUMNS: dict[str, tuple[str, ...]] = {}
_MISSING_VALUE = ("required value is missing", "fill in the value", "必填项为空", "填写该项")


def _check(fn: Callable, rule: str, fix: str, rule_zh: str, fix_zh: str, *, columns: tuple[str, ...] = ()) -> pa.Check:
    _FIXES[rule] = (fix, rule_zh, fix_zh)
    if columns:
        _RULE_COLUMNS[rule] = columns
    return pa.Check(fn, error=rule, ignore_na=True, name=rule)


def _isin(values: set[str], rule: str, fix: str, rule_zh: str, fix_zh: str) -> pa.Check:
    """Membership in ``values``, as ``pa.Check.isin`` reports it, without its copy of the values.

    pandera deep-copies every check of a schema; ``Check.isin`` keeps its values as a list, so
    a sheet checked against 2,000 group IDs copied them once per column. A function is not copied.
    """
    allowed = frozenset(values)
    return _check(lambda s: s.isin(allowed), rule, fix, rule_zh, fix_zh)


def _per_distinct(test: Callable[[str], object], memo: tuple[set[str], set[str]]) -> Callable[[pd.Series], pd.Series]:
    """A check of each cell computed once per distinct value (IDs repeat: 2,000 groups in 200,000 rows).

    ``memo`` holds the values seen to pass and to fail, across columns and sheets (the same IDs
    fill most sheets), so that a column costs set operations; it is emptied past a million.
    """
    passed, failed = memo

    def check(cells: pd.Series) -> pd.Series:
        if len(passed) + len(failed) > 1_000_000:
            passed.clear()
            failed.clear()
        distinct = set(cells.unique())
        for v in distinct - passed - failed:
            (passed if test(v) else failed).add(v)
        failing = distinct & failed
        return ~cells.isin(failing) if failing else pd.Series(True, index=cells.index)

    return check


_ID_VERDICTS: tuple[set[str], set[str]] = (set(), set())
_SAFE_VERDICTS: tuple[set[str], set[str]] = (set(), set())


_ID = re.compile(ID_PATTERN)


def _column_schema(col: Column, scheme: Scheme, known: dict[str, set[str] | None], sheet: str) -> pa.Column:
    checks: list[pa.Check] = []
    if col.kind == "id":
        checks.append(
            _check(
                _per_distinct(lambda v: _ID.match(v) is not None, _ID_VERDICTS),
                "an ID must be 1–40 letters, digits, '_', '.' or '-'",
                "remove spaces, slashes and other characters",
                "编号只能由 1 至 40 个字母、数字或“_”“.”“-”组成",
                "删除空格、斜杠等其他字符",
            )
        )
        if sheet == "groups":
            checks.append(
                _check(
                    _per_distinct(safe_group_id, _SAFE_VERDICTS),
                    "a group ID must be usable as a file name",
                    "do not use '.', '..' or a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9)",
                    "工作组编号须能用作文件名",
                    "不要使用“.”“..”或系统保留名（CON、PRN、AUX、NUL、COM1–9、LPT1–9）",
                )
            )
        ref = {"group_id": "groups", "recipient_id": "recipients"}.get(col.name)
        if ref and ref != sheet and (ids := known.get(ref)) is not None:
            ref_zh = SHEETS[ref].zh
            checks.append(
                _isin(
                    ids,
                    f"unknown {col.name}: not in the {ref} sheet",
                    f"add it to the {ref} sheet or correct the ID",
                    f"{col.zh}不存在：“{ref_zh}”表中没有该编号",
                    f"在“{ref_zh}”表中补充该编号，或改正编号",
                )
            )
    if sheet == "indicators" and col.name == "indicator":
        checks.append(
            _check(
                lambda s: ~s.isin(BUILTIN_INDICATORS),
                "is the name of a built-in indicator",
                "give the office's own indicator another name",
                "与内置指标同名",
                "为考核办自定义的指标另取名称",
            )
        )
    if col.kind == "enum":
        allowed = ", ".join(f"{k} ({v})" for k, v in col.values.items())
        checks.append(
            _isin(
                set(col.values),
                f"must be one of {allowed}",
                f"use one of {', '.join(col.values)}",
                f"须为{'、'.join(col.values.values())}之一",
                f"填写{'、'.join(col.values.values())}之一（或英文 {', '.join(col.values)}）",
            )
        )
    if col.min is not None or col.max is not None:
        lo, hi = col.min, col.max
        if hi is None:
            checks.append(
                _check(
                    lambda s, lo=lo: s >= lo,
                    f"must be ≥ {lo:g}",
                    "enter a non-negative amount",
                    f"须 ≥ {lo:g}",
                    "填写非负数",
                )
            )
        else:
            checks.append(
                _check(
                    lambda s, lo=lo, hi=hi: s.between(lo, hi),
                    f"must be between {lo:g} and {hi:g}",
                    f"enter a share between {lo:g} and {hi:g} (80% is 0.8)",
                    f"须在 {lo:g} 至 {hi:g} 之间",
                    f"填写 {lo:g} 至 {hi:g} 之间的比例（80% 写作 0.8）",
                )
            )
    if sheet == "ratings" and col.name == "score":
        lo, hi = scheme.rating_scale
        checks.append(
            _check(
                lambda s, lo=lo, hi=hi: s.between(lo, hi),
                f"a score must lie on the rating scale [{lo:g}, {hi:g}]",
                "correct the score or set rating_scale in the scheme",
                f"评分须在评分量表 [{lo:g}, {hi:g}] 范围内",
                "改正评分，或在考核方案中设置 rating_scale",
            )
        )
    return pa.Column(None, nullable=not col.required, checks=checks, required=True)


def _row_checks(sheet: str, assigned: pd.Series | None) -> list[pa.Check]:
    """Rules that relate several columns of one row."""
    if sheet == "problems":
        return [
            _check(
                lambda d: (
                    (d["status"] == "resolved") == d["resolved_on"].notna() | ~d["status"].isin(["open", "resolved"])
                ),
                "status and resolved_on disagree: a resolved problem needs resolved_on, an open one must not have it",
                "set status to resolved and fill resolved_on, or set status to open and clear resolved_on",
                "办理状态与办结日期不一致：已办结的问题须填写办结日期，未办结的问题不得填写",
                "把办理状态改为已办结并填写办结日期，或改为未办结并清空办结日期",
                columns=("status", "resolved_on"),
            ),
            _check(
                lambda d: ~(d["resolved_on"] < d["raised_on"]),
                "resolved_on is before raised_on",
                "correct one of the two dates",
                "办结日期早于提出日期",
                "改正其中一个日期",
                columns=("resolved_on", "raised_on"),
            ),
        ]
    if sheet in ("visits", "ratings") and assigned is not None:
        return [
            _check(
                lambda d: _assigned_to(d, assigned),
                "the recipient is not assigned to this group (see the recipients sheet)",
                "correct group_id, or reassign the recipient in the recipients sheet",
                "该服务对象未分配给本工作组（见“服务对象”表）",
                "改正工作组编号，或在“服务对象”表中重新分配该服务对象",
                columns=("recipient_id", "group_id"),
            )
        ]
    if sheet == "adjustments":
        return [
            _check(
                lambda d: (d["kind"] == "veto") | ~d["kind"].isin(["bonus", "deduction"]) | d["points"].notna(),
                "a bonus or deduction needs points",
                "enter the points (a veto needs none)",
                "加分或扣分须填写分值",
                "填写分值（一票否决无需分值）",
                columns=("kind", "points"),
            )
        ]
    return []


def _assigned_to(rows: pd.DataFrame, assigned: pd.Series) -> pd.Series:
    """Rows whose recipient is unknown to the recipients sheet or assigned to the row's group."""
    group = rows["recipient_id"].map(assigned)
    return group.isna() | (group == rows["group_id"])


def _schema(
    sheet: str, scheme: Scheme, known: dict[str, set[str] | None], assigned: pd.Series | None, absent: set[str]
) -> pa.DataFrameSchema:
    """The sheet's schema over the columns it has: a missing required column is reported once, by intake."""
    spec = SHEETS[sheet]
    columns = {c.name: _column_schema(c, scheme, known, sheet) for c in spec.columns if c.name not in absent}
    checks = [c for c in _row_checks(sheet, assigned) if not absent & set(_RULE_COLUMNS.get(c.name or "", ()))]
    key = list(spec.key) if spec.key and not absent & set(spec.key) else None
    if spec.key:
        names = ", ".join(spec.key)
        names_zh = "、".join(spec.column(k).zh for k in spec.key)
        _FIXES[f"duplicate key ({names})"] = (
            "keep one row per key, or correct the ID",
            f"重复（{names_zh}相同的行不止一行）",
            "每个编号只保留一行，或改正编号",
        )
    return pa.DataFrameSchema(columns, checks=checks, unique=key, report_duplicates="all", name=sheet)


def _problems_from(
    exc: pa.errors.SchemaErrors,
    sheet: str,
    source: str,
    frame: pd.DataFrame,
    unparsable: set[tuple[int | None, str | None]],
) -> list[Problem]:
    """Turn pandera's failure cases into problems; cells already reported as unparsable are skipped."""
    spec = SHEETS[sheet]
    out: dict[tuple, Problem] = {}
    cases = exc.failure_cases
    for case in cases.itertuples(index=False):
        idx = case.index
        row = int(frame.at[idx, ROW]) if idx is not None and not pd.isna(idx) else None
        check = str(case.check)
        column = case.column
        if check == "multiple_fields_uniqueness":
            rule = f"duplicate key ({', '.join(spec.key)})"
            column = spec.key[0] if len(spec.key) == 1 else ", ".join(spec.key)
            value = " / ".join(_text(frame.at[idx, k]) for k in spec.key) if row else case.failure_case
        elif check == "not_nullable":
            rule, value = _MISSING_VALUE[0], None
        else:
            rule, value = check, case.failure_case
            names = _RULE_COLUMNS.get(rule)
            if names and row is not None:  # a rule over several columns: report it once, on its first column
                if any((row, n) in unparsable for n in names):
                    continue  # it follows from a cell already reported as unreadable
                column = names[0]
                value = " / ".join(f"{n}={_fmt(frame.at[idx, n]) or '(blank)'}" for n in names)
        fix, rule_zh, fix_zh = _MISSING_VALUE[1:] if rule == _MISSING_VALUE[0] else _FIXES.get(rule, ("", "", ""))
        key = (row, column, rule)
        if key not in out and (row, column) not in unparsable:
            out[key] = Problem(source, sheet, row, column, _fmt(value), rule, fix, rule_zh=rule_zh, fix_zh=fix_zh)
    return list(out.values())


def _fmt(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return "(blank)" if pd.isna(v) else v.date().isoformat()
    if v is pd.NaT:
        return "(blank)"
    return v


def _case_collisions(typed: dict[str, pd.DataFrame], raw: RawTables, absent: set[tuple[str, str]]) -> list[Problem]:
    """IDs that differ only in letter case (``G01``/``g01``): one file name on Windows and macOS, so refused."""
    out = []
    for sheet, col in _CASE_KEYS.items():
        if sheet not in typed or (sheet, col) in absent:
            continue
        frame = typed[sheet]
        ids = frame[col].dropna()
        if pd.api.types.infer_dtype(ids, skipna=False) != "string":  # coerced IDs are text; anything else is left out
            ids = ids[ids.map(lambda v: isinstance(v, str))]
        folded = ids.str.casefold()
        spellings = ids.groupby(folded).nunique()
        for fold in spellings.index[spellings > 1]:
            rows = ids[folded == fold]
            for idx, value in rows.items():
                others = sorted({v for v in rows if v != value})
                where = ", ".join(
                    f"{o!r} (row {int(frame.at[i, ROW])})" for o in others for i in rows.index[rows == o][:1]
                )
                out.append(
                    Problem(
                        raw.file(sheet),
                        sheet,
                        int(frame.at[idx, ROW]),
                        col,
                        value,
                        rule=f"differs only in letter case from {where}: the two would name the same file on Windows and macOS",
                        fix="write one ID the same way everywhere, or give different things clearly different IDs",
                        rule_zh=f"与{'、'.join(repr(o) for o in others)}仅大小写不同：在 Windows 和 macOS 上会成为同一个文件名",
                        fix_zh="同一编号请统一写法；不同对象请使用明显不同的编号",
                    )
                )
    return out


_REPEATS = ("milestones", "ratings", "adjustments")


def _repeated_rows(typed: dict[str, pd.DataFrame], raw: RawTables) -> list[Problem]:
    """Rows that repeat an earlier row in every column (a block pasted twice) where a repeat is
    implausible and counts: a rating, a milestone, a bonus or deduction. Both are counted, so say so.
    (Visits are left alone: two visits to one recipient on one day happen, and count little.)"""
    out = []
    for sheet, frame in typed.items():
        if sheet not in _REPEATS or len(frame) < 2:
            continue
        columns = [c.name for c in SHEETS[sheet].columns]
        key = pd.util.hash_pandas_object(
            frame[columns].astype(str), index=False
        )  # one hash per row; blanks compare equal
        again = key.duplicated(keep="first")
        if not again.any():
            continue
        rows = frame.loc[again, ROW].astype(int).tolist()
        first_of = frame[ROW].groupby(key).transform("first")[again].astype(int).tolist()
        shown = ", ".join(f"{r} (= row {f})" for r, f in list(zip(rows, first_of, strict=True))[:5]) + (
            " ..." if len(rows) > 5 else ""
        )
        shown_zh = "、".join(f"第{r}行（同第{f}行）" for r, f in list(zip(rows, first_of, strict=True))[:5]) + (
            "等" if len(rows) > 5 else ""
        )
        out.append(
            Problem(
                raw.file(sheet),
                sheet,
                rows[0],
                None,
                None,
                severity="warning",
                rule=f"{len(rows)} row(s) repeat an earlier row in every column: {shown}; each is counted",
                fix="delete the rows pasted twice; keep them only if the same thing really happened twice",
                rule_zh=f"有 {len(rows)} 行与前面某行完全相同：{shown_zh}；每一行都会计入",
                fix_zh="删除重复粘贴的行；只有同一事项确实发生了两次时才保留",
            )
        )
    return out


class _Located(TypedDict, total=False):
    """What :func:`_dress` adds to a problem: where it sits in the office's own workbook."""

    sheet_label: str
    column_label: str
    col_index: int
    group_id: str


def _dress(problems: list[Problem], raw: RawTables) -> list[Problem]:
    """Name each problem as the office's workbook does: sheet and header labels, Excel column, group."""
    groups: dict[str, dict[int, str]] = {}

    def group_of(sheet: str, row: int) -> str:
        if sheet not in groups:
            frame = raw.tables.get(sheet)
            if frame is None or "group_id" not in frame.columns:
                groups[sheet] = {}
            else:
                ids = frame["group_id"]
                groups[sheet] = {
                    int(r): _nfkc(_text(g))
                    for r, g in zip(frame[ROW], ids, strict=True)
                    if g is not None and not pd.isna(g)
                }
        return groups[sheet].get(row, "")

    out: list[Problem] = []
    for p in problems:
        change: _Located = {}
        origin = raw.origins.get(p.sheet)
        if origin is not None:
            if not p.sheet_label and origin.label:
                change["sheet_label"] = origin.label
            names = (p.column or "").split(", ")
            if p.column and all(n in origin.columns for n in names):
                if not p.column_label:
                    change["column_label"] = "、".join(origin.columns[n][0].strip() for n in names)
                if p.col_index is None:
                    change["col_index"] = origin.columns[names[0]][1]
        if not p.group_id and p.row is not None and p.row > 1:
            gid = group_of(p.sheet, p.row)
            if gid:
                change["group_id"] = gid
        out.append(dataclasses.replace(p, **change) if change else p)
    return out


@functools.cache
def _default_scheme() -> Scheme:
    """The shipped default scheme, parsed once (a frozen model, so one copy serves every validation)."""
    return default_scheme()


def _zone(scheme: Scheme) -> dt.tzinfo:
    name = getattr(scheme, "timezone", None) or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SchemeError(
            "scheme", [f"timezone: {name!r} is not a known time zone — fix: use an IANA name such as Asia/Shanghai"]
        ) from None


def _as_date(as_of: str | dt.date | pd.Timestamp | None) -> dt.date | None:
    return None if as_of is None else pd.Timestamp(as_of).date()


def check_tables(
    raw: RawTables,
    scheme: Scheme | None = None,
    year: int | None = None,
    as_of: str | dt.date | pd.Timestamp | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Coerce and validate raw sheets; return typed frames and warnings, or raise :class:`InputError`.

    Every problem of every sheet is collected before anything is raised; a missing sheet or
    column is reported with the problems of the columns that are there. ``year`` and ``as_of``
    place the plausible window of the dates (:mod:`assess.intake.plausible`; default: the
    year most dated rows fall in, and the scheme's ``as_of`` or 31 December).
    """
    scheme = scheme or _default_scheme()
    tz = _zone(scheme)
    problems = list(raw.problems)
    warnings = list(raw.warnings)
    absent = set(raw.missing)
    typed = _coerce(raw, problems, tz)
    _resolve_quarters(typed, raw, problems, warnings)
    reported = {(p.sheet, p.row, p.column) for p in problems}  # a cell already named is not named again
    implausible, doubtful = check_plausible(typed, raw.file, scheme, year, _as_date(as_of), raw.tables, reported)
    problems.extend(implausible)  # before the rules: a cell reported here is not reported again
    warnings.extend(doubtful)
    if "groups" in typed and typed["groups"].empty:
        problems.append(
            Problem(
                raw.file("groups"),
                "groups",
                None,
                None,
                None,
                "the groups sheet has no rows",
                "list every working group, one per row",
                rule_zh="“工作组”表没有数据",
                fix_zh="逐行列出全部工作组，每组一行",
            )
        )
    known: dict[str, set[str] | None] = {
        ref: set(typed[ref][key].dropna()) if ref in typed and (ref, key) not in absent else None
        for ref, key in (("groups", "group_id"), ("recipients", "recipient_id"))
    }
    assigned = None
    if "recipients" in typed and not absent & {("recipients", "recipient_id"), ("recipients", "group_id")}:
        recipients = typed["recipients"].drop_duplicates("recipient_id")
        assigned = pd.Series(recipients["group_id"].to_numpy(), index=recipients["recipient_id"].to_numpy())
    for sheet, frame in typed.items():
        schema = _schema(sheet, scheme, known, assigned, {c for s, c in absent if s == sheet})
        try:
            schema.validate(frame.drop(columns=ROW), lazy=True)
        except pa.errors.SchemaErrors as exc:
            unparsable = {(p.row, p.column) for p in problems if p.sheet == sheet}
            problems.extend(_problems_from(exc, sheet, raw.file(sheet), frame, unparsable))
    problems.extend(_case_collisions(typed, raw, absent))
    warnings.extend(_repeated_rows(typed, raw))
    problems, warnings = _dress(problems, raw), _dress(warnings, raw)
    if problems:
        _fail(problems, warnings)
    return typed, warnings


def validate_tables(
    raw: RawTables, scheme: Scheme | None = None, year: int | None = None, as_of: str | dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """Coerce and validate raw sheets; return typed frames or raise :class:`InputError` (see :func:`check_tables`)."""
    return check_tables(raw, scheme, year, as_of)[0]


def _fail(problems: list[Problem], warnings: list[Problem] | None = None) -> None:
    """Raise every problem at once, in sheet order, then row order."""
    order = list(SHEETS)
    problems.sort(key=lambda p: (order.index(p.sheet) if p.sheet in order else -1, p.row or 0, p.column or ""))
    raise InputError(problems, warnings)


def load(
    path: str | Path,
    scheme: Scheme | None = None,
    *,
    year: int | None = None,
    as_of: str | dt.date | pd.Timestamp | None = None,
) -> Dataset:
    """Read and validate a workbook (``.xlsx``) or a folder of CSV files.

    Raises :class:`~assess.intake.problems.InputError` listing every problem when the input is bad;
    what intake noticed without refusing the input is in the returned ``Dataset.warnings``.
    ``year`` and ``as_of`` (the assessment's) place the window every date must fall in; by
    default the year most dated rows fall in, and the scheme's ``as_of`` or 31 December.
    """
    raw = read_tables(path)
    tables, warnings = check_tables(raw, scheme, year, as_of)
    return Dataset(tables=tables, source=str(path), sha256=file_sha256(path), warnings=warnings)
