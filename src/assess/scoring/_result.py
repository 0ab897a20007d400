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

from assess.common import Domain, atomic_folder, check_lang
from assess.intake import Scheme, default_scheme, parse_scheme, read_scheme_yaml, saved_scheme

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

#: The scheme of a saved result, beside ``meta.json``.
SCHEME_FILE = "scheme.yaml"

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
        ``year``, ``as_of`` (ISO date) and the provenance keys ``input``, ``input_sha256``,
        ``scheme_name``, ``scheme_sha256``, ``version``, ``generated_at`` (plain JSON data).
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
        From :func:`assess.analysis._uncertainty.attach_uncertainty`: per group the score and rank intervals and
        the probability of each grade (columns in :class:`assess.analysis._uncertainty.Uncertainty`);
        its settings and sensitivity indices are in ``meta["uncertainty"]``.
    scenarios : DataFrame, optional
        From :func:`assess.analysis._scenarios.attach_scenarios`: score, rank and grade of every group
        under the scheme and each one-at-a-time alternative (``scenario, group_id,
        final_score, rank, grade``).
    coherence : DataFrame, optional
        From :func:`assess.analysis._scenarios.attach_scenarios`: the coherence checks of
        :func:`assess.analysis._coherence.coherence`.
    inputs : dict of DataFrame
        The validated input sheets (with ``_row``, the Excel row), so that a report can
        show a group's own problems, milestones, ratings and adjustments.
    scheme : Scheme
        The validated scheme the groups were scored under (default: the shipped one). A
        ``meta["scheme"]`` mapping, as results saved before carried it, is read into it.
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
    scheme: Scheme = field(default_factory=default_scheme)
    #: The language the result shows itself in (``repr`` and the notebook summary): ``"en"``
    #: or ``"zh"``; a notebook sets it with ``result.in_language(lang)``. Not saved.
    lang: str = field(default="en", compare=False)

    def __post_init__(self) -> None:
        meta = dict(self.meta)
        saved = meta.pop("scheme", None)  # the plain mapping of results saved before
        if saved is not None and self.scheme is default_scheme():
            object.__setattr__(self, "scheme", saved_scheme(saved))
        meta.setdefault("scheme_name", self.scheme.name)
        object.__setattr__(self, "meta", meta)

    def _repr_html_(self) -> str:
        """A short HTML summary for notebooks, in :attr:`lang`: provenance, grades, top groups, flags."""
        return result_html(self)

    def __repr__(self) -> str:
        return f"<Result: {result_text(self)}>"

    def in_language(self, lang: str) -> Result:
        """This result, shown in ``lang`` (``"en"`` or ``"zh"``) in a notebook.

        >>> Result(scores=pd.DataFrame({"grade": []}), indicators=pd.DataFrame(), groups=pd.DataFrame(),
        ...        meta={"year": 2025, "as_of": "2025-12-31"}).in_language("zh")
        <Result: 2025年度考核（截至2025-12-31），考核方案 default：0个工作组>
        """
        return replace(self, lang=check_lang(lang))

    def group(self, group_id: str) -> pd.Series:
        """The ``scores`` row of one group."""
        rows = self.scores[self.scores["group_id"] == group_id]
        if rows.empty:
            known = ", ".join(self.scores["group_id"].head(10))
            raise KeyError(f"Group {group_id!r} is not in this result; known groups start with: {known}")
        return rows.iloc[0]


