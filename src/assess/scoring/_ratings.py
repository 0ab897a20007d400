"""Ratings you can trust: responses, reliability and straight-lining.

The service-recipient ratings are one third of a group's score, so the report says how
much they can be relied on:

- **ICC(1,k)**, the reliability of a group's **mean** rating — what the score uses:
  ``(MSB − MSW) / MSB`` from a one-way random-effects ANOVA with groups as targets and
  responses (one recipient's mean over the items of one quarter) as ratings. Beside it the
  single-response **ICC(1)**; for unequal numbers of responses per group the mean count is
  replaced by the usual ``k0 = (N − Σnᵢ²/N) / (g − 1)`` (ICC(1,k) is ICC(1) stepped up to
  ``k0`` responses by Spearman–Brown). On balanced data both are exactly pingouin's
  ICC1 and ICC1k.
- **Krippendorff's alpha**, ordinal (the ``krippendorff`` package): a 1–5 scale is ordered
  but its steps are not known to be equal, and most answers sit at its top, where an
  interval metric would overweight the rare low scores. Groups are the units and every
  item score a group received (recipient × item × quarter) one value; computed from the
  unit × score-value counts, so memory stays small for any number of groups.
- **Straight-lining**: a recipient who gave one and the same score to every item in at
  least ``min_responses`` (4) responses — and not the score most of all the data holds
  (at a ceiling, "all 5s" is what a satisfied recipient answers, not evidence of
  inattention).
- **Too few raters**: groups rated by fewer distinct recipients than the scheme's
  ``rating_min_raters``.

Rater leniency is not estimated: in the office's design each recipient rates only its own
group, so a rater's leniency cannot be told apart from the group's quality.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd

__all__ = ["icc1", "icc1k", "alpha", "straight_liners", "quality", "spearman_brown", "LOW_RELIABILITY"]

#: A group's mean rating less reliable than this is flagged in the index.
LOW_RELIABILITY = 0.7


def spearman_brown(icc: float, n: np.ndarray | pd.Series | float) -> np.ndarray:
    """The reliability of a mean of ``n`` responses whose single-response reliability is ``icc``:
    ``n·icc / (1 + (n − 1)·icc)`` (NaN for n = 0 or an undefined ICC).

    >>> round(float(spearman_brown(0.2, 12)), 12)  # 2.4 / 3.2
    0.75
    """
    n = np.asarray(n, dtype=float)
    if icc is None or not np.isfinite(icc):
        return np.full(n.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = n * icc / (1 + (n - 1) * icc)
    return np.where(n > 0, out, np.nan)


def _anova(responses: pd.DataFrame, target: str, value: str) -> tuple[float, float, float] | None:
    """(MSB, MSW, k0) of the one-way ANOVA, or None when undefined."""
    y = responses[value].to_numpy(dtype=float)
    codes, _ = pd.factorize(responses[target])
    g = codes.max() + 1 if len(codes) else 0
    n_total = len(y)
    if g < 2 or n_total <= g:
        return None
    counts = np.bincount(codes, minlength=g).astype(float)
    means = np.bincount(codes, weights=y, minlength=g) / counts
    grand = y.mean()
    ms_between = (counts * (means - grand) ** 2).sum() / (g - 1)
    ms_within = ((y - means[codes]) ** 2).sum() / (n_total - g)
    k0 = (n_total - (counts**2).sum() / n_total) / (g - 1)
    return float(ms_between), float(ms_within), float(k0)


def icc1(responses: pd.DataFrame, target: str = "group_id", value: str = "score") -> float:
    """ICC(1), the reliability of one response, with ``target`` as the random effect (NaN when undefined)."""
    a = _anova(responses, target, value)
    if a is None:
        return float("nan")
    msb, msw, k0 = a
    denom = msb + (k0 - 1) * msw
    return (msb - msw) / denom if denom > 0 else float("nan")


def icc1k(responses: pd.DataFrame, target: str = "group_id", value: str = "score") -> float:
    """ICC(1,k) = (MSB − MSW) / MSB, the reliability of a target's mean (NaN when undefined).

    >>> r = pd.DataFrame({"group_id": list("aabb"), "score": [1.0, 3.0, 5.0, 7.0]})
    >>> icc1k(r)  # MSB = 16, MSW = 2: (16 - 2) / 16
    0.875
    """
    a = _anova(responses, target, value)
    if a is None or a[0] <= 0:
        return float("nan")
    msb, msw, _ = a
    return (msb - msw) / msb


def alpha(ratings: pd.DataFrame) -> float:
    """Krippendorff's alpha (ordinal) of the item scores, groups as units (NaN when undefined)."""
    counts = pd.crosstab(ratings["group_id"], ratings["score"])
    counts = counts[counts.sum(axis=1) >= 2]  # only units with pairable values count
    if len(counts) < 2 or counts.shape[1] < 2:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):  # degenerate designs give NaN, not a warning
        value = krippendorff.alpha(
            value_counts=counts.to_numpy(dtype=float),
            value_domain=counts.columns.to_numpy(dtype=float),
            level_of_measurement="ordinal",
        )
    return float(value) if np.isfinite(value) else float("nan")


