"""Relative normalisations with absolute grade thresholds are refused (issue 19 §3)."""

from __future__ import annotations

import pytest
import yaml

from assess.cli import main
from assess.common._errors import SchemeError
from assess.intake._scheme import DEFAULT_SCHEME_TEXT, load_scheme


def _write(tmp_path, edit) -> str:
    data = yaml.safe_load(DEFAULT_SCHEME_TEXT)
    edit(data)
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("method", ["rank", "tscore", "minmax"])
def test_relative_method_with_absolute_thresholds_is_refused_naming_both_keys(tmp_path, method) -> None:
    path = _write(tmp_path, lambda d: d["indicators"]["problem_on_time"].update(normalize={"method": method}))
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    text = str(err.value)
    assert f"indicators.problem_on_time.normalize.method: {method}" in text
    assert "grades.bands[0].min: 90" in text and "grades.relative: true" in text


def test_relative_grades_accept_relative_methods(tmp_path) -> None:
    def edit(d):
        d["indicators"]["problem_on_time"]["normalize"] = {"method": "rank"}
        d["grades"]["relative"] = True

    assert load_scheme(_write(tmp_path, edit)).grades.relative is True
    assert load_scheme(_write(tmp_path, lambda d: None)).grades.relative is None  # the default is unchanged


def test_scheme_show_refuses_with_exit_2(tmp_path, capsys) -> None:
    path = _write(tmp_path, lambda d: d["indicators"]["rating_score"].update(normalize={"method": "tscore"}))
    assert main(["scheme", "show", "--scheme", path]) == 2
    err = capsys.readouterr().err
    assert "indicators.rating_score.normalize.method: tscore" in err and "grades.bands[0].min" in err
