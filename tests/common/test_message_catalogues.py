"""The message catalogues (assess/common/locales/*.yaml), their loader, and dates per locale.

The catalogues are read here from the files themselves (not through the loader's cache), so
a test fails on the file a translator edited. ``tests/test_reports.py`` checks the rendered
reports: a Chinese report shows the Chinese labels and none of the English ones.
"""

from __future__ import annotations

import ast
import calendar
import datetime as dt
import fnmatch
import re
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.common import _localtime as localtime
from assess.common import _messages as messages
from assess.common._messages import LANGS, CatalogueError, Domain, MissingMessage, parse_catalogue
from assess.intake._spec import SHEETS
from assess.reporting import _i18n as i18n

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "assess"
LOCALES = SRC / "common" / "locales"


def _files() -> dict[str, dict[str, dict[str, str]]]:
    return {
        lang: parse_catalogue((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8"), f"{lang}.yaml") for lang in LANGS
    }


def _fields(phrase: str) -> set[str]:
    """The ``{placeholders}`` of a str.format template (raises on a malformed one)."""
    return {name for _, name, _, _ in string.Formatter().parse(phrase) if name is not None}


# --- the files -----------------------------------------------------------------------------------


def test_one_catalogue_per_language_and_no_stray_one() -> None:
    """``<lang>.yaml`` for every language; other YAML files beside them are data (the vocabulary),
    never a catalogue of a language the code does not know."""
    names = {p.name for p in LOCALES.iterdir() if p.suffix == ".yaml"}
    catalogues = {f"{lang}.yaml" for lang in LANGS}
    assert catalogues <= names
    assert {n for n in names if re.fullmatch(r"[a-z]{2,3}([_-][A-Za-z]{2,4})?\.yaml", n)} == catalogues
    assert "vocabulary.yaml" in names


def test_every_language_has_the_same_sections_and_keys() -> None:
    files = _files()
    en = files["en"]
    assert {"report", "indicator", "summary", "uncertainty", "importance"} <= set(en)
    for lang, domains in files.items():
        assert list(domains) == list(en), lang
        for domain, phrases in en.items():
            missing, extra = set(phrases) - set(domains[domain]), set(domains[domain]) - set(phrases)
            assert not missing and not extra, (
                f"{lang}.yaml [{domain}]: missing {sorted(missing)}, extra {sorted(extra)}"
            )
            assert list(domains[domain]) == list(phrases), f"{lang}.yaml [{domain}]: keys in another order than en.yaml"


# Phrases whose Chinese leaves out a value the English says, because the reader has it already
# (the year is the assessment's own); every other phrase has the same placeholders in every language.
MAY_OMIT: dict[tuple[str, str], set[str]] = {
    ("missing_data", "milestone_on_time"): {"year"},  # 无项目节点
    ("missing_data", "investment_completion"): {"year"},  # 项目节点无计划投资
}


def test_every_phrase_has_the_same_placeholders_in_every_language() -> None:
    files = _files()
    for domain, phrases in files["en"].items():
        for key, en in phrases.items():
            omitted = MAY_OMIT.get((domain, key), set())
            assert omitted <= _fields(en), f"MAY_OMIT names a placeholder en: {domain}.{key} does not have"
            for lang in LANGS:
                expected = _fields(en) if lang == "en" else _fields(en) - omitted
                assert _fields(files[lang][domain][key]) == expected, f"{lang}: {domain}.{key}"


def test_no_english_word_in_a_chinese_phrase() -> None:
    # Names and codes a Chinese reader sees as such: statistics (ICC(1,k), Krippendorff, Spearman–Brown),
    # SHA-256, the program's and git's names, Excel's page-number codes &P/&N.
    # Machine names a user types or sees in the workbook, quoted as such: commands in backticks,
    # settings and columns (with an underscore), file names, the YYYY-MM / YYYY-Qn formats, and
    # the canonical sheet, column and value names of the input contract and the scheme's settings.
    notation = re.compile(
        r"ICC\(1(,k)?\)|SHA-256|&[PN]|`[^`]*`|\w*_\w*|[\w.-]*\.(?:xlsx|yaml|csv|txt)\b|YYYY-(?:MM|Qn)|--[\w-]+"
    )
    allowed = {"ICC", "Krippendorff", "Spearman", "Brown", "assess", "git", "ceil", "round", "floor"}
    allowed |= {"Excel", "PDF", "HTML", "Word", "pip", "dask"}  # programs and formats, by their names
    allowed |= set(SHEETS) | {c.name for s in SHEETS.values() for c in s.columns}
    allowed |= {v for s in SHEETS.values() for c in s.columns for v in c.values}
    found = {}
    for domain, phrases in _files()["zh"].items():
        for key, phrase in phrases.items():
            shown = notation.sub("", re.sub(r"\{[^{}]*\}", "", phrase))
            words = set(re.findall(r"[A-Za-z]+", shown)) - allowed
            if words:
                found[f"{domain}.{key}"] = sorted(words)
    assert not found


def test_no_chinese_in_an_english_phrase() -> None:
    han = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    found = [f"{d}.{k}" for d, phrases in _files()["en"].items() for k, v in phrases.items() if han.search(v)]
    assert not found


def test_the_catalogues_are_package_data() -> None:
    """The wheel carries the files: pyproject's package-data patterns match each of them."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["assess"]
    for path in LOCALES.glob("*.yaml"):
        relative = path.relative_to(SRC).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


# --- every key the code asks for exists ----------------------------------------------------------


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SRC.rglob("*.py"))]


def _domain_names(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = Domain("section")`` bindings, plus the names imported from modules that have them."""
    names = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "Domain"
            and isinstance(node.value.args[0], ast.Constant)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node.value.args[0].value
    return names


def test_every_key_used_in_the_code_exists() -> None:
    """``text("key", ...)`` (and f-string keys by their fixed prefix) name report phrases;
    ``words["key"]`` after ``words = SOME_WORDS[lang]`` names a phrase of SOME_WORDS' section."""
    files = _files()
    report = files["en"]["report"]
    sources = _sources()
    domains: dict[str, str] = {}
    for _, tree in sources:
        domains.update(_domain_names(tree))
    assert set(domains.values()) >= {"report", "summary", "uncertainty", "importance"}

    used: list[tuple[str, str, str, bool]] = []  # (where, section, key or prefix, is_prefix)
    for path, tree in sources:
        where = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                # text(...) / has_text(...) as imported from assess.reporting._i18n, or i18n.text(...)
                called = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    and getattr(func.value, "id", None) in {"i18n", "labels", "_TEXT"}
                    else ""
                )
                first = node.args[0]
                if called in {"text", "has_text"}:
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        used.append((where, "report", first.value, False))
                    elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                        used.append((where, "report", first.values[0].value, True))
            if isinstance(node, ast.FunctionDef):
                bound = {}  # local name -> section, from `words = SOME_WORDS[lang]`
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Assign)
                        and isinstance(inner.value, ast.Subscript)
                        and getattr(inner.value.value, "id", None) in domains
                        and isinstance(inner.targets[0], ast.Name)
                    ):
                        bound[inner.targets[0].id] = domains[inner.value.value.id]
                for inner in ast.walk(node):
                    if not (isinstance(inner, ast.Subscript) and isinstance(inner.slice, ast.Constant)):
                        continue
                    base = inner.value
                    if isinstance(base, ast.Name) and base.id in bound:
                        used.append((where, bound[base.id], inner.slice.value, False))
                    elif isinstance(base, ast.Subscript) and getattr(base.value, "id", None) in domains:
                        used.append((where, domains[base.value.id], inner.slice.value, False))
    sections = {section for _, section, _, _ in used}
    assert len(used) > 150 and {"report", "summary", "uncertainty", "importance"} <= sections, (len(used), sections)
    unknown = [
        (where, section, key)
        for where, section, key, prefix in used
        if not (any(k.startswith(key) for k in files["en"][section]) if prefix else key in files["en"][section])
    ]
    assert not unknown
    assert all(key in report for where, section, key, prefix in used if section == "report" and not prefix)


