"""A Japanese font for the PDFs we write: Noto Sans CJK cut down to the characters Japanese
business documents use.

Debian's fonts-noto-cjk collection is 19 MB, and fpdf2 reads the face and subsets it again
for every document it writes: seconds each time. One face holding the characters of Windows-31J
(JIS X 0208's kana and level 1 and 2 kanji, with NEC's and IBM's additions, as Japanese
companies type them), Latin and common punctuation, without layout tables (fpdf2 does not
shape text), reads and subsets in a fraction of that. Its outlines are TrueType, drawn from
the collection's CFF ones: fpdf2 writes a CFF glyph out by running its charstring through
fontTools' interpreter several times, a TrueType glyph by decoding and encoding its points.
Documents print in a face of their own glyphs taken from it (workflow.files.document_font).
It is made once, at first use, in the folder the caller gives (the app's instance folder),
named after exactly what it is made from, so that an updated font package, a changed
character set or outline format makes a new one.

A text of Latin letters alone (São Paulo, Chișinău: not ASCII, so not the core Helvetica)
gets a face of the Latin ranges alone, made the same way: a few hundred glyphs are made and
read far faster than eight thousand.
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

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

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
CHARACTER_SET_VERSION = 2  # raise when RANGES, the encoding below or the outlines change
LATIN_VERSION = 2  # raise when LATIN_RANGES or the outlines change
# The greatest distance, in font units (1/1000 em), of a TrueType curve from the CFF one.
MAX_ERROR = 1.0
CUT_DOWN_SUFFIX = ".ttf"  # TrueType outlines, which fpdf2 subsets far faster than CFF
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
    return Path(folder) / "fonts" / f"NotoSansCJKjp-{kind}-{digest}{CUT_DOWN_SUFFIX}"


def _quadratic(glyph) -> Glyph:
    """A glyph of the CFF face as TrueType outlines, within MAX_ERROR of the cubic curves."""
    pen = TTGlyphPen(None)
    glyph.draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
    return pen.glyph()


def _build(source: Path, target: Path, unicodes: frozenset[int]) -> None:
    """The face's glyphs for `unicodes`, drawn once into TrueType outlines, with its metrics,
    names and vertical metrics; no layout tables (fpdf2 does not shape text) and no hints
    (TrueType hints would need an autohinter; PDF viewers rasterise unhinted at most sizes)."""
    font = TTFont(source, fontNumber=FACE, lazy=True)
    cmap = {code: name for code, name in font.getBestCmap().items() if code in unicodes}
    order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=font.getGlyphID)]
    drawn = font.getGlyphSet()
    glyphs = {name: _quadratic(drawn[name]) for name in order}
    builder = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    advances = font["hmtx"].metrics
    # TrueType places a glyph by its left side bearing, which must be its outline's xMin.
    builder.setupHorizontalMetrics({name: (advances[name][0], getattr(glyphs[name], "xMin", 0))
                                    for name in order})
    for tag in ("head", "hhea", "OS/2", "name", "post"):  # as the face has them
        builder.font[tag] = font[tag]
    builder.font["post"].formatType = 3.0  # no glyph names: the CFF face has none either
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed: another process never reads a half-written font.
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        builder.save(partial)
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
