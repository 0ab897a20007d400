"""assess.reporting._render and its templates: every page and section comes from a Jinja2
template with autoescape on; stylesheets and the script are files inlined into each page.

The planted-markup tests of the whole report and index (script in a name, a comment and a
reason, shown as text) are in tests/test_reports.py (``test_planted_markup_is_escaped_in_every_section``,
``test_index_lists_links_and_failures``) and tests/test_browser.py; these check the mechanism on its own.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from importlib import resources
from pathlib import Path

import jinja2
import pytest

from assess.intake._validate import load
from assess.reporting import _pages as pages
from assess.reporting import _render as render
from assess.reporting import sections as report
from assess.scoring._compute import score
from workbooks import minimal_sheets, write_workbook

TEMPLATES = resources.files("assess.reporting").joinpath("templates")
SRC = Path(report.__file__).parent
PROBE = '<b onmouseover=x>A & B\'s "group"</b>'


def _files(suffix: str) -> list[str]:
    """Names of the template folder's files ending in ``suffix``, relative to it, with ``/``."""
    root = Path(str(TEMPLATES))
    return sorted(p.relative_to(root).as_posix() for p in root.rglob(f"*{suffix}"))


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory):
    """The two-group minimal year, G1's name and leader being markup."""
    sheets = minimal_sheets()
    sheets["groups"][1][1] = PROBE
    sheets["groups"][1][2] = PROBE
    path = write_workbook(tmp_path_factory.mktemp("probe") / "probe.xlsx", sheets)
    return score(load(path), year=2025)


def test_every_template_parses() -> None:
    names = _files(".j2")
    # the page, the index, the bound front matter, the macros and every section of a report
    assert {"page.html.j2", "index.html.j2", "bound_front.html.j2", "macros.html.j2"} <= set(names)
    used = set(re.findall(r'render\(\s*"(sections/\w+\.html\.j2)"', (SRC / "sections.py").read_text()))
    used |= {f"sections/{n}.html.j2" for n in re.findall(r'_section\(\s*"(\w+)"', (SRC / "sections.py").read_text())}
    assert used == {n for n in names if n.startswith("sections/")} and len(used) == 12
    env = render.environment()
    for name in names:
        source = TEMPLATES.joinpath(*name.split("/")).read_text(encoding="utf-8")
        env.parse(source, name=name)  # raises TemplateSyntaxError
        assert env.get_template(name).name == name


def test_environment_escapes_every_value_and_refuses_unknown_names() -> None:
    env = render.environment()
    assert env.autoescape is True
    macros = env.get_template("macros.html.j2").module
    # exactly html.escape's escaping (&quot; and &#x27; as the pages always had)
    assert str(macros.p(PROBE)) == f'<p class="assess-note">{html.escape(PROBE)}</p>'
    row = str(macros.kv([("<th>", PROBE, "key")]))
    assert f'<tr><th scope="row">&lt;th&gt;</th><td data-key="key">{html.escape(PROBE)}</td></tr>' in row
    with pytest.raises(jinja2.UndefinedError, match="title"):
        render.render("sections/closing.html.j2", signature="s", sign_date="d")  # no title: an error, never ""
    # the one door past autoescape is explicit
    assert str(macros.p(render.trusted("<b>x</b>"))) == '<p class="assess-note"><b>x</b></p>'


def test_markup_in_a_group_name_is_text_in_sections_and_index(probed, tmp_path: Path) -> None:
    escaped = html.escape(PROBE)
    header = report.header_section(probed, "G1", "en").data
    assert f'<h1 class="assess-title">{escaped}</h1>' in header
    assert f'<td data-key="leader">{escaped}</td>' in header
    assert '<div class="assess-running" aria-hidden="true">' in header and PROBE not in header
    for lang in ("en", "zh"):
        assert PROBE not in report.summary_section(probed, "G1", lang).data
    index = pages.write_index(probed, [], tmp_path, "zh").read_text(encoding="utf-8")
    assert f'<td class="name">{escaped}</td>' in index
    assert PROBE not in index and "<b " not in index


def test_no_escape_call_left_in_section_or_page_code() -> None:
    """Escaping is the template engine's job: a forgotten call can no longer make markup live."""
    for name in ("sections.py", "_pages.py"):
        source = (SRC / name).read_text(encoding="utf-8")
        assert not re.search(r"\bescape\(|html\.escape|import html\b|\besc\b", source), name
        assert "<td" not in source and "<table" not in source and "<section" not in source, name


def test_stylesheets_and_script_are_files_inlined_into_the_page(probed, tmp_path: Path) -> None:
    css = [render.asset(name) for name in ("report.css", "print.css")]
    assert "@media print" in css[1] and ".assess-card" in css[0]
    page = pages.page("probe", "<p>x</p>", "zh")
    assert f"<style>{css[0]}{css[1]}{pages.print_css('zh')}</style>" in page
    assert "<script" not in page and "script-src 'none'" in page
    # the index inlines the sorter and lets just it run, by its SHA-256
    script = render.asset("sort.js")
    index = pages.write_index(probed, [], tmp_path, "en").read_text(encoding="utf-8")
    assert f"<script>{script}</script>" in index and css[0] in index
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"script-src 'sha256-{digest}';" in index
    for source in ("_pages.py", "_pdf.py"):  # no stylesheet or script left as a Python string
        text = (SRC / source).read_text(encoding="utf-8")
        assert "border-collapse" not in text and "addEventListener" not in text and ".assess-cover {" not in text
