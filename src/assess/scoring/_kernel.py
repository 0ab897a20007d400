"""The one scorer: normalise, aggregate, grade and rank many variants of a scheme at once.

Every function works on arrays shaped *draws × groups* (one row per variant of the weights,
the normalisation or the aggregation; one row for an ordinary score). :func:`assess.score`
and :meth:`assess.scoring._prepared.Prepared.rescore` score one row, the uncertainty analysis
(:mod:`assess.analysis._uncertainty`) blocks of draws — the same code, so the two cannot
disagree. No loop runs over groups or draws; the only loops run over the scheme's few
bands and components.
"""

from __future__ import annotations

import numpy as np

from assess.common import TOL
from assess.intake import Normalize, Scheme

__all__ = [
    "TOL",
    "combine",
    "competition_ranks",
    "grade_levels",
    "normalize_rows",
    "order_ranks",
    "present_components",
    "snap_rows",
    "terms",
]


def normalize_rows(x: np.ndarray, how: Normalize, direction: str) -> np.ndarray:
    """:func:`assess.scoring._compute.normalize_series` applied to each row of ``x`` (draws × groups).

    NaN cells must be the same in every row (they are: a group without ratings has none
    in any bootstrap).
    """
    lower = direction == "lower"
    if how.method == "goalposts":
        assert how.bounds is not None  # Normalize fills in goalposts' bounds when it is validated
        lo, hi = how.bounds
        t = (hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo)
        return np.clip(t, 0, 1) * 100
    out = np.full(x.shape, np.nan)
    have = ~np.isnan(x[0]) if len(x) else np.zeros(x.shape[1], dtype=bool)
    v = x[:, have]
    if v.shape[1] == 0:
        return out
    v = snap_rows(v)  # values equal within TOL are one value, as in normalize_series
    if how.method == "minmax":
        vmin, vmax = v.min(axis=1, keepdims=True), v.max(axis=1, keepdims=True)
        span = vmax - vmin
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(span > 0, (v - vmin) / span, 1.0)
        t = np.where(lower & (span > 0), 1 - t, t)
        out[:, have] = t * 100
    elif how.method == "rank":
        n = v.shape[1]
        from scipy.stats import rankdata  # here: scipy.stats costs ~0.3 s to import

        r = rankdata(-v if lower else v, method="average", axis=1)  # ties share their mean rank
        out[:, have] = ((r - 1) / (n - 1) if n > 1 else np.ones_like(v)) * 100
    else:  # tscore, population standard deviation
        mean = v.mean(axis=1, keepdims=True)
        sd = v.std(axis=1, keepdims=True)
        spread = sd > 1e-12 * np.maximum(1.0, np.abs(mean))  # equal values: sd of ~1e-16 from rounding is 0
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(spread, (v - mean) / sd, 0.0)
        if lower:
            z = -z
        out[:, have] = np.clip(50 + 10 * z, 0, 100)
    return out


def _quota_sizes(share: float, graded: np.ndarray, rounding: str) -> np.ndarray:
    x = share * graded
    if rounding == "ceil":
        return np.ceil(x - TOL).astype(int)
    if rounding == "round":
        return np.floor(x + 0.5 + TOL).astype(int)
    return np.floor(x + TOL).astype(int)


def snap_rows(x: np.ndarray) -> np.ndarray:
    """``assess.scoring._compute._snap`` per row: values within ``TOL`` of their sorted neighbour
    become one value (the block's smallest), so that sorting sees them as equal."""
    order = np.argsort(x, axis=1, kind="stable")  # NaN last
    v = np.take_along_axis(x, order, axis=1)
    starts = np.ones(v.shape, dtype=bool)
    starts[:, 1:] = np.diff(v, axis=1) > TOL
    first = np.maximum.accumulate(np.where(starts, np.arange(v.shape[1]), 0), axis=1)
    out = np.empty_like(x)
    np.put_along_axis(out, order, np.take_along_axis(v, first, axis=1), axis=1)
    return np.where(np.isnan(x), np.nan, out)


