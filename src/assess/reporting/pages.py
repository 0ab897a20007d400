"""Pages: the HTML document around each report and the run's index page.

Self-contained by design: inline CSS, inline PNG figures, one inline script (the index's
sorter) and nothing fetched from anywhere — a Content-Security-Policy in each page forbids
any request and any script but the sorter, so even text that escaped escaping could not
run. Every data string is escaped; files are written atomically; the same inputs give the
same bytes (no random ids, no clock: times come from the result's ``generated_at``).
"""

from __future__ import annotations

import base64
import copy
import functools
import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter

from assess.common.atomic import atomic_write
from assess.common.version import __version__
from assess.reporting import facts
from assess.reporting import figures as plots
from assess.reporting import sections as report
from assess.reporting.i18n import (
    check_lang,
    component_labels,
    display_text,
    flag_labels,
    format_score,
    format_signed,
    grade_label,
    text,
)
from assess.scoring.result import Result


class ReportOutcome(Protocol):
    """What the index needs of a report's outcome (:class:`assess.batch.runner.ReportOutcome`)."""

    group_id: str
    ok: bool
    error: str | None


__all__ = ["render_html", "write_index", "write_atomic", "page"]

_CSS = """
:root { color-scheme: light; }
/* on the root, so the printed page's margin boxes (page numbers) use it too, not a serif fallback */
html { font-family: "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC",
       "Source Han Sans SC", "WenQuanYi Micro Hei", Helvetica, Arial, sans-serif; }
body { color: #222; margin: 0; background: #f6f7f9; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 2px solid #d5dbe1; }
h3 { font-size: 1.02em; margin: 1.2em 0 0.4em; color: #333; }
.assess-subtitle, .muted, .assess-note { color: #666; }
.assess-subtitle { margin-top: 0; }
.assess-note { font-size: 0.88em; }
.assess-warning { color: #8a4b00; background: #fff6e5; padding: 4px 8px; border-left: 3px solid #e0a030; }
table { border-collapse: collapse; margin: 0.4em 0; font-size: 0.92em; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
thead th { background: #f0f2f5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
table.assess-wide { width: 100%; }
.assess-table tbody tr:last-child td { border-bottom: 1px solid #ccc; }
.assess-indicators tbody tr:last-child td { font-weight: 600; }
.assess-kv th { font-weight: 600; color: #444; min-width: 11em; }
.assess-card { display: flex; flex-wrap: wrap; gap: 12px; margin: 0.6em 0 1em; }
.assess-metric { flex: 1 1 180px; border: 1px solid #d5dbe1; border-radius: 6px; padding: 10px 14px; background: #fafbfc; }
.assess-metric-label { font-size: 0.85em; color: #555; }
.assess-metric-value { font-size: 1.6em; font-weight: 700; color: #1f3a56; }
.assess-metric-detail { font-size: 0.85em; color: #555; }
.assess-strengths { padding-left: 1.2em; }
.assess-status-late, .assess-status-not_done { color: #a61b1b; }
.assess-status-on_time { color: #1e7b34; }
.assess-figure { margin: 0.4em 0; }
.assess-figure figcaption { font-size: 0.85em; color: #666; margin-top: 2px; }
.assess-figures { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.assess-figures .assess-figure { flex: 1 1 420px; margin: 0; }
.assess-small img { max-width: 640px; }
.assess-side { display: flex; flex-wrap: wrap-reverse; gap: 12px; align-items: flex-start; }
.assess-side > div { flex: 1 1 360px; }
.assess-standing { color: #8a1c1c; background: #fdf1f1; padding: 4px 8px; border-left: 3px solid #c0392b; margin: 0.4em 0; }
.assess-improve li { margin: 0.2em 0; }
.assess-footnote { font-size: 0.8em; color: #666; }
.assess-closing { margin-top: 1.6em; }
.assess-opinion { height: 9em; border: 1px solid #999; margin: 0.3em 0 0.8em; }
.assess-sign { display: flex; justify-content: space-between; gap: 2em; }
.assess-line { display: inline-block; width: 12em; border-bottom: 1px solid #333; height: 1.1em; vertical-align: bottom; }
.assess-footer { margin-top: 1.5em; }
.assess-provenance { font-size: 0.72em; color: #777; word-break: break-all; }
.assess-running { display: none; }
td.name { min-width: 9em; }
td.links { white-space: nowrap; }
img { max-width: 100%; height: auto; }
table.sortable th { cursor: pointer; user-select: none; white-space: normal; }
table.sortable th:nth-child(-n+5) { white-space: nowrap; }
table.sortable td:first-child, table.sortable td.grade, td.links { white-space: nowrap; }
table.sortable td.unranked { font-size: 0.85em; color: #555; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
.failed td { color: #a61b1b; }
code { font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; white-space: pre-wrap; }
/* nbconvert's cell wrappers: no prompts, no borders */
.prompt, .input_prompt, .output_prompt { display: none; }
.output_subarea { padding: 0; }
@page { size: A4; margin: 13mm 12mm 15mm;
  @top-center { content: element(head); vertical-align: bottom; padding-bottom: 2mm; }
  @bottom-left { content: element(provenance); width: 80%; vertical-align: top; padding-top: 2mm; }
  @bottom-right { font-size: 7.5pt; color: #555; vertical-align: top; padding-top: 2mm; width: 20%; text-align: right; }
}
@media print {
  body { background: #fff; font-size: 8pt; line-height: 1.22; }
  main { max-width: none; padding: 0; }
  .assess-running { display: block; position: running(head); font-size: 7.5pt; color: #555;
                    border-bottom: 0.5pt solid #999; width: 100%; text-align: center; }
  h1 { font-size: 15pt; margin: 0 0 2pt; }
  h2 { font-size: 11pt; margin: 6pt 0 3pt; padding-bottom: 1pt; border-bottom-width: 1pt; }
  h3 { font-size: 9.5pt; margin: 5pt 0 2pt; }
  p { margin: 3pt 0; }
  table { font-size: 7.2pt; margin: 2pt 0; line-height: 1.2; }
  th, td { padding: 0.8pt 4pt; }
  .assess-kv th { min-width: 0; }
  .assess-card { gap: 6pt; margin: 3pt 0 4pt; }
  .assess-metric { padding: 3pt 8pt; }
  .assess-metric-value { font-size: 13pt; }
  .assess-figures { display: block; }
  .assess-figures .assess-figure { display: inline-block; width: 49%; vertical-align: top; text-align: center; }
  .assess-figures img { max-height: 34mm; width: auto; }
  figcaption { text-align: left; }
  .assess-side { display: table; width: 100%; table-layout: fixed; }
  .assess-side > * { display: table-cell; vertical-align: top; }
  .assess-side > .assess-figure { width: 48%; padding-left: 6pt; }
  .assess-side .assess-kv { display: table; width: 100%; }
  .assess-side .assess-small img { max-height: 32mm; width: auto; }
  .assess-small img { max-width: 100%; }
  .assess-opinion { height: 16mm; margin: 2pt 0 5pt; }
  .assess-closing { margin-top: 6pt; }
  .assess-note { font-size: 7.5pt; margin: 1pt 0; }
  .assess-footer { position: running(provenance); margin: 0; }
  .assess-provenance { font-size: 5.6pt; line-height: 1.25; margin: 0; }
  /* wide tables: fixed column widths, laid out without measuring every cell */
  table.assess-wide { table-layout: fixed; }
  .assess-indicators th:nth-child(1) { width: 24%; } .assess-indicators th:nth-child(2) { width: 15%; }
  .assess-indicators th:nth-child(4) { width: 15%; }
  .assess-comments th:nth-child(1) { width: 20%; } .assess-comments th:nth-child(2) { width: 32%; }
  /* nine columns: the widths add up to 85 %, the cells' padding (8pt each) takes the rest */
  .assess-overdue th:nth-child(1) { width: 10%; } .assess-overdue th:nth-child(2) { width: 15%; }
  .assess-overdue th:nth-child(3), .assess-overdue th:nth-child(8) { width: 9%; }
  .assess-overdue th:nth-child(4) { width: 6%; } .assess-overdue th:nth-child(5) { width: 8%; }
  .assess-overdue th:nth-child(6) { width: 12%; } .assess-overdue th:nth-child(7) { width: 8%; }
  .assess-overdue th:nth-child(9) { width: 8%; }
  .assess-milestones th:nth-child(1) { width: 17%; } .assess-milestones th:nth-child(2) { width: 15%; }
  .assess-adjustments th:nth-child(1) { width: 12%; } .assess-adjustments th:nth-child(2) { width: 11%; }
  .assess-adjustments th:nth-child(3) { width: 10%; }
  h2, h3 { break-after: avoid; }
  tr, img, figure, .assess-card, .assess-metric, .assess-standing, .assess-closing, .assess-improve li { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  table.sortable th::after { content: none !important; }
  td.name { min-width: 11em; }
  td.links, .assess-kv th, table.sortable th { white-space: nowrap; }
  .screen-only { display: none; }
  /* second layout, when the first left a last page almost empty (assess.reporting.pdf) */
  html.assess-tight body { font-size: 7.6pt; line-height: 1.18; }
  html.assess-tight table { font-size: 6.9pt; }
  html.assess-tight .assess-figures img { max-height: 28mm; }
  html.assess-tight .assess-side .assess-small img { max-height: 26mm; }
  html.assess-tight .assess-opinion { height: 12mm; }
  html.assess-tight h2 { margin: 4pt 0 2pt; }
}
"""


