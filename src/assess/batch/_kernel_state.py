"""Kernel-side helpers of the warm-kernel engine: preload, snapshot and restore.

This module runs *inside* a report kernel (see :mod:`assess.batch._engine`). :func:`preload`
imports the reports' heavy libraries once and records a baseline of the process-wide
state a report can change; :func:`restore` puts that baseline back before the next
report, so nothing one group's report does — a variable, an open figure, a matplotlib or
seaborn style, a pandas option, a seeded random state, an environment variable, a
monkey-patched attribute of the ``assess`` package — is seen by the next one.

The engine calls these functions through ``importlib`` from silent executions, so they
leave no names in the user namespace and do not advance the execution counter.
"""

from __future__ import annotations

import copy
import gc
import importlib
import logging
import os
import random
import sys
import types
import warnings
from typing import Any

from assess.common import pandas_option_keys

__all__ = ["preload", "restore", "snapshot"]

_baseline: dict[str, Any] | None = None


def preload(modules: list[str] | tuple[str, ...]) -> list[str]:
    """Import ``modules`` (failures are skipped), then record the baseline state.

    Returns
    -------
    list of str
        ``"module: error"`` for each module that could not be imported.
    """
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # a template's optional import must not stop the kernel
            parent, _, attribute = name.rpartition(".")
            if (
                isinstance(error, ModuleNotFoundError)
                and error.name == name  # not a module that the submodule itself imports
                and hasattr(sys.modules.get(parent), attribute)
            ):
                continue  # "from module import function" (batch.runner.template_imports): nothing more to import
            failed.append(f"{name}: {type(error).__name__}: {error}")
    if "matplotlib.pyplot" in sys.modules:
        # pyplot loads its backend on the first figure, and the inline backend registers its
        # PNG display formatter then: do it now, so that the baseline includes it.
        plt = sys.modules["matplotlib.pyplot"]
        plt.close(plt.figure())
    snapshot()
    return failed


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - always there in an ipykernel
        return None
    return get_ipython()


def _module_dicts() -> dict[str, dict[str, Any]]:
    """Shallow copies of the ``assess`` modules' namespaces (catches monkey-patching)."""
    return {
        name: dict(vars(module))
        for name, module in list(sys.modules.items())
        if module is not None and name != __name__ and (name == "assess" or name.startswith("assess."))
    }


def snapshot() -> None:
    """Record the state :func:`restore` puts back."""
    global _baseline
    state: dict[str, Any] = {
        "environ": dict(os.environ),
        "sys_path": list(sys.path),
        "warnings": list(warnings.filters),
        "random": random.getstate(),
        "modules": _module_dicts(),
        "logging": (logging.root.level, list(logging.root.handlers)),
    }
    if "numpy" in sys.modules:
        import numpy as np

        state["numpy"] = (np.random.get_state(), np.geterr(), np.get_printoptions())  # noqa: NPY002 (the legacy global RNG is the state a report can change)
    if "pandas" in sys.modules:
        import pandas as pd

        try:
            keys = pandas_option_keys(pd)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                state["pandas"] = {key: pd.get_option(key) for key in keys}
        except Exception:  # a pandas without this private registry: options are not restored
            state["pandas"] = None
    if "matplotlib" in sys.modules:
        import matplotlib as mpl

        state["matplotlib"] = {
            "rc": copy.deepcopy(dict(mpl.rcParams)),
            "interactive": mpl.is_interactive(),
            "colormaps": set(mpl.colormaps),
            "units": dict(sys.modules["matplotlib.units"].registry) if "matplotlib.units" in sys.modules else None,
        }
    if "matplotlib_inline.config" in sys.modules:
        inline = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
        state["inline"] = {name: copy.deepcopy(getattr(inline, name)) for name in inline.trait_names(config=True)}
    ip = _ipython()
    if ip is not None:
        state["formatters"] = {
            mime: (
                dict(f.type_printers),
                dict(f.deferred_printers),
                dict(getattr(f, "singleton_printers", {})),
                f.enabled,
            )
            for mime, f in ip.display_formatter.formatters.items()
        }
        state["events"] = {name: list(callbacks) for name, callbacks in ip.events.callbacks.items()}
    _baseline = state


