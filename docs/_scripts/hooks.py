"""MkDocs hook: the pages that are generated from the code, so they never drift from it.

- ``reference/cli.md``: every command and option, from ``assess.cli.build_parser()``;
- ``reference/scheme-keys.md``: every key of a scheme file with its type, default and allowed
  values, from the validated model's JSON schema (``assess.Scheme``);

The pages exist only in the built site (``File.generated``); nothing is written into ``docs/``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from mkdocs.structure.files import File, Files


def on_files(files: Files, config: Any) -> Files:
    for path, content in (("reference/cli.md", cli_page()), ("reference/scheme-keys.md", scheme_page())):
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
                lines += [f"### assess {name} {sname}", "", shelp + ".", "", "```text", ssub.format_help().rstrip(), "```", ""]
        else:
            lines += ["```text", sub.format_help().rstrip(), "```", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- scheme keys


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return "mapping (below)"
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema:
        kinds = [_type(s, defs) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(kinds) + (" or absent" if any(s.get("type") == "null" for s in schema["anyOf"]) else "")
    kind = schema.get("type", "any")
    if kind == "array":
        items = schema.get("prefixItems") or ([schema["items"]] if "items" in schema else [])
        inner = ", ".join(_type(i, defs) for i in items) if items else "any"
        return f"list of {inner}" if "items" in schema else f"[{inner}]"
    if kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return f"mapping of name → {_type(extra, defs)}"
        return "mapping"
    fmt = schema.get("format")
    return {"number": "number", "integer": "whole number", "string": "text", "boolean": "true/false"}.get(kind, kind) + (
        f" ({fmt})" if fmt else ""
    )


def _allowed(schema: dict[str, Any]) -> str:
    for sub in schema.get("anyOf", []):
        if sub.get("type") != "null":
            schema = {**sub, **{k: v for k, v in schema.items() if k != "anyOf"}}
    parts = []
    for key, word in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in schema:
            parts.append(f"{word} {schema[key]:g}")
    if "maxLength" in schema:
        parts.append(f"at most {schema['maxLength']} characters")
    return ", ".join(parts)


def _rows(schema: dict[str, Any], defs: dict[str, Any], prefix: str, seen: set[str]) -> list[str]:
    rows = []
    for key, prop in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        default = prop.get("default", "")
        shown = json.dumps(default, ensure_ascii=False) if default != "" else ("**required**" if key in schema.get("required", []) else "")
        rows.append(f"| `{path}` | {_type(prop, defs)} | {shown} | {_allowed(prop)} |")
        for target in _refs(prop):
            name = target.rsplit("/", 1)[-1]
            if name in seen:
                continue
            sub = defs[name]
            star = prop.get("additionalProperties") or (prop.get("anyOf") or [{}])[0].get("additionalProperties")
            inner = f"{path}.<name>." if isinstance(star, dict) else f"{path}."
            rows += _rows(sub, defs, inner, seen | {name})
    return rows


def _refs(prop: dict[str, Any]) -> list[str]:
    found = []
    for s in [prop, prop.get("additionalProperties") or {}, prop.get("items") or {}, *prop.get("anyOf", [])]:
        if isinstance(s, dict):
            if "$ref" in s:
                found.append(s["$ref"])
            elif isinstance(s.get("additionalProperties"), dict) and "$ref" in s["additionalProperties"]:
                found.append(s["additionalProperties"]["$ref"])
            elif isinstance(s.get("items"), dict) and "$ref" in s["items"]:
                found.append(s["items"]["$ref"])
    return found


def scheme_page() -> str:
    from assess import Scheme

    schema = Scheme.model_json_schema()
    defs = schema.get("$defs", {})
    lines = [
        "# Scheme keys",
        "",
        "Every key a scheme file may hold, generated from the validated model (`assess.Scheme`), so",
        "this table is the code's own. What each setting means, and the rules it applies, is in",
        "[Scheme file](scheme.md) and [Scoring rules](scoring.md). A key not listed here is an",
        "error; so is a value outside its type or range.",
        "",
        "| key | type | default | allowed |",
        "|---|---|---|---|",
        *_rows(schema, defs, "", set()),
        "",
    ]
    return "\n".join(lines)
