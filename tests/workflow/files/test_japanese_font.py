"""The cut-down Japanese font for PDFs: what it holds, when the whole collection serves
instead, and that it is made once per source font (workflow.files.japanese_font)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from workflow.files import japanese_font
from workflow.files.japanese_font import SOURCE, characters, font_for, subset_path

needs_the_font = pytest.mark.skipif(not SOURCE.is_file(), reason="needs Debian's fonts-noto-cjk")
# Kana, level 1 and level 2 kanji, an NEC/IBM kanji (髙), full-width digits and the yen sign,
# a circled number, Vietnamese letters and the marks our pages print.
EVERYDAY = "あア漢字鰯髙１２３￥①ễ—“”・→¥"
RARE = "𠮷"  # U+20BB7, outside Windows-31J: the whole collection has it


@pytest.fixture
def instance_folder(app) -> Path:
    """The app's instance folder, where the font is kept between test runs (made once)."""
    return Path(app.instance_path)


def test_the_character_set_holds_what_japanese_documents_use():
    assert {ord(c) for c in EVERYDAY} <= characters()
    assert ord(RARE) not in characters()


@needs_the_font
def test_the_cut_down_font_draws_every_character_of_its_set(instance_folder):
    font = TTFont(font_for(["返済予定表"], instance_folder))
    held = set(font.getBestCmap())
    assert {ord(c) for c in EVERYDAY} <= held
    assert "GSUB" not in font and len(font.getGlyphOrder()) < 12_000  # cut down indeed


@needs_the_font
def test_japanese_text_gets_the_cut_down_font_and_a_rare_kanji_the_whole_collection(
        instance_folder):
    cut_down = font_for(["浜松精密部品株式会社", "返済予定表"], instance_folder)
    assert cut_down == subset_path(instance_folder) and cut_down.stat().st_size < 5_000_000
    assert font_for(["株式会社" + RARE], instance_folder) == SOURCE


@needs_the_font
def test_the_font_is_made_once(instance_folder):
    made = japanese_font.cut_down_font(instance_folder)
    when = made.stat().st_mtime_ns
    assert japanese_font.cut_down_font(instance_folder) == made
    assert made.stat().st_mtime_ns == when


def test_a_changed_source_font_gets_a_new_cut_down_font(tmp_path):
    source = tmp_path / "NotoSansCJK-Regular.ttc"
    source.write_bytes(b"a font")
    before = subset_path(tmp_path, source)
    assert before == subset_path(tmp_path, source)
    os.utime(source, ns=(1, 1))  # the font package was updated
    assert subset_path(tmp_path, source) != before


def test_without_the_collection_there_is_no_japanese_font(tmp_path):
    assert font_for(["返済予定表"], tmp_path, source=tmp_path / "missing.ttc") is None


@needs_the_font
def test_latin_letters_alone_get_the_small_latin_face_and_it_draws_them(instance_folder):
    latin = "São Paulo, Asunción, Hồ Chí Minh — “Bogotá”"
    face = font_for([latin], instance_folder)
    assert face == subset_path(instance_folder, latin=True) != subset_path(instance_folder)
    font = TTFont(face)
    assert {ord(c) for c in latin} <= set(font.getBestCmap())
    assert len(font.getGlyphOrder()) < 1_000  # not the twelve thousand of the Japanese face
    assert font_for([latin, "返済予定表"], instance_folder) == subset_path(instance_folder)
