"""Figures of a :class:`~assess.result.Result`, each returned as a matplotlib ``Figure``.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through pyplot: nothing
is registered with pyplot (so nothing to close, nothing shown twice by an inline backend) and
no global style is changed — the module's style applies only inside an ``rc_context``.
Every figure is deterministic: the same result gives the same pixels (no random jitter).

Labels are English or Chinese. Chinese needs a CJK font: :func:`cjk_font` finds an
installed one (also one installed after matplotlib built its font cache); without any, the
figures fall back to English and a :class:`MissingFontWarning` says, once, which package
to install — never a chart of empty boxes.
"""

from __future__ import annotations

import math
import warnings
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

from assess import facts
from assess.labels import check_lang, component_labels, format_score, grade_label, quarter_label, text
from assess.result import Result

__all__ = [
    "components_vs_peers",
    "score_distribution",
    "ratings_by_quarter",
    "cjk_font",
    "figure_lang",
    "literal",
    "MissingFontWarning",
    "CJK_PACKAGES",
]

_HIGHLIGHT = "#c0392b"
_PEERS = "#7f8c8d"
_SWARM_MAX = 150  # above this many groups the components chart draws ticks, not a swarm
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Arial Unicode MS",
)
#: Debian/Ubuntu packages that provide a CJK font matplotlib can use.
CJK_PACKAGES = ("fonts-noto-cjk", "fonts-wqy-microhei")


class MissingFontWarning(UserWarning):
    """No installed font can draw Chinese; charts fall back to English labels."""


def _installed() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font that draws Chinese, or ``None`` if there is none.

    matplotlib caches its font list; a font installed after the cache was built is found
    by scanning the system font folders and adding the new files to this process's list.
    """
    installed = _installed()
    found = next((name for name in _CJK_FAMILIES if name in installed), None)
    if found is None:
        known = {f.fname for f in font_manager.fontManager.ttflist}
        for path in sorted(font_manager.findSystemFonts()):
            if path not in known:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # unreadable or unsupported font file
                    continue
        installed = _installed()
        found = next((name for name in _CJK_FAMILIES if name in installed), None)
    return found


_warned = False


def figure_lang(lang: str) -> str:
    """The language figures can be drawn in: ``lang``, or ``"en"`` when Chinese is asked
    for and no CJK font is installed (warning once per process with the fix)."""
    global _warned
    check_lang(lang)
    if lang != "zh" or cjk_font() is not None:
        return lang
    if not _warned:
        _warned = True
        warnings.warn(
            "No installed font can draw Chinese, so chart labels fall back to English (the report's text stays "
            f"Chinese). Install one, e.g. `sudo apt-get install {CJK_PACKAGES[0]}` or `{CJK_PACKAGES[1]}` "
            "on Debian/Ubuntu, then run again.",
            MissingFontWarning,
            stacklevel=2,
        )
    return "en"


# A light "whitegrid" look, written out so that nothing global is touched.
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


def literal(value: object) -> str:
    """``value`` as text matplotlib shows exactly as written, never as mathtext.

    Two ``$`` in a label (``$\\unknowncmd$``, "budget $5 to $8") would make matplotlib
    parse it as TeX math — wrong text, or an error that fails the figure. An escaped
    ``\\$`` is drawn as ``$``, and without mathtext ``\\`` and ``^`` are plain characters.
    Every text a figure takes from the data or the scheme goes through here.
    """
    return str(value).replace("$", r"\$")


@contextmanager
def _style(lang: str) -> Iterator[None]:
    """This module's plot style (and a CJK font for Chinese), for this block only."""
    rc = dict(_RC)
    font = cjk_font() if lang == "zh" else None
    if font is not None:
        # Concrete family names (not the generic "sans-serif") are stored on each text
        # artist, so the font still applies when the figure is drawn outside this block.
        rc["font.family"] = [font, "DejaVu Sans"]
    with mpl.rc_context(rc):
        yield


