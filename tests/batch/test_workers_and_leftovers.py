"""The batch's bounds: worker count, orphans after kill -9, leftovers, reproducible notebooks."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import assess
from assess.batch import _engine as engine
from assess.batch import _executors as executors
from assess.batch._engine import clean_stale_temp, pin_notebook, temp_prefix
from assess.batch._pipeline import write_sample

SRC = str(Path(assess.__file__).resolve().parents[1])
EPOCH = "1767139200"


def environment(tmp: Path) -> dict[str, str]:
    (tmp / "tmp").mkdir(exist_ok=True)
    return {**os.environ, "PYTHONPATH": SRC, "SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(tmp / "tmp")}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assess.cli", *args]


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    found = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except psutil.NoSuchProcess:
            pass
    return found


# --- workers: capped at cores and memory -----------------------------------------------------


def test_workers_are_capped_at_the_cores_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(executors, "default_workers", lambda: 4)
    monkeypatch.setattr(psutil, "virtual_memory", lambda: SimpleNamespace(available=64 * 2**30))
    with caplog.at_level(logging.WARNING, logger="assess.batch._executors"):
        assert executors.cap_workers(3) == 3
        assert not caplog.records
        assert executors.cap_workers(16) == 4
    (message,) = [r.getMessage() for r in caplog.records]
    assert message.startswith("16 workers asked for; using 4, because this machine has 4 cores")
    assert "memory" not in message


def test_workers_are_capped_by_available_memory(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(executors, "default_workers", lambda: 32)
    # 1 GB available: 1024 // 220 = 4 warm kernels
    monkeypatch.setattr(psutil, "virtual_memory", lambda: SimpleNamespace(available=2**30))
    with caplog.at_level(logging.WARNING, logger="assess.batch._executors"):
        assert executors.cap_workers(8) == 4
        assert executors.cap_workers(4) == 4
    (message,) = [r.getMessage() for r in caplog.records]
    assert "using 4, because 1.0 GB of memory is available and each warm kernel needs about 220 MB" in message
    monkeypatch.setattr(psutil, "virtual_memory", lambda: SimpleNamespace(available=50 * 2**20))
    assert executors.cap_workers(2) == 1  # never below one worker


# --- temporary files of killed runs ---------------------------------------------------------


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    mine = tmp_path / f"{temp_prefix('workers')}abc"  # this process: alive
    mine.mkdir()
    stale_dir = tmp_path / f"assess-workers-{dead.pid}-xyz"
    stale_dir.mkdir()
    (stale_dir / "123").write_text("G01")
    stale_file = tmp_path / f"assess-kernel-{dead.pid}-0123abcd.json"
    stale_file.write_text("{}")
    other = tmp_path / f"kernel-{dead.pid}-x.json"  # not ours: left alone
    other.write_text("{}")
    assert sorted(clean_stale_temp(tmp_path)) == sorted([stale_dir, stale_file])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])


def test_kernel_connection_files_are_named_after_their_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    kernel = engine.WarmKernel(engine.KernelSettings(isolation="fresh")).start()
    try:
        name = Path(kernel.km.connection_file).name
        assert name.startswith(f"assess-kernel-{os.getpid()}-") and Path(kernel.km.connection_file).parent == tmp_path
    finally:
        kernel.shutdown()
    assert not list(tmp_path.iterdir())


# --- orphans ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_of_assess_run_leaves_no_process_and_the_next_run_no_leftovers(tmp_path: Path) -> None:
    env = environment(tmp_path)
    data = write_sample(tmp_path / "sample.xlsx", groups=4)
    out = tmp_path / "out"
    run = cli("run", str(data), "--year", "2025", "--out", str(out), "--workers", "2")
    process = subprocess.Popen(run, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    descendants: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        kernels: list[psutil.Process] = []
        while time.monotonic() < deadline and len(kernels) < 2:
            descendants = psutil.Process(process.pid).children(recursive=True)
            kernels = [p for p in alive(descendants) if "ipykernel_launcher" in " ".join(p.cmdline())]
            time.sleep(0.2)
        assert kernels, "no kernel started within 120 s"
        descendants = psutil.Process(process.pid).children(recursive=True)
        assert len(alive(descendants)) >= 4  # two workers, two kernels
        os.kill(process.pid, signal.SIGKILL)
        killed = time.monotonic()
        process.wait(timeout=10)
        while alive(descendants) and time.monotonic() - killed < 10:
            time.sleep(0.05)
        seconds = time.monotonic() - killed
        left = alive(descendants)
        assert not left, [" ".join(p.cmdline())[:80] for p in left]
        print(f"every worker and kernel ended {seconds:.2f} s after kill -9")
    finally:
        if process.poll() is None:
            process.kill()
        for p in alive(descendants):
            p.kill()

    # The next run (asked for more workers than the machine has) cleans what the killed one left.
    again = subprocess.run([*run[:-1], "99"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    cores = executors.default_workers()
    assert f"99 workers asked for; using {min(cores, 99)}, because this machine has {cores} core" in again.stderr
    assert not list((tmp_path / "tmp").iterdir())  # no worker folder, no kernel connection file
    assert not list(out.rglob(".*.part"))
    assert sorted(p.name for p in (out / "reports").iterdir()) == [f"G0{i}.html" for i in range(1, 5)]


# --- reproducible executed notebooks --------------------------------------------------------


def test_pin_notebook_fixes_times_and_the_injected_cell_id(monkeypatch: pytest.MonkeyPatch) -> None:
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("print(x)")])
    nb.cells[0].metadata = {
        "tags": ["injected-parameters"],
        "execution": {
            "iopub.execute_input": "2026-01-02T03:04:05.678901Z",
            "shell.execute_reply": "2026-01-02T03:04:06Z",
        },
        "papermill": {
            "start_time": "2026-01-02T03:04:05+00:00",
            "end_time": "x",
            "duration": 1.5,
            "status": "completed",
        },
    }
    nb.metadata["papermill"] = {"start_time": "a", "end_time": "b", "duration": 9.0, "parameters": {"group_id": "G01"}}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # 2025-12-31T00:00:00Z
    pin_notebook(nb)
    assert nb.cells[0].id == "injected-parameters"
    assert set(nb.cells[0].metadata.execution.values()) == {"2025-12-31T00:00:00.000000Z"}
    assert nb.cells[0].metadata.papermill == {
        "start_time": "2025-12-31T00:00:00+00:00",
        "end_time": "2025-12-31T00:00:00+00:00",
        "duration": 0.0,
        "status": "completed",
    }
    assert nb.metadata.papermill["duration"] == 0.0 and nb.metadata.papermill["parameters"] == {"group_id": "G01"}
    nbformat.validate(nb)


@pytest.mark.slow
def test_identical_runs_write_identical_notebooks_and_reports(tmp_path: Path) -> None:
    env = environment(tmp_path)
    data = write_sample(tmp_path / "sample", groups=4)
    out, first = tmp_path / "out", tmp_path / "first"
    run = cli("run", str(data), "--year", "2025", "--out", str(out), "--only", "G02,G04", "--workers", "2")
    for attempt in range(2):
        done = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        if attempt == 0:
            out.rename(first)  # the second run writes to the same path: the notebooks name it
    for group_id in ("G02", "G04"):
        for name in (f"notebooks/{group_id}.ipynb", f"reports/{group_id}.html"):
            assert (out / name).read_bytes() == (first / name).read_bytes(), name
        nb = nbformat.read(out / f"notebooks/{group_id}.ipynb", as_version=4)
        assert nb.metadata.papermill.start_time == "2025-12-31T00:00:00+00:00"
        assert nb.cells[1].id == "injected-parameters"  # the template's parameters cell, then papermill's


# --- a run killed midway: its lock taken over, its finished reports resumed -------------------


@pytest.mark.slow
def test_kill_9_during_the_reports_leaves_out_untouched_and_the_next_run_resumes(tmp_path: Path) -> None:
    from assess.batch._ledger import read_ledger
    from assess.common._outlock import LOCK_NAME, read_holder
    from assess.common._staging import STAGING_NAME

    env = environment(tmp_path)
    data = write_sample(tmp_path / "sample.xlsx", groups=4)
    out = tmp_path / "out"
    run = cli("run", str(data), "--year", "2025", "--out", str(out), "--workers", "1")
    process = subprocess.Popen(run, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staged = out / STAGING_NAME
    try:
        deadline = time.monotonic() + 180
        while not list((staged / "reports").glob("*.html")):
            assert process.poll() is None and time.monotonic() < deadline, "no report within 180 s"
            time.sleep(0.05)
        descendants = psutil.Process(process.pid).children(recursive=True)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        while alive(descendants) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
    done = sorted(p.stem for p in (staged / "reports").glob("*.html"))
    assert 1 <= len(done) < 4
    # OUT holds no output of the run half done; the lock's record names the dead run
    assert sorted(p.name for p in out.iterdir()) == sorted([LOCK_NAME, STAGING_NAME])
    assert read_holder(out).pid == process.pid
    status = subprocess.run(cli("status", str(out)), env=env, capture_output=True, text=True, timeout=120)
    assert "its outputs are not in" in status.stdout and "no end recorded" in status.stdout, status.stdout

    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-3000:]
    records = read_ledger(out)
    last = [r for r in records if r["event"] == "run"][-1]["run_id"]
    skipped = sorted(r["group_id"] for r in records if r.get("run_id") == last and r.get("status") == "skipped")
    assert skipped == done  # the reports the killed run finished were not made again
    assert sorted(p.name for p in (out / "reports").iterdir()) == [f"G0{i}.html" for i in range(1, 5)]
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",
        "notebooks",
        "reports",
        "results",
        "run.jsonl",
        "scores.xlsx",
        "validation.txt",
    ]
    notebook = nbformat.read(out / "notebooks" / "G04.ipynb", as_version=4)
    assert notebook.metadata.papermill.parameters.result_dir == str((out / "results").resolve())
    assert STAGING_NAME not in (out / "notebooks" / "G04.ipynb").read_text(encoding="utf-8")
