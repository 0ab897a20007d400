"""The sections of one group's report, as HTML, so the report notebook holds no logic.

Each ``*_section`` function takes a loaded :class:`~assess.scoring._result.Result`, a group and a
language and returns an :class:`IPython.display.HTML` the notebook displays as is. The
numbers come from :mod:`assess.reporting._facts`, the words from :mod:`assess.reporting._i18n` (component and
grade labels from the scheme), the figures from :mod:`assess.reporting.figures` (inlined as JPEG, :data:`JPEG_OPTIONS`).
The HTML itself lives in templates, ``templates/sections/<name>.html.j2`` with the building
blocks in ``templates/macros.html.j2``; the functions here only prepare plain data for them
(:mod:`assess.reporting._render`). The templates escape every value they print, so a name or a
comment ``<script>alert(1)</script>`` is shown as text and never runs.

Sections flow one after the other in print (no forced page breaks): the print stylesheet of
:mod:`assess.reporting._pages` keeps a chart with its caption and a heading with what follows, and
repeats a table's header on a new page. :func:`header_section` carries the running header
(office, year, group) that WeasyPrint repeats on every printed page.

Examples
--------
>>> from assess.scoring._result import load_result                     # doctest: +SKIP
>>> result = load_result("reports/demo/results")                # doctest: +SKIP
>>> report.summary_section(result, "G01", "zh")                 # doctest: +SKIP
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any, NamedTuple

import pandas as pd
from IPython.display import HTML, Image
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from assess.common import TOL, stamp
from assess.reporting import _facts as facts
from assess.reporting import _provenance as prov
from assess.reporting import figures as plots
from assess.reporting._docstrings import shared_parameters
from assess.reporting._i18n import (
    LANGS,
    MISSING,
    check_lang,
    component_labels,
    display_text,
    flag_labels,
    format_number,
    format_percent,
    format_score,
    format_signed,
    grade_label,
    has_text,
    indicator_label,
    is_missing,
    mark,
    month_label,
    quarter_label,
    text,
)
from assess.reporting._render import render
from assess.scoring import Result

__all__ = [
    "LANGS",
    "check_lang",
    "display_text",
    "text",
    "component_labels",
    "grade_label",
    "flag_labels",
    "format_score",
    "rank_text",
    "rank_short",
    "score_text",
    "office_name",
    "running_head",
    "standing_notes",
    "uncertainty_settings_text",
    "index_remarks",
    "improvement_sentences",
    "header_section",
    "summary_section",
    "indicators_section",
    "ratings_section",
    "problems_section",
    "milestones_section",
    "adjustments_section",
    "quality_section",
    "improvements_section",
    "closing_section",
    "provenance_section",
    "page_meta",
    "PAGE_META_MIME",
    "indicator_table",
    "table",
    "figure",
    "figure_png",
    "figure_jpeg",
]

#: MIME type of the output that carries a report's ``<meta>`` tags to :func:`assess.reporting._pages.render_html`.
PAGE_META_MIME = "application/vnd.assess.page-meta+json"


# ---- plain data for the templates ------------------------------------------------------


class Span(NamedTuple):
    """A table cell's text shown in a ``<span class="css">`` (a milestone's status)."""

    text: str
    css: str


def figure_png(fig: Figure, dpi: int = 120) -> bytes:
    """Render ``fig`` to PNG bytes (Agg; no software tag or time in the file: reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


#: How a report page's charts are stored: JPEG at quality 95 with full colour resolution (no
#: chroma subsampling). Against the PNG of the same chart that is visually lossless (PSNR
#: 50–54 dB on the report's charts; a pixel differs by at most about 20 of 255, at the edges of
#: lines and letters), and it makes the PDF export cheaper: WeasyPrint copies a JPEG into the
#: PDF as it is, but decodes every PNG and encodes it again, its alpha channel as a second
#: image (0.04–0.07 s of a report's 0.35 s). The price is size: a chart's JPEG is 1.5–1.9
#: times its PNG (a report's HTML about 240 KB instead of 150 KB). The notebooks' own figures
#: (:func:`figure`) stay PNG.
JPEG_OPTIONS = {"quality": 95, "subsampling": 0}


def figure_jpeg(fig: Figure, dpi: int = 120) -> bytes:
    """Render ``fig`` to JPEG bytes for a report page (:data:`JPEG_OPTIONS`; on the figure's
    own background colour, no time in the file: reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=dpi, bbox_inches="tight", pil_kwargs=JPEG_OPTIONS)
    return buffer.getvalue()


def inline_image(jpeg: bytes, alt: str, caption: str = "", css: str = "assess-figure") -> dict[str, str]:
    """A chart for the ``figure`` macro: inline JPEG (a ``data:`` URL), alt text and caption."""
    data = base64.b64encode(jpeg).decode("ascii")
    return {"src": f"data:image/jpeg;base64,{data}", "alt": alt, "caption": caption, "css": css}


def _figure(fig: Figure, dpi: int = 120, caption: str = "", css: str = "assess-figure") -> dict[str, str]:
    """``fig`` for the ``figure`` macro (:func:`inline_image`), its label as the alt text."""
    return inline_image(figure_jpeg(fig, dpi), str(fig.get_label() or ""), caption, css)


def figure(fig: Figure, dpi: int = 120, alt: str | None = None) -> Image:
    """``fig`` as an embedded PNG for a notebook."""
    return Image(data=figure_png(fig, dpi=dpi), format="png", embed=True, alt=alt or fig.get_label() or None)


def _headers(lang: str, kinds: dict[str, str]) -> list[tuple[str, str]]:
    """A table's headers in ``lang`` with each column's kind (``text``, ``num``, ``date``: its alignment)."""
    return [(text(key, lang), kind) for key, kind in kinds.items()]


def _section(template: str, lang: str, *, title: str = "", **context: Any) -> HTML:
    """The section ``templates/sections/<template>.html.j2``, headed by the text ``title`` (by default ``template``)."""
    return HTML(str(render(f"sections/{template}.html.j2", title=text(title or template, lang), **context)))


def _join(items: list[str], lang: str) -> str:
    return mark("list_separator", lang).join(items)


def months_text(months: list[str], lang: str = "en") -> str:
    """Months ``YYYY-MM`` in words, runs of consecutive months as a range:
    ``2025年2月至12月、2026年1月`` (``2025-02 to 2025-12, 2026-01``)."""
    runs: list[list[tuple[int, int]]] = []
    for month in sorted(set(months)):
        try:
            y, m = (int(x) for x in str(month).split("-")[:2])
        except ValueError:
            runs.append([(0, 0)])
            continue
        last = runs[-1][-1] if runs else None
        if last and last != (0, 0) and (last[0] * 12 + last[1]) + 1 == y * 12 + m:
            runs[-1].append((y, m))
        else:
            runs.append([(y, m)])
    parts = []
    for run in runs:
        first, end = run[0], run[-1]
        a, b = month_label(f"{first[0]}-{first[1]:02d}", lang), month_label(f"{end[0]}-{end[1]:02d}", lang)
        if len(run) == 1:
            parts.append(a)
        elif end[0] == first[0]:  # a run inside one year (Chinese names the year once)
            parts.append(mark("month_run", lang, year=first[0], start=first[1], end=end[1]))
        else:
            parts.append(mark("month_range", lang, start=a, end=b))
    return _join(parts, lang)


# ---- header and summary -----------------------------------------------------------------


def _members(result: Result, group_id: str) -> pd.Series:
    rows = result.groups[result.groups["group_id"] == group_id]
    return rows.iloc[0] if not rows.empty else pd.Series(dtype=object)


def _group_name(result: Result, group_id: str) -> str:
    name = result.group(group_id).get("name")
    if is_missing(name):
        name = _members(result, group_id).get("name")
    return display_text(name)


def date_text(day: Any, lang: str) -> str:
    """An ISO date as the reader writes it: ``2025年12月31日`` in Chinese, ISO in English."""
    if lang == "zh" and isinstance(day, str) and len(day) == 10:
        from assess.common import format_date

        return format_date(day, "zh")
    return display_text(day)


def office_name(result: Result, lang: str = "en") -> str:
    """The office that assesses: ``office`` of the result's metadata or of its scheme (text,
    or ``{en, zh}``), else "Assessment office" (考核办)."""
    for office in (result.meta.get("office"), result.scheme.office):
        if isinstance(office, dict):
            office = office.get(lang) or office.get("en") or office.get("zh")
        if isinstance(office, str) and office.strip():
            return office.strip()
    return text("office_default", lang)


def running_head_text(result: Result, group_id: str | None, lang: str = "en", label: str | None = None) -> str:
    """The running header's words: office, year and group (``label`` instead of the group,
    every group when ``group_id`` is None)."""
    year = display_text(result.meta.get("year"))
    year = mark("assessment_year", lang, year=year) if year != MISSING else year
    group = (
        label
        if label is not None
        else _group_name(result, group_id)
        if group_id is not None
        else text("all_groups", lang)
    )
    return text("running_head", lang, office=office_name(result, lang), year=year, group=group)


def running_head(result: Result, group_id: str | None, lang: str = "en", label: str | None = None) -> str:
    """The running header of every printed page: office, year and group (HTML,
    ``templates/running_head.html.j2``).

    An element WeasyPrint moves into the page's top margin (``position: running(head)``);
    browsers hide it on screen.
    """
    return str(render("running_head.html.j2", head=running_head_text(result, group_id, lang, label)))


def rank_text(result: Result, group_id: str, lang: str = "en") -> str:
    """The group's rank in words: ``"r of N"`` (``第r名，共N个``), N being the ranked groups;
    a vetoed or ungraded group is ``"not ranked — veto"`` / ``"not ranked — insufficient data"``."""
    s = facts.standing(result, group_id)
    if s["unranked_reason"] is not None:
        return text(f"not_ranked.{s['unranked_reason']}", lang)
    if s["rank"] is None:
        return MISSING
    return text("rank_of", lang, rank=s["rank"], n=s["n_ranked"])


def rank_short(result: Result, group_id: str, lang: str = "en") -> str:
    """The rank alone (``3``), or why there is none (``not ranked — veto``), for tables."""
    s = facts.standing(result, group_id)
    if s["unranked_reason"] is not None:
        return text(f"not_ranked.{s['unranked_reason']}", lang)
    return str(s["rank"]) if s["rank"] is not None else MISSING


def score_text(result: Result, group_id: str, lang: str = "en") -> str:
    """The final score for display, labelled partial for an ungraded group."""
    score = format_score(facts.summary(result, group_id)["final_score"])
    return text("partial_score", lang, score=score) if facts.standing(result, group_id)["partial"] else score


def _missing_text(result: Result, missing: list[tuple[str, dict[str, Any]]], lang: str) -> str:
    """What data a group lacks, in words (``no project milestones planned in 2025``)."""
    parts = []
    for key, values in missing:
        shown = dict(values)
        if key == "indicator":
            shown["indicator"] = indicator_label(values["indicator"], lang)
        parts.append(text(f"missing.{key}", lang, **{k: v for k, v in shown.items() if k != "indicators"}))
    return mark("clause_separator", lang).join(parts) or MISSING


def standing_notes(result: Result, group_id: str, lang: str = "en") -> list[tuple[str, str]]:
    """Why the group is not ranked, not graded or graded below its threshold, in words:
    ``(key, sentence)`` pairs, ``key`` one of ``veto, quota, insufficient_data, scenarios, tie_break``."""
    s = facts.standing(result, group_id)
    notes = []
    if s["unranked_reason"] == "veto":
        reasons = mark("clause_separator", lang).join(s["veto_reasons"]) or MISSING
        notes.append(("veto", text("card.veto", lang, reasons=reasons)))
    if s["unranked_reason"] == "insufficient_data":
        labels = component_labels(result, lang)
        comps = _join([labels.get(c, c) for c in s["missing_components"]], lang) or MISSING
        notes.append(
            (
                "insufficient_data",
                text(
                    "card.insufficient_data",
                    lang,
                    components=comps,
                    missing=_missing_text(result, s["missing_data"], lang),
                ),
            )
        )
    q = s["quota"]
    if q is not None and q.get("tied_with"):
        notes.append(
            (
                "quota",
                text(
                    "card.quota_tied", lang, band=grade_label(result, q["band"], lang), cap=q["cap"],
                    others=_join(q["tied_with"], lang), n=len(q["tied_with"]) + 1,
                    grade=grade_label(result, facts.summary(result, group_id)["grade"], lang),
                ),
            )
        )  # fmt: skip
    elif q is not None:
        notes.append(
            (
                "quota",
                text(
                    "card.quota", lang, band=grade_label(result, q["band"], lang), cap=q["cap"], share=format_percent(q["quota"], 0),
                    position=q["position"], met=q["met"], grade=grade_label(result, facts.summary(result, group_id)["grade"], lang),
                ),
            )
        )  # fmt: skip
    from assess.analysis import grade_line

    line = grade_line(result, group_id, lang)  # how the grade holds under the scheme's alternatives
    if line:
        notes.append(("scenarios", line))
    t = s.get("tie_break")
    if t is not None:
        label = component_labels(result, lang).get(t["component"], t["component"])
        notes.append(("tie_break", text("card.tie_break", lang, above=t["above"], component=label)))
    return notes


@shared_parameters()
def header_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """The report's head: the group's name, the year, the assessment date and its members,
    and the running header of the printed pages (office, year, group).
    """
    check_lang(lang)
    members = _members(result, group_id)
    recipients = facts._rows(result, "recipients", group_id)
    rows: list[tuple[str, str, str | None]] = [
        (text("group", lang), _group_name(result, group_id), "name"),
        (text("group_id", lang), group_id, "group_id"),
        (text("leader", lang), display_text(members.get("leader")), "leader"),
        (text("department_head", lang), display_text(members.get("department_head")), "department_head"),
        (text("staff", lang), display_text(members.get("staff")), "staff"),
        (text("unit", lang), display_text(members.get("unit")), "unit"),
    ]
    if result.inputs:
        kinds = facts._col(recipients, "kind")
        count = text(
            "recipients_count",
            lang,
            enterprises=int((kinds == "enterprise").sum()),
            projects=int((kinds == "project").sum()),
        )
        rows.append((text("recipients", lang), count, "recipients"))
    rows += [
        (text("year", lang), display_text(result.meta.get("year")), "year"),
        (text("as_of", lang), date_text(result.meta.get("as_of"), lang), "as_of"),
    ]
    subtitle = (
        f"{office_name(result, lang)} · {text('report_title', lang, year=result.meta.get('year', ''))} · {group_id}"
    )
    page = render(
        "sections/header.html.j2",
        head=running_head_text(result, group_id, lang),
        name=_group_name(result, group_id),
        subtitle=subtitle,
        rows=rows,
    )
    return HTML(str(page))


@shared_parameters(returns_note="Scores are rounded half up to one decimal, as in :func:`format_score`.")
def summary_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Where the group stands: a card with the final score (labelled partial for an
    ungraded group), grade, rank in words and the change from last year; why the group
    is not ranked or graded lower (veto with its reason, quota with its numbers, the
    missing data); the parts of the score, and the group against all groups.
    """
    card = facts.summary(result, group_id)
    metrics = [
        {"label": text("final_score", lang), "value": score_text(result, group_id, lang), "key": "final_score"},
        {"label": text("grade", lang), "value": grade_label(result, card["grade"], lang), "key": "grade"},
        {"label": text("rank", lang), "value": rank_text(result, group_id, lang), "key": "rank"},
    ]
    previous = card["previous"]
    if previous is not None:
        if previous["status"] == "new":
            change, detail = text("change_new", lang), ""
        else:
            change = text(
                "change_text",
                lang,
                change=format_signed(previous["score_change"]),
                previous=format_score(previous["previous_score"]),
            )
            parts = []
            if not is_missing(previous["previous_rank"]):
                parts.append(f"{text('rank_change', lang)}: {int(previous['previous_rank'])}")
            if previous["previous_grade"]:
                parts.append(f"{text('grade_change', lang)}: {grade_label(result, previous['previous_grade'], lang)}")
            detail = " · ".join(parts)
        metrics.append({"label": text("change", lang), "value": change, "key": "change", "detail": detail})
    rows: list[tuple[str, str, str | None]] = [
        (label, format_score(card["components"].get(name)), name)
        for name, label in component_labels(result, lang).items()
    ]
    rows += [
        (text("base_score", lang), format_score(card["base_score"]), "base_score"),
        (text("bonus", lang), format_signed(card["bonus"]), "bonus"),
        (
            text("deduction", lang),
            format_signed(-card["deduction"]) if not is_missing(card["deduction"]) else MISSING,
            "deduction",
        ),
    ]
    if card["flags"]:
        rows.append((text("flags", lang), flag_labels(";".join(card["flags"]), lang), "flags"))
    colon = mark("colon", lang)
    figures = [
        _figure(
            plots.components_vs_peers(result, group_id, lang),
            caption=text("components", lang) + colon + text("components_note", lang),
        ),
        _figure(plots.score_distribution(result, lang, highlight=group_id), caption=text("distribution", lang)),
    ]
    partial = facts.standing(result, group_id)["partial"]
    return _section(
        "summary",
        lang,
        metrics=[{"detail": "", **metric} for metric in metrics],
        standing=standing_notes(result, group_id, lang),
        partial_note=text("partial_note", lang) if partial else "",
        parts=rows,
        figures=figures,
    )


