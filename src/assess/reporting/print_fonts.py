"""A smaller copy of the page's CJK font for PDF export, cut once per user and font.

A Chinese system font (Noto Sans CJK: 65,000 glyphs, 19 MB a weight) makes every PDF export
slow twice over: WeasyPrint subsets the whole font for each document, and keeps glyph
numbers as they are, so the embedded subset still carries tens of thousands of empty glyph
slots. :func:`print_fonts` cuts the font down (HarfBuzz, a third of a second) to the
characters a report can use — ASCII, Latin-1, the common punctuation and symbols, the
full-width forms and the 6,763 hanzi of GB 2312 — and renumbers its glyphs; the
PDF exporter (:mod:`assess.reporting.pdf`) declares that copy with ``@font-face`` under a
family of its own, put just before the original in the page's ``font-family`` lists. A
character outside the copy falls back, character by character, to the original font, so
nothing is lost, and every other font of the page stays where it was in the list.

The copy is kept on disk (:func:`cache_dir`, ``fonts/``), under a name made of the font
file's path, face, size and modification time, the HarfBuzz version and the character list:
each process of a run reads it (a few milliseconds) instead of cutting it again (three
processes a run). A font that is updated or a HarfBuzz that changes makes a new name (and
the old copy is removed). A kept copy is used only when its SHA-256 matches (never one cut
short) and it and its folder belong to the user, in a folder no one else may write (never
one planted in a shared folder); otherwise, or when the cache cannot be written, the font is
simply cut again.

Which font: the first family of the page's first ``font-family`` list that fontconfig has
installed and that holds Chinese characters (a generic family such as ``sans-serif``
counts as installed). Nothing is changed when there is none, or fontconfig or HarfBuzz
cannot be loaded.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.common.atomic import atomic_path

__all__ = ["PrintFont", "print_fonts", "subset_codepoints", "font_family_lists", "cache_dir", "FONT_SCHEME"]

log = logging.getLogger(__name__)

#: The URL scheme under which the exporter's URL fetcher serves the subset fonts.
FONT_SCHEME = "assess-font:"

#: A character every CJK font holds (考, as in 考核): the test that a family covers Chinese.
_PROBE = ord("考")
_GENERIC = {"serif", "sans-serif", "monospace", "system-ui", "ui-sans-serif", "ui-serif", "cursive", "fantasy"}
#: The weights a report uses: regular text and bold (headings, table heads, ``font-weight: 600``).
_WEIGHTS = {400: 80, 700: 200}  # CSS weight -> fontconfig weight

_CDEF = """
typedef int FcBool;
typedef unsigned char FcChar8;
typedef uint32_t FcChar32;
typedef ... FcConfig;
typedef ... FcPattern;
typedef ... FcCharSet;
typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId, FcResultOutOfMemory } FcResult;
typedef enum { FcMatchPattern, FcMatchFont, FcMatchScan } FcMatchKind;
FcConfig *FcInitLoadConfigAndFonts(void);
void FcConfigDestroy(FcConfig *config);
FcPattern *FcPatternCreate(void);
void FcPatternDestroy(FcPattern *p);
FcBool FcPatternAddString(FcPattern *p, const char *object, const FcChar8 *s);
FcBool FcPatternAddInteger(FcPattern *p, const char *object, int i);
FcResult FcPatternGetString(const FcPattern *p, const char *object, int n, FcChar8 **s);
FcResult FcPatternGetInteger(const FcPattern *p, const char *object, int n, int *i);
FcResult FcPatternGetCharSet(const FcPattern *p, const char *object, int n, FcCharSet **c);
FcBool FcCharSetHasChar(const FcCharSet *fcs, FcChar32 ucs4);
FcBool FcConfigSubstitute(FcConfig *config, FcPattern *p, FcMatchKind kind);
void FcDefaultSubstitute(FcPattern *pattern);
FcPattern *FcFontMatch(FcConfig *config, FcPattern *p, FcResult *result);

