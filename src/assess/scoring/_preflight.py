"""Pre-flight warnings: what a valid workbook will do to the assessment, said before it runs.

A workbook can pass every rule and still leave a group ungraded, a quota with no places
or a quarter without a single rating. :func:`preflight` scores the workbook once and
returns each such finding as a :class:`~assess.intake._problems.Problem` with ``severity="warning"``,
worded in English (``rule``) and Chinese (``rule_zh``). ``assess validate`` prints them
(exit status stays 0) and lists them in the annotated copy's ``问题清单``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assess.common import message, month_zh, quarter_zh
from assess.intake import Dataset, Problem, Scheme, assessment_year, default_scheme, wording, wording_apart
from assess.scoring._compute import quota_size
from assess.scoring._indicators import Window
from assess.scoring._result import Result
from assess.scoring._summary import missing_data

__all__ = ["preflight", "infer_year"]


def infer_year(dataset: Dataset) -> int | None:
    """The year most dated rows of ``dataset`` fall in (``None`` without any dated row): the same
    count the intake's date window uses (:func:`assess.intake._plausible.assessment_year`)."""
    return assessment_year(dataset.tables)


def _causes(causes: tuple[tuple[str, str, str], ...], lang: str) -> str:
    """The absent data behind a missing component, in ``lang`` (``no monthly ledger, no problems``)."""
    said = [c[2] if lang == "zh" else c[1] for c in causes]
    return message("marks", "comma", lang).join(said) or message("missing_data", "none", lang)


def _missing_periods(dataset: Dataset, window: Window, source: str) -> list[Problem]:
    """Months (ledger, visits) and quarters (ratings) of the year, begun by ``as_of``, with no row at all."""
    t = dataset.tables
    year = window.year
    out = []
    months = [m for m in range(1, 13) if pd.Timestamp(year, m, 1) <= window.as_of]
    checks = (
        ("ledger", "month", set(t["ledger"]["month"].dropna())),
        ("visits", "date", {f"{d.year:04d}-{d.month:02d}" for d in t["visits"]["date"].dropna()}),
    )
    for sheet, column, have in checks:
        for m in months:
            label = f"{year}-{m:02d}"
            if label not in have:
                said = wording_apart(
                    "preflight", f"no_{sheet}_month", "no_month_fix", {"year": year, "month": f"{m:02d}"},
                    zh={"month": month_zh(m)},
                )  # fmt: skip
                out.append(Problem(source, sheet, None, column, label, **said, severity="warning"))  # fmt: skip
    have = set(t["ratings"]["quarter"].dropna())
    for q in range(1, 5):
        label = f"{year}-Q{q}"
        if pd.Timestamp(year, 3 * q - 2, 1) <= window.as_of and label not in have:
            said = wording_apart(
                "preflight", "no_ratings_quarter", "no_ratings_quarter_fix", {"year": year, "quarter": f"Q{q}"},
                zh={"quarter": quarter_zh(q)},
            )  # fmt: skip
            out.append(Problem(source, "ratings", None, "quarter", label, **said, severity="warning"))  # fmt: skip
    return out


def preflight(
    dataset: Dataset,
    scheme: Scheme | None = None,
    year: int | None = None,
    as_of: str | None = None,
    scored: Result | None = None,
) -> list[Problem]:
    """Warnings about a valid ``dataset`` before it is scored for ``year`` (default: :func:`infer_year`).

    Four kinds, each a :class:`~assess.intake._problems.Problem` with ``severity="warning"``:
    groups that will be ungraded and why (the missing data and the component's coverage
    against ``min_coverage``); a band quota that rounds to zero places; months (ledger,
    visits) or quarters (ratings) of the year with no row at all; groups rated by fewer
    recipients than ``rating_min_raters``.

    ``scored`` is ``dataset`` already scored under ``scheme``, ``year`` and ``as_of`` (the run has
    it); without it the data are scored here.
    """
    from assess.scoring._compute import score  # scoring imports validate; late, like the analysts' views

    scheme = scheme or default_scheme()
    year = int(year) if year is not None else infer_year(dataset)
    if year is None:
        return []
    source = Path(dataset.source).name if dataset.source else ""
    result = scored if scored is not None else score(dataset, year, as_of=as_of, scheme=scheme)
    window = Window(year, pd.Timestamp(result.meta["as_of"]))
    out: list[Problem] = []
    s = result.scores.set_index("group_id")

    for gid in s.index[s["flags"].str.contains("insufficient_data")]:
        for m in missing_data(result, gid):
            sheet = m.causes[0][0] if m.causes else "groups"
            causes = {lang: _causes(m.causes, lang) for lang in ("en", "zh")}
            said = wording_apart(
                "preflight", "ungraded", "ungraded_fix",
                {"group": gid, "causes": causes["en"], "component": m.label["en"],
                 "component_lower": m.label["en"].lower(), "coverage": m.coverage, "min_coverage": m.min_coverage,
                 "year": year},
                zh={"causes": causes["zh"], "component": m.label["zh"], "component_lower": m.label["zh"]},
            )  # fmt: skip
            out.append(Problem.of_sheet(source, sheet, **said, group_id=str(gid), severity="warning"))

    graded = int(s["grade"].notna().sum())
    for band in scheme.grades.bands[:-1]:
        if band.quota is None or band.quota <= 0:
            continue
        places = quota_size(band.quota, graded, scheme.grades.quota_rounding)
        if places == 0 and graded > 0:
            rounding = f"rounding.{scheme.grades.quota_rounding}"
            said = wording_apart(
                "preflight", "quota_zero", "quota_zero_fix",
                {"graded": graded, "pct": f"{band.quota * 100:g} %", "band": band.label.en,
                 "rounding": message("preflight", rounding, "en")},
                zh={"band": band.label.zh, "rounding": message("preflight", rounding, "zh")},
            )  # fmt: skip
            out.append(Problem.of_sheet(source, "groups", **said, severity="warning"))

    out.extend(_missing_periods(dataset, window, source))

    quality = result.ratings_quality
    if quality is not None:
        few = quality[quality["few_raters"].astype(bool)]
        for row in few.itertuples(index=False):
            raters = int(row.raters)
            said = wording(
                "preflight", "few_raters", "few_raters_fix",
                group=row.group_id, raters=raters, min_raters=scheme.rating_min_raters,
            )  # fmt: skip
            out.append(
                Problem(source, "ratings", None, None, raters, **said, group_id=str(row.group_id), severity="warning")
            )  # fmt: skip
    return out
