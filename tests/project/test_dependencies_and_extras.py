"""Dependencies: everything src/assess imports is declared, the core runs without any extra, and
a missing extra is one clear sentence with the pip command, never an ImportError traceback."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from assess.batch._pipeline import write_sample
from assess.common._extras import EXTRAS, MODULES, MissingExtraError, missing_modules, require

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "assess"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _declared(extra: str | None) -> set[str]:
    """Distribution names (canonical) of the core (``None``) or of one extra, the extras it
    includes (``assess[reports]``) expanded."""
    lines = PROJECT["dependencies"] if extra is None else PROJECT["optional-dependencies"][extra]
    names: set[str] = set()
    for line in lines:
        req = Requirement(line)
        if canonicalize_name(req.name) == "assess":
            names |= set().union(*(_declared(e) for e in req.extras))
        else:
            names.add(canonicalize_name(req.name))
    return names


def _imported_modules() -> dict[str, set[str]]:
    """Top-level modules src/assess imports (anywhere in a file, not only at the top) -> files."""
    found: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "assess" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(path.relative_to(SOURCE).as_posix())
    return found


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    """Top-level module -> distributions, read once per process: it walks every installed
    distribution's file list (about a second here), so asking it per module took minutes."""
    return importlib.metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    return {canonicalize_name(d) for d in _packages_distributions().get(module, [])}


def test_every_imported_package_is_declared_in_the_core_or_an_extra():
    declared = _declared(None).union(*(_declared(extra) for extra in EXTRAS))
    undeclared = {
        module: sorted(files) for module, files in _imported_modules().items() if not _distributions(module) & declared
    }
    assert undeclared == {}, "imported but not in pyproject.toml (module: files)"


def test_each_extra_declares_the_modules_assess_checks_for_it():
    for extra, modules in MODULES.items():
        for module in modules:
            assert _distributions(module) & _declared(extra), (
                f"{module} is checked for [{extra}] but not declared there"
            )
    # and every package an extra declares is one assess checks for (no silent extra dependency),
    # but for the applications an extra brings that nothing imports
    applications = {"lab": {"jupyterlab"}}
    for extra in EXTRAS:
        checked = set().union(*(_distributions(m) for m in MODULES[extra]))
        own = {canonicalize_name(Requirement(r).name) for r in PROJECT["optional-dependencies"][extra]} - {"assess"}
        assert own - applications.get(extra, set()) <= checked, extra


def test_core_pulls_no_notebook_machinery_and_all_is_every_extra():
    core = _declared(None)
    for extra in EXTRAS:
        assert not core & _declared(extra), extra
    # the notebooks need the reports' plotting: the lab extra brings the reports extra along
    assert _declared("reports") <= _declared("lab")
    assert PROJECT["optional-dependencies"]["all"] == [f"assess[{','.join(EXTRAS)}]"]
    papermill = next(Requirement(r) for r in PROJECT["optional-dependencies"]["reports"] if r.startswith("papermill"))
    # the warm-kernel engine uses papermill's internals: its next major must be a deliberate upgrade
    major = int(importlib.metadata.version("papermill").split(".")[0])
    assert papermill.specifier.contains(importlib.metadata.version("papermill"))
    assert not papermill.specifier.contains(f"{major + 1}.0")


def test_require_names_the_extra_and_the_pip_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    assert missing_modules("weasyprint", "json") == ["weasyprint"]
    with pytest.raises(MissingExtraError) as caught:
        require("pdf")
    english, chinese = str(caught.value).splitlines()
    assert english == "PDF reports need the pdf extra: pip install 'assess[pdf]' (not installed: weasyprint)"
    assert chinese == "生成 PDF 报告需要安装 pdf 扩展：pip install 'assess[pdf]'（缺少：weasyprint）"
    assert caught.value.extra == "pdf" and caught.value.modules == ["weasyprint"]
    require("pdf", "pikepdf")  # only what the caller names
    with pytest.raises(ValueError, match="unknown extra"):
        require("pfd")


def _cli(tmp_path: Path, blocked: list[str], *argv: str) -> subprocess.CompletedProcess[str]:
    """Run the command in a fresh interpreter in which the ``blocked`` modules cannot be imported."""
    code = (
        "import sys\n"
        f"sys.modules.update(dict.fromkeys({blocked!r}))\n"
        "from assess.cli import main\n"
        f"sys.exit(main({list(argv)!r}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )


EVERY_EXTRA = sorted({m for modules in MODULES.values() for m in modules})


@pytest.mark.slow
def test_core_validates_and_scores_without_any_extra(tmp_path):
    run = _cli(tmp_path, EVERY_EXTRA, "sample", "in.xlsx", "--groups", "6")
    assert run.returncode == 0, run.stderr
    run = _cli(tmp_path, EVERY_EXTRA, "score", "in.xlsx", "--year", "2025", "--out", "out")
    assert run.returncode == 0, run.stderr
    assert "scored 6 groups" in run.stdout
    assert (tmp_path / "out" / "scores.xlsx").is_file()


@pytest.mark.parametrize(
    ("blocked", "options", "message"),
    [
        (["papermill", "nbclient"], [], "HTML reports need the reports extra: pip install 'assess[reports]'"),
        (["weasyprint"], ["--pdf"], "PDF reports need the pdf extra: pip install 'assess[pdf]'"),
    ],
)
def test_run_without_an_extra_exits_2_with_the_pip_command(tmp_path, blocked, options, message):
    write_sample(tmp_path / "in.xlsx", groups=3)  # in this process: `sample` without extras is tested above
    run = _cli(tmp_path, blocked, "run", "in.xlsx", "--year", "2025", "--out", "out", *options)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr
    assert "pip install" in run.stderr.splitlines()[-1]  # the Chinese line
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


@pytest.mark.parametrize(
    ("blocked", "options", "message"),
    [
        (["papermill"], [], "HTML reports need the reports extra: pip install 'assess[reports]'"),
        (["weasyprint"], ["--pdf"], "PDF reports need the pdf extra: pip install 'assess[pdf]'"),
    ],
)
def test_demo_without_an_extra_writes_nothing_not_even_the_sample(tmp_path, blocked, options, message):
    run = _cli(tmp_path, blocked, "demo", "--out", "out", *options)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
