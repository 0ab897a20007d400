"""Collecting the groups' monthly submissions into the master workbook (the in-year definitions (docs/reference/monitoring.md)).

Each working group sends one workbook a month (written by ``assess template --group``): some of
the sheets ``ledger``, ``visits``, ``problems``, ``milestones`` (and ``ratings``), laid out as in
the template. :func:`collect` reads and validates every one with the ordinary reader and
validator — against the master's ``groups`` and ``recipients``, which the office keeps — and
merges the valid rows into the master by the sheet keys of the input contract (docs/reference/input.md):

======================  ============================================  ==================================
sheet                   key                                           a submission may change
======================  ============================================  ==================================
``ledger``              group_id, month                               ``completeness`` (a resubmission)
``problems``            problem_id                                    ``status`` open → resolved with ``resolved_on``
``milestones``          recipient_id, group_id, milestone             ``investment_completed`` (progress)
``ratings``             quarter, recipient_id, group_id, item         —
``visits``              the whole row                                 —
======================  ============================================  ==================================

A row whose key the master lacks is **new**; one equal to the master's row (blanks in the
submission mean "no news") is a **duplicate**; one that fills the master's blanks or changes
only what the table above allows is an **update**; rows of one key in several submissions that
agree (blanks aside) are taken once. Anything else — the same key with different values in two
submissions, or a change the table does not allow — is a **conflict**: listed,
located, and never applied. A file that fails validation is **rejected** whole, with every
problem located by file, sheet and row; the others are merged all the same.

The master is rewritten only when something changes: the merged copy is written beside it,
read back and validated, the old master copied to a dated backup, and only then moved onto the
master (:func:`assess.common._atomic.atomic_path`). Its other sheets, formats and columns stay as
they were: cells are updated and rows appended in place with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from assess.common import OptionError, atomic_path, message
from assess.intake._problems import InputError, Problem
from assess.intake._read import ROW, Origin, RawTables, file_sha256, read_tables
from assess.intake._scheme import Scheme
from assess.intake._spec import SHEETS, Column, Sheet
from assess.intake._validate import Dataset, check_tables

__all__ = [
    "KEYS",
    "SUBMITTED",
    "Change",
    "Collection",
    "FileResult",
    "collect",
    "inbox_files",
    "submission_tables",
]

#: The sheets a group submits, and the key of each (``()``: the whole row is the key).
KEYS: dict[str, tuple[str, ...]] = {
    "ledger": ("group_id", "month"),
    "visits": (),
    "problems": ("problem_id",),
    "milestones": ("recipient_id", "group_id", "milestone"),
    "ratings": ("quarter", "recipient_id", "group_id", "item"),
}
SUBMITTED = tuple(KEYS)
#: Columns a submission may change once the master holds a value (besides resolving a problem).
_REPLACEABLE = {"ledger": {"completeness"}, "milestones": {"investment_completed"}}
#: The sheets the office keeps: a submission's copy of them is not read.
_OFFICE = ("groups", "recipients", "adjustments", "indicators")
_COMMAND = "assess template GROUP.xlsx --group G --month YYYY-MM --data MASTER.xlsx"

Plain = object  # a cell as compared: None, str, float or datetime.date


def _text(name: str, lang: str, **values: object) -> str:
    return message("collect", name, lang, **values)


def _list(lang: str, items: Iterable[str]) -> str:
    """``a, b, c`` (``a、b、c``): words listed as ``lang`` lists them."""
    return message("marks", "list_separator", lang).join(items)


@dataclass(frozen=True)
class Change:
    """One row that a merge adds (``kind`` "new") or updates (``kind`` "updated") in the master."""

    sheet: str
    kind: str
    key: tuple[Plain, ...]
    file: str
    row: int  # the Excel row in the submission
    values: dict[str, Plain]  # new: the whole row; updated: the changed columns' new values
    before: dict[str, Plain] = field(default_factory=dict)  # updated: their values in the master
    target_row: int | None = None  # updated: the master's Excel row

    def text(self, lang: str = "en") -> str:
        """One line saying what changes, in ``lang``."""
        spec = SHEETS[self.sheet]
        sheet = spec.zh if lang == "zh" else self.sheet
        key = " / ".join(_show(v) for v in self.key) if self.key else ""
        if self.kind == "new":
            shown = message("marks", "comma", lang).join(
                f"{_label(spec.column(c), lang)}={_show(v, spec.column(c), lang)}"
                for c, v in self.values.items()
                if v is not None
            )
            return _text("change_new", lang, sheet=sheet, ident=key or shown, file=self.file, row=self.row)
        shown = message("marks", "comma", lang).join(
            _text(
                "change_cell",
                lang,
                column=_label(spec.column(c), lang),
                old=_show(self.before.get(c), spec.column(c), lang),
                new=_show(v, spec.column(c), lang),
            )
            for c, v in self.values.items()
        )
        return _text(
            "change_updated", lang, sheet=sheet, ident=key, changes=shown, file=self.file, row=self.row,
            target=self.target_row,
        )  # fmt: skip


@dataclass
class FileResult:
    """What became of one submitted file: counts of rows, and the problems that kept rows out."""

    name: str
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)  # the file was rejected for these
    conflict_list: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # each sheet's name as the file writes it

    @property
    def accepted(self) -> bool:
        """True when the file passed validation (its rows were considered for the merge)."""
        return not self.problems

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
        }


@dataclass
class Collection:
    """The outcome of :func:`collect`: per file, the changes, and what was written."""

    master: Path
    files: list[FileResult]
    changes: list[Change]
    dry_run: bool
    written: bool = False
    backup: Path | None = None

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(("new", "updated", "duplicates", "conflicts", "rejected"), 0)
        for f in self.files:
            for k, v in f.counts().items():
                out[k] += v
        return out

    @property
    def complete(self) -> bool:
        """True when every file was merged whole: none rejected, no conflict left."""
        return all(f.accepted and not f.conflicts and not f.rejected for f in self.files)


# ---- values -------------------------------------------------------------------------------


def _plain(v: object) -> Plain:
    """A typed cell as compared and written: blanks are None, dates are ``datetime.date``."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        return _plain(v.item())
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def _show(v: Plain, col: Column | None = None, lang: str = "en") -> str:
    """A value as the messages show it; an enumeration in Chinese (``未办结``) with ``lang="zh"``."""
    if col is not None and col.kind == "enum" and lang == "zh" and isinstance(v, str):
        return col.values.get(v, v)
    if v is None:
        return "—"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _label(col: Column, lang: str) -> str:
    return col.zh if lang == "zh" else col.name


