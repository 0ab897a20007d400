"""The monthly bulletin (一月一通报) and the quarter's review paper (季度讲评), from a :class:`Monitor`.

The bulletin notebook (``templates/bulletin.ipynb``, run by papermill like the group reports)
displays the sections below one after the other; this module prepares plain data for the
templates ``templates/bulletin/*.html.j2`` (autoescaped: a comment ``<script>`` stays text)
and takes every word from the ``bulletin`` domain of the message catalogues. The same tables
go to ``bulletin-YYYY-MM.xlsx`` (:func:`sheets`, one sheet per table, headers in the language
asked for) and to an editable Word document (:func:`write_docx`).

Numbers follow the seed's register: one sentence per figure, "本月共收集问题 18 个，办结 12 个，
累计收集 220 个、办结 130 个，办结率 59.1%".
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure

from assess.analysis import Monitor
from assess.common import Domain, check_lang
from assess.reporting import _provenance as prov
from assess.reporting._i18n import (
    MISSING,
    display_text,
    format_number,
    format_percent,
    format_score,
    format_signed,
    is_missing,
    mark,
    month_label,
    quarter_label,
)
from assess.reporting._i18n import text as report_text
from assess.reporting._render import asset, render, trusted
from assess.reporting.figures import _style, cjk_font, figure_lang, literal
from assess.reporting.sections import _Footer, date_text, figure_jpeg, inline_image

__all__ = [
    "check_lang",
    "words",
    "title",
    "file_stem",
    "overview_sentences",
    "header_section",
    "overview_section",
    "supervision_section",
    "ledger_section",
    "progress_section",
    "ratings_section",
    "provenance_section",
    "trend_figure",
    "trajectory_figure",
    "overdue_heatmap",
    "sheets",
    "write_xlsx",
    "write_docx",
    "HEATMAP_GROUPS",
]

_BULLETIN = Domain("bulletin")
#: The provenance keys in words, ``lang → {key: phrase}``.
_PROVENANCE = Domain("provenance")

#: The heat map shows at most this many groups (those with the most overdue problems).
HEATMAP_GROUPS = 40


def words(key: str, lang: str = "en", **values: Any) -> str:
    """The bulletin's phrase ``key`` in ``lang`` (catalogue domain ``bulletin``)."""
    return _BULLETIN.text(key, lang, **values)


def _period_name(m: Monitor, lang: str) -> str:
    if m.period.kind == "quarter":
        year = m.period.year
        return words("quarter_name", lang, year=year, quarter=quarter_label(m.period.label, lang))
    return month_label(m.period.label, lang)


def title(m: Monitor, lang: str = "en") -> str:
    """``2025年6月工作通报`` / ``Monthly bulletin, 2025-06`` (the quarter's review paper for a quarter)."""
    return words(f"title_{m.period.kind}", lang, period=_period_name(m, lang))


def file_stem(m: Monitor) -> str:
    """``bulletin-2025-06`` or ``bulletin-2025-Q2``."""
    return f"bulletin-{m.period.label}"


def _n(value: Any) -> str:
    return format_number(value, 0, thousands=True)


def _amount(value: Any) -> str:
    return format_number(value, 1, thousands=True)


def _in_period(m: Monitor, lang: str) -> str:
    return words(f"in_{m.period.kind}", lang)


# ---- sentences -------------------------------------------------------------------------------


