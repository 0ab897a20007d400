"""papermill's idiom on the command line: -p NAME VALUE, -k/--kernel, -v/--verbose, -q/--quiet."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from assess.batch._runner import DEFAULT_TEMPLATE, template_parameters
from assess.cli import _parameter_value, main


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "sample.xlsx"
    assert main(["sample", str(path), "--groups", "4", "-q"]) == 0
    return path


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("-2", -2), ("0.5", 0.5), ("True", True), ("False", False), ("None", None), ("Q4 review", "Q4 review"),
     ("nan", "nan"), ("inf", "inf"), ("true", "true")],
)  # fmt: skip
def test_parameter_values_are_read_as_papermill_reads_them(text, value):
    got = _parameter_value(text)
    assert got == value and type(got) is type(value)


def test_the_shipped_template_declares_its_per_report_parameters():
    assert template_parameters(DEFAULT_TEMPLATE.read_text(encoding="utf-8")) == ("group_id", "result_dir", "lang")


@pytest.mark.parametrize(
    ("pair", "said"),
    [
        (["colour", "red"], "'colour' is not in the parameters cell of group_report.ipynb"),
        (["lang", "zh"], "'lang' is set by assess for each report (the language: use --lang)"),
        (["group_id", "G01"], "'group_id' is set by assess for each report"),
        (["2x", "1"], "'2x' is not a parameter name"),
    ],
)
def test_a_parameter_the_template_cannot_take_is_refused_before_anything_is_written(
    sample, tmp_path, capsys, pair, said
):
    out = tmp_path / "out"
    assert main(["run", str(sample), "--year", "2025", "--out", str(out), "-p", *pair]) == 2
    err = capsys.readouterr().err
    assert said in err and "Nothing was written" in err
    assert not out.exists() or not any(out.iterdir())


def test_an_unknown_kernel_is_refused_naming_the_installed_ones(sample, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(sample), "--year", "2025", "--out", str(out), "-k", "no-such-kernel"]) == 2
    err = capsys.readouterr().err
    assert "Kernel 'no-such-kernel' is not installed (installed: " in err and "python3" in err
    assert not out.exists() or not any(out.iterdir())


def test_quiet_prints_nothing_on_success_and_verbose_logs_steps(sample, tmp_path, capsys):
    assert main(["score", str(sample), "--year", "2025", "--out", str(tmp_path / "q"), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert (tmp_path / "q" / "scores.xlsx").is_file()
    assert main(["score", str(sample), "--year", "2025", "--out", str(tmp_path / "n")]) == 0
    assert "scored 4 groups" in capsys.readouterr().out
    assert main(["scheme", "show", "-v"]) == 0
    logging.getLogger("assess.batch._engine").info("a step")
    logging.getLogger("assess.batch._engine").debug("a detail")
    err = capsys.readouterr().err
    assert "INFO assess.batch._engine: a step" in err and "a detail" not in err
    assert main(["scheme", "show", "-vv"]) == 0
    logging.getLogger("assess.batch._engine").debug("a detail")
    assert "DEBUG assess.batch._engine: a detail" in capsys.readouterr().err
    assert main(["scheme", "show", "-q"]) == 0
    logging.getLogger("assess.batch._engine").warning("a warning")
    assert capsys.readouterr().err == ""
    with pytest.raises(SystemExit):  # one or the other
        main(["scheme", "show", "-q", "-v"])


@pytest.mark.slow
def test_a_parameter_reaches_every_report_and_is_part_of_its_fingerprint(sample, tmp_path, capsys):
    nb = json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    params["source"] = "".join(params["source"]) + '\nnote = "none"\n'
    nb["cells"].append(
        {"cell_type": "code", "execution_count": None, "id": "note", "metadata": {}, "outputs": [],
         "source": "from IPython.display import HTML\nHTML(f\"<p class='note'>{note}</p>\")"}
    )  # fmt: skip
    template = tmp_path / "with_note.ipynb"
    template.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "out"
    base = ["run", str(sample), "--year", "2025", "--out", str(out), "--template", str(template), "--workers", "1"]
    assert main([*base, "-p", "note", "Q4 review"]) == 0
    assert '<p class="note">Q4 review</p>' in (out / "reports" / "G01.html").read_text(encoding="utf-8")
    assert "(4 written, 0 unchanged)" in capsys.readouterr().out
    assert main([*base, "-p", "note", "Q4 review"]) == 0
    assert "(0 written, 4 unchanged)" in capsys.readouterr().out
    assert main([*base, "-p", "note", "2026"]) == 0  # a new value is a new report
    assert "(4 written, 0 unchanged)" in capsys.readouterr().out
    assert '<p class="note">2026</p>' in (out / "reports" / "G01.html").read_text(encoding="utf-8")
