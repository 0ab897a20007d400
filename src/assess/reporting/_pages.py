"""Pages: the HTML document around each report and the run's index page.

Self-contained by design: inline CSS, inline JPEG figures, one inline script (the index's
sorter) and nothing fetched from anywhere — a Content-Security-Policy in each page forbids
any request and any script but the sorter, so even text that escaped escaping could not
run. The HTML comes from templates (``templates/page.html.j2``, ``templates/index.html.j2``,
:mod:`assess.reporting._render`), which escape every data string they print; the stylesheets
(``report.css``, ``print.css``) and the sorter (``sort.js``) are files there too, inlined into
each page. Files are written atomically; the same inputs give the same bytes (no random ids,
no clock: times come from the result's ``generated_at``).
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter

from assess.common import __version__, atomic_write, message
from assess.reporting import _facts as facts
from assess.reporting import figures as plots
from assess.reporting import sections as report
from assess.reporting._i18n import (
    check_lang,
    component_labels,
    display_text,
    flag_labels,
    format_score,
    format_signed,
    grade_label,
    text,
)
from assess.reporting._render import asset, page_css, print_css, render, trusted
from assess.scoring import Result


class ReportOutcome(Protocol):
    """What the index needs of a report's outcome (:class:`assess.batch._runner.ReportOutcome`)."""

    @property
    def group_id(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def error(self) -> str | None: ...


__all__ = ["render_html", "write_index", "page", "render_page", "print_css"]


def render_page(
    template: str,
    title: str,
    lang: str = "en",
    script: str = "",
    meta: Mapping[str, str] | None = None,
    **context: Any,
) -> str:
    """A whole HTML document from ``template``, ``templates/page.html.j2`` or one extending it.

    The page gets the stylesheets (``report.css``, ``print.css`` and the footer's
    :func:`print_css`), ``script`` (JavaScript text; the Content-Security-Policy lets it run by
    its SHA-256, and nothing else), ``<meta>`` tags from ``meta`` in the given order
    (``assess:generated-at`` also becomes ``dcterms.created``, which WeasyPrint writes as the
    PDF's creation date, so PDFs are as reproducible as the HTML), and ``context``.
    """
    check_lang(lang)
    meta = dict(meta or {})
    tags = [("generator", f"assess {meta.get('assess:version') or __version__}")]
    if meta.get("assess:generated-at"):
        tags.append(("dcterms.created", meta["assess:generated-at"]))
    tags += [(name, str(value)) for name, value in meta.items()]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") if script else ""
    return str(
        render(
            template,
            title=title,
            html_lang="zh-CN" if lang == "zh" else "en",
            meta=tags,
            # our own files and CSS, not data: inlined as they are
            stylesheet=trusted(page_css(lang)),
            script=trusted(script),
            script_sha256=digest,
            **context,
        )
    )


def page(title: str, body: str, lang: str = "en", script: str = "", meta: Mapping[str, str] | None = None) -> str:
    """A whole HTML document around ``body``: HTML this package built (rendered sections,
    nbconvert's output of a report), inserted as it is; see :func:`render_page`."""
    return render_page("page.html.j2", title, lang, script=script, meta=meta, body=trusted(body))


@functools.cache
def _exporter() -> HTMLExporter:
    """One exporter per process: building one compiles nbconvert's templates (~0.2 s)."""
    return HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )


def render_html(notebook: nbformat.NotebookNode, title: str, lang: str = "en") -> str:
    """An executed report notebook as one self-contained HTML page, without code or prompts.

    nbconvert's ``basic`` template gives the cells' outputs only (no CDN scripts, no
    MathJax); they are wrapped in :func:`page`. The ``<meta>`` tags come from the output
    :func:`assess.reporting.sections.provenance_section` leaves (:data:`assess.reporting.sections.PAGE_META_MIME`).
    The kernel's stderr (warnings meant for whoever runs the batch) stays in the executed
    notebook and out of the reviewer's page. Cell ids are renumbered: papermill gives its
    parameters cell a random one, and the page must not change from run to run.
    """
    nb = copy.deepcopy(notebook)
    meta: dict[str, str] = {}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None and report.PAGE_META_MIME in data:
                meta.update({str(k): str(v) for k, v in data.pop(report.PAGE_META_MIME).items()})
            kept.append(output)
        cell["outputs"] = kept
    body, _ = _exporter().from_notebook_node(nb)
    return page(title, body, lang, meta=meta)  # nbconvert's body of our rendered sections


@dataclass(frozen=True)
class _Cell:
    """A cell of the index's table: its text, its sort key (``data-sort``), its classes, a link."""

    text: str
    sort: float | str | None = None
    css: str = ""
    href: str | None = None