# ---- indicators -------------------------------------------------------------------------


def indicator_table(result: Result, group_id: str, lang: str = "en") -> pd.DataFrame:
    """The indicator table as display strings (what the report shows).

    Columns ``indicator, component, raw`` (3 decimals), ``normalized`` (1), ``weight``
    (2: the scheme's weight within the component), ``effective_weight`` (a percentage of
    the base score), ``points`` (2); a last row holds the total, the base score.
    """
    table = facts.indicators(result, group_id)
    labels = component_labels(result, lang)
    frame = pd.DataFrame(
        {
            "indicator": [indicator_label(i, lang) for i in table["indicator"]],
            "component": [labels.get(c, display_text(c)) for c in table["component"]],
            "raw": [format_number(v, 3) for v in table["raw"]],
            "normalized": [format_score(v) for v in table["normalized"]],
            "weight": [format_number(v, 2) for v in table["weight"]],
            "effective_weight": [format_percent(v) for v in table["effective_weight"]],
            "points": [format_number(v, 2) for v in table["points"]],
        },
        dtype=object,
    )
    total = {
        "indicator": text("total", lang),
        "component": "",
        "raw": "",
        "normalized": "",
        "weight": "",
        "effective_weight": format_percent(table["effective_weight"].sum(min_count=1)),
        "points": format_score(facts.summary(result, group_id)["base_score"]),
    }
    return pd.concat([frame, pd.DataFrame([total], dtype=object)], ignore_index=True)


