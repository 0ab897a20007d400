"""The summary sheet of scores.xlsx (考核结果汇总 / summary), the Chinese header comments,
the office name and local dates: read back with openpyxl against independently computed values."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

import assess
from assess.batch._pipeline import score_to
from assess.cli import main
from assess.common._errors import SchemeError
from assess.intake._scheme import default_scheme, parse_scheme
from assess.reporting._workbook import write_scores, write_tables
from assess.scoring._result import SCORE_COLUMNS
from assess.scoring._summary import summary_table

YEAR = 2025
NO_MILESTONES = "G30"
HEADER_ROW = 3
EPOCH = "1767198600"  # 2025-12-31T16:30:00Z, i.e. 2026-01-01 00:30 in Shanghai


@pytest.fixture(scope="module")
def workbook(sample_frames, tmp_path_factory):
    """The 38-group sample year (G02 vetoed, G22 and G14 over the 优秀 quota) with G30's milestones removed."""
    frames = sample_frames(year=YEAR, groups=38, seed=0)
    frames["milestones"] = frames["milestones"][frames["milestones"]["group_id"] != NO_MILESTONES]
    return write_tables(tmp_path_factory.mktemp("summary") / "in.xlsx", frames)


@pytest.fixture(scope="module")
def scored(workbook, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    scheme = parse_scheme({**default_scheme().model_dump(mode="json"), "office": "桥驿区重点项目帮促考核办"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = score_to(workbook, YEAR, out / "zh", scheme=scheme, lang="zh")
        score_to(workbook, YEAR, out / "en", lang="en")
    return result, out


def _rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(v is not None for v in r)]


def test_summary_rows_order_labels_and_numbers(scored):
    result, out = scored
    book = openpyxl.load_workbook(out / "zh" / "scores.xlsx")
    assert book.sheetnames[0] == "考核结果汇总" and book.sheetnames[1:4] == ["scores", "indicators", "contributions"]
    ws = book["考核结果汇总"]
    assert [c.value for c in ws[HEADER_ROW]] == [
        "排名", "工作组编号", "工作组名称", "日常工作", "工作成效", "服务对象评价", "基础得分", "加分", "扣分", "最终得分", "等次", "备注",
    ]  # fmt: skip
    rows = _rows(ws)
    s = result.scores
    # order, computed here: ranked groups by rank, then the unranked ones (if the rank rule leaves any blank)
    ranked = s[s["rank"].notna()].sort_values(["rank", "final_score"], ascending=[True, False], kind="stable")
    unranked = s[s["rank"].isna()]
    assert [r[1] for r in rows][: len(ranked)] == ranked["group_id"].tolist()
    assert sorted(r[1] for r in rows[len(ranked) :]) == sorted(unranked["group_id"])
    labels = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
    by_id = s.set_index("group_id")
    for r in rows:
        g = by_id.loc[r[1]]
        assert r[2] == g["name"]
        # stored unrounded: exactly the scores sheet's numbers
        for value, col in zip(
            r[3:10],
            ["daily_work", "effectiveness", "service_rating", "base_score", "bonus", "deduction", "final_score"],
            strict=True,
        ):
            assert (value is None and pd.isna(g[col])) or value == pytest.approx(g[col], abs=1e-12)
        assert r[10] == (labels[g["grade"]] if isinstance(g["grade"], str) else "不评定等次")
        assert (r[0] is None) == pd.isna(g["rank"]) and (r[0] is None or r[0] == g["rank"])
    first = ws.cell(row=HEADER_ROW + 1, column=10)
    assert first.number_format == "0.0" and ws.cell(row=HEADER_ROW + 1, column=4).number_format == "0.0"


def test_summary_remarks_in_words(scored):
    result, out = scored
    ws = openpyxl.load_workbook(out / "zh" / "scores.xlsx")["考核结果汇总"]
    rows = {r[1]: r for r in _rows(ws)}
    # the veto, with its reason from the adjustments sheet
    assert rows["G02"][11].endswith("一票否决：工作组成员在帮促工作中违反廉洁纪律，造成不良影响")
    # no milestones: effectiveness has problem_resolution + problem_on_time = 0.3 + 0.3 < 0.65
    remark = rows[NO_MILESTONES][11]
    assert "数据不足：工作成效无法计分（无项目节点）" in remark and "部分得分，不评定等次" in remark
    assert rows[NO_MILESTONES][10] == "不评定等次"
    # the partial score is flagged on the cell itself
    r = next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1) if row[1] == NO_MILESTONES)
    final = ws.cell(row=r, column=10)
    assert final.comment is not None and "部分得分" in final.comment.text and final.font.i
    # the quota: floor(0.2 × graded groups) places, position by final score among the non-vetoed candidates
    s = result.scores
    graded = s[s["grade"].notna()]
    places = math.floor(0.2 * len(graded) + 1e-9)
    candidates = graded[(graded["final_score"] >= 90) & ~graded["flags"].str.contains("veto")].sort_values(
        "final_score", ascending=False
    )
    demoted = s[s["flags"].str.contains("quota_demoted")]["group_id"].tolist()
    assert sorted(demoted) == ["G14", "G22"]
    for gid in demoted:
        position = candidates["group_id"].tolist().index(gid) + 1
        assert rows[gid][11] == f"受优秀名额限制（名额 {places} 个，本组第 {position}）"
    assert places == 7 and rows["G22"][11].endswith("本组第 8）")
    plain = [gid for gid in rows if not by_flag(s, gid)]
    assert all(rows[gid][11] is None for gid in plain)


