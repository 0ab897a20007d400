"""Scoring benchmark (run by hand): time and peak memory for 40, 2,000 and 10,000 groups.

Each group has about 5 recipients and a full year of rows (the sample generator's
volumes). Prints, per size, the best of a few timed runs of ``assess.score``, its peak
traced memory, the time per group, and the growth against the
previous size (time ratio ÷ size ratio: 1.0 is linear), which holds whatever the load.

    .venv/bin/python bench/scoring.py [--sizes 40 2000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import pandas as pd

import assess
from assess.intake._sample import make_sample
from assess.intake._validate import Dataset


def dataset(groups: int) -> Dataset:
    frames = make_sample(groups=groups, seed=1)
    tables = {name: frame.assign(_row=range(2, len(frame) + 2)) for name, frame in frames.items()}
    return Dataset(tables=tables, source=f"sample-{groups}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 2000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        ds = dataset(n)
        rows_in = sum(len(t) for t in ds.tables.values())
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            assess.score(ds, year=2025)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        assess.score(ds, year=2025)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append({"groups": n, "input_rows": rows_in, "seconds": min(times), "peak_MiB": peak / 2**20})
    table = pd.DataFrame(rows)
    table["ms_per_group"] = table["seconds"] / table["groups"] * 1000
    # growth against the previous size: (time ratio) / (size ratio); 1.0 is exactly linear
    table["growth_vs_previous"] = (table["seconds"] / table["seconds"].shift()) / (
        table["groups"] / table["groups"].shift()
    )
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))


if __name__ == "__main__":
    main()
