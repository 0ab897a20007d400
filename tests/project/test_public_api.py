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


def _type_checking_imports(package: str) -> dict[str, str]:
    """name -> module of the ``if TYPE_CHECKING:`` imports in a package's ``__init__``."""
    tree = ast.parse((SRC / package / "__init__.py").read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom), ast.dump(imp)
                names.update({alias.name: str(imp.module) for alias in imp.names})
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_exports_exactly_its_all_and_each_name_resolves(package):
    module = importlib.import_module(f"assess.{package}")
    assert module.__all__ == sorted(module.__all__)
    assert set(module.__all__) == set(module._PUBLIC)
    assert _type_checking_imports(package) == module._PUBLIC  # what mypy sees is what runs
    for name in module.__all__:
        value = getattr(module, name)
        assert getattr(value, "__name__", name) in (name, module._PUBLIC[name].rpartition(".")[2]) or not callable(
            value
        )
    assert dir(module) == sorted(module.__all__)


def test_dir_of_assess_lists_the_documented_names_only():
    names = dir(assess)
    assert {"load", "score", "Result", "Scheme", "run_assessment", "monitor", "compare"} <= set(names)
    assert not {"Any", "TYPE_CHECKING", "annotations", "importlib"} & set(names)


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
