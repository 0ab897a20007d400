"""A smaller copy of the page's CJK font for PDF export, cut once per user and font.

A Chinese system font (Noto Sans CJK: 65,000 glyphs, 19 MB a weight) makes every PDF export
slow twice over: WeasyPrint subsets the whole font for each document, and keeps glyph
numbers as they are, so the embedded subset still carries tens of thousands of empty glyph
slots. :func:`print_fonts` cuts the font down (``fontTools.subset``, WeasyPrint's own
dependency) to the characters a report can use — ASCII, Latin-1, the common punctuation and
symbols, the full-width forms and the 6,763 hanzi of GB 2312 — and renumbers its glyphs; the
PDF exporter (:mod:`assess.reporting._pdf`) declares that copy with ``@font-face`` under a
family of its own, put just before the original in the page's ``font-family`` lists. A
character outside the copy falls back, character by character, to the original font, so
nothing is lost, and every other font of the page stays where it was in the list.

Cutting takes fontTools some twenty seconds of CPU a weight, so the copy is kept on disk
(:func:`cache_dir`, ``fonts/``), under a name made of the font file's path, face, size and
modification time, the fontTools version and the character list: every later process and
run reads it (a few milliseconds). A font that is updated or a fontTools that changes makes
a new name (and the old copy is removed). A kept copy is used only when its SHA-256 matches
(never one cut short) and it and its folder belong to the user, in a folder no one else may
write (never one planted in a shared folder); otherwise, or when the cache cannot be
written, the font is simply cut again.

Which font: the first family of the page's first ``font-family`` list that fontconfig has
installed (asked with its ``fc-match`` command) and that covers simplified Chinese (a generic
family such as ``sans-serif`` counts as installed). Nothing is changed when there is none,
or ``fc-match`` is not installed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import logging
import os
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assess.common import atomic_path

__all__ = [
    "PrintFont",
    "print_fonts",
    "fontconfig",
    "subset_codepoints",
    "font_family_lists",
    "cache_dir",
    "FONT_SCHEME",
]

log = logging.getLogger(__name__)

#: The URL scheme under which the exporter's URL fetcher serves the subset fonts.
FONT_SCHEME = "assess-font:"

_GENERIC = {"serif", "sans-serif", "monospace", "system-ui", "ui-sans-serif", "ui-serif", "cursive", "fantasy"}
#: The weights a report uses: regular text and bold (headings, table heads, ``font-weight: 600``).
_WEIGHTS = {400: 80, 700: 200}  # CSS weight -> fontconfig weight


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


#: Characters fontconfig's patterns treat as syntax, escaped in a family name.
_PATTERN_SPECIAL = re.compile(r"([\\:,=\-])")


def _match(family: str, fc_weight: int) -> tuple[str, int, list[str], bool] | None:
    """fontconfig's font for ``family`` at a weight (``fc-match``): file, face index, family
    names, and whether it covers simplified Chinese (fontconfig's ``zh-cn`` language)."""
    escaped = _PATTERN_SPECIAL.sub(r"\\\1", family)
    pattern = f"{escaped}:lang=zh-cn:weight={fc_weight}"
    fields = fontconfig("fc-match", "--format", "%{file}\\n%{index}\\n%{family}\\n%{lang}\\n", pattern)
    lines = fields.split("\n") if fields else []
    if len(lines) < 4 or not lines[0]:
        return None
    names = [name for name in re.split(r"(?<!\\),", lines[2]) if name]
    index = int(lines[1]) if lines[1].isdigit() else 0
    return lines[0], index, names, "zh-cn" in lines[3].split("|")


def _chinese_families() -> set[str] | None:
    """The families (lower case) of the installed fonts that cover simplified Chinese
    (``fc-list :lang=zh-cn``); ``None`` when ``fc-list`` cannot be run."""
    listing = fontconfig("fc-list", ":lang=zh-cn", "--format", "%{family}\\n")
    if listing is None:
        return None
    return {name.lower() for line in listing.splitlines() for name in re.split(r"(?<!\\),", line) if name}


def fontconfig(*command: str) -> str | None:
    """What a fontconfig command (``fc-match``, ``fc-list``) prints; ``None`` when it is not
    installed or fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("%s: %s", command[0], exc)
        return None
    return done.stdout if done.returncode == 0 else None


def _subset(path: str, index: int) -> bytes | None:
    """The font ``path`` (face ``index`` of a collection) cut down to :func:`subset_codepoints`
    with ``fontTools.subset`` (its default options: glyphs renumbered, the default layout
    features kept)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError

    try:
        # the original's bounding boxes and date are kept: recomputing them walks every glyph (twice the time)
        font = TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    except (OSError, TTLibError) as exc:
        log.debug("cannot read %s: %s", path, exc)
        return None
    with font:
        subsetter = subset.Subsetter(subset.Options())
        subsetter.populate(unicodes=subset_codepoints())
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue() or None


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
_CACHE_HEADER = b"assess subset font 2\n"  # 2: cut by fontTools, bounding boxes kept
_DIGEST_LENGTH = 64


def _cache_file(path: str, index: int) -> Path | None:
    """Where the copy of ``path`` (face ``index``) is kept; ``None`` when the font file cannot
    be read or there is no cache folder. The name holds the font's file name, the face and a
    digest of what the copy is made from: the file's path, size and modification time, the
    fontTools version and the character list."""
    root = cache_dir()
    if root is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = [
        _CACHE_HEADER.decode("ascii"),
        os.path.abspath(path),
        index,
        stat.st_size,
        stat.st_mtime_ns,
        f"fontTools {_fonttools_version()}",
        hashlib.sha256(repr(subset_codepoints()).encode("ascii")).hexdigest(),
    ]
    digest = hashlib.sha256(json.dumps(key).encode("utf-8")).hexdigest()[:32]
    return root / "fonts" / f"{_face_prefix(path, index)}{digest}.font"


def _fonttools_version() -> str:
    import fontTools

    return str(fontTools.version)


def _face_prefix(path: str, index: int) -> str:
    """The start of the names of every kept copy of one face (older ones are removed)."""
    return f"{Path(path).stem[:60]}-{index}-"


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
        stale = old.name.startswith(prefix) and old.name != target.name and _same_format(old)
        interrupted = old.name.startswith(".") and old.name.endswith(".part")
        try:
            if stale or (interrupted and now - old.stat().st_mtime > 3600):
                old.unlink()
        except OSError:
            continue


def _same_format(kept: Path) -> bool:
    """Whether a kept copy was made the way this version makes them (its header): only those
    are replaced. A copy another version of assess made (another format) is left alone, so
    two versions used in turn, side by side or in a benchmark, do not delete each other's
    copies and cut the font again on every run."""
    try:
        with open(kept, "rb") as file:
            return file.read(len(_CACHE_HEADER)) == _CACHE_HEADER
    except OSError:
        return False


#: How many times this process has cut a font down with fontTools (not read from the cache).
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
    with _cutting(target):  # the workers of a first run: one cuts, the others then read its copy
        kept = _read_kept(target) if target is not None else None
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


@contextlib.contextmanager
def _cutting(target: Path | None) -> Iterator[None]:
    """Hold a lock on cutting the copy kept at ``target`` (``fcntl.flock`` on a file beside it),
    so the processes of a run do not all cut the same font at once; without the lock (no
    ``fcntl``, a folder that cannot be written) each simply cuts it."""
    try:
        import fcntl

        if target is None:
            raise OSError("no cache folder")
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = open(target.parent / f".{target.stem}.lock", "a")  # noqa: SIM115 (held until the end of the block)
    except (ImportError, OSError):
        yield
        return
    with lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        except OSError:
            pass
        yield


#: How many times this process has built subset fonts (the tests check that it is once).
builds = 0


@functools.lru_cache(maxsize=4)
def print_fonts(families: tuple[str, ...]) -> PrintFont | None:
    """The subset copies for a page whose text uses ``families`` (a ``font-family`` list),
    made once per process and list (read from the cache, :func:`_cached_subset`); ``None``
    when no family of it is an installed CJK font (or ``fc-match`` is missing)."""
    global builds
    chinese = _chinese_families()
    for family in families:
        if chinese is not None and family.lower() not in _GENERIC and family.lower() not in chinese:
            continue  # not installed, or without Chinese: one fc-list call spares two fc-match calls a family
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
