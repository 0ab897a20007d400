"""The one tolerance of the scoring rules: two scores within :data:`TOL` of each other are equal.

Float sums and products leave noise (``0.1 + 0.2`` is ``0.30000000000000004``), so a score that is
exactly on a grade threshold on paper may land a hair below it. Every comparison of scores — a
threshold met, a tie in rank, an indicator that weighs nothing — allows this much
(docs/reference/scoring.md).

>>> 0.1 + 0.2 >= 0.3 - TOL
True
"""

from __future__ import annotations

__all__ = ["TOL"]

#: Two scores within this are equal.
TOL = 1e-9