def by_flag(scores: pd.DataFrame, gid: str) -> str:
    return scores.set_index("group_id").at[gid, "flags"]


def test_summary_title_office_dates_and_print_setup(scored):
    _, out = scored
    ws = openpyxl.load_workbook(out / "zh" / "scores.xlsx")["考核结果汇总"]
    assert ws["A1"].value == "2025年度工作组年终考核结果汇总"
    assert (
        ws["A2"].value
        == "考核单位：桥驿区重点项目帮促考核办　　考核日期：2025年12月31日　　生成时间：2026年1月1日 00:30（UTC+08:00）"
    )
    n = len(_rows(ws))
    assert ws.print_area == f"'考核结果汇总'!$A$1:$L${HEADER_ROW + n}"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert (
        ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    )
    assert ws.freeze_panes == "D4"
    assert (
        ws.column_dimensions["C"].width >= 16 and ws.column_dimensions["L"].width >= 30
    )  # 7 CJK characters of a name fit
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    prov = dict(pd.read_excel(out / "zh" / "scores.xlsx", sheet_name="provenance", engine="calamine").values.tolist())
    assert prov["generated_at"] == "2026-01-01T00:30:00+08:00" and prov["timezone"] == "Asia/Shanghai"


def test_other_sheets_keep_machine_headers_with_chinese_comments(scored):
    result, out = scored
    path = out / "zh" / "scores.xlsx"
    assert list(pd.read_excel(path, sheet_name="scores", engine="calamine").columns) == SCORE_COLUMNS
    book = openpyxl.load_workbook(path)
    # the scenario and coherence sheets are written for reading, named and headed in the run's language
    localised = {"替代方案", "指标体系一致性"}
    assert "替代方案" in book.sheetnames  # every run has its scenarios
    for name in [n for n in book.sheetnames[1:] if n not in localised]:
        for cell in book[name][1]:
            assert cell.comment is not None, (name, cell.value)
            assert any(ord(ch) > 0x2E80 for ch in cell.comment.text), (name, cell.value, cell.comment.text)
    assert book["scores"]["A1"].value == "group_id" and book["scores"]["A1"].comment.text == "工作组编号"
    assert book["scores"]["C1"].comment.text.startswith("日常工作")
    en = openpyxl.load_workbook(out / "en" / "scores.xlsx")
    assert en.sheetnames[0] == "summary"
    assert [c.value for c in en["summary"][HEADER_ROW]] == [
        "Rank", "Group ID", "Name", "Daily work", "Work effectiveness", "Service-recipient rating",
        "Base score", "Bonus", "Deduction", "Final score", "Grade", "Remarks",
    ]  # fmt: skip
    assert all(c.comment is None for c in en["scores"][1])
    assert en["summary"]["A2"].value.startswith("Assessment date: 31 December 2025")
    rows = {r[1]: r for r in _rows(en["summary"])}
    assert rows["G22"][11] == "Limited by the Excellent quota (7 place(s); this group is 8th)"
    assert (
        "Insufficient data: no Work effectiveness score (no project milestones planned in 2025)"
        in rows[NO_MILESTONES][11]
    )


def test_unranked_groups_come_last_vetoed_first(scored):
    """With the revised rank rule (vetoed and ungraded groups have no rank) they follow the ranked ones."""
    result, _ = scored
    s = result.scores.copy()
    blank = s["flags"].str.contains("veto|insufficient_data")
    s["rank"] = s["rank"].astype("Int64").mask(blank)
    table = summary_table(dataclasses.replace(result, scores=s), "zh")
    assert table["group_id"].tolist()[-2:] == ["G02", NO_MILESTONES]
    assert table["rank"].isna().tolist() == [False] * (len(s) - 2) + [True, True]
    assert table.iloc[-2]["remarks"].startswith("不参与排名；一票否决")
    assert table.iloc[-1]["remarks"].startswith("不参与排名；数据不足")