def _vs_median_items(table: pd.DataFrame, key: str, lang: str) -> list[str]:
    return [
        text(
            key,
            lang,
            label=indicator_label(r.indicator, lang),
            value=format_score(r.normalized),
            diff=format_score(abs(r.vs_median)),
        )
        for r in table.itertuples()
    ]


@shared_parameters()
def indicators_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Every indicator with its raw value, normalised score, weights and points, and the
    strongest and weakest indicators in plain words (against the median group).
    """
    frame = indicator_table(result, group_id, lang)
    numeric = {"raw", "normalized", "weight", "effective_weight", "points"}
    columns = _headers(lang, {c: "num" if c in numeric else "text" for c in frame.columns})
    rows = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    strong, weak = facts.strengths(result, group_id)
    above = _vs_median_items(strong, "vs_median_above", lang) or [text("none_above", lang)]
    below = _vs_median_items(weak, "vs_median_below", lang) or [text("none_below", lang)]
    colon = mark("colon", lang)
    sep = mark("clause_separator", lang)
    return _section(
        "indicators",
        lang,
        strongest=text("strongest", lang) + colon,
        above=sep.join(above),
        weakest=text("weakest", lang) + colon,
        below=sep.join(below),
        columns=columns,
        rows=rows,
        note=text("indicators_note", lang),
    )


# ---- ratings ----------------------------------------------------------------------------


def _rating_rows(s: dict[str, Any], lang: str) -> tuple[list[tuple[str, str, str | None]], float]:
    """The ratings table's rows (responses, raters, response rate, score, reliability) and the
    reliability shown: the group's own (from its number of responses), else the overall ICC(1,k)."""
    rate = text(
        "response_rate_value", lang, rate=format_percent(s["response_rate"]), responses=s["responses"],
        possible=s["possible"],
    )  # fmt: skip
    rows: list[tuple[str, str, str | None]] = [
        (text("responses", lang), str(s["responses"]), "responses"),
        (text("raters", lang), str(s["raters"]), "raters"),
        (text("response_rate", lang), rate, "response_rate"),
        (text("rating_score", lang), format_score(s["rating_score"]), "rating_score"),
    ]
    own = s["reliability"] if not math.isnan(s["reliability"]) else s["icc1k"]
    if not is_missing(own) and not math.isnan(own):
        level = "high" if own >= 0.8 - TOL else "medium" if own >= 0.6 - TOL else "low"
        rows.append(
            (text("reliability", lang), text(f"reliability.{level}", lang, value=format_number(own, 2)), "reliability")
        )
    return rows, own


