"""Intake: the input contract, reading the office's workbooks, validation, sample data.

The public names are imported on first use (PEP 562); the modules that define them are private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.common import lazy_exports

if TYPE_CHECKING:
    from assess.intake._annotate import annotate, check_target
    from assess.intake._collect import collect, submission_tables
    from assess.intake._plausible import assessment_year
    from assess.intake._problems import InputError, Problem, validation_text, wording, wording_apart
    from assess.intake._read import check_archive, read_tables, table_of_sheet
    from assess.intake._sample import make_sample
    from assess.intake._scheme import (
        DEFAULT_SCHEME_TEXT,
        MAX_DRAWS,
        Label,
        Normalize,
        Scheme,
        UncertaintySettings,
        default_scheme,
        load_scheme,
        parse_scheme,
        read_scheme_yaml,
        saved_scheme,
        scheme_error,
    )
    from assess.intake._spec import ID_PATTERN, SHEETS
    from assess.intake._validate import Dataset, load, validate

#: public name -> the private module that defines it
_PUBLIC = {
    "DEFAULT_SCHEME_TEXT": "assess.intake._scheme",
    "Dataset": "assess.intake._validate",
    "ID_PATTERN": "assess.intake._spec",
    "InputError": "assess.intake._problems",
    "Label": "assess.intake._scheme",
    "MAX_DRAWS": "assess.intake._scheme",
    "Normalize": "assess.intake._scheme",
    "Problem": "assess.intake._problems",
    "SHEETS": "assess.intake._spec",
    "Scheme": "assess.intake._scheme",
    "UncertaintySettings": "assess.intake._scheme",
    "annotate": "assess.intake._annotate",
    "assessment_year": "assess.intake._plausible",
    "check_archive": "assess.intake._read",
    "check_target": "assess.intake._annotate",
    "collect": "assess.intake._collect",
    "default_scheme": "assess.intake._scheme",
    "load": "assess.intake._validate",
    "validate": "assess.intake._validate",
    "load_scheme": "assess.intake._scheme",
    "make_sample": "assess.intake._sample",
    "parse_scheme": "assess.intake._scheme",
    "read_scheme_yaml": "assess.intake._scheme",
    "read_tables": "assess.intake._read",
    "saved_scheme": "assess.intake._scheme",
    "scheme_error": "assess.intake._scheme",
    "submission_tables": "assess.intake._collect",
    "table_of_sheet": "assess.intake._read",
    "validation_text": "assess.intake._problems",
    "wording": "assess.intake._problems",
    "wording_apart": "assess.intake._problems",
}

__all__ = [
    "DEFAULT_SCHEME_TEXT",
    "Dataset",
    "ID_PATTERN",
    "InputError",
    "Label",
    "MAX_DRAWS",
    "Normalize",
    "Problem",
    "SHEETS",
    "Scheme",
    "UncertaintySettings",
    "annotate",
    "assessment_year",
    "check_archive",
    "check_target",
    "collect",
    "default_scheme",
    "load",
    "load_scheme",
    "make_sample",
    "parse_scheme",
    "read_scheme_yaml",
    "read_tables",
    "saved_scheme",
    "scheme_error",
    "submission_tables",
    "table_of_sheet",
    "validate",
    "validation_text",
    "wording",
    "wording_apart",
]

__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
