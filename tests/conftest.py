"""Session-wide test settings: the suite never reads or writes the user's own cache folder."""

from __future__ import annotations

import os
import shutil
import tempfile

# Set before any test runs, so every process the tests start (workers, kernels, `assess` in a
# subprocess) inherits it: the subset fonts are cut into, and read from, a folder of the suite's own.
_CACHE = tempfile.mkdtemp(prefix="assess-test-cache-")
os.environ["ASSESS_CACHE_DIR"] = _CACHE


def pytest_sessionfinish(session, exitstatus) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)
