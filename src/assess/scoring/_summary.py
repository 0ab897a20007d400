"""The results summary an office files: every group in rank order, with the reasons in words.

Pure functions over a :class:`~assess.scoring._result.Result`: :func:`summary_table` gives the rows of
the summary sheet of ``scores.xlsx`` (``考核结果汇总``), :func:`missing_data` says why an
ungraded group has no grade (which component, which data are absent, the coverage against
``min_coverage``) and :func:`quota_notes` where a demoted group stood against its band's quota.
They work whether or not vetoed and ungraded groups carry a rank: rows are ordered by rank
(blank ranks last), then vetoed before ungraded, then by final score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from assess.common import TOL as _TOL
from assess.common import Domain, message
from assess.intake import Label
from assess.scoring._result import Result
from assess.scoring._steps import quota_size

__all__ = [
    "MissingComponent",
    "QuotaNote",
    "TieBreakNote",
    "missing_data",
    "quota_notes",
    "tie_break_notes",
    "summary_table",
    "SUMMARY_WORDS",
    "CAUSE_WORDS",
]

#: Words of the summary, ``lang → {key: phrase}`` (section ``summary`` of the message catalogues).
SUMMARY_WORDS = Domain("summary")

#: Why absent data left an indicator without a value, ``lang → {indicator: phrase}`` (section
#: ``missing_data`` of the catalogues; ``other`` for an indicator without its own phrase).
CAUSE_WORDS = Domain("missing_data")
# The sheet whose absent rows leave each built-in indicator without a value.
_CAUSE_SHEETS: dict[str, str] = {
    "ledger_on_time": "ledger",
    "ledger_completeness": "ledger",
    "visit_coverage": "recipients",
    "visits_per_recipient": "recipients",
    "problem_resolution": "problems",
    "problem_on_time": "problems",
    "problem_overdue_open": "problems",
    "milestone_on_time": "milestones",
    "investment_completion": "milestones",
    "rating_score": "ratings",
    "rating_response": "recipients",
}


@dataclass(frozen=True)
class MissingComponent:
    """A component an ungraded group could not be scored on, and why."""

    component: str
    label: dict[str, str]  # {"en": ..., "zh": ...}
    coverage: float  # share of the component's indicator weight that has a value
    min_coverage: float
    causes: tuple[tuple[str, str, str], ...]  # (sheet, English, Chinese), de-duplicated

    def causes_text(self, lang: str) -> str:
        words = SUMMARY_WORDS[lang]
        return words["and"].join(c[2] if lang == "zh" else c[1] for c in self.causes)


@dataclass(frozen=True)
class QuotaNote:
    """Where a demoted group stood against the quota of the band it met."""

    band: str
    label: dict[str, str]
    places: int
    position: int  # competition rank among the band's candidates (ties share the best)
    tied: bool  # tied across the cut (demoted with ``ties: demote``)
    tied_with: tuple[str, ...] = ()  # the other groups equal on every key of the quota's order


@dataclass(frozen=True)
class TieBreakNote:
    """A group ranked below another with the same final score because the tie-break ordered them."""

    above: str  # the group just above it with the same final score
    component: str  # the first tie-break component on which it is lower
    label: dict[str, str]  # that component's label


def _label(label: Label | None, name: str) -> dict[str, str]:
    """A scheme label as ``{en, zh}``, the name standing in for a blank one."""
    en = label.en if label is not None else ""
    zh = label.zh if label is not None else ""
    return {"en": en or name, "zh": zh or en or name}


def _flags(result: Result, group_id: str) -> set[str]:
    row = result.scores.loc[result.scores["group_id"] == group_id, "flags"]
    text = "" if row.empty or pd.isna(row.iloc[0]) else str(row.iloc[0])
    return {f.strip() for f in text.split(";") if f.strip()}


def missing_data(result: Result, group_id: str) -> list[MissingComponent]:
    """The components ``group_id`` has no score for, with the absent data behind each.

    Empty for a group with every component. The coverage is the share of the component's
    indicator weight with a value, against the scheme's ``min_coverage``.
    """
    scheme = result.scheme
    year = result.meta.get("year", "")
    scores = result.scores.set_index("group_id")
    ind = result.indicators[result.indicators["group_id"] == group_id]
    out = []
    for name, entry in scheme.components.items():
        if name not in scores.columns or not pd.isna(scores.at[group_id, name]):
            continue
        rows = ind[ind["component"] == name]
        total = float(rows["weight"].sum())
        have = float(rows.loc[rows["normalized"].notna(), "weight"].sum())
        causes: list[tuple[str, str, str]] = []
        absent = set(rows.loc[rows["raw"].isna(), "indicator"])
        for indicator in rows.loc[rows["raw"].isna(), "indicator"]:
            if indicator == "investment_completion" and "milestone_on_time" in absent:
                continue  # no milestones at all says it
            key = indicator if indicator in _CAUSE_SHEETS else "other"
            cause = (
                _CAUSE_SHEETS.get(indicator, "indicators"),
                CAUSE_WORDS.text(key, "en", year=year, indicator=indicator),
                CAUSE_WORDS.text(key, "zh", year=year, indicator=indicator),
            )
            if cause not in causes:
                causes.append(cause)
        out.append(
            MissingComponent(
                name,
                _label(entry.label, name),
                have / total if total > 0 else 0.0,
                scheme.min_coverage,
                tuple(causes),
            )
        )
    return out


def quota_notes(result: Result) -> dict[str, QuotaNote]:
    """For every group flagged ``quota_demoted``: the band it met, its places and the group's position.

    The candidates of a band are the graded, not vetoed groups that meet its threshold and
    were not admitted to a better band; they are ordered as the grading orders them (final
    score, then the scheme's ``tie_break`` components, values within 1e-9 equal).
    """
    from assess.scoring._steps import _snap  # the grading's own notion of "equal"

    grades = result.scheme.grades
    bands = grades.bands
    s = result.scores.reset_index(drop=True)
    flags = s["flags"].fillna("").astype(str)
    demoted = flags.str.contains("quota_demoted")
    if not demoted.any() or not bands:
        return {}
    graded = s["grade"].notna().to_numpy()
    vetoed = flags.str.contains("veto").to_numpy()
    final = s["final_score"].to_numpy(dtype=float)
    keys = [_snap(final)] + [_snap(s[c].to_numpy(dtype=float)) for c in grades.tie_break if c in s]
    level_of = {b.name: i for i, b in enumerate(bands)}
    grade_level = np.array([level_of.get(g, len(bands)) if isinstance(g, str) else len(bands) for g in s["grade"]])
    notes: dict[str, QuotaNote] = {}
    for i in np.flatnonzero(demoted.to_numpy()):
        met = next((b for b, band in enumerate(bands) if final[i] >= band.min - _TOL), len(bands) - 1)
        band = next(
            (bands[b] for b in range(met, len(bands)) if bands[b].quota is not None and b < grade_level[i]), None
        )
        if band is None or band.quota is None:
            continue
        b = level_of[band.name]
        places = quota_size(band.quota, int(graded.sum()), grades.quota_rounding)
        cand = np.flatnonzero(graded & ~vetoed & (final >= band.min - _TOL) & (grade_level >= b))
        mine = np.array([k[i] for k in keys])
        ahead = sum(1 for j in cand if _better(np.array([k[j] for k in keys]), mine))
        position = ahead + 1
        tied_with = tuple(
            str(s.at[j, "group_id"])
            for j in cand
            if j != i
            and not _better(np.array([k[j] for k in keys]), mine)
            and not _better(mine, np.array([k[j] for k in keys]))
        )
        notes[str(s.at[i, "group_id"])] = QuotaNote(
            band.name, _label(band.label, band.name), places, position, position <= places, tied_with
        )
    return notes


def tie_break_notes(result: Result) -> dict[str, TieBreakNote]:
    """For every ranked group placed below a group with the same final score by the scheme's
    ``tie_break``: that group (the nearest above it) and the first component it is lower on."""
    from assess.scoring._steps import _snap

    tie_break = [c for c in result.scheme.grades.tie_break if c in result.scores]
    s = result.scores.reset_index(drop=True)
    rank = pd.to_numeric(s["rank"], errors="coerce").to_numpy(dtype=float)
    if not tie_break or np.isnan(rank).all():
        return {}
    final = _snap(s["final_score"].to_numpy(dtype=float))
    comps = {c: _snap(s[c].to_numpy(dtype=float)) for c in tie_break}
    entries = result.scheme.components
    notes: dict[str, TieBreakNote] = {}
    for i in np.flatnonzero(~np.isnan(rank)):
        same = np.flatnonzero(~np.isnan(rank) & (final == final[i]) & (rank < rank[i]))
        if not len(same):
            continue
        above = same[np.argmax(rank[same])]
        for c in tie_break:
            if comps[c][above] > comps[c][i] + _TOL:
                notes[str(s.at[i, "group_id"])] = TieBreakNote(
                    str(s.at[above, "group_id"]), c, _label(entries[c].label if c in entries else None, c)
                )
                break
    return notes


def _better(a: np.ndarray, b: np.ndarray) -> bool:
    """``a`` sorts strictly before ``b`` (higher first, NaN last, equal within 1e-9)."""
    for x, y in zip(a, b, strict=True):
        if np.isnan(x) and np.isnan(y):
            continue
        if np.isnan(y) or (not np.isnan(x) and x > y + _TOL):
            return True
        if np.isnan(x) or y > x + _TOL:
            return False
    return False


def tied_text(note: QuotaNote, lang: str) -> str:
    """What happened to a group tied across a quota's cut, in words: "Same final score as G24;
    under the tie rule neither group received an Excellent place"."""
    words = SUMMARY_WORDS[lang]
    n = len(note.tied_with) + 1
    key = "quota_tied_two" if n == 2 else "quota_tied_many"
    return words[key].format(others=words["and"].join(note.tied_with), band=note.label[lang], n=n)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def summary_table(result: Result, lang: str = "en") -> pd.DataFrame:
    """One row per group in rank order (unranked last, vetoed before ungraded), for the summary sheet.

    Columns: ``rank, group_id, name``, the scheme's components, ``base_score, bonus,
    deduction, final_score, grade`` (the band's label in ``lang``), ``remarks`` (in words),
    and two helper columns the sheet does not show: ``partial`` (an ungraded group's
    partial score) and ``partial_note`` (what the partial score leaves out).
    """
    words = SUMMARY_WORDS[lang]
    scheme = result.scheme
    components = [c for c in scheme.components if c in result.scores]
    bands = {b.name: _label(b.label, b.name)[lang] for b in scheme.grades.bands}
    s = result.scores.reset_index(drop=True)
    flags_of = result.flags if result.flags is not None else pd.DataFrame(columns=["group_id", "flag", "detail"])
    veto_reason = (
        flags_of[flags_of["flag"] == "veto"]
        .groupby("group_id")["detail"]
        .agg(lambda d: message("marks", "clause_separator", lang).join(x for x in d if x))
    )
    quotas = quota_notes(result)
    ties = tie_break_notes(result)
    rows = []
    for _, row in s.iterrows():
        gid = str(row["group_id"])
        flags = _flags(result, gid)
        remarks: list[str] = []
        unranked = pd.isna(row["rank"])
        if unranked:
            remarks.append(words["not_ranked"])
        if "veto" in flags:
            reason = str(veto_reason.get(gid, "") or "")
            remarks.append(words["veto"].format(reason=reason) if reason else words["veto_plain"])
        missing = missing_data(result, gid) if "insufficient_data" in flags or pd.isna(row["grade"]) else []
        for m in missing:
            remarks.append(words["insufficient"].format(components=m.label[lang], causes=m.causes_text(lang)))
        partial = bool(missing) and not pd.isna(row["final_score"])
        if partial:
            remarks.append(words["partial"])
        if gid in quotas:
            q = quotas[gid]
            position = str(q.position) if lang == "zh" else _ordinal(q.position)
            if q.tied and q.tied_with:
                remarks.append(tied_text(q, lang))
            else:
                remarks.append(
                    words["quota"].format(
                        band=q.label[lang], places=q.places, position=position, tied=words["tied"] if q.tied else ""
                    )
                )
        if gid in ties:
            t = ties[gid]
            remarks.append(words["tie_break"].format(above=t.above, component=t.label[lang]))
        order = 0 if not unranked else 1 if "veto" in flags else 2
        rows.append(
            {
                "rank": row["rank"],
                "group_id": gid,
                "name": row["name"],
                **{c: row[c] for c in components},
                "base_score": row["base_score"],
                "bonus": row["bonus"],
                "deduction": row["deduction"],
                "final_score": row["final_score"],
                "grade": bands.get(row["grade"], str(row["grade"]))
                if isinstance(row["grade"], str)
                else words["ungraded"],
                "remarks": words["sep"].join(remarks),
                "partial": partial,
                "partial_note": words["partial_comment"].format(
                    missing=words["and"].join(m.label[lang] for m in missing)
                )
                if partial
                else "",
                "_order": order,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["_rank"] = pd.to_numeric(table["rank"], errors="coerce")
    table["_score"] = -pd.to_numeric(table["final_score"], errors="coerce")
    table = table.sort_values(["_rank", "_order", "_score", "group_id"], na_position="last", kind="stable")
    table["rank"] = table["rank"].astype("Int64")
    return table.drop(columns=["_rank", "_order", "_score"]).reset_index(drop=True)
