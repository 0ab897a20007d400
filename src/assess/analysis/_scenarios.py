"""What a group that appeals needs: its grade under each reasonable alternative of the scheme.

The one-at-a-time analysis of the JRC audits (and of COINr): every alternative changes one
choice of the scheme and rescores every group with :func:`assess.score`:

- each other normalisation (``minmax``, ``rank``, ``tscore``; ``goalposts`` keeps each
  indicator's bounds, so it is the scheme itself unless the scheme normalises otherwise);
- the other aggregation (geometric for arithmetic, or back);
- each component's weight 20 % up and 20 % down, the component weights renormalised to 1;
- shrinkage of the ratings off (``rating_prior_weight: 0``), or on (5) if the scheme has none;
- the other quota tie rule (``admit`` for ``demote``, or back);
- each indicator dropped in turn, its component's other weights renormalised (skipped when
  it is its component's only indicator).

:func:`scenarios` gives the long table (``scenario, group_id, final_score, rank, grade``);
:func:`grade_line` says in one line how a group's grade holds ("graded 良好 under 14 of 16
alternatives; 合格 under: geometric aggregation, ratings weight −20 %"). Relative
normalisations under absolute thresholds are what :func:`~assess.intake._scheme.load_scheme`
refuses in an office's file; here they are shown as what they are, one alternative among many.

>>> import assess
>>> result = assess.score(assess.load("data/sample-2025.xlsx"), year=2025)  # doctest: +SKIP
>>> table = scenarios(result)                                                  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from assess.common import Domain
from assess.intake import Dataset, Scheme, parse_scheme
from assess.scoring import Result, Window, adjust, aggregate, grade, normalize, order_rank, prepare

__all__ = [
    "SCENARIO_COLUMNS",
    "alternatives",
    "scenarios",
    "attach_scenarios",
    "label",
    "band_labels",
    "grade_line",
    "held_apart",
    "scenario_sheet",
]

SCENARIO_COLUMNS = ["scenario", "group_id", "final_score", "rank", "grade"]
#: Words of the scenario labels, lines and sheet (section ``scenarios`` of the message catalogues).
SCENARIO_WORDS = Domain("scenarios")
STEP = 0.2  # weights up and down by 20 %


def alternatives(scheme: Scheme) -> list[tuple[str, Scheme]]:
    """``(key, scheme)`` of every one-at-a-time alternative of ``scheme`` (see the module docstring)."""
    base = scheme.model_dump(mode="json", exclude_none=True)
    base.pop("uncertainty", None)
    out: list[tuple[str, dict[str, Any]]] = []

    def variant() -> dict[str, Any]:
        return parse_copy(base)

    own = {ind.normalize.method for ind in scheme.indicators.values()}
    for method in ("goalposts", "minmax", "rank", "tscore"):
        if method == "goalposts" and own == {"goalposts"}:
            continue  # the scheme itself
        if method != "goalposts" and own == {method}:
            continue
        d = variant()
        for key, ind in d["indicators"].items():
            if method == "goalposts":
                if scheme.indicators[key].normalize.method != "goalposts":
                    continue  # no bounds to use: keeps its own method
            else:
                ind["normalize"] = {"method": method}
        out.append((f"normalisation:{method}", d))
    d = variant()
    d["aggregation"] = "geometric" if scheme.aggregation == "arithmetic" else "arithmetic"
    out.append((f"aggregation:{d['aggregation']}", d))
    for comp in scheme.components:
        for sign, factor in (("+", 1 + STEP), ("-", 1 - STEP)):
            d = variant()
            d["components"][comp]["weight"] *= factor
            total = sum(c["weight"] for c in d["components"].values())
            for c in d["components"].values():
                c["weight"] /= total
            out.append((f"weight:{comp}:{sign}", d))
    d = variant()
    d["rating_prior_weight"] = 0 if scheme.rating_prior_weight > 0 else 5
    out.append(("shrinkage:off" if scheme.rating_prior_weight > 0 else "shrinkage:on", d))
    if any(b.quota is not None for b in scheme.grades.bands):
        d = variant()
        d["grades"]["ties"] = "admit" if scheme.grades.ties == "demote" else "demote"
        out.append((f"ties:{d['grades']['ties']}", d))
    for key, ind in scheme.indicators.items():
        siblings = [k for k, i in scheme.indicators.items() if i.component == ind.component and k != key]
        if not siblings:
            continue
        d = variant()
        del d["indicators"][key]
        total = sum(d["indicators"][k]["weight"] for k in siblings)
        for k in siblings:
            d["indicators"][k]["weight"] /= total
        out.append((f"drop:{key}", d))
    return [(key, parse_scheme(d, f"scenario {key}")) for key, d in out]


def parse_copy(data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a plain scheme mapping."""
    import copy

    return copy.deepcopy(data)


