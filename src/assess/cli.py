"""The ``assess`` command: a thin layer that parses options and calls the library."""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assess.common import AssessError, __version__
from assess.intake import MAX_DRAWS, InputError, Problem

if TYPE_CHECKING:
    from assess.batch import ReportOptions

Subparsers = argparse._SubParsersAction  # the type of `add_subparsers()`, for the _add_* functions

__all__ = ["main"]

EXIT_OK, EXIT_REPORTS_FAILED, EXIT_BAD_INPUT = 0, 1, 2

#: Assessment years the command accepts (pandas dates end in 2262).
YEARS = (1900, 2200)


# ---- argument types: a bad value is an argparse error (usage line, exit 2), never a traceback ----
def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; write it as four digits, e.g. 2025") from None
    if not YEARS[0] <= year <= YEARS[1]:
        raise argparse.ArgumentTypeError(
            f"{year} is not a year assess can assess; use a year from {YEARS[0]} to {YEARS[1]}, e.g. 2025"
        )
    return year


def _iso_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-06-30")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date on the calendar ({exc}); write it as YYYY-MM-DD, e.g. 2025-06-30"
        ) from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise argparse.ArgumentTypeError(f"{text!r} is outside the years assess can assess ({YEARS[0]}–{YEARS[1]})")
    return day.isoformat()


def _number(kind: type, low: float, what: str, high: float | None = None) -> Callable[[str], float]:
    """An argument type: a finite ``int``/``float`` from ``low`` (to ``high``)."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {'a whole number' if kind is int else 'a number'}; {what}"
            ) from None
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is out of range; {what}")
        return value

    return parse


def _parameter_value(text: str) -> object:
    """A ``-p NAME VALUE`` value read as papermill reads it: True/False/None, a number, else text."""
    if text in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[text]
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        return value if math.isfinite(value) else text
    return text


def _parameters(pairs: list[list[str]] | None, lang: str = "en") -> dict[str, object]:
    """``-p NAME VALUE`` pairs as a dict; a name must be a Python identifier (it becomes a variable)."""
    out: dict[str, object] = {}
    for name, value in pairs or []:
        if not name.isidentifier():
            raise AssessError(
                _words(
                    lang, "bad_parameter", given=f"-p {name} {value}", name=repr(name), example="-p sections summary"
                )
            )
        out[name] = _parameter_value(value)
    return out


def _group_list(text: str) -> str:
    """``--only``: at least one group ID (``--only ,`` or ``--only ""`` would run nothing, and say all is well)."""
    if not any(g.strip() for g in text.split(",")):
        raise argparse.ArgumentTypeError(f"{text!r} names no group; give group IDs separated by commas, e.g. G01,G02")
    return text


def _notebook(text: str) -> str:
    """``--template``: an existing ``.ipynb`` file holding a Jupyter notebook."""
    path = Path(text)
    if path.suffix.lower() != ".ipynb":
        raise argparse.ArgumentTypeError(f"{text!r} is not a notebook; give a Jupyter notebook file (.ipynb)")
    try:
        with path.open(encoding="utf-8") as handle:
            nb = json.load(handle)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text!r}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Jupyter notebook (not notebook JSON); save it from Jupyter as .ipynb"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not isinstance(nb.get("nbformat"), int):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Jupyter notebook (no cells or nbformat); save it from Jupyter as .ipynb"
        )
    return text


def _out_folder(text: str) -> str:
    """``--out``: a folder that exists or can be made, and that this user can write in."""
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r} is a file, not a folder; give a folder for the outputs (it is made if missing)"
        )
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise argparse.ArgumentTypeError(f"cannot make the folder {text!r}: {str(probe)!r} is a file")
    if not os.access(probe, os.W_OK | os.X_OK) or not _can_write_in(probe):
        raise argparse.ArgumentTypeError(
            f"cannot write in {str(probe)!r} (no permission, or a read-only drive); choose another --out folder"
        )
    return text


def _writable_parent(text: str, path: Path) -> None:
    probe = path.parent
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: {str(probe)!r} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK) or not _can_write_in(probe):
        raise argparse.ArgumentTypeError(
            f"cannot write in {str(probe)!r} (no permission, or a read-only drive); choose another place"
        )


def _new_workbook(text: str) -> str:
    """``template``/``sample`` PATH.xlsx: a new file, never one that is there (it may be the office's filled workbook)."""
    path = Path(text).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise argparse.ArgumentTypeError(
            f"{text!r} does not end in .xlsx; give the workbook's file name, e.g. blank.xlsx"
        )
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r} is a folder; give the workbook's file name inside it, e.g. {str(path / 'blank.xlsx')!r}"
        )
    if path.exists() or path.is_symlink():
        raise argparse.ArgumentTypeError(
            f"{text!r} already exists and assess does not replace it (it may hold the office's data); choose another name, or delete it first"
        )
    _writable_parent(text, path)
    return text


