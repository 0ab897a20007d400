"""Tests of the batch engine: warm kernels, isolation, failures, ledger, incremental runs, dask.

The notebook-running tests use tiny templates written into tmp_path and a 4-group sample
year, so the whole file stays within a couple of minutes on two cores.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

import assess
from assess.batch import _engine as engine
from assess.batch import _kernel_state as kernel_state
from assess.batch._executors import BatchError, open_executor
from assess.batch._fingerprint import code_digest, group_digests, report_fingerprints
from assess.batch._ledger import Ledger, format_status, read_ledger, run_status
from assess.batch._pipeline import write_sample
from assess.batch._runner import ReportBatch, render_reports
from assess.cli import main
from assess.common._extras import MissingExtraError
from assess.common._staging import STAGING_NAME

GROUPS = ["G01", "G02", "G03", "G04"]
EPOCH = "1767139200"  # 2025-12-31: pins generated_at for byte-equal runs


def write_template(path: Path, *cells: str) -> Path:
    """A papermill template: the parameters cell, then ``cells``."""
    nb = new_notebook()
    params = new_code_cell('group_id = "G01"\nresult_dir = ""\nlang = "en"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


# Reads the saved result: score, rank, the group's own rating comments, and a figure.
SCORES = """
from assess.scoring._result import load_result
import matplotlib.pyplot as plt
import pandas as pd
result = load_result(result_dir)
row = result.group(group_id)
comments = sorted(result.rows("ratings", group_id)["comment"].fillna("").astype(str))
rank = "-" if pd.isna(row["rank"]) else int(row["rank"])  # a vetoed or ungraded group has no rank
print(group_id, round(float(row["final_score"]), 4), rank, "|".join(comments))
fig, ax = plt.subplots(figsize=(3, 2))
ax.bar(["final"], [float(row["final_score"])])
plt.show()
"""

PLANT = """
import os, random, warnings
import numpy as np, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt, seaborn as sns
import assess.reporting.sections
if group_id == "G01":
    planted = "secret"
    sns.set_theme(style="darkgrid", palette="husl")
    mpl.rcParams["lines.linewidth"] = 7.5
    get_ipython().run_line_magic("config", "InlineBackend.close_figures = False")
    plt.figure()
    plt.plot([1, 2])
    pd.set_option("display.max_rows", 3)
    np.random.seed(123)
    random.seed(123)
    os.environ["ASSESS_PLANTED"] = "1"
    assess.reporting.sections.PLANTED = True
    warnings.simplefilter("ignore")
    os.chdir("/")
"""

CHECK = """
import json
from matplotlib_inline.config import InlineBackend
state = {
    "planted": "planted" in globals(),
    "linewidth": mpl.rcParams["lines.linewidth"],
    "facecolor": mpl.rcParams["axes.facecolor"],
    "open_figures": len(plt.get_fignums()),
    "close_figures": InlineBackend.instance().close_figures,
    "max_rows": pd.get_option("display.max_rows"),
    "numpy_draw": float(np.random.random()),
    "python_draw": random.random(),
    "env": os.environ.get("ASSESS_PLANTED"),
    "patched": hasattr(assess.reporting.sections, "PLANTED"),
    "warning_filters": len(warnings.filters),
    "cwd": os.getcwd(),
    "execution_count": get_ipython().execution_count,
    "pid": os.getpid(),
}
print("STATE" + json.dumps(state))
"""

FAILING = """
import os, time
if group_id == "G02":
    raise ValueError("boom for G02")
if group_id == "G03":
    time.sleep(120)
if group_id == "G04":
    os._exit(1)
