"""PDF export: Chinese text, scores and grades in the text layer, planted markup as
literal text, reproducible bytes, and nothing fetched from outside the page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from pypdf import PdfReader

from assess.reporting import _pages as pages
from assess.reporting import sections as report
from assess.reporting._pdf import ExportError, html_to_pdf
from assess.scoring._result import load_result
from planted import GENERATED_AT, PLANTED_COMMENT, PLANTED_NAME, PLANTED_REASON, page_for

pytestmark = pytest.mark.slow  # WeasyPrint lays out a few pages per test (about a second each)


@pytest.fixture(scope="module")
def result(planted_scored: Path):
    return load_result(planted_scored / "results")


def _pdf_text(path: Path) -> str:
    """The PDF's text with whitespace removed (extraction breaks lines where the layout does)."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def exported(result, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """G01 in Chinese and G02 (the planted group) in English, as HTML and PDF."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for group_id, lang in (("G01", "zh"), ("G02", "en")):
        html_path = folder / f"{group_id}-{lang}.html"
        html_path.write_text(page_for(result, group_id, lang), encoding="utf-8")
        pdf_path = folder / f"{group_id}-{lang}.pdf"
        html_to_pdf(html_path, pdf_path)
        paths[group_id, lang] = pdf_path
    return paths


def test_pdf_holds_chinese_name_score_and_grade(result, exported) -> None:
    pdf = exported["G01", "zh"]
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf)
    row = result.group("G01")
    assert "第一工作组" in text
    assert report.format_score(row["final_score"]) in text
    assert report.grade_label(result, row["grade"], "zh") in text
    ranked = result.scores[~result.scores["flags"].fillna("").str.contains("veto|insufficient_data")]
    assert f"第{int(row['rank'])}名，共{len(ranked)}个" in text
    assert "数据来源" in text and result.meta["input_sha256"] in text  # the last line of small print


def test_planted_markup_is_literal_text_in_the_pdf(exported) -> None:
    text = _pdf_text(exported["G02", "en"])
    for probe in (PLANTED_NAME, PLANTED_COMMENT, PLANTED_REASON):
        assert re.sub(r"\s+", "", probe) in text, probe


@pytest.mark.parametrize(("key", "footer"), [(("G01", "zh"), "第{n}页共{m}页"), (("G02", "en"), "Page{n}of{m}")])
def test_at_most_three_pages_each_with_its_number_and_the_running_header(result, exported, key, footer: str) -> None:
    reader = PdfReader(exported[key])
    m = len(reader.pages)
    assert 1 <= m <= 3
    head = "考核办·2025年度·第一工作组" if key[1] == "zh" else "Assessmentoffice·2025·"
    for n, page in enumerate(reader.pages, start=1):
        text = re.sub(r"\s+", "", page.extract_text() or "")
        assert footer.format(n=n, m=m) in text, (n, text[-200:])
        assert head in text, text[:200]
    last = re.sub(r"\s+", "", reader.pages[-1].extract_text() or "")
    if key[1] == "zh":
        assert "考核意见" in last and "考核人（签字）" in last and "日期" in last


def test_pdf_metadata_and_pages(result, exported) -> None:
    reader = PdfReader(exported["G01", "zh"])
    info = reader.metadata
    # provenance in the PDF metadata (WeasyPrint keeps the letters and digits of each meta name)
    assert info["/assessinputsha256"] == result.meta["input_sha256"]
    assert info["/assessschemesha256"] == result.meta["scheme_sha256"]
    assert info["/assessgroupid"] == "G01"
    assert info.title.startswith("G01")
    assert info.creator == f"assess {result.meta['version']}"
    assert info.creation_date is not None
    assert info.creation_date.isoformat().startswith(GENERATED_AT[:19])


def test_report_charts_are_copied_into_the_pdf_as_they_are(exported) -> None:
    """The charts are JPEG (report.figure_jpeg): each image of the PDF is the page's own JPEG,
    byte for byte (DCTDecode), not a decoded and re-encoded copy with a separate alpha mask."""
    import base64

    html = exported["G01", "zh"].with_suffix(".html").read_text(encoding="utf-8")
    jpegs = {base64.b64decode(data) for data in re.findall(r'src="data:image/jpeg;base64,([^"]+)"', html)}
    assert len(jpegs) == 3 and 'src="data:image/png' not in html
    embedded = []
    for page in PdfReader(exported["G01", "zh"]).pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            image = ref.get_object()
            if image.get("/Subtype") == "/Image":
                assert image["/Filter"] == "/DCTDecode" and "/SMask" not in image
                embedded.append(image._data)
    assert set(embedded) == jpegs


