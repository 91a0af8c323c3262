"""What a PDF we wrote prints, read back without a PDF library: the characters its embedded
fonts draw, from their ToUnicode maps (fpdf2 writes one per embedded font)."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
TO_UNICODE = re.compile(rb"<[0-9A-F]{4}> <([0-9A-F]{4,8})>")


def printed_characters(pdf: bytes) -> set[str]:
    """The characters the PDF's embedded fonts draw: what it prints beyond the core fonts."""
    found = set()
    for stream in map(_inflated, STREAM.findall(pdf)):
        if b"beginbfchar" in stream:
            # UTF-16BE: a character beyond the BMP (𠮷) is a surrogate pair, 8 hex digits.
            found |= {bytes.fromhex(code.decode()).decode("utf-16-be")
                      for code in TO_UNICODE.findall(stream)}
    return found


def _inflated(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return stream  # stored as it is


CORE_FONT_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj")
PAGE = re.compile(rb"/Type /Page\b(?!s)")


def core_font_texts(pdf: bytes) -> list[str]:
    """The texts written in the core fonts (Helvetica: nothing embedded), in the order they
    are drawn, page after page."""
    texts = []
    for stream in map(_inflated, STREAM.findall(pdf)):
        texts += [re.sub(rb"\\(.)", rb"\1", text).decode("latin-1")
                  for text in CORE_FONT_TEXT.findall(stream)]
    return texts


def page_count(pdf: bytes) -> int:
    return len(PAGE.findall(pdf))
