"""The package's folders are its architecture: imports flow one way, with no cycles.

Every ``import`` of an ``assess`` module anywhere in ``src/assess`` (top of file, inside a
function, or under ``TYPE_CHECKING``) is read with :mod:`ast`. A module may import its own
layer or a lower one, never a higher one, and the module graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "assess"
# lowest first; the top-level modules (the public API, the CLI) may import anything
LAYERS = ["common", "intake", "scoring", "analysis", "reporting", "batch"]
TOP = {"assess", "assess.cli", "assess.__main__", "assess._moved"}


def import_graph(root: Path) -> dict[str, set[str]]:
    """``{module: the package's modules it imports}`` for the package folder ``root``."""
    paths = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from assess.x import y` may import the module assess.x.y
                found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in paths else base for a in node.names}
        graph[name] = {m for m in found if m in paths and m != name}
    return graph


def layer(name: str) -> int:
    return len(LAYERS) if name in TOP else LAYERS.index(name.split(".")[1])


def upward(graph: dict[str, set[str]], name: str) -> list[str]:
    return sorted(m for m in graph[name] if layer(m) > layer(name))


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, or ``None`` (a package's ``__init__`` importing its own modules is none)."""
    edges = {n: {m for m in deps if m != n.rpartition(".")[0]} for n, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


GRAPH = import_graph(PACKAGE)


def test_every_module_sits_in_a_layer():
    assert {n for n in GRAPH if n not in TOP and n.split(".")[1] not in LAYERS} == set()


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_point_down(name):
    assert upward(GRAPH, name) == [], f"{name} imports a higher layer"


def test_no_import_cycle():
    assert cycle(GRAPH) is None


def test_the_checker_sees_planted_upward_imports_and_a_cycle(tmp_path):
    root = tmp_path / "assess"
    files = {
        "__init__.py": "",
        "scoring/__init__.py": "",
        "scoring/x.py": "def f():\n    from ..reporting import figures\n    from assess.batch.engine import E\n",
        "reporting/__init__.py": "",
        "reporting/figures.py": "from assess.reporting import pages\n",
        "reporting/pages.py": "import assess.reporting.figures\n",
        "batch/__init__.py": "",
        "batch/engine.py": "from assess.scoring.x import f\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    graph = import_graph(root)
    assert upward(graph, "assess.scoring.x") == ["assess.batch.engine", "assess.reporting.figures"]
    assert upward(graph, "assess.batch.engine") == []
    assert cycle(graph) == ["assess.batch.engine", "assess.scoring.x", "assess.batch.engine"]
    del files["batch/engine.py"]
    (root / "batch" / "engine.py").write_text("")
    assert cycle(import_graph(root)) == [
        "assess.reporting.figures",
        "assess.reporting.pages",
        "assess.reporting.figures",
    ]
