"""Tests of the report helpers, the figures and the papermill report batch.

The notebook-running tests share two module-scoped renderings (the real template, and a
tiny template that fails for one group) so each notebook runs once per suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_notebook

from assess import plots, report
from assess.reports import DEFAULT_TEMPLATE, ReportOutcome, render_reports, write_index
from assess.result import Result, load_result, save_result

PLANTED = "<script>alert(1)</script>"
PLANTED_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

SCHEME = {
    "name": "default",
    "components": {
        "daily_work": {"weight": 0.3, "label": {"en": "Daily work", "zh": "日常工作"}},
        "effectiveness": {"weight": 0.4, "label": {"en": "Work effectiveness", "zh": "工作成效"}},
        "service_rating": {"weight": 0.3, "label": {"en": "Service-recipient rating", "zh": "服务对象评价"}},
    },
    "grades": {
        "bands": [
            {"name": "excellent", "min": 90, "quota": 0.2, "label": {"en": "Excellent", "zh": "优秀"}},
            {"name": "good", "min": 80, "label": {"en": "Good", "zh": "良好"}},
            {"name": "pass", "min": 60, "label": {"en": "Pass", "zh": "合格"}},
            {"name": "fail", "min": 0, "label": {"en": "Fail", "zh": "不合格"}},
        ],
        "quota_rounding": "floor",
        "ties": "demote",
        "tie_break": ["effectiveness", "service_rating", "daily_work"],
    },
}

# final score → (shown with 1 decimal, rank "r of 4")
EXPECTED = {
    "G01": ("第一工作组", "91.9", "1 of 4", "Excellent"),
    "G02": (PLANTED, "81.4", "2 of 4", "Good"),
    "G03": ("第三工作组", "66.1", "3 of 4", "Pass"),
    "G04": ("第四工作组", "57.6", "4 of 4", "Ungraded"),
}


def make_result() -> Result:
    """Four groups; G02's name is an XSS probe, G03 is vetoed, G04 lacks a component."""
    scores = pd.DataFrame(
        {
            "group_id": ["G01", "G02", "G03", "G04"],
            "name": [EXPECTED[g][0] for g in ("G01", "G02", "G03", "G04")],
            "daily_work": [92.5, 81.0, 70.4, 55.0],
            "effectiveness": [88.0, 79.5, 66.0, np.nan],
            "service_rating": [90.0, 85.0, 72.0, 60.0],
            "base_score": [89.94, 81.41, 69.12, 57.61],
            "bonus": [2.0, 0.0, 0.0, 0.0],
            "deduction": [0.0, 0.0, 3.0, 0.0],
            "final_score": [91.94, 81.41, 66.12, 57.61],
            "grade": ["excellent", "good", "pass", None],
            "rank": [1, 2, 3, 4],
            "flags": ["", "", "veto", "insufficient_data"],
        }
    )
    indicators = pd.DataFrame(
        [
            {"group_id": g, "indicator": ind, "component": comp, "raw": raw, "normalized": raw * 100, "weight": w}
            for g, base in zip(scores["group_id"], [0.95, 0.8, 0.7, 0.5], strict=True)
            for ind, comp, w, raw in [
                ("ledger_on_time", "daily_work", 0.4, base),
                ("visit_coverage", "daily_work", 0.4, base - 0.05),
                ("problem_resolution", "effectiveness", 0.3, base - 0.1),
                ("rating_score", "service_rating", 0.8, base * 0.9),
            ]
        ]
    )
    groups = pd.DataFrame(
        {
            "group_id": scores["group_id"],
            "name": scores["name"],
            "leader": ["张伟", "李娜", "王强", "赵敏"],
            "department_head": ["陈静", "刘洋", "杨帆", "黄磊"],
            "staff": ["周杰", "吴芳", "徐亮", "孙丽"],
            "unit": ["区发改局", "区商务局", "区住建局", None],
        }
    )
    meta = {
        "year": 2024,
        "as_of": "2024-12-31",
        "scheme": SCHEME,
        "input_sha256": "a" * 64,
        "scheme_sha256": "b" * 64,
        "version": "0.1.0",
        "generated_at": "2025-01-06T09:00:00+08:00",
    }
    return Result(scores=scores, indicators=indicators, groups=groups, meta=meta)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_result(make_result(), tmp_path_factory.mktemp("result") / "results")


