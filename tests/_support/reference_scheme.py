"""An independent, deliberately plain implementation of the scoring rules (docs/reference/scoring.md) under ANY scheme.

The generalisation of ``tests/_support/reference.py`` (which is the default scheme written out by hand).
It reads the scheme only through ``scheme.model_dump()`` — plain dicts and lists — and never
looks at ``assess.scoring._indicators``, ``assess.scoring._compute`` or ``assess.scoring._ratings``.  The raw built-in
indicators and the adjustments come from ``tests/_support/reference.py`` (same windows, same choices);
everything after that — normalisation, aggregation, adjustments, quotas, rank — is a loop over
groups with plain Python floats.

Rules (the scoring rules (docs/reference/scoring.md)), with the choices made where the text leaves room:

* office indicators: the optional ``indicators`` sheet (``group_id, indicator, value``) gives a
  group's raw value as is (no date window); a group without a row has a missing value;
* normalisation is computed per indicator over the groups that have a value (every group of the
  ``groups`` sheet, graded or not):

  - ``goalposts [lo, hi]``: ``clip((x-lo)/(hi-lo), 0, 1)·100``; lower: ``clip((hi-x)/(hi-lo), 0, 1)·100``
  - ``minmax``: ``(x-min)/(max-min)·100``; lower: ``(max-x)/(max-min)·100``; all equal -> 100
  - ``rank``: ``(r-1)/(n-1)·100``, r the average rank, 1 = worst (lower: the rank of ``-x``);
    n = 1 -> 100.  Values within 1e-9 are equal (ties share their average rank; for
    ``minmax`` a value within 1e-9 of the min or max counts as it), so float noise such as
    0.39999999999999997 against 0.4 never separates two groups;
  - ``tscore``: ``clip(50 + 10·z, 0, 100)``, ``z = (x-mean)/sd`` with the population sd
    (lower: ``-z``); sd = 0 -> 50 (sd counts as 0 when every value is the same, or it is below
    1e-12 — the float noise of a mean of equal values);

* arithmetic: weighted mean over the available inputs, weights renormalised; geometric:
  ``exp(Σ wᵢ·ln max(sᵢ, 1) / Σ wᵢ)`` over the available inputs.  A component whose available
  weight is below ``min_coverage`` of its total (less 1e-9) is missing; the base uses the
  components there are, and any missing component makes the group ``insufficient_data``;
* final = ``clip(base + bonus - deduction, 0, 100)`` with the scheme's caps;
* quota size = ``floor(q·n + 1e-9)`` / ``floor(q·n + 0.5 + 1e-9)`` (round, halves up) /
  ``ceil(q·n - 1e-9)`` with n the graded groups (vetoed groups included);
* bands fill from the top: a band takes the still ungraded groups at or above its threshold
  (within 1e-9); with a quota they are ordered by final score then ``tie_break`` components
  (differences within 1e-9 are ties); over the quota, a group tied with the first one left out
  is demoted too (``demote``), or a group tied with the last one in is admitted too (``admit``);
  a group not admitted is flagged ``quota_demoted`` and goes on to the next band;
* vetoed groups get the last band and never compete; ``insufficient_data`` groups get no grade;
* rank: competition ranking of the final score (1, 2, 2, 4) among the graded, not vetoed groups.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import pandas as pd

from reference import EPS, GroupScore, _missing, _rows, competition_ranks, reference_adjustments, reference_raw

#: Flags the reference decides (the package may add others, e.g. about ratings).
SCORING_FLAGS = {"insufficient_data", "veto", "quota_demoted"}


# ---- normalisation ------------------------------------------------------------------------------


def normalize(values: dict[str, float | None], spec: dict, direction: str) -> dict[str, float | None]:
    """Normalise one indicator's raw values (group -> value or None) to 0–100."""
    method = spec["method"]
    have = [x for x in values.values() if x is not None]
    out: dict[str, float | None] = {}
    for g, x in values.items():
        if x is None:
            out[g] = None
        elif method == "goalposts":
            lo, hi = spec["bounds"]
            share = (hi - x) / (hi - lo) if direction == "lower" else (x - lo) / (hi - lo)
            out[g] = min(max(share, 0.0), 1.0) * 100.0
        elif method == "minmax":
            lo, hi = min(have), max(have)
            if hi - lo <= EPS:  # equal on paper (within 1e-9) -> all 100
                out[g] = 100.0
                continue
            x = lo if x - lo <= EPS else hi if hi - x <= EPS else x
            if direction == "lower":
                out[g] = (hi - x) / (hi - lo) * 100.0
            else:
                out[g] = (x - lo) / (hi - lo) * 100.0
        elif method == "rank":
            n = len(have)
            if n == 1:
                out[g] = 100.0
                continue
            worse = equal = 0
            for y in have:
                if abs(y - x) <= EPS:  # equal on paper
                    equal += 1
                elif (y > x) if direction == "lower" else (y < x):
                    worse += 1
            r = worse + (1 + equal) / 2  # the average of ranks worse+1 .. worse+equal
            out[g] = (r - 1) / (n - 1) * 100.0
        elif method == "tscore":
            n = len(have)
            mean = sum(have) / n
            sd = math.sqrt(sum((y - mean) ** 2 for y in have) / n)
            if min(have) == max(have) or sd < 1e-12:
                out[g] = 50.0
                continue
            z = (x - mean) / sd
            if direction == "lower":
                z = -z
            out[g] = min(max(50.0 + 10.0 * z, 0.0), 100.0)
        else:  # pragma: no cover - the scheme validates the method
            raise ValueError(method)
    return out