def _dataset(result: Result) -> Dataset:
    return Dataset(tables=dict(result.inputs), source=str(result.meta.get("input") or ""), sha256="")


def scenarios(result: Result, dataset: Dataset | None = None) -> pd.DataFrame:
    """Score, rank and grade of every group under the scheme (``scenario`` = ``nominal``) and under
    each alternative (:func:`alternatives`): one row per (scenario, group).

    ``dataset`` defaults to the tables the result was scored from (``result.inputs``).
    """
    scheme = result.scheme
    dataset = dataset if dataset is not None else _dataset(result)
    year, as_of = int(result.meta["year"]), result.meta.get("as_of")
    parts = [result.scores.assign(scenario="nominal")[SCENARIO_COLUMNS]]
    prepared = prepare(dataset, year, as_of, scheme)  # the indicators once; the shrinkage alternative prepares its own
    for key, alt in alternatives(scheme):
        parts.append(prepared.rescore(alt).scores.assign(scenario=key)[SCENARIO_COLUMNS])
    table = pd.concat(parts, ignore_index=True)
    table["rank"] = table["rank"].astype("Int64")
    return table


def light_score(raw: pd.DataFrame, dataset: Dataset, window: Window, scheme: Scheme) -> pd.DataFrame:
    """``group_id, final_score, rank, grade`` as :func:`assess.score` computes them from the raw
    indicators (normalise, aggregate, adjust, grade, rank), without the flags, contributions and
    rating quality a full result carries (``tests/test_scenarios.py`` checks they agree)."""
    cols = list(scheme.indicators)
    norm = normalize(raw[cols], scheme)
    components, base = aggregate(norm, scheme)
    adj = adjust(base, dataset.tables["adjustments"], window, scheme)
    insufficient = components.isna().any(axis=1)
    grades = grade(adj["final_score"], components, adj["veto"], insufficient, scheme)
    ranked = ~insufficient & ~adj["veto"]
    rank = order_rank(adj["final_score"], components, ranked, list(scheme.grades.tie_break))
    return pd.DataFrame(
        {
            "group_id": raw.index.to_numpy(),
            "final_score": adj["final_score"].to_numpy(),
            "rank": rank.array,
            "grade": grades["grade"].to_numpy(),
        }
    )


def attach_scenarios(result: Result, dataset: Dataset | None = None) -> Result:
    """``result`` with its scenario table (``result.scenarios``) and coherence checks (``result.coherence``)."""
    from assess.analysis._coherence import coherence

    return dataclasses.replace(result, scenarios=scenarios(result, dataset), coherence=coherence(result))


# ---- in words ---------------------------------------------------------------------------------


def _component_label(result: Result, name: str, lang: str) -> str:
    return result.scheme.component_label(name, lang)


def _indicator_label(name: str, lang: str) -> str:
    labels = Domain("indicator")[lang]
    return str(labels[name]) if name in labels else name


def label(result: Result, key: str, lang: str = "en") -> str:
    """The alternative ``key`` in words ("geometric aggregation", "服务对象评价权重 −20%")."""
    words = SCENARIO_WORDS[lang]
    kind, _, rest = key.partition(":")
    if kind == "nominal":
        return words["nominal"]
    if kind == "normalisation":
        return words["normalisation"].format(method=words[f"method.{rest}"])
    if kind == "aggregation":
        return words[f"aggregation.{rest}"]
    if kind == "weight":
        comp, sign = rest.split(":")
        return words[f"weight.{'up' if sign == '+' else 'down'}"].format(
            component=_component_label(result, comp, lang), step=int(STEP * 100)
        )
    if kind in ("shrinkage", "ties"):
        return words[f"{kind}.{rest}"]
    if kind == "drop":
        return words["drop"].format(indicator=_indicator_label(rest, lang))
    return key


