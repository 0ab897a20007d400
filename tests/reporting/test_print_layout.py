"""The printed layout's small rules: where a column head may break, the bound summary table's
column widths, and the line under a long table that says where its other rows are."""

from __future__ import annotations

import pytest

from assess.reporting._pdf import _head_pieces, _summary_widths
from assess.reporting.sections import _left_out


@pytest.mark.parametrize(
    ("label", "lang", "pieces"),
    [
        ("服务对象评价", "zh", ["服务对象", "评价"]),
        ("工作组编号", "zh", ["工作组", "编号"]),
        ("日常工作", "zh", ["日常工作"]),  # four characters: one line, never 日常工/作
        ("最终得分", "zh", ["最终得分"]),
        ("排名", "zh", ["排名"]),
        ("Service recipients", "en", ["Service", "recipients"]),
        ("Rank", "en", ["Rank"]),
    ],
)
def test_a_head_breaks_only_where_it_is_meant_to(label, lang, pieces) -> None:
    assert _head_pieces(label, lang) == pieces


@pytest.mark.parametrize("n", [1, 3, 5, 8])
def test_summary_columns_fill_the_width(n) -> None:
    widths = [float(w) for w in _summary_widths(n)]
    assert len(widths) == 3 + n + 6
    assert sum(widths) == pytest.approx(100, abs=0.05)
    assert widths[-1] >= 10  # the remarks keep room for their text


def test_three_components_share_what_the_other_columns_leave() -> None:
    widths = [float(w) for w in _summary_widths(3)]
    assert widths[3:6] == [7.5, 7.5, 7.5]  # (100 - 4.5 - 6 - 12.5 - 7 - 5 - 5 - 9 - 8.5 - 20) / 3
    assert widths[-1] == 20


def test_the_left_out_line_names_the_count_and_the_place() -> None:
    assert _left_out(0, "overdue_problems", "en") == ""
    assert (
        _left_out(4912, "overdue_problems", "en")
        == "and 4,912 more — full list in scores.xlsx, sheet overdue_problems."
    )
    assert (
        _left_out(4912, "overdue_problems", "zh")
        == "另有 4,912 条未列出，完整清单见 scores.xlsx 的 overdue_problems 工作表。"
    )
    assert _left_out(12, "milestones", "en", "data.xlsx") == "and 12 more — full list in data.xlsx, sheet milestones."
    assert (
        _left_out(12, "milestones", "zh", "year2025")
        == "另有 12 条未列出，完整清单见 year2025 中的 milestones.csv 文件。"
    )
    assert _left_out(3, "ratings", "zh", "") == "另有 3 条未列出，完整清单见 输入工作簿的 ratings 工作表。"
