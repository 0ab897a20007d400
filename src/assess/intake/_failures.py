"""Reporting of problems: rule failures as located problems, named as the office's workbook names
them (sheet and header labels, Excel column, working group), and raised all at once.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, TypedDict

import numpy as np
import pandas as pd

from assess.common import lazy_module, message
from assess.intake._coerce import _nfkc, _text
from assess.intake._problems import InputError, Problem, Wording
from assess.intake._read import ROW, RawTables
from assess.intake._rules import MISSING_VALUE, SheetRules, key_words, said
from assess.intake._said import listed
from assess.intake._spec import SHEETS

if TYPE_CHECKING:
    import pandera.pandas as pa
else:
    pa = lazy_module("pandera.pandas")  # ~0.4 s, paid only when a sheet breaks a rule

_CASE_KEYS = {"groups": "group_id", "recipients": "recipient_id", "problems": "problem_id", "indicators": "indicator"}


def problems_from(
    rules: SheetRules,
    checked: pd.DataFrame,
    source: str,
    frame: pd.DataFrame,
    unparsable: set[tuple[int | None, str | None]],
) -> list[Problem]:
    """Run pandera over a sheet that breaks a rule and turn every failure case into a problem.

    ``checked`` is the typed sheet as the rules see it, ``frame`` the same with its Excel rows;
    cells already reported as unparsable are skipped.
    """
    try:
        rules.schema().validate(checked, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    sheet = rules.sheet
    spec = SHEETS[sheet]
    by_name = rules.wording()
    out: dict[tuple, Problem] = {}
    for case in cases.itertuples(index=False):
        idx = case.index
        row = int(frame.at[idx, ROW]) if idx is not None and not pd.isna(idx) else None
        check = str(case.check)
        column = case.column
        if check == "multiple_fields_uniqueness":
            words = key_words(sheet)
            column = spec.key[0] if len(spec.key) == 1 else ", ".join(spec.key)
            value = " / ".join(_text(frame.at[idx, k]) for k in spec.key) if row else case.failure_case
        elif check == "not_nullable":
            words, value = said(MISSING_VALUE), None
        else:
            rule = by_name.get(check)
            words = rule.words if rule else Wording(rule=check, fix="", rule_zh="", fix_zh="")
            value = case.failure_case
            names = rule.columns if rule else ()
            if names and row is not None:  # a rule over several columns: report it once, on its first column
                if any((row, n) in unparsable for n in names):
                    continue  # it follows from a cell already reported as unreadable
                column = names[0]
                value = " / ".join(f"{n}={_fmt(frame.at[idx, n]) or '(blank)'}" for n in names)
        key = (row, column, words["rule"])
        if key not in out and (row, column) not in unparsable:
            out[key] = Problem(source, sheet, row, column, _fmt(value), **words)
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
        distinct = {v for v in frame[col].unique() if isinstance(v, str)}
        if len({v.casefold() for v in distinct}) == len(distinct):
            continue  # no two IDs differ only in letter case (the usual sheet): nothing to locate
        ids = frame[col].dropna()
        if pd.api.types.infer_dtype(ids, skipna=False) != "string":  # coerced IDs are text; anything else is left out
            ids = ids[ids.map(lambda v: isinstance(v, str))]
        folded = ids.str.casefold()
        spellings = ids.groupby(folded).nunique()
        for fold in spellings.index[spellings > 1]:
            rows = ids[folded == fold]
            for idx, value in rows.items():
                others = sorted({v for v in rows if v != value})
                where = listed(
                    (
                        message("input_rules", "case_other", "en", id=repr(o), row=int(frame.at[i, ROW]))
                        for o in others
                        for i in rows.index[rows == o][:1]
                    ),
                    "en",
                )
                out.append(
                    Problem(
                        raw.file(sheet),
                        sheet,
                        int(frame.at[idx, ROW]),
                        col,
                        value,
                        **said(
                            "case_collision",
                            {"where": where, "windows": "Windows", "macos": "macOS"},
                            {"where": listed(map(repr, others), "zh")},
                        ),
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
        if not frame.duplicated(subset=columns).any():  # rows alike as text are alike as values
            continue
        key = pd.util.hash_pandas_object(
            frame[columns].astype(str), index=False
        )  # one hash per row; blanks compare equal
        again = key.duplicated(keep="first")
        if not again.any():
            continue
        rows = frame.loc[again, ROW].astype(int).tolist()
        first_of = frame[ROW].groupby(key).transform("first")[again].astype(int).tolist()
        shown = {
            lang: listed(
                (
                    message("input_rules", "repeat_item", lang, row=r, first=f)
                    for r, f in zip(rows[:5], first_of[:5], strict=True)
                ),
                lang,
            )
            + (message("input_rules", "and_more", lang) if len(rows) > 5 else "")
            for lang in ("en", "zh")
        }
        out.append(
            Problem(
                raw.file(sheet),
                sheet,
                rows[0],
                None,
                None,
                severity="warning",
                **said("repeated_rows", {"n": len(rows), "shown": shown["en"]}, {"shown": shown["zh"]}),
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
                    change["column_label"] = listed((origin.columns[n][0].strip() for n in names), "zh")
                if p.col_index is None:
                    change["col_index"] = origin.columns[names[0]][1]
        if not p.group_id and p.row is not None and p.row > 1:
            gid = group_of(p.sheet, p.row)
            if gid:
                change["group_id"] = gid
        out.append(dataclasses.replace(p, **change) if change else p)
    return out


def _fail(problems: list[Problem], warnings: list[Problem] | None = None) -> None:
    """Raise every problem at once, in sheet order, then row order."""
    order = list(SHEETS)
    problems.sort(key=lambda p: (order.index(p.sheet) if p.sheet in order else -1, p.row or 0, p.column or ""))
    raise InputError(problems, warnings)
