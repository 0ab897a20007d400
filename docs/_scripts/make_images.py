"""Make the documentation's pictures from the sample year: ``make docs-images``.

Every picture in ``docs/images/`` is produced here, never pasted by hand, so that a change to a
report shows in the guide the next time this runs:

- ``report-zh.png``: the first page of a group's Chinese PDF report (``pdftoppm``);
- ``index-zh.png``: the first page of the Chinese index, printed (``index.pdf``);
- ``bulletin-zh.png``: the first page of the June bulletin's Chinese PDF;
- ``template.png``: the blank template's bilingual README sheet, drawn as the workbook holds it;
- ``docs/notebooks/<name>-<lang>.html``: the analysts' notebooks run on the sample year in English
  and in Chinese, rendered without code (nbconvert), linked from the analyst's guide.

It needs the ``[reports,pdf]`` extras, ``pdftoppm`` (poppler-utils) and ``chromium``.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IMAGES = Path(__file__).resolve().parent.parent / "images"
ASSESS = [sys.executable, "-m", "assess"]


def run(*args: str, cwd: Path) -> None:
    subprocess.run([*ASSESS, *args], cwd=cwd, check=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1767139200"})


def first_page(pdf: Path, png: Path, dpi: int = 70) -> None:
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)], check=True
    )


def screenshot(page: Path, png: Path, size: str = "1200,900") -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is needed for the screenshots: apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-background-networking",
             "--no-first-run", f"--user-data-dir={profile}", f"--window-size={size}", f"--screenshot={png}", page.as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip


def template_picture(workbook: Path, png: Path) -> None:
    """The template's README sheet as a spreadsheet shows it: a grid with column letters."""
    from openpyxl import load_workbook

    ws = load_workbook(workbook, read_only=True)["README"]
    rows = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(max_row=18, values_only=True)]
    letters = "ABCDEFGH"[: max(len(r) for r in rows)]
    head = "".join(f"<th>{c}</th>" for c in letters)
    body = "".join(
        f"<tr><th>{i}</th>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for i, r in enumerate(rows, 1)
    )
    page = png.with_suffix(".html")
    page.write_text(
        "<!doctype html><meta charset=utf-8><style>body{margin:0;font:13px 'Noto Sans CJK SC',sans-serif}"
        "table{border-collapse:collapse}td,th{border:1px solid #d4d4d4;padding:3px 6px;white-space:nowrap}"
        "th{background:#f3f3f3;color:#555;font-weight:normal}tr:nth-child(2) td{font-weight:bold}</style>"
        f"<table><tr><th></th>{head}</tr>{body}</table>",
        encoding="utf-8",
    )
    screenshot(page, png, size="1110,500")
    page.unlink()


def render_notebooks(folder: Path) -> None:
    """Run every analysts' notebook on the sample year (``data/sample-2025.xlsx``, named as the
    notebooks name it, so no temporary path shows in a page) in both languages; write each as
    HTML without code.

    nbconvert's ``basic`` template gives the cells alone: no inlined copy of JupyterLab's
    stylesheet in every page and no script from a CDN; each page links ``notebook.css`` (kept
    beside them in ``docs/notebooks/``), so the pages fetch nothing from outside the site.
    """
    import html

    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from assess.batch import WakefulKernelManager

    widget = "application/vnd.jupyter.widget-view+json"  # sliders: live only in JupyterLab

    notebooks = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("0*.ipynb"))
    folder.mkdir(exist_ok=True)
    exporter = HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    for notebook in notebooks:
        for lang in ("en", "zh"):
            parameters = {"data_path": "../data/sample-2025.xlsx", "year": 2025, "lang": lang}
            if notebook.stem == "04-what-if":
                parameters["draws"] = 300
            ran = folder / f"{notebook.stem}-{lang}.ipynb"
            papermill.execute_notebook(
                notebook, ran, parameters=parameters, cwd=str(notebook.parent), progress_bar=False,
                kernel_manager_class=WakefulKernelManager,  # a reply whose wake-up was lost is still read
            )  # fmt: skip
            nb = nbformat.read(ran, as_version=4)
            nb.metadata.pop("widgets", None)
            for cell in nb.cells:
                cell["outputs"] = [o for o in cell.get("outputs", []) if widget not in o.get("data", {})]
            body, _ = exporter.from_notebook_node(nb)
            page = (
                f'<!doctype html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<meta charset="utf-8">\n'
                f"<title>{html.escape(notebook.stem)}</title>\n"
                '<link rel="stylesheet" href="notebook.css">\n'
                f"<main>\n{body}\n</main>\n</html>\n"
            )
            (folder / f"{notebook.stem}-{lang}.html").write_text(page, encoding="utf-8")
            ran.unlink()


def main() -> None:
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run("sample", "data2025.xlsx", "-q", cwd=work)
        run("template", "blank.xlsx", cwd=work)
        template_picture(work / "blank.xlsx", IMAGES / "template.png")
        run("run", "data2025.xlsx", "--year", "2025", "--out", "out", "--lang", "zh", "--pdf", "-q", cwd=work)
        first_page(work / "out" / "reports" / "G01.pdf", IMAGES / "report-zh.png")
        first_page(work / "out" / "index.pdf", IMAGES / "index-zh.png")
        run("bulletin", "data2025.xlsx", "--month", "2025-06", "--out", "bulletin", "--lang", "zh", "--pdf", cwd=work)
        first_page(work / "bulletin" / "bulletin-2025-06.pdf", IMAGES / "bulletin-zh.png")
        render_notebooks(IMAGES.parent / "notebooks")
    for png in sorted(IMAGES.glob("*.png")):
        print(f"{png.relative_to(IMAGES.parent.parent)}: {png.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
