"""scores.xlsx an office can hand on: sheets, formats, and text that never runs as a formula."""

from __future__ import annotations

import zipfile
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

import assess
from assess.analysis._history import compare, read_previous
from assess.reporting._workbook import write_scores
from workbooks import minimal_sheets, write_workbook


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("excel")
    sheets = minimal_sheets()
    sheets["groups"][1][1] = '=HYPERLINK("http://x.invalid","click")'
    sheets["groups"][2][1] = "-1+2"
    sheets["groups"].append(["G3", "@SUM(A1:A2)", None])
    sheets["groups"].append(["G4", "+cmd|' /C calc'!A0", None])
    sheets["adjustments"].append(["G1", "2025-07-01", "veto", None, "=1+1 违纪"])
    result = assess.score(assess.load(write_workbook(tmp / "in.xlsx", sheets, formulas=False)), year=2025)
    return result, write_scores(result, tmp / "scores.xlsx")


def test_sheets_and_layout(planted):
    result, path = planted
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "summary",
        "scores",
        "indicators",
        "contributions",
        "ratings_quality",
        "flags",
        "overdue_problems",
        "provenance",
    ]  # no importance: fewer than 3 graded groups
    for ws in book.worksheets[1:]:  # the summary has a title above its header (tests/test_summary.py)
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    scores = book["scores"]
    grade_col = [c.value for c in scores[1]].index("grade") + 1
    fills = {
        scores.cell(row=r, column=grade_col).value: scores.cell(row=r, column=grade_col).fill.fgColor.rgb
        for r in range(2, scores.max_row + 1)
    }
    assert fills.get("fail", "").endswith("F8CBAD")  # the vetoed G1
    assert scores.column_dimensions["B"].width >= 8


def test_text_starting_like_a_formula_stays_text(planted):
    _, path = planted
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # no formula anywhere
    names = pd.read_excel(path, sheet_name="scores", engine="calamine")["name"].tolist()
    assert names[:4] == ['=HYPERLINK("http://x.invalid","click")', "-1+2", "@SUM(A1:A2)", "+cmd|' /C calc'!A0"]
    flags = pd.read_excel(path, sheet_name="flags", engine="calamine")
    assert "=1+1 违纪" in flags["detail"].tolist()


def test_contributions_add_up_and_flags_explain(planted):
    result, _ = planted
    points = result.contributions.groupby("group_id")["points"].sum(min_count=1)  # no base, no points
    base = result.scores.set_index("group_id")["base_score"]
    pd.testing.assert_series_equal(points.reindex(base.index), base, check_names=False, atol=1e-9, rtol=0)
    g2 = result.flags[result.flags["group_id"] == "G2"].set_index("flag")["detail"]
    # G2 has no visits, no problems, no milestones, no ratings
    assert "effectiveness" in g2["insufficient_data"] and "service_rating" in g2["insufficient_data"]
    assert result.flags.query("group_id == 'G1' and flag == 'veto'")["detail"].item() == "=1+1 违纪"


def test_year_over_year_marks_new_and_gone(planted, tmp_path):
    result, path = planted
    previous = read_previous(path)
    previous = pd.concat(
        [
            previous[previous["group_id"] != "G4"],
            pd.DataFrame([{"group_id": "G9", "final_score": 50.0, "rank": 9, "grade": "fail"}]),
        ]
    )
    previous.loc[previous["group_id"] == "G2", "final_score"] -= 10
    previous.loc[previous["group_id"] == "G2", "rank"] = 4
    s = compare(result, previous).scores.set_index("group_id")
    assert s.loc["G2", "score_change"] == pytest.approx(10)
    assert pd.isna(s.loc["G2", "rank_change"])  # G2 is ungraded, so unranked: no rank change to tell
    ranked = replace(result, scores=result.scores.assign(rank=pd.array([pd.NA, 1, pd.NA, pd.NA], dtype="Int64")))
    out = compare(ranked, previous)
    assert out.scores.set_index("group_id").loc["G2", "rank_change"] == 4 - 1
    assert s.loc["G4", "grade_change"] == "new" and s.loc["G1", "grade_change"] == "same"
    yoy = out.year_over_year.set_index("group_id")
    assert yoy.loc["G9", "status"] == "gone" and yoy.loc["G4", "status"] == "new" and len(yoy) == 5
    book = openpyxl.load_workbook(write_scores(out, tmp_path / "s2.xlsx"))
    assert "year_over_year" in book.sheetnames


def test_previous_file_problems_are_input_errors(tmp_path):
    with pytest.raises(assess.InputError, match="cannot read last year's scores"):
        read_previous(tmp_path / "none.xlsx")
    pd.DataFrame({"group_id": ["G1"]}).to_excel(tmp_path / "p.xlsx", sheet_name="scores", index=False)
    with pytest.raises(assess.InputError) as info:
        read_previous(tmp_path / "p.xlsx")
    assert [p.column for p in info.value.problems] == ["final_score", "rank", "grade"]
