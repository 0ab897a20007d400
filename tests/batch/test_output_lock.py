"""Two runs on one --out never mix their outputs: the second stops (or waits), a killed run's
lock is taken over. Real `assess` processes, run side by side."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import psutil
import pytest

from assess.batch._pipeline import write_sample
from assess.cli import main
from assess.common._outlock import LOCK_NAME, OutputBusy, output_lock, read_holder
from assess.common._staging import STAGING_NAME

SRC = Path(__file__).resolve().parents[2] / "src"

# `assess` itself, with one step of the job made to wait for a file: the test decides when a
# run that holds the folder goes on (no timing). ASSESS_TEST_PAUSE names the step.
PAUSED = """
import os, sys, time
from pathlib import Path
import assess.batch._pipeline as pipeline

step = os.environ["ASSESS_TEST_PAUSE"]
original = getattr(pipeline, step)

def paused(*args, **kwargs):
    Path(os.environ["ASSESS_TEST_STARTED"]).write_text(str(os.getpid()))
    go = Path(os.environ["ASSESS_TEST_GO"])
    while not go.exists():
        time.sleep(0.02)
    return original(*args, **kwargs)

setattr(pipeline, step, paused)
from assess.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env(tmp_path: Path, step: str = "_score_and_write") -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "ASSESS_TEST_PAUSE": step,
        "ASSESS_TEST_STARTED": str(tmp_path / "started"),
        "ASSESS_TEST_GO": str(tmp_path / "go"),
    }


def _paused(tmp_path: Path, *args: str, step: str = "_score_and_write") -> subprocess.Popen:
    """Start `assess ARGS` paused at ``step``; return once it holds the output folder."""
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSED, *args],
        env=_env(tmp_path, step),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "started").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the paused run never reached its step"
        time.sleep(0.05)
    return process


