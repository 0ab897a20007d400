"""The flags the scoring raises about a group, in the reader's words.

The scoring writes ``result.flags`` (``group_id, flag, detail``) with English details for the
program's own English outputs. A Chinese table is not a translation of those sentences: each
detail is composed again from the result's data (the missing components, the raters, the
straight-lining recipients) with the phrases of the ``flag_detail`` and ``column_values``
sections of the catalogues. A veto's detail is the office's own reason, shown as written.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from assess.common import Domain, check_lang
from assess.scoring import Result

__all__ = ["flag_word", "flags_text", "flags_in_words", "flag_detail"]

#: What each flag says about a group, ``lang → {flag: phrase}``.
DETAIL = Domain("flag_detail")
#: Fixed values of the machine sheets (flag names, statuses), ``lang → {key: phrase}``.
VALUES = Domain("column_values")

_COLUMNS = ["group_id", "flag", "detail"]


def flag_word(flag: str, lang: str) -> str:
    """One flag's name in ``lang`` (English keeps the code; an unknown flag stays as it is).

    Examples
    --------
    >>> flag_word("veto", "zh"), flag_word("veto", "en"), flag_word("new_kind", "zh")
    ('一票否决', 'veto', 'new_kind')
    """
    if check_lang(lang) == "en":
        return flag
    return VALUES[lang].get(f"flag.{flag}", flag)


def flags_text(flags: Any, lang: str) -> Any:
    """A ``;``-separated ``flags`` cell of the scores sheet in ``lang`` (blank stays blank).

    Examples
    --------
    >>> flags_text("veto;quota_demoted", "zh"), flags_text("veto;quota_demoted", "en")
    ('一票否决；受名额限制降档', 'veto;quota_demoted')
    """
    if check_lang(lang) == "en" or not isinstance(flags, str) or not flags:
        return flags
    names = [f for f in flags.split(";") if f]
    return VALUES.text("flag_separator", lang).join(flag_word(f, lang) for f in names)


def flags_in_words(result: Result, lang: str = "en") -> pd.DataFrame:
    """``result.flags`` with each flag's name and detail in ``lang``; English is the table itself."""
    flags = result.flags if result.flags is not None else pd.DataFrame(columns=_COLUMNS)
    if check_lang(lang) == "en" or flags.empty:
        return flags.copy()
    details = [flag_detail(result, str(row.group_id), str(row.flag), row.detail, lang) for row in flags.itertuples()]
    return flags.assign(flag=flags["flag"].map(lambda f: flag_word(str(f), lang)), detail=details)


def flag_detail(result: Result, group_id: str, flag: str, written: Any, lang: str) -> Any:
    """The detail of one flag of one group, composed in ``lang`` from the result's data;
    ``written`` (the scoring's detail) for a veto's reason or a flag not known here."""
    sep = DETAIL.text("list_separator", lang)
    if flag == "insufficient_data":
        from assess.reporting._i18n import component_labels

        labels = component_labels(result, lang)  # English names the machine names, as the scoring does
        row = result.scores.loc[result.scores["group_id"] == group_id]
        missing = [c if lang == "en" else labels[c] for c in labels if c in row and row[c].isna().all()]
        return DETAIL.text(flag, lang, components=sep.join(missing))
    if flag == "missing_indicators":
        from assess.reporting._i18n import indicator_label

        ind = result.indicators
        rows = ind[(ind["group_id"] == group_id) & ind["normalized"].isna()]
        names = [str(n) if lang == "en" else indicator_label(str(n), lang) for n in dict.fromkeys(rows["indicator"])]
        return DETAIL.text(flag, lang, indicators=sep.join(names))
    if flag == "quota_demoted":
        return DETAIL.text(flag, lang)
    if flag in ("few_raters", "straight_lining"):
        from assess.reporting._facts import rating_summary

        s = rating_summary(result, group_id)
        values = (
            {"raters": s["raters"], "min": s["min_raters"]} if flag == "few_raters" else {"n": s["straight_liners"]}
        )
        return DETAIL.text(flag, lang, **values)
    return written  # a veto's reason, or a flag this module does not know: the words as written
