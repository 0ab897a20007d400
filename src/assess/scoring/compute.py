"""Scores from indicators (the scoring rules (docs/reference/scoring.md)): normalise, aggregate, adjust, grade and rank.

Pure functions over DataFrames indexed by ``group_id``; no loop over groups or rows (the
only loops run over the scheme's few bands and components).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from assess.common.errors import SchemeError
from assess.common.localtime import generated_now
from assess.common.tolerance import TOL  # two scores within this are equal (docs/reference/scoring.md)
from assess.common.version import __version__
from assess.intake.scheme import Normalize, Scheme, default_scheme
from assess.intake.validate import Dataset
from assess.scoring import ratings
from assess.scoring.indicators import Window, compute_indicators, rating_responses, rating_rows
from assess.scoring.result import INDICATOR_COLUMNS, SCORE_COLUMNS, Result

__all__ = [
    "score",
    "normalize",
    "aggregate",
    "contributions",
    "adjust",
    "grade",
    "competition_rank",
    "order_rank",
]

COMPONENT_COLUMNS = ("daily_work", "effectiveness", "service_rating")  # the default scheme's, in SCORE_COLUMNS


# ---- normalisation ----------------------------------------------------------------------------


def normalize_series(x: pd.Series, how: Normalize, direction: str) -> pd.Series:
    """Map one indicator's raw values to 0–100 (NaN stays NaN).

    The methods that compare groups (``minmax``, ``rank``, ``tscore``) first snap values
    within ``TOL`` of each other to one value, so that float noise (0.39999999999999997
    against 0.4) never separates groups that are equal on paper.
    """
    lower = direction == "lower"
    have = x.notna()
    if how.method == "goalposts":
        assert how.bounds is not None  # Normalize fills in goalposts' bounds when it is validated
        lo, hi = how.bounds
        t = (hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo)
        return t.clip(0, 1) * 100
    v = pd.Series(_snap(x[have].to_numpy(dtype=float)), index=x.index[have.to_numpy()])
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
    # equal values can leave an sd of ~1e-16 from rounding: that is sd = 0, not z = ±1
    spread = sd > 1e-12 * max(1.0, abs(v.mean())) if len(v) else False
    z = (v - v.mean()) / sd if spread else pd.Series(0.0, index=v.index)
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


def aggregate(
    norm: pd.DataFrame, scheme: Scheme, present: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.Series]:
    """Component scores (NaN below ``min_coverage``) and the base score.

    Returns ``(components, base)``; ``base`` uses the components available, so a group
    with a missing component still gets one (it will be ``insufficient_data``).
    ``present`` (groups × components, booleans), when given, decides which components are
    available instead of the coverage test.
    """
    comps = {}
    for cname in scheme.components:
        members = [k for k, i in scheme.indicators.items() if i.component == cname]
        w = pd.Series({k: scheme.indicators[k].weight for k in members})
        mean, coverage = _weighted_mean(norm[members], w, scheme.aggregation)
        available = (
            coverage >= scheme.min_coverage - TOL
            if present is None
            else present[cname].reindex(norm.index).astype(bool)
        )
        comps[cname] = mean.where(available)
    components = pd.DataFrame(comps, index=norm.index)
    cw = pd.Series({k: c.weight for k, c in scheme.components.items()})
    base, _ = _weighted_mean(components, cw, scheme.aggregation)
    return components, base


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
    comp_present = components.notna()
    cw = pd.Series({k: c.weight for k, c in scheme.components.items()})
    comp_share = (comp_present * cw).div((comp_present * cw).sum(axis=1), axis=0).fillna(0.0)
    eff = np.zeros_like(x)
    for cname in scheme.components:
        cols = comp_of == cname
        within = w[:, cols] / np.where(
            w[:, cols].sum(axis=1, keepdims=True) > 0, w[:, cols].sum(axis=1, keepdims=True), 1
        )
        eff[:, cols] = within * comp_share[cname].to_numpy()[:, None]
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
    sorting treats them as equal and the next key decides (NaN stays NaN)."""
    out = values.astype(float).copy()
    have = np.flatnonzero(~np.isnan(out))
    order = have[np.argsort(out[have], kind="stable")]
    v = out[order]
    if not len(v):
        return out
    starts = np.r_[True, np.diff(v) > TOL]
    out[order] = v[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    return out


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all(both_nan | (np.abs(a - b) <= TOL)))


