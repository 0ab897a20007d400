"""The outcome of one assessment, and its fast on-disk form that every report reads.

A run scores once and saves the :class:`Result` as Parquet files plus a JSON metadata file
in one folder; each report notebook loads that folder instead of recomputing anything.
"""

from __future__ import annotations

import copy
import html
import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from assess.common.atomic import atomic_folder

__all__ = ["Result", "save_result", "load_result", "SCORE_COLUMNS", "INDICATOR_COLUMNS"]

#: Columns of the ``scores`` table, in order (the outputs contract (docs/reference/outputs.md)).
SCORE_COLUMNS = [
    "group_id",
    "name",
    "daily_work",
    "effectiveness",
    "service_rating",
    "base_score",
    "bonus",
    "deduction",
    "final_score",
    "grade",
    "rank",
    "flags",
]
#: Columns of the long ``indicators`` table, in order (the outputs contract (docs/reference/outputs.md)).
INDICATOR_COLUMNS = ["group_id", "indicator", "component", "raw", "normalized", "weight"]

_TABLES = (
    "scores",
    "indicators",
    "groups",
    "raw",
    "contributions",
    "ratings_quality",
    "flags",
    "year_over_year",
    "uncertainty",
    "scenarios",
    "coherence",
)


@dataclass(frozen=True)
class Result:
    """Scores of one assessment.

    Attributes
    ----------
    scores : DataFrame
        One row per group, columns :data:`SCORE_COLUMNS` (component columns follow the
        scheme's components).
    indicators : DataFrame
        One row per (group, indicator), columns :data:`INDICATOR_COLUMNS`.
    groups : DataFrame
        The validated ``groups`` sheet (names and members), for reports.
    meta : dict
        ``year``, ``as_of`` (ISO date), ``scheme`` (the scheme as a plain dict),
        ``grade_labels`` and the provenance keys ``input_sha256``, ``scheme_sha256``,
        ``version``.
    raw : DataFrame, optional
        Every built-in indicator's raw value, one row per group (``group_id`` column),
        including those the scheme does not weight (``problem_overdue_open``, ...).
    contributions : DataFrame, optional
        Long: ``group_id, indicator, component, raw, normalized, effective_weight, points,
        vs_median``; a group's points add up to its base score.
    ratings_quality : DataFrame, optional
        Per group: ``responses, raters, mean, sd, straight_liners, few_raters``.
    flags : DataFrame, optional
        Long: ``group_id, flag, detail``, every flag with its reason in plain words.
    year_over_year : DataFrame, optional
        With a previous year's scores: every group of either year, marked ``both``,
        ``new`` or ``gone``, with the change in score, rank and grade.
    uncertainty : DataFrame, optional
        From :func:`assess.analysis.uncertainty.attach`: per group the score and rank intervals and
        the probability of each grade (columns in :class:`assess.analysis.uncertainty.Uncertainty`);
        its settings and sensitivity indices are in ``meta["uncertainty"]``.
    scenarios : DataFrame, optional
        From :func:`assess.analysis.scenarios.attach`: score, rank and grade of every group
        under the scheme and each one-at-a-time alternative (``scenario, group_id,
        final_score, rank, grade``).
    coherence : DataFrame, optional
        From :func:`assess.analysis.scenarios.attach`: the coherence checks of
        :func:`assess.analysis.coherence.coherence`.
    inputs : dict of DataFrame
        The validated input sheets (with ``_row``, the Excel row), so that a report can
        show a group's own problems, milestones, ratings and adjustments.
    """

    def rows(self, sheet: str, group_id: str) -> pd.DataFrame:
        """The input rows of ``sheet`` that belong to ``group_id``."""
        table = self.inputs[sheet]
        return table[table["group_id"] == group_id].reset_index(drop=True)

    scores: pd.DataFrame
    indicators: pd.DataFrame
    groups: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    raw: pd.DataFrame | None = None
    contributions: pd.DataFrame | None = None
    ratings_quality: pd.DataFrame | None = None
    flags: pd.DataFrame | None = None
    year_over_year: pd.DataFrame | None = None
    uncertainty: pd.DataFrame | None = None
    scenarios: pd.DataFrame | None = None
    coherence: pd.DataFrame | None = None
    inputs: dict[str, pd.DataFrame] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """A short HTML summary for notebooks: provenance, grades, top groups, flags."""
        return result_html(self)

    def group(self, group_id: str) -> pd.Series:
        """The ``scores`` row of one group."""
        rows = self.scores[self.scores["group_id"] == group_id]
        if rows.empty:
            known = ", ".join(self.scores["group_id"].head(10))
            raise KeyError(f"Group {group_id!r} is not in this result; known groups start with: {known}")
        return rows.iloc[0]


