"""PDF copies of the HTML reports, made offline with WeasyPrint (Pango draws the text), and
the run's bound file.

A report page is self-contained, so converting it needs nothing from the network: the URL
fetcher given to WeasyPrint serves ``data:`` URLs (the inline figures) and the subset fonts
made in memory, and refuses everything else, so a stray external reference fails the export
instead of reaching out.
Chinese text needs a CJK font known to fontconfig (Debian: ``fonts-noto-cjk`` or
``fonts-wqy-microhei``); the charts are JPEG images (copied into the PDF as they are), drawn
with a CJK font by :mod:`assess.reporting.figures`.

The print stylesheet (:mod:`assess.reporting._pages`) lets sections flow, repeats the running header
(office, year, group) and ``第 n 页 共 m 页`` on every page; the page's ``<meta
name="assess:...">`` provenance tags become the PDF's metadata (``/assessinputsha256``, ...;
WeasyPrint keeps the letters and digits of each name).

Reproducible: the PDF's creation date is the page's ``dcterms.created`` (the result's
``generated_at``, which ``SOURCE_DATE_EPOCH`` pins), so the same HTML gives the same PDF.

Fast in a batch: WeasyPrint is imported, its font configuration built, the page's stylesheet
parsed and the small copy of its CJK font loaded (:mod:`assess.reporting._print_fonts`, cut
once and kept in the user's cache: each PDF then subsets a 3.5 MB font, not a 19 MB one)
once per process, by :func:`warm` ahead of the first report (in the run's own process too,
:func:`warm_in_background`, while the workers make the reports); the charts are JPEG, which
WeasyPrint copies into the PDF as they are (:data:`assess.reporting.sections.JPEG_OPTIONS`);
:func:`bind_reports` assembles ``reports.pdf`` from the group PDFs with pikepdf (qpdf),
laying out only its cover, contents and summary table, in a forked copy of the process, while
another forked copy prints ``index.pdf`` (:func:`write_run_pdfs`).

Examples
--------
>>> from pathlib import Path
>>> html_to_pdf(Path("out/reports/G01.html"), Path("out/reports/G01.pdf"))  # doctest: +SKIP
"""

from __future__ import annotations

import atexit
import base64
import functools
import gc
import html
import logging
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from assess.common import AssessError, atomic_path, message, require
from assess.reporting._print_fonts import FONT_SCHEME, font_family_lists, fontconfig, print_fonts

__all__ = [
    "html_to_pdf",
    "html_string_to_pdf",
    "check_fonts",
    "CJK_FONT_PACKAGE",
    "warm",
    "warm_in_background",
    "wait_for_warm_up",
    "bind_reports",
    "write_run_pdfs",
    "BOUND_NAME",
    "ExportError",
]

#: The bound file of a run with ``--pdf``, in both languages: ``OUT/reports.pdf``.
BOUND_NAME = "reports.pdf"


class ExportError(AssessError):
    """The PDF could not be written (WeasyPrint missing, or the page is not self-contained)."""


#: The Debian/Ubuntu package that gives a Chinese PDF its font.
CJK_FONT_PACKAGE = "fonts-noto-cjk"


@functools.cache
def check_fonts(lang: str = "en") -> None:
    """Refuse, before any work, a PDF that could not be read: Chinese text with no installed
    font that covers Chinese (WeasyPrint would draw boxes) or no font at all (Pango then
    crashes the process). fontconfig's ``fc-list`` says what is installed; when it cannot be
    run, nothing is refused here.

    Raises
    ------
    ExportError
        Naming the package to install (:data:`CJK_FONT_PACKAGE`); the CLI exits with status 2.
    """
    from assess.reporting._i18n import text

    families = fontconfig("fc-list", ":lang=zh-cn" if lang == "zh" else ":", "family")
    if families is not None and not families.strip():
        key = "no_cjk_font" if lang == "zh" else "no_font"
        command = f"sudo apt-get install {CJK_FONT_PACKAGE}"
        raise ExportError(text(key, lang, system="Debian/Ubuntu", command=command, option="--pdf"))


def _weasyprint() -> ModuleType:
    require("pdf", "weasyprint")
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango's shared libraries are missing
        raise ExportError(
            f"PDF export needs WeasyPrint and Pango ({exc}). Install them with "
            "`pip install weasyprint` and `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0` (Debian/Ubuntu)."
        ) from exc
    return weasyprint