def test_same_html_gives_the_same_pdf(exported, tmp_path: Path) -> None:
    html_path = exported["G02", "en"].with_suffix(".html")
    again = tmp_path / "again.pdf"
    html_to_pdf(html_path, again)
    assert again.read_bytes() == exported["G02", "en"].read_bytes()


def test_nothing_is_fetched_from_outside(tmp_path: Path) -> None:
    page = pages.page("probe", '<p>x</p><img src="http://127.0.0.1:9/x.png">', "en")
    html_path = tmp_path / "probe.html"
    html_path.write_text(page, encoding="utf-8")
    with pytest.raises(ExportError, match="self-contained"):
        html_to_pdf(html_path, tmp_path / "probe.pdf")
    assert list(tmp_path.iterdir()) == [html_path]  # no PDF, not even a partial one


def test_bound_file_has_a_bookmark_per_group_in_rank_order(result, exported, tmp_path: Path) -> None:
    """reports.pdf: cover, contents and summary, then each group's PDF (copied, not laid out
    again), one outline item per group, ranked groups first and the vetoed G03 last."""
    from assess.reporting._pdf import bind_reports

    pdfs = {}
    for group_id in ("G01", "G02", "G03", "G04"):
        path = tmp_path / f"{group_id}.pdf"
        html_path = tmp_path / f"{group_id}.html"
        html_path.write_text(page_for(result, group_id, "zh"), encoding="utf-8")
        html_to_pdf(html_path, path)
        pdfs[group_id] = path
    bound = bind_reports(result, pdfs, tmp_path / "reports.pdf", "zh")
    reader = PdfReader(bound)
    outline = reader.outline
    assert len(outline) == 4
    titles = [item.title for item in outline]
    ranks = result.scores.set_index("group_id")["rank"]
    ranked = sorted(["G01", "G02", "G04"], key=lambda g: ranks[g])
    assert [t.split(" · ")[1].split()[0] for t in titles] == [*ranked, "G03"]
    assert titles[-1].startswith("未参与排名——一票否决")
    lengths = {g: len(PdfReader(p).pages) for g, p in pdfs.items()}
    starts = [reader.get_destination_page_number(item) for item in outline]
    front = starts[0]
    assert len(reader.pages) == front + sum(lengths.values())
    order = [*ranked, "G03"]
    for i in range(1, 4):
        assert starts[i] - starts[i - 1] == lengths[order[i - 1]]
    # the group pages are the group PDFs' pages, and the contents give their page numbers
    first = re.sub(r"\s+", "", reader.pages[starts[0]].extract_text())
    assert re.sub(r"\s+", "", PdfReader(pdfs[ranked[0]]).pages[0].extract_text()) in first
    # every page but the cover, front matter and reports alike, carries its number in the
    # volume (a report keeps its own count too), so the contents' page numbers can be found;
    # the cover is page 1 of the volume but shows no number
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        shown = re.sub(r"\s+", "", page.extract_text())
        if number == 1:
            assert "汇编第" not in shown and "2025年度年终考核报告汇编" in shown
        else:
            assert f"汇编第{number}页共{total}页" in shown, number
    assert "第1页共" in first
    contents = re.sub(r"\s+", "", "".join(reader.pages[i].extract_text() for i in range(front)))
    assert "2025年度年终考核报告汇编" in contents and "目录" in contents and "考核结果汇总" in contents
    assert f"{ranked[0]}{report._group_name(result, ranked[0])}{front + 1}" in contents
    assert reader.metadata["/assessinputsha256"] == result.meta["input_sha256"]
    assert reader.metadata.title == "2025年度年终考核报告汇编"
    # the file's /ID comes from its content: the same group PDFs give the same bound file
    assert bind_reports(result, pdfs, tmp_path / "again.pdf", "zh").read_bytes() == bound.read_bytes()
    assert not list(tmp_path.glob(".*.part"))  # the front matter's temporary file is gone


