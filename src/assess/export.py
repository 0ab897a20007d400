"""PDF copies of the HTML reports, made offline with WeasyPrint (Pango draws the text).

A report page is self-contained, so converting it needs nothing from the network: the URL
fetcher given to WeasyPrint serves ``data:`` URLs (the inline figures) and refuses
everything else, so a stray external reference fails the export instead of reaching out.
Chinese text needs a CJK font known to fontconfig (Debian: ``fonts-noto-cjk`` or
``fonts-wqy-microhei``); the charts are PNG images, drawn with a CJK font by
:mod:`assess.plots`.

Reproducible: the PDF's creation date is the page's ``dcterms.created`` (the result's
``generated_at``, which ``SOURCE_DATE_EPOCH`` pins), so the same HTML gives the same PDF.

Examples
--------
>>> from pathlib import Path
>>> html_to_pdf(Path("out/reports/G01.html"), Path("out/reports/G01.pdf"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType
from typing import Any

from assess.atomic import atomic_path
from assess.errors import AssessError

__all__ = ["html_to_pdf", "ExportError"]


class ExportError(AssessError):
    """The PDF could not be written (WeasyPrint missing, or the page is not self-contained)."""


def _weasyprint() -> ModuleType:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are missing
        raise ExportError(
            f"PDF export needs WeasyPrint and Pango ({exc}). Install them with "
            "`pip install weasyprint` and `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0` (Debian/Ubuntu)."
        ) from exc
    return weasyprint


def _offline_fetcher() -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class OfflineFetcher(URLFetcher):
        """Serves ``data:`` URLs only; any other URL stops the export."""

        def fetch(self, url: str, headers: dict | None = None) -> Any:
            if not url.startswith("data:"):
                raise FatalURLFetchingError(
                    f"The report refers to {url[:200]!r}; reports must be self-contained, so nothing is fetched."
                )
            return super().fetch(url, headers)

    return OfflineFetcher(allowed_protocols={"data"})


def html_to_pdf(html_path: Path, pdf_path: Path) -> None:
    """Convert the self-contained HTML page ``html_path`` to an A4 PDF at ``pdf_path``.

    The page's print stylesheet applies (page breaks between sections). The PDF is written
    under a temporary name and renamed into place: a failed export leaves no partial file.

    Parameters
    ----------
    html_path : Path
        A page written by :func:`assess.pages.render_html` (or any self-contained page).
    pdf_path : Path
        Where to write the PDF; its folder must exist.

    Raises
    ------
    ExportError
        WeasyPrint or Pango is missing, or the page refers to something outside itself.
    FileNotFoundError
        ``html_path`` does not exist.
    """
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    source = html_path.read_text(encoding="utf-8")
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    # WeasyPrint reports CSS it does not support (e.g. `user-select`) as log warnings; they
    # say nothing about the result, so keep them out of the batch's output.
    css_log = logging.getLogger("weasyprint")
    level = css_log.level
    css_log.setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=source, base_url=None, url_fetcher=_offline_fetcher(), media_type="print")
        with atomic_path(pdf_path) as tmp:
            document.write_pdf(tmp)
    except FatalURLFetchingError as exc:
        raise ExportError(f"{html_path.name}: {exc}") from exc
    finally:
        css_log.setLevel(level)
