"""The private APIs behind assess.common.compat still exist in the installed pandas and Python.

Each failure names the version that removed one: change that one function in compat.py."""

from __future__ import annotations

import os
import platform
import warnings
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from assess.common.compat import pandas_option_keys, pool_processes


def _public_option_keys(wrapper: object, prefix: str = "") -> set[str]:
    """The options as pandas' public ``pd.options`` tree shows them (tab completion), walked."""
    keys: set[str] = set()
    for name in dir(wrapper):
        value = getattr(wrapper, name)
        if type(value).__name__ == "DictWrapper":
            keys |= _public_option_keys(value, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def test_pandas_still_keeps_its_option_registry_where_compat_reads_it():
    try:
        keys = pandas_option_keys(pd)
    except AttributeError as exc:
        raise AssertionError(
            f"pandas {pd.__version__} removed pandas._config.config._registered_options ({exc}); "
            "assess.common.compat.pandas_option_keys needs another way to list the options"
        ) from exc
    with warnings.catch_warnings():  # reading a deprecated option warns (kernel_state ignores it too)
        warnings.simplefilter("ignore")
        public = _public_option_keys(pd.options)
        for key in keys:  # every key is one get_option accepts, as kernel_state's restore needs
            pd.get_option(key)
    assert set(keys) == public, f"pandas {pd.__version__}: the registry no longer lists the options"
    assert {"display.max_rows", "display.precision"} <= set(keys)


def test_process_pool_still_keeps_its_workers_where_compat_reads_them():
    with ProcessPoolExecutor(max_workers=2) as pool:
        worker_pids = {pool.submit(os.getpid).result() for _ in range(4)}
        assert hasattr(pool, "_processes"), (
            f"Python {platform.python_version()} removed ProcessPoolExecutor._processes; "
            "assess.common.compat.pool_processes needs another way to find the workers"
        )
        processes = pool_processes(pool)
        assert worker_pids <= set(processes), (
            f"Python {platform.python_version()}: _processes no longer maps pid -> process"
        )
        assert all(process.pid == pid and process.is_alive() for pid, process in processes.items())
    assert pool_processes(pool) == {}  # after shutdown: none left to kill