def save_result(result: Result, folder: str | Path) -> Path:
    """Write ``result`` to ``folder`` (Parquet tables, ``meta.json``, ``scheme.yaml``) and return the folder.

    The folder is replaced as a whole (:func:`assess.common._atomic.atomic_folder`): a table the
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
        # YAML in the scheme's own order (the order of its components and indicators is the
        # order of the columns); `load_scheme` reads the file as it is
        (new / SCHEME_FILE).write_text(result.scheme.text, encoding="utf-8")
    return folder


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(
        [*folder.glob("*.parquet"), *folder.glob("inputs/*.parquet"), *folder.glob("*.json"), *folder.glob("*.yaml")]
    )
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], Result]] = {}  # one entry: the last folder read


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
        if (folder / SCHEME_FILE).is_file():  # else the mapping meta["scheme"] of results saved before
            meta["scheme"] = parse_scheme(read_scheme_yaml((folder / SCHEME_FILE).read_text(encoding="utf-8")))
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


#: The phrases of a result's summary, ``lang → {key: phrase}`` (section ``result`` of the catalogues).
RESULT_WORDS = Domain("result")


def result_html(result: Result, top: int = 10, lang: str | None = None) -> str:
    """A short HTML summary of a scored result (what ``Result`` shows in a notebook), in
    ``lang`` (default: the result's :attr:`Result.lang`, English unless set)."""
    lang = check_lang(lang or result.lang)
    words = RESULT_WORDS[lang]
    meta, scheme, s = result.meta, result.scheme, result.scores
    counts = s["grade"].value_counts() if "grade" in s else pd.Series(dtype=int)
    right = "<td style='text-align:right'>"
    grade_rows = "".join(
        f"<tr><td>{_escape(b.name)}</td><td>{_escape(getattr(b.label, lang))}</td>{right}{int(counts.get(b.name, 0))}</td></tr>"
        for b in scheme.grades.bands
    )
    ungraded = int(s["grade"].isna().sum()) if "grade" in s else 0
    grade_rows += f"<tr><td>ungraded</td><td>{words['ungraded_label']}</td>{right}{ungraded}</td></tr>"
    head = words["head"].format(
        title=f"<b>{_escape(words['title'].format(year=meta.get('year', '')))}</b>",
        as_of=_escape(meta.get("as_of")),
        scheme=f"<code>{_escape(scheme.name)}</code>",
        groups=len(s),
        input=_escape(meta.get("input")),
        sha=f"<code>{_escape(str(meta.get('input_sha256', ''))[:12])}</code>",
        version=_escape(meta.get("version")),
    )
    cols = [c for c in ("rank", "group_id", "name", "final_score", "grade", "flags") if c in s]
    best = s.sort_values("rank", kind="stable").head(top)[cols] if "rank" in s else s.head(top)[cols]
    labels = {b.name: getattr(b.label, lang) for b in scheme.grades.bands}
    best = best.assign(
        **({"grade": best["grade"].map(lambda g: labels.get(g, g))} if "grade" in best else {}),
        **({"flags": best["flags"].map(lambda f: _flags_in_words(f, lang))} if "flags" in best else {}),
    ).rename(columns={c: words[f"col.{c}"] for c in cols})
    best_html = best.to_html(index=False, float_format=lambda v: f"{v:.1f}", na_rep="—", escape=True, border=0)
    parts = [
        f"<div class='assess-result'><p>{head}</p>",
        f"<table border='0'><tr><th>{words['grade']}</th><th>{words['label']}</th><th>{words['groups']}</th></tr>",
        grade_rows,
        "</table>",
        f"<p>{_escape(words['top'].format(n=min(top, len(s))))}</p>{best_html}",
    ]
    if result.flags is not None and len(result.flags):
        flags = result.flags["flag"].value_counts()
        listed = words["list_separator"].join(
            words["flag_count"].format(flag=_flag_word(str(k), lang), n=int(v)) for k, v in flags.items()
        )
        parts.append(f"<p>{_escape(words['flags'].format(flags=listed))}</p>")
    if result.uncertainty is not None:
        keep = result.uncertainty["p_keep"]
        line = words["uncertainty"].format(
            draws=(meta.get("uncertainty") or {}).get("draws", ""),
            sure=int((keep >= 0.95).sum()),
            unsure=int((keep < 0.5).sum()),
        )
        parts.append(f"<p>{_escape(line)}</p>")
    parts.append("</div>")
    return "".join(parts)


def result_text(result: Result, lang: str | None = None) -> str:
    """One line saying what ``result`` is (its ``repr``), in ``lang`` (default: :attr:`Result.lang`)."""
    lang = check_lang(lang or result.lang)
    return RESULT_WORDS.text(
        "text_head",
        lang,
        year=result.meta.get("year", ""),
        as_of=result.meta.get("as_of", ""),
        scheme=result.scheme.name,
        groups=len(result.scores),
    )


def _flags_in_words(flags: Any, lang: str) -> str:
    """``veto;quota_demoted`` in words of ``lang``."""
    if not isinstance(flags, str) or not flags:
        return ""
    words = RESULT_WORDS[lang]
    return str(words["list_separator"]).join(_flag_word(f, lang) for f in flags.split(";") if f)


def _flag_word(flag: str, lang: str) -> str:
    key = f"flag.{flag}"
    return RESULT_WORDS[lang][key] if key in RESULT_WORDS[lang] else flag


def _escape(value: Any) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value))
