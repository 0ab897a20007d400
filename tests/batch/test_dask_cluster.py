"""The dask cluster mode as the README tells an office to start it.

A scheduler (``dask scheduler --port 0``: it picks a free port itself and writes its address
to a scheduler file) and workers (``dask worker tcp://HOST:P --nworkers 2 --nthreads 1``) run
as separate processes, and ``assess run ... --executor dask://HOST:P`` runs as a third one:
this test process never holds a dask client. Every process has a timeout and
the fixture stops all of them (and their kernels) however a test ends.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import assess
from assess.batch._ledger import read_ledger
from assess.common._staging import STAGING_NAME

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SRC = str(Path(assess.__file__).resolve().parents[1])
EPOCH = "1767139200"


def environment(tmp: Path) -> dict[str, str]:
    """What every process of the test gets: this source tree, a pinned time, a private temp folder."""
    (tmp / "tmp").mkdir(exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": SRC,
        "SOURCE_DATE_EPOCH": EPOCH,
        "TMPDIR": str(tmp / "tmp"),
    }


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def living(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen
    worker: subprocess.Popen
    env: dict[str, str]
    log: Path

    def tree(self) -> list[psutil.Process]:
        """Every process of the cluster, kernels included."""
        found = []
        for root in (self.scheduler, self.worker):
            try:
                parent = psutil.Process(root.pid)
                found += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        return found


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    env = environment(tmp_path)
    log = tmp_path / "cluster.log"
    # Port 0: the scheduler binds a free port itself and writes its address to the scheduler file
    # (choosing a port here and passing it on races with every other process on the machine).
    published = tmp_path / "scheduler.json"
    with log.open("wb") as out:
        scheduler = subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
            + ["--scheduler-file", str(published)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = None
        seen: list[psutil.Process] = []
        try:
            address = wait_for(lambda: _published(published), 60, "the scheduler")
            worker = subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1"] + ["--no-dashboard"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=tmp_path,
            )
            wait_for(lambda: log.read_text(errors="replace").count("Register worker") >= 2, 90, "two workers")
            cluster = Cluster(address.removeprefix("tcp://"), scheduler, worker, env, log)
            yield cluster
            seen = cluster.tree()
        finally:
            roots = [p for p in (scheduler, worker) if p is not None]
            for root in roots:
                try:
                    seen += psutil.Process(root.pid).children(recursive=True)
                except psutil.NoSuchProcess:
                    pass
            for root in roots:
                if root.poll() is None:
                    os.killpg(root.pid, signal.SIGTERM)
            for root in roots:
                try:
                    root.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(root.pid, signal.SIGKILL)
                    root.wait(timeout=10)
            for p in living(seen):  # a kernel in its own session
                p.kill()


def _published(path: Path) -> str | None:
    """The scheduler's address (``tcp://127.0.0.1:PORT``) once it listens and has written it."""
    try:
        address = json.loads(path.read_text(encoding="utf-8"))["address"]
    except (OSError, ValueError, KeyError):  # not written yet, or half-written
        return None
    host, port = address.removeprefix("tcp://").rsplit(":", 1)
    with socket.socket() as s:
        s.settimeout(0.5)
        return address if s.connect_ex((host, int(port))) == 0 else None


@pytest.fixture(scope="module")
def data(sample_year_csv: Path) -> Path:
    return sample_year_csv


def assess_run(env: dict[str, str], data: Path, out: Path, *extra: str, timeout: float = 300) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assess.cli", "run", str(data), "--year", "2025", "--out", str(out), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=30)
        raise AssertionError(f"assess run did not finish in {timeout:g}s:\n{err[-3000:]}") from None
    return process.returncode, out, err


