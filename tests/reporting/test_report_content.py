"""Tests of the report content (facts, sections, labels), the figures, the pages and the batch.

Fast tests score a small sample year in process; the notebook-running tests (``slow``)
share module-scoped renderings so each notebook runs once per suite.
"""

from __future__ import annotations

import html
import math
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_notebook, new_output

from assess.batch._runner import DEFAULT_TEMPLATE, ReportOutcome, render_reports, write_index
from assess.intake._validate import load
from assess.reporting import _facts as facts
from assess.reporting import _i18n as labels
from assess.reporting import _pages as pages
from assess.reporting import _provenance as provenance
from assess.reporting import figures as plots
from assess.reporting import sections as report
from assess.scoring._compute import score
from assess.scoring._result import load_result
from planted import EPOCH, GENERATED_AT, PLANTED_COMMENT, PLANTED_NAME, PLANTED_REASON, page_for, score_planted
from workbooks import minimal_sheets, write_workbook

ESCAPED = {p: html.escape(p) for p in (PLANTED_NAME, PLANTED_COMMENT, PLANTED_REASON)}


@pytest.fixture(scope="module")
def scored(planted_scored: Path) -> Path:
    """The planted sample year, scored: ``scores.xlsx`` and ``results/`` (read only)."""
    return planted_scored


@pytest.fixture(scope="module")
def result(scored: Path):
    return load_result(scored / "results")


@pytest.fixture(scope="module")
def xlsx(scored: Path) -> dict[str, pd.DataFrame]:
    return pd.read_excel(
        scored / "scores.xlsx", sheet_name=["scores", "indicators"], dtype={"group_id": str}, engine="calamine"
    )


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory):
    """The two-group workbook of ``workbooks.minimal_sheets``, scored for 2025."""
    path = write_workbook(tmp_path_factory.mktemp("minimal") / "minimal.xlsx", minimal_sheets())
    return score(load(path), year=2025)


@pytest.fixture(scope="module")
def built(result):
    """``page_for`` of the planted result, built once per (group, language)."""
    cache: dict[tuple[str, str], str] = {}

    def get(group_id: str, lang: str = "en") -> str:
        if (group_id, lang) not in cache:
            cache[group_id, lang] = page_for(result, group_id, lang)
        return cache[group_id, lang]

    return get


def _expected_rank(scores: pd.DataFrame, group_id: str, lang: str = "en") -> str:
    """The rank in words, worked out from ``scores``: vetoed and ungraded groups are not
    ranked; N counts the groups that are ranked."""
    flags = scores["flags"].fillna("").astype(str)
    out = flags.str.contains("veto") | flags.str.contains("insufficient_data")
    row = scores.set_index("group_id").loc[group_id]
    flag = str(row["flags"]) if isinstance(row["flags"], str) else ""
    if "veto" in flag:
        return {"en": "not ranked — veto", "zh": "未参与排名——一票否决"}[lang]
    if "insufficient_data" in flag:
        return {"en": "not ranked — insufficient data", "zh": "未参与排名——数据不足"}[lang]
    n = int((scores["rank"].notna() & ~out).sum())
    return f"{int(row['rank'])} of {n}" if lang == "en" else f"第{int(row['rank'])}名，共{n}个"


def _value(page: str, key: str) -> str:
    """The text of the element with ``data-key=key`` (unescaped)."""
    match = re.search(rf'data-key="{key}">([^<]*)<', page)
    assert match, f"no data-key={key}"
    return html.unescape(match.group(1))


# --- labels --------------------------------------------------------------------------------


def test_both_languages_have_every_label() -> None:
    assert set(labels._TEXT["en"]) == set(labels._TEXT["zh"])
    for key in labels._TEXT["en"]:
        en, zh = labels._TEXT["en"][key], labels._TEXT["zh"][key]
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), key


def test_number_formats_round_half_up() -> None:
    assert report.format_score(70.25) == "70.3"
    assert report.format_score(0.05) == "0.1"
    assert report.format_score(float("nan")) == "—"
    assert labels.format_percent(0.875) == "87.5%"
    assert labels.format_signed(-0.04) == "0.0"
    assert labels.format_signed(3.25) == "+3.3"
    assert labels.format_number(12345.65, 1, thousands=True) == "12,345.7"


def test_an_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'fr' is not supported"):
        labels.text("title", "fr")


# --- facts: hand-computed values on the minimal workbook -------------------------------------


