"""Optional parts of ``assess`` and the packages each needs (the extras of ``pyproject.toml``).

The core (intake, scoring, ``scores.xlsx``) installs with ``pip install assess``; HTML reports,
PDFs, the notebook widgets and the dask executor each come with an extra. :func:`require` is
called where such a part starts, before its heavy imports: a missing package is then one clear
sentence naming the ``pip install`` to run, never an ``ImportError`` traceback.
"""

from __future__ import annotations

import importlib.util

from assess.common._errors import AssessError
from assess.common._messages import message

__all__ = ["EXTRAS", "MODULES", "MissingExtraError", "missing_modules", "require"]

#: The extras, each a part of ``assess`` with its packages (declared in pyproject.toml); what needs
#: each is the phrase ``purpose.<extra>`` of the ``extras`` catalogue section.
EXTRAS: tuple[str, ...] = ("reports", "pdf", "docx", "lab", "cluster")

#: extra -> the top-level modules ``assess`` imports from it (tests/test_extras.py checks these
#: against pyproject.toml).
MODULES: dict[str, tuple[str, ...]] = {
    "reports": (
        "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client", "jupyter_core",
        "zmq", "traitlets", "IPython", "matplotlib", "seaborn", "jinja2", "markupsafe", "psutil", "tqdm",
    ),
    "pdf": ("weasyprint", "pikepdf", "fontTools"),  # pikepdf: the bound file; fontTools: the subset fonts
    "docx": ("docx",),  # python-docx: assess bulletin --docx
    "lab": ("ipywidgets",),
    "cluster": ("distributed",),
}  # fmt: skip


class MissingExtraError(AssessError):
    """A part of ``assess`` was asked for whose extra is not installed; ``modules`` are the
    missing top-level modules. The message says, in English and Chinese, what to install."""

    def __init__(self, extra: str, modules: list[str]) -> None:
        self.extra, self.modules = extra, modules
        command = f"pip install 'assess[{extra}]'"
        super().__init__(
            "\n".join(
                message(
                    "extras", "missing", lang, purpose=message("extras", f"purpose.{extra}", lang), extra=extra,
                    command=command, modules=message("marks", "list_separator", lang).join(modules),
                )
                for lang in ("en", "zh")
            )
        )  # fmt: skip


def missing_modules(*modules: str) -> list[str]:
    """The given top-level modules that cannot be imported here (found without importing them)."""
    absent = []
    for name in modules:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a broken parent package, or sys.modules[name] is None
            found = False
        if not found:
            absent.append(name)
    return absent


def require(extra: str, *modules: str) -> None:
    """Raise :class:`MissingExtraError` unless every module of ``extra`` can be imported.

    ``modules`` are the top-level import names the calling code needs; by default all of the
    extra's (:data:`MODULES`)."""
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}; known: {', '.join(EXTRAS)}")
    absent = missing_modules(*(modules or MODULES[extra]))
    if absent:
        raise MissingExtraError(extra, absent)