def components_vs_peers(result: Result, group_id: str, lang: str = "en") -> Figure:
    """The group's component scores against the distribution of all groups (seaborn).

    One row per component: every group's score as a dot (a seaborn swarm plot: no random
    jitter, so the picture is reproducible), the middle half of the groups as a band and
    the median as a black bar; the group itself is a red diamond labelled with its score.

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
    import seaborn as sns  # imported here: it costs about a second, and only this figure needs it

    row = result.group(group_id)
    lang = figure_lang(lang)
    labels = component_labels(result, lang)
    names = [name for name in labels if name in result.scores.columns]
    order = [literal(labels[name]) for name in names]
    long = pd.DataFrame(
        {
            "component": np.repeat(order, len(result.scores)),
            "score": np.concatenate(
                [pd.to_numeric(result.scores[n], errors="coerce").to_numpy(dtype=float) for n in names]
            )
            if names
            else np.array([], dtype=float),
        }
    ).dropna()
    with _style(lang):
        fig = Figure(figsize=(7.5, 1.1 + 0.85 * max(len(order), 1)), layout="constrained")
        ax = fig.add_subplot()
        for i, name in enumerate(names):
            values = pd.to_numeric(result.scores[name], errors="coerce").dropna()
            if not values.empty:
                # The box is drawn by hand: seaborn 0.13's boxplot passes matplotlib 3.11 a
                # deprecated argument (a warning on every call).
                q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
                ax.barh(i, q3 - q1, left=q1, height=0.7, color="#ecf0f1", edgecolor="#bdc3c7", zorder=1)
                ax.plot([median, median], [i - 0.38, i + 0.38], color="black", linewidth=2.2, zorder=4)
        if not long.empty and len(result.scores) <= _SWARM_MAX:
            sns.swarmplot(
                data=long, x="score", y="component", order=order, ax=ax, color=_PEERS, size=3.6, alpha=0.8,
                linewidth=0, zorder=3, warn_thresh=1.0,
            )  # fmt: skip
        elif not long.empty:  # a swarm's layout grows with the square of the groups: ticks instead
            sns.stripplot(
                data=long, x="score", y="component", order=order, ax=ax, color=_PEERS, jitter=False, marker="|",
                size=14, alpha=max(0.08, min(0.6, 40 / len(result.scores))), linewidth=1, zorder=3,
            )  # fmt: skip
        for i, name in enumerate(names):
            own = pd.to_numeric(pd.Series([row.get(name)]), errors="coerce").iloc[0]
            if pd.isna(own):
                ax.text(1, i, literal(text("no_score", lang)), color=_HIGHLIGHT, fontsize=9, va="center")
                continue
            ax.scatter([own], [i], marker="D", s=80, color=_HIGHLIGHT, edgecolor="white", linewidth=1, zorder=5)
            ax.annotate(
                format_score(own), (own, i), xytext=(0, 10), textcoords="offset points", ha="center",
                va="bottom", color=_HIGHLIGHT, fontsize=9, fontweight="bold", zorder=6,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
            )  # fmt: skip
        ax.set_xlim(0, 100)
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.set_yticks(range(len(order)), order)
        ax.set_xlabel(text("score", lang))
        ax.set_ylabel("")
        handles = [
            Line2D([], [], marker="o", linestyle="", color=_PEERS, alpha=0.8, label=text("all_groups", lang)),
            Patch(facecolor="#ecf0f1", edgecolor="#bdc3c7", label=text("quartiles", lang)),
            Line2D([], [], color="black", linewidth=2.2, label=text("median", lang)),
            Line2D(
                [],
                [],
                marker="D",
                linestyle="",
                color=_HIGHLIGHT,
                label=literal(text("this_group", lang, group_id=group_id)),
            ),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=8.5)
    fig.set_label(text("components_alt", lang))
    return fig


def score_distribution(result: Result, lang: str = "en", highlight: str | None = None) -> Figure:
    """Histogram of all groups' final scores, with the grade thresholds as vertical lines.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    lang : {"en", "zh"}
        Label language (English if no CJK font is installed); grade labels come from the
        scheme.
    highlight : str, optional
        A group ID whose final score is drawn as a red line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lang = figure_lang(lang)
    scores = pd.to_numeric(result.scores["final_score"], errors="coerce").dropna()
    bands = ((result.meta.get("scheme") or {}).get("grades") or {}).get("bands") or []

    with _style(lang):
        fig = Figure(figsize=(7.5, 3.2), layout="constrained")
        ax = fig.add_subplot()
        bins = np.arange(0, 105, 5)
        if not scores.empty:
            ax.hist(scores.to_numpy(), bins=bins, color="#5d8aa8", edgecolor="white", zorder=2)
        counts = np.histogram(scores.to_numpy(), bins=bins)[0] if not scores.empty else [0]
        top = max(float(np.max(counts)) * 1.15, 1.0)
        above = ax.get_xaxis_transform()  # x in data units, y in axes units
        for band in bands:
            threshold = band.get("min")
            if threshold is None or not 0 < float(threshold) < 100:
                continue
            ax.axvline(float(threshold), color="#34495e", linestyle="--", linewidth=1)
            ax.text(
                float(threshold) + 0.6, 1.01, literal(f"{grade_label(result, band.get('name'), lang)} ≥ {float(threshold):g}"),
                transform=above, va="bottom", ha="left", fontsize=8, color="#34495e",
            )  # fmt: skip
        if highlight is not None:
            own = pd.to_numeric(pd.Series([result.group(highlight)["final_score"]]), errors="coerce").iloc[0]
            if not pd.isna(own):
                ax.axvline(own, color=_HIGHLIGHT, linewidth=2)
                ax.legend(
                    handles=[Line2D([], [], color=_HIGHLIGHT, linewidth=2, label=literal(f"{highlight}: {format_score(own)}"))],
                    loc="upper left", fontsize=8.5, frameon=True,
                )  # fmt: skip
        ax.set_xlim(0, 100)
        ax.set_ylim(0, top)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel(text("final_score", lang))
        ax.set_ylabel(text("groups_count", lang))
    fig.set_label(text("distribution_alt", lang))
    return fig