def _comment_rows(result: Result, group_id: str, lang: str) -> tuple[list[list[str]], int]:
    """The comments shown (one row per recipient and comment, with the quarters it was made in;
    the most recent first when there are too many) and how many there are in all."""
    merged: dict[tuple[str, str], list[str]] = {}
    for r in facts.comments(result, group_id).itertuples(index=False):
        merged.setdefault((display_text(r.recipient), display_text(r.comment)), []).append(str(r.quarter))
    every = list(merged.items())
    order = sorted(range(len(every)), key=lambda i: (max(every[i][1]), i), reverse=True)
    shown = [
        [_join([quarter_label(q, lang) for q in quarters], lang), who, what]
        for (who, what), quarters in (every[i] for i in _shown(order))
    ]
    return shown, len(every)


@shared_parameters(inputs=True)
def ratings_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Ratings by quarter against all groups, response rate, reliability notes and the
    recipients' comments (as text).
    """
    s = facts.rating_summary(result, group_id)
    rows, own = _rating_rows(s, lang)
    footnote = text(
        "reliability_note", lang, icc1k=format_number(s["icc1k"], 2), icc=format_number(s["icc1"], 2), alpha=format_number(s["alpha"], 2),
        own=format_number(own, 2), n=s["responses"],
        responses=s["total_responses"], k=format_number(s["prior_weight"], 0),
        estimated=text("reliability_estimated", lang) if s["icc1k_estimated"] else "",
    )  # fmt: skip
    notes = []
    if s["raters"] == 0:
        notes.append(text("no_raters", lang, year=result.meta.get("year", "")))
    elif s["few_raters"]:
        notes.append(text("quality.few_raters", lang, raters=s["raters"], min=s["min_raters"]))
    if s["straight_liners"]:
        notes.append(text("quality.straight_lining", lang, n=s["straight_liners"]))
    comments, every = _comment_rows(result, group_id, lang)
    return _section(
        "ratings",
        lang,
        rows=rows,
        figure=_figure(plots.ratings_by_quarter(result, group_id, lang), css="assess-figure assess-small"),
        warnings=notes,
        comments_title=text("comments", lang),
        comment_columns=_headers(lang, {"quarter": "date", "recipient": "text", "comment": "text"}),
        comments=comments,
        comments_left_out=_left_out(every - len(comments), "ratings", lang, _input_name(result)),
        no_comments=text("no_comments", lang),
        footnote=footnote,
    )


# ---- long tables ------------------------------------------------------------------------

#: The rows a long table shows in a report: a report stays within three A4 pages (the outputs contract (docs/reference/outputs.md))
#: however long the office's ledgers are; the rows left out are counted under the table, with
#: the workbook and sheet that list them all (:func:`_left_out`).
LONG_TABLE_ROWS = 10


def _shown(order: list[int], limit: int = LONG_TABLE_ROWS) -> list[int]:
    """The positions of the rows a long table shows: the first ``limit`` of ``order`` (most
    important first), back in table order."""
    return sorted(order[:limit])


def _left_out(n: int, sheet: str, lang: str, file: str | None = None) -> str:
    """``and 4,912 more — full list in scores.xlsx, sheet overdue_problems`` (empty when
    ``n`` is 0); ``file`` is ``scores.xlsx`` when not given, else the input (a workbook, or a
    folder of CSV files)."""
    if n <= 0:
        return ""
    name = "scores.xlsx" if file is None else file
    if not name:  # a result without the input's name
        kind = "input"
    elif file is None or name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        kind = "sheet"
    else:
        kind = "csv"
    where = text(f"left_out.{kind}", lang, file=name, sheet=f"{sheet}.csv" if kind == "csv" else sheet)
    return text("left_out", lang, n=format_number(n, 0, thousands=True), where=where)


def _input_name(result: Result) -> str:
    return str(result.meta.get("input") or "")


# ---- problems ---------------------------------------------------------------------------


def _priority(value: Any, lang: str) -> str:
    return text(f"priority.{value if value in facts.PRIORITIES else 'none'}", lang)


@shared_parameters(inputs=True)
def problems_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """The problem ledger: counts by priority and status, time to resolve, and the
    problems overdue at the assessment date.
    """
    counts = facts.problem_counts(result, group_id)
    count_rows: list[list[str]] = []
    resolution: list[tuple[str, str, str | None]] = []
    if int(counts.loc["all", "all"]) != 0:
        count_rows = [
            [text("all", lang) if key == "all" else _priority(key, lang), *(str(int(v)) for v in row)]
            for key, row in zip(counts.index, counts[["open", "resolved", "all"]].to_numpy(), strict=True)
        ]
        r = facts.resolution(result, group_id)
        resolution = [
            (text("resolved_on_time", lang), text("resolved_on_time_value", lang, on_time=r["on_time"], due=r["due"]), "resolved_on_time"),
            (
                text("time_to_resolve", lang),
                text(
                    "time_to_resolve_value", lang, median=format_number(r["median"], 1), mean=format_number(r["mean"], 1),
                    max=format_number(r["max"], 0), n=r["resolved"], all=format_number(r["all_median"], 1),
                ),
                "time_to_resolve",
            ),
        ]  # fmt: skip
    keys = [
        "problem_id",
        "recipient",
        "raised_on",
        "priority",
        "category",
        "responsible_unit",
        "responsible_person",
        "deadline",
        "days_overdue",
    ]
    kinds = {"days_overdue": "num", "raised_on": "date", "deadline": "date", "problem_id": "date"}
    late = facts.overdue_problems(result, group_id)  # the longest overdue first
    overdue = [
        [display_text(r.problem_id), display_text(r.recipient), display_text(r.raised_on), _priority(r.priority, lang),
         display_text(r.category), display_text(r.responsible_unit), display_text(r.responsible_person),
         display_text(r.deadline), str(int(r.days_overdue))]
        for r in late.iloc[: LONG_TABLE_ROWS].itertuples()
    ]  # fmt: skip
    return _section(
        "problems",
        lang,
        note=text("problems_note", lang, year=result.meta.get("year", "")),
        count_columns=_headers(
            lang, {"priority": "text", "status.open": "num", "status.resolved": "num", "all": "num"}
        ),
        counts=count_rows,
        resolution=resolution,
        no_problems=text("no_problems", lang),
        overdue_title=text("overdue", lang),
        overdue_note=text("overdue_note", lang),
        overdue_columns=_headers(lang, {k: kinds.get(k, "text") for k in keys}),
        overdue=overdue,
        overdue_left_out=_left_out(len(late) - len(overdue), facts.OVERDUE_SHEET, lang),
        no_overdue=text("no_overdue", lang),
    )


# ---- milestones -------------------------------------------------------------------------


def _amount(value: Any) -> str:
    return format_number(value, 1, thousands=True)


@shared_parameters(inputs=True)
def milestones_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Milestones planned in the year with their on-time status, and investment
    completed against planned.
    """
    table = facts.milestones(result, group_id)
    totals: list[tuple[str, str, str | None]] = []
    if not table.empty:
        inv = facts.investment(result, group_id)
        totals = [
            (
                text("milestones_on_time", lang),
                text("milestones_on_time_value", lang, on_time=inv["on_time"], n=inv["n"]),
                "milestones_on_time",
            ),
            (
                text("investment", lang),
                text(
                    "investment_value",
                    lang,
                    completed=_amount(inv["completed"]),
                    planned=_amount(inv["planned"]),
                    share=format_percent(inv["share"]),
                ),
                "investment",
            ),
        ]
    keys = [
        "recipient",
        "milestone",
        "planned_date",
        "completed_on",
        "on_time_status",
        "investment_planned",
        "investment_completed",
    ]
    columns = _headers(
        lang,
        {k: "num" if k.startswith("investment") else "date" if k.endswith(("_date", "_on")) else "text" for k in keys},
    )
    # not done and late first, then the most recent; shown in planned-date order
    order = sorted(range(len(table)), key=lambda i: (table["status"].iat[i] == "on_time", -i))
    rows = [
        [display_text(r.recipient), display_text(r.milestone), display_text(r.planned_date), display_text(r.completed_on),
         Span(text(f"milestone.{r.status}", lang), f"assess-status-{r.status}"),
         _amount(r.investment_planned), _amount(r.investment_completed)]
        for r in table.iloc[_shown(order)].itertuples()
    ]  # fmt: skip
    return _section(
        "milestones",
        lang,
        note=text("milestones_note", lang, year=result.meta.get("year", "")),
        totals=totals,
        columns=columns,
        rows=rows,
        left_out=_left_out(len(table) - len(rows), "milestones", lang, _input_name(result)),
        no_milestones=text("no_milestones", lang),
    )


