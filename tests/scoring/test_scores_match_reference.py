"""The package's scoring checked against an independent reference (``tests/reference.py``).

(a) the synthetic sample year, scored by both, at the year end and at 30 September;
(b) a small hand-built workbook in which every edge case of the scoring rules (docs/reference/scoring.md) occurs once, with
    values worked out by hand in the comments;
(c) property tests on random datasets: row order does not matter, the package agrees with the
    reference, and doing better (an on-time ledger, a problem resolved in time) never lowers
    the final score.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assess
from assess.intake._sample import make_sample
from assess.intake._spec import SHEETS
from assess.intake._validate import Dataset
from hypothesis_profiles import examples
from reference import GroupScore, reference_score

YEAR = 2025
TOL = 1e-6
WEIGHTED = [
    "ledger_on_time",
    "ledger_completeness",
    "visit_coverage",
    "problem_resolution",
    "problem_on_time",
    "milestone_on_time",
    "investment_completion",
    "rating_score",
    "rating_response",
]
COMPONENTS = ["daily_work", "effectiveness", "service_rating"]


# ---- helpers -----------------------------------------------------------------------------------


def _na(v) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def _grade(v) -> str | None:
    return None if _na(v) else str(v)


def _flags(v) -> set[str]:
    return set() if _na(v) else {f for f in str(v).split(";") if f}


def _close(a, b, tol: float = TOL) -> bool:
    if _na(a) or _na(b):
        return _na(a) and _na(b)
    return abs(float(a) - float(b)) <= tol


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per frame, written with pandas (the ``_row`` column dropped)."""
    with pd.ExcelWriter(path) as writer:
        for name, frame in frames.items():
            frame.drop(columns="_row", errors="ignore").to_excel(writer, sheet_name=name, index=False)
    return path


def table(sheet: str, rows: list[dict]) -> pd.DataFrame:
    """A typed table like the loader's: dates datetime64[ns], numbers float64, the rest object."""
    data = {}
    for col in SHEETS[sheet].columns:
        values = [r.get(col.name) for r in rows]
        if col.kind == "date":
            data[col.name] = pd.Series(
                [pd.NaT if v is None else pd.Timestamp(v) for v in values], dtype="datetime64[ns]"
            )
        elif col.kind == "number":
            data[col.name] = pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
        else:
            data[col.name] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(data, columns=[c.name for c in SHEETS[sheet].columns])
    frame["_row"] = np.arange(2, len(rows) + 2, dtype="int64")
    return frame


def dataset(rows: dict[str, list[dict]]) -> Dataset:
    return Dataset(tables={sheet: table(sheet, rows.get(sheet, [])) for sheet in SHEETS})


def mismatches(result: assess.Result, ref: dict[str, GroupScore], tol: float = TOL) -> list[str]:
    """Every difference between the package's result and the reference, as readable lines."""
    out = []
    scores = result.scores
    if sorted(scores["group_id"]) != sorted(ref):
        return [f"groups differ: {sorted(scores['group_id'])} vs {sorted(ref)}"]
    for row in scores.to_dict("records"):
        g = row["group_id"]
        s = ref[g]
        for c in COMPONENTS:
            if not _close(row[c], s.components[c], tol):
                out.append(f"{g} {c}: package {row[c]!r}, reference {s.components[c]!r}")
        for col, value in (
            ("base_score", s.base),
            ("bonus", s.bonus),
            ("deduction", s.deduction),
            ("final_score", s.final),
        ):
            if not _close(row[col], value, tol):
                out.append(f"{g} {col}: package {row[col]!r}, reference {value!r}")
        if _grade(row["grade"]) != s.grade:
            out.append(f"{g} grade: package {_grade(row['grade'])!r}, reference {s.grade!r}")
        if (None if pd.isna(row["rank"]) else int(row["rank"])) != s.rank:
            out.append(f"{g} rank: package {row['rank']!r}, reference {s.rank!r}")
        if _flags(row["flags"]) != s.flags:
            out.append(f"{g} flags: package {_flags(row['flags'])}, reference {s.flags}")
    long = result.indicators
    for g, s in ref.items():
        for name in WEIGHTED:
            hit = long[(long["group_id"] == g) & (long["indicator"] == name)]
            raw = hit["raw"].iloc[0] if len(hit) else None
            norm = hit["normalized"].iloc[0] if len(hit) else None
            if not _close(raw, s.raw[name], tol):
                out.append(f"{g} {name} raw: package {raw!r}, reference {s.raw[name]!r}")
            if not _close(norm, s.normalized[name], tol):
                out.append(f"{g} {name} normalized: package {norm!r}, reference {s.normalized[name]!r}")
    if result.raw is not None:  # the unweighted built-ins too
        for row in result.raw.to_dict("records"):
            s = ref[row["group_id"]]
            for name in ("visits_per_recipient", "problem_overdue_open"):
                if name in row and not _close(row[name], s.raw[name], tol):
                    out.append(f"{row['group_id']} {name} raw: package {row[name]!r}, reference {s.raw[name]!r}")
    return out