def _pairs(spec: Sheet, cols: list[str], left: dict[str, Plain], right: dict[str, Plain], sign: str, lang: str) -> str:
    """``status: open → resolved, deadline: ...`` (``办理状态：未办结 → 已办结，...``): the columns where
    two versions of a row differ, each with its two values, in ``lang``."""
    shown = []
    for c in cols:
        col = spec.column(c)
        pair = f"{_show(left[c], col, lang)} {sign} {_show(right[c], col, lang)}"
        shown.append(message("marks", "label_value", lang, label=_label(col, lang), value=pair))
    return message("marks", "comma", lang).join(shown)


def _rows(frame: pd.DataFrame, sheet: str) -> Iterable[tuple[int, dict[str, Plain]]]:
    names = [c.name for c in SHEETS[sheet].columns]
    for record in frame[[*names, ROW]].itertuples(index=False, name=None):
        yield int(record[-1]), {n: _plain(v) for n, v in zip(names, record[:-1], strict=True)}


def _key(sheet: str, values: dict[str, Plain]) -> tuple[Plain, ...]:
    return tuple(values[k] for k in KEYS[sheet]) if KEYS[sheet] else tuple(values.values())


# ---- reading one submission --------------------------------------------------------------------


def inbox_files(inbox: Path, master: Path) -> list[Path]:
    """The workbooks of ``inbox`` in name order, leaving out the master, its backups and Excel's lock files."""
    if inbox.is_file():
        return [inbox]
    out = []
    for p in sorted(inbox.iterdir()):
        if not p.is_file() or p.suffix.lower() != ".xlsx" or p.name.startswith(("~$", ".")):
            continue
        if p.name.endswith(".bak.xlsx") or p.resolve() == master.resolve():
            continue
        out.append(p)
    return out