# ---- adjustments, data quality, provenance ----------------------------------------------


def _adjustment_points(kind: Any, points: Any) -> str:
    """Points as they act on the score: a bonus ``+2.0``, a deduction ``-1.0`` (one sign
    convention in every place a deduction shows), a veto none."""
    if kind == "veto" or is_missing(points):
        return MISSING
    value = abs(float(points))
    return format_signed(-value if kind == "deduction" else value)


@shared_parameters(inputs=True)
def adjustments_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Bonuses, deductions and vetoes of the year with their reasons, and what was applied."""
    table = facts.adjustments(result, group_id)
    totals = facts.adjustment_totals(result, group_id)
    rows = [
        [display_text(r.date), text(f"kind.{r.kind}", lang) if r.kind in ("bonus", "deduction", "veto") else display_text(r.kind),
         _adjustment_points(r.kind, r.points), display_text(r.reason)]
        for r in table.itertuples()
    ]  # fmt: skip
    applied = ""
    if not table.empty or totals["bonus"] or totals["deduction"]:
        applied = text(
            "adjustments_applied", lang, bonus=format_signed(totals["bonus"]), deduction=format_signed(-totals["deduction"]),
            bonus_cap=format_number(totals["bonus_cap"], 1), deduction_cap=format_number(totals["deduction_cap"], 1),
        )  # fmt: skip
    return _section(
        "adjustments",
        lang,
        columns=_headers(lang, {"date": "date", "kind": "text", "points": "num", "reason": "text"}),
        rows=rows,
        no_adjustments=text("no_adjustments", lang),
        applied=applied,
        veto=text("veto_applied", lang) if totals["veto"] else "",
    )


def _quality_text(result: Result, key: str, values: dict[str, Any], lang: str) -> str:
    if key == "insufficient_data":
        labels = component_labels(result, lang)
        values = {
            "components": _join([labels.get(c, c) for c in values["components"]], lang) or MISSING,
            "missing": _missing_text(result, values.get("missing") or [], lang),
        }
    elif key == "missing_indicators":
        values = {"indicators": _join([indicator_label(i, lang) for i in values["indicators"]], lang)}
    elif key in ("ledger_missing", "ledger_late"):
        values = {"n": len(values["months"]), "months": months_text(values["months"], lang)}
    return text(f"quality.{key}", lang, **values)


def uncertainty_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """How sure the group's grade and rank are, in words and a small chart.

    Empty when the run had no uncertainty analysis (``--uncertainty N``).
    """
    if result.uncertainty is None:
        return HTML("")
    from assess.reporting._uncertainty_text import sentence, settings_text  # only runs with an analysis pay for it
    from assess.reporting.figures import group_figure

    settings = result.meta.get("uncertainty") or {}
    return _section(
        "uncertainty",
        lang,
        sentence=sentence(result, group_id, lang),
        note=text("uncertainty_note", lang, draws=settings.get("draws", "")) + " " + settings_text(settings, lang),
        figure=_figure(group_figure(result, group_id, lang)),
    )


def index_remarks(result: Result, lang: str = "en") -> str:
    """The index's remarks under the distribution: what carries the ranking (nominal weight
    against effective importance), any red flag of the coherence checks, and the groups whose
    mean rating is less reliable than :data:`~assess.scoring._ratings.LOW_RELIABILITY`."""
    from assess.analysis import red_flags
    from assess.scoring import LOW_RELIABILITY

    parts = [plots.importance_sentence(result, lang), red_flags(result, lang)]
    quality = result.ratings_quality
    if quality is not None and "reliability" in quality.columns:
        low = quality[pd.to_numeric(quality["reliability"], errors="coerce") < LOW_RELIABILITY - TOL]
        if len(low):
            own = low.set_index("group_id")["reliability"].astype(float)
            groups = mark("list_separator", lang).join(f"{g} ({own[g]:.2f})" for g in own.index)
            parts.append(text("low_reliability", lang, min=f"{LOW_RELIABILITY:g}", groups=groups))
    return " ".join(p for p in parts if p)


def uncertainty_settings_text(settings: dict[str, Any] | None, lang: str = "en") -> str:
    """The uncertainty settings (draws, seed, factors, evidence model) in one line; blank without an analysis."""
    if not settings:
        return ""
    from assess.reporting._uncertainty_text import settings_text

    return settings_text(settings, lang)


@shared_parameters()
def quality_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Data-quality notes: missing ledgers, indicators without a value, insufficient
    data, too few raters, straight-lining, quota demotion and vetoes.
    """
    notes = [(key, _quality_text(result, key, values, lang)) for key, values in facts.quality_notes(result, group_id)]
    return _section("quality", lang, notes=notes, no_notes=text("quality.none", lang))