def test_run_pdfs_index_and_bound_file_written_once(result, tmp_path: Path) -> None:
    """After a run: OUT/index.pdf and OUT/reports.pdf; a second call with nothing changed writes neither."""
    from assess.batch._runner import ReportOutcome, write_index
    from assess.reporting._pdf import BOUND_NAME, write_run_pdfs

    (tmp_path / "reports").mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "meta.json").write_text("{}", encoding="utf-8")
    outcomes = []
    for group_id in ("G01", "G02"):
        html_path = tmp_path / "reports" / f"{group_id}.html"
        html_path.write_text(page_for(result, group_id, "en"), encoding="utf-8")
        html_to_pdf(html_path, html_path.with_suffix(".pdf"))
        outcomes.append(
            ReportOutcome(group_id, True, html_path, None, None, 0.1, pdf_path=html_path.with_suffix(".pdf"))
        )
    write_index(result, outcomes, tmp_path, lang="en")
    written = write_run_pdfs(result, outcomes, tmp_path, lang="en")
    assert written == {"index": tmp_path / "index.pdf", "bound": tmp_path / BOUND_NAME}
    assert BOUND_NAME == "reports.pdf"
    index_text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(tmp_path / "index.pdf").pages))
    assert "Year-endassessment2025:allgroups" in index_text and "Page1of" in index_text
    assert [item.title.split(" · ")[1].split()[0] for item in PdfReader(tmp_path / BOUND_NAME).outline] == [
        "G02",
        "G01",
    ]
    assert write_run_pdfs(result, outcomes, tmp_path, lang="en") == {}


def _embedded_fonts(path: Path) -> dict[str, int]:
    """The PDF's embedded fonts: base name -> bytes of the embedded font program."""
    fonts = {}
    for page in PdfReader(path).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            program = next(descriptor[k] for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor)
            fonts[str(font["/BaseFont"])] = len(program.get_object().get_data())
    return fonts


@pytest.fixture
def cjk_subset() -> Any:
    """The subset copy of the page's CJK font on this machine (skips without a CJK font)."""
    from assess.reporting._print_fonts import font_family_lists, print_fonts

    css = re.search(r"<style>(.*?)</style>", pages.page("x", "", "zh"), re.S).group(1)
    font = print_fonts(tuple(font_family_lists(css)[0]))
    if font is None:
        pytest.skip("no CJK font installed: the PDF uses the page's fonts as they are")
    return font


def test_cjk_font_is_cut_down_once_per_process_and_embedded_as_a_subset(result, cjk_subset, tmp_path: Path) -> None:
    """Two exports (two stylesheets: zh and en) make the subset copy once; each PDF embeds
    the copy, itself subset again: a few hundred KB, not the 19 MB system font."""
    from assess.reporting import _pdf as pdf
    from assess.reporting import _print_fonts as print_fonts

    pdf._stylesheet.cache_clear()
    print_fonts.print_fonts.cache_clear()
    before = print_fonts.builds
    paths = []
    for group_id, lang in (("G01", "zh"), ("G02", "en")):
        html_path = tmp_path / f"{group_id}.html"
        html_path.write_text(page_for(result, group_id, lang), encoding="utf-8")
        html_to_pdf(html_path, html_path.with_suffix(".pdf"))
        paths.append(html_path.with_suffix(".pdf"))
    assert print_fonts.builds == before + 1
    family = cjk_subset.subset_family.replace(" ", "-")
    for path in paths:
        fonts = _embedded_fonts(path)
        assert fonts, path
        for name, size in fonts.items():
            assert re.fullmatch(rf"/[A-Z]{{6}}\+{re.escape(family)}(-Bold)?", name), name  # a subset tag
            assert size < 600_000, (name, size)
        assert any("Bold" not in name for name in fonts) and any("Bold" in name for name in fonts)


def test_subset_font_keeps_every_report_character_the_font_has(cjk_subset) -> None:
    """The copy's character map is the original's, cut to the report's characters (read back
    with fontTools' own parser), and its glyphs are renumbered: far fewer than the original's."""
    from fontTools.ttLib import TTFont

    from assess.reporting import _print_fonts as print_fonts

    path, index, _, _ = print_fonts._match(cjk_subset.family, 80)  # the regular face
    with TTFont(path, fontNumber=index, lazy=True) as original:
        expected = set(original.getBestCmap()) & set(print_fonts.subset_codepoints())
        n_original = original["maxp"].numGlyphs
    with TTFont(io.BytesIO(cjk_subset.faces[400])) as copy:
        assert set(copy.getBestCmap()) == expected
        assert ord("考") in expected and copy["maxp"].numGlyphs < n_original / 4


