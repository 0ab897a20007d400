"""Rescoring benchmark (run by hand): a weight slider's cost against a full score.

For 38 groups (``data/sample-2025.xlsx``) and 2,000 groups (the sample generator's volumes,
as ``bench/scoring.py`` builds them), prints the best of a few timed runs of a full
``assess.score`` and of ``prepared.rescore(scheme)`` under new weights (a different scheme
each run, as a moving slider gives), measured side by side in one run, and their ratio.
Targets (issue 21 §7): rescoring 38 groups ≤ 50 ms, 2,000 groups ≤ 0.5 s.

    .venv/bin/python bench/rescore.py [--sizes 38 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import assess
from assess.intake._validate import Dataset

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import dataset  # noqa: E402  (bench/scoring.py: the 2,000-group sample)

ROOT = Path(__file__).resolve().parents[1]


def _data(groups: int) -> Dataset:
    return assess.load(ROOT / "data" / "sample-2025.xlsx") if groups == 38 else dataset(groups)


def _best(run, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The best wall time and the best CPU time of ``repeat`` runs (CPU time: this process's,
    which a machine shared with other work inflates far less than the wall clock)."""
    wall, cpu = [], []
    for i in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run(i)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(wall), min(cpu)


def _measure(n: int, repeat: int, rng: np.random.Generator) -> dict[str, float]:
    """One size: a full score, a prepare and a rescore under new weights, best of ``repeat``."""
    ds = _data(n)
    prepared = assess.prepare(ds, year=2025)
    weights = [dict(zip(prepared.scheme.components, rng.uniform(0.05, 1, 3), strict=True)) for _ in range(99)]
    prepared.reweighted(components=weights[-1])  # warm: the first rank normalisation imports scipy
    full = _best(lambda i: assess.score(ds, 2025), repeat)
    prep = _best(lambda i: assess.prepare(ds, year=2025), repeat)
    again = _best(lambda i: prepared.reweighted(components=weights[i]), repeat)
    return {
        "groups": n,
        "score_ms": full[0] * 1000,
        "prepare_ms": prep[0] * 1000,
        "rescore_ms": again[0] * 1000,
        "rescore_cpu_ms": again[1] * 1000,
        "score_cpu_ms": full[1] * 1000,
        "rescore_vs_score": again[0] / full[0],
        "rescore_vs_score_cpu": again[1] / full[1],
        "target_ms": 50 if n <= 40 else 500,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[38, 2000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = [_measure(n, args.repeat, rng) for n in args.sizes]
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()
