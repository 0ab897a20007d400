"""The rules of the input contract (docs/reference/input.md) as data: each check of a typed sheet
with its wording, in English and Chinese, from the ``input_rules`` section of the message catalogues.

A sheet's rules (:class:`SheetRules`) are judged in two steps. :meth:`SheetRules.holds` runs
each check's own function on the sheet, vectorised, as pandera would (nulls ignored, key
duplicates, required values): the usual sheet passes here and costs a few array operations.
Only a sheet that fails is handed to pandera (:meth:`SheetRules.schema`, run lazily), whose
failure cases :mod:`assess.intake.report` turns into located problems. Both steps use the same
functions, so they cannot disagree on what passes (``tests/intake`` checks it on random sheets).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from assess.common import lazy_module, message
from assess.intake._problems import Wording
from assess.intake._said import listed
from assess.intake._said import said as _said
from assess.intake._scheme import BUILTIN_INDICATORS, Scheme
from assess.intake._spec import ID_PATTERN, SHEETS, Column

if TYPE_CHECKING:
    import pandera.pandas as pa
else:
    pa = lazy_module("pandera.pandas")  # ~0.4 s, paid only when a sheet breaks a rule

__all__ = ["Rule", "SheetRules", "sheet_rules", "safe_group_id", "said", "MISSING_VALUE"]

_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)
_ID = re.compile(ID_PATTERN)
_DEVICES = ("CON", "PRN", "AUX", "NUL", "COM1–9", "LPT1–9")  # names Windows keeps for devices


def said(key: str, en: Mapping[str, object] | None = None, zh: Mapping[str, object] | None = None) -> Wording:
    """The rule ``key`` and its fix from the ``input_rules`` catalogue section (see :func:`._said.said`)."""
    return _said("input_rules", key, en, zh)


#: A required cell left blank (pandera's ``not_nullable``).
MISSING_VALUE = "missing_value"


def safe_group_id(value: str) -> bool:
    """True when ``value`` is a valid ID that is also safe as a file name on every system."""
    return bool(re.match(ID_PATTERN, value)) and value.strip(".") != "" and not _RESERVED.match(value)


@dataclass(frozen=True)
class Rule:
    """One check: ``test`` maps a column (or, for a row rule, the sheet) to a boolean Series.

    ``words["rule"]`` is also the name pandera reports the failing check by; ``columns`` are the
    columns a row rule relates, reported on the first.
    """

    test: Callable[[Any], pd.Series]
    words: Wording
    columns: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.words["rule"]

    def check(self) -> pa.Check:
        return pa.Check(self.test, error=self.name, ignore_na=True, name=self.name)


@dataclass(frozen=True)
class SheetRules:
    """The rules of one sheet over the columns it has (a missing column is reported once, by intake)."""

    sheet: str
    columns: dict[str, tuple[bool, list[Rule]]]  # column -> (nullable, its rules)
    rows: list[Rule] = field(default_factory=list)
    key: list[str] | None = None

    def holds(self, frame: pd.DataFrame) -> bool:
        """Whether pandera would find nothing wrong, judged with the same functions, vectorised.

        ``frame`` may hold other columns (the Excel row): only the rules' columns are judged.

        As pandera: a column rule sees the column without its blanks; a row rule's verdict on a
        row blank in every column is a pass; a required column has no blank; the key is unique.
        A rule that raises is left for pandera to report.
        """
        try:
            for name, (nullable, rules) in self.columns.items():
                values = frame[name]
                if not nullable and values.hasnans:
                    return False
                if rules:
                    present = values.dropna() if values.hasnans else values
                    if not all(bool(rule.test(present).all()) for rule in rules):
                        return False
            blank: pd.Series | None = None  # rows blank in every column, which a row rule passes
            for rule in self.rows:
                verdict = rule.test(frame)
                if not verdict.all():
                    blank = frame[list(self.columns)].isna().all(axis="columns") if blank is None else blank
                    if not (verdict | blank).all():
                        return False
        except Exception:  # noqa: BLE001 — pandera names a check that cannot run
            return False
        return not (self.key and frame.duplicated(subset=self.key).any())

    def schema(self) -> pa.DataFrameSchema:
        """The same rules as a pandera schema, run lazily to list every failure case."""
        columns = {
            name: pa.Column(None, nullable=nullable, checks=[r.check() for r in rules], required=True)
            for name, (nullable, rules) in self.columns.items()
        }
        return pa.DataFrameSchema(
            columns,
            checks=[r.check() for r in self.rows],
            unique=self.key,
            report_duplicates="all",
            name=self.sheet,
        )

    def wording(self) -> dict[str, Rule]:
        """Each rule by the name pandera reports it under."""
        return {r.name: r for rules in (*(rs for _, rs in self.columns.values()), self.rows) for r in rules}


# ---- column rules ------------------------------------------------------------------------------


def _isin(values: set[str], words: Wording) -> Rule:
    """Membership in ``values``, without pandera's ``Check.isin`` copy of the values.

    pandera deep-copies every check of a schema; ``Check.isin`` keeps its values as a list, so
    a sheet checked against 2,000 group IDs copied them once per column. A function is not copied.
    """
    allowed = frozenset(values)
    return Rule(lambda s: s.isin(allowed), words)


def per_distinct(test: Callable[[str], object], memo: tuple[set[str], set[str]]) -> Callable[[pd.Series], pd.Series]:
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
_REFERENCES = {"group_id": "groups", "recipient_id": "recipients"}


def _id_rules(col: Column, known: dict[str, set[str] | None], sheet: str) -> list[Rule]:
    rules = [Rule(per_distinct(lambda v: _ID.match(v) is not None, _ID_VERDICTS), said("id_pattern"))]
    if sheet == "groups":
        rules.append(
            Rule(
                per_distinct(safe_group_id, _SAFE_VERDICTS),
                said("id_file_name", {"reserved": listed(_DEVICES, "en")}, {"reserved": listed(_DEVICES, "zh")}),
            )
        )
    ref = _REFERENCES.get(col.name)
    if ref and ref != sheet and (ids := known.get(ref)) is not None:
        words = said("id_unknown", {"column": col.name, "ref": ref}, {"column": col.zh, "ref": SHEETS[ref].zh})
        rules.append(_isin(ids, words))
    return rules


def _within(lo: float, hi: float | None) -> Callable[[pd.Series], pd.Series]:
    """Cells at least ``lo`` and, unless ``hi`` is None, at most ``hi``."""
    if hi is None:
        return lambda s: s >= lo
    return lambda s: s.between(lo, hi)


def _bound_rules(col: Column) -> list[Rule]:
    lo, hi = col.min, col.max
    if lo is None:
        return []
    if hi is None:
        return [Rule(_within(lo, None), said("at_least", {"lo": f"{lo:g}"}))]
    return [Rule(_within(lo, hi), said("between", {"lo": f"{lo:g}", "hi": f"{hi:g}"}))]


def column_rules(col: Column, scheme: Scheme, known: dict[str, set[str] | None], sheet: str) -> list[Rule]:
    """The rules of one column's cells."""
    rules = _id_rules(col, known, sheet) if col.kind == "id" else []
    if sheet == "indicators" and col.name == "indicator":
        rules.append(Rule(lambda s: ~s.isin(BUILTIN_INDICATORS), said("builtin_indicator")))
    if col.kind == "enum":
        codes, names = listed(col.values, "en"), listed(col.values.values(), "zh")
        en = {"allowed": ", ".join(f"{k} ({v})" for k, v in col.values.items()), "choices": codes}
        zh = {"allowed": names, "choices": message("input_rules", "choices", "zh", names=names, codes=codes)}
        rules.append(_isin(set(col.values), said("one_of", en, zh)))
    rules += _bound_rules(col)
    if sheet == "ratings" and col.name == "score":
        lo, hi = scheme.rating_scale
        words = said("rating_scale", {"lo": f"{lo:g}", "hi": f"{hi:g}", "setting": "rating_scale"})
        rules.append(Rule(_within(lo, hi), words))
    return rules


