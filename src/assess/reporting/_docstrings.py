"""The Parameters and Returns every report section and figure shares, written once.

A section is ``section(result, group_id, lang)`` and a figure of one group
``figure(result, group_id, lang)``; their numpydoc blocks were copied into each function.
:func:`shared_parameters` appends the block to a docstring, as pandas' ``@doc`` does, so the
reference documentation still shows it under every function.

Examples
--------
>>> @shared_parameters(inputs=True)
... def section(result, group_id, lang="en"):
...     '''One part of a group's report.'''
>>> print(section.__doc__.splitlines()[4])
    result : Result
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["shared_parameters"]

F = TypeVar("F", bound=Callable[..., object])

_BLOCK = """

    Parameters
    ----------
    {source}
        {about}
    group_id : str
        {group}; ``KeyError`` if it is not in {where}.
    lang : {{"en", "zh"}}
        {language}

    Returns
    -------
    {returns}
"""


def shared_parameters(
    *,
    inputs: bool = False,
    figure: bool = False,
    uncertainty: bool = False,
    highlight: bool = False,
    returns_note: str = "",
) -> Callable[[F], F]:
    """Append the shared Parameters/Returns block to the decorated function's docstring.

    ``inputs``: the result must carry its inputs; ``figure``: a matplotlib figure (labels in
    English without a CJK font) rather than HTML; ``uncertainty``: the source is a result with an
    uncertainty analysis or the analysis; ``highlight``: the group is the one drawn in colour;
    ``returns_note`` is a line under the return type.
    """
    if uncertainty:
        source, about = (
            "source : Result or Uncertainty",
            "A result with an uncertainty analysis attached, or the analysis.",
        )
        where = "the analysis"
    else:
        source = "result : Result"
        about = "A loaded assessment result (with its inputs)." if inputs else "A loaded assessment result."
        where = "``result``"
    block = _BLOCK.format(
        source=source,
        about=about,
        group="The group to highlight" if highlight else "The group",
        where=where,
        language="Label language (English if no CJK font is installed)." if figure else "Label language.",
        returns="matplotlib.figure.Figure" if figure else "IPython.display.HTML",
    )
    if returns_note:
        block += f"        {returns_note}\n"

    def decorate(func: F) -> F:
        func.__doc__ = (func.__doc__ or "").rstrip() + block + "    "
        return func

    return decorate