def template(path: Path, code: str) -> Path:
    nb = new_notebook()
    params = new_code_cell('group_id = "G01"\nresult_dir = ""\nlang = "en"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def last_reports(out: Path) -> dict[str, dict]:
    records = read_ledger(out)
    run_id = [r for r in records if r["event"] == "run"][-1]["run_id"]
    return {r["group_id"]: r for r in records if r["event"] == "report" and r["run_id"] == run_id}


def same_commit(page: bytes) -> bytes:
    """``page`` with the source commit masked (a shared work tree can move between two runs)."""
    return re.sub(rb"[0-9a-f]{40}(-dirty)?", b"<commit>", page)


# A report that notes where it runs (kernel and worker PIDs) and then, for the groups named in
# SLOW, waits the first time it runs: long enough for a test to kill something under it.
MARKED = """
import os, pathlib, time
marks = pathlib.Path(result_dir).parent.parent / "marks"  # OUT/marks: the run reads OUT/.assess-staging/results
marks.mkdir(exist_ok=True)
first = not list(marks.glob(group_id + ".*"))
(marks / f"{group_id}.{os.getpid()}").write_text(str(os.getppid()))
if group_id in SLOW and first:
    time.sleep(120)
print("report for", group_id)
"""


def marks(out: Path, group_id: str) -> list[tuple[int, int]]:
    """(kernel PID, worker PID) of each time ``group_id``'s report started."""
    return [(int(p.suffix[1:]), int(p.read_text())) for p in (out / "marks").glob(f"{group_id}.*") if p.read_text()]


def test_reports_from_a_separately_started_cluster_equal_a_local_run(
    cluster: Cluster, data: Path, tmp_path: Path
) -> None:
    started = time.monotonic()
    only = ("--only", "G01,G03")
    remote = assess_run(cluster.env, data, tmp_path / "dask", *only, "--executor", f"dask://{cluster.address}")
    code, _, err = finish(remote)
    assert code == 0, err[-3000:]
    assert "No clients found" not in err
    code, _, err = finish(assess_run(cluster.env, data, tmp_path / "local", *only, "--workers", "1"))
    assert code == 0, err[-3000:]

    ledger = last_reports(tmp_path / "dask")
    assert sorted(ledger) == ["G01", "G03"] and all(r["status"] == "ok" for r in ledger.values())
    worker_pids = {int(r["worker"].split(":")[1]) for r in ledger.values()}
    cluster_pids = {p.pid for p in cluster.tree()}
    assert worker_pids <= cluster_pids  # the reports ran in the cluster's worker processes
    for group_id in ("G01", "G03"):
        html = f"reports/{group_id}.html"
        dask_page = (tmp_path / "dask" / html).read_bytes()
        assert same_commit(dask_page) == same_commit((tmp_path / "local" / html).read_bytes()), html
        assert b"data:image/jpeg;base64," in dask_page
        # the executed notebooks differ only by the output folder they were told to read
        notebooks = [
            (tmp_path / side / f"notebooks/{group_id}.ipynb")
            .read_text(encoding="utf-8")
            .replace(str(tmp_path / side), "OUT")
            for side in ("dask", "local")
        ]
        assert notebooks[0] == notebooks[1]
    print(f"cluster run and local run: {time.monotonic() - started:.1f} s")


def test_a_worker_killed_mid_report_has_its_group_rerun(cluster: Cluster, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = template(tmp_path / "marked.ipynb", 'SLOW = {"G02"}\n' + MARKED)
    started = time.monotonic()
    process = assess_run(
        cluster.env,
        data,
        out,
        "--only",
        "G01,G02",
        "--template",
        str(report),
        "--executor",
        f"dask://{cluster.address}",
    )
    try:
        kernel, worker = wait_for(lambda: marks(out, "G02"), 180, "G02's report to start")[0]
        os.kill(worker, signal.SIGKILL)  # the dask worker process running G02, mid-report
        code, _, err = finish(process, timeout=240)
    finally:
        if process.poll() is None:
            process.kill()
    # its kernel went with it (ipykernel watches its parent)
    wait_for(lambda: gone(kernel), 10, "the killed worker's kernel to end")
    assert code == 0, err[-3000:]
    ledger = last_reports(out)
    assert {g: r["status"] for g, r in ledger.items()} == {"G01": "ok", "G02": "ok"}
    assert len(marks(out, "G02")) == 2  # started twice: rerun by the scheduler on a live worker
    assert (out / "reports" / "G02.html").is_file()
    print(f"worker killed: run finished in {time.monotonic() - started:.1f} s")


def test_a_scheduler_that_goes_away_fails_the_rest_and_keeps_the_finished(
    cluster: Cluster, data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = template(tmp_path / "marked.ipynb", 'SLOW = {"G02"}\n' + MARKED)
    process = assess_run(
        cluster.env,
        data,
        out,
        "--only",
        "G01,G02",
        "--template",
        str(report),
        "--executor",
        f"dask://{cluster.address}",
    )
    try:
        done = out / STAGING_NAME / "reports" / "G01.html"  # OUT/reports is swapped in when the run ends
        wait_for(lambda: done.is_file() and marks(out, "G02"), 180, "G01 done, G02 running")
        os.kill(cluster.scheduler.pid, signal.SIGKILL)
        lost = time.monotonic()
        code, _, err = finish(process, timeout=120)
        seconds = time.monotonic() - lost
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 1, err[-3000:]
    assert "Traceback" not in err
    assert re.search(r"G02: \[dead_kernel\] lost the dask scheduler at tcp://127\.0\.0\.1:\d+ before", err), err[-3000:]
    assert "--failed" in err
    ledger = last_reports(out)
    assert ledger["G01"]["status"] == "ok" and ledger["G02"]["status"] == "failed"
    assert (out / "reports" / "G01.html").is_file() and not (out / "reports" / "G02.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "G02" in index and "lost the dask scheduler" in index
    ends = [r for r in read_ledger(out) if r["event"] == "end"]
    assert ends[-1]["failed"] == 1 and ends[-1]["written"] == 1 and not ends[-1]["interrupted"]
    print(f"scheduler killed: assess run ended {seconds:.1f} s later")
