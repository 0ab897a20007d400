"""The steps of scoring (the scoring rules (docs/reference/scoring.md)): indicators, normalise, aggregate, adjust, grade and rank.

Pure functions over DataFrames indexed by ``group_id``; no loop over groups or rows (the
only loops run over the scheme's few bands and components).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from assess.common import SchemeError
from assess.intake import Dataset, Normalize, Scheme
from assess.scoring._indicators import Window, compute_indicators, rating_responses
from assess.scoring._kernel import (
    TOL,
    combine,
    competition_ranks,
    grade_levels,
    normalize_rows,
    order_ranks,
    present_components,
    snap_rows,
)

__all__ = [
    "normalize",
    "aggregate",
    "contributions",
    "adjust",
    "grade",
    "competition_rank",
    "order_rank",
]


# ---- normalisation ----------------------------------------------------------------------------


def normalize_series(x: pd.Series, how: Normalize, direction: str) -> pd.Series:
    """Map one indicator's raw values to 0–100 (NaN stays NaN): one row of
    :func:`assess.scoring._kernel.normalize_rows`.

    The methods that compare groups (``minmax``, ``rank``, ``tscore``) first snap values
    within ``TOL`` of each other to one value, so that float noise (0.39999999999999997
    against 0.4) never separates groups that are equal on paper.
    """
    return pd.Series(normalize_rows(x.to_numpy(dtype=float)[None], how, direction)[0], index=x.index)


def normalize(raw: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Normalised 0–100 scores of the scheme's indicators."""
    return pd.DataFrame(
        {name: normalize_series(raw[name], ind.normalize, ind.direction) for name, ind in scheme.indicators.items()},
        index=raw.index,
    )


# ---- aggregation ------------------------------------------------------------------------------


