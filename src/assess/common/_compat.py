"""The private APIs of other packages that ``assess`` relies on, each behind one small function.

When a new pandas, openpyxl, papermill or Python removes one, the function is the one place to
change, and ``tests/common/test_private_apis.py`` fails naming the version that removed it.
Each library is imported when its function is first called, never by importing this module.
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess
from typing import IO, Any

__all__ = [
    "pandas_option_keys",
    "pool_processes",
    "openpyxl_reader",
    "sheet_source",
    "sheet_parser_options",
    "workbook_styles",
    "papermill_internals",
]


def pandas_option_keys(pd: Any) -> list[str]:
    """Every registered pandas option (``display.max_rows``, ...), for saving and restoring them
    between reports in a warm kernel. pandas has no public list of its options: they are read
    from ``pandas._config.config._registered_options`` (an ``AttributeError`` when it is gone)."""
    return list(pd._config.config._registered_options)


def pool_processes(pool: ProcessPoolExecutor) -> dict[int, BaseProcess]:
    """The worker processes of ``pool`` by pid (CPython keeps them in the private ``_processes``;
    ``None`` before the first task and after shutdown), for killing them and their kernels on
    cancel. Empty when a Python has no such attribute."""
    return dict(getattr(pool, "_processes", None) or {})


def openpyxl_reader() -> types.ModuleType:
    """openpyxl's streaming worksheet parser module, ``openpyxl.worksheet._reader``: its
    ``WorkSheetParser`` (subclassed to read only the cells a sheet holds), ``_cast_number`` and
    the ``FORMULA_TAG``, ``INLINE_STRING`` and ``VALUE_TAG`` element names. openpyxl offers no
    public sparse reader of a read-only sheet."""
    from openpyxl.worksheet import _reader

    return _reader


@contextlib.contextmanager
def sheet_source(ws: Any) -> Iterator[IO[bytes]]:
    """The XML stream of the read-only worksheet ``ws`` (openpyxl's private ``_get_source``)."""
    with ws._get_source() as src:
        yield src


def sheet_parser_options(ws: Any) -> dict[str, Any]:
    """What openpyxl's ``WorkSheetParser`` needs of the read-only worksheet ``ws`` besides its
    stream: the workbook's shared strings, its date epoch and its duration formats (the
    private ``_shared_strings`` and ``_timedelta_formats``)."""
    return {
        "shared_strings": ws._shared_strings,
        "epoch": ws.parent.epoch,
        "timedelta_formats": ws.parent._timedelta_formats,
    }


def workbook_styles(book: Any) -> tuple[list[Any], set[int]]:
    """The read-only workbook's cell styles (each with its ``numFmtId``) and the indexes of those
    openpyxl reads as dates (the private ``_cell_styles`` and ``_date_formats``)."""
    return list(book._cell_styles), set(book._date_formats)


def papermill_internals() -> types.SimpleNamespace:
    """The parts of papermill's engine the warm-kernel engine reuses, which papermill documents
    for no outside caller: its notebook client, its argument filter, its metadata, parameter and
    error-marker helpers, and its notebook loader."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import remove_args

    parts = (
        PapermillNotebookClient, remove_args, prepare_notebook_metadata, remove_error_markers,
        raise_for_execution_errors, load_notebook_node, parameterize_notebook,
    )  # fmt: skip
    return types.SimpleNamespace(**{part.__name__: part for part in parts})