def test_facts_of_the_minimal_workbook(minimal) -> None:
    # G1: one urgent problem raised 2025-03-01, resolved 03-20 (19 days) before its 04-01 deadline
    counts = facts.problem_counts(minimal, "G1")
    assert counts.loc["urgent"].tolist() == [0, 1, 1]
    assert counts.loc["all"].tolist() == [0, 1, 1]
    assert facts.resolution(minimal, "G1") | {"all_median": None} == {
        "resolved": 1, "median": 19.0, "mean": 19.0, "max": 19.0, "due": 1, "on_time": 1, "all_median": None,
    }  # fmt: skip
    assert facts.overdue_problems(minimal, "G1").empty
    # one milestone planned 05-31, done 05-20, 80 of 100 invested
    ms = facts.milestones(minimal, "G1")
    assert ms[["milestone", "status", "investment_planned", "investment_completed"]].values.tolist() == [
        ["土方平整", "on_time", 100.0, 80.0]
    ]
    assert facts.investment(minimal, "G1") == {"n": 1, "on_time": 1, "planned": 100.0, "completed": 80.0, "share": 0.8}
    # one rating (5 on 1–5 → 100) with a comment
    assert facts.comments(minimal, "G1").values.tolist() == [["2025-Q1", "湖南京阳物流有限公司", "很好"]]
    by_quarter = facts.ratings_by_quarter(minimal, "G1")
    assert by_quarter["quarter"].tolist() == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert by_quarter.loc[0, "mean"] == 100.0 and by_quarter.loc[0, "responses"] == 1
    assert by_quarter["responses"].tolist()[1:] == [0, 0, 0]
    # G2: a bonus of 2, and neither problems, milestones nor ratings
    adj = facts.adjustments(minimal, "G2")
    assert adj[["kind", "points", "reason"]].values.tolist() == [["bonus", 2.0, "招商引资"]]
    assert adj.loc[0, "date"].isoformat() == "2025-06-01"
    assert facts.adjustment_totals(minimal, "G2")["bonus"] == 2.0


def test_quality_notes_of_the_minimal_workbook(minimal) -> None:
    g1 = dict(facts.quality_notes(minimal, "G1"))
    assert g1["ledger_missing"] == {"months": [f"2025-{m:02d}" for m in range(2, 13)]}
    assert g1["few_raters"] == {"raters": 1, "min": 3}
    g2 = dict(facts.quality_notes(minimal, "G2"))
    assert g2["insufficient_data"] == {
        "components": ["effectiveness", "service_rating"],
        "missing": [
            ("problems", {"year": 2025, "indicators": ["problem_resolution", "problem_on_time"]}),
            ("milestones", {"year": 2025, "indicators": ["milestone_on_time", "investment_completion"]}),
            ("ratings", {"year": 2025, "indicators": ["rating_score"]}),
        ],
    }
    assert "problem_resolution" in g2["missing_indicators"]["indicators"]
    assert len(g2["ledger_missing"]["months"]) == 12
    zh = report.quality_section(minimal, "G2", "zh").data
    assert "数据不足：工作成效、服务对象评价无法计算得分" in zh
    assert "截至考核日期有12个月未报送月度台账" in zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sections_render_with_sparse_or_missing_data(minimal, lang: str) -> None:
    """No problems, milestones, ratings or adjustments (G2), and a result without its inputs."""
    from assess.scoring._result import Result

    for group_id in ("G1", "G2"):
        page = page_for(minimal, group_id, lang)
        assert labels.text("provenance", lang) in page
    assert labels.text("no_milestones", lang) in page
    assert labels.text("no_comments", lang) in page
    bare = Result(scores=minimal.scores, indicators=minimal.indicators, groups=minimal.groups, meta=minimal.meta)
    page = page_for(bare, "G1", lang)
    assert labels.text("no_problems", lang) in page and labels.text("no_adjustments", lang) in page


# --- facts: consistent with the scoring of the sample year -----------------------------------


def test_facts_agree_with_the_indicators(result) -> None:
    raw = result.raw.set_index("group_id")
    for group_id in result.scores["group_id"]:
        row = raw.loc[group_id]
        assert len(facts.overdue_problems(result, group_id)) == row["problem_overdue_open"]
        counts = facts.problem_counts(result, group_id)
        if counts.loc["all", "all"]:
            assert counts.loc["all", "resolved"] / counts.loc["all", "all"] == pytest.approx(row["problem_resolution"])
        res = facts.resolution(result, group_id)
        if res["due"]:
            assert res["on_time"] / res["due"] == pytest.approx(row["problem_on_time"])
        inv = facts.investment(result, group_id)
        if inv["n"]:
            assert inv["on_time"] / inv["n"] == pytest.approx(row["milestone_on_time"])
        if inv["planned"]:
            assert min(inv["share"], 1.0) == pytest.approx(row["investment_completion"])
        ratings = facts.rating_summary(result, group_id)
        if ratings["possible"]:
            assert ratings["responses"] / ratings["possible"] == pytest.approx(row["rating_response"])
        table = facts.indicators(result, group_id)
        assert table["points"].sum() == pytest.approx(result.group(group_id)["base_score"])


def test_strengths_are_the_extremes_against_the_median(result) -> None:
    for group_id in result.scores["group_id"]:
        strong, weak = facts.strengths(result, group_id)
        table = facts.indicators(result, group_id).dropna(subset=["vs_median"])
        assert (strong["vs_median"] > 0).all() and (weak["vs_median"] < 0).all()
        if len(strong):
            assert strong.loc[0, "vs_median"] == table["vs_median"].max()
        if len(weak):
            assert weak.loc[0, "vs_median"] == table["vs_median"].min()


# --- sections: numbers equal scores.xlsx, text escaped, languages ----------------------------


