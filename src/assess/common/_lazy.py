"""Import a heavy module on first use, so importing ``assess`` (or a report kernel's imports)
does not pay for what the run never calls.

Two tools:

- :func:`lazy_module` stands in for one third-party module until it is used;
- :func:`public_face` gives a package the public names its stub ``__init__.pyi`` lists, each
  imported from its private module on first use (lazy_loader), so ``from assess.intake import load``
  works while ``import assess.intake`` stays cheap.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import lazy_loader

__all__ = ["lazy_module", "public_face"]


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

    ``import assess.analysis.uncertainty`` (an old path, see ``assess._moved``) makes Python set
    the package attribute ``uncertainty`` to the module it imported; that must not replace the
    public *function* of the same name.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and name in self.__dict__.get("__all__", ()):
            return  # the public name, not the module at its old path
        super().__setattr__(name, value)


def public_face(package: str, init_file: str) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """The ``__getattr__``, ``__dir__`` and ``__all__`` of ``package``, read from the stub beside its ``__init__``.

    The stub ``__init__.pyi`` lists each public name once, as ``from ._module import name as name``:
    type checkers read it, and lazy_loader (Scientific Python's SPEC 1) imports ``._module`` when
    the name is first used, so ``from assess.intake import load`` works while ``import
    assess.intake`` stays cheap. ``dir()`` and ``__all__`` are the stub's names, sorted.

    Examples
    --------
    >>> import assess.common
    >>> getattr_, dir_, all_ = public_face("assess.common", assess.common.__file__)
    >>> getattr_("message").__name__, "message" in all_, dir_() == all_
    ('message', True, True)
    """
    getattr_, dir_, all_ = lazy_loader.attach_stub(package, init_file)
    module = sys.modules[package]
    if not isinstance(module, _Package):
        module.__class__ = _Package
    return getattr_, dir_, all_