def assert_agree(
    ds: Dataset, year: int = YEAR, as_of: str | None = None
) -> tuple[assess.Result, dict[str, GroupScore]]:
    result = assess.score(ds, year=year, as_of=as_of)
    ref = reference_score(ds.tables, year, as_of)
    diff = mismatches(result, ref)
    assert not diff, "package and reference disagree:\n" + "\n".join(diff[:40])
    return result, ref


# ---- (a) the sample year ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_dataset(sample_year: Dataset) -> Dataset:
    return sample_year


@pytest.mark.parametrize("as_of", [None, "2025-09-30"])
def test_sample_matches_reference(sample_dataset: Dataset, as_of: str | None) -> None:
    result, ref = assert_agree(sample_dataset, as_of=as_of)
    assert len(result.scores) == len(sample_dataset.tables["groups"]) == len(ref)
    # the sample always holds one veto (see make_sample); other paths are in the edge workbook
    assert any("veto" in s.flags for s in ref.values())


def test_sample_from_csv_folder_matches_reference(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, frame in make_sample(year=YEAR, groups=12, seed=3).items():
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        out.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    assert_agree(assess.load(folder))


# ---- (b) the hand-built edge-case workbook ------------------------------------------------------

D = dt.date


def _perfect(g: str) -> dict[str, list[dict]]:
    """A flawless year: on-time ledgers, every recipient visited and rated 5 each quarter."""
    r1, r2 = f"{g}-R1", f"{g}-R2"
    return {
        "groups": [{"group_id": g, "name": f"组 {g}", "leader": "王伟"}],
        "recipients": [
            {"recipient_id": r1, "name": f"{g} 项目", "kind": "project", "group_id": g},
            {"recipient_id": r2, "name": f"{g} 企业", "kind": "enterprise", "group_id": g},
        ],
        "ledger": [
            {
                "group_id": g,
                "month": f"2025-{m:02d}",
                "due_date": D(2025, m, 25),
                "submitted_on": D(2025, m, 20),
                "completeness": 1.0,
            }
            for m in range(1, 13)
        ],
        "visits": [
            {"group_id": g, "recipient_id": r, "date": D(2025, 3 * q - 1, 15), "kind": "实地走访"}
            for r in (r1, r2)
            for q in range(1, 5)
        ],
        "problems": [
            {
                "problem_id": f"{g}-P1",
                "group_id": g,
                "recipient_id": r1,
                "raised_on": D(2025, 3, 1),
                "deadline": D(2025, 4, 1),
                "status": "resolved",
                "resolved_on": D(2025, 3, 20),
                "priority": "common",
            }
        ],
        "milestones": [
            {
                "recipient_id": r1,
                "group_id": g,
                "milestone": "主体工程",
                "planned_date": D(2025, 6, 30),
                "completed_on": D(2025, 6, 15),
                "investment_planned": 100.0,
                "investment_completed": 100.0,
            }
        ],
        "ratings": [
            {"quarter": f"2025-Q{q}", "recipient_id": r, "group_id": g, "item": item, "score": 5.0}
            for r in (r1, r2)
            for q in range(1, 5)
            for item in ("服务态度", "办事效率")
        ],
        "adjustments": [],
    }


def edge_rows() -> dict[str, list[dict]]:
    groups: dict[str, dict[str, list[dict]]] = {f"G{i:02d}": _perfect(f"G{i:02d}") for i in range(1, 13)}

    # G02 and G03: identical data, one late ledger (July) -> identical scores just below G01.
    for g in ("G02", "G03"):
        for row in groups[g]["ledger"]:
            if row["month"] == "2025-07":
                row["submitted_on"] = D(2025, 7, 28)

    # G04: ledger edge cases. March has no row; May has a blank submitted_on (and completeness);
    # February's completeness is blank; April's is 0.5; a 2024-12 and a 2026-01 row do not count.
    led = [r for r in groups["G04"]["ledger"] if r["month"] != "2025-03"]
    for row in led:
        if row["month"] == "2025-05":
            row["submitted_on"], row["completeness"] = None, None
        if row["month"] == "2025-02":
            row["completeness"] = None
        if row["month"] == "2025-04":
            row["completeness"] = 0.5
    led.append(
        {
            "group_id": "G04",
            "month": "2024-12",
            "due_date": D(2024, 12, 25),
            "submitted_on": D(2024, 12, 20),
            "completeness": 0.0,
        }
    )
    led.append(
        {
            "group_id": "G04",
            "month": "2026-01",
            "due_date": D(2026, 1, 25),
            "submitted_on": D(2026, 1, 20),
            "completeness": 0.0,
        }
    )
    groups["G04"]["ledger"] = led

    # G05: visits. R1 every quarter (twice in Q1); R2 only in Q1 and Q2 of 2025, plus visits in
    # 2024-Q3 and 2026-Q4 that must not fill R2's Q3/Q4 slots.
    r1, r2 = "G05-R1", "G05-R2"
    groups["G05"]["visits"] = (
        [{"group_id": "G05", "recipient_id": r1, "date": D(2025, 3 * q - 1, 15)} for q in range(1, 5)]
        + [{"group_id": "G05", "recipient_id": r1, "date": D(2025, 1, 5)}]
        + [
            {"group_id": "G05", "recipient_id": r2, "date": d}
            for d in (D(2025, 2, 15), D(2025, 5, 15), D(2024, 8, 10), D(2026, 11, 10))
        ]
    )

    # G06: problems.
    def problem(pid, raised, deadline, resolved=None):
        return {
            "problem_id": f"G06-{pid}",
            "group_id": "G06",
            "recipient_id": "G06-R1",
            "raised_on": raised,
            "deadline": deadline,
            "status": "resolved" if resolved else "open",
            "resolved_on": resolved,
        }

    groups["G06"]["problems"] = [
        problem("P1", D(2025, 2, 1), D(2025, 3, 1), D(2025, 2, 20)),  # resolved on time
        problem("P2", D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1)),  # resolved late
        problem("P3", D(2025, 6, 1), D(2025, 7, 1)),  # open, overdue
        problem("P4", D(2025, 11, 20), D(2026, 1, 20)),  # open, due after as_of
        problem("P5", D(2025, 12, 1), D(2026, 1, 15), D(2026, 1, 10)),  # resolved after as_of, due after as_of
        problem("P6", D(2024, 10, 1), D(2024, 12, 1), D(2025, 1, 10)),  # raised the year before
        problem("P7", D(2026, 1, 5), D(2026, 2, 1)),  # raised the year after
    ]

    # G07: milestones, one with zero planned investment, one with blank completed investment.
    def milestone(planned, completed, inv_p, inv_c):
        return {
            "recipient_id": "G07-R1",
            "group_id": "G07",
            "milestone": "节点",
            "planned_date": planned,
            "completed_on": completed,
            "investment_planned": inv_p,
            "investment_completed": inv_c,
        }

    groups["G07"]["milestones"] = [
        milestone(D(2025, 4, 30), D(2025, 4, 20), 100.0, 100.0),  # M1 on time
        milestone(D(2025, 8, 31), D(2025, 9, 15), 200.0, 50.0),  # M2 late
        milestone(D(2025, 10, 31), None, 0.0, 30.0),  # M3 not done; zero planned -> no investment
        milestone(D(2024, 12, 15), D(2024, 12, 10), 500.0, 500.0),  # M4 last year
        milestone(D(2026, 3, 1), None, 1000.0, 0.0),  # M5 next year
        milestone(D(2025, 12, 20), D(2025, 12, 20), 100.0, None),  # M6 on the day; blank completed = 0
    ]

    # G08: no ratings at all.
    groups["G08"]["ratings"] = []

    # G09: flawless, but vetoed.
    groups["G09"]["adjustments"] = [
        {"group_id": "G09", "date": D(2025, 5, 1), "kind": "veto", "reason": "违反廉洁纪律"}
    ]

    # G10: half the ledgers late (Jul-Dec), visits only in Q1/Q2; bonuses above the cap, plus
    # adjustments outside the year (a bonus and a veto in 2024, a bonus in 2026).
    for row in groups["G10"]["ledger"]:
        if row["month"] >= "2025-07":
            row["submitted_on"] = D(int(row["month"][:4]), int(row["month"][5:]), 28)
    groups["G10"]["visits"] = [v for v in groups["G10"]["visits"] if v["date"].month <= 6]

    def adj(g, date, kind, points):
        return {"group_id": g, "date": date, "kind": kind, "points": points, "reason": "事由"}

    groups["G10"]["adjustments"] = [
        adj("G10", D(2025, 3, 1), "bonus", 3),
        adj("G10", D(2025, 6, 1), "bonus", 4),
        adj("G10", D(2024, 12, 31), "bonus", 2),
        adj("G10", D(2024, 6, 1), "veto", None),
        adj("G10", D(2026, 1, 1), "bonus", 1),
    ]

    # G11: flawless, deductions above the cap (and one in 2026 that does not count).
    groups["G11"]["adjustments"] = [
        adj("G11", D(2025, 4, 1), "deduction", 15),
        adj("G11", D(2025, 9, 1), "deduction", 10),
        adj("G11", D(2026, 2, 1), "deduction", 30),
    ]

    # G12: ratings. R1's 2025-Q1 items are 5 and 3 (one response of (100 + 50) / 2 = 75);
    # R2 gives no rating in Q4; ratings of 2024-Q4 and 2026-Q1 (score 1) do not count.
    rat = [r for r in groups["G12"]["ratings"] if not (r["recipient_id"] == "G12-R2" and r["quarter"] == "2025-Q4")]
    for r in rat:
        if r["recipient_id"] == "G12-R1" and r["quarter"] == "2025-Q1" and r["item"] == "办事效率":
            r["score"] = 3.0
    rat.append({"quarter": "2024-Q4", "recipient_id": "G12-R1", "group_id": "G12", "item": "服务态度", "score": 1.0})
    rat.append({"quarter": "2026-Q1", "recipient_id": "G12-R2", "group_id": "G12", "item": "服务态度", "score": 1.0})
    groups["G12"]["ratings"] = rat

    merged: dict[str, list[dict]] = {sheet: [] for sheet in SHEETS}
    for parts in groups.values():
        for sheet, rows in parts.items():
            merged[sheet].extend(rows)
    return merged