def improvement_sentences(result: Result, group_id: str, lang: str = "en") -> list[str]:
    """存在问题及改进建议: 2–4 sentences drawn by rules from :func:`assess.reporting._facts.improvements`
    (one sentence saying so when nothing calls for improvement)."""
    sentences = []
    for key, v in facts.improvements(result, group_id):
        if key == "overdue":
            sentences.append(
                text("improve.overdue", lang, n=format_number(v["n"], 0, thousands=True), longest=v["longest"], problem_id=display_text(v["problem_id"]),
                     category=display_text(v["category"]), unit=display_text(v["responsible_unit"]))
            )  # fmt: skip
        elif key == "weak":
            name = v["indicator"]
            advice = text(f"advice.{name}" if has_text(f"advice.{name}") else "advice.other", lang)
            sentences.append(
                text("improve.weak", lang, indicator=indicator_label(name, lang), value=format_score(v["value"]),
                     median=format_score(v["median"]), lost=format_number(v["lost"], 1), advice=advice)
            )  # fmt: skip
        elif key in ("ledger_missing", "ledger_late"):
            months = months_text(v["months"], lang)
            sentences.append(text(f"improve.{key}", lang, n=v["n"], months=months))
        elif key == "milestones_open":
            sentences.append(text("improve.milestones_open", lang, n=v["n"], of=v["of"]))
    return sentences or [text("improve.none", lang)]


