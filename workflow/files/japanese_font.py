"""A Japanese font for the PDFs we write: Noto Sans CJK cut down to the characters Japanese
business documents use.

Debian's fonts-noto-cjk collection is 19 MB, and fpdf2 reads the face and subsets it again
for every document it writes: seconds each time. One face holding the characters of Windows-31J
(JIS X 0208's kana and level 1 and 2 kanji, with NEC's and IBM's additions, as Japanese
companies type them), Latin and common punctuation, without layout tables (fpdf2 does not
shape text) and without subroutines (the slow part of subsetting again), reads and subsets in
a fraction of that. It is made once, at first use, in the folder the caller gives (the app's
instance folder), named after exactly what it is made from, so that an updated font package
or a changed character set makes a new one.

A text of Latin letters alone (São Paulo, Chișinău: not ASCII, so not the core Helvetica)
gets a face of the Latin ranges alone, made the same way: fpdf2 parses the face again for
every document, and a few hundred glyphs parse and subset far faster than twelve thousand.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

log = logging.getLogger(__name__)

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = 0  # the collection's Japanese face (Noto Sans CJK JP)
# Latin (Vietnamese and other names included), general punctuation, arrows and marks, the CJK
# symbols and kana blocks, full- and half-width forms; cp932 adds the kanji and the rest.
RANGES = ((0x20, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x2190, 0x21FF),
          (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x27BF), (0x3000, 0x30FF),
          (0xFF00, 0xFFEF))
# Latin letters (Vietnamese and other names included) and general punctuation.
LATIN_RANGES = ((0x20, 0x24F), (0x1E00, 0x1EFF), (0x2000, 0x206F))
CHARACTER_SET_VERSION = 1  # raise when RANGES or the encoding below change
LATIN_VERSION = 1  # raise when LATIN_RANGES change
_building = threading.Lock()


@cache
def characters() -> frozenset[int]:
    """The code points the cut-down font is asked to hold."""
    points = {p for low, high in RANGES for p in range(low, high + 1)}
    for lead in range(0x81, 0xFD):
        for trail in range(0x40, 0xFD):
            try:
                text = bytes((lead, trail)).decode("cp932")
            except UnicodeDecodeError:
                continue
            points.update(map(ord, text))
    return frozenset(points)


@cache
def latin_characters() -> frozenset[int]:
    """The code points of the Latin face."""
    return frozenset(p for low, high in LATIN_RANGES for p in range(low, high + 1))


def subset_path(folder: Path, source: Path = SOURCE, latin: bool = False) -> Path:
    """Where the cut-down font made from `source` lives in `folder`: the name changes with
    the source's path, size and modification time and with the character set."""
    stat = source.stat()
    version = f"latin{LATIN_VERSION}" if latin else CHARACTER_SET_VERSION
    made_from = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{version}"
    digest = hashlib.sha256(made_from.encode()).hexdigest()[:16]
    kind = "latin" if latin else "documents"
    return Path(folder) / "fonts" / f"NotoSansCJKjp-{kind}-{digest}.otf"


def _build(source: Path, target: Path, unicodes: frozenset[int]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    options.desubroutinize = True
    options.notdef_outline = True
    # Kept hints cost nothing here; recomputing bounding boxes would cost most of the time.
    font = TTFont(source, fontNumber=FACE, lazy=True, recalcBBoxes=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed: another process never reads a half-written font.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        font.save(partial)
        os.chmod(partial, 0o644)  # mkstemp's file is its owner's only
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def cut_down_font(folder: Path, source: Path = SOURCE, latin: bool = False) -> Path:
    """The cut-down font (latin: the Latin face), made first if it is not there yet."""
    target = subset_path(folder, source, latin)
    if not target.is_file():
        with _building:
            if not target.is_file():
                log.info("Making %s from %s (once)", target.name, source)
                _build(source, target, latin_characters() if latin else characters())
    return target


def font_for(texts: Iterable[str], folder: Path, source: Path = SOURCE) -> Path | None:
    """The font file to print these texts in (face 0): the Latin face for Latin letters
    alone, else the cut-down font when it holds every character, else the whole collection;
    None when the collection is not installed. Should the folder be read-only, the whole
    collection serves, slowly."""
    if not source.is_file():
        return None
    wanted = {ord(c) for text in texts for c in text}
    if not wanted <= characters():
        return source
    try:
        return cut_down_font(folder, source, latin=wanted <= latin_characters())
    except OSError as error:
        log.warning("No cut-down Japanese font in %s (%s): using the whole collection",
                    folder, error)
        return source
