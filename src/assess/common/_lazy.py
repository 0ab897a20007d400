"""Import a heavy module on first use, so importing ``assess`` (or a report kernel's imports)
does not pay for what the run never calls.

Two tools:

- :func:`lazy_module` stands in for one third-party module until it is used;
- :func:`lazy_exports` gives a package its public names from its private modules on first use
  (PEP 562), so ``from assess.intake import load`` works while ``import assess.intake`` stays cheap.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["lazy_exports", "lazy_module"]


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


class _Package(ModuleType):
    """A package whose public names may share a name with one of its old module paths.

    ``import assess.analysis._uncertainty`` (an old path, see ``assess._moved``) makes Python set
    the package attribute ``uncertainty`` to the module it imported; that must not replace the
    public *function* of the same name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and name in self.__dict__.get("_PUBLIC", ()):
            return  # the public name, not the module at its old path
        super().__setattr__(name, value)


def lazy_exports(
    package: str, public: Mapping[str, str], extra: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, whose public names live in private modules.

    ``public`` maps each public name to the module that defines it (absolute, or relative to
    ``package``: ``"._read"``). A name is imported on first use and then kept as a plain attribute. ``dir()``
    lists the public names and ``extra`` (e.g. subpackages), not the package's own imports.

    Examples
    --------
    >>> getattr_, dir_ = lazy_exports("assess.common", {"message": "assess.common._messages"})
    >>> getattr_("message").__name__, dir_()
    ('message', ['message'])
    """
    module = sys.modules[package]
    if not isinstance(module, _Package):
        module.__class__ = _Package

    def __getattr__(name: str) -> Any:
        if name in public:
            value = getattr(importlib.import_module(public[name], package), name)
        elif name in extra and not name.startswith("__"):
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*public, *extra})

    return __getattr__, __dir__