@pytest.mark.parametrize("group_id", ["G01", "G02", "G03", "G04"])
def test_summary_numbers_equal_scores_xlsx(result, xlsx, built, group_id: str) -> None:
    row = xlsx["scores"].set_index("group_id").loc[group_id]
    page = built(group_id)
    assert _value(page, "final_score") == report.format_score(row["final_score"])
    assert _value(page, "rank") == _expected_rank(xlsx["scores"], group_id)
    assert _value(page, "base_score") == report.format_score(row["base_score"])
    for name in ("daily_work", "effectiveness", "service_rating"):
        assert _value(page, name) == report.format_score(row[name])
    grade = row["grade"] if isinstance(row["grade"], str) else None
    assert _value(page, "grade") == report.grade_label(result, grade, "en")
    if row["bonus"]:
        assert _value(page, "bonus") == "+" + report.format_score(row["bonus"])
    if row["deduction"]:
        assert _value(page, "deduction") == "-" + report.format_score(row["deduction"])


def test_indicator_table_equals_scores_xlsx(result, xlsx) -> None:
    long = xlsx["indicators"]
    for group_id in ("G01", "G05"):
        shown = report.indicator_table(result, group_id)
        expected = long[long["group_id"] == group_id].reset_index(drop=True)
        assert len(shown) == len(expected) + 1  # + the total row
        for i, row in expected.iterrows():
            assert shown.loc[i, "indicator"] == labels.indicator_label(row["indicator"])
            assert shown.loc[i, "raw"] == labels.format_number(row["raw"], 3)
            assert shown.loc[i, "normalized"] == report.format_score(row["normalized"])
            assert shown.loc[i, "weight"] == labels.format_number(row["weight"], 2)
        base = xlsx["scores"].set_index("group_id").loc[group_id, "base_score"]
        assert shown.iloc[-1]["points"] == report.format_score(base)
        assert shown.iloc[-1]["effective_weight"] == "100.0%"


def test_known_numbers_of_one_group(result, built) -> None:
    """G01 of the sample year (seed 3), worked out from the inputs."""
    page = built("G01")
    card = facts.summary(result, "G01")
    assert card["deduction"] == 1.0  # one deduction of 1 point on 2025-12-22
    assert _value(page, "deduction") == "-1.0"
    assert card["final_score"] == pytest.approx(card["base_score"] - 1.0)
    adj = facts.adjustments(result, "G01")
    assert adj[["kind", "points"]].values.tolist() == [["deduction", 1.0]]


def test_planted_markup_is_escaped_in_every_section(result, built) -> None:
    page = built("G02")
    for probe, escaped in ESCAPED.items():
        assert probe not in page
        assert escaped in page
    assert "<script" not in page.lower() and "<img src=x" not in page.lower()
    # the name in the header, the comment under the ratings, the reason under the adjustments
    assert ESCAPED[PLANTED_NAME] in report.header_section(result, "G02").data
    assert ESCAPED[PLANTED_COMMENT] in report.ratings_section(result, "G02").data
    assert ESCAPED[PLANTED_REASON] in report.adjustments_section(result, "G02").data


def test_chinese_report_has_chinese_labels(result, xlsx, built) -> None:
    page = built("G03", "zh")
    en = built("G03", "en")
    for key in (
        "final_score",
        "grade",
        "rank",
        "indicators",
        "ratings",
        "problems",
        "milestones",
        "adjustments",
        "quality",
        "improve",
        "closing",
    ):
        assert labels.text(key, "zh") in page, key
        assert f">{html.escape(labels.text(key, 'en'))}<" not in page, key
        assert f">{html.escape(labels.text(key, 'en'))}<" in en, key
    grade = result.group("G03")["grade"]
    assert _value(page, "grade") == report.grade_label(result, grade, "zh")
    assert _value(page, "rank") == _expected_rank(xlsx["scores"], "G03", "zh") == "未参与排名——一票否决"
    assert '<p class="assess-provenance">数据来源：planted.xlsx' in page
    assert '<html lang="zh-CN">' in page


def test_vetoed_group_says_why(result) -> None:
    vetoed = result.scores.loc[result.scores["flags"].str.contains("veto"), "group_id"].tolist()
    assert vetoed == ["G03"]
    page = report.summary_section(result, "G03").data
    assert (
        '<p class="assess-standing" data-note="veto">Veto: the lowest grade whatever the score, and no rank. '
        "Reason: 工作组成员在帮促工作中违反廉洁纪律，造成不良影响.</p>"
    ) in page
    assert _value(page, "rank") == "not ranked — veto"
    assert "Veto" not in report.quality_section(result, "G03").data  # a decision, not a data-quality note
    assert "A veto forces the lowest grade" in report.adjustments_section(result, "G03").data


def test_change_from_last_year(result) -> None:
    from assess.analysis._history import compare

    previous = result.scores[["group_id", "final_score", "rank", "grade"]].copy()
    previous["final_score"] = previous["final_score"] - 2.0
    previous = previous[previous["group_id"] != "G06"]
    both = compare(result, previous)
    page = report.summary_section(both, "G01").data
    assert _value(page, "change") == f"+2.0 (last year {report.format_score(result.group('G01')['final_score'] - 2.0)})"
    assert _value(report.summary_section(both, "G06", "zh").data, "change") == "本年新设"
    assert "change" not in re.findall(r'data-key="(\w+)"', report.summary_section(result, "G01").data)