def _cell(value: str, sort: float | str | None = None, numeric: bool = False, css: str = "") -> _Cell:
    return _Cell(value, sort, " ".join(c for c in ("num" if numeric else "", css) if c))


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN → None


def _link(outcome: Any, out_dir: Path, attr: str) -> str | None:
    """Relative link to the outcome's file ``attr`` when it exists inside ``out_dir``."""
    path = getattr(outcome, attr, None)
    if outcome is None or not getattr(outcome, "ok", False) or path is None:
        return None
    path = Path(path)
    if not path.is_file():
        return None
    try:
        relative = path.resolve().relative_to(out_dir.resolve())
    except ValueError:
        return None
    return "/".join(quote(part) for part in relative.parts)


def _index_order(result: Result) -> Any:
    """The result's scores in the index's order: by rank, unranked groups (vetoed, insufficient
    data) last by final score, then by group id."""
    unranked = facts._flagged(result, "veto") | facts._flagged(result, "insufficient_data")
    return (
        result.scores.assign(_rank=result.scores["rank"].where(~unranked))
        .sort_values(
            ["_rank", "final_score", "group_id"], ascending=[True, False, True], kind="stable", na_position="last"
        )
        .drop(columns="_rank")
    )


def _index_heads(components: Mapping[str, str], with_change: bool, lang: str) -> list[tuple[str, str]]:
    """The index table's column heads, each with its sort type (``text`` or ``num``)."""
    heads = [(text("group_id", lang), "text"), (text("name", lang), "text"), (text("final_score", lang), "num")]
    heads += [(text("grade", lang), "text"), (text("rank", lang), "num")]
    heads += [(label, "num") for label in components.values()]
    if with_change:
        heads.append((text("change", lang), "num"))
    heads += [(text("report", lang), "text"), (text("flags", lang), "text")]
    return heads


def _standing_cells(
    result: Result, row: Any, html_link: str | None, level: Mapping[Any, int], lang: str
) -> list[_Cell]:
    """A row's group, name, final score, grade and rank cells; an unranked group's rank is its
    reason in words (``未参与排名——一票否决``), kept on as few lines as the column allows."""
    group_id = str(row["group_id"])
    standing = facts.standing(result, group_id)
    rank = standing["rank"]
    final = _number(row["final_score"])
    grade = row.get("grade")
    shown = format_score(final)
    if standing["partial"]:
        shown = text("partial_score", lang, score=shown)
    if standing["unranked_reason"] is not None:
        rank_shown = text(f"not_ranked.{standing['unranked_reason']}", lang)
    else:
        rank_shown = str(rank) if rank is not None else "—"
    return [
        _Cell(group_id, sort=group_id, href=html_link),
        _Cell(display_text(row.get("name")), css="name"),
        _cell(shown, sort=final if final is not None else "", numeric=True),
        _cell(grade_label(result, grade, lang), sort=level.get(grade, len(level)), css="grade"),
        # a rank is a number; "not ranked — veto" is words, which may wrap in a narrow column
        _cell(
            rank_shown,
            sort=rank if rank is not None else "",
            numeric=rank is not None,
            css="" if rank is not None else "unranked",
        ),
    ]


def _report_links(outcome: Any, html_link: str | None, pdf_link: str | None, lang: str) -> list[dict[str, str | None]]:
    """A row's links to its report (web page, PDF), or why there is none (failed, not rendered)."""
    links: list[dict[str, str | None]] = []
    if html_link:
        links.append({"text": text("web_page", lang), "href": html_link, "css": ""})
    if pdf_link:
        links.append({"text": "PDF", "href": pdf_link, "css": ""})
    if outcome is not None and not outcome.ok:
        links.append({"text": text("report_failed", lang), "href": None, "css": "failed-note"})
    elif not links:
        links.append({"text": text("not_rendered", lang), "href": None, "css": ""})
    return links


def _index_row(
    result: Result,
    row: Any,
    outcome: Any,
    out_dir: Path,
    components: Mapping[str, str],
    level: Mapping[Any, int],
    lang: str,
) -> dict[str, Any]:
    """One group's row of the index: its cells, its report links, its flags, whether it failed."""
    html_link = _link(outcome, out_dir, "html_path")
    cells = _standing_cells(result, row, html_link, level, lang)
    for name in components:
        value = _number(row.get(name))
        cells.append(_cell(format_score(value), sort=value if value is not None else "", numeric=True))
    if "score_change" in result.scores.columns:
        change = _number(row.get("score_change"))
        cells.append(_cell(format_signed(change), sort=change if change is not None else "", numeric=True))
    return {
        "cells": cells,
        "links": _report_links(outcome, html_link, _link(outcome, out_dir, "pdf_path"), lang),
        "flags": _cell(flag_labels(row.get("flags"), lang)),
        "failed": outcome is not None and not outcome.ok,
    }


