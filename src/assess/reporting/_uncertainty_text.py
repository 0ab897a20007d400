"""How sure each grade is, in the words of a report: the sentences of the uncertainty analysis.

:func:`assess.uncertainty` (:mod:`assess.analysis._uncertainty`) computes; this module says it,
in English or Chinese from the catalogues' ``uncertainty`` and ``result`` sections: one
sentence per group (:func:`sentence`), all of them least certain first (:func:`sentences`), and
the settings in one line for a provenance footer (:func:`settings_text`). The old import path
``assess.analysis._uncertainty`` still offers every name.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from assess.analysis import FACTORS, PROSE, Uncertainty
from assess.common import Domain
from assess.scoring import Result

__all__ = list(PROSE)  # the names analysis.uncertainty hands out from here

#: Words of the sentences and figures, ``lang → {key: phrase}`` (section ``uncertainty`` of the message catalogues).
UNCERTAINTY_WORDS = Domain("uncertainty")
RESULT_WORDS = Domain("result")


def per_group_table(source: Result | Uncertainty, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]], int | None]:
    """The per-group table, the (band, label) pairs and the number of draws of a result or an analysis."""
    if lang not in UNCERTAINTY_WORDS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(UNCERTAINTY_WORDS)}.")
    if isinstance(source, Uncertainty):
        return (
            source.table,
            [(b.name, getattr(b.label, lang)) for b in source.model.scheme.grades.bands],
            source.settings.draws,
        )
    if source.uncertainty is None:
        raise ValueError(
            "This result has no uncertainty analysis; add one with assess.analysis._uncertainty.attach_uncertainty(result, assess.uncertainty(...)) or `assess score --uncertainty 1000`."
        )
    draws = (source.meta.get("uncertainty") or {}).get("draws")
    return source.uncertainty, [(b.name, getattr(b.label, lang, b.name)) for b in source.scheme.grades.bands], draws


def group_row(table: pd.DataFrame, group_id: str) -> pd.Series:
    rows = table[table["group_id"] == group_id]
    if rows.empty:
        known = ", ".join(table["group_id"].head(10))
        raise KeyError(f"Group {group_id!r} is not in this uncertainty analysis; known groups start with: {known}")
    return rows.iloc[0]


def settings_text(meta: dict[str, Any] | None, lang: str = "en") -> str:
    """The uncertainty settings in one line for a provenance footer ("Uncertainty: 1,000 draws,
    seed 0; varied: weights, evidence; evidence model: …"); blank without an analysis."""
    if not meta:
        return ""
    words = UNCERTAINTY_WORDS[lang]
    factors = [words[f"factor.{f}"] for f in FACTORS if (meta.get("factors") or {}).get(f)]
    return words["settings"].format(
        draws=meta.get("draws", ""),
        seed=meta.get("seed", ""),
        factors=(words["and"]).join(factors) or words["factor.none"],
        concentration=meta.get("concentration", ""),
        prior=words["prior"],
    )


def percent(p: float, lang: str = "en") -> str:
    """A probability in words-friendly percent: ``97 %``, ``more than 99 %``, ``less than 1 %``.

    >>> percent(0.966), percent(0.9972), percent(0.001, "zh")
    ('97 %', 'more than 99 %', '不到1%')
    """
    words = RESULT_WORDS[lang]
    if 0.995 <= p < 1:
        return words["percent_above"]
    if 0 < p < 0.005:
        return words["percent_below"]
    return words["percent"].format(p=math.floor(p * 100 + 0.5))


def _count(n: int | None, lang: str) -> str:
    """``1,000 `` / ``1000次``, to stand before "draws" / "抽样"; blank when unknown."""
    return "" if n is None else RESULT_WORDS[lang]["draws_count"].format(n=n)


def sentence(source: Result | Uncertainty, group_id: str, lang: str = "en") -> str:
    """How sure the group's grade and rank are, in one plain sentence (``en`` or ``zh``).

    ``source`` is a result with an uncertainty analysis attached (as a report loads it)
    or the analysis itself. For example: "In 97 % of the plausible variations this group
    keeps the grade Good (otherwise most often Pass, 3 %); its rank lies between 4 and 9
    in 94 % of the plausible variations." The rank interval is the 5–95 % interval over
    the draws, and the share said is the share of the draws it really holds
    (``rank_coverage``), at least 90 %. A sure grade is
    said of the draws, never of every variation: "In all 1,000 draws ...".
    """
    table, bands, draws = per_group_table(source, lang)
    words = UNCERTAINTY_WORDS[lang]
    row = group_row(table, group_id)
    labels = dict(bands)
    nominal = row["nominal_grade"]
    if nominal is None or pd.isna(nominal):
        return words["no_grade"]
    outcomes = {labels[b]: float(row[f"p_{b}"]) for b, _ in bands}
    keep = float(row["p_keep"])
    grade = labels.get(nominal, str(nominal))
    key = "every" if keep >= 1 else "none" if keep <= 0 else "some"
    text = words[key].format(grade=grade, p=percent(keep, lang), draws=_count(draws, lang))
    outcomes.pop(grade)
    if 0 < keep < 1:
        alt, p = max(outcomes.items(), key=lambda kv: kv[1])
        if lang == "zh":
            alt = f"“{alt}”"
        text += words["else"].format(alt=alt, p=percent(p, lang))
    lo, hi = row["rank_p05"], row["rank_p95"]
    if pd.isna(lo) or pd.isna(hi):
        return text + (words["unranked"] if pd.isna(row["nominal_rank"]) else words["end"])
    cover = row.get("rank_coverage")
    # the share of the draws the interval really holds (older results: "at least 90 %")
    share = percent(float(cover), lang) if cover is not None and not pd.isna(cover) else words["at_least_90"]
    key = "holds" if lo == hi else "range"
    return text + words[key].format(lo=int(lo), hi=int(hi), p=share)


def sentences(source: Result | Uncertainty, lang: str = "en") -> pd.DataFrame:
    """:func:`sentence` for every group: ``group_id, p_keep, sentence``, least certain first."""
    table, _, _ = per_group_table(source, lang)
    order = table.sort_values(["p_keep", "group_id"], kind="stable")
    return pd.DataFrame(
        {
            "group_id": order["group_id"],
            "p_keep": order["p_keep"],
            "sentence": [sentence(source, g, lang) for g in order["group_id"]],
        }
    ).reset_index(drop=True)
