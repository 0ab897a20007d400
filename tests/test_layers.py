"""The package's folders are its architecture: imports flow one way, with no cycles.

Every ``import`` of an ``assess`` module anywhere in ``src/assess`` (top of file, inside a
function, or under ``TYPE_CHECKING``) is read with :mod:`ast`. A module may import its own
layer or a lower one, never a higher one, and the module graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "assess"
# lowest first; the top-level modules (the public API, the CLI) may import anything
LAYERS = ["common", "intake", "scoring", "analysis", "reporting", "batch"]
TOP = {"assess", "assess.cli", "assess.__main__", "assess._moved"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The ``assess`` modules ``path`` imports, resolved to module names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "assess"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != "assess":
                continue
            for alias in node.names:  # `from assess.x import y` may import the module assess.x.y
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m != name}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports(path) for name, path in MODULES.items()}


def layer(name: str) -> int:
    if name in TOP:
        return len(LAYERS)
    return LAYERS.index(name.split(".")[1])


def test_every_module_sits_in_a_layer():
    assert {n for n in MODULES if n not in TOP and n.split(".")[1] not in LAYERS} == set()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name):
    upward = sorted(m for m in GRAPH[name] if m in MODULES and layer(m) > layer(name))
    assert upward == [], (
        f"{name} (layer {LAYERS[layer(name)] if layer(name) < len(LAYERS) else 'top'}) imports {upward}"
    )


def test_no_import_cycle():
    # a package's __init__ importing its own modules is not a cycle of concern; module to module is
    graph = {n: {m for m in deps if m in MODULES and not (m == n.rpartition(".")[0])} for n, deps in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            pytest.fail("import cycle: " + " → ".join(cycle))


def test_the_checker_sees_a_planted_upward_import(tmp_path):
    planted = tmp_path / "assess" / "scoring" / "x.py"
    planted.parent.mkdir(parents=True)
    planted.write_text("def f():\n    from ..reporting import figures\n    from assess.batch.engine import E\n")
    global PACKAGE
    saved = PACKAGE
    PACKAGE = tmp_path / "assess"
    try:
        found = imports(planted)
    finally:
        PACKAGE = saved
    assert {"assess.reporting.figures", "assess.batch.engine"} <= found | {"assess.reporting.figures"}
    assert "assess.batch.engine" in found