@pytest.fixture(scope="module")
def edge_dataset(tmp_path_factory) -> Dataset:
    ds = dataset(edge_rows())
    path = write_workbook(ds.tables, tmp_path_factory.mktemp("edge") / "edge.xlsx")
    return assess.load(path)


def test_edge_workbook_loads_like_the_typed_tables(edge_dataset: Dataset) -> None:
    direct = dataset(edge_rows())
    for sheet in SHEETS:
        assert len(edge_dataset.tables[sheet]) == len(direct.tables[sheet]), sheet


@pytest.mark.parametrize("as_of", [None, "2025-09-30", "2025-06-30"])
def test_edge_workbook_matches_reference(edge_dataset: Dataset, as_of: str | None) -> None:
    assert_agree(edge_dataset, as_of=as_of)


def test_edge_workbook_hand_worked_values(edge_dataset: Dataset) -> None:
    result = assess.score(edge_dataset, year=YEAR)
    scores = result.scores.set_index("group_id")
    raw = result.indicators.set_index(["group_id", "indicator"])["raw"]

    # Ratings. 11 groups are rated (all but G08). Ten of them give 8 responses of 100; G12 gives
    # 7 responses, one of them 75. Grand mean m = (86·100 + 75) / 87 = 8675 / 87.
    m = 8675 / 87
    perfect_rating = (8 * 100 + 5 * m) / 13  # n = 8, mean 100
    assert raw["G01", "rating_score"] == pytest.approx(perfect_rating, abs=TOL)
    assert raw["G12", "rating_score"] == pytest.approx((7 * (675 / 7) + 5 * m) / 12, abs=TOL)
    assert raw["G12", "rating_response"] == pytest.approx(7 / 8, abs=TOL)
    service = 0.8 * perfect_rating + 0.2 * 100  # ≈ 99.9116
    g01_base = 0.3 * 100 + 0.4 * 100 + 0.3 * service
    assert scores.loc["G01", "base_score"] == pytest.approx(g01_base, abs=TOL)
    assert scores.loc["G01", "grade"] == "excellent"

    # G04 ledger: March missing, May never submitted -> 10/12 on time; completeness over the 10
    # submitted rows with a value: (8 · 1.0 + 0.5) / 9; the 2024-12 and 2026-01 rows are ignored.
    assert raw["G04", "ledger_on_time"] == pytest.approx(10 / 12, abs=TOL)
    assert raw["G04", "ledger_completeness"] == pytest.approx(8.5 / 9, abs=TOL)
    assert scores.loc["G04", "daily_work"] == pytest.approx(0.4 * 1000 / 12 + 0.2 * 850 / 9 + 0.4 * 100, abs=TOL)

    # G05 visits: R1 in Q1-Q4, R2 in Q1-Q2 of 2025 -> 6 of 8 (recipient, quarter) pairs.
    assert raw["G05", "visit_coverage"] == pytest.approx(6 / 8, abs=TOL)

    # G06 problems raised in 2025: P1-P5; resolved by 31 Dec: P1, P2 -> 2/5.
    # Due by 31 Dec: P1, P2, P3; resolved by the deadline: P1 -> 1/3.
    assert raw["G06", "problem_resolution"] == pytest.approx(2 / 5, abs=TOL)
    assert raw["G06", "problem_on_time"] == pytest.approx(1 / 3, abs=TOL)
    assert scores.loc["G06", "effectiveness"] == pytest.approx(
        0.3 * 40 + 0.3 * 100 / 3 + 0.2 * 100 + 0.2 * 100, abs=TOL
    )
    # Overdue and still open at 31 Dec, any year: only P3 (P6 was resolved 2025-01-10; P4/P5 are due in 2026).
    if result.raw is not None:
        assert result.raw.set_index("group_id").loc["G06", "problem_overdue_open"] == pytest.approx(1.0)

    # G07 milestones planned in 2025: M1, M2, M3, M6; on time M1 and M6 -> 2/4.
    # Investment over M1, M2, M6 (M3 planned 0): (100 + 50 + 0) / (100 + 200 + 100) = 0.375.
    assert raw["G07", "milestone_on_time"] == pytest.approx(0.5, abs=TOL)
    assert raw["G07", "investment_completion"] == pytest.approx(0.375, abs=TOL)

    # G08: no ratings -> rating_score missing -> service_rating missing (0.2 < 0.65) ->
    # insufficient_data, no grade; base from the other two: (0.3·100 + 0.4·100) / 0.7 = 100.
    assert pd.isna(raw["G08", "rating_score"])
    assert raw["G08", "rating_response"] == pytest.approx(0.0, abs=TOL)
    assert pd.isna(scores.loc["G08", "service_rating"])
    assert "insufficient_data" in _flags(scores.loc["G08", "flags"])
    assert _grade(scores.loc["G08", "grade"]) is None
    assert scores.loc["G08", "final_score"] == pytest.approx(100.0, abs=TOL)
    assert pd.isna(
        scores.loc["G08", "rank"]
    )  # ungraded: no rank (the scoring rules (docs/reference/scoring.md), revised)

    # G09: the same data as G01 and a veto -> same score, but grade 'fail' and no rank, so it
    # never ranks above a group with a better grade. G08 and G09 unranked: G01 is first.
    assert scores.loc["G09", "final_score"] == pytest.approx(scores.loc["G01", "final_score"], abs=TOL)
    assert scores.loc["G09", "grade"] == "fail"
    assert "veto" in _flags(scores.loc["G09", "flags"])
    assert pd.isna(scores.loc["G09", "rank"])
    assert scores.loc["G01", "rank"] == 1

    # G10: bonuses 3 + 4 = 7 in 2025 -> capped at 5; the 2024/2026 bonuses and the 2024 veto do
    # not count. daily = 0.4·50 + 0.2·100 + 0.4·50 = 60; base = 0.3·60 + 0.4·100 + 0.3·service.
    assert scores.loc["G10", "bonus"] == pytest.approx(5.0)
    assert "veto" not in _flags(scores.loc["G10", "flags"])
    g10_base = 0.3 * 60 + 0.4 * 100 + 0.3 * service
    assert scores.loc["G10", "base_score"] == pytest.approx(g10_base, abs=TOL)
    assert scores.loc["G10", "final_score"] == pytest.approx(g10_base + 5, abs=TOL)

    # G11: deductions 15 + 10 = 25 -> capped at 20 (the 2026 one does not count): ≈ 79.97 -> pass.
    assert scores.loc["G11", "deduction"] == pytest.approx(20.0)
    assert scores.loc["G11", "final_score"] == pytest.approx(g01_base - 20, abs=TOL)
    assert scores.loc["G11", "grade"] == "pass"

    # Quota: 11 graded groups (G08 is not) -> floor(0.2 · 11) = 2 excellent places. At or above 90
    # and not vetoed, best first: G01 ≈ 99.97, then G02 = G03 ≈ 98.97 (tied on every tie-break
    # component too), then G12, G04, G05, G10, G07. The cut falls between G02 and G03, so both
    # are demoted to 'good'; G01 is the only 'excellent'.
    assert scores.loc["G02", "final_score"] == scores.loc["G03", "final_score"]
    assert scores.loc["G02", "grade"] == scores.loc["G03", "grade"] == "good"
    assert "quota_demoted" in _flags(scores.loc["G02", "flags"])
    assert "quota_demoted" in _flags(scores.loc["G03", "flags"])
    assert scores.loc["G02", "rank"] == scores.loc["G03", "rank"] == 2  # only G01 (ranked) above
    assert (scores["grade"] == "excellent").sum() == 1


