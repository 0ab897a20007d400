"""A --lang zh scores.xlsx and bulletin workbook: every header labelled in Chinese and every fixed
value the program writes in Chinese words, while the identifiers a program reads back stay
(group IDs, indicator names, grade codes, provenance keys; last year's file reads back either way).
The flags' details are composed from the data, and the English phrases of the catalogue say
exactly what the scoring writes."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from assess.analysis._history import read_previous
from assess.batch._pipeline import score_to
from assess.reporting._flag_words import flag_detail, flags_in_words, flags_text
from assess.reporting._workbook import write_tables
from assess.reporting.bulletin import provenance_sheet

YEAR = 2025
NO_MILESTONES = "G07"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def workbook(sample_frames, tmp_path_factory):
    """12 groups of the sample year; G07 without milestones (insufficient data, missing
    indicators) and one recipient who gave the same score to every item (straight-lining)."""
    frames = sample_frames(year=YEAR, groups=12, seed=3)
    frames["milestones"] = frames["milestones"][frames["milestones"]["group_id"] != NO_MILESTONES]
    ratings = frames["ratings"]
    first = ratings["recipient_id"].iloc[0]
    ratings.loc[ratings["recipient_id"] == first, "score"] = 4
    return write_tables(tmp_path_factory.mktemp("zh-values") / "in.xlsx", frames)


@pytest.fixture(scope="module")
def scored(workbook, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    first = score_to(workbook, YEAR, out / "first", lang="en")
    zh = score_to(workbook, YEAR, out / "zh", lang="zh", previous=out / "first" / "scores.xlsx", uncertainty=64)
    en = score_to(workbook, YEAR, out / "en", lang="en", previous=out / "first" / "scores.xlsx", uncertainty=64)
    return first, zh, en, out


@pytest.mark.slow  # scores the year three times, with an uncertainty analysis
def test_the_planted_flags_are_all_there(scored) -> None:
    first, *_ = scored
    kinds = set(first.flags["flag"])
    assert {"insufficient_data", "missing_indicators", "straight_lining", "veto"} <= kinds, kinds


@pytest.mark.slow  # scores the year three times, with an uncertainty analysis
def test_english_phrases_say_what_the_scoring_writes(scored) -> None:
    """Composing each detail from the data in English gives the scoring's own sentence."""
    first, *_ = scored
    for row in first.flags.itertuples():
        if row.flag != "veto":  # a veto's detail is the office's reason, not a phrase
            assert flag_detail(first, row.group_id, row.flag, row.detail, "en") == row.detail, row
    pd.testing.assert_frame_equal(flags_in_words(first, "en"), first.flags)


@pytest.mark.slow  # scores the year three times, with an uncertainty analysis
def test_chinese_details_are_composed_from_the_data(scored) -> None:
    first, *_ = scored
    zh = flags_in_words(first, "zh").set_index(["group_id", "flag"])["detail"]
    raters = first.ratings_quality.set_index("group_id")["raters"]
    liners = first.ratings_quality.set_index("group_id")["straight_liners"]
    for (gid, flag), detail in zh.items():
        if flag == "参与评价者过少":
            assert detail == f"仅 {int(raters[gid])} 个服务对象参与评价，应不少于 3 个"
        elif flag == "各项打分完全相同":
            assert detail == f"{int(liners[gid])} 个服务对象在各季度对所有项目打分完全相同"
    assert zh[(NO_MILESTONES, "数据不足")] == "缺少考核部分得分：工作成效"
    assert zh[(NO_MILESTONES, "缺少指标")] == "缺少指标：项目节点按时完成率、投资完成率"
    assert flags_text("veto;quota_demoted", "zh") == "一票否决；受名额限制降档"