def _kept(folder: Path) -> list[Path]:
    """The kept copies in the cache folder (not the lock files beside them)."""
    return [path for path in folder.iterdir() if not path.name.startswith(".")]


class _Font(NamedTuple):
    path: Path  # a copy of the font file in the test's folder
    index: int  # the face in it
    kept: Path  # the cache folder the cut copies are kept in


@pytest.fixture
def small_font(tmp_path: Path, monkeypatch) -> _Font:
    """A copy of a small installed font (DejaVu Sans, or whatever fontconfig gives for it) and a
    cache folder of the test's own: the cache tests cut it several times, which takes a CJK font
    twenty seconds each."""
    import shutil

    from assess.reporting import _print_fonts as print_fonts

    found = print_fonts._match("DejaVu Sans", 80)
    if found is None:
        pytest.skip("fc-match is not installed")
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(tmp_path / "cache"))
    font = tmp_path / Path(found[0]).name
    shutil.copyfile(found[0], font)
    return _Font(font, found[1], tmp_path / "cache" / "fonts")


def test_subset_font_is_kept_on_disk_and_made_again_only_when_needed(small_font, tmp_path: Path, monkeypatch) -> None:
    """The copy is cut once per user and font, then read: a copy cut short or damaged, a
    changed font file, a copy someone else could have planted or an unwritable cache folder
    cost a new cut, never a wrong or missing font."""
    import os

    from assess.reporting import _print_fonts as print_fonts

    font, index, fonts = small_font
    first = print_fonts._subset(str(font), index)
    assert first and len(first) < font.stat().st_size

    def subset(cut: bool) -> None:
        """Ask for the copy; ``cut``: whether fontTools must have cut it (not read it)."""
        before = print_fonts.cuts
        assert print_fonts._cached_subset(str(font), index) == first
        assert print_fonts.cuts == before + cut

    subset(cut=True)
    (kept,) = _kept(fonts)
    assert kept.read_bytes().endswith(first) and fonts.stat().st_mode & 0o077 == 0
    subset(cut=False)
    whole = kept.read_bytes()
    for damaged in (whole[: len(whole) - 1000], whole[:-1] + bytes([whole[-1] ^ 1]), b"<html>not a font</html>"):
        kept.write_bytes(damaged)  # cut short, one bit flipped, something else
        subset(cut=True)
        assert kept.read_bytes() == whole  # cut again, and kept again
    fonts.chmod(0o777)  # others could have written in the folder: not trusted; the folder is made private
    subset(cut=True)
    assert fonts.stat().st_mode & 0o077 == 0
    subset(cut=False)
    if os.getuid() == 0:  # a copy that belongs to someone else is not trusted either
        os.chown(kept, 4242, 4242)
        subset(cut=True)
        assert kept.stat().st_uid == 0
    changed = font.stat().st_mtime_ns + 10**9
    os.utime(font, ns=(changed, changed))  # the font file was updated: a new name, the old copy removed
    subset(cut=True)
    (newer,) = _kept(fonts)
    assert newer.name != kept.name
    (tmp_path / "blocked").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("ASSESS_CACHE_DIR", str(tmp_path / "blocked"))
    subset(cut=True)
    subset(cut=True)


