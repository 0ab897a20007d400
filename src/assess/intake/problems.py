"""Located problems in the office's input: where (file, sheet, row, column), what, and the fix.

A :class:`Problem` speaks English or Chinese, naming sheets and columns as the office's
workbook named them; :class:`InputError` carries every problem found at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from assess.common.errors import AssessError
from assess.common.messages import message
from assess.intake.spec import SHEETS

__all__ = ["InputError", "Problem", "Wording", "validation_text", "wording"]


class Wording(TypedDict):
    """A problem's rule and fix, in English and Chinese: ``Problem(..., **wording)``."""

    rule: str
    fix: str
    rule_zh: str
    fix_zh: str


def wording(domain: str, rule_key: str, fix_key: str, **values: object) -> Wording:
    """The rule and fix of a problem, in both languages, from the ``domain`` section of the
    message catalogues (keys ``rule_key`` and ``fix_key``, filled with ``values``)."""
    return {
        "rule": message(domain, rule_key, "en", **values),
        "fix": message(domain, fix_key, "en", **values),
        "rule_zh": message(domain, rule_key, "zh", **values),
        "fix_zh": message(domain, fix_key, "zh", **values),
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

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:  # a column without a header is already called "column F"
            where += f", {self.column}" if self.column.startswith("column ") else f", column {self.column}"
        text = f"{self.file}: {where}: "
        if self.value is not None:
            text += f"{_show(self.value)}: "
        text += self.rule
        if self.fix:
            text += f" — fix: {self.fix}"
        return text

    def text(self, lang: str = "en") -> str:
        """The problem in one line: ``en`` is ``str(problem)``; ``zh`` uses the workbook's own names.

        >>> p = Problem("data.xlsx", "problems", 7, "resolved_on", "2025-13-01", "not a date", "write a date",
        ...             rule_zh="不是有效日期", fix_zh="填写日期", sheet_label="问题台账", column_label="办结日期")
        >>> p.text("zh")
        "data.xlsx：问题台账 第7行 办结日期：'2025-13-01'：不是有效日期 —— 改正：填写日期"
        """
        if lang != "zh":
            return str(self)
        where = self._where_zh()
        text = f"{self.file}：{where}：" if where else f"{self.file}："
        if self.value is not None:
            text += f"{_show(self.value)}："
        text += self.rule_zh or self.rule
        fix = self.fix_zh or self.fix
        if fix:
            text += f" —— 改正：{fix}"
        return text

    def _where_zh(self) -> str:
        sheet = self.sheet_label or (f"{SHEETS[self.sheet].zh}（{self.sheet}）" if self.sheet in SHEETS else "")
        if self.sheet == "-":
            sheet = ""
        parts = [sheet] if sheet else []
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(self.column_label or _column_zh(self.sheet, self.column))
        return " ".join(parts)


def _column_zh(sheet: str, column: str) -> str:
    """Chinese name of a canonical column (or of several, ``a, b``); ``column B`` becomes ``B列``."""
    if column.startswith("column "):
        return f"{column[7:]}列"
    spec = SHEETS.get(sheet)
    names = []
    for name in column.split(", "):
        col = next((c for c in spec.columns if c.name == name), None) if spec else None
        names.append(col.zh if col else name)
    return "、".join(names)


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
        if lang == "zh":
            head = f"输入数据有 {len(self.problems)} 个问题："
            warn = f"另有 {len(self.warnings)} 条提示（不影响运行）："
        else:
            head = f"{len(self.problems)} problem(s) in the input:"
            warn = f"{len(self.warnings)} warning(s):"
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