#: The scheme of the page's own images once :func:`_print_source` has taken them out of the HTML.
_IMAGE_SCHEME = "assess-image:"


def _offline_fetcher(images: Sequence[tuple[str, bytes]] = (), fonts: Mapping[int, bytes] | None = None) -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class OfflineFetcher(URLFetcher):
        """Serves ``data:`` URLs, the page's own images and the subset fonts
        (:mod:`assess.reporting._print_fonts`); any other URL stops the export."""

        def fetch(self, url: str, headers: dict | None = None) -> Any:
            if url.startswith(_IMAGE_SCHEME):
                number = url[len(_IMAGE_SCHEME) :]
                if number.isdigit() and int(number) < len(images):
                    mime, body = images[int(number)]
                    return URLFetcherResponse(url, body, {"Content-Type": mime})
            if url.startswith(FONT_SCHEME) and fonts:
                weight = url[len(FONT_SCHEME) :]
                if weight.isdigit() and int(weight) in fonts:
                    return URLFetcherResponse(url, fonts[int(weight)], {"Content-Type": "font/otf"})
            if not url.startswith("data:"):
                raise FatalURLFetchingError(
                    f"The report refers to {url[:200]!r}; reports must be self-contained, so nothing is fetched."
                )
            return super().fetch(url, headers)

    return OfflineFetcher(allowed_protocols={"data", _IMAGE_SCHEME[:-1], FONT_SCHEME[:-1]})


