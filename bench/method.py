"""What the methodology's analyses cost against the nominal scoring, side by side in one run.

    .venv/bin/python bench/method.py [--groups 38 2000] [--draws 1000] [--repeat 2]

For each size: a synthetic year (the sample generator, not timed), then, best of
``--repeat``, the nominal ``assess.score``, ``assess.uncertainty`` with ``--draws`` draws
(default settings: weights and evidence varied, Sobol sensitivity on 256 base draws), and the
scenario table with the coherence checks (:func:`assess.analysis._scenarios.attach_scenarios`). Prints
seconds and each as a ratio to the nominal run.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import assess
from assess.analysis._scenarios import alternatives, attach_scenarios
from assess.batch._pipeline import write_sample


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--groups", type=int, nargs="+", default=[38, 2000])
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--year", type=int, default=2025)
    args = p.parse_args()
    n_alt = len(alternatives(assess.default_scheme()))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {n_alt} scenario alternatives")
    print(f"{'groups':>7} {'nominal s':>10} {'uncertainty s':>14} {'ratio':>7} {'scenarios s':>12} {'ratio':>7}")
    for groups in args.groups:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_sample(Path(tmp) / "sample", year=args.year, groups=groups, seed=1)
            dataset = assess.load(folder)
        result = assess.score(dataset, year=args.year)
        nominal = best(lambda d=dataset: assess.score(d, year=args.year), args.repeat)
        mc = best(lambda d=dataset: assess.uncertainty(d, draws=args.draws, seed=0, year=args.year), args.repeat)
        scen = best(lambda r=result, d=dataset: attach_scenarios(r, d), args.repeat)
        print(f"{groups:>7} {nominal:>10.2f} {mc:>14.2f} {mc / nominal:>7.1f} {scen:>12.2f} {scen / nominal:>7.1f}")


if __name__ == "__main__":
    main()
