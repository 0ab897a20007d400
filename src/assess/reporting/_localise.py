"""The words of the analysts' tables: every header, index label and fixed value by its id.

The views of :mod:`assess.reporting.explore` build their tables with ids (``on_time``,
``in_window``, ``icc1k``); :func:`localise` shows each id in the reader's language from the
``views`` section of the message catalogues. The English phrases are the machine names the
views have always shown (``on time``, ``in_window``), so English tables read as before; Chinese
ones get the catalogue's Chinese, and the built-in indicators their Chinese names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd

from assess.common import Domain, check_lang

if TYPE_CHECKING:
    from assess.scoring import Result

__all__ = ["localise", "view_word", "scheme_labels", "figure_font"]

#: Headers, index labels and fixed values of the views, ``lang → {id: phrase}``.
VIEWS = Domain("views")


def view_word(key: Any, lang: str) -> Any:
    """The id ``key`` in ``lang``: its phrase, else (in Chinese) an indicator's name, else ``key``.

    Examples
    --------
    >>> view_word("on_time", "en"), view_word("on_time", "zh"), view_word("visit_coverage", "zh")
    ('on time', '按时报送', '走访覆盖率')
    """
    if not isinstance(key, str):
        return key
    phrases = VIEWS[check_lang(lang)]
    if key in phrases:
        return phrases[key]
    if lang == "en":
        return key
    from assess.reporting._i18n import indicator_label

    return indicator_label(key, lang)


def localise(
    frame: pd.DataFrame, lang: str = "en", labels: Mapping[str, str] | None = None, values: tuple[str, ...] = ()
) -> pd.DataFrame:
    """``frame`` with its headers, index labels and the text of the ``values`` columns in ``lang``.

    ``labels`` adds names of this result (components, grades) for a language other than
    English; English keeps the machine names of the scheme.
    """
    extra = dict(labels or {}) if check_lang(lang) != "en" else {}

    def word(k: Any) -> Any:
        return extra.get(k, view_word(k, lang)) if isinstance(k, str) else k

    out = frame.copy()
    for col in values:
        if col in out.columns:
            out[col] = out[col].map(lambda v: word(v) if isinstance(v, str) else v)
    if not pd.api.types.is_numeric_dtype(out.index) and not isinstance(out.index, pd.MultiIndex):
        shown = [word(k) for k in out.index]
        if lang != "en" or shown != list(out.index):  # English keeps an index of machine names as it is
            out.index = pd.Index(shown, name=out.index.name)
    out.index.name = word(out.index.name)
    out = out.rename(columns=word)
    out.columns.name = word(out.columns.name)
    return out


def scheme_labels(result: Result, lang: str) -> dict[str, str]:
    """Component and grade names of ``result``'s scheme → their labels in ``lang``."""
    scheme = result.scheme
    out = {k: scheme.component_label(k, lang) for k in scheme.components}
    out |= {b.name: getattr(b.label, lang, "") or b.name for b in scheme.grades.bands}
    return out


@contextmanager
def figure_font(lang: str) -> Iterator[str]:
    """The language a figure can be drawn in, with a CJK font for Chinese while it is built."""
    import matplotlib as mpl

    from assess.reporting.figures import cjk_font, figure_lang

    lang = figure_lang(lang)
    font = cjk_font() if lang == "zh" else None
    with mpl.rc_context({"font.family": [font, "DejaVu Sans"]} if font else {}):
        yield lang