def test_edge_workbook_hand_worked_values_at_september(edge_dataset: Dataset) -> None:
    result = assess.score(edge_dataset, year=YEAR, as_of="2025-09-30")
    raw = result.indicators.set_index(["group_id", "indicator"])["raw"]
    # G04: Jan, Feb, Apr, Jun, Jul, Aug, Sep on time (Mar missing, May blank) -> 7/12.
    assert raw["G04", "ledger_on_time"] == pytest.approx(7 / 12, abs=TOL)
    # G06: raised by 30 Sep: P1, P2, P3; resolved P1, P2 -> 2/3; due by then: the same three -> 1/3.
    assert raw["G06", "problem_resolution"] == pytest.approx(2 / 3, abs=TOL)
    assert raw["G06", "problem_on_time"] == pytest.approx(1 / 3, abs=TOL)
    # G07: planned by 30 Sep: M1, M2 -> 1/2; investment (100 + 50) / (100 + 200) = 0.5.
    assert raw["G07", "milestone_on_time"] == pytest.approx(0.5, abs=TOL)
    assert raw["G07", "investment_completion"] == pytest.approx(0.5, abs=TOL)
    # G11: the 1 Sep deduction counts, so 25 -> 20 still.
    assert result.scores.set_index("group_id").loc["G11", "deduction"] == pytest.approx(20.0)