def test_every_key_named_in_a_message_or_wording_call_exists() -> None:
    """``message("section", "key", ...)`` and ``wording("section", "rule", "fix", ...)`` (and
    ``wording_apart``) with literal names: each section and key is in the catalogues; a key
    built by an f-string by its fixed prefix."""
    en = _files()["en"]
    used: list[tuple[str, str, str]] = []
    for path, tree in _sources():
        where = path.relative_to(SRC).as_posix()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in {"message", "wording", "wording_apart"}:
                continue
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            keys = node.args[1:2] if name == "message" else node.args[1:3]
            for key in keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    used.append((where, first.value, key.value))
                elif isinstance(key, ast.JoinedStr) and key.values and isinstance(key.values[0], ast.Constant):
                    used.append((where, first.value, str(key.values[0].value) + "*"))
    assert len(used) > 40 and {"preflight", "history", "marks", "problem"} <= {d for _, d, _ in used}
    unknown = [
        (where, domain, key)
        for where, domain, key in used
        if domain not in en
        or not (any(k.startswith(key[:-1]) for k in en[domain]) if key.endswith("*") else key in en[domain])
    ]
    assert not unknown


def test_every_key_used_in_the_templates_exists() -> None:
    report = _files()["en"]["report"]
    pattern = re.compile(r"""\btext\(\s*\\?["']([\w.]+)\\?["']""")
    unknown = []
    for path in (SRC / "reporting" / "templates").rglob("*"):
        if path.is_file() and path.suffix in {".j2", ".ipynb", ".html"}:
            unknown += [
                (path.name, key) for key in pattern.findall(path.read_text(encoding="utf-8")) if key not in report
            ]
    assert not unknown


