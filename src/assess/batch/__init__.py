"""Batch: the year-end run, the warm-kernel papermill engine, executors, the run ledger.

The public names are imported on first use (PEP 562); the modules that define them are private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.common import lazy_exports

if TYPE_CHECKING:
    from assess.batch._bulletin import write_bulletin
    from assess.batch._engine import KernelSettings, WarmKernel, WarmKernelEngine
    from assess.batch._ledger import format_status, read_ledger, run_status
    from assess.batch._options import DEFAULT_TEMPLATE, ReportOptions
    from assess.batch._pipeline import check_outputs, run_assessment, score_to, write_sample
    from assess.batch._runner import template_imports

#: public name -> the private module that defines it
_PUBLIC = {
    "DEFAULT_TEMPLATE": "assess.batch._options",
    "KernelSettings": "assess.batch._engine",
    "ReportOptions": "assess.batch._options",
    "WarmKernel": "assess.batch._engine",
    "WarmKernelEngine": "assess.batch._engine",  # papermill's engine entry point `assess-warm`
    "check_outputs": "assess.batch._pipeline",
    "format_status": "assess.batch._ledger",
    "read_ledger": "assess.batch._ledger",
    "run_assessment": "assess.batch._pipeline",
    "run_status": "assess.batch._ledger",
    "score_to": "assess.batch._pipeline",
    "template_imports": "assess.batch._runner",
    "write_bulletin": "assess.batch._bulletin",
    "write_sample": "assess.batch._pipeline",
}

__all__ = [
    "DEFAULT_TEMPLATE",
    "KernelSettings",
    "ReportOptions",
    "WarmKernel",
    "WarmKernelEngine",
    "check_outputs",
    "format_status",
    "read_ledger",
    "run_assessment",
    "run_status",
    "score_to",
    "template_imports",
    "write_bulletin",
    "write_sample",
]

__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
