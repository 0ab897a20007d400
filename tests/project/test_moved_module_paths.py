"""The module paths of assess 0.1 still import, with a DeprecationWarning naming the new path."""

from __future__ import annotations

import importlib
import sys

import pytest

import assess
from assess._moved import MOVED


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_path_gives_the_module_at_its_new_path_and_warns(old, new, monkeypatch):
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new} in assess 0.2"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__name__ == new  # the module is not renamed by the alias


def test_from_an_old_path_import_a_name(monkeypatch):
    monkeypatch.delitem(sys.modules, "assess.labels", raising=False)
    with pytest.warns(DeprecationWarning):
        from assess.labels import text  # noqa: PLC0415
    from assess.reporting.i18n import text as new_text

    assert text is new_text


def test_every_new_path_exists_and_no_old_path_is_a_file():
    package = sys.modules["assess"].__path__[0]
    for old, new in MOVED.items():
        assert importlib.util.find_spec(new) is not None, new
        assert not (importlib.util.find_spec(new).origin or "").startswith(f"{package}/{old.split('.')[1]}.py")


def test_assess_uncertainty_is_the_function_and_the_old_module_path_says_where_things_went():
    assert callable(assess.uncertainty)
    with pytest.raises(ImportError, match="import the module's contents from assess.analysis.uncertainty"):
        from assess.uncertainty import rank_intervals_figure  # noqa: F401, PLC0415
