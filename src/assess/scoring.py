"""Scores from indicators (DESIGN §3): normalise, aggregate, adjust, grade and rank.

Pure functions over DataFrames indexed by ``group_id``; no loop over groups or rows (the
only loops run over the scheme's few bands and components).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from . import __version__
from .indicators import Window, compute_indicators
from .result import INDICATOR_COLUMNS, SCORE_COLUMNS, Result
from .scheme import Normalize, Scheme, default_scheme
from .validate import Dataset

__all__ = ["score", "normalize", "aggregate", "adjust", "grade", "competition_rank"]

TOL = 1e-9  # two scores within this are equal (DESIGN §3)


# ---- normalisation ----------------------------------------------------------------------------


def normalize_series(x: pd.Series, how: Normalize, direction: str) -> pd.Series:
    """Map one indicator's raw values to 0–100 (NaN stays NaN)."""
    lower = direction == "lower"
    have = x.notna()
    if how.method == "goalposts":
        lo, hi = how.bounds
        t = (hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo)
        return t.clip(0, 1) * 100
    v = x[have]
    if how.method == "minmax":
        span = v.max() - v.min()
        t = (v - v.min()) / span if span > 0 else pd.Series(1.0, index=v.index)
        if lower and span > 0:
            t = 1 - t
        return (t * 100).reindex(x.index)
    if how.method == "rank":
        n = len(v)
        r = (-v if lower else v).rank(method="average")
        t = (r - 1) / (n - 1) if n > 1 else pd.Series(1.0, index=v.index)
        return (t * 100).reindex(x.index)
    # tscore, with the population standard deviation
    sd = v.std(ddof=0)
    z = (v - v.mean()) / sd if sd > 0 else pd.Series(0.0, index=v.index)
    if lower:
        z = -z
    return (50 + 10 * z).clip(0, 100).reindex(x.index)


def normalize(raw: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """Normalised 0–100 scores of the scheme's indicators."""
    return pd.DataFrame(
        {name: normalize_series(raw[name], ind.normalize, ind.direction) for name, ind in scheme.indicators.items()},
        index=raw.index,
    )


# ---- aggregation ------------------------------------------------------------------------------


def _weighted_mean(values: pd.DataFrame, weights: pd.Series, how: str) -> tuple[pd.Series, pd.Series]:
    """Weighted mean over the available (non-NaN) columns, weights renormalised.

    Returns the mean and the share of the total weight that was available.
    """
    w = weights.reindex(values.columns).to_numpy(dtype=float)
    avail = values.notna().to_numpy()
    wa = avail * w
    covered = wa.sum(axis=1)
    x = values.to_numpy(dtype=float)
    if how == "geometric":
        terms = np.where(avail, np.log(np.maximum(np.nan_to_num(x, nan=1.0), 1.0)), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.exp((wa * terms).sum(axis=1) / covered)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (wa * np.nan_to_num(x)).sum(axis=1) / covered
    mean = np.where(covered > 0, mean, np.nan)
    return pd.Series(mean, index=values.index), pd.Series(covered / w.sum(), index=values.index)


def aggregate(norm: pd.DataFrame, scheme: Scheme) -> tuple[pd.DataFrame, pd.Series]:
    """Component scores (NaN below ``min_coverage``) and the base score.

    Returns ``(components, base)``; ``base`` uses the components available, so a group
    with a missing component still gets one (it will be ``insufficient_data``).
    """
    comps = {}
    for cname in scheme.components:
        members = [k for k, i in scheme.indicators.items() if i.component == cname]
        w = pd.Series({k: scheme.indicators[k].weight for k in members})
        mean, coverage = _weighted_mean(norm[members], w, scheme.aggregation)
        comps[cname] = mean.where(coverage >= scheme.min_coverage - TOL)
    components = pd.DataFrame(comps, index=norm.index)
    cw = pd.Series({k: c.weight for k, c in scheme.components.items()})
    base, _ = _weighted_mean(components, cw, scheme.aggregation)
    return components, base


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
    return pd.DataFrame({"bonus": bonus, "deduction": deduction, "final_score": final, "veto": vetoed}, index=base.index)


# ---- grades and ranks -------------------------------------------------------------------------


def _quota_size(share: float, graded: int, rounding: str) -> int:
    x = share * graded
    if rounding == "ceil":
        return math.ceil(x - TOL)
    if rounding == "round":
        return math.floor(x + 0.5 + TOL)
    return math.floor(x + TOL)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | (np.abs(a - b) <= TOL)))


