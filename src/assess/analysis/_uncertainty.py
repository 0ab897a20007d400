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
(c) **aggregation** — arithmetic or geometric, with equal probability (off by default:
    geometric means lower every score against the same fixed thresholds);
(d) **evidence** — each group's data-based indicators are redrawn given the evidence
    behind them, centred on the printed values: every share indicator (``ledger_on_time``,
    ``visit_coverage``, ``problem_resolution``, ``problem_on_time``,
    ``milestone_on_time``, ``rating_response``) by a parametric bootstrap of its ``x`` out
    of ``n``, ``x* ~ Binomial(n, p̃)`` at the smoothed rate ``p̃ = (x + ½)/(n + 1)``,
    shifted back by ``x/n − p̃`` and clipped to [0, 1] (:func:`recentred_shares`; drawing
    from the Beta posterior instead centres the draws on ``p̃``, so a printed score could
    fall outside its own interval), and ``rating_score`` from the normal posterior of
    the shrinkage model: mean the shrunk score ``(n·ȳ + k·m)/(n + k)``, variance
    ``σ²_w/(n + k)`` with ``σ²_w`` the pooled within-group variance of the responses. So
    one response, or one due problem, is weak evidence and moves a lot; twenty are strong
    and move little. (A bootstrap of one response has no variance at all.) Indicators
    that are not counts — ``ledger_completeness``, ``investment_completion``, the office's
    own — stay as they are.

Each draw runs the whole scoring of the scoring rules (docs/reference/scoring.md) — normalisation, adjustments and caps,
vetoes, grade bands and quotas with their tie rule and tie-break, ranks — but **whether a
group is graded is a fact, not a draw**: which components a group has (coverage against
``min_coverage``) is decided once, at the scheme's nominal weights, so draws vary scores,
never whether a group is graded, and the quota base is the same in every draw. There is
one scorer: the data half of :func:`assess.score` is computed once (:func:`assess.prepare`),
every normalisation of it once, and each block of draws is scored by the same array code as
``assess.score`` itself (:mod:`assess.scoring._kernel`: arrays shaped draws × groups, of which
an ordinary score is one row); rescoring each draw through :func:`assess.score` with that
draw's scheme and evidence (:meth:`Uncertainty.scheme_for_draw`,
:meth:`Uncertainty.raw_for_draw`) gives the same numbers (``tests/analysis/test_uncertainty.py``).
The sentences that say the results live in :mod:`assess.reporting._uncertainty_text`. Draws are reproducible: a seed gives one
:class:`numpy.random.SeedSequence` whose independent child streams feed the four factors.

Sensitivity: first-order and total Sobol indices of two outputs against the nominal
result — the **mean absolute rank shift** and the **number of grade changes** — for the
factor groups (a)–(d); see :mod:`assess.analysis._sensitivity` for the estimators and the sample
design. ``A`` is the first ``N`` uncertainty draws, ``B`` a further ``N`` independent
draws, and ``A_B^i`` each of the ``k`` switched-on factor groups taken from ``B``:
``N·(k + 1)`` extra model runs.

>>> import assess
>>> ds = assess.load("data/sample-2025.xlsx")                     # doctest: +SKIP
>>> u = assess.uncertainty(ds, draws=1000, seed=1, year=2025)     # doctest: +SKIP
>>> u.table[["group_id", "nominal_grade", "p_keep", "rank_p05", "rank_p95"]]  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import ValidationError

from assess.analysis._sensitivity import DISPLAY_COLUMNS, for_display, sobol_indices
from assess.common import Domain, SchemeError
from assess.intake import Dataset, Normalize, Scheme, UncertaintySettings, default_scheme, parse_scheme, scheme_error
from assess.scoring import TOL as TOL
from assess.scoring import (
    Prepared,
    Result,
    Window,
    combine,
    grade_levels,
    normalize_rows,
    normalize_series,
    order_ranks,
    prepare,
    present_components,
    share_counts,
)
from assess.scoring import competition_ranks as competition_ranks
from assess.scoring import snap_rows as snap_rows

if TYPE_CHECKING:
    pass

__all__ = [
    "FACTORS",
    "Factors",
    "Uncertainty",
    "uncertainty",
    "attach_uncertainty",
]