def save_result(result: Result, folder: str | Path) -> Path:
    """Write ``result`` to ``folder`` (Parquet tables + ``meta.json``) and return the folder.

    The folder is replaced as a whole (:func:`assess.common.atomic.atomic_folder`): a table the
    result does not have (``uncertainty`` of an earlier run with ``--uncertainty``, ...) is
    gone afterwards, and an interrupted save leaves the previous folder as it was.
    """
    folder = Path(folder)
    with atomic_folder(folder) as new:
        for name in _TABLES:
            table = getattr(result, name)
            if table is not None:
                table.to_parquet(new / f"{name}.parquet", index=False)
        if result.inputs:
            (new / "inputs").mkdir()
            for name, table in result.inputs.items():
                table.to_parquet(new / "inputs" / f"{name}.parquet", index=False)
        (new / "meta.json").write_text(
            json.dumps(result.meta, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
    return folder


def _fingerprint(folder: Path) -> tuple:
    files = sorted([*folder.glob("*.parquet"), *folder.glob("inputs/*.parquet"), folder / "meta.json"])
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


_cache: dict[Path, tuple[tuple, Result]] = {}  # one entry: the last folder read


def load_result(folder: str | Path) -> Result:
    """Read a :class:`Result` written by :func:`save_result`.

    A process that loads the same, unchanged folder again (a warm kernel rendering one
    report after another) gets it from memory: every table is a shallow copy, which under
    pandas' copy-on-write behaves as an independent frame, so nothing one report does to
    its tables reaches the next.
    """
    folder = Path(folder).resolve()
    if not (folder / "meta.json").is_file():
        raise FileNotFoundError(
            f"{folder} holds no saved result (no meta.json); run `assess score` or `assess run` first"
        )
    key = _fingerprint(folder)
    hit = _cache.get(folder)
    if hit is None or hit[0] != key:
        tables = {
            name: pd.read_parquet(folder / f"{name}.parquet")
            for name in _TABLES
            if (folder / f"{name}.parquet").exists()
        }
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        inputs = {p.stem: pd.read_parquet(p) for p in sorted((folder / "inputs").glob("*.parquet"))}
        _cache.clear()
        _cache[folder] = (key, Result(meta=meta, inputs=inputs, **tables))
    cached = _cache[folder][1]
    return replace(
        cached,
        meta=copy.deepcopy(cached.meta),
        inputs={name: table.copy(deep=False) for name, table in cached.inputs.items()},
        **{
            f.name: getattr(cached, f.name).copy(deep=False)
            for f in fields(Result)
            if isinstance(getattr(cached, f.name), pd.DataFrame)
        },
    )


def result_html(result: Result, top: int = 10) -> str:
    """A short HTML summary of a scored result (what ``Result`` shows in a notebook)."""
    meta = result.meta
    scheme = meta.get("scheme") or {}
    bands = (scheme.get("grades") or {}).get("bands") or []
    s = result.scores
    counts = s["grade"].value_counts() if "grade" in s else pd.Series(dtype=int)
    grade_rows = "".join(
        f"<tr><td>{_escape(b['name'])}</td><td>{_escape((b.get('label') or {}).get('zh'))}</td><td style='text-align:right'>{int(counts.get(b['name'], 0))}</td></tr>"
        for b in bands
    )
    ungraded = int(s["grade"].isna().sum()) if "grade" in s else 0
    grade_rows += f"<tr><td>ungraded</td><td>未评定</td><td style='text-align:right'>{ungraded}</td></tr>"
    head = (
        f"<b>Assessment {_escape(meta.get('year'))}</b> (as of {_escape(meta.get('as_of'))}) · scheme "
        f"<code>{_escape(scheme.get('name'))}</code> · {len(s)} groups · input {_escape(meta.get('input'))} "
        f"<code>{_escape(str(meta.get('input_sha256', ''))[:12])}</code> · assess {_escape(meta.get('version'))}"
    )
    cols = [c for c in ("rank", "group_id", "name", "final_score", "grade", "flags") if c in s]
    best = s.sort_values("rank", kind="stable").head(top)[cols] if "rank" in s else s.head(top)[cols]
    best_html = best.to_html(index=False, float_format=lambda v: f"{v:.1f}", na_rep="—", escape=True, border=0)
    parts = [
        f"<div class='assess-result'><p>{head}</p>",
        "<table border='0'><tr><th>grade</th><th>等次</th><th>groups</th></tr>",
        grade_rows,
        "</table>",
    ]
    parts.append(f"<p>Top {min(top, len(s))} by final score:</p>{best_html}")
    if result.flags is not None and len(result.flags):
        flags = result.flags["flag"].value_counts()
        parts.append("<p>Flags: " + ", ".join(f"{_escape(k)} × {int(v)}" for k, v in flags.items()) + "</p>")
    if result.uncertainty is not None:
        keep = result.uncertainty["p_keep"]
        parts.append(
            f"<p>Uncertainty ({_escape((meta.get('uncertainty') or {}).get('draws'))} draws): {int((keep >= 0.95).sum())} groups keep their grade "
            f"in at least 95 % of the variations, {int((keep < 0.5).sum())} in fewer than half.</p>"
        )
    parts.append("</div>")
    return "".join(parts)


def _escape(value: Any) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value))
