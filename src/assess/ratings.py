"""Ratings you can trust: responses, reliability, straight-lining and rater leniency.

The service-recipient ratings are one third of a group's score, so the report says how
much they can be relied on:

- **ICC(1)** from a one-way random-effects ANOVA with groups as targets and responses
  (one recipient's mean over the items of one quarter) as ratings; for unequal numbers of
  responses per group the mean count is replaced by the usual
  ``k0 = (N − Σnᵢ²/N) / (g − 1)``. On balanced data this is exactly pingouin's ICC1.
- **Krippendorff's alpha** (interval level, the ``krippendorff`` package) with groups as
  units and every item score a group received (recipient × item × quarter) as one value;
  computed from the unit × score-value counts, so memory stays small for any number of
  groups (the values are the few points of the rating scale).
- **Straight-lining**: a recipient who gave the same score to every item in every quarter
  (at least two scores in all).
- **Too few raters**: groups rated by fewer distinct recipients than the scheme's
  ``rating_min_raters``.
- **Rater leniency**: where recipients rate more than one group and the recipient–group
  graph is connected, the additive model ``score ~ group + rater`` is fitted by sparse least
  squares (``scipy.sparse.linalg.lsqr``); each response is corrected by its rater's effect
  (centred to mean zero over the responses) before the shrunk mean is taken. Where the
  design does not identify rater effects (each recipient rates one group only, or the graph
  falls apart), the plain shrunk mean is kept and :func:`leniency` says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import lsqr

__all__ = ["icc1", "alpha", "straight_liners", "quality", "leniency", "Leniency"]


def icc1(responses: pd.DataFrame, target: str = "group_id", value: str = "score") -> float:
    """ICC(1) of ``value`` with ``target`` as the random effect (NaN when undefined)."""
    y = responses[value].to_numpy(dtype=float)
    codes, _ = pd.factorize(responses[target])
    g = codes.max() + 1 if len(codes) else 0
    n_total = len(y)
    if g < 2 or n_total <= g:
        return float("nan")
    counts = np.bincount(codes, minlength=g).astype(float)
    means = np.bincount(codes, weights=y, minlength=g) / counts
    grand = y.mean()
    ms_between = (counts * (means - grand) ** 2).sum() / (g - 1)
    ms_within = ((y - means[codes]) ** 2).sum() / (n_total - g)
    k0 = (n_total - (counts**2).sum() / n_total) / (g - 1)
    denom = ms_between + (k0 - 1) * ms_within
    return float((ms_between - ms_within) / denom) if denom > 0 else float("nan")


def alpha(ratings: pd.DataFrame) -> float:
    """Krippendorff's alpha (interval) of the item scores, groups as units (NaN when undefined)."""
    counts = pd.crosstab(ratings["group_id"], ratings["score"])
    counts = counts[counts.sum(axis=1) >= 2]  # only units with pairable values count
    if len(counts) < 2 or counts.shape[1] < 2:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):  # degenerate designs give NaN, not a warning
        value = krippendorff.alpha(
            value_counts=counts.to_numpy(dtype=float), value_domain=counts.columns.to_numpy(dtype=float), level_of_measurement="interval"
        )
    return float(value) if np.isfinite(value) else float("nan")


def straight_liners(ratings: pd.DataFrame) -> pd.DataFrame:
    """Recipients who gave one and the same score to every item in every quarter.

    Returns ``group_id, recipient_id, scores, value`` for each straight-liner (at least
    two scores in all).
    """
    by = ratings.groupby(["group_id", "recipient_id"])["score"]
    stats = pd.DataFrame({"scores": by.size(), "distinct": by.nunique(), "value": by.first()})
    flagged = stats[(stats["scores"] >= 2) & (stats["distinct"] == 1)]
    return flagged.drop(columns="distinct").reset_index()


@dataclass(frozen=True)
class Leniency:
    """Outcome of the rater-leniency model."""

    identified: bool
    reason: str
    rater_effects: pd.Series  # per recipient, centred; empty when not identified


def leniency(responses: pd.DataFrame) -> Leniency:
    """Fit ``score ~ group + rater`` when the design identifies rater effects."""
    if responses.empty:
        return Leniency(False, "there are no ratings", pd.Series(dtype=float))
    g_codes, _ = pd.factorize(responses["group_id"])
    r_codes, raters = pd.factorize(responses["recipient_id"])
    ng, nr = g_codes.max() + 1, r_codes.max() + 1
    groups_per_rater = responses.groupby("recipient_id")["group_id"].nunique()
    if (groups_per_rater <= 1).all():
        return Leniency(False, "each recipient rates only its own group, so rater leniency cannot be told apart from group quality", pd.Series(dtype=float))
    n = len(responses)
    graph = sparse.coo_matrix((np.ones(n), (g_codes, ng + r_codes)), shape=(ng + nr, ng + nr))
    n_parts, _ = connected_components(graph, directed=False)
    if n_parts > 1:
        return Leniency(False, f"the recipient–group graph falls into {n_parts} unconnected parts, so groups in different parts cannot be compared", pd.Series(dtype=float))
    rows = np.r_[np.arange(n), np.arange(n)]
    cols = np.r_[g_codes, ng + r_codes]
    design = sparse.csr_matrix((np.ones(2 * n), (rows, cols)), shape=(n, ng + nr))
    y = responses["score"].to_numpy(dtype=float)
    coef = lsqr(design, y - y.mean(), atol=1e-12, btol=1e-12, iter_lim=10 * (ng + nr) + 100)[0]
    effects = coef[ng:]
    effects = effects - effects[r_codes].mean()  # centred over the responses
    return Leniency(True, "rater effects estimated from recipients who rate several groups", pd.Series(effects, index=raters, name="leniency"))


def quality(responses: pd.DataFrame, ratings: pd.DataFrame, groups: pd.Index, min_raters: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per-group rating quality and the overall reliability.

    ``responses``: one row per (group, recipient, quarter) with the 0–100 ``score``;
    ``ratings``: the item-level rows inside the window. Returns the per-group table
    (``responses, raters, mean, sd, straight_liners, few_raters``) and the overall
    figures (``responses, raters, icc1, alpha``).
    """
    by = responses.groupby("group_id")["score"]
    liners = straight_liners(ratings)
    table = pd.DataFrame(
        {
            "responses": by.size(),
            "raters": responses.groupby("group_id")["recipient_id"].nunique(),
            "mean": by.mean(),
            "sd": by.std(ddof=1),
            "straight_liners": liners.groupby("group_id").size(),
        }
    ).reindex(groups)
    table[["responses", "raters", "straight_liners"]] = table[["responses", "raters", "straight_liners"]].fillna(0).astype(int)
    table["few_raters"] = table["raters"] < min_raters
    overall = {
        "responses": int(len(responses)),
        "raters": int(responses["recipient_id"].nunique()),
        "icc1": icc1(responses),
        "alpha": alpha(ratings),
    }
    return table.reset_index(), overall
