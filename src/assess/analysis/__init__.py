"""Analysis: uncertainty and sensitivity of the grades, indicator importance, year over year.

The public names are imported on first use (PEP 562); the modules that define them are private."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.common import lazy_exports

if TYPE_CHECKING:
    from assess.analysis._coherence import COHERENCE_WORDS, coherence, coherence_sheet, red_flags
    from assess.analysis._history import compare, read_previous
    from assess.analysis._importance import importance, nominal_weights
    from assess.analysis._monitor import Monitor, Period, monitor, parse_period, trajectories
    from assess.analysis._scenarios import (
        SCENARIO_WORDS,
        alternatives,
        attach_scenarios,
        band_labels,
        grade_line,
        label,
        scenario_sheet,
    )
    from assess.analysis._uncertainty import (
        FACTORS,
        PROSE,
        UNCERTAINTY_WORDS,
        Uncertainty,
        attach_uncertainty,
        sentence,
        sentences,
        uncertainty,
    )

#: public name -> the private module that defines it
_PUBLIC = {
    "COHERENCE_WORDS": "assess.analysis._coherence",
    "FACTORS": "assess.analysis._uncertainty",
    "Monitor": "assess.analysis._monitor",
    "PROSE": "assess.analysis._uncertainty",
    "Period": "assess.analysis._monitor",
    "SCENARIO_WORDS": "assess.analysis._scenarios",
    "UNCERTAINTY_WORDS": "assess.analysis._uncertainty",
    "Uncertainty": "assess.analysis._uncertainty",
    "alternatives": "assess.analysis._scenarios",
    "attach_scenarios": "assess.analysis._scenarios",
    "attach_uncertainty": "assess.analysis._uncertainty",
    "band_labels": "assess.analysis._scenarios",
    "coherence": "assess.analysis._coherence",
    "coherence_sheet": "assess.analysis._coherence",
    "compare": "assess.analysis._history",
    "grade_line": "assess.analysis._scenarios",
    "importance": "assess.analysis._importance",
    "label": "assess.analysis._scenarios",
    "monitor": "assess.analysis._monitor",
    "nominal_weights": "assess.analysis._importance",
    "parse_period": "assess.analysis._monitor",
    "read_previous": "assess.analysis._history",
    "red_flags": "assess.analysis._coherence",
    "scenario_sheet": "assess.analysis._scenarios",
    "sentence": "assess.analysis._uncertainty",
    "sentences": "assess.analysis._uncertainty",
    "trajectories": "assess.analysis._monitor",
    "uncertainty": "assess.analysis._uncertainty",
}

__all__ = [
    "COHERENCE_WORDS",
    "FACTORS",
    "Monitor",
    "PROSE",
    "Period",
    "SCENARIO_WORDS",
    "UNCERTAINTY_WORDS",
    "Uncertainty",
    "alternatives",
    "attach_scenarios",
    "attach_uncertainty",
    "band_labels",
    "coherence",
    "coherence_sheet",
    "compare",
    "grade_line",
    "importance",
    "label",
    "monitor",
    "nominal_weights",
    "parse_period",
    "read_previous",
    "red_flags",
    "scenario_sheet",
    "sentence",
    "sentences",
    "trajectories",
    "uncertainty",
]

__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
