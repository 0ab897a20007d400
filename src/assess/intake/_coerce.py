"""Coercion: each raw cell of a sheet to its column's type (date, month, quarter, number, ID, text),
or a located problem saying why it cannot be one.

Conversions are vectorised where a column holds one clean type and otherwise computed once per
distinct text; :mod:`assess.intake._validate` then checks the typed sheets against the rules.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assess.common import message
from assess.intake._problems import Problem, Wording
from assess.intake._read import ROW, RawTables
from assess.intake._said import listed
from assess.intake._said import said as _said
from assess.intake._spec import SHEETS, Column

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
_YEARLESS = "????"  # year placeholder of a quarter written without one, resolved workbook-wide

# ---- coercion: raw cell -> typed value, or a problem ----------------------------------------


def said(key: str, en: Mapping[str, object] | None = None, zh: Mapping[str, object] | None = None) -> Wording:
    """The rule ``key`` and its fix from the ``input_rules`` catalogue section."""
    return _said("input_rules", key, en, zh)


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
    return _Bad(**said("date_range", {"lo": lo.year, "hi": hi.year}))


def _day(d: dt.date) -> dt.datetime | _Bad:
    if not DATE_RANGE[0] <= d <= DATE_RANGE[1]:
        return _out_of_range(d)
    return dt.datetime(d.year, d.month, d.day)  # midnight; a column of them is cast to datetime64 at once


def _date(v: object, tz: dt.tzinfo) -> dt.datetime | _Bad | None:
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


@functools.cache
def _bad(key: str) -> _Bad:
    """Why a cell is not a number (``non_finite``, ``decimal_comma``, ``spaced_number``), worded once."""
    return _Bad(**said(key, {"nan": "NaN"}))


def _number(v: object, tz: dt.tzinfo | None = None) -> float | _Bad | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        try:
            number = float(v)
        except OverflowError:  # an integer beyond any float
            return _bad("non_finite")
        return number if math.isfinite(number) else _bad("non_finite")
    if isinstance(v, str):
        s = _nfkc(v)
        if re.search(r"\d\s+\d", s):  # "1 000" groups thousands; "0 5" or "99 5" is a typo, never 5 or 995
            if not _SPACED_RE.match(re.sub(r"\s+", " ", s)):
                return _bad("spaced_number")
        s = re.sub(r"\s+", "", s)
        if _NON_FINITE_RE.match(s):
            return _bad("non_finite")
        if "," in s:
            if not _THOUSANDS_RE.match(s):
                return _bad("decimal_comma")
            s = s.replace(",", "")
        if not _NUMBER_RE.match(s):
            return None
        number = float(s)
        return number if math.isfinite(number) else _bad("non_finite")
    return None


#: Excel's error values: what a cell shows when its formula failed (a CSV saved from Excel holds them as text).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
                          "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"})  # fmt: skip
#: The most characters an Excel cell holds: a longer text (from a CSV) could not be written back whole.
EXCEL_CELL_MAX = 32_767
_EXCEL = {"excel": "Excel"}


def _quarter_examples(year: str) -> dict[str, str]:
    """The first quarter of ``year`` as written in English and in Chinese, for a fix."""
    return {"example": f"{year}-Q1", "example_cn": message("input_rules", "first_quarter", "zh", year=year)}


@functools.cache
def _worded(key: str) -> tuple[str, str, str, str]:
    """Rule, fix and their Chinese of a cell that cannot be read (``not_a_date``, ``too_long``, ...)."""
    values = {**_EXCEL, **_quarter_examples("2025"), "limit": f"{EXCEL_CELL_MAX:,}"}
    words = said(key, values, {"limit": EXCEL_CELL_MAX})
    return words["rule"], words["fix"], words["rule_zh"], words["fix_zh"]


#: Each kind's conversion of one cell: a value, a reason it is wrong (:class:`_Bad`) or None.
_COERCE: dict[str, tuple[Callable[[object, dt.tzinfo], object]]] = {
    "date": (_date,),
    "month": (_month,),
    "quarter": (_quarter,),
    "number": (_number,),
}


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
    return np.fromiter(items, dtype=object, count=len(items))


def _unusable(c: object) -> bool:
    """Whether a converted cell is no value: blank, NaN, NaT or a reason (:class:`_Bad`) it is wrong."""
    return c is None or isinstance(c, _Bad) or (isinstance(c, float) and math.isnan(c)) or c is pd.NaT


def _text_converter(col: Column) -> Callable[[object], str]:
    """How one cell of an ID, text or enumeration column reads: trimmed text, IDs and codes NFKC."""
    if col.kind == "text":
        return _text
    if col.kind == "id":
        return lambda v: _nfkc(_text(v))
    aliases = {zh: code for code, zh in col.values.items()}

    def code(v: object) -> str:
        text = _nfkc(_text(v))
        return aliases.get(text, text.lower())

    return code


def _texts(strings: np.ndarray, col: Column) -> list[str]:
    """:func:`_text_converter` of each of ``strings`` (all ``str``), ASCII ones without NFKC (it leaves them as they are)."""
    if col.kind == "text":
        return [v.strip() for v in strings]
    texts = [v.strip() if v.isascii() else _nfkc(v.strip()) for v in strings]
    if col.kind == "enum":
        aliases = {zh: code for code, zh in col.values.items()}
        return [aliases.get(t, t.lower()) for t in texts]
    return texts


def _bad_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are an Excel error value (``#N/A``) and which are too long for a cell, as two masks.

    Every error value starts with ``#``: a column without one anywhere is not looked at cell by cell.
    """
    strings = [t for t in texts if type(t) is str]
    if "#" not in "".join(strings) and max(map(len, strings), default=0) <= EXCEL_CELL_MAX:
        return np.zeros(len(texts), bool), np.zeros(len(texts), bool)
    failed = np.fromiter(
        (type(t) is str and t[:1] == "#" and t.upper() in EXCEL_ERRORS for t in texts), bool, len(texts)
    )
    too_long = np.fromiter((type(t) is str and len(t) > EXCEL_CELL_MAX for t in texts), bool, len(texts))
    return failed, too_long & ~failed