#: The factor groups, in the order of the sensitivity table.
FACTORS = ("weights", "normalisation", "aggregation", "evidence")
#: The outputs whose sensitivity is analysed.
OUTPUTS = ("rank_shift", "grade_changes")
#: At most this many draws × groups in one analysis (about 40 bytes each at the peak).
MAX_CELLS = 20_000_000
_BLOCK = 64  # draws scored at once
#: How the evidence draws are made, as recorded in the provenance of every output showing a probability.
PRIOR = (
    "shares: Binomial(n, (x+1/2)/(n+1)) re-centred on x/n, clipped to [0, 1]; "
    "rating_score: Normal(shrunk mean, sd_within/sqrt(n+k)); final scores re-centred on the evidence draws' median"
)
#: Evidence-only draws that measure each group's median shift (:func:`_evidence_offset`).
CENTRE_DRAWS = 1000


# ---- what stays fixed across draws ----------------------------------------------------------


#: A normalisation a draw can pick: the scheme's own, or one of the settings' methods.
MethodChoice = Literal["scheme", "goalposts", "minmax", "rank", "tscore"]


def alternative(own: Normalize, method: MethodChoice) -> Normalize:
    """The normalisation an indicator gets when a draw picks ``method``.

    ``"scheme"`` (and the indicator's own method) keep the scheme's normalisation with its
    bounds; ``"goalposts"`` needs bounds, so an indicator without them keeps its own method.
    """
    if method == "scheme" or method == own.method or method == "goalposts":
        return own
    return Normalize(method=method)


@dataclass(frozen=True)
class Evidence:
    """The posterior one indicator's draws come from, per group (NaN: no value, not drawn).

    ``kind`` is ``"binomial"`` (``a``: successes ``x``, ``b``: trials ``n``; drawn by
    :func:`recentred_shares`) or ``"normal"`` (``a``: mean, ``b``: standard deviation; draws
    clipped to 0–100).
    """

    indicator: str
    kind: str
    a: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class Model:
    """Everything of one dataset under one scheme that stays fixed across draws: the data half
    of scoring (:class:`~assess.scoring._prepared.Prepared`, as ``assess.score`` computes it),
    every normalisation of it and the evidence's posteriors; the rest follows from these."""

    scheme: Scheme
    settings: UncertaintySettings
    prepared: Prepared
    methods: tuple[MethodChoice, ...]  # "scheme", then the settings' alternatives
    normalized: np.ndarray  # methods × groups × indicators
    posteriors: tuple[Evidence, ...]
    #: points subtracted from every draw's final score that carries evidence draws: the
    #: median shift the evidence draws alone cause (see :func:`uncertainty`); 0 until computed
    offset: np.ndarray | None = None

    @property
    def window(self) -> Window:
        return self.prepared.window

    @property
    def groups(self) -> pd.Index:
        return self.prepared.raw.index

    @property
    def names(self) -> np.ndarray:
        return self.prepared.names

    @property
    def raw(self) -> pd.DataFrame:
        """The nominal raw indicators (groups × every indicator)."""
        return self.prepared.raw

    @property
    def veto(self) -> np.ndarray:
        return self.prepared.veto

    @functools.cached_property
    def bonus(self) -> np.ndarray:
        return np.minimum(self.prepared.bonus, self.scheme.adjustments.bonus_cap)

    @functools.cached_property
    def deduction(self) -> np.ndarray:
        return np.minimum(self.prepared.deduction, self.scheme.adjustments.deduction_cap)

    @functools.cached_property
    def indicators(self) -> tuple[str, ...]:
        return tuple(self.scheme.indicators)

    @functools.cached_property
    def components(self) -> tuple[str, ...]:
        return tuple(self.scheme.components)

    @functools.cached_property
    def members(self) -> tuple[np.ndarray, ...]:
        """The indicator positions of each component."""
        return tuple(
            np.flatnonzero([self.scheme.indicators[k].component == c for k in self.indicators]) for c in self.components
        )

    @functools.cached_property
    def component_weights(self) -> np.ndarray:
        return np.array([c.weight for c in self.scheme.components.values()])

    @functools.cached_property
    def indicator_weights(self) -> np.ndarray:
        return np.array([i.weight for i in self.scheme.indicators.values()])

    @functools.cached_property
    def available(self) -> np.ndarray:
        """Groups × indicators: the indicator has a value."""
        return ~np.isnan(self.normalized[0])

    @functools.cached_property
    def present(self) -> np.ndarray:
        """Groups × components: the component counts, decided once at the nominal weights."""
        return present_components(self.available, self.indicator_weights, self.members, self.scheme.min_coverage)

    @functools.cached_property
    def graded(self) -> np.ndarray:
        """Groups with every component."""
        return np.all(self.present, axis=1)

    @functools.cached_property
    def ranked(self) -> np.ndarray:
        """Groups graded and not vetoed."""
        return self.graded & ~self.veto

    @functools.cached_property
    def evidence(self) -> tuple[int, ...]:
        """Positions of the indicators drawn from their posteriors."""
        return tuple(self.indicators.index(e.indicator) for e in self.posteriors)

    @functools.cached_property
    def tie_break(self) -> tuple[int, ...]:
        """Component positions of the scheme's tie-break."""
        return tuple(self.components.index(c) for c in self.scheme.grades.tie_break)


