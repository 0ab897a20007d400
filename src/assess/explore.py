"""Views of a dataset and a result for analysts, so their notebooks hold no logic.

Pure functions returning DataFrames (and, at the end, a few matplotlib ``Figure``s and the
what-if sliders), for the analysts' notebooks ``notebooks/00``–``04``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .indicators import Window, rating_rows
from .result import Result
from .scheme import Scheme, default_scheme, parse_scheme
from .validate import Dataset

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "coverage",
    "ledger_status",
    "ledger_by_month",
    "ledger_by_group",
    "out_of_window",
    "anomalies",
    "rating_distribution",
    "response_rates",
    "rating_reliability",
    "indicator_summary",
    "indicator_correlations",
    "effective_weights",
    "reweighted",
    "what_if",
    "result_html",
    "ledger_figure",
    "rating_figure",
    "correlation_figure",
    "what_if_figure",
    "weight_sliders",
]


def coverage(dataset: Dataset, year: int, as_of: str | None = None) -> pd.DataFrame:
    """Rows of each sheet per group inside the assessment window, and rows outside it.

    One row per group: recipients, ledger months, visits, problems raised, milestones
    planned, rating rows and adjustments in the window, then ``out_of_window``: dated rows
    of any sheet that the scoring ignores (another year, or after ``as_of``).
    """
    w = Window(int(year), pd.Timestamp(as_of or f"{year}-12-31"))
    t = dataset.tables
    groups = pd.Index(t["groups"]["group_id"], name="group_id")
    dated = {
        "ledger": w.contains_period(t["ledger"]["month"], "month") & t["ledger"]["month"].str.startswith(f"{year}-"),
        "visits": w.contains(t["visits"]["date"]),
        "problems": w.contains(t["problems"]["raised_on"]),
        "milestones": w.contains(t["milestones"]["planned_date"]),
        "ratings": w.contains_period(t["ratings"]["quarter"], "quarter") & t["ratings"]["quarter"].str.startswith(f"{year}-"),
        "adjustments": w.contains(t["adjustments"]["date"]),
    }
    out = pd.DataFrame({"recipients": t["recipients"].groupby("group_id").size()}, index=groups)
    outside = pd.Series(0, index=groups)
    for sheet, inside in dated.items():
        gid = t[sheet]["group_id"]
        out[sheet] = inside.groupby(gid).sum().reindex(groups)
        outside = outside.add((~inside).groupby(gid).sum().reindex(groups, fill_value=0), fill_value=0)
    out["out_of_window"] = outside
    return out.fillna(0).astype(int)


def ledger_status(dataset: Dataset, year: int) -> pd.DataFrame:
    """Each group's monthly ledger in ``year``: ``on time``, ``late``, ``not submitted`` or ``missing`` (no row)."""
    led = dataset.tables["ledger"]
    led = led[led["month"].str.startswith(f"{year}-")]
    status = pd.Series("on time", index=led.index)
    status[led["submitted_on"] > led["due_date"]] = "late"
    status[led["submitted_on"].isna()] = "not submitted"
    table = pd.DataFrame({"group_id": led["group_id"], "month": led["month"].str[5:], "status": status})
    months = [f"{m:02d}" for m in range(1, 13)]
    wide = table.pivot(index="group_id", columns="month", values="status")
    return wide.reindex(index=dataset.tables["groups"]["group_id"], columns=months).fillna("missing")


_STATUSES = ["on time", "late", "not submitted", "missing"]


def ledger_by_month(dataset: Dataset, year: int) -> pd.DataFrame:
    """Groups per monthly-ledger status (rows) and month (columns, ``01``–``12``)."""
    wide = ledger_status(dataset, year)
    counts = wide.apply(lambda month: month.value_counts()).reindex(_STATUSES).fillna(0).astype(int)
    counts.index.name = "status"
    return counts


