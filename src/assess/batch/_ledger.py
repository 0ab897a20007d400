"""The run ledger ``OUT/run.jsonl``: what every batch run did, one JSON object a line.

Lines are appended as things happen, so a run stopped by Ctrl-C, SIGTERM or a crash
still leaves an accurate record of every report it finished. Events:

``{"event": "run", "run_id", "started", "version", "options", "groups", "to_run"}``
    a run begins;
``{"event": "report", "run_id", "group_id", "status", "error_class", "error", "seconds",
"peak_memory_mb", "attempts", "fingerprint", "worker", "finished"}``
    one report: ``status`` is ``ok``, ``failed`` or ``skipped`` (unchanged since the run
    that wrote it); ``error_class`` is one of :data:`assess.batch._engine.ERROR_CLASSES` or
    ``invalid_group``;
``{"event": "index", "run_id", "fingerprint"}``
    ``index.html`` was rewritten;
``{"event": "end", "run_id", "seconds", "written", "skipped", "failed", "interrupted"}``
    the run ended (``interrupted`` when stopped early); a run with no ``end`` line was killed.

The latest ``ok``/``failed`` line of a group is its current state; incremental runs
compare its ``fingerprint`` with the one the group would have now.
"""

from __future__ import annotations

import json
import math
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from assess.common import atomic_write, message, staging_path

__all__ = ["LEDGER_NAME", "Ledger", "RunStatus", "format_status", "read_ledger", "run_status"]

#: The ledger's file name inside the output folder.
LEDGER_NAME = "run.jsonl"
# Compact the ledger (keep the state and the last runs) once it holds this many runs.
_MAX_RUNS = 20
_KEEP_RUNS = 5


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def read_ledger(out_dir: str | Path) -> list[dict[str, Any]]:
    """Every record of ``out_dir/run.jsonl``, oldest first; ``[]`` when there is none.

    A line cut short by a crash is skipped.
    """
    path = Path(out_dir) / LEDGER_NAME
    if not path.is_file():
        return []
    records = []
    with path.open(encoding="utf-8", errors="replace") as lines:  # a damaged line fails to parse and is skipped
        for line in lines:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if (
                isinstance(record, dict)
                and "event" in record
                and (record["event"] != "report" or isinstance(record.get("group_id"), str))
            ):
                records.append(_typed(record))
    return records


_NUMBERS = (
    "seconds",
    "peak_memory_mb",
    "attempts",
    "groups",
    "to_run",
    "failed",
    "skipped",
    "written",
    "timeout",
    "workers",
    "retries",
)
_TEXTS = (
    "event",
    "status",
    "error",
    "error_class",
    "run_id",
    "worker",
    "started",
    "finished",
    "fingerprint",
    "version",
)


def _typed(record: dict[str, Any]) -> dict[str, Any]:
    """A record with each known field of its expected type; a value of another type (a hand-edited
    or damaged line) is dropped, so that `assess status` reports what it can instead of failing."""
    out = dict(record)
    for key in _NUMBERS:
        value = out.get(key)
        if value is not None and not (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and abs(value) < 1e12
        ):
            out[key] = None
    for key in _TEXTS:
        if out.get(key) is not None and not isinstance(out[key], str):
            out[key] = None
    if not isinstance(out.get("options", {}), dict):
        out["options"] = {}
    return out