def _posteriors(
    dataset: Dataset, window: Window, scheme: Scheme, responses: pd.DataFrame, raw: pd.DataFrame
) -> list[Evidence]:
    """The posterior of every scheme indicator that rests on counts (see the module docstring)."""
    groups = raw.index
    out = []
    for name, share in share_counts(dataset.tables, window, scheme, responses).items():
        if name not in scheme.indicators:
            continue
        n = share.n.reindex(groups).to_numpy(dtype=float)
        x = np.minimum(share.x.reindex(groups).to_numpy(dtype=float), n)
        have = n > 0
        out.append(Evidence(name, "binomial", np.where(have, x, np.nan), np.where(have, n, np.nan)))
    if "rating_score" in scheme.indicators and len(responses):
        by = responses.groupby("group_id")["score"]
        n = by.size().reindex(groups, fill_value=0).to_numpy(dtype=float)
        dev = responses["score"] - by.transform("mean")
        dof = len(responses) - int((n > 0).sum())
        within = float((dev**2).sum() / dof) if dof > 0 else float(responses["score"].var(ddof=0))
        mean = raw["rating_score"].to_numpy(dtype=float)
        sd = np.sqrt(within / (n + scheme.rating_prior_weight))
        out.append(Evidence("rating_score", "normal", np.where(n > 0, mean, np.nan), np.where(n > 0, sd, np.nan)))
    return out