def grade_levels(
    final: np.ndarray, keys: list[np.ndarray], veto: np.ndarray, graded: np.ndarray, scheme: Scheme
) -> np.ndarray:
    """Band positions (0 = best, −1 = ungraded) for draws × groups: :func:`assess.scoring._compute.grade` per row.

    ``keys`` are the quota's ordering keys (final score, then the tie-break components),
    each draws × groups; like the ordinary scoring, each is first snapped (values within
    ``TOL`` count as one) so that the next key decides between them.
    """
    bands = scheme.grades.bands
    nb = len(bands)
    mins = np.array([b.min for b in bands])
    level = np.minimum((~(final[..., None] >= mins - TOL)).sum(axis=-1), nb - 1)
    level[:, veto] = nb - 1
    n_graded = graded.sum(axis=1)
    g = final.shape[1]
    j = np.arange(g)
    for b, band in enumerate(bands[:-1]):
        if band.quota is None:
            continue
        cap = _quota_sizes(band.quota, n_graded, scheme.grades.quota_rounding)
        cand = graded & (level == b)
        count = cand.sum(axis=1)
        rows = np.flatnonzero(count > cap)
        if not len(rows):
            continue
        c, cap_r, count_r = cand[rows], cap[rows], count[rows]
        # by final score, then the tie-break components, best first; others after. The
        # candidates are graded, so none of their keys is NaN. One sort by the (snapped)
        # final score decides unless two candidates share it: only those draws need the
        # tie-break keys and the tie rule (without a shared score, no tie crosses the cut).
        first_key = snap_rows(keys[0][rows])
        primary = np.where(c, -first_key, np.inf)
        order = np.argsort(primary, axis=1, kind="stable")
        s = np.take_along_axis(primary, order, axis=1)
        admitted = np.where(cap_r == 0, 0, cap_r)
        er = np.flatnonzero(((s[:, 1:] == s[:, :-1]) & np.isfinite(s[:, 1:])).any(axis=1))
        if len(er):
            # sort only the columns that are candidates in some of these draws (the others
            # come after them in any order): the tie path runs in most draws when scores
            # pile up at the 100-point cap, and the candidates are a fraction of the groups
            ce = c[er]
            cc = np.flatnonzero(ce.any(axis=0))
            width = len(cc)
            k = [first_key[er][:, cc]] + [snap_rows(key[rows[er]])[:, cc] for key in keys[1:]]
            sub_order = np.lexsort([np.nan_to_num(-key, nan=np.inf) for key in reversed(k)] + [~ce[:, cc]], axis=-1)
            rest = np.setdiff1d(np.arange(g), cc)
            order[er] = np.concatenate([cc[sub_order], np.broadcast_to(rest, (len(er), len(rest)))], axis=1)
            sorted_keys = [np.take_along_axis(key, sub_order, axis=1) for key in k]
            r = np.arange(len(er))
            ref_at = np.maximum(cap_r[er] - 1, 0)
            same = np.arange(width)[None, :] < count_r[er][:, None]
            for key in sorted_keys:
                ref = key[r, ref_at][:, None]
                same &= (np.isnan(key) & np.isnan(ref)) | (np.abs(key - ref) <= TOL)
            tie = same[r, np.minimum(cap_r[er], width - 1)]
            first = same.argmax(axis=1)
            last = width - 1 - same[:, ::-1].argmax(axis=1)
            spill = first if scheme.grades.ties == "demote" else last + 1
            admitted[er] = np.where(cap_r[er] == 0, 0, np.where(tie, spill, cap_r[er]))
        out_sorted = (j[None, :] >= admitted[:, None]) & (j[None, :] < count_r[:, None])
        out = np.zeros_like(c)
        np.put_along_axis(out, order, out_sorted, axis=1)
        sub = level[rows]
        sub[out] = b + 1
        level[rows] = sub
    return np.where(graded, level, -1).astype(np.int8)


