"""The module paths of assess 0.1 and 0.2 still import, with a DeprecationWarning naming the new path."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

import assess
from assess._moved import MOVED, private_path

SRC = Path(assess.__file__).parent
#: every module path of 0.2 (``assess.intake.read``), from the private files that replaced them
OLD_0_2 = sorted(
    f"assess.{path.parent.name}.{path.stem[1:]}"
    for path in SRC.glob("*/_*.py")
    if not path.name.startswith("__") and path.parent.name != "__pycache__"
)


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_path_gives_the_module_at_its_new_path_and_warns(old, new, monkeypatch):
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=f"{old} is an old module path: .* now {new}, private"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__name__ == new  # the module is not renamed by the alias


def test_from_an_old_path_import_a_name(monkeypatch):
    monkeypatch.delitem(sys.modules, "assess.labels", raising=False)
    with pytest.warns(DeprecationWarning):
        from assess.labels import text  # noqa: PLC0415
    from assess.reporting._i18n import text as new_text

    assert text is new_text


def test_every_new_path_exists_and_no_old_path_is_a_file():
    package = sys.modules["assess"].__path__[0]
    for old, new in MOVED.items():
        assert importlib.util.find_spec(new) is not None, new
        assert not (importlib.util.find_spec(new).origin or "").startswith(f"{package}/{old.split('.')[1]}.py")


def test_assess_uncertainty_is_the_function_and_the_old_module_path_says_where_things_went():
    assert callable(assess.uncertainty)
    with pytest.raises(ImportError, match=r"import the module's contents from assess.analysis \(attach_uncertainty"):
        from assess.uncertainty import rank_intervals_figure  # noqa: F401, PLC0415


def test_the_0_2_paths_are_the_private_modules_found_on_disk():
    assert "assess.intake.read" in OLD_0_2 and "assess.scoring.compute" in OLD_0_2
    assert len(OLD_0_2) >= 45


@pytest.mark.parametrize("old", OLD_0_2)
def test_every_0_2_module_path_imports_its_private_module_with_a_warning(old, monkeypatch):
    package, _, name = old.rpartition(".")
    new = f"{package}._{name}"
    assert private_path(old) == new
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=f"import the public names from {package} "):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_from_an_0_2_path_import_a_name_the_package_now_exports(monkeypatch):
    monkeypatch.delitem(sys.modules, "assess.scoring.compute", raising=False)
    with pytest.warns(DeprecationWarning, match="assess.scoring.compute is an old module path"):
        from assess.scoring.compute import score  # noqa: PLC0415
    from assess.scoring import score as public  # noqa: PLC0415

    assert score is public is assess.score


def test_an_old_module_path_does_not_replace_the_public_function_of_the_same_name(monkeypatch):
    import assess.analysis  # noqa: PLC0415

    monkeypatch.delitem(sys.modules, "assess.analysis.uncertainty", raising=False)
    with pytest.warns(DeprecationWarning):
        importlib.import_module("assess.analysis.uncertainty")
    assert callable(assess.analysis.uncertainty) and assess.analysis.uncertainty is assess.uncertainty
