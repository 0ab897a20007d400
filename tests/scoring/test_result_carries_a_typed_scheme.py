"""A result carries its validated scheme (``result.scheme``), saves it and reads it back,
including from folders saved when the scheme was a plain mapping in ``meta.json``; it shows
itself in the language asked for."""

from __future__ import annotations

import json

import pandas as pd

import assess
from assess.intake._scheme import Scheme, default_scheme, load_scheme
from assess.scoring._result import Result, load_result, result_html, save_result


def _custom(scheme: Scheme) -> Scheme:
    data = scheme.model_dump(mode="json", exclude_none=True)
    data["name"] = "office-2025"
    data["components"]["daily_work"]["weight"] = 0.5
    data["components"]["effectiveness"]["weight"] = 0.2
    data["grades"]["bands"][0]["label"] = {"en": "Top", "zh": "顶尖"}
    return Scheme.model_validate(data)


def test_score_carries_the_scheme_object_not_a_dict(sample_2025, sample_2025_result):
    assert sample_2025_result.scheme is default_scheme()
    assert "scheme" not in sample_2025_result.meta
    assert sample_2025_result.meta["scheme_name"] == "default"
    custom = _custom(default_scheme())
    result = assess.score(sample_2025, 2025, scheme=custom)
    assert result.scheme == custom
    assert result.meta["scheme_name"] == "office-2025"
    assert result.meta["scheme_sha256"] == custom.sha256


def test_save_and_load_round_trip_the_scheme(sample_2025, tmp_path):
    custom = _custom(default_scheme())
    result = assess.score(sample_2025, 2025, scheme=custom)
    folder = save_result(result, tmp_path / "results")
    assert load_scheme(folder / "scheme.yaml") == custom  # a scheme file an office can reuse
    back = load_result(folder)
    assert isinstance(back.scheme, Scheme)
    assert back.scheme == custom
    assert list(back.scheme.indicators) == list(custom.indicators)  # the order of the columns
    assert back.scheme.sha256 == result.meta["scheme_sha256"]
    assert back.meta == result.meta


def test_a_folder_saved_the_old_way_is_read(sample_2025_result, tmp_path):
    folder = save_result(sample_2025_result, tmp_path / "results")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    # as saved before: no scheme.yaml, no scheme_name, the scheme a mapping in meta.json
    # (its keys sorted) with a setting since removed
    (folder / "scheme.yaml").unlink()
    del meta["scheme_name"]
    meta["scheme"] = default_scheme().model_dump(mode="json") | {"rating_leniency": False}
    (folder / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    back = load_result(folder)
    assert back.scheme == default_scheme()
    assert back.meta["scheme_name"] == "default"
    assert "scheme" not in back.meta


def test_a_result_built_with_a_scheme_mapping_in_meta_reads_it():
    data = _custom(default_scheme()).model_dump(mode="json")
    r = Result(scores=pd.DataFrame(), indicators=pd.DataFrame(), groups=pd.DataFrame(), meta={"scheme": data})
    assert r.scheme.name == "office-2025" and r.scheme.components["daily_work"].weight == 0.5
    assert r.meta == {"scheme_name": "office-2025"}


def test_the_summary_follows_the_result_language(sample_2025_result):
    en = result_html(sample_2025_result)
    assert "Assessment 2025" in en and "Top 10 by final score" in en and "等次" not in en
    zh_result = sample_2025_result.in_language("zh")
    zh = zh_result._repr_html_()
    assert "2025年度考核" in zh and "最终得分前10名" in zh and "Top 10" not in zh
    assert "优秀" in zh  # the band's own Chinese label
    assert repr(zh_result) == "<Result: 2025年度考核（截至2025-12-31），考核方案 default：38个工作组>"
    assert repr(sample_2025_result) == "<Result: Assessment 2025 (as of 2025-12-31), scheme default: 38 groups>"
    assert zh_result == sample_2025_result  # the language is how it shows, not what it is
