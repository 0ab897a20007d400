"""Every fixed word of the reports and the index, in English (``en``) and Chinese (``zh``).

Labels that the scheme defines (components, grades) come from the scheme; every other phrase
lives in the message catalogues ``assess/common/locales/en.yaml`` and ``zh.yaml`` (section
``report``, read by :mod:`assess.common._messages`), so that ``--lang zh`` switches every label
and a missing translation is a test failure rather than a stray English word
(``tests/test_i18n.py`` checks both files have the same keys and placeholders). This module
adds what the reports need on top: labels from the scheme, number formats, quarters, months.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from assess.common import LANGS, Domain, check_lang

if TYPE_CHECKING:
    from assess.scoring import Result

__all__ = [
    "LANGS",
    "MISSING",
    "check_lang",
    "text",
    "has_text",
    "indicator_label",
    "mark",
    "component_labels",
    "grade_label",
    "flag_labels",
    "is_missing",
    "display_text",
    "format_score",
    "format_number",
    "format_percent",
    "format_signed",
    "quarter_label",
    "month_label",
]

#: How a missing value is shown.
MISSING = "—"

#: The reports' phrases, ``lang → {key: phrase}``, from the ``report`` section of the catalogues.
_TEXT = Domain("report")

#: Display names of the built-in indicators, ``lang → {indicator: name}``.
_INDICATORS = Domain("indicator")

#: Punctuation and small joins (colon, separators, month ranges), ``lang → {key: phrase}``.
_MARKS = Domain("marks")


def text(key: str, lang: str = "en", **values: Any) -> str:
    """A fixed label in ``lang``, with ``{placeholders}`` filled from ``values``.

    Examples
    --------
    >>> text("rank_of", "en", rank=2, n=4), text("rank_of", "zh", rank=2, n=4)
    ('2 of 4', '第2名，共4个')
    """
    return _TEXT.text(key, lang, **values)


def quarter_label(quarter: Any, lang: str = "en") -> str:
    """A quarter ``YYYY-Qn`` as the reader says it: ``Q1`` (``第一季度``); the year is the report's.

    Examples
    --------
    >>> quarter_label("2025-Q1", "zh"), quarter_label("2025-Q3", "en"), quarter_label("x")
    ('第一季度', 'Q3', 'x')
    """
    match = re.fullmatch(r"(?:\d{4}-?)?Q([1-4])", str(quarter).strip())
    return text(f"quarter.{match.group(1)}", lang) if match else display_text(quarter)


def month_label(month: Any, lang: str = "en") -> str:
    """A month ``YYYY-MM`` for the reader: ``2025-07`` (``2025年7月``).

    Examples
    --------
    >>> month_label("2025-07", "zh"), month_label("2025-07", "en")
    ('2025年7月', '2025-07')
    """
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(month).strip())
    if match:
        return mark("month", check_lang(lang), year=match.group(1), month=int(match.group(2)))
    return display_text(month)


def mark(key: str, lang: str = "en", **values: Any) -> str:
    """A punctuation mark or small join in ``lang`` (``colon``, ``list_separator``, ``month_range`` ...).

    Examples
    --------
    >>> mark("list_separator", "en"), mark("list_separator", "zh"), mark("assessment_year", "zh", year=2025)
    (', ', '、', '2025年度')
    """
    return _MARKS.text(key, lang, **values)


def has_text(key: str) -> bool:
    """Whether ``key`` is a known label."""
    return key in _TEXT["en"]


def indicator_label(name: str, lang: str = "en") -> str:
    """Display name of an indicator; the office's own indicators keep their name.

    Examples
    --------
    >>> indicator_label("visit_coverage", "zh"), indicator_label("my_own", "zh")
    ('走访覆盖率', 'my_own')
    """
    return _INDICATORS[check_lang(lang)].get(name, name)


def _label(entry: dict[str, Any] | None, name: str, lang: str) -> str:
    labels = (entry or {}).get("label") or {}
    return str(labels.get(lang) or labels.get("en") or name)


def component_labels(result: Result, lang: str = "en") -> dict[str, str]:
    """Component name → display label from the scheme, in the scheme's order.

    Without a scheme in ``result.meta`` the three components of the scoring rules (docs/reference/scoring.md) keep their names.
    """
    check_lang(lang)
    labels = {
        name: _label({"label": entry.label.model_dump()}, name, lang)
        for name, entry in result.scheme.components.items()
    }
    if not labels:
        labels = {name: name for name in ("daily_work", "effectiveness", "service_rating") if name in result.scores}
    return labels


def grade_label(result: Result, grade: Any, lang: str = "en") -> str:
    """Display label of a grade band name (from the scheme); no grade reads "Ungraded"."""
    if is_missing(grade) or str(grade) == "":
        return text("ungraded", lang)
    for band in result.scheme.grades.bands:
        if band.name == grade:
            return _label({"label": band.label.model_dump()}, str(grade), lang)
    return str(grade)


def flag_labels(flags: Any, lang: str = "en") -> str:
    """Readable form of a ``;``-separated ``flags`` string (``""`` if there are none)."""
    if is_missing(flags):
        return ""
    names = [f.strip() for f in str(flags).split(";") if f.strip()]
    known = _TEXT[check_lang(lang)]
    return mark("clause_separator", lang).join(known.get(f"flag.{name}", name) for name in names)


def is_missing(value: Any) -> bool:
    """``None``, NaN, NaT and ``pd.NA`` are missing; list-like values are not."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def display_text(value: Any) -> str:
    """``value`` as (unescaped) display text; missing values become an em dash."""
    return MISSING if is_missing(value) else str(value)


def format_number(value: Any, decimals: int = 1, thousands: bool = False) -> str:
    """``value`` rounded half up (四舍五入) to ``decimals``; missing → em dash.

    The shortest decimal form of the float is rounded, so ``70.25`` shows as ``70.3``
    (``f"{70.25:.1f}"`` gives ``70.2``).

    Examples
    --------
    >>> format_number(1234.55, 1, thousands=True), format_number(2.0, 0)
    ('1,234.6', '2')
    """
    if is_missing(value):
        return MISSING
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return f"{rounded:,}" if thousands else str(rounded)


def format_score(value: Any, decimals: int = 1) -> str:
    """A score for display: rounded half up to 1 decimal; missing → em dash.

    Examples
    --------
    >>> format_score(87.34), format_score(70.25), format_score(None)
    ('87.3', '70.3', '—')
    """
    return format_number(value, decimals)


def format_percent(share: Any, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: ``0.875`` → ``87.5%``."""
    if is_missing(share):
        return MISSING
    return f"{format_number(float(Decimal(repr(float(share))) * 100), decimals)}%"


def format_signed(value: Any, decimals: int = 1) -> str:
    """A change with its sign: ``+3.2``, ``-1.0``, ``0.0``; missing → em dash."""
    if is_missing(value):
        return MISSING
    shown = format_number(abs(float(value)), decimals)
    if float(shown.replace(",", "")) == 0:
        return shown
    return ("+" if float(value) > 0 else "-") + shown
