"""Reading benchmark (run by hand): ``assess.load`` against calamine's own raw read, side by side.

For each workbook — the 38-group sample and a 2,000-group one written by the sample generator
(made on first use in ``--cache``) — prints in one run, best of ``--repeat`` timings taken in
turn:

* ``raw``: python-calamine reading every sheet to Python values (no checks at all);
* ``read``: :func:`assess.intake._read.read_tables` (values, structure, located problems);
* ``load``: :func:`assess.load` (read + coercion and validation, what every command pays);

and the ratios ``read / raw`` and ``load / raw``, of wall time and of CPU time (the process's
own, steadier than wall time on a machine other work shares). Then, each in a fresh process, the wall time
and peak resident memory (GNU ``/usr/bin/time``) of ``assess validate FILE`` with this checkout's sources and, with
``--before SRC``, with another checkout's ``src`` folder (e.g. the main branch) on the path.

    .venv/bin/python bench/read.py [--groups 2000] [--repeat 3] [--before ../main/src] [--before ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import python_calamine

import assess
from assess.intake._read import read_tables

HERE = Path(__file__).resolve().parents[1]


def raw(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    book.close()


def best(path: Path, repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """Best wall and CPU time of each way of reading, taken in turn so that a drift in the machine's speed hits all."""
    wall: dict[str, list[float]] = {"raw": [], "read": [], "load": []}
    cpu: dict[str, list[float]] = {"raw": [], "read": [], "load": []}
    steps = {"raw": raw, "read": read_tables, "load": assess.load}
    for _ in range(repeat):
        for name, step in steps.items():
            start, used = time.perf_counter(), time.process_time()
            step(path)
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - used)
    return {n: min(t) for n, t in wall.items()}, {n: min(t) for n, t in cpu.items()}


def validate(path: Path, src: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of ``assess validate`` in a fresh process with ``src`` first on the path.

    Measured by ``/usr/bin/time`` (GNU time): a child's own ``getrusage`` would report the peak of
    the process it was forked from, since Linux keeps the high-water mark across ``exec``.
    """
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "assess", "validate", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds, kib = done.stderr.strip().splitlines()[-1].split()
    return float(seconds), float(kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000, help="size of the large workbook")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "assess-bench")
    parser.add_argument("--no-validate", action="store_true", help="skip the `assess validate` processes")
    parser.add_argument(
        "--before",
        type=Path,
        action="append",
        default=[],
        help="another checkout's src folder to compare validate with (may be given more than once)",
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    large = args.cache / f"sample-{args.groups}-groups.xlsx"
    if not large.exists():
        from assess.batch._pipeline import write_sample

        print(f"writing {large} ...", flush=True)
        write_sample(large, groups=args.groups)
    books = [HERE / "data" / "sample-2025.xlsx", large]
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)
    print(f"{'workbook':<28}{'time':>5}{'raw s':>8}{'read s':>8}{'load s':>8}{'read/raw':>10}{'load/raw':>10}")
    for path in books:
        for kind, t in zip(("wall", "cpu"), best(path, args.repeat), strict=True):
            print(
                f"{path.name:<28}{kind:>5}{t['raw']:>8.3f}{t['read']:>8.3f}{t['load']:>8.3f}"
                f"{t['read'] / t['raw']:>10.2f}{t['load'] / t['raw']:>10.2f}",
                flush=True,
            )
    if args.no_validate:
        return
    print(f"\n{'assess validate':<28}{'checkout':>24}{'wall s':>8}{'peak MiB':>10}")
    for path in books:
        for label, src in [("this", HERE / "src"), *((str(b), b) for b in args.before)]:
            seconds, mib = validate(path, src)
            print(f"{path.name:<28}{label[-24:]:>24}{seconds:>8.2f}{mib:>10.0f}", flush=True)
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()), flush=True)


if __name__ == "__main__":
    main()
