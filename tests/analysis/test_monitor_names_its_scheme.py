"""A month's figures name the scheme they were scored under, as a scored result does: the
bulletin's provenance reads ``scheme_name`` from either (the scheme is no longer a dict in meta)."""

from __future__ import annotations

from assess.analysis._monitor import monitor
from assess.intake._scheme import Scheme, default_scheme
from assess.reporting._provenance import facts


def test_the_bulletin_provenance_names_the_scheme(sample_2025):
    data = default_scheme().model_dump(mode="json", exclude_none=True)
    data["name"] = "office-monthly"
    m = monitor(sample_2025, month="2025-06", scheme=Scheme.model_validate(data))
    assert m.meta["scheme_name"] == "office-monthly"
    assert facts(m.meta)["scheme_name"] == "office-monthly"


def test_a_result_provenance_names_the_scheme(sample_2025_result):
    assert facts(sample_2025_result.meta)["scheme_name"] == "default"