typedef ... hb_blob_t;
typedef ... hb_face_t;
typedef ... hb_set_t;
typedef ... hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
hb_blob_t *hb_blob_create_from_file(const char *file_name);
unsigned int hb_blob_get_length(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_version_string(void);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_face_destroy(hb_face_t *face);
void hb_set_add_sorted_array(hb_set_t *set, const hb_codepoint_t *sorted_codepoints, unsigned int num_codepoints);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""


@dataclass(frozen=True)
class PrintFont:
    """The subset copies of one CJK family: its name in the page, the family they are
    declared under, and the font file (OpenType bytes) per CSS weight."""

    family: str
    subset_family: str
    faces: dict[int, bytes]

    def font_face_css(self) -> str:
        """The ``@font-face`` rules declaring the copies (served under :data:`FONT_SCHEME`)."""
        return "".join(
            f'@font-face {{ font-family: "{self.subset_family}"; src: url({FONT_SCHEME}{weight}); '
            f"font-weight: {weight}; }} "
            for weight in sorted(self.faces)
        )


@functools.cache
def subset_codepoints() -> tuple[int, ...]:
    """The characters the subset keeps, sorted: ASCII, Latin-1 and Latin Extended-A, general
    punctuation, letter-like symbols, arrows, maths operators, enclosed numbers, box drawing
    and geometric shapes, CJK symbols and punctuation, full-width forms, and GB 2312."""
    ranges = [
        (0x20, 0x7F), (0xA0, 0x180), (0x2000, 0x2070), (0x2100, 0x2200), (0x2200, 0x2300),
        (0x2460, 0x2500), (0x2500, 0x2600), (0x3000, 0x3040), (0xFF00, 0xFFF0),
    ]  # fmt: skip
    points = {c for start, end in ranges for c in range(start, end)}
    for high in range(0xA1, 0xF8):  # GB 2312, row by row
        for low in range(0xA1, 0xFF):
            try:
                points.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return tuple(sorted(points))


_FAMILY_LIST = re.compile(r"font-family\s*:\s*([^;}]+)")


def font_family_lists(css: str) -> list[list[str]]:
    """The ``font-family`` lists of a stylesheet, each as its family names (quotes removed)."""
    lists = []
    for match in _FAMILY_LIST.finditer(css):
        names = [name.strip().strip("\"'").strip() for name in match.group(1).split(",")]
        lists.append([name for name in names if name])
    return lists


def _open(ffi: Any, *names: str) -> Any:
    for name in names:
        try:
            return ffi.dlopen(name)
        except OSError:
            continue
    raise OSError(f"none of {names} can be loaded")


@functools.cache
def _libraries() -> tuple[Any, Any, Any, Any]:
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    fc = _open(ffi, "libfontconfig.so.1", "fontconfig-1", "libfontconfig-1.dll", "libfontconfig.1.dylib")
    hb = _open(ffi, "libharfbuzz.so.0", "harfbuzz", "libharfbuzz-0.dll", "libharfbuzz.0.dylib")
    hb_subset = _open(
        ffi, "libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset-0.dll", "libharfbuzz-subset.0.dylib"
    )
    return ffi, fc, hb, hb_subset


def _match(family: str, fc_weight: int) -> tuple[str, int, list[str], bool] | None:
    """fontconfig's font for ``family`` at a weight: file, index, family names, covers Chinese."""
    ffi, fc, _, _ = _libraries()
    config = _config()
    pattern = fc.FcPatternCreate()
    try:
        fc.FcPatternAddString(pattern, b"family", family.encode())
        fc.FcPatternAddString(pattern, b"lang", b"zh-cn")
        fc.FcPatternAddInteger(pattern, b"weight", fc_weight)
        fc.FcConfigSubstitute(config, pattern, fc.FcMatchPattern)
        fc.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        font = fc.FcFontMatch(config, pattern, result)
    finally:
        fc.FcPatternDestroy(pattern)
    if font == ffi.NULL:
        return None
    try:
        string, integer, charset = ffi.new("FcChar8 **"), ffi.new("int *"), ffi.new("FcCharSet **")
        if fc.FcPatternGetString(font, b"file", 0, string) != fc.FcResultMatch:
            return None
        path = ffi.string(string[0]).decode()
        index = integer[0] if fc.FcPatternGetInteger(font, b"index", 0, integer) == fc.FcResultMatch else 0
        names, n = [], 0
        while fc.FcPatternGetString(font, b"family", n, string) == fc.FcResultMatch:
            names.append(ffi.string(string[0]).decode())
            n += 1
        chinese = fc.FcPatternGetCharSet(font, b"charset", 0, charset) == fc.FcResultMatch and bool(
            fc.FcCharSetHasChar(charset[0], _PROBE)
        )
        return path, index, names, chinese
    finally:
        fc.FcPatternDestroy(font)


@functools.cache
def _config() -> Any:
    _, fc, _, _ = _libraries()
    return fc.FcInitLoadConfigAndFonts()


def _subset(path: str, index: int) -> bytes | None:
    """The font ``path`` (face ``index``) cut down to :func:`subset_codepoints`, glyphs renumbered."""
    ffi, _, hb, hb_subset = _libraries()
    blob = hb.hb_blob_create_from_file(path.encode())
    if not hb.hb_blob_get_length(blob):
        hb.hb_blob_destroy(blob)
        return None
    face = hb.hb_face_create(blob, index)
    subset_input = hb_subset.hb_subset_input_create_or_fail()
    try:
        points = subset_codepoints()
        hb.hb_set_add_sorted_array(
            hb_subset.hb_subset_input_unicode_set(subset_input), ffi.new("hb_codepoint_t[]", points), len(points)
        )
        subset = hb_subset.hb_subset_or_fail(face, subset_input)
        if subset == ffi.NULL:
            return None
        out = hb.hb_face_reference_blob(subset)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(out, length)
        content = ffi.unpack(data, length[0]) if length[0] else None
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(subset)
        return content
    finally:
        hb_subset.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def cache_dir() -> Path | None:
    """Where assess keeps what it can make again: ``$ASSESS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/assess`` (an absolute path, as the XDG rules ask), else
    ``~/.cache/assess``; ``None`` when there is no home folder to put it in."""
    folder = os.environ.get("ASSESS_CACHE_DIR")
    if folder:
        return Path(folder).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "assess"
    try:
        return Path.home() / ".cache" / "assess"
    except RuntimeError:  # no HOME, and no entry for this user in the password database
        return None


#: How a kept copy starts: the format (changed when the way the copy is made changes), then
#: the SHA-256 of the font that follows, so a copy cut short or damaged is never used.
_CACHE_HEADER = b"assess subset font 1\n"
_DIGEST_LENGTH = 64


def _cache_file(path: str, index: int) -> Path | None:
    """Where the copy of ``path`` (face ``index``) is kept; ``None`` when the font file cannot
    be read or there is no cache folder. The name holds the font's file name, the face and a
    digest of what the copy is made from: the file's path, size and modification time, the
    HarfBuzz version and the character list."""
    root = cache_dir()
    if root is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    _, _, hb, _ = _libraries()
    key = [
        _CACHE_HEADER.decode("ascii"),
        os.path.abspath(path),
        index,
        stat.st_size,
        stat.st_mtime_ns,
        _ffi_string(hb.hb_version_string()),
        hashlib.sha256(repr(subset_codepoints()).encode("ascii")).hexdigest(),
    ]
    digest = hashlib.sha256(json.dumps(key).encode("utf-8")).hexdigest()[:32]
    return root / "fonts" / f"{_face_prefix(path, index)}{digest}.font"


def _face_prefix(path: str, index: int) -> str:
    """The start of the names of every kept copy of one face (older ones are removed)."""
    return f"{Path(path).stem[:60]}-{index}-"


def _ffi_string(pointer: Any) -> str:
    ffi = _libraries()[0]
    return ffi.string(pointer).decode("ascii", "replace") if pointer != ffi.NULL else ""


def _owned(stat: os.stat_result, folder: os.stat_result) -> bool:
    """Whether a kept file can be trusted: it and its folder belong to this user, and no one
    else may write in the folder (a font planted in a shared folder could draw wrong figures)."""
    if not hasattr(os, "getuid"):  # Windows: the cache is in the user's own profile
        return True
    uid = os.getuid()
    return stat.st_uid == uid and folder.st_uid == uid and not folder.st_mode & 0o022


def _read_kept(target: Path) -> bytes | None:
    """The copy kept at ``target`` when it is whole (its digest matches) and trusted (:func:`_owned`)."""
    try:
        with open(target, "rb") as kept:
            stat = os.fstat(kept.fileno())
            data = kept.read()
        folder = os.stat(target.parent)
    except OSError:
        return None
    if not _owned(stat, folder) or not data.startswith(_CACHE_HEADER):
        return None
    digest = data[len(_CACHE_HEADER) : len(_CACHE_HEADER) + _DIGEST_LENGTH]
    body = data[len(_CACHE_HEADER) + _DIGEST_LENGTH + 1 :]
    if not body or hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        return None
    return body


def _keep(target: Path, content: bytes, prefix: str) -> None:
    """Write the copy to ``target`` (atomically, in a folder only this user may write), then
    remove older copies of the same face and the temporary files of interrupted writes."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if hasattr(os, "getuid") and folder.stat().st_uid == os.getuid():
        folder.chmod(0o700)
    digest = hashlib.sha256(content).hexdigest().encode("ascii")
    with atomic_path(target) as tmp:
        tmp.write_bytes(_CACHE_HEADER + digest + b"\n" + content)
    now = time.time()
    for old in folder.iterdir():
        stale = old.name.startswith(prefix) and old.name != target.name
        interrupted = old.name.startswith(".") and old.name.endswith(".part")
        try:
            if stale or (interrupted and now - old.stat().st_mtime > 3600):
                old.unlink()
        except OSError:
            continue


#: How many times this process has cut a font down with HarfBuzz (not read from the cache).
cuts = 0


def _cached_subset(path: str, index: int) -> bytes | None:
    """:func:`_subset` of ``path``, read from the cache (:func:`cache_dir`) when a whole,
    trusted copy is there, else cut and kept there; a cache that cannot be written costs only
    the time to cut the font again next time."""
    global cuts
    target = _cache_file(path, index)
    if target is not None:
        kept = _read_kept(target)
        if kept is not None:
            return kept
    cuts += 1
    content = _subset(path, index)
    if content and target is not None:
        try:
            _keep(target, content, _face_prefix(path, index))
        except OSError as exc:  # a read-only home, a full disk: the copy is simply made next time
            log.debug("subset font not cached at %s: %s", target, exc)
    return content


#: How many times this process has built subset fonts (the tests check that it is once).
builds = 0


@functools.lru_cache(maxsize=4)
def print_fonts(families: tuple[str, ...]) -> PrintFont | None:
    """The subset copies for a page whose text uses ``families`` (a ``font-family`` list),
    made once per process and list (read from the cache, :func:`_cached_subset`); ``None``
    when no family of it is an installed CJK font (or fontconfig or HarfBuzz are missing)."""
    global builds
    try:
        _libraries()
    except (ImportError, OSError) as exc:
        log.debug("no subset fonts for PDF export: %s", exc)
        return None
    for family in families:
        found = {css_weight: _match(family, fc_weight) for css_weight, fc_weight in _WEIGHTS.items()}
        regular = found[400]
        if regular is None:
            continue
        installed = family.lower() in _GENERIC or family.lower() in (name.lower() for name in regular[2])
        if not installed:
            continue
        if not regular[3]:  # an installed font without Chinese: the next family would draw it
            continue
        builds += 1
        faces = {}
        for css_weight, match in found.items():
            if match is not None and match[3]:
                content = _cached_subset(match[0], match[1])
                if content:
                    faces[css_weight] = content
        if not faces:
            return None
        return PrintFont(family=family, subset_family=f"assess {regular[2][0]}", faces=faces)
    return None
