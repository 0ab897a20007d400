"""Reporting: facts, words in two languages, figures, report sections, pages, PDFs, the workbook.

The public names are imported on first use (PEP 562); the modules that define them are private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.common import lazy_exports

if TYPE_CHECKING:
    from assess.reporting._notebook_text import prose
    from assess.reporting._pages import render_html, write_index
    from assess.reporting._pdf import (
        bind_reports,
        check_fonts,
        html_string_to_pdf,
        wait_for_warm_up,
        warm,
        warm_in_background,
        write_run_pdfs,
    )
    from assess.reporting._workbook import write_scores, write_tables, write_template

#: public name -> the private module that defines it
_PUBLIC = {
    "bind_reports": "assess.reporting._pdf",
    "check_fonts": "assess.reporting._pdf",
    "html_string_to_pdf": "assess.reporting._pdf",
    "prose": "assess.reporting._notebook_text",
    "render_html": "assess.reporting._pages",
    "wait_for_warm_up": "assess.reporting._pdf",
    "warm": "assess.reporting._pdf",
    "warm_in_background": "assess.reporting._pdf",
    "write_index": "assess.reporting._pages",
    "write_run_pdfs": "assess.reporting._pdf",
    "write_scores": "assess.reporting._workbook",
    "write_tables": "assess.reporting._workbook",
    "write_template": "assess.reporting._workbook",
}

__all__ = [
    "bind_reports",
    "check_fonts",
    "html_string_to_pdf",
    "prose",
    "render_html",
    "wait_for_warm_up",
    "warm",
    "warm_in_background",
    "write_index",
    "write_run_pdfs",
    "write_scores",
    "write_tables",
    "write_template",
]

__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
