"""The analysts' charts: monthly ledgers, ratings by quarter, correlations, what-if scores.

matplotlib ``Figure``\\ s for the notebooks, labelled in ``lang`` from the ``view_figure``
section of the catalogues (with a CJK font for Chinese, English when none is installed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from assess.common import LANGS, Domain
from assess.intake import Dataset
from assess.reporting._data_views import ledger_counts_by_month, rating_distribution
from assess.reporting._localise import figure_font, view_word
from assess.reporting._result_views import indicator_correlations
from assess.scoring import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ledger_figure", "rating_figure", "correlation_figure", "what_if_figure"]

#: Axis labels and titles, ``lang → {key: phrase}``.
WORDS = Domain("view_figure")

_STATUS_COLOURS = {"on_time": "#1a9850", "late": "#fdae61", "not_submitted": "#d73027", "no_ledger": "#bdbdbd"}
_METHOD_NAMES = {"spearman": "Spearman", "pearson": "Pearson", "kendall": "Kendall"}


def _fig(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def ledger_figure(dataset: Dataset, year: int, lang: str = "en") -> Figure:
    """Monthly ledgers of all groups: on time, late, not submitted or missing, per month."""
    counts = ledger_counts_by_month(dataset, year)
    with figure_font(lang) as lang:
        fig = _fig(7.5, 3.2)
        ax = fig.add_subplot()
        bottom = np.zeros(counts.shape[1])
        for status in counts.index:
            ax.bar(
                counts.columns,
                counts.loc[status],
                bottom=bottom,
                color=_STATUS_COLOURS[status],
                label=view_word(status, lang),
                width=0.8,
            )
            bottom += counts.loc[status].to_numpy()
        ax.set_xlabel(WORDS.text("ledger_x", lang, year=year))
        ax.set_ylabel(WORDS.text("ledger_y", lang))
        fig.legend(loc="outside right upper", frameon=False, fontsize=8)
        fig.set_label(WORDS.text("ledger_title", lang, year=year))
    return fig


def rating_figure(dataset: Dataset, year: int, as_of: str | None = None, lang: str = "en") -> Figure:
    """Distribution of item scores in each quarter (stacked shares)."""
    table = rating_distribution(dataset, year, as_of).drop(columns="items")
    with figure_font(lang) as lang:
        fig = _fig(7.5, 3.0)
        ax = fig.add_subplot()
        from matplotlib import colormaps

        cmap = colormaps["RdYlGn"]
        left = np.zeros(len(table))
        for k, col in enumerate(table.columns):
            ax.barh(
                table.index, table[col], left=left, color=cmap(k / max(len(table.columns) - 1, 1)), label=f"{col:g}"
            )
            left += table[col].to_numpy()
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_xlabel(WORDS.text("rating_x", lang))
        fig.legend(title=WORDS.text("rating_legend", lang), loc="outside right upper", frameon=False, fontsize=8)
        fig.set_label(WORDS.text("rating_title", lang, year=year))
    return fig


def _annotate_cells(ax: object, corr: pd.DataFrame) -> None:
    """Each correlation written in its cell, white on the dark ones."""
    n = len(corr)
    for i in range(n):
        for j in range(n):
            v = corr.iat[i, j]
            if not np.isnan(v):
                colour = "white" if abs(v) > 0.6 else "black"
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color=colour)  # type: ignore[attr-defined]


def correlation_figure(result: Result, method: str = "spearman", lang: str = "en") -> Figure:
    """Heat map of :func:`~assess.reporting._result_views.indicator_correlations`."""
    with figure_font(lang) as lang:
        corr = indicator_correlations(result, method, lang)
        n = len(corr)
        fig = _fig(1.2 + 0.62 * n, 0.8 + 0.55 * n)
        ax = fig.add_subplot()
        image = ax.imshow(corr.to_numpy(), vmin=-1, vmax=1, cmap="RdBu_r")
        ax.set_xticks(range(n), corr.columns, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(n), corr.index, fontsize=8)
        _annotate_cells(ax, corr)
        # English names the method as pandas does (``spearman``), Chinese by its author's name
        name = _METHOD_NAMES.get(method, method)
        bar, title = (method.capitalize(), method) if lang == "en" else (name, name)
        fig.colorbar(image, ax=ax, shrink=0.8, label=WORDS.text("correlation_bar", lang, method=bar))
        fig.set_label(WORDS.text("correlation_title", lang, method=title))
    return fig


def what_if_figure(table: pd.DataFrame, lang: str = "en") -> Figure:
    """Final score under the scheme against the alternative, one dot per group
    (from :func:`~assess.reporting._what_if.what_if`, in either language)."""
    ids = ("final_score", "final_score_alt", "grade_changed")
    table = table.rename(columns={view_word(key, other): key for other in LANGS for key in ids})
    with figure_font(lang) as lang:
        fig = _fig(5.0, 4.6)
        ax = fig.add_subplot()
        changed = table["grade_changed"].to_numpy(dtype=bool)
        ax.plot([0, 100], [0, 100], color="0.7", linewidth=1)
        for subset, size, colour, key in (
            (~changed, 18, "#4a6fa5", "same_grade"),
            (changed, 30, "#d73027", "grade_changes"),
        ):
            x, y = table.loc[subset, "final_score"], table.loc[subset, "final_score_alt"]
            ax.scatter(x, y, s=size, color=colour, label=WORDS.text(key, lang))
        for gid, row in table[changed].iterrows():
            ax.annotate(
                str(gid),
                (row["final_score"], row["final_score_alt"]),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=7,
            )
        lo = float(np.nanmin(table[["final_score", "final_score_alt"]].to_numpy(dtype=float))) - 2 if len(table) else 0
        ax.set_xlim(lo, 100)
        ax.set_ylim(lo, 100)
        ax.set_xlabel(WORDS.text("what_if_x", lang))
        ax.set_ylabel(WORDS.text("what_if_y", lang))
        ax.legend(frameon=False, fontsize=8)
        fig.set_label(WORDS.text("what_if_title", lang))
    return fig