def _model(dataset: Dataset, year: int, as_of: Any, scheme: Scheme, settings: UncertaintySettings) -> Model:
    prepared = prepare(dataset, year, as_of, scheme)  # the data half of assess.score, as it computes it
    methods: tuple[MethodChoice, ...] = ("scheme", *settings.methods)
    normalized = np.stack(
        [
            np.column_stack(
                [
                    normalize_series(prepared.raw[k], alternative(ind.normalize, m), ind.direction).to_numpy(
                        dtype=float
                    )
                    for k, ind in scheme.indicators.items()
                ]
            )
            for m in methods
        ]
    )
    posteriors = _posteriors(dataset, prepared.window, scheme, prepared.responses, prepared.raw)
    return Model(scheme, settings, prepared, methods, normalized, tuple(posteriors))


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
    evidence : ndarray (draws × groups × evidence indicators, float32) or None
        The raw values of ``Model.evidence`` drawn from their posteriors (NaN where a
        group has no value). ``None``: the data as they are.
    """

    component_weights: np.ndarray
    indicator_weights: np.ndarray
    method: np.ndarray
    geometric: np.ndarray
    evidence: np.ndarray | None

    def __len__(self) -> int:
        return len(self.method)

    def rows(self, lo: int, hi: int) -> Factors:
        """Draws ``lo`` to ``hi - 1``."""
        return Factors(
            self.component_weights[lo:hi],
            self.indicator_weights[lo:hi],
            self.method[lo:hi],
            self.geometric[lo:hi],
            None if self.evidence is None else self.evidence[lo:hi],
        )

    def with_factor(self, other: Factors, factor: str) -> Factors:
        """These draws with factor group ``factor`` taken from ``other`` (a Sobol hybrid)."""
        if factor == "weights":
            return dataclasses.replace(
                self, component_weights=other.component_weights, indicator_weights=other.indicator_weights
            )
        if factor == "normalisation":
            return dataclasses.replace(self, method=other.method)
        if factor == "aggregation":
            return dataclasses.replace(self, geometric=other.geometric)
        return dataclasses.replace(self, evidence=other.evidence)


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
    return [f for f in active if f != "evidence" or model.evidence]


def recentred_shares(rng: np.random.Generator, x: np.ndarray, n: np.ndarray, draws: int) -> np.ndarray:
    """``draws`` plausible values of the shares ``x / n`` (arrays of one value per group):
    a parametric bootstrap at the smoothed rate, shifted back onto the observed share.

    ``x* ~ Binomial(n, p̃)`` with ``p̃ = (x + ½)/(n + 1)`` (so a share of 0 or 1 still
    varies), then ``x*/n + (x/n − p̃)`` clipped to [0, 1]: the draws are centred on the
    printed share, not on ``p̃``. A share observed at 1 keeps most draws at 1 (its median
    is 1) and n = 1 still spreads widely.

    >>> d = recentred_shares(np.random.default_rng(0), np.array([20.0, 1.0]), np.array([20.0, 1.0]), 2000)
    >>> np.median(d, axis=0).tolist(), bool(d[:, 1].std() > 3 * d[:, 0].std())
    ([1.0, 1.0], True)
    """
    smoothed = (x + 0.5) / (n + 1)
    counts = rng.binomial(n.astype(np.int64), smoothed, size=(draws, len(x)))
    return np.clip(counts / n + (x / n - smoothed), 0.0, 1.0)


def _draw_evidence(model: Model, n: int, seeds: np.random.SeedSequence) -> np.ndarray:
    """``n`` draws of every evidence indicator from its posterior (one stream each)."""
    out = np.full((n, len(model.groups), len(model.posteriors)), np.nan, dtype=np.float32)
    for e, (post, seq) in enumerate(zip(model.posteriors, seeds.spawn(len(model.posteriors)), strict=True)):
        rng = np.random.default_rng(seq)
        have = ~np.isnan(post.a)
        if not have.any():
            continue
        a, b = post.a[have], post.b[have]
        if post.kind == "binomial":
            out[:, have, e] = recentred_shares(rng, a, b, n)
        else:
            out[:, have, e] = np.clip(rng.normal(a, b, size=(n, len(a))), 0.0, 100.0)
    return out


def _draw_factors(model: Model, n: int, seeds: np.random.SeedSequence) -> Factors:
    """``n`` draws of the switched-on factors.

    Each factor group, and each set of sibling weights and each evidence indicator, has
    its own random stream, so that switching one factor off leaves the draws of the
    others as they were.
    """
    weights_seq, method_seq, agg_seq, evidence_seq = seeds.spawn(4)
    method_rng, agg_rng = (np.random.default_rng(s) for s in (method_seq, agg_seq))
    f = _nominal_factors(model, n)
    active = _active(model)
    cw, iw, method, geometric, evidence = f.component_weights, f.indicator_weights, f.method, f.geometric, None
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
    if "evidence" in active:
        evidence = _draw_evidence(model, n, evidence_seq)
    return Factors(cw, iw, method, geometric, evidence)


# ---- the vectorised scoring -----------------------------------------------------------------


def _normalized_block(model: Model, f: Factors) -> np.ndarray:
    """Normalised scores of a block of draws: draws × groups × indicators."""
    norm = model.normalized[f.method.astype(np.intp)]  # a copy, one method per draw
    if f.evidence is not None:
        for e, j in enumerate(model.evidence):
            ind = model.scheme.indicators[model.indicators[j]]
            raw = f.evidence[:, :, e].astype(float)
            for m in np.unique(f.method):
                sel = f.method == m
                norm[sel, :, j] = normalize_rows(raw[sel], alternative(ind.normalize, model.methods[m]), ind.direction)
    return norm


def _final_block(model: Model, f: Factors) -> np.ndarray:
    """Final scores of a block of draws (the offset not applied)."""
    return _components_block(model, f)[1]


def _components_block(model: Model, f: Factors) -> tuple[np.ndarray, np.ndarray]:
    """Component scores (draws × groups × components) and final scores before any offset."""
    comps, base = combine(
        _normalized_block(model, f),
        model.available,
        model.present,
        f.indicator_weights,
        f.component_weights,
        model.members,
        f.geometric,
    )
    return comps, base + model.bonus - model.deduction


def _score_block(model: Model, f: Factors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Final scores, ranks and grade levels of a block of draws."""
    d, g = len(f), len(model.groups)
    scheme = model.scheme
    comps, unclipped = _components_block(model, f)
    shift = model.offset if f.evidence is not None and model.offset is not None else 0.0
    final = np.clip(unclipped - shift, 0, 100)
    graded = np.broadcast_to(model.graded, (d, g))
    keys = [final] + [comps[:, :, c] for c in model.tie_break]
    rank = order_ranks(keys, model.ranked)
    return final, rank, grade_levels(final, keys, model.veto, graded, scheme)


