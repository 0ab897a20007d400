"""Files shipped inside the package (templates, the default scheme), found with importlib.resources.

Nothing is looked up next to the source tree or in the repository: an installed wheel, an
editable install and a zip import all find the same files.
"""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["package_files", "resource_path"]

_extracted = contextlib.ExitStack()  # files extracted from a zip import, removed at exit
atexit.register(_extracted.close)


def resource_path(package: str, *parts: str) -> Path:
    """A real file system path to the resource ``parts`` of ``package`` (e.g. a notebook that
    papermill opens by name); extracted to a temporary file when the package is zipped."""
    resource = files(package).joinpath(*parts)
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(as_file(resource))


def package_files(package: str = "assess") -> list[tuple[str, Traversable]]:
    """Every file of ``package``, recursively, as (relative posix path, resource), sorted by path;
    byte-code caches left out."""
    found: list[tuple[str, Traversable]] = []

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            else:
                found.append((f"{prefix}{entry.name}", entry))

    walk(files(package), "")
    return sorted(found, key=lambda item: item[0])
