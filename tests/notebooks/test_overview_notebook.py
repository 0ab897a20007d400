"""The overview notebook runs clean under papermill on the sample data, its prose in ``lang``."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from assess.reporting._notebook_text import DOMAIN
from notebook_runs import run_notebook

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_notebook_runs_on_the_sample(lang, tmp_path):
    out = tmp_path / "overview.ipynb"
    run_notebook("00-overview", out, lang=lang)
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = "\n".join(
        str(o.get("data", {}).get("text/plain", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "Dataset(" in text and "groups=38" in text  # the dataset's summary was shown
    prose = "\n".join(
        str(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        if "prose" in c.metadata.get("tags", [])
        for o in c.get("outputs", [])
    )
    other = {"en": "zh", "zh": "en"}[lang]
    assert DOMAIN[lang]["overview.title"] in prose and DOMAIN[lang]["overview.scores"] in prose
    assert DOMAIN[other]["overview.scores"].splitlines()[0] not in prose
    images = [
        o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert images, "the score distribution was not drawn"