# ---- row rules ---------------------------------------------------------------------------------


def _assigned_to(rows: pd.DataFrame, assigned: pd.Series) -> pd.Series:
    """Rows whose recipient is unknown to the recipients sheet or assigned to the row's group."""
    group = rows["recipient_id"].map(assigned)
    return group.isna() | (group == rows["group_id"])


def row_rules(sheet: str, assigned: pd.Series | None) -> list[Rule]:
    """Rules that relate several columns of one row."""
    if sheet == "problems":
        return [
            Rule(
                lambda d: (
                    (d["status"] == "resolved") == d["resolved_on"].notna() | ~d["status"].isin(["open", "resolved"])
                ),
                said("status_resolved_on"),
                ("status", "resolved_on"),
            ),
            Rule(
                lambda d: ~(d["resolved_on"] < d["raised_on"]),
                said("resolved_before_raised"),
                ("resolved_on", "raised_on"),
            ),
        ]
    if sheet in ("visits", "ratings") and assigned is not None:
        return [Rule(lambda d: _assigned_to(d, assigned), said("not_assigned"), ("recipient_id", "group_id"))]
    if sheet == "adjustments":
        return [
            Rule(
                lambda d: (d["kind"] == "veto") | ~d["kind"].isin(["bonus", "deduction"]) | d["points"].notna(),
                said("points_needed"),
                ("kind", "points"),
            )
        ]
    return []


def sheet_rules(
    sheet: str, scheme: Scheme, known: dict[str, set[str] | None], assigned: pd.Series | None, absent: set[str]
) -> SheetRules:
    """The sheet's rules over the columns it has: a missing required column is reported once, by intake."""
    spec = SHEETS[sheet]
    columns = {
        c.name: (not c.required, column_rules(c, scheme, known, sheet)) for c in spec.columns if c.name not in absent
    }
    rows = [r for r in row_rules(sheet, assigned) if not absent & set(r.columns)]
    key = list(spec.key) if spec.key and not absent & set(spec.key) else None
    return SheetRules(sheet, columns, rows, key)


def key_words(sheet: str) -> Wording:
    """The wording of a repeated key (pandera's ``multiple_fields_uniqueness``)."""
    spec = SHEETS[sheet]
    return said(
        "duplicate_key",
        {"columns": ", ".join(spec.key)},
        {"columns": listed((spec.column(k).zh for k in spec.key), "zh")},
    )
