"""Hostile inputs found by a red-team pass over issue 9: each one a located error (exit 2,
nothing written) or a correct result — never a traceback or a silently wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assess.cli import main
from assess.common._errors import SchemeError
from assess.intake._scheme import DEFAULT_SCHEME_TEXT, load_scheme
from workbooks import minimal_sheets, write_workbook


def _score(tmp_path: Path, scheme_text: str, capsys: pytest.CaptureFixture) -> tuple[int, str, Path]:
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    scheme = tmp_path / "s.yaml"
    scheme.write_text(scheme_text, encoding="utf-8")
    out = tmp_path / "out"
    status = main(["score", str(data), "--year", "2025", "--out", str(out), "--scheme", str(scheme)])
    return status, capsys.readouterr().err, out


# ---- schemes --------------------------------------------------------------------------------

INDICATOR = "  rating_response:       {component: service_rating, weight: 0.2}\n"


@pytest.mark.parametrize(
    ("text", "key", "line", "first"),
    [
        # a setting added again at the end of the file: the last one would silently win
        (DEFAULT_SCHEME_TEXT + "min_coverage: 0.1\n", "min_coverage", len(DEFAULT_SCHEME_TEXT.splitlines()) + 1, 4),
        # an indicator line copied and edited: the copy would replace the original
        (
            DEFAULT_SCHEME_TEXT.replace(
                INDICATOR, INDICATOR + "  rating_score: {component: service_rating, weight: 0.8, direction: lower}\n"
            ),
            "rating_score",
            20,
            18,
        ),
        # a key twice in one flow mapping
        (
            DEFAULT_SCHEME_TEXT.replace(
                "{component: daily_work, weight: 0.4}", "{component: daily_work, weight: 0.4, weight: 0.9}", 1
            ),
            "weight",
            11,
            11,
        ),
    ],
)
def test_a_key_written_twice_is_refused_with_both_lines(tmp_path, capsys, text, key, line, first):
    assert yaml.safe_load(text)  # plain YAML accepts it, keeping the last value
    status, err, out = _score(tmp_path, text, capsys)
    assert status == 2
    assert (
        f"line {line}, column" in err
        and f"the key {key!r} is written twice in one mapping (first on line {first})" in err
    )
    assert "Traceback" not in err and not out.exists()


def test_the_same_name_in_two_different_mappings_is_fine(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(DEFAULT_SCHEME_TEXT, encoding="utf-8")  # `weight`, `label` repeat across mappings
    assert load_scheme(path).indicators["rating_score"].weight == 0.8


@pytest.mark.parametrize("text", ["\x00\x01garbage", "name: a\x07b\n", "\ufffe", "name: x\x1b[31m\n"])
def test_characters_yaml_does_not_allow_are_a_scheme_error(tmp_path, capsys, text):
    status, err, out = _score(tmp_path, text, capsys)
    assert status == 2 and "not valid YAML: unacceptable character" in err
    assert "Traceback" not in err and not out.exists()
    path = tmp_path / "s.yaml"
    with pytest.raises(SchemeError, match="unacceptable character"):
        load_scheme(path)


def test_a_quota_on_the_last_band_is_refused_not_ignored(tmp_path, capsys):
    text = DEFAULT_SCHEME_TEXT.replace("{name: fail, min: 0,", "{name: fail, min: 0, quota: 0.1,")
    status, err, out = _score(tmp_path, text, capsys)
    assert status == 2
    assert "grades.bands: the last band (fail) has quota 0.1, but there is no band below it" in err
    assert not out.exists()
    single = (
        DEFAULT_SCHEME_TEXT.split("grades:")[0]
        + "grades:\n  bands:\n    - {name: pass, min: 0, quota: 0.5, label: {en: Pass, zh: 合格}}\n"
    )
    status, err, out = _score(tmp_path, single, capsys)
    assert status == 2 and "the last band (pass) has quota 0.5" in err


# ---- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "0"], "argument --year: 0 is not a year assess can assess"),
        (["--year", "99999"], "argument --year: 99999 is not a year assess can assess"),
        (["--as-of", "abc"], "argument --as-of: 'abc' is not a date"),
        (["--as-of", "June 30"], "argument --as-of: 'June 30' is not a date"),
        (["--as-of", "2025-02-30"], "argument --as-of: '2025-02-30' is not a date on the calendar"),
    ],
)
def test_validate_checks_year_and_as_of_like_score(tmp_path, capsys, args, message):
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    with pytest.raises(SystemExit) as exit_:
        main(["validate", str(data), *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_validate_refuses_an_as_of_outside_its_year(tmp_path, capsys):
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    assert main(["validate", str(data), "--year", "2025", "--as-of", "2024-06-30"]) == 2
    assert "--as-of 2024-06-30 is outside --year 2025" in capsys.readouterr().err
    assert main(["validate", str(data), "--as-of", "2025-06-30"]) == 0  # --as-of alone names its year


# ---- workbooks ------------------------------------------------------------------------------


def _with_shared_strings(path: Path) -> Path:
    """Rewrite the inline strings openpyxl writes as a shared-strings table, as Excel saves them."""
    import re
    import zipfile

    target = path.with_name("sst-" + path.name)
    strings: list[str] = []

    def shared(m: re.Match) -> bytes:
        strings.append(m.group(2).decode())
        return m.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        items = {i.filename: zin.read(i.filename) for i in zin.infolist()}
        for name in items:
            if name.startswith("xl/worksheets/sheet"):
                items[name] = re.sub(
                    rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, items[name]
                )
        sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
        items["xl/sharedStrings.xml"] = (
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>'.encode()
        )
        items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        for name, body in items.items():
            zout.writestr(name, body)
    return target


@pytest.mark.parametrize("index", ["-1", "99999", "abc", "1.5"])
def test_a_shared_string_index_that_points_nowhere_is_damage(tmp_path, capsys, index):
    import re
    import zipfile

    good = _with_shared_strings(write_workbook(tmp_path / "in.xlsx", minimal_sheets()))
    assert main(["validate", str(good)]) == 0  # the shared-strings form itself reads fine
    capsys.readouterr()
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # groups: B2 is the first group's name
                body, n = re.subn(rb'(<c r="B2" t="s"><v>)\d+', rb"\g<1>" + index.encode(), body)
                assert n == 1
            zout.writestr(item, body)
    out = tmp_path / "out"
    assert main(["score", str(bad), "--year", "2025", "--out", str(out)]) == 2  # -1 was the last string, silently
    err = capsys.readouterr().err
    assert f"damaged or incomplete (sheet 'groups': ValueError: cell B2 points to shared text {index!r}" in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?"])
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_excel_error_values_are_located_problems_in_every_column(tmp_path, capsys, error, form):
    sheets = minimal_sheets()
    sheets["groups"][1][1] = error  # a group's name (text)
    sheets["adjustments"][1][4] = error  # a reason (text)
    sheets["ledger"][1][4] = error  # completeness (number)
    sheets["visits"][1][2] = error  # a date
    if form == "xlsx":
        data = write_workbook(tmp_path / "in.xlsx", sheets)  # openpyxl stores them as error cells (t="e")
    else:
        import csv

        data = tmp_path / "csv"
        data.mkdir()
        for name, rows in sheets.items():
            with (data / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows)
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    where = [line for line in err.splitlines() if "the cell holds an Excel error value" in line]
    assert len(where) == 4, err
    for text in (
        "groups, row 2, column name",
        "adjustments, row 2, column reason",
        "ledger, row 2, column completeness",
        "visits, row 2, column date",
    ):
        assert any(text in line and repr(error) in line for line in where), (text, err)
    assert not out.exists()
    assert main(["validate", str(data), "--lang", "zh"]) == 2
    assert capsys.readouterr().err.count("该单元格是 Excel 错误值") == 4


# ---- CSV folders ----------------------------------------------------------------------------


def _csv_folder(folder: Path, sheets: dict[str, list[list]]) -> Path:
    import csv

    folder.mkdir()
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    return folder


@pytest.mark.parametrize("entry", ["folder", "dangling", "loop", "fifo"])
@pytest.mark.parametrize("sheet", ["adjustments", "visits"])
def test_a_csv_entry_named_like_a_table_but_unreadable_is_never_skipped(tmp_path, capsys, entry, sheet):
    """An optional table (adjustments: the vetoes) behind a broken link was silently left out: exit 0, no veto."""
    import os

    data = _csv_folder(tmp_path / "csv", minimal_sheets())
    target = data / f"{sheet}.csv"
    target.unlink()
    if entry == "folder":
        target.mkdir()
    elif entry == "dangling":
        target.symlink_to(tmp_path / "on-a-drive-not-mounted.csv")
    elif entry == "loop":
        target.symlink_to(target)
    else:
        os.mkfifo(target)  # reading it would block for ever
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    kind = {
        "folder": "a folder",
        "dangling": "a link to nothing (its target is missing or a loop)",
        "fifo": "not a regular file",
    }
    assert (
        f"csv/{sheet}.csv: {sheet}: '{sheet}.csv' is {kind.get(entry, kind['dangling'])}, so the {sheet} table cannot be read from it"
        in err
    )
    assert "required sheet is missing" not in err
    assert "Traceback" not in err and not out.exists()


def test_a_csv_file_above_the_size_limit_is_refused_unread(tmp_path, capsys, monkeypatch):
    import assess.intake._read

    data = _csv_folder(tmp_path / "csv", minimal_sheets())
    size = (data / "recipients.csv").stat().st_size
    monkeypatch.setattr(assess.intake._read, "MAX_UNCOMPRESSED", size - 1)  # the limit is 500 MB; the rule is the same
    assert main(["validate", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"csv/recipients.csv: recipients: is {size:,} bytes, more than the 0 MB assess reads" in err
    assert "required sheet is missing" not in err  # the file is there: one problem says what is wrong with it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 990", 1990.0),
        ("12 345.6", 12345.6),
        ("1\u00a0000", 1000.0),
        ("\u00a00.5 ", 0.5),
        ("0 5", None),
        ("99 5", None),
        ("12 34", None),
        ("1 0000", None),
    ],
)
def test_a_space_inside_a_number_only_groups_thousands(tmp_path, capsys, text, expected):
    sheets = minimal_sheets()
    sheets["milestones"][1][5] = text  # investment_planned
    data = write_workbook(tmp_path / "in.xlsx", sheets)
    if expected is None:  # "0 5" was read as 5 and "99 5" as 995
        assert main(["validate", str(data)]) == 2
        err = capsys.readouterr().err
        assert f"milestones, row 2, column investment_planned: {text!r}: a space inside the number" in err
    else:
        import assess

        assert assess.load(data).tables["milestones"]["investment_planned"].iloc[0] == expected


# ---- --previous: last year's scores.xlsx, as hostile as the workbook ------------------------


@pytest.fixture(scope="module")
def last_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("last")
    data = write_workbook(folder / "in.xlsx", minimal_sheets())
    assert main(["score", str(data), "--year", "2025", "--out", str(folder / "out")]) == 0
    return folder / "out" / "scores.xlsx"


def _edited(source: Path, target: Path, cell: str, value: object) -> Path:
    import openpyxl

    book = openpyxl.load_workbook(source)
    book["scores"][cell].value = value
    book.save(target)
    return target


@pytest.mark.parametrize(
    ("cell", "value", "where"),
    [
        (
            "A3",
            "G1",
            "scores, row 3, column group_id: 'G1': the group appears more than once (rows 2, 3)",
        ),  # G1 counted twice
        ("I2", "abc", "scores, row 2, column final_score: 'abc': is not a finite number"),  # was a TypeError traceback
        ("I2", "inf", "scores, row 2, column final_score: 'inf': is not a finite number"),
        ("I2", True, "scores, row 2, column final_score: True: is not a finite number"),
        ("K2", "first", "scores, row 2, column rank: 'first': is not a whole number from 1"),
        ("K2", 2.5, "scores, row 2, column rank: 2.5: is not a whole number from 1"),
        ("A2", " ", "scores, row 2, column group_id: a row without a group ID"),
    ],
)
def test_a_tampered_previous_is_a_located_problem(tmp_path, capsys, last_year, cell, value, where):
    import openpyxl

    assert [c.value for c in openpyxl.load_workbook(last_year)["scores"][1]][:11] == [
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
    ]
    previous = _edited(last_year, tmp_path / "previous.xlsx", cell, value)
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out), "--previous", str(previous)]) == 2
    err = capsys.readouterr().err
    assert f"previous.xlsx: {where}" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("damage", ["truncated", "not a zip", "chartsheet", "folder", "encrypted"])
def test_a_damaged_previous_is_a_located_problem(tmp_path, capsys, last_year, damage):
    previous = tmp_path / "previous.xlsx"
    body = last_year.read_bytes()
    if damage == "truncated":
        previous.write_bytes(body[: len(body) // 2])  # was a BadZipFile traceback
    elif damage == "not a zip":
        previous.write_bytes(b"group_id,final_score\nG1,80\n")
    elif damage == "encrypted":
        previous.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    elif damage == "folder":
        previous.mkdir()
    else:  # a chart sheet openpyxl cannot read back: was an AttributeError traceback
        import openpyxl

        book = openpyxl.load_workbook(last_year)
        book.create_chartsheet("chart")
        book.save(previous)
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out), "--previous", str(previous)]) == 2
    err = capsys.readouterr().err
    assert "previous.xlsx: scores" in err and "last year's scores" in err and "Traceback" not in err
    assert not out.exists()


# ---- template, sample, status ---------------------------------------------------------------


def test_template_and_sample_never_replace_a_file_or_a_csv_folder(tmp_path, capsys):
    data = write_workbook(tmp_path / "data.xlsx", minimal_sheets())
    before = data.read_bytes()
    folder = _csv_folder(tmp_path / "csv", minimal_sheets())
    csv_before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for argv, message in [
        (["template", str(data)], "already exists and assess does not replace it"),  # the office's filled workbook
        (["sample", str(data)], "already exists and assess does not replace it"),
        (
            ["sample", str(folder)],
            "already holds adjustments.csv, groups.csv, ledger.csv ..., and assess does not replace them",
        ),
        (["template", str(tmp_path)], "does not end in .xlsx"),  # a folder: was an IsADirectoryError traceback
        (["template", str(tmp_path / "blank.csv")], "does not end in .xlsx"),  # an .xlsx named .csv
        (["sample", str(data / "x")], "is a file, not a folder"),  # was a NotADirectoryError traceback
        (
            ["sample", str(tmp_path / "big.xlsx"), "--groups", "100000"],
            "give 1 to 10,000 groups",
        ),  # overflowed Excel's rows
    ]:
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and message in err and "Traceback" not in err, (argv, err)
    assert data.read_bytes() == before
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == csv_before
    assert not (tmp_path / "big.xlsx").exists() and not (tmp_path / "blank.csv").exists()
    assert main(["template", str(tmp_path / "new" / "blank.xlsx")]) == 0  # a new file, in a folder made for it
    assert main(["sample", str(tmp_path / "other")]) == 0  # a new folder
    assert main(["validate", str(tmp_path / "other")]) == 0


@pytest.mark.parametrize(
    "ledger",
    [
        b"garbage\n\xff\xfe\x00\n",  # not UTF-8, not JSON: was a UnicodeDecodeError traceback
        b'{"event": "report", "status": "ok"}\n',  # no group_id
    ],
)
def test_status_on_a_damaged_ledger_says_so(tmp_path, capsys, ledger):
    (tmp_path / "run.jsonl").write_bytes(ledger)
    assert main(["status", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "run.jsonl holds no record assess can read (damaged, or not written by assess)" in err


def test_status_reports_what_it_can_of_records_with_wrong_types(tmp_path, capsys):
    import json

    records = [
        {
            "event": "run",
            "run_id": "r1",
            "groups": 2,
            "to_run": 2,
            "options": None,
            "started": "2025-12-31T00:00:00+00:00",
        },
        {
            "event": "report",
            "run_id": "r1",
            "group_id": "G1",
            "status": "ok",
            "seconds": "abc",
            "peak_memory_mb": "9" * 40,
            "attempts": "2",
        },
        {
            "event": "report",
            "run_id": "r1",
            "group_id": "G2",
            "status": "failed",
            "error": "boom",
            "error_class": "kernel",
            "seconds": 2.0,
            "attempts": 1,
        },
        {"event": "end", "run_id": "r1", "seconds": "1e999", "written": 1, "skipped": 0, "failed": 1},
    ]
    (tmp_path / "run.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["status", str(tmp_path)]) == 1  # one report failed
    out = capsys.readouterr().out
    assert "G2" in out and "boom" in out
    assert main(["status", str(tmp_path), "--json"]) == 1
    status = json.loads(capsys.readouterr().out)
    assert status["last_run_counts"]["failed"] == 1


def test_hidden_rows_and_columns_are_read_and_said_so(tmp_path, capsys):
    """A filter or hidden rows look like deletions in Excel; assess reads them, like hidden sheets, and says so."""
    import openpyxl

    sheets = minimal_sheets()
    sheets["ratings"] += [
        ["2025-Q2", "E1", "G1", "服务态度", 1, ""],
        ["2025-Q3", "E1", "G1", "服务态度", 2, ""],
        ["2025-Q4", "E1", "G1", "服务态度", 5, ""],
    ]
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    for row in (3, 4, 40):  # two rows with data; row 40 is empty
        book["ratings"].row_dimensions[row].hidden = True
    book["groups"].column_dimensions.group("C", "D", hidden=True)  # leader (C) is a column; D is empty
    book.save(path)
    import assess

    ds = assess.load(path)
    assert len(ds.tables["ratings"]) == 4  # read like visible rows
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ratings, row 3: 2 row(s) with data are hidden (rows 3, 4); they were read like visible ones" in out
    assert "groups, row 1, column leader: 'leader': column C (leader) is hidden; it was read like a visible one" in out
    assert out.count(" hidden") == 2
    assert main(["validate", str(path), "--lang", "zh"]) == 0
    assert "有 2 行数据处于隐藏状态（第 3、4 行），已与可见行一样读取" in capsys.readouterr().out


@pytest.mark.parametrize("only", ["", ",,,", " , "])
def test_only_naming_no_group_is_refused(tmp_path, capsys, only):
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:  # ran no report and exited 0
        main(["run", str(data), "--year", "2025", "--out", str(out), "--only", only])
    assert exit_.value.code == 2 and "names no group" in capsys.readouterr().err
    assert not out.exists()


def test_a_deduction_or_rating_pasted_twice_is_said(tmp_path, capsys):
    """A block pasted twice counts twice (a deduction of 4 becomes 8); where a repeat is implausible, validate says so."""
    sheets = minimal_sheets()
    deduction = ["G1", "2025-07-01", "deduction", 4, "台账逾期"]
    sheets["adjustments"] += [deduction, ["G1", "2025-07-02", "deduction", 4, "台账逾期"], deduction]
    sheets["ratings"].append(list(sheets["ratings"][1]))
    sheets["visits"].append(list(sheets["visits"][1]))  # two visits on one day happen: not said
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    import assess

    ds = assess.load(path)
    assert len(ds.tables["adjustments"]) == 4  # counted, as written
    said = {w.sheet: w.rule for w in ds.warnings}
    assert said == {
        "ratings": "1 row(s) repeat an earlier row in every column: 3 (= row 2); each is counted",
        "adjustments": "1 row(s) repeat an earlier row in every column: 5 (= row 3); each is counted",
    }
    assert main(["validate", str(path), "--lang", "zh"]) == 0
    assert "有 1 行与前面某行完全相同：第5行（同第3行）；每一行都会计入" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("written", "suggested"), [("1e-3", "1.0e-3"), ("5e0", "5.0e+0"), ("5.0e0", "5.0e+0"), ("-2E2", "-2.0e+2")]
)
def test_exponent_numbers_yaml_reads_as_text_are_explained(tmp_path, capsys, written, suggested):
    """YAML 1.1 reads 1e-3 (no decimal point) and 5.0e0 (unsigned exponent) as text; the message said 'write it without quotes'."""
    assert isinstance(yaml.safe_load(f"x: {written}")["x"], str) and isinstance(
        yaml.safe_load(f"x: {suggested}")["x"], float
    )
    text = DEFAULT_SCHEME_TEXT.replace("rating_prior_weight: 5", f"rating_prior_weight: {written}")
    status, err, out = _score(tmp_path, text, capsys)
    assert status == 2
    assert (
        f"rating_prior_weight: {written!r} is read by YAML as text, not a number: write it as {suggested} (a decimal point and a signed exponent)"
        in err
    )


@pytest.mark.parametrize("damage", ["empty", "not a zip", "encrypted"])
def test_annotate_of_a_workbook_that_cannot_be_opened_lists_the_problem(tmp_path, capsys, damage):
    """The marked copy of a damaged workbook was a BadZipFile traceback; it now holds the problem list alone."""
    import openpyxl

    data = tmp_path / "in.xlsx"
    data.write_bytes(
        {
            "empty": b"",
            "not a zip": b"group_id,name\nG1,x\n",
            "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        }[damage]
    )
    marked = tmp_path / "marked.xlsx"
    assert main(["validate", str(data), "--annotate", str(marked)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "marked copy:" in err
    rows = list(openpyxl.load_workbook(marked).active.iter_rows(values_only=True))
    assert len(rows) == 2 and ("damaged" in rows[1][5] or "encrypted" in rows[1][5])


@pytest.mark.parametrize("where", ["under a file", "a folder"])
def test_annotate_target_that_cannot_be_a_file_is_refused(tmp_path, capsys, where):
    sheets = minimal_sheets()
    sheets["groups"][1][1] = "#N/A"
    data = write_workbook(tmp_path / "in.xlsx", sheets)
    target = tmp_path / "in.xlsx" / "m.xlsx" if where == "under a file" else tmp_path / "dir.xlsx"
    if where == "a folder":
        target.mkdir()
    assert main(["validate", str(data), "--annotate", str(target)]) == 2  # was FileExistsError / IsADirectoryError
    err = capsys.readouterr().err
    assert (
        "is a file, not a folder" if where == "under a file" else "is a folder; give the marked copy's file name"
    ) in err
    assert "Traceback" not in err


def test_score_prints_the_intake_warnings_too(tmp_path, capsys) -> None:
    """A hidden sheet is read with a warning: `score` says so on stderr as `validate` does, and scores."""
    import openpyxl

    path = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    book = openpyxl.load_workbook(path)
    book["groups"].sheet_state = "hidden"
    book.save(path)
    assert main(["score", str(path), "--year", "2025", "--out", str(tmp_path / "out"), "--lang", "zh"]) == 0
    err = capsys.readouterr().err
    assert "提醒：" in err and "隐藏" in err
    assert (tmp_path / "out" / "scores.xlsx").is_file()


def test_a_text_longer_than_an_excel_cell_is_a_located_problem(tmp_path, capsys) -> None:
    """A CSV may hold a name of 40,000 characters; scores.xlsx could only keep 32,767 of them."""
    import pandas as pd

    from assess.batch._pipeline import write_sample

    folder = write_sample(tmp_path / "csv", groups=3)
    groups = pd.read_csv(folder / "groups.csv", dtype=str)
    groups.loc[1, "name"] = "长" * 40_000
    groups.to_csv(folder / "groups.csv", index=False)
    out = tmp_path / "out"
    assert main(["score", str(folder), "--year", "2025", "--out", str(out), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "groups" in err and "第3行" in err and "超过 Excel 单元格的上限（32767 个字符）" in err
    assert not out.exists()