@functools.cache
def _font_config() -> Any:
    """One WeasyPrint font configuration per process (fontconfig's font list is read once).

    It is let go at exit, while Python still runs: left to the interpreter's shutdown, its
    ``__del__`` finds WeasyPrint's libraries already gone and prints a TypeError."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@atexit.register
def _release_fonts() -> None:
    if _font_config.cache_info().currsize:
        _stylesheet.cache_clear()
        _font_config.cache_clear()
        gc.collect()


def warm(lang: str = "en") -> None:
    """Import WeasyPrint and lay out a small page in the reports' own stylesheet (for
    ``lang``), with Chinese and Latin text, regular and bold, once: the first report of a
    worker then does not pay for loading Pango, fontconfig and the fonts, parsing the
    stylesheet or making the subset fonts (:mod:`assess.reporting._print_fonts`).

    The page is written here around the stylesheet (:func:`assess.reporting._render.page_css`),
    not by :mod:`assess.reporting._pages`: warming up the run's own process (while it scores)
    then costs WeasyPrint alone, not nbconvert and the figures too."""
    from assess.reporting._render import page_css

    # the word in both languages, whatever the page's: Chinese, Latin letters and digits, so every font loads
    sample = html.escape(f"{message('print', 'warm_up', 'zh')} {message('print', 'warm_up', 'en')} 0123")
    html_lang = "zh-CN" if lang == "zh" else "en"
    page = (
        f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8"><title>{sample}</title>'
        f"<style>{page_css(lang)}</style></head><body><main><h1>{sample}</h1><p>{sample}</p></main></body></html>"
    )
    html_string_to_pdf(page, "warm-up")


#: A last page filled less than this (a closing block spilled over) is laid out again, tighter.
MIN_LAST_PAGE_FILL = 0.4


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_CHINESE_PAGE = re.compile(r"<html[^>]*\slang=\"zh", re.I)
# nbconvert's wrappers around each cell's output (``basic`` template): nothing of the report's
# own, but a fifth of the page's elements, each styled and laid out.
_WRAPPER = re.compile(
    r'<div class="(?:cell border-box-sizing code_cell rendered[^"]*|output_wrapper|output|output_area'
    r'|output_html rendered_html output_subarea)"(?: id="[^"]*")?>'
)
_DIV = re.compile(r"<div\b[^>]*>|</div>")
_DATA_IMAGE = re.compile(r'src="data:(image/(?:png|jpeg|gif));base64,([A-Za-z0-9+/=]+)"')


@functools.lru_cache(maxsize=8)
def _stylesheet(css: str) -> Any:
    """The page's stylesheet, parsed once per process (every report of a run has the same),
    with the subset copy of its CJK font (:func:`_with_print_fonts`)."""
    from weasyprint import CSS

    css, fonts = _with_print_fonts(css)
    return CSS(string=css, font_config=_font_config(), media_type="print", url_fetcher=_offline_fetcher(fonts=fonts))


def _with_print_fonts(css: str) -> tuple[str, dict[int, bytes]]:
    """``css`` with the subset copy of its CJK font declared (``@font-face``) and named just
    before the original in every ``font-family`` list that names it, and the fonts' bytes by
    weight; ``css`` unchanged when there is no such font (:mod:`assess.reporting._print_fonts`)."""
    lists = font_family_lists(css)
    font = print_fonts(tuple(lists[0])) if lists else None
    if font is None:
        return css, {}
    original = re.compile(rf"""(["']?){re.escape(font.family)}\1(?=\s*[,;}}]|\s*$)""", re.I)

    def insert(declaration: re.Match) -> str:
        return original.sub(lambda name: f'"{font.subset_family}", {name.group(0)}', declaration.group(0), count=1)

    return font.font_face_css() + re.sub(r"font-family\s*:\s*[^;}]+", insert, css), font.faces


def _print_source(source: str) -> tuple[str, str | None, list[tuple[str, bytes]]]:
    """What WeasyPrint is given of a page: its HTML without nbconvert's output wrappers, its
    first ``<style>`` (parsed once per process, :func:`_stylesheet`) and its inline images
    (decoded here and served by the fetcher, not read character by character by the HTML
    parser). The cascade is the same: the wrappers carry no style of the report's own."""
    css = None
    head, sep, rest = source.partition("</head>")
    match = _STYLE.search(head) if sep else None
    if match:
        css = match.group(1)
        head = head[: match.start()] + head[match.end() :]
    pieces: list[str] = []
    keep: list[bool] = []
    position = 0
    for tag in _DIV.finditer(rest):
        if tag.group(0) == "</div>":
            drop = keep.pop() if keep else False
        else:
            drop = _WRAPPER.fullmatch(tag.group(0)) is not None
            keep.append(drop)
        if drop:
            pieces.append(rest[position : tag.start()])
            position = tag.end()
    pieces.append(rest[position:])
    body = "".join(pieces)
    images: list[tuple[str, bytes]] = []

    def take(image: re.Match) -> str:
        images.append((image.group(1), base64.b64decode(image.group(2))))
        return f'src="{_IMAGE_SCHEME}{len(images) - 1}"'

    return head + sep + _DATA_IMAGE.sub(take, body), css, images


def _render(weasyprint: ModuleType, source: str) -> Any:
    """Lay the page out (:func:`_print_source` says what WeasyPrint is given)."""
    source, css, images = _print_source(source)
    stylesheets = [_stylesheet(css)] if css is not None else []
    document = weasyprint.HTML(string=source, base_url=None, url_fetcher=_offline_fetcher(images), media_type="print")
    return document.render(font_config=_font_config(), stylesheets=stylesheets)


def _last_page_fill(document: Any) -> float:
    """How much of the last page's height the content fills (0–1; 1 when unknown)."""
    try:
        page = document.pages[-1]._page_box
        return float(page.children[0].margin_height()) / float(page.height)
    except (AttributeError, IndexError, TypeError, ZeroDivisionError):
        return 1.0


def html_string_to_pdf(source: str, name: str = "page") -> bytes:
    """Convert a self-contained HTML page (a string) to PDF bytes; see :func:`html_to_pdf`.

    When the layout leaves a last page less than :data:`MIN_LAST_PAGE_FILL` full (the
    closing block pushed onto a page of its own), the page is laid out once more with the
    print stylesheet's tighter variant (``html.assess-tight``: smaller figures and type),
    and that layout is kept when it saves the page or fills the last one better.
    """
    return _print(source, name)[0]


def _print(source: str, name: str) -> tuple[bytes, int]:
    """:func:`html_string_to_pdf`, and the number of pages the PDF has."""
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    check_fonts("zh" if _CHINESE_PAGE.search(source[:2000]) else "en")

    # WeasyPrint reports CSS it does not support (e.g. `user-select`) as log warnings; they
    # say nothing about the result, so keep them out of the batch's output.
    css_log = logging.getLogger("weasyprint")
    level = css_log.level
    css_log.setLevel(logging.ERROR)
    # A page makes some hundred thousand short-lived objects: the cyclic collector would walk
    # the worker's whole heap many times over for them; it is off while the page is made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = _render(weasyprint, source)
        if len(document.pages) > 1 and _last_page_fill(document) < MIN_LAST_PAGE_FILL:
            tight = _render(weasyprint, source.replace("<html ", '<html class="assess-tight" ', 1))
            if len(tight.pages) < len(document.pages) or _last_page_fill(tight) >= MIN_LAST_PAGE_FILL:
                document = tight
        return document.write_pdf(custom_metadata=True), len(document.pages)
    except FatalURLFetchingError as exc:
        raise ExportError(f"{name}: {exc}") from exc
    finally:
        css_log.setLevel(level)
        if collecting:
            gc.enable()


def html_to_pdf(html_path: Path, pdf_path: Path) -> None:
    """Convert the self-contained HTML page ``html_path`` to an A4 PDF at ``pdf_path``.

    The page's print stylesheet applies (A4, running header and page numbers; the page's
    ``assess:*`` meta tags become PDF metadata). The PDF is written
    under a temporary name and renamed into place: a failed export leaves no partial file.

    Parameters
    ----------
    html_path : Path
        A page written by :func:`assess.reporting._pages.render_html` (or any self-contained page).
    pdf_path : Path
        Where to write the PDF; its folder must exist.

    Raises
    ------
    ExportError
        WeasyPrint or Pango is missing, or the page refers to something outside itself.
    FileNotFoundError
        ``html_path`` does not exist.
    """
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    source = html_path.read_text(encoding="utf-8")
    _write_bytes(pdf_path, html_string_to_pdf(source, html_path.name))


def _write_bytes(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically (:func:`assess.common._atomic.atomic_path`)."""
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(content)


# ---- the bound file ---------------------------------------------------------------------------


def _groups(result: Any, lang: str) -> dict[str, dict[str, Any]]:
    """Each group's standing, summary card, name and rank and score in words, worked out once,
    in rank order; unranked groups (vetoed, insufficient data) last, by score."""
    from assess.reporting import _facts as facts
    from assess.reporting import sections as report
    from assess.reporting._i18n import text

    rows = []
    for group_id in result.scores["group_id"].astype(str):
        standing = facts.standing(result, group_id)
        card = facts.summary(result, group_id)
        if standing["unranked_reason"] is not None:
            short = full = text(f"not_ranked.{standing['unranked_reason']}", lang)
        elif standing["rank"] is not None:
            short, full = str(standing["rank"]), text("rank_of", lang, rank=standing["rank"], n=standing["n_ranked"])
        else:
            short = full = "—"
        score = report.format_score(card["final_score"])
        info = {
            "card": card,
            "name": report._group_name(result, group_id),
            "ranked": standing["ranked"],
            "rank_short": short,
            "rank_text": full,
            "score": text("partial_score", lang, score=score) if standing["partial"] else score,
            "partial": bool(standing["partial"]),
        }
        final = card["final_score"]
        key = (
            standing["rank"] if standing["ranked"] else math.inf,
            -final if not math.isnan(final) else math.inf,
            group_id,
        )
        rows.append((key, group_id, info))
    return {group_id: info for _, group_id, info in sorted(rows, key=lambda r: r[0])}


def _front_matter(
    result: Any, groups: Mapping[str, dict[str, Any]], starts: Mapping[str, int], lang: str, volume_pages: int
) -> str:
    """Cover, contents (with the bound file's page numbers) and the summary table, as a page
    (``templates/bound_front.html.j2``), its footer counting the volume's ``volume_pages``."""
    from assess.reporting import _pages as pages
    from assess.reporting import sections as report
    from assess.reporting._i18n import component_labels, format_score, format_signed, grade_label, text
    from assess.reporting._render import asset, trusted
    from assess.scoring import SUMMARY_WORDS, summary_table

    order = list(groups)

    meta = result.meta
    year = meta.get("year", "")
    components = component_labels(result, lang)
    heads = [text("rank", lang), text("group_id", lang), text("name", lang), *components.values()]
    heads += [
        text("base_score", lang),
        text("bonus", lang),
        text("deduction", lang),
        text("final_score", lang),
        text("grade", lang),
    ]
    heads.append(SUMMARY_WORDS[lang]["remarks"])
    # the summary sheet's remarks (veto and its reason, missing data, quota places): an unranked
    # group's reason goes there, so the rank column stays narrow and the names stay on one line
    remarks = summary_table(result, lang).set_index("group_id")["remarks"]
    summary = []
    for group_id in order:
        card = groups[group_id]["card"]
        deduction = card["deduction"]
        score: Any = groups[group_id]["score"]
        if groups[group_id]["partial"]:  # the score on one line, "(partial)" on the next
            score = (report.format_score(card["final_score"]), text("partial_score", lang, score="").strip())
        summary.append(
            [
                groups[group_id]["rank_short"] if groups[group_id]["ranked"] else "—",
                group_id,
                groups[group_id]["name"],
                *(format_score(card["components"].get(c)) for c in components),
                format_score(card["base_score"]),
                format_signed(card["bonus"]),
                format_signed(-deduction) if not math.isnan(deduction) else "—",
                score,
                grade_label(result, card["grade"], lang),
                remarks.get(group_id, ""),
            ]
        )
    title = text("bound_title", lang, year=year)
    labels = ("contents", "rank", "group_id", "name", "page", "summary_table")
    return pages.render_page(
        "bound_front.html.j2",
        title,
        lang,
        meta=report.provenance_section(result, None, lang).meta,
        # our own stylesheet file and footer, not data
        bound_css=trusted(asset("bound.css") + pages.print_css(lang, volume_pages=volume_pages)),
        head=report.running_head_text(result, None, lang, label=title),
        office=report.office_name(result, lang),
        labels={key: text(key, lang) for key in labels},
        cover_facts=message(
            "print", "cover_facts", lang, as_of=report.date_text(meta.get("as_of"), lang), n=len(order)
        ),
        contents=[(groups[g]["rank_short"], g, groups[g]["name"], starts.get(g, "")) for g in order],
        heads=[_head_pieces(head, lang) for head in heads],
        widths=_summary_widths(len(components)),
        summary=summary,
    )


#: The summary table's column widths (% of the 186 mm A4 text width) around the components:
#: rank, group, name; base score, bonus, deduction, final score, grade, remarks. Each Chinese
#: head fits on one line at 7.2 pt (or breaks where :func:`_head_pieces` lets it), and so do
#: the names, ``未评定等次`` and a partial score's two lines.
_SUMMARY_BEFORE = (4.5, 6.0, 12.5)
_SUMMARY_AFTER = (7.0, 5.0, 5.0, 9.0, 8.5, 20.0)


def _summary_widths(n_components: int) -> list[str]:
    """Every column's width in %: the components share what the others leave (7.5 % each for
    three); with many components the remarks column gives way first."""
    after = list(_SUMMARY_AFTER)
    share = 100 - sum(_SUMMARY_BEFORE) - sum(after)
    if n_components and share / n_components < 7.0:  # many components: narrower remarks (down to 10 %)
        after[-1] = max(10.0, after[-1] - (7.0 * n_components - share))
        share = 100 - sum(_SUMMARY_BEFORE) - sum(after)
    each = share / n_components if n_components else 0.0
    return [f"{w:g}" for w in (*_SUMMARY_BEFORE, *([round(each, 2)] * n_components), *after)]


def _head_pieces(label: str, lang: str) -> list[str]:
    """A column head cut where it may break: between words in English; a Chinese head of five
    characters or more before its last two (``服务对象`` | ``评价``, ``工作组`` | ``编号``), never
    inside a word such as ``日常工作``."""
    if lang != "zh":
        return label.split() or [label]
    return [label[:-2], label[-2:]] if len(label) >= 5 else [label]


def _front_pdf(
    result: Any, groups: Mapping[str, dict[str, Any]], lengths: Mapping[str, int], lang: str
) -> tuple[bytes, int]:
    """The bound file's cover, contents and summary table as PDF, and its number of pages; its
    contents give each group's first page: its own length is guessed (a cover, then about 45
    rows a page for the contents and for the summary), and it is laid out again only when the
    guess was wrong."""

    def layout(n_front: int) -> tuple[bytes, int]:
        position, starts = n_front + 1, {}
        for g in groups:
            starts[g] = position
            position += lengths[g]
        return _print(_front_matter(result, groups, starts, lang, position - 1), "front matter")

    guess = 1 + 2 * max(1, math.ceil(len(groups) / 45))
    front, n_front = layout(guess)
    for _ in range(3):
        if n_front == guess:
            break
        guess = n_front
        front, n_front = layout(guess)
    return front, n_front


_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)")


def _volume_numbers(first: int, total: int, lang: str) -> bytes:
    """A PDF of blank A4 pages, one per page of the bound file from ``first`` to ``total``,
    each with only ``汇编第 n 页 共 m 页`` (``Volume page n of m``) at the bottom right, just
    below where a report prints its own ``第 n 页 共 m 页``: laid over the group reports' pages,
    so the volume is numbered continuously and its contents' page numbers can be found."""
    from assess.reporting import _pages as pages
    from assess.reporting._i18n import text
    from assess.reporting._render import asset

    family = _FAMILY.search(asset("report.css"))
    css = (
        "@page { margin: 0; @top-center { content: none; } @bottom-left { content: none; } "
        "@bottom-right { content: none; } } "
        "html, body, main { background: none !important; } "  # laid over a page: nothing but the number
        ".assess-volume-page { height: 296mm; position: relative; } "
        ".assess-volume-page + .assess-volume-page { break-before: page; } "
        ".assess-volume-page span { position: absolute; right: 12mm; bottom: 5.5mm; font-size: 7.5pt; "
        f"color: #555; font-family: {family.group(1) if family else 'sans-serif'}; }}"
    )
    body = [f"<style>{css}</style>"]
    for n in range(first, total + 1):
        label = html.escape(text("bound_page_of", lang, n=n, m=total))
        body.append(f'<div class="assess-volume-page"><span>{label}</span></div>')
    return _print(pages.page("", "".join(body), lang), "page numbers")[0]


def _lay_over(pdf: Any, page: Any, over: Any, number: int) -> None:
    """Draw ``over`` (a page of another PDF, the same A4 size) on top of ``page`` of ``pdf``,
    as a form XObject named after the page's ``number`` in the volume: pikepdf's
    ``add_overlay`` picks a random name (the bound file must come out the same every time),
    and the pages of one report share one resource dictionary (one name for all would draw
    the last page's number on every page)."""
    import pikepdf

    name = f"/AssessVolumePage{number}"
    page.add_resource(pdf.copy_foreign(over.as_form_xobject()), pikepdf.Name.XObject, pikepdf.Name(name))
    page.contents_add(b"q\n", prepend=True)  # whatever the page leaves set, the number starts afresh
    page.contents_add(f"\nQ\nq {name} Do Q\n".encode("ascii"), prepend=False)


def bind_reports(result: Any, pdfs: Mapping[str, Path], out_path: Path, lang: str = "en") -> Path:
    """Assemble the bound file: a cover, the contents, the summary table, then every group's
    PDF in rank order (unranked groups last), with one PDF bookmark (outline item) per group.

    Only the cover, contents and summary table are laid out (:func:`_front_pdf`), in a forked
    copy of this process (:func:`_in_child`), while this one copies the group reports' pages
    from their PDFs with pikepdf (qpdf: a few hundredths of a second for 38 groups, where
    parsing them in Python took half a second and more); the front pages are then put first.
    Groups without a PDF in ``pdfs`` are left out. The file's ``/ID`` is computed from its
    content, so the same group PDFs give the same bound file.
    """
    require("pdf", "pikepdf")
    import pikepdf

    from assess.reporting._i18n import text

    out_path = Path(out_path)
    groups = {g: info for g, info in _groups(result, lang).items() if g in pdfs and Path(pdfs[g]).is_file()}
    fd, front_name = tempfile.mkstemp(prefix=f".{out_path.name}.front.", suffix=".part", dir=out_path.parent)
    os.close(fd)
    front_file = Path(front_name)
    sources: dict[str, Any] = {}
    try:
        sources = {g: pikepdf.open(pdfs[g]) for g in groups}
        lengths = {g: len(sources[g].pages) for g in groups}
        numbers_file = front_file.with_name(front_file.name + ".numbers")

        def lay_out_front() -> None:
            front, n_front = _front_pdf(result, groups, lengths, lang)
            front_file.write_bytes(front)
            numbers_file.write_bytes(_volume_numbers(n_front + 1, n_front + sum(lengths.values()), lang))

        front_done = _in_child(lay_out_front)
        bound = pikepdf.new()
        for g in groups:
            bound.pages.extend(sources[g].pages)
        front_done()
        with pikepdf.open(front_file) as front, pikepdf.open(numbers_file) as numbers:
            for i, (page, number) in enumerate(zip(bound.pages, numbers.pages, strict=True)):
                _lay_over(bound, page, number, len(front.pages) + 1 + i)
            for i, page in enumerate(front.pages):
                bound.pages.insert(i, page)
            with bound.open_outline() as outline:
                start = len(front.pages)  # each group's first page, counted from 0
                for g, info in groups.items():
                    title = f"{info['rank_text']} · {g} {info['name']}"
                    outline.root.append(pikepdf.OutlineItem(title, start))
                    start += lengths[g]
            meta = result.meta
            bound.docinfo["/Title"] = text("bound_title", lang, year=meta.get("year", ""))
            bound.docinfo["/Creator"] = f"assess {meta.get('version', '')}"
            bound.docinfo["/assessinputsha256"] = str(meta.get("input_sha256") or "")
            bound.docinfo["/assessschemesha256"] = str(meta.get("scheme_sha256") or "")
            bound.docinfo["/assessgeneratedat"] = str(meta.get("generated_at") or "")
            with atomic_path(out_path) as tmp:  # while the sources are open: pikepdf reads them as it writes
                bound.save(tmp, deterministic_id=True)
    finally:
        for source in sources.values():
            source.close()
        front_file.unlink(missing_ok=True)
        front_file.with_name(front_file.name + ".numbers").unlink(missing_ok=True)
    return out_path


_warming: dict[str, threading.Thread] = {}


def warm_in_background(lang: str = "en") -> threading.Thread:
    """:func:`warm` in a daemon thread of this process, started once per language: a worker
    loads WeasyPrint, the stylesheet and the subset fonts while its first report runs in the
    kernel, and the run's own process while the workers make the reports, not after them.
    :func:`wait_for_warm_up` waits for it."""
    thread = _warming.get(lang)
    if thread is None:

        def run() -> None:
            try:
                warm(lang)
            except Exception:  # the export itself reports what is missing
                logging.getLogger(__name__).debug("PDF warm-up failed", exc_info=True)

        thread = _warming[lang] = threading.Thread(target=run, name="assess-pdf-warmup", daemon=True)
        thread.start()
    return thread


def wait_for_warm_up() -> None:
    """Wait until the warm-ups started by :func:`warm_in_background` are done (at once when none is)."""
    for thread in list(_warming.values()):
        thread.join()


def _in_child(job: Callable[[], Any]) -> Callable[[], None]:
    """Start ``job`` in a forked copy of this process (warm: WeasyPrint, fonts and stylesheets
    already loaded) and return a function that waits for it; when the copy fails or this
    process cannot fork safely (no ``os.fork``, or other threads alive), the wait runs
    ``job`` here, so its errors are raised as usual."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return job
    pid = os.fork()
    if pid == 0:  # the child: do the job, leave without running the parent's exit handlers
        code = 1
        try:
            job()
            code = 0
        finally:
            os._exit(code)

    def wait() -> None:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            job()

    return wait


def write_run_pdfs(result: Any, outcomes: Sequence[Any], out_dir: str | Path, lang: str = "en") -> dict[str, Path]:
    """After a run with ``--pdf``: ``OUT/index.pdf`` (the index page printed) and the bound
    ``OUT/reports.pdf`` (:func:`bind_reports`). Each is rewritten only when missing or older
    than what it is made from, so a run that changed nothing writes neither.

    The two are made at the same time: the index in a forked copy of this process
    (:func:`_in_child`), the bound file here (after :func:`warm_in_background`, if started)."""
    out_dir = Path(out_dir)
    written: dict[str, Path] = {}
    wait_for_warm_up()
    index_html, index_pdf = out_dir / "index.html", out_dir / "index.pdf"
    index_done: Callable[[], None] | None = None
    if index_html.is_file() and (not index_pdf.is_file() or index_pdf.stat().st_mtime < index_html.stat().st_mtime):
        index_done = _in_child(functools.partial(html_to_pdf, index_html, index_pdf))
        written["index"] = index_pdf
    try:
        pdfs = {
            o.group_id: Path(o.pdf_path) for o in outcomes if getattr(o, "ok", False) and getattr(o, "pdf_path", None)
        }
        bound = out_dir / BOUND_NAME
        sources = [p for p in pdfs.values() if p.is_file()] + [out_dir / "results" / "meta.json"]
        newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0.0)
        if pdfs and (not bound.is_file() or bound.stat().st_mtime < newest):
            bind_reports(result, pdfs, bound, lang)
            written["bound"] = bound
    finally:
        if index_done is not None:
            index_done()
    return written
