"""Hostile command lines: every bad value exits 2 with a located message, having written nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assess.cli import main
from assess.intake._scheme import DEFAULT_SCHEME_TEXT
from workbooks import minimal_sheets, write_workbook

SRC = Path(__file__).resolve().parents[2] / "src"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to show that nothing was written or changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "in.xlsx", minimal_sheets())


def refused(argv: list[str], capsys: pytest.CaptureFixture, folder: Path) -> str:
    """Run ``argv``; assert exit status 2 and that nothing under ``folder`` changed; return stderr."""
    before = snapshot(folder)
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    assert snapshot(folder) == before
    return err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--year", "0", "argument --year: 0 is not a year assess can assess; use a year from 1900 to 2200"),
        ("--year", "-5", "argument --year: -5 is not a year assess can assess"),
        ("--year", "99999", "argument --year: 99999 is not a year assess can assess"),
        ("--year", "twenty", "argument --year: 'twenty' is not a year"),
        ("--as-of", "June 30", "argument --as-of: 'June 30' is not a date; write it as YYYY-MM-DD"),
        ("--as-of", "abc", "argument --as-of: 'abc' is not a date"),
        (
            "--as-of",
            "2025-02-30",
            "argument --as-of: '2025-02-30' is not a date on the calendar (day is out of range for month)",
        ),
        ("--as-of", "0001-06-30", "argument --as-of: '0001-06-30' is outside the years assess can assess"),
    ],
)
def test_years_and_dates_are_checked_by_argparse(tmp_path, data, capsys, option, value, message):
    argv = ["score", str(data), "--year", "2025", "--out", str(tmp_path / "out"), option, value]
    if option == "--year":
        argv = ["score", str(data), "--out", str(tmp_path / "out"), "--year", value]
    err = refused(argv, capsys, tmp_path)
    assert message in err and "usage: assess score" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--as-of", "2024-12-31"],
            "--as-of 2024-12-31 is before the year starts: the assessment date must lie in --year 2025 (2025-01-01 to 2025-12-31)",
        ),
        (["--as-of", "2026-01-01"], "--as-of 2026-01-01 is after the year ends"),
        (["--year", "2024"], "the workbook's dates run from 2025-01-20 to 2025-06-01; --year 2024 matches none"),
    ],
)
def test_dates_outside_the_year_or_the_data_are_refused(tmp_path, data, capsys, argv, message):
    year = [] if "--year" in argv else ["--year", "2025"]
    for command in ("score", "run"):
        err = refused([command, str(data), "--out", str(tmp_path / "out"), *year, *argv], capsys, tmp_path)
        assert message in err and "Nothing was written." in err


def test_a_scheme_as_of_outside_the_year_is_refused_and_as_of_wins(tmp_path, data, capsys):
    scheme = tmp_path / "s.yaml"
    scheme.write_text(DEFAULT_SCHEME_TEXT + "as_of: 2024-06-30\n", encoding="utf-8")
    err = refused(
        ["score", str(data), "--year", "2025", "--out", str(tmp_path / "out"), "--scheme", str(scheme)],
        capsys,
        tmp_path,
    )
    assert "the scheme's as_of 2024-06-30 is before the year starts" in err
    # --as-of wins over the scheme's, so the run goes ahead
    out = tmp_path / "ok"
    assert (
        main(
            ["score", str(data), "--year", "2025", "--out", str(out), "--scheme", str(scheme), "--as-of", "2025-06-30"]
        )
        == 0
    )
    assert (out / "scores.xlsx").is_file()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--recycle-after", "-1", "argument --recycle-after: -1 is out of range; give 0 (never) or more reports"),
        ("--max-kernel-memory", "-5", "argument --max-kernel-memory: -5 is out of range"),
        ("--max-kernel-memory", "nan", "argument --max-kernel-memory: nan is out of range"),
        ("--timeout", "-1", "argument --timeout: -1 is out of range"),
        ("--timeout", "inf", "argument --timeout: inf is out of range"),
        ("--retries", "-2", "argument --retries: -2 is out of range"),
        ("--workers", "0", "argument --workers: 0 is out of range; give 1 or more workers"),
        ("--workers", "two", "argument --workers: 'two' is not a whole number"),
    ],
)
def test_batch_options_are_checked_by_argparse(tmp_path, data, capsys, option, value, message):
    err = refused(["run", str(data), "--year", "2025", "--out", str(tmp_path / "out"), option, value], capsys, tmp_path)
    assert message in err


def test_a_template_that_is_not_a_notebook_is_refused(tmp_path, data, capsys):
    text = tmp_path / "t.txt"
    text.write_text("hello", encoding="utf-8")
    broken = tmp_path / "t.ipynb"
    broken.write_text("{not json", encoding="utf-8")
    other = tmp_path / "o.ipynb"
    other.write_text(json.dumps({"name": "x"}), encoding="utf-8")
    for path, message in [
        (text, "is not a notebook; give a Jupyter notebook file (.ipynb)"),
        (broken, "is not a Jupyter notebook (not notebook JSON)"),
        (other, "is not a Jupyter notebook (no cells or nbformat)"),
        (tmp_path / "missing.ipynb", "cannot read"),
    ]:
        err = refused(
            ["run", str(data), "--year", "2025", "--out", str(tmp_path / "out"), "--template", str(path)],
            capsys,
            tmp_path,
        )
        assert f"argument --template: '{path}' {message}" in err or f"argument --template: cannot read '{path}'" in err


def test_out_must_be_a_writable_folder(tmp_path, data, capsys):
    file = tmp_path / "file.txt"
    file.write_text("x", encoding="utf-8")
    err = refused(["score", str(data), "--year", "2025", "--out", str(file)], capsys, tmp_path)
    assert f"argument --out: '{file}' is a file, not a folder" in err
    err = refused(["score", str(data), "--year", "2025", "--out", str(file / "sub")], capsys, tmp_path)
    assert f"cannot make the folder '{file / 'sub'}': '{file}' is a file" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_out_in_an_unwritable_folder_is_refused(tmp_path, data, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        err = refused(["score", str(data), "--year", "2025", "--out", str(locked / "out")], capsys, tmp_path)
        assert f"cannot write in '{locked}'" in err
    finally:
        locked.chmod(0o700)


def test_out_on_a_read_only_drive_is_refused(tmp_path, data, capsys):
    readonly = Path("/proc/self")  # no one, root included, can make a folder here
    err = refused(["score", str(data), "--year", "2025", "--out", str(readonly / "out")], capsys, tmp_path)
    assert "argument --out: cannot write in" in err


# ---- outputs over inputs --------------------------------------------------------------------------


def test_an_input_that_is_an_output_is_refused_before_anything_is_written(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    original = write_workbook(out / "scores.xlsx", minimal_sheets())  # the input is the file the run would write
    for command in ("score", "run"):
        err = refused([command, str(original), "--year", "2025", "--out", str(out)], capsys, tmp_path)
        assert (
            f"the input '{original}' is scores.xlsx, which this run writes under '{out}': it would be replaced" in err
        )


def test_previous_scheme_and_links_that_are_outputs_are_refused(tmp_path, data, capsys):
    out = tmp_path / "out"
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 0
    capsys.readouterr()
    # --previous is this year's own output
    err = refused(
        ["score", str(data), "--year", "2025", "--out", str(out), "--previous", str(out / "scores.xlsx")],
        capsys,
        tmp_path,
    )
    assert f"--previous '{out / 'scores.xlsx'}' is scores.xlsx, which this run writes" in err
    # the scheme file lives in results/, which a run replaces whole
    scheme = out / "results" / "office.yaml"
    scheme.write_text(DEFAULT_SCHEME_TEXT, encoding="utf-8")
    err = refused(["score", str(data), "--year", "2025", "--out", str(out), "--scheme", str(scheme)], capsys, tmp_path)
    assert f"the scheme file '{scheme}' is inside results, which this run writes" in err
    # a hard link and a symbolic link to an output are the output
    hard = tmp_path / "hard.xlsx"
    os.link(out / "scores.xlsx", hard)
    err = refused(["score", str(hard), "--year", "2025", "--out", str(out)], capsys, tmp_path)
    assert f"the input '{hard}' is scores.xlsx" in err
    soft = tmp_path / "soft.xlsx"
    soft.symlink_to(out / "scores.xlsx")
    err = refused(["score", str(soft), "--year", "2025", "--out", str(out), "--previous", str(soft)], capsys, tmp_path)
    assert f"the input '{soft}' is scores.xlsx" in err and f"--previous '{soft}' is scores.xlsx" in err


def test_a_csv_folder_inside_an_output_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    folder = out / "results"
    folder.mkdir(parents=True)
    for name, rows in minimal_sheets().items():
        (folder / f"{name}.csv").write_text("\n".join(",".join(map(str, r)) for r in rows), encoding="utf-8")
    err = refused(["score", str(folder), "--year", "2025", "--out", str(out)], capsys, tmp_path)
    assert f"the input '{folder}' is results, which this run writes" in err


def test_only_with_unknown_groups_refuses_before_scoring(tmp_path, data, capsys):
    out = tmp_path / "out"
    err = refused(
        ["run", str(data), "--year", "2025", "--out", str(out), "--only", "G1,G9,G7", "--workers", "1"],
        capsys,
        tmp_path,
    )
    assert "--only: G7, G9 are not in the groups sheet; it has G1, G2" in err
    assert not out.exists()


# ---- a closed pipe ---------------------------------------------------------------------------------


def test_status_json_into_a_closed_pipe_is_quiet(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    records = [
        {
            "event": "run",
            "run_id": "r1",
            "started": "2025-12-31T00:00:00+00:00",
            "version": "0.1.0",
            "options": {},
            "groups": 300,
            "to_run": 300,
        }
    ]
    records += [
        {"event": "report", "run_id": "r1", "group_id": f"G{i:03d}", "status": "ok", "error_class": None, "error": None, "seconds": 1.0,
         "peak_memory_mb": 200.0, "attempts": 1, "fingerprint": "f" * 64, "worker": 1, "finished": "2025-12-31T00:00:01+00:00"}
        for i in range(300)
    ]  # fmt: skip
    records.append(
        {
            "event": "end",
            "run_id": "r1",
            "seconds": 300.0,
            "written": 300,
            "skipped": 0,
            "failed": 0,
            "interrupted": False,
        }
    )
    (out / "run.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from assess.cli import main; sys.exit(main())", "status", str(out), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(SRC)},
    )  # fmt: skip
    proc.stdout.close()  # the reader goes away before the first line, as `| head -0` would
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0, err
    assert err == ""
    # and `| head -1` through a real shell pipe
    done = subprocess.run(
        f"{sys.executable} -m assess.cli status {out} --json | head -1",
        shell=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=120,
    )  # fmt: skip
    assert done.stdout == "{\n" and done.stderr == ""


def test_a_scheme_naming_an_output_column_writes_nothing(tmp_path, data, capsys):
    """A bad scheme is reported as a scheme error (exit 2), with nothing written."""
    scheme = tmp_path / "s.yaml"
    d = yaml.safe_load(DEFAULT_SCHEME_TEXT)
    d["components"]["final_score"] = d["components"].pop("daily_work")
    scheme.write_text(yaml.safe_dump(d), encoding="utf-8")
    err = refused(
        ["score", str(data), "--year", "2025", "--out", str(tmp_path / "out"), "--scheme", str(scheme)],
        capsys,
        tmp_path,
    )
    assert "components.final_score: 'final_score' is the name of a column assess writes itself" in err


def test_check_targets_guards_any_file_a_command_writes(tmp_path, data):
    """The rule behind --out, for a command that writes a file it is given (e.g. an annotated copy)."""
    from assess.batch._pipeline import check_targets
    from assess.common._errors import OptionError

    with pytest.raises(
        OptionError, match=f"the input '{data}' is in.xlsx, which this run writes: it would be replaced"
    ):
        check_targets([data], data=data)
    link = tmp_path / "link.xlsx"
    link.symlink_to(data)
    with pytest.raises(OptionError, match="--previous"):
        check_targets([link], data=tmp_path / "other.xlsx", previous=data)
    check_targets([tmp_path / "annotated.xlsx"], data=data, previous=None)  # a new file: fine
