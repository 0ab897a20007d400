"""Score once from the data, rescore under any scheme at slider speed.

Scoring has two halves. The first reads the data: it computes every indicator of every group
(ledgers, visits, problems, milestones, ratings), the rating quality and the adjustments in
the window — most of the time of :func:`assess.score`, and the same whatever the weights.
The second weighs: it normalises, aggregates, adjusts, grades and ranks under one scheme.
:func:`prepare` does the first half once; :meth:`Prepared.rescore` does the second for any
scheme and returns the same :class:`~assess.scoring._result.Result` as a full
:func:`assess.score` (``assess.score`` is ``prepare(...).rescore(scheme)``).

>>> import assess
>>> ds = assess.load("data/sample-2025.xlsx")
>>> prepared = assess.prepare(ds, year=2025)
>>> heavier = prepared.reweighted(components={"service_rating": 0.4})   # the others keep theirs, renormalised
>>> round(heavier.scheme.components["service_rating"].weight, 3)
0.364
>>> heavier.scores.equals(assess.score(ds, 2025, scheme=heavier.scheme).scores)
True

A scheme whose rating settings (``rating_scale``, ``rating_prior_weight``) or ``as_of``
differ from the prepared one changes the indicators themselves: :meth:`Prepared.rescore`
then computes them again for that scheme, so its numbers are always those of ``assess.score``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assess.common import SchemeError, __version__, generated_now
from assess.intake import Dataset, Normalize, Scheme, default_scheme, parse_scheme
from assess.scoring import _ratings as ratings
from assess.scoring._indicators import Window, rating_rows
from assess.scoring._kernel import grade_levels, order_ranks
from assess.scoring._result import INDICATOR_COLUMNS, Result
from assess.scoring._steps import (
    _check_indicators,
    contributions,
    normalize_series,
    prepare_indicators,
    threshold_level,
    weigh,
)

__all__ = ["Prepared", "prepare", "reweight"]

COMPONENT_COLUMNS = ("daily_work", "effectiveness", "service_rating")  # the default scheme's, in SCORE_COLUMNS
#: The flags of the ``flags`` table, in the order a group's flags are listed.
FLAG_ORDER = ("insufficient_data", "veto", "quota_demoted", "missing_indicators", "few_raters", "straight_lining")
#: The flags that also go into the ``scores`` table's ``flags`` column.
SHORT_FLAGS = ("insufficient_data", "veto", "quota_demoted")


def _data_key(scheme: Scheme, year: int, as_of: str | pd.Timestamp | None) -> tuple[Any, ...]:
    """What of a scheme shapes the indicators: the rating settings and the assessment date."""
    day = pd.Timestamp(as_of if as_of is not None else scheme.as_of or f"{year}-12-31").normalize()
    return (tuple(scheme.rating_scale), scheme.rating_prior_weight, day)


@dataclass(frozen=True)
class Prepared:
    """The data half of an assessment, computed once (:func:`prepare`, ``assess.prepare``).

    Attributes
    ----------
    dataset, year, as_of
        What was prepared (``as_of`` as given: ``None`` means the scheme's, else 31 December).
    scheme : Scheme
        The scheme prepared under; only its rating settings and ``as_of`` shaped the data.
    window : Window
        The assessment window.
    raw : DataFrame
        Every indicator's raw value per group (index ``group_id``), built in and the office's own.
    """

    dataset: Dataset
    year: int
    as_of: str | pd.Timestamp | None
    scheme: Scheme
    window: Window
    responses: pd.DataFrame
    raw: pd.DataFrame
    quality: pd.DataFrame
    overall: dict[str, float]
    bonus: np.ndarray  # uncapped sums of the window's bonus points, per group
    deduction: np.ndarray
    veto: np.ndarray
    veto_reasons: np.ndarray  # "; "-joined reasons of the window's vetoes ("" without)
    names: np.ndarray
    groups_table: pd.DataFrame
    #: normalised scores already computed, by (indicator, normalisation, direction): a new
    #: weight does not change them, so a slider's rescoring normalises nothing
    _normalized: dict[tuple[str, Normalize, str], pd.Series] = field(default_factory=dict, compare=False, repr=False)

    def normalized(self, raw: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
        """The normalised 0–100 scores of ``scheme``'s indicators (those of the prepared raw
        values remembered; ``raw`` other than them normalised afresh)."""
        own = raw is self.raw
        columns = {}
        for name, ind in scheme.indicators.items():
            key = (name, ind.normalize, ind.direction)
            values = self._normalized.get(key) if own else None
            if values is None:
                values = normalize_series(raw[name], ind.normalize, ind.direction)
                if own:
                    self._normalized[key] = values
            columns[name] = values
        return pd.DataFrame(columns, index=raw.index)

    def rescore(
        self,
        scheme: Scheme | None = None,
        *,
        raw: pd.DataFrame | None = None,
        present: pd.DataFrame | None = None,
        offset: pd.Series | None = None,
    ) -> Result:
        """Score every group under ``scheme`` (default: the one prepared under): the same
        :class:`~assess.scoring._result.Result` as ``assess.score(dataset, year, as_of, scheme)``.

        ``raw``, ``present`` and ``offset`` are those of :func:`assess.score` (checking the
        uncertainty analysis draw by draw). Raises :class:`~assess.common._errors.SchemeError`
        when ``scheme`` names an indicator that exists nowhere.
        """
        scheme = scheme or self.scheme
        if _data_key(scheme, self.year, self.as_of) != _data_key(self.scheme, self.year, self.as_of):
            return prepare(self.dataset, self.year, self.as_of, scheme).rescore(
                scheme, raw=raw, present=present, offset=offset
            )
        raw = self.raw if raw is None else raw.reindex(index=self.raw.index, columns=self.raw.columns)
        _check_indicators(raw, scheme)
        return _score(self, scheme, raw, present, offset)

    def reweighted(
        self, components: dict[str, float] | None = None, indicators: dict[str, float] | None = None
    ) -> Result:
        """:meth:`rescore` under the prepared scheme with new weights (:func:`reweight`): what a
        weight slider calls."""
        return self.rescore(reweight(self.scheme, components, indicators))


def prepare(
    dataset: Dataset, year: int, as_of: str | pd.Timestamp | None = None, scheme: Scheme | None = None
) -> Prepared:
    """Compute the data half of scoring once: indicators, rating quality, adjustments
    (``assess.prepare``). ``as_of`` defaults to the scheme's ``as_of``, else 31 December of
    ``year``; ``scheme`` (default: the shipped one) matters here only for its rating settings."""
    scheme = scheme or default_scheme()
    window, responses, raw = prepare_indicators(dataset, year, as_of, scheme)
    tables = dataset.tables
    groups = raw.index
    quality, overall = ratings.quality(responses, rating_rows(tables, window), groups, scheme.rating_min_raters)
    adjustments = tables["adjustments"]
    a = adjustments[window.contains(adjustments["date"])]
    totals = a["points"].fillna(0.0).groupby([a["group_id"], a["kind"]]).sum().unstack()
    totals = totals.reindex(index=groups, columns=["bonus", "deduction"]).fillna(0.0)
    vetoes = a[a["kind"] == "veto"]
    reasons = vetoes.groupby("group_id")["reason"].agg("; ".join).reindex(groups).fillna("")
    return Prepared(
        dataset=dataset,
        year=int(year),
        as_of=as_of,
        scheme=scheme,
        window=window,
        responses=responses,
        raw=raw,
        quality=quality,
        overall={k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in overall.items()},  # type: ignore[misc]
        bonus=totals["bonus"].to_numpy(dtype=float),
        deduction=totals["deduction"].to_numpy(dtype=float),
        veto=groups.isin(vetoes["group_id"]),
        veto_reasons=reasons.to_numpy(dtype=object),
        names=tables["groups"].set_index("group_id")["name"].reindex(groups).to_numpy(),
        groups_table=tables["groups"].drop(columns="_row", errors="ignore").reset_index(drop=True),
    )


def reweight(
    scheme: Scheme, components: dict[str, float] | None = None, indicators: dict[str, float] | None = None
) -> Scheme:
    """``scheme`` with new weights, each sibling set renormalised to sum to 1.

    Weights not given keep their value before the renormalisation. Raises
    :class:`~assess.common._errors.SchemeError` for an unknown name or a weight ≤ 0.

    >>> from assess.intake._scheme import default_scheme
    >>> s = reweight(default_scheme(), components={"service_rating": 0.4})
    >>> {k: round(c.weight, 3) for k, c in s.components.items()}
    {'daily_work': 0.273, 'effectiveness': 0.364, 'service_rating': 0.364}
    """
    data = scheme.model_dump(mode="json", exclude_none=True)
    for key, new in (("components", components or {}), ("indicators", indicators or {})):
        for name, w in new.items():
            if name not in data[key]:
                raise SchemeError("what-if", [f"{key}.{name}: no such {key[:-1]}; use one of {', '.join(data[key])}"])
            data[key][name]["weight"] = float(w)
    total = sum(c["weight"] for c in data["components"].values())
    for c in data["components"].values():
        c["weight"] = c["weight"] / total if total > 0 else c["weight"]
    for comp in data["components"]:
        members = [v for v in data["indicators"].values() if v["component"] == comp]
        s = sum(v["weight"] for v in members)
        for v in members:
            v["weight"] = v["weight"] / s if s > 0 else v["weight"]
    return parse_scheme(data, "what-if")


# ---- the weighing half --------------------------------------------------------------------------


def _score(
    p: Prepared, scheme: Scheme, raw: pd.DataFrame, present: pd.DataFrame | None, offset: pd.Series | None
) -> Result:
    """Normalise, aggregate (the one scorer of :mod:`assess.scoring._kernel`), adjust, grade,
    rank and explain; one row of the kernel's draws × groups arrays."""
    groups = raw.index
    names = list(scheme.indicators)
    comps = list(scheme.components)
    norm = p.normalized(raw, scheme)
    x = norm.to_numpy(dtype=float)
    available = ~np.isnan(x)
    has = None if present is None else present[comps].reindex(groups).to_numpy(dtype=bool)
    components, base = weigh(x, scheme, has)
    bonus = np.minimum(p.bonus, scheme.adjustments.bonus_cap)
    deduction = np.minimum(p.deduction, scheme.adjustments.deduction_cap)
    shift = 0.0 if offset is None else offset.reindex(groups).fillna(0.0).to_numpy(dtype=float)
    final = np.clip(base + bonus - deduction - shift, 0, 100)
    graded = ~np.isnan(components).any(axis=1)
    ranked = graded & ~p.veto  # a rank never contradicts a grade (the scoring rules (docs/reference/scoring.md))
    keys = [final[None]] + [components[None, :, comps.index(c)] for c in scheme.grades.tie_break]
    level = grade_levels(final[None], keys, p.veto, graded[None], scheme)[0]
    rank = order_ranks(keys, ranked)[0]
    band_names = np.array(scheme.band_names + [None], dtype=object)
    grade = band_names[np.where(level >= 0, level, len(scheme.grades.bands))]
    demoted = graded & (level > threshold_level(final, p.veto, scheme))

    quality = p.quality
    if scheme.rating_min_raters != p.scheme.rating_min_raters:
        quality = quality.assign(few_raters=quality["raters"] < scheme.rating_min_raters)
    marks = _flag_marks(p, comps, names, np.isnan(components), demoted, available, quality, scheme)
    flags = _flag_table(groups, marks)
    short = np.column_stack([marks[f][0] for f in SHORT_FLAGS])
    # the outputs contract (docs/reference/outputs.md) order, the scheme's components (whatever their names) after the name
    scores = pd.DataFrame(
        {
            "group_id": groups,
            "name": p.names,
            **{c: components[:, i] for i, c in enumerate(comps)},
            "base_score": base,
            "bonus": bonus,
            "deduction": deduction,
            "final_score": final,
            "grade": grade,
            "rank": pd.arrays.IntegerArray(rank.astype(np.int64), rank <= 0),
            "flags": _listed(short, list(SHORT_FLAGS), ";"),
        }
    )

    comp_frame = pd.DataFrame(components, index=groups, columns=comps)
    contrib = contributions(norm, comp_frame, pd.Series(base, index=groups), scheme)
    contrib.insert(3, "raw", raw[names].to_numpy().ravel())
    weights = np.tile([scheme.indicators[k].weight for k in names], len(groups))
    indicators = contrib.assign(weight=weights)[INDICATOR_COLUMNS]
    dataset = p.dataset
    meta = {
        "year": p.year,
        "as_of": p.window.as_of.date().isoformat(),
        "scheme_name": scheme.name,
        "scheme_sha256": scheme.sha256,
        "input": Path(dataset.source).name if dataset.source else "",
        "input_sha256": dataset.sha256,
        "version": __version__,
        "generated_at": generated_now(),  # SOURCE_DATE_EPOCH pins it
        "ratings": dict(p.overall),
    }
    return Result(
        scores=scores.reset_index(drop=True),
        indicators=indicators.reset_index(drop=True),
        groups=p.groups_table,
        meta=meta,
        raw=raw.reset_index(),
        contributions=contrib,
        ratings_quality=quality,
        flags=flags,
        inputs=dict(dataset.tables),
        scheme=scheme,
    )


