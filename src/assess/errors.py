"""Exceptions of ``assess``: one base class, small subclasses that carry the facts."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AssessError", "Problem", "InputError", "SchemeError", "OptionError"]


class AssessError(Exception):
    """Base of every error ``assess`` raises on purpose (bad input, bad scheme)."""


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

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        text = f"{self.file}: {where}: "
        if self.value is not None:
            text += f"{_show(self.value)}: "
        text += self.rule
        if self.fix:
            text += f" — fix: {self.fix}"
        return text


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class InputError(AssessError):
    """The input workbook has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the input:\n" + "\n".join(f"  - {p}" for p in problems))


class SchemeError(AssessError):
    """The scheme file is invalid; ``lines`` names each bad key, value and fix."""

    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        super().__init__(f"invalid scheme {source}:\n" + "\n".join(f"  - {line}" for line in lines))


class OptionError(AssessError):
    """An option or setting does not fit the data or the outputs (a date outside the year,
    an output that would replace an input); nothing was written. ``lines`` lists each."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines) + "\nNothing was written.")
