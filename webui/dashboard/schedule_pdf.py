"""A loan's repayment schedule as a PDF (fpdf2), with the same figures as the CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from workflow.files import japanese_font
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


def _fonts(pdf: FPDF, texts: list[str]) -> tuple[str, str, Callable[[str], str]]:
    """The font family to write in, its style for headings, and what the text must pass
    through for it: the core Helvetica (bold headings) while every text is Latin-1, else
    Noto Sans CJK when installed, in its one regular face (headings stand out by size)."""
    font = None
    if not all(_is_latin(text) for text in texts):
        font = japanese_font.font_for(texts, Path(current_app.instance_path))
    if font is None:
        return "Helvetica", "B", _latin
    pdf.add_font(CJK_FAMILY, "", str(font), collection_font_number=japanese_font.FACE)
    return CJK_FAMILY, "", str


def _summary(loan: LoanStatement) -> dict[str, str]:
    following = loan.next_instalment
    return {
        "company": loan.application.organisation.name,
        "outstanding": f"{loan.outstanding_principal_yen:,}",
        "arrears": f"{loan.arrears_yen:,}",
        "next": (_("%(day)s: %(amount)s JPY", day=long_date(following.due_on),
                   amount=f"{loan.next_payment_yen:,}") if following else str(NO_NEXT_INSTALMENT)),
    }


def schedule_pdf(loan: LoanStatement, rows: list[tuple], today: date) -> bytes:
    """The schedule's PDF: a heading, the loan's summary on `today`, then the table."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    summary = _summary(loan)
    family, heading, printable = _fonts(pdf, [
        loan.application.title, str(SCHEDULE_TITLE), long_date(today), *summary.values(),
        *(str(label) for label, _key in PDF_SUMMARY), *map(str, SCHEDULE_COLUMNS)])
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
    with pdf.table(col_widths=_WIDTHS, text_align="RIGHT",
                   headings_style=FontFace(emphasis=heading)) as table:
        table.row([printable(str(c)) for c in SCHEDULE_COLUMNS])
        for row in rows:
            table.row([str(row[0]), row[1], *(f"{v:,}" for v in row[2:])])
    return bytes(pdf.output())
