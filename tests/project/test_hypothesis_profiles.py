"""The Hypothesis profiles of the test targets: `make test` tries every example a property test
names, `make test-fast` a fifth of them (at least 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import hypothesis_profiles
from hypothesis_profiles import VARIABLE, examples, load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_profile():
    """Load the run's own profile again after the test, whatever it loaded."""
    before = os.environ.get(VARIABLE)
    yield
    if before is None:
        os.environ.pop(VARIABLE, None)
    else:
        os.environ[VARIABLE] = before
    load()


def test_ci_tries_every_example_a_test_names(restore_profile) -> None:
    os.environ[VARIABLE] = "ci"
    assert load() == "ci"
    assert settings.default.max_examples == 100
    assert [examples(n) for n in (3, 15, 25, 300, 400)] == [3, 15, 25, 300, 400]


def test_dev_tries_a_fifth_at_least_five(restore_profile) -> None:
    os.environ[VARIABLE] = "dev"
    assert load() == "dev"
    assert settings.default.max_examples == 20  # 100 / 5 for a test that names no number
    # 300 / 5 = 60, 400 / 5 = 80, 60 / 5 = 12; 25 / 5 = 5; 15 / 5 = 3 < 5, so 5; 3 < 5: all 3
    assert [examples(n) for n in (300, 400, 60, 25, 15, 3)] == [60, 80, 12, 5, 5, 3]


def test_an_unset_variable_is_ci_and_an_unknown_name_is_refused(restore_profile) -> None:
    os.environ.pop(VARIABLE, None)
    assert load() == "ci"
    os.environ[VARIABLE] = "quick"
    with pytest.raises(ValueError, match="ASSESS_HYPOTHESIS_PROFILE='quick': expected one of ci, dev"):
        load()


def test_the_make_targets_choose_their_profiles() -> None:
    makefile = (ROOT / "Makefile").read_text()
    test = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    fast = makefile.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    assert f"{VARIABLE}=ci " in test and '-m "not slow"' not in test
    assert f"{VARIABLE}=dev " in fast and '-m "not slow"' in fast
    assert hypothesis_profiles.PER_TEST == {"ci": 100, "dev": 20}
