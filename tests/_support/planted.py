"""A scored sample year with script and markup planted in a name, a comment and a reason,
shared by the report, PDF and browser tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assess.batch._pipeline import score_to
from assess.intake._sample import make_sample
from assess.reporting import _pages as pages
from assess.reporting import sections as report
from assess.reporting._workbook import write_tables
from assess.scoring._result import Result

PLANTED_NAME = "<script>alert(1)</script>"
PLANTED_COMMENT = '<img src=x onerror="alert(2)">'
PLANTED_REASON = "<script>alert(3)</script> 协调解决用地难题"
#: 2026-01-01T00:00:00Z
EPOCH = "1767225600"
GENERATED_AT = "2026-01-01T00:00:00+00:00"
YEAR = 2025


def planted_frames() -> dict[str, pd.DataFrame]:
    """Six groups of the sample year; G02's name, leader, a comment and a reason are probes."""
    frames = make_sample(year=YEAR, groups=6, seed=3)
    groups = frames["groups"]
    groups.loc[groups["group_id"] == "G02", "name"] = PLANTED_NAME
    groups.loc[groups["group_id"] == "G02", "leader"] = PLANTED_COMMENT
    ratings = frames["ratings"]
    first = ratings.index[(ratings["group_id"] == "G02") & (ratings["quarter"] == f"{YEAR}-Q2")][0]
    ratings.loc[first, "comment"] = PLANTED_COMMENT
    bonus = pd.DataFrame(
        {
            "group_id": ["G02"],
            "date": [pd.Timestamp(f"{YEAR}-06-01")],
            "kind": ["bonus"],
            "points": [2.0],
            "reason": [PLANTED_REASON],
        }
    )
    frames["adjustments"] = pd.concat(
        [frames["adjustments"], bonus.astype(frames["adjustments"].dtypes.to_dict())], ignore_index=True
    )
    return frames


def score_planted(folder: Path, workbook: Path | None = None) -> Path:
    """Score the planted workbook (written to ``folder`` unless given) with
    ``SOURCE_DATE_EPOCH`` set; returns the output folder (``scores.xlsx``, ``results/``)."""
    folder.mkdir(parents=True, exist_ok=True)
    if workbook is None:
        workbook = write_tables(folder / "planted.xlsx", planted_frames())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        score_to(workbook, YEAR, folder / "out")
    return folder / "out"


SECTIONS = (
    "header",
    "summary",
    "improvements",
    "indicators",
    "ratings",
    "problems",
    "milestones",
    "adjustments",
    "quality",
    "closing",
)


def page_for(result: Result, group_id: str, lang: str = "en") -> str:
    """The report page built from the sections directly (what the notebook shows, no kernel)."""
    parts = [getattr(report, f"{name}_section")(result, group_id, lang).data for name in SECTIONS]
    footer = report.provenance_section(result, group_id, lang)
    parts.append(footer.html)
    title = f"{group_id} · {report.text('title', lang, year=YEAR)}"
    return pages.page(title, "\n".join(parts), lang, meta=footer.meta)
