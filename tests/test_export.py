"""PDF export: Chinese text, scores and grades in the text layer, planted markup as
literal text, reproducible bytes, and nothing fetched from outside the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from assess import pages, report
from assess.export import ExportError, html_to_pdf
from assess.result import load_result
from planted import GENERATED_AT, PLANTED_COMMENT, PLANTED_NAME, PLANTED_REASON, page_for, score_planted

pytestmark = pytest.mark.slow  # WeasyPrint lays out a few pages per test (about a second each)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    return load_result(score_planted(tmp_path_factory.mktemp("planted")) / "results")


def _pdf_text(path: Path) -> str:
    """The PDF's text with whitespace removed (extraction breaks lines where the layout does)."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def exported(result, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """G01 in Chinese and G02 (the planted group) in English, as HTML and PDF."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for group_id, lang in (("G01", "zh"), ("G02", "en")):
        html_path = folder / f"{group_id}-{lang}.html"
        html_path.write_text(page_for(result, group_id, lang), encoding="utf-8")
        pdf_path = folder / f"{group_id}-{lang}.pdf"
        html_to_pdf(html_path, pdf_path)
        paths[group_id, lang] = pdf_path
    return paths


def test_pdf_holds_chinese_name_score_and_grade(result, exported) -> None:
    pdf = exported["G01", "zh"]
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf)
    row = result.group("G01")
    assert "第一工作组" in text
    assert report.format_score(row["final_score"]) in text
    assert report.grade_label(result, row["grade"], "zh") in text
    assert f"第{int(row['rank'])}名（共6个）" in text
    assert "数据来源" in text and result.meta["input_sha256"] in text


def test_planted_markup_is_literal_text_in_the_pdf(exported) -> None:
    text = _pdf_text(exported["G02", "en"])
    for probe in (PLANTED_NAME, PLANTED_COMMENT, PLANTED_REASON):
        assert re.sub(r"\s+", "", probe) in text, probe


def test_pdf_metadata_and_pages(result, exported) -> None:
    reader = PdfReader(exported["G01", "zh"])
    assert len(reader.pages) >= 5  # the print stylesheet starts each main section on a new page
    info = reader.metadata
    assert info.title.startswith("G01")
    assert info.creator == f"assess {result.meta['version']}"
    assert info.creation_date is not None
    assert info.creation_date.isoformat().startswith(GENERATED_AT[:19])


def test_same_html_gives_the_same_pdf(exported, tmp_path: Path) -> None:
    html_path = exported["G02", "en"].with_suffix(".html")
    again = tmp_path / "again.pdf"
    html_to_pdf(html_path, again)
    assert again.read_bytes() == exported["G02", "en"].read_bytes()


def test_nothing_is_fetched_from_outside(tmp_path: Path) -> None:
    page = pages.page("probe", '<p>x</p><img src="http://127.0.0.1:9/x.png">', "en")
    html_path = tmp_path / "probe.html"
    html_path.write_text(page, encoding="utf-8")
    with pytest.raises(ExportError, match="self-contained"):
        html_to_pdf(html_path, tmp_path / "probe.pdf")
    assert list(tmp_path.iterdir()) == [html_path]  # no PDF, not even a partial one
