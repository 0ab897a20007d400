"""The public surface: a short ``__all__`` per package, every name resolvable, private modules
used across packages only through a package's public face."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import assess

SRC = Path(assess.__file__).parent
PACKAGES = ("common", "intake", "scoring", "analysis", "reporting", "batch")


def _stub_names(package: str) -> dict[str, str]:
    """name -> private module of the ``from ._module import name as name`` lines of a package's ``__init__.pyi``."""
    tree = ast.parse((SRC / package / "__init__.pyi").read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in tree.body[1:]:  # after the docstring
        assert isinstance(node, ast.ImportFrom) and node.level == 1 and node.module, ast.dump(node)
        for alias in node.names:
            assert alias.asname == alias.name, f"{package}: {alias.name} must be re-exported as itself"
            names[alias.name] = node.module
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_exports_exactly_the_names_its_stub_lists_and_each_resolves(package):
    module = importlib.import_module(f"assess.{package}")
    stub = _stub_names(package)  # what mypy sees is what runs
    assert module.__all__ == sorted(stub)
    assert all(name.startswith("_") for name in stub.values()), "a package's public names come from its private modules"
    for name in module.__all__:
        value = getattr(module, name)
        assert getattr(value, "__name__", name) in (name, stub[name]) or not callable(value)
    assert dir(module) == sorted(module.__all__)
    assert (SRC / package / "__init__.py").read_text(encoding="utf-8").count("\n") <= 8, "the names live in the stub"


def test_dir_of_assess_lists_the_documented_names_and_the_subpackages_only():
    names = dir(assess)
    stub = ast.parse((SRC / "__init__.pyi").read_text(encoding="utf-8"))
    listed = {alias.asname for node in stub.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert names == sorted(assess.__all__) == sorted(listed)
    assert {"load", "score", "Result", "Scheme", "run_assessment", "monitor", "compare", "intake", "cli"} <= set(names)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib", "public_face", "_moved"} & set(names)


def test_no_module_imports_a_private_module_of_another_package():
    crossings = []
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        here = parts[0] if len(parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assess."):
                bits = node.module.split(".")
                private = any(bit.startswith("_") and bit != "__init__" for bit in bits[2:])
                names_private = [a.name for a in node.names if a.name.startswith("_") and a.name != "__version__"]
                if len(bits) >= 2 and bits[1] != here and bits[1] in PACKAGES and (private or names_private):
                    crossings.append(
                        f"{path.relative_to(SRC)}:{node.lineno} from {node.module} import {names_private or '…'}"
                    )
    assert not crossings, "\n".join(crossings)
