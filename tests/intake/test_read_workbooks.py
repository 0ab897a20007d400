"""Intake of whole workbooks and CSV folders: which sheets are read, refused files, bounded resources, headers."""

from __future__ import annotations

import os
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import assess
from assess.cli import main
from assess.intake import _read as intake
from assess.intake._problems import InputError
from workbooks import minimal_sheets, write_workbook


def problems_of(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        assess.load(path)
    return info.value


def refused_by_cli(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``assess score`` on ``path``: exit 2, the output folder never created; return stderr."""
    out = tmp_path / "out"
    assert main(["score", str(path), "--year", "2025", "--out", str(out)]) == 2
    assert not out.exists()
    return capsys.readouterr().err


def book_of(
    sheets: dict[str, list[list]], hidden: tuple[str, ...] = (), order: list[str] | None = None
) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in order or list(sheets):
        ws = book.create_sheet(name)
        for row in sheets[name]:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    return book


def edit_member(path: Path, member: str, edit) -> None:
    """Rewrite one part of an .xlsx (a zip) with ``edit(text) -> text``, as a hand-made or damaged file would be."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                data = edit(data.decode()).encode()
            dst.writestr(item, data)
    tmp.replace(path)


# ---- 1. two sheets (or files) for one table; hidden sheets -------------------------------------


def test_hidden_sheet_before_visible_one_for_the_same_table_is_refused_naming_both(tmp_path, capsys):
    sheets = minimal_sheets()
    sheets["工作组"] = [["工作组编号", "工作组名称"], ["G1", "旧的一组"], ["G9", "旧的九组"]]
    order = ["工作组", *[s for s in sheets if s != "工作组"]]
    path = tmp_path / "two.xlsx"
    book_of(sheets, hidden=("工作组",), order=order).save(path)
    err = problems_of(path)
    both = [p for p in err.problems if "two sheets hold the groups table" in p.rule]
    assert len(both) == 1 and "'工作组'" in both[0].rule and "'groups'" in both[0].rule
    assert (both[0].file, both[0].sheet, both[0].severity) == ("two.xlsx", "groups", "error")
    assert "工作组" in both[0].rule_zh and "groups" in both[0].rule_zh
    hidden = [w for w in err.warnings if "hidden" in w.rule]
    assert [(w.sheet, w.sheet_label, w.severity) for w in hidden] == [("groups", "工作组", "warning")]
    stderr = refused_by_cli(path, tmp_path, capsys)
    assert "two sheets hold the groups table: '工作组' and 'groups'" in stderr and "is hidden" in stderr


def test_english_and_chinese_sheet_for_problems_are_refused(tmp_path):
    sheets = minimal_sheets()
    sheets["问题台账"] = [row[:] for row in sheets["problems"]]
    err = problems_of(write_workbook(tmp_path / "p.xlsx", sheets))
    assert [p.rule for p in err.problems] == ["two sheets hold the problems table: 'problems' and '问题台账'"]


def test_a_hidden_sheet_alone_is_read_and_said(tmp_path, capsys):
    path = tmp_path / "h.xlsx"
    book_of(minimal_sheets(), hidden=("ratings",)).save(path)
    ds = assess.load(path)
    assert ds.ratings["score"].tolist() == [5.0]  # read like a visible sheet
    assert [(w.sheet, w.severity) for w in ds.warnings] == [("ratings", "warning")]
    assert "'ratings' is hidden" in ds.warnings[0].rule and "隐藏" in ds.warnings[0].rule_zh
    assert main(["validate", str(path)]) == 0
    assert "is hidden" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("first", "second"), [("Groups.csv", "groups.csv"), ("groups.csv", "工作组.csv"), ("GROUPS.CSV", "groups.csv")]
)
def test_two_csv_files_for_one_table_are_refused_naming_both(tmp_path, capsys, first, second):
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, rows in minimal_sheets().items():
        if name != "groups":
            pd.DataFrame(rows[1:], columns=rows[0]).to_csv(folder / f"{name}.csv", index=False)
    rows = minimal_sheets()["groups"]
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(folder / first, index=False)
    pd.DataFrame(rows[1:2], columns=rows[0]).to_csv(folder / second, index=False)
    err = problems_of(folder)
    both = [p for p in err.problems if "two files hold the groups table" in p.rule]
    assert len(both) == 1 and first in both[0].rule and second in both[0].rule
    assert refused_by_cli(folder, tmp_path, capsys).count("two files hold the groups table") == 1


# ---- 5. control characters --------------------------------------------------------------------


def test_control_characters_are_removed_with_a_located_warning_from_xlsx(tmp_path):
    sheets = minimal_sheets()
    sheets["groups"][1][1] = "第一_x0007_工作_x001B_组"  # how Excel stores BEL and ESC inside a cell
    sheets["visits"][1][4] = "走访_x0000_记录"  # NUL
    ds = assess.load(write_workbook(tmp_path / "c.xlsx", sheets))
    assert ds.groups.loc[0, "name"] == "第一工作组" and ds.visits.loc[0, "note"] == "走访记录"
    located = sorted((w.sheet, w.row, w.column, w.col_index) for w in ds.warnings)
    assert located == [("groups", 2, "name", 2), ("visits", 2, "note", 5)]
    assert all("control characters" in w.rule and w.rule_zh for w in ds.warnings)
    assert not any(
        re.search("[\x00-\x08\x0b-\x1f\x7f]", str(v)) for t in ds.tables.values() for v in t.to_numpy().ravel()
    )


def test_control_characters_are_removed_with_a_located_warning_from_csv(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, rows in minimal_sheets().items():
        pd.DataFrame(rows[1:], columns=rows[0]).to_csv(folder / f"{name}.csv", index=False)
    text = (folder / "groups.csv").read_text(encoding="utf-8").replace("第一工作组", "第一\x00工作\x07组\x1b\x9b")
    (folder / "groups.csv").write_text(text, encoding="utf-8")
    ds = assess.load(folder)
    assert ds.groups.loc[0, "name"] == "第一工作组"
    assert [(w.file, w.sheet, w.row, w.column, w.group_id) for w in ds.warnings] == [
        ("csv/groups.csv", "groups", 2, "name", "G1")
    ]


# ---- 6. files that are not a readable .xlsx ---------------------------------------------------


def test_encrypted_workbook_is_refused_with_a_fix(tmp_path, capsys):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
    )  # an OLE container, as Excel writes encrypted files
    err = problems_of(path)
    assert len(err.problems) == 1
    p = err.problems[0]
    assert "password-protected (encrypted)" in p.rule and "save it again as .xlsx" in p.fix
    assert "密码" in p.rule_zh and ".xlsx" in p.fix_zh
    assert "password-protected" in refused_by_cli(path, tmp_path, capsys)


def test_old_xls_is_refused_with_a_fix(tmp_path, capsys):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    p = problems_of(path).problems[0]
    assert ".xls" in p.rule and "save it again as .xlsx" in p.fix and "旧版" in p.rule_zh
    assert "Excel 97–2003" in refused_by_cli(path, tmp_path, capsys)


def test_truncated_and_corrupt_workbooks_are_refused_not_a_traceback(tmp_path, capsys):
    good = write_workbook(tmp_path / "good.xlsx", minimal_sheets())
    data = good.read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(data)
    edit_member(corrupt, "xl/worksheets/sheet1.xml", lambda text: text[: len(text) // 2])  # a sheet cut mid-XML
    nonzip = tmp_path / "text.xlsx"
    nonzip.write_text("group_id,name\nG1,x\n")
    for path in (truncated, corrupt, nonzip):
        p = problems_of(path).problems[0]
        assert p.file == path.name and "damaged or incomplete" in p.rule and "save it again as .xlsx" in p.fix, p
        assert "损坏" in p.rule_zh
        assert "damaged or incomplete" in refused_by_cli(path, tmp_path, capsys)


def test_csv_that_is_not_utf8_is_a_problem_naming_the_encoding(tmp_path, capsys):
    folder = tmp_path / "gbk"
    folder.mkdir()
    for name, rows in minimal_sheets().items():
        pd.DataFrame(rows[1:], columns=rows[0]).to_csv(
            folder / f"{name}.csv", index=False, encoding="gbk" if name == "groups" else "utf-8"
        )
    p = problems_of(folder).problems[0]
    assert (p.file, p.sheet) == ("gbk/groups.csv", "groups")
    assert "UTF-8" in p.rule and "GBK" in p.rule and "CSV UTF-8" in p.fix and "UTF-8" in p.fix_zh
    refused_by_cli(folder, tmp_path, capsys)


# ---- 7. bounded resources ---------------------------------------------------------------------


def test_a_stray_value_in_the_last_cell_is_read_fast_and_said(tmp_path):
    path = tmp_path / "far.xlsx"
    book = book_of(minimal_sheets())
    book["groups"]["XFD1048576"] = "stray"
    book.save(path)
    assert path.stat().st_size < 50_000
    tracemalloc.start()
    start = time.perf_counter()
    ds = assess.load(path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"far cell: validate {seconds:.2f} s, traced peak {peak / 2**20:.1f} MiB")
    assert peak < 100 * 2**20  # only the cells present are read, never the padded 16,384 × 1,048,576 grid
    assert ds.groups["group_id"].tolist() == ["G1", "G2"]
    stray = [w for w in ds.warnings if w.column == "column XFD"]
    assert len(stray) == 1 and stray[0].row == 1048576 and stray[0].col_index == 16384 and "no header" in stray[0].rule


def test_a_zip_bomb_is_refused_before_parsing(tmp_path, capsys):
    path = write_workbook(tmp_path / "bomb.xlsx", minimal_sheets())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/zeros.bin", "w") as member:
        for _ in range(40):
            member.write(bytes(1 << 20))  # 40 MB of zeros: about 1000:1
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    start = time.perf_counter()
    p = problems_of(path).problems[0]
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"zip bomb: refused in {seconds:.3f} s, traced peak {peak / 2**20:.2f} MiB")
    assert peak < 10 * 2**20  # refused from the zip directory, before anything is unpacked
    assert "xl/media/zeros.bin" in p.rule and "zip bomb" in p.rule and "压缩炸弹" in p.rule_zh
    assert "zip bomb" in refused_by_cli(path, tmp_path, capsys)


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "big.xlsx", minimal_sheets())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/media/noise.bin", os.urandom(300_000)
        )  # incompressible: the ratio is fine, the total is not
    monkeypatch.setattr(intake, "MAX_UNCOMPRESSED", 250_000)
    p = problems_of(path).problems[0]
    assert "unpacks to" in p.rule and "解压后" in p.rule_zh