def grade(
    final: pd.Series, components: pd.DataFrame, vetoed: pd.Series, ungraded: pd.Series, scheme: Scheme
) -> pd.DataFrame:
    """Grade band per group, with quotas filled from the top (the scoring rules (docs/reference/scoring.md)).

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
    keys = [_snap(scores)] + [_snap(components[c].to_numpy(dtype=float)) for c in scheme.grades.tie_break]
    for b, band in enumerate(bands[:-1]):
        if band.quota is None:
            continue
        cap = quota_size(band.quota, n_graded, scheme.grades.quota_rounding)
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
    names[~graded] = None  # a fresh object array (fancy indexing copies)
    return pd.DataFrame({"grade": names, "demoted": demoted & graded}, index=final.index)


def competition_rank(scores: pd.Series) -> pd.Series:
    """Rank by score, highest first; scores within 1e-9 share the best rank (1, 2, 2, 4)."""
    s = scores.dropna().sort_values(ascending=False, kind="stable")
    v = s.to_numpy()
    new_block = np.r_[True, np.abs(np.diff(v)) > TOL]
    pos = np.arange(1, len(v) + 1)
    ranks = np.maximum.accumulate(np.where(new_block, pos, 0))
    return pd.Series(ranks, index=s.index).reindex(scores.index).astype("Int64")


def order_rank(final: pd.Series, components: pd.DataFrame, ranked: pd.Series, tie_break: list[str]) -> pd.Series:
    """Rank of the ranked groups in the quota's order (the scoring rules (docs/reference/scoring.md)): final score descending,
    then the ``tie_break`` components descending; only groups equal on all of these (within
    1e-9) share the best rank (1, 2, 2, 4). Unranked groups get ``<NA>``.

    The keys are snapped over all groups exactly as :func:`grade` snaps them, so the rank and
    the quota never disagree on which groups are equal.
    """
    keys = [_snap(final.to_numpy(dtype=float))] + [_snap(components[c].to_numpy(dtype=float)) for c in tie_break]
    idx = np.flatnonzero(ranked.to_numpy(dtype=bool) & ~np.isnan(keys[0]))
    out = pd.Series(pd.NA, index=final.index, dtype="Int64")
    if not len(idx):
        return out
    sub = [np.nan_to_num(-k[idx], nan=np.inf) for k in keys]  # best first, NaN last
    order = np.lexsort(list(reversed(sub)))
    new = np.ones(len(idx), dtype=bool)
    if len(idx) > 1:
        with np.errstate(invalid="ignore"):  # inf − inf: two missing tie-break values are equal
            new[1:] = np.any([(np.diff(k[order]) != 0) & ~np.isnan(np.diff(k[order])) for k in sub], axis=0)
    pos = np.arange(1, len(idx) + 1)
    ranks = np.maximum.accumulate(np.where(new, pos, 0))
    values = np.empty(len(idx), dtype=np.int64)
    values[order] = ranks
    out.iloc[idx] = values
    return out


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


def _flag_table(
    groups: pd.Index,
    components: pd.DataFrame,
    adj: pd.DataFrame,
    grades: pd.DataFrame,
    quality: pd.DataFrame,
    norm: pd.DataFrame,
    adjustments: pd.DataFrame,
    window: Window,
    scheme: Scheme,
) -> pd.DataFrame:
    """One row per (group, flag) with a plain-words detail."""
    parts = []

    def add(mask: pd.Series, flag: str, detail: pd.Series | str) -> None:
        detail = detail if isinstance(detail, pd.Series) else pd.Series(detail, index=groups)
        ids = groups[mask.to_numpy()]
        parts.append(pd.DataFrame({"group_id": ids, "flag": flag, "detail": detail.reindex(ids).to_numpy()}))

    missing_comps = (
        components.isna().apply(lambda r: ", ".join(c for c in components.columns if r[c]), axis=1)
        if len(components)
        else pd.Series(dtype=str)
    )
    add(components.isna().any(axis=1), "insufficient_data", "missing component(s): " + missing_comps)
    a = adjustments[window.contains(adjustments["date"]) & (adjustments["kind"] == "veto")]
    reasons = a.groupby("group_id")["reason"].agg("; ".join)
    add(adj["veto"], "veto", reasons.reindex(groups).fillna(""))
    add(grades["demoted"], "quota_demoted", "met a band's threshold but not its quota")
    q = quality.set_index("group_id").reindex(groups)
    add(
        q["few_raters"].astype(bool),
        "few_raters",
        "rated by " + q["raters"].astype(str) + f" recipient(s); at least {scheme.rating_min_raters} wanted",
    )
    add(
        q["straight_liners"] > 0,
        "straight_lining",
        q["straight_liners"].astype(str) + " recipient(s) gave the same score to every item in every quarter",
    )
    missing_ind = (
        norm.isna().apply(lambda r: ", ".join(c for c in norm.columns if r[c]), axis=1)
        if len(norm)
        else pd.Series(dtype=str)
    )
    add(norm.isna().any(axis=1), "missing_indicators", missing_ind)
    order = {
        "insufficient_data": 0,
        "veto": 1,
        "quota_demoted": 2,
        "missing_indicators": 3,
        "few_raters": 4,
        "straight_lining": 5,
    }
    table = pd.concat(parts, ignore_index=True)
    table["_order"] = table["flag"].map(order)
    table["_pos"] = table["group_id"].map({g: i for i, g in enumerate(groups)})
    return table.sort_values(["_pos", "_order"], kind="stable").drop(columns=["_order", "_pos"]).reset_index(drop=True)


def prepare(
    dataset: Dataset, year: int, as_of: str | pd.Timestamp | None, scheme: Scheme
) -> tuple[Window, pd.DataFrame, pd.DataFrame]:
    """The steps before normalisation, shared by :func:`score` and the uncertainty engine.

    Returns the assessment window, the rating responses and the raw indicators (indexed by
    ``group_id``). Raises :class:`~assess.common.errors.SchemeError` for an indicator that exists nowhere.
    """
    if as_of is None:
        as_of = scheme.as_of or f"{year}-12-31"
    window = Window(int(year), pd.Timestamp(as_of).normalize())
    responses = rating_responses(dataset.tables, window, scheme)
    raw = compute_indicators(dataset.tables, window, scheme, responses)
    _check_indicators(raw, scheme)
    return window, responses, raw


def score(
    dataset: Dataset,
    year: int,
    as_of: str | pd.Timestamp | None = None,
    scheme: Scheme | None = None,
    *,
    raw: pd.DataFrame | None = None,
    present: pd.DataFrame | None = None,
    offset: pd.Series | None = None,
) -> Result:
    """Score every group of ``dataset`` for ``year`` under ``scheme`` (default: the scoring rules (docs/reference/scoring.md)).

    ``as_of`` defaults to the scheme's ``as_of``, else 31 December of ``year``.
    Raises :class:`~assess.common.errors.SchemeError` when the scheme names an indicator that
    exists nowhere.

    Three keyword arguments exist for checking the uncertainty analysis draw by draw
    (:meth:`assess.analysis.Uncertainty.raw_for_draw`): ``raw`` replaces the raw indicators
    computed from the dataset (same index and columns), and ``present`` (groups ×
    components, booleans) fixes which components count as available instead of comparing
    their coverage with ``min_coverage`` under this scheme's weights; ``offset`` (points per
    group, :meth:`assess.analysis.Uncertainty.offset_for_draw`) is subtracted from the final
    score before it is clipped to 0–100.
    """
    scheme = scheme or default_scheme()
    window, responses, computed = prepare(dataset, year, as_of, scheme)
    raw = computed if raw is None else raw.reindex(index=computed.index, columns=computed.columns)
    tables = dataset.tables
    groups = raw.index
    norm = normalize(raw, scheme)
    components, base = aggregate(norm, scheme, present)
    adj = adjust(base, tables["adjustments"], window, scheme)
    if offset is not None:  # the uncertainty analysis' re-centring of one draw
        shift = offset.reindex(groups).fillna(0.0)
        adj["final_score"] = (base + adj["bonus"] - adj["deduction"] - shift).clip(0, 100)
    insufficient = components.isna().any(axis=1)
    grades = grade(adj["final_score"], components, adj["veto"], insufficient, scheme)
    ranked = (
        ~insufficient & ~adj["veto"]
    )  # a rank never contradicts a grade (the scoring rules (docs/reference/scoring.md))
    in_window = rating_rows(tables, window)
    quality, overall = ratings.quality(responses, in_window, groups, scheme.rating_min_raters)
    flag_table = _flag_table(groups, components, adj, grades, quality, norm, tables["adjustments"], window, scheme)

    short = flag_table[flag_table["flag"].isin(["insufficient_data", "veto", "quota_demoted"])]
    flags = short.groupby("group_id", sort=False)["flag"].agg(";".join).reindex(groups).fillna("")
    names = tables["groups"].set_index("group_id")["name"]
    scores = pd.DataFrame(
        {
            "group_id": groups,
            "name": names.reindex(groups).to_numpy(),
            **{c: components[c].to_numpy() for c in scheme.components},
            "base_score": base.to_numpy(),
            "bonus": adj["bonus"].to_numpy(),
            "deduction": adj["deduction"].to_numpy(),
            "final_score": adj["final_score"].to_numpy(),
            "grade": grades["grade"].to_numpy(),
            "rank": order_rank(adj["final_score"], components, ranked, list(scheme.grades.tie_break)).array,
            "flags": flags.to_numpy(),
        }
    )
    # the outputs contract (docs/reference/outputs.md) order, with the scheme's components (whatever their names) after the name
    scores = scores[
        ["group_id", "name", *scheme.components] + [c for c in SCORE_COLUMNS[2:] if c not in COMPONENT_COLUMNS]
    ]

    contrib = contributions(norm, components, base, scheme)
    contrib.insert(3, "raw", raw[list(scheme.indicators)].to_numpy().ravel())
    indicators = contrib.assign(weight=contrib["indicator"].map({k: i.weight for k, i in scheme.indicators.items()}))[
        INDICATOR_COLUMNS
    ]

    meta = {
        "year": int(year),
        "as_of": window.as_of.date().isoformat(),
        "scheme": scheme.model_dump(mode="json"),
        "scheme_sha256": scheme.sha256,
        "input": Path(dataset.source).name if dataset.source else "",
        "input_sha256": dataset.sha256,
        "version": __version__,
        "generated_at": _now(),
        "ratings": {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in overall.items()},
    }
    return Result(
        scores=scores.reset_index(drop=True),
        indicators=indicators.reset_index(drop=True),
        groups=tables["groups"].drop(columns="_row", errors="ignore").reset_index(drop=True),
        meta=meta,
        raw=raw.reset_index(),
        contributions=contrib,
        ratings_quality=quality,
        flags=flag_table,
        inputs=dict(tables),
    )


def _now() -> str:
    """Generation time; ``SOURCE_DATE_EPOCH`` pins it for reproducible outputs."""
    return generated_now()