def _evidence_offset(model: Model, evidence: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Per group, how far the evidence draws alone move the median final score from the
    printed one (0 without evidence draws).

    Each share's draws have their median at the printed share, but a sum of several skewed
    shares (a perfect 3 of 3, 1 of 1 and 2 of 2 each keep only two thirds to three quarters
    of their draws at 1) has its median below the sum of the medians. The draws are to show
    how far a score could move on thin evidence, not to move it: every draw's final score
    is shifted back by this offset, so the evidence draws' median is the printed score. The
    other factors (weights, normalisation, aggregation) are deliberate alternatives of the
    scheme and keep whatever shift they cause.

    ``evidence`` are :data:`CENTRE_DRAWS` evidence draws of their own random stream, so the
    offset does not depend on the number of draws (a longer run extends a shorter one).
    """
    alone = dataclasses.replace(_nominal_factors(model, len(evidence)), evidence=evidence)
    final = np.empty((len(evidence), len(model.groups)))
    for lo in range(0, len(evidence), _BLOCK):
        hi = min(lo + _BLOCK, len(evidence))
        final[lo:hi] = np.clip(_final_block(model, alone.rows(lo, hi)), 0, 100)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a group without a score has no median
        offset = np.nanmedian(final, axis=0) - nominal
    return np.nan_to_num(offset, nan=0.0)


def _score(model: Model, f: Factors) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Final scores, ranks and grade levels of all draws, scored in blocks."""
    n, g = len(f), len(model.groups)
    final, rank, level = np.empty((n, g)), np.empty((n, g), dtype=np.int32), np.empty((n, g), dtype=np.int8)
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        final[lo:hi], rank[lo:hi], level[lo:hi] = _score_block(model, f.rows(lo, hi))
    return final, rank, level


def _rank_shift(rank: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Mean absolute rank shift from the nominal ranking, per draw (groups ranked in both)."""
    both = (rank > 0) & (nominal > 0)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(both, np.abs(rank - nominal[None, :]), 0).sum(axis=1) / np.maximum(both.sum(axis=1), 1)


def _outputs(
    rank: np.ndarray, level: np.ndarray, nominal: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> dict[str, np.ndarray]:
    """The outputs the sensitivity analysis explains, per draw."""
    return {
        "rank_shift": _rank_shift(rank, nominal[1]),
        "grade_changes": (level != nominal[2][None, :]).sum(axis=1).astype(float),
    }


# ---- the analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertainty:
    """The outcome of :func:`uncertainty`.

    Attributes
    ----------
    table : DataFrame
        One row per group: ``group_id, name, nominal_score, nominal_rank, nominal_grade,
        score_median, score_p05, score_p95, rank_median, rank_p05, rank_p95, rank_coverage,
        p_keep``, then
        ``p_<band>`` for every grade band and ``p_ungraded`` (insufficient data); the grade
        probabilities of a group add up to 1. Whether a group is graded does not vary, so
        ``p_ungraded`` is 0 or 1. Rank quantiles are ranks that occurred (inverted-CDF
        quantiles); ``rank_p05`` is the best end of the interval; unranked groups (vetoed or
        ungraded) have none. ``rank_coverage`` is the share of the draws whose rank lies in
        ``[rank_p05, rank_p95]`` (at least 0.9; whole ranks make it often more).
    sensitivity : DataFrame
        One row per output (``rank_shift``: the mean absolute rank shift; ``grade_changes``:
        how many groups' grades differ from the nominal ones) and factor group:
        ``output, factor, active, S1, S1_conf, ST, ST_conf`` (the estimates; ``*_conf`` the
        bootstrap 95 % half-widths), then ``S1_shown, S1_low, S1_high, ST_shown, ST_low,
        ST_high``: each index clipped to [0, 1] for display with its interval
        (:func:`~assess.analysis._sensitivity.for_display`); empty when the sensitivity
        analysis was skipped.
    settings : UncertaintySettings
        The settings used (draws and seed as run).
    final, rank, grade : ndarray (draws × groups)
        Every draw's final score, rank (0: not ranked) and band position (0 = best band,
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
        """Settings and sensitivity indices as plain JSON-ready data (for ``Result.meta``):
        draws, seed, factors, concentration, methods, the evidence model (``prior``) and the
        largest re-centring offset applied (``recentring_max``, points)."""
        sens = self.sensitivity.astype(object).where(self.sensitivity.notna(), None)
        offset = self.model.offset
        return {
            **self.settings.model_dump(mode="json"),
            "prior": PRIOR,
            "recentring_max": float(np.abs(offset).max()) if offset is not None and len(offset) else 0.0,
            "sensitivity": sens.to_dict(orient="records"),
        }

    def scheme_for_draw(self, d: int) -> Scheme:
        """The ordinary scheme that draw ``d`` scores under (weights, normalisation, aggregation)."""
        model, f = self.model, self.factors
        data = model.scheme.model_dump(mode="json", exclude_none=True)
        for ci, name in enumerate(model.components):
            data["components"][name]["weight"] = float(f.component_weights[d, ci])
        for j, name in enumerate(model.indicators):
            ind = model.scheme.indicators[name]
            data["indicators"][name]["weight"] = float(f.indicator_weights[d, j])
            data["indicators"][name]["normalize"] = alternative(ind.normalize, model.methods[f.method[d]]).model_dump(
                mode="json", exclude_none=True
            )
        data["aggregation"] = "geometric" if f.geometric[d] else "arithmetic"
        return parse_scheme(data, f"draw {d}")

    def raw_for_draw(self, d: int) -> pd.DataFrame:
        """The raw indicators draw ``d`` scores with: the nominal ones, with the evidence
        indicators replaced by their draws (``assess.score(..., raw=...)`` takes it)."""
        model, raw = self.model, self.model.raw.copy()
        if self.factors.evidence is not None:
            for e, j in enumerate(model.evidence):
                raw[model.indicators[j]] = self.factors.evidence[d, :, e].astype(float)
        return raw

    def offset_for_draw(self, d: int) -> pd.Series:
        """The points draw ``d`` subtracts from each final score before clipping (the evidence
        offset when the draw carries evidence draws, else 0; ``assess.score(..., offset=...)``
        takes it)."""
        model = self.model
        on = self.factors.evidence is not None and model.offset is not None
        return pd.Series(model.offset if on else 0.0, index=model.groups, dtype=float)

    @property
    def present(self) -> pd.DataFrame:
        """Groups × components: which components a group has, decided once at the nominal
        weights (``assess.score(..., present=...)`` takes it)."""
        return pd.DataFrame(self.model.present, index=self.model.groups, columns=list(self.model.components))

    def _repr_html_(self) -> str:
        keep = self.table["p_keep"]
        words = Domain("result")["en"]
        head = words["uncertainty_head"].format(
            title=f"<b>{words['uncertainty_title']}</b>",
            draws=self.settings.draws,
            seed=self.settings.seed,
            groups=len(self.table),
            sure=int((keep >= 0.95).sum()),
            unsure=int((keep < 0.5).sum()),
        )
        head = f"<p>{head}</p>"
        return head + self.sensitivity.round(3).to_html(index=False) + self.table.head(20).round(3).to_html(index=False)


def _summary(
    model: Model,
    final: np.ndarray,
    rank: np.ndarray,
    level: np.ndarray,
    nominal: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
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
        rank_q[:, some] = np.nanquantile(
            np.where(rank[:, some] > 0, rank[:, some], np.nan), qs, axis=0, method="inverted_cdf"
        )
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
            "rank_coverage": _coverage(rank, rank_q[1], rank_q[2]),
            "p_keep": (level == nom_level[None, :]).mean(axis=0),
        }
    )
    table["nominal_rank"] = table["nominal_rank"].where(nom_rank > 0)
    for b, name in enumerate(bands):
        table[f"p_{name}"] = (level == b).mean(axis=0)
    table["p_ungraded"] = (level < 0).mean(axis=0)
    return table


def _coverage(rank: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The share of a group's ranked draws whose rank lies in ``[lo, hi]`` (NaN when never ranked).

    With whole ranks the 5–95 % interval holds at least 90 % of the draws, often more (92–100 %):
    the sentence states this share, not a nominal 90 %.
    """
    ranked = rank > 0
    inside = ranked & (rank >= lo[None, :]) & (rank <= hi[None, :])
    n = ranked.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, inside.sum(axis=0) / np.maximum(n, 1), np.nan)


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
        The scheme (default: the scoring rules (docs/reference/scoring.md)); its ``uncertainty`` section sets the factors, the
        Dirichlet concentration, the normalisation methods, draws and seed.
    draws, seed : int, optional
        Override the scheme's ``uncertainty.draws`` (default 1000, at most
        :data:`~assess.intake._scheme.MAX_DRAWS`, and at most :data:`MAX_CELLS` draws × groups) and
        ``seed`` (default 0).
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
            raise scheme_error(exc, "uncertainty") from None
    model = _model(dataset, year, as_of, scheme, settings)
    cells = settings.draws * max(len(model.groups), 1)
    if cells > MAX_CELLS:
        most = max(MAX_CELLS // max(len(model.groups), 1), 1)
        raise SchemeError(
            "uncertainty",
            [
                f"uncertainty.draws: {settings.draws:,} draws × {len(model.groups):,} groups is more than {MAX_CELLS:,} scored cells; use at most {most:,} draws for this many groups"
            ],
        )
    nom_final, nom_rank, nom_level = _score(model, _nominal_factors(model, 1))
    nominal = (nom_final[0], nom_rank[0], nom_level[0])

    main_seeds, b_seeds, centre_seeds = np.random.SeedSequence(settings.seed).spawn(3)
    factors = _draw_factors(model, settings.draws, main_seeds)
    if "evidence" in _active(model):
        evidence = _draw_evidence(model, CENTRE_DRAWS, centre_seeds)
        model = dataclasses.replace(model, offset=_evidence_offset(model, evidence, nom_final[0]))
    final, rank, level = _score(model, factors)
    table = _summary(model, final, rank, level, nominal)

    active = _active(model)
    n = min(settings.sensitivity, settings.draws)
    if n > 1:
        a = factors.rows(0, n)
        b = _draw_factors(model, n, b_seeds)
        f_a = _outputs(rank[:n], level[:n], nominal)
        f_b = _outputs(*_score(model, b)[1:], nominal)
        f_ab = {f: _outputs(*_score(model, a.with_factor(b, f))[1:], nominal) for f in active}
        parts = []
        for out in OUTPUTS:
            part = sobol_indices(
                f_a[out],
                f_b[out],
                [f_ab[f][out] if f in f_ab else f_a[out] for f in FACTORS],
                FACTORS,
                seed=settings.seed,
            )
            part.insert(0, "output", out)
            part.insert(2, "active", [f in active for f in FACTORS])
            parts.append(part)
        sens = for_display(pd.concat(parts, ignore_index=True))
    else:
        sens = pd.DataFrame(columns=["output", "factor", "active", "S1", "S1_conf", "ST", "ST_conf", *DISPLAY_COLUMNS])
    return Uncertainty(
        table=table,
        sensitivity=sens,
        settings=settings,
        final=final,
        rank=rank,
        grade=level,
        factors=factors,
        model=model,
    )


def attach_uncertainty(result: Result, analysis: Uncertainty) -> Result:
    """``result`` with the uncertainty table (``result.uncertainty``) and settings in its meta."""
    return dataclasses.replace(result, uncertainty=analysis.table, meta={**result.meta, "uncertainty": analysis.meta()})


# ---- where it shows --------------------------------------------------------------------------

#: Names whose home is now :mod:`assess.reporting._uncertainty_text` (the report's words about an
#: analysis belong to reporting); ``from assess.analysis._uncertainty import sentence`` still works.
PROSE = (
    "UNCERTAINTY_WORDS",
    "per_group_table",
    "group_row",
    "settings_text",
    "percent",
    "sentence",
    "sentences",
)


def __getattr__(name: str) -> Any:
    """The names of :data:`PROSE`, from their new module (PEP 562; imported on first use, as
    reporting sits above analysis and this module must not import it up front)."""
    if name in PROSE:
        return getattr(importlib.import_module("assess.reporting._uncertainty_text"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
