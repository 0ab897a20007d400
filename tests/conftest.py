"""Session-wide test settings and the inputs the suite builds once.

- The suite never reads or writes the user's own cache folder: every test process (each
  pytest-xdist worker has its own) gets a private ``$ASSESS_CACHE_DIR``, inherited by every
  process it starts (workers, kernels, ``assess`` in a subprocess).
- ``tests/_support/`` (helpers the tests import by module name) is put on ``sys.path``.
- The Hypothesis profile, ``ci`` (every example) or ``dev`` (a fifth, for ``make test-fast``), is
  loaded from ``$ASSESS_HYPOTHESIS_PROFILE`` before any test module is imported (see
  ``tests/_support/hypothesis_profiles.py``).
- The sample inputs many modules need are built once per session (once per xdist worker) by the
  session-scoped fixtures below. They are shared: treat them as read only, and copy before
  changing one (``copy_tables``, ``shutil.copytree``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The helpers the tests import by module name (``from workbooks import minimal_sheets``,
# ``planted``, ``reference``, ``reference_scheme``) live in tests/_support/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "_support"))

import hypothesis_profiles  # noqa: E402  (from tests/_support, just put on the path)
import longest_first  # noqa: E402

HYPOTHESIS_PROFILE = hypothesis_profiles.load()

# Set when this file is imported, before any test runs, so that every process a test starts
# inherits it: the subset fonts are cut into, and read from, a folder of this process's own.
_CACHE = tempfile.mkdtemp(prefix="assess-test-cache-")
os.environ["ASSESS_CACHE_DIR"] = _CACHE


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis profile: {HYPOTHESIS_PROFILE} (${hypothesis_profiles.VARIABLE})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    longest_first.sort_collection(config, items)  # the longest modules first (tests/_support/longest_first.py)


_TIMER = longest_first.Timer()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _TIMER.add(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _TIMER.save(session.config)
    shutil.rmtree(_CACHE, ignore_errors=True)


def copy_tables(tables: dict) -> dict:
    """A copy of ``{sheet: DataFrame}`` a test may change without touching the shared one."""
    return {name: frame.copy() for name, frame in tables.items()}


@pytest.fixture(scope="session")
def sample_frames() -> Callable[..., dict]:
    """``make_sample(**kwargs)``, each set of arguments generated once per session; every call
    returns a fresh copy of the frames, so a test may change them."""
    from assess.intake._sample import make_sample

    made: dict[tuple, dict] = {}

    def get(**kwargs: object) -> dict:
        key = tuple(sorted(kwargs.items()))
        if key not in made:
            made[key] = make_sample(**kwargs)
        return copy_tables(made[key])

    return get


@pytest.fixture(scope="session")
def sample_2025():
    """``data/sample-2025.xlsx`` (38 groups), loaded and validated once; read only."""
    import assess

    return assess.load(ROOT / "data" / "sample-2025.xlsx")


@pytest.fixture(scope="session")
def sample_2025_result(sample_2025):
    """``sample_2025`` scored for 2025 with the default scheme; read only."""
    import assess

    return assess.score(sample_2025, 2025)


@pytest.fixture(scope="session")
def planted_scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted sample year of ``planted.py`` scored once (``SOURCE_DATE_EPOCH`` pinned):
    the output folder with ``scores.xlsx`` and ``results/``; read only."""
    from planted import score_planted

    return score_planted(tmp_path_factory.mktemp("planted"))


@pytest.fixture(scope="session")
def sample_year_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``assess sample`` of 4 groups as a folder of CSV files, written once; read only (copy it
    with ``shutil.copytree`` to change it)."""
    from assess.batch._pipeline import write_sample

    return write_sample(tmp_path_factory.mktemp("sample-csv") / "year", groups=4)


@pytest.fixture(scope="session")
def sample_year(tmp_path_factory: pytest.TempPathFactory):
    """``assess sample`` (38 groups, 2025, seed 0, the ``indicators`` sheet too) written as an
    .xlsx workbook and loaded once; read only."""
    import assess
    from assess.batch._pipeline import write_sample

    return assess.load(write_sample(tmp_path_factory.mktemp("sample-xlsx") / "sample.xlsx"))
