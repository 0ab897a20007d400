"""Validation: coerce raw cells to types, then check every rule of the input contract (docs/reference/input.md).

The work is split by job: :mod:`~assess.intake._coerce` turns cells into typed values,
:mod:`~assess.intake._plausible` finds dates and values that cannot be right,
:mod:`~assess.intake._rules` holds the rules (checked vectorised; a sheet that breaks one is
handed to pandera, run lazily, for every failure case), and :mod:`~assess.intake._failures`
turns failures into :class:`~assess.intake._problems.Problem` with file, sheet, Excel row,
column, value, rule and fix, in English and Chinese, named as the office's workbook names
them. Nothing is raised until every problem is collected. Notices that do not stop a run (a
hidden sheet read, an unknown header ignored, a quarter's year inferred) come back as
``Dataset.warnings``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from assess.common import SchemeError
from assess.intake._coerce import (  # noqa: F401 — re-exported: their home before the split
    _COERCE,
    _DTYPES,
    DATE_RANGE,
    DEFAULT_TIMEZONE,
    EXCEL_CELL_MAX,
    EXCEL_ERRORS,
    _coerce,
    _each_distinct,
    _number,
    _resolve_quarters,
    _unusable,
)
from assess.intake._failures import _case_collisions, _dress, _fail, _repeated_rows, problems_from
from assess.intake._plausible import check_plausible
from assess.intake._problems import InputError, Problem
from assess.intake._read import ROW, RawTables, file_sha256, read_tables
from assess.intake._rules import _ID, safe_group_id, said, sheet_rules  # noqa: F401 — _ID re-exported
from assess.intake._rules import per_distinct as _per_distinct  # noqa: F401 — re-exported
from assess.intake._scheme import Scheme, default_scheme
from assess.intake._spec import SHEETS

__all__ = [
    "Dataset",
    "load",
    "validate",
    "validate_tables",
    "check_tables",
    "safe_group_id",
    "DATE_RANGE",
    "DEFAULT_TIMEZONE",
]


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
    place the plausible window of the dates (:mod:`assess.intake._plausible`; default: the
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
        problems.append(Problem.of_sheet(raw.file("groups"), "groups", **said("no_groups")))
    known: dict[str, set[str] | None] = {
        ref: set(typed[ref][key].dropna()) if ref in typed and (ref, key) not in absent else None
        for ref, key in (("groups", "group_id"), ("recipients", "recipient_id"))
    }
    assigned = None
    if "recipients" in typed and not absent & {("recipients", "recipient_id"), ("recipients", "group_id")}:
        recipients = typed["recipients"].drop_duplicates("recipient_id")
        assigned = pd.Series(recipients["group_id"].to_numpy(), index=recipients["recipient_id"].to_numpy())
    for sheet, frame in typed.items():
        rules = sheet_rules(sheet, scheme, known, assigned, {c for s, c in absent if s == sheet})
        if not rules.holds(frame):  # only a sheet that breaks a rule pays for pandera's report
            unparsable = {(p.row, p.column) for p in problems if p.sheet == sheet}
            problems.extend(problems_from(rules, frame.drop(columns=ROW), raw.file(sheet), frame, unparsable))
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


def load(
    path: str | Path,
    scheme: Scheme | None = None,
    *,
    year: int | None = None,
    as_of: str | dt.date | pd.Timestamp | None = None,
) -> Dataset:
    """Read and validate a workbook (``.xlsx``) or a folder of CSV files.

    Raises :class:`~assess.intake._problems.InputError` listing every problem when the input is bad;
    what intake noticed without refusing the input is in the returned ``Dataset.warnings``.
    ``year`` and ``as_of`` (the assessment's) place the window every date must fall in; by
    default the year most dated rows fall in, and the scheme's ``as_of`` or 31 December.
    """
    raw = read_tables(path)
    tables, warnings = check_tables(raw, scheme, year, as_of)
    return Dataset(tables=tables, source=str(path), sha256=file_sha256(path), warnings=warnings)


def validate(
    path: str | Path,
    scheme: Scheme | None = None,
    *,
    year: int | None = None,
    as_of: str | dt.date | pd.Timestamp | None = None,
) -> list[Problem]:
    """Every problem of the workbook or CSV folder at ``path``, errors first, then warnings;
    an empty list when the input is clean. What ``assess validate`` prints, as data.

    Unlike :func:`load` it does not raise for a bad input; each item is a located
    :class:`~assess.intake.Problem` (``severity`` ``"error"`` or ``"warning"``, the file, sheet,
    Excel row, column, value, rule and fix in both languages).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from assess.batch import write_sample
    >>> path = write_sample(pathlib.Path(tempfile.mkdtemp()) / "sample.xlsx", year=2025, groups=6, seed=1)
    >>> [p for p in validate(path, year=2025) if p.severity == "error"]
    []
    """
    try:
        return list(load(path, scheme, year=year, as_of=as_of).warnings)
    except InputError as exc:
        return [*exc.problems, *exc.warnings]
