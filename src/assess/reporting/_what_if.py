"""What if the weights were different: a reweighted scheme and the table of what changes.

:func:`reweighted` gives the scheme with new weights; :func:`what_if` sets two results side by
side (score, rank, grade and the flags that explain a blank rank). The sliders of
``notebooks/04-what-if`` are in :mod:`assess.reporting._sliders`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from assess.common import Domain
from assess.intake import Scheme, default_scheme
from assess.reporting._localise import localise, scheme_labels
from assess.scoring import Result

__all__ = ["reweighted", "what_if", "WHAT_IF_COLUMNS"]

#: The what-if views' own words (flag names, the headers of the flags columns).
EXPLORE = Domain("explore")

#: The columns of :func:`what_if`'s table, in order (ids of the ``views`` catalogue).
WHAT_IF_COLUMNS = (
    "name", "final_score", "rank", "grade", "flags", "final_score_alt", "rank_alt", "grade_alt", "flags_alt",
    "score_change", "rank_change", "grade_changed",
)  # fmt: skip


def reweighted(
    scheme: Scheme | None = None, components: dict[str, float] | None = None, indicators: dict[str, float] | None = None
) -> Scheme:
    """``scheme`` with new weights, each sibling set renormalised to sum to 1.

    Weights not given keep their value before the renormalisation. Raises
    :class:`~assess.common._errors.SchemeError` for an unknown name or a weight ≤ 0.
    """
    from assess.scoring import reweight

    return reweight(scheme or default_scheme(), components, indicators)


def what_if(nominal: Result, alternative: Result, lang: str = "en") -> pd.DataFrame:
    """Each group's score, rank and grade under two schemes, the groups that move most first.

    ``flags`` and ``flags_alt`` say why a group has no rank or grade (``veto``,
    ``insufficient_data``) or was demoted by a quota, under each scheme. The scores keep their
    full precision; ``.round(1)`` shows them as the reports do.
    """
    a = nominal.scores.set_index("group_id")[["name", "final_score", "rank", "grade", "flags"]]
    b = alternative.scores.set_index("group_id")[["final_score", "rank", "grade", "flags"]]
    table = a.merge(b, left_index=True, right_index=True, how="left", suffixes=("", "_alt"))
    table["score_change"] = table["final_score_alt"] - table["final_score"]
    table["rank_change"] = (table["rank"] - table["rank_alt"]).astype("Int64")  # positive: moves up
    table["grade_changed"] = table["grade"].fillna("-") != table["grade_alt"].fillna("-")
    order = table["rank_change"].abs().astype("Float64").fillna(0)
    table = (
        table.assign(_o=order).sort_values(["grade_changed", "_o"], ascending=False, kind="stable").drop(columns="_o")
    )
    table = table[list(WHAT_IF_COLUMNS)]
    for col in ("flags", "flags_alt"):
        table[col] = table[col].map(lambda v: _flag_words(v, lang))
    headers = {col: EXPLORE.text(col, lang) for col in ("flags", "flags_alt")}
    return localise(table, lang, labels=scheme_labels(nominal, lang) | headers, values=("grade", "grade_alt"))


def _flag_words(value: Any, lang: str) -> str:
    """``veto;quota_demoted`` → the flags in words of ``lang`` (``一票否决、受等次名额限制降档``)."""
    if not isinstance(value, str) or not value:
        return ""
    words = [EXPLORE.text(f"flag_{f}", lang) if f"flag_{f}" in EXPLORE[lang] else f for f in value.split(";") if f]
    return EXPLORE.text("list_separator", lang).join(words)