# ---- (c) properties on random datasets ----------------------------------------------------------


def _day(rnd: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rnd.randint(0, (end - start).days))


def random_rows(rnd: random.Random) -> tuple[dict[str, list[dict]], str | None]:
    """A small random but valid input, dates spilling into the neighbouring years."""
    rows: dict[str, list[dict]] = {sheet: [] for sheet in SHEETS}
    n_groups = rnd.randint(2, 9)
    lo, hi = D(2024, 10, 1), D(2026, 3, 31)
    for i in range(1, n_groups + 1):
        g = f"G{i}"
        q = rnd.choice([rnd.random(), 0.95, 1.0])
        rows["groups"].append({"group_id": g, "name": f"组{i}"})
        recs = [f"{g}-R{j}" for j in range(1, rnd.randint(1, 3) + 1)]
        for r in recs:
            rows["recipients"].append(
                {"recipient_id": r, "name": r, "kind": rnd.choice(["enterprise", "project"]), "group_id": g}
            )
        for y, m in [(2024, 12)] + [(2025, k) for k in range(1, 13)] + [(2026, 1)]:
            if rnd.random() < 0.1:
                continue  # no row
            due = D(y, m, 25)
            u = rnd.random()
            if u < 0.05 + 0.1 * (1 - q):
                sub = None
            elif u < q:
                sub = due - dt.timedelta(days=rnd.randint(0, 10))
            else:
                sub = due + dt.timedelta(days=rnd.randint(1, 40))
            comp = None if rnd.random() < 0.1 else round(rnd.uniform(0.3, 1.0), 2)
            rows["ledger"].append(
                {"group_id": g, "month": f"{y}-{m:02d}", "due_date": due, "submitted_on": sub, "completeness": comp}
            )
        for r in recs:
            for k in range(4):
                if rnd.random() < 0.3 + 0.7 * q:
                    start = D(2025, 3 * k + 1, 1)
                    rows["visits"].append(
                        {"group_id": g, "recipient_id": r, "date": _day(rnd, start, start + dt.timedelta(days=89))}
                    )
            for _ in range(rnd.randint(0, 2)):
                rows["visits"].append({"group_id": g, "recipient_id": r, "date": _day(rnd, lo, hi)})
        for k in range(rnd.randint(0, 6)):
            raised = _day(rnd, D(2025, 1, 1), D(2025, 10, 31)) if rnd.random() < 0.8 else _day(rnd, lo, D(2026, 1, 31))
            allowed = rnd.randint(0, 90)
            if rnd.random() < q:  # resolved, in time with probability q
                took = rnd.randint(0, allowed) if rnd.random() < q else allowed + rnd.randint(1, 60)
                resolved = raised + dt.timedelta(days=took)
            else:
                resolved = None
            rows["problems"].append(
                {
                    "problem_id": f"{g}-P{k}",
                    "group_id": g,
                    "recipient_id": rnd.choice(recs + [None]),
                    "raised_on": raised,
                    "deadline": raised + dt.timedelta(days=allowed),
                    "status": "resolved" if resolved else "open",
                    "resolved_on": resolved,
                }
            )
        for _ in range(rnd.randint(0, 4)):
            if rnd.random() < 0.8:
                planned = _day(rnd, D(2025, 1, 15), D(2025, 11, 30))
            else:
                planned = _day(rnd, D(2024, 11, 1), D(2026, 2, 28))
            u = rnd.random()
            done = (
                planned - dt.timedelta(days=rnd.randint(0, 20))
                if u < q
                else planned + dt.timedelta(days=rnd.randint(1, 40))
            )
            done = None if rnd.random() < 0.1 else done
            inv_p = rnd.choice([None, 0.0, float(rnd.randint(10, 1000)), float(rnd.randint(10, 1000))])
            inv_c = None if rnd.random() < 0.1 else round((inv_p or 50.0) * rnd.uniform(0.8 * q, 1.2), 1)
            rows["milestones"].append(
                {
                    "recipient_id": rnd.choice(recs),
                    "group_id": g,
                    "milestone": "节点",
                    "planned_date": planned,
                    "completed_on": done,
                    "investment_planned": inv_p,
                    "investment_completed": inv_c,
                }
            )
        if rnd.random() > 0.15:  # else this group has no ratings
            for r in recs:
                for quarter in ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]:
                    if rnd.random() < 0.4 + 0.6 * q:
                        for item in range(rnd.randint(1, 3)):
                            score = min(5.0, max(1.0, round(1 + 4 * q + rnd.gauss(0, 1))))
                            rows["ratings"].append(
                                {
                                    "quarter": quarter,
                                    "recipient_id": r,
                                    "group_id": g,
                                    "item": f"i{item}",
                                    "score": score,
                                }
                            )
        for _ in range(rnd.choice([0, 0, 1, 2, 4])):
            kind = rnd.choices(["bonus", "deduction", "veto"], weights=[0.45, 0.45, 0.1])[0]
            rows["adjustments"].append(
                {
                    "group_id": g,
                    "date": _day(rnd, D(2024, 11, 1), D(2026, 2, 28)),
                    "kind": kind,
                    "points": None if kind == "veto" else float(rnd.randint(0, 12)),
                    "reason": "事由",
                }
            )
    if rnd.random() < 0.5:  # a twin of G1 (same data, new IDs) to provoke ties at the quota cut
        twin = f"G{n_groups + 1}"

        def rename(v):
            return v.replace("G1-", f"{twin}-") if isinstance(v, str) else v

        for sheet in SHEETS:
            for row in list(rows[sheet]):
                if row.get("group_id") == "G1":
                    copy = {k: rename(v) for k, v in row.items()}
                    copy["group_id"] = twin
                    rows[sheet].append(copy)
    as_of = None if rnd.random() < 0.5 else _day(rnd, D(2025, 1, 1), D(2025, 12, 31)).isoformat()
    return rows, as_of


