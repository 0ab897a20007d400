"""The console speaks the command's --lang (default: ASSESS_LANG), every phrase from the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.batch._ledger import Ledger
from assess.batch._pipeline import write_sample
from assess.cli import main
from assess.common._messages import message
from assess.intake._spec import SHEETS


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("console") / "year.xlsx", groups=6)


def test_validate_summary_and_warnings_are_chinese_with_lang_zh(sample: Path, capsys) -> None:
    assert main(["validate", str(sample), "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # "<file>：校验通过（工作组 6 行，...）" — the sheets by their Chinese names, as the workbook has them
    assert lines[0].startswith(f"{sample}：校验通过（{SHEETS['groups'].zh} 6 行，")
    assert "groups" not in lines[0] and "valid" not in lines[0]
    assert all(line.startswith("提醒：") for line in lines[1:])


def test_assess_lang_gives_the_default_and_lang_wins(sample: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ASSESS_LANG", "zh")
    assert main(["validate", str(sample)]) == 0
    assert "校验通过" in capsys.readouterr().out
    assert main(["validate", str(sample), "--lang", "en"]) == 0
    assert f"{sample}: valid (6 groups, " in capsys.readouterr().out


def test_an_unknown_assess_lang_is_refused_naming_it(sample: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ASSESS_LANG", "fr")
    with pytest.raises(SystemExit) as exit_:
        main(["validate", str(sample)])
    assert exit_.value.code == 2
    assert "ASSESS_LANG='fr' is not a language assess writes; set it to en or zh" in capsys.readouterr().err


def test_score_and_scheme_check_say_their_line_in_chinese(sample: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["score", str(sample), "--year", "2025", "--out", str(out), "--lang", "zh"]) == 0
    assert capsys.readouterr().out == f"已完成 6 个工作组的评分；已生成 {out / 'scores.xlsx'}\n"
    scheme = Path(__file__).resolve().parents[2] / "src" / "assess" / "intake" / "default_scheme.yaml"
    assert main(["scheme", "check", str(scheme), "--lang", "zh"]) == 0
    assert capsys.readouterr().out == f"{scheme}：校验通过（default；3 个考核维度，9 项指标）\n"


def test_status_in_chinese_reads_the_same_ledger(tmp_path: Path, capsys) -> None:
    ledger = Ledger(tmp_path)  # the ledger a run writes, with one report ok and one failed after a retry
    ledger.start({"executor": "local", "isolation": "warm"}, groups=2, to_run=2)
    ledger.report(group_id="G01", status="ok", seconds=2.0, attempts=1)
    ledger.report(
        group_id="G02", status="failed", error_class="timeout", error="CellTimeoutError: x", seconds=4.0, attempts=2
    )
    ledger.end(6.5, written=1, skipped=0, failed=1)
    ledger.close()
    assert main(["status", str(tmp_path), "--lang", "zh"]) == 1
    text = capsys.readouterr().out
    assert "用时 6.5 秒完成" in text
    assert "  2 个工作组：新生成 1 份，未变 0 份，失败 1 份" in text
    assert "  每份报告用时：中位数 3.00 秒，最长 4.00 秒（G02）" in text
    assert "  重试：G02 ×2" in text
    assert "当前报告：正常 1 份，失败 1 份" in text
    assert "  G02：timeout，尝试 2 次，用时 4.0 秒 — CellTimeoutError: x" in text
    assert text.rstrip().endswith("只重新生成这些报告：assess run ... --failed")
    assert main(["status", str(tmp_path)]) == 1  # the same facts in English
    assert "reports now: 1 ok, 1 failed" in capsys.readouterr().out


def test_a_bad_parameter_name_is_refused_in_the_console_language(sample: Path, tmp_path: Path, capsys) -> None:
    args = ["run", str(sample), "--year", "2025", "--out", str(tmp_path / "o"), "-p", "2x", "1", "--lang", "zh"]
    assert main(args) == 2
    expected = message("console", "bad_parameter", "zh", given="-p 2x 1", name="'2x'", example="-p sections summary")
    assert capsys.readouterr().err.strip() == expected
    assert expected.startswith("-p 2x 1：'2x' 不是参数名") and not (tmp_path / "o").exists()


def test_template_option_mistakes_are_said_in_chinese(sample: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["template", str(tmp_path / "t.xlsx"), "--data", str(sample), "--lang", "zh"])
    assert exit_.value.code == 2
    assert "error: --data 和 --month 须与 --group 同用：生成一个工作组一个月的报送表" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["template", str(sample), "--group", "G01", "--data", str(sample), "--month", "2025-06", "--force"])
    assert (
        f"argument path: {str(sample)!r} is the --data workbook itself; choose another name" in capsys.readouterr().err
    )
    assert not (tmp_path / "t.xlsx").exists()