def _listed(marked: np.ndarray, names: list[str], sep: str = ", ") -> np.ndarray:
    """Per row, the names of the columns marked in ``marked`` (rows × names), ``sep``-joined."""
    out = np.full(len(marked), "", dtype=object)
    for j, name in enumerate(names):  # a scheme's few components or indicators
        out = np.where(marked[:, j], np.where(out == "", name, out + sep + name), out)
    return out


def _flag_marks(
    p: Prepared,
    comps: list[str],
    names: list[str],
    missing_components: np.ndarray,
    demoted: np.ndarray,
    available: np.ndarray,
    quality: pd.DataFrame,
    scheme: Scheme,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per flag of :data:`FLAG_ORDER`: which groups carry it and the detail in plain words."""
    groups = p.raw.index
    q = quality.set_index("group_id").reindex(groups)
    raters = q["raters"].astype(str).to_numpy(dtype=object)
    liners = q["straight_liners"].to_numpy()
    n = len(groups)
    per_flag: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "insufficient_data": (
            np.asarray(missing_components.any(axis=1)),
            "missing component(s): " + _listed(missing_components, comps),
        ),
        "veto": (p.veto, p.veto_reasons),
        "quota_demoted": (demoted, np.full(n, "met a band's threshold but not its quota", dtype=object)),
        "missing_indicators": (np.asarray(~available.all(axis=1)), _listed(~available, names)),
        "few_raters": (
            q["few_raters"].to_numpy(dtype=bool),
            "rated by " + raters + f" recipient(s); at least {scheme.rating_min_raters} wanted",
        ),
        "straight_lining": (
            liners > 0,
            liners.astype(str).astype(object) + " recipient(s) gave the same score to every item in every quarter",
        ),
    }
    return per_flag


def _flag_table(groups: pd.Index, marks: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """One row per (group, flag) with a plain-words detail, a group's flags in :data:`FLAG_ORDER`."""
    pos = np.arange(len(groups))
    rows = [(pos[mask], np.full(int(mask.sum()), k), detail[mask]) for k, (mask, detail) in enumerate(marks.values())]
    at = np.concatenate([r[0] for r in rows])
    kind = np.concatenate([r[1] for r in rows])
    order = np.lexsort((kind, at))
    flags = np.array(FLAG_ORDER, dtype=object)
    return pd.DataFrame(
        {
            "group_id": pd.Series(groups.to_numpy()[at[order]], dtype=object),
            "flag": flags[kind[order]],
            "detail": pd.Series(np.concatenate([r[2] for r in rows])[order], dtype=object),
        }
    )
