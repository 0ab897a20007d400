"""Variance-based (Sobol) sensitivity estimators for groups of uncertain factors.

The model output is one number per draw (for :func:`assess.uncertainty`: the mean absolute
shift of the groups' ranks from the nominal ranking). The factors are *groups* of random
inputs — a whole set of Dirichlet weights, one normalisation choice, one aggregation
choice, one bootstrap of every group's ratings — so the indices are group indices
(Jacoby & Saltelli; Saltelli et al. 2008, §1.2.15).

Sample design (Saltelli 2002; Saltelli et al. 2010): two independent samples ``A`` and
``B`` of ``N`` draws each, and for every factor group ``i`` the hybrid ``A_B^i`` that takes
group ``i`` from ``B`` and all other groups from ``A``; ``N·(k + 2)`` model runs for ``k``
groups. Estimators (Saltelli et al. 2010, Table 2):

- first order, (b): ``S_i = mean((f(B) − m) · (f(A_B^i) − f(A))) / V``
- total, (f), Jansen 1999: ``ST_i = mean((f(A) − f(A_B^i))²) / (2 V)``

with ``m`` and ``V`` the mean and variance (ddof 0) of ``f(A)`` and ``f(B)`` pooled. These
are SALib's ``sobol.analyze`` estimators, except that ``f(B)`` is centred on ``m`` in (b):
the expectation is unchanged (``f(A_B^i) − f(A)`` has mean zero) and the variance of the
estimate falls by an order of magnitude when the output's mean is large against its spread,
as a rank shift's is (Sobol' 2001; on the sample data at ``N = 256`` the spread of ``S_i``
over seeds drops from about 0.25 to 0.03). Confidence half-widths are 1.96 × the standard deviation of the
index over bootstrap resamples of the ``N`` rows (also as SALib). A factor group that is
switched off has ``f(A_B^i) = f(A)`` and so both indices 0.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> a, b = rng.random((2, 4000, 2))
>>> f = lambda x: x[:, 0] + 0.1 * x[:, 1]
>>> ab = [np.column_stack([b[:, 0], a[:, 1]]), np.column_stack([a[:, 0], b[:, 1]])]
>>> table = sobol_indices(f(a), f(b), [f(m) for m in ab], ["x0", "x1"], seed=0)
>>> table[["S1", "ST"]].round(1).to_numpy().tolist()  # exact: 1/1.01 and 0.01/1.01
[[1.0, 1.0], [0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["first_order", "total_order", "sobol_indices", "for_display", "DISPLAY_COLUMNS"]

#: Columns :func:`for_display` adds.
DISPLAY_COLUMNS = ["S1_shown", "S1_low", "S1_high", "ST_shown", "ST_low", "ST_high"]


def first_order(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> float:
    """First-order index of one factor group (Saltelli et al. 2010, estimator b)."""
    pooled = np.r_[f_a, f_b]
    v = np.var(pooled)
    return float(np.mean((f_b - pooled.mean()) * (f_ab - f_a)) / v) if v > 0 else 0.0


def total_order(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> float:
    """Total index of one factor group (Jansen 1999; Saltelli et al. 2010, estimator f)."""
    v = np.var(np.r_[f_a, f_b])
    return float(0.5 * np.mean((f_a - f_ab) ** 2) / v) if v > 0 else 0.0


def sobol_indices(
    f_a: np.ndarray,
    f_b: np.ndarray,
    f_ab: Sequence[np.ndarray],
    names: Sequence[str],
    resamples: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """First-order and total indices with bootstrap confidence half-widths.

    Parameters
    ----------
    f_a, f_b : ndarray of shape (N,)
        Model outputs on the samples ``A`` and ``B``.
    f_ab : sequence of ndarray of shape (N,)
        Outputs on ``A_B^i``, one per factor group, in the order of ``names``.
    names : sequence of str
        The factor groups.
    resamples : int
        Bootstrap resamples of the ``N`` rows for the confidence half-widths.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per factor group: ``factor, S1, S1_conf, ST, ST_conf``.
    """
    f_a, f_b = np.asarray(f_a, float), np.asarray(f_b, float)
    n = len(f_a)
    rows = []
    boot = np.random.default_rng(seed).integers(0, n, size=(resamples, n)) if n else np.zeros((0, 0), int)
    for name, f_i in zip(names, f_ab, strict=True):
        f_i = np.asarray(f_i, float)
        s1, st = (first_order(f_a, f_b, f_i), total_order(f_a, f_b, f_i)) if n else (np.nan, np.nan)
        b1 = [first_order(f_a[r], f_b[r], f_i[r]) for r in boot]
        bt = [total_order(f_a[r], f_b[r], f_i[r]) for r in boot]
        rows.append(
            {
                "factor": name,
                "S1": s1,
                "S1_conf": 1.96 * float(np.std(b1, ddof=1)) if len(b1) > 1 else np.nan,
                "ST": st,
                "ST_conf": 1.96 * float(np.std(bt, ddof=1)) if len(bt) > 1 else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["factor", "S1", "S1_conf", "ST", "ST_conf"])


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each index clipped to [0, 1] for display and its bootstrap 95 % interval.

    An index is a share of variance, between 0 and 1; sampling noise can push an estimate
    past either end (a total index of 1.04 for a factor that explains everything). The
    estimates stay as they are in ``S1`` and ``ST``; ``S1_shown`` and ``ST_shown`` are
    clipped, and ``*_low``/``*_high`` are the estimate ∓ its confidence half-width, clipped.

    >>> t = pd.DataFrame({"S1": [0.97], "S1_conf": [0.05], "ST": [1.04], "ST_conf": [0.08]})
    >>> for_display(t)[["ST_shown", "ST_low", "ST_high"]].round(2).to_numpy().tolist()
    [[1.0, 0.96, 1.0]]
    """
    out = table.copy()
    for k in ("S1", "ST"):
        est = pd.to_numeric(out[k], errors="coerce")
        half = pd.to_numeric(out[f"{k}_conf"], errors="coerce")
        out[f"{k}_shown"] = est.clip(0, 1)
        out[f"{k}_low"] = (est - half).clip(0, 1)
        out[f"{k}_high"] = (est + half).clip(0, 1)
    return out
