"""The font one PDF is printed in: the glyphs of the characters it prints, taken from the
cut-down Japanese face (workflow.files.japanese_font).

fpdf2 parses the whole face it is given for every document: for the eight thousand glyphs of
the cut-down face, that is most of a Japanese PDF's time. So each face is read once per
process and kept as bytes (each glyph's TrueType record, its metrics, the tables every face
needs), keyed on the face's path, size and modification time; a document gets a face of
just the glyphs it prints, put together from those bytes, in a temporary file that fpdf2
reads. A text outside the cut-down face (a rare kanji) gets the whole collection, as
font_for says: slowly, but printed as written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

from . import japanese_font

# A document's face always holds printable ASCII: its figures, dates and references.
ASCII = frozenset(range(0x20, 0x7F))
# The tables a face keeps as they are; glyf, loca, hmtx and cmap are made per document.
KEPT_TABLES = ("head", "hhea", "maxp", "OS/2", "name", "post")


@dataclass(frozen=True)
class FaceParts:
    """A TrueType face taken apart into what a document's face is put together from."""

    units_per_em: int
    glyph_names: Mapping[int, str]  # code point -> glyph name
    glyph_ids: Mapping[str, int]  # the face's order, kept in the document's face
    outlines: Mapping[str, bytes]  # glyph name -> its glyf record, as the face stores it
    metrics: Mapping[str, tuple[int, int]]  # glyph name -> advance width, left side bearing
    tables: Mapping[str, bytes]


def face_parts(face: Path) -> FaceParts:
    """The parts of `face`, read once per process for each version of its file."""
    stat = face.stat()
    return _read_parts(face.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _read_parts(face: Path, size: int, modified_ns: int) -> FaceParts:
    """size and modified_ns key the cache: a face made again is read again."""
    font = TTFont(face, lazy=True)
    order = font.getGlyphOrder()
    stored = font.getTableData("glyf")
    offsets = font["loca"]
    return FaceParts(
        units_per_em=font["head"].unitsPerEm,
        glyph_names=font.getBestCmap(),
        glyph_ids={name: number for number, name in enumerate(order)},
        outlines={name: stored[offsets[number]:offsets[number + 1]]
                  for number, name in enumerate(order)},
        metrics=dict(font["hmtx"].metrics),
        tables={tag: font.getTableData(tag) for tag in KEPT_TABLES},
    )


def document_face(face: Path, texts: Iterable[str]) -> bytes:
    """A TrueType face of `face`'s glyphs for printable ASCII and the characters of `texts`
    (those it has), with `face`'s metrics and names."""
    parts = face_parts(face)
    wanted = ASCII | {ord(c) for text in texts for c in text}
    cmap = {code: parts.glyph_names[code] for code in wanted if code in parts.glyph_names}
    order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=parts.glyph_ids.get)]
    builder = FontBuilder(parts.units_per_em, isTTF=True)
    font = builder.font
    for tag in KEPT_TABLES:
        font[tag] = newTable(tag)
        font[tag].decompile(parts.tables[tag], font)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    # The glyph records go in as stored: their bounds are in them already.
    font["loca"], font["glyf"] = newTable("loca"), newTable("glyf")
    font["glyf"].glyphOrder = order
    font["glyf"].glyphs = {name: Glyph(parts.outlines[name]) for name in order}
    builder.setupHorizontalMetrics({name: parts.metrics[name] for name in order})
    font.recalcBBoxes = False  # the face's bounds hold for any of its glyphs
    written = BytesIO()
    font.save(written)
    return written.getvalue()


@contextmanager
def printing_font(face: Path, texts: Iterable[str]) -> Iterator[tuple[Path, int]]:
    """The font file (and its face number) for fpdf2 to print `texts` in, `face` being what
    japanese_font.font_for chose: a document's own face of the cut-down face's glyphs, in
    a temporary file that lasts while the document is written (fpdf2 reads the glyphs
    when it writes the PDF out); the whole collection (.ttc) as it is."""
    if face.suffix != japanese_font.CUT_DOWN_SUFFIX:
        yield face, japanese_font.FACE
        return
    with tempfile.NamedTemporaryFile(prefix="wnf-document-", suffix=".ttf") as file:
        file.write(document_face(face, texts))
        file.flush()
        yield Path(file.name), 0