def overview_sentences(m: Monitor, lang: str = "en") -> list[str]:
    """The district's figures, one sentence each, in the register of the office's reports."""
    check_lang(lang)
    o = m.overview
    when = _in_period(m, lang)
    out = [
        words("s.problems", lang, when=when, collected=_n(o["collected"]), resolved=_n(o["resolved"]),
              collected_ytd=_n(o["collected_ytd"]), resolved_ytd=_n(o["resolved_ytd"]),
              rate=format_percent(o["resolution_rate"])),
        words("s.open", lang, open=_n(o["open"]), overdue=_n(o["overdue"]), due_soon=_n(o["due_soon"])),
        words("s.ledger", lang, month=month_label(m.ledger["month"].iloc[0] if len(m.ledger) else m.period.label, lang),
              groups=_n(o["groups"]), on_time=_n(o["ledger_on_time"]), late=_n(o["ledger_late"]),
              missing=_n(o["ledger_missing"])),
        words("s.visits", lang, when=when, visits=_n(o["visits"]), visits_ytd=_n(o["visits_ytd"])),
        words("s.milestones", lang, when=when, due=_n(o["milestones_due"]), done=_n(o["milestones_done"]),
              due_ytd=_n(o["milestones_due_ytd"]), done_ytd=_n(o["milestones_done_ytd"])),
    ]  # fmt: skip
    if o["ledger_pending"]:
        out[2] += words("s.ledger_pending", lang, pending=_n(o["ledger_pending"]))
    if o["investment_planned"] > 0:
        out.append(
            words("s.investment", lang, completed=_amount(o["investment_completed"]),
                  planned=_amount(o["investment_planned"]), rate=format_percent(o["investment_rate"]))
        )  # fmt: skip
    late = m.repeatedly_late
    if len(late):
        out.append(words("s.repeatedly_late", lang, n=_n(len(late)), groups=_names(m, late["group_id"], lang)))
    return out


def _names(m: Monitor, ids: Any, lang: str) -> str:
    names = m.progress.set_index("group_id")["name"]
    shown = [display_text(names.get(g, g)) for g in ids]
    return words("sep", lang).join(shown)


# ---- figures ----------------------------------------------------------------------------------


def _font(lang: str) -> str:
    """The style to draw in: with a CJK font whenever one is installed, since group names and
    recipients are the office's own (often Chinese) text, whatever the language of the labels."""
    return "zh" if cjk_font() is not None else lang


def _month_tick(month: str, lang: str) -> str:
    """A month ``YYYY-MM`` on a chart's axis, without its year: ``07`` (``7月``)."""
    try:
        return mark("month_tick", lang, month=int(str(month)[5:7]))
    except ValueError:
        return str(month)[5:]


def _group_label(names: pd.Series, group_id: Any) -> str:
    """A group's name on a chart; its ID when no installed font could draw the name."""
    name = display_text(names.get(group_id, group_id))
    return literal(name if cjk_font() is not None or name.isascii() else group_id)


