"""Import a heavy module on first use, so importing ``assess`` (or a report kernel's imports)
does not pay for what the run never calls."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["lazy_module"]


class _LazyModule(ModuleType):
    """Stands in for module ``__name__`` until an attribute is asked for, then imports it."""

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self.__name__)
        value = getattr(module, attribute)
        setattr(self, attribute, value)
        return value


def lazy_module(name: str) -> Any:
    """``name``, imported when one of its attributes is first used (e.g. ``pa = lazy_module("pandera.pandas")``).

    Declare the real import under ``if TYPE_CHECKING:`` for type checkers."""
    return _LazyModule(name)
