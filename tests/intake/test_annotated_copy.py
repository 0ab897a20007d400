"""`assess validate --annotate`: a marked copy of the office's workbook (bad cells red with a
comment, a first sheet listing the problems by group), the original never touched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import assess
from assess.batch._pipeline import write_sample
from assess.cli import main
from assess.intake._annotate import LIST_SHEET, RED, annotate
from assess.intake._spec import SHEETS
from workbooks import minimal_sheets, write_workbook

# planted problems: (sheet as written, Excel row, column letter, group)
PLANTED = {("月度台账", "C3"), ("月度台账", "E3"), ("服务对象评价", "B3"), ("问题台账", "G3")}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    """The minimal workbook with Chinese sheet names (and Chinese headers on 问题台账) and four bad cells."""
    s = minimal_sheets()
    s["ledger"].append(["G2", "2025-02", "tomorrow", None, 3])  # C3 not a date, E3 out of [0, 1]
    s["ratings"].append(["2025-Q1", "E2", "G1", None, 4, None])  # B3: E2 belongs to G2
    s["problems"].append(
        ["Q2", "G2", "E2", "2025-03-01", "urgent", "2025-04-01", "resolved", None]
    )  # G3: resolved, no date
    s["problems"][0] = [SHEETS["problems"].column(c).zh for c in s["problems"][0]]
    s["visits"].append(
        ["G2", "E2", pd.Timestamp("2025-05-06").to_pydatetime(), "电话", "=1+1"]
    )  # a date cell, text like a formula
    return write_workbook(tmp_path / "bad.xlsx", {SHEETS[k].zh: v for k, v in s.items()}, formulas=False)


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type == "solid" else ""


def test_marks_exactly_the_bad_cells_and_leaves_the_rest(bad: Path, tmp_path: Path, capsys) -> None:
    before = _digest(bad)
    with pytest.raises(assess.InputError) as info:
        assess.load(bad)
    problems = info.value.problems
    marked = tmp_path / "marked.xlsx"
    assert main(["validate", str(bad), "--annotate", str(marked), "--lang", "zh"]) == 2
    assert _digest(bad) == before  # the original is never modified
    assert (
        f"标注副本：{marked}（标出 {len({(p.sheet, p.row, p.column) for p in problems})} 个单元格）"
        in capsys.readouterr().err
    )
    original, copy = openpyxl.load_workbook(bad), openpyxl.load_workbook(marked)
    assert copy.sheetnames == ["问题清单", *original.sheetnames]
    filled = set()
    for ws in original.worksheets:
        twin = copy[ws.title]
        assert twin.max_row == ws.max_row and twin.max_column == ws.max_column
        for row in ws.iter_rows():
            for cell in row:
                other = twin[cell.coordinate]
                assert other.value == cell.value, (ws.title, cell.coordinate)
                if _fill(other).endswith(RED):
                    filled.add((ws.title, cell.coordinate))
                    assert other.comment is not None
                else:
                    assert other.comment is None and _fill(other) == _fill(cell)
    assert filled == PLANTED
    assert copy["走访"]["E3"].value == "=1+1" and copy["走访"]["E3"].data_type == "s"  # still text, never a formula
    assert copy["走访"]["C3"].value == original["走访"]["C3"].value
    # each comment holds the problem and the fix in the chosen language
    by_cell = {("月度台账", "C3"): "due_date", ("月度台账", "E3"): "completeness"}
    for (sheet, coordinate), column in by_cell.items():
        p = next(p for p in problems if p.sheet == "ledger" and p.column == column)
        text = copy[sheet][coordinate].comment.text
        assert f"问题：{p.rule_zh or p.rule}" in text and f"改正：{p.fix_zh or p.fix}" in text
    # the list: one row per problem, by group, with the sheet and header as the office wrote them
    rows = list(copy["问题清单"].iter_rows(values_only=True))
    assert rows[0] == ("工作组编号", "工作表", "行", "列", "值", "问题", "改正", "级别")
    listed = rows[1:]
    assert len(listed) == len(problems) == 4
    assert [r[0] for r in listed] == ["G1", "G2", "G2", "G2"]
    assert [(r[1], r[2], r[3]) for r in listed] == [
        ("服务对象评价", 3, "recipient_id"), ("月度台账", 3, "due_date"), ("月度台账", 3, "completeness"), ("问题台账", 3, "办理状态"),
    ]  # fmt: skip
    assert listed[1][4] == "tomorrow" and all(r[7] == "错误" for r in listed)


def test_english_list_sheet_and_a_corrected_copy_reads_back(bad: Path, tmp_path: Path) -> None:
    with pytest.raises(assess.InputError) as info:
        assess.load(bad)
    done = annotate(bad, tmp_path / "m.xlsx", info.value.problems, "en")
    assert done.marked == frozenset(PLANTED) and done.listed == 4
    book = openpyxl.load_workbook(done.path)
    assert book.sheetnames[0] == LIST_SHEET["en"] == "problem_list"  # never "problems", an input sheet's name
    assert book["月度台账"]["C3"].comment.text.startswith("Problem: not a date\nFix: write a date")
    # the office corrects the marked copy and sends it back: it validates like the original
    ledger, problems_ws, ratings = book["月度台账"], book["问题台账"], book["服务对象评价"]
    ledger["C3"], ledger["E3"] = "2025-03-25", 0.5
    problems_ws["G3"] = "open"
    ratings["B3"] = "E1"
    book.save(tmp_path / "fixed.xlsx")
    assert len(assess.load(tmp_path / "fixed.xlsx").tables["ledger"]) == 2


def test_whole_sheet_and_missing_column_mark_the_header_cell(tmp_path: Path) -> None:
    s = minimal_sheets()
    s["ledger"] = [[c for c in row if c != "2025-01-25"] for row in s["ledger"]]
    s["ledger"][0].remove("due_date")
    data = write_workbook(tmp_path / "in.xlsx", s)
    with pytest.raises(assess.InputError) as info:
        assess.load(data)
    assert [(p.sheet, p.row, p.column) for p in info.value.problems] == [("ledger", 1, "due_date")]
    done = annotate(data, tmp_path / "m.xlsx", info.value.problems, "en")
    assert done.marked == {("ledger", "A1")}
    assert "required column is missing" in openpyxl.load_workbook(done.path)["ledger"]["A1"].comment.text


def test_refuses_to_overwrite_the_input(bad: Path, capsys) -> None:
    before = _digest(bad)
    assert main(["validate", str(bad), "--annotate", str(bad)]) == 2
    assert "is the input itself" in capsys.readouterr().err and _digest(bad) == before
    assert main(["validate", str(bad), "--annotate", str(bad.with_suffix(".csv"))]) == 2
    assert "ending in .xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_existing_marked_copy_is_not_replaced_without_force(bad: Path, tmp_path: Path, capsys, lang) -> None:
    marked = tmp_path / "marked.xlsx"
    marked.write_bytes(b"the copy a group is correcting")
    assert main(["validate", str(bad), "--annotate", str(marked), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert marked.read_bytes() == b"the copy a group is correcting"  # refused before anything is read
    assert "Traceback" not in err and str(marked) in err and "--force" in err
    assert (
        "already exists and assess does not replace it" in err if lang == "en" else "已存在，assess 不会覆盖它" in err
    )
    assert main(["validate", str(bad), "--annotate", str(marked), "--lang", lang, "--force"]) == 2
    assert openpyxl.load_workbook(marked).sheetnames[0] == ("problem_list" if lang == "en" else "问题清单")
    # --force never lets the marked copy replace the input itself
    before = _digest(bad)
    assert main(["validate", str(bad), "--annotate", str(bad), "--force"]) == 2
    assert "is the input itself" in capsys.readouterr().err and _digest(bad) == before


def test_csv_folder_gives_an_xlsx_with_one_sheet_per_file(tmp_path: Path) -> None:
    folder = write_sample(tmp_path / "csv", groups=4, seed=1)
    ledger = pd.read_csv(folder / "ledger.csv", dtype=str, keep_default_na=False)
    ledger.loc[4, "completeness"] = "1.5"
    ledger.to_csv(folder / "ledger.csv", index=False)
    before = {p.name: _digest(p) for p in folder.glob("*.csv")}
    assert main(["validate", str(folder), "--annotate", str(tmp_path / "m.xlsx")]) == 2
    assert {p.name: _digest(p) for p in folder.glob("*.csv")} == before
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert book.sheetnames == ["problem_list", *sorted(p.stem for p in folder.glob("*.csv"))]
    column = list(ledger.columns).index("completeness") + 1
    cell = book["ledger"].cell(row=6, column=column)  # data row 4 is Excel row 6
    assert cell.value == "1.5" and _fill(cell).endswith(RED)
    assert book["ledger"].cell(row=2, column=1).value == ledger.iloc[0, 0]
    assert [r[:3] for r in book["problem_list"].iter_rows(min_row=2, values_only=True)] == [
        (ledger.loc[4, "group_id"], "ledger", 6)
    ]


def test_valid_workbook_lists_the_warnings_without_marking_cells(tmp_path: Path, capsys) -> None:
    s = minimal_sheets()
    data = write_workbook(tmp_path / "in.xlsx", s)
    assert main(["validate", str(data), "--year", "2025", "--annotate", str(tmp_path / "m.xlsx"), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "提醒：G2 " in out and "将不评定等次" in out
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    rows = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    assert rows and all(r[7] == "提醒" for r in rows)
    assert {r[0] for r in rows if r[0]} >= {"G2"}
    assert not any(_fill(c).endswith(RED) for ws in book.worksheets[1:] for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "--annotate {t}: the marked copy is an Excel workbook; give a path ending in .xlsx"),
        ("zh", "--annotate {t}：标注副本是 Excel 工作簿，请给出以 .xlsx 结尾的路径"),
    ],
)
def test_a_marked_copy_that_is_not_xlsx_is_refused_in_the_chosen_language(tmp_path, lang, expected) -> None:
    from assess.common._errors import AssessError
    from assess.intake._annotate import check_target

    target = tmp_path / "marked.csv"
    with pytest.raises(AssessError) as caught:
        check_target(tmp_path / "data.xlsx", target, lang)
    assert str(caught.value) == expected.format(t=target)
    assert not target.exists()
