"""Shared foundations every layer may use: errors, atomic file writes, local time.

The public names are imported on first use (PEP 562); the modules that define them are private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.common._lazy import lazy_exports

if TYPE_CHECKING:
    from assess.common._atomic import atomic_folder, atomic_path, atomic_write, pid_alive
    from assess.common._compat import (
        openpyxl_reader,
        pandas_option_keys,
        papermill_internals,
        pool_processes,
        sheet_parser_options,
        sheet_source,
        workbook_styles,
    )
    from assess.common._errors import AssessError, OptionError, SchemeError
    from assess.common._extras import require
    from assess.common._lazy import lazy_exports, lazy_module
    from assess.common._localtime import (
        DEFAULT_TIMEZONE,
        format_date,
        format_datetime,
        generated_now,
        local_datetime,
        source_date_epoch,
        stamp,
    )
    from assess.common._messages import LANGS, Domain, catalogue, check_lang, message
    from assess.common._outlock import output_lock
    from assess.common._resources import package_files, resource_path
    from assess.common._staging import recover, staged, staging_path
    from assess.common._tolerance import TOL
    from assess.common._version import __version__
    from assess.common._vocabulary import month_zh, quarter_zh, sheet_words
    from assess.common._yamlio import AliasRefused, DuplicateKey, read_yaml

#: public name -> the private module that defines it
_PUBLIC = {
    "AliasRefused": "assess.common._yamlio",
    "AssessError": "assess.common._errors",
    "DEFAULT_TIMEZONE": "assess.common._localtime",
    "Domain": "assess.common._messages",
    "DuplicateKey": "assess.common._yamlio",
    "LANGS": "assess.common._messages",
    "OptionError": "assess.common._errors",
    "SchemeError": "assess.common._errors",
    "TOL": "assess.common._tolerance",
    "__version__": "assess.common._version",
    "atomic_folder": "assess.common._atomic",
    "atomic_path": "assess.common._atomic",
    "atomic_write": "assess.common._atomic",
    "catalogue": "assess.common._messages",
    "check_lang": "assess.common._messages",
    "format_date": "assess.common._localtime",
    "format_datetime": "assess.common._localtime",
    "generated_now": "assess.common._localtime",
    "lazy_exports": "assess.common._lazy",
    "lazy_module": "assess.common._lazy",
    "local_datetime": "assess.common._localtime",
    "message": "assess.common._messages",
    "month_zh": "assess.common._vocabulary",
    "openpyxl_reader": "assess.common._compat",
    "output_lock": "assess.common._outlock",
    "package_files": "assess.common._resources",
    "pandas_option_keys": "assess.common._compat",
    "papermill_internals": "assess.common._compat",
    "pid_alive": "assess.common._atomic",
    "pool_processes": "assess.common._compat",
    "quarter_zh": "assess.common._vocabulary",
    "read_yaml": "assess.common._yamlio",
    "recover": "assess.common._staging",
    "require": "assess.common._extras",
    "resource_path": "assess.common._resources",
    "sheet_parser_options": "assess.common._compat",
    "sheet_source": "assess.common._compat",
    "sheet_words": "assess.common._vocabulary",
    "source_date_epoch": "assess.common._localtime",
    "staged": "assess.common._staging",
    "staging_path": "assess.common._staging",
    "stamp": "assess.common._localtime",
    "workbook_styles": "assess.common._compat",
}

__all__ = [
    "AliasRefused",
    "AssessError",
    "DEFAULT_TIMEZONE",
    "Domain",
    "DuplicateKey",
    "LANGS",
    "OptionError",
    "SchemeError",
    "TOL",
    "__version__",
    "atomic_folder",
    "atomic_path",
    "atomic_write",
    "catalogue",
    "check_lang",
    "format_date",
    "format_datetime",
    "generated_now",
    "lazy_exports",
    "lazy_module",
    "local_datetime",
    "message",
    "month_zh",
    "openpyxl_reader",
    "output_lock",
    "package_files",
    "pandas_option_keys",
    "papermill_internals",
    "pid_alive",
    "pool_processes",
    "quarter_zh",
    "read_yaml",
    "recover",
    "require",
    "resource_path",
    "sheet_parser_options",
    "sheet_source",
    "sheet_words",
    "source_date_epoch",
    "staged",
    "staging_path",
    "stamp",
    "workbook_styles",
]

__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
