"""The sections of one group's report, as HTML, so the report notebook holds no logic.

Each ``*_section`` function takes a loaded :class:`~assess.result.Result`, a group and a
language and returns an :class:`IPython.display.HTML` the notebook displays as is. The
numbers come from :mod:`assess.facts`, the words from :mod:`assess.labels` (component and
grade labels from the scheme), the figures from :mod:`assess.plots` (inlined as PNG).
Every piece of data — names, comments, reasons, IDs — goes through :func:`html.escape`:
a comment ``<script>alert(1)</script>`` is shown as text and never runs.

Sections carry the class ``assess-break`` where a printed report starts a new page.

Examples
--------
>>> from assess.result import load_result                     # doctest: +SKIP
>>> result = load_result("reports/demo/results")                # doctest: +SKIP
>>> report.summary_section(result, "G01", "zh")                 # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import pandas as pd
from IPython.display import HTML, Image
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from assess import facts, plots
from assess import provenance as prov
from assess.labels import (
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
    text,
    translate_note,
)
from assess.result import Result

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
    "header_section",
    "summary_section",
    "indicators_section",
    "ratings_section",
    "problems_section",
    "milestones_section",
    "adjustments_section",
    "quality_section",
    "provenance_section",
    "page_meta",
    "PAGE_META_MIME",
    "indicator_table",
    "table",
    "figure",
    "figure_png",
]

#: MIME type of the output that carries a report's ``<meta>`` tags to :func:`assess.pages.render_html`.
PAGE_META_MIME = "application/vnd.assess.page-meta+json"


# ---- small HTML builders ----------------------------------------------------------------


def _e(value: Any) -> str:
    """``value`` as escaped display text (missing → em dash)."""
    return html.escape(display_text(value))


def _table(columns: list[tuple[str, str]], rows: list[list[str]], css: str = "assess-table") -> str:
    """A table; ``columns`` are (label, kind) pairs, kind ``text``, ``num`` (right-aligned)
    or ``date`` (never wrapped); ``rows`` hold escaped cell HTML."""
    attrs = {"num": ' class="num"', "date": ' class="date"', "text": ""}
    head = "".join(f'<th scope="col"{attrs[kind]}>{html.escape(label)}</th>' for label, kind in columns)
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{attrs[kind]}>{cell}</td>" for cell, (_, kind) in zip(row, columns, strict=True))
        + "</tr>"
        for row in rows
    )
    return f'<table class="{css}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _kv(rows: list[tuple[str, str, str | None]], css: str = "assess-kv") -> str:
    """A label/value table of plain text; ``(label, value, key)``, ``key`` → ``data-key``."""

    def attr(key: str | None) -> str:
        return f' data-key="{html.escape(key)}"' if key else ""

    body = "\n".join(
        f'<tr><th scope="row">{html.escape(label)}</th><td{attr(key)}>{html.escape(value)}</td></tr>'
        for label, value, key in rows
    )
    return f'<table class="{css}">\n<tbody>\n{body}\n</tbody>\n</table>'


def figure_png(fig: Figure, dpi: int = 120) -> bytes:
    """Render ``fig`` to PNG bytes (Agg; no software tag or time in the file: reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _img(fig: Figure, dpi: int = 120) -> str:
    data = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
    alt = html.escape(fig.get_label() or "")
    return f'<figure class="assess-figure"><img alt="{alt}" src="data:image/png;base64,{data}"></figure>'


def figure(fig: Figure, dpi: int = 120, alt: str | None = None) -> Image:
    """``fig`` as an embedded PNG for a notebook."""
    return Image(data=figure_png(fig, dpi=dpi), format="png", embed=True, alt=alt or fig.get_label() or None)


def _section(key: str, lang: str, body: str, page_break: bool = True, heading: str | None = None) -> HTML:
    css = "assess-section assess-break" if page_break else "assess-section"
    title = html.escape(heading if heading is not None else text(key, lang))
    return HTML(f'<section class="{css}" id="section-{key}">\n<h2>{title}</h2>\n{body}\n</section>')


def _p(content: str, css: str = "assess-note") -> str:
    return f'<p class="{css}">{html.escape(content)}</p>'


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


# ---- header and summary -----------------------------------------------------------------


def _members(result: Result, group_id: str) -> pd.Series:
    rows = result.groups[result.groups["group_id"] == group_id]
    return rows.iloc[0] if not rows.empty else pd.Series(dtype=object)


def _group_name(result: Result, group_id: str) -> str:
    name = result.group(group_id).get("name")
    if is_missing(name):
        name = _members(result, group_id).get("name")
    return display_text(name)


def rank_text(result: Result, group_id: str, lang: str = "en") -> str:
    """``"r of N"`` (``第r名（共N个）``), N being every ranked group."""
    card = facts.summary(result, group_id)
    if card["rank"] is None:
        return MISSING
    return text("rank_of", lang, rank=card["rank"], n=card["n_groups"])


def header_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """The report's head: the group's name, the year, the assessment date and its members.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
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
        (text("as_of", lang), display_text(result.meta.get("as_of")), "as_of"),
    ]
    subtitle = f"{text('report_title', lang, year=result.meta.get('year', ''))} · {group_id}"
    return HTML(
        '<header class="assess-header">\n'
        f'<h1 class="assess-title">{_e(_group_name(result, group_id))}</h1>\n'
        f'<p class="assess-subtitle">{html.escape(subtitle)}</p>\n'
        f"{_kv(rows, 'assess-kv assess-members')}\n</header>"
    )


def _metric(label: str, value: str, key: str, extra: str = "") -> str:
    return (
        f'<div class="assess-metric"><div class="assess-metric-label">{html.escape(label)}</div>'
        f'<div class="assess-metric-value" data-key="{key}">{html.escape(value)}</div>{extra}</div>'
    )


def summary_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Where the group stands: a card with the final score, grade, rank and the change
    from last year, the parts of the score, and the group against all groups.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
        Scores are rounded half up to one decimal, as in :func:`format_score`.
    """
    card = facts.summary(result, group_id)
    metrics = [
        _metric(text("final_score", lang), format_score(card["final_score"]), "final_score"),
        _metric(text("grade", lang), grade_label(result, card["grade"], lang), "grade"),
        _metric(text("rank", lang), rank_text(result, group_id, lang), "rank"),
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
            detail = f'<div class="assess-metric-detail">{html.escape(" · ".join(parts))}</div>' if parts else ""
        metrics.append(_metric(text("change", lang), change, "change", detail))
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
    body = (
        f'<div class="assess-card">{"".join(metrics)}</div>\n'
        f"{_kv(rows, 'assess-kv assess-parts')}\n"
        f"<h3>{html.escape(text('components', lang))}</h3>\n"
        f"{_img(plots.components_vs_peers(result, group_id, lang))}\n"
        f"{_p(text('components_note', lang))}\n"
        f"<h3>{html.escape(text('distribution', lang))}</h3>\n"
        f"{_img(plots.score_distribution(result, lang, highlight=group_id))}"
    )
    return _section("summary", lang, body, page_break=False)


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


def indicators_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Every indicator with its raw value, normalised score, weights and points, and the
    strongest and weakest indicators in plain words (against the median group).

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
    """
    frame = indicator_table(result, group_id, lang)
    numeric = {"raw", "normalized", "weight", "effective_weight", "points"}
    columns = [(text(c, lang), "num" if c in numeric else "text") for c in frame.columns]
    rows = [[html.escape(str(v)) for v in row] for row in frame.itertuples(index=False)]
    strong, weak = facts.strengths(result, group_id)
    above = _vs_median_items(strong, "vs_median_above", lang) or [text("none_above", lang)]
    below = _vs_median_items(weak, "vs_median_below", lang) or [text("none_below", lang)]
    colon = "：" if lang == "zh" else ": "
    strongest, weakest = html.escape(text("strongest", lang) + colon), html.escape(text("weakest", lang) + colon)
    items = "".join(f'<li class="assess-strong"><strong>{strongest}</strong>{html.escape(s)}</li>' for s in above)
    items += "".join(f'<li class="assess-weak"><strong>{weakest}</strong>{html.escape(s)}</li>' for s in below)
    body = (
        f'<ul class="assess-strengths">{items}</ul>\n'
        f"{_table(columns, rows, 'assess-table assess-wide assess-indicators')}\n"
        f"{_p(text('indicators_note', lang))}"
    )
    return _section("indicators", lang, body)


# ---- ratings ----------------------------------------------------------------------------


def ratings_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Ratings by quarter against all groups, response rate, reliability notes and the
    recipients' comments (as text).

    Parameters
    ----------
    result : Result
        A loaded assessment result (with its inputs).
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
    """
    s = facts.rating_summary(result, group_id)
    rows: list[tuple[str, str, str | None]] = [
        (text("responses", lang), str(s["responses"]), "responses"),
        (text("raters", lang), str(s["raters"]), "raters"),
        (
            text("response_rate", lang),
            text(
                "response_rate_value",
                lang,
                rate=format_percent(s["response_rate"]),
                responses=s["responses"],
                possible=s["possible"],
            ),
            "response_rate",
        ),
        (text("rating_score", lang), format_score(s["rating_score"]), "rating_score"),
        (
            text("reliability", lang),
            text(
                "reliability_value",
                lang,
                icc=format_number(s["icc1"], 2),
                alpha=format_number(s["alpha"], 2),
                responses=s["total_responses"],
            ),
            "reliability",
        ),
    ]
    if s["leniency_note"]:
        key = "leniency_applied" if s["leniency_applied"] else "leniency_not_applied"
        rows.append(
            (text("leniency", lang), text(key, lang, note=translate_note(s["leniency_note"], lang)), "leniency")
        )
    notes = []
    if s["few_raters"]:
        notes.append(text("quality.few_raters", lang, raters=s["raters"], min=s["min_raters"]))
    if s["straight_liners"]:
        notes.append(text("quality.straight_lining", lang, n=s["straight_liners"]))
    said = facts.comments(result, group_id)
    if said.empty:
        comments_html = _p(text("no_comments", lang))
    else:
        columns = [(text("quarter", lang), "date"), (text("recipient", lang), "text"), (text("comment", lang), "text")]
        comments_html = _table(
            columns,
            [[_e(v) for v in row] for row in said.itertuples(index=False)],
            "assess-table assess-wide assess-comments",
        )
    body = (
        f"{_img(plots.ratings_by_quarter(result, group_id, lang))}\n"
        f"{_kv(rows)}\n"
        + "".join(_p(n, "assess-warning") for n in notes)
        + f"\n<h3>{html.escape(text('comments', lang))}</h3>\n{comments_html}"
    )
    return _section("ratings", lang, body)


# ---- problems ---------------------------------------------------------------------------


def _priority(value: Any, lang: str) -> str:
    return text(f"priority.{value if value in facts.PRIORITIES else 'none'}", lang)


def problems_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """The problem ledger: counts by priority and status, time to resolve, and the
    problems overdue at the assessment date.

    Parameters
    ----------
    result : Result
        A loaded assessment result (with its inputs).
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
    """
    year = result.meta.get("year", "")
    counts = facts.problem_counts(result, group_id)
    parts = [_p(text("problems_note", lang, year=year))]
    if int(counts.loc["all", "all"]) == 0:
        parts.append(_p(text("no_problems", lang)))
    else:
        columns = [
            (text("priority", lang), "text"),
            (text("status.open", lang), "num"),
            (text("status.resolved", lang), "num"),
            (text("all", lang), "num"),
        ]
        rows = [
            [html.escape(text("all", lang) if key == "all" else _priority(key, lang)), *(str(int(v)) for v in row)]
            for key, row in zip(counts.index, counts[["open", "resolved", "all"]].to_numpy(), strict=True)
        ]
        parts.append(_table(columns, rows, "assess-table assess-problem-counts"))
        r = facts.resolution(result, group_id)
        kv = [
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
        parts.append(_kv(kv))
    overdue = facts.overdue_problems(result, group_id)
    parts.append(f"<h3>{html.escape(text('overdue', lang))}</h3>")
    parts.append(_p(text("overdue_note", lang)))
    if overdue.empty:
        parts.append(_p(text("no_overdue", lang)))
    else:
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
        columns = [(text(k, lang), kinds.get(k, "text")) for k in keys]
        rows = [
            [_e(r.problem_id), _e(r.recipient), _e(r.raised_on), html.escape(_priority(r.priority, lang)), _e(r.category),
             _e(r.responsible_unit), _e(r.responsible_person), _e(r.deadline), str(int(r.days_overdue))]
            for r in overdue.itertuples()
        ]  # fmt: skip
        parts.append(_table(columns, rows, "assess-table assess-wide assess-overdue"))
    return _section("problems", lang, "\n".join(parts))


# ---- milestones -------------------------------------------------------------------------


def _amount(value: Any) -> str:
    return format_number(value, 1, thousands=True)


def milestones_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Milestones planned in the year with their on-time status, and investment
    completed against planned.

    Parameters
    ----------
    result : Result
        A loaded assessment result (with its inputs).
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
    """
    table = facts.milestones(result, group_id)
    parts = [_p(text("milestones_note", lang, year=result.meta.get("year", "")))]
    if table.empty:
        parts.append(_p(text("no_milestones", lang)))
    else:
        inv = facts.investment(result, group_id)
        parts.append(
            _kv(
                [
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
            )
        )
        keys = [
            "recipient",
            "milestone",
            "planned_date",
            "completed_on",
            "on_time_status",
            "investment_planned",
            "investment_completed",
        ]
        columns = [
            (text(k, lang), "num" if k.startswith("investment") else "date" if k.endswith(("_date", "_on")) else "text")
            for k in keys
        ]
        rows = [
            [_e(r.recipient), _e(r.milestone), _e(r.planned_date), _e(r.completed_on),
             f'<span class="assess-status-{r.status}">{html.escape(text(f"milestone.{r.status}", lang))}</span>',
             _amount(r.investment_planned), _amount(r.investment_completed)]
            for r in table.itertuples()
        ]  # fmt: skip
        parts.append(_table(columns, rows, "assess-table assess-wide assess-milestones"))
    return _section("milestones", lang, "\n".join(parts))


# ---- adjustments, data quality, provenance ----------------------------------------------


def adjustments_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Bonuses, deductions and vetoes of the year with their reasons, and what was applied.

    Parameters
    ----------
    result : Result
        A loaded assessment result (with its inputs).
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
    """
    table = facts.adjustments(result, group_id)
    totals = facts.adjustment_totals(result, group_id)
    parts = []
    if table.empty:
        parts.append(_p(text("no_adjustments", lang)))
    else:
        columns = [
            (text("date", lang), "date"),
            (text("kind", lang), "text"),
            (text("points", lang), "num"),
            (text("reason", lang), "text"),
        ]
        rows = [
            [_e(r.date), html.escape(text(f"kind.{r.kind}", lang) if r.kind in ("bonus", "deduction", "veto") else display_text(r.kind)),
             format_number(r.points, 1), _e(r.reason)]
            for r in table.itertuples()
        ]  # fmt: skip
        parts.append(_table(columns, rows, "assess-table assess-wide assess-adjustments"))
    if not table.empty or totals["bonus"] or totals["deduction"]:
        parts.append(
            _p(
                text(
                    "adjustments_applied", lang, bonus=format_score(totals["bonus"]), deduction=format_score(totals["deduction"]),
                    bonus_cap=format_number(totals["bonus_cap"], 1), deduction_cap=format_number(totals["deduction_cap"], 1),
                )
            )
        )  # fmt: skip
    if totals["veto"]:
        parts.append(_p(text("veto_applied", lang), "assess-warning"))
    return _section("adjustments", lang, "\n".join(parts))


def _quality_text(result: Result, key: str, values: dict[str, Any], lang: str) -> str:
    if key == "insufficient_data":
        labels = component_labels(result, lang)
        values = {"components": _join([labels.get(c, c) for c in values["components"]], lang) or MISSING}
    elif key == "missing_indicators":
        values = {"indicators": _join([indicator_label(i, lang) for i in values["indicators"]], lang)}
    elif key in ("ledger_missing", "ledger_late"):
        values = {"n": len(values["months"]), "months": _join(values["months"], lang)}
    elif key == "veto":
        values = {"reasons": ("；" if lang == "zh" else "; ").join(values["reasons"]) or MISSING}
    return text(f"quality.{key}", lang, **values)


def uncertainty_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """How sure the group's grade and rank are, in words and a small chart.

    Empty when the run had no uncertainty analysis (``--uncertainty N``).
    """
    if result.uncertainty is None:
        return HTML("")
    from .uncertainty import group_figure, sentence  # only runs with an analysis pay for it

    draws = (result.meta.get("uncertainty") or {}).get("draws", "")
    body = _p(sentence(result, group_id, lang)) + _p(text("uncertainty_note", lang, draws=draws))
    body += _img(group_figure(result, group_id, lang))
    return _section("uncertainty", lang, body, page_break=False)


def quality_section(result: Result, group_id: str, lang: str = "en") -> HTML:
    """Data-quality notes: missing ledgers, indicators without a value, insufficient
    data, too few raters, straight-lining, quota demotion and vetoes.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
    """
    notes = facts.quality_notes(result, group_id)
    if not notes:
        body = _p(text("quality.none", lang))
    else:
        body = '<ul class="assess-quality">' + "".join(
            f'<li data-key="{key}">{html.escape(_quality_text(result, key, values, lang))}</li>' for key, values in notes
        ) + "</ul>"  # fmt: skip
    return _section("quality", lang, body, page_break=False)


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
    :data:`PAGE_META_MIME` for :func:`assess.pages.render_html`."""

    def __init__(self, html_: str, meta: dict[str, str]) -> None:
        self.html = html_
        self.meta = meta

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/html": self.html, "text/plain": "provenance", PAGE_META_MIME: self.meta}

    def _repr_html_(self) -> str:
        return self.html


def _provenance_rows(result: Result, lang: str) -> list[tuple[str, str, str | None]]:
    values = prov.facts(result.meta)
    rows = []
    for key, label in prov.FIELDS:
        value = values[key]
        if key == "git_commit" and value is None:
            value = text("not_in_git", lang)
        rows.append((text(label, lang), display_text(value), key))
    return rows


def provenance_section(result: Result, group_id: str | None = None, lang: str = "en") -> _Footer:
    """The provenance footer: input file and its SHA-256, scheme and its SHA-256, package
    version, source commit and generation time (``SOURCE_DATE_EPOCH`` pins it at scoring).

    Displayed in a notebook it also hands the page's ``<meta>`` tags to
    :func:`assess.pages.render_html`.
    """
    check_lang(lang)
    body = (
        f'<footer class="assess-section assess-footer" id="section-provenance">\n'
        f"<h2>{html.escape(text('provenance', lang))}</h2>\n"
        f"{_kv(_provenance_rows(result, lang), 'assess-kv assess-provenance')}\n</footer>"
    )
    return _Footer(body, page_meta(result, group_id, lang))


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
