"""The private APIs behind assess.common._compat still exist in the installed pandas and Python.

Each failure names the version that removed one: change that one function in compat.py."""

from __future__ import annotations

import os
import platform
import warnings
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from assess.common._compat import pandas_option_keys, pool_processes


def _public_option_keys(wrapper: object, prefix: str = "") -> set[str]:
    """The options as pandas' public ``pd.options`` tree shows them (tab completion), walked."""
    keys: set[str] = set()
    for name in dir(wrapper):
        value = getattr(wrapper, name)
        if type(value).__name__ == "DictWrapper":
            keys |= _public_option_keys(value, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def test_pandas_still_keeps_its_option_registry_where_compat_reads_it():
    try:
        keys = pandas_option_keys(pd)
    except AttributeError as exc:
        raise AssertionError(
            f"pandas {pd.__version__} removed pandas._config.config._registered_options ({exc}); "
            "assess.common._compat.pandas_option_keys needs another way to list the options"
        ) from exc
    with warnings.catch_warnings():  # reading a deprecated option warns (kernel_state ignores it too)
        warnings.simplefilter("ignore")
        public = _public_option_keys(pd.options)
        for key in keys:  # every key is one get_option accepts, as kernel_state's restore needs
            pd.get_option(key)
    assert set(keys) == public, f"pandas {pd.__version__}: the registry no longer lists the options"
    assert {"display.max_rows", "display.precision"} <= set(keys)


def test_process_pool_still_keeps_its_workers_where_compat_reads_them():
    with ProcessPoolExecutor(max_workers=2) as pool:
        worker_pids = {pool.submit(os.getpid).result() for _ in range(4)}
        assert hasattr(pool, "_processes"), (
            f"Python {platform.python_version()} removed ProcessPoolExecutor._processes; "
            "assess.common._compat.pool_processes needs another way to find the workers"
        )
        processes = pool_processes(pool)
        assert worker_pids <= set(processes), (
            f"Python {platform.python_version()}: _processes no longer maps pid -> process"
        )
        assert all(process.pid == pid and process.is_alive() for pid, process in processes.items())
    assert pool_processes(pool) == {}  # after shutdown: none left to kill


def test_openpyxl_still_has_the_private_reader_intake_streams_cells_with(tmp_path):
    """assess.intake._read subclasses openpyxl's private WorkSheetParser and opens a read-only
    sheet's XML itself (openpyxl has no public sparse reader)."""
    import openpyxl
    import openpyxl.worksheet._reader as reader

    version = f"openpyxl {openpyxl.__version__}"
    for name in ("FORMULA_TAG", "INLINE_STRING", "VALUE_TAG", "WorkSheetParser", "_cast_number"):
        assert hasattr(reader, name), f"{version} removed openpyxl.worksheet._reader.{name}; see assess.intake._read"
    book = openpyxl.Workbook()
    book.active.append(["group_id", 1.5])
    book.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True, data_only=True).active
    for name in ("_get_source", "_shared_strings"):
        assert hasattr(ws, name), f"{version}: read-only sheets lost {name}; see assess.intake._read._read_sheet"
    for name in ("_date_formats", "_timedelta_formats", "epoch"):
        assert hasattr(ws.parent, name), f"{version}: workbooks lost {name}; see assess.intake._read._read_sheet"
    with ws._get_source() as source:
        rows = list(reader.WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=ws.parent.epoch).parse())
    assert [[cell["value"] for cell in row] for _, row in rows] == [["group_id", 1.5]], version
    ws.parent.close()


def test_papermill_still_has_the_internals_the_warm_engine_calls():
    """assess.batch._engine builds on papermill's undocumented modules (hence papermill<3 in
    pyproject.toml); each must still be there under the same name."""
    import importlib
    import importlib.metadata

    version = f"papermill {importlib.metadata.version('papermill')}"
    used = {
        "papermill.clientwrap": ["PapermillNotebookClient"],
        "papermill.utils": ["remove_args"],
        "papermill.engines": ["Engine", "papermill_engines"],
        "papermill.exceptions": ["PapermillExecutionError"],
        "papermill.iorw": ["load_notebook_node"],
        "papermill.execute": ["prepare_notebook_metadata", "remove_error_markers", "raise_for_execution_errors"],
        "papermill.parameterize": ["parameterize_notebook"],
    }
    for module, names in used.items():
        found = importlib.import_module(module)
        for name in names:
            assert hasattr(found, name), f"{version} removed {module}.{name}; see assess.batch._engine"


def test_openpyxl_still_has_the_streaming_parser_compat_reads(tmp_path) -> None:
    import openpyxl

    from assess.common._compat import openpyxl_reader, sheet_parser_options, sheet_source, workbook_styles

    missing = [
        name
        for name in ("WorkSheetParser", "_cast_number", "FORMULA_TAG", "INLINE_STRING", "VALUE_TAG")
        if not hasattr(openpyxl_reader(), name)
    ]
    assert not missing, (
        f"openpyxl {openpyxl.__version__} removed {', '.join(missing)} from openpyxl.worksheet._reader; "
        "assess.common._compat.openpyxl_reader (and assess.intake._read's sparse reader) need another way"
    )
    book = openpyxl.Workbook()
    book.active.title = "groups"
    book.active.append(["group_id", "name"])
    book.active.append(["G01", "One"])
    book.active["C5"] = 2.5
    book.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)["groups"]
    try:
        with sheet_source(ws) as src:
            parser = openpyxl_reader().WorkSheetParser(src, **sheet_parser_options(ws))
            rows = {number: [cell["value"] for cell in cells] for number, cells in parser.parse()}
    except AttributeError as exc:
        raise AssertionError(
            f"openpyxl {openpyxl.__version__}: a read-only sheet no longer has {exc.name!r}; "
            "assess.common._compat.sheet_source / sheet_parser_options need another way"
        ) from exc
    assert rows == {1: ["group_id", "name"], 2: ["G01", "One"], 5: [2.5]}  # only the cells written, sparse
    try:
        cell_styles, date_styles = workbook_styles(ws.parent)
    except AttributeError as exc:
        raise AssertionError(
            f"openpyxl {openpyxl.__version__}: a read-only workbook no longer has {exc.name!r}; "
            "assess.common._compat.workbook_styles needs another way"
        ) from exc
    assert all(hasattr(style, "numFmtId") for style in cell_styles) and date_styles <= set(range(len(cell_styles)))
    assert openpyxl_reader()._cast_number("3") == 3 and openpyxl_reader()._cast_number("2.5") == 2.5


def test_papermill_still_has_the_engine_parts_the_warm_engine_reuses() -> None:
    import papermill

    from assess.common._compat import papermill_internals

    try:
        parts = papermill_internals()
    except ImportError as exc:
        raise AssertionError(
            f"papermill {papermill.__version__} moved or removed {exc.name or exc}; "
            "assess.common._compat.papermill_internals needs another way"
        ) from exc
    assert all(callable(part) for part in vars(parts).values())
    assert parts.remove_args(["timeout"], timeout=1, kernel_name="python3") == {"kernel_name": "python3"}