# --- the loader ----------------------------------------------------------------------------------


def test_a_missing_key_is_a_key_error_that_names_key_language_and_file() -> None:
    with pytest.raises(KeyError) as caught:
        i18n.text("no_such_phrase", "zh")
    assert isinstance(caught.value, MissingMessage)
    message = str(caught.value)
    assert "'no_such_phrase'" in message and "'zh'" in message and "'report'" in message
    assert "assess/common/locales/zh.yaml" in message
    with pytest.raises(ValueError, match="Language 'fr' is not supported. Use one of: en, zh."):
        i18n.text("title", "fr")


def test_domains_read_like_the_dicts_they_replace() -> None:
    words = Domain("summary")
    assert "zh" in words and "fr" not in words and ", ".join(words) == "en, zh"
    assert words["zh"]["sheet"] == "考核结果汇总" and words["en"]["sheet"] == "summary"
    assert Domain("report")["en"] is Domain("report")["en"]  # read once per process
    with pytest.raises(KeyError):
        words["fr"]
    assert i18n.has_text("rank_of") and not i18n.has_text("no_such_phrase")


def test_labels_through_the_catalogue() -> None:
    assert i18n.text("rank_of", "zh", rank=3, n=38) == "第3名，共38个"
    assert i18n.text("page_of", "en", n=2, m=9) == "Page 2 of 9"
    assert i18n.indicator_label("problem_on_time", "zh") == "问题按时办结率"
    assert i18n.indicator_label("office_own", "zh") == "office_own"
    assert i18n.flag_labels("veto;quota_demoted", "zh") == "一票否决：最低等次；受等次名额限制降档"
    assert i18n.flag_labels("veto;something_new", "en") == "Veto: lowest grade; something_new"
    assert i18n.quarter_label("2025-Q4", "zh") == "第四季度"


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("report:\n  title: A\n  title: B\n", "'title' appears twice (first on line 2)"),
        ("report:\n  answer: No\n", "report.answer: the phrase must be text, got False"),
        ("report:\n  ratio: 1.0\n", "report.ratio: the phrase must be text, got 1.0"),
        ("report:\n  empty:\n", "report.empty: the phrase must be text, got None"),
        ("report: just words\n", "section 'report' must be a mapping"),
        ("- a\n- b\n", "expected a mapping of sections"),
        ("report:\n  title: [unclosed\n", "not valid YAML"),
    ],
)
def test_a_broken_catalogue_is_refused_with_the_reason(source: str, complaint: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(complaint)) as caught:
        parse_catalogue(source, "zh.yaml")
    assert str(caught.value).startswith("zh.yaml")


def test_the_shipped_catalogues_parse_through_the_loader() -> None:
    messages.catalogue.cache_clear()
    for lang in LANGS:
        assert {d: dict(p) for d, p in messages.catalogue(lang).items()} == _files()[lang]


# --- dates through Babel -------------------------------------------------------------------------


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_dates_are_written_the_way_each_language_writes_them(day: dt.date) -> None:
    assert localtime.format_date(day, "zh") == f"{day.year}年{day.month}月{day.day}日"
    assert localtime.format_date(day, "en") == f"{day.day} {calendar.month_name[day.month]} {day.year}"
    assert localtime.format_date(day.isoformat(), "zh") == localtime.format_date(day, "zh")


@pytest.mark.parametrize(
    ("timezone", "lang", "expected"),
    [
        ("Asia/Shanghai", "zh", "2026年1月1日 00:30（UTC+08:00）"),
        ("Asia/Kolkata", "en", "31 December 2025, 22:00 (UTC+05:30)"),
        ("America/St_Johns", "zh", "2025年12月31日 13:00（UTC-03:30）"),
        ("Europe/London", "en", "31 December 2025, 16:30 (UTC+00:00)"),
    ],
)
def test_a_moment_is_written_in_the_office_zone_with_its_offset(timezone: str, lang: str, expected: str) -> None:
    assert localtime.format_datetime("2025-12-31T16:30:00+00:00", lang, timezone) == expected