def straight_liners(ratings: pd.DataFrame, min_responses: int = 4) -> pd.DataFrame:
    """Recipients who gave one and the same score to every item of every response, with
    evidence beyond a ceiling.

    Flagged: at least ``min_responses`` responses (quarters rated), at least two items in a
    response (with one item, "the same score to every item" is no choice at all), and one
    distinct score in all, unless that score is the one most of all the item scores hold (answering "5"
    throughout where most answers are 5 is no sign of inattention). Returns
    ``group_id, recipient_id, scores, value`` for each straight-liner.
    """
    by = ratings.groupby(["group_id", "recipient_id"])
    items = ratings.groupby(["group_id", "recipient_id", "quarter"]).size().groupby(level=[0, 1]).max()
    stats = pd.DataFrame(
        {
            "scores": by["score"].size(),
            "responses": by["quarter"].nunique(),
            "distinct": by["score"].nunique(),
            "value": by["score"].first(),
            "items": items,
        }
    )
    shares = ratings["score"].value_counts(normalize=True)
    majority = shares.index[shares > 0.5]
    flagged = stats[
        (stats["responses"] >= min_responses)
        & (stats["items"] >= 2)  # with one item per response no other answer was possible
        & (stats["distinct"] == 1)
        & ~stats["value"].isin(majority)
    ]
    return flagged.drop(columns=["distinct", "responses", "items"]).reset_index()


def quality(
    responses: pd.DataFrame, ratings: pd.DataFrame, groups: pd.Index, min_raters: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per-group rating quality and the overall reliability.

    ``responses``: one row per (group, recipient, quarter) with the 0–100 ``score``;
    ``ratings``: the item-level rows inside the window. Returns the per-group table
    (``responses, raters, mean, sd, straight_liners, few_raters, reliability``) and the
    overall figures (``responses, raters, icc1, icc1k, alpha``). ``reliability`` is the
    group's own: the reliability of the mean of its ``responses``, ICC(1) stepped up to that
    number by the Spearman–Brown formula (ICC(1,k) is the same at the average count).
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
    table[["responses", "raters", "straight_liners"]] = (
        table[["responses", "raters", "straight_liners"]].fillna(0).astype(int)
    )
    table["few_raters"] = table["raters"] < min_raters
    single = icc1(responses)
    table["reliability"] = spearman_brown(single, table["responses"].to_numpy())
    overall = {
        "responses": int(len(responses)),
        "raters": int(responses["recipient_id"].nunique()),
        "icc1": single,
        "icc1k": icc1k(responses),
        "alpha": alpha(ratings),
    }
    return table.reset_index(), overall
