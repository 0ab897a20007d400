"""Values that read correctly but cannot be right: dates outside a plausible window, dates in an
impossible order, office-supplied indicators far outside their goalposts.

Every date of the workbook must lie in the scheme's window (:meth:`Scheme.date_bounds`: by
default 1 January of the year before the assessment year to one year after ``as_of``). A
date outside is a typo (2052 for 2025) or a bare number typed into a date cell, which Excel
and every reader take for a day of 1900 (``4.4`` → 1900-01-04, ``2025`` → 1905-07-17); scored,
it would drop a veto or count a late ledger on time, so it is an error where it stands.

The orders (the input contract (docs/reference/input.md) leaves them to intake) and their severity:

================  ==============================================  ========
sheet             rule                                            severity
================  ==============================================  ========
ledger            ``submitted_on`` before the first day of month  error
ledger            ``due_date`` before the first day of month      error
ledger            ``due_date`` over three months after month end  warning
problems          ``deadline`` before ``raised_on``               error
problems          ``resolved_on`` before ``raised_on``            error (a pandera rule of :mod:`validate`)
milestones        ``completed_on`` over a year before planned     warning
================  ==============================================  ========

A warning is what the office may mean (a quarterly due date, a milestone reached very
early); it is printed and the run goes on. An order is checked only when both dates lie in
the window, so one typo is reported once.

An indicator the office computes itself and normalises with goalposts ``[lo, hi]`` is
clipped to them when scored. A value more than ``goalpost_factor`` spans ``(hi − lo)`` beyond
them (``66.4`` typed for 0.664) is an error; a nearer one is a warning that says the score
it is clipped to.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd

from assess.common import Domain
from assess.intake._problems import Problem, Wording, wording
from assess.intake._read import ROW
from assess.intake._scheme import BUILTIN_INDICATORS, Scheme
from assess.intake._spec import SHEETS

__all__ = ["assessment_year", "check_plausible"]

WORDS = Domain("checks")
#: The last day a bare number typed into a date cell can reach (serial 2,199: a year such as 2099 typed alone).
_SERIAL_DAYS = dt.date(1906, 1, 1)
#: The columns whose year says which year a row belongs to (the same as the pre-flight's).
_YEAR_COLUMNS = (
    ("visits", "date"),
    ("problems", "raised_on"),
    ("milestones", "planned_date"),
    ("ledger", "due_date"),
    ("adjustments", "date"),
    ("ledger", "month"),
    ("ratings", "quarter"),
)


def _years(tables: dict[str, pd.DataFrame]) -> Counter[int]:
    years: Counter[int] = Counter()
    for sheet, column in _YEAR_COLUMNS:
        frame = tables.get(sheet)
        if frame is None or column not in frame.columns:
            continue
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            days = values.to_numpy()
            found, counts = np.unique(days[~np.isnat(days)].astype("datetime64[Y]").astype(int), return_counts=True)
            years.update({int(y) + 1970: int(n) for y, n in zip(found, counts, strict=True)})
        else:  # a few distinct labels (2025-03, 2025-Q1) however long the sheet
            values = values.dropna()
            for label, n in values.value_counts().items():
                if str(label)[:4].isdigit():
                    years[int(str(label)[:4])] += int(n)
    return years


def assessment_year(tables: dict[str, pd.DataFrame]) -> int | None:
    """The year most dated rows fall in (``None`` without any dated row): the year a workbook is about."""
    years = _years(tables)
    return years.most_common(1)[0][0] if years else None


def _say(key: str, **values: object) -> Wording:
    """``rule``/``fix`` and their Chinese from the catalogue (``key`` and ``key_fix``)."""
    return wording("checks", key, f"{key}_fix", **values)


def _day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


def _serial(cell: object, day: dt.date) -> str:
    """The number Excel stored for a cell read as ``day`` (``4.4`` for 1900-01-04 09:36).

    Excel's calendar counts a 29 February 1900 that never was, so serials from 61 on are one
    day more than the days since 31 December 1899.
    """
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return f"{cell:g}"
    moment = pd.Timestamp(cell) if isinstance(cell, dt.date) else pd.Timestamp(day)
    days = (moment - pd.Timestamp(1899, 12, 31)) / pd.Timedelta(days=1) + (moment >= pd.Timestamp(1900, 3, 1))
    return f"{round(days, 6):g}"


def _cell_day(cell: object) -> dt.date | None:
    """The day a month cell stored as a date stands for (a month typed as ``3`` is 1900-01-03)."""
    if isinstance(cell, dt.datetime | pd.Timestamp):
        return cell.date()
    return cell if isinstance(cell, dt.date) else None


def _spans(frame: pd.DataFrame, column: str, kind: str) -> tuple[pd.Series, pd.Series] | None:
    """First and last day each cell of a date, month or quarter column stands for."""
    values = frame[column]
    if kind == "date":
        return values, values
    if kind in ("month", "quarter"):
        start = _period_start(values, kind)
        return start, start + (pd.offsets.MonthEnd(0) if kind == "month" else pd.offsets.QuarterEnd(0))
    return None


def _label_start(label: str, kind: str, later: int = 0) -> pd.Timestamp:
    """First day of a ``YYYY-MM`` month or ``YYYY-Qn`` quarter label, or of the month ``later``
    months after it (NaT for a label without a year)."""
    try:
        month = int(label[5:7]) if kind == "month" else (int(label[-1]) - 1) * 3 + 1
        year, month = divmod(int(label[:4]) * 12 + month - 1 + later, 12)
        return pd.Timestamp(year, month + 1, 1)
    except ValueError:
        return pd.NaT


def _period_start(labels: pd.Series, kind: str = "month", later: int = 0) -> pd.Series:
    """First day of each label (or ``later`` months on), parsed once per distinct label."""
    codes, distinct = pd.factorize(labels)  # blanks get code -1: the NaT appended last
    starts = pd.DatetimeIndex([*(_label_start(str(label), kind, later) for label in distinct), pd.NaT]).as_unit("ns")
    return pd.Series(starts.to_numpy()[codes], index=labels.index)


def _window(
    typed: dict[str, pd.DataFrame],
    file: Callable[[str], str],
    scheme: Scheme,
    year: int,
    as_of: dt.date | None,
    outside: set[tuple[str, int, str]],
    raw: dict[str, pd.DataFrame],
) -> list[Problem]:
    earliest, latest = Scheme.date_bounds(scheme, year, as_of)  # a stand-in scheme without it gets the defaults
    lo, hi = pd.Timestamp(earliest), pd.Timestamp(latest)
    where = {"year": year, "earliest": earliest.isoformat(), "latest": latest.isoformat()}
    out = []
    for sheet, frame in typed.items():
        for col in SHEETS[sheet].columns:
            if col.name not in frame.columns or col.kind not in ("date", "month", "quarter"):
                continue
            spans = _spans(frame, col.name, col.kind)
            if spans is None:
                continue
            start, end = spans
            cells = {sheet: raw[sheet][col.name]} if sheet in raw and col.name in raw[sheet].columns else {}
            first, last = start.to_numpy("datetime64[ns]"), end.to_numpy("datetime64[ns]")
            bad = ~np.isnat(first) & ((last < lo.to_datetime64()) | (first > hi.to_datetime64()))
            if not bad.any():
                continue
            for idx in frame.index[bad]:
                outside.add((sheet, idx, col.name))
                value = frame.at[idx, col.name]
                shown = _day(value) if col.kind == "date" else str(value)
                cell = cells[sheet].iloc[idx] if sheet in cells else None
                day = pd.Timestamp(value).date() if col.kind == "date" else _cell_day(cell)
                if day is not None and day < _SERIAL_DAYS:
                    said: Wording = _say(
                        "serial", day=shown, serial=_serial(cell, day), example=f"{year}-03-31", **where
                    )
                else:
                    kinds = {lang: WORDS.text(f"kind.{col.kind}", lang) for lang in ("en", "zh")}
                    said = {
                        "rule": WORDS.text("outside", "en", kind=kinds["en"], **where),
                        "fix": WORDS.text("outside_fix", "en", kind=kinds["en"], setting="dates"),
                        "rule_zh": WORDS.text("outside", "zh", kind=kinds["zh"], **where),
                        "fix_zh": WORDS.text("outside_fix", "zh", kind=kinds["zh"], setting="dates"),
                    }
                out.append(Problem(file(sheet), sheet, int(frame.at[idx, ROW]), col.name, shown, **said))
    return out


#: (sheet, first column, second column, key, severity, test(first, second) -> rows that break it)
_Order = tuple[str, str, str, str, str, Callable[[pd.Series, pd.Series], pd.Series]]


_ORDERS: tuple[_Order, ...] = (
    ("ledger", "submitted_on", "month", "submitted_before_month", "error", lambda d, m: d < _period_start(m)),
    ("ledger", "due_date", "month", "due_before_month", "error", lambda d, m: d < _period_start(m)),
    (
        "ledger",
        "due_date",
        "month",
        "due_long_after_month",
        "warning",
        lambda d, m: d >= _period_start(m, later=4),
    ),
    ("problems", "deadline", "raised_on", "deadline_before_raised", "error", lambda d, r: d < r),
    (
        "milestones",
        "completed_on",
        "planned_date",
        "completed_long_before_planned",
        "warning",
        lambda c, p: c < p - pd.DateOffset(years=1),
    ),
)


def _orders(
    typed: dict[str, pd.DataFrame], file: Callable[[str], str], outside: set[tuple[str, int, str]]
) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for sheet, first, second, key, severity, broken in _ORDERS:
        frame = typed.get(sheet)
        if frame is None or first not in frame.columns or second not in frame.columns or frame.empty:
            continue
        a, b = frame[first], frame[second]
        hit = (a.notna() & b.notna() & broken(a, b)).fillna(False).astype(bool)
        for idx in frame.index[hit]:
            if (sheet, idx, first) in outside or (sheet, idx, second) in outside:
                continue  # the date itself is wrong: reported once, by the window
            shown = {n: (_day(frame.at[idx, n]) if n != "month" else str(frame.at[idx, n])) for n in (first, second)}
            said = _say(key, month=shown.get("month", ""))
            problem = Problem(
                file(sheet),
                sheet,
                int(frame.at[idx, ROW]),
                first,
                " / ".join(f"{n}={v}" for n, v in shown.items()),
                severity=severity,
                **said,
            )
            (errors if severity == "error" else warnings).append(problem)
    return errors, warnings


def _number(x: float) -> str:
    return f"{x:g}"


def _goalposts(
    typed: dict[str, pd.DataFrame], file: Callable[[str], str], scheme: Scheme
) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    frame = typed.get("indicators")
    if frame is None or frame.empty or not {"indicator", "value"} <= set(frame.columns):
        return errors, warnings
    factor = Scheme.goalpost_slack.fget(scheme)  # type: ignore[attr-defined]
    for idx, name, value in zip(frame.index, frame["indicator"], frame["value"], strict=True):
        spec = getattr(scheme, "indicators", {}).get(name) if isinstance(name, str) else None
        if spec is None or name in BUILTIN_INDICATORS or spec.normalize.method != "goalposts" or pd.isna(value):
            continue
        lo, hi = spec.normalize.bounds or (0.0, 1.0)
        if lo <= value <= hi:
            continue
        slack = factor * (hi - lo)
        values = {"lo": _number(lo), "hi": _number(hi), "indicator": name}
        if value < lo - slack or value > hi + slack:
            said = _say(
                "goalpost_far",
                factor=_number(factor),
                low=_number(lo - slack),
                high=_number(hi + slack),
                setting="goalpost_factor",
                **values,
            )
            errors.append(Problem(file("indicators"), "indicators", int(frame.at[idx, ROW]), "value", value, **said))
            continue
        bound = hi if value > hi else lo
        points = 100.0 if (value > hi) == (spec.direction == "higher") else 0.0
        said = _say("goalpost_clip", bound=_number(bound), points=_number(points), **values)
        warnings.append(
            Problem(
                file("indicators"),
                "indicators",
                int(frame.at[idx, ROW]),
                "value",
                value,
                severity="warning",
                **said,
            )
        )
    return errors, warnings


def check_plausible(
    typed: dict[str, pd.DataFrame],
    file: Callable[[str], str],
    scheme: Scheme,
    year: int | None = None,
    as_of: dt.date | None = None,
    raw: dict[str, pd.DataFrame] | None = None,
    reported: set[tuple[str, int | None, str | None]] | frozenset = frozenset(),
) -> tuple[list[Problem], list[Problem]]:
    """Errors and warnings about values that read correctly but cannot be right (see the module doc).

    ``typed`` holds the coerced sheets (cells that could not be read are blank); ``file``
    names the file of a sheet; ``raw`` holds the cells as read, in the same row order, to
    show the number behind a date read from one; ``reported`` holds the cells (sheet, Excel
    row, column) already named by another problem, which are not named again. ``year`` defaults to :func:`assessment_year`. An explicit
    ``year`` that no dated row falls in skips the window: the caller refuses such a year
    with one message rather than one per date.
    """
    found = _years(typed)
    if year is None:
        year = found.most_common(1)[0][0] if found else None
    outside: set[tuple[str, int, str]] = set()
    errors: list[Problem] = []
    if year is not None and found.get(year):
        errors += _window(typed, file, scheme, year, as_of, outside, raw or {})
    order_errors, warnings = _orders(typed, file, outside)
    post_errors, post_warnings = _goalposts(typed, file, scheme)
    errors = [p for p in errors + order_errors + post_errors if (p.sheet, p.row, p.column) not in reported]
    warnings = [p for p in warnings + post_warnings if (p.sheet, p.row, p.column) not in reported]
    return errors, warnings
