"""How long the test targets take (run by hand): this checkout against another, interleaved.

``make test`` and ``make test-fast`` are what a developer waits for. This runs a target in
this checkout and in ``--before`` (another checkout, e.g. a ``git worktree`` of the commit
before a change) in turn, ``--repeat`` times each, with this environment's tools
(``make VENV=...``; each checkout's own sources first on ``PYTHONPATH``), and prints the
median wall and CPU seconds of each and their ratios. By default each run starts without
pytest's cache, as on a fresh clone in CI (the order of the test modules then comes from
their ``slow`` marks); ``--warm`` keeps the cache between runs, as on a developer's machine.

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/suite.py --before /tmp/before                  # make test, 2 runs each
    .venv/bin/python bench/suite.py --before /tmp/before --target test-fast --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_target(tree: Path, target: str, warm: bool) -> tuple[float, float, str]:
    """(wall s, CPU s, last line) of ``make target`` in ``tree`` with this environment."""
    if not warm:
        shutil.rmtree(tree / ".pytest_cache", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    installed, system = VENV / ".installed", VENV / ".system-packages"
    # -o: the environment is this one, already set up; never reinstall it from another checkout's files
    command = ["make", "-C", str(tree), "-o", str(installed), "-o", str(system), target, f"VENV={VENV}"]
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    last = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        sys.exit(f"{tree}: make {target} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return wall, cpu, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout (the baseline)")
    parser.add_argument("--target", default="test", choices=["test", "test-fast"])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--warm", action="store_true", help="keep pytest's cache between runs")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": ROOT}
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    for i in range(args.repeat):
        for label, tree in trees.items():
            wall, cpu, last = run_target(tree, args.target, args.warm)
            runs[label].append((wall, cpu))
            print(f"run {i + 1} {label:6} wall {wall:6.1f} s  CPU {cpu:6.1f} s   {last}", flush=True)
    median = {
        label: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for label, r in runs.items()
    }
    for label, (wall, cpu) in median.items():
        print(f"median {label:6} wall {wall:6.1f} s  CPU {cpu:6.1f} s")
    (wall_b, cpu_b), (wall_a, cpu_a) = median["before"], median["after"]
    print(
        f"after / before: wall {wall_a / wall_b:.2f}×, CPU {cpu_a / cpu_b:.2f}× (make {args.target}, {args.repeat} runs each)"
    )


if __name__ == "__main__":
    main()
