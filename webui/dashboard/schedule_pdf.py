"""A loan's repayment schedule as a PDF (fpdf2), with the same figures as the CSV."""

from __future__ import annotations

from datetime import date

from fpdf import FPDF

from workflow.loans.statement import LoanStatement

from .labels import NO_NEXT_INSTALMENT, PDF_SUMMARY, SCHEDULE_COLUMNS, SCHEDULE_TITLE

# The core Helvetica font has no yen sign: amounts are labelled JPY instead.
_WIDTHS = (20, 26, 28, 26, 30, 26, 30)


def _latin(text: str) -> str:
    """What the core fonts can print: anything else becomes a question mark."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _summary(loan: LoanStatement) -> dict[str, str]:
    following = loan.next_instalment
    return {
        "company": loan.application.organisation.name,
        "outstanding": f"{loan.outstanding_principal_yen:,}",
        "arrears": f"{loan.arrears_yen:,}",
        "next": (f"{following.due_on:%d %B %Y}: {loan.next_payment_yen:,} JPY"
                 if following else NO_NEXT_INSTALMENT),
    }


def schedule_pdf(loan: LoanStatement, rows: list[tuple], today: date) -> bytes:
    """The schedule's PDF: a heading, the loan's summary on `today`, then the table."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(_latin(f"{loan.application.reference} {SCHEDULE_TITLE}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, _latin(f"{loan.application.reference}: {loan.application.title}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin(f"{SCHEDULE_TITLE}, {today:%d %B %Y}"), new_x="LMARGIN",
             new_y="NEXT")
    summary = _summary(loan)
    for label, key in PDF_SUMMARY:
        pdf.cell(60, 6, _latin(label))
        pdf.cell(0, 6, _latin(summary[key]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 8)
    with pdf.table(col_widths=_WIDTHS, text_align="RIGHT") as table:
        table.row([_latin(c) for c in SCHEDULE_COLUMNS])
        for row in rows:
            table.row([str(row[0]), row[1], *(f"{v:,}" for v in row[2:])])
    return bytes(pdf.output())