def _text_column(
    raw: pd.Series, col: Column, source: str, sheet: str, rows: pd.Series, problems: list[Problem]
) -> np.ndarray:
    """An ID, text or enumeration column as text (None where blank), each distinct text converted once.

    An Excel error value shown as text (``#N/A``) and a text longer than a cell holds are
    problems and read blank.
    """
    cells = raw.to_numpy(dtype=object)
    convert = _text_converter(col)
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        codes, distinct = pd.factorize(cells)  # blanks get code -1: the None appended last
        texts = _objects([*_texts(distinct, col), None])
        error, long = _bad_texts(texts)
        out, failed, too_long = texts[codes], error[codes], long[codes]
    else:  # 1, 1.0 and True are equal keys yet different cells: converted one by one
        blank = pd.isna(cells)
        seen: dict[str, str] = {}  # a text converted once, other cells one by one
        out = _objects(
            [
                None
                if b
                else (seen[v] if v in seen else seen.setdefault(v, convert(v)))
                if type(v) is str
                else convert(v)
                for v, b in zip(cells, blank, strict=True)
            ]
        )
        failed, too_long = _bad_texts(out)
    for i in np.flatnonzero(failed):  # a formula's error shown as text: never a name, a reason or an ID
        problems.append(Problem(source, sheet, int(rows.iat[i]), col.name, raw.iat[i], *_worded("excel_error")))
    for i in np.flatnonzero(too_long):  # never cut short without a word in scores.xlsx
        problems.append(Problem(source, sheet, int(rows.iat[i]), col.name, raw.iat[i], *_worded("too_long")))
    bad = failed | too_long
    if bad.any():
        out[bad] = None
    return out


#: Kinds of column whose distinct values convert alike whatever their Python type: no bool among
#: numbers (``True`` and ``1`` are one key to :func:`pandas.factorize`, but not one cell).
_GROUPABLE = frozenset({"string", "datetime", "date", "floating", "integer", "mixed-integer-float", "empty"})