def _new_sample(text: str) -> str:
    """``sample PATH``: a new ``.xlsx`` file, or a folder that holds no CSV file of an input table yet."""
    from assess.intake import table_of_sheet

    path = Path(text).expanduser()
    if path.suffix.lower() == ".xlsx":
        return _new_workbook(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text!r} is a file; give a folder for the CSV files (it is made if missing), or a name ending in .xlsx"
        )
    if path.is_dir():
        taken = sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".csv" and table_of_sheet(p.stem))
        if taken:
            raise argparse.ArgumentTypeError(
                f"{text!r} already holds {', '.join(taken[:3])}{' ...' if len(taken) > 3 else ''}, and assess does not replace them "
                "(they may be the office's data); choose another folder"
            )
    _writable_parent(text, path / "x")
    return text


def _can_write_in(folder: Path) -> bool:
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _scheme(args: argparse.Namespace):
    from assess.intake import load_scheme, parse_scheme

    scheme = load_scheme(getattr(args, "scheme", None))
    if getattr(args, "office", None):  # --office names the office, over the scheme's `office`
        scheme = parse_scheme({**scheme.model_dump(mode="json"), "office": args.office}, "--office")
    return scheme


def _month(text: str) -> str:
    """``--month YYYY-MM``."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2025-06")
    if not YEARS[0] <= int(m.group(1)) <= YEARS[1]:
        raise argparse.ArgumentTypeError(f"{text!r} is outside the years assess can assess ({YEARS[0]}–{YEARS[1]})")
    return text.strip()


def _workbook_name(text: str) -> str:
    """``template PATH.xlsx``: a workbook's file name; whether it may exist is decided with ``--force``."""
    path = Path(text).expanduser()
    if path.suffix.lower() != ".xlsx" or path.is_dir():
        return _new_workbook(text)  # the same refusal, in the same words
    _writable_parent(text, path)
    return text


def _cmd_template(args: argparse.Namespace) -> int:
    from assess.reporting import write_template

    parser = args.template_parser
    if not args.force:
        try:
            _new_workbook(args.path)
        except argparse.ArgumentTypeError as exc:
            parser.error(_text(args, "path_exists", argument="path", problem=exc, option="--force"))
    if args.group is None:
        if args.data or args.month:
            parser.error(_text(args, "data_month_need_group", data="--data", month="--month", group="--group"))
        _say(args, _text(args, "wrote", path=write_template(args.path)))
        return EXIT_OK
    from assess.common import message
    from assess.intake import load, submission_tables

    if not args.data or not args.month:
        parser.error(
            _text(args, "group_needs_data", group="--group", data="--data MASTER.xlsx", month="--month YYYY-MM")
        )
    if Path(args.path).expanduser().resolve() == Path(args.data).expanduser().resolve():
        parser.error(_text(args, "path_is_data", argument="path", path=repr(args.path), data="--data"))
    data = load(args.data, _scheme(args))
    rows = submission_tables(data, args.group, args.month, args.lang)
    note = message("collect", "submission_readme", args.lang, group=args.group, month=args.month)
    path = write_template(args.path, rows, lang=args.lang, note=note)
    _say(
        args,
        message(
            "collect", "wrote_submission", args.lang,
            path=path, problems=len(rows["problems"]), milestones=len(rows["milestones"]),
        ),
    )  # fmt: skip
    return EXIT_OK


