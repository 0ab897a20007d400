"""How many examples a property test tries, by the Hypothesis profile of the run.

Two profiles, chosen by ``$ASSESS_HYPOTHESIS_PROFILE`` (``tests/conftest.py`` loads it before any
test module is imported):

- ``ci`` (the default: ``make test``, CI, a plain ``pytest``): every property test tries the
  number of examples written in its ``@settings``, and one that says none tries 100.
- ``dev`` (``make test-fast``): a fifth of that, at least 5 (or all, when a test asks for fewer),
  so that the tests a developer runs every few minutes stay quick. The example database
  (``.hypothesis/``) replays a failure found earlier first, whatever the count.

A property test writes ``@settings(max_examples=examples(300), ...)``: 300 under ``ci``.
"""

from __future__ import annotations

import os

from hypothesis import settings

VARIABLE = "ASSESS_HYPOTHESIS_PROFILE"
#: examples a test tries when its ``@settings`` gives no number, per profile
PER_TEST = {"ci": 100, "dev": 20}
FEWEST = 5


def load() -> str:
    """Register both profiles and load the one ``$ASSESS_HYPOTHESIS_PROFILE`` names (``ci`` if unset)."""
    name = os.environ.get(VARIABLE) or "ci"
    if name not in PER_TEST:
        raise ValueError(f"{VARIABLE}={name!r}: expected one of {', '.join(PER_TEST)}")
    settings.register_profile("ci", max_examples=PER_TEST["ci"], print_blob=True)
    settings.register_profile("dev", max_examples=PER_TEST["dev"])
    settings.load_profile(name)
    return name


def examples(n: int) -> int:
    """``n`` under the ``ci`` profile; the same share of ``n`` the loaded profile takes of ``ci``'s
    count, at least ``FEWEST`` (or ``n`` when smaller)."""
    share = settings.default.max_examples / PER_TEST["ci"]
    return max(min(n, FEWEST), round(n * share))