def weigh(x: np.ndarray, scheme: Scheme, present: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Component scores (groups × components) and base scores of the normalised scores ``x``
    (groups × the scheme's indicators): one row of :func:`assess.scoring._kernel.combine`.

    A component counts when the share of its weight with a value reaches ``min_coverage``,
    or as ``present`` (groups × components, booleans) says when given.
    """
    names = list(scheme.indicators)
    available = ~np.isnan(x)
    iw = np.array([scheme.indicators[k].weight for k in names])
    cw = np.array([c.weight for c in scheme.components.values()])
    members = tuple(np.flatnonzero([scheme.indicators[k].component == c for k in names]) for c in scheme.components)
    has = present_components(available, iw, members, scheme.min_coverage) if present is None else present
    geometric = np.array([scheme.aggregation == "geometric"])
    components, base = combine(x[None], available, has, iw[None], cw[None], members, geometric)
    return components[0], base[0]


def aggregate(
    norm: pd.DataFrame, scheme: Scheme, present: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """Component scores (NaN below ``min_coverage``) and the base score (:func:`weigh`).

    Returns ``(components, base)``; ``base`` uses the components available, so a group
    with a missing component still gets one (it will be ``insufficient_data``).
    ``present`` (groups × components, booleans), when given, decides which components are
    available instead of the coverage test.
    """
    comps = list(scheme.components)
    has = None if present is None else present[comps].reindex(norm.index).to_numpy(dtype=bool)
    components, base = weigh(norm[list(scheme.indicators)].to_numpy(dtype=float), scheme, has)
    return pd.DataFrame(components, index=norm.index, columns=comps), pd.Series(base, index=norm.index)


def contributions(norm: pd.DataFrame, components: pd.DataFrame, base: pd.Series, scheme: Scheme) -> pd.DataFrame:
    """Each indicator's share of each group's base score (long table).

    ``effective_weight`` = the indicator's weight within its component × the component's
    weight, each renormalised over what the group has (an indicator with no value, or in a
    component below ``min_coverage``, weighs 0). With arithmetic aggregation ``points`` =
    effective_weight × normalized; with geometric aggregation the base score is split in
    proportion to effective_weight × ln max(normalized, 1), its terms in log space. Either
    way the points of a group add up to its base score. ``vs_median`` is the normalised
    score minus the median group's.
    """
    ind = scheme.indicators
    names = list(ind)
    comp_of = np.array([ind[k].component for k in names])
    x = norm[names].to_numpy(dtype=float)
    w = np.array([ind[k].weight for k in names]) * ~np.isnan(x)
    held = ~np.isnan(components[list(scheme.components)].to_numpy(dtype=float)) * np.array(
        [c.weight for c in scheme.components.values()]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        comp_share = np.nan_to_num(held / held.sum(axis=1, keepdims=True), nan=0.0)
    eff = np.zeros_like(x)
    for ci, cname in enumerate(scheme.components):
        cols = comp_of == cname
        within = w[:, cols] / np.where(
            w[:, cols].sum(axis=1, keepdims=True) > 0, w[:, cols].sum(axis=1, keepdims=True), 1
        )
        eff[:, cols] = within * comp_share[:, ci][:, None]
    if scheme.aggregation == "geometric":
        logs = eff * np.log(np.maximum(np.nan_to_num(x, nan=1.0), 1.0))
        total = logs.sum(axis=1, keepdims=True)
        share = np.where(total > 0, logs / np.where(total > 0, total, 1), eff)
        points = share * base.to_numpy()[:, None]
    else:
        points = eff * np.nan_to_num(x)
    points = np.where(np.isnan(base.to_numpy())[:, None], np.nan, points)
    vs_median = x - norm[names].median().to_numpy()
    frame = pd.DataFrame(
        {
            "group_id": np.repeat(norm.index.to_numpy(), len(names)),
            "indicator": np.tile(names, len(norm)),
            "component": np.tile(comp_of, len(norm)),
            "normalized": x.ravel(),
            "effective_weight": eff.ravel(),
            "points": points.ravel(),
            "vs_median": vs_median.ravel(),
        }
    )
    return frame


# ---- adjustments ------------------------------------------------------------------------------


def adjust(base: pd.Series, adjustments: pd.DataFrame, window: Window, scheme: Scheme) -> pd.DataFrame:
    """Capped bonus and deduction, the final score and the veto flag per group."""
    a = adjustments[window.contains(adjustments["date"])]
    points = a["points"].fillna(0.0)
    totals = points.groupby([a["group_id"], a["kind"]]).sum().unstack()
    totals = totals.reindex(index=base.index, columns=["bonus", "deduction"]).fillna(0.0)
    bonus = totals["bonus"].clip(upper=scheme.adjustments.bonus_cap)
    deduction = totals["deduction"].clip(upper=scheme.adjustments.deduction_cap)
    final = (base + bonus - deduction).clip(0, 100)
    vetoed = base.index.isin(a.loc[a["kind"] == "veto", "group_id"])
    return pd.DataFrame(
        {"bonus": bonus, "deduction": deduction, "final_score": final, "veto": vetoed}, index=base.index
    )


# ---- grades and ranks -------------------------------------------------------------------------


def quota_size(share: float, graded: int, rounding: str) -> int:
    """Places a quota of ``share`` leaves among ``graded`` groups (``floor``, ``round`` halves up,
    or ``ceil``), with the 1e-9 tolerance: ``0.15 × 20`` gives 3 under ``ceil``."""
    x = share * graded
    if rounding == "ceil":
        return math.ceil(x - TOL)
    if rounding == "round":
        return math.floor(x + 0.5 + TOL)
    return math.floor(x + TOL)


def _snap(values: np.ndarray) -> np.ndarray:
    """Values within ``TOL`` of their sorted neighbour replaced by one value, so that
    sorting treats them as equal and the next key decides (NaN stays NaN): one row of
    :func:`assess.scoring._kernel.snap_rows`."""
    row: np.ndarray = snap_rows(np.asarray(values, dtype=float)[None])[0]
    return row


def grade(
    final: pd.Series, components: pd.DataFrame, vetoed: pd.Series, ungraded: pd.Series, scheme: Scheme
) -> pd.DataFrame:
    """Grade band per group, with quotas filled from the top (the scoring rules (docs/reference/scoring.md)):
    one row of :func:`assess.scoring._kernel.grade_levels`.

    Returns a frame with ``grade`` (band name, or None when ungraded) and ``demoted`` (the
    group lost a band to a quota).
    """
    scores = final.to_numpy(dtype=float)
    veto = vetoed.to_numpy(dtype=bool)
    graded = ~ungraded.to_numpy(dtype=bool)
    keys = [scores[None]] + [components[c].to_numpy(dtype=float)[None] for c in scheme.grades.tie_break]
    level = grade_levels(scores[None], keys, veto, graded[None], scheme)[0]
    names = np.array([*scheme.band_names, None], dtype=object)[np.where(level >= 0, level, len(scheme.grades.bands))]
    demoted = graded & (level > threshold_level(scores, veto, scheme))
    return pd.DataFrame({"grade": names, "demoted": demoted}, index=final.index)


def threshold_level(final: np.ndarray, veto: np.ndarray, scheme: Scheme) -> np.ndarray:
    """The band each score meets before quotas (the last for a veto): a group graded below it
    was demoted by a quota."""
    bands = scheme.grades.bands
    mins = np.array([b.min for b in bands])
    meets = final[:, None] >= mins[None, :] - TOL
    level = np.where(meets.any(axis=1), meets.argmax(axis=1), len(bands) - 1)
    return np.where(veto, len(bands) - 1, level)


def competition_rank(scores: pd.Series) -> pd.Series:
    """Rank by score, highest first; scores within 1e-9 share the best rank (1, 2, 2, 4)."""
    ranks = competition_ranks(scores.to_numpy(dtype=float)[None])[0]
    return pd.Series(pd.arrays.IntegerArray(ranks.astype(np.int64), ranks <= 0), index=scores.index)


def order_rank(final: pd.Series, components: pd.DataFrame, ranked: pd.Series, tie_break: list[str]) -> pd.Series:
    """Rank of the ranked groups in the quota's order (the scoring rules (docs/reference/scoring.md)): final score descending,
    then the ``tie_break`` components descending; only groups equal on all of these (within
    1e-9) share the best rank (1, 2, 2, 4). Unranked groups get ``<NA>``. One row of
    :func:`assess.scoring._kernel.order_ranks`, which snaps the keys over all groups exactly
    as the quota does, so the rank and the quota never disagree on which groups are equal.
    """
    keys = [final.to_numpy(dtype=float)[None]] + [components[c].to_numpy(dtype=float)[None] for c in tie_break]
    ranks = order_ranks(keys, ranked.to_numpy(dtype=bool))[0]
    return pd.Series(pd.arrays.IntegerArray(ranks.astype(np.int64), ranks <= 0), index=final.index)


# ---- the whole assessment ---------------------------------------------------------------------


def _check_indicators(raw: pd.DataFrame, scheme: Scheme) -> None:
    unknown = [k for k in scheme.indicators if k not in raw.columns]
    if unknown:
        known = ", ".join(raw.columns)
        raise SchemeError(
            "scheme",
            [
                f"indicators.{k}: no such indicator, neither built in nor in the workbook's indicators sheet; known indicators: {known}"
                for k in unknown
            ],
        )


def prepare_indicators(
    dataset: Dataset, year: int, as_of: str | pd.Timestamp | None, scheme: Scheme
) -> tuple[Window, pd.DataFrame, pd.DataFrame]:
    """The steps before normalisation, shared by :func:`score` and the uncertainty engine.

    Returns the assessment window, the rating responses and the raw indicators (indexed by
    ``group_id``). Raises :class:`~assess.common._errors.SchemeError` for an indicator that exists nowhere.
    """
    if as_of is None:
        as_of = scheme.as_of or f"{year}-12-31"
    window = Window(int(year), pd.Timestamp(as_of).normalize())
    responses = rating_responses(dataset.tables, window, scheme)
    raw = compute_indicators(dataset.tables, window, scheme, responses)
    _check_indicators(raw, scheme)
    return window, responses, raw
