"""Dates and times as the office reads them: in its own time zone, written the local way.

The scoring stores the generation time in UTC (``generated_at``, ISO 8601); outputs an
office reads show it in the scheme's ``timezone`` (default ``Asia/Shanghai``). Chinese
dates read ``2025年12月31日``, English ones ``31 December 2025``.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_TIMEZONE", "local_datetime", "format_date", "format_datetime"]

#: The time zone of the outputs when the scheme names none.
DEFAULT_TIMEZONE = "Asia/Shanghai"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


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


def format_date(day: str | date, lang: str = "en") -> str:
    """A calendar date the way the language writes it (a datetime gives its own date).

    Examples
    --------
    >>> format_date("2025-12-31", "zh"), format_date("2025-03-01", "en")
    ('2025年12月31日', '1 March 2025')
    """
    value = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_datetime(moment: str | datetime, lang: str = "en", timezone: str | None = None) -> str:
    """Date and minute of ``moment`` in ``timezone``, with the zone's UTC offset.

    Examples
    --------
    >>> format_datetime("2025-12-31T16:30:00+00:00", "zh")
    '2026年1月1日 00:30（UTC+08:00）'
    >>> format_datetime("2025-12-31T16:30:00+00:00", "en", "Europe/London")
    '31 December 2025, 16:30 (UTC+00:00)'
    """
    local = local_datetime(moment, timezone)
    offset = local.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    if lang == "zh":
        return f"{format_date(local, 'zh')} {local:%H:%M}（{utc}）"
    return f"{format_date(local, 'en')}, {local:%H:%M} ({utc})"