def _grade_counts(result: Result, scores: Any, lang: str) -> str:
    """``优秀 3 · 良好 20 · …`` (groups per grade, in the scheme's order, then the ungraded)."""
    counts = scores["grade"].value_counts()
    bands = result.scheme.band_names
    grade_counts = [f"{grade_label(result, b, lang)} {int(counts.get(b, 0))}" for b in bands]
    ungraded = int(scores["grade"].isna().sum() + (scores["grade"] == "").sum())
    if ungraded:
        grade_counts.append(f"{text('ungraded', lang)} {ungraded}")
    return text("grade_counts", lang, counts=" · ".join(grade_counts))


def _index_figures(result: Result, lang: str) -> dict[str, Any]:
    """The index's figures: the score distribution, and the rank intervals when the result has
    an uncertainty analysis (with the note that says how they were drawn)."""
    meta = result.meta
    figures: dict[str, Any] = {
        "distribution": report.inline_image(
            report.figure_jpeg(plots.score_distribution(result, lang)), text("distribution_alt", lang)
        ),
        "intervals": None,
        "uncertainty_note": "",
    }
    if result.uncertainty is not None:
        intervals = report.figure_jpeg(plots.rank_intervals_figure(result, lang))
        figures["intervals"] = report.inline_image(intervals, text("uncertainty_alt", lang))
        figures["uncertainty_note"] = (
            text("uncertainty_note", lang, draws=(meta.get("uncertainty") or {}).get("draws", ""))
            + " "
            + report.uncertainty_settings_text(meta.get("uncertainty"), lang)
        )
    return figures


def write_index(result: Result, outcomes: Sequence[ReportOutcome], out_dir: str | Path, lang: str = "en") -> Path:
    """Write ``out_dir/index.html``: every group with its scores and a link to its report.

    The page is self-contained (inline CSS, an inline sorting script, the score
    distribution with the grade thresholds as an inline JPEG). A group links to its report
    only when the report succeeded and its file exists; failed reports are listed in their
    own section with the error; groups never rendered are marked. Every data string is
    HTML-escaped; provenance is shown and embedded as ``<meta>`` tags.

    Parameters
    ----------
    result : Result
        The scored result the reports were built from.
    outcomes : sequence of ReportOutcome
        What :func:`assess.batch._runner.render_reports` returned (``pdf_path``, when an outcome
        has one, adds a PDF link).
    out_dir : str or Path
        The folder holding ``reports/``; created if needed.
    lang : {"en", "zh"}
        Label language; grade and component labels come from the scheme.

    Returns
    -------
    Path
        The index file.
    """
    check_lang(lang)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_group = {o.group_id: o for o in outcomes}
    meta = result.meta
    components = component_labels(result, lang)
    scores = _index_order(result)
    level = {name: i for i, name in enumerate(result.scheme.band_names)}
    rows = [
        _index_row(result, row, by_group.get(str(row["group_id"])), out_dir, components, level, lang)
        for _, row in scores.iterrows()
    ]
    failed = [o for o in outcomes if not o.ok]
    names = dict(zip(result.scores["group_id"].astype(str), result.scores["name"], strict=False))
    footer = report.provenance_section(result, None, lang)
    labels = ("failed_reports", "group_id", "name", "error", "groups", "sort_hint", "distribution", "uncertainty_index")
    html = render_page(
        "index.html.j2",
        text("index_title", lang, year=meta.get("year", "")),
        lang,
        script=asset("sort.js"),
        meta=footer.meta,
        head=report.running_head_text(result, None, lang),
        summary=text(
            "index_summary", lang, n=len(result.scores), as_of=report.date_text(meta.get("as_of"), lang),
            ok=sum(1 for o in outcomes if o.ok), failed=len(failed),
        ),
        grade_counts=_grade_counts(result, scores, lang),
        labels={key: text(key, lang) for key in labels},
        failed=[
            {"group_id": o.group_id, "name": display_text(names.get(o.group_id)), "error": o.error or "unknown error"}
            for o in failed
        ],
        heads=_index_heads(components, "score_change" in result.scores.columns, lang),
        rows=rows,
        # nominal weight against what really moves the ranking
        importance=report.index_remarks(result, lang),  # importance, coherence red flags, low reliability
        line=report.provenance_line(result, lang),
        input_warnings=[w.get(lang) or w.get("en", "") for w in meta.get("warnings") or []],
        warnings_head=message("checks", "index_warnings", lang),
        warnings_note=message("checks", "index_warnings_note", lang, file="validation.txt"),
        **_index_figures(result, lang),
    )  # fmt: skip
    path = out_dir / "index.html"
    atomic_write(path, html)
    return path
