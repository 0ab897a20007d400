"""Coherence checks of the framework (the JRC COIN audit's statistical step).

Over the graded groups, on the normalised indicator scores:

- per component: **Cronbach's alpha** of its indicators (groups with every indicator of the
  component; ``k/(k − 1)·(1 − Σ Var(xᵢ)/Var(Σ xᵢ))``) and the **share of the first principal
  component** (largest eigenvalue of the indicators' correlation matrix over their number):
  how far the indicators of one component measure one thing;
- per indicator: **skewness** and **kurtosis** (the bias-corrected sample estimates, excess
  kurtosis, as pandas and Excel compute them) with the JRC's outlier rule: |skewness| > 2
  **and** kurtosis > 3.5 — a few groups far from the rest would then carry the spread;
- per indicator: its **correlation with its own component's score**; a negative one means it
  runs against the component it is part of.

Red flags (``red_flag``): an outlier indicator and an indicator negatively correlated with
its component. Alpha and the first component's share are reported, not judged: with two or
three indicators per component they are low by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assess.common import Domain
from assess.scoring import Result

__all__ = ["coherence", "cronbach_alpha", "pc1_share", "red_flags", "coherence_sheet", "COHERENCE_COLUMNS"]

COHERENCE_COLUMNS = [
    "level",
    "name",
    "component",
    "n",
    "cronbach_alpha",
    "pc1_share",
    "skewness",
    "kurtosis",
    "outlier",
    "corr_component",
    "negative",
    "red_flag",
]
SKEW, KURT = 2.0, 3.5
COHERENCE_WORDS = Domain("coherence")


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns of ``items`` over the complete rows (NaN when undefined).

    By hand: variances 5/3 and 35/12, of the sum 107/12, so α = 2·(1 − (55/12)/(107/12)) = 104/107.

    >>> round(cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 5]})), 6)
    0.971963
    """
    x = items.dropna()
    k = x.shape[1]
    if k < 2 or len(x) < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if not total > 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(ddof=1).sum() / total))


def pc1_share(items: pd.DataFrame) -> float:
    """Share of the total variance of the standardised columns on the first principal component."""
    x = items.dropna()
    x = x.loc[:, x.std(ddof=1) > 0]
    if x.shape[1] < 2 or len(x) < 3:
        return float("nan")
    eig = np.linalg.eigvalsh(np.corrcoef(x.to_numpy(dtype=float), rowvar=False))
    return float(eig[-1] / eig.sum())


def coherence(result: Result) -> pd.DataFrame:
    """One row per component and per indicator of the scheme (columns :data:`COHERENCE_COLUMNS`);
    empty with fewer than three graded groups."""
    scheme = result.scheme
    indicators = scheme.indicators
    scores = result.scores.set_index("group_id")
    graded = scores.index[scores["grade"].notna()]
    if result.contributions is None or len(graded) < 3:
        return pd.DataFrame(columns=COHERENCE_COLUMNS)
    norm = result.contributions.pivot(index="group_id", columns="indicator", values="normalized").reindex(
        index=graded, columns=list(indicators)
    )
    rows = []
    for comp in scheme.components:
        items = norm[scheme.members(comp)]
        rows.append(
            {
                "level": "component",
                "name": comp,
                "component": comp,
                "n": int(len(items.dropna())),
                "cronbach_alpha": cronbach_alpha(items),
                "pc1_share": pc1_share(items),
            }
        )
    for key, ind in indicators.items():
        x = norm[key].dropna()
        comp = ind.component
        c = scores.loc[x.index, comp].astype(float) if comp in scores.columns else pd.Series(dtype=float)
        skew = float(x.skew()) if len(x) > 2 else float("nan")
        kurt = float(x.kurt()) if len(x) > 3 else float("nan")
        r = float(x.corr(c)) if len(x) > 2 and x.std() > 0 and c.std() > 0 else float("nan")
        outlier = bool(abs(skew) > SKEW and kurt > KURT)
        negative = bool(r < 0)
        rows.append(
            {
                "level": "indicator",
                "name": key,
                "component": comp,
                "n": int(len(x)),
                "skewness": skew,
                "kurtosis": kurt,
                "outlier": outlier,
                "corr_component": r,
                "negative": negative,
                "red_flag": outlier or negative,
            }
        )
    table = pd.DataFrame(rows, columns=COHERENCE_COLUMNS)
    for col in ("outlier", "negative", "red_flag"):
        table[col] = table[col].astype("boolean")
    table.loc[table["level"] == "component", "red_flag"] = False
    return table


def red_flags(result: Result, lang: str = "en") -> str:
    """The red flags of :func:`coherence` in one sentence ("" when there are none); the checks
    are run on ``result`` when it does not carry them."""
    table = getattr(result, "coherence", None)
    if table is None:
        table = coherence(result)
    if table.empty:
        return ""
    words = COHERENCE_WORDS[lang]
    labels = Domain("indicator")[lang]
    items = []
    for _, row in table[table["red_flag"].fillna(False).astype(bool)].iterrows():
        name = str(labels[row["name"]]) if row["name"] in labels else row["name"]
        if row["outlier"]:
            items.append(
                words["flag.outlier"].format(
                    indicator=name, skew=f"{row['skewness']:.1f}", kurt=f"{row['kurtosis']:.1f}"
                )
            )
        if row["negative"]:
            comp = result.scheme.component_label(row["component"], lang)
            items.append(
                words["flag.negative"].format(indicator=name, component=comp, r=f"{row['corr_component']:.2f}")
            )
    return words["flags"].format(items=words["and"].join(items)) if items else ""


def coherence_sheet(result: Result, lang: str = "en") -> pd.DataFrame:
    """The ``coherence`` sheet with headers in ``lang``."""
    table = getattr(result, "coherence", None)
    if table is None or table.empty:
        return pd.DataFrame()
    words = COHERENCE_WORDS[lang]
    out = table.copy()
    out["level"] = out["level"].map(lambda v: words[f"level.{v}"])
    for col in ("outlier", "negative", "red_flag"):
        out[col] = out[col].map(lambda v: words["mark_yes"] if v is True else "")
    for col in ("cronbach_alpha", "pc1_share", "skewness", "kurtosis", "corr_component"):
        out[col] = out[col].astype(float).round(3)
    return out.rename(columns={c: words[f"col.{c}"] for c in COHERENCE_COLUMNS})
