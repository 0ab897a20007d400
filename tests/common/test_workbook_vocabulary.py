"""The vocabulary file (assess/common/locales/vocabulary.yaml): the Chinese names of the input
contract's sheets, columns and enumeration values, and the month and quarter words.

The file is read here from disk (not through the loader's cache), so a test fails on the file
as a translator left it; its structure must match the contract in assess.intake._spec exactly.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assess.common import _vocabulary as vocabulary
from assess.common._messages import CatalogueError, read_package_yaml
from assess.intake._spec import SHEET_ALIASES, SHEETS

FILE = Path(__file__).resolve().parents[2] / "src" / "assess" / "common" / "locales" / "vocabulary.yaml"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _data() -> dict:
    return read_package_yaml(FILE.read_text(encoding="utf-8"), FILE.name)


def test_every_sheet_and_column_of_the_contract_has_its_chinese_name_in_the_same_order() -> None:
    sheets = _data()["sheets"]
    assert list(sheets) == list(SHEETS)
    for name, spec in SHEETS.items():
        assert set(sheets[name]) <= {"zh", "columns", "values"}, name
        assert list(sheets[name]["columns"]) == [c.name for c in spec.columns], name
        enums = {c.name: list(c.values) for c in spec.columns if c.kind == "enum"}
        given = {c: list(v) for c, v in (sheets[name].get("values") or {}).items()}
        assert given == enums, name


def test_every_chinese_name_is_chinese_text() -> None:
    sheets = _data()["sheets"]
    words = [s["zh"] for s in sheets.values()]
    words += [w for s in sheets.values() for w in s["columns"].values()]
    words += [w for s in sheets.values() for m in (s.get("values") or {}).values() for w in m.values()]
    assert all(isinstance(w, str) and HAN.search(w) and w == w.strip() for w in words)


def test_the_chinese_names_tell_sheets_and_values_apart() -> None:
    """A reader maps each Chinese name back to one canonical name: no two sheets, no two columns
    of a sheet, no two values of an enumeration share one."""
    sheets = _data()["sheets"]
    names = [s["zh"] for s in sheets.values()]
    assert len(set(names)) == len(names) == len(SHEET_ALIASES)
    for name, sheet in sheets.items():
        headers = list(sheet["columns"].values())
        assert len(set(headers)) == len(headers), name
        for column, aliases in (sheet.get("values") or {}).items():
            assert len(set(aliases.values())) == len(aliases), (name, column)


def test_months_and_quarters_are_counted_by_hand() -> None:
    data = _data()
    assert data["months_zh"] == [
        "一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月",
    ]  # fmt: skip
    assert data["quarters_zh"] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert vocabulary.month_zh(1) == "一月" and vocabulary.month_zh(12) == "十二月"
    assert vocabulary.quarter_zh(3) == "第三季度"


def test_the_contract_reads_its_words_from_the_vocabulary() -> None:
    assert SHEETS["problems"].zh == "问题台账" and SHEET_ALIASES["问题台账"] == "problems"
    status = SHEETS["problems"].column("status")
    assert status.zh == "办理状态" and status.values == {"open": "未办结", "resolved": "已办结"}
    assert status.en_help == "open or resolved" and status.zh_help == "未办结 或 已办结"
    assert SHEETS["ledger"].column("group_id").en_help == "Working group ID (must exist in groups)"
    assert SHEETS["recipients"].column("group_id").en_help == "Working group the recipient is assigned to"


def test_a_key_written_twice_is_refused() -> None:
    with pytest.raises(CatalogueError, match="'zh' appears twice"):
        read_package_yaml("sheets:\n  groups:\n    zh: 工作组\n    zh: 小组\n", "vocabulary.yaml")
