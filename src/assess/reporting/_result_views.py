"""Views of a scored result for analysts: the ratings' reliability, the indicators, the scores.

Pure functions returning DataFrames for the analysts' notebooks (``notebooks/00``–``03``);
every header, index label and fixed value is shown in ``lang`` through :func:`localise`,
components and grades by the scheme's labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from assess.analysis import importance, nominal_weights
from assess.common import Domain
from assess.reporting._flag_words import flags_in_words
from assess.reporting._localise import localise, scheme_labels
from assess.scoring import Result

if TYPE_CHECKING:
    from assess.analysis import Uncertainty

__all__ = [
    "rating_reliability",
    "indicator_summary",
    "indicator_correlations",
    "effective_weights",
    "score_summary",
    "grade_counts",
    "rating_flags",
    "sensitivity",
]

#: ``DataFrame.describe()``'s quartile labels → their ids in the ``views`` catalogue.
_QUARTILES = {"25%": "q25", "50%": "q50", "75%": "q75"}


def _components(result: Result) -> list[str]:
    return [c for c in result.scheme.components if c in result.scores]


def rating_reliability(result: Result, lang: str = "en") -> pd.DataFrame:
    """The ratings' overall reliability, as a two-column table."""
    r = result.meta.get("ratings", {})
    q = result.ratings_quality if result.ratings_quality is not None else pd.DataFrame()
    rows = {
        "responses": r.get("responses"),
        "raters": r.get("raters"),
        "icc1k": r.get("icc1k"),
        "icc1": r.get("icc1"),
        "alpha": r.get("alpha"),
        "few_raters_groups": int(q["few_raters"].sum()) if "few_raters" in q else None,
        "straight_liners": int(q["straight_liners"].sum()) if "straight_liners" in q else None,
    }
    return localise(pd.DataFrame({"value": pd.Series(rows, dtype=object)}), lang)


def indicator_summary(result: Result, lang: str = "en") -> pd.DataFrame:
    """Distribution of each weighted indicator's normalised score and each component."""
    wide = result.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    comps = result.scores.set_index("group_id")[_components(result)]
    table = pd.concat([comps, wide[list(dict.fromkeys(result.indicators["indicator"]))]], axis=1).describe().T
    table.insert(0, "missing", len(result.scores) - table["count"].astype(int))
    table = table.drop(columns="count").rename(columns=_QUARTILES)
    return localise(table, lang, labels=scheme_labels(result, lang))


def indicator_correlations(result: Result, method: str = "spearman", lang: str = "en") -> pd.DataFrame:
    """Correlations between the normalised indicators (Handbook step 4: redundant or
    contradictory indicators show as large positive or negative values)."""
    wide = result.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    corr = wide[list(dict.fromkeys(result.indicators["indicator"]))].corr(method=method)
    return localise(corr, lang)


def effective_weights(result: Result, lang: str = "en") -> pd.DataFrame:
    """Nominal weight (component × indicator) against the effective one and the importance.

    ``effective_mean``: the weight an indicator really has after renormalisation over what
    each group has, averaged over groups; ``weighted_variance_share``, ``variance_share`` and
    ``corr_ratio``: its effective importance across the graded groups
    (:func:`assess.analysis._importance.importance`), which shows an indicator with a large weight but
    little spread carrying little of the ranking, and one with a small weight carrying most.
    """
    nominal = nominal_weights(result.scheme)
    if result.contributions is None:  # a result saved without them: no effective weights to show
        eff = pd.Series(np.nan, index=nominal.index)
    else:
        eff = result.contributions.groupby("indicator", sort=False)["effective_weight"].mean()
    coherence = importance(result).set_index("indicator")
    table = pd.DataFrame(
        {
            "nominal": nominal,
            "effective_mean": eff,
            "weighted_variance_share": coherence["weighted_variance_share"],
            "variance_share": coherence["variance_share"],
            "corr_ratio": coherence["corr_ratio"],
        }
    )
    return localise(table.reindex(nominal.index), lang)


def score_summary(result: Result, lang: str = "en") -> pd.DataFrame:
    """Distribution (count, mean, quartiles, ...) of the component scores and the final score."""
    table = result.scores[[*_components(result), "final_score"]].describe().rename(index=_QUARTILES)
    return localise(table, lang, labels=scheme_labels(result, lang))


def grade_counts(result: Result, lang: str = "en") -> pd.DataFrame:
    """Groups per grade, best first, then the ungraded ones."""
    bands = result.scheme.band_names
    counts = result.scores["grade"].value_counts().reindex(bands, fill_value=0)
    counts.loc["ungraded"] = int(result.scores["grade"].isna().sum())
    table = counts.rename("groups").to_frame()
    table.index.name = "grade"
    return localise(table, lang, labels=scheme_labels(result, lang))


def rating_flags(result: Result, lang: str = "en") -> pd.DataFrame:
    """The flags the scoring raised about the ratings (straight-lining, too few raters), one row per group and flag."""
    flags = result.flags if result.flags is not None else pd.DataFrame(columns=["group_id", "flag", "detail"])
    about_ratings = flags["flag"].isin(["straight_lining", "few_raters"]).to_numpy()
    table = flags_in_words(result, lang)[about_ratings].reset_index(drop=True)
    return localise(table, lang)


def sensitivity(analysis: Uncertainty, lang: str = "en") -> pd.DataFrame:
    """The Sobol indices of an uncertainty analysis (``analysis.sensitivity``): which factor
    moves the ranks and the grades, one row per output and factor, in ``lang``."""
    from assess.analysis import UNCERTAINTY_WORDS

    table = analysis.sensitivity.copy()
    if lang != "en":  # English keeps the codes, as the sheet of scores.xlsx does
        outputs, factors = Domain("column_values")[lang], UNCERTAINTY_WORDS[lang]
        table["output"] = table["output"].map(lambda v: outputs.get(f"output.{v}", v))
        table["factor"] = table["factor"].map(lambda v: factors.get(f"factor.{v}", v))
    return localise(table, lang)