def test_provenance_is_shown_and_embedded(result, built) -> None:
    page = built("G01")
    meta = dict(re.findall(r'<meta name="(assess:[\w-]+)" content="([^"]*)">', page))
    assert meta["assess:input-sha256"] == result.meta["input_sha256"]
    assert meta["assess:scheme-sha256"] == result.meta["scheme_sha256"]
    assert meta["assess:version"] == result.meta["version"]
    assert meta["assess:generated-at"] == GENERATED_AT
    assert meta["assess:group-id"] == "G01"
    assert f'<meta name="dcterms.created" content="{GENERATED_AT}">' in page
    footer = report.provenance_section(result, "G01").html
    # the footer stamps the office's local time, as scores.xlsx does: midnight UTC is 08:00 in Shanghai
    assert GENERATED_AT == "2026-01-01T00:00:00+00:00"
    for value in (
        result.meta["input_sha256"],
        result.meta["scheme_sha256"],
        "2026-01-01T08:00:00+08:00",
        "planted.xlsx",
    ):
        assert value in footer
    commit = provenance.git_commit()
    if commit is not None:
        assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", commit)
        assert meta["assess:git-commit"] == commit


def test_git_commit_is_none_outside_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    provenance.git_commit.cache_clear()
    try:
        assert provenance.git_commit(tmp_path) is None  # not a repository
        monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
        assert provenance.git_commit(tmp_path / "elsewhere") is None
    finally:
        provenance.git_commit.cache_clear()


# --- figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_are_returned_not_registered_and_reproducible(result, lang: str) -> None:
    before = plt.get_fignums()
    with plt.rc_context():
        rc_before = dict(plt.rcParams)
        figs = [
            plots.components_vs_peers(result, "G04", lang),
            plots.score_distribution(result, lang, highlight="G02"),
            plots.ratings_by_quarter(result, "G02", lang),
        ]
        assert dict(plt.rcParams) == rc_before  # no style leaks out of the plots
    pngs = [report.figure_png(fig) for fig in figs]  # each figure drawn once, as in a report
    assert all(isinstance(fig, Figure) for fig in figs)
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert plt.get_fignums() == before
    again = [
        plots.components_vs_peers(result, "G04", lang),
        plots.score_distribution(result, lang, highlight="G02"),
        plots.ratings_by_quarter(result, "G02", lang),
    ]
    assert [report.figure_png(f) for f in again] == pngs


def test_report_charts_are_full_colour_jpeg_indistinguishable_from_the_png(result) -> None:
    """figure_jpeg against figure_png of the same chart: no chroma subsampling, quality 95,
    and a peak signal-to-noise ratio far above what an eye can tell (about 40 dB)."""
    import io

    import numpy as np
    from PIL import Image, JpegImagePlugin

    fig = plots.components_vs_peers(result, "G04", "zh")
    png, jpeg = report.figure_png(fig), report.figure_jpeg(fig)
    assert jpeg[:3] == b"\xff\xd8\xff" and report.figure_jpeg(fig) == jpeg  # JPEG, and reproducible
    image = Image.open(io.BytesIO(jpeg))
    assert image.mode == "RGB" and JpegImagePlugin.get_sampling(image) == 0  # 4:4:4
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    b = np.asarray(image, dtype=float)
    assert a.shape == b.shape
    psnr = 10 * np.log10(255**2 / ((a - b) ** 2).mean())
    assert psnr > 48, psnr


def test_a_cjk_font_is_found() -> None:
    assert plots.cjk_font() is not None, "install fonts-noto-cjk (the Makefile's `system` target does)"


