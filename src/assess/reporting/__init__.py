"""Reporting: facts, words in two languages, figures, report sections, pages, PDFs, the workbook."""
