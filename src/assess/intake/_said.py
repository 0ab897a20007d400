"""A located problem's wording, in English and Chinese, from the message catalogues.

Intake's phrases live in the ``input_rules`` (validation) and ``reader`` (reading) sections of
``assess/common/locales/<lang>.yaml``. A phrase names things in its own language — a column is
``recipient_id`` in English and ``服务对象编号`` in Chinese — so :func:`said` fills the same
placeholders with each language's own values.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from assess.common import message
from assess.intake._problems import Wording

__all__ = ["said", "listed"]


def said(
    domain: str, key: str, en: Mapping[str, object] | None = None, zh: Mapping[str, object] | None = None
) -> Wording:
    """The rule ``key`` and its fix ``key_fix`` of ``domain``, in both languages.

    ``en`` fills the placeholders of both; ``zh`` overrides those the Chinese phrase names
    differently.
    """
    en = dict(en or {})
    zh = {**en, **(zh or {})}
    try:
        return dict(_worded(domain, key, tuple(sorted(en.items())), tuple(sorted(zh.items()))))  # type: ignore[return-value]
    except TypeError:  # a value that is no dict key: worded afresh
        return dict(_worded.__wrapped__(domain, key, tuple(en.items()), tuple(zh.items())))  # type: ignore[return-value]


@functools.lru_cache(maxsize=4096)
def _worded(
    domain: str, key: str, en: tuple[tuple[str, object], ...], zh: tuple[tuple[str, object], ...]
) -> tuple[tuple[str, str], ...]:
    """The four phrases of one wording, remembered: the same rules are worded for every sheet of every run."""
    return (
        ("rule", message(domain, key, "en", **dict(en))),
        ("fix", message(domain, f"{key}_fix", "en", **dict(en))),
        ("rule_zh", message(domain, key, "zh", **dict(zh))),
        ("fix_zh", message(domain, f"{key}_fix", "zh", **dict(zh))),
    )


def listed(items: Iterable[object], lang: str) -> str:
    """Items joined as a list is written in ``lang`` (``a, b`` or ``a、b``)."""
    return message("input_rules", "list_sep", lang).join(map(str, items))
