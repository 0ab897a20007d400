"""Coherence: each indicator's nominal weight beside its effective importance.

A weight says how much an indicator *should* matter; what it does matter depends on how much
the groups differ on it. An indicator on which every group scores alike carries almost none
of the ranking whatever its weight, and one with a wide spread can carry most of it. The JRC
audit step (Paruolo, Saisana & Saltelli 2013, "Ratings and rankings: voodoo or science?")
puts the two side by side. Per indicator, over the graded groups:

- ``nominal_weight``: the indicator's weight within its component × the component's weight;
- ``weighted_variance_share``: ``Var(pointsᵢ) / Σⱼ Var(pointsⱼ)``, the share of the weighted
  spread it carries (``pointsᵢ`` = effective weight × normalised score, see
  :func:`assess.scoring.compute.contributions`);
- ``variance_share``: ``Cov(pointsᵢ, base) / Var(base)``, its exact share of the variance of
  the base score, correlations with the other indicators included (the shares add up to 1;
  one can be negative when an indicator runs against the others);
- ``corr_ratio``: the squared correlation of its normalised score with the final score —
  the correlation ratio ``S_i = V[E(y | xᵢ)] / V(y)`` under a linear fit, which is what
  ~40 groups support (Paruolo et al. smooth non-parametrically with hundreds of units) —
  and ``corr_ratio_share``, the same normalised to add up to 1, to compare with the
  nominal weights (normalised to 1 as well).

>>> import assess
>>> result = assess.score(assess.load("data/sample-2025.xlsx"), year=2025)   # doctest: +SKIP
>>> importance(result)[["indicator", "nominal_weight", "weighted_variance_share"]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from assess.scoring.result import Result

if TYPE_CHECKING:
    pass

__all__ = ["importance", "nominal_weights", "IMPORTANCE_COLUMNS"]

IMPORTANCE_COLUMNS = [
    "indicator",
    "component",
    "nominal_weight",
    "weighted_variance_share",
    "variance_share",
    "corr_ratio",
    "corr_ratio_share",
]


def nominal_weights(scheme: dict[str, Any]) -> pd.Series:
    """Each indicator's weight within its component × the component's weight (a scheme as a plain dict)."""
    comps = scheme["components"]
    return pd.Series(
        {k: i["weight"] * comps[i["component"]]["weight"] for k, i in scheme["indicators"].items()}, dtype=float
    )


def importance(result: Result) -> pd.DataFrame:
    """Nominal weight and effective importance of every scheme indicator (see the module
    docstring), largest weighted variance share first. Empty with fewer than three graded groups."""
    scheme = result.meta["scheme"]
    nominal = nominal_weights(scheme)
    scores = result.scores.set_index("group_id")
    graded = scores.index[scores["grade"].notna()]
    empty = pd.DataFrame(columns=IMPORTANCE_COLUMNS)
    if result.contributions is None or len(graded) < 3:
        return empty
    c = result.contributions
    points = c.pivot(index="group_id", columns="indicator", values="points").reindex(
        index=graded, columns=nominal.index
    )
    norm = c.pivot(index="group_id", columns="indicator", values="normalized").reindex(
        index=graded, columns=nominal.index
    )
    base = scores.loc[graded, "base_score"].astype(float)
    final = scores.loc[graded, "final_score"].astype(float)
    p = points.fillna(0.0)
    spread = p.var(ddof=0)
    centred = base - base.mean()
    var_base = float((centred**2).mean())
    cov = (p - p.mean()).mul(centred, axis=0).mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = norm.apply(lambda col: col.corr(final) ** 2 if col.nunique() > 1 and final.nunique() > 1 else 0.0).fillna(
            0.0
        )
    table = pd.DataFrame(
        {
            "indicator": nominal.index,
            "component": [scheme["indicators"][k]["component"] for k in nominal.index],
            "nominal_weight": nominal.to_numpy(),
            "weighted_variance_share": (spread / spread.sum()).to_numpy() if spread.sum() > 0 else np.nan,
            "variance_share": (cov / var_base).to_numpy() if var_base > 0 else np.nan,
            "corr_ratio": r2.to_numpy(),
            "corr_ratio_share": (r2 / r2.sum()).to_numpy() if r2.sum() > 0 else np.nan,
        }
    )
    return table.sort_values(
        ["weighted_variance_share", "indicator"], ascending=[False, True], kind="stable", ignore_index=True
    )
