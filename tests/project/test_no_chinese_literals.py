"""Every phrase a user reads is in a message catalogue, not in Python.

The code under ``src/assess`` is read with :mod:`ast`: a string constant (an f-string's fixed
parts included) holding a CJK character is a phrase or a word that belongs in
``common/locales/<lang>.yaml`` (phrases) or ``common/locales/vocabulary.yaml`` (data). Docstrings
are prose for developers and stay; ``intake/_sample.py`` generates Chinese sample data and is
exempt. A few date-parsing patterns may stay in code: at most ``ALLOWANCE`` literals in all.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "assess"
ALLOWANCE = 30
EXEMPT = {"intake/_sample.py"}  # writes Chinese sample data: the data is the point
# CJK punctuation, ideographs (with extension A), and full-width forms
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _docstrings(tree: ast.Module) -> set[int]:
    """``id()`` of the constant of every docstring: a module's, a class's, a function's."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def chinese_literals(root: Path) -> list[str]:
    """``file:line: 'text'`` of every string constant with a CJK character under ``root``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where in EXEMPT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and CJK.search(node.value)
            ):
                found.append(f"{where}:{node.lineno}: {node.value!r:.70}")
    return found


def test_the_walk_finds_a_phrase_and_skips_docstrings(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        '"""模块说明。"""\ndef f(n):\n    """函数说明。"""\n    return f"共{n}个问题" + "ok" + "，"\n',
        encoding="utf-8",
    )
    assert [line.split(": ", 1)[0] for line in chinese_literals(tmp_path)] == [
        "m.py:4"
    ] * 3  # an f-string's two fixed parts, then "，"


def test_at_most_a_few_chinese_literals_in_the_code() -> None:
    found = chinese_literals(SRC)
    assert len(found) <= ALLOWANCE, (
        f"{len(found)} string literals with Chinese characters in src/assess (at most {ALLOWANCE}); "
        "move each phrase to common/locales/en.yaml and zh.yaml, each word of data to vocabulary.yaml:\n"
        + "\n".join(found)
    )