def _about(p: Problem, present: set[str]) -> bool:
    """A problem or warning of a submission that concerns what collect reads from it."""
    return p.sheet in present or p.sheet not in SHEETS


def _check_submission(
    path: Path, master: RawTables, scheme: Scheme | None, lang: str
) -> tuple[FileResult, dict[str, pd.DataFrame]]:
    """Read and validate one submission against the master's groups and recipients."""
    result = FileResult(path.name)
    try:
        raw = read_tables(path)
    except InputError as exc:
        result.problems = list(exc.problems)
        return result, {}
    present = {s for s in raw.origins if s in KEYS}
    result.labels = {s: raw.origins[s].label for s in present}
    for sheet in _OFFICE:
        if sheet in raw.origins and len(raw.tables.get(sheet, ())):
            result.warnings.append(
                Problem.of_sheet(
                    path.name, sheet, severity="warning",
                    sheet_label=raw.origins[sheet].label,
                    rule=_text("office_sheet", "en", sheet=sheet, n=len(raw.tables[sheet])),
                    fix=_text("office_sheet_fix", "en"),
                    rule_zh=_text("office_sheet", "zh", sheet=SHEETS[sheet].zh, n=len(raw.tables[sheet])),
                    fix_zh=_text("office_sheet_fix", "zh"),
                )
            )  # fmt: skip
    if not present:
        result.problems = [
            Problem.of_sheet(
                path.name, "-",
                rule=_text("no_sheets", "en", sheets=_list("en", SUBMITTED)),
                fix=_text("no_sheets_fix", "en", command=_COMMAND),
                rule_zh=_text("no_sheets", "zh", sheets=_list("zh", (SHEETS[s].zh for s in SUBMITTED))),
                fix_zh=_text("no_sheets_fix", "zh", command=_COMMAND),
            )
        ]  # fmt: skip
        return result, {}
    # only the sheets the file holds, checked against the master's groups and recipients (a sheet
    # left out is not checked at all, which saves the validator's fixed cost per column)
    tables = {"groups": master.tables["groups"], "recipients": master.tables["recipients"]}
    tables |= {s: raw.tables[s] for s in SHEETS if s in present}
    origins: dict[str, Origin] = {s: raw.origins[s] for s in present}
    origins |= {s: master.origins[s] for s in ("groups", "recipients") if s in master.origins}
    combined = RawTables(
        source=path.name,
        tables=tables,
        problems=[p for p in raw.problems if _about(p, present)],
        files={"groups": master.file("groups"), "recipients": master.file("recipients")},
        warnings=[w for w in raw.warnings if _about(w, present)],
        origins=origins,
        missing=frozenset((s, c) for s, c in raw.missing if s in present),
    )
    try:
        typed, warnings = check_tables(combined, scheme)
    except InputError as exc:
        result.problems = list(exc.problems)
        result.warnings += exc.warnings
        result.rejected = sum(len(raw.tables[s]) for s in present)
        return result, {}
    result.warnings += warnings
    groups = sorted({g for s in present for g in typed[s]["group_id"].dropna()})
    if len(groups) > 1:  # allowed (an office may gather several groups' rows), but rarely meant
        shown = {lang: _list(lang, groups[:5]) + (" ..." if len(groups) > 5 else "") for lang in ("en", "zh")}
        result.warnings.append(
            Problem.of_sheet(
                path.name, "-", severity="warning",
                rule=_text("several_groups", "en", n=len(groups), groups=shown["en"]),
                fix=_text("several_groups_fix", "en"),
                rule_zh=_text("several_groups", "zh", n=len(groups), groups=shown["zh"]),
                fix_zh=_text("several_groups_fix", "zh"),
            )
        )  # fmt: skip
    return result, {s: typed[s] for s in present}