def test_other_components_use_the_scheme_labels(workbook, tmp_path):
    data = yaml.safe_load(default_scheme().text)
    data["components"] = {
        "routine": {"weight": 0.5, "label": {"en": "Routine work", "zh": "常规工作"}},
        "results": {"weight": 0.5, "label": {"en": "Results", "zh": "工作实绩"}},
    }
    for name, ind in data["indicators"].items():
        ind["component"] = "routine" if name.startswith(("ledger", "visit")) else "results"
        ind["weight"] = {"ledger_on_time": 0.4, "ledger_completeness": 0.2, "visit_coverage": 0.4}.get(name, 1 / 6)
    data["grades"]["tie_break"] = ["results", "routine"]
    scheme = parse_scheme(data)
    result = score_to(workbook, YEAR, tmp_path, scheme=scheme, lang="zh")
    ws = openpyxl.load_workbook(tmp_path / "scores.xlsx").worksheets[0]
    assert [c.value for c in ws[HEADER_ROW]][3:5] == ["常规工作", "工作实绩"]
    assert [c.value for c in ws[HEADER_ROW]][5] == "基础得分" and ws.max_column == 11
    got = {r[1]: r[3] for r in _rows(ws)}
    expected = result.scores.set_index("group_id")["routine"]
    assert all(got[g] == pytest.approx(v) for g, v in expected.items())


def test_timezone_setting(workbook, tmp_path):
    scheme = parse_scheme({**default_scheme().model_dump(mode="json"), "timezone": "Europe/London"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = assess.score(assess.load(workbook), YEAR, scheme=scheme)
    write_scores(result, tmp_path / "s.xlsx", lang="en")
    prov = dict(pd.read_excel(tmp_path / "s.xlsx", sheet_name="provenance", engine="calamine").values.tolist())
    assert prov["generated_at"] == "2025-12-31T16:30:00+00:00" and prov["timezone"] == "Europe/London"
    assert (
        "Generated: 31 December 2025, 16:30 (UTC+00:00)"
        in openpyxl.load_workbook(tmp_path / "s.xlsx")["summary"]["A2"].value
    )
    with pytest.raises(SchemeError, match="timezone: 'Asia/Beijing' is not a known time zone"):
        parse_scheme({**default_scheme().model_dump(mode="json"), "timezone": "Asia/Beijing"})
    assert default_scheme().timezone == "Asia/Shanghai" and default_scheme().office is None


def test_cli_score_lang_and_office(workbook, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["score", str(workbook), "--year", "2025", "--out", str(out), "--lang", "zh", "--office", "某区考核办"])
        == 0
    )
    ws = openpyxl.load_workbook(out / "scores.xlsx").worksheets[0]
    assert ws.title == "考核结果汇总" and ws["A2"].value.startswith("考核单位：某区考核办　　考核日期：2025年12月31日")
    assert main(["score", str(workbook), "--year", "2025", "--out", str(tmp_path / "en")]) == 0
    assert openpyxl.load_workbook(tmp_path / "en" / "scores.xlsx").worksheets[0].title == "summary"
    assert (
        np.isfinite(pd.read_excel(out / "scores.xlsx", sheet_name="scores", engine="calamine")["final_score"]).sum()
        == 38
    )


def test_bonus_and_deduction_carry_the_reports_sign_convention(tmp_path) -> None:
    """Stored as the amounts (like the scores sheet), shown +2.0 and -4.0 as in the reports."""
    from pathlib import Path

    from assess.reporting._workbook import write_scores

    root = Path(__file__).resolve().parents[2]
    result = assess.score(assess.load(root / "data" / "sample-2025.xlsx"), year=2025)
    ws = openpyxl.load_workbook(write_scores(result, tmp_path / "s.xlsx", lang="zh")).worksheets[0]
    header = [c.value for c in ws[HEADER_ROW]]
    bonus, deduction = header.index("加分") + 1, header.index("扣分") + 1
    g11 = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "G11")
    assert ws.cell(row=g11, column=deduction).value == 4  # sample: G11 has 4 points deducted
    assert ws.cell(row=g11, column=deduction).number_format == "-0.0;+0.0;0.0"
    assert ws.cell(row=g11, column=bonus).number_format == "+0.0;-0.0;0.0"
