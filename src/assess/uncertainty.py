"""How sure is each grade? Monte Carlo uncertainty and Sobol sensitivity of the ranking.

A grade decided by 0.3 points under one arbitrary choice of weights is not the same as a
grade that holds under every reasonable choice. :func:`uncertainty` rescores every group
under many plausible variations of the scheme and the ratings (OECD/JRC Handbook on
Constructing Composite Indicators, step 8; Saisana, Saltelli & Tarantola 2005) and reports,
per group, the median and 5–95 % interval of the final score and of the rank, the
probability of each grade and the probability of keeping the nominal grade.

Uncertain factors (each switchable in the scheme's ``uncertainty`` section):

(a) **weights** — each set of sibling weights (the component weights; each component's
    indicator weights) is drawn from a Dirichlet distribution centred on the scheme's
    weights, ``Dirichlet(c · w)`` with concentration ``c``: its mean is ``w`` and each
    weight's standard deviation ``sqrt(w (1 − w) / (c + 1))``;
(b) **normalisation** — each draw picks one method from ``methods`` with equal probability
    and applies it to every indicator. ``goalposts`` uses the indicator's own bounds, so an
    indicator the scheme normalises another way keeps its own method under ``goalposts``;
(c) **aggregation** — arithmetic or geometric, with equal probability;
(d) **ratings** — each group's responses (one recipient in one quarter) are resampled with
    replacement, ``n`` out of ``n`` (bootstrap), before the shrunk mean ``rating_score`` is
    taken; the grand mean is that of the resampled responses. With ``rating_leniency`` the
    leniency correction is estimated once, on the real responses.

Each draw runs the **whole** scoring of DESIGN §3: ``min_coverage``, adjustments and caps,
vetoes, ``insufficient_data``, grade bands and quotas with their tie rule and tie-break, and
competition ranks. The engine is vectorised: the raw indicators are computed once, every
normalisation of them once, and each block of draws is scored with NumPy arrays shaped
draws × groups; a loop that rescores each draw through :func:`assess.score` gives the same
numbers (``tests/test_uncertainty.py``). Draws are reproducible: a seed gives one
:class:`numpy.random.SeedSequence` whose independent child streams feed the four factors.

Sensitivity: first-order and total Sobol indices of the **mean absolute rank shift**
against the nominal ranking, for the factor groups (a)–(d); see :mod:`assess.sensitivity`
for the estimators and the sample design. ``A`` is the first ``N`` uncertainty draws,
``B`` a further ``N`` independent draws, and ``A_B^i`` each of the ``k`` switched-on
factor groups taken from ``B``: ``N·(k + 1)`` extra model runs.

>>> import assess
>>> ds = assess.load("data/sample-2025.xlsx")                     # doctest: +SKIP
>>> u = assess.uncertainty(ds, draws=1000, seed=1, year=2025)     # doctest: +SKIP
>>> u.table[["group_id", "nominal_grade", "p_keep", "rank_p05", "rank_p95"]]  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from .indicators import Window, rating_rows
from .result import Result
from .scheme import Normalize, Scheme, UncertaintySettings, _scheme_error, default_scheme, parse_scheme
from .scoring import TOL, adjust, normalize_series, prepare
from .sensitivity import sobol_indices
from .validate import Dataset

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "FACTORS",
    "Factors",
    "Uncertainty",
    "uncertainty",
    "attach",
    "sentence",
    "sentences",
    "rank_intervals_figure",
    "group_figure",
]

#: The factor groups, in the order of the sensitivity table.
FACTORS = ("weights", "normalisation", "aggregation", "ratings")
_BLOCK = 64  # draws scored at once
_RESAMPLE_BLOCK = 128  # draws whose bootstrap indices are generated at once (fixed: keeps draws reproducible)


# ---- what stays fixed across draws ----------------------------------------------------------


def alternative(own: Normalize, method: str) -> Normalize:
    """The normalisation an indicator gets when a draw picks ``method``.

    ``"scheme"`` (and the indicator's own method) keep the scheme's normalisation with its
    bounds; ``"goalposts"`` needs bounds, so an indicator without them keeps its own method.
    """
    if method in ("scheme", own.method) or method == "goalposts":
        return own
    return Normalize(method=method)


@dataclass(frozen=True)
class Model:
    """Everything of one dataset under one scheme that stays fixed across draws."""

    scheme: Scheme
    settings: UncertaintySettings
    window: Window
    groups: pd.Index
    names: np.ndarray
    indicators: tuple[str, ...]
    components: tuple[str, ...]
    members: tuple[np.ndarray, ...]  # indicator positions of each component
    component_weights: np.ndarray  # (C,)
    indicator_weights: np.ndarray  # (I,)
    methods: tuple[str, ...]  # "scheme", then the settings' alternatives
    normalized: np.ndarray  # methods × groups × indicators
    available: np.ndarray  # groups × indicators
    terms: np.ndarray  # (arithmetic, geometric) × methods × groups × indicators: the summands of the weighted means
    rating: int | None  # position of rating_score among the indicators, when the ratings can vary
    responses: pd.DataFrame  # one row per response, ordered by group position
    scores: np.ndarray  # the responses' 0–100 scores
    counts: np.ndarray  # responses per group (G,)
    rated: np.ndarray  # positions of groups with responses
    starts: np.ndarray  # first response of each rated group
    slot_start: np.ndarray  # for each response slot: the first response of its group (int32)
    slot_n: np.ndarray  # for each response slot: the number of responses of its group (int32)
    grand_order: np.ndarray | None  # slots in the order assess.score averages them (group_id as text), None: as they are
    bonus: np.ndarray
    deduction: np.ndarray
    veto: np.ndarray
    tie_break: tuple[int, ...]  # component positions


def _model(dataset: Dataset, year: int, as_of: Any, scheme: Scheme, settings: UncertaintySettings) -> Model:
    window, responses, _, raw = prepare(dataset, year, as_of, scheme)  # the same steps as assess.score
    tables = dataset.tables
    groups = raw.index

    names = tuple(scheme.indicators)
    comps = tuple(scheme.components)
    members = tuple(np.array([j for j, k in enumerate(names) if scheme.indicators[k].component == c]) for c in comps)
    methods = ("scheme", *settings.methods)
    normalized = np.stack(
        [
            np.column_stack([normalize_series(raw[k], alternative(ind.normalize, m), ind.direction).to_numpy(dtype=float) for k, ind in scheme.indicators.items()])
            for m in methods
        ]
    )
    available = ~np.isnan(normalized[0])

    position = pd.Series(np.arange(len(groups)), index=groups)
    responses = responses[responses["group_id"].isin(groups)]
    responses = responses.assign(_g=responses["group_id"].map(position).to_numpy()).sort_values("_g", kind="stable").reset_index(drop=True)
    counts = np.bincount(responses["_g"].to_numpy(), minlength=len(groups))
    rated = np.flatnonzero(counts)
    starts = np.r_[0, np.cumsum(counts)][rated]
    rating = names.index("rating_score") if "rating_score" in names and len(responses) else None

    adj = adjust(pd.Series(0.0, index=groups), tables["adjustments"], window, scheme)
    return Model(
        scheme=scheme,
        settings=settings,
        window=window,
        groups=groups,
        names=tables["groups"].set_index("group_id")["name"].reindex(groups).to_numpy(),
        indicators=names,
        components=comps,
        members=members,
        component_weights=np.array([c.weight for c in scheme.components.values()]),
        indicator_weights=np.array([i.weight for i in scheme.indicators.values()]),
        methods=methods,
        normalized=normalized,
        available=available,
        terms=np.stack([_terms(normalized, available, False), _terms(normalized, available, True)]),
        rating=rating,
        responses=responses.drop(columns="_g"),
        scores=responses["score"].to_numpy(dtype=float),
        counts=counts,
        rated=rated,
        starts=starts,
        slot_start=np.repeat(starts, counts[rated]).astype(np.int32),
        slot_n=np.repeat(counts[rated], counts[rated]).astype(np.int32),
        grand_order=_text_order(responses["group_id"]),
        bonus=adj["bonus"].to_numpy(dtype=float),
        deduction=adj["deduction"].to_numpy(dtype=float),
        veto=adj["veto"].to_numpy(dtype=bool),
        tie_break=tuple(comps.index(c) for c in scheme.grades.tie_break),
    )


# ---- the draws -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Factors:
    """The sampled factors of a block of draws (row ``d`` is draw ``d``).

    Attributes
    ----------
    component_weights : ndarray (draws × components)
    indicator_weights : ndarray (draws × indicators)
        Each component's indicator weights sum to 1 in every draw.
    method : ndarray (draws,)
        Index into ``Model.methods``: 0 is the scheme's own normalisation.
    geometric : ndarray of bool (draws,)
    resample : ndarray (draws × responses) or None
        Bootstrap: which of its group's responses fills each response slot, counted from
        the group's first response (uint16 while groups have fewer than 65,536 responses);
        :meth:`responses` gives positions in ``Model.responses``. ``None``: the ratings as
        they are.
    """

    component_weights: np.ndarray
    indicator_weights: np.ndarray
    method: np.ndarray
    geometric: np.ndarray
    resample: np.ndarray | None

    def __len__(self) -> int:
        return len(self.method)

    def responses(self, model: Model, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Positions in ``model.responses`` of the responses filling each slot, draws ``lo:hi``."""
        return model.slot_start + self.resample[lo:hi]  # int32

    def rows(self, lo: int, hi: int) -> Factors:
        """Draws ``lo`` to ``hi - 1``."""
        return Factors(
            self.component_weights[lo:hi],
            self.indicator_weights[lo:hi],
            self.method[lo:hi],
            self.geometric[lo:hi],
            None if self.resample is None else self.resample[lo:hi],
        )

    def with_factor(self, other: Factors, factor: str) -> Factors:
        """These draws with factor group ``factor`` taken from ``other`` (a Sobol hybrid)."""
        if factor == "weights":
            return dataclasses.replace(self, component_weights=other.component_weights, indicator_weights=other.indicator_weights)
        if factor == "normalisation":
            return dataclasses.replace(self, method=other.method)
        if factor == "aggregation":
            return dataclasses.replace(self, geometric=other.geometric)
        return dataclasses.replace(self, resample=other.resample)


def _nominal_factors(model: Model, n: int) -> Factors:
    return Factors(
        np.tile(model.component_weights, (n, 1)),
        np.tile(model.indicator_weights, (n, 1)),
        np.zeros(n, dtype=np.int8),
        np.full(n, model.scheme.aggregation == "geometric"),
        None,
    )


def _active(model: Model) -> list[str]:
    on = model.settings.factors
    active = [f for f in FACTORS if getattr(on, f)]
    return [f for f in active if f != "ratings" or model.rating is not None]


def _draw_factors(model: Model, n: int, seeds: np.random.SeedSequence) -> Factors:
    """``n`` draws of the switched-on factors.

    Each factor group, and each set of sibling weights, has its own random stream, so that
    switching one factor off leaves the draws of the others as they were, and the first
    ``n`` of a longer run are the draws of a run of ``n``.
    """
    weights_seq, method_seq, agg_seq, ratings_seq = seeds.spawn(4)
    method_rng, agg_rng, ratings_rng = (np.random.default_rng(s) for s in (method_seq, agg_seq, ratings_seq))
    f = _nominal_factors(model, n)
    active = _active(model)
    cw, iw, method, geometric, resample = f.component_weights, f.indicator_weights, f.method, f.geometric, None
    c = model.settings.concentration
    if "weights" in active:
        component_rng, *member_rngs = (np.random.default_rng(s) for s in weights_seq.spawn(1 + len(model.members)))
        cw = component_rng.dirichlet(c * model.component_weights / model.component_weights.sum(), size=n)
        iw = iw.copy()
        for idx, rng in zip(model.members, member_rngs, strict=True):
            w = model.indicator_weights[idx]
            iw[:, idx] = rng.dirichlet(c * w / w.sum(), size=n)
    if "normalisation" in active:
        method = (1 + method_rng.integers(0, len(model.methods) - 1, size=n)).astype(np.int8)
    if "aggregation" in active:
        geometric = agg_rng.integers(0, 2, size=n).astype(bool)
    if "ratings" in active:
        slot_n = model.slot_n
        small = len(slot_n) == 0 or slot_n.max() < 2**16
        resample = np.empty((n, len(slot_n)), dtype=np.uint16 if small else np.int32)
        slot_nf = slot_n.astype(np.float32)
        for lo in range(0, n, _RESAMPLE_BLOCK):
            hi = min(lo + _RESAMPLE_BLOCK, n)
            u = ratings_rng.random((hi - lo, len(slot_n)), dtype=np.float32)  # 24 bits: ample for groups of ≪ 2**24 responses
            u *= slot_nf
            local = u.astype(np.int32)
            np.minimum(local, slot_n - 1, out=local)
            resample[lo:hi] = local
    return Factors(cw, iw, method, geometric, resample)


# ---- the vectorised scoring -----------------------------------------------------------------


def _average_ranks(x: np.ndarray) -> np.ndarray:
    """Average ranks along each row (1 = smallest; ties share their mean rank), no NaN."""
    n = x.shape[1]
    order = np.argsort(x, axis=1, kind="stable")
    s = np.take_along_axis(x, order, axis=1)
    pos = np.arange(1, n + 1)
    start = np.ones(s.shape, dtype=bool)
    start[:, 1:] = s[:, 1:] != s[:, :-1]
    end = np.ones(s.shape, dtype=bool)
    end[:, :-1] = start[:, 1:]
    first = np.maximum.accumulate(np.where(start, pos, 0), axis=1)
    last = np.minimum.accumulate(np.where(end, pos, n + 1)[:, ::-1], axis=1)[:, ::-1]
    out = np.empty(s.shape)
    np.put_along_axis(out, order, (first + last) / 2.0, axis=1)
    return out


def normalize_rows(x: np.ndarray, how: Normalize, direction: str) -> np.ndarray:
    """:func:`assess.scoring.normalize_series` applied to each row of ``x`` (draws × groups).

    NaN cells must be the same in every row (they are: a group without ratings has none
    in any bootstrap).
    """
    lower = direction == "lower"
    if how.method == "goalposts":
        lo, hi = how.bounds
        t = (hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo)
        return np.clip(t, 0, 1) * 100
    out = np.full(x.shape, np.nan)
    have = ~np.isnan(x[0]) if len(x) else np.zeros(x.shape[1], dtype=bool)
    v = x[:, have]
    if v.shape[1] == 0:
        return out
    if how.method == "minmax":
        vmin, vmax = v.min(axis=1, keepdims=True), v.max(axis=1, keepdims=True)
        span = vmax - vmin
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(span > 0, (v - vmin) / span, 1.0)
        t = np.where(lower & (span > 0), 1 - t, t)
        out[:, have] = t * 100
    elif how.method == "rank":
        n = v.shape[1]
        r = _average_ranks(-v if lower else v)
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
    """``assess.scoring._snap`` per row: values within ``TOL`` of their sorted neighbour
    become one value (the block's smallest), so that sorting sees them as equal."""
    order = np.argsort(x, axis=1, kind="stable")  # NaN last
    v = np.take_along_axis(x, order, axis=1)
    starts = np.ones(v.shape, dtype=bool)
    starts[:, 1:] = np.diff(v, axis=1) > TOL
    first = np.maximum.accumulate(np.where(starts, np.arange(v.shape[1]), 0), axis=1)
    out = np.empty_like(x)
    np.put_along_axis(out, order, np.take_along_axis(v, first, axis=1), axis=1)
    return np.where(np.isnan(x), np.nan, out)


def grade_levels(final: np.ndarray, keys: list[np.ndarray], veto: np.ndarray, graded: np.ndarray, scheme: Scheme) -> np.ndarray:
    """Band positions (0 = best, −1 = ungraded) for draws × groups: :func:`assess.scoring.grade` per row.

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
            k = [first_key[er]] + [snap_rows(key[rows[er]]) for key in keys[1:]]
            if len(k) > 1:
                order[er] = np.lexsort([np.nan_to_num(-key, nan=np.inf) for key in reversed(k)] + [~c[er]], axis=-1)
            sorted_keys = [np.take_along_axis(key, order[er], axis=1) for key in k]
            r = np.arange(len(er))
            ref_at = np.maximum(cap_r[er] - 1, 0)
            same = j[None, :] < count_r[er][:, None]
            for key in sorted_keys:
                ref = key[r, ref_at][:, None]
                same &= (np.isnan(key) & np.isnan(ref)) | (np.abs(key - ref) <= TOL)
            tie = same[r, np.minimum(cap_r[er], g - 1)]
            first = same.argmax(axis=1)
            last = g - 1 - same[:, ::-1].argmax(axis=1)
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
    """:func:`assess.scoring.competition_rank` per row; 0 where the score is missing."""
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


def _text_order(group_ids: pd.Series) -> np.ndarray | None:
    """The stable order of the responses by group_id as text, or None when they are in it."""
    order = np.argsort(group_ids.astype(str).to_numpy(), kind="stable")
    return None if np.array_equal(order, np.arange(len(order))) else order


def _rating_raw(model: Model, f: Factors) -> np.ndarray:
    """``rating_score`` of every group in every draw from the resampled responses.

    The sums run in the order :func:`assess.score` takes them for the dataset of
    :meth:`Uncertainty.dataset_for_draw` (a group's slots in turn; the grand mean over
    the groups in text order), so that both give the same bits and the same exact ties,
    which the ``rank`` normalisation sees.
    """
    x = model.scores[f.responses(model)]
    totals = np.add.reduceat(x, model.starts, axis=1)
    grand = (x if model.grand_order is None else x[:, model.grand_order]).sum(axis=1, keepdims=True) / x.shape[1]
    k = model.scheme.rating_prior_weight
    n = model.counts[model.rated].astype(float)
    out = np.full((len(x), len(model.groups)), np.nan)
    out[:, model.rated] = (totals + k * grand) / (n + k)
    return out


def _terms(x: np.ndarray, available: np.ndarray, geometric: bool | np.ndarray) -> np.ndarray:
    """The summands of the weighted mean: the value, or ln max(value, 1); 0 where missing."""
    logs = np.where(available, np.log(np.maximum(np.nan_to_num(x, nan=1.0), 1.0)), 0.0)
    return np.where(geometric, logs, np.nan_to_num(x))


def _score_block(model: Model, f: Factors, grades: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Final scores, ranks and grade levels of a block of draws (``grades=False``: no levels)."""
    d, g = len(f), len(model.groups)
    scheme = model.scheme
    avail = model.available.astype(float)
    geo = f.geometric
    varying = model.rating if f.resample is not None else None
    if varying is not None:
        raw_r = _rating_raw(model, f)
        norm_r = np.empty((d, g))
        own = scheme.indicators["rating_score"]
        for m in np.unique(f.method):
            sel = f.method == m
            norm_r[sel] = normalize_rows(raw_r[sel], alternative(own.normalize, model.methods[m]), own.direction)
        term_r = _terms(norm_r, model.available[:, varying][None, :], geo[:, None])
    combos = {(int(m), bool(a)) for m, a in zip(f.method, geo, strict=True)}
    comps = np.empty((d, g, len(model.components)))
    for ci, idx in enumerate(model.members):
        w = f.indicator_weights[:, idx]
        covered = w @ avail[:, idx].T
        num = np.zeros((d, g))
        for m, a in combos:
            sel = (f.method == m) & (geo == a)
            terms = model.terms[int(a), m][:, idx]
            if varying is not None and varying in idx:
                terms = np.where(idx[None, :] == varying, 0.0, terms)
            num[sel] = w[sel] @ terms.T
        if varying is not None and varying in idx:
            num += f.indicator_weights[:, [varying]] * avail[:, varying][None, :] * term_r
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = num / covered
            mean = np.where(geo[:, None], np.exp(mean), mean)
            coverage = covered / w.sum(axis=1, keepdims=True)
        mean = np.where(covered > 0, mean, np.nan)
        comps[:, :, ci] = np.where(coverage >= scheme.min_coverage - TOL, mean, np.nan)
    have = ~np.isnan(comps)
    cw = f.component_weights[:, None, :] * have
    covered = cw.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = (cw * _terms(comps, have, geo[:, None, None])).sum(axis=-1) / covered
        base = np.where(geo[:, None], np.exp(base), base)
    base = np.where(covered > 0, base, np.nan)
    final = np.clip(base + model.bonus - model.deduction, 0, 100)
    if not grades:
        return final, competition_ranks(final), None
    graded = have.all(axis=-1)
    keys = [final] + [comps[:, :, c] for c in model.tie_break]
    return final, competition_ranks(final), grade_levels(final, keys, model.veto, graded, scheme)


def _score(model: Model, f: Factors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Final scores, ranks and grade levels of all draws, scored in blocks."""
    n, g = len(f), len(model.groups)
    final, rank, level = np.empty((n, g)), np.empty((n, g), dtype=np.int32), np.empty((n, g), dtype=np.int8)
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        final[lo:hi], rank[lo:hi], level[lo:hi] = _score_block(model, f.rows(lo, hi))
    return final, rank, level


def _ranks(model: Model, f: Factors) -> np.ndarray:
    """Ranks of all draws (what the sensitivity analysis needs: no grades)."""
    return np.concatenate([_score_block(model, f.rows(lo, min(lo + _BLOCK, len(f))), grades=False)[1] for lo in range(0, len(f), _BLOCK)])


def _rank_shift(rank: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Mean absolute rank shift from the nominal ranking, per draw (groups ranked in both)."""
    both = (rank > 0) & (nominal > 0)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(both, np.abs(rank - nominal[None, :]), 0).sum(axis=1) / np.maximum(both.sum(axis=1), 1)


# ---- the analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertainty:
    """The outcome of :func:`uncertainty`.

    Attributes
    ----------
    table : DataFrame
        One row per group: ``group_id, name, nominal_score, nominal_rank, nominal_grade,
        score_median, score_p05, score_p95, rank_median, rank_p05, rank_p95, p_keep``, then
        ``p_<band>`` for every grade band and ``p_ungraded`` (insufficient data); the grade
        probabilities of a group add up to 1. Rank quantiles are ranks that occurred
        (inverted-CDF quantiles); ``rank_p05`` is the best end of the interval.
    sensitivity : DataFrame
        One row per factor group: ``factor, active, S1, S1_conf, ST, ST_conf`` (empty when
        the sensitivity analysis was skipped).
    settings : UncertaintySettings
        The settings used (draws and seed as run).
    final, rank, grade : ndarray (draws × groups)
        Every draw's final score, rank (0: no score) and band position (0 = best band,
        −1 = ungraded).
    factors : Factors
        The sampled factors, draw by draw.
    model : Model
        The fixed part: indicators, normalisations, responses, adjustments.
    """

    table: pd.DataFrame
    sensitivity: pd.DataFrame
    settings: UncertaintySettings
    final: np.ndarray
    rank: np.ndarray
    grade: np.ndarray
    factors: Factors
    model: Model

    @property
    def bands(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.model.scheme.grades.bands)

    def meta(self) -> dict[str, Any]:
        """Settings and sensitivity indices as plain JSON-ready data (for ``Result.meta``)."""
        sens = self.sensitivity.astype(object).where(self.sensitivity.notna(), None)
        return {**self.settings.model_dump(mode="json"), "sensitivity": sens.to_dict(orient="records")}

    def scheme_for_draw(self, d: int) -> Scheme:
        """The ordinary scheme that draw ``d`` scores under (weights, normalisation, aggregation)."""
        model, f = self.model, self.factors
        data = model.scheme.model_dump(mode="json", exclude_none=True)
        for ci, name in enumerate(model.components):
            data["components"][name]["weight"] = float(f.component_weights[d, ci])
        for j, name in enumerate(model.indicators):
            ind = model.scheme.indicators[name]
            data["indicators"][name]["weight"] = float(f.indicator_weights[d, j])
            data["indicators"][name]["normalize"] = alternative(ind.normalize, model.methods[f.method[d]]).model_dump(mode="json", exclude_none=True)
        data["aggregation"] = "geometric" if f.geometric[d] else "arithmetic"
        return parse_scheme(data, f"draw {d}")

    def dataset_for_draw(self, dataset: Dataset, d: int) -> Dataset:
        """``dataset`` with the ratings of draw ``d``: each group's responses resampled.

        A resampled response keeps its items and quarter; its recipient becomes
        ``<slot>#<recipient>`` (the slot zero-padded) so that copies of one response stay
        separate responses and each group's responses come in slot order.
        """
        if self.factors.resample is None:
            return dataset
        model = self.model
        ratings_t = dataset.tables["ratings"]
        inside = rating_rows(dataset.tables, model.window)
        keys = model.responses[["group_id", "recipient_id", "quarter"]].assign(_resp=np.arange(len(model.responses)))
        items = inside.reset_index().merge(keys, on=["group_id", "recipient_id", "quarter"], how="inner").sort_values(["_resp", "index"])
        slots = pd.DataFrame({"_resp": self.factors.responses(model, d, d + 1)[0], "_slot": np.arange(self.factors.resample.shape[1])})
        copies = slots.merge(items, on="_resp", how="inner").sort_values(["_slot", "index"])
        copies["recipient_id"] = copies["_slot"].map("{:09d}#".format) + copies["recipient_id"]
        others = ratings_t.drop(index=inside.index)
        new = pd.concat([others, copies[ratings_t.columns]], ignore_index=True)
        return Dataset(tables={**dataset.tables, "ratings": new}, source=dataset.source, sha256=dataset.sha256, meta=dict(dataset.meta))

    def _repr_html_(self) -> str:
        n = len(self.table)
        keep = self.table["p_keep"]
        head = (
            f"<p><b>Uncertainty</b>: {self.settings.draws} draws, seed {self.settings.seed}; "
            f"{int((keep >= 0.95).sum())} of {n} groups keep their grade in at least 95 % of the draws, "
            f"{int((keep < 0.5).sum())} in fewer than half.</p>"
        )
        return head + self.sensitivity.round(3).to_html(index=False) + self.table.head(20).round(3).to_html(index=False)


def _summary(model: Model, final: np.ndarray, rank: np.ndarray, level: np.ndarray, nominal: tuple[np.ndarray, np.ndarray, np.ndarray]) -> pd.DataFrame:
    nom_final, nom_rank, nom_level = nominal
    bands = [b.name for b in model.scheme.grades.bands]
    qs = [0.5, 0.05, 0.95]
    score_q = np.full((3, final.shape[1]), np.nan)
    gaps = np.isnan(final).any(axis=0)
    if (~gaps).any():
        score_q[:, ~gaps] = np.quantile(final[:, ~gaps], qs, axis=0)
    some = gaps & ~np.isnan(final).all(axis=0)
    if some.any():
        score_q[:, some] = np.nanquantile(final[:, some], qs, axis=0)
    rank_q = np.full((3, rank.shape[1]), np.nan)
    always = (rank > 0).all(axis=0)
    if always.any():
        rank_q[:, always] = np.quantile(rank[:, always], qs, axis=0, method="inverted_cdf")
    some = (rank > 0).any(axis=0) & ~always
    if some.any():
        rank_q[:, some] = np.nanquantile(np.where(rank[:, some] > 0, rank[:, some], np.nan), qs, axis=0, method="inverted_cdf")
    table = pd.DataFrame(
        {
            "group_id": model.groups.to_numpy(),
            "name": model.names,
            "nominal_score": nom_final,
            "nominal_rank": pd.array(np.where(nom_rank > 0, nom_rank, 0), dtype="Int64"),
            "nominal_grade": np.array([bands[v] if v >= 0 else None for v in nom_level], dtype=object),
            "score_median": score_q[0],
            "score_p05": score_q[1],
            "score_p95": score_q[2],
            "rank_median": pd.array(rank_q[0], dtype="Int64"),
            "rank_p05": pd.array(rank_q[1], dtype="Int64"),
            "rank_p95": pd.array(rank_q[2], dtype="Int64"),
            "p_keep": (level == nom_level[None, :]).mean(axis=0),
        }
    )
    table["nominal_rank"] = table["nominal_rank"].where(nom_rank > 0)
    for b, name in enumerate(bands):
        table[f"p_{name}"] = (level == b).mean(axis=0)
    table["p_ungraded"] = (level < 0).mean(axis=0)
    return table


def uncertainty(
    dataset: Dataset,
    scheme: Scheme | None = None,
    draws: int | None = None,
    seed: int | None = None,
    *,
    year: int,
    as_of: str | pd.Timestamp | None = None,
    sensitivity: int | None = None,
) -> Uncertainty:
    """Monte Carlo uncertainty of every group's score, rank and grade, and Sobol sensitivity.

    Parameters
    ----------
    dataset : Dataset
        A validated input (:func:`assess.load`).
    scheme : Scheme, optional
        The scheme (default: DESIGN §3); its ``uncertainty`` section sets the factors, the
        Dirichlet concentration, the normalisation methods, draws and seed.
    draws, seed : int, optional
        Override the scheme's ``uncertainty.draws`` (default 1000) and ``seed`` (default 0).
    year, as_of
        As for :func:`assess.score`.
    sensitivity : int, optional
        Override the base sample size ``N`` of the Sobol analysis (default 256, at most
        ``draws``; 0 skips it).

    Returns
    -------
    Uncertainty
        Per-group table, sensitivity table and every draw's scores, ranks and grades.
        The same dataset, scheme, draws and seed give the same numbers.
    """
    scheme = scheme or default_scheme()
    settings = scheme.uncertainty or UncertaintySettings()
    update = {k: v for k, v in {"draws": draws, "seed": seed, "sensitivity": sensitivity}.items() if v is not None}
    if update:
        try:
            settings = UncertaintySettings.model_validate({**settings.model_dump(), **update})
        except ValidationError as exc:
            raise _scheme_error(exc, "uncertainty") from None
    model = _model(dataset, year, as_of, scheme, settings)
    nom_final, nom_rank, nom_level = _score(model, _nominal_factors(model, 1))
    nominal = (nom_final[0], nom_rank[0], nom_level[0])

    main_seeds, b_seeds = np.random.SeedSequence(settings.seed).spawn(2)
    factors = _draw_factors(model, settings.draws, main_seeds)
    final, rank, level = _score(model, factors)
    table = _summary(model, final, rank, level, nominal)

    active = _active(model)
    n = min(settings.sensitivity, settings.draws)
    if n > 1:
        a = factors.rows(0, n)
        b = _draw_factors(model, n, b_seeds)
        f_a = _rank_shift(rank[:n], nominal[1])
        f_b = _rank_shift(_ranks(model, b), nominal[1])
        f_ab = {f: _rank_shift(_ranks(model, a.with_factor(b, f)), nominal[1]) for f in active}
        sens = sobol_indices(f_a, f_b, [f_ab.get(f, f_a) for f in FACTORS], FACTORS, seed=settings.seed)
        sens.insert(1, "active", [f in active for f in FACTORS])
    else:
        sens = pd.DataFrame(columns=["factor", "active", "S1", "S1_conf", "ST", "ST_conf"])
    return Uncertainty(table=table, sensitivity=sens, settings=settings, final=final, rank=rank, grade=level, factors=factors, model=model)


def attach(result: Result, analysis: Uncertainty) -> Result:
    """``result`` with the uncertainty table (``result.uncertainty``) and settings in its meta."""
    return dataclasses.replace(result, uncertainty=analysis.table, meta={**result.meta, "uncertainty": analysis.meta()})


# ---- where it shows: plain words and figures --------------------------------------------------

_WORDS = {
    "en": {
        "every": "In every plausible variation this group keeps the grade {grade}",
        "none": "In none of the plausible variations does this group keep the grade {grade}",
        "some": "In {p} of the plausible variations this group keeps the grade {grade}",
        "else": " (otherwise most often {alt}, {p})",
        "ungraded_keep": "This group has no grade (insufficient data); in {p} of the plausible variations it stays ungraded",
        "ungraded_alt": "left ungraded",
        "range": "; its rank ranges from {lo} to {hi}.",
        "holds": "; its rank holds at {lo}.",
        "end": ".",
        "rank_axis": "Rank (1 = best); line: 5–95 % of the variations",
        "prob_axis": "Grade probability",
        "nominal": "Nominal rank",
        "median": "Median rank",
        "ungraded": "Ungraded",
        "title_all": "Rank intervals and grade probabilities of all groups",
        "title_one": "How sure the grade of {group_id} is",
    },
    "zh": {
        "every": "在所有合理变动情形下，本组均保持“{grade}”等次",
        "none": "在所有合理变动情形下，本组均不能保持“{grade}”等次",
        "some": "在{p}的合理变动情形下，本组保持“{grade}”等次",
        "else": "（否则多为{alt}，{p}）",
        "ungraded_keep": "本组因数据不足未评定等次；在{p}的合理变动情形下仍不评定等次",
        "ungraded_alt": "不评定等次",
        "range": "；排名在第{lo}至第{hi}名之间。",
        "holds": "；排名稳定在第{lo}名。",
        "end": "。",
        "rank_axis": "排名（1 = 最好）；横线：90% 变动情形的范围",
        "prob_axis": "等次概率",
        "nominal": "实际排名",
        "median": "排名中位数",
        "ungraded": "未评定等次",
        "title_all": "全部工作组的排名区间与等次概率",
        "title_one": "{group_id} 等次的确定程度",
    },
}


def _source(source: Result | Uncertainty, lang: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The per-group table and the (band, label) pairs of a result or an analysis."""
    if lang not in _WORDS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(_WORDS)}.")
    if isinstance(source, Uncertainty):
        return source.table, [(b.name, getattr(b.label, lang)) for b in source.model.scheme.grades.bands]
    if source.uncertainty is None:
        raise ValueError("This result has no uncertainty analysis; add one with assess.uncertainty.attach(result, assess.uncertainty(...)) or `assess score --uncertainty 1000`.")
    bands = ((source.meta.get("scheme") or {}).get("grades") or {}).get("bands") or []
    return source.uncertainty, [(b["name"], (b.get("label") or {}).get(lang, b["name"])) for b in bands]


def _row(table: pd.DataFrame, group_id: str) -> pd.Series:
    rows = table[table["group_id"] == group_id]
    if rows.empty:
        known = ", ".join(table["group_id"].head(10))
        raise KeyError(f"Group {group_id!r} is not in this uncertainty analysis; known groups start with: {known}")
    return rows.iloc[0]


def percent(p: float, lang: str = "en") -> str:
    """A probability in words-friendly percent: ``97 %``, ``more than 99 %``, ``less than 1 %``.

    >>> percent(0.966), percent(0.9972), percent(0.001, "zh")
    ('97 %', 'more than 99 %', '不到1%')
    """
    unit = " %" if lang == "en" else "%"
    if 0.995 <= p < 1:
        return ("more than 99" if lang == "en" else "超过99") + unit
    if 0 < p < 0.005:
        return ("less than 1" if lang == "en" else "不到1") + unit
    return f"{math.floor(p * 100 + 0.5)}{unit}"


def sentence(source: Result | Uncertainty, group_id: str, lang: str = "en") -> str:
    """How sure the group's grade and rank are, in one plain sentence (``en`` or ``zh``).

    ``source`` is a result with an uncertainty analysis attached (as a report loads it)
    or the analysis itself. For example: "In 97 % of the plausible variations this group
    keeps the grade Good (otherwise most often Pass, 3 %); its rank ranges from 4 to 9."
    The rank range is the 5–95 % interval over the variations.
    """
    table, bands = _source(source, lang)
    words = _WORDS[lang]
    row = _row(table, group_id)
    labels = dict(bands)
    outcomes = {labels[b]: float(row[f"p_{b}"]) for b, _ in bands} | {words["ungraded_alt"]: float(row["p_ungraded"])}
    keep = float(row["p_keep"])
    nominal = row["nominal_grade"]
    if nominal is None or pd.isna(nominal):
        text = words["ungraded_keep"].format(p=percent(keep, lang))
        outcomes.pop(words["ungraded_alt"])
    else:
        grade = labels.get(nominal, str(nominal))
        key = "every" if keep >= 1 else "none" if keep <= 0 else "some"
        text = words[key].format(grade=grade, p=percent(keep, lang))
        outcomes.pop(grade)
    if 0 < keep < 1:
        alt, p = max(outcomes.items(), key=lambda kv: kv[1])
        if lang == "zh" and alt != words["ungraded_alt"]:
            alt = f"“{alt}”"
        text += words["else"].format(alt=alt, p=percent(p, lang))
    lo, hi = row["rank_p05"], row["rank_p95"]
    if pd.isna(lo) or pd.isna(hi):
        return text + words["end"]
    return text + (words["holds"].format(lo=int(lo)) if lo == hi else words["range"].format(lo=int(lo), hi=int(hi)))


def sentences(source: Result | Uncertainty, lang: str = "en") -> pd.DataFrame:
    """:func:`sentence` for every group: ``group_id, p_keep, sentence``, least certain first."""
    table, _ = _source(source, lang)
    order = table.sort_values(["p_keep", "group_id"], kind="stable")
    return pd.DataFrame({"group_id": order["group_id"], "p_keep": order["p_keep"], "sentence": [sentence(source, g, lang) for g in order["group_id"]]}).reset_index(drop=True)


_UNGRADED_COLOUR = "#bdbdbd"


def _figure_lang(lang: str) -> tuple[str, list[str] | None]:
    """``lang`` and the font family to draw it; English when no installed font draws Chinese."""
    if lang != "zh":
        return lang, None
    from .plots import cjk_font

    font = cjk_font()
    return ("zh", [font, "DejaVu Sans"]) if font else ("en", None)


def _band_colours(n: int) -> list[str]:
    """Green for the best band to red for the worst."""
    from matplotlib import colormaps, colors

    cmap = colormaps["RdYlGn"]
    return [colors.to_hex(cmap(0.85 - 0.75 * i / max(n - 1, 1))) for i in range(n)]


def _probabilities(table: pd.DataFrame, bands: list[tuple[str, str]]) -> np.ndarray:
    return np.column_stack([table[f"p_{b}"].to_numpy(dtype=float) for b, _ in bands] + [table["p_ungraded"].to_numpy(dtype=float)])


def rank_intervals_figure(source: Result | Uncertainty, lang: str = "en") -> Figure:
    """Every group's rank interval, ordered by nominal rank, with its grade probabilities.

    Left: each group's 5–95 % rank interval over the variations (line), its median rank
    (dot) and its nominal rank (black tick). Right: the probability of each grade as one
    stacked bar per group. Meant for ``index.html``; with more than 60 groups the group
    labels are left out and the bars drawn as an image.

    Parameters
    ----------
    source : Result or Uncertainty
        A result with an uncertainty analysis attached, or the analysis.
    lang : {"en", "zh"}
        Label language (English if no CJK font is installed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .plots import literal

    lang, font = _figure_lang(lang)
    table, bands = _source(source, lang)
    bands = [(b, literal(label)) for b, label in bands]  # scheme labels are figure text, never mathtext
    words = _WORDS[lang]
    t = table.assign(_r=table["nominal_rank"].astype("Float64").fillna(np.inf)).sort_values(["_r", "group_id"], kind="stable")
    n = len(t)
    y = np.arange(n)
    probs = _probabilities(t, bands)
    colours = [*_band_colours(len(bands)), _UNGRADED_COLOUR]
    rc = {"font.size": 9, "axes.edgecolor": "0.7", "axes.grid": True, "grid.color": "0.9", "axes.axisbelow": True}
    if font:
        rc["font.family"] = font
    with mpl.rc_context(rc):
        fig = Figure(figsize=(8.0, min(max(2.2, 0.2 * n + 1.4), 14.0)), layout="constrained")
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=[3, 1.2])
        lo = t["rank_p05"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        hi = t["rank_p95"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        med = t["rank_median"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        nom = t["nominal_rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        small = n <= 60
        left.hlines(y, lo, hi, color="#4a6fa5", linewidth=2.2 if small else 0.8)
        left.scatter(med, y, s=14 if small else 2, color="#4a6fa5", zorder=3)
        left.scatter(nom, y, marker="|", s=60 if small else 6, color="black", zorder=4)
        left.set_xlim(0.5, max(n, 1) + 0.5)
        left.set_ylim(n - 0.5, -0.5)
        left.set_xlabel(words["rank_axis"])
        if small:
            left.set_yticks(y, t["group_id"].tolist())
            cum = np.cumsum(probs, axis=1) - probs
            for k, colour in enumerate(colours):
                right.barh(y, probs[:, k], left=cum[:, k], height=0.8, color=colour, linewidth=0)
        else:
            left.set_yticks([])
            edges = np.cumsum(probs, axis=1)
            x = (np.arange(200) + 0.5) / 200
            which = (x[None, :, None] >= edges[:, None, :] - 1e-12).sum(axis=2).clip(0, len(colours) - 1)
            rgb = np.array([mpl.colors.to_rgb(c) for c in colours])[which]
            right.imshow(rgb, aspect="auto", extent=(0, 1, n - 0.5, -0.5), interpolation="nearest")
        right.set_xlim(0, 1)
        right.set_xlabel(words["prob_axis"])
        right.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        right.grid(False)
        handles = [
            Line2D([], [], marker="|", linestyle="", color="black", markersize=8, label=words["nominal"]),
            Line2D([], [], marker="o", linestyle="", color="#4a6fa5", markersize=4, label=words["median"]),
            *[Patch(color=c, label=label) for c, (_, label) in zip(colours, bands, strict=False)],
            Patch(color=_UNGRADED_COLOUR, label=words["ungraded"]),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 7), frameon=False, fontsize=8)
    fig.set_label(words["title_all"])
    return fig


def group_figure(source: Result | Uncertainty, group_id: str, lang: str = "en") -> Figure:
    """A small chart for one group's report: its rank interval and its grade probabilities.

    Left: the rank axis of all groups (1 = best) with the group's 5–95 % interval, median
    and nominal rank. Right: one stacked bar of the probability of each grade, labelled
    where a grade has at least 8 %.

    Parameters
    ----------
    source : Result or Uncertainty
        A result with an uncertainty analysis attached, or the analysis.
    group_id : str
        The group; ``KeyError`` if it is not in the analysis.
    lang : {"en", "zh"}
        Label language (English if no CJK font is installed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from .plots import literal

    lang, font = _figure_lang(lang)
    table, bands = _source(source, lang)
    bands = [(b, literal(label)) for b, label in bands]  # scheme labels are figure text, never mathtext
    words = _WORDS[lang]
    row = _row(table, group_id)
    n = int(table["nominal_rank"].astype("Float64").max()) if table["nominal_rank"].notna().any() else 1
    probs = _probabilities(row.to_frame().T, bands)[0]
    colours = [*_band_colours(len(bands)), _UNGRADED_COLOUR]
    labels = [label for _, label in bands] + [words["ungraded"]]
    rc = {"font.size": 9, "axes.edgecolor": "0.7"}
    if font:
        rc["font.family"] = font
    with mpl.rc_context(rc):
        fig = Figure(figsize=(7.0, 1.7), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[2.2, 1.4])
        left.axhline(0, color="0.85", linewidth=6, solid_capstyle="butt", xmin=0, xmax=1)
        if not pd.isna(row["rank_p05"]):
            left.plot([row["rank_p05"], row["rank_p95"]], [0, 0], color="#4a6fa5", linewidth=6, solid_capstyle="round")
            left.scatter([row["rank_median"]], [0], s=30, color="white", edgecolor="#4a6fa5", zorder=3)
        if not pd.isna(row["nominal_rank"]):
            left.scatter([row["nominal_rank"]], [0], marker="|", s=300, color="black", zorder=4)
            left.annotate(str(int(row["nominal_rank"])), (row["nominal_rank"], 0), xytext=(0, 9), textcoords="offset points", ha="center", fontsize=9, fontweight="bold")
        left.set_xlim(0.5, n + 0.5)
        left.set_ylim(-1, 1)
        left.set_yticks([])
        left.set_xlabel(words["rank_axis"], fontsize=8)
        for side in ("left", "right", "top"):
            left.spines[side].set_visible(False)
        start = 0.0
        for p, colour, label in zip(probs, colours, labels, strict=True):
            if p <= 0:
                continue
            right.barh(0, p, left=start, height=0.6, color=colour, linewidth=0)
            if p >= 0.08:
                right.text(start + p / 2, 0, f"{label}\n{percent(p, lang)}", ha="center", va="center", fontsize=7.5)
            start += p
        right.set_xlim(0, 1)
        right.set_ylim(-0.5, 0.5)
        right.set_yticks([])
        right.set_xlabel(words["prob_axis"], fontsize=8)
        right.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0, decimals=0))
        for side in ("left", "right", "top"):
            right.spines[side].set_visible(False)
    fig.set_label(words["title_one"].format(group_id=group_id))
    return fig
