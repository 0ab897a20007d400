"""MkDocs hook: the pages that are generated from the code, so they never drift from it.

- ``reference/cli.md``: every command and option, from ``assess.cli.build_parser()``;
- ``reference/scheme-keys.md``: every key of a scheme file with its type, default and allowed
  values, from the validated model (``assess.Scheme``);
- ``guide/messages.md``: every problem of the message catalogues that comes with its fix
  (``<key>`` or ``<key>_rule`` beside ``<key>_fix``), in Chinese and English, from ``src/assess/common/locales``;

The pages exist only in the built site (``File.generated``); nothing is written into ``docs/``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from mkdocs.structure.files import File, Files


def on_files(files: Files, config: Any) -> Files:
    pages = (
        ("reference/cli.md", cli_page()),
        ("reference/scheme-keys.md", scheme_page()),
        ("guide/messages.md", messages_page()),
    )
    for path, content in pages:
        files.append(File.generated(config, path, content=content))
    return files


# ----------------------------------------------------------------------------- command line


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    """(name, parser, one-line help) of every subcommand, in the order the parser declares them."""
    out = []
    for action in parser._actions:  # argparse has no public way to list subparsers
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, sub, helps.get(name, "")))
    return out


def cli_page() -> str:
    from assess.cli import build_parser

    parser = build_parser()
    lines = [
        "# Command line",
        "",
        "Generated from the program's own option parser (`assess COMMAND --help` prints the same).",
        "Exit status: **0** success; **2** bad input, a bad scheme or a refused option (every problem is",
        "listed, nothing is written); **1** some reports failed (the others are written, the failures listed).",
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    commands = _subcommands(parser)
    for name, _sub, help_ in commands:
        lines.append(f"| [`assess {name}`](#assess-{name}) | {help_} |")
    lines.append("")
    for name, sub, help_ in commands:
        lines += [f"## assess {name}", "", help_ + ".", ""]
        nested = _subcommands(sub)
        if nested:
            for sname, ssub, shelp in nested:
                lines += [
                    f"### assess {name} {sname}",
                    "",
                    shelp + ".",
                    "",
                    "```text",
                    ssub.format_help().rstrip(),
                    "```",
                    "",
                ]
        else:
            lines += ["```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- scheme keys


def _rule(metadata: list[Any]) -> str:
    """The allowed range a field's validator states ("it must be a finite number from 0 to 1")."""
    for item in metadata:
        func = getattr(item, "func", None)
        code = getattr(func, "__code__", None)
        if code is not None and "rule" in code.co_freevars:
            rule = func.__closure__[code.co_freevars.index("rule")].cell_contents
            return rule.removeprefix("it must be ")
        if getattr(item, "max_length", None):
            return f"at most {item.max_length} characters"
    return ""


def _describe(ann: Any) -> tuple[str, str, Any]:
    """(type in words, allowed values, the model to describe below or None) of an annotation."""
    import types
    import typing

    from pydantic import BaseModel

    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Annotated:
        kind, allowed, model = _describe(args[0])
        return kind, allowed or _rule(list(args[1:])), model
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "mapping", "", ann
    if origin is typing.Literal:
        return "one of", ", ".join(f"`{a}`" for a in args), None
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        kind, allowed, model = (
            _describe(parts[0]) if len(parts) == 1 else (" or ".join(_describe(a)[0] for a in parts), "", None)
        )
        return kind + " (optional)", allowed, model
    if origin is dict:
        kind, allowed, model = _describe(args[1])
        return f"mapping of name → {kind}", allowed, model
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            kind, allowed, model = _describe(args[0])
            return f"list of {kind}", allowed, model
        inner = [_describe(a) for a in args]
        return "[" + ", ".join(k for k, _, _ in inner) + "]", "; ".join(sorted({a for _, a, _ in inner if a})), None
    names = {float: "number", int: "whole number", str: "text", bool: "true/false"}
    return names.get(ann, getattr(ann, "__name__", str(ann))), "", None


