"""Building blocks of one group's report, so the report notebook holds no logic.

Every function takes a loaded :class:`~assess.result.Result` and returns something the
notebook displays as is: a pandas ``Styler`` (which escapes its text through pandas' own
``escape="html"``), a plain DataFrame, or an :class:`IPython.display.HTML` built here with
:func:`html.escape` on every piece of data. Labels come in English (``lang="en"``) or
Chinese (``lang="zh"``); component and grade labels come from the scheme.
"""

from __future__ import annotations

import html
import io
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from IPython.display import HTML, Image
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from assess.result import Result

__all__ = [
    "LANGS",
    "check_lang",
    "display_text",
    "text",
    "component_labels",
    "grade_label",
    "flag_labels",
    "format_score",
    "rank_text",
    "title",
    "heading",
    "header",
    "summary",
    "indicator_table",
    "table",
    "provenance",
    "figure",
    "figure_png",
]

#: Languages a report can be written in.
LANGS = ("en", "zh")

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Year-end assessment {year}",
        "group": "Group",
        "group_id": "Group ID",
        "leader": "Leader",
        "department_head": "Department head",
        "staff": "Staff",
        "unit": "Unit",
        "year": "Year",
        "as_of": "Assessment date",
        "final_score": "Final score",
        "grade": "Grade",
        "rank": "Rank",
        "rank_of": "{rank} of {n}",
        "base_score": "Base score",
        "bonus": "Bonus",
        "deduction": "Deduction",
        "flags": "Notes",
        "ungraded": "Ungraded",
        "indicator": "Indicator",
        "component": "Component",
        "raw": "Raw value",
        "normalized": "Normalised (0–100)",
        "weight": "Weight",
        "summary": "Summary",
        "components": "Components against all groups",
        "indicators": "Indicators",
        "distribution": "Final scores of all groups",
        "provenance": "Provenance",
        "input_sha256": "Input SHA-256",
        "scheme_sha256": "Scheme SHA-256",
        "scheme_name": "Scheme",
        "version": "assess version",
        "generated_at": "Generated at",
        "flag.insufficient_data": "Insufficient data: not graded",
        "flag.veto": "Veto: lowest grade",
        "score": "Score",
        "groups_count": "Groups",
        "all_groups": "All groups",
        "median": "Median",
        "quartiles": "Middle half",
        "this_group": "This group ({group_id})",
        "no_score": "no score",
    },
    "zh": {
        "title": "{year}年度年终考核",
        "group": "工作组",
        "group_id": "工作组编号",
        "leader": "组长",
        "department_head": "部门负责人",
        "staff": "专职人员",
        "unit": "单位",
        "year": "年度",
        "as_of": "考核日期",
        "final_score": "最终得分",
        "grade": "等次",
        "rank": "排名",
        "rank_of": "第{rank}名（共{n}个）",
        "base_score": "基础得分",
        "bonus": "加分",
        "deduction": "扣分",
        "flags": "备注",
        "ungraded": "未评定等次",
        "indicator": "指标",
        "component": "考核部分",
        "raw": "原始值",
        "normalized": "标准化得分（0–100）",
        "weight": "权重",
        "summary": "考核结果",
        "components": "各部分得分与全部工作组比较",
        "indicators": "指标明细",
        "distribution": "全部工作组最终得分分布",
        "provenance": "数据来源",
        "input_sha256": "输入文件 SHA-256",
        "scheme_sha256": "考核方案 SHA-256",
        "scheme_name": "考核方案",
        "version": "assess 版本",
        "generated_at": "生成时间",
        "flag.insufficient_data": "数据不足：不评定等次",
        "flag.veto": "一票否决：最低等次",
        "score": "得分",
        "groups_count": "工作组数",
        "all_groups": "全部工作组",
        "median": "中位数",
        "quartiles": "中间50%",
        "this_group": "本组（{group_id}）",
        "no_score": "无得分",
    },
}

_MISSING = "—"


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(LANGS)}.")
    return lang


def text(key: str, lang: str = "en", **values: Any) -> str:
    """A fixed label of the report in ``lang``, with ``{placeholders}`` filled from ``values``.

    Examples
    --------
    >>> text("rank_of", "en", rank=2, n=4)
    '2 of 4'
    """
    return _TEXT[check_lang(lang)][key].format(**values)


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values are not missing
        return False


def display_text(value: Any) -> str:
    """``value`` as (unescaped) display text; missing values become an em dash."""
    return _MISSING if _is_missing(value) else str(value)


def _label(entry: dict[str, Any] | None, name: str, lang: str) -> str:
    labels = (entry or {}).get("label") or {}
    return str(labels.get(lang) or labels.get("en") or name)


