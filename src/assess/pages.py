"""Pages: the HTML around each report and the run's index page. Self-contained by design:
inline CSS and script only, every data string escaped, written atomically."""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter

from assess import plots, report
from assess.result import Result

if TYPE_CHECKING:
    from assess.reports import ReportOutcome

__all__ = ["render_html", "write_index", "write_atomic"]

_CSS = """
body { font-family: "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", Helvetica, Arial, sans-serif;
       color: #222; margin: 0; background: #f6f7f9; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.2em; margin: 1.6em 0 0.5em; padding-bottom: 0.2em; border-bottom: 1px solid #ddd; }
.assess-subtitle, .muted { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.4em 0; font-size: 0.92em; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
thead th { background: #f0f2f5; }
td.num, .assess-table td { font-variant-numeric: tabular-nums; }
.assess-kv th { font-weight: 600; color: #444; min-width: 11em; }
.assess-summary tr:first-child td { font-size: 1.25em; font-weight: 700; }
.assess-provenance { font-size: 0.8em; color: #555; }
.assess-provenance td { font-family: Menlo, Consolas, monospace; word-break: break-all; }
img { max-width: 100%; height: auto; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; }
.failed td { color: #a61b1b; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.9em; }
/* nbconvert's cell wrappers: no prompts, no borders */
.prompt, .input_prompt, .output_prompt { display: none; }
.output_subarea { padding: 0; }
"""

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
    """Write ``content`` to a temporary file beside ``path``, then rename it into place.

    Readers see the old file or the whole new one, never a partial one.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        tmp.write_text(content, encoding="utf-8", newline="\n")  # default permissions, unlike mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _page(title: str, body: str, lang: str = "en", script: str = "") -> str:
    """A whole HTML document around ``body`` (already escaped), with inline CSS only."""
    script_tag = f"<script>{script}</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n{script_tag}</body>\n</html>\n"
    )


def render_html(notebook: nbformat.NotebookNode, title: str, lang: str = "en") -> str:
    """An executed report notebook as one self-contained HTML page, without code or prompts.

    nbconvert's ``basic`` template gives the cells' outputs only (no CDN scripts, no
    MathJax); they are wrapped in a page with inline CSS. Figures are inline PNG already.
    """
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook)
    return _page(title, body, lang)


def _cell(value: str, sort: float | str | None = None, numeric: bool = False) -> str:
    attrs = ' class="num"' if numeric else ""
    if sort is not None:
        attrs += f' data-sort="{html.escape(str(sort))}"'
    return f"<td{attrs}>{value}</td>"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN → None


def write_index(result: Result, outcomes: Sequence[ReportOutcome], out_dir: str | Path) -> Path:
    """Write ``out_dir/index.html``: every group with its scores and a link to its report.

    The page is self-contained (inline CSS, an inline sorting script, the score
    distribution as an inline PNG). Groups whose report succeeded link to
    ``reports/<group_id>.html``; failed reports are listed in their own section with the
    error. Every data string is HTML-escaped.

    Parameters
    ----------
    result : Result
        The scored result the reports were built from.
    outcomes : sequence of ReportOutcome
        What :func:`render_reports` returned.
    out_dir : str or Path
        The folder holding ``reports/``; created if needed.

    Returns
    -------
    Path
        The index file.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_group = {o.group_id: o for o in outcomes}
    meta = result.meta
    components = report.component_labels(result, "en")
    esc = html.escape

    scores = result.scores.sort_values(["rank", "group_id"], kind="stable")
    heads = [("Group", "text"), ("Name", "text"), ("Final score", "num"), ("Grade", "text"), ("Rank", "num")]
    heads += [(label, "num") for label in components.values()]
    heads += [("Notes", "text")]
    head_html = "".join(f'<th data-type="{kind}" scope="col">{esc(label)}</th>' for label, kind in heads)

    rows = []
    for _, row in scores.iterrows():
        group_id = str(row["group_id"])
        outcome = by_group.get(group_id)
        label = esc(group_id)
        if outcome is not None and outcome.ok:
            label = f'<a href="reports/{esc(quote(group_id))}.html">{label}</a>'
        rank = _number(row["rank"])
        final = _number(row["final_score"])
        cells = [
            _cell(label, sort=group_id),
            _cell(esc(report.display_text(row.get("name")))),
            _cell(esc(report.format_score(final)), sort=final if final is not None else "", numeric=True),
            _cell(esc(report.grade_label(result, row.get("grade"), "en"))),
            _cell(
                esc(str(int(rank))) if rank is not None else "—", sort=rank if rank is not None else "", numeric=True
            ),
        ]
        for name in components:
            value = _number(row.get(name))
            cells.append(_cell(esc(report.format_score(value)), sort=value if value is not None else "", numeric=True))
        notes = [report.flag_labels(row.get("flags"), "en")]
        if outcome is not None and not outcome.ok:
            notes.append("report failed")
        cells.append(_cell(esc("; ".join(n for n in notes if n))))
        rows.append(f"<tr>{''.join(cells)}</tr>")

    failed = [o for o in outcomes if not o.ok]
    names = dict(zip(result.scores["group_id"].astype(str), result.scores["name"], strict=False))
    failed_html = ""
    if failed:
        failed_rows = "".join(
            f'<tr class="failed"><td>{esc(o.group_id)}</td><td>{esc(report.display_text(names.get(o.group_id)))}</td>'
            f"<td><code>{esc(o.error or 'unknown error')}</code></td></tr>"
            for o in failed
        )
        failed_html = (
            '<h2 id="failed">Failed reports</h2>\n'
            "<table><thead><tr><th>Group</th><th>Name</th><th>Error</th></tr></thead>\n"
            f"<tbody>{failed_rows}</tbody></table>"
        )

    n_ok = sum(o.ok for o in outcomes)
    figure = report.figure_png(plots.score_distribution(result, "en"))
    image = base64.b64encode(figure).decode("ascii")
    title = f"Year-end assessment {meta.get('year', '')}".strip()
    provenance = "".join(
        f"<tr><th>{esc(label)}</th><td>{esc(report.display_text(value))}</td></tr>"
        for label, value in [
            ("Input SHA-256", meta.get("input_sha256")),
            ("Scheme SHA-256", meta.get("scheme_sha256")),
            ("Scheme", (meta.get("scheme") or {}).get("name")),
            ("assess version", meta.get("version")),
            ("Generated at", meta.get("generated_at")),
        ]
    )
    body = (
        f"<h1>{esc(title)}</h1>\n"
        f'<p class="muted">{len(result.scores)} groups · assessment date {esc(report.display_text(meta.get("as_of")))} · '
        f"reports: {n_ok} written, {len(failed)} failed</p>\n"
        "<h2>Groups</h2>\n"
        '<p class="muted">Click a column header to sort.</p>\n'
        f'<table class="sortable"><thead><tr>{head_html}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>\n"
        f"{failed_html}\n"
        "<h2>Final scores</h2>\n"
        f'<img alt="Histogram of final scores with grade thresholds" src="data:image/png;base64,{image}">\n'
        f'<h2>Provenance</h2>\n<table class="assess-kv assess-provenance">{provenance}</table>\n'
    )
    path = out_dir / "index.html"
    write_atomic(path, _page(title, body, "en", script=_SORT_JS))
    return path
