"""The ``assess`` command: outputs, exit statuses, nothing written on bad input."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

import assess
from assess.cli import main
from assess.intake._spec import SHEETS
from assess.scoring._result import INDICATOR_COLUMNS, SCORE_COLUMNS
from workbooks import minimal_sheets, write_workbook


def test_template_has_every_sheet_header_readme_and_dropdowns(tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["template", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", *SHEETS]
    for name, sheet in SHEETS.items():
        assert [c.value for c in book[name][1]] == [c.name for c in sheet.columns]
    readme = list(book["README"].iter_rows(min_row=2, values_only=True))
    aliases = {(r[0], r[2]): r[3] for r in readme if r and r[0] in SHEETS}
    assert aliases[("problems", "deadline")] == "办结时限" and aliases[("ledger", "month")] == "月份"
    assert len(aliases) == sum(len(s.columns) for s in SHEETS.values())
    lists = [dv.formula1 for dv in book["problems"].data_validations.dataValidation if dv.type == "list"]
    assert '"urgent,common,major"' in lists and '"open,resolved"' in lists
    assert book["problems"]["D2"].number_format == "yyyy-mm-dd"  # raised_on
    # the blank template is itself a readable (if empty) input
    with pytest.raises(assess.InputError) as info:
        assess.load(path)
    assert [p.rule for p in info.value.problems] == ["the groups sheet has no rows"]


def test_sample_is_deterministic_and_valid(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["sample", str(a), "--seed", "3"]) == 0
    assert main(["sample", str(b), "--seed", "3"]) == 0
    da, db = assess.load(a), assess.load(b)
    for name in SHEETS:
        pd.testing.assert_frame_equal(da.tables[name], db.tables[name])
    assert len(da.groups) == 38 and main(["validate", str(a)]) == 0


def test_score_writes_the_three_named_sheets(tmp_path, capsys):
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out / "scores.xlsx")
    assert book.sheetnames == [
        "summary",
        "scores",
        "indicators",
        "contributions",
        "ratings_quality",
        "flags",
        "overdue_problems",
        "scenarios",  # every run: the scheme's one-at-a-time alternatives (issue 19 §5)
        "provenance",
    ]
    scores = pd.read_excel(out / "scores.xlsx", sheet_name="scores", engine="calamine")
    assert list(scores.columns) == SCORE_COLUMNS
    assert (
        list(pd.read_excel(out / "scores.xlsx", sheet_name="indicators", engine="calamine").columns)
        == INDICATOR_COLUMNS
    )
    prov = dict(pd.read_excel(out / "scores.xlsx", sheet_name="provenance", engine="calamine").values.tolist())
    assert prov["input_sha256"] == assess.intake._read.file_sha256(data) and prov["version"] == assess.__version__
    assert prov["year"] == 2025 and prov["as_of"] == "2025-12-31"
    assert book["scores"].freeze_panes == "A2"


def test_bad_input_exits_2_lists_problems_and_writes_nothing(tmp_path, capsys):
    sheets = minimal_sheets()
    sheets["ledger"].append(["G1", "2025-02", "tomorrow", None, 3])
    sheets["ratings"].append(["2025-Q1", "E2", "G1", None, 4, None])
    data = write_workbook(tmp_path / "bad.xlsx", sheets)
    out = tmp_path / "out"
    for command in ("score", "run"):
        assert main([command, str(data), "--year", "2025", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "ledger, row 3, column due_date: 'tomorrow': not a date" in err
        assert "ledger, row 3, column completeness: 3.0: must be between 0 and 1" in err
        assert "ratings, row 3, column recipient_id" in err and "Traceback" not in err
        assert not out.exists()


def test_bad_scheme_exits_2(tmp_path, capsys):
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    scheme = tmp_path / "s.yaml"
    scheme.write_text(assess.default_scheme().text.replace("quota: 0.2", "quota: 1.5"), encoding="utf-8")
    assert main(["score", str(data), "--year", "2025", "--out", str(tmp_path / "o"), "--scheme", str(scheme)]) == 2
    assert "grades.bands[0].quota: 1.5 is invalid" in capsys.readouterr().err


def test_scheme_show_prints_the_default(capsys):
    assert main(["scheme", "show"]) == 0
    assert capsys.readouterr().out == assess.intake._scheme.DEFAULT_SCHEME_TEXT
