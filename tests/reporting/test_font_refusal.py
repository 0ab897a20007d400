"""A PDF no one could read is never written: Chinese with no installed CJK font (boxes) and
no font at all (Pango crashed the process) are refused before any work, exit status 2,
naming the package to install. fontconfig is pointed at a configuration of the test's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbooks import minimal_sheets, write_workbook

SRC = Path(__file__).resolve().parents[2] / "src"

pytestmark = pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed")


def _fontconfig(folder: Path, fonts: list[Path]) -> dict[str, str]:
    """The environment of a process whose fontconfig knows only ``fonts`` (copied to a folder)."""
    font_dir = folder / "fonts"
    font_dir.mkdir(parents=True)
    for font in fonts:
        shutil.copyfile(font, font_dir / font.name)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{font_dir}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return {
        **os.environ,
        "FONTCONFIG_FILE": str(conf),
        "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
    }


def _latin_font() -> Path:
    found = subprocess.run(["fc-match", "--format", "%{file}", "DejaVu Sans:lang=en"], capture_output=True, text=True)
    path = Path(found.stdout)
    if found.returncode or not path.is_file():
        pytest.skip("no Latin font to copy")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_run_with_no_font_at_all_is_refused_before_any_work(tmp_path: Path, lang: str) -> None:
    env = _fontconfig(tmp_path / "fc", [])
    data = write_workbook(tmp_path / "in.xlsx", minimal_sheets())
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "assess", "run", str(data), "--year", "2025", "--out", str(out), "--lang", lang, "--pdf", "-q"],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]  # not -11 (a segmentation fault), not 0
    assert "fonts-noto-cjk" in done.stderr and "Traceback" not in done.stderr
    assert ("未写入任何文件" if lang == "zh" else "nothing was written") in done.stderr
    assert not out.exists() or not any(out.rglob("*.pdf")) and not (out / "scores.xlsx").exists()


def test_chinese_without_a_cjk_font_is_refused_english_is_not(tmp_path: Path) -> None:
    """With a Latin font only, a Chinese PDF would show boxes: refused; an English one is fine."""
    env = _fontconfig(tmp_path / "fc", [_latin_font()])
    probe = (
        "from assess.reporting._pdf import ExportError, check_fonts\n"
        "check_fonts('en')\n"
        "try:\n    check_fonts('zh')\nexcept ExportError as exc:\n    print('refused:', exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("refused:") and "fonts-noto-cjk" in done.stdout and "中文" in done.stdout


def test_with_a_cjk_font_nothing_is_refused() -> None:
    from assess.reporting._pdf import check_fonts

    found = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True)
    if not found.stdout.strip():
        pytest.skip("no CJK font installed here")
    check_fonts("zh")  # no error
