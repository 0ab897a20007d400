"""One clock: SOURCE_DATE_EPOCH read in one place, and every output stamps the same local time."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from assess.batch._pipeline import score_to, write_sample
from assess.common._localtime import generated_now, source_date_epoch
from assess.reporting.sections import provenance_line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1767225600", "2026-01-01T00:00:00+00:00"),  # 2026-01-01 00:00 UTC, counted by hand: 56 years of days
        (" 0 ", "1970-01-01T00:00:00+00:00"),
        ("", None),
        ("yesterday", None),  # not a number: as if unset, never a traceback
        ("1e9", None),
        ("99999999999999999999", None),  # beyond any calendar
    ],
)
def test_source_date_epoch_is_read_one_way(monkeypatch, value: str, expected: str | None) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    moment = source_date_epoch()
    assert (moment.isoformat() if moment else None) == expected
    if expected:
        assert generated_now() == expected


def test_report_footer_and_scores_xlsx_stamp_the_same_local_time(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767200400")  # 2025-12-31 17:00 UTC = 2026-01-01 01:00 in Shanghai
    data = write_sample(tmp_path / "year.xlsx", groups=4)
    result = score_to(data, 2025, tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "scores.xlsx")["provenance"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["generated_at"] == "2026-01-01T01:00:00+08:00"
    assert "2026-01-01T01:00:00+08:00" in provenance_line(result, "en")
    assert "+00:00" not in provenance_line(result, "zh")