@shared_parameters(inputs=True)
def improvements_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """存在问题及改进建议 (what to improve): overdue problems, the indicators that cost the
    most points against the median of all groups, missing or late ledgers and open
    milestones, as 2–4 numbered sentences generated from the numbers by fixed rules.
    """
    return _section(
        "improvements",
        lang,
        title="improve",
        sentences=improvement_sentences(result, group_id, lang),
        note=text("improve_note", lang),
    )


def closing_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """The closing block of the printed report: 考核意见 (the reviewer's opinion) with room
    to write, and the signature and date lines, left blank to be filled in by hand."""
    check_lang(lang)
    return _section("closing", lang, signature=text("signature", lang), sign_date=text("sign_date", lang))


def page_meta(result: Result, group_id: str | None, lang: str = "en") -> dict[str, str]:
    """The ``<meta name="assess:...">`` tags of a page: provenance (and the group's result).

    Keys are the tag names, values their content (plain text; the page escapes them).
    """
    check_lang(lang)
    facts_ = prov.facts(result.meta)
    meta = {
        f"assess:{key.replace('_', '-')}": display_text(value) for key, value in facts_.items() if value is not None
    }
    meta["assess:year"] = display_text(result.meta.get("year"))
    meta["assess:as-of"] = display_text(result.meta.get("as_of"))
    meta["assess:lang"] = lang
    if group_id is not None:
        card = facts.summary(result, group_id)
        meta["assess:group-id"] = group_id
        meta["assess:final-score"] = format_score(card["final_score"])
        meta["assess:grade"] = card["grade"] or ""
        meta["assess:rank"] = "" if card["rank"] is None else str(card["rank"])
    return meta