def _cmd_collect(args: argparse.Namespace) -> int:
    from assess.common import message
    from assess.intake import collect

    def say(key: str, **values: object) -> str:
        return message("collect", key, args.lang, **values)

    result = collect(args.inbox, args.into, dry_run=args.dry_run, scheme=_scheme(args), lang=args.lang)
    for fr in result.files:
        for w in fr.warnings:  # always with its file: there are several
            print(_text(args, "warning", text=w.text(args.lang)), file=sys.stderr)
        if fr.problems:
            print(say("rejected_file", file=fr.name, n=len(fr.problems)), file=sys.stderr)
            for p in fr.problems:
                print(f"  - {p.text(args.lang)}", file=sys.stderr)
        if fr.conflict_list:
            print(say("conflicts_of", file=fr.name, n=len(fr.conflict_list)), file=sys.stderr)
            for p in fr.conflict_list:
                print(f"  - {p.text(args.lang)}", file=sys.stderr)
    if args.dry_run and not args.quiet:
        print(say("would_change") if result.changes else say("nothing_changes"))
        for change in result.changes:
            print(f"  {change.text(args.lang)}")
    if not args.quiet:
        columns = ["new", "updated", "duplicates", "conflicts", "rejected"]
        table = [[say("file"), *(say(c) for c in columns)]]
        table += [[fr.name, *(str(v) for v in fr.counts().values())] for fr in result.files]
        table.append([say("total"), *(str(v) for v in result.totals().values())])
        print(_columns(table))
        if result.written:
            print(say("written", master=result.master, backup=result.backup))
        elif args.dry_run:
            print(say("dry_run"))
        elif not result.changes:
            print(say("nothing_changes"))
    if result.complete:
        return EXIT_OK
    if not any(fr.accepted for fr in result.files):
        return EXIT_BAD_INPUT  # no file could be merged: nothing was written
    if not args.quiet:
        print(say("incomplete"), file=sys.stderr)
    return EXIT_REPORTS_FAILED