@pytest.mark.slow  # scores the year three times, with an uncertainty analysis
def test_every_header_has_a_chinese_label_and_every_fixed_value_is_chinese(scored) -> None:
    _, _, _, out = scored
    book = openpyxl.load_workbook(out / "zh" / "scores.xlsx")
    localised = {"替代方案", "指标体系一致性"}
    assert {"flags", "year_over_year", "uncertainty", "sensitivity"} <= set(book.sheetnames)
    for name in [n for n in book.sheetnames[1:] if n not in localised]:
        for cell in book[name][1]:
            assert cell.comment is not None and CJK.search(cell.comment.text), (name, cell.value)

    def column(sheet: str, header: str) -> list:
        frame = pd.read_excel(out / "zh" / "scores.xlsx", sheet_name=sheet, engine="calamine")
        return [v for v in frame[header].tolist() if isinstance(v, str) and v]

    for sheet, header in [
        ("scores", "flags"),
        ("scores", "grade_change"),
        ("flags", "flag"),
        ("flags", "detail"),
        ("year_over_year", "status"),
        ("year_over_year", "grade_change"),
        ("sensitivity", "output"),
        ("sensitivity", "factor"),
        ("overdue_problems", "priority"),
    ]:
        values = column(sheet, header)
        assert values and all(CJK.search(v) for v in values), (sheet, header, values)
    assert "（全部工作组）" in column("ratings_quality", "group_id")
    assert set(column("year_over_year", "status")) == {"两年均有"}
    assert set(column("sensitivity", "factor")) <= {"权重", "标准化方法", "汇总方法", "数据证据"}
    prov = book["provenance"]
    keys = {row[0].value: row[0].comment.text for row in prov.iter_rows(min_row=2)}
    assert keys["input_sha256"] == "数据文件 SHA-256" and keys["generated_at"] == "生成时间"
    settings = dict(
        pd.read_excel(out / "zh" / "scores.xlsx", sheet_name="provenance", engine="calamine").values.tolist()
    )["uncertainty"]
    assert settings.startswith("不确定性分析设置：抽样64次")


@pytest.mark.slow  # scores the year three times, with an uncertainty analysis
def test_identifiers_stay_so_last_years_file_reads_back_in_either_language(scored) -> None:
    _, _, _, out = scored
    zh, en = (
        pd.read_excel(out / lang / "scores.xlsx", sheet_name="scores", engine="calamine") for lang in ("zh", "en")
    )
    assert list(zh.columns) == list(en.columns)
    pd.testing.assert_series_equal(zh["grade"], en["grade"])
    pd.testing.assert_frame_equal(read_previous(out / "zh" / "scores.xlsx"), read_previous(out / "en" / "scores.xlsx"))

    def en(sheet: str, header: str) -> set:
        return set(pd.read_excel(out / "en" / "scores.xlsx", sheet_name=sheet, engine="calamine")[header].dropna())

    # English keeps the program's codes, as before
    assert en("year_over_year", "status") == {"both"} and en("sensitivity", "output") == {"rank_shift", "grade_changes"}
    assert en("flags", "flag") >= {"insufficient_data", "missing_indicators", "straight_lining", "veto"}


def test_the_bulletin_names_its_provenance_items() -> None:
    rows = {"input": "in.xlsx", "scheme_name": "default", "period": "2025-06", "as_of": "2025-06-30"}
    assert provenance_sheet(rows, "zh").to_dict("list") == {
        "项目": ["数据文件", "考核方案", "通报期间", "考核日期"],
        "内容": ["in.xlsx", "default", "2025-06", "2025-06-30"],
    }
    assert provenance_sheet(rows, "en").columns.tolist() == ["key", "value"]
    assert provenance_sheet(rows, "en")["key"].tolist() == list(rows)


def test_a_chinese_submission_checks_its_cells_in_chinese(tmp_path) -> None:
    from assess.intake._spec import SHEETS
    from assess.reporting._workbook import write_template

    rows = {"problems": pd.DataFrame(columns=[c.name for c in SHEETS["problems"].columns])}
    errors = {}
    for lang, submission in (("en", None), ("zh", rows)):
        book = openpyxl.load_workbook(write_template(tmp_path / f"{lang}.xlsx", submission, lang=lang))
        ws = book["问题台账" if lang == "zh" else "problems"]
        errors[lang] = {dv.error for dv in ws.data_validations.dataValidation}
    assert "Enter a date (YYYY-MM-DD)" in errors["en"] and "Use one of: urgent, common, major" in errors["en"]
    assert "请输入日期（YYYY-MM-DD）" in errors["zh"] and "请从以下选项中选择：紧急、一般、重大" in errors["zh"]
    readme = [c.value for c in book["README"][1]]
    assert readme == ["sheet", "工作表", "column", "中文列名 (alias)", "required 必填", "meaning", "说明"]
