"""The facts of an .xlsx package that calamine does not expose, read part by part without a full parse.

python-calamine gives each cell's value (cached formula results, dates already converted with the
workbook's epoch and number formats). What it keeps to itself — or gets silently wrong — is read
here from the package, with bounded streaming reads of just the parts that hold it:

* ``xl/workbook.xml`` (+ its relationships): the sheets in order with their state (hidden or
  not) and part, and the calculation settings (``fullCalcOnLoad``: cached formula values a
  spreadsheet never computed);
* each worksheet part, streamed in chunks and searched with byte patterns (never a tree): the
  extent of the cells present (calamine builds a dense grid, so a stray cell in XFD1048576
  would ask it for 512 GiB), formula markers with their cached value, error cells
  (``t="e"``, which calamine reads as blank), negative numbers (a date-formatted one comes back
  as a time of day), shared-string references that are not an index, hidden rows and columns,
  and merged ranges.

A sheet whose XML does not have the regular shape every spreadsheet writes (``<row r=…>``,
``<c r=…>``) is reported as ``regular=False``; the reader then streams it cell by cell instead.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

__all__ = ["BookFacts", "SheetPart", "SheetFacts", "book_facts", "sheet_facts", "column_index"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CHUNK = 4 * 1024 * 1024  # bytes of sheet XML searched at a time

Cell = tuple[int, int]  # (Excel row, 1-based column)


@dataclass(frozen=True)
class SheetPart:
    name: str
    state: str  # visible, hidden or veryHidden
    member: str  # the worksheet's part in the zip, e.g. xl/worksheets/sheet1.xml


@dataclass(frozen=True)
class BookFacts:
    sheets: list[SheetPart]
    date1904: bool
    # False when the file says its cached formula values were never computed by a spreadsheet:
    # calcPr fullCalcOnLoad="1" (openpyxl, XlsxWriter and other libraries) or no calcPr at all.
    calculated: bool


@dataclass
class SheetFacts:
    max_row: int = 0
    max_col: int = 0
    regular: bool = True  # every row and cell names its position; every shared-string reference is an index
    formulas: dict[Cell, tuple[str | None, str]] = field(default_factory=dict)  # cell -> (cached value, t)
    errors: dict[Cell, str] = field(default_factory=dict)  # error cells: #N/A, #REF!, ...
    # cells whose stored number is negative or not a plain number (inf, NaN, 1e999): calamine turns a
    # negative date-formatted one into a time of day and any of them into a float; the text as stored
    raw: dict[Cell, str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2)


def column_index(letters: str) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(text: str) -> Cell:
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", text.strip().upper())
    if not m:
        raise ValueError(f"not a cell reference: {text!r}")
    return int(m.group(2)), column_index(m.group(1))


def book_facts(archive: zipfile.ZipFile) -> BookFacts:
    """Sheets (in the workbook's order, worksheets only), the date system and the calculation state."""
    root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets: dict[str, tuple[str, str]] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in archive.namelist():
        for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{{{_PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = (member, rel.get("Type", ""))
    pr = root.find(f"{{{_MAIN}}}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
    calc = root.find(f"{{{_MAIN}}}calcPr")
    calculated = calc is not None and calc.get("fullCalcOnLoad", "").lower() not in ("1", "true")
    sheets = []
    for sheet in root.iter(f"{{{_MAIN}}}sheet"):
        member, kind = targets.get(sheet.get(f"{{{_REL}}}id", ""), ("", ""))
        if kind.endswith("/chartsheet"):
            continue
        sheets.append(SheetPart(sheet.get("name", ""), sheet.get("state", "visible"), member))
    return BookFacts(sheets, date1904, calculated)


# Rows and cells as every spreadsheet writes them start with their position: <row r="12" …>,
# <c r="B12" …>. These patterns find only the others — a cell past column Z,
# a position not written first or not at all — so a regular sheet costs one quick search each.
_ODD_ROW = re.compile(rb'<row(?:>| (?!r="\d{1,7}"))')  # Excel's last row, 1,048,576, has seven digits


def _odd_cell(widest: int) -> re.Pattern[bytes]:
    """Cells written without their position first, or beyond column ``widest`` (at most Z) seen so far."""
    last = chr(64 + max(1, min(widest, 26))).encode()
    return re.compile(rb'<c(?:>| (?!r="[A-' + last + rb"]\d))")


_LAST_ROW = re.compile(rb'<row r="(\d+)"')
_POS = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d+)"')
_ROW_POS = re.compile(rb'\br="(\d+)"')
_FORMULA = re.compile(rb"<f[ >/]")
_ODD_VALUE = re.compile(rb"<v>(?:-|\s*[-+]?(?:[iI][nN][fF]|[nN][aA][nN])|[^<]*[eE][-+]?\d{3})")
_MERGE = re.compile(rb'<mergeCell [^>]*ref="([^"]+)"')
_BAD_SHARED = re.compile(rb't="s"[^>]*>\s*<v>(?!\s*\d+\s*</v>)')
_TAG_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_TAG_T = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _cell_at(buf: bytes, pos: int) -> tuple[Cell, bytes, bytes] | None:
    """The cell element around ``pos``: its position, its start tag and its body."""
    start = buf.rfind(b"<c ", 0, pos)
    if start < 0:
        return None
    end_tag = buf.find(b">", start)
    tag = buf[start:end_tag]
    m = _TAG_REF.search(tag)
    if not m:
        return None
    close = buf.find(b"</c>", end_tag)
    body = b"" if tag.endswith(b"/") else buf[end_tag + 1 : close if close >= 0 else len(buf)]
    return (int(m.group(2)), column_index(m.group(1).decode())), tag, body


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The sheet's XML in pieces that each end after a ``</row>`` (the last piece: the rest)."""
    with archive.open(member) as fh:
        carry = b""
        while True:
            piece = fh.read(_CHUNK)
            if not piece:
                if carry:
                    yield carry
                return
            buf = carry + piece
            cut = buf.rfind(b"</row>")
            if cut < 0:
                carry = buf
                continue
            cut += len(b"</row>")
            yield buf[:cut]
            carry = buf[cut:]


def _finds(buf: bytes, needle: bytes) -> Iterator[int]:
    pos = buf.find(needle)
    while pos >= 0:
        yield pos
        pos = buf.find(needle, pos + 1)


def _extent(facts: SheetFacts, buf: bytes) -> None:
    """The rows and columns a piece of sheet XML reaches, and whether every position is written first."""
    last = buf.rfind(b"<row ")
    if last >= 0 and (m := _LAST_ROW.match(buf, last)):
        facts.max_row = max(facts.max_row, int(m.group(1)))
    for m in _ODD_ROW.finditer(buf):
        tag = buf[m.start() : buf.find(b">", m.start())]
        r = _ROW_POS.search(tag)
        if r is None:
            facts.regular = False
        else:
            facts.max_row = max(facts.max_row, int(r.group(1)))
    if facts.max_col == 0:  # the first row's width, as the first guess of the sheet's
        end = buf.find(b"</row>")
        first = buf.rfind(b'<c r="', 0, end) if end >= 0 else -1
        if first >= 0 and (r := _POS.match(buf, first + 3)):
            facts.max_col = column_index(r.group(1).decode())
    for m in _odd_cell(facts.max_col).finditer(buf):
        tag = buf[m.start() : buf.find(b">", m.start())]
        r = _POS.search(tag)
        if r is None:
            facts.regular = False
        else:
            facts.max_col = max(facts.max_col, column_index(r.group(1).decode()))
            facts.max_row = max(facts.max_row, int(r.group(2)))
            if not tag.startswith(b'<c r="'):
                facts.regular = False  # the position is there but not first: read it the slow, sure way
    if _BAD_SHARED.search(buf):
        facts.regular = False


def _cells(facts: SheetFacts, buf: bytes) -> None:
    """Formulas with their cached value, error cells, and numbers stored as calamine would misread them."""
    for m in _FORMULA.finditer(buf):
        found = _cell_at(buf, m.start())
        if found is None:
            facts.regular = False
            continue
        cell, tag, body = found
        t = _TAG_T.search(tag)
        v = _VALUE.search(body)
        facts.formulas[cell] = (v.group(1).decode() if v else None, t.group(1).decode() if t else "n")
    for pos in _finds(buf, b' t="e"'):
        found = _cell_at(buf, pos)
        if found is not None:
            v = _VALUE.search(found[2])
            facts.errors[found[0]] = v.group(1).decode() if v else ""
    for m in _ODD_VALUE.finditer(buf):
        found = _cell_at(buf, m.start())
        if found is not None and (v := _VALUE.search(found[2])) is not None:
            facts.raw[found[0]] = v.group(1).decode()


def _layout(facts: SheetFacts, buf: bytes) -> None:
    """Hidden rows and columns, and merged ranges."""
    for pos in _finds(buf, b"hidden="):
        start = buf.rfind(b"<", 0, pos)
        tag = buf[start : buf.find(b">", pos)]
        attrs = dict(_ATTR.findall(tag))
        if attrs.get(b"hidden", b"").lower() not in (b"1", b"true"):
            continue
        try:
            if tag.startswith(b"<row "):
                facts.hidden_rows.add(int(attrs[b"r"]))
            elif tag.startswith(b"<col "):
                lo = int(attrs.get(b"min", b"0"))
                facts.hidden_cols.append((lo, int(attrs.get(b"max", b"") or lo)))
        except (KeyError, ValueError):
            continue
    at = buf.find(b"<mergeCells")
    for ref in _MERGE.findall(buf, at) if at >= 0 else ():
        try:
            first, _, last_ref = ref.decode().partition(":")
            r1, c1 = _ref(first)
            r2, c2 = _ref(last_ref or first)
        except ValueError:
            continue
        facts.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))


def sheet_facts(archive: zipfile.ZipFile, member: str) -> SheetFacts:
    """Stream one worksheet part once and collect the facts calamine does not give (see the module)."""
    facts = SheetFacts()
    plain = False  # the sheet data is written without a namespace prefix (<sheetData>, not <x:sheetData>)
    for buf in _chunks(archive, member):
        plain = plain or b"<sheetData" in buf
        _extent(facts, buf)
        _cells(facts, buf)
        _layout(facts, buf)
    if not plain:
        facts.regular = False
    return facts
