"""A run's outputs written aside and swapped in at the end. I/O only.

A run writes ``scores.xlsx``, ``results/``, the reports, the index and the ledger one after
another; stopped between two of them (a full disk, Ctrl-C, a crash) it would leave some new and
some old. :func:`staged` gives the run a folder of its own, ``OUT/.assess-staging/``, holding a
copy of the outputs it manages — hard links, so the copy costs no space and is made at once —
and the run writes there. Only when it has finished are the entries swapped into ``OUT``, each
by renaming (atomic on POSIX within one file system, which the staging folder shares with
``OUT`` by living inside it). Until then ``OUT`` holds the previous outputs, whole.

The swap of several entries is not one atomic step, so it is journalled: ``.swap.json`` in the
staging folder lists the entries to move before the first one moves. A swap that fails midway
is rolled back; one whose process was killed midway is finished by the next run on the folder
(:func:`recover`), before it does anything else. Both need the folder's lock
(:mod:`assess.common._outlock`): one process at a time touches the staging folder.

A run that stops before the swap (Ctrl-C, a crash, a report batch error) leaves the staging
folder as it is: the next run adopts it, so the reports finished there are not made again (the
ledger in it records them, as ``OUT/run.jsonl`` would have). A run stopped by a full disk
removes it, to give the space back, and raises :class:`DiskFull` with the space it needs.

Only files that are replaced whole (renamed onto, never rewritten in place) may be hard
linked; a file appended to in place (the ledger) is named in ``copy`` and copied instead.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from assess.common._atomic import atomic_write, clean_leftovers
from assess.common._errors import AssessError
from assess.common._messages import message

__all__ = ["STAGING_NAME", "DiskFull", "disk_full_error", "recover", "staged", "staging_path", "human_size"]

#: The staging folder's name inside the output folder.
STAGING_NAME = ".assess-staging"
_JOURNAL = ".swap.json"
_OLD = ".old"  # inside the staging folder: the entries swapped out, removed at the end
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


class DiskFull(AssessError):
    """The disk filled while a run wrote its outputs; the previous outputs are intact.

    ``needed`` and ``free`` are bytes (the estimate of what the run needs, what is free now).
    """

    def __init__(self, folder: Path, error: OSError, needed: int, free: int, written: int, previous: int, lang: str):
        self.folder, self.needed, self.free = folder, needed, free
        super().__init__(
            message(
                "outputs",
                "disk_full",
                lang,
                folder=str(folder),
                error=error.strerror or str(error),
                where=str(error.filename) if error.filename else str(folder),
                needed=human_size(needed),
                written=human_size(written),
                previous=human_size(previous),
                free=human_size(free),
            )
        )


def human_size(size: int) -> str:
    """``12.3 MB``: bytes in the largest unit that keeps a number from 1 up (B, KB, MB, GB)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def disk_full_error(exc: BaseException) -> OSError | None:
    """The "no space left" (or "disk quota exceeded") error behind ``exc``, if there is one."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL:
            return current
        current = current.__cause__ or current.__context__
    return None


def staging_path(out: str | Path) -> Path:
    """Where a run on ``out`` writes before its swap."""
    return Path(out) / STAGING_NAME


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif _present(path):
        path.unlink()


def _link_or_copy(source: str, target: str) -> None:
    """A hard link; a copy where the drive has none (FAT, some network shares)."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno in _FULL:
            raise
        shutil.copy2(source, target)


def _mirror(source: Path, target: Path, copy: bool) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=shutil.copy2 if copy else _link_or_copy)
    elif copy:
        shutil.copy2(source, target)
    else:
        _link_or_copy(str(source), str(target))


