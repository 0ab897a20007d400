"""One run at a time per output folder: an operating-system lock on ``OUT/.assess.lock``. I/O only.

Two runs writing one ``--out`` at the same time would leave a mix of both (the index from one
input, some reports from the other). :func:`output_lock` takes an exclusive ``flock`` on a file
inside the folder for as long as a run writes there; a second run finds it taken and stops with
:class:`OutputBusy` (naming the process that holds it), or with ``wait`` waits for it to end.

``flock`` is released by the kernel when its process ends, however it ends (``SIGKILL``, a
crash), so a killed run never leaves a lock behind that blocks the next one: the file it leaves
is only a record, and the next run takes it over and writes its own. The record (PID, host,
start time, command) is rewritten by each holder while it holds the lock; it names the holder
in the message of a run that finds the folder busy.

The lock file is removed when the run ends (a waiting run notices that the file it waited on is
gone and locks the new one), and a folder the lock had to create is removed again when the run
left nothing in it (bad input writes nothing, not even a folder). Forked children (the report
workers) close their copy of the lock at once, so only the ``assess`` process itself holds it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assess.common._errors import AssessError
from assess.common._messages import message

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs are not locked
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_NAME", "Holder", "OutputBusy", "output_lock", "read_holder", "holder_text"]

log = logging.getLogger(__name__)

#: The lock file's name inside the output folder.
LOCK_NAME = ".assess.lock"

_held: dict[Path, int] = {}  # resolved folder -> descriptor of its lock, in this process


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) an output folder's lock, as its lock file records it."""

    pid: int | None = None
    host: str | None = None
    started: str | None = None
    command: str | None = None


class OutputBusy(AssessError):
    """Another run holds the output folder's lock; ``holder`` says which (nothing was written)."""

    def __init__(self, folder: Path, holder: Holder, lang: str = "en") -> None:
        self.folder, self.holder = folder, holder
        super().__init__(
            message("outputs", "busy", lang, folder=str(folder), holder=holder_text(holder, lang), option="--wait")
        )


def holder_text(holder: Holder, lang: str = "en") -> str:
    """``PID 123 on host h, started 2026-12-07 13:50:02 UTC (assess run ...)``, in ``lang``."""
    if holder.pid is None:
        return message("outputs", "holder_unknown", lang)
    text = message("outputs", "holder", lang, pid=holder.pid, host=holder.host or "?", started=holder.started or "?")
    return text + (f" ({holder.command})" if holder.command else "")


def read_holder(folder: str | Path) -> Holder:
    """The record in ``folder``'s lock file; an empty :class:`Holder` when there is none to read."""
    try:
        data = json.loads((Path(folder) / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none, or caught while its holder writes it
        return Holder()
    if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
        return Holder()
    return Holder(
        pid=data["pid"],
        host=data.get("host") if isinstance(data.get("host"), str) else None,
        started=data.get("started") if isinstance(data.get("started"), str) else None,
        command=data.get("command") if isinstance(data.get("command"), str) else None,
    )


def _close_in_child() -> None:
    """In a forked child: close the copies of the parent's locks (never unlock them: that would
    unlock the parent's too). The lock then ends with the ``assess`` process alone."""
    for fd in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def _make(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return the ones created, deepest first."""
    missing = []
    probe = folder
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    made = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        made.append(path)
    return made[::-1]


def _record() -> bytes:
    command = " ".join(["assess", *sys.argv[1:2]]) if sys.argv and sys.argv[0] else None
    return json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "command": command,
        },
        ensure_ascii=False,
    ).encode("utf-8")


def _acquire(
    folder: Path, wait: bool, on_wait: Callable[[str], None] | None, lang: str, made: list[Path]
) -> int | None:
    """The descriptor of ``folder``'s lock file, locked by this process (``None``: no locking here)."""
    path = folder / LOCK_NAME
    told = False
    while True:
        made += _make(folder)
        cloexec = getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | cloexec, 0o666)
        except FileNotFoundError:  # the folder went with a run that just ended: make it again
            continue
        except PermissionError:  # left by another user's killed run: lock it all the same
            try:
                fd = os.open(path, os.O_RDONLY | cloexec)
            except FileNotFoundError:
                continue
        if fcntl is None:
            return fd
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = read_holder(folder)
                if not wait:
                    raise OutputBusy(folder, holder, lang) from None
                if not told and on_wait is not None:
                    on_wait(
                        message(
                            "outputs",
                            "waiting",
                            lang,
                            folder=str(folder),
                            holder=holder_text(holder, lang),
                            option="--wait",
                        )
                    )
                told = True
                fcntl.flock(fd, fcntl.LOCK_EX)  # Ctrl-C still stops the wait
        except OSError as exc:
            # a drive without locks (some network shares): run, but say that runs are not kept apart
            log.warning(message("outputs", "no_lock", lang, folder=str(folder), error=exc.strerror or str(exc)))
            return fd
        except BaseException:
            os.close(fd)
            raise
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if not same:  # locked a file its last holder removed on leaving: lock the one there now
            os.close(fd)
            continue
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, _record(), 0)
        except OSError:  # a record only names the holder; the lock holds without it
            pass
        return fd


@contextmanager
def output_lock(
    folder: str | Path, *, wait: bool = False, on_wait: Callable[[str], None] | None = None, lang: str = "en"
) -> Iterator[Path]:
    """Hold ``folder``'s lock within the block (the folder is created if missing).

    Parameters
    ----------
    folder : str or Path
        The output folder.
    wait : bool
        When another run holds it: wait for that run to end (``on_wait`` is called once with a
        line saying so) instead of raising :class:`OutputBusy`.
    on_wait : callable, optional
        Receives the "waiting for ..." line, in ``lang``.
    lang : {"en", "zh"}
        Language of the messages.

    The lock is re-entrant within one process (``demo`` holds it while it writes the sample
    and then runs). A folder the lock created is removed on leaving if it is empty then.
    """
    folder = Path(folder)
    key = folder.resolve()
    if key in _held:
        yield folder
        return
    made: list[Path] = []
    fd = _acquire(folder, wait, on_wait, lang, made)
    if fd is not None:
        _held[key] = fd
    try:
        yield folder
    finally:
        _held.pop(key, None)
        with contextlib.suppress(OSError):  # still locked: a waiting run relocks the new file
            (folder / LOCK_NAME).unlink(missing_ok=True)
        if fd is not None:
            os.close(fd)
        for path in made:  # deepest first; stops at the first that holds something
            try:
                path.rmdir()
            except OSError:
                break
