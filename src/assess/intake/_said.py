"""A located problem's wording, in English and Chinese, from the message catalogues.

Intake's phrases live in the ``input_rules`` (validation) and ``reader`` (reading) sections of
``assess/common/locales/<lang>.yaml``. A phrase names things in its own language — a column is
``recipient_id`` in English and ``服务对象编号`` in Chinese — so :func:`said` fills the same
placeholders with each language's own values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from assess.common.messages import message
from assess.intake.problems import Wording

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
    return {
        "rule": message(domain, key, "en", **en),
        "fix": message(domain, f"{key}_fix", "en", **en),
        "rule_zh": message(domain, key, "zh", **zh),
        "fix_zh": message(domain, f"{key}_fix", "zh", **zh),
    }


def listed(items: Iterable[object], lang: str) -> str:
    """Items joined as a list is written in ``lang`` (``a, b`` or ``a、b``)."""
    return message("input_rules", "list_sep", lang).join(map(str, items))
