"""The analysts' notebooks 01–05 run clean under papermill on the sample data, hold only
package calls, and render without code in HTML (nbconvert, ``exclude_input``); their prose comes
from the catalogues' ``notebooks`` section in the notebook's ``lang``, never from a hand-kept cell."""

from __future__ import annotations

import ast
import html as html_lib
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter

from assess.reporting._notebook_text import DOMAIN
from notebook_runs import run_notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ["01-data-quality", "02-ratings", "03-scores", "04-what-if", "05-monitoring"]
ALL_NOTEBOOKS = ["00-overview", *NOTEBOOKS]
PROSE = re.compile(r'prose\("([\w.]+)", lang\)')
# what each notebook must show, found in its rendered HTML
EXPECTED = {
    "01-data-quality": [
        "Monthly ledgers",
        "Anomalies",
        "earlier_years",
        "Coherence of the framework",
        "cronbach_alpha",
        "<img",
    ],
    "02-ratings": ["Reliability", "ICC(1,k)", "Krippendorff", "<img"],
    "03-scores": [
        "Correlations between indicators",
        "effective_mean",
        "Top 10 by final score",
        "weighted_variance_share",
        "corr_ratio",
        "Scenarios: the grade under each alternative",
        "<img",
    ],
    "04-what-if": ["A fixed alternative", "grade_changed", "ST_conf", "plausible variations", "<img"],
    "05-monitoring": ["Supervision list", "days_overdue", "late_or_missing", "resolution rate", "<img"],
}


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_and_only_package_calls(name: str) -> None:
    nb = _read(name)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0]
    assigned = {t.id for node in ast.parse(params[0].source).body if isinstance(node, ast.Assign) for t in node.targets}
    assert {"data_path", "year", "as_of", "scheme_path"} <= assigned
    for cell in code[1:]:
        tree = ast.parse(cell.source)
        # no functions, classes or loops of their own: logic lives in the package
        assert not any(
            isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.Lambda)) for n in ast.walk(tree)
        ), cell.source
        modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert all(m.startswith("assess") for m in modules)
        # an analyst copies from these: only public names, never a private module (assess.analysis._monitor)
        assert not [m for m in modules if any(part.startswith("_") for part in m.split("."))]
        assert all(a.name.startswith("assess") for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names)
    assert not any(c.get("outputs") for c in code), "commit the notebooks without outputs"


def _prose_keys(nb: nbformat.NotebookNode) -> list[str]:
    return [c.metadata["assess"]["text"] for c in nb.cells if "prose" in c.metadata.get("tags", [])]


def headings(name: str, lang: str) -> list[str]:
    """The Markdown headings of a notebook's prose in ``lang``, read from the catalogue."""
    return [
        line.lstrip("#").strip()
        for key in _prose_keys(_read(name))
        for line in DOMAIN[lang][key].splitlines()
        if line.startswith("#")
    ]


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_every_paragraph_is_a_catalogue_phrase(name: str) -> None:
    """No markdown cell of its own: each paragraph is a ``prose(key, lang)`` cell, its key in the cell's
    metadata and in both catalogues, its input collapsed in JupyterLab; so there is one text to edit."""
    nb = _read(name)
    assert [c.cell_type for c in nb.cells if c.cell_type != "code"] == []
    for cell in nb.cells:
        match = PROSE.fullmatch(cell.source.strip())
        is_prose = "prose" in cell.metadata.get("tags", [])
        assert bool(match) == is_prose, cell.source
        if is_prose:
            assert match is not None
            key = cell.metadata["assess"]["text"]
            assert match.group(1) == key
            assert key in DOMAIN["en"] and key in DOMAIN["zh"]
            assert cell.metadata["jupyter"]["source_hidden"] is True
    assert headings(name, "en") and len(headings(name, "en")) == len(headings(name, "zh"))


def test_every_notebook_phrase_is_shown_once() -> None:
    """Each phrase of the ``notebooks`` section is shown by exactly one cell (no orphan left to drift)."""
    used = [key for name in ALL_NOTEBOOKS for key in _prose_keys(_read(name))]
    assert sorted(used) == sorted(DOMAIN["en"]) and len(set(used)) == len(used)


RUNS = [(name, lang) for name in NOTEBOOKS for lang in ("en", "zh")]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), RUNS)
def test_notebook_runs_clean_and_renders_without_code(name: str, lang: str, tmp_path: Path) -> None:
    out = tmp_path / f"{name}.ipynb"
    draws = {"draws": 300} if name == "04-what-if" else {}
    run_notebook(name, out, lang=lang, **draws)
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.get("name") == "stderr")
    assert "Warning" not in stderr and "Traceback" not in stderr, stderr
    html, _ = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    ).from_notebook_node(nb)
    assert "import assess" not in html and "explore." not in html and "data_path =" not in html
    assert "prose(" not in html
    shown = html_lib.unescape(html)
    other = {"en": "zh", "zh": "en"}[lang]
    for heading in headings(name, lang):
        assert heading in shown, f"{name} ({lang}): heading {heading!r} not shown"
    for heading in headings(name, other):
        assert heading not in shown, f"{name} ({lang}): heading {heading!r} in the other language"
    if lang == "en":
        for text in EXPECTED[name]:
            assert text in html, f"{name}: {text!r} not shown"