def _assess(tmp_path: Path, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assess", *args],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        text=True,
        **{"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen},
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _scored_input(out: Path) -> str:
    """The SHA-256 of the input that OUT/results and OUT/scores.xlsx were made from."""
    meta = json.loads((out / "results" / "meta.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(out / "scores.xlsx", read_only=True)
    provenance = {row[0]: row[1] for row in book["provenance"].iter_rows(values_only=True) if row and row[0]}
    book.close()
    shown = [v for v in provenance.values() if isinstance(v, str) and v == meta["input_sha256"]]
    assert shown, f"scores.xlsx's provenance does not carry results/'s input {meta['input_sha256']}"
    return meta["input_sha256"]


@pytest.fixture()
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    """Two different years of data (different seeds): whose outputs ended in OUT is plain to see."""
    return (
        write_sample(tmp_path / "first.xlsx", groups=4, seed=1),
        write_sample(tmp_path / "second.xlsx", groups=4, seed=2),
    )


@pytest.mark.slow  # real `assess score` processes side by side, 5-10 s of CPU
def test_a_second_run_on_a_busy_folder_stops_naming_the_first_and_with_wait_waits(tmp_path, inputs) -> None:
    first, second = inputs
    out = tmp_path / "out"
    holder = _paused(tmp_path, "score", str(first), "--year", "2025", "--out", str(out))
    try:
        # `score` and `run` on the same folder: refused at once, the holder named, nothing written
        for command in ("score", "run"):
            refused = _assess(tmp_path, command, str(second), "--year", "2025", "--out", str(out))
            _, err = refused.communicate(timeout=120)
            assert refused.returncode == 2, err
            assert f"is in use by another assess run (process {holder.pid} on " in err and "--wait" in err, err
            assert "Traceback" not in err and "Nothing was written." in err
            assert not (out / "scores.xlsx").exists()
        # with --wait: it says so on the console, and starts when the first has finished
        log = (tmp_path / "waiting.log").open("w")
        waiting = _assess(tmp_path, "score", str(second), "--year", "2025", "--out", str(out), "--wait", stderr=log)
        deadline = time.monotonic() + 120
        while "waiting for the assess run" not in (tmp_path / "waiting.log").read_text():
            assert waiting.poll() is None and time.monotonic() < deadline, (tmp_path / "waiting.log").read_text()
            time.sleep(0.05)
        line = (tmp_path / "waiting.log").read_text()
        assert f"process {holder.pid}" in line and str(out) in line
        (tmp_path / "go").touch()
        _, err = holder.communicate(timeout=120)
        assert holder.returncode == 0, err
        waiting.communicate(timeout=120)
        assert waiting.returncode == 0, (tmp_path / "waiting.log").read_text()
        log.close()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.communicate()
    # the outputs are the second input's, every one of them; no lock or staging folder is left
    assert _scored_input(out) == _sha(second)
    assert sorted(p.name for p in out.iterdir()) == ["results", "scores.xlsx", "validation.txt"]


@pytest.mark.slow  # real `assess score` processes side by side, 5-10 s of CPU
def test_a_run_killed_with_sigkill_leaves_the_outputs_whole_and_the_next_run_takes_over(tmp_path, inputs) -> None:
    first, second = inputs
    out = tmp_path / "out"
    assert main(["score", str(first), "--year", "2025", "--out", str(out)]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # killed after it wrote its scores.xlsx, before its results/: today's mix of new and old
    killed = _paused(tmp_path, "score", str(second), "--year", "2025", "--out", str(out), step="save_result")
    assert (out / STAGING_NAME / "scores.xlsx").is_file()
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert {
        p.relative_to(out): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and STAGING_NAME not in p.parts and p.name != LOCK_NAME
    } == before
    assert read_holder(out).pid == killed.pid  # its record stays; its lock went with it
    again = _assess(tmp_path, "score", str(second), "--year", "2025", "--out", str(out))
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert _scored_input(out) == _sha(second)
    assert sorted(p.name for p in out.iterdir()) == ["results", "scores.xlsx", "validation.txt"]


FORKED = """
import os, sys, time
from assess.common._outlock import output_lock
with output_lock(sys.argv[1]):
    if os.fork() == 0:  # a worker of the run: it outlives the run by far
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the test's pipes are the run's alone
            os.dup2(null, fd)
        time.sleep(60)
        os._exit(0)
    print("locked", flush=True)
    sys.stdin.readline()
    os._exit(0)  # killed, as far as the lock is concerned: no clean-up runs
"""


def test_a_forked_worker_that_outlives_its_run_does_not_keep_the_folder_locked(tmp_path) -> None:
    out = tmp_path / "out"
    run = subprocess.Popen(
        [sys.executable, "-c", FORKED, str(out)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout is not None and run.stdout.readline() == "locked\n"
        with pytest.raises(OutputBusy, match=f"process {run.pid} on "):
            with output_lock(out):
                pass
        run.communicate("\n", timeout=30)
        with output_lock(out):  # the worker lives on, yet the folder is free
            assert (out / LOCK_NAME).is_file()
    finally:
        if run.poll() is None:
            run.kill()
        for process in psutil.process_iter(["cmdline"]):  # the worker the test's run forked
            if process.info["cmdline"] and FORKED in process.info["cmdline"]:
                process.kill()


def test_the_lock_is_reentrant_and_removes_the_folder_it_made_when_left_empty(tmp_path) -> None:
    out = tmp_path / "new" / "out"
    with output_lock(out) as folder:
        assert folder == out and (out / LOCK_NAME).is_file()
        holder = read_holder(out)
        assert holder.pid == os.getpid() and holder.host and holder.started and holder.started.endswith("UTC")
        with output_lock(out):  # demo holds it while the sample is written and run_assessment takes it again
            pass
        assert (out / LOCK_NAME).is_file()
    assert not (tmp_path / "new").exists()  # bad input writes nothing, not even a folder
    with output_lock(out):
        (out / "scores.xlsx").write_bytes(b"x")
    assert sorted(p.name for p in out.iterdir()) == ["scores.xlsx"]  # no lock file left behind


def test_the_busy_message_reads_in_chinese(tmp_path) -> None:
    out = tmp_path / "out"
    with output_lock(out):
        # a second descriptor of this process conflicts like another process would
        from assess.common import _outlock as outlock

        held = dict(outlock._held)
        outlock._held.clear()
        try:
            with pytest.raises(OutputBusy) as caught, output_lock(out, lang="zh"):
                pass
        finally:
            outlock._held.update(held)
    text = str(caught.value)
    assert f"另一次 assess 运行正在写入 {out}（主机 " in text and f"上的进程 {os.getpid()}，开始于 " in text
    assert "--wait" in text and "未写入任何文件。" in text


def test_demo_on_a_busy_folder_writes_not_even_its_sample(tmp_path, capsys) -> None:
    from assess.common import _outlock as outlock

    out = tmp_path / "out"
    with output_lock(out):
        held = dict(outlock._held)
        outlock._held.clear()  # the command below opens the lock anew, as another process would
        try:
            assert main(["demo", "--out", str(out), "--lang", "zh"]) == 2
        finally:
            outlock._held.update(held)
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # no sample.xlsx
    err = capsys.readouterr().err
    assert f"另一次 assess 运行正在写入 {out}" in err and "--wait" in err and "Traceback" not in err