def _columns(rows: list[list[str]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned (Chinese counts double)."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    widths = [max(width(r[j]) for r in rows) for j in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [r[0] + " " * (widths[0] - width(r[0]))]
        cells += [" " * (widths[j] - width(r[j])) + r[j] for j in range(1, len(r))]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _cmd_sample(args: argparse.Namespace) -> int:
    from assess.batch import write_sample

    _say(args, _text(args, "wrote", path=write_sample(args.path, year=args.year, groups=args.groups, seed=args.seed)))
    return EXIT_OK


def _warning_line(w: Problem, lang: str) -> str:
    """A warning about a row or cell in full (file, sheet, row, column); one about the data as a whole
    (pre-flight: a group, a quota, a month) by its words alone."""
    if w.row is not None:
        return _words(lang, "warning", text=w.text(lang))
    rule, fix = (w.rule_zh or w.rule, w.fix_zh or w.fix) if lang == "zh" else (w.rule, w.fix)
    return _words(lang, "warning_fix", rule=rule, fix=fix) if fix else _words(lang, "warning_plain", rule=rule)


def _warn_to_stderr(lang: str) -> Callable[[Problem], None]:
    """Print each intake warning (a hidden sheet read, rows pasted twice, ...) as ``validate`` does."""
    return lambda w: print(_warning_line(w, lang), file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    from assess.intake import annotate, check_target, load
    from assess.scoring import preflight

    if args.annotate:
        check_target(args.data, args.annotate)  # refused before anything is read
        _check_new(args.annotate, args.force, args.lang)
    scheme = _scheme(args)
    year = args.year or (int(args.as_of[:4]) if args.as_of else None)  # --as-of alone names its year
    if args.as_of and int(args.as_of[:4]) != year:
        from assess.common import OptionError

        raise OptionError(
            [_text(args, "as_of_outside", as_of_option="--as-of", as_of=args.as_of, year_option="--year", year=year)]
        )
    try:  # the dates are checked against the window of the year (default: the year most dates fall in)
        ds = load(args.data, scheme, year=year, as_of=args.as_of)
    except InputError as exc:
        if args.annotate:
            marked = annotate(args.data, args.annotate, exc.problems, args.lang)
            print(_text(args, "marked_cells", path=marked.path, n=len(marked.marked)), file=sys.stderr)
        print(_text(args, "problems", n=len(exc.problems)), file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p.text(args.lang)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    warnings = [*getattr(ds, "warnings", []), *preflight(ds, scheme, year, args.as_of)]
    _say(args, _text(args, "valid", data=args.data, sizes=_sizes(args, ds.tables)))
    for w in warnings:  # noticed, not refused: a hidden sheet read, a group that will be ungraded, ...
        print(_warning_line(w, args.lang))
    if args.annotate:
        marked = annotate(args.data, args.annotate, warnings, args.lang)
        print(_text(args, "marked_warnings", path=marked.path, n=marked.listed))
    return EXIT_OK


def _check_new(path: str, force: bool, lang: str) -> None:
    """Refuse to replace an existing file (an earlier marked copy the groups may be working on)
    unless ``--force``, as ``template`` and ``sample`` never replace one."""
    target = Path(path).expanduser()
    if not force and (target.exists() or target.is_symlink()):
        from assess.common import message

        raise AssessError(message("outputs", "annotate_exists", lang, path=path, option="--force"))


def _wait_line(text: str) -> None:
    """``--wait``: say on the console that the run waits for another one, and for which."""
    print(text, file=sys.stderr, flush=True)


def _check_outputs(args: argparse.Namespace) -> None:
    """Before anything is read or written: no output of this run may replace one of its inputs."""
    from assess.batch import check_outputs

    check_outputs(
        args.out, data=args.data, previous=args.previous, scheme=args.scheme, template=getattr(args, "template", None)
    )


def _cmd_score(args: argparse.Namespace) -> int:
    from assess.batch import score_to

    _check_outputs(args)
    result = score_to(
        args.data, args.year, args.out, _report_options(args), as_of=args.as_of, scheme=_scheme(args),
        on_warning=_warn_to_stderr(args.lang), wait=args.wait, on_wait=_wait_line,
    )  # fmt: skip
    _say(args, _text(args, "scored", n=len(result.scores), path=Path(args.out) / "scores.xlsx"))
    return EXIT_OK


def _say(args: argparse.Namespace, text: str) -> None:
    """An informational line on stdout, left out with ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(text)


def _lang(args: argparse.Namespace) -> str:
    """The language of the command's console: its ``--lang``, else ``ASSESS_LANG``, else English."""
    return getattr(args, "lang", None) or default_lang()


def _words(lang: str, key: str, **values: object) -> str:
    """A console phrase from the catalogue (domain ``console``)."""
    from assess.common import message

    return message("console", key, lang, **values)


def _text(args: argparse.Namespace, key: str, **values: object) -> str:
    """A console phrase in the command's language."""
    return _words(_lang(args), key, **values)


def _sizes(args: argparse.Namespace, tables: dict) -> str:
    """``38 groups, 456 ledger, ...`` (Chinese: the sheets' Chinese names): the rows of each sheet read."""
    from assess.intake import SHEETS

    lang = _lang(args)
    named = [(SHEETS[name].zh if lang == "zh" and name in SHEETS else name, len(t)) for name, t in tables.items()]
    return _text(args, "list_sep").join(_text(args, "size", n=n, sheet=sheet) for sheet, n in named)


def _report_run(args: argparse.Namespace, summary, out: Path) -> int:
    n, failed = len(summary.outcomes), summary.failed
    written = sum(getattr(o, "status", "written") == "written" for o in summary.outcomes)
    ready = n - len(failed)
    _say(
        args,
        _text(
            args, "reports_ready", ready=ready, n=n, folder=out / "reports", written=written,
            unchanged=ready - written, index=summary.index,
        ),
    )  # fmt: skip
    if failed:
        print(_text(args, "reports_failed", n=len(failed)), file=sys.stderr)
        for o in failed:
            kind = getattr(o, "error_class", None)
            print(
                _text(args, "failure", group=o.group_id, kind=f"[{kind}] " if kind else "", error=o.error),
                file=sys.stderr,
            )
        print(
            _text(args, "failed_hint", status=f"assess status {out}", rerun="assess run ... --failed"), file=sys.stderr
        )
        return EXIT_REPORTS_FAILED
    return EXIT_OK


def _report_options(args: argparse.Namespace) -> ReportOptions:
    """The command's options (of `score`, `run` or `demo`) as the one value the library takes."""
    from assess.batch import DEFAULT_TEMPLATE, ReportOptions

    given = vars(args)
    only = given.get("only")
    return ReportOptions(
        lang=args.lang,
        pdf=given.get("pdf", False),
        previous=given.get("previous"),
        uncertainty=given.get("uncertainty"),
        only=tuple(g.strip() for g in only.split(",") if g.strip()) if only else None,
        failed=given.get("failed", False),
        force=given.get("force", False) if args.command == "run" else False,
        template=given.get("template") or DEFAULT_TEMPLATE,
        kernel_name=given.get("kernel", "python3"),
        parameters=_parameters(given.get("parameter"), args.lang),
        **{k: given[k] for k in _BATCH_KNOBS if given.get(k) is not None},
    )


#: `assess run`'s options of how the reports run, the same names in ReportOptions.
_BATCH_KNOBS = ("workers", "isolation", "executor", "timeout", "retries", "recycle_after", "max_kernel_memory")


def _cmd_status(args: argparse.Namespace) -> int:
    from assess.batch import format_status, run_status

    try:
        status = run_status(args.out)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(status.as_dict(), ensure_ascii=False, indent=1) if args.json else format_status(status, args.lang))
    return EXIT_REPORTS_FAILED if status.failed else EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from assess.batch import run_assessment

    _check_outputs(args)
    summary = run_assessment(
        args.data, args.year, args.out, _report_options(args), as_of=args.as_of, scheme=_scheme(args),
        on_warning=_warn_to_stderr(args.lang), progress=not args.quiet, wait=args.wait, on_wait=_wait_line,
    )  # fmt: skip
    return _report_run(args, summary, Path(args.out))


def _cmd_demo(args: argparse.Namespace) -> int:
    from assess.batch import run_assessment, write_sample
    from assess.common import output_lock, require

    require("reports")  # before the sample is written: a missing extra leaves nothing behind
    if args.pdf:
        require("pdf")
    out = Path(args.out)
    with output_lock(out, wait=args.wait, on_wait=_wait_line, lang=args.lang):  # the sample and the bulletin too
        data = write_sample(out / "sample.xlsx", year=args.year)
        _say(args, _text(args, "sample_year", year=args.year, path=data))
        summary = run_assessment(data, args.year, out, _report_options(args), progress=not args.quiet)
        status = _report_run(args, summary, out)
        from assess.batch import write_bulletin

        files = write_bulletin(
            data, out, month=f"{args.year}-06", lang=args.lang, pdf=args.pdf, kernel_name=args.kernel
        )
    _say(args, _text(args, "june_bulletin", path=files.html))
    return status


def _quarter(text: str) -> str:
    """``--quarter``: a quarter ``YYYY-Qn``."""
    from assess.analysis import parse_period

    try:
        return parse_period(quarter=text).label
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _cmd_bulletin(args: argparse.Namespace) -> int:
    from assess.batch import write_bulletin

    files = write_bulletin(
        args.data, args.out, month=args.month, quarter=args.quarter, scheme=_scheme(args), lang=args.lang,
        pdf=args.pdf, docx=args.docx, kernel_name=args.kernel, on_warning=_warn_to_stderr(args.lang),
    )  # fmt: skip
    written = [files.html, files.xlsx, files.pdf, files.docx]
    listed = _text(args, "list_sep").join(str(f) for f in written if f is not None)
    _say(args, _text(args, "wrote_files", files=listed))
    return EXIT_OK


def _cmd_scheme_check(args: argparse.Namespace) -> int:
    """``assess scheme check FILE``: validate a scheme; a bad one exits 2 listing every problem."""
    from assess.intake import load_scheme

    scheme = load_scheme(args.file)  # raises SchemeError (exit 2) naming each key, value and fix
    indicators = sum(1 for _ in scheme.indicators)
    _say(
        args,
        _text(
            args, "scheme_valid", file=args.file, name=scheme.name, components=len(scheme.components),
            indicators=indicators,
        ),
    )  # fmt: skip
    return EXIT_OK


def _cmd_scheme_show(args: argparse.Namespace) -> int:
    from assess.intake import DEFAULT_SCHEME_TEXT

    print(DEFAULT_SCHEME_TEXT if args.scheme is None else _scheme(args).text, end="")
    return EXIT_OK


_WAIT_HELP = "if another run is writing the same --out folder, wait for it to finish (default: stop, naming it)"

#: The environment variable that gives every command's --lang its default (en or zh).
LANG_VARIABLE = "ASSESS_LANG"
LANGS = ("en", "zh")


def default_lang() -> str:
    """``--lang``'s default: ``ASSESS_LANG`` when it names a language assess writes, else ``en``."""
    value = os.environ.get(LANG_VARIABLE, "").strip().lower()
    return value if value in LANGS else "en"


def build_parser() -> argparse.ArgumentParser:
    """The ``assess`` command line: one sub-command per job, each built by its own ``_add_*``."""
    p = argparse.ArgumentParser(
        prog="assess", description="Year-end assessment of working groups: scores, grades and one report per group."
    )
    p.add_argument("--version", action="version", version=f"assess {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    talk = _talk()
    for add in (_add_template, _add_collect, _add_sample, _add_validate, _add_score, _add_run, _add_status):
        add(sub, talk)
    for add in (_add_demo, _add_bulletin, _add_scheme):
        add(sub, talk)
    return p


# ---- options several commands share ----
def _talk() -> argparse.ArgumentParser:
    """-v/-q on every command, after its name (``assess run -q ...``), as in papermill."""
    talk = argparse.ArgumentParser(add_help=False)
    loud = talk.add_mutually_exclusive_group()
    loud.add_argument(
        "-v", "--verbose", action="count", default=0, help="log what happens (-v: steps, -vv: details) on stderr"
    )
    loud.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar or summary lines; problems and warnings still print"
    )
    return talk


def _lang_option(c: argparse.ArgumentParser | argparse._ArgumentGroup, what: str) -> None:
    """``--lang en|zh``: the language of ``what``; its default is ``ASSESS_LANG`` (else en)."""
    c.add_argument(
        "--lang", choices=LANGS, default=default_lang(),
        help=f"language of {what}: en or zh (default: ${LANG_VARIABLE}, else en)",
    )  # fmt: skip


def _when_options(c: argparse.ArgumentParser, year_help: str, as_of_help: str, required: bool = False) -> None:
    """``--year`` and ``--as-of``: the assessment year and the assessment date inside it."""
    c.add_argument("--year", type=_year, required=required, help=year_help)
    c.add_argument("--as-of", dest="as_of", type=_iso_date, help=as_of_help)


def _data_options(c: argparse.ArgumentParser) -> None:
    """The input workbook and its scheme."""
    c.add_argument("data", help="input workbook (.xlsx) or folder of CSV files")
    c.add_argument("--scheme", help="scheme YAML file (default: the shipped scheme; see `assess scheme show`)")


def _scoring_options(c: argparse.ArgumentParser) -> None:
    """What `score` and `run` share: the input, the year and date, the output folder, last year, draws."""
    _data_options(c)
    _when_options(
        c, "assessment year", "assessment date YYYY-MM-DD inside the year (default: 31 December of the year)", True
    )
    c.add_argument("--out", type=_out_folder, required=True, help="output folder")
    c.add_argument("--wait", action="store_true", help=_WAIT_HELP)
    c.add_argument("--previous", help="last year's scores.xlsx: adds the change in score, rank and grade")
    c.add_argument(
        "--uncertainty", type=_number(int, 1, f"give 1 to {MAX_DRAWS:,} draws", MAX_DRAWS), metavar="N",
        help="also run N Monte Carlo draws (e.g. 1000): rank intervals and grade probabilities per group, in the uncertainty sheet",
    )  # fmt: skip
    c.add_argument(
        "--office",
        help="the assessing office's name, shown on the summary sheet and the reports (over the scheme's `office`)",
    )


def _kernel_option(c: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    c.add_argument(
        "-k", "--kernel", default="python3", metavar="NAME",
        help="Jupyter kernel that runs the reports (default python3; `jupyter kernelspec list` shows them)",
    )  # fmt: skip


def _report_look(c: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """The reports' language and whether they are also printed to PDF."""
    _lang_option(c, "every report, the index, scores.xlsx's summary sheet and the console")
    c.add_argument(
        "--pdf",
        action="store_true",
        help="also write reports/<group_id>.pdf next to each HTML report, index.pdf and the bound reports.pdf (offline, WeasyPrint)",
    )


# ---- one function per command ----
def _add_template(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "template",
        parents=[talk],
        help="write a blank input workbook with a bilingual README sheet, or with --group a group's monthly submission",
    )
    c.add_argument("path", type=_workbook_name, help="where to write the .xlsx (a new file unless --force)")
    c.add_argument(
        "--group", help="write the submission workbook of this group (with --data and --month), pre-filled with its open problems"
    )  # fmt: skip
    c.add_argument("--month", type=_month, help="the month of the submission, YYYY-MM (with --group)")
    c.add_argument(
        "--data", help="the master workbook the group's open problems and ledger row come from (with --group)"
    )
    c.add_argument("--scheme", help="scheme YAML file the master is read with (default: the shipped scheme)")
    _lang_option(c, "the console and, with --group, the sheet names, headers and values")
    c.add_argument("--force", action="store_true", help="replace PATH if it exists")
    c.set_defaults(func=_cmd_template, template_parser=c)


def _add_collect(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "collect",
        parents=[talk],
        help="validate the groups' monthly workbooks in INBOX and merge them into the master workbook",
    )
    c.add_argument("inbox", help="folder of the groups' submitted .xlsx workbooks (or one workbook)")
    c.add_argument("--into", required=True, metavar="MASTER.xlsx", help="the master workbook to merge into")
    c.add_argument("--dry-run", dest="dry_run", action="store_true", help="print what would change; write nothing")
    c.add_argument("--scheme", help="scheme YAML file the workbooks are validated with (default: the shipped scheme)")
    _lang_option(c, "the summary, problems and conflicts")
    c.set_defaults(func=_cmd_collect)


def _add_sample(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "sample", parents=[talk], help="write a synthetic year of data (.xlsx, or a folder of CSV files)"
    )
    c.add_argument("path", type=_new_sample, help="a new .xlsx file, or a folder for CSV files")
    c.add_argument("--year", type=_year, default=2025)
    c.add_argument(
        "--groups", type=_number(int, 1, "give 1 to 10,000 groups", 10_000), default=38
    )  # 10,000 fill half an Excel sheet of ratings
    c.add_argument("--seed", type=_number(int, 0, "give a seed of 0 or more"), default=0)
    _lang_option(c, "the console")
    c.set_defaults(func=_cmd_sample)


def _add_validate(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser("validate", parents=[talk], help="check a workbook and list every problem")
    _data_options(c)
    _when_options(
        c,
        "assessment year of the pre-flight warnings (default: the year most dates fall in)",
        "assessment date YYYY-MM-DD of the pre-flight warnings (default: 31 December of the year)",
    )
    _lang_option(c, "the summary, problems, warnings and the marked copy")
    c.add_argument(
        "--annotate",
        metavar="MARKED.xlsx",
        help="write a copy of the workbook with every bad cell red and commented, and a first sheet listing the problems by group (a new file)",
    )
    c.add_argument("--force", action="store_true", help="let --annotate replace an existing file")
    c.set_defaults(func=_cmd_validate)


def _add_score(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser("score", parents=[talk], help="validate and score; write OUT/scores.xlsx")
    _scoring_options(c)
    _lang_option(c, "the workbook's summary sheet, header labels and the console")
    c.set_defaults(func=_cmd_score)


def _add_run(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "run", parents=[talk], help="validate, score, and write one HTML report per group plus OUT/index.html"
    )
    _scoring_options(c)
    b = c.add_argument_group(
        "report batch", "reports whose content is unchanged are kept; OUT/run.jsonl logs every run"
    )
    _batch_options(b)
    b.add_argument("--force", action="store_true", help="rerun every report, changed or not")
    b.add_argument("--only", metavar="G01,G02", type=_group_list, help="run just these groups")
    b.add_argument(
        "--failed",
        action="store_true",
        help="run just the reports that failed last time (with the last run's --lang and --pdf)",
    )
    b.add_argument(
        "--template", type=_notebook, help="report notebook to run (default: the shipped group_report.ipynb)"
    )
    b.add_argument(
        "-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
        help="pass a parameter to every report, as papermill -p does (repeatable; the template must declare it)",
    )  # fmt: skip
    _kernel_option(b)
    _report_look(b)
    c.set_defaults(func=_cmd_run)


def _batch_options(b: argparse._ArgumentGroup) -> None:
    """How `run` runs the reports: workers, kernels, executor, time and memory limits."""
    b.add_argument(
        "--workers",
        type=_number(int, 1, "give 1 or more workers"),
        help="parallel report workers (default: the number of cores)",
    )
    b.add_argument(
        "--isolation",
        choices=["warm", "fresh"],
        default="warm",
        help="warm: one reused, reset kernel per worker (default); fresh: a new kernel per report",
    )
    b.add_argument(
        "--executor", default="local", help="local (default) or dask://HOST:PORT, a dask.distributed scheduler"
    )
    b.add_argument(
        "--timeout", type=_number(float, 1e-3, "give the seconds one report may take, more than 0"), default=600,
        help="seconds one report may take (default 600)",
    )  # fmt: skip
    b.add_argument(
        "--retries", type=_number(int, 0, "give 0 or more retries", 100), default=2,
        help="extra attempts when a kernel dies or does not start (default 2)",
    )  # fmt: skip
    b.add_argument(
        "--recycle-after", dest="recycle_after", type=_number(int, 0, "give 0 (never) or more reports"),
        default=100, metavar="N", help="replace a warm kernel after N reports (default 100; 0 never)",
    )  # fmt: skip
    b.add_argument(
        "--max-kernel-memory", dest="max_kernel_memory", type=_number(float, 0, "give 0 (no limit) or more megabytes"),
        default=2048, metavar="MB", help="replace a warm kernel above this memory (default 2048; 0 no limit)",
    )  # fmt: skip


def _add_status(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "status", parents=[talk], help="summarise OUT/run.jsonl: the last run, failures, time and memory per report"
    )
    c.add_argument("out", help="the output folder of `assess run`")
    c.add_argument("--json", action="store_true", help="print the summary as JSON")
    _lang_option(c, "the summary")
    c.set_defaults(func=_cmd_status)


def _add_demo(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser("demo", parents=[talk], help="generate the sample year and run the whole assessment on it")
    c.add_argument("--out", type=_out_folder, default="reports/demo")
    c.add_argument("--wait", action="store_true", help=_WAIT_HELP)
    c.add_argument("--year", type=_year, default=2025)
    _kernel_option(c)
    _report_look(c)
    c.set_defaults(func=_cmd_demo)


def _add_bulletin(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "bulletin", parents=[talk],
        help="the monthly bulletin or, with --quarter, the quarter's review paper (ratings, comments)",
    )  # fmt: skip
    c.add_argument("data", help="input workbook (.xlsx) or folder of CSV files")
    c.add_argument("--scheme", help="scheme YAML file of the provisional standing (default: the shipped scheme)")
    when = c.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", type=_month, help="the month YYYY-MM, e.g. 2025-06: data up to its last day")
    when.add_argument("--quarter", type=_quarter, help="the quarter YYYY-Qn, e.g. 2025-Q2, with its ratings")
    c.add_argument("--out", type=_out_folder, required=True, help="output folder (bulletin-YYYY-MM.html, .xlsx, ...)")
    c.add_argument("--office", help="the office's name on the bulletin (over the scheme's `office`)")
    _lang_option(c, "the bulletin and the console")
    c.add_argument("--pdf", action="store_true", help="also write the bulletin as an A4 PDF (offline, WeasyPrint)")
    c.add_argument("--docx", action="store_true", help="also write it as an editable Word document")
    _kernel_option(c)
    c.set_defaults(func=_cmd_bulletin)


def _add_scheme(sub: Subparsers, talk: argparse.ArgumentParser) -> None:
    c = sub.add_parser("scheme", help="work with scheme files")
    ssub = c.add_subparsers(dest="scheme_command", required=True, metavar="ACTION")
    s = ssub.add_parser("show", parents=[talk], help="print the default scheme (or the given one, validated) as YAML")
    s.add_argument("--scheme", help="a scheme file to validate and print")
    s.set_defaults(func=_cmd_scheme_show)
    s = ssub.add_parser(
        "check", parents=[talk], help="validate a scheme file: every problem with its key, value and fix (exit 2)"
    )
    s.add_argument("file", help="the scheme YAML file to check")
    _lang_option(s, "the console")
    s.set_defaults(func=_cmd_scheme_check)


class _Stderr(logging.StreamHandler[TextIO]):
    """A log handler writing to whatever ``sys.stderr`` is when a record comes (not when it was made)."""

    @property
    def stream(self) -> TextIO:  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # StreamHandler.__init__ sets it; sys.stderr always wins
        pass


def _log_to_stderr(verbose: int, quiet: bool) -> None:
    """``assess``'s own log on stderr: warnings by default, steps with -v, details with -vv, errors with -q."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logger = logging.getLogger("assess")
    logger.setLevel(level)
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``assess`` console script; returns the exit status."""
    parser = build_parser()
    given = os.environ.get(LANG_VARIABLE, "").strip()
    if given and given.lower() not in LANGS:
        parser.error(f"{LANG_VARIABLE}={given!r} is not a language assess writes; set it to en or zh, or unset it")
    args = parser.parse_args(argv)
    _log_to_stderr(getattr(args, "verbose", 0), getattr(args, "quiet", False))
    try:
        status = args.func(args)
        sys.stdout.flush()  # here, so that a closed pipe (`assess status --json | head -1`) is caught below
        return status
    except BrokenPipeError:
        # The reader stopped reading (head, less): that is fine; send whatever is left nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OK
    except InputError as exc:
        print(f"{exc.text(_lang(args))}\n{_text(args, 'nothing_written')}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except AssessError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(_text(args, "interrupted"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
