"""A document's own face: the glyphs it prints, as the cut-down face draws them, put together
from the face's bytes kept per process (workflow.files.document_font); and the cut-down
face's TrueType glyphs keep the collection's shapes and widths."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from workflow.files import document_font, japanese_font
from workflow.files.japanese_font import FACE, MAX_ERROR, SOURCE, font_for

pytestmark = pytest.mark.skipif(not SOURCE.is_file(), reason="needs Debian's fonts-noto-cjk")
TEXTS = ["浜松精密部品株式会社", "返済予定表", "２０２６年１２月７日：￥456,789"]
RARE = "𠮷"  # U+20BB7, outside Windows-31J: only the whole collection has it


@pytest.fixture
def cut_down(app) -> Path:
    return font_for(TEXTS, Path(app.instance_path))


def _drawn(font: TTFont, character: str):
    """The outline's points (TrueType) and advance width of the glyph drawing `character`."""
    name = font.getBestCmap()[ord(character)]
    glyph = font["glyf"][name]
    return list(glyph.getCoordinates(font["glyf"])[0]), font["hmtx"][name][0]


def test_a_document_face_holds_its_own_characters_drawn_as_the_cut_down_face_draws_them(
        cut_down):
    face = TTFont(BytesIO(document_font.document_face(cut_down, TEXTS)))
    whole = TTFont(cut_down)
    wanted = {ord(c) for text in TEXTS for c in text} | set(range(0x20, 0x7F))
    assert set(face.getBestCmap()) == wanted
    assert len(face.getGlyphOrder()) < 200 < len(whole.getGlyphOrder())
    for character in "浜会表２￥4,A~ ":
        assert _drawn(face, character) == _drawn(whole, character)
    assert face["name"].getBestFullName() == whole["name"].getBestFullName()


def test_a_character_the_cut_down_face_lacks_is_left_out_not_drawn_as_another(cut_down):
    face = TTFont(BytesIO(document_font.document_face(cut_down, ["株式会社" + RARE])))
    assert ord(RARE) not in face.getBestCmap() and ord("株") in face.getBestCmap()


def test_the_cut_down_faces_glyphs_keep_the_collections_shapes_and_widths(cut_down):
    collection = TTFont(SOURCE, fontNumber=FACE, lazy=True)
    made = TTFont(cut_down)
    for character in "漢字あア髙鰯１￥①ễ—→Ag":
        bounds = []
        for font in (collection, made):
            name = font.getBestCmap()[ord(character)]
            pen = BoundsPen(font.getGlyphSet())
            font.getGlyphSet()[name].draw(pen)
            bounds.append((pen.bounds, font["hmtx"][name][0]))
        (cubic, cubic_width), (quadratic, quadratic_width) = bounds
        assert quadratic_width == cubic_width, character
        assert all(abs(q - c) <= MAX_ERROR + 1 for q, c in zip(quadratic, cubic, strict=True)), \
            character  # within the conversion's error, and a unit of rounding


def test_a_face_made_again_is_read_again(cut_down, app, tmp_path):
    face = tmp_path / "face.ttf"
    shutil.copy(japanese_font.cut_down_font(Path(app.instance_path), latin=True), face)
    assert ord("浜") not in document_font.face_parts(face).glyph_names
    shutil.copy(cut_down, face)  # made again, with the kanji
    assert ord("浜") in document_font.face_parts(face).glyph_names


def test_the_documents_face_lasts_while_the_document_is_written_and_no_longer(cut_down):
    with document_font.printing_font(cut_down, TEXTS) as (path, number):
        assert path.is_file() and number == 0
        assert ord("浜") in TTFont(path).getBestCmap()
    assert not path.exists()


def test_the_whole_collection_is_printed_in_as_it_is():
    with document_font.printing_font(SOURCE, ["株式会社" + RARE]) as (path, number):
        assert (path, number) == (SOURCE, FACE)