def band_labels(result: Result, lang: str) -> dict[str, str]:
    """Grade band name → its label in ``lang``, from the result's scheme."""
    return {b.name: str(getattr(b.label, lang, "") or b.name) for b in result.scheme.grades.bands}


RELATIVE = ("normalisation:minmax", "normalisation:rank", "normalisation:tscore")


def held_apart(result: Result) -> list[str]:
    """The alternatives whose grades are not held against the scheme's thresholds: the relative
    normalisations, when the scheme's grades are absolute points (``grades.relative`` unset).
    A min–max, rank or T-score scale places a group among the others, so a perfect group may
    score 79.9 there: its grade under such a scale says nothing an appeal can use; its rank does.
    """
    return [] if result.scheme.grades.relative else list(RELATIVE)


def grade_line(result: Result, group_id: str, lang: str = "en") -> str:
    """How the group's grade holds under the alternatives, in one line; "" without scenarios
    or for an ungraded group. "Graded 良好 under 14 of 16 alternatives; 合格 under: geometric
    aggregation, ratings weight −20 %". Relative normalisations under absolute thresholds are
    counted apart (:func:`held_apart`): the line names them and points to their ranks."""
    table = getattr(result, "scenarios", None)
    if table is None or table.empty:
        return ""
    words, bands = SCENARIO_WORDS[lang], band_labels(result, lang)
    mine = table[table["group_id"] == group_id]
    nominal = mine.loc[mine["scenario"] == "nominal", "grade"]
    if nominal.empty or pd.isna(nominal.iloc[0]):
        return ""
    grade = nominal.iloc[0]
    apart = [k for k in held_apart(result) if k in set(mine["scenario"])]
    alts = mine[(mine["scenario"] != "nominal") & ~mine["scenario"].isin(apart)]
    same = int((alts["grade"] == grade).sum())
    note = (
        words["relative"].format(n=len(apart), alternatives=words["and"].join(label(result, k, lang) for k in apart))
        if apart
        else ""
    )
    if same == len(alts):
        text = words["line_all"].format(grade=bands.get(grade, grade), n=len(alts))
        return text[: -len(words["end"])] + note + words["end"] if note else text
    text = words["line"].format(grade=bands.get(grade, grade), same=same, n=len(alts))
    order = list(bands)
    others = alts[alts["grade"] != grade]
    for g in sorted(others["grade"].dropna().unique(), key=lambda b: order.index(b) if b in order else len(order)):
        keys = others.loc[others["grade"] == g, "scenario"]
        text += words["line_other"].format(
            grade=bands.get(g, g), alternatives=words["and"].join(label(result, k, lang) for k in keys)
        )
    return text + note + words["end"]


def scenario_sheet(result: Result, lang: str = "en") -> pd.DataFrame:
    """The ``scenarios`` sheet: one row per group and alternative, with the nominal values
    beside; headers in ``lang``."""
    table = result.scenarios
    if table is None or table.empty:
        return pd.DataFrame()
    words, bands = SCENARIO_WORDS[lang], band_labels(result, lang)
    nominal = table[table["scenario"] == "nominal"].set_index("group_id")
    alts = table[table["scenario"] != "nominal"].copy()
    names = result.scores.set_index("group_id")["name"]
    out = pd.DataFrame(
        {
            words["col.scenario"]: [label(result, k, lang) for k in alts["scenario"]],
            words["col.group_id"]: alts["group_id"].to_numpy(),
            words["col.name"]: names.reindex(alts["group_id"]).to_numpy(),
            words["col.final_score"]: alts["final_score"].round(2).to_numpy(),
            words["col.rank"]: alts["rank"].to_numpy(),
            words["col.grade"]: [bands.get(g, g) if isinstance(g, str) else "" for g in alts["grade"]],
            words["col.nominal_score"]: nominal["final_score"].reindex(alts["group_id"]).round(2).to_numpy(),
            words["col.nominal_rank"]: nominal["rank"].reindex(alts["group_id"]).to_numpy(),
            words["col.nominal_grade"]: [
                bands.get(g, g) if isinstance(g, str) else "" for g in nominal["grade"].reindex(alts["group_id"])
            ],
            words["col.changed"]: [
                words["mark_yes"] if a != b else ""
                for a, b in zip(
                    alts["grade"].fillna(""), nominal["grade"].reindex(alts["group_id"]).fillna(""), strict=True
                )
            ],
        }
    )
    return out.reset_index(drop=True)