@pytest.fixture(scope="module")
def rendered(saved: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ReportOutcome]]:
    out = tmp_path_factory.mktemp("out")
    return out, render_reports(saved, out, list(EXPECTED), progress=False)


@pytest.fixture(scope="module")
def failing(saved: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ReportOutcome]]:
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
    return out, render_reports(saved, out, ["G01", "G02", "G03"], template=template, progress=False)


def _html(out: Path, group_id: str) -> str:
    return (out / "reports" / f"{group_id}.html").read_text(encoding="utf-8")


# --- helpers and figures (fast, in process) -------------------------------------------


def test_summary_values() -> None:
    result = make_result()
    for group_id, (_, score, rank, grade) in EXPECTED.items():
        values = report.summary(result, group_id).data["value"]
        assert values["Final score"] == score
        assert values["Rank"] == rank
        assert values["Grade"] == grade
    zh = report.summary(result, "G03", "zh").data["value"]
    assert zh["等次"] == "合格"
    assert zh["排名"] == "第3名（共4个）"
    assert zh["备注"] == "一票否决：最低等次"


def test_format_score_rounds_half_up() -> None:
    assert report.format_score(70.25) == "70.3"
    assert report.format_score(0.05) == "0.1"
    assert report.format_score(float("nan")) == "—"


def test_header_escapes_and_shows_members() -> None:
    markup = report.header(make_result(), "G02").to_html()
    assert PLANTED not in markup
    assert PLANTED_ESCAPED in markup
    assert "李娜" in markup and "刘洋" in markup and "吴芳" in markup and "区商务局" in markup
    assert PLANTED not in report.title(make_result(), "G02").data


def test_indicator_table_is_rounded_and_ordered() -> None:
    table = report.indicator_table(make_result(), "G01")
    assert list(table.columns) == ["indicator", "component", "raw", "normalized", "weight"]
    assert table["component"].tolist() == ["Daily work", "Daily work", "Work effectiveness", "Service-recipient rating"]
    assert table.loc[3, "raw"] == pytest.approx(0.855)
    assert table.loc[3, "normalized"] == pytest.approx(85.5)


def test_unknown_language_and_group_are_refused() -> None:
    with pytest.raises(ValueError, match="'fr' is not supported"):
        report.summary(make_result(), "G01", "fr")
    with pytest.raises(KeyError, match="G99"):
        report.summary(make_result(), "G99")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_are_returned_not_registered(lang: str) -> None:
    before = plt.get_fignums()
    result = make_result()
    with plt.rc_context():
        rc_before = dict(plt.rcParams)
        figs = [
            plots.components_vs_peers(result, "G04", lang),
            plots.score_distribution(result, lang, highlight="G02"),
        ]
        assert dict(plt.rcParams) == rc_before  # no style leaks out of the plots
    for fig in figs:
        assert isinstance(fig, Figure)
        assert report.figure_png(fig).startswith(b"\x89PNG")
    assert plt.get_fignums() == before
    # Same result, same picture (the strip jitter is seeded).
    again = plots.components_vs_peers(result, "G04", lang)
    assert report.figure_png(again) == report.figure_png(figs[0])


# --- the batch (runs notebooks) -------------------------------------------------------


@pytest.mark.slow
def test_every_group_gets_a_report(rendered: tuple[Path, list[ReportOutcome]]) -> None:
    out, outcomes = rendered
    assert [o.group_id for o in outcomes] == list(EXPECTED)
    assert all(o.ok and o.error is None for o in outcomes), [o.error for o in outcomes]
    for outcome in outcomes:
        assert outcome.html_path == out / "reports" / f"{outcome.group_id}.html"
        assert outcome.html_path.is_file()
        assert outcome.notebook_path == out / "notebooks" / f"{outcome.group_id}.ipynb"
        assert outcome.notebook_path.is_file()
    assert not list((out / "reports").glob(".*"))  # no temporary files left behind


@pytest.mark.slow
@pytest.mark.parametrize("group_id", list(EXPECTED))
def test_report_content(rendered: tuple[Path, list[ReportOutcome]], group_id: str) -> None:
    out, _ = rendered
    name, score, rank, grade = EXPECTED[group_id]
    page = _html(out, group_id)
    shown_name = PLANTED_ESCAPED if name == PLANTED else name
    assert shown_name in page
    assert re.search(rf"Final score</th>\s*<td[^>]*>{re.escape(score)}</td>", page)
    assert re.search(rf"Rank</th>\s*<td[^>]*>{re.escape(rank)}</td>", page)
    assert re.search(rf"Grade</th>\s*<td[^>]*>{re.escape(grade)}</td>", page)
    assert page.count('src="data:image/png;base64,') == 2


