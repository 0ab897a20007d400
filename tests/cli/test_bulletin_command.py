"""``assess bulletin``: the files it writes, reproducibly, in both languages (runs the notebook: slow)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assess.cli import main
from monitor_sheets import sheets
from workbooks import write_workbook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(tmp_path_factory.mktemp("bulletin") / "data.xlsx", sheets())


def test_a_past_month_is_the_same_byte_for_byte(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")
    for out in ("a", "b"):
        assert (
            main(["bulletin", str(workbook), "--month", "2025-06", "--out", str(tmp_path / out), "-q", "--docx"]) == 0
        )
    for ext in ("html", "xlsx", "docx"):
        a, b = (tmp_path / out / f"bulletin-2025-06.{ext}" for out in ("a", "b"))
        assert a.read_bytes() == b.read_bytes(), ext
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "bulletin-2025-06.docx",
        "bulletin-2025-06.html",
        "bulletin-2025-06.xlsx",
    ]  # fmt: skip  (the kernel's working folder is gone)


def test_the_chinese_bulletin(workbook: Path, tmp_path: Path) -> None:
    assert (
        main(["bulletin", str(workbook), "--month", "2025-06", "--out", str(tmp_path), "--lang", "zh", "-q", "--docx"])
        == 0
    )
    page = (tmp_path / "bulletin-2025-06.html").read_text(encoding="utf-8")
    for phrase in (
        "2025年6月工作通报",
        "本月共收集问题 2 个，办结 1 个；今年累计收集 6 个、办结 2 个，办结率 33.3%。",
        "督办清单", "县自然资源局", "台账报送情况", "迟报 3 天", "未报", "各工作组进展", "暂评得分", "数据不足",
        "近三个月中有两个月以上迟报或未报台账的工作组 2 个：第二工作组、第三工作组。",
    ):  # fmt: skip
        assert phrase in page, phrase
    assert "Content-Security-Policy" in page and 'name="assess:period" content="2025-06"' in page
    book = openpyxl.load_workbook(tmp_path / "bulletin-2025-06.xlsx")
    assert book.sheetnames[:3] == ["全区概况", "督办清单", "30天内到期"]
    supervision = book["督办清单"]
    headers = [c.value for c in supervision[1]]
    assert {"工作组", "服务对象", "问题类别", "优先级", "责任单位", "责任人", "办结时限", "逾期天数"} <= set(headers)
    assert [r[headers.index("逾期天数")] for r in supervision.iter_rows(min_row=2, values_only=True)] == [211, 121, 20]
    with zipfile.ZipFile(tmp_path / "bulletin-2025-06.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        footer = "".join(docx.read(n).decode("utf-8") for n in docx.namelist() if n.startswith("word/footer"))
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert "全区概况" in body and "督办清单" in body and "县自然资源局" in body
    assert "PAGE" in footer and "NUMPAGES" in footer and "第" in footer
    assert 'w:eastAsia="SimSun"' in styles


def test_the_quarter_review(workbook: Path, tmp_path: Path) -> None:
    assert main(["bulletin", str(workbook), "--quarter", "2025-Q2", "--out", str(tmp_path), "--lang", "zh", "-q"]) == 0
    page = (tmp_path / "bulletin-2025-Q2.html").read_text(encoding="utf-8")
    assert "2025年第二季度讲评材料" in page and "本季度共收集问题 4 个，办结 1 个" in page
    assert "问题久拖未决" in page and "长重机械" in page and "较上季度" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    book = openpyxl.load_workbook(tmp_path / "bulletin-2025-Q2.xlsx")
    assert {"服务对象评价", "评价项目", "服务对象意见"} <= set(book.sheetnames)


def test_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = sheets()
    bad["problems"][1][3] = "not a date"
    data = write_workbook(tmp_path / "bad.xlsx", bad)
    assert main(["bulletin", str(data), "--month", "2025-06", "--out", str(tmp_path / "out"), "-q"]) == 2
    assert "raised_on" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_month_is_required(workbook: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["bulletin", str(workbook), "--month", "2025-6x", "--out", str(tmp_path)])
    assert stop.value.code == 2


def test_the_sample_june_bulletin_in_chinese_prints_on_four_pages_at_most(tmp_path: Path) -> None:
    """38 groups, --lang zh --pdf: at most 4 A4 pages, and not one English word on them."""
    pytest.importorskip("weasyprint")
    pikepdf = pytest.importorskip("pikepdf")
    from assess.batch._pipeline import write_sample

    data = write_sample(tmp_path / "sample.xlsx")
    out = tmp_path / "out"
    assert main(["bulletin", str(data), "--month", "2025-06", "--out", str(out), "--lang", "zh", "--pdf", "-q"]) == 0
    with pikepdf.open(out / "bulletin-2025-06.pdf") as pdf:
        assert 1 <= len(pdf.pages) <= 4
    if shutil.which("pdftotext"):
        printed = subprocess.run(
            ["pdftotext", str(out / "bulletin-2025-06.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        printed = re.sub(r"[0-9a-f]{64}", "", printed.replace("\n", ""))  # checksums wrap across lines
        assert "工作通报" in printed and "督办清单" in printed
        assert not re.findall(r"[A-Za-z]{2,}", printed)
