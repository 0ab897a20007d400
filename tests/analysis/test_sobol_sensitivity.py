"""assess.analysis._sensitivity against SALib (an independent implementation) and the exact indices of
the Ishigami function."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.analyze import sobol as salib_sobol
from SALib.sample import sobol as salib_sample

from assess.analysis._sensitivity import sobol_indices

A, B = 7.0, 0.1
# Ishigami & Homma (1990): exact first-order and total indices for a = 7, b = 0.1
V = A**2 / 8 + B * np.pi**4 / 5 + B**2 * np.pi**8 / 18 + 0.5
V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
V2 = A**2 / 8
V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
EXACT_S1 = np.array([V1, V2, 0.0]) / V
EXACT_ST = np.array([V1 + V13, V2, V13]) / V


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_agree_with_salib_on_ishigami() -> None:
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = salib_sample.sample(problem, 2**13, calc_second_order=False, seed=1)
    y = ishigami(x)
    salib = salib_sobol.analyze(problem, y, calc_second_order=False, num_resamples=100, seed=1)
    # SALib's layout per base row: A, A_B^1 .. A_B^D, B
    step = problem["num_vars"] + 2
    f_a, f_b = y[0::step], y[step - 1 :: step]
    hybrids = [y[i + 1 :: step] for i in range(3)]
    ours = sobol_indices(f_a, f_b, hybrids, problem["names"], resamples=100, seed=1)
    np.testing.assert_allclose(ours["ST"], salib["ST"], atol=1e-9)  # the same (Jansen) estimator
    np.testing.assert_allclose(ours["S1"], salib["S1"], atol=0.03)  # ours centres f(B): same expectation, less spread
    np.testing.assert_allclose(ours["S1"], EXACT_S1, atol=0.03)
    np.testing.assert_allclose(ours["ST"], EXACT_ST, atol=0.03)
    np.testing.assert_allclose(ours["ST_conf"], salib["ST_conf"], rtol=0.35)  # bootstrap half-widths of one size
    np.testing.assert_allclose(ours["S1_conf"], salib["S1_conf"], rtol=0.35)


def test_exact_ishigami_indices() -> None:
    assert EXACT_S1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert EXACT_ST == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)


def test_indices_are_clipped_for_display_with_their_intervals() -> None:
    """A total index of 1.04 (noise past 1) shows as 1, its interval 1.04 ∓ 0.08 as 0.96–1;
    a first-order −0.02 ∓ 0.01 shows as 0, interval 0–0; the estimates stay untouched."""
    import pandas as pd

    from assess.analysis._sensitivity import for_display

    t = pd.DataFrame({"S1": [-0.02, 0.5], "S1_conf": [0.01, 0.1], "ST": [1.04, 0.6], "ST_conf": [0.08, 0.1]})
    d = for_display(t)
    assert d["ST_shown"].tolist() == [1.0, 0.6] and d["ST"].tolist() == [1.04, 0.6]
    assert d["ST_low"].round(10).tolist() == [0.96, 0.5] and d["ST_high"].round(10).tolist() == [1.0, 0.7]
    assert d["S1_shown"].tolist() == [0.0, 0.5] and d["S1_low"].tolist()[0] == 0 and d["S1_high"].tolist()[0] == 0