# ---- planning the merge ---------------------------------------------------------------------


def _may_change(sheet: str, column: str, old: dict[str, Plain], new: dict[str, Plain]) -> bool:
    if old[column] is None:
        return True  # filling a blank
    if sheet == "problems" and column == "status":
        return old["status"] == "open" and new["status"] == "resolved"
    return column in _REPLACEABLE.get(sheet, ())


def _conflict(
    fr: FileResult, sheet: str, row: int, key: tuple[Plain, ...], columns: list[str], why: str, **filled: object
) -> Problem:
    """A row ``collect`` refuses to merge: the ``collect`` phrase ``why``, its placeholders filled
    from ``filled`` (a value, or ``{lang: value}`` where the languages differ)."""
    rule = {
        lang: _text(why, lang, **{k: v[lang] if isinstance(v, dict) else v for k, v in filled.items()})
        for lang in ("en", "zh")
    }
    spec = SHEETS[sheet]
    names = KEYS[sheet]
    shown = " / ".join(_show(v) for v in key) if names else ""
    problem = Problem(
        fr.name, sheet, row, columns[0] if len(columns) == 1 else None, shown or None,
        rule=rule["en"], fix=_text("conflict_fix", "en"), rule_zh=rule["zh"], fix_zh=_text("conflict_fix", "zh"),
        column_label=spec.column(columns[0]).zh if len(columns) == 1 else "", sheet_label=fr.labels.get(sheet, ""),
    )  # fmt: skip
    fr.conflicts += 1
    fr.conflict_list.append(problem)
    return problem


def _clash(a: dict[str, Plain], b: dict[str, Plain]) -> list[str]:
    """The columns where two rows disagree (a blank agrees with anything: it brings no news)."""
    return [c for c, v in a.items() if v is not None and b[c] is not None and v != b[c]]


def _agree(rows: list[dict[str, Plain]]) -> dict[str, Plain] | None:
    """The rows of one key from several files as one (each blank filled from another), or None if they clash."""
    merged = dict(rows[0])
    for values in rows[1:]:
        if _clash(merged, values):
            return None
        merged |= {c: v for c, v in values.items() if v is not None}
    return merged


def _plan(master: dict[str, pd.DataFrame], submitted: list[tuple[FileResult, dict[str, pd.DataFrame]]]) -> list[Change]:
    """Sort every submitted row into new / updated / duplicate / conflict; return the changes."""
    changes: list[Change] = []
    for sheet in SUBMITTED:
        spec = SHEETS[sheet]
        index: dict[tuple[Plain, ...], list[tuple[int, dict[str, Plain]]]] = {}
        for row, values in _rows(master[sheet], sheet):
            index.setdefault(_key(sheet, values), []).append((row, values))
        candidates: dict[tuple[Plain, ...], list[tuple[FileResult, int, dict[str, Plain]]]] = {}
        for fr, tables in submitted:
            if sheet in tables:
                for row, values in _rows(tables[sheet], sheet):
                    candidates.setdefault(_key(sheet, values), []).append((fr, row, values))
        for key, rows in candidates.items():
            agreed = _agree([v for _, _, v in rows])
            if agreed is None:  # the same key, different values: which is right is the office's call
                pair = next((a, b) for i, a in enumerate(rows) for b in rows[i + 1 :] if _clash(a[2], b[2]))
                for fr, row, values in rows:
                    own = next(((f, r, v) for f, r, v in rows if _clash(values, v)), None)
                    # a row agreeing with each of the others is caught between two that clash: show those
                    (f2, r2, v2), values = (own, values) if own else (pair[1], pair[0][2])
                    cols = [c.name for c in spec.columns if c.name in _clash(values, v2)]
                    at = {lang: message("problem", "row", lang, row=r2) for lang in ("en", "zh")}
                    where = at if f2 is fr else {lang: f"{f2.name} {at[lang]}" for lang in at}
                    unequal = {lang: _pairs(spec, cols, values, v2, "≠", lang) for lang in at}
                    _conflict(fr, sheet, row, key, cols, "conflict_files", where=where, diff=unequal)
                continue
            values = agreed
            (first, first_row, _), rest = rows[0], rows[1:]
            for fr, _, _ in rest:
                fr.duplicates += 1
            held = index.get(key, [])
            if not held:
                first.new += 1
                changes.append(Change(sheet, "new", key if KEYS[sheet] else (), first.name, first_row, values))
                continue
            if KEYS[sheet] and len(held) > 1:
                rows_held = {lang: _list(lang, (str(r) for r, _ in held)) for lang in ("en", "zh")}
                _conflict(first, sheet, first_row, key, list(KEYS[sheet]), "conflict_master_rows", rows=rows_held)
                continue
            target, old = held[0]
            diff = [c.name for c in spec.columns if values[c.name] is not None and values[c.name] != old[c.name]]
            if not diff:
                first.duplicates += 1
                continue
            refused = [c for c in diff if not _may_change(sheet, c, old, values)]
            if refused:
                changed = {lang: _pairs(spec, refused, old, values, "→", lang) for lang in ("en", "zh")}
                _conflict(first, sheet, first_row, key, refused, "conflict_master", target=target, changes=changed)
                continue
            first.updated += 1
            changes.append(
                Change(
                    sheet, "updated", key, first.name, first_row,
                    {c: values[c] for c in diff}, {c: old[c] for c in diff}, target,
                )
            )  # fmt: skip
    return changes