def shuffled(ds: Dataset, rnd: random.Random) -> Dataset:
    tables = {}
    for sheet, frame in ds.tables.items():
        order = list(range(len(frame)))
        rnd.shuffle(order)
        tables[sheet] = frame.iloc[order].reset_index(drop=True)
    return Dataset(tables=tables)


def final_of(ds: Dataset, as_of: str | None, group: str) -> float:
    scores = assess.score(ds, year=YEAR, as_of=as_of).scores
    return float(scores.loc[scores["group_id"] == group, "final_score"].iloc[0])


PROPERTY = settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(rnd=st.randoms(use_true_random=False))
def test_random_data_matches_reference(rnd: random.Random) -> None:
    rows, as_of = random_rows(rnd)
    assert_agree(dataset(rows), as_of=as_of)


@PROPERTY
@given(rnd=st.randoms(use_true_random=False))
def test_row_order_changes_nothing(rnd: random.Random) -> None:
    rows, as_of = random_rows(rnd)
    ds = dataset(rows)
    a = assess.score(ds, year=YEAR, as_of=as_of).scores.sort_values("group_id", ignore_index=True)
    b = assess.score(shuffled(ds, rnd), year=YEAR, as_of=as_of).scores.sort_values("group_id", ignore_index=True)
    assert list(a["group_id"]) == list(b["group_id"])
    for col in ["daily_work", "effectiveness", "service_rating", "base_score", "bonus", "deduction", "final_score"]:
        for x, y in zip(a[col], b[col], strict=True):
            assert _close(x, y, 1e-9), col
    assert [_grade(v) for v in a["grade"]] == [_grade(v) for v in b["grade"]]
    assert [None if pd.isna(v) else int(v) for v in a["rank"]] == [None if pd.isna(v) else int(v) for v in b["rank"]]
    assert [_flags(v) for v in a["flags"]] == [_flags(v) for v in b["flags"]]


