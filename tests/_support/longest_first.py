"""The test modules in the order that ends a parallel run soonest: the longest first.

``make test`` runs pytest-xdist with ``--dist loadscope --no-loadscope-reorder``: a module is
one unit of work (its module-scoped fixtures, a whole year-end run, are built once) and the
workers take the units in collection order. Left to itself xdist would order them by their
number of tests, which sends the one-test, hundred-second guide walk-through last, to finish
alone while the other worker idles. So the collection is sorted by each module's seconds in
the last run of the same selection (pytest's cache, ``.pytest_cache/v/assess/module_seconds/…``); a module the cache
does not know (a fresh clone, as in CI) is estimated from its ``slow`` tests.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

CACHE_KEY = "assess/module_seconds"
#: the guess for a module the cache does not know: seconds per slow test, per other test
SLOW_GUESS, FAST_GUESS = 15.0, 0.05


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _guess(items: list[pytest.Item]) -> float:
    return sum(SLOW_GUESS if item.get_closest_marker("slow") else FAST_GUESS for item in items)


def order(items: list[pytest.Item], known: dict[str, float]) -> list[pytest.Item]:
    """``items`` grouped by module (in their order within it), the modules longest first."""
    modules: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        modules[module_of(item.nodeid)].append(item)
    weight = {name: known.get(name, _guess(group)) for name, group in modules.items()}
    ranked = sorted(modules, key=lambda name: -weight[name])  # stable: ties keep collection order
    return [item for name in ranked for item in modules[name]]


def _key(config: pytest.Config) -> str:
    """One record per selection: ``make test-fast`` (``-m "not slow"``) times modules without their slow tests."""
    return f"{CACHE_KEY}/{config.option.markexpr or 'all'}".replace(" ", "_")


def sort_collection(config: pytest.Config, items: list[pytest.Item]) -> None:
    cache = getattr(config, "cache", None)
    known = cache.get(_key(config), {}) if cache is not None else {}
    items[:] = order(items, known)


class Timer:
    """Adds up each module's seconds (setup, call, teardown) as the reports reach the controller."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, report: pytest.TestReport) -> None:
        self.seconds[module_of(report.nodeid)] += report.duration

    def save(self, config: pytest.Config) -> None:
        """Record this run's modules in the cache (the controller's, not a worker's; others kept)."""
        cache = getattr(config, "cache", None)
        if cache is None or hasattr(config, "workerinput") or not self.seconds:
            return
        known = cache.get(_key(config), {})
        cache.set(_key(config), {**known, **{name: round(s, 2) for name, s in self.seconds.items()}})