def grade(final: pd.Series, components: pd.DataFrame, vetoed: pd.Series, ungraded: pd.Series, scheme: Scheme) -> pd.DataFrame:
    """Grade band per group, with quotas filled from the top (DESIGN §3).

    Returns a frame with ``grade`` (band name, or None when ungraded) and ``demoted`` (the
    group lost a band to a quota).
    """
    bands = scheme.grades.bands
    mins = np.array([b.min for b in bands])
    scores = final.to_numpy(dtype=float)
    # best band whose threshold the score meets (thresholds fall from best to worst)
    meets = scores[:, None] >= mins[None, :] - TOL
    level = np.where(meets.any(axis=1), meets.argmax(axis=1), len(bands) - 1)
    level = np.where(vetoed.to_numpy(), len(bands) - 1, level)
    graded = ~ungraded.to_numpy()
    n_graded = int(graded.sum())
    demoted = np.zeros(len(scores), dtype=bool)
    keys = [scores] + [components[c].to_numpy(dtype=float) for c in scheme.grades.tie_break]
    for b, band in enumerate(bands[:-1]):
        if band.quota is None:
            continue
        cap = _quota_size(band.quota, n_graded, scheme.grades.quota_rounding)
        cand = np.flatnonzero(graded & (level == b))
        if len(cand) <= cap:
            continue
        # order by final score, then the tie-break components, best first (NaN last)
        order = cand[np.lexsort([np.nan_to_num(-k[cand], nan=np.inf) for k in reversed(keys)])]
        key_of = [np.array([k[i] for k in keys]) for i in order]
        if cap == 0:
            admitted = 0
        elif _same(key_of[cap - 1], key_of[cap]):  # a tie across the cut
            tied = [j for j in range(len(order)) if _same(key_of[j], key_of[cap - 1])]
            admitted = min(tied) if scheme.grades.ties == "demote" else max(tied) + 1
        else:
            admitted = cap
        out = order[admitted:]
        level[out] = b + 1
        demoted[out] = True
    names = np.array([band.name for band in bands], dtype=object)[level]
    names = np.where(graded, names, None)
    return pd.DataFrame({"grade": names, "demoted": demoted & graded}, index=final.index)


def competition_rank(scores: pd.Series) -> pd.Series:
    """Rank by score, highest first; scores within 1e-9 share the best rank (1, 2, 2, 4)."""
    s = scores.dropna().sort_values(ascending=False, kind="stable")
    v = s.to_numpy()
    new_block = np.r_[True, np.abs(np.diff(v)) > TOL]
    pos = np.arange(1, len(v) + 1)
    ranks = np.maximum.accumulate(np.where(new_block, pos, 0))
    return pd.Series(ranks, index=s.index).reindex(scores.index).astype("Int64")


# ---- the whole assessment ---------------------------------------------------------------------


def score(dataset: Dataset, year: int, as_of: str | pd.Timestamp | None = None, scheme: Scheme | None = None) -> Result:
    """Score every group of ``dataset`` for ``year`` under ``scheme`` (default: DESIGN §3).

    ``as_of`` defaults to the scheme's ``as_of``, else 31 December of ``year``.
    """
    scheme = scheme or default_scheme()
    if as_of is None:
        as_of = scheme.as_of or f"{year}-12-31"
    window = Window(int(year), pd.Timestamp(as_of).normalize())
    tables = dataset.tables
    raw = compute_indicators(tables, window, scheme)
    norm = normalize(raw, scheme)
    components, base = aggregate(norm, scheme)
    adj = adjust(base, tables["adjustments"], window, scheme)
    insufficient = components.isna().any(axis=1)
    grades = grade(adj["final_score"], components, adj["veto"], insufficient, scheme)

    flags = pd.Series("", index=raw.index)
    for mask, flag in ((insufficient, "insufficient_data"), (adj["veto"], "veto"), (grades["demoted"], "quota_demoted")):
        flags = flags.where(~mask, flags.where(flags == "", flags + ";") + flag)
    names = tables["groups"].set_index("group_id")["name"]
    scores = pd.DataFrame(
        {
            "group_id": raw.index,
            "name": names.reindex(raw.index).to_numpy(),
            **{c: components[c].to_numpy() for c in scheme.components},
            "base_score": base.to_numpy(),
            "bonus": adj["bonus"].to_numpy(),
            "deduction": adj["deduction"].to_numpy(),
            "final_score": adj["final_score"].to_numpy(),
            "grade": grades["grade"].to_numpy(),
            "rank": competition_rank(adj["final_score"]).to_numpy(),
            "flags": flags.to_numpy(),
        }
    )
    scores = scores[[c for c in SCORE_COLUMNS if c in scores.columns] + [c for c in scheme.components if c not in SCORE_COLUMNS]]

    long = norm.stack(future_stack=True).rename("normalized").reset_index()
    long.columns = ["group_id", "indicator", "normalized"]
    long["raw"] = raw[list(scheme.indicators)].stack(future_stack=True).to_numpy()
    long["component"] = long["indicator"].map({k: i.component for k, i in scheme.indicators.items()})
    long["weight"] = long["indicator"].map({k: i.weight for k, i in scheme.indicators.items()})
    indicators = long[INDICATOR_COLUMNS]

    meta = {
        "year": int(year),
        "as_of": window.as_of.date().isoformat(),
        "scheme": scheme.model_dump(mode="json"),
        "scheme_sha256": scheme.sha256,
        "input": dataset.source,
        "input_sha256": dataset.sha256,
        "version": __version__,
        "generated_at": _now(),
    }
    groups = tables["groups"].drop(columns="_row", errors="ignore")
    return Result(scores=scores.reset_index(drop=True), indicators=indicators, groups=groups, meta=meta, raw=raw.reset_index())


def _now() -> str:
    """Generation time; ``SOURCE_DATE_EPOCH`` pins it for reproducible outputs."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat()