def test_a_copy_another_version_made_is_left_alone(small_font) -> None:
    """A kept copy of the same font in another format (made by another version of assess) is
    neither used nor removed: two versions used in turn each keep their own copy and cut the
    font once, not on every run. An older copy of this format (the font file changed since)
    is removed."""
    import os
    import shutil

    from assess.reporting import _print_fonts as print_fonts

    font, index, fonts = small_font
    cut = print_fonts._cached_subset(str(font), index)
    (ours,) = _kept(fonts)
    other = ours.with_name(print_fonts._face_prefix(str(font), index) + "0" * 32 + ".font")
    other.write_bytes(b"assess subset font 1\n" + ours.read_bytes()[len(print_fonts._CACHE_HEADER) :])
    same_format_older = ours.with_name(print_fonts._face_prefix(str(font), index) + "1" * 32 + ".font")
    shutil.copyfile(ours, same_format_older)
    changed = font.stat().st_mtime_ns + 10**9
    os.utime(font, ns=(changed, changed))  # the font file was updated: a new copy of this format
    before = print_fonts.cuts
    assert print_fonts._cached_subset(str(font), index) == cut
    assert print_fonts.cuts == before + 1
    left = {p.name for p in _kept(fonts)}
    assert other.name in left  # another version's copy stays
    assert ours.name not in left and same_format_older.name not in left  # this format's older copies go
    assert len(left) == 2


def test_cache_folder_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    from assess.reporting._print_fonts import cache_dir

    monkeypatch.setenv("ASSESS_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("ASSESS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "assess"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG rules: only an absolute path counts
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "assess"


def test_a_character_outside_the_subset_falls_back_to_the_full_font(cjk_subset, tmp_path: Path) -> None:
    """堃 is not in GB 2312, so not in the copy: it is drawn from the original font, not lost."""
    from assess.reporting._print_fonts import subset_codepoints

    assert ord("堃") not in subset_codepoints() and ord("考") in subset_codepoints()
    html_path = tmp_path / "rare.html"
    html_path.write_text(pages.page("x", "<p>考核 王堃</p>", "zh"), encoding="utf-8")
    html_to_pdf(html_path, tmp_path / "rare.pdf")
    assert "考核王堃" in _pdf_text(tmp_path / "rare.pdf")
    families = {name.split("+")[1] for name in _embedded_fonts(tmp_path / "rare.pdf")}
    assert cjk_subset.subset_family.replace(" ", "-") in families
    assert len(families) == 2, families  # the copy, and the original for 堃


def test_subset_family_is_named_just_before_the_original(cjk_subset) -> None:
    from assess.reporting._pdf import _with_print_fonts
    from assess.reporting._print_fonts import font_family_lists

    css = f'html {{ font-family: "Segoe UI", "{cjk_subset.family}", sans-serif; }} code {{ font-family: monospace; }}'
    changed, fonts = _with_print_fonts(css)
    assert font_family_lists(changed)[len(fonts) :] == [  # after the @font-face rules' own
        ["Segoe UI", cjk_subset.subset_family, cjk_subset.family, "sans-serif"],
        ["monospace"],
    ]
    assert sorted(fonts) == sorted(cjk_subset.faces) and 400 in fonts
    assert changed.count("@font-face") == len(fonts)


def test_index_pdf_is_made_in_a_forked_copy_and_again_here_when_that_fails(tmp_path: Path) -> None:
    import os
    import threading

    from assess.reporting._pdf import _in_child

    marks = tmp_path / "pids"

    def job() -> None:
        with marks.open("a") as f:
            f.write(f"{os.getpid()}\n")

    _in_child(job)()
    pids = marks.read_text().split()
    assert len(pids) == 1
    if hasattr(os, "fork") and threading.active_count() == 1:
        assert pids[0] != str(os.getpid())  # made by the copy
    else:
        assert pids[0] == str(os.getpid())

    def failing() -> None:
        job()
        raise ExportError("probe")

    marks.unlink()
    with pytest.raises(ExportError, match="probe"):
        _in_child(failing)()
    assert marks.read_text().split()[-1] == str(os.getpid())  # the error is raised here, as without the copy


def test_printed_index_keeps_an_unranked_rank_on_one_line(result, tmp_path: Path) -> None:
    """The vetoed group's rank in the printed index, 未参与排名——一票否决, is one line of text
    (it used to break after 一票, the column too narrow), and the index of a handful of groups
    is one page."""
    pages.write_index(result, [], tmp_path, "zh")
    html_to_pdf(tmp_path / "index.html", tmp_path / "index.pdf")
    reader = PdfReader(tmp_path / "index.pdf")
    assert len(reader.pages) == 1
    lines = (reader.pages[0].extract_text() or "").splitlines()
    vetoed = [line for line in lines if "未参与排名" in line]
    assert len(vetoed) == 1 and "未参与排名——一票否决" in vetoed[0].replace(" ", ""), vetoed
