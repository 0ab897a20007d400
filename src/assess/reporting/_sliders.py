"""The what-if sliders of ``notebooks/04-what-if``: move a component's weight, see who moves."""

from __future__ import annotations

from typing import Any

from assess.common import require
from assess.intake import Dataset, Scheme, default_scheme
from assess.reporting._what_if import EXPLORE, reweighted, what_if

__all__ = ["weight_sliders"]


def weight_sliders(
    dataset: Dataset, year: int, scheme: Scheme | None = None, as_of: str | None = None, lang: str = "en"
) -> Any:
    """ipywidgets sliders for the component weights; moving them rescores and shows the
    groups whose grade or rank changes.

    The sliders are labelled in ``lang``; since the weights are renormalised to sum to 1, the
    weights actually used are printed above the table on every change.
    """
    require("lab")
    import ipywidgets as widgets
    from IPython.display import display

    from assess.scoring import prepare

    scheme = scheme or default_scheme()
    prepared = prepare(dataset, year, as_of, scheme)  # the indicators once; each slider move only reweighs
    nominal = prepared.rescore(scheme)
    labels = {name: getattr(c.label, lang) for name, c in scheme.components.items()}
    sliders = {
        name: widgets.FloatSlider(
            value=c.weight, min=0.05, max=1.0, step=0.05, description=labels[name], continuous_update=False,
            style={"description_width": "initial"},
        )
        for name, c in scheme.components.items()
    }  # fmt: skip

    def show(**weights: float) -> None:
        used = reweighted(scheme, components=weights)
        alt = prepared.rescore(used)
        table = what_if(nominal, alt, lang=lang)
        moved = int(table.iloc[:, -1].sum())
        largest = int(table.iloc[:, -2].abs().max()) if table.iloc[:, -2].notna().any() else 0
        sep = EXPLORE.text("list_separator", lang)
        effective = sep.join(f"{labels[n]} {c.weight:.2f}" for n, c in used.components.items())
        print(EXPLORE.text("weights_used", lang, weights=effective))
        print(EXPLORE.text("what_if_moves", lang, moved=moved, largest=largest))
        display(table.head(15).round(1))

    return widgets.interactive(show, **sliders)
