"""Report batch benchmark (run by hand): the old way, fresh kernels, warm kernels, the floor.

On one sample year and the same template, side by side in one run:

(a) ``assess score`` once, then per group a ``papermill`` CLI call and a
    ``jupyter nbconvert --to html --no-input`` call (what an office would script);
(b) ``assess run --isolation fresh`` (one new kernel per report, parallel workers);
(c) ``assess run`` as shipped (warm kernels, parallel workers);

and the floor: the report's own compute time, measured by running the template's cells
for a few groups in one already-warm kernel, divided by the workers. Every time is the
wall time of a whole command (validation, scoring, start-up, reports, index). Then (c)
again at larger sizes, to show that time grows linearly with the groups.

    .venv/bin/python bench/batch.py                    # 38 groups, then (c) at 200 and 1,000
    .venv/bin/python bench/batch.py --skip-cli         # leave out (a), the slow part
    .venv/bin/python bench/batch.py --cli-groups 8     # (a) on 8 groups, scaled to all
    .venv/bin/python bench/batch.py --sizes            # no scaling runs
    .venv/bin/python bench/batch.py --pdf-ratio        # the cost of --pdf: assess run --lang zh with and without it
    .venv/bin/python bench/batch.py --pdf-ratio --before ../old-checkout   # ... before and after a change

``--pdf-ratio`` runs ``assess run --lang zh`` without and with ``--pdf`` on the same year,
alternating, ``--repeat`` times each (after one untimed PDF warm-up per checkout, which cuts
its subset font into the user's cache if it is not there yet), and prints the median wall times, their ratio, the CPU
seconds of each (steadier than wall time on a busy machine), the
pages per group PDF and what binding ``reports.pdf`` costs (``--source`` measures another
checkout's package and template, e.g. the code before a change, the same way; ``--before``
measures another checkout too, in the same session with the runs interleaved, and prints the
two side by side).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]


#: ``PYTHONPATH`` as the benchmark found it (each measured checkout's copy goes in front of it).
ORIGINAL_PYTHONPATH = os.environ.get("PYTHONPATH", "")

#: CPU seconds (user + system) of the last :func:`sh` command and everything it started and waited for.
last_cpu = 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sh(*command: str | Path, env: dict[str, str] | None = None) -> float:
    """Run a command quietly; its wall time in seconds (raises if it fails)."""
    global last_cpu
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    last_cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(map(str, command))}\n{done.stderr[-3000:]}")
    return seconds


def sample(folder: Path, groups: int) -> Path:
    path = folder / f"sample-{groups}.xlsx"
    if not path.exists():
        sh(BIN / "assess", "sample", path, "--groups", groups)
    return path


def cli_loop(data: Path, out: Path, template: Path, groups: list[str]) -> float:
    """(a): score once, then papermill + nbconvert CLI calls per group."""
    seconds = sh(BIN / "assess", "score", data, "--year", "2025", "--out", out)
    (out / "notebooks").mkdir(exist_ok=True)
    (out / "reports").mkdir(exist_ok=True)
    results = (out / "results").resolve()
    for group_id in groups:
        notebook = out / "notebooks" / f"{group_id}.ipynb"
        seconds += sh(
            BIN / "papermill", template, notebook, "-p", "group_id", group_id, "-p", "result_dir", results,
            "-p", "lang", "en", "--cwd", out, "--no-progress-bar",
        )  # fmt: skip
        seconds += sh(
            BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", notebook, "--output-dir", out / "reports"
        )
    return seconds


def run(data: Path, out: Path, template: Path, *extra: str, env: dict[str, str] | None = None) -> float:
    return sh(BIN / "assess", "run", data, "--year", "2025", "--out", out, "--template", template, *extra, env=env)


def snapshot_of(source: Path, folder: Path) -> tuple[Path, Path]:
    """A private copy of ``source``'s package and template under ``folder``: in a work tree
    shared with others, an edit mid-run would change what is measured (and make every report
    "changed"). Returns the folder to put on ``PYTHONPATH`` and the template's copy."""
    copy = folder / "snapshot"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source / "src" / "assess", copy / "assess", ignore=shutil.ignore_patterns("__pycache__"))
    template = folder / "template.ipynb"
    shutil.copy(source / "src" / "assess" / "reporting" / "templates" / "group_report.ipynb", template)
    return copy, template


