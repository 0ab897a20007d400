"""Benchmark of assess.uncertainty: 1,000 draws for 2,000 groups should take under 10 s.

    .venv/bin/python bench/uncertainty.py [--groups 2000] [--draws 1000] [--repeat 3]

Builds a synthetic year of ``--groups`` groups (the sample generator, not timed), then
times the whole analysis with the default settings (weights and the evidence varied;
Sobol sensitivity of two outputs on 256 base draws) and, once, each stage of it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import assess
from assess.batch._pipeline import write_sample
from assess.intake._scheme import UncertaintySettings, default_scheme

engine = importlib.import_module("assess.analysis._uncertainty")  # the module; assess.uncertainty is the function


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--groups", type=int, default=2000)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--year", type=int, default=2025)
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_sample(Path(tmp) / "sample", year=args.year, groups=args.groups, seed=1)
        dataset = assess.load(folder)
    print(
        f"{args.groups} groups, {len(dataset.tables['ratings'])} rating rows; {args.draws} draws; {os.cpu_count()} cores"
    )

    times = []
    for _i in range(args.repeat):
        start = time.perf_counter()
        result = assess.uncertainty(dataset, draws=args.draws, seed=0, year=args.year)
        times.append(time.perf_counter() - start)
    print(
        f"assess.analysis._uncertainty, whole analysis: best {min(times):.2f} s, median {statistics.median(times):.2f} s of {args.repeat}"
    )

    # one run, stage by stage
    settings = UncertaintySettings(draws=args.draws)
    stages = {}
    t = time.perf_counter()
    model = engine._model(dataset, args.year, None, default_scheme(), settings)
    stages["raw indicators and normalisations (once)"] = time.perf_counter() - t
    t = time.perf_counter()
    factors = engine._draw_factors(model, args.draws, np.random.SeedSequence(0).spawn(2)[0])
    stages["sample the factors"] = time.perf_counter() - t
    t = time.perf_counter()
    engine._score(model, factors)
    stages[f"score {args.draws} draws × {args.groups} groups"] = time.perf_counter() - t
    n = min(settings.sensitivity, args.draws)
    k = int(result.sensitivity.loc[result.sensitivity["output"] == "rank_shift", "active"].sum())
    stages[f"(sensitivity: N = {n}, {n * (k + 1)} further draws, included in the whole)"] = float("nan")
    for name, seconds in stages.items():
        print(f"  {name:<60} {seconds:6.2f} s" if seconds == seconds else f"  {name}")
    print(f"per draw: {1000 * stages[f'score {args.draws} draws × {args.groups} groups'] / args.draws:.2f} ms")


if __name__ == "__main__":
    main()
