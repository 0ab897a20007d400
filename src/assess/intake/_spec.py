"""The input contract (docs/reference/input.md) as data: sheets, columns, kinds, aliases, enumerations.

Everything that needs to know the shape of the office's workbook — intake, validation,
the blank template and the sample generator — reads it from here, so the contract is
written down exactly once. The shape (names, kinds, keys, bounds) is written here; the
Chinese names and enumeration aliases are vocabulary, read from
``common/locales/vocabulary.yaml`` (:mod:`assess.common._vocabulary`), and each column's help
text is a phrase of the ``input_columns`` section of the message catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assess.common import message, sheet_words

__all__ = ["Column", "Sheet", "SHEETS", "SHEET_ALIASES", "ID_PATTERN"]

#: IDs are text of 1 to 40 letters, digits, ``_``, ``.`` or ``-`` (the input contract (docs/reference/input.md)).
ID_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    ``kind`` is one of ``id``, ``text``, ``date``, ``month`` (``YYYY-MM``), ``quarter``
    (``YYYY-Qn``), ``number`` or ``enum``.  ``values`` maps each allowed enumeration value
    to its Chinese alias, which intake accepts too. ``zh`` is the Chinese header;
    ``help`` the key of the column's help text in the ``input_columns`` catalogue section
    (:attr:`en_help`, :attr:`zh_help`).
    """

    name: str
    kind: str
    required: bool
    zh: str
    help: str
    values: dict[str, str] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None

    @property
    def en_help(self) -> str:
        """What the column holds, in English (the template's readme)."""
        return message("input_columns", self.help, "en")

    @property
    def zh_help(self) -> str:
        """What the column holds, in Chinese."""
        return message("input_columns", self.help, "zh")


@dataclass(frozen=True)
class Sheet:
    """One input sheet: its columns, its key and whether the workbook must have it."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    optional: bool = False

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class _Col:
    """A column as the contract writes it: the shape only; :func:`_sheet` adds the words."""

    name: str
    kind: str
    required: bool
    help: str = ""  # the help text's key; default ``<sheet>.<column>``
    values: tuple[str, ...] = ()  # an enumeration's allowed values
    min: float | None = None
    max: float | None = None


def _sheet(name: str, columns: tuple[_Col, ...], key: tuple[str, ...] = (), optional: bool = False) -> Sheet:
    """The sheet ``name`` with its columns' Chinese headers and aliases from the vocabulary."""
    words = sheet_words(name)
    return Sheet(
        name,
        words.zh,
        tuple(
            Column(
                c.name,
                c.kind,
                c.required,
                words.columns[c.name],
                c.help or f"{name}.{c.name}",
                {v: words.values[c.name][v] for v in c.values},
                c.min,
                c.max,
            )
            for c in columns
        ),
        key,
        optional,
    )


_GID = _Col("group_id", "id", True, help="group_ref")  # a group that must exist in groups


def _rid(required: bool = True) -> _Col:
    return _Col("recipient_id", "id", required, help="recipient_ref")  # must exist in recipients


SHEETS: dict[str, Sheet] = {
    s.name: s
    for s in (
        _sheet(
            "groups",
            (
                _Col("group_id", "id", True),
                _Col("name", "text", True),
                _Col("leader", "text", False),
                _Col("department_head", "text", False),
                _Col("staff", "text", False),
                _Col("unit", "text", False),
            ),
            key=("group_id",),
        ),
        _sheet(
            "recipients",
            (
                _Col("recipient_id", "id", True),
                _Col("name", "text", True),
                _Col("kind", "enum", True, values=("enterprise", "project")),
                _Col("group_id", "id", True),
            ),
            key=("recipient_id",),
        ),
        _sheet(
            "ledger",
            (
                _GID,
                _Col("month", "month", True),
                _Col("due_date", "date", True),
                _Col("submitted_on", "date", False),
                _Col("completeness", "number", False, min=0.0, max=1.0),
            ),
            key=("group_id", "month"),
        ),
        _sheet(
            "visits",
            (
                _GID,
                _rid(),
                _Col("date", "date", True),
                _Col("kind", "text", False),
                _Col("note", "text", False),
            ),
        ),
        _sheet(
            "problems",
            (
                _Col("problem_id", "id", True),
                _GID,
                _rid(required=False),
                _Col("raised_on", "date", True),
                _Col("category", "text", False),
                _Col("priority", "enum", False, values=("urgent", "common", "major")),
                _Col("responsible_unit", "text", False),
                _Col("responsible_person", "text", False),
                _Col("deadline", "date", True),
                _Col("status", "enum", True, values=("open", "resolved")),
                _Col("resolved_on", "date", False),
            ),
            key=("problem_id",),
        ),
        _sheet(
            "milestones",
            (
                _rid(),
                _GID,
                _Col("milestone", "text", True),
                _Col("planned_date", "date", True),
                _Col("completed_on", "date", False),
                _Col("investment_planned", "number", False, min=0.0),
                _Col("investment_completed", "number", False, min=0.0),
            ),
        ),
        _sheet(
            "ratings",
            (
                _Col("quarter", "quarter", True),
                _rid(),
                _GID,
                _Col("item", "text", False),
                _Col("score", "number", True),
                _Col("comment", "text", False),
            ),
        ),
        _sheet(
            "adjustments",
            (
                _GID,
                _Col("date", "date", True),
                _Col("kind", "enum", True, values=("bonus", "deduction", "veto")),
                _Col("points", "number", False, min=0.0),
                _Col("reason", "text", True),
            ),
            optional=True,
        ),
        _sheet(
            "indicators",
            (
                _GID,
                _Col("indicator", "id", True),
                _Col("value", "number", True),
            ),
            key=("group_id", "indicator"),
            optional=True,
        ),
    )
}

#: Chinese sheet names accepted as aliases of the English ones.
SHEET_ALIASES: dict[str, str] = {s.zh: s.name for s in SHEETS.values()}