def component_labels(result: Result, lang: str = "en") -> dict[str, str]:
    """Component name → display label, in the scheme's order.

    Components present in ``scores`` but absent from the scheme keep their name as label.
    """
    check_lang(lang)
    components = (result.meta.get("scheme") or {}).get("components") or {}
    labels = {name: _label(entry, name, lang) for name, entry in components.items()}
    if not labels:  # no scheme in meta: fall back to DESIGN §3's three components
        labels = {name: name for name in ("daily_work", "effectiveness", "service_rating") if name in result.scores}
    return labels


def grade_label(result: Result, grade: Any, lang: str = "en") -> str:
    """Display label of a grade band name; missing grades read "Ungraded"."""
    if _is_missing(grade) or str(grade) == "":
        return text("ungraded", lang)
    bands = ((result.meta.get("scheme") or {}).get("grades") or {}).get("bands") or []
    for band in bands:
        if band.get("name") == grade:
            return _label(band, str(grade), lang)
    return str(grade)


def flag_labels(flags: Any, lang: str = "en") -> str:
    """Readable form of a ``;``-separated ``flags`` string (``""`` if there are none)."""
    if _is_missing(flags):
        return ""
    names = [f.strip() for f in str(flags).split(";") if f.strip()]
    known = _TEXT[check_lang(lang)]
    return "; ".join(known.get(f"flag.{name}", name) for name in names)