class _Footer:
    """The provenance footer: HTML for the page, plus the page's ``<meta>`` tags under
    :data:`PAGE_META_MIME` for :func:`assess.reporting._pages.render_html`."""

    def __init__(self, html_: str, meta: dict[str, str]) -> None:
        self.html = html_
        self.meta = meta

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html, "text/plain": "provenance", PAGE_META_MIME: self.meta}

    def _repr_html_(self) -> str:
        return self.html


def provenance_line(result: Result, lang: str = "en") -> str:
    """The provenance in one line of small print (plain text): input file and SHA-256,
    scheme and SHA-256, package version, source commit, generation time."""
    values = prov.facts(result.meta)
    commit = values.get("git_commit") or text("not_in_git", lang)
    if values.get("generated_at"):  # in the office's time zone with its offset, as scores.xlsx stamps it
        values["generated_at"] = stamp(str(values["generated_at"]), result.scheme.timezone)
    return text(
        "provenance_line", lang, input=display_text(values.get("input")), input_sha256=display_text(values.get("input_sha256")),
        scheme=display_text(values.get("scheme_name")), scheme_sha256=display_text(values.get("scheme_sha256")),
        version=display_text(values.get("version")), commit=commit, generated=display_text(values.get("generated_at")),
    )  # fmt: skip


def provenance_section(result: Result, group_id: str | None = None, lang: str = "en") -> _Footer:
    """The provenance, a last line of small print: input file and its SHA-256, scheme and
    its SHA-256, package version, source commit and generation time (``SOURCE_DATE_EPOCH``
    pins it at scoring). The same values are the page's ``<meta>`` tags, which the PDF
    keeps as its metadata.

    Displayed in a notebook it also hands the page's ``<meta>`` tags to
    :func:`assess.reporting._pages.render_html`.
    """
    check_lang(lang)
    body = render("sections/provenance.html.j2", line=provenance_line(result, lang))
    return _Footer(str(body), page_meta(result, group_id, lang))


# ---- generic tables (for analysts' notebooks) -------------------------------------------


def table(frame: pd.DataFrame, lang: str = "en") -> Styler:
    """Display ``frame`` without its index, known headers translated, text escaped, NaN as "—"."""
    check_lang(lang)
    shown = frame.rename(columns={c: text(c, lang) for c in frame.columns if isinstance(c, str) and has_text(c)})
    return (
        shown.style.hide(axis="index")
        .format(escape="html", na_rep=MISSING)
        .format_index(escape="html", axis=1)
        .set_uuid("assess")
        .set_table_attributes('class="assess-table"')
    )
