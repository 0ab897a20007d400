"""Coherence: each indicator's nominal weight beside its effective importance.

A weight says how much an indicator *should* matter; what it does matter depends on how much
the groups differ on it. An indicator on which every group scores alike carries almost none
of the ranking whatever its weight, and one with a wide spread can carry most of it. The JRC
audit step (Paruolo, Saisana & Saltelli 2013, "Ratings and rankings: voodoo or science?")
puts the two side by side. Per indicator, over the graded groups:

- ``nominal_weight``: the indicator's weight within its component × the component's weight;
- ``weighted_variance_share``: ``Var(pointsᵢ) / Σⱼ Var(pointsⱼ)``, the share of the weighted
  spread it carries (``pointsᵢ`` = effective weight × normalised score, see
  :func:`assess.scoring._compute.contributions`);
- ``variance_share``: ``Cov(pointsᵢ, base) / Var(base)``, its exact share of the variance of
  the base score, correlations with the other indicators included (the shares add up to 1;
  one can be negative when an indicator runs against the others);
- ``corr_ratio``: the **effective importance** of the JRC audits, Pearson's correlation
  ratio (Paruolo, Saisana & Saltelli 2013) ``Sᵢ = V[E(y | xᵢ)] / V(y)``: the share of the
  variance of the final score ``y`` across the graded groups that the indicator's
  normalised score ``xᵢ`` explains. It sees covariances (an indicator that moves with
  others is credited with what they explain together) and non-linear dependence (a U
  shape has no correlation but a large ratio). ``E(y | xᵢ)`` is estimated
  non-parametrically by :func:`correlation_ratio`: the mean of ``y`` in bins of ``xᵢ``
  (each distinct value its own bin when there are few, else ⌊√n⌋ bins of equal count).
  With n units and B bins the estimate errs upward by about ``(B − 1)/(n − 1)`` of the
  unexplained share (the bin means carry noise);
- ``corr_ratio_share``: the ratios normalised to add up to 1, to compare with the nominal
  weights (which add up to 1);
- ``corr_linear``: the squared (linear) correlation, the ratio under a straight-line fit.

>>> import assess
>>> result = assess.score(assess.load("data/sample-2025.xlsx"), year=2025)   # doctest: +SKIP
>>> importance(result)[["indicator", "nominal_weight", "corr_ratio"]]  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assess.intake import Scheme
from assess.scoring import Result

__all__ = ["importance", "nominal_weights", "correlation_ratio", "IMPORTANCE_COLUMNS"]

IMPORTANCE_COLUMNS = [
    "indicator",
    "component",
    "nominal_weight",
    "corr_ratio",
    "corr_ratio_share",
    "corr_linear",
    "weighted_variance_share",
    "variance_share",
]


def _bins(x: np.ndarray) -> np.ndarray:
    """Bin labels of ``x``: each distinct value when there are at most ⌊√n⌋ of them, else
    ⌊√n⌋ bins of (nearly) equal count, equal values always in one bin."""
    n = len(x)
    most = max(int(np.sqrt(n)), 2)
    values, codes = np.unique(x, return_inverse=True)
    if len(values) <= most:
        return codes
    ranks = pd.Series(x).rank(method="min").to_numpy() - 1  # equal values share a rank, so a bin
    return np.minimum((ranks * most // n).astype(int), most - 1)


def correlation_ratio(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> float:
    """Pearson's correlation ratio ``V[E(y | x)] / V(y)``, ``E(y | x)`` the mean of ``y`` in
    bins of ``x`` (:func:`_bins`); NaN pairs dropped; 0 when ``x`` or ``y`` does not vary.

    >>> x = np.array([-1, 0, 1] * 3, float); z = np.repeat([0.0, 1, 2], 3)
    >>> correlation_ratio(x, x**2 + z)   # V(x²) = 2/9 of V(y) = 8/9
    0.25
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    codes = _bins(x)
    counts = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=y) / np.where(counts > 0, counts, 1)
    total = float(((y - y.mean()) ** 2).sum())
    between = float((counts * (means - y.mean()) ** 2).sum())
    return round(between / total, 12) if total > 0 else 0.0


def nominal_weights(scheme: Scheme) -> pd.Series:
    """Each indicator's weight within its component × the component's weight."""
    return pd.Series(scheme.nominal_weights(), dtype=float)


def importance(result: Result) -> pd.DataFrame:
    """Nominal weight and effective importance of every scheme indicator (see the module
    docstring), largest correlation ratio first. Empty with fewer than three graded groups."""
    scheme = result.scheme
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
    eta = pd.Series({k: correlation_ratio(norm[k].to_numpy(), final.to_numpy()) for k in norm.columns})
    table = pd.DataFrame(
        {
            "indicator": nominal.index,
            "component": [scheme.indicators[k].component for k in nominal.index],
            "nominal_weight": nominal.to_numpy(),
            "corr_ratio": eta.to_numpy(),
            "corr_ratio_share": (eta / eta.sum()).to_numpy() if eta.sum() > 0 else np.nan,
            "corr_linear": r2.to_numpy(),
            "weighted_variance_share": (spread / spread.sum()).to_numpy() if spread.sum() > 0 else np.nan,
            "variance_share": (cov / var_base).to_numpy() if var_base > 0 else np.nan,
        }
    )
    return table.sort_values(["corr_ratio", "indicator"], ascending=[False, True], kind="stable", ignore_index=True)
