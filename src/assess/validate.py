"""Validation: coerce raw cells to types, then check every rule of DESIGN §2 with pandera.

One pandera schema per sheet, run lazily, plus cross-sheet checks (references, assignment
of recipients to groups) expressed as pandera checks bound to the other sheets' keys. Every
failure becomes a :class:`~assess.errors.Problem` with file, sheet, Excel row, column, value,
rule and fix; nothing is raised until all of them are collected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .errors import InputError, Problem
from .io import ROW, RawTables, file_sha256, read_tables
from .scheme import BUILTIN_INDICATORS, Scheme, default_scheme
from .spec import ID_PATTERN, SHEETS, Column

__all__ = ["Dataset", "load", "validate_tables", "safe_group_id"]

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_QUARTER_RE = re.compile(r"^(\d{4})\s*[-_ ]?\s*(?:Q|q|年第?)\s*([1-4])\s*(?:季度)?$")
_DTYPES = {"date": "datetime64[ns]", "number": "float64"} | dict.fromkeys(("id", "text", "enum", "month", "quarter"), object)
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Dataset:
    """A validated input: one typed DataFrame per sheet (plus ``_row``, the Excel row)."""

    tables: dict[str, pd.DataFrame]
    source: str = ""
    sha256: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, sheet in SHEETS.items():  # an optional sheet left out is an empty one
            if name not in self.tables and sheet.optional:
                self.tables[name] = pd.DataFrame({c.name: pd.Series(dtype=_DTYPES[c.kind]) for c in sheet.columns} | {ROW: pd.Series(dtype="int64")})

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


def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date().isoformat()
    return str(v).strip()


def _date(v: object) -> pd.Timestamp | None:
    if isinstance(v, (dt.datetime, dt.date)):
        return pd.Timestamp(v).normalize()
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        if 1 <= v < 2958466:  # Excel serial day numbers up to 9999-12-31
            return (_EXCEL_EPOCH + pd.Timedelta(days=float(v))).normalize()
        return None
    if isinstance(v, str):
        s = v.strip()
        for fmt in _DATE_FORMATS:
            try:
                return pd.Timestamp(dt.datetime.strptime(s, fmt))
            except ValueError:
                pass
        try:  # ISO date-times such as 2025-03-01T00:00:00 or "2025-03-01 08:30"
            return pd.Timestamp(dt.datetime.fromisoformat(s)).normalize()
        except ValueError:
            return None
    return None


def _month(v: object) -> str | None:
    if isinstance(v, (dt.datetime, dt.date)):
        return f"{v.year:04d}-{v.month:02d}"
    m = _MONTH_RE.match(_text(v))
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def _quarter(v: object) -> str | None:
    m = _QUARTER_RE.match(_text(v))
    return f"{m.group(1)}-Q{m.group(2)}" if m else None


def _number(v: object) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip().replace(",", ""))
        except ValueError:
            return None
    return None


_COERCE: dict[str, tuple[Callable[[object], object], str, str]] = {
    "date": (_date, "not a date", "write a date such as 2025-03-31 (or use an Excel date cell)"),
    "month": (_month, "not a month", "write the month as YYYY-MM, e.g. 2025-03"),
    "quarter": (_quarter, "not a quarter", "write the quarter as YYYY-Qn, e.g. 2025-Q1"),
    "number": (_number, "not a number", "write a plain number such as 0.8"),
}


def _fast(values: pd.Series, kind: str) -> pd.Series | None:
    """Vectorised conversion when a column holds one clean type (the usual case), else None.

    Cells it cannot convert come back as NaN/NaT and go through the cell-by-cell rules.
    """
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("id", "text", "enum") and inferred == "string":
        return values.astype(str).str.strip()
    if kind == "date" and inferred in ("datetime", "datetime64", "date"):
        return pd.to_datetime(values).dt.normalize()
    if kind == "date" and inferred == "string":
        return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    if kind == "number" and inferred in ("floating", "integer", "mixed-integer-float"):
        return values.astype(float)
    return None


def _coerce_column(raw: pd.Series, col: Column, source: str, sheet: str, rows: pd.Series, problems: list[Problem]) -> pd.Series:
    present = raw.notna()
    values = raw[present]
    fast = _fast(values, col.kind) if len(values) else None
    if col.kind in ("id", "text", "enum"):
        out = fast if fast is not None else values.map(_text)
        if col.kind == "enum":
            aliases = {zh: code for code, zh in col.values.items()}
            out = out.map(lambda v: aliases.get(v, v.lower()))
        return out.reindex(raw.index).astype(object).where(present, None)
    convert, rule, fix = _COERCE[col.kind]
    converted = fast.astype(object) if fast is not None else pd.Series(None, index=values.index, dtype=object)
    retry = converted.isna()
    if retry.any():  # the cell-by-cell rules, for whatever the fast path left
        converted[retry] = values[retry].map(convert)
    for idx in converted.index[converted.isna()]:
        problems.append(Problem(source, sheet, int(rows[idx]), col.name, raw[idx], rule, fix))
    out = converted.reindex(raw.index)
    if col.kind == "date":
        return pd.to_datetime(out).astype("datetime64[ns]")
    if col.kind == "number":
        return pd.to_numeric(out).astype("float64")
    return out


def _coerce(raw: RawTables, problems: list[Problem]) -> dict[str, pd.DataFrame]:
    typed = {}
    for sheet, frame in raw.tables.items():
        spec = SHEETS[sheet]
        out = pd.DataFrame(index=frame.index)
        for col in spec.columns:
            out[col.name] = _coerce_column(frame[col.name], col, raw.file(sheet), sheet, frame[ROW], problems)
        out[ROW] = frame[ROW]
        typed[sheet] = out.reset_index(drop=True)
    return typed


# ---- rules as pandera schemas -----------------------------------------------------------------

#: Fixes for the rules, keyed by the rule text that pandera reports as the failing check.
_FIXES: dict[str, str] = {}
#: For rules over several columns of a row: the columns they name, first one reported.
_RULE_COLUMNS: dict[str, tuple[str, ...]] = {}


def _check(fn: Callable, rule: str, fix: str, *, columns: tuple[str, ...] = ()) -> pa.Check:
    _FIXES[rule] = fix
    if columns:
        _RULE_COLUMNS[rule] = columns
    return pa.Check(fn, error=rule, ignore_na=True, name=rule)


def _isin(values: set[str], rule: str, fix: str) -> pa.Check:
    _FIXES[rule] = fix
    return pa.Check.isin(sorted(values), error=rule)


def _column_schema(col: Column, scheme: Scheme, known: dict[str, set[str]], sheet: str) -> pa.Column:
    checks: list[pa.Check] = []
    if col.kind == "id":
        checks.append(
            _check(lambda s: s.str.match(ID_PATTERN), "an ID must be 1–40 letters, digits, '_', '.' or '-'", "remove spaces, slashes and other characters")
        )
        if sheet == "groups":
            checks.append(
                _check(lambda s: s.map(safe_group_id), "a group ID must be usable as a file name", "do not use '.', '..' or a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9)")
            )
        ref = {"group_id": "groups", "recipient_id": "recipients"}.get(col.name)
        if ref and ref != sheet:
            checks.append(_isin(known[ref], f"unknown {col.name}: not in the {ref} sheet", f"add it to the {ref} sheet or correct the ID"))
    if sheet == "indicators" and col.name == "indicator":
        checks.append(
            _check(lambda s: ~s.isin(BUILTIN_INDICATORS), "is the name of a built-in indicator", "give the office's own indicator another name")
        )
    if sheet == "indicators" and col.name == "indicator":
        checks.append(
            _check(lambda s: ~s.isin(BUILTIN_INDICATORS), "is the name of a built-in indicator", "give the office's own indicator another name")
        )
    if col.kind == "enum":
        allowed = ", ".join(f"{k} ({v})" for k, v in col.values.items())
        checks.append(_isin(set(col.values), f"must be one of {allowed}", f"use one of {', '.join(col.values)}"))
    if col.min is not None or col.max is not None:
        lo, hi = col.min, col.max
        if hi is None:
            checks.append(_check(lambda s, lo=lo: s >= lo, f"must be ≥ {lo:g}", "enter a non-negative amount"))
        else:
            checks.append(_check(lambda s, lo=lo, hi=hi: s.between(lo, hi), f"must be between {lo:g} and {hi:g}", f"enter a share between {lo:g} and {hi:g} (80% is 0.8)"))
    if sheet == "ratings" and col.name == "score":
        lo, hi = scheme.rating_scale
        checks.append(_check(lambda s, lo=lo, hi=hi: s.between(lo, hi), f"a score must lie on the rating scale [{lo:g}, {hi:g}]", "correct the score or set rating_scale in the scheme"))
    return pa.Column(None, nullable=not col.required, checks=checks, required=True)


def _row_checks(sheet: str, assigned: pd.Series) -> list[pa.Check]:
    """Rules that relate several columns of one row."""
    if sheet == "problems":
        return [
            _check(
                lambda d: (d["status"] == "resolved") == d["resolved_on"].notna() | ~d["status"].isin(["open", "resolved"]),
                "status and resolved_on disagree: a resolved problem needs resolved_on, an open one must not have it",
                "set status to resolved and fill resolved_on, or set status to open and clear resolved_on",
                columns=("status", "resolved_on"),
            ),
            _check(
                lambda d: ~(d["resolved_on"] < d["raised_on"]),
                "resolved_on is before raised_on",
                "correct one of the two dates",
                columns=("resolved_on", "raised_on"),
            ),
        ]
    if sheet in ("visits", "ratings"):
        return [
            _check(
                lambda d: d["recipient_id"].map(assigned).isna() | (d["recipient_id"].map(assigned) == d["group_id"]),
                "the recipient is not assigned to this group (see the recipients sheet)",
                "correct group_id, or reassign the recipient in the recipients sheet",
                columns=("recipient_id", "group_id"),
            )
        ]
    if sheet == "adjustments":
        return [
            _check(
                lambda d: (d["kind"] == "veto") | ~d["kind"].isin(["bonus", "deduction"]) | d["points"].notna(),
                "a bonus or deduction needs points",
                "enter the points (a veto needs none)",
                columns=("kind", "points"),
            )
        ]
    return []


def _schema(sheet: str, scheme: Scheme, known: dict[str, set[str]], assigned: pd.Series) -> pa.DataFrameSchema:
    spec = SHEETS[sheet]
    columns = {c.name: _column_schema(c, scheme, known, sheet) for c in spec.columns}
    if spec.key:
        key = ", ".join(spec.key)
        _FIXES[f"duplicate key ({key})"] = "keep one row per key, or correct the ID"
    return pa.DataFrameSchema(
        columns,
        checks=_row_checks(sheet, assigned),
        unique=list(spec.key) or None,
        report_duplicates="all",
        name=sheet,
    )


def _problems_from(
    exc: pa.errors.SchemaErrors, sheet: str, source: str, frame: pd.DataFrame, unparsable: set[tuple[int | None, str | None]]
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
            rule, value = "required value is missing", None
        else:
            rule, value = check, case.failure_case
            names = _RULE_COLUMNS.get(rule)
            if names and row is not None:  # a rule over several columns: report it once, on its first column
                column = names[0]
                value = " / ".join(f"{n}={_fmt(frame.at[idx, n]) or '(blank)'}" for n in names)
        fix = _FIXES.get(rule, "fill in the value" if rule == "required value is missing" else "")
        key = (row, column, rule)
        if key not in out and (row, column) not in unparsable:
            out[key] = Problem(source, sheet, row, column, _fmt(value), rule, fix)
    return list(out.values())


def _fmt(v: object) -> object:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return "(blank)" if pd.isna(v) else v.date().isoformat()
    if v is pd.NaT:
        return "(blank)"
    return v


def validate_tables(raw: RawTables, scheme: Scheme | None = None) -> dict[str, pd.DataFrame]:
    """Coerce and validate raw sheets; return typed frames or raise :class:`InputError`.

    Every problem of every sheet is collected before anything is raised.
    """
    scheme = scheme or default_scheme()
    problems = list(raw.problems)
    if any(p.rule in ("required sheet is missing", "required column is missing") for p in problems):
        _fail(problems)  # the rules below need every sheet and column
    typed = _coerce(raw, problems)
    if typed["groups"].empty:
        problems.append(Problem(raw.file("groups"), "groups", None, None, None, "the groups sheet has no rows", "list every working group, one per row"))
    known = {
        "groups": set(typed["groups"]["group_id"].dropna()),
        "recipients": set(typed["recipients"]["recipient_id"].dropna()),
    }
    recipients = typed["recipients"].drop_duplicates("recipient_id")
    assigned = pd.Series(recipients["group_id"].to_numpy(), index=recipients["recipient_id"].to_numpy())
    for sheet, frame in typed.items():
        schema = _schema(sheet, scheme, known, assigned)
        try:
            schema.validate(frame.drop(columns=ROW), lazy=True)
        except pa.errors.SchemaErrors as exc:
            unparsable = {(p.row, p.column) for p in problems if p.sheet == sheet}
            problems.extend(_problems_from(exc, sheet, raw.file(sheet), frame, unparsable))
    if problems:
        _fail(problems)
    return typed


def _fail(problems: list[Problem]) -> None:
    """Raise every problem at once, in sheet order, then row order."""
    order = list(SHEETS)
    problems.sort(key=lambda p: (order.index(p.sheet) if p.sheet in order else -1, p.row or 0, p.column or ""))
    raise InputError(problems)


def load(path: str | Path, scheme: Scheme | None = None) -> Dataset:
    """Read and validate a workbook (``.xlsx``) or a folder of CSV files.

    Raises :class:`~assess.errors.InputError` listing every problem when the input is bad.
    """
    raw = read_tables(path)
    tables = validate_tables(raw, scheme)
    return Dataset(tables=tables, source=str(path), sha256=file_sha256(path))
