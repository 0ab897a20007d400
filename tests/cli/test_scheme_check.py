"""``assess scheme check FILE``: a scheme is checked before a run, every problem named."""

from __future__ import annotations

from assess.cli import main
from assess.intake._scheme import DEFAULT_SCHEME_TEXT


def test_the_default_scheme_checks_valid(tmp_path, capsys) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(DEFAULT_SCHEME_TEXT, encoding="utf-8")
    assert main(["scheme", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: valid (default; 3 components, 9 indicators)\n"


def test_a_relative_method_beside_absolute_grades_is_refused_naming_both_keys(tmp_path, capsys) -> None:
    path = tmp_path / "s.yaml"
    text = DEFAULT_SCHEME_TEXT.replace(
        "normalize: {method: goalposts, bounds: [0, 100]}", "normalize: {method: tscore}"
    )
    assert text != DEFAULT_SCHEME_TEXT
    path.write_text(text, encoding="utf-8")
    assert main(["scheme", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "indicators.rating_score.normalize.method" in err and "grades.bands[0].min" in err
    assert "grades.relative: true" in err  # the way out, when the thresholds are meant relative