def report_phase(out: Path) -> float:
    """Wall time of the last run's report phase (after scoring, before the index), from its ledger."""
    from assess.batch._ledger import read_ledger

    return [r for r in read_ledger(out) if r["event"] == "end"][-1]["seconds"]


def floor(results: Path, template: Path, groups: list[str], cwd: Path) -> float:
    """Mean seconds of the template's own cells for one group, in an already-warm kernel.

    The cells run as a report runs them (outputs, figures and all), through a plain
    Jupyter client: no papermill, no HTML, no files.
    """
    from jupyter_client import BlockingKernelClient

    from assess.batch._engine import KernelSettings, WarmKernel
    from assess.batch._runner import template_imports

    text = template.read_text(encoding="utf-8")
    settings = KernelSettings(preload=KernelSettings().preload + template_imports(text))
    cells = [
        c.source
        for c in nbformat.reads(text, as_version=4).cells
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    ]
    kernel = WarmKernel(settings).start(str(cwd))
    client = BlockingKernelClient()
    client.load_connection_info(kernel.km.get_connection_info())
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        times = []
        for n, group_id in enumerate([groups[0], *groups]):  # the first one warms caches: not counted
            kernel.prepare(str(cwd))
            client.execute_interactive(
                f"group_id = {group_id!r}\nresult_dir = {str(results)!r}\nlang = 'en'", output_hook=lambda m: None
            )
            started = time.perf_counter()
            for source in cells:
                reply = client.execute_interactive(source, output_hook=lambda m: None, timeout=600)
                if reply["content"]["status"] != "ok":
                    raise SystemExit(f"the template fails for {group_id}: {reply['content'].get('evalue')}")
            if n:
                times.append(time.perf_counter() - started)
        return sum(times) / len(times)
    finally:
        client.stop_channels()
        kernel.shutdown()