def test_a_sheet_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    sheets = minimal_sheets()
    sheets["visits"] += [["G1", "E1", f"2025-02-{d:02d}", None, None] for d in range(2, 8)]  # 7 data rows
    path = write_workbook(tmp_path / "rows.xlsx", sheets)
    monkeypatch.setattr(intake, "MAX_ROWS", 6)
    p = problems_of(path).problems[0]
    assert (p.sheet, p.sheet_label) == ("visits", "visits") and "more than 6 rows" in p.rule
    monkeypatch.setattr(intake, "MAX_ROWS", 7)
    assert len(assess.load(path).visits) == 7


# ---- 8. headers ---------------------------------------------------------------------------------


def test_headers_with_invisible_full_width_or_padded_characters_are_read_and_said(tmp_path):
    sheets = minimal_sheets()
    sheets["groups"][0] = ["工作组编号\u200b", "ｎａｍｅ", " leader "]
    ds = assess.load(write_workbook(tmp_path / "h.xlsx", sheets))
    assert ds.groups["group_id"].tolist() == ["G1", "G2"] and ds.groups["leader"].tolist() == ["张伟", "李娜"]
    said = {(w.column, w.value, w.col_index) for w in ds.warnings}
    assert said == {("group_id", "工作组编号\u200b", 1), ("name", "ｎａｍｅ", 2), ("leader", " leader ", 3)}
    assert all("was read as" in w.rule for w in ds.warnings)