def trend_figure(m: Monitor, lang: str = "en") -> Figure:
    """Cumulative problems collected and resolved at each month's end, and those overdue."""
    lang = figure_lang(lang)
    t = m.trend
    with _style(_font(lang)):
        fig = Figure(figsize=(7.2, 2.5), layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(len(t))
        ax.plot(x, t["collected_total"], marker="o", color="#34495e", linewidth=2, label=words("chart.collected", lang))
        ax.plot(x, t["resolved_total"], marker="o", color="#27ae60", linewidth=2, label=words("chart.resolved", lang))
        ax.bar(x, t["overdue"], color="#e67e22", alpha=0.55, width=0.5, label=words("chart.overdue", lang))
        top = max(1.0, float(t["collected_total"].max() if len(t) else 1)) * 1.15
        for xi, a, b in zip(x, t["collected_total"], t["resolved_total"], strict=True):
            ax.annotate(str(int(a)), (xi, a), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=7.5)
            below = b > 0.12 * top  # a small count goes above its point, clear of the axis
            ax.annotate(str(int(b)), (xi, b), xytext=(0, -11 if below else 4), textcoords="offset points", ha="center",
                        fontsize=7.5, color="#1e8449")  # fmt: skip
        ax.set_xticks(x, [literal(_month_tick(s, lang)) for s in t["month"]])
        ax.set_ylim(0, top)
        ax.set_ylabel(words("chart.problems", lang))
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    fig.set_label(words("chart.trend_alt", lang))
    return fig


def overdue_heatmap(m: Monitor, lang: str = "en") -> Figure:
    """Problems overdue at each month's end, group × month (the groups with the most, at most
    :data:`HEATMAP_GROUPS`)."""
    lang = figure_lang(lang)
    mat = m.overdue_matrix
    names = m.progress.set_index("group_id")["name"]
    order = mat.assign(_now=mat.iloc[:, -1] if mat.shape[1] else 0, _sum=mat.sum(axis=1))
    order = order.sort_values(["_now", "_sum"], ascending=False, kind="stable")
    shown = mat.loc[order.index[:HEATMAP_GROUPS]]
    shown = shown[shown.sum(axis=1) > 0] if len(mat) > HEATMAP_GROUPS else shown
    shown = shown.sort_index(kind="stable") if len(mat) <= HEATMAP_GROUPS else shown
    rows = max(len(shown), 1)
    with _style(_font(lang)):
        fig = Figure(figsize=(7.2, 0.9 + 0.16 * rows), layout="constrained")
        ax = fig.add_subplot()
        data = shown.to_numpy(dtype=float) if len(shown) else np.zeros((1, max(mat.shape[1], 1)))
        ax.imshow(data, aspect="auto", cmap="Oranges", vmin=0, vmax=max(float(data.max()), 1.0))
        for (i, j), v in np.ndenumerate(data):
            if v:
                ax.text(j, i, str(int(v)), ha="center", va="center", fontsize=6.5,
                        color="white" if v > data.max() * 0.6 else "#333")  # fmt: skip
        ax.set_xticks(range(mat.shape[1]), [literal(_month_tick(s, lang)) for s in mat.columns])
        ax.set_yticks(range(len(shown)), [_group_label(names, g) for g in shown.index], fontsize=6.5)
        ax.grid(False)
        ax.tick_params(axis="x", labelsize=7.5, top=True, labeltop=True, bottom=False, labelbottom=False)
    fig.set_label(words("chart.heatmap_alt", lang))
    return fig


def trajectory_figure(course: pd.DataFrame, group_id: str, lang: str = "en") -> Figure:
    """One group's provisional score (暂评) and its overdue problems at each month's end
    (``course`` from :func:`assess.analysis._monitor.trajectories`)."""
    lang = figure_lang(lang)
    rows = course[course["group_id"] == group_id]
    if rows.empty:
        raise KeyError(f"Group {group_id!r} is not in the trajectories; known groups start with: "
                       f"{', '.join(map(str, course['group_id'].unique()[:10]))}")  # fmt: skip
    with _style(_font(lang)):
        fig = Figure(figsize=(7.2, 2.6), layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(len(rows))
        ax.plot(x, rows["score"], marker="o", color="#c0392b", linewidth=2, label=words("chart.provisional", lang))
        ax.set_ylim(0, 100)
        ax.set_ylabel(words("col.provisional_score", lang))
        right = ax.twinx()
        right.bar(x, rows["overdue"], color="#e67e22", alpha=0.45, width=0.5, label=words("chart.overdue", lang))
        right.set_ylabel(words("col.overdue", lang))
        right.grid(False)
        right.set_ylim(0, max(1.0, float(rows["overdue"].max())) * 2)
        ax.set_xticks(x, [literal(_month_tick(s, lang)) for s in rows["month"]])
        ax.set_title(_group_label(rows.set_index("group_id")["name"], group_id), fontsize=10)
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        ax.legend(handles=handles, loc="upper left", frameon=False, fontsize=8)
    fig.set_label(words("chart.trajectory_alt", lang))
    return fig


def _image(fig: Figure, caption: str, dpi: int = 110) -> dict[str, str]:
    return inline_image(figure_jpeg(fig, dpi), str(fig.get_label() or ""), caption, "assess-figure")


# ---- sections --------------------------------------------------------------------------------


def _section(name: str, **context: Any) -> HTML:
    return HTML(str(render(f"bulletin/{name}.html.j2", **context)))


def _office(m: Monitor, lang: str) -> str:
    office = m.meta.get("office")
    if isinstance(office, dict):
        office = office.get(lang) or office.get("en")
    return str(office) if office else report_text("office_default", lang)


def header_section(m: Monitor, lang: str = "en") -> HTML:
    """The title, the office, the date the figures are taken at, and the bulletin's stylesheet."""
    check_lang(lang)
    head = words("running_head", lang, office=_office(m, lang), title=title(m, lang))
    return _section(
        "header",
        css=trusted(asset("bulletin.css")),  # our own stylesheet file
        head=head,
        title=title(m, lang),
        subtitle=words("subtitle", lang, office=_office(m, lang), date=date_text(m.meta.get("as_of", ""), lang)),
    )


def overview_section(m: Monitor, lang: str = "en") -> HTML:
    """全区概况: one sentence per figure, and the cumulative chart."""
    check_lang(lang)
    fig = _image(trend_figure(m, lang), words("chart.trend_caption", lang))
    return _section("overview", heading=words("h.overview", lang), sentences=overview_sentences(m, lang), figure=fig)


def _priority(value: Any, lang: str) -> str:
    return report_text(f"priority.{value if value in ('urgent', 'common', 'major') else 'none'}", lang)


def _date(value: Any) -> str:
    return MISSING if is_missing(value) else pd.Timestamp(value).date().isoformat()


def supervision_section(m: Monitor, lang: str = "en") -> HTML:
    """督办清单: the overdue problems (longest first), those due soon, and per responsible unit."""
    check_lang(lang)
    cols = ["group", "recipient", "category", "priority", "responsible_unit", "responsible_person", "deadline"]
    kinds = {"deadline": "date", "days_overdue": "num", "days_left": "num"}

    def rows(frame: pd.DataFrame, last: str) -> list[list[str]]:
        return [
            [display_text(r.group), display_text(r.recipient), display_text(r.category), _priority(r.priority, lang),
             display_text(r.responsible_unit), display_text(r.responsible_person), _date(r.deadline),
             _n(getattr(r, last))]
            for r in frame.itertuples()
        ]  # fmt: skip

    head = [(words(f"col.{c}", lang), kinds.get(c, "text")) for c in cols]
    units = [
        [display_text(r.responsible_unit) if r.responsible_unit else words("unit_none", lang), _n(r.overdue),
         _n(r.groups), _n(r.longest), format_number(r.mean_days, 1)]
        for r in m.by_unit.itertuples()
    ]  # fmt: skip
    unit_cols = ["responsible_unit", "overdue", "groups", "longest", "mean_days"]
    return _section(
        "supervision",
        heading=words("h.supervision", lang),
        note=words("supervision_note", lang, date=date_text(m.meta.get("as_of", ""), lang), n=_n(len(m.supervision))),
        overdue_columns=[*head, (words("col.days_overdue", lang), "num")],
        overdue=rows(m.supervision, "days_overdue"),
        none=words("no_overdue", lang),
        soon_heading=words("h.due_soon", lang, days=30),
        soon_columns=[*head, (words("col.days_left", lang), "num")],
        soon=rows(m.due_soon, "days_left"),
        no_soon=words("no_due_soon", lang),
        unit_heading=words("h.by_unit", lang),
        unit_columns=[(words(f"col.{c}", lang), "text" if c == "responsible_unit" else "num") for c in unit_cols],
        units=units,
    )


def _ledger_text(status: Any, days: Any, lang: str) -> str:
    if status == "late":
        return words("ledger.late_days", lang, days=_n(days))
    return words(f"ledger.{status}", lang)


def ledger_section(m: Monitor, lang: str = "en") -> HTML:
    """台账报送情况: the month's ledgers not on time, and the groups repeatedly late (every group's
    ledger is in the 各工作组进展 table and in the workbook)."""
    check_lang(lang)
    names = m.progress.set_index("group_id")["name"]
    bad = m.ledger[~m.ledger["status"].isin(["on_time"])]
    rows = [
        [display_text(names.get(r.group_id, r.group_id)), _date(r.due_date), _date(r.submitted_on),
         _ledger_text(r.status, r.days_late, lang), format_percent(r.completeness, 0)]
        for r in bad.itertuples()
    ]  # fmt: skip
    late = [
        [display_text(names.get(r.group_id, r.group_id)), _n(r.late_or_missing),
         words("sep", lang).join(month_label(x, lang) for x in r.months.split(","))]
        for r in m.repeatedly_late.itertuples()
    ]  # fmt: skip
    o = m.overview
    month = m.ledger["month"].iloc[0] if len(m.ledger) else m.period.label
    return _section(
        "ledger",
        heading=words("h.ledger", lang),
        sentence=words("ledger_sentence", lang, month=month_label(month, lang), groups=_n(o["groups"]),
                       on_time=_n(o["ledger_on_time"]), late=_n(o["ledger_late"]), missing=_n(o["ledger_missing"])),
        columns=[(words(f"col.{c}", lang), k) for c, k in
                 [("group", "text"), ("due_date", "date"), ("submitted_on", "date"), ("ledger", "text"), ("completeness", "num")]],
        rows=rows,
        all_on_time=words("ledger_all_on_time", lang),
        late_heading=words("h.repeatedly_late", lang),
        late_note=words("repeatedly_late_note", lang),
        late_columns=[(words("col.group", lang), "text"), (words("col.late_or_missing", lang), "num"),
                      (words("col.months", lang), "text")],
        late=late,
        no_late=words("no_repeatedly_late", lang),
    )  # fmt: skip


def _standing(r: Any, lang: str) -> tuple[str, str, str]:
    if r.insufficient or is_missing(r.score):
        return words("too_little_data", lang), MISSING, MISSING
    rank = MISSING if is_missing(r.rank) else _n(r.rank)
    return format_score(r.score), rank, format_signed(r.change)


def progress_section(m: Monitor, lang: str = "en") -> HTML:
    """各工作组进展: per group, the ledger, problems, milestones due next month and the
    provisional standing (暂评) with its change since the previous month; the overdue heat map."""
    check_lang(lang)
    rows = []
    for r in m.progress.itertuples():
        score, rank, change = _standing(r, lang)
        rows.append(
            [display_text(r.name), _ledger_text(r.ledger, r.days_late, lang), format_percent(r.completeness, 0),
             _n(r.collected), _n(r.resolved), f"{_n(r.resolved_ytd)}/{_n(r.collected_ytd)}",
             format_percent(r.resolution_rate, 0), _n(r.overdue), _n(r.milestones_due_next), score, rank, change]
        )  # fmt: skip
    keys = ["group", "ledger", "completeness", "collected", "resolved", "resolved_of_collected", "resolution_rate",
            "overdue", "milestones_due_next", "provisional_score", "provisional_rank", f"change_{m.period.kind}"]  # fmt: skip
    columns = [(words(f"col.{k}", lang), "text" if k in ("group", "ledger") else "num") for k in keys]
    heat = _image(overdue_heatmap(m, lang), words("chart.heatmap_caption", lang,
                  n=min(HEATMAP_GROUPS, len(m.overdue_matrix))))  # fmt: skip
    first = m.meta.get("previous_as_of") is None
    return _section(
        "progress",
        heading=words("h.progress", lang),
        note=words("provisional_note", lang, date=date_text(m.meta.get("as_of", ""), lang))
        + (words("no_previous", lang) if first else ""),
        columns=columns,
        rows=rows,
        figure=heat,
    )


def ratings_section(m: Monitor, lang: str = "en") -> HTML:
    """The quarter's ratings (季度讲评 only): response rate, mean with its 95 % interval and lowest
    item per group; the lowest-rated items; the served units' comments, attributed."""
    check_lang(lang)
    if m.ratings is None:
        return HTML("")
    g = m.ratings["by_group"]
    lo, hi = (m.meta.get("rating_scale") or [1, 5])[:2]

    def interval(r: Any) -> str:
        if is_missing(r.low):
            return MISSING
        return f"{format_number(max(r.low, lo), 2)}–{format_number(min(r.high, hi), 2)}"

    rows = [
        [display_text(r.name), f"{_n(r.responses)}/{_n(r.recipients)}", format_percent(r.response_rate, 0),
         format_number(r.mean, 2), interval(r), display_text(r.lowest_item), format_number(r.lowest_item_mean, 2)]
        for r in g.itertuples()
    ]  # fmt: skip
    keys = ["group", "responses", "response_rate", "rating_mean", "rating_interval", "lowest_item", "lowest_item_mean"]
    items = [[display_text(r.item), _n(r.n), format_number(r.mean, 2)] for r in m.ratings["items"].itertuples()]
    comments = [
        [display_text(r.group), display_text(r.recipient), display_text(r.item), format_number(r.score, 0),
         display_text(r.comment)]
        for r in m.ratings["comments"].itertuples()
    ]  # fmt: skip
    return _section(
        "ratings",
        heading=words("h.ratings", lang, quarter=quarter_label(m.period.label, lang)),
        note=words("ratings_note", lang, lo=format_number(lo, 0), hi=format_number(hi, 0)),
        columns=[(words(f"col.{k}", lang), "text" if k in ("group", "lowest_item") else "num") for k in keys],
        rows=rows,
        items_heading=words("h.items", lang),
        item_columns=[(words("col.item", lang), "text"), (words("col.ratings", lang), "num"),
                      (words("col.rating_mean", lang), "num")],
        items=items,
        comments_heading=words("h.comments", lang),
        comment_columns=[(words(f"col.{k}", lang), "num" if k == "score" else "text")
                         for k in ("group", "recipient", "item", "score", "comment")],
        comments=comments,
        no_comments=words("no_comments", lang),
    )  # fmt: skip


def provenance_line(m: Monitor, lang: str = "en") -> str:
    """Input file and checksum, scheme checksum, version, source commit and generation time."""
    f = prov.facts(m.meta)
    return words(
        "provenance", lang, input_sha256=display_text(f.get("input_sha256")),
        scheme_sha256=display_text(f.get("scheme_sha256")), version=display_text(f.get("version")),
        generated=_generated(m, lang),
    )  # fmt: skip


def _generated(m: Monitor, lang: str) -> str:
    """The generation time in the office's time zone, as the language writes the date."""
    from assess.common import format_date, local_datetime

    moment = m.meta.get("generated_at")
    if not moment:
        return MISSING
    local = local_datetime(str(moment), m.meta.get("timezone"))
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def provenance_section(m: Monitor, lang: str = "en") -> _Footer:
    """The provenance in small print, and the page's ``<meta>`` tags (also the PDF's metadata)."""
    check_lang(lang)
    f = prov.facts(m.meta)
    meta = {f"assess:{k.replace('_', '-')}": display_text(v) for k, v in f.items() if v is not None}
    meta.update({"assess:period": m.period.label, "assess:as-of": str(m.meta.get("as_of", "")), "assess:lang": lang})
    if f.get("generated_at"):
        meta["assess:generated-at"] = str(f["generated_at"])
    body = render("sections/provenance.html.j2", line=provenance_line(m, lang))
    return _Footer(str(body), meta)


# ---- tables: the workbook and the Word document ---------------------------------------------------


def sheets(m: Monitor, lang: str = "en") -> dict[str, pd.DataFrame]:
    """Every table of the bulletin, one sheet each, headers in ``lang`` (codes kept as data)."""
    check_lang(lang)

    def label(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.rename(columns={c: words(f"col.{c}", lang) for c in frame.columns})

    def coded(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        if "priority" in out:
            out["priority"] = [_priority(v, lang) for v in out["priority"]]
        if "ledger" in out:
            out["ledger"] = [words(f"ledger.{v}", lang) for v in out["ledger"]]
        if "status" in out:
            out["status"] = [words(f"ledger.{v}", lang) for v in out["status"]]
        return out

    o = m.overview
    overview = pd.DataFrame({"figure": [words(f"fig.{k}", lang) for k in o], "value": [o[k] for k in o]}).rename(
        columns={"figure": words("col.figure", lang), "value": words("col.value", lang)}
    )
    progress = m.progress.drop(columns=["insufficient"]).assign(
        score=m.progress["score"].where(~m.progress["insufficient"]).round(1),
        score_before=m.progress["score_before"].round(1),
        change=m.progress["change"].round(1),
        grade=m.progress["grade"].where(~m.progress["insufficient"]),
    ).rename(columns={"score": "provisional_score", "rank": "provisional_rank", "grade": "provisional_grade",
                      "score_before": "score_before", "change": f"change_{m.period.kind}"})  # fmt: skip
    out = {
        words("sheet.overview", lang): overview,
        words("sheet.supervision", lang): label(coded(m.supervision)),
        words("sheet.due_soon", lang): label(coded(m.due_soon)),
        words("sheet.by_unit", lang): label(m.by_unit.assign(mean_days=m.by_unit["mean_days"].round(1))),
        words("sheet.ledger", lang): label(coded(m.ledger)),
        words("sheet.repeatedly_late", lang): label(m.repeatedly_late),
        words("sheet.progress", lang): label(coded(progress)),
        words("sheet.trend", lang): label(m.trend),
        words("sheet.heatmap", lang): m.overdue_matrix.reset_index().rename(
            columns={"group_id": words("col.group_id", lang)}
        ),
    }
    if m.ratings is not None:
        out[words("sheet.ratings", lang)] = label(m.ratings["by_group"])
        out[words("sheet.items", lang)] = label(
            m.ratings["items"].rename(columns={"n": "ratings", "mean": "rating_mean"})
        )
        out[words("sheet.comments", lang)] = label(m.ratings["comments"])
    f = prov.facts(m.meta)
    rows = {**{k: v for k, v in f.items() if k != "git_commit"}, "period": m.period.label, "as_of": m.meta.get("as_of")}
    out[words("sheet.provenance", lang)] = provenance_sheet(rows, lang)
    return out


def provenance_sheet(rows: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """The provenance as a two-column table: English keeps the machine keys and headers
    (``key``, ``value``), another language names each item in its words.

    Examples
    --------
    >>> provenance_sheet({"input": "data.xlsx"}, "zh").to_dict("list")
    {'项目': ['数据文件'], '内容': ['data.xlsx']}
    """
    values = [display_text(v) for v in rows.values()]
    if check_lang(lang) == "en":
        return pd.DataFrame({"key": list(rows), "value": values})
    names = _PROVENANCE[lang]
    return pd.DataFrame({names["key"]: [names.get(k, k) for k in rows], names["value"]: values})


def write_xlsx(m: Monitor, path: str | Path, lang: str = "en") -> Path:
    """``bulletin-YYYY-MM.xlsx``: one sheet per table (atomic; byte for byte under ``SOURCE_DATE_EPOCH``)."""
    from assess.reporting._workbook import write_tables

    return write_tables(path, sheets(m, lang))


# ---- Word ------------------------------------------------------------------------------------------


def _docx_font(run_or_style: Any, name: str, east_asia: str) -> None:
    from docx.oxml.ns import qn

    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def _page_number(paragraph: Any, lang: str) -> None:
    """``第 n 页 共 m 页`` / ``Page n of m`` with Word fields (PAGE, NUMPAGES)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field(code: str) -> None:
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text == code:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {code} "
            else:
                el = OxmlElement("w:t")
                el.text = text
            run._r.append(el)

    template = report_text("page_of", lang)
    before, rest = template.split("{n}")
    middle, after = rest.split("{m}")
    paragraph.add_run(before)
    field("PAGE")
    paragraph.add_run(middle)
    field("NUMPAGES")
    paragraph.add_run(after)


def _docx_table(doc: Any, columns: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, columns, strict=True):
        cell.text = label
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value


def write_docx(m: Monitor, path: str | Path, lang: str = "en") -> Path:
    """The bulletin as an editable Word document: headings, the sentences, the tables, page
    numbers in the footer, and a CJK font (``w:eastAsia``) so Word shows the Chinese as set."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from assess.common import atomic_write

    check_lang(lang)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(15))
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title"):
        _docx_font(doc.styles[name], "Arial", "SimSun" if name == "Normal" else "SimHei")
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = title(m, lang)
    doc.core_properties.author = _office(m, lang)
    when = pd.Timestamp(str(m.meta.get("generated_at") or "1980-01-01T00:00:00+00:00"))
    doc.core_properties.created = doc.core_properties.modified = (
        when.tz_convert("UTC").tz_localize(None).to_pydatetime()
    )
    doc.core_properties.last_modified_by = _office(m, lang)
    doc.core_properties.revision = 1
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer, lang)

    doc.add_heading(title(m, lang), level=0)
    doc.add_paragraph(words("subtitle", lang, office=_office(m, lang), date=date_text(m.meta.get("as_of", ""), lang)))
    doc.add_heading(words("h.overview", lang), level=1)
    for sentence in overview_sentences(m, lang):
        doc.add_paragraph(sentence)
    for fig in (trend_figure(m, lang),):
        buf = io.BytesIO(figure_jpeg(fig, 110))
        doc.add_picture(buf, width=Mm(170))

    doc.add_heading(words("h.supervision", lang), level=1)
    cols = ["group", "recipient", "category", "priority", "responsible_unit", "responsible_person", "deadline"]
    for frame, last, heading in (
        (m.supervision, "days_overdue", None),
        (m.due_soon, "days_left", words("h.due_soon", lang, days=30)),
    ):
        if heading:
            doc.add_heading(heading, level=2)
        if frame.empty:
            doc.add_paragraph(words("no_overdue" if last == "days_overdue" else "no_due_soon", lang))
            continue
        _docx_table(
            doc, [words(f"col.{c}", lang) for c in [*cols, last]],
            [[display_text(r.group), display_text(r.recipient), display_text(r.category), _priority(r.priority, lang),
              display_text(r.responsible_unit), display_text(r.responsible_person), _date(r.deadline), _n(getattr(r, last))]
             for r in frame.itertuples()],
        )  # fmt: skip
    doc.add_heading(words("h.by_unit", lang), level=2)
    _docx_table(
        doc, [words(f"col.{c}", lang) for c in ("responsible_unit", "overdue", "groups", "longest", "mean_days")],
        [[display_text(r.responsible_unit) or words("unit_none", lang), _n(r.overdue), _n(r.groups), _n(r.longest),
          format_number(r.mean_days, 1)] for r in m.by_unit.itertuples()],
    )  # fmt: skip

    doc.add_heading(words("h.ledger", lang), level=1)
    o = m.overview
    month = m.ledger["month"].iloc[0] if len(m.ledger) else m.period.label
    doc.add_paragraph(words("ledger_sentence", lang, month=month_label(month, lang), groups=_n(o["groups"]),
                            on_time=_n(o["ledger_on_time"]), late=_n(o["ledger_late"]), missing=_n(o["ledger_missing"])))  # fmt: skip
    if len(m.repeatedly_late):
        doc.add_paragraph(words("s.repeatedly_late", lang, n=_n(len(m.repeatedly_late)),
                                groups=_names(m, m.repeatedly_late["group_id"], lang)))  # fmt: skip

    if m.ratings is not None:
        doc.add_heading(words("h.ratings", lang, quarter=quarter_label(m.period.label, lang)), level=1)
        g = m.ratings["by_group"]
        _docx_table(
            doc, [words(f"col.{k}", lang) for k in ("group", "responses", "response_rate", "rating_mean", "lowest_item")],
            [[display_text(r.name), f"{_n(r.responses)}/{_n(r.recipients)}", format_percent(r.response_rate, 0),
              format_number(r.mean, 2), display_text(r.lowest_item)] for r in g.itertuples()],
        )  # fmt: skip
        doc.add_heading(words("h.comments", lang), level=2)
        for r in m.ratings["comments"].itertuples():
            doc.add_paragraph(words("comment_line", lang, group=display_text(r.group), recipient=display_text(r.recipient),
                                    item=display_text(r.item), score=format_number(r.score, 0), comment=display_text(r.comment)))  # fmt: skip

    doc.add_heading(words("h.progress", lang), level=1)
    doc.add_paragraph(words("provisional_note", lang, date=date_text(m.meta.get("as_of", ""), lang)))
    rows = []
    for r in m.progress.itertuples():
        score, rank, change = _standing(r, lang)
        rows.append([display_text(r.name), _ledger_text(r.ledger, r.days_late, lang), _n(r.collected), _n(r.resolved),
                     format_percent(r.resolution_rate, 0), _n(r.overdue), score, rank, change])  # fmt: skip
    _docx_table(
        doc, [words(f"col.{k}", lang) for k in ("group", "ledger", "collected", "resolved", "resolution_rate", "overdue",
                                                "provisional_score", "provisional_rank", f"change_{m.period.kind}")],
        rows,
    )  # fmt: skip
    small = doc.add_paragraph(provenance_line(m, lang))
    for run in small.runs:
        run.font.size = Pt(7)
    buffer = io.BytesIO()
    doc.save(buffer)
    path = Path(path)
    atomic_write(path, _reproducible_zip(buffer.getvalue()))
    return path


def _reproducible_zip(data: bytes) -> bytes:
    from assess.reporting._workbook import _reproducible

    return _reproducible(data)
