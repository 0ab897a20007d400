"""The built wheel stands alone: installed outside the checkout, it runs the whole demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "assess"


def _build_wheel(tmp: Path) -> Path:
    """Build the wheel from a clean copy of the project (no build/ or egg-info left in the checkout)."""
    project = tmp / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), "."],
        cwd=project,
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("assess-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.mark.slow
def test_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    """Templates, the default scheme, catalogues, CSS/JS, py.typed, LICENSE: every file under
    src/assess goes into the wheel (package data is declared by pattern; a new kind is caught here)."""
    wanted = {
        "assess/" + p.relative_to(SOURCE).as_posix()
        for p in SOURCE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".part")
    }
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert wanted - names == set()
    assert "assess/reporting/templates/group_report.ipynb" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in metadata
    # the core pulls no notebook machinery; the reports come with the extra
    core = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert not any(name in " ".join(core) for name in ("papermill", "jupyterlab", "matplotlib", "weasyprint"))
    assert any("papermill" in line and 'extra == "reports"' in line for line in metadata.splitlines())


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"  # a working directory with no checkout in sight
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER", "IPYTHON"))}
    env["PYTHONPATH"] = str(site)  # inherited by the report kernels papermill starts

    where = subprocess.run(
        [sys.executable, "-c", "import assess; print(assess.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout

    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "assess", "demo", "--out", str(out)],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    reports = sorted((out / "reports").glob("*.html"))
    assert len(reports) == 38
    assert (out / "scores.xlsx").is_file() and (out / "index.html").is_file()
    assert "38 of 38 reports ready" in run.stdout
