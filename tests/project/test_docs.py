"""The documentation's examples work as written.

- every ``python`` example with ``>>>`` in ``docs/`` runs as a doctest against the sample year;
- every command of every ``sh`` block of the home page and the user guide runs, page after page
  in the guide's order, in one folder holding the sample year as ``data2025.xlsx`` — the guide
  followed end to end, as an office would (``make ...`` lines are the set-up commands CI runs
  itself, so they are skipped) — and must exit 0.

``text`` blocks are output, usage synopses with ``[options]`` (the reference pages), or commands
that need root (``sudo apt-get``), and are not run.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)


@pytest.fixture(scope="module")
def sample_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs-sample")
    subprocess.run([sys.executable, "-m", "assess", "sample", str(folder / "data2025.xlsx"), "-q"], check=True)
    return folder / "data2025.xlsx"


def commands(page: Path) -> list[str]:
    """The commands of a page's ``sh`` blocks, in order; continuation lines joined, comments dropped."""
    found = []
    for block in SH_BLOCK.findall(page.read_text(encoding="utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line and not line.startswith("#") and not line.startswith("make "):
                found.append(line)
    return found


def doc_pages() -> list[Path]:
    """The home page, then the user guide's pages in the order its navigation gives them."""
    import yaml

    nav = yaml.safe_load((DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    guide = next(entry["使用手册"] for entry in nav if isinstance(entry, dict) and "使用手册" in entry)
    pages = [e if isinstance(e, str) else next(iter(e.values())) for e in guide]
    # pages generated at build time (the message list) hold no command and no file in docs/
    return [DOCS / "index.md", *(DOCS / p for p in pages if (DOCS / p).is_file())]


def test_the_guide_has_commands_to_run() -> None:
    runnable = {p.relative_to(DOCS).as_posix(): commands(p) for p in doc_pages()}
    assert sorted(runnable) == sorted(["index.md", *(f"guide/{p.name}" for p in (DOCS / "guide").glob("*.md"))])
    # the task pages each show at least one command; a page whose blocks all vanished would pass unseen
    for name in ("template.md", "year-end.md", "monthly.md", "quarterly.md", "appeal.md", "scheme.md"):
        assert runnable[f"guide/{name}"], f"docs/guide/{name} has no command left to run"
    assert commands(DOCS / "index.md") == []  # only `make demo` / `make test`, run by CI itself


#: groups of the year the guide is followed on: every command and option of the 38-group sample,
#: at a third of the cost (five full runs with reports, PDFs and 1,000 draws among them)
GUIDE_GROUPS = 12


@pytest.mark.slow
def test_the_guide_followed_end_to_end(tmp_path: Path) -> None:
    """Every command of the guide, page after page in the guide's order, in one folder, as an
    office following it with its workbook would (a later page uses what an earlier one made)."""
    sample = [sys.executable, "-m", "assess", "sample", str(tmp_path / "data2025.xlsx"), "-q"]
    subprocess.run([*sample, "--groups", str(GUIDE_GROUPS)], check=True)
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    for page in doc_pages():
        for command in commands(page):
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True)
            assert done.returncode == 0, (
                f"{page.name}: `{command}` exited {done.returncode}\n{done.stdout}\n{done.stderr}"
            )


def example_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if ">>> " in p.read_text(encoding="utf-8"))


def test_the_recipes_are_examples() -> None:
    assert DOCS / "analyst" / "recipes.md" in example_pages()


@pytest.mark.parametrize("page", example_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_python_examples_run(page: Path, sample_year: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample_year.parent)
    failed, tried = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert tried > 0 and failed == 0
