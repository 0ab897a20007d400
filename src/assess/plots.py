"""Figures of a :class:`~assess.result.Result`, each returned as a matplotlib ``Figure``.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through pyplot: nothing
is registered with pyplot (so nothing to close, nothing shown twice by an inline backend) and
no global style is changed — the module's style applies only inside an ``rc_context``.
Labels are English or Chinese; Chinese labels need a CJK font, and without one the figure
falls back to English rather than drawing empty boxes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from assess.report import check_lang, component_labels, format_score, grade_label, text
from assess.result import Result

__all__ = ["components_vs_peers", "score_distribution", "cjk_font"]

_HIGHLIGHT = "#c0392b"
_PEERS = "#7f8c8d"
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font that draws Chinese, or ``None`` if there is none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FAMILIES if name in installed), None)


def _figure_lang(lang: str) -> str:
    """``lang``, or ``"en"`` when Chinese is asked for but no font can draw it."""
    check_lang(lang)
    return "zh" if lang == "zh" and cjk_font() is not None else "en"


# A light "whitegrid" look, written out rather than taken from seaborn: importing seaborn
# (and through it scipy.stats) costs each report kernel about 1.5 s, and seaborn's box and
# strip plots are not used here (see components_vs_peers).
_RC: dict[str, Any] = {
    "axes.facecolor": "white",
    "axes.edgecolor": "0.8",
    "axes.linewidth": 1.0,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.labelcolor": "0.15",
    "axes.labelsize": 10,
    "grid.color": "0.88",
    "grid.linestyle": "-",
    "text.color": "0.15",
    "xtick.color": "0.15",
    "ytick.color": "0.15",
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "xtick.major.size": 0,
    "ytick.major.size": 0,
    "font.size": 10,
    "legend.fontsize": 9,
    "figure.facecolor": "white",
}


@contextmanager
def _style(lang: str) -> Iterator[None]:
    """This module's plot style (and a CJK font for Chinese), for this block only."""
    rc = dict(_RC)
    font = cjk_font()
    if lang == "zh" and font is not None:
        # Concrete family names (not the generic "sans-serif") are stored on each text
        # artist, so the font still applies when the figure is drawn outside this block.
        rc["font.family"] = [font, "DejaVu Sans"]
    with mpl.rc_context(rc):
        yield


