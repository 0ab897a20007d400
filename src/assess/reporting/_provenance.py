"""Where a report comes from: input and scheme hashes, package version, source commit, time.

Every report and the index show these facts and embed them as ``<meta name="assess:...">``
tags, so a file found on a shared drive months later still says what produced it.
"""

from __future__ import annotations

import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from assess.common import __version__

__all__ = ["git_commit", "facts", "FIELDS"]

#: Provenance fields in display order: (key, label key of :mod:`assess.reporting._i18n`).
FIELDS = (
    ("input", "input_file"),
    ("input_sha256", "input_sha256"),
    ("scheme_name", "scheme_name"),
    ("scheme_sha256", "scheme_sha256"),
    ("version", "version"),
    ("git_commit", "git_commit"),
    ("generated_at", "generated_at"),
)

_PACKAGE = Path(__file__).resolve().parents[1]  # the assess package folder
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str] | None:
    # GIT_OPTIONAL_LOCKS=0: reading the status must never take .git/index.lock from
    # someone committing at the same time.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):  # no git, or it hung
        return None


@lru_cache(maxsize=1)
def git_commit(package: Path = _PACKAGE) -> str | None:
    """The commit of the package source, ``None`` when the package is not in a git checkout.

    The package counts as checked out only when its own ``__init__.py`` is tracked (a
    wheel installed inside some unrelated repository has no commit). ``-dirty`` is
    appended when tracked files of the package or the report template differ from the
    commit (the report template is package data, so it counts). Never raises: no git, no repository, or an unreadable one all give ``None``.
    """
    tracked = _git("ls-files", "--error-unmatch", "__init__.py", cwd=package)
    if tracked is None or tracked.returncode != 0:
        return None
    head = _git("rev-parse", "HEAD", cwd=package)
    if head is None or head.returncode != 0 or not _COMMIT.fullmatch(head.stdout.strip()):
        return None
    commit = head.stdout.strip()
    status = _git("status", "--porcelain", "--untracked-files=no", "--", ".", cwd=package)
    if status is not None and status.returncode == 0 and status.stdout.strip():
        commit += "-dirty"
    return commit


def facts(meta: dict[str, Any]) -> dict[str, str | None]:
    """The provenance of a result's ``meta`` as ``{key: value}`` in :data:`FIELDS` order.

    ``version`` is the version that scored the result; ``git_commit`` is that of the code
    running now (the one rendering the report).
    """
    return {
        "input": meta.get("input") or None,
        "input_sha256": meta.get("input_sha256"),
        "scheme_name": meta.get("scheme_name"),
        "scheme_sha256": meta.get("scheme_sha256"),
        "version": meta.get("version") or __version__,
        "git_commit": git_commit(),
        "generated_at": meta.get("generated_at"),
    }
