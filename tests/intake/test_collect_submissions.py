"""`assess collect`: the groups' monthly workbooks merged into the master, with counts worked out by hand.

The master is the tests' minimal workbook plus a few open rows; four submissions exercise every
outcome: new rows, updates (a problem resolved, blanks filled, investment progress), exact
duplicates, conflicts (with the master, and between two files), and a bad file among good ones.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest

from assess.cli import main
from assess.common._errors import OptionError
from assess.intake import _collect as collect_module
from assess.intake._collect import collect
from assess.intake._problems import InputError
from assess.intake._validate import load
from workbooks import minimal_sheets, set_cached_value, write_workbook

PROBLEM_HEAD = ["problem_id", "group_id", "recipient_id", "raised_on", "priority", "deadline", "status", "resolved_on"]
MILESTONE_HEAD = [
    "recipient_id",
    "group_id",
    "milestone",
    "planned_date",
    "completed_on",
    "investment_planned",
    "investment_completed",
]
LEDGER_HEAD = ["group_id", "month", "due_date", "submitted_on", "completeness"]
VISIT_HEAD = ["group_id", "recipient_id", "date", "kind", "note"]


def master_sheets() -> dict[str, list[list]]:
    sheets = minimal_sheets()
    sheets["ledger"].append(["G2", "2025-01", "2025-01-25", None, None])  # not yet submitted
    sheets["problems"] += [
        ["Q2", "G1", "E1", "2025-05-01", "common", "2025-06-30", "open", None],
        ["Q3", "G2", "E2", "2025-05-10", "major", "2025-06-15", "open", None],
    ]
    sheets["milestones"].append(["P1", "G1", "主体施工", "2025-09-30", None, 500, 100])
    sheets["备忘"] = [["说明"], ["考核办内部备忘，不是输入表"]]  # a sheet of the office's own: kept as it is
    return sheets


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, Path]:
    """The master workbook and an inbox of four submissions (see the module docstring)."""
    master = write_workbook(tmp_path / "data2025.xlsx", master_sheets())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(
        inbox / "a-G1-2025-06.xlsx",
        {
            "ledger": [LEDGER_HEAD, ["G1", "2025-06", "2025-06-25", "2025-06-24", 0.8]],  # new
            "visits": [
                VISIT_HEAD,
                ["G1", "E1", "2025-06-05", "实地走访", "了解用地需求"],  # new
                ["G1", "E1", "2025-02-01", "实地走访", None],  # the master's row again: duplicate
            ],
            "problems": [
                PROBLEM_HEAD,
                ["Q2", "G1", "E1", "2025-05-01", "common", "2025-06-30", "resolved", "2025-06-20"],  # updated
                ["Q4", "G1", "P1", "2025-06-10", "urgent", "2025-07-10", "open", None],  # new
                ["Q1", "G1", "E1", "2025-03-01", "urgent", "2025-04-01", "resolved", "2025-03-20"],  # duplicate
            ],
            "milestones": [MILESTONE_HEAD, ["P1", "G1", "主体施工", "2025-09-30", None, 500, 200]],  # updated
        },
    )
    write_workbook(  # Chinese sheet names and headers, as `template --lang zh` writes them
        inbox / "b-G2-2025-06.xlsx",
        {
            "月度台账": [
                ["工作组编号", "月份", "报送截止日期", "报送日期", "完整度"],
                ["G2", "2025-01", "2025-01-25", "2025-01-28", 0.7],  # updated: fills the master's blanks
            ],
            "走访": [["工作组编号", "服务对象编号", "走访日期"], ["G2", "E2", "2025-06-03"]],  # new
            "问题台账": [
                ["问题编号", "工作组编号", "服务对象编号", "提出日期", "优先级", "办结时限", "办理状态", "办结日期"],
                ["Q3", "G2", "E2", "2025-05-10", "重大", "2025-07-31", "未办结", None],  # conflict: deadline moved
                ["Q5", "G2", "E2", "2025-06-02", "一般", "2025-06-30", "未办结", None],  # conflict with file c
            ],
        },
    )
    write_workbook(
        inbox / "c-G2-resent.xlsx",
        {
            "visits": [VISIT_HEAD, ["G2", "E2", "2025-06-03", None, None]],  # file b's row again: duplicate
            "problems": [PROBLEM_HEAD, ["Q5", "G2", "E2", "2025-06-02", "urgent", "2025-06-30", "open", None]],
        },
    )
    write_workbook(
        inbox / "d-bad.xlsx",
        {
            "ledger": [LEDGER_HEAD, ["G1", "2025-07", "soon", None, None]],  # not a date
            "visits": [VISIT_HEAD, ["G1", "E2", "2025-06-09", None, None]],  # E2 belongs to G2
        },
    )
    return master, inbox


# counts per file, worked out by hand from the fixture's comments
EXPECTED = {
    "a-G1-2025-06.xlsx": {"new": 3, "updated": 2, "duplicates": 2, "conflicts": 0, "rejected": 0},
    "b-G2-2025-06.xlsx": {"new": 1, "updated": 1, "duplicates": 0, "conflicts": 2, "rejected": 0},
    "c-G2-resent.xlsx": {"new": 0, "updated": 0, "duplicates": 1, "conflicts": 1, "rejected": 0},
    "d-bad.xlsx": {"new": 0, "updated": 0, "duplicates": 0, "conflicts": 0, "rejected": 2},
}


def test_every_row_is_new_updated_duplicate_conflict_or_rejected(office) -> None:
    master, inbox = office
    result = collect(inbox, master, now=lambda: dt.datetime(2025, 6, 30, 17, 5, 0))
    assert {f.name: f.counts() for f in result.files} == EXPECTED
    assert result.totals() == {"new": 4, "updated": 3, "duplicates": 3, "conflicts": 3, "rejected": 2}
    assert not result.complete and result.written
    bad = next(f for f in result.files if f.name == "d-bad.xlsx")
    assert {(p.file, p.sheet, p.row, p.column) for p in bad.problems} == {
        ("d-bad.xlsx", "ledger", 2, "due_date"),
        ("d-bad.xlsx", "visits", 2, "recipient_id"),
    }
    conflicts = {(p.file, p.sheet, p.row) for f in result.files for p in f.conflict_list}
    assert conflicts == {
        ("b-G2-2025-06.xlsx", "problems", 2),  # Q3's deadline
        ("b-G2-2025-06.xlsx", "problems", 3),  # Q5, against file c
        ("c-G2-resent.xlsx", "problems", 2),  # Q5, against file b
    }
    q3 = next(p for f in result.files for p in f.conflict_list if p.row == 2 and p.sheet == "problems")
    assert q3.column == "deadline" and "2025-06-15 → 2025-07-31" in q3.rule
    assert result.backup == master.with_name("data2025.2025-06-30T170500.bak.xlsx")
    warned = {f.name: [w.rule for w in f.warnings] for f in result.files}
    assert warned["a-G1-2025-06.xlsx"] == [] and warned["b-G2-2025-06.xlsx"] == []


def test_the_merged_master_holds_exactly_the_applied_rows(office) -> None:
    master, inbox = office
    before = master.read_bytes()
    result = collect(inbox, master)
    assert result.backup is not None and result.backup.read_bytes() == before  # the old master, whole
    data = load(master)
    ledger = data.ledger.set_index(["group_id", "month"])
    assert len(ledger) == 3
    assert ledger.loc[("G1", "2025-06"), "completeness"] == 0.8
    assert str(ledger.loc[("G2", "2025-01"), "submitted_on"].date()) == "2025-01-28"
    assert ledger.loc[("G2", "2025-01"), "completeness"] == 0.7
    problems = data.problems.set_index("problem_id")
    assert sorted(problems.index) == ["Q1", "Q2", "Q3", "Q4"]  # Q5 conflicted: not applied
    assert problems.loc["Q2", "status"] == "resolved" and str(problems.loc["Q2", "resolved_on"].date()) == "2025-06-20"
    assert str(problems.loc["Q3", "deadline"].date()) == "2025-06-15"  # the master's value stands
    assert len(data.visits) == 3  # 1 + G1's new one + G2's new one
    assert data.milestones.set_index("milestone").loc["主体施工", "investment_completed"] == 200
    book = openpyxl.load_workbook(master)
    assert book["备忘"]["A2"].value == "考核办内部备忘，不是输入表"  # the office's own sheet kept
    assert book.sheetnames == list(master_sheets())
    assert len(data.ratings) == 1 and len(data.adjustments) == 1


def test_the_merged_master_passes_assess_validate(office, capsys) -> None:
    master, inbox = office
    assert main(["collect", str(inbox), "--into", str(master)]) == 1  # merged, but not everything
    capsys.readouterr()
    assert main(["validate", str(master)]) == 0


def test_collecting_again_finds_only_duplicates_and_writes_nothing(office) -> None:
    master, inbox = office
    (inbox / "d-bad.xlsx").unlink()
    collect(inbox, master)
    after = master.read_bytes()
    backups = sorted(master.parent.glob("*.bak.xlsx"))
    again = collect(inbox, master)
    assert again.totals() == {"new": 0, "updated": 0, "duplicates": 10, "conflicts": 3, "rejected": 0}
    assert not again.changes and not again.written and again.backup is None
    assert master.read_bytes() == after and sorted(master.parent.glob("*.bak.xlsx")) == backups


def test_dry_run_prints_the_changes_and_writes_nothing(office, capsys) -> None:
    master, inbox = office
    before = master.read_bytes()
    names = sorted(p.name for p in master.parent.iterdir())
    assert main(["collect", str(inbox), "--into", str(master), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert master.read_bytes() == before and sorted(p.name for p in master.parent.iterdir()) == names
    lines = out.splitlines()
    assert sum(line.startswith("  new ") for line in lines) == 4
    assert sum(line.startswith("  update ") for line in lines) == 3
    assert "update problems Q2 (master row 3): status open → resolved, resolved_on — → 2025-06-20" in out
    total = next(line for line in out.splitlines() if line.startswith("total"))
    assert total.split() == ["total", "4", "3", "3", "3", "2"]
    assert "Dry run: nothing was written." in out


def test_a_crash_during_the_write_leaves_the_master_as_it_was(office, monkeypatch, capsys) -> None:
    master, inbox = office
    before = master.read_bytes()
    names = sorted(p.name for p in master.parent.iterdir())

    def crash(book, path: Path) -> None:
        path.write_bytes(b"PK\x03\x04 half a workbook")  # the disk fills up half-way
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(collect_module, "_save", crash)
    with pytest.raises(OptionError, match="data2025.xlsx was not changed: .*No space left on device"):
        collect(inbox, master)
    assert master.read_bytes() == before
    assert sorted(p.name for p in master.parent.iterdir()) == names  # no backup, no temporary file left
    assert main(["collect", str(inbox), "--into", str(master)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert master.read_bytes() == before


def test_a_crash_at_the_rename_leaves_the_master_and_a_whole_backup(office, monkeypatch) -> None:
    master, inbox = office
    before = master.read_bytes()
    real = os.replace

    def crash(src, dst) -> None:
        if Path(dst) == master:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OptionError, match="Input/output error"):
        collect(inbox, master)
    assert master.read_bytes() == before
    (backup,) = master.parent.glob("*.bak.xlsx")
    assert backup.read_bytes() == before  # a copy, whole: nothing to lose either way
    assert not [p for p in master.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_master_changed_meanwhile_is_not_overwritten(office, monkeypatch) -> None:
    master, inbox = office
    real_save = collect_module._save

    def save_while_someone_edits(book, path: Path) -> None:
        real_save(book, path)
        edited = openpyxl.load_workbook(master)
        edited["备忘"]["A3"] = "someone typed this meanwhile"
        edited.save(master)

    monkeypatch.setattr(collect_module, "_save", save_while_someone_edits)
    with pytest.raises(OptionError, match="changed by someone else"):
        collect(inbox, master)
    edited_bytes = master.read_bytes()
    assert openpyxl.load_workbook(master)["备忘"]["A3"].value == "someone typed this meanwhile"
    assert edited_bytes and not list(master.parent.glob("*.bak.xlsx"))


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (["Q1", "G1", "E1", "2025-03-01", "urgent", "2025-04-01", "open", None], "status: resolved → open"),  # reopen
        (["Q2", "G2", "E2", "2025-05-01", "common", "2025-06-30", "open", None], "group_id: G1 → G2"),
        (["Q2", "G1", "E1", "2025-04-01", "common", "2025-06-30", "open", None], "raised_on: 2025-05-01 → 2025-04-01"),
    ],
)
def test_a_submission_may_not_change_what_the_office_decided(tmp_path, row, why) -> None:
    master = write_workbook(tmp_path / "data.xlsx", master_sheets())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "one.xlsx", {"problems": [PROBLEM_HEAD, row]})
    before = master.read_bytes()
    result = collect(inbox, master)
    (only,) = result.files
    assert only.counts() == {"new": 0, "updated": 0, "duplicates": 0, "conflicts": 1, "rejected": 0}
    assert why in only.conflict_list[0].rule
    if "status" in why:  # in Chinese, as the office writes its values
        assert "办理状态：已办结 → 未办结" in only.conflict_list[0].rule_zh
    assert master.read_bytes() == before and not result.written


def test_exit_status_all_merged_zero_only_bad_files_two(office, capsys) -> None:
    master, inbox = office
    bad = inbox / "d-bad.xlsx"
    for name in ("b-G2-2025-06.xlsx", "c-G2-resent.xlsx"):
        (inbox / name).unlink()
    bad.rename(master.parent / bad.name)
    assert main(["collect", str(inbox), "--into", str(master)]) == 0  # file a alone: merged whole
    capsys.readouterr()
    only_bad = master.parent / "only-bad"
    only_bad.mkdir()
    (master.parent / bad.name).rename(only_bad / bad.name)
    before = master.read_bytes()
    assert main(["collect", str(only_bad), "--into", str(master), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "d-bad.xlsx 未合并（2 个问题）" in err and "第2行" in err
    assert master.read_bytes() == before


def test_a_bad_master_or_inbox_is_refused_before_anything_is_read(tmp_path, office) -> None:
    master, inbox = office
    broken = master_sheets()
    broken["problems"].append(["Q9", "G1", "E1", "2025-05-01", "common", "2025-06-30", "resolved", None])
    bad_master = write_workbook(tmp_path / "bad-master.xlsx", broken)
    before = bad_master.read_bytes()
    with pytest.raises(InputError):
        collect(inbox, bad_master)
    assert bad_master.read_bytes() == before
    with pytest.raises(OptionError, match="holds no .xlsx workbook"):
        collect(_empty(tmp_path), master)
    with pytest.raises(OptionError, match="must be an .xlsx file"):
        collect(inbox, tmp_path)


def test_a_master_with_formulas_in_its_input_sheets_is_refused_before_it_is_rewritten(tmp_path) -> None:
    sheets = master_sheets()
    sheets["ledger"][1][2] = "=DATE(2025,1,25)"
    master = write_workbook(tmp_path / "data.xlsx", sheets)
    set_cached_value(master, 3, "C2", "45682")  # as Excel saves it: the formula and its value
    assert str(load(master).ledger.at[0, "due_date"].date()) == "2025-01-25"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(
        inbox / "a.xlsx",
        {"problems": [PROBLEM_HEAD, ["Q4", "G1", "P1", "2025-06-10", "urgent", "2025-07-10", "open", None]]},
    )
    before = master.read_bytes()
    assert collect(inbox, master, dry_run=True).totals()["new"] == 1  # the plan is shown all the same
    with pytest.raises(OptionError, match=r"formulas in its input sheets \(ledger: C2\)"):
        collect(inbox, master)
    assert master.read_bytes() == before and not list(tmp_path.glob("*.bak.xlsx"))


def test_a_chinese_master_stays_chinese(tmp_path) -> None:
    """Sheets, headers and values in Chinese: updates and new rows are written the master's way,
    and a column the master lacks (责任单位) gets its header at the right."""
    sheets = master_sheets()
    names = {"ledger": "月度台账", "problems": "问题台账"}
    heads = {"problem_id": "问题编号", "group_id": "工作组编号", "recipient_id": "服务对象编号", "raised_on": "提出日期",
             "priority": "优先级", "deadline": "办结时限", "status": "办理状态", "resolved_on": "办结日期"}  # fmt: skip
    problems = sheets.pop("problems")
    sheets["问题台账"] = [[heads[h] for h in problems[0]]] + [
        [
            {"open": "未办结", "resolved": "已办结", "urgent": "紧急", "common": "一般", "major": "重大"}.get(v, v)
            for v in r
        ]
        for r in problems[1:]
    ]
    sheets["月度台账"] = sheets.pop("ledger")
    master = write_workbook(tmp_path / "data.xlsx", sheets)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(
        inbox / "G1.xlsx",
        {
            "problems": [
                [*PROBLEM_HEAD, "responsible_unit"],
                ["Q2", "G1", "E1", "2025-05-01", "common", "2025-06-30", "resolved", "2025-06-20", None],
                ["Q6", "G1", "E1", "2025-06-11", "major", "2025-08-01", "open", None, "区发改局"],
            ]
        },
    )
    (only,) = collect(inbox, master).files
    assert only.counts() == {"new": 1, "updated": 1, "duplicates": 0, "conflicts": 0, "rejected": 0}
    ws = openpyxl.load_workbook(master)[names["problems"]]
    header = [c.value for c in ws[1]]
    assert header == [*(heads[h] for h in PROBLEM_HEAD), "责任单位"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Q2"][6:8] == ("已办结", dt.datetime(2025, 6, 20))
    assert rows["Q6"] == (
        "Q6",
        "G1",
        "E1",
        dt.datetime(2025, 6, 11),
        "重大",
        dt.datetime(2025, 8, 1),
        "未办结",
        None,
        "区发改局",
    )
    assert load(master).problems.set_index("problem_id").loc["Q6", "responsible_unit"] == "区发改局"


def test_a_file_with_several_groups_is_merged_with_a_warning(tmp_path, capsys) -> None:
    master = write_workbook(tmp_path / "data.xlsx", master_sheets())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(
        inbox / "mixed.xlsx",
        {"visits": [VISIT_HEAD, ["G1", "E1", "2025-06-05", None, None], ["G2", "E2", "2025-06-06", None, None]]},
    )
    assert main(["collect", str(inbox), "--into", str(master)]) == 0
    captured = capsys.readouterr()
    assert "warning: mixed.xlsx: -: holds rows of 2 groups (G1, G2)" in captured.err
    assert "mixed.xlsx    2" in captured.out and len(load(master).visits) == 3


def test_files_that_agree_blanks_aside_count_once_and_a_three_way_clash_is_a_conflict_for_all(tmp_path) -> None:
    master = write_workbook(tmp_path / "data.xlsx", master_sheets())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    q7 = ["Q7", "G1", "E1", "2025-07-01", None, "2025-07-31", "open", None]
    for name, ledger, priority in (
        ("1.xlsx", ["G1", "2025-07", "2025-07-25", None, None], None),  # the form, not filled in
        ("2.xlsx", ["G1", "2025-07", "2025-07-25", "2025-07-20", 0.8], "urgent"),  # the same, filled in
        ("3.xlsx", None, "major"),
    ):
        sheets = {"problems": [PROBLEM_HEAD, [*q7[:4], priority, *q7[5:]]]}
        if ledger:
            sheets["ledger"] = [LEDGER_HEAD, ledger]
        write_workbook(inbox / name, sheets)
    result = collect(inbox, master)
    assert {f.name: f.counts() for f in result.files} == {
        "1.xlsx": {"new": 1, "updated": 0, "duplicates": 0, "conflicts": 1, "rejected": 0},
        "2.xlsx": {"new": 0, "updated": 0, "duplicates": 1, "conflicts": 1, "rejected": 0},
        "3.xlsx": {"new": 0, "updated": 0, "duplicates": 0, "conflicts": 1, "rejected": 0},
    }
    first = result.files[0].conflict_list[0]  # blank priority: caught between urgent and major
    assert first.column == "priority" and "priority: urgent ≠ major" in first.rule
    ledger = load(master).ledger.set_index(["group_id", "month"]).loc[("G1", "2025-07")]
    assert str(ledger["submitted_on"].date()) == "2025-07-20" and ledger["completeness"] == 0.8
    assert "Q7" not in set(load(master).problems["problem_id"])


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "~$a-G1.xlsx").write_bytes(b"lock")  # Excel's lock file of an open workbook: not a submission
    return folder


def test_a_file_with_a_key_twice_is_rejected_located(tmp_path) -> None:
    master = write_workbook(tmp_path / "data.xlsx", master_sheets())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(
        inbox / "twice.xlsx",
        {
            "ledger": [
                LEDGER_HEAD,
                ["G1", "2025-06", "2025-06-25", None, None],
                ["G1", "2025-06", "2025-06-25", None, 1],
            ]
        },
    )
    (only,) = collect(inbox, master).files
    assert only.rejected == 2 and {p.row for p in only.problems} == {2, 3}


# ---- template --group ----------------------------------------------------------------------------


def test_template_for_a_group_is_prefilled_and_collects_back(tmp_path, capsys) -> None:
    master = write_workbook(tmp_path / "data.xlsx", master_sheets())
    form = tmp_path / "G1-2025-06.xlsx"
    argv = ["template", str(form), "--group", "G1", "--month", "2025-06", "--data", str(master)]
    assert main(argv) == 0
    assert "1 open problem(s), 1 pending milestone(s)" in capsys.readouterr().out
    book = openpyxl.load_workbook(form)
    assert book.sheetnames == ["README", "ledger", "visits", "problems", "milestones"]
    # no ledger row for June yet: due on the 25th, as the other months' ledgers are
    assert [c.value for c in book["ledger"][2]] == ["G1", "2025-06", dt.datetime(2025, 6, 25), None, None]
    assert [c.value for c in book["problems"][2]][:1] == ["Q2"] and book["problems"]["A3"].value is None
    assert book["milestones"]["C2"].value == "主体施工"
    # the group fills it in: its submission, Q2 resolved, one visit
    book["ledger"]["D2"], book["ledger"]["E2"] = "2025-06-23", 0.95
    book["problems"]["G2"], book["problems"]["H2"] = "resolved", dt.datetime(2025, 6, 18)
    book["visits"].append(["G1", "P1", dt.datetime(2025, 6, 12), "实地走访", None])
    book.save(form)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    form.rename(inbox / form.name)
    (result,) = collect(inbox, master).files
    # ledger new; Q2 updated; visit new (rows below the formatted area count the same); milestone unchanged
    assert result.counts() == {"new": 2, "updated": 1, "duplicates": 1, "conflicts": 0, "rejected": 0}


def test_template_for_a_group_in_chinese_and_its_refusals(tmp_path, capsys) -> None:
    sheets = master_sheets()
    sheets["ledger"].append(["G1", "2025-06", "2025-06-25", None, None])
    master = write_workbook(tmp_path / "data.xlsx", sheets)
    form = tmp_path / "G1.xlsx"
    argv = ["template", str(form), "--group", "G1", "--month", "2025-06", "--data", str(master), "--lang", "zh"]
    assert main(argv) == 0
    book = openpyxl.load_workbook(form)
    assert book.sheetnames == ["README", "月度台账", "走访", "问题台账", "项目节点"]
    assert [c.value for c in book["问题台账"][1]][:3] == ["问题编号", "工作组编号", "服务对象编号"]
    assert book["问题台账"]["J2"].value == "未办结"  # the status as the office writes it
    assert book["月度台账"]["C2"].value == dt.datetime(2025, 6, 25)  # the master's own row
    assert load_sheets_only(form) == {"ledger": 1, "problems": 1, "milestones": 1}
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and "already exists" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0
    with pytest.raises(SystemExit):
        main(["template", str(tmp_path / "x.xlsx"), "--group", "G1", "--month", "2025-06"])  # no --data
    with pytest.raises(SystemExit):
        main(["template", str(master), "--group", "G1", "--month", "2025-06", "--data", str(master), "--force"])
    assert (
        main(["template", str(tmp_path / "y.xlsx"), "--group", "G9", "--month", "2025-06", "--data", str(master)]) == 2
    )
    assert "no group G9" in capsys.readouterr().err and not (tmp_path / "y.xlsx").exists()


def load_sheets_only(path: Path) -> dict[str, int]:
    """Rows per non-empty sheet of a submission, read by the ordinary reader."""
    from assess.intake._read import read_tables

    raw = read_tables(path)
    return {s: len(t) for s, t in raw.tables.items() if s in raw.origins and len(t)}


def test_a_groups_form_lists_only_problems_raised_by_the_months_end(tmp_path) -> None:
    from assess.intake._collect import submission_tables
    from assess.intake._validate import load

    sheets = master_sheets()
    sheets["problems"].append(
        ["Q8", "G1", "E1", "2025-08-25", "common", "2025-09-30", "open", None]
    )  # raised in August
    master = write_workbook(tmp_path / "data.xlsx", sheets)
    data = load(master)
    assert list(submission_tables(data, "G1", "2025-06")["problems"]["problem_id"]) == ["Q2"]  # not Q8
    assert list(submission_tables(data, "G1", "2025-08")["problems"]["problem_id"]) == ["Q2", "Q8"]
