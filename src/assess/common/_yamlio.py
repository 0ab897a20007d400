"""YAML read the one careful way: safe types only, no key written twice, optionally no aliases.

PyYAML's safe loader lets the last of two equal keys win silently: in a catalogue that hides a
phrase edited in one place and copied in another, in a scheme a setting added at the end of the
file. Anchors and aliases let a few hundred bytes expand into gigabytes ("billion laughs"); a
scheme has no need for them. :func:`read_yaml` refuses both, raising :class:`DuplicateKey` and
:class:`AliasRefused` (each a :class:`yaml.YAMLError` with the marks that locate it); the
caller words them for its file.

Examples
--------
>>> read_yaml("a: 1\\nb: [x, y]\\n")
{'a': 1, 'b': ['x', 'y']}
>>> read_yaml("a: 1\\na: 2\\n")
Traceback (most recent call last):
...
assess.common._yamlio.DuplicateKey: key 'a' appears twice (first on line 1), again on line 2
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["AliasRefused", "DuplicateKey", "read_yaml"]


class DuplicateKey(yaml.YAMLError):
    """A key written twice in one mapping; ``first`` and ``again`` are its two marks."""

    def __init__(self, key: Any, first: yaml.Mark, again: yaml.Mark) -> None:
        self.key, self.first, self.again = key, first, again
        super().__init__(f"key {key!r} appears twice (first on line {first.line + 1}), again on line {again.line + 1}")


class AliasRefused(yaml.YAMLError):
    """An anchor or alias (``&name``, ``*name``, ``<<: *name``) where none is allowed."""

    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark
        super().__init__(f"line {mark.line + 1}, column {mark.column + 1}: YAML anchors and aliases are not allowed")


class _OnceEach:
    """A loader mixin: a mapping with a key written twice raises :class:`DuplicateKey`."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Mark] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<`: PyYAML's own merge rules apply
                key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: PyYAML's own error names it
                    break
                if first is not None:
                    raise DuplicateKey(key, first, key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)  # type: ignore[misc]


class _FastLoader(_OnceEach, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader on PyYAML's C parser when it is built (six times faster on the catalogues)."""


class _NoAliasLoader(_OnceEach, yaml.SafeLoader):
    """The pure-Python safe loader, refusing anchors and aliases while composing (before any object is built)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


def read_yaml(text: str, aliases: bool = True) -> Any:
    """The data of the YAML ``text`` (safe types only), refusing a key written twice; with
    ``aliases=False`` refusing anchors and aliases too. Errors are :class:`yaml.YAMLError`
    (:class:`DuplicateKey`, :class:`AliasRefused`, PyYAML's own), ``ValueError`` for an
    impossible date, ``RecursionError`` for absurd nesting."""
    loader = (_FastLoader if aliases else _NoAliasLoader)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
