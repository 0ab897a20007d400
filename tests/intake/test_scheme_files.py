"""Scheme files: the default is the scoring rules (docs/reference/scoring.md), and bad schemes say what and where."""

from __future__ import annotations

import pytest
import yaml

from assess.common._errors import SchemeError
from assess.intake._scheme import DEFAULT_SCHEME_TEXT, default_scheme, load_scheme, parse_scheme


def default_data() -> dict:
    return yaml.safe_load(DEFAULT_SCHEME_TEXT)


def test_default_scheme_is_design_section_3():
    s = default_scheme()
    assert {k: c.weight for k, c in s.components.items()} == {
        "daily_work": 0.3,
        "effectiveness": 0.4,
        "service_rating": 0.3,
    }
    assert s.indicators["rating_score"].normalize.bounds == (0, 100)
    assert s.indicators["ledger_on_time"].normalize.bounds == (0, 1)
    assert [(b.name, b.min, b.quota) for b in s.grades.bands] == [
        ("excellent", 90, 0.2),
        ("good", 80, None),
        ("pass", 60, None),
        ("fail", 0, None),
    ]
    assert s.grades.tie_break == ("effectiveness", "service_rating", "daily_work")
    assert (s.min_coverage, s.rating_prior_weight, s.rating_scale) == (0.65, 5, (1, 5))
    assert s.grade_label("excellent", "zh") == "优秀" and s.grade_label(None) == ""


def test_dump_and_reload_is_identical(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(default_scheme().text, encoding="utf-8")
    assert load_scheme(path) == default_scheme()
    assert load_scheme(path).sha256 == default_scheme().sha256


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["grades"]["bands"][0].update(quota=1.5),
            "grades.bands[0].quota: 1.5 is invalid; a quota is a share between 0 and 1",
        ),
        (lambda d: d["components"]["daily_work"].update(weight=0.5), "components: weights sum to 1.2, not 1"),
        (
            lambda d: d["indicators"]["ledger_on_time"].update(weight=0.5),
            "indicators of component daily_work (ledger_on_time, ledger_completeness, visit_coverage): weights sum to 1.1, not 1",
        ),
        (
            lambda d: d["indicators"]["ledger_on_time"].update(component="daily"),
            "indicators.ledger_on_time.component: 'daily' is not a component",
        ),
        (lambda d: d.update(aggregation="median"), "aggregation: 'median' is invalid"),
        (lambda d: d.update(colour="red"), "colour: is not a known setting"),
        (lambda d: d["grades"].update(tie_break=["speed"]), "grades.tie_break: 'speed' is not a component"),
        (lambda d: d["grades"]["bands"][3].update(min=10), "the last band's min is 10.0; it must be 0"),
        (lambda d: d["indicators"]["rating_score"]["normalize"].update(bounds=[5, 1]), "goalposts need lo < hi"),
    ],
)
def test_bad_schemes_name_key_value_and_fix(edit, message):
    data = default_data()
    edit(data)
    with pytest.raises(SchemeError) as info:
        parse_scheme(data)
    assert message in str(info.value)


def test_unreadable_scheme_files(tmp_path):
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("components: [\n", encoding="utf-8")
    with pytest.raises(SchemeError, match="not valid YAML"):
        load_scheme(tmp_path / "bad.yaml")
    (tmp_path / "date.yaml").write_text("name: x\nas_of: 2025-13-45\n", encoding="utf-8")
    with pytest.raises(SchemeError, match="not valid YAML: month must be in 1..12"):
        load_scheme(tmp_path / "date.yaml")
    (tmp_path / "gbk.yaml").write_bytes("name: 默认".encode("gbk"))
    with pytest.raises(SchemeError, match="not UTF-8"):
        load_scheme(tmp_path / "gbk.yaml")