def _converted(cells: np.ndarray, kind: str, tz: dt.tzinfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell converted by the kind's rule (None where blank), whether it is no value, and whether blank.

    A column of one clean kind is converted once per distinct value; a number column of plain
    numbers without a single cell to convert (only inf and NaN are named, one by one).
    """
    convert = _COERCE[kind][0]
    inferred = pd.api.types.infer_dtype(cells, skipna=True)
    if inferred in _GROUPABLE and not (kind == "number" and inferred != "string"):
        codes, distinct = pd.factorize(cells)  # blanks get code -1: the None appended last
        results = [*(convert(v, tz) for v in distinct), None]
        flags = np.fromiter(map(_unusable, results), bool, len(results))
        return _objects(results)[codes], flags[codes], codes < 0
    blank = pd.isna(cells)
    if kind == "number" and inferred in ("floating", "integer", "mixed-integer-float"):
        try:
            numbers = cells.astype(float)
        except OverflowError:  # an integer beyond any float: the cell-by-cell rule names it
            numbers = None
        if numbers is not None:
            odd = ~np.isfinite(numbers) & ~blank
            out = _objects(numbers.tolist())
            out[blank] = None
            for i in np.flatnonzero(odd):
                out[i] = convert(cells[i], tz)
            return out, blank | odd, blank
    out, flags = _each_distinct(pd.Series(cells[~blank], dtype=object), lambda v: convert(v, tz), _unusable)
    every = np.empty(len(cells), dtype=object)
    every[~blank] = out
    unusable = blank.copy()
    unusable[~blank] = flags
    return every, unusable, blank


def _coerce_column(
    raw: pd.Series, col: Column, source: str, sheet: str, rows: pd.Series, problems: list[Problem], tz: dt.tzinfo
) -> np.ndarray:
    """One column in its kind's type (NaT, NaN or None where blank or wrong); each wrong cell a problem."""
    if col.kind in ("id", "text", "enum"):
        return _text_column(raw, col, source, sheet, rows, problems)
    cells = raw.to_numpy(dtype=object)
    out, unusable, blank = _converted(cells, col.kind, tz)
    wrong = unusable & ~blank
    for i in np.flatnonzero(wrong):
        bad, cell = out[i], raw.iat[i]
        if isinstance(bad, _Bad):
            words = (bad.rule, bad.fix, bad.rule_zh, bad.fix_zh)
        elif isinstance(cell, str) and cell.strip().upper() in EXCEL_ERRORS:
            words = _worded("excel_error")
        else:
            words = _worded(f"not_a_{col.kind}")
        problems.append(Problem(source, sheet, int(rows.iat[i]), col.name, cell, words[0], words[1], *words[2:]))
    if col.kind == "date":
        stamps = out.copy()
        stamps[unusable] = None  # NaT
        # pandas converts an object array of Timestamps in C, ~4× faster than numpy's astype
        return pd.to_datetime(stamps).to_numpy().astype("datetime64[ns]")
    if col.kind == "number":
        numbers = np.full(len(out), np.nan)
        good = ~unusable
        numbers[good] = out[good].astype(float)
        return numbers
    labels = out.copy()  # month and quarter labels: NaN where blank and None where wrong, as before
    labels[blank] = np.nan
    labels[wrong] = None
    return labels


def _values(column: pd.Series | np.ndarray) -> np.ndarray:
    return column.to_numpy() if isinstance(column, pd.Series) else column


def _coerce(raw: RawTables, problems: list[Problem], tz: dt.tzinfo) -> dict[str, pd.DataFrame]:
    typed = {}
    for sheet, frame in raw.tables.items():
        spec = SHEETS[sheet]
        columns = {
            col.name: _coerce_column(frame[col.name], col, raw.file(sheet), sheet, frame[ROW], problems, tz)
            for col in spec.columns
        }
        typed[sheet] = pd.DataFrame(
            {
                **{c.name: pd.Series(_values(columns[c.name]), dtype=_DTYPES[c.kind]) for c in spec.columns},
                ROW: pd.Series(frame[ROW].to_numpy()),
            }
        )
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
    where = "where_quarters"
    if not years and "ledger" in typed:
        years = {m[:4] for m in typed["ledger"]["month"].dropna()}
        where = "where_months"
    en = {"where": message("input_rules", where, "en")}
    zh = {"where": message("input_rules", where, "zh")}
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
                **said(
                    "quarter_year_read",
                    {**en, "n": len(rows), "first": first, "year": year, **_quarter_examples(year)},
                    zh,
                ),
            )
        )
        return
    for lang, values in (("en", en), ("zh", zh)):
        spans = listed(sorted(years), lang)
        values["found"] = message("input_rules", "years_many" if years else "years_none", lang, years=spans)
    for idx in rows.index:
        problems.append(
            Problem(
                file,
                "ratings",
                int(rows[idx]),
                "quarter",
                raw.tables["ratings"]["quarter"].iloc[idx],
                **said("quarter_year_missing", {**en, **_quarter_examples("2025")}, zh),
            )
        )
        ratings.at[idx, "quarter"] = None
