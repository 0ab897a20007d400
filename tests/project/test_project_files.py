"""The project's own files agree with one another: pyproject.toml, the lock, environment.yml, CI."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
# conda-forge's light builds and spellings of PyPI distributions
CONDA_NAMES = {
    "matplotlib": "matplotlib-base",  # without Qt
    "seaborn": "seaborn-base",  # without statsmodels, on matplotlib-base
    "nbconvert": "nbconvert-core",  # without pandoc and TeX
    "mkdocstrings": "mkdocstrings-python",  # mkdocstrings[python]: the handler, which brings mkdocstrings
    "pandera": "pandera-core",  # without the optional backends
    "tzdata": "python-tzdata",  # conda's tzdata is the system time-zone database
    "jupyter-client": "jupyter_client",
    "jupyter-core": "jupyter_core",
    "lazy-loader": "lazy_loader",
}
NOT_ON_CONDA_FORGE = {"krippendorff"}


def _group(name: str) -> list[str]:
    """A PEP 735 dependency group, its included groups expanded."""
    found: list[str] = []
    for item in PYPROJECT["dependency-groups"][name]:
        found += _group(item["include-group"]) if isinstance(item, dict) else [item]
    return found


def _requirements() -> list[Requirement]:
    """Everything the project declares: the core, every extra, the dev tools; an extra's reference
    to another extra (`assess[reports]`, `all`) brings nothing of its own."""
    lines = list(PROJECT["dependencies"])
    for items in PROJECT["optional-dependencies"].values():
        lines += items
    requirements = [Requirement(line) for line in lines + _group("dev")]
    return [r for r in requirements if canonicalize_name(r.name) != "assess"]


def _split(line: str) -> tuple[str, str]:
    """A conda/pip spec ``name>=1.0,<2`` as (name, specifier)."""
    name = re.split(r"[<>=!~ \[;]", line.strip(), maxsplit=1)[0]
    return name, line.strip()[len(name) :].strip()


def test_environment_yml_mirrors_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    assert env["channels"] == ["conda-forge"]
    conda = dict(_split(d) for d in deps if isinstance(d, str) and _split(d)[0] not in ("python", "pip"))
    pip = deps[-1]["pip"]
    assert pip[-1] == "-e ."
    from_pip = dict(_split(d) for d in pip[:-1])
    assert set(from_pip) == NOT_ON_CONDA_FORGE
    wanted: dict[str, str] = {}
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        spec = ",".join(sorted(str(s) for s in requirement.specifier))
        wanted[name if name in NOT_ON_CONDA_FORGE else CONDA_NAMES.get(name, name)] = spec
    declared = {**conda, **from_pip}
    assert {n: ",".join(sorted(s.split(","))) for n, s in declared.items()} == wanted
    # no package that drags Qt or pandoc in
    assert not {"matplotlib", "seaborn", "nbconvert", "pyqt", "qt", "pandoc"} & set(declared)
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python>"))
    assert python.removeprefix("python") == PROJECT["requires-python"]


def _lock() -> dict[str, list[tuple[Version, str]]]:
    """requirements.lock as name -> [(pinned version, environment marker)]."""
    pins: dict[str, list[tuple[Version, str]]] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            marker = str(requirement.marker) if requirement.marker else ""
            pins.setdefault(canonicalize_name(requirement.name), []).append((Version(spec.version), marker))
    return pins


def test_lock_pins_every_declared_requirement_within_its_bounds():
    """`make` installs requirements.lock: it must hold every package pyproject.toml declares (the
    core, every extra, the dev tools), each at a version the declaration allows. After editing
    pyproject.toml, run `make lock`."""
    pins = _lock()
    missing = [str(r) for r in _requirements() if canonicalize_name(r.name) not in pins]
    assert missing == [], "declared but not in requirements.lock; run `make lock`"
    outside = [
        f"{r} (locked {version})"
        for r in _requirements()
        for version, _ in pins[canonicalize_name(r.name)]
        if not r.specifier.contains(version, prereleases=True)
    ]
    assert outside == [], "locked outside the declared bounds; run `make lock`"
    assert "assess" not in pins  # the project itself is installed from the checkout (--no-deps -e .)


def test_lock_is_for_every_supported_python():
    """A universal lock for Python 3.11+: markers only narrow by Python version and platform."""
    floor = Version(PROJECT["requires-python"].removeprefix(">="))
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "make lock" in text.splitlines()[1]  # how to regenerate it
    for markers in (m for pins in _lock().values() for _, m in pins if m):
        for version in re.findall(r"python_full_version [<>=!]+ '([\d.]+)'", markers):
            assert Version(version) >= floor, markers
    # on this machine's Python and platform, each package gets exactly one pin
    here = {**default_environment(), "extra": ""}
    for name, pins in _lock().items():
        applicable = [v for v, m in pins if not m or Requirement(f"x; {m}").marker.evaluate(here)]  # type: ignore[union-attr]
        assert len(applicable) <= 1, name


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make demo" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install -q -r requirements.lock" in makefile and "pip install -q --no-deps -e ." in makefile


def test_import_assess_is_light_and_the_public_api_resolves():
    """`import assess` loads no pandas (PEP 562: the public names import on first use), and every
    public name still resolves, also through `from assess import *`."""
    code = (
        "import sys, assess\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'pandera', 'pyarrow', 'scipy', 'openpyxl') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
        "from assess import *\n"
        "import assess.analysis._uncertainty as module\n"
        "assert uncertainty is module.uncertainty and callable(uncertainty)\n"
        "print(sorted(n for n in assess.__all__ if n != '__version__' and getattr(assess, n) is None))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["", "[]"]

    import assess
    from assess.intake._validate import load
    from assess.scoring._result import Result

    assert assess.load is load and assess.Result is Result
    assert {"load", "score", "Result", "Scheme", "intake", "batch"} <= set(dir(assess))
    with pytest.raises(AttributeError, match="no_such_name"):
        assess.no_such_name  # noqa: B018
