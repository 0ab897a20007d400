"""Outputs: written whole, with the user's umask, reproducibly, never stale, never a formula."""

from __future__ import annotations

import os
import re
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

import assess
from assess.cli import main
from assess.common._atomic import atomic_folder, atomic_write
from assess.intake._scheme import DEFAULT_SCHEME_TEXT
from assess.reporting import figures as plots
from assess.reporting import sections as report
from assess.reporting._workbook import write_tables
from workbooks import minimal_sheets, write_workbook


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "in.xlsx", minimal_sheets())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640)])
def test_every_output_file_gets_the_users_umask(tmp_path, data, mask, expected):
    old = os.umask(mask)
    try:
        out = tmp_path / "out"
        assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 0
        assert main(["template", str(tmp_path / "blank.xlsx")]) == 0
        assert main(["sample", str(tmp_path / "sample.xlsx"), "--groups", "3"]) == 0
        assert main(["sample", str(tmp_path / "csv"), "--groups", "3"]) == 0
        text = atomic_write(tmp_path / "index.html", "<p>页</p>\n")
        files = [
            out / "scores.xlsx",
            tmp_path / "blank.xlsx",
            tmp_path / "sample.xlsx",
            text,
            *out.glob("results/**/*.*"),
            *(tmp_path / "csv").glob("*.csv"),
        ]
        assert len(files) > 10
        assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(expected) for f in files}
        assert text.read_bytes() == "<p>页</p>\n".encode()
        assert oct(mode(out / "results")) == oct(0o777 & ~mask)
    finally:
        os.umask(old)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "scores.xlsx"
    target.write_bytes(b"old")
    from assess.common._atomic import atomic_path

    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["scores.xlsx"]


def test_a_rerun_without_uncertainty_keeps_no_uncertainty_table(tmp_path, data):
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out), "--uncertainty", "20"]) == 0
    assert (out / "results" / "uncertainty.parquet").is_file()
    assert "uncertainty" in openpyxl.load_workbook(out / "scores.xlsx").sheetnames
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 0
    assert not (out / "results" / "uncertainty.parquet").exists()
    assert openpyxl.load_workbook(out / "scores.xlsx").sheetnames == [
        "summary",
        "scores",
        "indicators",
        "contributions",
        "ratings_quality",
        "flags",
        "overdue_problems",
        "scenarios",  # every run: the scheme's one-at-a-time alternatives (issue 19 §5)
        "provenance",
    ]
    assert assess.load_result(out / "results").uncertainty is None
    assert sorted(p.name for p in out.iterdir()) == [
        "results",
        "scores.xlsx",
        "validation.txt",
    ]  # no leftover of the swap


def test_leftovers_of_an_interrupted_swap_are_cleaned_at_the_next_run(tmp_path, data):
    out = tmp_path / "out"
    out.mkdir()
    dead = 2**22 + 12345  # above the largest pid Linux hands out by default: no such process
    (out / f".results.new-{dead}").mkdir()
    (out / f".results.new-{dead}" / "uncertainty.parquet").write_bytes(b"stale")
    (out / f".results.old-{dead}").mkdir()
    alive = out / f".results.new-{os.getppid()}"  # a run still going: left alone
    alive.mkdir()
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(["results", "scores.xlsx", "validation.txt", alive.name])