def test_a_mistyped_header_is_named_with_the_closest_known_one_and_other_rows_still_checked(tmp_path, capsys):
    sheets = minimal_sheets()
    sheets["问题台账"] = [
        ["问题编号", "工作组编码", "提出日期", "办结时限", "办理状态", "办结日期"],
        ["Q1", "G1", "2025-03-01", "2025-04-01", "已办结", "2025-03-20"],
        ["Q2", "G1", "2025-03-40", "2025-04-01", "未办结", None],
    ]
    del sheets["problems"]
    err = problems_of(write_workbook(tmp_path / "m.xlsx", sheets))
    missing = [p for p in err.problems if p.rule.startswith("required column is missing")]
    assert len(missing) == 1 and (missing[0].sheet, missing[0].column, missing[0].sheet_label) == (
        "problems",
        "group_id",
        "问题台账",
    )
    assert "did you mean 工作组编号 (group_id)?" in missing[0].rule and "'工作组编码' in column B" in missing[0].fix
    # the row-level problems of the other columns are reported too
    assert [(p.row, p.column, p.rule) for p in err.problems if p.row == 3] == [(3, "raised_on", "not a date")]
    unknown = [w for w in err.warnings if w.value == "工作组编码"]
    assert len(unknown) == 1 and "did you mean 工作组编号 (group_id)?" in unknown[0].rule and unknown[0].col_index == 2
    assert "是否应为“工作组编号”" in unknown[0].rule_zh
    assert "did you mean 工作组编号 (group_id)?" in refused_by_cli(tmp_path / "m.xlsx", tmp_path, capsys)


def test_unknown_and_merged_headers_never_drop_a_column_silently(tmp_path):
    path = tmp_path / "merged.xlsx"
    sheets = minimal_sheets()
    sheets["visits"][0] = ["group_id", "recipient_id", "date", "kind", "备注", None, "走访人"]
    sheets["visits"][1] = ["G1", "E1", "2025-02-01", "实地走访", "上午", "下午", "王五"]
    book = book_of(sheets)
    book["visits"].merge_cells("E1:F1")
    book.save(path)
    ds = assess.load(path)
    assert ds.visits.loc[0, "note"] == "上午"
    said = {(w.column, w.row): w for w in ds.warnings}
    assert set(said) == {("column F", 2), ("column G", 1)}
    assert "merged" in said[("column F", 2)].rule and "合并" in said[("column F", 2)].rule_zh
    assert "unknown column header" in said[("column G", 1)].rule and said[("column G", 1)].value == "走访人"
