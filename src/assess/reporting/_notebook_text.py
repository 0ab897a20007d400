"""The analysts' notebooks' prose, in the notebook's ``lang``, from the message catalogues.

Every heading and paragraph of ``notebooks/0*.ipynb`` is a phrase of the catalogues' ``notebooks``
section (``assess/common/locales/en.yaml`` and ``zh.yaml``), keyed ``<notebook>.<part>``. A
notebook shows it with a code cell ``prose("<key>", lang)`` whose input is collapsed in
JupyterLab (cell metadata ``jupyter.source_hidden``) and left out of the exported HTML, so the
papermill parameter ``lang`` switches the words together with the tables and charts. The cell's
metadata names its key too (``assess.text``); ``tests/notebooks`` checks that every prose cell
is backed by a key and that no notebook keeps a hand-written markdown cell of its own.
"""

from __future__ import annotations

from IPython.display import Markdown

from assess.common import Domain

__all__ = ["DOMAIN", "prose", "keys"]

#: The notebooks' phrases, ``lang → {key: markdown}``.
DOMAIN = Domain("notebooks")


def prose(key: str, lang: str = "en") -> Markdown:
    """The notebook paragraph ``key`` in ``lang``, displayed as Markdown.

    Examples
    --------
    >>> prose("overview.scores", "en").data.splitlines()[0], prose("overview.scores", "zh").data.splitlines()[0]
    ('## Scores', '## 得分')
    """
    return Markdown(DOMAIN.text(key, lang))


def keys(notebook: str) -> list[str]:
    """The keys of one notebook's prose (``notebook`` is the key prefix, e.g. ``"overview"``), in catalogue order."""
    return [key for key in DOMAIN["en"] if key.split(".", 1)[0] == notebook]