def format_score(value: Any, decimals: int = 1) -> str:
    """A score rounded half up (四舍五入) to ``decimals`` for display; missing → em dash.

    The shortest decimal form of the float is rounded, so ``70.25`` shows as ``70.3`` (plain
    ``f"{70.25:.1f}"`` would give ``70.2``).

    Examples
    --------
    >>> format_score(87.34), format_score(70.25), format_score(None)
    ('87.3', '70.3', '—')
    """
    if _is_missing(value):
        return _MISSING
    number = Decimal(repr(float(value)))
    if not number.is_finite():
        return str(float(value))
    return str(number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def _signed(value: Any) -> str:
    if _is_missing(value):
        return _MISSING
    value = float(value)
    if math.isclose(value, 0.0, abs_tol=1e-12):
        return "0.0"
    return ("+" if value > 0 else "-") + format_score(abs(value))


def rank_text(result: Result, group_id: str, lang: str = "en") -> str:
    """``"r of N"`` (``第r名（共N个）`` in Chinese), N being every ranked group."""
    rank = result.group(group_id)["rank"]
    if _is_missing(rank):
        return _MISSING
    return text("rank_of", lang, rank=int(rank), n=len(result.scores))


def _members(result: Result, group_id: str) -> pd.Series:
    rows = result.groups[result.groups["group_id"] == group_id]
    return rows.iloc[0] if not rows.empty else pd.Series(dtype=object)


def _group_name(result: Result, group_id: str) -> str:
    name = result.group(group_id).get("name")
    if _is_missing(name):
        name = _members(result, group_id).get("name")
    return display_text(name)


def _key_value(rows: dict[str, str], uuid: str, css_class: str) -> Styler:
    """A two-column label/value table, its text escaped by pandas."""
    frame = pd.DataFrame({"value": list(rows.values())}, index=pd.Index(list(rows.keys())), dtype=object)
    return (
        frame.style.format(escape="html", na_rep=_MISSING)
        .format_index(escape="html", axis=0)
        .hide(axis="columns")
        .set_uuid(uuid)
        .set_table_attributes(f'class="{css_class}"')
    )


def title(result: Result, group_id: str, lang: str = "en") -> HTML:
    """The report's heading: the group's name, the assessment year and the group ID.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    IPython.display.HTML
        An ``<h1>`` and a subtitle, every piece of data escaped with :func:`html.escape`.
    """
    name = html.escape(_group_name(result, group_id))
    sub = html.escape(f"{text('title', lang, year=result.meta.get('year', ''))} · {group_id}")
    return HTML(f'<h1 class="assess-title">{name}</h1>\n<p class="assess-subtitle">{sub}</p>')


def heading(key: str, lang: str = "en") -> HTML:
    """A section heading such as ``"summary"``, ``"components"``, ``"indicators"``."""
    return HTML(f"<h2>{html.escape(text(key, lang))}</h2>")


def header(result: Result, group_id: str, lang: str = "en") -> Styler:
    """Who the group is: name, members, unit, assessment year and date.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    pandas.io.formats.style.Styler
        A label/value table; pandas escapes its text (``escape="html"``).
    """
    members = _members(result, group_id)
    rows = {
        text("group", lang): _group_name(result, group_id),
        text("group_id", lang): group_id,
        text("leader", lang): display_text(members.get("leader")),
        text("department_head", lang): display_text(members.get("department_head")),
        text("staff", lang): display_text(members.get("staff")),
        text("unit", lang): display_text(members.get("unit")),
        text("year", lang): display_text(result.meta.get("year")),
        text("as_of", lang): display_text(result.meta.get("as_of")),
    }
    return _key_value(rows, "header", "assess-kv assess-header")


def summary(result: Result, group_id: str, lang: str = "en") -> Styler:
    """The result: final score (1 decimal), grade label, rank "r of N", its parts and notes.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    pandas.io.formats.style.Styler
        A label/value table of display strings (``.data["value"]`` holds them); the
        grade reads "Ungraded" for groups without one, notes explain the flags.
    """
    row = result.group(group_id)
    rows = {
        text("final_score", lang): format_score(row.get("final_score")),
        text("grade", lang): grade_label(result, row.get("grade"), lang),
        text("rank", lang): rank_text(result, group_id, lang),
        text("base_score", lang): format_score(row.get("base_score")),
        text("bonus", lang): _signed(row.get("bonus")),
        text("deduction", lang): _signed(-float(row["deduction"]) if not _is_missing(row.get("deduction")) else None),
    }
    for name, label in component_labels(result, lang).items():
        rows[label] = format_score(row.get(name))
    flags = flag_labels(row.get("flags"), lang)
    if flags:
        rows[text("flags", lang)] = flags
    return _key_value(rows, "summary", "assess-kv assess-summary")


def indicator_table(result: Result, group_id: str, lang: str = "en") -> pd.DataFrame:
    """One row per indicator of the group, rounded for display.

    Columns ``indicator, component, raw, normalized, weight``; ``component`` holds the
    component's label, rows follow the scheme's component order. ``raw`` is rounded to
    3 decimals, ``normalized`` to 1 and ``weight`` to 2.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    group_id : str
        The group; ``KeyError`` if it is not in ``result``.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    DataFrame
        Display it with :func:`table`.
    """
    labels = component_labels(result, lang)
    order = {name: i for i, name in enumerate(labels)}
    rows = result.indicators[result.indicators["group_id"] == group_id]
    table_ = pd.DataFrame(
        {
            "indicator": rows["indicator"].astype(str).to_numpy(),
            "component": [labels.get(c, display_text(c)) for c in rows["component"]],
            "raw": pd.to_numeric(rows["raw"], errors="coerce").round(3).to_numpy(),
            "normalized": pd.to_numeric(rows["normalized"], errors="coerce").round(1).to_numpy(),
            "weight": pd.to_numeric(rows["weight"], errors="coerce").round(2).to_numpy(),
        }
    )
    position = pd.Series([order.get(c, len(order)) for c in rows["component"]])
    return table_.iloc[position.argsort(kind="stable").to_numpy()].reset_index(drop=True)


_DECIMALS = {"raw": 3, "normalized": 1, "weight": 2}


def table(frame: pd.DataFrame, lang: str = "en") -> Styler:
    """Display ``frame`` without its index, headers translated, text escaped, NaN as "—".

    Columns named like :func:`indicator_table`'s get its decimals; other columns are
    shown as they are.

    Parameters
    ----------
    frame : DataFrame
        The table to show.
    lang : {"en", "zh"}
        Header language.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    check_lang(lang)
    known = _TEXT[lang]
    shown = frame.rename(columns={c: known[c] for c in frame.columns if isinstance(c, str) and c in known})
    styler = shown.style.hide(axis="index").set_uuid("table").set_table_attributes('class="assess-table"')
    for column, new in zip(frame.columns, shown.columns, strict=True):
        if column in _DECIMALS:
            styler = styler.format(precision=_DECIMALS[column], na_rep=_MISSING, subset=[new])
        else:
            styler = styler.format(escape="html", na_rep=_MISSING, subset=[new])
    return styler.format_index(escape="html", axis=1)


def provenance(result: Result, lang: str = "en") -> Styler:
    """Where the numbers come from: input and scheme hashes, package version, time.

    Parameters
    ----------
    result : Result
        A loaded assessment result.
    lang : {"en", "zh"}
        Label language.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    meta = result.meta
    rows = {
        text("input_sha256", lang): display_text(meta.get("input_sha256")),
        text("scheme_sha256", lang): display_text(meta.get("scheme_sha256")),
        text("scheme_name", lang): display_text((meta.get("scheme") or {}).get("name")),
        text("version", lang): display_text(meta.get("version")),
        text("generated_at", lang): display_text(meta.get("generated_at")),
    }
    return _key_value(rows, "provenance", "assess-kv assess-provenance")


def figure_png(fig: Figure, dpi: int = 120) -> bytes:
    """Render ``fig`` to PNG bytes (Agg, no pyplot state involved)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def figure(fig: Figure, dpi: int = 120, alt: str | None = None) -> Image:
    """``fig`` as an embedded PNG for the notebook (the HTML report inlines it).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure, e.g. from :mod:`assess.plots`.
    dpi : int
        Resolution of the PNG.
    alt : str, optional
        Alternative text; default the figure's label, which :mod:`assess.plots` sets to a
        short description.

    Returns
    -------
    IPython.display.Image
    """
    return Image(data=figure_png(fig, dpi=dpi), format="png", embed=True, alt=alt or fig.get_label() or None)