def components_vs_peers(result: Result, group_id: str, lang: str = "en") -> Figure:
    """The group's component scores against those of all groups.

    One row per component: every group's score as a grey dot, their range as a thin line,
    the quartiles as a band and the median as a black bar; the group itself is a red
    diamond labelled with its score.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group to highlight; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language (English if no CJK font is installed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    row = result.group(group_id)
    lang = _figure_lang(lang)
    labels = component_labels(result, lang)
    names = [name for name in labels if name in result.scores.columns]
    order = [labels[name] for name in names]
    with _style(lang):
        fig = Figure(figsize=(7.5, 1.0 + 0.8 * max(len(order), 1)), layout="constrained")
        ax = fig.add_subplot()
        for i, name in enumerate(names):
            values = pd.to_numeric(result.scores[name], errors="coerce").dropna()
            if not values.empty:
                # Drawn by hand rather than with seaborn's boxplot, which passes matplotlib 3.11
                # a deprecated argument: range as a thin line, quartiles as a band, median bar.
                q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
                ax.plot([values.min(), values.max()], [i, i], color="#95a5a6", linewidth=1, zorder=1)
                ax.barh(i, q3 - q1, left=q1, height=0.55, color="#ecf0f1", edgecolor="#95a5a6", zorder=2)
                ax.plot([median, median], [i - 0.3, i + 0.3], color="black", linewidth=2.2, zorder=4)
                # Seeded jitter (seaborn's stripplot draws from the global NumPy RNG), so the
                # same result always gives the same picture.
                jitter = np.random.default_rng(i).uniform(-0.18, 0.18, size=len(values))
                ax.scatter(values, i + jitter, s=16, color=_PEERS, alpha=0.55, linewidth=0, zorder=3)
            own = pd.to_numeric(pd.Series([row.get(name)]), errors="coerce").iloc[0]
            if pd.isna(own):
                ax.text(1, i, text("no_score", lang), color=_HIGHLIGHT, fontsize=9, va="center")
                continue
            ax.scatter([own], [i], marker="D", s=70, color=_HIGHLIGHT, edgecolor="white", linewidth=1, zorder=5)
            ax.annotate(
                format_score(own), (own, i), xytext=(0, 9), textcoords="offset points", ha="center",
                va="bottom", color=_HIGHLIGHT, fontsize=9, fontweight="bold", zorder=6,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
            )  # fmt: skip
        ax.set_xlim(0, 100)
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.set_yticks(range(len(order)), order)
        ax.set_xlabel(text("score", lang))
        ax.set_ylabel("")
        handles = [
            Line2D([], [], marker="o", linestyle="", color=_PEERS, alpha=0.7, label=text("all_groups", lang)),
            Patch(facecolor="#ecf0f1", edgecolor="#95a5a6", label=text("quartiles", lang)),
            Line2D([], [], color="black", linewidth=2.2, label=text("median", lang)),
            Line2D(
                [], [], marker="D", linestyle="", color=_HIGHLIGHT, label=text("this_group", lang, group_id=group_id)
            ),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=8.5)
    fig.set_label(f"{text('components', lang)} ({group_id})")
    return fig


def score_distribution(result: Result, lang: str = "en", highlight: str | None = None) -> Figure:
    """Histogram of all groups' final scores, with the grade thresholds as vertical lines.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    lang : {"en", "zh"}
        Label language (English if no CJK font is installed).
    highlight : str, optional
        A group ID whose final score is drawn as a red line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lang = _figure_lang(lang)
    scores = pd.to_numeric(result.scores["final_score"], errors="coerce").dropna()
    bands = ((result.meta.get("scheme") or {}).get("grades") or {}).get("bands") or []

    with _style(lang):
        fig = Figure(figsize=(7.5, 3.4), layout="constrained")
        ax = fig.add_subplot()
        if not scores.empty:
            ax.hist(scores.to_numpy(), bins=np.arange(0, 105, 5), color="#5d8aa8", edgecolor="white", zorder=2)
        counts = np.histogram(scores.to_numpy(), bins=np.arange(0, 105, 5))[0] if not scores.empty else [0]
        top = max(float(np.max(counts)) * 1.15, 1.0)
        above = ax.get_xaxis_transform()  # x in data units, y in axes units
        for band in bands:
            threshold = band.get("min")
            if threshold is None or not 0 < float(threshold) < 100:
                continue
            ax.axvline(float(threshold), color="#34495e", linestyle="--", linewidth=1)
            ax.text(
                float(threshold) + 0.6, 1.01, f"{grade_label(result, band.get('name'), lang)} ≥ {float(threshold):g}",
                transform=above, va="bottom", ha="left", fontsize=8, color="#34495e",
            )  # fmt: skip
        if highlight is not None:
            own = pd.to_numeric(pd.Series([result.group(highlight)["final_score"]]), errors="coerce").iloc[0]
            if not pd.isna(own):
                ax.axvline(own, color=_HIGHLIGHT, linewidth=2)
                ax.legend(
                    handles=[Line2D([], [], color=_HIGHLIGHT, linewidth=2, label=f"{highlight}: {format_score(own)}")],
                    loc="upper left", fontsize=8.5, frameon=True,
                )  # fmt: skip
        ax.set_xlim(0, 100)
        ax.set_ylim(0, top)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel(text("final_score", lang))
        ax.set_ylabel(text("groups_count", lang))
    fig.set_label(text("distribution", lang))
    return fig
