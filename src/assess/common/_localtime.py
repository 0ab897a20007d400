"""Dates and times as the office reads them: in its own time zone, written the local way.

The scoring stores the generation time in UTC (``generated_at``, ISO 8601); outputs an
office reads show it in the scheme's ``timezone`` (default ``Asia/Shanghai``). Dates are
written by Babel from the CLDR data of each language's locale (:data:`LOCALES`): Chinese
dates read ``2025年12月31日``, English ones ``31 December 2025``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from assess.common._messages import message

__all__ = [
    "DEFAULT_TIMEZONE",
    "LOCALES",
    "local_datetime",
    "format_date",
    "format_datetime",
    "source_date_epoch",
    "generated_now",
    "stamp",
]

#: The time zone of the outputs when the scheme names none.
DEFAULT_TIMEZONE = "Asia/Shanghai"

#: The Babel (CLDR) locale of each language: British English writes ``31 December 2025``,
#: simplified Chinese ``2025年12月31日``. Any other ``lang`` is written as English.
LOCALES = {"en": "en_GB", "zh": "zh_CN"}


def local_datetime(moment: str | datetime, timezone: str | None = None) -> datetime:
    """``moment`` (an ISO string or an aware datetime; naive means UTC) in ``timezone``.

    Examples
    --------
    >>> local_datetime("2025-12-31T16:30:00+00:00").isoformat()
    '2026-01-01T00:30:00+08:00'
    """
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(ZoneInfo(timezone or DEFAULT_TIMEZONE))


def stamp(moment: str | datetime, timezone: str | None = None) -> str:
    """``moment`` as every output stamps its generation time: ISO 8601 in the office's time zone,
    with its UTC offset (the provenance sheet of scores.xlsx and each report's footer alike).

    Examples
    --------
    >>> stamp("2025-12-31T16:30:00+00:00")
    '2026-01-01T00:30:00+08:00'
    """
    return local_datetime(moment, timezone).isoformat()


def format_date(day: str | date, lang: str = "en") -> str:
    """A calendar date the way the language writes it (a datetime gives its own date).

    Examples
    --------
    >>> format_date("2025-12-31", "zh"), format_date("2025-03-01", "en")
    ('2025年12月31日', '1 March 2025')
    """
    from babel.dates import format_date as babel_date  # Babel's CLDR data loads on first use, not on import

    value = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    if isinstance(value, datetime):
        value = value.date()  # the datetime's own (local) date, whatever its time zone
    return babel_date(value, "long", locale=_locale(lang))


def format_datetime(moment: str | datetime, lang: str = "en", timezone: str | None = None) -> str:
    """Date and minute of ``moment`` in ``timezone``, with the zone's UTC offset.

    Examples
    --------
    >>> format_datetime("2025-12-31T16:30:00+00:00", "zh")
    '2026年1月1日 00:30（UTC+08:00）'
    >>> format_datetime("2025-12-31T16:30:00+00:00", "en", "Europe/London")
    '31 December 2025, 16:30 (UTC+00:00)'
    """
    from babel.dates import format_datetime as babel_datetime

    local = local_datetime(moment, timezone)
    locale = _locale(lang)
    clock = babel_datetime(local, "HH:mm", tzinfo=local.tzinfo, locale=locale)
    utc = babel_datetime(local, "'UTC'xxx", tzinfo=local.tzinfo, locale=locale)
    # CLDR's own date-time patterns would add seconds and a bare "+0800" (and change with CLDR
    # versions); the outputs keep one fixed form: date, minute, and the UTC offset in brackets.
    lang = "zh" if lang == "zh" else "en"
    return message("dates", "moment", lang, date=format_date(local, lang), clock=clock, utc=utc)


def source_date_epoch() -> datetime | None:
    """The moment ``SOURCE_DATE_EPOCH`` pins (reproducible outputs: the same inputs give the same
    bytes), in UTC; ``None`` when it is unset or not a whole number of seconds.

    Examples
    --------
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
    >>> source_date_epoch().isoformat()
    '2026-01-01T00:00:00+00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    >>> source_date_epoch() is None
    True
    """
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        return datetime.fromtimestamp(int(value), UTC) if value else None
    except (ValueError, OverflowError, OSError):
        return None


def generated_now() -> str:
    """The generation time of an output, ISO 8601 in UTC to the second: ``SOURCE_DATE_EPOCH``'s
    moment when it is set, else now. Shown in the office's time zone by :func:`format_datetime`."""
    moment = source_date_epoch() or datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat()


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])