def _restore_dict(target: dict[str, Any], saved: dict[str, Any], keep_modules: bool = False) -> None:
    """Make ``target`` hold exactly ``saved``'s items (same objects)."""
    for key in [k for k in target if k not in saved]:
        if not (keep_modules and isinstance(target[key], types.ModuleType)):
            del target[key]  # a submodule imported later stays bound to its package
    for key, value in saved.items():
        if key not in target or target[key] is not value:
            target[key] = value


def restore(cwd: str | None = None) -> None:
    """Put back the baseline: close figures, restore settings, clear the user namespace.

    Parameters
    ----------
    cwd : str, optional
        Working directory for the next report (the baseline's is kept otherwise).
    """
    state = _baseline
    if state is None:
        snapshot()
        state = _baseline
        assert state is not None
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    saved = state.get("matplotlib")
    if saved is not None:
        import matplotlib as mpl

        dict.update(mpl.rcParams, copy.deepcopy(saved["rc"]))  # as matplotlib.rc_context does on exit
        mpl.interactive(saved["interactive"])
        for name in set(mpl.colormaps) - saved["colormaps"]:
            try:
                mpl.colormaps.unregister(name)
            except Exception:
                pass
        if saved["units"] is not None:
            _restore_dict(sys.modules["matplotlib.units"].registry, saved["units"])
    if "inline" in state:  # %config InlineBackend.* (figure formats, close_figures, ...)
        inline = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
        for name, value in state["inline"].items():
            if getattr(inline, name) != value:
                setattr(inline, name, copy.deepcopy(value))
    if state.get("pandas"):
        import pandas as pd

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in state["pandas"].items():
                try:
                    if pd.get_option(key) != value:
                        pd.set_option(key, value)
                except Exception:
                    pass
    if "numpy" in state:
        import numpy as np

        rng, err, printoptions = state["numpy"]
        np.random.set_state(rng)  # noqa: NPY002
        np.seterr(**err)
        np.set_printoptions(**printoptions)
    random.setstate(state["random"])
    # typeshed declares warnings.filters a Sequence; it is the module's list, restored in place
    warnings.filters[:] = state["warnings"]  # type: ignore[index]
    mutated = getattr(warnings, "_filters_mutated", None) or getattr(warnings, "_filters_mutated_lock_held", None)
    if mutated is not None:  # drop the per-module "already warned" caches
        mutated()
    _restore_dict(os.environ, state["environ"])  # type: ignore[arg-type]
    sys.path[:] = state["sys_path"]
    level, handlers = state["logging"]
    logging.root.setLevel(level)
    logging.root.handlers[:] = handlers
    for name, saved_dict in state["modules"].items():
        module = sys.modules.get(name)
        if module is not None:
            _restore_dict(vars(module), saved_dict, keep_modules=True)
    ip = _ipython()
    if ip is not None:
        for mime, (printers, deferred, singletons, enabled) in state.get("formatters", {}).items():
            formatter = ip.display_formatter.formatters.get(mime)
            if formatter is not None:
                formatter.enabled = enabled
                _restore_dict(formatter.type_printers, printers)
                _restore_dict(formatter.deferred_printers, deferred)
                if hasattr(formatter, "singleton_printers"):
                    _restore_dict(formatter.singleton_printers, singletons)
        for name, callbacks in state.get("events", {}).items():
            ip.events.callbacks[name][:] = callbacks
        # User namespace, Out/_ caches, execution counter back to 1 -- without the full
        # garbage collection IPython's reset ends with (a tenth of a second per report);
        # the collector's own schedule reclaims any cycles left behind.
        collect = gc.collect
        gc.collect = lambda *args, **kwargs: 0
        try:
            ip.reset(new_session=True)
        finally:
            gc.collect = collect
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            delattr(sys, name)  # the previous report's traceback and the frames it holds
    if cwd:
        os.chdir(cwd)
