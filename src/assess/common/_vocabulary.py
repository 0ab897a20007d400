"""The vocabulary of the office's workbooks: Chinese sheet and column names, enumeration aliases,
month and quarter words — data the reader matches and the template writes, not phrases.

It lives in ``assess/common/locales/vocabulary.yaml``, beside the message catalogues, and is
read once per process by :func:`vocabulary`. The phrases (sentences, labels, help texts) are in
the catalogues (:mod:`assess.common._messages`); this file holds words that are the data's own.

Examples
--------
>>> sheet_words("problems").zh, sheet_words("problems").columns["status"]
('问题台账', '办理状态')
>>> sheet_words("problems").values["status"]["resolved"]
'已办结'
>>> month_zh(11), quarter_zh(4)
('十一月', '第四季度')
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from assess.common._messages import CatalogueError, read_package_yaml

__all__ = ["SheetWords", "vocabulary", "sheet_words", "month_zh", "quarter_zh"]

_WHERE = "assess/common/locales/vocabulary.yaml"


@dataclass(frozen=True)
class SheetWords:
    """The Chinese words of one input sheet: its name, its columns' headers, its enumerations' aliases."""

    zh: str
    columns: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]


@functools.cache
def vocabulary() -> Mapping[str, Any]:
    """The whole vocabulary file, read on first use (``sheets``, ``months_zh``, ``quarters_zh``)."""
    data = read_package_yaml(
        files("assess.common").joinpath("locales", "vocabulary.yaml").read_text(encoding="utf-8"), _WHERE
    )
    if not isinstance(data, dict) or not isinstance(data.get("sheets"), dict):
        raise CatalogueError(f"{_WHERE}: expected a mapping with a 'sheets' section")
    for key, count in (("months_zh", 12), ("quarters_zh", 4)):
        words = data.get(key)
        if not (isinstance(words, list) and len(words) == count and all(isinstance(w, str) for w in words)):
            raise CatalogueError(f"{_WHERE}: {key} must list {count} words")
    return data


def sheet_words(sheet: str) -> SheetWords:
    """The Chinese words of the input sheet ``sheet`` (its canonical name)."""
    entry = vocabulary()["sheets"].get(sheet)
    if not isinstance(entry, dict) or not isinstance(entry.get("zh"), str):
        raise CatalogueError(f"{_WHERE}: no sheet {sheet!r} with a 'zh' name")
    columns = {str(k): str(v) for k, v in (entry.get("columns") or {}).items()}
    values = {str(c): {str(k): str(v) for k, v in m.items()} for c, m in (entry.get("values") or {}).items()}
    return SheetWords(entry["zh"], columns, values)


def month_zh(month: int) -> str:
    """Month 1–12 as Chinese names it (``三月``)."""
    return str(vocabulary()["months_zh"][month - 1])


def quarter_zh(quarter: int) -> str:
    """Quarter 1–4 as Chinese names it (``第一季度``)."""
    return str(vocabulary()["quarters_zh"][quarter - 1])