print("report for", group_id)
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4-group sample year as a folder of CSV files."""
    return write_sample(tmp_path_factory.mktemp("data") / "year", groups=4)


@pytest.fixture(scope="module")
def results(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scored")
    assert main(["score", str(data), "--year", "2025", "--out", str(out)]) == 0
    return out / "results"


def run(data: Path, out: Path, template: Path, *extra: str) -> int:
    return main(["run", str(data), "--year", "2025", "--out", str(out), "--template", str(template), *extra])


def mtimes(out: Path) -> dict[str, int]:
    files = [*(out / "reports").glob("*.html"), *(out / "notebooks").glob("*.ipynb"), out / "index.html"]
    return {p.name: p.stat().st_mtime_ns for p in files}


def report_records(out: Path) -> list[dict]:
    """The report lines of the last run in the ledger."""
    records = read_ledger(out)
    run_id = [r for r in records if r["event"] == "run"][-1]["run_id"]
    return [r for r in records if r["event"] == "report" and r["run_id"] == run_id]


def same_commit(page: bytes) -> bytes:
    """``page`` with the source commit masked: in a shared work tree it can move between two runs."""
    return re.sub(rb"[0-9a-f]{40}(-dirty)?", b"<commit>", page)


def outputs_of(notebook: Path, marker: str) -> str:
    nb = nbformat.read(notebook, as_version=4)
    text = "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"
    )
    return next(line[len(marker) :] for line in text.splitlines() if line.startswith(marker))


# --- fast: entry point, options, fingerprints, ledger, kernel state ---------------------------


def test_papermill_engine_entry_point_resolves() -> None:
    names = {ep.name: ep for ep in importlib.metadata.entry_points(group="papermill.engine")}
    assert names["assess-warm"].load() is engine.WarmKernelEngine
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine("assess-warm") is engine.WarmKernelEngine


def test_bad_options_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BatchError, match="Executor 'yarn' is invalid"):
        open_executor("yarn")
    with pytest.raises(ValueError, match="Isolation 'lukewarm' is invalid"):
        engine.KernelSettings(isolation="lukewarm")
    template = write_template(tmp_path / "t.ipynb", "print(1)")
    with pytest.raises(BatchError, match="either only"):
        ReportBatch(tmp_path, template=template, only=["G01"], failed=True)
    with pytest.raises(BatchError, match="Workers 0 is invalid"):
        ReportBatch(tmp_path, template=template, workers=0)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "weasyprint" else real(name, *a))
    with pytest.raises(MissingExtraError, match=r"PDF reports need the pdf extra: pip install 'assess\[pdf\]'"):
        ReportBatch(tmp_path, template=template, pdf=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.ipynb"]  # nothing written


def test_fingerprints_follow_what_a_report_shows(data: Path, tmp_path: Path) -> None:
    result = assess.score(assess.load(data), year=2025)
    options = {"lang": "en", "pdf": False}
    base = report_fingerprints(result, "template", GROUPS, options)
    assert len(set(base.values())) == 4
    assert report_fingerprints(result, "template", GROUPS, options) == base  # stable

    # One rating comment of G02 changes: only G02's fingerprint moves.
    ratings = result.inputs["ratings"].copy()
    row = ratings.index[ratings["group_id"] == "G02"][0]
    ratings.loc[row, "comment"] = "服务很好 — edited"
    edited = type(result)(**{**result.__dict__, "inputs": {**result.inputs, "ratings": ratings}})
    changed = report_fingerprints(edited, "template", GROUPS, options)
    assert [g for g in GROUPS if changed[g] != base[g]] == ["G02"]

    # The time and the input's hash do not count; scores, template, options, language do.
    later = type(result)(
        **{**result.__dict__, "meta": {**result.meta, "generated_at": "2030-01-01", "input_sha256": "0"}}
    )
    assert report_fingerprints(later, "template", GROUPS, options) == base
    scores = result.scores.assign(final_score=result.scores["final_score"] + 0.01)
    rescored = type(result)(**{**result.__dict__, "scores": scores})
    for other in (
        report_fingerprints(rescored, "template", GROUPS, options),
        report_fingerprints(result, "template 2", GROUPS, options),
        report_fingerprints(result, "template", GROUPS, {**options, "lang": "zh"}),
    ):
        assert all(other[g] != base[g] for g in GROUPS)
    shared, by_group = group_digests(result.inputs)
    assert set(by_group) == set(GROUPS) and len(shared) == 64


def test_ledger_state_status_and_compaction(tmp_path: Path) -> None:
    for n in range(25):
        ledger = Ledger(tmp_path)
        ledger.start({"executor": "local", "isolation": "warm"}, groups=2, to_run=2)
        ledger.report(group_id="G01", status="ok", seconds=0.5, peak_memory_mb=310.0, attempts=1, fingerprint=f"f{n}")
        if n == 0:
            ledger.report(
                group_id="G02", status="failed", error_class="timeout", error="CellTimeoutError: x", attempts=1
            )
        else:
            ledger.report(group_id="G02", status="skipped", fingerprint="s")
        ledger.end(1.0, written=1, skipped=1, failed=0)
        ledger.close()
    runs = [r for r in read_ledger(tmp_path) if r["event"] == "run"]
    assert len(runs) <= 21  # compacted on the way
    state = Ledger(tmp_path).state
    assert state["G01"]["fingerprint"] == "f24"
    assert state["G02"]["status"] == "failed"  # the state of a group survives compaction
    status = run_status(tmp_path)
    text = format_status(status)
    assert "finished in 1.0 s" in text and "1 written, 1 unchanged, 0 failed" in text
    assert "G02: timeout after 1 attempt(s)" in text and "peak kernel memory: max 310 MB (G01)" in text
    # a line cut short by a crash is ignored
    with (tmp_path / "run.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"event": "report", "group_')
    assert run_status(tmp_path).state["G01"]["fingerprint"] == "f24"
    assert main(["status", str(tmp_path)]) == 1  # a failed report in the current state
    assert main(["status", str(tmp_path / "nothing")]) == 2


def test_kernel_state_restores_what_a_report_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    import matplotlib as mpl
    import numpy as np
    import seaborn as sns

    import assess.reporting.sections

    monkeypatch.delenv("ASSESS_PLANTED", raising=False)
    with mpl.rc_context():  # leave the test process's style as it was, whatever happens
        kernel_state.preload(["numpy", "pandas", "matplotlib", "seaborn", "assess.reporting.sections"])
        rc, max_rows = dict(mpl.rcParams), pd.get_option("display.max_rows")
        draws = (random.random(), float(np.random.random()))  # noqa: NPY002 (the global RNG is the point)
        sns.set_theme(style="darkgrid")
        mpl.rcParams["lines.linewidth"] = 9.0
        pd.set_option("display.max_rows", 3)
        np.random.seed(1)  # noqa: NPY002
        os.environ["ASSESS_PLANTED"] = "1"
        assess.reporting.sections.PLANTED = True
        kernel_state.restore()
        assert dict(mpl.rcParams) == rc
        assert pd.get_option("display.max_rows") == max_rows
        assert (random.random(), float(np.random.random())) == draws  # noqa: NPY002 (rewound)
        assert "ASSESS_PLANTED" not in os.environ and not hasattr(assess.reporting.sections, "PLANTED")


def test_preload_reports_a_missing_module_but_not_a_function_imported_from_a_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template's `from assess.scoring._result import load_result` makes the batch try
    `assess.scoring._result.load_result` as a possible submodule: not a failure worth a log line."""
    import matplotlib as mpl

    from assess.batch._runner import template_imports

    cell = "from assess.scoring._result import load_result\nimport assess_no_such_module\nfrom assess import nope\n"
    notebook = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]))
    names = template_imports(notebook)
    assert names == ("assess.scoring._result", "assess.scoring._result.load_result", "assess", "assess.nope")
    # a package whose attribute shares its name with a submodule that fails on its own import
    (tmp_path / "plantedpkg").mkdir()
    (tmp_path / "plantedpkg" / "__init__.py").write_text("def helper():\n    return 1\n", encoding="utf-8")
    (tmp_path / "plantedpkg" / "helper.py").write_text("import no_such_dependency_xyz\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with mpl.rc_context():
        failed = kernel_state.preload([*names, "assess.common.no_such_module", "plantedpkg", "plantedpkg.helper"])
    assert [f.split(":")[0] for f in failed] == ["assess.nope", "assess.common.no_such_module", "plantedpkg.helper"]
    assert "no_such_dependency_xyz" in failed[-1]
    for name in ("plantedpkg.helper", "plantedpkg"):
        sys.modules.pop(name, None)


# --- notebooks: isolation, failures, incremental runs, resume, dask ---------------------------


@pytest.mark.slow
def test_state_planted_by_one_report_never_reaches_the_next(results: Path, tmp_path: Path) -> None:
    template = write_template(tmp_path / "plant.ipynb", PLANT, CHECK)
    out = tmp_path / "out"
    outcomes = render_reports(results, out, ["G01", "G02", "G03"], template, progress=False, workers=1)
    assert [o.ok for o in outcomes] == [True, True, True], [o.error for o in outcomes]
    states = {g: json.loads(outputs_of(out / "notebooks" / f"{g}.ipynb", "STATE")) for g in ("G01", "G02", "G03")}
    g1, g2, g3 = states["G01"], states["G02"], states["G03"]
    assert g1["planted"] and g1["linewidth"] == 7.5 and g1["env"] == "1" and g1["patched"]  # it did plant
    assert g1["pid"] == g2["pid"] == g3["pid"]  # one warm kernel served all three
    assert g2 == g3  # the same state for each report after the first...
    clean = {"planted": False, "linewidth": 1.5, "facecolor": "white", "open_figures": 0, "close_figures": True}
    assert {k: g2[k] for k in clean} == clean  # ...and it is the clean one
    assert g2["max_rows"] == 60 and g2["env"] is None and not g2["patched"]
    assert g2["cwd"] == str(out.resolve()) and g2["warning_filters"] < g1["warning_filters"] + 1
    assert g2["execution_count"] == g1["execution_count"]  # counter reset: same numbering as a fresh kernel


@pytest.mark.slow
def test_failures_are_classified_and_isolated(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    template = write_template(tmp_path / "failing.ipynb", FAILING)
    out = tmp_path / "out"
    started = time.monotonic()
    code = run(data, out, template, "--timeout", "6", "--retries", "1", "--workers", "2")
    assert code == 1
    err = capsys.readouterr().err
    assert "G02: [notebook_error] ValueError: boom for G02" in err
    records = {r["group_id"]: r for r in report_records(out)}
    assert {g: (r["status"], r["error_class"], r["attempts"]) for g, r in records.items()} == {
        "G01": ("ok", None, 1),
        "G02": ("failed", "notebook_error", 1),  # the notebook's own error: not retried
        "G03": ("failed", "timeout", 1),  # not retried either
        "G04": ("failed", "dead_kernel", 2),  # infrastructure: retried once
    }
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["G01.html"]
    assert "report for G01" in (out / "reports" / "G01.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="reports/G01.html"' in index and 'href="reports/G02.html"' not in index
    assert "boom for G02" in index.split("Failed reports", 1)[1]
    nb = nbformat.read(out / "notebooks" / "G02.ipynb", as_version=4)  # kept: shows the failing cell
    assert any(o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", []))
    assert time.monotonic() - started < 90

    assert main(["status", str(out)]) == 1
    status = capsys.readouterr().out
    assert "G03: timeout" in status and "G04: dead_kernel after 2 attempt(s)" in status

    # --failed reruns just the failures (here with a template that works)
    fixed = write_template(tmp_path / "fixed.ipynb", 'print("fixed", group_id)')
    before = mtimes(out)
    assert run(data, out, fixed, "--failed") == 0
    assert sorted(r["group_id"] for r in report_records(out) if r["status"] == "ok") == ["G02", "G03", "G04"]
    assert mtimes(out)["G01.html"] == before["G01.html"]


@pytest.mark.slow
def test_a_lost_worker_process_is_replaced(results: Path, tmp_path: Path) -> None:
    """A report that kills its worker process (not just its kernel): the pool is rebuilt, the run goes on."""
    template = write_template(
        tmp_path / "t.ipynb",
        'import os, signal\nif group_id == "G02":\n    os.kill(os.getppid(), signal.SIGKILL)\nprint("ok")',
    )
    outcomes = render_reports(results, tmp_path / "out", GROUPS, template, progress=False, workers=2, retries=1)
    by_id = {o.group_id: o for o in outcomes}
    assert [g for g in GROUPS if by_id[g].ok] == ["G01", "G03", "G04"]
    assert (by_id["G02"].error_class, by_id["G02"].attempts) == ("dead_kernel", 2)
    assert "worker lost" in (by_id["G02"].error or "")


@pytest.mark.slow
def test_export_error_is_its_own_class(results: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import assess.reporting

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("no converter")

    monkeypatch.setattr(assess.reporting, "render_html", broken)  # the public name the engine imports
    template = write_template(tmp_path / "t.ipynb", 'print("hello")')
    task = engine.ReportTask(
        "G01", "t", template.read_text(), {"group_id": "G01", "result_dir": str(results), "lang": "en"}, timeout=60
    )
    try:
        payload = engine.run_task(task)
    finally:
        engine.shutdown_kernels()
    assert (payload.ok, payload.error_class, payload.html) == (False, "export_error", None)
    assert "no converter" in (payload.error or "") and payload.notebook is not None


@pytest.mark.slow
def test_incremental_runs_redo_only_what_changed(data: Path, tmp_path: Path) -> None:
    template = write_template(tmp_path / "scores.ipynb", SCORES)
    out = tmp_path / "out"
    assert run(data, out, template) == 0
    assert [r["status"] for r in report_records(out)] == ["ok"] * 4
    first = mtimes(out)

    # Nothing changed: nothing is rewritten, and the report phase takes no time.
    assert run(data, out, template) == 0
    assert mtimes(out) == first
    assert [r["status"] for r in report_records(out)] == ["skipped"] * 4
    end = [r for r in read_ledger(out) if r["event"] == "end"][-1]
    assert end["seconds"] < 2 and end["written"] == 0

    # One recipient's comment: that group's report and the index only.
    ratings = pd.read_csv(data / "ratings.csv", dtype=str, keep_default_na=False)
    row = ratings.index[ratings["group_id"] == "G02"][0]
    ratings.loc[row, "comment"] = "响应及时 (edited)"
    ratings.to_csv(data / "ratings.csv", index=False, encoding="utf-8")
    try:
        assert run(data, out, template) == 0
        second = mtimes(out)
        assert {name for name in first if second[name] != first[name]} == {"G02.html", "G02.ipynb", "index.html"}
        assert "响应及时 (edited)" in (out / "reports" / "G02.html").read_text(encoding="utf-8")

        # A scheme weight: every score moves, every report reruns.
        scheme = yaml.safe_load(assess.default_scheme().text)
        scheme["components"]["daily_work"]["weight"] = 0.35
        scheme["components"]["effectiveness"]["weight"] = 0.35
        path = tmp_path / "scheme.yaml"
        path.write_text(yaml.safe_dump(scheme, allow_unicode=True), encoding="utf-8")
        assert run(data, out, template, "--scheme", str(path)) == 0
        third = mtimes(out)
        assert all(third[name] != second[name] for name in second)

        # --only reruns the named groups, changed or not.
        assert run(data, out, template, "--scheme", str(path), "--only", "G03") == 0
        assert [(r["group_id"], r["status"]) for r in report_records(out)] == [("G03", "ok")]
        assert {name for name in third if mtimes(out)[name] != third[name]} == {"G03.html", "G03.ipynb"}
    finally:
        write_sample(data, groups=4)  # the module's sample, as it was


def test_a_signal_waits_until_the_report_and_its_ledger_line_are_both_written() -> None:
    """Ctrl-C or SIGTERM during held_signals() interrupts only when the block is done, and the
    handlers are put back; without a signal nothing is raised."""
    from assess.batch._runner import held_signals

    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    done = []
    with pytest.raises(KeyboardInterrupt, match=f"signal {int(signal.SIGTERM)}"):
        with held_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)  # the handler has run by now: it only noted the signal
            done.append("files")
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            done.append("ledger line")
    assert done == ["files", "ledger line"]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    with held_signals():
        done.append("quiet")
    assert done[-1] == "quiet"


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_outputs(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    template = write_template(tmp_path / "slow.ipynb", "import time\ntime.sleep(1)", SCORES)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code = code_digest.__wrapped__()  # the package's files, as the subprocess will see them
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    process = subprocess.Popen(
        [sys.executable, "-m", "assess.cli", "run", str(data), "--year", "2025", "--template", str(template)]
        + ["--out", str(killed), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    staged = killed / STAGING_NAME  # where the run writes until it has finished
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((staged / "reports").glob("*.html")):
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err.decode()
    assert f"the reports this run finished are kept aside, in {staged}" in err.decode()
    done = list((staged / "reports").glob("*.html"))
    assert 1 <= len(done) < 4
    assert [p.name for p in killed.iterdir()] == [STAGING_NAME]  # OUT as before: no output of a run half done
    assert not list(killed.rglob(".*.part"))  # nothing half-written
    assert all(p.read_text(encoding="utf-8").rstrip().endswith("</html>") for p in done)
    assert [r for r in read_ledger(staged) if r["event"] == "end"][-1]["interrupted"]

    assert run(data, killed, template) == 0  # resume
    rerun = sorted(r["group_id"] for r in report_records(killed) if r["status"] == "ok")
    if code_digest() == code == code_digest.__wrapped__():  # (a package file edited meanwhile reruns all)
        assert rerun == sorted(set(GROUPS) - {p.stem for p in done})  # it went on where it stopped
    assert run(data, whole, template) == 0  # one uninterrupted run
    for name in [*(f"reports/{g}.html" for g in GROUPS), "index.html"]:
        assert same_commit((killed / name).read_bytes()) == same_commit((whole / name).read_bytes()), name


@pytest.mark.slow
def test_dask_cluster_gives_the_same_html_bytes(results: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    template = write_template(tmp_path / "scores.ipynb", SCORES)
    local = render_reports(results, tmp_path / "local", GROUPS[:2], template, progress=False, workers=1)
    assert all(o.ok for o in local)
    # Port 0 everywhere: without a dashboard (dashboard_address=None) the scheduler still starts
    # its HTTP server on 8787, and a busy 8787 (another test run, a notebook's cluster) turned
    # into a "Port 8787 is already in use" warning, an error under this suite's settings.
    with (
        distributed.LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        address = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
        try:
            remote = render_reports(results, tmp_path / "dask", GROUPS[:2], template, progress=False, executor=address)
        finally:
            client.run(engine.shutdown_kernels)
    assert [(o.group_id, o.ok) for o in remote] == [("G01", True), ("G02", True)], [o.error for o in remote]
    worker = {r["worker"] for r in report_records(tmp_path / "dask")}
    assert worker and all(w.split(":")[1] != str(os.getpid()) for w in worker)  # ran in the dask worker
    for group_id in GROUPS[:2]:
        html = f"reports/{group_id}.html"
        assert (tmp_path / "dask" / html).read_bytes() == (tmp_path / "local" / html).read_bytes()
        assert 'src="data:image/png;base64,' in (tmp_path / "dask" / html).read_text(encoding="utf-8")


@pytest.mark.slow
def test_papermill_cli_runs_the_engine(tmp_path: Path) -> None:
    template = write_template(tmp_path / "t.ipynb", 'import os\nprint("hello", group_id, os.getpid())')
    out = tmp_path / "out.ipynb"
    papermill = Path(sys.executable).with_name("papermill")
    done = subprocess.run(
        [str(papermill), "--engine", "assess-warm", str(template), str(out), "-p", "group_id", "G07"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert outputs_of(out, "hello").split()[0] == "G07"
