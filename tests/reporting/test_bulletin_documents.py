"""The bulletin's workbook and Word document, written from a Monitor without a kernel."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from assess.analysis._monitor import monitor
from assess.intake._validate import load
from assess.reporting import bulletin
from monitor_sheets import sheets
from workbooks import write_workbook


@pytest.fixture(scope="module")
def june(tmp_path_factory: pytest.TempPathFactory):
    return monitor(load(write_workbook(tmp_path_factory.mktemp("docs") / "data.xlsx", sheets())), month="2025-06")


def test_workbook_one_sheet_per_table_in_english(june, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(bulletin.write_xlsx(june, tmp_path / "b.xlsx", "en"))
    assert book.sheetnames == [
        "overview", "supervision", "due_soon", "by_unit", "ledger", "repeatedly_late", "progress", "trend",
        "overdue_by_month", "provenance",
    ]  # fmt: skip
    progress = list(book["progress"].iter_rows(values_only=True))
    assert progress[0][:3] == ("Group ID", "Group", "Ledger")
    assert "Provisional score" in progress[0] and "Change since last month" in progress[0]
    assert [r[2] for r in progress[1:]] == ["On time", "Late", "Missing"]


def test_word_document_is_reproducible(june, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")
    a = bulletin.write_docx(june, tmp_path / "a.docx", "zh")
    b = bulletin.write_docx(june, tmp_path / "b.docx", "zh")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    for phrase in ("2025年6月工作通报", "全区概况", "督办清单", "台账报送情况", "各工作组进展", "县人社局", "数据不足"):
        assert phrase in body, phrase


def test_sentences_in_the_seed_register(june) -> None:
    first = bulletin.overview_sentences(june, "zh")[0]
    assert first == "本月共收集问题 2 个，办结 1 个；今年累计收集 6 个、办结 2 个，办结率 33.3%。"
    english = bulletin.overview_sentences(june, "en")[1]
    assert english == "Problems open: 5; past their deadline: 3; due within the next 30 days: 1."


def test_a_period_without_data_is_refused(tmp_path: Path) -> None:
    from assess.analysis._monitor import parse_period
    from assess.batch._bulletin import _check_period
    from assess.common._errors import OptionError

    ds = load(write_workbook(tmp_path / "data.xlsx", sheets()))
    _check_period(ds, parse_period(month="2025-01"))  # Q01 was raised on 10 January
    with pytest.raises(
        OptionError, match="--month 2030-01: the workbook has no row dated from 2030-01-01 to 2030-01-31"
    ):
        _check_period(ds, parse_period(month="2030-01"))
