"""A run that cannot finish (a full disk, a swap that fails, a process killed while swapping)
leaves the previous outputs whole: never scores.xlsx new and results/ old."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from assess.batch._pipeline import write_sample
from assess.cli import main
from assess.common import _staging as staging
from assess.common._outlock import LOCK_NAME
from assess.common._staging import STAGING_NAME, DiskFull, human_size, recover, staged


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (its staging folder and lock file aside) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and STAGING_NAME not in p.parts and p.name != LOCK_NAME
    }


@pytest.fixture()
def scored(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """An output folder holding a finished `score` of one year, a second year's data, and the folder's files."""
    first = write_sample(tmp_path / "first.xlsx", groups=6, seed=1)
    second = write_sample(tmp_path / "second.xlsx", groups=6, seed=2)
    out = tmp_path / "out"
    assert main(["score", str(first), "--year", "2025", "--out", str(out)]) == 0
    return out, second, _files(out)


def _no_space(path: object) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


def test_a_full_disk_after_scores_xlsx_leaves_the_previous_outputs_whole(scored, monkeypatch, capsys) -> None:
    out, second, before = scored
    import assess.batch._pipeline as pipeline

    real = pipeline.save_result

    def full(result, path):  # scores.xlsx is written; results/ fills the disk half-way
        real(result, path)
        raise _no_space(Path(path) / "indicators.parquet")

    monkeypatch.setattr(pipeline, "save_result", full)
    assert main(["score", str(second), "--year", "2025", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert f"The disk holding {out} is full (No space left on device, writing " in err
    assert "the previous outputs are intact and nothing of this run was kept" in err
    previous = sum(len(b) for b in before.values())
    assert f"This run needs about {human_size(previous)} free on that disk" in err
    assert _files(out) == before  # scores.xlsx and results/ both the first year's, byte for byte
    assert sorted(p.name for p in out.iterdir()) == [
        "results",
        "scores.xlsx",
        "validation.txt",
    ]  # no staging folder, no lock


def test_a_full_disk_message_in_chinese_names_the_folder_and_the_space(scored, monkeypatch, capsys) -> None:
    out, second, before = scored
    import assess.batch._pipeline as pipeline

    def full(result, path, lang="en"):
        raise _no_space(path)

    monkeypatch.setattr(pipeline, "write_scores", full)
    assert main(["score", str(second), "--year", "2025", "--out", str(out), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert f"{out} 所在的磁盘已满" in err and "之前的输出完好无损" in err and "目前可用" in err, err
    assert _files(out) == before


def test_the_estimate_counts_what_the_run_wrote_when_there_are_no_previous_outputs(tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DiskFull) as caught, staged(out, ["reports"]) as stage:
        (stage / "reports").mkdir()
        (stage / "reports" / "G01.html").write_bytes(b"x" * 300_000)
        (stage / "reports" / "G02.html").write_bytes(b"x" * 200_000)
        raise _no_space(stage / "reports" / "G03.html")
    assert caught.value.needed == 500_000 and "needs about 488.3 KB" in str(caught.value)
    assert "it had written 488.3 KB; the previous outputs take 0 B" in str(caught.value)
    assert not any(out.iterdir())


def test_a_swap_that_fails_midway_is_rolled_back_and_the_next_run_goes_on(scored, monkeypatch, capsys) -> None:
    out, second, before = scored
    real = os.replace
    moves = []

    def flaky(source, target):
        moves.append((Path(source).name, Path(target).name))
        into_out = Path(source).parent.name == STAGING_NAME and Path(target).parent == out
        if into_out and Path(source).name == "results":  # the second entry of the swap
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(target))
        return real(source, target)

    monkeypatch.setattr(staging.os, "replace", flaky)
    with pytest.raises(OSError, match="Device or resource busy"):
        main(["score", str(second), "--year", "2025", "--out", str(out)])
    assert ("scores.xlsx", "scores.xlsx") in moves  # the first entry had moved in, and went back
    assert _files(out) == before
    assert not (out / STAGING_NAME / ".swap.json").exists()  # undone: nothing for the next run to finish
    monkeypatch.setattr(staging.os, "replace", real)
    capsys.readouterr()
    assert main(["score", str(second), "--year", "2025", "--out", str(out)]) == 0
    assert _files(out) != before and sorted(p.name for p in out.iterdir()) == [
        "results",
        "scores.xlsx",
        "validation.txt",
    ]
    after = _files(out)
    fresh = out.with_name("fresh")
    assert main(["score", str(second), "--year", "2025", "--out", str(fresh)]) == 0
    assert after["results/scores.parquet"] == _files(fresh)["results/scores.parquet"]


def test_a_swap_killed_midway_is_finished_by_the_next_run(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    (out / "results" / "meta.json").write_text("old", encoding="utf-8")
    (out / "scores.xlsx").write_text("old", encoding="utf-8")
    (out / "notes.txt").write_text("the office's own", encoding="utf-8")
    stage = out / STAGING_NAME
    (stage / "results").mkdir(parents=True)
    (stage / "results" / "meta.json").write_text("new", encoding="utf-8")
    (stage / "scores.xlsx").write_text("new", encoding="utf-8")
    (stage / ".swap.json").write_text(json.dumps({"put": ["scores.xlsx", "results"]}), encoding="utf-8")
    # killed after the first entry moved: scores.xlsx new, results/ old — until the next run
    (stage / ".old").mkdir()
    os.replace(out / "scores.xlsx", stage / ".old" / "scores.xlsx")
    os.replace(stage / "scores.xlsx", out / "scores.xlsx")
    assert recover(out)
    assert (out / "scores.xlsx").read_text(encoding="utf-8") == "new"
    assert (out / "results" / "meta.json").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "results", "scores.xlsx"]
    assert not recover(out)  # nothing left to finish


def test_staging_links_the_previous_outputs_and_copies_the_ledger(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "G01.html").write_text("<html>", encoding="utf-8")
    (out / "run.jsonl").write_text('{"event": "run"}\n', encoding="utf-8")
    with staged(out, ["reports", "run.jsonl", "index.html"], copy=["run.jsonl"]) as stage:
        assert os.path.samefile(stage / "reports" / "G01.html", out / "reports" / "G01.html")  # no space taken
        assert not os.path.samefile(stage / "run.jsonl", out / "run.jsonl")
        with (stage / "run.jsonl").open("a", encoding="utf-8") as ledger:
            ledger.write('{"event": "end"}\n')
        assert (out / "run.jsonl").read_text(encoding="utf-8") == '{"event": "run"}\n'  # not yet
        assert not (stage / "index.html").exists()
    assert (out / "run.jsonl").read_text(encoding="utf-8").count("\n") == 2
    assert sorted(p.name for p in out.iterdir()) == ["reports", "run.jsonl"]


def test_an_interrupted_run_keeps_its_staging_folder_and_the_next_adopts_it(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    (out / "reports" / "G01.html").write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), staged(out, ["reports"]) as stage:
        (stage / "reports" / "G02.html").write_text("finished before Ctrl-C", encoding="utf-8")
        raise KeyboardInterrupt
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["G01.html"]  # OUT as it was
    with staged(out, ["reports"]) as stage:
        assert (stage / "reports" / "G02.html").read_text(encoding="utf-8") == "finished before Ctrl-C"
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["G01.html", "G02.html"]


TMPFS_SIZE = 2 * 2**20


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 2 MB tmpfs (root only; skipped where mounting is not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    disk.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.slow  # three whole `score` runs on a small mounted disk, about 5 s of CPU
def test_a_really_full_disk_exits_2_and_keeps_the_previous_outputs(small_disk, tmp_path, capsys) -> None:
    first = write_sample(tmp_path / "first.xlsx", groups=6, seed=1)
    second = write_sample(tmp_path / "second.xlsx", groups=40, seed=2)
    out = small_disk / "out"
    assert main(["score", str(first), "--year", "2025", "--out", str(out)]) == 0
    before = _files(out)
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # leave less free than the second year's outputs need
        handle.write(b"\0" * (shutil.disk_usage(small_disk).free - 16 * 1024))
    capsys.readouterr()
    assert main(["score", str(second), "--year", "2025", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"The disk holding {out} is full" in err, err
    assert _files(out) == before and sorted(p.name for p in out.iterdir()) == [
        "results",
        "scores.xlsx",
        "validation.txt",
    ]
    filler.unlink()
    assert main(["score", str(second), "--year", "2025", "--out", str(out)]) == 0
    assert _files(out) != before


def test_a_refused_run_keeps_no_staging_folder_of_its_own_but_keeps_one_it_adopted(tmp_path) -> None:
    from assess.common._errors import AssessError

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(AssessError), staged(out, ["reports"]):
        raise AssessError("bad --previous")
    assert not any(out.iterdir())  # nothing was written
    (out / STAGING_NAME / "reports").mkdir(parents=True)  # an interrupted run's work
    (out / STAGING_NAME / "reports" / "G01.html").write_text("finished", encoding="utf-8")
    with pytest.raises(AssessError), staged(out, ["reports"]):
        raise AssessError("bad --previous")
    assert (out / STAGING_NAME / "reports" / "G01.html").read_text(encoding="utf-8") == "finished"


def test_dropped_entries_leave_out_only_with_the_swap(tmp_path) -> None:
    """A run without --pdf drops an earlier run's PDFs: from the staging folder at once, from OUT
    only when its outputs are swapped in (a run that fails before leaves OUT whole)."""
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    for name in ("index.pdf", "index.html", "reports/G01.pdf", "reports/G01.html"):
        (out / name).write_text("old", encoding="utf-8")
    names, drop = ("index.pdf", "index.html", "reports"), ("index.pdf", "reports/*.pdf")
    with pytest.raises(RuntimeError), staged(out, names, drop=drop) as stage:
        assert sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*")) == [
            "index.html", "reports", "reports/G01.html",
        ]  # fmt: skip
        raise RuntimeError("the run fails before its swap")
    assert (out / "index.pdf").is_file() and (out / "reports" / "G01.pdf").is_file()
    with staged(out, names, drop=drop) as stage:
        (stage / "index.html").write_text("new", encoding="utf-8")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "index.html", "reports", "reports/G01.html",
    ]  # fmt: skip
    assert (out / "index.html").read_text(encoding="utf-8") == "new"


def test_a_swap_killed_before_its_drops_is_finished_by_the_next_run(tmp_path) -> None:
    out = tmp_path / "out"
    stage = out / STAGING_NAME
    stage.mkdir(parents=True)
    (out / "index.pdf").write_text("old", encoding="utf-8")
    (out / "scores.xlsx").write_text("old", encoding="utf-8")
    (stage / "scores.xlsx").write_text("new", encoding="utf-8")
    (stage / ".swap.json").write_text(json.dumps({"put": ["scores.xlsx"], "drop": ["index.pdf"]}), encoding="utf-8")
    assert recover(out)  # killed right after writing its journal
    assert sorted(p.name for p in out.iterdir()) == ["scores.xlsx"]
    assert (out / "scores.xlsx").read_text(encoding="utf-8") == "new"


def test_a_journal_naming_a_path_outside_out_is_not_followed(tmp_path) -> None:
    out = tmp_path / "out"
    stage = out / STAGING_NAME
    stage.mkdir(parents=True)
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    (stage / ".swap.json").write_text(json.dumps({"put": [], "drop": ["../keep.txt"]}), encoding="utf-8")
    assert recover(out)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_validation_txt_lists_the_pre_flight_warnings_validate_prints(tmp_path, capsys) -> None:
    data = write_sample(tmp_path / "year.xlsx", groups=6)
    assert main(["validate", str(data), "--lang", "zh"]) == 0
    printed = [line.removeprefix("提醒：") for line in capsys.readouterr().out.splitlines()[1:]]
    assert printed  # the sample has groups rated by too few recipients
    assert main(["score", str(data), "--year", "2025", "--out", str(tmp_path / "out"), "--lang", "zh"]) == 0
    written = (tmp_path / "out" / "validation.txt").read_text(encoding="utf-8")
    assert f"提示 {len(printed)} 条" in written
    for line in printed:  # the rule of each (the console gives the fix in brackets, the file after a dash)
        assert line.split("（")[0] in written