def _css_string(value: str) -> str:
    """``value`` as a CSS string literal (quotes, backslashes, angle brackets and control
    characters escaped as CSS hex escapes)."""
    return '"' + "".join(f"\\{ord(ch):x} " if ch in '"\\<>' or ord(ch) < 32 else ch for ch in value) + '"'


def print_css(lang: str = "en") -> str:
    """The printed page's footer, ``第 n 页 共 m 页`` (``Page n of m``), as ``@page`` CSS."""
    parts = []
    for piece in re.split(r"(\{n\}|\{m\})", text("page_of", lang)):
        if piece == "{n}":
            parts.append("counter(page)")
        elif piece == "{m}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return f"@page {{ @bottom-right {{ content: {' '.join(parts)}; }} }}"


_SORT_JS = """
(function () {
  function key(cell, numeric) {
    var v = cell.getAttribute('data-sort');
    if (v === null) { v = cell.textContent.trim(); }
    if (v === '') { return null; }
    return numeric ? parseFloat(v) : v;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') === 'num';
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col], numeric), y = key(b.cells[col], numeric);
          if (x === null && y === null) { return 0; }
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          var c = numeric ? x - y : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
"""


def write_atomic(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` atomically (:func:`assess.common.atomic.atomic_write`)."""
    atomic_write(path, content)


def _csp(script: str) -> str:
    """No request of any kind; inline styles, ``data:`` images, and only ``script`` may run."""
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        scripts = f"'sha256-{digest}'"
    else:
        scripts = "'none'"
    return (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {scripts}; "
        "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )


def page(title: str, body: str, lang: str = "en", script: str = "", meta: Mapping[str, str] | None = None) -> str:
    """A whole HTML document around ``body`` (already escaped HTML).

    ``meta`` becomes ``<meta name=... content=...>`` tags (escaped), in the given order;
    ``assess:generated-at`` also becomes ``dcterms.created``, which WeasyPrint writes as the
    PDF's creation date (so PDFs are as reproducible as the HTML).
    """
    check_lang(lang)
    meta = dict(meta or {})
    tags = [("generator", f"assess {meta.get('assess:version') or __version__}")]
    if meta.get("assess:generated-at"):
        tags.append(("dcterms.created", meta["assess:generated-at"]))
    tags += list(meta.items())
    meta_html = "".join(f'<meta name="{html.escape(k)}" content="{html.escape(str(v))}">\n' for k, v in tags)
    script_tag = f"<script>{script}</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{meta_html}"
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}{print_css(lang)}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n{script_tag}</body>\n</html>\n"
    )


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
    return page(title, body, lang, meta=meta)


def _cell(value: str, sort: float | str | None = None, numeric: bool = False, css: str = "") -> str:
    css = " ".join(c for c in ("num" if numeric else "", css) if c)
    attrs = f' class="{css}"' if css else ""
    if sort is not None:
        attrs += f' data-sort="{html.escape(str(sort))}"'
    return f"<td{attrs}>{value}</td>"


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


def write_index(result: Result, outcomes: Sequence[ReportOutcome], out_dir: str | Path, lang: str = "en") -> Path:
    """Write ``out_dir/index.html``: every group with its scores and a link to its report.

    The page is self-contained (inline CSS, an inline sorting script, the score
    distribution with the grade thresholds as an inline PNG). A group links to its report
    only when the report succeeded and its file exists; failed reports are listed in their
    own section with the error; groups never rendered are marked. Every data string is
    HTML-escaped; provenance is shown and embedded as ``<meta>`` tags.

    Parameters
    ----------
    result : Result
        The scored result the reports were built from.
    outcomes : sequence of ReportOutcome
        What :func:`assess.batch.runner.render_reports` returned (``pdf_path``, when an outcome
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
    esc = html.escape
    with_change = "score_change" in result.scores.columns

    unranked = facts._flagged(result, "veto") | facts._flagged(result, "insufficient_data")
    scores = (
        result.scores.assign(_rank=result.scores["rank"].where(~unranked))
        .sort_values(
            ["_rank", "final_score", "group_id"], ascending=[True, False, True], kind="stable", na_position="last"
        )
        .drop(columns="_rank")
    )
    heads = [(text("group_id", lang), "text"), (text("name", lang), "text"), (text("final_score", lang), "num")]
    heads += [(text("grade", lang), "text"), (text("rank", lang), "num")]
    heads += [(label, "num") for label in components.values()]
    if with_change:
        heads.append((text("change", lang), "num"))
    heads += [(text("report", lang), "text"), (text("flags", lang), "text")]
    num_attr = ' class="num"'
    head_html = "".join(
        f'<th data-type="{kind}" scope="col"{num_attr if kind == "num" else ""}>{esc(label)}</th>'
        for label, kind in heads
    )

    level = {
        b.get("name"): i for i, b in enumerate(((meta.get("scheme") or {}).get("grades") or {}).get("bands") or [])
    }
    rows = []
    for _, row in scores.iterrows():
        group_id = str(row["group_id"])
        outcome = by_group.get(group_id)
        html_link = _link(outcome, out_dir, "html_path")
        pdf_link = _link(outcome, out_dir, "pdf_path")
        label = esc(group_id)
        if html_link:
            label = f'<a href="{esc(html_link)}">{label}</a>'
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
        cells = [
            _cell(label, sort=group_id),
            f'<td class="name">{esc(display_text(row.get("name")))}</td>',
            _cell(esc(shown), sort=final if final is not None else "", numeric=True),
            _cell(esc(grade_label(result, grade, lang)), sort=level.get(grade, len(level)), css="grade"),
            # a rank is a number; "not ranked — veto" is words, which may wrap in a narrow column
            _cell(
                esc(rank_shown),
                sort=rank if rank is not None else "",
                numeric=rank is not None,
                css="" if rank is not None else "unranked",
            ),
        ]
        for name in components:
            value = _number(row.get(name))
            cells.append(_cell(esc(format_score(value)), sort=value if value is not None else "", numeric=True))
        if with_change:
            change = _number(row.get("score_change"))
            cells.append(_cell(esc(format_signed(change)), sort=change if change is not None else "", numeric=True))
        links = []
        if html_link:
            links.append(f'<a href="{esc(html_link)}">{esc(text("web_page", lang))}</a>')
        if pdf_link:
            links.append(f'<a href="{esc(pdf_link)}">PDF</a>')
        if outcome is not None and not outcome.ok:
            links.append(f'<span class="failed-note">{esc(text("report_failed", lang))}</span>')
        elif not links:
            links.append(esc(text("not_rendered", lang)))
        cells.append(f'<td class="links">{" · ".join(links)}</td>')
        cells.append(_cell(esc(flag_labels(row.get("flags"), lang))))
        css = ' class="failed"' if outcome is not None and not outcome.ok else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")

    failed = [o for o in outcomes if not o.ok]
    names = dict(zip(result.scores["group_id"].astype(str), result.scores["name"], strict=False))
    failed_html = ""
    if failed:
        failed_rows = "".join(
            f'<tr class="failed"><td>{esc(o.group_id)}</td><td>{esc(display_text(names.get(o.group_id)))}</td>'
            f"<td><code>{esc(o.error or 'unknown error')}</code></td></tr>\n"
            for o in failed
        )
        failed_html = (
            f'<h2 id="failed">{esc(text("failed_reports", lang))}</h2>\n'
            f"<table><thead><tr><th>{esc(text('group_id', lang))}</th><th>{esc(text('name', lang))}</th>"
            f"<th>{esc(text('error', lang))}</th></tr></thead>\n<tbody>\n{failed_rows}</tbody></table>\n"
        )

    counts = scores["grade"].value_counts()
    bands = [b.get("name") for b in ((meta.get("scheme") or {}).get("grades") or {}).get("bands") or []]
    grade_counts = [f"{grade_label(result, b, lang)} {int(counts.get(b, 0))}" for b in bands]
    ungraded = int(scores["grade"].isna().sum() + (scores["grade"] == "").sum())
    if ungraded:
        grade_counts.append(f"{text('ungraded', lang)} {ungraded}")

    n_ok = sum(1 for o in outcomes if o.ok)
    figure = report.figure_png(plots.score_distribution(result, lang))
    image = base64.b64encode(figure).decode("ascii")
    title = text("index_title", lang, year=meta.get("year", ""))
    footer = report.provenance_section(result, None, lang)
    coherence = plots.importance_sentence(result, lang)  # nominal weight against what really moves the ranking
    importance_html = f'<p class="muted">{esc(coherence)}</p>\n' if coherence else ""
    uncertainty_html = ""
    if result.uncertainty is not None:
        from assess.reporting.figures import rank_intervals_figure

        intervals = base64.b64encode(report.figure_png(rank_intervals_figure(result, lang))).decode("ascii")
        draws = (meta.get("uncertainty") or {}).get("draws", "")
        uncertainty_html = (
            f"<h2>{esc(text('uncertainty_index', lang))}</h2>\n"
            f'<p class="muted">{esc(text("uncertainty_note", lang, draws=draws))}</p>\n'
            f'<figure class="assess-figure"><img alt="{esc(text("uncertainty_alt", lang))}" src="data:image/png;base64,{intervals}"></figure>\n'
        )
    body = (
        f"{report.running_head(result, None, lang)}\n"
        f"<h1>{esc(title)}</h1>\n"
        f'<p class="muted">{esc(text("index_summary", lang, n=len(result.scores), as_of=report.date_text(meta.get("as_of"), lang), ok=n_ok, failed=len(failed)))}</p>\n'
        f'<p class="muted">{esc(text("grade_counts", lang, counts=" · ".join(grade_counts)))}</p>\n'
        f"{failed_html}"
        f"<h2>{esc(text('groups', lang))}</h2>\n"
        f'<p class="muted screen-only">{esc(text("sort_hint", lang))}</p>\n'
        f'<table class="sortable assess-table"><thead><tr>{head_html}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>\n"
        f"<h2>{esc(text('distribution', lang))}</h2>\n"
        f'<figure class="assess-figure"><img alt="{esc(text("distribution_alt", lang))}" src="data:image/png;base64,{image}"></figure>\n'
        f"{importance_html}"
        f"{uncertainty_html}"
        f"{footer.html}\n"
    )
    path = out_dir / "index.html"
    write_atomic(path, page(title, body, lang, script=_SORT_JS, meta=footer.meta))
    return path