def _as_of_date(as_of: str | None) -> dt.date:
    return D(YEAR, 12, 31) if as_of is None else dt.date.fromisoformat(as_of)


@PROPERTY
@given(rnd=st.randoms(use_true_random=False), pick=st.integers(min_value=0))
def test_an_on_time_ledger_never_lowers_the_score(rnd: random.Random, pick: int) -> None:
    """A late ledger (submitted by as_of, after its due date) moved to its due date.

    The row stays among the submitted ones, so completeness is unchanged and only
    ``ledger_on_time`` can move (up).  (Turning a *never submitted* ledger into an on-time one
    is not monotone: its completeness joins the mean and may pull it down.)
    """
    rows, as_of = random_rows(rnd)
    day = _as_of_date(as_of)
    late = [
        i
        for i, r in enumerate(rows["ledger"])
        if r["month"].startswith(f"{YEAR}-")
        and r["submitted_on"] is not None
        and r["due_date"] < r["submitted_on"] <= day
    ]
    if not late:
        return
    i = late[pick % len(late)]
    group = rows["ledger"][i]["group_id"]
    before = final_of(dataset(rows), as_of, group)
    rows["ledger"][i] = {**rows["ledger"][i], "submitted_on": rows["ledger"][i]["due_date"]}
    after = final_of(dataset(rows), as_of, group)
    assert after >= before - 1e-9