# ---- writing the master ---------------------------------------------------------------------


def _last_row(ws: object) -> int:
    """The last row of ``ws`` that holds a value (formatted empty rows below a table do not count)."""
    for r in range(ws.max_row, 1, -1):  # type: ignore[attr-defined]
        if any(c.value is not None for c in ws[r]):  # type: ignore[index]
            return r
    return 1


def _zh_values(raw: RawTables, sheet: str, col: Column) -> bool:
    """Whether the master writes this enumeration in Chinese (``未办结``), so new cells do too."""
    if col.kind != "enum" or sheet not in raw.tables:
        return False
    return bool(raw.tables[sheet][col.name].isin(list(col.values.values())).any())


def _put(ws: object, row: int, ci: int, col: Column, value: Plain, zh: bool) -> None:
    if value is None:
        return
    if col.kind == "enum" and zh:
        value = col.values.get(str(value), value)
    if isinstance(value, float) and value.is_integer() and col.kind == "number":
        value = int(value)
    cell = ws.cell(row=row, column=ci, value=value)  # type: ignore[attr-defined]
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.data_type = "s"  # text, never a formula; months stay 2025-06
        cell.number_format = "@" if col.kind in ("month", "quarter", "id") else cell.number_format


def _apply(book: openpyxl.Workbook, raw: RawTables, changes: list[Change]) -> None:
    """Update cells and append rows of the master workbook in place."""
    for sheet in SUBMITTED:
        mine = [c for c in changes if c.sheet == sheet]
        if mine:
            _apply_sheet(book[raw.origins[sheet].label], raw, sheet, mine)


def _apply_sheet(ws: object, raw: RawTables, sheet: str, mine: list[Change]) -> None:
    spec = SHEETS[sheet]
    origin = raw.origins[sheet]
    where = {name: ci for name, (_, ci) in origin.columns.items()}
    zh_headers = any(text.strip() == spec.column(name).zh for name, (text, _) in origin.columns.items())
    zh = {c.name: _zh_values(raw, sheet, c) for c in spec.columns}

    def column(name: str) -> int:
        if name not in where:  # an optional column the master lacks: add its header at the right
            ci = max([ws.max_column, *where.values()]) + 1  # type: ignore[attr-defined]
            col = spec.column(name)
            ws.cell(row=1, column=ci, value=col.zh if zh_headers else col.name)  # type: ignore[attr-defined]
            where[name] = ci
        return where[name]

    for change in mine:
        if change.kind == "updated":
            assert change.target_row is not None
            for name, value in change.values.items():
                _put(ws, change.target_row, column(name), spec.column(name), value, zh[name])
    row = _last_row(ws)
    for change in mine:
        if change.kind == "new":
            row += 1
            for name, value in change.values.items():
                if value is not None:
                    _put(ws, row, column(name), spec.column(name), value, zh[name])


