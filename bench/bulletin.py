"""Bulletin benchmark (run by hand): ``assess bulletin`` for 38 and 2,000 groups, time and memory.

For each size, a sample year (``make_sample``, seed 1) is written as a workbook, then timed:

- ``load``: reading and validating the workbook (``assess.load``);
- ``monitor``: the month's figures, incl. the provisional standing scored twice (June, May);
- ``sections``: every section of the bulletin rendered in this process (charts included);
- ``xlsx``: the bulletin's workbook;
- ``command``: the whole ``assess bulletin --month 2025-06`` as its own process (kernel start,
  the notebook, HTML and workbook), with its peak resident memory; ``--pdf`` adds the PDF.

Wall seconds on a shared machine swing with its load; the CPU seconds (``*_cpu``; for the
command, the process and its kernel) are the steadier figure. The last column is the growth against the previous size: time ratio ÷ size ratio (1.0 is
linear), measured side by side in one run, so it holds whatever the machine's load.

    .venv/bin/python bench/bulletin.py [--sizes 38 2000] [--pdf]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

import assess
from assess.analysis._monitor import monitor
from assess.batch._pipeline import write_sample
from assess.reporting import bulletin

CPU: dict[str, float] = {}


def _timed(job, name: str = ""):  # noqa: ANN001, ANN202 — a tiny helper of a script
    """Wall seconds of ``job()``; its CPU seconds (this process) go to ``CPU[name]``."""
    start, cpu = time.perf_counter(), time.process_time()
    value = job()
    CPU[name] = time.process_time() - cpu
    return value, time.perf_counter() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[38, 2000])
    parser.add_argument("--pdf", action="store_true", help="the command also writes the PDF")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            data = write_sample(Path(tmp) / f"sample-{n}.xlsx", groups=n, seed=1)
            ds, t_load = _timed(lambda data=data: assess.load(data), "load")
            m, t_monitor = _timed(lambda ds=ds: monitor(ds, month="2025-06", lang="zh"), "monitor")
            tracemalloc.start()  # a second run for the memory: tracing slows it down
            monitor(ds, month="2025-06", lang="zh")
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            sections = (
                bulletin.header_section, bulletin.overview_section, bulletin.supervision_section,
                bulletin.ledger_section, bulletin.progress_section,
            )  # fmt: skip
            _, t_sections = _timed(lambda m=m, sections=sections: [s(m, "zh") for s in sections], "sections")
            _, t_xlsx = _timed(lambda m=m, n=n: bulletin.write_xlsx(m, Path(tmp) / f"b-{n}.xlsx", "zh"))
            out = Path(tmp) / f"out-{n}"
            command = [sys.executable, "-m", "assess", "bulletin", str(data), "--month", "2025-06", "--out", str(out),
                       "--lang", "zh", "-q", *(["--pdf"] if args.pdf else [])]  # fmt: skip
            cpu_before = _children_cpu()
            _, t_command = _timed(lambda command=command: subprocess.run(command, check=True, env=os.environ.copy()))
            command_cpu = _children_cpu() - cpu_before
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            rows.append(
                {
                    "groups": n,
                    "problems": len(ds.tables["problems"]),
                    "load_s": t_load,
                    "load_cpu": CPU["load"],
                    "monitor_s": t_monitor,
                    "monitor_cpu": CPU["monitor"],
                    "monitor_peak_MiB": peak / 2**20,
                    "sections_s": t_sections,
                    "sections_cpu": CPU["sections"],
                    "xlsx_s": t_xlsx,
                    "command_s": t_command,
                    "command_cpu": command_cpu,
                    "max_rss_MiB": rss / 1024,  # the largest child process so far (Linux: KiB)
                    "html_KiB": (out / "bulletin-2025-06.html").stat().st_size / 1024,
                }
            )
    table = pd.DataFrame(rows)
    table["growth_vs_previous"] = (table["command_cpu"] / table["command_cpu"].shift()) / (
        table["groups"] / table["groups"].shift()
    )
    print(table.T.to_string(float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