def test_missing_cjk_font_warns_once_and_falls_back(result, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    monkeypatch.setattr(plots, "_warned", False)
    with pytest.warns(plots.MissingFontWarning, match="apt-get install fonts-noto-cjk"):
        fig = plots.score_distribution(result, "zh")
    assert fig.axes[0].get_xlabel() == "Final score"  # English rather than boxes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plots.figure_lang("zh") == "en"  # no second warning


# --- pages -----------------------------------------------------------------------------------


def test_render_html_takes_meta_drops_stderr_and_random_ids() -> None:
    nb = new_notebook()
    cell = new_code_cell("x")
    cell.outputs = [
        new_output("stream", name="stderr", text="UserWarning: internal"),
        new_output(
            "display_data",
            data={"text/html": "<p>visible</p>", "text/plain": "p", report.PAGE_META_MIME: {"assess:group-id": "G<1>"}},
        ),
    ]
    nb.cells = [cell]
    page = pages.render_html(nb, "T <x>", "zh")
    assert "<p>visible</p>" in page and "UserWarning" not in page
    assert '<meta name="assess:group-id" content="G&lt;1&gt;">' in page
    assert "<title>T &lt;x&gt;</title>" in page and '<html lang="zh-CN">' in page
    assert cell.id not in page and 'id="cell-id=cell-0"' in page
    nb.cells[0].id = "another-random-id"
    assert pages.render_html(nb, "T <x>", "zh") == page


def test_pages_forbid_every_request(built) -> None:
    page = built("G01")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src 'none'" in csp and "script-src 'none'" in csp and "img-src data:" in csp
    lowered = page.lower()
    assert "http://" not in lowered and "https://" not in lowered and "<link" not in lowered
    assert "@media print" in page and "assess-break" not in page and "break-before: page" not in page  # sections flow
    assert "thead { display: table-header-group; }" in page and "tr, img, figure, .assess-card" in page  # never split
    assert '@bottom-right { content: "Page " counter(page) " of " counter(pages); }' in page
    assert page.count('class="assess-running"') == 1


def _outcomes(out: Path, ok: list[str], failed: dict[str, str]) -> list[ReportOutcome]:
    (out / "reports").mkdir(parents=True, exist_ok=True)
    outcomes = []
    for group_id in ok:
        path = out / "reports" / f"{group_id}.html"
        path.write_text("report", encoding="utf-8")
        outcomes.append(ReportOutcome(group_id, True, path, None, None, 0.1))
    outcomes += [ReportOutcome(g, False, None, None, e, 0.1) for g, e in failed.items()]
    return outcomes


def test_index_lists_links_and_failures(result, tmp_path: Path) -> None:
    outcomes = _outcomes(tmp_path, ["G01", "G03", "G04"], {"G02": "ValueError: <b>boom</b>"})
    page = write_index(result, outcomes, tmp_path).read_text(encoding="utf-8")
    for group_id in ("G01", "G03", "G04"):
        assert f'href="reports/{group_id}.html"' in page
    assert 'href="reports/G02.html"' not in page and 'href="reports/G05.html"' not in page
    failed = page.split("Failed reports", 1)[1].split("</table>", 1)[0]
    assert "G02" in failed and "ValueError: &lt;b&gt;boom&lt;/b&gt;" in failed and ESCAPED[PLANTED_NAME] in failed
    assert PLANTED_NAME not in page
    groups_table = page.split('<table class="sortable', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", groups_table.split("<tbody>", 1)[1])
    assert len(rows) == 6
    for _, row in result.scores.iterrows():
        assert report.format_score(row["final_score"]) in page
    assert page.count("<script>") == 1  # the inline sorter only, allowed by its hash in the CSP
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", page)
    assert 'src="data:image/jpeg;base64,' in page
    assert f'<meta name="assess:input-sha256" content="{result.meta["input_sha256"]}">' in page
    assert "Groups per grade: Excellent" in page


def test_index_in_chinese(result, tmp_path: Path) -> None:
    page = write_index(result, _outcomes(tmp_path, ["G01"], {}), tmp_path, lang="zh").read_text(encoding="utf-8")
    for key in ("group_id", "final_score", "grade", "rank"):
        assert f">{labels.text(key, 'zh')}<" in page
    assert '<p class="assess-provenance">数据来源：planted.xlsx' in page
    assert '<div class="assess-running" aria-hidden="true">考核办 · 2025年度 · 全部工作组</div>' in page
    assert "Final score" not in page and "生成失败的报告" not in page
    assert report.grade_label(result, "excellent", "zh") in page
    assert "日常工作" in page  # component labels from the scheme


def test_index_does_not_link_a_missing_file(result, tmp_path: Path) -> None:
    outcomes = [ReportOutcome("G01", True, tmp_path / "reports" / "G01.html", None, None, 0.1)]
    page = write_index(result, outcomes, tmp_path).read_text(encoding="utf-8")
    assert 'href="reports/G01.html"' not in page


# --- the batch (runs notebooks) --------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(scored: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    outcomes = render_reports(scored / "results", out, ["G01", "G02"], progress=False)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    write_index(load_result(scored / "results"), outcomes, out)
    return out


def _page(out: Path, group_id: str) -> str:
    return (out / "reports" / f"{group_id}.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_numbers_equal_scores_xlsx(rendered: Path, xlsx) -> None:
    page = _page(rendered, "G01")
    row = xlsx["scores"].set_index("group_id").loc["G01"]
    for key in ("final_score", "base_score", "daily_work", "effectiveness", "service_rating"):
        assert _value(page, key) == report.format_score(row[key])
    assert _value(page, "rank") == _expected_rank(xlsx["scores"], "G01")
    indicators = xlsx["indicators"][xlsx["indicators"]["group_id"] == "G01"]
    table = page.split('class="assess-table assess-wide assess-indicators"', 1)[1].split("</table>", 1)[0]
    cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", table)]
    for i, (_, ind) in enumerate(indicators.iterrows()):
        raw, normalized, weight = cells[7 * i + 2 : 7 * i + 5]
        assert (raw, normalized, weight) == (
            labels.format_number(ind["raw"], 3), report.format_score(ind["normalized"]), labels.format_number(ind["weight"], 2),
        )  # fmt: skip
    assert page.count('src="data:image/jpeg;base64,') == 3
    for section in (
        "summary",
        "indicators",
        "ratings",
        "problems",
        "milestones",
        "adjustments",
        "quality",
        "provenance",
    ):
        assert f'id="section-{section}"' in page


@pytest.mark.slow
def test_report_is_self_contained_and_escaped(rendered: Path) -> None:
    page = _page(rendered, "G02")
    lowered = page.lower()
    assert "http://" not in lowered and "https://" not in lowered and "<link" not in lowered
    assert "<script" not in lowered and "<img src=x" not in lowered
    for probe in ESCAPED:
        # nbconvert re-serialises the HTML (BeautifulSoup): quotes in text need no escaping
        assert html.escape(probe, quote=False) in page
    assert "load_result(" not in page and "report.summary_section(" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert '<meta name="assess:group-id" content="G02">' in page


@pytest.mark.slow
def test_notebooks_ran_cleanly(rendered: Path) -> None:
    """No warnings, tracebacks or prints from the kernel: every output is a section."""
    nb = nbformat.read(rendered / "notebooks" / "G01.ipynb", as_version=4)
    streams = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") in ("stream", "error")]
    assert streams == []
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.slow
def test_same_inputs_give_identical_bytes(scored: Path, rendered: Path, tmp_path: Path) -> None:
    """A second run from scratch (with ``SOURCE_DATE_EPOCH``) writes the same report and index."""
    again = score_planted(tmp_path / "again", workbook=scored.parent / "planted.xlsx")
    assert (again / "results" / "meta.json").read_bytes() == (scored / "results" / "meta.json").read_bytes()
    out = tmp_path / "render"
    outcomes = render_reports(again / "results", out, ["G01", "G02"], progress=False)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]

    # The source commit is the only thing allowed to differ: other work may be committed
    # between the two runs of this test (a real rerun of one checkout gives the same one).
    def same(page: str) -> str:
        return re.sub(r"\b[0-9a-f]{40}(-dirty)?\b", "<commit>", page)

    for group_id in ("G01", "G02"):
        assert same((out / "reports" / f"{group_id}.html").read_text(encoding="utf-8")) == same(
            _page(rendered, group_id)
        )
    index = write_index(load_result(again / "results"), outcomes, out)
    assert same(index.read_text(encoding="utf-8")) == same((rendered / "index.html").read_text(encoding="utf-8"))
    assert EPOCH  # both runs were made with SOURCE_DATE_EPOCH set


@pytest.mark.slow
def test_chinese_report(scored: Path, tmp_path: Path) -> None:
    outcome = render_reports(scored / "results", tmp_path, ["G03"], progress=False, lang="zh")[0]
    assert outcome.ok, outcome.error
    page = _page(tmp_path, "G03")
    assert '<html lang="zh-CN">' in page
    for key in ("final_score", "grade", "rank", "indicators", "ratings", "problems", "quality", "provenance"):
        assert labels.text(key, "zh") in page
    assert "Final score" not in page and "Problem ledger" not in page
    assert '<meta name="assess:lang" content="zh">' in page


# --- failures (the batch never mistakes a failed report for a good one) ----------------------


@pytest.fixture(scope="module")
def failing(scored: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ReportOutcome]]:
    """Render with a template that raises for G02, over a stale G02.html from 'last year'."""
    folder = tmp_path_factory.mktemp("failing")
    template = folder / "failing.ipynb"
    nb = new_notebook()
    params = new_code_cell('group_id = "G01"\nresult_dir = ""\nlang = "en"')
    params.metadata["tags"] = ["parameters"]
    body = new_code_cell('if group_id == "G02":\n    raise ValueError("boom")\nprint("report for", group_id)')
    nb.cells = [params, body]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, template)
    out = folder / "out"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "G02.html").write_text("stale report from an earlier run", encoding="utf-8")
    return out, render_reports(scored / "results", out, ["G01", "G02", "G03"], template=template, progress=False)


