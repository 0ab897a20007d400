"""Indicators the office computes itself: a value far outside its goalposts is refused, a nearer
one is scored clipped, with a warning that says so (console, validation.txt, index)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import assess
from assess.batch._pipeline import score_to
from assess.cli import main
from assess.common._errors import SchemeError
from assess.intake._plausible import check_plausible
from assess.intake._problems import InputError
from assess.intake._scheme import DEFAULT_SCHEME_TEXT, load_scheme, parse_scheme
from assess.reporting._pages import write_index
from hypothesis_profiles import examples
from workbooks import minimal_sheets, write_workbook


def scheme_file(tmp_path: Path, direction: str = "higher", method: str = "goalposts", **extra: object) -> Path:
    """The default scheme with the office's own ``key_tasks`` (goalposts [0, 1]) in daily work."""
    data = yaml.safe_load(DEFAULT_SCHEME_TEXT)
    data["indicators"]["ledger_on_time"]["weight"] = 0.3
    normalize = {"method": method, "bounds": [0, 1]} if method == "goalposts" else {"method": method}
    if method != "goalposts":  # a relative method beside absolute thresholds must be declared (issue 19 §3)
        data["grades"]["relative"] = True
    data["indicators"]["key_tasks"] = {
        "component": "daily_work",
        "weight": 0.1,
        "direction": direction,
        "normalize": normalize,
    }
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(data | extra, allow_unicode=True), encoding="utf-8")
    return path


def workbook(tmp_path: Path, g1: object, g2: object = 0.5, name: str = "office.xlsx") -> Path:
    sheets = minimal_sheets()
    sheets["indicators"] = [["group_id", "indicator", "value"], ["G1", "key_tasks", g1], ["G2", "key_tasks", g2]]
    return write_workbook(tmp_path / name, sheets)


def test_a_percentage_typed_for_a_share_is_a_located_error(tmp_path, capsys):
    scheme = load_scheme(scheme_file(tmp_path))
    with pytest.raises(InputError) as info:
        assess.load(workbook(tmp_path, 66.4), scheme)
    (p,) = info.value.problems
    assert (p.file, p.sheet, p.row, p.column, p.col_index, p.value, p.group_id) == (
        "office.xlsx", "indicators", 2, "value", 3, 66.4, "G1",
    )  # fmt: skip
    assert p.rule == (
        "far outside the goalposts [0, 1] of key_tasks: at most 0.5 goalpost span(s) beyond them (-0.5 to 1.5) "
        "is read; a percentage typed for a share?"
    )
    assert "0.664" in p.fix and "goalpost_factor" in p.fix
    assert "远超出指标 key_tasks 的计分上下限 [0, 1]" in p.rule_zh and "把比例填成了百分数" in p.rule_zh
    path = workbook(tmp_path, 66.4, name="cli.xlsx")
    out = tmp_path / "out"
    assert (
        main(["score", str(path), "--year", "2025", "--out", str(out), "--scheme", str(tmp_path / "scheme.yaml")]) == 2
    )
    assert "indicators, row 2, column value: 66.4: far outside the goalposts" in capsys.readouterr().err
    assert not out.exists()


def _normalized(result) -> pd.Series:
    ind = result.indicators
    return ind[ind["indicator"] == "key_tasks"].set_index("group_id")["normalized"]


def test_a_small_excursion_is_scored_clipped_with_a_warning_everywhere(tmp_path, capsys):
    scheme = load_scheme(scheme_file(tmp_path))
    ds = assess.load(workbook(tmp_path, 1.2), scheme)
    (w,) = ds.warnings
    assert (w.sheet, w.row, w.column, w.value, w.severity) == ("indicators", 2, "value", 1.2, "warning")
    assert w.rule == "outside the goalposts [0, 1] of key_tasks: scored as 1 (100 points)"
    assert w.rule_zh == "超出指标 key_tasks 的计分上下限 [0, 1]：按 1 计分（100 分）"

    out = tmp_path / "out"
    result = score_to(workbook(tmp_path, 1.2), 2025, out, scheme=scheme, on_warning=lambda p: print(p.text("en")))
    assert "indicators, row 2, column value: 1.2: outside the goalposts" in capsys.readouterr().out
    assert "outside the goalposts [0, 1] of key_tasks: scored as 1 (100 points)" in (out / "validation.txt").read_text(
        encoding="utf-8"
    )
    # (1.2 − 0) / (1 − 0) = 1.2, clipped to 1 → 100 points; G2's 0.5 → 50
    assert _normalized(result).to_dict() == {"G1": 100.0, "G2": 50.0}
    # the same scores as the goalpost itself: clipping is all the excursion does
    same = score_to(workbook(tmp_path, 1.0, name="one.xlsx"), 2025, tmp_path / "one", scheme=scheme)
    pd.testing.assert_frame_equal(result.scores, same.scores)
    # the index lists the warning in the run's language
    page = write_index(result, [], tmp_path / "site", lang="zh").read_text(encoding="utf-8")
    assert "输入数据提示" in page and "超出指标 key_tasks 的计分上下限 [0, 1]：按 1 计分（100 分）" in page
    assert "validation.txt" in page


