"""Hostile scheme files: every one a located error (exit 2, nothing written), never a traceback."""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.cli import main
from assess.common._errors import SchemeError
from assess.intake._scheme import DEFAULT_SCHEME_TEXT, RESERVED_NAMES, Scheme, load_scheme, parse_scheme
from hypothesis_profiles import examples
from workbooks import minimal_sheets, write_workbook

SRC = Path(__file__).resolve().parents[2] / "src"


def default_data() -> dict:
    return yaml.safe_load(DEFAULT_SCHEME_TEXT)


def run_with_scheme(tmp_path: Path, text: str, capsys: pytest.CaptureFixture) -> tuple[int, str, Path]:
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    scheme = tmp_path / "s.yaml"
    scheme.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    status = main(["score", str(data), "--year", "2025", "--out", str(out), "--scheme", str(scheme)])
    return status, capsys.readouterr().err, out


def _set(data: dict, path: tuple, value: object) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


INF, NAN = math.inf, math.nan


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("indicators", "rating_score", "normalize", "bounds"),
            [-INF, INF],
            "indicators.rating_score.normalize.bounds[0]: -inf is invalid; it must be a finite number",
        ),
        (
            ("indicators", "ledger_on_time", "normalize"),
            {"method": "goalposts", "bounds": [0, NAN]},
            "indicators.ledger_on_time.normalize.bounds[1]: nan is invalid",
        ),
        (
            ("indicators", "ledger_on_time", "normalize"),
            {"method": "goalposts", "bounds": [0, 1e300]},
            "indicators.ledger_on_time.normalize.bounds[1]: 1e+300 is invalid; it must be a finite number from -1,000,000,000,000 to 1,000,000,000,000",
        ),
        (
            ("rating_prior_weight",),
            INF,
            "rating_prior_weight: inf is invalid; it must be a finite number from 0 to 1,000",
        ),
        (
            ("rating_prior_weight",),
            1e308,
            "rating_prior_weight: 1e+308 is invalid; it must be a finite number from 0 to 1,000",
        ),
        (
            ("rating_scale",),
            [1, INF],
            "rating_scale[1]: inf is invalid; it must be a finite number from -1,000 to 1,000",
        ),
        (
            ("rating_min_raters",),
            10**40,
            f"rating_min_raters: {10**40} is invalid; it must be a whole number from 1 to 1,000",
        ),
        (("min_coverage",), 1.5, "min_coverage: 1.5 is invalid; it must be a finite number from 0 to 1"),
        (
            ("components", "daily_work", "weight"),
            NAN,
            "components.daily_work.weight: nan is invalid; it must be a finite number above 0 up to 1",
        ),
        (("components", "daily_work", "weight"), True, "components.daily_work.weight: True is not a number"),
        (
            ("indicators", "visit_coverage", "weight"),
            "0.4",
            "indicators.visit_coverage.weight: '0.4' is not a number; it must be a finite number above 0 up to 1, written without quotes",
        ),
        (
            ("adjustments", "bonus_cap"),
            INF,
            "adjustments.bonus_cap: inf is invalid; it must be a finite number from 0 to 100",
        ),
        (
            ("adjustments", "deduction_cap"),
            -1,
            "adjustments.deduction_cap: -1 is invalid; it must be a finite number from 0 to 100",
        ),
        (
            ("grades", "bands", 0, "quota"),
            NAN,
            "grades.bands[0].quota: nan is invalid; a quota is a share between 0 and 1",
        ),
        (
            ("grades", "bands", 1, "min"),
            INF,
            "grades.bands[1].min: inf is invalid; it must be a finite number from 0 to 100",
        ),
        (
            ("uncertainty",),
            {"concentration": INF},
            "uncertainty.concentration: inf is invalid; it must be a finite number above 0 up to 1,000,000",
        ),
        (
            ("uncertainty",),
            {"draws": 10**9},
            "uncertainty.draws: 1000000000 is invalid; it must be a whole number from 1 to 100,000",
        ),
        (
            ("uncertainty",),
            {"seed": -1},
            "uncertainty.seed: -1 is invalid; it must be a whole number from 0 to 4,294,967,295",
        ),
        (
            ("uncertainty",),
            {"sensitivity": 2.5},
            "uncertainty.sensitivity: 2.5 is invalid; it must be a whole number from 0 to 10,000",
        ),
        (("as_of",), 1751241600, "as_of: 1751241600 is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_every_scheme_number_is_finite_and_in_range(tmp_path, capsys, path, value, message):
    data = default_data()
    _set(data, path, value)
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    assert message in str(info.value)
    # the same through the command line, from a YAML file (.inf / .nan as YAML writes them)
    status, err, out = run_with_scheme(tmp_path, yaml.safe_dump(data, allow_unicode=True), capsys)
    assert status == 2 and message in err and "Traceback" not in err
    assert not out.exists()


def test_yaml_spellings_of_infinity_are_refused(tmp_path, capsys):
    text = DEFAULT_SCHEME_TEXT.replace("rating_prior_weight: 5", "rating_prior_weight: .inf").replace(
        "rating_scale: [1, 5]", "rating_scale: [1, .Inf]"
    )
    status, err, out = run_with_scheme(tmp_path, text, capsys)
    assert status == 2 and not out.exists()
    assert "rating_prior_weight: inf is invalid" in err and "rating_scale[1]: inf is invalid" in err


@pytest.mark.parametrize(
    "name",
    sorted(
        RESERVED_NAMES
        & {"bonus", "name", "final_score", "group_id", "rank", "grade", "flags", "base_score", "deduction", "weight"}
    ),
)
def test_component_and_indicator_names_that_are_output_columns_are_refused(tmp_path, capsys, name):
    data = default_data()
    data["components"][name] = data["components"].pop("daily_work")
    for ind in data["indicators"].values():
        if ind["component"] == "daily_work":
            ind["component"] = name
    data["grades"]["tie_break"] = [name if c == "daily_work" else c for c in data["grades"]["tie_break"]]
    status, err, out = run_with_scheme(tmp_path, yaml.safe_dump(data, allow_unicode=True), capsys)
    assert status == 2 and not out.exists()
    assert f"components.{name}: {name!r} is the name of a column assess writes itself" in err


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","y")', "daily work", "1st", "工作", "a-b", "x" * 41, "p_excellent"]
)
def test_names_that_are_not_plain_identifiers_are_refused(tmp_path, capsys, name):
    data = default_data()
    data["indicators"][name] = data["indicators"].pop("rating_response")
    status, err, out = run_with_scheme(tmp_path, yaml.safe_dump(data, allow_unicode=True), capsys)
    assert status == 2 and not out.exists()
    assert f"indicators.{name[:60]}: " in err
    data = default_data()
    data["grades"]["bands"][1]["name"] = name
    with pytest.raises(SchemeError, match=re.escape("grades.bands[1].name: ")):
        parse_scheme(data)


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb: 9 levels of 9 aliases, 9**9 (387 million) strings when expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for prev, name in zip(names, names[1:levels], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_before_anything_is_built(tmp_path):
    text = billion_laughs()
    assert 300 < len(text.encode()) < 400
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    with pytest.raises(SchemeError, match=r"line 1, column 4: YAML anchors and aliases .* are not allowed"):
        load_scheme(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**20  # refused while composing: nothing of the 387 million strings is built
    # the whole command, in a process of its own, with its peak memory (ru_maxrss)
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    out = tmp_path / "out"
    probe = (
        "import resource, sys, time; from assess.cli import main; t = time.perf_counter();"
        f"s = main(['score', {str(data)!r}, '--year', '2025', '--out', {str(out)!r}, '--scheme', {str(path)!r}]);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(s)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "anchors and aliases" in done.stderr and "Traceback" not in done.stderr
    seconds, peak_kb = done.stderr.strip().splitlines()[-1].split()
    print(f"alias bomb: main() refused it in {float(seconds):.3f} s, peak RSS {int(peak_kb) / 1024:.0f} MB")
    assert int(peak_kb) < 1_000_000  # the interpreter with assess imported; expanded, the bomb takes gigabytes
    assert not out.exists()


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {weight: 0.3}\ncomponents: {daily_work: *b}\n",
        "components:\n  daily_work: {<<: {weight: 0.3}}\n",  # a merge key without an alias is plain YAML; fails on the setting
        "name: &n office\n",
        "[" * 5000 + "]" * 5000,
        "name: " + "9" * 5000 + "\n",
    ],
)
def test_other_hostile_yaml_is_a_scheme_error(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeError):
        load_scheme(path)


def test_a_huge_scheme_file_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n" + "# padding\n" * 200_000, encoding="utf-8")
    with pytest.raises(SchemeError, match="a scheme file is at most 1,000,000"):
        load_scheme(path)


# ---- fuzz: any YAML mapping is a Scheme or a SchemeError with key paths --------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "goalposts",
            "minmax",
            "rank",
            "tscore",
            "higher",
            "lower",
            "floor",
            "demote",
            "daily_work",
            "2025-06-30",
            "inf",
            ".nan",
        ]
    ),
    st.dates(),
)
_keys = st.one_of(
    st.sampled_from(
        [
            "name",
            "weight",
            "label",
            "en",
            "zh",
            "component",
            "bounds",
            "method",
            "min",
            "quota",
            "bands",
            "components",
            "indicators",
            "grades",
            "as_of",
            "uncertainty",
            "draws",
        ]
    ),
    st.text(max_size=8),
    st.integers(-3, 3),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def near_valid(draw: st.DrawFn) -> dict:
    """The default scheme with a few of its values replaced, deleted or added."""
    data = copy.deepcopy(default_data())
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(_keys)] = draw(_values)
        else:
            parent[path[-1]] = draw(_values)
    return data


_LINE = re.compile(
    r"^(line \d+, column \d+|[^\s:][^\n]*?): .+|^scheme: expected a mapping.*|^not valid YAML: .+|^the YAML is nested.*"
)


def _check(text: str) -> None:
    from assess.intake._scheme import read_scheme_yaml

    try:
        scheme = parse_scheme(read_scheme_yaml(text), "fuzz.yaml")
    except SchemeError as exc:
        assert exc.lines, text
        for line in exc.lines:
            assert _LINE.match(line), (line, text)
    else:
        assert isinstance(scheme, Scheme)
        assert parse_scheme(yaml.safe_load(scheme.text)) == scheme  # a valid scheme round-trips


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=6))
def test_fuzz_any_yaml_mapping_gives_a_scheme_or_a_located_error(data):
    _check(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid())
def test_fuzz_near_valid_schemes_give_a_scheme_or_a_located_error(data):
    _check(yaml.safe_dump(data, allow_unicode=True))
