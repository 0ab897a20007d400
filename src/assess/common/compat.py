"""The private APIs of other packages that ``assess`` relies on, each behind one small function.

When a new pandas or Python removes one, the function is the one place to change, and
``tests/test_compat.py`` fails with the version that removed it.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from typing import Any

__all__ = ["pandas_option_keys", "pool_processes"]


def pandas_option_keys(pd: Any) -> list[str]:
    """Every registered pandas option (``display.max_rows``, ...), for saving and restoring them
    between reports in a warm kernel. pandas has no public list of its options: they are read
    from ``pandas._config.config._registered_options`` (an ``AttributeError`` when it is gone)."""
    return list(pd._config.config._registered_options)


def pool_processes(pool: ProcessPoolExecutor) -> dict[int, BaseProcess]:
    """The worker processes of ``pool`` by pid (CPython keeps them in the private ``_processes``;
    ``None`` before the first task and after shutdown), for killing them and their kernels on
    cancel. Empty when a Python has no such attribute."""
    return dict(getattr(pool, "_processes", None) or {})