def competition_ranks(final: np.ndarray) -> np.ndarray:
    """:func:`assess.scoring._compute.competition_rank` per row; 0 where the score is missing."""
    g = final.shape[1]
    order = np.argsort(-final, axis=1, kind="stable")
    s = np.take_along_axis(final, order, axis=1)
    new = np.ones(s.shape, dtype=bool)
    new[:, 1:] = np.abs(np.diff(s, axis=1)) > TOL
    ranks_sorted = np.maximum.accumulate(np.where(new, np.arange(1, g + 1), 0), axis=1)
    ranks = np.empty(s.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    ranks[np.isnan(final)] = 0
    return ranks


def order_ranks(keys: list[np.ndarray], ranked: np.ndarray) -> np.ndarray:
    """:func:`assess.scoring._compute.order_rank` per row (draws × groups); 0 where not ranked.

    ``keys`` are the final score and the tie-break components (each draws × groups), snapped
    over all groups as the quota snaps them; ``ranked`` (groups) says which groups get a rank.
    Only draws in which two ranked groups share a final score need the tie-break keys.
    """
    first = snap_rows(keys[0])
    rank = competition_ranks(np.where(ranked[None, :], first, np.nan))
    if len(keys) < 2 or not len(first):
        return rank
    masked = np.where(ranked[None, :], first, np.nan)
    s = np.sort(masked, axis=1)
    rows = np.flatnonzero(((s[:, 1:] == s[:, :-1]) & ~np.isnan(s[:, 1:])).any(axis=1))
    if not len(rows):
        return rank
    # Only the groups that share a final score with another in some draw need the tie-break:
    # the ranks of the others are their competition ranks. Within the columns of those groups
    # (every member of a tied block is among them), a group's rank is its block's competition
    # rank plus the groups of its block that the tie-break puts before it.
    m = masked[rows]
    s_rows = np.sort(m, axis=1)
    dup = np.zeros(m.shape, dtype=bool)
    shared = (s_rows[:, 1:] == s_rows[:, :-1]) & ~np.isnan(s_rows[:, 1:])
    for r in range(len(rows)):  # the tied values of each draw (few), marked on their groups
        dup[r] = np.isin(m[r], s_rows[r, 1:][shared[r]])
    cols = np.flatnonzero(dup.any(axis=0))
    c = len(cols)
    k = [m[:, cols]] + [snap_rows(key[rows][:, cols]) for key in keys[1:]]
    sub = [np.nan_to_num(-key, nan=np.inf) for key in k]
    order = np.lexsort(list(reversed(sub)), axis=-1)
    sorted_keys = [np.take_along_axis(key, order, axis=1) for key in sub]
    pos = np.arange(c)
    with np.errstate(invalid="ignore"):  # inf − inf among the unranked, who get 0 below
        block = np.ones((len(rows), c), dtype=bool)  # a new final score
        block[:, 1:] = np.diff(sorted_keys[0], axis=1) != 0
        new = block.copy()  # a new final score or tie-break value
        new[:, 1:] |= np.any([np.diff(key, axis=1) != 0 for key in sorted_keys[1:]], axis=0)
    offset = np.maximum.accumulate(np.where(new, pos, 0), axis=1) - np.maximum.accumulate(
        np.where(block, pos, 0), axis=1
    )
    extra = np.empty((len(rows), c), dtype=np.int32)
    np.put_along_axis(extra, order, offset, axis=1)
    sub_rank = rank[rows]
    sub_rank[:, cols] += np.where(ranked[None, cols], extra, 0)
    rank[rows] = sub_rank
    return rank


def terms(x: np.ndarray, available: np.ndarray, geometric: bool | np.ndarray) -> np.ndarray:
    """The summands of the weighted mean: the value, or ln max(value, 1); 0 where missing."""
    logs = np.where(available, np.log(np.maximum(np.nan_to_num(x, nan=1.0), 1.0)), 0.0)
    return np.where(geometric, logs, np.where(available, np.nan_to_num(x), 0.0))


def combine(
    normalized: np.ndarray,
    available: np.ndarray,
    present: np.ndarray,
    indicator_weights: np.ndarray,
    component_weights: np.ndarray,
    members: tuple[np.ndarray, ...],
    geometric: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Component scores (draws × groups × components) and base scores (draws × groups).

    ``normalized`` (draws × groups × indicators) are the 0–100 scores, ``available``
    (groups × indicators) which of them exist, ``present`` (groups × components) which
    components count (enough of their weight available); ``indicator_weights`` (draws ×
    indicators) and ``component_weights`` (draws × components) are each draw's weights,
    ``members`` the indicator positions of each component and ``geometric`` (draws) the
    draws aggregated by weighted geometric means. Weights are renormalised over what a group
    has; a component that does not count is NaN and the base score uses the others.
    """
    d, g = normalized.shape[:2]
    geo = geometric.astype(bool)
    summands = terms(normalized, available[None], geo[:, None, None])
    avail = available.astype(float)
    comps = np.empty((d, g, len(members)))
    for ci, idx in enumerate(members):
        w = indicator_weights[:, idx]
        covered = w @ avail[:, idx].T
        num = np.einsum("dk,dgk->dg", w, summands[:, :, idx])
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = num / covered
            mean = np.where(geo[:, None], np.exp(mean), mean)
        comps[:, :, ci] = np.where(present[None, :, ci] & (covered > 0), mean, np.nan)
    have = ~np.isnan(comps)
    cw = component_weights[:, None, :] * have
    covered = cw.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = (cw * terms(comps, have, geo[:, None, None])).sum(axis=-1) / covered
        base = np.where(geo[:, None], np.exp(base), base)
    return comps, np.where(covered > 0, base, np.nan)


def present_components(
    available: np.ndarray, indicator_weights: np.ndarray, members: tuple[np.ndarray, ...], min_coverage: float
) -> np.ndarray:
    """Groups × components: a component counts when the share of its indicators' weight
    that is available reaches ``min_coverage`` (within ``TOL``)."""
    if not len(members):
        return np.zeros((available.shape[0], 0), dtype=bool)
    return np.column_stack(
        [
            (available[:, idx] @ indicator_weights[idx]) / indicator_weights[idx].sum() >= min_coverage - TOL
            for idx in members
        ]
    )