# ---- aggregation --------------------------------------------------------------------------------


def weighted_mean(pairs: list[tuple[float, float]], aggregation: str) -> float:
    """Weighted mean of (weight, score) pairs; geometric floors every score at 1 point."""
    total_w = sum(w for w, _ in pairs)
    if aggregation == "geometric":
        acc = 0.0
        for w, s in pairs:
            acc += w * math.log(max(s, 1.0))
        return math.exp(acc / total_w)
    acc = 0.0
    for w, s in pairs:
        acc += w * s
    return acc / total_w


# ---- grades -------------------------------------------------------------------------------------


def quota_size(share: float, graded: int, rounding: str) -> int:
    x = share * graded
    if rounding == "floor":
        return math.floor(x + EPS)
    if rounding == "round":  # halves up
        return math.floor(x + 0.5 + EPS)
    return math.ceil(x - EPS)


# ---- the reference ------------------------------------------------------------------------------


def office_raw(tables: dict[str, pd.DataFrame]) -> dict[tuple[str, str], float]:
    """(group_id, indicator) -> value from the optional ``indicators`` sheet."""
    out = {}
    for r in _rows(tables.get("indicators")):
        out[(r["group_id"], r["indicator"])] = None if _missing(r["value"]) else float(r["value"])
    return out


def scheme_score(
    tables: dict[str, pd.DataFrame], year: int, scheme, as_of: str | dt.date | None = None
) -> dict[str, GroupScore]:
    """Score every group of ``tables`` by the scoring rules (docs/reference/scoring.md) under ``scheme``; keyed by group_id."""
    cfg = scheme.model_dump()
    if cfg.get("rating_leniency"):
        raise NotImplementedError("the reference does not fit the rater-leniency model")
    if as_of is None:
        as_of = cfg.get("as_of") or dt.date(year, 12, 31)
    out = reference_raw(tables, year, as_of, tuple(cfg["rating_scale"]), cfg["rating_prior_weight"])
    groups = list(out)

    # --- office indicators ---
    office = office_raw(tables)
    for name in cfg["indicators"]:
        if any(name in out[g].raw for g in groups):
            continue  # a built-in
        for g in groups:
            out[g].raw[name] = office.get((g, name))

    # --- normalise ---
    for name, ind in cfg["indicators"].items():
        values = {g: out[g].raw.get(name) for g in groups}
        norm = normalize(values, ind["normalize"], ind["direction"])
        for g in groups:
            out[g].normalized[name] = norm[g]

    # --- aggregate ---
    aggregation = cfg["aggregation"]
    for g in groups:
        s = out[g]
        for comp in cfg["components"]:
            total_w = 0.0
            pairs = []
            for name, ind in cfg["indicators"].items():
                if ind["component"] != comp:
                    continue
                total_w += ind["weight"]
                if s.normalized[name] is not None:
                    pairs.append((ind["weight"], s.normalized[name]))
            avail_w = sum(w for w, _ in pairs)
            if not pairs or avail_w / total_w < cfg["min_coverage"] - EPS:
                s.components[comp] = None
            else:
                s.components[comp] = weighted_mean(pairs, aggregation)
        pairs = []
        for comp, c in cfg["components"].items():
            if s.components[comp] is None:
                s.flags.add("insufficient_data")
            else:
                pairs.append((c["weight"], s.components[comp]))
        s.base = weighted_mean(pairs, aggregation) if pairs else None

    # --- adjustments ---
    caps = cfg["adjustments"]
    adjustments = reference_adjustments(tables, year, as_of, caps["bonus_cap"], caps["deduction_cap"])
    for g in groups:
        s = out[g]
        s.bonus, s.deduction, veto = adjustments[g]
        if veto:
            s.flags.add("veto")
        if s.base is not None:
            s.final = min(max(s.base + s.bonus - s.deduction, 0.0), 100.0)

    # --- grades ---
    grades = cfg["grades"]
    bands = grades["bands"]
    tie_break = list(grades["tie_break"])
    graded = [g for g in groups if "insufficient_data" not in out[g].flags]
    remaining = []
    for g in graded:
        if "veto" in out[g].flags:
            out[g].grade = bands[-1]["name"]
        else:
            remaining.append(g)

    def compare(a: str, b: str) -> int:  # best first; 0 = tied on everything
        ka = [out[a].final] + [out[a].components[c] for c in tie_break]
        kb = [out[b].final] + [out[b].components[c] for c in tie_break]
        for x, y in zip(ka, kb, strict=True):
            if abs(x - y) > EPS:
                return -1 if x > y else 1
        return 0

    for band in bands:
        qualifying = [g for g in remaining if out[g].final >= band["min"] - EPS]
        if band.get("quota") is None:
            admitted = qualifying
        else:
            size = quota_size(band["quota"], len(graded), grades["quota_rounding"])
            ordered = sorted(qualifying, key=functools.cmp_to_key(compare))
            if len(ordered) <= size:
                admitted = ordered
            elif grades["ties"] == "demote":
                first_out = ordered[size]
                admitted = [g for g in ordered[:size] if compare(g, first_out) != 0]
            else:  # admit
                admitted = list(ordered[:size])
                if size > 0:
                    last_in = ordered[size - 1]
                    admitted += [g for g in ordered[size:] if compare(g, last_in) == 0]
            for g in qualifying:
                if g not in admitted:
                    out[g].flags.add("quota_demoted")
        for g in admitted:
            out[g].grade = band["name"]
        remaining = [g for g in remaining if g not in admitted]

    competition_ranks(out, groups, compare)
    return out