def _rows(model: Any, prefix: str) -> list[str]:
    import typing

    from pydantic_core import PydanticUndefined

    rows = []
    for name, field in model.model_fields.items():
        kind, allowed, sub = _describe(field.annotation)
        allowed = allowed or _rule(field.metadata)
        if field.default is PydanticUndefined:
            default = "**required**"
        elif sub is not None and field.default is not None:
            default = "(below)"
        else:
            default = f"`{json.dumps(field.default, ensure_ascii=False, default=str)}`"
        rows.append(f"| `{prefix}{name}` | {kind} | {default} | {allowed} |")
        if sub is not None:
            origin = typing.get_origin(field.annotation)
            inner = (
                f"{prefix}{name}.<name>."
                if origin is dict
                else (f"{prefix}{name}[i]." if origin is tuple else f"{prefix}{name}.")
            )
            rows += _rows(sub, inner)
    return rows


def scheme_page() -> str:
    from assess.intake import Scheme

    return "\n".join(
        [
            "# Scheme keys",
            "",
            "Every key a scheme file may hold, generated from the validated model (`assess.Scheme`), so",
            "this table is the code's own. What each setting means, and the rules it applies, is in",
            "[Scheme file](scheme.md) and [Scoring rules](scoring.md). A key not listed here is an",
            "error; so is a value outside its type or range (the message names the key path, the value",
            "and the fix).",
            "",
            "| key | type | default | allowed |",
            "|---|---|---|---|",
            *_rows(Scheme, ""),
            "",
        ]
    )


# ----------------------------------------------------------------------------- messages


#: Catalogue sections whose ``<key>``/``<key>_fix`` pairs are problems an office can meet.
_PROBLEM_SECTIONS = {"reader": "读取工作簿 · Reading the workbook", "input_rules": "数据规则 · The rules of the input",
                     "checks": "日期与指标值 · Dates and values", "preflight": "计分前的提醒 · Before scoring",
                     "history": "上一年度的考核结果 · Last year's results", "collect": "合并报送表 · Collecting submissions",
                     "outputs": "输出文件夹 · The output folder"}  # fmt: skip


def _shown(phrase: str) -> str:
    """A catalogue phrase for a table cell: placeholders as ‹name›, pipes escaped."""
    import re

    return re.sub(r"\{(\w+)[^}]*\}", r"‹\1›", phrase).replace("|", "\\|").replace("\n", " ")


def messages_page() -> str:
    from assess.common import catalogue

    zh, en = catalogue("zh"), catalogue("en")
    lines = [
        "# 错误与改正办法一览",
        "",
        "本页由消息目录（`src/assess/common/locales/zh.yaml`、`en.yaml`）自动生成，与程序实际显示的文字一致。",
        "‹…› 处在实际消息中替换为具体的值、列名或日期。命令显示的每条问题还会写明文件、工作表、行号和列名。",
        "",
        "This page is generated from the message catalogues, so it says what the program says: every",
        "problem that comes with its fix, in Chinese and English (‹…› stands for the values a message names).",
        "",
    ]
    for section, title in _PROBLEM_SECTIONS.items():
        # a problem is ``<key>`` or ``<key>_rule``, its fix ``<key>_fix``
        pairs = [(k, f"{k}_fix") for k in zh[section] if f"{k}_fix" in zh[section]]
        pairs += [(k, f"{k[:-5]}_fix") for k in zh[section] if k.endswith("_rule") and f"{k[:-5]}_fix" in zh[section]]
        if not pairs:
            continue
        lines += [f"## {title}", "", "| 问题 | 改正 | Problem | Fix |", "|---|---|---|---|"]
        for k, fix in pairs:
            row = (zh[section][k], zh[section][fix], en[section][k], en[section][fix])
            lines.append("| " + " | ".join(_shown(v) for v in row) + " |")
        lines.append("")
    return "\n".join(lines)