def test_a_folder_swap_that_fails_keeps_the_old_folder(tmp_path):
    target = tmp_path / "results"
    target.mkdir()
    (target / "meta.json").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_folder(target) as new:
        (new / "meta.json").write_text("new", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert (target / "meta.json").read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == [
        "results"
    ]


def _formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        return [name for name in book.namelist() if name.endswith(".xml") and re.search(rb"<f[ >]", book.read(name))]


def test_no_formula_anywhere_in_a_written_workbook_headers_included(tmp_path):
    frame = pd.DataFrame({'=HYPERLINK("http://x","y")': ["=1+1", "+A1", "-2+3", "@SUM(A1)"], "@cmd": [1, 2, 3, 4]})
    path = write_tables(tmp_path / "t.xlsx", {"scores": frame})
    assert _formulas(path) == []
    sheet = openpyxl.load_workbook(path)["scores"]
    assert [c.value for c in sheet[1]] == list(frame.columns)
    assert [sheet.cell(row=i, column=1).value for i in range(2, 6)] == ["=1+1", "+A1", "-2+3", "@SUM(A1)"]


def test_no_formula_in_scores_xlsx_whatever_the_scheme_and_workbook_say(tmp_path):
    sheets = minimal_sheets()
    sheets["groups"][1][1] = '=HYPERLINK("http://evil","click")'
    sheets["adjustments"][1][4] = "=cmd|' /C calc'!A0"
    data = write_workbook(tmp_path / "in.xlsx", sheets, formulas=False)
    scheme = yaml.safe_load(DEFAULT_SCHEME_TEXT)
    scheme["name"] = "=1+1"
    for band in scheme["grades"]["bands"]:
        band["label"]["en"] = f'=HYPERLINK("{band["name"]}")'
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scheme, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert (
        main(["score", str(data), "--year", "2025", "--out", str(out), "--scheme", str(path), "--uncertainty", "10"])
        == 0
    )
    book = out / "scores.xlsx"
    assert "uncertainty" in openpyxl.load_workbook(book).sheetnames
    assert _formulas(book) == []


def test_source_date_epoch_makes_xlsx_outputs_byte_identical(tmp_path, data, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767139200")  # 2025-12-31T00:00:00Z
    runs = []
    for k in range(2):
        folder = tmp_path / f"run{k}"
        assert main(["score", str(data), "--year", "2025", "--out", str(folder / "out")]) == 0
        assert main(["template", str(folder / "blank.xlsx")]) == 0
        assert main(["sample", str(folder / "sample.xlsx"), "--groups", "4"]) == 0
        runs.append({name: (folder / name).read_bytes() for name in ("out/scores.xlsx", "blank.xlsx", "sample.xlsx")})
        time.sleep(2.1)  # zip times have a 2-second resolution
    assert runs[0] == runs[1]
    with zipfile.ZipFile(tmp_path / "run0" / "out" / "scores.xlsx") as book:
        assert {info.date_time for info in book.infolist()} == {(2025, 12, 31, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2025-12-31T00:00:00Z"] * 2


# ---- labels are text, never mathtext --------------------------------------------------------------

_LABELS = {"daily_work": r"$\unknowncmd$", "effectiveness": "cost $5 to $8", "service_rating": r"a^b \alpha"}


def _texts(fig) -> list:
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "_preprocess_math")) if t.get_text()]


def test_scheme_labels_are_drawn_as_written(tmp_path, data):
    scheme = yaml.safe_load(DEFAULT_SCHEME_TEXT)
    for name, label in _LABELS.items():
        scheme["components"][name]["label"]["en"] = label
    scheme["grades"]["bands"][1]["label"]["en"] = r"$good$ \o/"
    s = assess.intake._scheme.parse_scheme(scheme)
    ds = assess.load(data)
    result = assess.score(ds, year=2025, scheme=s)
    from assess.analysis._uncertainty import attach_uncertainty
    from assess.analysis._uncertainty import uncertainty as analyse
    from assess.reporting.figures import group_figure, rank_intervals_figure

    result = attach_uncertainty(result, analyse(ds, s, draws=10, year=2025))
    figures = [
        plots.components_vs_peers(result, "G1"),
        plots.score_distribution(result, highlight="G1"),
        plots.ratings_by_quarter(result, "G1"),
        rank_intervals_figure(result),
        group_figure(result, "G1"),
    ]
    shown = set()
    for fig in figures:
        assert report.figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"  # renders (mathtext would raise on \unknowncmd)
        for t in _texts(fig):
            text, math = t._preprocess_math(t.get_text())
            assert math is False, t.get_text()
            shown.add(text)
    assert set(_LABELS.values()) <= shown  # the component labels, exactly as written
    assert r"$good$ \o/ ≥ 80" in shown and any(r"$good$ \o/" in s for s in shown - {r"$good$ \o/ ≥ 80"})


@pytest.mark.slow
def test_a_run_without_pdf_leaves_no_earlier_pdf_beside_its_pages(tmp_path, data) -> None:
    """A bound volume printed from an earlier --pdf run must not sit beside newer pages and scores."""
    pytest.importorskip("weasyprint")
    out = tmp_path / "out"
    base = ["run", str(data), "--year", "2025", "--out", str(out), "--workers", "1", "-q"]
    assert main([*base, "--pdf"]) == 0
    pdfs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert "reports.pdf" in pdfs and "index.pdf" in pdfs and any(p.startswith("reports/") for p in pdfs)
    assert main(base) == 0
    assert list(out.rglob("*.pdf")) == []
    assert (out / "index.html").is_file() and list((out / "reports").glob("*.html"))
