"""Tests of :mod:`assess.intake._sample`: every the input contract (docs/reference/input.md) rule is re-checked here with plain pandas."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from assess.intake._sample import make_sample
from assess.intake._spec import ID_PATTERN, SHEETS

YEAR = 2025
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def default() -> dict[str, pd.DataFrame]:
    return make_sample()


@pytest.fixture(scope="module", params=["default", "seed7", "groups200", "small", "year2024"])
def any_sample(request: pytest.FixtureRequest) -> tuple[dict[str, pd.DataFrame], int]:
    kwargs = {
        "default": {},
        "seed7": {"seed": 7},
        "groups200": {"groups": 200, "seed": 3},
        "small": {"groups": 3, "projects": 1, "enterprises": 5, "seed": 11},
        "year2024": {"year": 2024, "seed": 2},  # a leap year
    }[request.param]
    return make_sample(**kwargs), kwargs.get("year", YEAR)


def _in_year(dates: pd.Series, year: int) -> bool:
    present = dates.dropna()
    return bool(((present >= pd.Timestamp(year, 1, 1)) & (present <= pd.Timestamp(year, 12, 31))).all())


# --- shape and types -------------------------------------------------------------------


def test_sheets_and_columns_follow_spec(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    assert list(sheets) == list(SHEETS)
    for name, frame in sheets.items():
        assert list(frame.columns) == [c.name for c in SHEETS[name].columns], name
        assert frame.index.equals(pd.RangeIndex(len(frame))), name


def test_dtypes_follow_column_kinds(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    for name, frame in sheets.items():
        for column in SHEETS[name].columns:
            values = frame[column.name]
            if column.kind == "date":
                assert pd.api.types.is_datetime64_dtype(values), (name, column.name)
                assert values.dt.tz is None
                assert (values.dropna() == values.dropna().dt.normalize()).all(), "dates carry no time"
            elif column.kind == "number":
                assert values.dtype == np.float64, (name, column.name)
            else:
                assert pd.api.types.is_string_dtype(values), (name, column.name)
                assert values.dropna().map(type).eq(str).all(), (name, column.name)


def test_required_columns_are_filled(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    for name, frame in sheets.items():
        for column in SHEETS[name].required_columns:
            assert frame[column].notna().all(), (name, column)


# --- determinism ----------------------------------------------------------------------


def test_same_seed_gives_equal_frames() -> None:
    first, second = make_sample(seed=5), make_sample(seed=5)
    for name in SHEETS:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_different_seeds_differ() -> None:
    first, second = make_sample(seed=1), make_sample(seed=2)
    assert not first["problems"].equals(second["problems"])
    assert not first["recipients"].equals(second["recipients"])
    assert not first["ratings"].equals(second["ratings"])


# --- volumes of the default sample ---------------------------------------------------


def test_default_volumes(default: dict[str, pd.DataFrame]) -> None:
    groups, recipients, problems = default["groups"], default["recipients"], default["problems"]
    assert len(groups) == 38
    assert groups["group_id"].tolist() == [f"G{i:02d}" for i in range(1, 39)]
    assert recipients["kind"].value_counts().to_dict() == {"enterprise": 160, "project": 30}
    assert set(recipients.loc[recipients["kind"] == "project", "recipient_id"]) == {f"P{i:03d}" for i in range(1, 31)}
    assert 200 <= len(problems) <= 240
    assert 115 <= (problems["status"] == "resolved").sum() <= 145
    assert (default["adjustments"]["kind"] == "veto").sum() == 1


@pytest.mark.parametrize("seed", range(8))
def test_problem_volumes_hold_for_other_seeds(seed: int) -> None:
    problems = make_sample(seed=seed)["problems"]
    assert 200 <= len(problems) <= 240
    assert 115 <= (problems["status"] == "resolved").sum() <= 145


def test_every_group_has_two_recipients_problems_and_ratings(
    any_sample: tuple[dict[str, pd.DataFrame], int],
) -> None:
    sheets, _ = any_sample
    group_ids = set(sheets["groups"]["group_id"])
    assert (sheets["recipients"]["group_id"].value_counts().reindex(list(group_ids)).fillna(0) >= 2).all()
    assert set(sheets["ratings"]["group_id"]) == group_ids
    assert set(sheets["problems"]["group_id"]) == group_ids


def test_ledger_has_late_and_missing_months(default: dict[str, pd.DataFrame]) -> None:
    ledger = default["ledger"]
    late = ledger["submitted_on"] > ledger["due_date"]
    on_time = ledger["submitted_on"] <= ledger["due_date"]
    assert on_time.mean() > 0.6, "most ledgers are on time"
    assert late.sum() > 0
    assert ledger["submitted_on"].isna().sum() > 0, "some rows are never submitted"
    assert len(ledger) < 38 * 12, "some months have no row at all"


def test_problems_have_late_resolutions_and_deadline_windows(default: dict[str, pd.DataFrame]) -> None:
    problems = default["problems"]
    days = (problems["deadline"] - problems["raised_on"]).dt.days
    assert days.between(15, 90).all()
    resolved = problems[problems["status"] == "resolved"]
    assert (resolved["resolved_on"] > resolved["deadline"]).sum() > 0
    assert (resolved["resolved_on"] <= resolved["deadline"]).sum() > 0


def test_milestones_mix_on_time_late_and_open(default: dict[str, pd.DataFrame]) -> None:
    milestones = default["milestones"]
    done = milestones["completed_on"].notna()
    on_time = milestones["completed_on"] <= milestones["planned_date"]
    assert on_time.sum() > 0
    assert (done & ~on_time).sum() > 0, "some are late"
    assert (~done).sum() > 0, "some are not completed"
    assert (milestones["investment_planned"] == 0).sum() > 0
    partial = milestones["investment_completed"] < milestones["investment_planned"]
    assert partial.sum() > 0


def test_adjustments(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    adj = sheets["adjustments"]
    assert (adj["kind"] == "veto").sum() == 1
    assert adj.loc[adj["kind"] == "veto", "points"].isna().all()
    bonus = adj.loc[adj["kind"] == "bonus", "points"]
    deduction = adj.loc[adj["kind"] == "deduction", "points"]
    assert len(bonus) >= 1 and len(deduction) >= 1
    assert bonus.between(1, 3).all()
    assert deduction.between(1, 5).all()


def test_ratings_skew_high_and_one_group_is_clearly_weaker(default: dict[str, pd.DataFrame]) -> None:
    ratings = default["ratings"]
    assert ratings["score"].mean() > 3.5
    by_group = ratings.groupby("group_id")["score"].mean()
    assert by_group.min() < ratings["score"].mean() - 0.7
    assert set(ratings["item"]) == {"服务态度", "办事效率", "问题解决"}
    per_response = ratings.groupby(["quarter", "recipient_id"]).size()
    assert (per_response == 3).all()
    assert len(per_response) < 4 * 190, "some recipient-quarters do not respond"


def test_group_quality_spreads_on_time_rates(default: dict[str, pd.DataFrame]) -> None:
    ledger = default["ledger"]
    on_time = (ledger["submitted_on"] <= ledger["due_date"]).groupby(ledger["group_id"]).sum() / 12
    assert on_time.max() - on_time.min() >= 0.3


# --- the input contract (docs/reference/input.md) rules, checked independently ------------------------------------------


def test_ids_match_pattern(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    for name, frame in sheets.items():
        for column in SHEETS[name].columns:
            if column.kind == "id":
                assert frame[column.name].dropna().str.fullmatch(ID_PATTERN).all(), (name, column.name)


def test_keys_are_unique(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    assert sheets["groups"]["group_id"].is_unique
    assert sheets["recipients"]["recipient_id"].is_unique
    assert not sheets["ledger"].duplicated(["group_id", "month"]).any()
    assert sheets["problems"]["problem_id"].is_unique


def test_references_exist_and_recipients_belong_to_their_group(
    any_sample: tuple[dict[str, pd.DataFrame], int],
) -> None:
    sheets, _ = any_sample
    group_ids = set(sheets["groups"]["group_id"])
    owner = sheets["recipients"].set_index("recipient_id")["group_id"]
    assert sheets["recipients"]["group_id"].isin(group_ids).all()
    for name in ("ledger", "visits", "problems", "milestones", "ratings", "adjustments"):
        assert sheets[name]["group_id"].isin(group_ids).all(), name
    for name in ("visits", "problems", "milestones", "ratings"):
        frame = sheets[name].dropna(subset=["recipient_id"])
        assert frame["recipient_id"].isin(owner.index).all(), name
        assert (frame["recipient_id"].map(owner) == frame["group_id"]).all(), name


def test_milestones_for_projects_and_one_enterprise_of_project_less_groups(
    any_sample: tuple[dict[str, pd.DataFrame], int],
) -> None:
    sheets, _ = any_sample
    recipients = sheets["recipients"]
    kind = recipients.set_index("recipient_id")["kind"]
    ms = sheets["milestones"]
    with_project = set(recipients.loc[recipients["kind"] == "project", "group_id"])
    enterprise_ms = ms[ms["recipient_id"].map(kind) == "enterprise"]
    assert not set(enterprise_ms["group_id"]) & with_project
    assert (enterprise_ms.groupby("group_id")["recipient_id"].nunique() == 1).all()
    assert set(ms["group_id"]) == set(sheets["groups"]["group_id"])  # every group has milestones


def test_enums_are_valid(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, year = any_sample
    for name, frame in sheets.items():
        for column in SHEETS[name].columns:
            if column.kind == "enum":
                assert frame[column.name].dropna().isin(list(column.values)).all(), (name, column.name)
    assert sheets["ledger"]["month"].str.fullmatch(rf"{year}-(0[1-9]|1[0-2])").all()
    assert sheets["ratings"]["quarter"].str.fullmatch(rf"{year}-Q[1-4]").all()


def test_problem_status_rules(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, year = any_sample
    problems = sheets["problems"]
    resolved = problems["status"] == "resolved"
    assert (resolved == problems["resolved_on"].notna()).all()
    done = problems[resolved]
    assert (done["resolved_on"] >= done["raised_on"]).all()
    assert (done["resolved_on"] <= pd.Timestamp(year, 12, 31)).all()
    assert (problems["deadline"] >= problems["raised_on"]).all()


def test_dates_inside_the_year(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, year = any_sample
    checks = {
        "ledger": ["due_date", "submitted_on"],
        "visits": ["date"],
        "problems": ["raised_on", "resolved_on"],
        "milestones": ["planned_date", "completed_on"],
        "adjustments": ["date"],
    }
    for name, columns in checks.items():
        for column in columns:
            assert _in_year(sheets[name][column], year), (name, column)


def test_ledger_rules(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    ledger = sheets["ledger"]
    assert (ledger["due_date"].dt.day == 25).all()
    assert (ledger["due_date"].dt.strftime("%Y-%m") == ledger["month"]).all()
    completeness = ledger["completeness"].dropna()
    assert completeness.between(0.5, 1.0).all()
    assert (ledger["completeness"].isna() == ledger["submitted_on"].isna()).all()


def test_visits_fall_in_every_quarter_and_cover_most_pairs(default: dict[str, pd.DataFrame]) -> None:
    visits, recipients = default["visits"], default["recipients"]
    pairs = visits.assign(quarter=visits["date"].dt.quarter).drop_duplicates(["recipient_id", "quarter"])
    assert set(pairs["quarter"]) == {1, 2, 3, 4}
    assert len(pairs) / (4 * len(recipients)) > 0.7


def test_amounts_and_scores(any_sample: tuple[dict[str, pd.DataFrame], int]) -> None:
    sheets, _ = any_sample
    milestones = sheets["milestones"]
    for column in ("investment_planned", "investment_completed"):
        assert (milestones[column].dropna() >= 0).all(), column
    scores = sheets["ratings"]["score"]
    assert scores.between(1, 5).all()
    assert (scores == scores.round()).all()
    assert (sheets["adjustments"]["points"].dropna() >= 0).all()


# --- Chinese text -----------------------------------------------------------------------


def test_chinese_text_present(default: dict[str, pd.DataFrame]) -> None:
    text_columns = {
        "groups": ["name", "leader", "department_head", "staff", "unit"],
        "recipients": ["name"],
        "visits": ["kind"],
        "problems": ["category", "responsible_unit", "responsible_person"],
        "milestones": ["milestone"],
        "ratings": ["item"],
        "adjustments": ["reason"],
    }
    for name, columns in text_columns.items():
        for column in columns:
            assert default[name][column].dropna().str.contains(CJK).all(), (name, column)
    assert default["groups"]["name"].str.fullmatch(r"第[一二三四五六七八九十]+工作组|\w+服务组").all()
    assert default["recipients"]["name"].str.contains("有限|公司").sum() == 160
    comments = default["ratings"]["comment"]
    assert 0 < comments.notna().sum() < len(comments)
    assert comments.dropna().str.contains(CJK).all()
    assert default["visits"]["note"].dropna().str.contains(CJK).all()
    assert set(default["visits"]["kind"]) == {"实地走访", "电话回访", "座谈会"}


# --- scaling ------------------------------------------------------------------------------


def test_groups_scale_recipients_and_volumes() -> None:
    sheets = make_sample(groups=200, seed=4)
    assert len(sheets["groups"]) == 200
    assert sheets["groups"]["group_id"].iloc[[0, -1]].tolist() == ["G001", "G200"]
    kinds = sheets["recipients"]["kind"].value_counts()
    assert kinds["project"] == round(30 * 200 / 38)
    assert kinds["enterprise"] == round(160 * 200 / 38)
    assert 1050 <= len(sheets["problems"]) <= 1270  # ≈ 220 per 190 recipients
    assert (sheets["adjustments"]["kind"] == "veto").sum() == 1
    assert sheets["ledger"]["group_id"].nunique() == 200


def test_explicit_recipient_counts_are_kept() -> None:
    sheets = make_sample(groups=200, projects=30, enterprises=500, seed=1)
    assert sheets["recipients"]["kind"].value_counts().to_dict() == {"enterprise": 500, "project": 30}
    assert sheets["recipients"]["group_id"].value_counts().min() >= 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"groups": 0}, "at least 1"),
        ({"groups": 10, "projects": 5, "enterprises": 10}, "at least 2 recipients"),
        ({"projects": -1}, "must be ≥ 0"),
    ],
)
def test_invalid_arguments_raise(kwargs: dict[str, int], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make_sample(**kwargs)