def ledger_by_group(dataset: Dataset, year: int) -> pd.DataFrame:
    """Months per status for each group, the groups with the most months not on time first."""
    wide = ledger_status(dataset, year)
    counts = wide.apply(lambda row: row.value_counts(), axis=1).reindex(columns=_STATUSES).fillna(0).astype(int)
    counts["not on time"] = 12 - counts["on time"]
    return counts.sort_values(["not on time", "missing"], ascending=False, kind="stable")


def _dated(t: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """The date each dated row is counted by (period starts for months and quarters)."""
    w = Window(2000, pd.Timestamp("2000-12-31"))  # only for its label parsing
    return {
        "ledger": w.period_starts(t["ledger"]["month"], "month"),
        "visits": t["visits"]["date"],
        "problems": t["problems"]["raised_on"],
        "milestones": t["milestones"]["planned_date"],
        "ratings": w.period_starts(t["ratings"]["quarter"], "quarter"),
        "adjustments": t["adjustments"]["date"],
    }


def out_of_window(dataset: Dataset, year: int, as_of: str | None = None) -> pd.DataFrame:
    """Dated rows per sheet: inside the window, from earlier years, later years, or after ``as_of``.

    The scoring ignores every row outside the window (except open problems of earlier
    years, which count as overdue); a large count usually means a wrong year in the file.
    """
    as_of_ts = pd.Timestamp(as_of or f"{year}-12-31")
    rows = []
    for sheet, dates in _dated(dataset.tables).items():
        y = dates.dt.year
        rows.append(
            {
                "sheet": sheet,
                "rows": len(dates),
                "in_window": int(((y == year) & (dates <= as_of_ts)).sum()),
                "earlier_years": int((y < year).sum()),
                "after_as_of": int(((y == year) & (dates > as_of_ts)).sum()),
                "later_years": int((y > year).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("sheet")


def anomalies(dataset: Dataset, year: int, as_of: str | None = None) -> pd.DataFrame:
    """Rows that are valid but suspicious, one line per (check, group) with the count.

    Checks: a ledger submitted before its month began; a problem resolved the day it was
    raised; two visits to one recipient on one day; investment completed above plan; a
    milestone completed after the assessment date; a recipient who gave the lowest score
    to every item; and a group whose raw indicator lies far from the others (robust
    z-score from the median and the MAD, above 3.5).
    """
    t = dataset.tables
    as_of_ts = pd.Timestamp(as_of or f"{year}-12-31")
    w = Window(int(year), as_of_ts)
    parts = []

    def add(check: str, mask: pd.Series, frame: pd.DataFrame, detail: str) -> None:
        hit = frame.loc[mask.to_numpy(), "group_id"]
        if len(hit):
            counts = hit.value_counts().sort_index()
            parts.append(pd.DataFrame({"check": check, "group_id": counts.index, "rows": counts.to_numpy(), "detail": detail}))

    led = t["ledger"]
    starts = w.period_starts(led["month"], "month")
    add("ledger before its month", led["submitted_on"] < starts, led, "submitted before the month it reports on began")
    p = t["problems"]
    add("resolved the day raised", (p["status"] == "resolved") & (p["resolved_on"] == p["raised_on"]), p, "a problem resolved on the day it was raised")
    v = t["visits"]
    add("duplicate visits", v.duplicated(["group_id", "recipient_id", "date"], keep="first"), v, "a second visit to the same recipient on the same day")
    m = t["milestones"]
    add("investment above plan", m["investment_completed"] > m["investment_planned"], m, "completed investment exceeds the planned amount")
    add("completed after as_of", m["completed_on"] > as_of_ts, m, f"completion dated after the assessment date {as_of_ts.date()}")
    r = rating_rows(t, w)
    low = r.groupby(["group_id", "recipient_id"])["score"].agg(["min", "max", "size"]).reset_index()
    lo = r["score"].min() if len(r) else np.nan
    add("all-minimum rater", (low["max"] == lo) & (low["size"] >= 2), low, "a recipient gave the lowest score to every item")
    from .scoring import score  # late: scoring imports this package's modules

    raw = score(dataset, year, as_of=as_of).raw.set_index("group_id")
    med = raw.median()
    mad = (raw - med).abs().median() * 1.4826
    z = (raw - med) / mad.where(mad > 0)
    for col in raw.columns:
        far = z[col].abs() > 3.5
        if far.any():
            frame = pd.DataFrame({"group_id": raw.index})
            add(f"outlier: {col}", far.reset_index(drop=True), frame, f"{col} is more than 3.5 robust SDs from the median {med[col]:.3g}")
    cols = ["check", "group_id", "rows", "detail"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def rating_distribution(dataset: Dataset, year: int, as_of: str | None = None) -> pd.DataFrame:
    """Share of item scores per quarter (rows) and score (columns), with the number of items."""
    r = rating_rows(dataset.tables, Window(int(year), pd.Timestamp(as_of or f"{year}-12-31")))
    table = pd.crosstab(r["quarter"], r["score"], normalize="index")
    table["items"] = r.groupby("quarter").size()
    return table


def response_rates(dataset: Dataset, year: int, as_of: str | None = None) -> pd.DataFrame:
    """Per group and quarter: the share of its assigned recipients that rated it."""
    t = dataset.tables
    r = rating_rows(t, Window(int(year), pd.Timestamp(as_of or f"{year}-12-31")))
    raters = r.groupby(["group_id", "quarter"])["recipient_id"].nunique().unstack(fill_value=0)
    assigned = t["recipients"].groupby("group_id").size()
    groups = pd.Index(t["groups"]["group_id"], name="group_id")
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    rates = raters.reindex(index=groups, columns=quarters).fillna(0).div(assigned.reindex(groups), axis=0)
    return rates.assign(year=rates.mean(axis=1)).sort_values("year", kind="stable")


def rating_reliability(result: Result) -> pd.DataFrame:
    """The ratings' overall reliability and leniency notes, as a two-column table."""
    r = result.meta.get("ratings", {})
    q = result.ratings_quality if result.ratings_quality is not None else pd.DataFrame()
    rows = {
        "responses": r.get("responses"),
        "recipients who rated": r.get("raters"),
        "ICC(1)": r.get("icc1"),
        "Krippendorff's alpha (interval)": r.get("alpha"),
        "groups with too few raters": int(q["few_raters"].sum()) if "few_raters" in q else None,
        "straight-lining recipients": int(q["straight_liners"].sum()) if "straight_liners" in q else None,
        "rater leniency": r.get("leniency_note", ""),
    }
    return pd.DataFrame({"value": pd.Series(rows, dtype=object)})


def indicator_summary(result: Result) -> pd.DataFrame:
    """Distribution of each weighted indicator's normalised score and each component."""
    wide = result.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    comps = result.scores.set_index("group_id")[[c for c in (result.meta.get("scheme") or {}).get("components", {}) if c in result.scores]]
    table = pd.concat([comps, wide[list(dict.fromkeys(result.indicators["indicator"]))]], axis=1).describe().T
    table.insert(0, "missing", len(result.scores) - table["count"].astype(int))
    return table.drop(columns="count")


def indicator_correlations(result: Result, method: str = "spearman") -> pd.DataFrame:
    """Correlations between the normalised indicators (Handbook step 4: redundant or
    contradictory indicators show as large positive or negative values)."""
    wide = result.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    return wide[list(dict.fromkeys(result.indicators["indicator"]))].corr(method=method)


def effective_weights(result: Result) -> pd.DataFrame:
    """Nominal weight (component × indicator) against the effective one.

    ``effective_mean``: the weight an indicator really has after renormalisation over what
    each group has, averaged over groups; ``variance_share``: its share of the variance of
    the base score (the indicator's points' covariance with the base score ÷ its
    variance), which shows an indicator with a large weight but little spread carrying
    little of the ranking.
    """
    scheme = result.meta.get("scheme") or {}
    comp_w = {k: v["weight"] for k, v in scheme.get("components", {}).items()}
    nominal = {k: comp_w.get(v["component"], np.nan) * v["weight"] for k, v in scheme.get("indicators", {}).items()}
    c = result.contributions
    eff = c.groupby("indicator", sort=False)["effective_weight"].mean()
    points = c.pivot(index="group_id", columns="indicator", values="points")
    base = points.sum(axis=1, min_count=1)
    ok = base.notna()
    var = base[ok].var(ddof=0)
    share = points[ok].apply(lambda col: ((col - col.mean()) * (base[ok] - base[ok].mean())).mean() / var if var > 0 else np.nan)
    table = pd.DataFrame({"nominal": pd.Series(nominal), "effective_mean": eff, "variance_share": share})
    return table.reindex(list(nominal))


def reweighted(scheme: Scheme | None = None, components: dict[str, float] | None = None, indicators: dict[str, float] | None = None) -> Scheme:
    """``scheme`` with new weights, each sibling set renormalised to sum to 1.

    Weights not given keep their value before the renormalisation. Raises
    :class:`~assess.errors.SchemeError` for an unknown name or a weight ≤ 0.
    """
    scheme = scheme or default_scheme()
    data = scheme.model_dump(mode="json", exclude_none=True)
    for key, new in (("components", components or {}), ("indicators", indicators or {})):
        for name, w in new.items():
            if name not in data[key]:
                from .errors import SchemeError

                raise SchemeError("what-if", [f"{key}.{name}: no such {key[:-1]}; use one of {', '.join(data[key])}"])
            data[key][name]["weight"] = float(w)
    total = sum(c["weight"] for c in data["components"].values())
    for c in data["components"].values():
        c["weight"] = c["weight"] / total if total > 0 else c["weight"]
    for comp in data["components"]:
        members = [v for v in data["indicators"].values() if v["component"] == comp]
        s = sum(v["weight"] for v in members)
        for v in members:
            v["weight"] = v["weight"] / s if s > 0 else v["weight"]
    return parse_scheme(data, "what-if")


def what_if(nominal: Result, alternative: Result) -> pd.DataFrame:
    """Each group's score, rank and grade under two schemes, the groups that move most first."""
    a = nominal.scores.set_index("group_id")[["name", "final_score", "rank", "grade"]]
    b = alternative.scores.set_index("group_id")[["final_score", "rank", "grade"]]
    table = a.merge(b, left_index=True, right_index=True, how="left", suffixes=("", "_alt"))
    table["score_change"] = table["final_score_alt"] - table["final_score"]
    table["rank_change"] = (table["rank"] - table["rank_alt"]).astype("Int64")  # positive: moves up
    table["grade_changed"] = table["grade"].fillna("-") != table["grade_alt"].fillna("-")
    order = table["rank_change"].abs().astype("Float64").fillna(0)
    return table.assign(_o=order).sort_values(["grade_changed", "_o"], ascending=False, kind="stable").drop(columns="_o")


def _escape(value: Any) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value))


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
    parts = [f"<div class='assess-result'><p>{head}</p>", "<table border='0'><tr><th>grade</th><th>等次</th><th>groups</th></tr>", grade_rows, "</table>"]
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


# ---- figures for the notebooks ---------------------------------------------------------------


def _fig(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def ledger_figure(dataset: Dataset, year: int) -> Figure:
    """Monthly ledgers of all groups: on time, late, not submitted or missing, per month."""
    counts = ledger_by_month(dataset, year)
    fig = _fig(7.5, 3.2)
    ax = fig.add_subplot()
    colours = {"on time": "#1a9850", "late": "#fdae61", "not submitted": "#d73027", "missing": "#bdbdbd"}
    bottom = np.zeros(counts.shape[1])
    for status in counts.index:
        ax.bar(counts.columns, counts.loc[status], bottom=bottom, color=colours[status], label=status, width=0.8)
        bottom += counts.loc[status].to_numpy()
    ax.set_xlabel(f"Month of {year}")
    ax.set_ylabel("Groups")
    fig.legend(loc="outside right upper", frameon=False, fontsize=8)
    fig.set_label(f"Monthly ledgers {year}")
    return fig


def rating_figure(dataset: Dataset, year: int, as_of: str | None = None) -> Figure:
    """Distribution of item scores in each quarter (stacked shares)."""
    table = rating_distribution(dataset, year, as_of).drop(columns="items")
    fig = _fig(7.5, 3.0)
    ax = fig.add_subplot()
    from matplotlib import colormaps

    cmap = colormaps["RdYlGn"]
    left = np.zeros(len(table))
    for k, col in enumerate(table.columns):
        ax.barh(table.index, table[col], left=left, color=cmap(k / max(len(table.columns) - 1, 1)), label=f"{col:g}")
        left += table[col].to_numpy()
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("Share of item scores")
    fig.legend(title="score", loc="outside right upper", frameon=False, fontsize=8)
    fig.set_label(f"Rating scores by quarter {year}")
    return fig


def correlation_figure(result: Result, method: str = "spearman") -> Figure:
    """Heat map of :func:`indicator_correlations`."""
    corr = indicator_correlations(result, method)
    n = len(corr)
    fig = _fig(1.2 + 0.62 * n, 0.8 + 0.55 * n)
    ax = fig.add_subplot()
    image = ax.imshow(corr.to_numpy(), vmin=-1, vmax=1, cmap="RdBu_r")
    ax.set_xticks(range(n), corr.columns, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n), corr.index, fontsize=8)
    for i in range(n):
        for j in range(n):
            v = corr.iat[i, j]
            if not np.isnan(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white" if abs(v) > 0.6 else "black")
    fig.colorbar(image, ax=ax, shrink=0.8, label=f"{method.capitalize()} correlation")
    fig.set_label(f"Correlations between indicators ({method})")
    return fig


def what_if_figure(table: pd.DataFrame) -> Figure:
    """Final score under the scheme against the alternative, one dot per group (from :func:`what_if`)."""
    fig = _fig(5.0, 4.6)
    ax = fig.add_subplot()
    changed = table["grade_changed"].to_numpy(dtype=bool)
    ax.plot([0, 100], [0, 100], color="0.7", linewidth=1)
    ax.scatter(table.loc[~changed, "final_score"], table.loc[~changed, "final_score_alt"], s=18, color="#4a6fa5", label="same grade")
    ax.scatter(table.loc[changed, "final_score"], table.loc[changed, "final_score_alt"], s=30, color="#d73027", label="grade changes")
    for gid, row in table[changed].iterrows():
        ax.annotate(str(gid), (row["final_score"], row["final_score_alt"]), xytext=(3, 3), textcoords="offset points", fontsize=7)
    lo = float(np.nanmin(table[["final_score", "final_score_alt"]].to_numpy(dtype=float))) - 2 if len(table) else 0
    ax.set_xlim(lo, 100)
    ax.set_ylim(lo, 100)
    ax.set_xlabel("Final score under the scheme")
    ax.set_ylabel("Final score under the alternative")
    ax.legend(frameon=False, fontsize=8)
    fig.set_label("What if: final scores under two schemes")
    return fig


def weight_sliders(dataset: Dataset, year: int, scheme: Scheme | None = None, as_of: str | None = None) -> Any:
    """ipywidgets sliders for the component weights; moving them rescores and shows the
    groups whose grade or rank changes (the weights are renormalised to sum to 1)."""
    import ipywidgets as widgets
    from IPython.display import display

    from .scoring import score

    scheme = scheme or default_scheme()
    nominal = score(dataset, year, as_of=as_of, scheme=scheme)
    sliders = {name: widgets.FloatSlider(value=c.weight, min=0.05, max=1.0, step=0.05, description=name, continuous_update=False) for name, c in scheme.components.items()}

    def show(**weights: float) -> None:
        alt = score(dataset, year, as_of=as_of, scheme=reweighted(scheme, components=weights))
        table = what_if(nominal, alt)
        moved = int(table["grade_changed"].sum())
        print(f"{moved} group(s) change grade; largest rank move {int(table['rank_change'].abs().max())}")
        display(table.head(15).round(1))

    return widgets.interactive(show, **sliders)