def ratings_by_quarter(result: Result, group_id: str, lang: str = "en") -> Figure:
    """The group's mean rating per quarter against the spread of all groups.

    The band shows all groups' quarterly means (lightest: range; darker: middle half),
    the dashed line their median; the red line is this group, each point labelled.
    Ratings are shown on 0–100 as observed (before any leniency correction).

    Parameters
    ----------
    result : Result
        A loaded assessment result (with its inputs).
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language (English if no CJK font is installed).

    Returns
    -------
    matplotlib.figure.Figure
    """
    table = facts.ratings_by_quarter(result, group_id)
    lang = figure_lang(lang)
    with _style(lang):
        fig = Figure(figsize=(7.5, 3.0), layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(len(table))
        if len(table) and table["groups"].sum() > 0:
            ax.fill_between(x, table["min"], table["max"], color="#dfe6ec", linewidth=0, zorder=1)
            ax.fill_between(x, table["q1"], table["q3"], color="#b8c7d3", linewidth=0, zorder=2)
            ax.plot(x, table["median"], color="#34495e", linestyle="--", linewidth=1.3, zorder=3)
            ax.plot(x, table["mean"], color=_HIGHLIGHT, marker="o", linewidth=2, zorder=4)
            for xi, value in zip(x, table["mean"], strict=True):
                if not pd.isna(value):
                    ax.annotate(
                        format_score(value), (xi, value), xytext=(0, 7), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8.5, color=_HIGHLIGHT, fontweight="bold",
                    )  # fmt: skip
            values = pd.concat([table["min"], table["mean"]]).dropna()
            low = max(0.0, math.floor(float(values.min()) / 10) * 10 - 10) if len(values) else 0.0
            ax.set_ylim(low, 104)
        else:
            ax.set_ylim(0, 100)
            ax.text(0.5, 0.5, text("no_ratings", lang), transform=ax.transAxes, ha="center", va="center")
        ax.set_xticks(x, [literal(quarter_label(q, lang)) for q in table["quarter"]])
        ax.set_xlim(-0.3, max(len(table) - 1, 0) + 0.3)
        ax.set_xlabel(text("quarter", lang))
        ax.set_ylabel(text("rating_mean", lang))
        handles = [
            Line2D(
                [],
                [],
                color=_HIGHLIGHT,
                marker="o",
                linewidth=2,
                label=literal(text("rating_chart_group", lang, group_id=group_id)),
            ),
            Line2D([], [], color="#34495e", linestyle="--", label=text("rating_chart_median", lang)),
            Patch(facecolor="#b8c7d3", label=text("rating_chart_middle", lang)),
            Patch(facecolor="#dfe6ec", label=text("rating_chart_spread", lang)),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=8.5)
    fig.set_label(text("ratings_alt", lang))
    return fig
