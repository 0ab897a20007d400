"""The collection order that ends a parallel run soonest (tests/_support/longest_first.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from longest_first import FAST_GUESS, SLOW_GUESS, order


@dataclass
class _Item:
    nodeid: str
    marks: set[str] = field(default_factory=set)

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.marks else None


def _ids(items: list) -> list[str]:
    return [item.nodeid for item in items]


def test_modules_run_longest_first_by_last_runs_seconds_each_module_in_its_own_order() -> None:
    items = [
        _Item("tests/a.py::one"), _Item("tests/a.py::two"),
        _Item("tests/b.py::guide"),
        _Item("tests/c.py::x"), _Item("tests/c.py::y"), _Item("tests/c.py::z"),
    ]  # fmt: skip
    known = {"tests/a.py": 3.0, "tests/b.py": 110.0, "tests/c.py": 12.5}
    assert _ids(order(items, known)) == [
        "tests/b.py::guide", "tests/c.py::x", "tests/c.py::y", "tests/c.py::z", "tests/a.py::one", "tests/a.py::two",
    ]  # fmt: skip


def test_a_module_the_cache_does_not_know_is_weighed_by_its_slow_tests() -> None:
    many_fast = [_Item(f"tests/fast.py::t{i}") for i in range(100)]  # 100 × FAST_GUESS = 5 s
    two_slow = [_Item("tests/slow.py::a", {"slow"}), _Item("tests/slow.py::b", {"slow"})]  # 2 × SLOW_GUESS
    timed = [_Item("tests/timed.py::t")]
    assert 100 * FAST_GUESS < 20.0 < 2 * SLOW_GUESS
    ranked = _ids(order([*many_fast, *timed, *two_slow], {"tests/timed.py": 20.0}))
    assert ranked[:3] == ["tests/slow.py::a", "tests/slow.py::b", "tests/timed.py::t"]
    assert ranked[3:] == _ids(many_fast)


def test_ties_keep_the_collection_order() -> None:
    items = [_Item("tests/z.py::t"), _Item("tests/m.py::t"), _Item("tests/a.py::t")]
    assert _ids(order(items, {})) == _ids(items)
