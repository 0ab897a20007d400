"""The public names of ``assess.reporting``: what type checkers see, and what ``lazy_loader`` imports on first use."""

from ._notebook_text import prose as prose
from ._pages import render_html as render_html
from ._pages import write_index as write_index
from ._pdf import bind_reports as bind_reports
from ._pdf import check_fonts as check_fonts
from ._pdf import html_string_to_pdf as html_string_to_pdf
from ._pdf import wait_for_warm_up as wait_for_warm_up
from ._pdf import warm as warm
from ._pdf import warm_in_background as warm_in_background
from ._pdf import write_run_pdfs as write_run_pdfs
from ._workbook import write_scores as write_scores
from ._workbook import write_tables as write_tables
from ._workbook import write_template as write_template
