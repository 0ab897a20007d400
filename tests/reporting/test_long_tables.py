"""A group with a very long ledger: its report shows the most important rows of each long
table, says how many more there are and where they are listed, and stays within three A4
pages (the outputs contract (docs/reference/outputs.md)), so its PDF costs what any other group's does."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from assess.batch._pipeline import score_to
from assess.reporting import sections as report
from assess.reporting._pdf import html_string_to_pdf
from assess.scoring._result import load_result
from long_ledger import LONG_GROUP, YEAR, long_ledger_frames, write_long_ledger
from planted import page_for

pytestmark = pytest.mark.slow  # scores a year and lays out two PDFs


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("long")
    workbook = write_long_ledger(folder / "long.xlsx")
    score_to(workbook, YEAR, folder / "out")
    return folder / "out"


def _overdue_by_hand(as_of: pd.Timestamp) -> pd.DataFrame:
    """G01's problems overdue at ``as_of``, from the generated frames: raised by then, deadline
    passed, not resolved by then; the longest overdue first."""
    p = long_ledger_frames()["problems"]
    p = p[p["group_id"] == LONG_GROUP]
    resolved = (p["status"] == "resolved") & p["resolved_on"].notna() & (p["resolved_on"] <= as_of)
    late = p[(p["raised_on"] <= as_of) & (p["deadline"] < as_of) & ~resolved]
    return late.sort_values(["deadline", "problem_id"])


def _table_rows(page: str, css: str) -> list[str]:
    table = re.search(rf'<table class="[^"]*{css}[^"]*">(.*?)</table>', page, re.S)
    assert table is not None, css
    return re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>")[1], re.S)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_long_tables_show_the_first_rows_and_count_the_rest(scored, lang) -> None:
    result = load_result(scored / "results")
    late = _overdue_by_hand(pd.Timestamp(result.meta["as_of"]))
    assert len(late) > 1000  # the generated ledger is long indeed
    page = page_for(result, LONG_GROUP, lang)
    rows = _table_rows(page, "assess-overdue")
    assert len(rows) == report.LONG_TABLE_ROWS == 10
    # the longest overdue first, as the office would chase them
    assert [re.search(r"<td[^>]*>([^<]*)</td>", row).group(1) for row in rows] == list(late["problem_id"][:10])
    more = f"{len(late) - 10:,}"
    if lang == "zh":
        assert f"另有 {more} 条未列出，完整清单见 scores.xlsx 的 overdue_problems 工作表。" in page
    else:
        assert f"and {more} more — full list in scores.xlsx, sheet overdue_problems." in page
    # milestones: ten shown, the late and unfinished ones first; the rest in the input's own sheet
    milestones = _table_rows(page, "assess-milestones")
    assert len(milestones) == 10
    m = long_ledger_frames()["milestones"]
    as_of = pd.Timestamp(result.meta["as_of"])
    inside = (m["group_id"] == LONG_GROUP) & (m["planned_date"] >= f"{YEAR}-01-01") & (m["planned_date"] <= as_of)
    where = "long.xlsx 的 milestones 工作表" if lang == "zh" else "long.xlsx, sheet milestones"
    assert f"{int(inside.sum()) - 10:,}" in page and where in page
    assert len(_table_rows(page, "assess-comments")) == 10


def test_the_long_report_fits_on_three_pages(scored) -> None:
    result = load_result(scored / "results")
    pdf = html_string_to_pdf(page_for(result, LONG_GROUP, "zh"), "G01.html")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) <= 3
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    late = _overdue_by_hand(pd.Timestamp(result.meta["as_of"]))
    assert late["problem_id"].iloc[0] in text and late["problem_id"].iloc[10] not in text
    assert f"另有{len(late) - 10:,}条未列出" in text


def test_scores_workbook_lists_every_overdue_problem(scored) -> None:
    result = load_result(scored / "results")
    late = _overdue_by_hand(pd.Timestamp(result.meta["as_of"]))
    book = openpyxl.load_workbook(scored / "scores.xlsx", read_only=True)
    sheet = pd.DataFrame(list(book["overdue_problems"].values))
    book.close()
    header, body = list(sheet.iloc[0]), sheet.iloc[1:]
    assert header[:2] == ["group_id", "problem_id"] and "days_overdue" in header
    mine = body[body[0] == LONG_GROUP]
    assert list(mine[1]) == list(late["problem_id"])
    days = (pd.Timestamp(result.meta["as_of"]) - late["deadline"]).dt.days
    assert list(mine[header.index("days_overdue")].astype(int)) == list(days)
