"""The what-if views an analyst uses in notebooks/04-what-if: reasons beside blank ranks, sliders in
the notebook's language, and the weights actually used after renormalisation."""

from __future__ import annotations

import pandas as pd
import pytest

import assess
from assess.intake._sample import make_sample
from assess.intake._validate import Dataset
from assess.reporting import explore


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return Dataset(tables=make_sample(groups=12, seed=3), source="seed3", sha256="0" * 64, warnings=[])


def test_a_blank_rank_comes_with_its_reason(dataset) -> None:
    nominal = assess.score(dataset, year=2025)
    vetoed = set(nominal.scores.loc[nominal.scores["flags"].fillna("").str.contains("veto"), "group_id"])
    assert vetoed, "the sample should hold a vetoed group"
    alternative = assess.score(dataset, year=2025, scheme=explore.reweighted(components={"service_rating": 1.0}))
    for lang, word in (("en", "veto"), ("zh", "一票否决")):
        table = explore.what_if(nominal, alternative, lang=lang)
        rank, flags = table.columns[2], table.columns[4]
        for gid in vetoed:
            assert pd.isna(table.loc[gid, rank])
            assert word in table.loc[gid, flags]
    # a quota demotion is named where the scores say so
    demoted = nominal.scores.loc[nominal.scores["flags"].fillna("").str.contains("quota_demoted"), "group_id"]
    table = explore.what_if(nominal, alternative, lang="zh")
    for gid in demoted:
        assert "受等次名额限制降档" in table.loc[gid, "备注"]


def test_sliders_speak_the_notebooks_language_and_show_the_weights_used(dataset, capsys) -> None:
    pytest.importorskip("ipywidgets")
    box = explore.weight_sliders(dataset, 2025, lang="zh")
    descriptions = [w.description for w in box.children if hasattr(w, "value") and hasattr(w, "description")]
    assert descriptions[:3] == ["日常工作", "工作成效", "服务对象评价"]
    box.f(daily_work=0.3, effectiveness=0.4, service_rating=0.6)  # what moving one slider to 0.6 calls
    out = capsys.readouterr().out
    # 0.3 / 1.3, 0.4 / 1.3, 0.6 / 1.3, computed by hand
    assert "实际使用的权重（按合计为 1 重新折算）：日常工作 0.23、工作成效 0.31、服务对象评价 0.46" in out
