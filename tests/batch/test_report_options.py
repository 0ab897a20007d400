"""One ReportOptions value from the command line to the report batch; --failed keeps the last run's content."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.batch._ledger import Ledger
from assess.batch._options import DEFAULT_TEMPLATE, BatchError, ReportOptions, report_options
from assess.batch._pipeline import check_same_content, write_sample
from assess.cli import _report_options, build_parser, main
from assess.common._errors import OptionError


def test_the_command_line_becomes_one_report_options_value() -> None:
    args = build_parser().parse_args(
        ["run", "d.xlsx", "--year", "2025", "--out", "o", "--lang", "zh", "--pdf", "--only", "G01, G02,",
         "--workers", "3", "--timeout", "30", "-p", "sections", "summary", "--previous", "last.xlsx", "--uncertainty", "50"]
    )  # fmt: skip
    assert _report_options(args) == ReportOptions(
        lang="zh", pdf=True, only=("G01", "G02"), workers=3, timeout=30.0, parameters={"sections": "summary"},
        previous="last.xlsx", uncertainty=50,
    )  # fmt: skip
    score = build_parser().parse_args(["score", "d.xlsx", "--year", "2025", "--out", "o"])
    assert _report_options(score) == ReportOptions()  # every default, the shipped template among them
    assert ReportOptions().template == DEFAULT_TEMPLATE


def test_options_by_name_are_checked_as_the_value_is() -> None:
    assert report_options(ReportOptions(lang="zh"), only=["G01"]) == ReportOptions(lang="zh", only=("G01",))
    with pytest.raises(TypeError, match="unknown report option"):
        report_options(kernel="python3")  # it is kernel_name
    with pytest.raises(BatchError, match="either only"):
        ReportOptions(only=("G01",), failed=True)
    with pytest.raises(BatchError, match="Timeout 0 is invalid"):
        ReportOptions(timeout=0)
    with pytest.raises(BatchError, match="Retries -1 is invalid"):
        ReportOptions().replace(retries=-1)


def test_failed_keeps_the_last_runs_language_and_pdf_and_names_what_differs() -> None:
    last = ReportOptions(lang="zh", pdf=True).content()
    check_same_content(last, ReportOptions(lang="zh", pdf=True, failed=True))  # the same: no refusal
    check_same_content(None, ReportOptions(failed=True))  # no run before: nothing to differ from
    recorded = {"lang": "en", "pdf": False, "template": "/old/report.ipynb", "kernel": "python3"}
    check_same_content(
        recorded, ReportOptions(failed=True, template="fixed.ipynb")
    )  # a fixed template: what --failed is for
    with pytest.raises(OptionError) as refused:
        check_same_content(last, ReportOptions(failed=True))
    assert refused.value.lines == [
        "--failed reruns the reports that failed in the last run, with that run's options; these differ, "
        "so the reports it keeps and the ones it reruns would not match:",
        "--lang: zh in the last run, en now",
        "--pdf: yes in the last run, no now",
    ]


def test_run_failed_with_another_lang_exits_2_and_writes_nothing(tmp_path: Path, capsys) -> None:
    data = write_sample(tmp_path / "year.xlsx", groups=4)
    out = tmp_path / "out"
    out.mkdir()
    ledger = Ledger(out)  # what a first run in Chinese recorded
    ledger.start({**ReportOptions(lang="zh").content(), "executor": "local"}, groups=4, to_run=4)
    ledger.report(group_id="G01", status="failed", error_class="timeout", error="x", attempts=1)
    ledger.end(1.0, written=3, skipped=0, failed=1)
    ledger.close()
    before = (out / "run.jsonl").read_bytes()
    code = main(["run", str(data), "--year", "2025", "--out", str(out), "--failed"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--lang: zh in the last run, en now" in err and "Nothing was written." in err
    assert (out / "run.jsonl").read_bytes() == before
    assert not (out / "scores.xlsx").exists() and not (out / "reports").exists()
