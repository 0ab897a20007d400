"""Located problems in the office's input: where (file, sheet, row, column), what, and the fix.

A :class:`Problem` speaks English or Chinese, naming sheets and columns as the office's
workbook named them; :class:`InputError` carries every problem found at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from assess.common import AssessError, Domain, message
from assess.intake._spec import SHEETS

__all__ = ["InputError", "Problem", "PROBLEM_WORDS", "Wording", "validation_text", "wording", "wording_apart"]

#: How a located problem is written, ``lang → {key: phrase}`` (section ``problem`` of the catalogues).
PROBLEM_WORDS = Domain("problem")
# A column without a header, named by its letter (``column F``).
_COLUMN_LETTER = re.compile(r"column ([A-Z]{1,3})")


class Wording(TypedDict):
    """A problem's rule and fix, in English and Chinese: ``Problem(..., **wording)``."""

    rule: str
    fix: str
    rule_zh: str
    fix_zh: str


def wording(domain: str, rule_key: str, fix_key: str, **values: object) -> Wording:
    """The rule and fix of a problem, in both languages, from the ``domain`` section of the
    message catalogues (keys ``rule_key`` and ``fix_key``, filled with ``values``)."""
    return wording_apart(domain, rule_key, fix_key, values, {})


def wording_apart(
    domain: str, rule_key: str, fix_key: str, values: Mapping[str, object], zh: Mapping[str, object]
) -> Wording:
    """:func:`wording` where Chinese writes some values otherwise (a month as ``三月`` where
    English writes ``03``): those in ``zh`` replace the ones in ``values`` in the Chinese phrases."""
    values_zh = {**values, **zh}
    return {
        "rule": message(domain, rule_key, "en", **values),
        "fix": message(domain, fix_key, "en", **values),
        "rule_zh": message(domain, rule_key, "zh", **values_zh),
        "fix_zh": message(domain, fix_key, "zh", **values_zh),
    }


@dataclass(frozen=True)
class Problem:
    """One problem found in the input: where it is, what is wrong, and how to fix it."""

    file: str
    sheet: str
    row: int | None  # Excel row number (header is row 1); None for a whole sheet or column
    column: str | None
    value: object
    rule: str
    fix: str = ""
    # Chinese wording of ``rule`` and ``fix`` (``assess validate --lang zh``); blank falls back to English.
    rule_zh: str = ""
    fix_zh: str = ""
    # The sheet and header as written in the office's workbook (``问题台账``, ``办结日期``), when they
    # differ from the canonical names in ``sheet`` and ``column``; blank means the same.
    sheet_label: str = ""
    column_label: str = ""
    # 1-based Excel column of the cell when known (for the annotated copy); None otherwise.
    col_index: int | None = None
    # The working group the problem belongs to, when the row names one (for per-group lists).
    group_id: str = ""
    # "error" stops the run (exit 2); "warning" is printed and kept, and the run goes on.
    severity: str = "error"

    @classmethod
    def of_sheet(cls, file: str, sheet: str, row: int | None = None, /, **fields: Any) -> Problem:
        """A problem with a whole sheet or file (or from ``row`` on), not one cell: no column, no value.

        >>> Problem.of_sheet("data.xlsx", "groups", rule="no working group").column is None
        True
        """
        return cls(file, sheet, row, None, None, **fields)

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The problem in one line: ``en`` is ``str(problem)``; ``zh`` uses the workbook's own names.

        >>> p = Problem("data.xlsx", "problems", 7, "resolved_on", "2025-13-01", "not a date", "write a date",
        ...             rule_zh="不是有效日期", fix_zh="填写日期", sheet_label="问题台账", column_label="办结日期")
        >>> p.text("zh")
        "data.xlsx：问题台账 第7行 办结日期：'2025-13-01'：不是有效日期 —— 改正：填写日期"
        >>> p.text("en")
        "data.xlsx: problems, row 7, column resolved_on: '2025-13-01': not a date — fix: write a date"
        """
        lang = "zh" if lang == "zh" else "en"
        words = PROBLEM_WORDS[lang]
        where = self._where_zh() if lang == "zh" else self._where_en()
        located = where or lang == "en"  # English always names the sheet, even a blank one
        text = (
            words["located"].format(file=self.file, where=where)
            if located
            else words["unlocated"].format(file=self.file)
        )
        if self.value is not None:
            text += words["value"].format(value=_show(self.value))
        rule, fix = (self.rule_zh or self.rule, self.fix_zh or self.fix) if lang == "zh" else (self.rule, self.fix)
        text += rule
        if fix:
            text += words["fix"].format(fix=fix)
        return text

    def _where_en(self) -> str:
        words = PROBLEM_WORDS["en"]
        parts = [self.sheet]
        if self.row is not None:
            parts.append(words["row"].format(row=self.row))
        if self.column:  # a column without a header is already called "column F"
            letter = _COLUMN_LETTER.fullmatch(self.column)
            parts.append(
                words["column_letter"].format(letter=letter[1])
                if letter
                else words["column"].format(column=self.column)
            )
        return words["where_sep"].join(parts)

    def _where_zh(self) -> str:
        words = PROBLEM_WORDS["zh"]
        sheet = self.sheet_label or (
            words["sheet_named"].format(sheet=SHEETS[self.sheet].zh, name=self.sheet) if self.sheet in SHEETS else ""
        )
        if self.sheet == "-":
            sheet = ""
        parts = [sheet] if sheet else []
        if self.row is not None:
            parts.append(words["row"].format(row=self.row))
        if self.column:
            parts.append(self.column_label or _column_zh(self.sheet, self.column))
        return words["where_sep"].join(parts)


def _column_zh(sheet: str, column: str) -> str:
    """Chinese name of a canonical column (or of several, ``a, b``); ``column B`` becomes ``B列``."""
    words = PROBLEM_WORDS["zh"]
    letter = _COLUMN_LETTER.fullmatch(column)
    if letter:
        return words["column_letter"].format(letter=letter[1])
    spec = SHEETS.get(sheet)
    names = []
    for name in column.split(", "):
        col = next((c for c in spec.columns if c.name == name), None) if spec else None
        names.append(col.zh if col else name)
    return words["list_sep"].join(names)


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class InputError(AssessError):
    """The input workbook has problems; ``problems`` lists every one of them.

    ``warnings`` holds what was noticed but did not stop the run (hidden sheets read, unknown
    headers ignored, control characters removed); :meth:`text` renders both in English or Chinese.
    """

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = problems
        self.warnings = list(warnings or [])
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        """Every problem, one per line, then the warnings; ``lang`` is ``en`` or ``zh``."""
        lang = "zh" if lang == "zh" else "en"
        head = message("problem", "input_errors", lang, n=len(self.problems))
        warn = message("problem", "input_warnings", lang, n=len(self.warnings))
        lines = [head, *(f"  - {p.text(lang)}" for p in self.problems)]
        if self.warnings:
            lines += [warn, *(f"  - {p.text(lang)}" for p in self.warnings)]
        return "\n".join(lines)


def validation_text(warnings: list[Problem], source: str, year: int, lang: str = "en") -> str:
    """``OUT/validation.txt`` of a run that went on: a line saying so, then every warning, located.

    >>> validation_text([], "data.xlsx", 2025)
    'Validation of data.xlsx for the 2025 assessment: no errors, no warnings.\\n'
    """
    if not warnings:
        return message("checks", "validation_none", lang, input=source, year=year) + "\n"
    head = message("checks", "validation_head", lang, input=source, year=year, n=len(warnings))
    return "\n".join([head, *(f"  - {w.text(lang)}" for w in warnings)]) + "\n"