@pytest.mark.slow
def test_failed_report_is_listed_not_linked(scored: Path, failing: tuple[Path, list[ReportOutcome]]) -> None:
    out, outcomes = failing
    by_id = {o.group_id: o for o in outcomes}
    assert not by_id["G02"].ok and "boom" in (by_id["G02"].error or "")
    assert not (out / "reports" / "G02.html").exists()
    page = write_index(load_result(scored / "results"), outcomes, out).read_text(encoding="utf-8")
    assert 'href="reports/G01.html"' in page and 'href="reports/G03.html"' in page
    assert 'href="reports/G02.html"' not in page
    failed = page.split("Failed reports", 1)[1]
    assert "G02" in failed and "boom" in failed


def test_default_template_holds_no_logic() -> None:
    assert DEFAULT_TEMPLATE.is_file()
    nb = nbformat.read(DEFAULT_TEMPLATE, as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    for cell in nb.cells[2:]:
        assert re.fullmatch(r"display\(sections\.\w+_section\(result, group_id, lang\)\)", cell.source.strip()), (
            cell.source
        )


def test_unknown_group_is_refused(result) -> None:
    with pytest.raises(KeyError, match="G99"):
        report.summary_section(result, "G99")
    assert math.isnan(facts.summary(result, "G01")["bonus"]) is False
    assert np.isfinite(facts.summary(result, "G01")["final_score"])


# --- standing in words, what to improve ------------------------------------------------------


def test_ranks_and_partial_scores_in_words(result, xlsx, minimal) -> None:
    """Vetoed and ungraded groups are not ranked; N counts the ranked groups; an ungraded
    group's score is labelled partial and the missing data is named."""
    assert report.rank_text(result, "G03", "en") == "not ranked — veto"
    assert report.rank_text(result, "G03", "zh") == "未参与排名——一票否决"
    ranked = xlsx["scores"][~xlsx["scores"]["flags"].fillna("").str.contains("veto|insufficient_data")]
    assert (
        report.rank_text(result, "G04", "zh")
        == f"第{int(ranked.set_index('group_id').loc['G04', 'rank'])}名，共{len(ranked)}个"
    )
    assert report.rank_text(minimal, "G2", "en") == "not ranked — insufficient data"
    assert report.rank_text(minimal, "G2", "zh") == "未参与排名——数据不足"
    assert report.rank_text(minimal, "G1", "en") == "1 of 1"
    page = report.summary_section(minimal, "G2", "en").data
    assert _value(page, "final_score") == f"{report.format_score(minimal.group('G2')['final_score'])} (partial)"
    assert "no project milestones planned in 2025" in page and "no ratings in 2025" in page
    zh = report.summary_section(minimal, "G2", "zh").data
    assert "（部分得分）" in _value(zh, "final_score") and "2025年无计划项目节点" in zh


def test_index_labels_partial_scores_and_unranked_groups(minimal, result, tmp_path: Path) -> None:
    page = write_index(minimal, [], tmp_path / "min", lang="zh").read_text(encoding="utf-8")
    g2 = page.split(">G2<", 1)[1].split("</tr>", 1)[0]
    assert f"{report.format_score(minimal.group('G2')['final_score'])}（部分得分）" in g2
    assert "未参与排名——数据不足" in g2
    en = write_index(result, [], tmp_path / "planted", lang="en").read_text(encoding="utf-8")
    rows = re.findall(r"<tr>(.*?)</tr>", en.split("<tbody>", 1)[1])
    assert "not ranked — veto" in rows[-1] and ">G03<" in rows[-1]  # unranked groups last
    assert '<td class="name">' in en


def test_quota_demotion_is_in_the_result_card_with_its_numbers(result) -> None:
    """Six graded groups, a 20 % quota on excellent (floor): one place; G02 met the threshold second."""
    assert facts.standing(result, "G02")["quota"] == {
        "band": "excellent",
        "quota": 0.2,
        "cap": 1,
        "position": 2,
        "met": 2,
        "tied_with": [],  # no tie across the cut
    }
    zh = report.summary_section(result, "G02", "zh").data
    assert "达到“优秀”分数线，但“优秀”名额1个（已评等次工作组的20%），达线2个组中本组第2，评为“良好”。" in zh
    assert "quota" not in dict(facts.quality_notes(result, "G02"))


def _weak_frames() -> dict[str, pd.DataFrame]:
    """The planted year with G05 weakened on purpose: five problems open past their deadline
    (the longest 228 days at 2025-12-31), no visits at all, the July and September ledgers
    late, every milestone on time."""
    from planted import planted_frames

    frames = planted_frames()
    p = frames["problems"]
    recipient = p.loc[p["group_id"] == "G05", "recipient_id"].iloc[0]
    deadlines = ["2025-05-17", "2025-08-01", "2025-09-30", "2025-11-01", "2025-12-01"]
    planted = pd.DataFrame(
        {
            "problem_id": [f"Q9-{i:04d}" for i in range(1, 6)],
            "group_id": "G05",
            "recipient_id": recipient,
            "raised_on": pd.to_datetime(["2025-04-01"] * 5),
            "category": ["审批手续", "用地报批", "水电配套", "融资", "用工"],
            "priority": "common",
            "responsible_unit": ["县行政审批局", "县自然资源局", "县供电公司", "县金融办", "县人社局"],
            "responsible_person": "张三",
            "deadline": pd.to_datetime(deadlines),
            "status": "open",
            "resolved_on": pd.NaT,
        }
    )
    frames["problems"] = pd.concat([p[p["group_id"] != "G05"], planted.astype(p.dtypes.to_dict())], ignore_index=True)
    frames["visits"] = frames["visits"][frames["visits"]["group_id"] != "G05"].reset_index(drop=True)
    ledger = frames["ledger"]
    own = ledger["group_id"] == "G05"
    ledger.loc[own, "submitted_on"] = ledger.loc[own, "due_date"] - pd.Timedelta(days=1)
    for month in ("2025-07", "2025-09"):
        row = own & (ledger["month"] == month)
        ledger.loc[row, "submitted_on"] = ledger.loc[row, "due_date"] + pd.Timedelta(days=6)
    m = frames["milestones"]
    m.loc[m["group_id"] == "G05", "completed_on"] = m.loc[m["group_id"] == "G05", "planned_date"]
    return frames


@pytest.fixture(scope="module")
def weak(tmp_path_factory: pytest.TempPathFactory):
    from assess.reporting._workbook import write_tables
    from planted import score_planted

    folder = tmp_path_factory.mktemp("weak")
    return load_result(score_planted(folder, write_tables(folder / "weak.xlsx", _weak_frames())) / "results")


def test_improvement_sentences_of_a_planted_weak_group(weak) -> None:
    # the two indicators costing most points against the median, worked out from the scored tables
    ind = weak.indicators.pivot(index="group_id", columns="indicator", values="normalized")
    eff = weak.contributions[weak.contributions["group_id"] == "G05"].set_index("indicator")["effective_weight"]
    lost = ((ind.median() - ind.loc["G05"]) * eff).dropna().sort_values(ascending=False, kind="stable")
    assert lost.index[0] == "visit_coverage"  # no visits at all
    expected = [
        "5个问题超期未办结，最长228天：Q9-0001（审批手续，县行政审批局）。建议会同责任单位逐项督办，限期办结并反馈。"
    ]
    for name in lost.index[:2]:
        expected.append(
            f"{labels.indicator_label(name, 'zh')}{report.format_score(ind.loc['G05', name])}分，低于全体工作组中位数"
            f"（{report.format_score(ind[name].median())}分），基础得分因此少{labels.format_number(lost[name], 1)}分。"
            + labels.text(f"advice.{name}", "zh")
        )
    expected.append("2个月月度台账逾期报送（2025年7月、2025年9月），建议在规定时限内报送。")
    assert report.improvement_sentences(weak, "G05", "zh") == expected
    en = report.improvement_sentences(weak, "G05", "en")
    assert en[0].startswith(
        "5 problem(s) overdue and still open at the assessment date, the longest by 228 days: Q9-0001"
    )
    assert en[-1] == "Monthly ledger submitted late for 2 month(s) (2025-07, 2025-09): file it by the due date."
    page = report.improvements_section(weak, "G05", "zh").data
    assert page.count("<li>") == 4 and "存在问题及改进建议" in page


def test_an_indicator_with_zero_effective_weight_is_never_the_weakest(weak) -> None:
    import dataclasses

    contributions = weak.contributions.copy()
    contributions.loc[
        (contributions["group_id"] == "G05") & (contributions["indicator"] == "visit_coverage"), "effective_weight"
    ] = 0.0
    weak = dataclasses.replace(weak, contributions=contributions)
    assert "visit_coverage" not in facts.strengths(weak, "G05")[1]["indicator"].tolist()
    assert "visit_coverage" not in [v["indicator"] for k, v in facts.improvements(weak, "G05") if k == "weak"]
    assert (
        "走访覆盖率"
        not in report.indicators_section(weak, "G05", "zh").data.split("薄弱指标", 1)[1].split("</li>", 1)[0]
    )


def test_reliability_in_plain_words_and_no_leniency(result) -> None:
    s = facts.rating_summary(result, "G01")
    zh = report.ratings_section(result, "G01", "zh").data
    body, footnote = zh.split('class="assess-footnote"', 1)
    # the group's own reliability: ICC(1) stepped up to its own number of responses (issue 19 §3)
    own = s["icc1"] * s["responses"] / (1 + (s["responses"] - 1) * s["icc1"])
    assert s["reliability"] == pytest.approx(own)
    assert "各组平均评价" in body and f"信度 {labels.format_number(own, 2)}" in body
    assert "ICC" not in body and "Krippendorff" not in body and "收缩" not in body
    assert "ICC(1,k)" in footnote and "Krippendorff" in footnote
    assert "leniency" not in report.ratings_section(result, "G01", "en").data.lower() and "宽严" not in zh
    # without icc1k in the result (written before it existed): Spearman–Brown from ICC(1), k = responses per rated group
    k = result.meta["ratings"]["responses"] / int((result.ratings_quality["responses"] > 0).sum())
    icc = result.meta["ratings"]["icc1"]
    if "icc1k" not in result.meta["ratings"]:
        assert s["icc1k"] == pytest.approx(k * icc / (1 + (k - 1) * icc)) and s["icc1k_estimated"]


def test_no_raters_is_said_plainly(minimal) -> None:
    assert facts.rating_summary(minimal, "G2")["raters"] == 0
    assert (
        "2025年没有服务对象对本组作出评价（0份），本组无评价得分。" in report.ratings_section(minimal, "G2", "zh").data
    )


def test_deductions_carry_one_sign_everywhere(result) -> None:
    """G01 has one deduction of 1 point: -1.0 in the card, the table and the applied line."""
    assert _value(report.summary_section(result, "G01").data, "deduction") == "-1.0"
    adjustments = report.adjustments_section(result, "G01", "zh").data
    assert '<td class="num">-1.0</td>' in adjustments and "扣分-1.0（上限20.0）" in adjustments


def test_chinese_report_has_no_english_words(result, built) -> None:
    """Body text of a Chinese report: no English word outside the statistics footnote, the
    provenance small print and the data itself."""
    page = built("G01", "zh")
    body = page.split("<main>", 1)[1]
    body = re.sub(r'<p class="assess-(footnote|provenance)">.*?</p>', "", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    words = set(re.findall(r"[A-Za-z]{3,}", html.unescape(body)))
    assert words <= {"SHA"}, words