def _backup_path(master: Path, now: dt.datetime) -> Path:
    stamp = now.strftime("%Y-%m-%dT%H%M%S")
    path = master.with_name(f"{master.stem}.{stamp}.bak{master.suffix}")
    n = 1
    while path.exists():
        n += 1
        path = master.with_name(f"{master.stem}.{stamp}-{n}.bak{master.suffix}")
    return path


def _save(book: openpyxl.Workbook, path: Path) -> None:
    """Save the merged workbook (a seam the tests break to prove a failed write loses nothing)."""
    book.save(path)


def _refuse_formulas(book: openpyxl.Workbook, raw: RawTables, lang: str) -> None:
    """openpyxl saves a formula without its value, and intake refuses an input cell without one: so a
    master whose input sheets hold formulas is refused before it is rewritten, naming the cells."""
    found = []
    for origin in raw.origins.values():
        ws = book[origin.label]
        cells = [c.coordinate for row in ws.iter_rows(min_row=2) for c in row if c.data_type == "f"]
        if cells:
            found.append(f"{origin.label}: {', '.join(cells[:5])}{' ...' if len(cells) > 5 else ''}")
    if found:
        raise OptionError([_text("formulas", lang, master=raw.source, cells="; ".join(found))])


def _write(
    master: Path, raw: RawTables, tables: dict[str, pd.DataFrame], changes: list[Change],
    sha256: str, scheme: Scheme | None, lang: str, now: Callable[[], dt.datetime],
) -> Path:  # fmt: skip
    """Write the merged master atomically; keep the old one as a dated backup; return the backup's path."""
    book = openpyxl.load_workbook(master)
    try:
        _refuse_formulas(book, raw, lang)
        _apply(book, raw, changes)
        with tempfile.TemporaryDirectory(prefix="assess-collect-") as scratch, atomic_path(master) as tmp:
            merged_path = Path(scratch) / master.name  # problems in the merged copy name the master
            _save(book, merged_path)
            try:  # read the merged copy back: it must pass validation and hold exactly the planned rows
                merged, _ = check_tables(read_tables(merged_path), scheme)
            except InputError as exc:
                raise OptionError(
                    [_text("merged_invalid", lang), *(f"  - {p.text(lang)}" for p in exc.problems)]
                ) from None
            for sheet in SUBMITTED:
                added = sum(1 for c in changes if c.sheet == sheet and c.kind == "new")
                if len(merged[sheet]) != len(tables[sheet]) + added:
                    raise OptionError([_text("merged_rows", lang, sheet=sheet)])
            shutil.copyfile(merged_path, tmp)
            if file_sha256(master) != sha256:  # someone saved the master while collect ran
                raise OptionError([_text("master_changed", lang, master=master.name)])
            backup = _backup_path(master, now())
            try:
                shutil.copy2(master, backup)
            except BaseException:
                backup.unlink(missing_ok=True)  # never a half backup that looks whole
                raise
    except OSError as exc:  # a full disk, a drive gone, no permission: the master is as it was
        raise OptionError([_text("write_failed", lang, master=master.name, error=exc.strerror or exc)]) from None
    finally:
        book.close()
    return backup


# ---- the command ------------------------------------------------------------------------------


