"""Pre-flight warnings (assess.scoring._preflight): what a valid workbook will do to the assessment."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import assess
from assess.cli import main
from assess.intake._sample import make_sample
from assess.intake._validate import Dataset
from assess.reporting._workbook import write_tables
from assess.scoring._preflight import infer_year, preflight

YEAR = 2025


def _load(frames: dict[str, pd.DataFrame], path: Path) -> Dataset:
    return assess.load(write_tables(path, frames))


@pytest.fixture(scope="module")
def frames(sample_frames) -> dict[str, pd.DataFrame]:
    return sample_frames(year=YEAR, groups=38, seed=0)


def _kinds(warnings) -> list[str]:
    assert all(w.severity == "warning" and w.rule and w.rule_zh and w.fix and w.fix_zh for w in warnings)
    return [w.rule for w in warnings]


def test_sample_year_warns_only_about_few_raters(frames, tmp_path) -> None:
    ds = _load(frames, tmp_path / "s.xlsx")
    warnings = preflight(ds, year=YEAR)
    _kinds(warnings)
    # independently: recipients with a rating in the year, per group, against rating_min_raters = 3
    r = frames["ratings"]
    raters = r[r["quarter"].str.startswith(f"{YEAR}-")].groupby("group_id")["recipient_id"].nunique()
    raters = raters.reindex(frames["groups"]["group_id"], fill_value=0)
    few = sorted(raters[raters < 3].index)
    assert few and sorted(w.group_id for w in warnings) == few
    for w in warnings:
        assert w.sheet == "ratings" and w.value == raters[w.group_id]
        assert w.rule_zh.startswith(
            f"{w.group_id} 仅有 {raters[w.group_id]} 个服务对象参与评价，少于考核方案要求的 3 个"
        )


def test_ungraded_group_named_with_its_cause_and_coverage(frames, tmp_path) -> None:
    f = dict(frames)
    f["milestones"] = f["milestones"][f["milestones"]["group_id"] != "G12"]
    warnings = [
        w for w in preflight(_load(f, tmp_path / "s.xlsx"), year=YEAR) if "graded" in w.rule and w.group_id == "G12"
    ]
    assert len(warnings) == 1
    w = warnings[0]
    # effectiveness keeps problem_resolution and problem_on_time: (0.3 + 0.3) / 1.0 of its weight
    assert w.rule_zh == "G12 无项目节点，工作成效覆盖率 0.60 < 0.65，将不评定等次"
    assert (
        w.rule
        == "G12 will not be graded: no project milestones planned in 2025, so Work effectiveness has coverage 0.60 < 0.65 (min_coverage)"
    )
    assert w.sheet == "milestones" and w.row is None


def test_quota_that_rounds_to_zero(tmp_path) -> None:
    ds = _load(make_sample(year=YEAR, groups=3, seed=2), tmp_path / "s.xlsx")
    result = assess.score(ds, YEAR)
    graded = int(result.scores["grade"].notna().sum())
    assert graded == 3  # 3 × 0.2 = 0.6, floored to 0
    quota = [w for w in preflight(ds, year=YEAR) if "place" in w.rule]
    assert [w.rule for w in quota] == [
        "3 graded group(s) × 20 % → 0 Excellent place(s) (quota_rounding: floor): no group can be graded Excellent"
    ]
    assert quota[0].rule_zh == "参评工作组 3 个 × 20 % → 优秀名额 0 个（向下取整）：没有工作组能评为优秀"
    assert "excellent" not in set(result.scores["grade"])


def test_months_and_quarters_without_any_data(frames, tmp_path) -> None:
    f = dict(frames)
    f["ratings"] = f["ratings"][f["ratings"]["quarter"] != f"{YEAR}-Q3"]
    f["ledger"] = f["ledger"][f["ledger"]["month"] != f"{YEAR}-03"]
    f["visits"] = f["visits"][f["visits"]["date"].dt.month != 11]
    ds = _load(f, tmp_path / "s.xlsx")
    found = {(w.sheet, w.value): w for w in preflight(ds, year=YEAR) if w.row is None and w.column}
    assert set(found) == {("ratings", "2025-Q3"), ("ledger", "2025-03"), ("visits", "2025-11")}
    assert found[("ratings", "2025-Q3")].rule_zh.startswith("2025年第三季度没有任何服务对象评价")
    assert found[("ledger", "2025-03")].rule_zh.startswith("2025年三月没有任何月度台账")
    assert found[("visits", "2025-11")].rule_zh.startswith("2025年十一月没有任何走访记录")
    # an assessment date in June: the later quarters and months have not begun, so nothing is missing there
    early = {(w.sheet, w.value) for w in preflight(ds, year=YEAR, as_of="2025-06-30") if w.row is None and w.column}
    assert early == {("ledger", "2025-03")}


def test_validate_infers_the_year_and_prints_warnings(tmp_path, capsys) -> None:
    frames = make_sample(year=2024, groups=5, seed=4)
    data = write_tables(tmp_path / "s.xlsx", frames)
    ds = assess.load(data)
    assert infer_year(ds) == 2024
    expected = preflight(ds, year=2024)
    assert main(["validate", str(data), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.count("提醒：") == len(expected)
    for w in expected:
        assert w.rule_zh in out
    assert main(["validate", str(data), "--year", "2025"]) == 0  # no data in 2025 at all: warned, not failed
    assert "warning: no monthly ledger row at all for 2025-01" in capsys.readouterr().out
