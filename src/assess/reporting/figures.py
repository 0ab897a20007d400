"""Figures of a :class:`~assess.scoring._result.Result`, each returned as a matplotlib ``Figure``.

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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from assess.analysis import Uncertainty, importance
from assess.common import Domain
from assess.reporting import _facts as facts
from assess.reporting._docstrings import shared_parameters
from assess.reporting._i18n import (
    check_lang,
    component_labels,
    format_score,
    grade_label,
    indicator_label,
    mark,
    quarter_label,
    text,
)
from assess.reporting._uncertainty_text import UNCERTAINTY_WORDS, group_row, per_group_table, percent
from assess.scoring import Result

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "components_vs_peers",
    "score_distribution",
    "ratings_by_quarter",
    "cjk_font",
    "figure_lang",
    "literal",
    "MissingFontWarning",
    "CJK_PACKAGES",
    "rank_intervals_figure",
    "group_figure",
    "importance_figure",
    "importance_sentence",
    "scenario_figure",
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
_RC: dict[RcKeyType, Any] = {
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
    rc: dict[RcKeyType, Any] = dict(_RC)
    font = cjk_font() if lang == "zh" else None
    if font is not None:
        # Concrete family names (not the generic "sans-serif") are stored on each text
        # artist, so the font still applies when the figure is drawn outside this block.
        rc["font.family"] = [font, "DejaVu Sans"]
    with mpl.rc_context(rc):
        yield


@shared_parameters(figure=True, highlight=True)
def components_vs_peers(result: Result, group_id: str, lang: str = "en") -> Figure:
    """The group's component scores against the distribution of all groups (seaborn).

    One row per component: every group's score as a dot (a seaborn swarm plot: no random
    jitter, so the picture is reproducible), the middle half of the groups as a band and
    the median as a black bar; the group itself is a red diamond labelled with its score.
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
    bands = result.scheme.grades.bands

    with _style(lang):
        fig = Figure(figsize=(7.5, 3.2), layout="constrained")
        ax = fig.add_subplot()
        bins = list(range(0, 105, 5))
        if not scores.empty:
            ax.hist(scores.to_numpy(), bins=bins, color="#5d8aa8", edgecolor="white", zorder=2)
        counts = np.histogram(scores.to_numpy(), bins=bins)[0] if not scores.empty else [0]
        top = max(float(np.max(counts)) * 1.15, 1.0)
        above = ax.get_xaxis_transform()  # x in data units, y in axes units
        for band in bands:
            threshold = band.min
            if not 0 < float(threshold) < 100:
                continue
            ax.axvline(float(threshold), color="#34495e", linestyle="--", linewidth=1)
            ax.text(
                float(threshold) + 0.6, 1.01, literal(f"{grade_label(result, band.name, lang)} ≥ {float(threshold):g}"),
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
        locator = ax.yaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # the default AutoLocator is one: whole numbers of groups
            locator.set_params(integer=True)
        ax.set_xlabel(text("final_score", lang))
        ax.set_ylabel(text("groups_count", lang))
    fig.set_label(text("distribution_alt", lang))
    return fig


@shared_parameters(inputs=True, figure=True)
def ratings_by_quarter(result: Result, group_id: str, lang: str = "en") -> Figure:
    """The group's mean rating per quarter against the spread of all groups.

    The band shows all groups' quarterly means (lightest: range; darker: middle half),
    the dashed line their median; the red line is this group, each point labelled.
    Ratings are shown on 0–100 as observed (before any leniency correction).
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


# ---- uncertainty of the grades (assess.analysis._uncertainty) ----

_UNGRADED_COLOUR = "#bdbdbd"


def _figure_lang(lang: str) -> tuple[str, list[str] | None]:
    """``lang`` and the font family to draw it; English when no installed font draws Chinese."""
    if lang != "zh":
        return lang, None
    font = cjk_font()
    return ("zh", [font, "DejaVu Sans"]) if font else ("en", None)


def _band_colours(n: int) -> list[str]:
    """Green for the best band to red for the worst."""
    from matplotlib import colormaps, colors

    cmap = colormaps["RdYlGn"]
    return [colors.to_hex(cmap(0.85 - 0.75 * i / max(n - 1, 1))) for i in range(n)]


def _probabilities(table: pd.DataFrame, bands: list[tuple[str, str]]) -> np.ndarray:
    return np.column_stack(
        [table[f"p_{b}"].to_numpy(dtype=float) for b, _ in bands] + [table["p_ungraded"].to_numpy(dtype=float)]
    )


def _rc(font: list[str] | None, settings: dict[RcKeyType, Any]) -> dict[RcKeyType, Any]:
    """matplotlib ``settings`` for one figure, with ``font`` (a CJK family) when there is one."""
    rc = dict(settings)
    if font:
        rc["font.family"] = font
    return rc


class _UncertaintyInputs(NamedTuple):
    """What both uncertainty figures start from: the language drawn in, its font, the per-group
    table, the grade bands (labels as literal figure text), the words and the colours."""

    lang: str
    font: list[str] | None
    table: pd.DataFrame
    bands: list[tuple[str, str]]
    words: Mapping[str, str]
    colours: list[str]


def _uncertainty_inputs(source: Result | Uncertainty, lang: str) -> _UncertaintyInputs:
    lang, font = _figure_lang(lang)
    table, bands, _ = per_group_table(source, lang)
    bands = [(b, literal(label)) for b, label in bands]  # scheme labels are figure text, never mathtext
    colours = [*_band_colours(len(bands)), _UNGRADED_COLOUR]
    return _UncertaintyInputs(lang, font, table, bands, UNCERTAINTY_WORDS[lang], colours)


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

    lang, font, table, bands, words, colours = _uncertainty_inputs(source, lang)
    t = table.assign(_r=table["nominal_rank"].astype("Float64").fillna(np.inf)).sort_values(
        ["_r", "group_id"], kind="stable"
    )
    n = len(t)
    y = np.arange(n)
    probs = _probabilities(t, bands)
    rc = _rc(
        font, {"font.size": 9, "axes.edgecolor": "0.7", "axes.grid": True, "grid.color": "0.9", "axes.axisbelow": True}
    )
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


@shared_parameters(uncertainty=True, figure=True)
def group_figure(source: Result | Uncertainty, group_id: str, lang: str = "en") -> Figure:
    """A small chart for one group's report: its rank interval and its grade probabilities.

    Left: the rank axis of all groups (1 = best) with the group's 5–95 % interval, median
    and nominal rank. Right: one stacked bar of the probability of each grade, labelled
    where a grade has at least 8 %.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    lang, font, table, bands, words, colours = _uncertainty_inputs(source, lang)
    row = group_row(table, group_id)
    n = int(table["nominal_rank"].astype("Float64").max()) if table["nominal_rank"].notna().any() else 1
    probs = _probabilities(row.to_frame().T, bands)[0]
    labels = [label for _, label in bands] + [words["ungraded"]]
    with mpl.rc_context(_rc(font, {"font.size": 9, "axes.edgecolor": "0.7"})):
        fig = Figure(figsize=(7.0, 1.7), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[2.2, 1.4])
        left.axhline(0, color="0.85", linewidth=6, solid_capstyle="butt", xmin=0, xmax=1)
        if not pd.isna(row["rank_p05"]):
            left.plot([row["rank_p05"], row["rank_p95"]], [0, 0], color="#4a6fa5", linewidth=6, solid_capstyle="round")
            left.scatter([row["rank_median"]], [0], s=30, color="white", edgecolor="#4a6fa5", zorder=3)
        if not pd.isna(row["nominal_rank"]):
            left.scatter([row["nominal_rank"]], [0], marker="|", s=300, color="black", zorder=4)
            left.annotate(
                str(int(row["nominal_rank"])),
                (row["nominal_rank"], 0),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                fontsize=9,
                fontweight="bold",
            )
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


# ---- indicator importance (assess.analysis._importance) ----

#: Words of the figure and the sentence, ``lang → {key: phrase}`` (section ``importance`` of the message catalogues).
_IMPORTANCE_WORDS = Domain("importance")


def importance_figure(result: Result, lang: str = "en") -> Figure:
    """Each indicator's nominal weight beside its share of the weighted spread (a bar pair
    per indicator, largest share first), labelled in ``lang`` (``en`` or ``zh``)."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    if lang not in _IMPORTANCE_WORDS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(_IMPORTANCE_WORDS)}.")
    lang, font = _figure_lang(lang)
    words = _IMPORTANCE_WORDS[lang]
    table = importance(result)
    with mpl.rc_context(_rc(font, {"font.size": 9})):
        fig = Figure(figsize=(7.0, 0.42 * max(len(table), 2) + 1.2), layout="constrained")
        ax = fig.subplots()
        y = np.arange(len(table))
        ax.barh(y - 0.2, table["nominal_weight"], height=0.4, color="#9bb3d6", label=words["weight"])
        ax.barh(y + 0.2, table["corr_ratio_share"], height=0.4, color="#d9822b", label=words["share"])
        ax.set_yticks(y, [indicator_label(k, lang) for k in table["indicator"]])
        ax.invert_yaxis()
        ax.set_xlabel(words["axis"])
        ax.set_title(words["title"])
        ax.legend(loc="lower right")
        ax.grid(axis="x", color="0.9")
        ax.set_axisbelow(True)
    fig.set_label(words["title"])
    return fig


def importance_sentence(result: Result, lang: str = "en") -> str:
    """One plain sentence for the index: the indicator whose share of the weighted spread
    most exceeds its nominal weight, and the one that falls most short of it ("" with
    fewer than three graded groups)."""
    if lang not in _IMPORTANCE_WORDS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(_IMPORTANCE_WORDS)}.")
    table = importance(result)
    if table.empty or table["corr_ratio_share"].isna().all():
        return ""
    gap = table["corr_ratio_share"] - table["nominal_weight"]
    top, low = table.loc[gap.idxmax()], table.loc[gap.idxmin()]

    def pct(x: float) -> str:
        return mark("percent", lang, value=f"{x * 100:.0f}")

    return _IMPORTANCE_WORDS[lang]["sentence"].format(
        top=indicator_label(top["indicator"], lang),
        top_w=pct(top["nominal_weight"]),
        top_s=pct(top["corr_ratio_share"]),
        low=indicator_label(low["indicator"], lang),
        low_w=pct(low["nominal_weight"]),
        low_s=pct(low["corr_ratio_share"]),
    )


def scenario_figure(result: Result, lang: str = "en") -> Figure:
    """Each group's grade under every alternative of the scheme (``result.scenarios``): a grid,
    groups × alternatives, one colour per band, labelled in ``lang`` with a CJK font for Chinese."""
    import matplotlib as mpl
    from matplotlib.colors import ListedColormap

    from assess.analysis import SCENARIO_WORDS, band_labels, label

    table = result.scenarios
    if table is None or table.empty:
        raise ValueError(
            "This result has no scenario table; add one with assess.analysis._scenarios.attach_scenarios(result)."
        )
    lang, font = _figure_lang(lang)
    bands = band_labels(result, lang)
    order = list(bands)
    keys = list(dict.fromkeys(table["scenario"]))
    groups = list(result.scores.sort_values("final_score", ascending=False)["group_id"])
    grid = table.pivot(index="group_id", columns="scenario", values="grade").reindex(index=groups, columns=keys)
    codes = grid.apply(lambda c: c.map(lambda g: order.index(g) if g in order else np.nan)).to_numpy(dtype=float)
    words = SCENARIO_WORDS[lang]
    with mpl.rc_context(_rc(font, {"font.size": 8})):
        fig = Figure(figsize=(max(6, 0.35 * len(keys) + 2), max(4, 0.22 * len(groups) + 1.5)), dpi=100)
        ax = fig.subplots()
        colours = ["#1a9850", "#91cf60", "#fee08b", "#d73027", "#762a83", "#999999"][: max(len(order), 1)]
        ax.imshow(codes, aspect="auto", cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5)
        ax.set_xticks(range(len(keys)), [label(result, k, lang) for k in keys], rotation=90, fontsize=7)
        ax.set_yticks(range(len(groups)), groups, fontsize=6)
        ax.set_title(words["figure_title"])
        handles = [Patch(color=colours[i], label=bands[b]) for i, b in enumerate(order)]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
        fig.set_label(words["figure_title"])
        fig.tight_layout()
    return fig