def pdf_ratio(
    data: Path,
    folder: Path,
    template: Path,
    workers: list[str],
    repeat: int,
    groups: int,
    compare: dict[str, tuple[Path, Path]] | None = None,
) -> None:
    """``assess run --lang zh`` without and with ``--pdf``, alternating; medians and their ratio.

    ``compare`` (label -> (``PYTHONPATH`` folder, template), e.g. the code before a change and
    after it) measures each checkout the same way, their runs interleaved so that a change in
    the machine's load falls on both, and prints them side by side; the last one is the one
    whose PDFs are then inspected."""
    import statistics

    from pypdf import PdfReader

    sources = compare or {"": (Path(), template)}
    times = {(label, kind): [] for label in sources for kind in ("html", "pdf")}
    cpu = {key: [] for key in times}

    def environment(path: Path) -> dict[str, str] | None:
        if not compare:
            return None
        return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(path), ORIGINAL_PYTHONPATH]))}

    # Each checkout's subset font is cut (once per user) before anything is timed: what is
    # measured is a run as an office sees it every day, not the first one on a new machine.
    for label, (path, _) in sources.items():
        seconds = sh(sys.executable, "-c", "from assess.reporting._pdf import warm; warm('zh')", env=environment(path))
        print(f"  {label or 'this checkout'}: fonts ready ({seconds:.1f} s, CPU {last_cpu:.1f} s)", flush=True)
    for i in range(repeat):
        for label, (path, source_template) in sources.items():
            env = environment(path)
            for kind in ("html", "pdf"):
                out = folder / f"{label or 'run'}-{kind}-{i}"
                shutil.rmtree(out, ignore_errors=True)
                extra = ("--pdf",) if kind == "pdf" else ()
                times[label, kind].append(run(data, out, source_template, "--lang", "zh", *workers, *extra, env=env))
                cpu[label, kind].append(last_cpu)
                print(
                    f"  run {i + 1} {label + ' ' if label else ''}{kind:4s}: {times[label, kind][-1]:6.1f} s, "
                    f"CPU {cpu[label, kind][-1]:6.1f} s  (load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
    median = {key: statistics.median(values) for key, values in times.items()}
    median_cpu = {key: statistics.median(values) for key, values in cpu.items()}
    last = list(sources)[-1]
    out = folder / f"{last or 'run'}-pdf-{repeat - 1}"
    pages = [len(PdfReader(p).pages) for p in sorted((out / "reports").glob("*.pdf"))]
    print(f"\n{groups} groups, --lang zh, {workers[-1]} workers, median of {repeat}:")
    print(f"{'':22s}" + "".join(f"{label:>10s}" for label in sources))
    for name, kind in (("assess run", "html"), ("assess run --pdf", "pdf")):
        print(f"  {name:20s}" + "".join(f"{median[label, kind]:8.1f} s" for label in sources))
    print(f"  {'ratio':20s}" + "".join(f"{median[label, 'pdf'] / median[label, 'html']:8.2f} ×" for label in sources))
    # The wall times swing with whatever else the machine runs; CPU seconds much less.
    for name, kind in (("CPU, assess run", "html"), ("CPU, --pdf", "pdf")):
        print(f"  {name:20s}" + "".join(f"{median_cpu[label, kind]:8.1f} s" for label in sources))
    print(
        f"  {'CPU ratio':20s}"
        + "".join(f"{median_cpu[label, 'pdf'] / median_cpu[label, 'html']:8.2f} ×" for label in sources)
    )
    print(
        f"  pages per group PDF{' (' + last + ')' if last else ''}: min {min(pages)}, "
        f"median {statistics.median(pages):g}, max {max(pages)} ({sum(pages)} in all)"
    )
    bound = out / "reports.pdf"
    if bound.is_file():
        from assess.reporting import _pages as pages
        from assess.reporting import sections as report  # noqa: F401  (imported by the run before it binds)
        from assess.reporting._pdf import bind_reports, warm
        from assess.scoring._result import load_result

        result = load_result(out / "results")
        warm("zh")
        pdfs = {p.stem: p for p in (out / "reports").glob("*.pdf")}
        started = time.perf_counter()
        bind_reports(result, pdfs, folder / "bound-again.pdf", "zh")
        seconds = time.perf_counter() - started
        print(
            f"  reports.pdf: {len(PdfReader(bound).pages)} pages, {len(PdfReader(bound).outline)} bookmarks; "
            f"binding it again alone: {seconds:.2f} s = {seconds / median[last, 'pdf']:.1%} of the --pdf run"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=38, help="groups of the side-by-side run (default 38)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 1000], help="(c) again at these sizes")
    parser.add_argument("--skip-cli", action="store_true", help="leave out (a)")
    parser.add_argument("--skip-fresh", action="store_true", help="leave out (b)")
    parser.add_argument("--cli-groups", type=int, help="run (a) on this many groups and scale it up")
    parser.add_argument("--floor-groups", type=int, default=8, help="groups timed for the floor")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--template", type=Path, default=ROOT / "src" / "assess" / "reporting" / "templates" / "group_report.ipynb"
    )
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--pdf-ratio", action="store_true", help="only: assess run --lang zh with and without --pdf")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind for --pdf-ratio (default 2)")
    parser.add_argument(
        "--source", type=Path, default=ROOT, help="the checkout whose package (and template) is measured"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="with --pdf-ratio: also measure this checkout (e.g. the code before a change), runs interleaved, "
        "and print both side by side",
    )
    args = parser.parse_args()
    if (
        args.source != ROOT
        and args.template == ROOT / "src" / "assess" / "reporting" / "templates" / "group_report.ipynb"
    ):
        args.template = args.source / "src" / "assess" / "reporting" / "templates" / "group_report.ipynb"

    folder = args.keep or Path(tempfile.mkdtemp(prefix="assess-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    template = args.template.resolve()
    # Private copies of the template and the package: in a work tree shared with others, an
    # edit mid-run would change what is measured (and make every report "changed").
    shutil.copy(template, folder / "template.ipynb")
    template = folder / "template.ipynb"
    snapshot = folder / "snapshot"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(args.source / "src" / "assess", snapshot / "assess", ignore=shutil.ignore_patterns("__pycache__"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snapshot), ORIGINAL_PYTHONPATH]))
    sys.path.insert(0, str(snapshot))  # and for the floor's kernel, started from here
    workers = ["--workers", str(args.workers)]
    data = sample(folder, args.groups)
    ids = [f"G{i:0{max(2, len(str(args.groups)))}d}" for i in range(1, args.groups + 1)]
    print(f"{args.groups} groups, {args.workers} workers, template {args.template}, load {os.getloadavg()[0]:.1f}")
    if args.pdf_ratio:
        compare = None
        if args.before:
            compare = {
                "before": snapshot_of(args.before.resolve(), folder / "before"),
                "after": (snapshot, template),
            }
        pdf_ratio(data, folder, template, workers, args.repeat, args.groups, compare)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
        return

    rows: list[tuple[str, float]] = []
    c = run(data, folder / "c", template, *workers)
    rows.append(("(c) assess run (warm)", c))
    phases = {"(c)": report_phase(folder / "c")}
    if not args.skip_fresh:
        rows.append(
            ("(b) assess run --isolation fresh", run(data, folder / "b", template, "--isolation", "fresh", *workers))
        )
        phases["(b)"] = report_phase(folder / "b")
    if not args.skip_cli:
        some = ids[: args.cli_groups] if args.cli_groups else ids
        seconds = cli_loop(data, folder / "a", template, some)
        label = "(a) papermill + nbconvert CLI"
        if len(some) < len(ids):  # scale the per-report part; scoring once is in both
            label += f" ({len(some)} groups, scaled)"
            seconds *= len(ids) / len(some)
        rows.append((label, seconds))
    again = run(data, folder / "c", template, *workers)
    per_report = floor(folder / "c" / "results", template, ids[: args.floor_groups], folder / "c")
    floor_per_report = per_report / args.workers

    print(f"\n{'':40s} {'wall s':>8s} {'s/report':>9s} {'(a)/this':>9s} {'÷ floor':>8s}")
    a = next((s for label, s in rows if label.startswith("(a)")), None)
    for label, seconds in sorted(rows):
        per = seconds / args.groups
        ratio = f"{a / seconds:9.1f}" if a else f"{'':9s}"
        print(f"{label:40s} {seconds:8.1f} {per:9.3f} {ratio} {per / floor_per_report:8.2f}")
    print(f"{'floor: own compute ÷ workers':40s} {floor_per_report * args.groups:8.1f} {floor_per_report:9.3f}")
    print(
        f"(the report's own compute in a warm kernel: {per_report:.3f} s; second (c) run, nothing changed: {again:.1f} s)"
    )
    for label, seconds in phases.items():
        per = seconds / args.groups
        print(
            f"{label} report phase alone (no start-up, scoring or index): {seconds:.1f} s, "
            f"{per:.3f} s/report, {per / floor_per_report:.2f} × floor"
        )

    if args.sizes:
        print(f"\n{'groups':>7s} {'(c) wall s':>11s} {'s/report':>9s} {'÷ floor':>8s} {'growth':>7s}")
        previous = (args.groups, c)
        print(f"{args.groups:7d} {c:11.1f} {c / args.groups:9.3f} {c / args.groups / floor_per_report:8.2f}")
        for n in args.sizes:
            seconds = run(sample(folder, n), folder / f"c{n}", template, *workers)
            growth = (seconds / previous[1]) / (n / previous[0])  # 1.0: exactly linear
            phase = report_phase(folder / f"c{n}") / n
            print(
                f"{n:7d} {seconds:11.1f} {seconds / n:9.3f} {seconds / n / floor_per_report:8.2f} {growth:7.2f}"
                f"   (report phase {phase:.3f} s/report, {phase / floor_per_report:.2f} × floor)"
            )
            previous = (n, seconds)
    print(f"\noutputs: {folder}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