def collect(
    inbox: str | Path,
    into: str | Path,
    *,
    dry_run: bool = False,
    scheme: Scheme | None = None,
    lang: str = "en",
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone(),
) -> Collection:
    """Validate every submission in ``inbox`` and merge the valid rows into the master ``into``.

    Raises :class:`~assess.intake._problems.InputError` when the master itself is not valid, and
    :class:`~assess.common._errors.OptionError` when ``inbox`` holds no workbook or the merged
    master could not be written; in both cases the master is left as it was. With ``dry_run``
    nothing is written: the returned :class:`Collection` says what would change.
    """
    inbox, master = Path(inbox), Path(into)
    if master.suffix.lower() != ".xlsx" or master.is_dir():
        raise OptionError([_text("master_not_xlsx", lang, master=str(master), suffix=".xlsx", option="--into")])
    if not inbox.exists():
        raise OptionError([_text("inbox_missing", lang, inbox=str(inbox))])
    files = inbox_files(inbox, master)
    if not files:
        raise OptionError([_text("inbox_empty", lang, inbox=str(inbox), suffix=".xlsx")])
    sha256 = file_sha256(master) if master.is_file() else ""
    raw = read_tables(master)
    tables, _ = check_tables(raw, scheme)
    checked = [_check_submission(path, raw, scheme, lang) for path in files]
    valid = [(fr, t) for fr, t in checked if fr.accepted]
    changes = _plan(tables, valid)
    result = Collection(master, [fr for fr, _ in checked], changes, dry_run)
    if changes and not dry_run:
        result.backup = _write(master, raw, tables, changes, sha256, scheme, lang, now)
        result.written = True
    return result


# ---- the group's submission workbook ------------------------------------------------------------


def _due_date(ledger: pd.DataFrame, month: str) -> pd.Timestamp:
    """When ``month``'s ledger is due: as most groups' rows of that month say, else as far into the
    month as most ledgers are due (the 25th when they are due on the 25th), else unknown (NaT)."""
    due = ledger.loc[ledger["month"] == month, "due_date"].dropna()
    if len(due):
        return pd.Timestamp(due.mode().iloc[0])
    known = ledger.dropna(subset=["due_date", "month"])
    if not len(known):
        return pd.NaT
    offsets = known["due_date"] - pd.to_datetime(known["month"] + "-01")
    return pd.Timestamp(f"{month}-01") + offsets.mode().iloc[0]


def submission_tables(data: Dataset, group: str, month: str, lang: str = "en") -> dict[str, pd.DataFrame]:
    """The sheets a group fills in for ``month`` (``YYYY-MM``), pre-filled from the master ``data``.

    ``ledger``: the month's row (from the master's row, else with the ``due_date`` the other
    ledgers suggest, see :func:`_due_date`); ``problems``: the group's problems raised by the month's end and open, to update;
    ``milestones``: its milestones not yet completed; ``visits``: empty, to fill.
    """
    if group not in set(data.tables["groups"]["group_id"]):
        raise OptionError([_text("unknown_group", lang, group=group, source=Path(data.source).name)])
    columns = {s: [c.name for c in SHEETS[s].columns] for s in ("ledger", "visits", "problems", "milestones")}
    ledger = data.tables["ledger"]
    mine = ledger[(ledger["group_id"] == group) & (ledger["month"] == month)]
    if len(mine):
        row = mine[columns["ledger"]].iloc[[0]].reset_index(drop=True)
    else:
        row = pd.DataFrame(
            {
                "group_id": [group],
                "month": [month],
                "due_date": [_due_date(ledger, month)],
                "submitted_on": [pd.NaT],
                "completeness": [float("nan")],
            }
        )
    problems = data.tables["problems"]
    # open, and already raised by the month's end: a form for June never lists a problem of August
    month_end = pd.Period(month, freq="M").end_time.normalize()
    raised = pd.to_datetime(problems["raised_on"]) <= month_end
    open_ = problems[(problems["group_id"] == group) & (problems["status"] == "open") & raised]
    milestones = data.tables["milestones"]
    pending = milestones[(milestones["group_id"] == group) & milestones["completed_on"].isna()]
    return {
        "ledger": row[columns["ledger"]],
        "visits": pd.DataFrame({c: pd.Series([], dtype=object) for c in columns["visits"]}),
        "problems": open_.sort_values(["deadline", "problem_id"])[columns["problems"]].reset_index(drop=True),
        "milestones": pending.sort_values(["planned_date", "recipient_id"])[columns["milestones"]].reset_index(
            drop=True
        ),
    }