def test_lower_is_better_says_which_end_it_is_clipped_to(tmp_path):
    scheme = load_scheme(scheme_file(tmp_path, direction="lower"))
    ds = assess.load(workbook(tmp_path, -0.1, 1.3), scheme)
    assert [w.rule for w in ds.warnings] == [
        "outside the goalposts [0, 1] of key_tasks: scored as 0 (100 points)",
        "outside the goalposts [0, 1] of key_tasks: scored as 1 (0 points)",
    ]
    result = assess.score(ds, 2025, scheme=scheme)
    assert _normalized(result).to_dict() == {"G1": 100.0, "G2": 0.0}


def test_the_factor_is_a_scheme_setting(tmp_path):
    wide = load_scheme(scheme_file(tmp_path, goalpost_factor=100))
    (w,) = assess.load(workbook(tmp_path, 66.4), wide).warnings
    assert w.rule.endswith("scored as 1 (100 points)")
    strict = load_scheme(scheme_file(tmp_path, goalpost_factor=0))
    with pytest.raises(InputError) as info:
        assess.load(workbook(tmp_path, 1.2), strict)
    assert "at most 0 goalpost span(s) beyond them (0 to 1)" in info.value.problems[0].rule


@pytest.mark.parametrize(("value", "complaint"), [(-1, "-1 is invalid"), ("lots", "'lots' is not a number")])
def test_a_bad_factor_is_refused_with_its_key(value, complaint):
    with pytest.raises(SchemeError) as info:
        parse_scheme(yaml.safe_load(DEFAULT_SCHEME_TEXT) | {"goalpost_factor": value})
    assert f"goalpost_factor: {complaint}" in str(info.value)


def test_only_goalposts_clip_so_only_they_are_checked(tmp_path):
    scheme = load_scheme(scheme_file(tmp_path, method="minmax"))
    assert assess.load(workbook(tmp_path, 66.4), scheme).warnings == []
    # a built-in indicator's name in the sheet is refused by its own rule, and the default scheme names no office indicator
    assert assess.load(workbook(tmp_path, 66.4, name="plain.xlsx")).warnings == []


@settings(max_examples=examples(80), deadline=None)
@given(
    value=st.floats(-1e4, 1e4, allow_nan=False),
    lo=st.integers(-100, 100),
    span=st.integers(1, 200),
    factor=st.sampled_from([0, 0.25, 0.5, 1, 3]),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_an_office_value_is_refused_warned_or_passed_by_its_distance_from_the_goalposts(
    value, lo, span, factor, direction
):
    hi = lo + span
    data = yaml.safe_load(DEFAULT_SCHEME_TEXT) | {"goalpost_factor": factor}
    data["indicators"]["ledger_on_time"]["weight"] = 0.3
    data["indicators"]["key_tasks"] = {
        "component": "daily_work",
        "weight": 0.1,
        "direction": direction,
        "normalize": {"method": "goalposts", "bounds": [lo, hi]},
    }
    scheme = parse_scheme(data)
    frame = pd.DataFrame({"group_id": ["G1"], "indicator": ["key_tasks"], "value": [value], "_row": [2]})
    errors, warnings = check_plausible({"indicators": frame}, lambda sheet: "x.xlsx", scheme)
    far = value < lo - factor * span or value > hi + factor * span
    assert (len(errors), len(warnings)) == ((1, 0) if far else (0, 1) if not lo <= value <= hi else (0, 0))
    if warnings:  # the points it is scored at, by the scoring rules (docs/reference/scoring.md)'s formula
        share = min(max((value - lo) / span, 0.0), 1.0)
        points = 100 * (share if direction == "higher" else 1 - share)
        assert warnings[0].rule.endswith(f"({points:g} points)")
