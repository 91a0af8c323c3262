"""A loan's repayment schedule as a PDF (fpdf2), with the same figures as the CSV."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF

from workflow.files import document_font, japanese_font
from workflow.loans.statement import LoanStatement

from ..labels import long_date
from .labels import NO_NEXT_INSTALMENT, PDF_SUMMARY, SCHEDULE_COLUMNS, SCHEDULE_TITLE

# The core Helvetica font has no yen sign: amounts are labelled JPY instead.
_WIDTHS = (20, 26, 28, 26, 30, 26, 30)
# Japanese text (a company's name, a loan's title, the Japanese labels) needs a CJK font:
# Debian's fonts-noto-cjk, which make and CI install (workflow.files.japanese_font).
CJK_FONTS = japanese_font.SOURCE.parent
CJK_FAMILY = "NotoSansCJKjp"


def _latin(text: str) -> str:
    """What the core fonts can print: anything else becomes a question mark."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _is_latin(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


@contextmanager
def _fonts(pdf: FPDF, texts: list[str]) -> Iterator[tuple[str, str, Callable[[str], str]]]:
    """The font family to write in, its style for headings, and what the text must pass
    through for it: the core Helvetica (bold headings) while every text is Latin-1, else
    Noto Sans CJK when installed, in its one regular face (headings stand out by size): a
    face of the glyphs this document prints, there until the PDF is written out."""
    font = None
    if not all(_is_latin(text) for text in texts):
        font = japanese_font.font_for(texts, Path(current_app.instance_path))
    if font is None:
        yield "Helvetica", "B", _latin
        return
    with document_font.printing_font(font, texts) as (path, face):
        pdf.add_font(CJK_FAMILY, "", str(path), collection_font_number=face)
        yield CJK_FAMILY, "", str


def _summary(loan: LoanStatement) -> dict[str, str]:
    following = loan.next_instalment
    return {
        "company": loan.application.organisation.name,
        "outstanding": f"{loan.outstanding_principal_yen:,}",
        "arrears": f"{loan.arrears_yen:,}",
        "next": (_("%(day)s: %(amount)s JPY", day=long_date(following.due_on),
                   amount=f"{loan.next_payment_yen:,}") if following else str(NO_NEXT_INSTALMENT)),
    }


def _table(pdf: FPDF, font: tuple[str, str], headings: list[str],
           rows: Iterable[list[str]]) -> None:
    """The schedule's table across the page's width, its headings on top of every page, as
    fpdf2's table API drew it (the same lines and letters in the same places). That API
    measured, wrapped and boxed each of the 840 cells in turn and took seconds; a row of
    figures is one line, so here each figure is placed as text and the grid drawn in lines."""
    family, heading_style = font
    scale = pdf.epw / sum(_WIDTHS)
    widths = [width * scale for width in _WIDTHS]
    edges = [pdf.l_margin + sum(widths[:i]) for i in range(len(widths) + 1)]
    line = 2 * pdf.font_size  # fpdf2's tables' line height
    pdf.set_font(family, heading_style)
    heading_lines = [pdf.multi_cell(width, line, text, dry_run=True, output="LINES")
                     for width, text in zip(widths, headings, strict=True)]
    heading_height = line * max(map(len, heading_lines))

    def headings_on_top() -> float:
        """The headings where the page's text is: each boxed, right-aligned, in the middle
        of its box; returns where the figures start."""
        pdf.set_font(family, heading_style)
        top = pdf.y
        for left, width, lines in zip(edges[:-1], widths, heading_lines, strict=True):
            pdf.rect(left, top, width, heading_height)
            pdf.set_xy(left, top + (heading_height - line * len(lines)) / 2)
            pdf.multi_cell(width, line, "\n".join(lines), align="R")
        pdf.set_font(family, "")
        pdf.set_y(top + heading_height)
        return pdf.y

    def columns(top: float) -> None:
        for edge in edges:
            pdf.line(edge, top, edge, pdf.y)

    # In one font and size, a text's width is measured once: instalments, arrears of 0 repeat.
    measured: dict[str, float] = {}
    top = headings_on_top()
    for row in rows:
        if pdf.will_page_break(line):
            columns(top)
            pdf.add_page()
            top = headings_on_top()
        baseline = pdf.y + line / 2 + 0.3 * pdf.font_size  # where cell() writes a line
        for right, text in zip(edges[1:], row, strict=True):
            if text not in measured:
                measured[text] = pdf.get_string_width(text)
            pdf.text(right - pdf.c_margin - measured[text], baseline, text)
        pdf.set_y(pdf.y + line)
        pdf.line(edges[0], pdf.y, edges[-1], pdf.y)
    columns(top)


def schedule_pdf(loan: LoanStatement, rows: list[tuple], today: date) -> bytes:
    """The schedule's PDF: a heading, the loan's summary on `today`, then the table."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    summary = _summary(loan)
    with _fonts(pdf, [
            loan.application.reference, loan.application.title, str(SCHEDULE_TITLE),
            long_date(today), *summary.values(), *(str(label) for label, _key in PDF_SUMMARY),
            *map(str, SCHEDULE_COLUMNS)]) as (family, heading, printable):
        pdf.set_title(printable(f"{loan.application.reference} {SCHEDULE_TITLE}"))
        pdf.add_page()
        pdf.set_font(family, heading, 14)
        pdf.cell(0, 9, printable(f"{loan.application.reference}: {loan.application.title}"),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10)
        pdf.cell(0, 6, printable(f"{SCHEDULE_TITLE}, {long_date(today)}"), new_x="LMARGIN",
                 new_y="NEXT")
        for label, key in PDF_SUMMARY:
            pdf.cell(60, 6, printable(str(label)))
            pdf.cell(0, 6, printable(summary[key]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font(family, "", 8)
        _table(pdf, (family, heading), [printable(str(c)) for c in SCHEDULE_COLUMNS],
               ([str(row[0]), row[1], *(f"{v:,}" for v in row[2:])] for row in rows))
        return bytes(pdf.output())
