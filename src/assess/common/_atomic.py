"""Atomic writing: every output of ``assess`` goes through here. I/O only.

A file is written under a temporary name beside its target and renamed onto it only when
it is complete, so a reader sees the old file or the whole new one, never a part. The new
file gets the permissions the user's umask gives any new file (``0644`` under the usual
``022``) — not the ``0600`` of :func:`tempfile.mkstemp`, which would hide ``scores.xlsx``
from colleagues on a shared drive.

A folder (``OUT/results/``) is replaced as a whole: it is written as a new sibling, then
swapped in with two renames, so it never mixes the tables of two runs. The leftovers of an
interrupted swap are removed by the next one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "atomic_write", "atomic_folder", "clean_leftovers", "file_mode", "pid_alive", "umask"]


def umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets from ``open()`` under the current umask (e.g. ``0o644``)."""
    return 0o666 & ~umask()


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it onto ``target`` only on success.

    The caller writes the whole file to the yielded path (e.g. ``book.save(tmp)``). On an
    exception the temporary file is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, file_mode())
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8 with ``\\n`` line ends) to ``path`` atomically."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(raw)
    return Path(path)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (another user's, or a zombie, counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_leftovers(target: Path) -> None:
    """Remove the ``.NAME.new-PID`` and ``.NAME.old-PID`` siblings of runs that are gone."""
    for sibling in target.parent.glob(f".{target.name}.*-*"):
        kind, _, pid = sibling.name.removeprefix(f".{target.name}.").partition("-")
        if kind not in ("new", "old") or not pid.isdigit():
            continue
        if int(pid) == os.getpid() or not pid_alive(int(pid)):
            shutil.rmtree(sibling, ignore_errors=True)


@contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield a new, empty folder beside ``target``; on success it replaces ``target`` whole.

    Whatever ``target`` held before is gone afterwards (no table of an earlier run stays);
    on an exception the new folder is removed and ``target`` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    new = target.with_name(f".{target.name}.new-{os.getpid()}")
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    new.mkdir()
    try:
        yield new
        if target.exists() or target.is_symlink():
            os.replace(target, old)
        os.replace(new, target)
    finally:
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