@pytest.mark.slow
@pytest.mark.parametrize("group_id", list(EXPECTED))
def test_report_is_self_contained_without_code(rendered: tuple[Path, list[ReportOutcome]], group_id: str) -> None:
    out, _ = rendered
    page = _html(out, group_id)
    lowered = page.lower()
    assert "<script src=" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert "<link" not in lowered
    assert "load_result(" not in page
    assert "report.summary(" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page


@pytest.mark.slow
def test_planted_script_never_appears_raw(rendered: tuple[Path, list[ReportOutcome]]) -> None:
    out, _ = rendered
    page = _html(out, "G02")
    assert PLANTED not in page
    assert PLANTED_ESCAPED in page
    assert "<script" not in page.lower()


@pytest.mark.slow
def test_notebooks_ran_cleanly(rendered: tuple[Path, list[ReportOutcome]]) -> None:
    """No warnings or tracebacks printed by the kernel end up in a report."""
    out, _ = rendered
    nb = nbformat.read(out / "notebooks" / "G01.ipynb", as_version=4)
    streams = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") in ("stream", "error")]
    assert streams == []
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.slow
def test_failing_group_is_recorded_and_others_continue(failing: tuple[Path, list[ReportOutcome]]) -> None:
    out, outcomes = failing
    by_id = {o.group_id: o for o in outcomes}
    assert [o.group_id for o in outcomes] == ["G01", "G02", "G03"]
    assert not by_id["G02"].ok
    assert by_id["G02"].html_path is None
    assert by_id["G02"].error is not None and "boom" in by_id["G02"].error
    assert by_id["G02"].error.startswith("ValueError")
    assert by_id["G02"].notebook_path is not None and by_id["G02"].notebook_path.is_file()
    assert not (out / "reports" / "G02.html").exists()  # the stale report is gone too
    for group_id in ("G01", "G03"):
        assert by_id[group_id].ok
        assert f"report for {group_id}" in _html(out, group_id)
    assert not list((out / "reports").glob(".*"))


@pytest.mark.slow
def test_index_links_ok_groups_and_lists_failures(saved: Path, failing: tuple[Path, list[ReportOutcome]]) -> None:
    out, outcomes = failing
    path = write_index(load_result(saved), outcomes, out)
    assert path == out / "index.html"
    page = path.read_text(encoding="utf-8")
    assert 'href="reports/G01.html"' in page
    assert 'href="reports/G03.html"' in page
    assert 'href="reports/G02.html"' not in page
    assert 'href="reports/G04.html"' not in page  # never rendered: listed, not linked
    failed = page.split("Failed reports", 1)[1]
    assert "G02" in failed and "boom" in failed
    assert PLANTED not in page
    assert PLANTED_ESCAPED in failed
    lowered = page.lower()
    assert "<script src=" not in lowered and "http://" not in lowered and "https://" not in lowered
    assert page.count("<script>") == 1  # the inline sorter only
    assert 'src="data:image/png;base64,' in page
    for name, score, _, grade in EXPECTED.values():
        assert score in page and grade in page
        assert (PLANTED_ESCAPED if name == PLANTED else name) in page


def test_index_without_failures_has_no_failed_section(saved: Path, tmp_path: Path) -> None:
    outcomes = [ReportOutcome(g, True, tmp_path / "reports" / f"{g}.html", None, None, 0.1) for g in EXPECTED]
    page = write_index(load_result(saved), outcomes, tmp_path).read_text(encoding="utf-8")
    assert "Failed reports" not in page
    assert all(f'href="reports/{g}.html"' in page for g in EXPECTED)


def test_render_reports_refuses_a_folder_without_result(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no saved result"):
        render_reports(tmp_path / "nothing", tmp_path / "out", ["G01"], progress=False)


def test_bad_group_id_fails_without_running(saved: Path, tmp_path: Path) -> None:
    outcome = render_reports(saved, tmp_path, ["../evil"], progress=False)[0]
    assert not outcome.ok and outcome.html_path is None
    assert "InvalidGroupId" in (outcome.error or "")
    assert not (tmp_path / "evil.html").exists()


def test_default_template_exists() -> None:
    assert DEFAULT_TEMPLATE.is_file()
    nb = nbformat.read(DEFAULT_TEMPLATE, as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
