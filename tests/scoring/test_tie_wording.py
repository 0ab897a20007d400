"""What a tied group's summary remark and report say (issue 19 §2, issue 18 §5).

Five groups with office indicators only; ``kt`` (delivery) and ``qa`` (quality) each half of
the score. G21–G24 reach 92, G25 reaches 85. One excellent place (floor(0.2 · 5) = 1).
"""

from __future__ import annotations

import assess
from assess.intake._scheme import parse_scheme
from assess.reporting.sections import standing_notes
from assess.scoring._summary import quota_notes, summary_table, tie_break_notes
from test_schemes_match_reference import _bands, _components
from test_scores_match_reference import dataset

LABEL = {"delivery": ("Delivery", "日常工作"), "quality": ("Work effectiveness", "工作成效")}


def _dataset(values: dict[str, tuple[float, float]]):
    rows: dict[str, list[dict]] = {s: [] for s in ("groups", "recipients", "ledger", "visits", "problems")}
    rows.update({"milestones": [], "ratings": [], "adjustments": [], "indicators": []})
    for g, (kt, qa) in values.items():
        rows["groups"].append({"group_id": g, "name": g})
        rows["indicators"] += [
            {"group_id": g, "indicator": "kt", "value": kt},
            {"group_id": g, "indicator": "qa", "value": qa},
        ]
    return dataset(rows)


def _scheme(tie_break: list[str]):
    comps = _components({"delivery": 0.5, "quality": 0.5})
    for name, (en, zh) in LABEL.items():
        comps[name]["label"] = {"en": en, "zh": zh}
    bands = _bands(("excellent", 90, 0.2), ("good", 80, None), ("fail", 0, None))
    for band, zh in zip(bands, ("优秀", "良好", "不合格"), strict=True):
        band["label"]["zh"] = zh
    return parse_scheme(
        {
            "name": "ties",
            "components": comps,
            "indicators": {
                "kt": {"component": "delivery", "weight": 1.0},
                "qa": {"component": "quality", "weight": 1.0},
            },
            "grades": {
                "bands": bands,
                "quota_rounding": "floor",
                "ties": "demote",
                "tie_break": tie_break,
            },
        }
    )


def test_a_tie_broken_by_the_tie_break_is_said_in_the_report_and_summary() -> None:
    # final = 50·kt + 50·qa: G21 (0.90, 0.94), G22 (0.94, 0.90): 92 each; G21 higher on quality
    ds = _dataset(
        {"G21": (0.90, 0.94), "G22": (0.94, 0.90), "G23": (0.80, 0.80), "G24": (0.85, 0.85), "G25": (0.7, 0.7)}
    )
    result = assess.score(ds, year=2025, scheme=_scheme(["quality", "delivery"]))
    s = result.scores.set_index("group_id")
    assert (s.loc["G21", "rank"], s.loc["G22", "rank"]) == (1, 2)
    assert (s.loc["G21", "grade"], s.loc["G22", "grade"]) == ("excellent", "good")
    note = tie_break_notes(result)["G22"]
    assert (note.above, note.component) == ("G21", "quality")
    assert "G21" not in tie_break_notes(result)
    zh = summary_table(result, "zh").set_index("group_id").loc["G22", "remarks"]
    assert "按同分排序规则排在 G21 之后：工作成效得分较低" in zh
    en = dict(standing_notes(result, "G22", "en"))
    assert (
        en["tie_break"]
        == "Same final score as G21, but ranked below it by the tie-break: lower Work effectiveness score."
    )
    assert "tie_break" in dict(standing_notes(result, "G22", "zh"))


def test_a_tie_nothing_breaks_is_said_as_what_happened() -> None:
    ds = _dataset(
        {"G21": (0.92, 0.92), "G24": (0.92, 0.92), "G23": (0.80, 0.80), "G22": (0.85, 0.85), "G25": (0.7, 0.7)}
    )
    result = assess.score(ds, year=2025, scheme=_scheme([]))
    s = result.scores.set_index("group_id")
    assert s.loc["G21", "rank"] == s.loc["G24", "rank"] == 1
    assert s.loc["G21", "grade"] == s.loc["G24", "grade"] == "good"  # demoted both
    q = quota_notes(result)
    assert q["G21"].tied_with == ("G24",) and q["G24"].tied_with == ("G21",)
    zh = summary_table(result, "zh").set_index("group_id")["remarks"]
    assert zh["G21"] == "与 G24 最终得分相同；按并列处理规则，两组均未获优秀名额"
    assert "本组第" not in zh["G24"]
    en = summary_table(result, "en").set_index("group_id")["remarks"]
    assert en["G21"] == "Same final score as G24; under the tie rule neither group received a place in Excellent"
    card = dict(standing_notes(result, "G21", "zh"))["quota"]
    assert "本组与 G24 最终得分相同" in card and "并列的2个组均未获“优秀”名额" in card