def _size(path: Path, only_own: bool = False) -> int:
    """Bytes of the files under ``path``; with ``only_own`` just those not shared by a hard link."""
    if not _present(path):
        return 0
    files = [path] if not path.is_dir() else [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    total = 0
    for file in files:
        try:
            stat = file.lstat()
        except OSError:
            continue
        if not only_own or stat.st_nlink == 1:
            total += stat.st_size
    return total


def _roll_forward(
    out: Path, stage: Path, names: Iterable[str], moved: list[str] | None = None, drop: Iterable[str] = ()
) -> None:
    """Move each staged entry into ``out`` (the one there first aside into ``stage/.old``), and
    each entry named in ``drop`` out of ``out`` (aside too)."""
    old = stage / _OLD
    old.mkdir(exist_ok=True)
    for name in names:
        new, target, aside = stage / name, out / name, old / name
        if not _present(new):
            continue  # moved in already (by a swap that was killed after it)
        if moved is not None:
            moved.append(name)  # before it moves: a failure halfway is undone too
        if _present(target):
            _remove(aside)  # left by an attempt rolled back
            os.replace(target, aside)
        os.replace(new, target)
    for name in drop:
        target, aside = out / name, old / name
        if _present(target):
            if moved is not None:
                moved.append(name)
            _remove(aside)
            os.replace(target, aside)


def _roll_back(out: Path, stage: Path, moved: list[str], drop: Iterable[str] = ()) -> None:
    """Undo :func:`_roll_forward` for the entries in ``moved``, each wherever it stopped."""
    dropped = set(drop)
    for name in reversed(moved):
        new, target, aside = stage / name, out / name, stage / _OLD / name
        if name not in dropped and _present(target) and not _present(new):  # the new entry had moved in
            os.replace(target, new)
        if _present(aside) and not _present(target):  # the old one had moved aside
            os.replace(aside, target)


def recover(out: str | Path) -> bool:
    """Finish a swap that a killed run began on ``out``; ``True`` when there was one.

    The caller holds ``out``'s lock. A staging folder without a journal is left for the next
    run to adopt.
    """
    out = Path(out)
    stage = staging_path(out)
    journal = stage / _JOURNAL
    if not journal.is_file():
        return False
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
        names, drop = entries["put"], entries.get("drop", [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        names = drop = None
    if _names(names) and _names(drop):
        _roll_forward(out, stage, names, drop=drop)
    shutil.rmtree(stage)
    return True


def _names(names: object) -> bool:
    """The journal's list of entries is one of plain names (never a path that leaves ``out``)."""
    return isinstance(names, list) and all(
        isinstance(n, str) and "/" not in n and n not in ("", ".", "..") for n in names
    )


def _swap(out: Path, stage: Path, names: Iterable[str], drop: Iterable[str] = ()) -> None:
    put = [name for name in names if _present(stage / name)]
    gone = [name for name in drop if not _present(stage / name)]
    # from here the swap is finished, whatever happens
    atomic_write(stage / _JOURNAL, json.dumps({"put": put, "drop": gone}))
    moved: list[str] = []
    try:
        _roll_forward(out, stage, put, moved, drop=gone)
    except OSError:
        try:
            _roll_back(out, stage, moved, drop=gone)
        except OSError:
            raise  # the journal stays: the next run finishes the swap
        (stage / _JOURNAL).unlink()  # nothing moved: the next run adopts the staging folder
        raise
    shutil.rmtree(stage, ignore_errors=True)


@contextmanager
def staged(
    out: str | Path,
    names: Iterable[str],
    copy: Iterable[str] = (),
    lang: str = "en",
    resume: bool = True,
    drop: Iterable[str] = (),
) -> Iterator[Path]:
    """Yield the staging folder of ``out``, holding the entries ``names`` of ``out``; on success
    swap them into ``out``.

    Parameters
    ----------
    out : str or Path
        The output folder (existing; the caller holds its lock).
    names : iterable of str
        The entries of ``out`` the run manages (``scores.xlsx``, ``results``, ``reports``, ...):
        each is in the staging folder when the block starts (hard links to ``out``'s, or what an
        interrupted run left there), and each the block leaves there replaces ``out``'s.
    copy : iterable of str
        Among ``names``, files rewritten in place (the ledger): copied, not linked.
    drop : iterable of str
        Entries this run must not leave behind (an earlier run's PDFs when this one makes none),
        as paths relative to the staging folder, ``*`` wildcards allowed (``reports/*.pdf``):
        removed from the staging folder when the block starts; those among ``names`` are
        removed from ``out`` by the swap, journalled with it (a swap finished by the next run
        removes them too), never before it.
    lang : {"en", "zh"}
        Language of the :class:`DiskFull` message.
    resume : bool
        Keep a staging folder this block made when it stops early (Ctrl-C, a crash), for the
        next run to resume from. Never kept when the block refused its input
        (:class:`~assess.common._errors.AssessError`: nothing was written) or the disk filled;
        one adopted from an earlier run is kept unless the disk filled.

    Raises
    ------
    DiskFull
        The disk filled within the block: ``out`` is as it was, the staging folder is removed.
    """
    out, names, copy = Path(out), list(names), set(copy)
    stage = staging_path(out)
    made = False
    try:
        recover(out)
        made = not _present(stage)
        stage.mkdir(exist_ok=True)  # there already: what an interrupted run left, adopted
        for name in names:
            clean_leftovers(out / name)  # of a folder swap killed midway (see atomic_folder)
            if _present(out / name) and not _present(stage / name):
                _mirror(out / name, stage / name, name in copy)
        for pattern in drop:
            for path in sorted(stage.glob(pattern)):
                _remove(path)
        yield stage
        _swap(out, stage, names, drop=[name for name in drop if name in names])
    except BaseException as exc:
        full = disk_full_error(exc)
        if full is None:
            if made and (isinstance(exc, AssessError) or not resume) and not (stage / _JOURNAL).is_file():
                shutil.rmtree(stage, ignore_errors=True)
            raise
        written = _size(stage, only_own=True)
        if not (stage / _JOURNAL).is_file():  # a swap it could not undo is finished by the next run
            shutil.rmtree(stage, ignore_errors=True)
        previous = sum(_size(out / name) for name in names)
        free = shutil.disk_usage(out).free
        raise DiskFull(out, full, max(written, previous), free, written, previous, lang) from exc
