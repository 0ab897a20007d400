"""Message catalogues: every fixed phrase of the outputs, one YAML file per language.

The phrases live in ``assess/common/locales/<lang>.yaml`` (``en.yaml``, ``zh.yaml``), not in
Python. Each file maps a *domain* — the part of the outputs the phrases belong to (``report``
for the reports and the index, ``indicator`` for the built-in indicators' names, ``summary``
for the summary sheet, ...) — to its keys, and each key to a phrase with ``{placeholders}``
(:meth:`str.format`). Both files have the same domains, keys and placeholders
(``tests/common/test_message_catalogues.py`` checks it), so switching the language switches every word.
Words that are data — the workbook's Chinese sheet and column names, month and quarter words —
sit beside them in ``vocabulary.yaml`` (:mod:`assess.common._vocabulary`).

The catalogues sit in ``common`` so that every layer can read them; ``assess.reporting._i18n``
builds the reports' vocabulary (``text()``, labels, number formats) on top of them.

A file is read on first use, once per process; a key missing from one language's file raises
:class:`MissingMessage`, naming the key, the domain, the language and the file.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib.resources import files
from typing import Any

import yaml

from assess.common._yamlio import DuplicateKey, read_yaml

__all__ = [
    "LANGS",
    "MissingMessage",
    "CatalogueError",
    "Domain",
    "Phrases",
    "check_lang",
    "catalogue",
    "message",
    "read_package_yaml",
]

#: Languages the outputs can be written in (one catalogue file each).
LANGS = ("en", "zh")


class MissingMessage(KeyError):
    """A key that a language's catalogue lacks; a ``KeyError``, as a missing dict key was.

    The message names the key, its domain, the language and the file to add it to.
    """

    def __init__(self, key: str, domain: str, lang: str) -> None:
        super().__init__(key)
        self.key, self.domain, self.lang = key, domain, lang

    def __str__(self) -> str:
        return (
            f"No phrase {self.key!r} in the {self.domain!r} section of the {self.lang!r} message catalogue "
            f"({_location(self.lang)}); add it there, and to every other language's file."
        )


class CatalogueError(ValueError):
    """A catalogue file that is not a mapping of domains to ``key: phrase`` mappings."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise ``ValueError``.

    Examples
    --------
    >>> check_lang("zh")
    'zh'
    """
    if lang not in LANGS:
        raise ValueError(f"Language {lang!r} is not supported. Use one of: {', '.join(LANGS)}.")
    return lang


def _location(lang: str) -> str:
    return f"assess/common/locales/{lang}.yaml"


def read_package_yaml(source: str, where: str) -> Any:
    """The data of a YAML text shipped with the package (a catalogue, the vocabulary), read by the
    one careful reader (:func:`assess.common._yamlio.read_yaml`); ``where`` names the file in errors."""
    try:
        return read_yaml(source)
    except DuplicateKey as exc:
        raise CatalogueError(f"{where}: {exc}; keep one") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML: {exc}") from None


def parse_catalogue(source: str, where: str) -> dict[str, dict[str, str]]:
    """The domains of one catalogue file's text; ``where`` names the file in errors.

    Every domain is a mapping of string keys to string phrases: a phrase YAML would read as
    something else (``No``, ``1.0``, an empty value) is refused with its line, so a hand edit
    cannot turn a word into ``False``.
    """
    data = read_package_yaml(source, where)
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected a mapping of sections (report:, indicator:, ...), got {data!r:.60}")
    domains: dict[str, dict[str, str]] = {}
    for domain, entries in data.items():
        if not isinstance(entries, dict):
            raise CatalogueError(f"{where}: section {domain!r} must be a mapping of key: phrase")
        for key, phrase in entries.items():
            if not isinstance(key, str) or not isinstance(phrase, str):
                raise CatalogueError(
                    f"{where}: {domain}.{key}: the phrase must be text, got {phrase!r} "
                    "(quote it: YAML reads No/Yes/On/Off as true/false, 1.0 as a number and an empty value as null)"
                )
        domains[str(domain)] = dict(entries)
    return domains


@functools.cache
def catalogue(lang: str) -> Mapping[str, Phrases]:
    """Every domain of ``lang``'s catalogue, read from its file on first use."""
    check_lang(lang)
    source = files("assess.common").joinpath("locales", f"{lang}.yaml").read_text(encoding="utf-8")
    parsed = parse_catalogue(source, _location(lang))
    return {domain: Phrases(domain, lang, entries) for domain, entries in parsed.items()}


class Phrases(Mapping[str, str]):
    """The phrases of one domain in one language; a missing key raises :class:`MissingMessage`."""

    def __init__(self, domain: str, lang: str, entries: Mapping[str, str]) -> None:
        self.domain, self.lang, self._entries = domain, lang, dict(entries)

    def __getitem__(self, key: str) -> str:
        try:
            return self._entries[key]
        except KeyError:
            raise MissingMessage(key, self.domain, self.lang) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Phrases {self.domain}/{self.lang}: {len(self)} keys>"


class Domain(Mapping[str, Phrases]):
    """One domain of the catalogues as ``lang → {key: phrase}``, read lazily.

    It stands where a ``{"en": {...}, "zh": {...}}`` dict stood: ``words[lang][key]``,
    ``lang in words`` and ``", ".join(words)`` keep working.

    Examples
    --------
    >>> Domain("report").text("rank_of", "zh", rank=2, n=4)
    '第2名，共4个'
    >>> "fr" in Domain("report"), list(Domain("report"))
    (False, ['en', 'zh'])
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __getitem__(self, lang: str) -> Phrases:
        if lang not in LANGS:
            raise KeyError(lang)
        domains = catalogue(lang)
        if self.name not in domains:
            raise CatalogueError(f"{_location(lang)}: no section {self.name!r}")
        return domains[self.name]

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)

    def __repr__(self) -> str:
        return f"<Domain {self.name!r}: {', '.join(LANGS)}>"

    def text(self, key: str, lang: str = "en", **values: Any) -> str:
        """The phrase ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
        template = self[check_lang(lang)][key]
        return template.format(**values) if values else template


def message(domain: str, key: str, lang: str = "en", **values: Any) -> str:
    """The phrase ``key`` of ``domain`` in ``lang``, placeholders filled from ``values``.

    Examples
    --------
    >>> message("report", "page_of", "en", n=2, m=5)
    'Page 2 of 5'
    """
    return Domain(domain).text(key, lang, **values)