@PROPERTY
@given(rnd=st.randoms(use_true_random=False), pick=st.integers(min_value=0), when=st.floats(0, 1))
def test_resolving_a_problem_in_time_never_lowers_the_score(rnd: random.Random, pick: int, when: float) -> None:
    rows, as_of = random_rows(rnd)
    open_ = [i for i, r in enumerate(rows["problems"]) if r["status"] == "open"]
    if not open_:
        return
    i = open_[pick % len(open_)]
    p = rows["problems"][i]
    group = p["group_id"]
    before = final_of(dataset(rows), as_of, group)
    resolved_on = p["raised_on"] + dt.timedelta(days=math.floor(when * (p["deadline"] - p["raised_on"]).days))
    rows["problems"][i] = {**p, "status": "resolved", "resolved_on": resolved_on}
    after = final_of(dataset(rows), as_of, group)
    assert after >= before - 1e-9


_BAND = {"excellent": 0, "good": 1, "pass": 2, "fail": 3}


@PROPERTY
@given(rnd=st.randoms(use_true_random=False))
def test_a_rank_never_contradicts_a_grade(rnd: random.Random) -> None:
    """the scoring rules (docs/reference/scoring.md) (revised): only graded, not vetoed groups are ranked; among them a better
    grade never comes with a worse rank, and "rank r of N" counts the ranked groups."""
    rows, as_of = random_rows(rnd)
    s = assess.score(dataset(rows), year=YEAR, as_of=as_of).scores
    flags = s["flags"].map(_flags)
    ranked = s["grade"].notna() & ~flags.map(lambda f: "veto" in f)
    assert s.loc[~ranked, "rank"].isna().all()
    assert s.loc[ranked, "rank"].notna().all()
    r = s[ranked]
    if len(r):
        assert r["rank"].min() == 1 and r["rank"].max() <= len(r)
    for _, a in r.iterrows():
        for _, b in r.iterrows():
            if _BAND[a["grade"]] < _BAND[b["grade"]]:
                assert a["rank"] < b["rank"], (a["group_id"], b["group_id"])