def current_state(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each group's latest ``ok`` or ``failed`` report record."""
    state: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.get("event") == "report" and record.get("status") in ("ok", "failed"):
            state[record["group_id"]] = record
    return state


def last_index_fingerprint(records: list[dict[str, Any]]) -> str | None:
    for record in reversed(records):
        if record.get("event") == "index":
            return record.get("fingerprint")
    return None


def last_run_options(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The options of the latest run the ledger records (``None`` before the first)."""
    for record in reversed(records):
        if record.get("event") == "run":
            return dict(record.get("options") or {})
    return None


class Ledger:
    """Appends a run's records to ``out_dir/run.jsonl`` (created on the first record)."""

    def __init__(self, out_dir: str | Path) -> None:
        self.path = Path(out_dir) / LEDGER_NAME
        self.records = read_ledger(out_dir)
        self.state = current_state(self.records)
        self.index_fingerprint = last_index_fingerprint(self.records)
        self.last_options = last_run_options(self.records)
        self.run_id = uuid.uuid4().hex[:12]
        self._file: TextIO | None = None

    def _write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            self._compact()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._file.flush()  # a killed run keeps every line written so far

    def _compact(self) -> None:
        """Keep the ledger small: the last runs, plus the state record of every group."""
        runs = [r["run_id"] for r in self.records if r.get("event") == "run"]
        if len(runs) <= _MAX_RUNS:
            return
        keep_runs = set(runs[-_KEEP_RUNS:])
        keep = {id(r) for r in self.state.values()}
        kept = [r for r in self.records if r.get("run_id") in keep_runs or id(r) in keep]
        index = next((r for r in reversed(self.records) if r.get("event") == "index"), None)
        if index is not None and id(index) not in {id(r) for r in kept}:
            kept.insert(0, index)
        atomic_write(
            self.path, "".join(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in kept)
        )
        self.records = kept

    def start(self, options: dict[str, Any], groups: int, to_run: int) -> None:
        from assess.common import __version__

        self._write(
            {
                "event": "run",
                "run_id": self.run_id,
                "started": _now(),
                "version": __version__,
                "options": options,
                "groups": groups,
                "to_run": to_run,
            }
        )

    def report(self, **fields: Any) -> None:
        record = {"event": "report", "run_id": self.run_id, "finished": _now(), **fields}
        self._write(record)
        if record.get("status") in ("ok", "failed"):
            self.state[record["group_id"]] = record

    def index(self, fingerprint: str) -> None:
        self._write({"event": "index", "run_id": self.run_id, "fingerprint": fingerprint})
        self.index_fingerprint = fingerprint

    def end(self, seconds: float, written: int, skipped: int, failed: int, interrupted: bool = False) -> None:
        self._write(
            {
                "event": "end",
                "run_id": self.run_id,
                "seconds": round(seconds, 3),
                "written": written,
                "skipped": skipped,
                "failed": failed,
                "interrupted": interrupted,
            }
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# --- assess status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunStatus:
    """A summary of the ledger: the last run, and the current state of every report."""

    out_dir: Path
    run: dict[str, Any] | None
    end: dict[str, Any] | None
    reports: list[dict[str, Any]] = field(default_factory=list)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The ledger read is that of a run not swapped in yet (under way, or stopped before the end).
    staged: bool = False

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [r for r in self.state.values() if r.get("status") == "failed"]

    def as_dict(self) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for record in self.reports:
            counts[record["status"]] = counts.get(record["status"], 0) + 1
        return {
            "out_dir": str(self.out_dir),
            "run": self.run,
            "end": self.end,
            "last_run_counts": counts,
            "reports_ok": sum(r.get("status") == "ok" for r in self.state.values()),
            "reports_failed": len(self.failed),
            "failed": self.failed,
            "staged": self.staged,
        }


def run_status(out_dir: str | Path) -> RunStatus:
    """Read ``out_dir/run.jsonl`` into a :class:`RunStatus`.

    While a run works on ``out_dir`` (or after one was stopped before its end), its ledger is
    in the staging folder (:mod:`assess.common._staging`): that one is read, and ``staged`` set.

    Raises
    ------
    FileNotFoundError
        When the folder has no ledger.
    """
    staged = (staging_path(out_dir) / LEDGER_NAME).is_file()
    records = read_ledger(staging_path(out_dir) if staged else out_dir)
    if not records:
        path = Path(out_dir) / LEDGER_NAME
        if path.is_file():  # there, but damaged or not assess's
            raise FileNotFoundError(
                f"{path} holds no record assess can read (damaged, or not written by assess); run `assess run ... --out {out_dir}` again."
            )
        raise FileNotFoundError(f"{path} does not exist; run `assess run ... --out {out_dir}` first.")
    run = next((r for r in reversed(records) if r.get("event") == "run"), None)
    run_id = run.get("run_id") if run else None
    end = next((r for r in reversed(records) if r.get("event") == "end" and r.get("run_id") == run_id), None)
    reports = [r for r in records if r.get("event") == "report" and r.get("run_id") == run_id]
    return RunStatus(Path(out_dir), run, end, reports, current_state(records), staged)


def _mb(value: Any) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def format_status(status: RunStatus, lang: str = "en") -> str:
    """``assess status`` text in ``lang``: the last run, failures with their class, time and memory."""

    def say(key: str, **values: Any) -> str:
        return message("runs", key, lang, **values)

    lines = [message("outputs", "status_staged", lang, folder=str(status.out_dir))] if status.staged else []
    if status.run is not None:
        lines += _last_run_lines(status, say)
    ran = [r for r in status.reports if r.get("status") in ("ok", "failed")]
    if ran:
        lines += _report_lines(ran, say)
    ok = sum(r.get("status") == "ok" for r in status.state.values())
    lines.append(say("now", ok=ok, failed=len(status.failed)))
    for record in sorted(status.failed, key=lambda r: r["group_id"]):
        lines.append(
            say(
                "failure", group=record["group_id"], error_class=record.get("error_class"),
                attempts=record.get("attempts", 1), seconds=f"{record.get('seconds') or 0:.1f}", error=record.get("error"),
            )
        )  # fmt: skip
    if status.failed:
        lines.append(say("rerun_hint", command="assess run ... --failed"))
    return "\n".join(lines)


def _last_run_lines(status: RunStatus, say: Callable[..., str]) -> list[str]:
    """The last run: when, with what, how it ended, and its counts."""
    run, end = status.run or {}, status.end
    counts = status.as_dict()["last_run_counts"]
    if end is None:
        state = say("state_unfinished")
    elif end.get("interrupted"):
        state = say("state_interrupted", seconds=f"{end.get('seconds') or 0:.1f}")
    else:
        state = say("state_finished", seconds=f"{end.get('seconds') or 0:.1f}")
    options = run.get("options", {})
    head = say(
        "last_run", started=run.get("started"), run_id=run.get("run_id"), version=run.get("version"),
        executor=options.get("executor", "local"), isolation=options.get("isolation", "warm"), state=state,
    )  # fmt: skip
    ok, failed = counts.get("ok", 0), counts.get("failed", 0)
    tally = say("counts", groups=run.get("groups"), ok=ok, skipped=counts.get("skipped", 0), failed=failed)
    if end is None:
        tally += say("not_reached", n=run.get("to_run", 0) - ok - failed)
    return [head, tally]


def _report_lines(ran: list[dict[str, Any]], say: Callable[..., str]) -> list[str]:
    """Time and memory per report of the last run, and the reports it retried."""
    seconds = [r.get("seconds") or 0.0 for r in ran]
    slowest = max(ran, key=lambda r: r.get("seconds") or 0.0)["group_id"]
    lines = [say("time", median=f"{statistics.median(seconds):.2f}", max=f"{max(seconds):.2f}", group=slowest)]
    memory = [r for r in ran if r.get("peak_memory_mb") is not None]
    if memory:
        top = max(memory, key=lambda r: r["peak_memory_mb"])
        lines.append(say("memory", memory=_mb(top["peak_memory_mb"]), group=top["group_id"]))
    retried = [r for r in ran if (r.get("attempts") or 1) > 1]
    if retried:
        lines.append(say("retried", groups=", ".join(f"{r['group_id']} ×{r['attempts']}" for r in retried)))
    return lines
