"""A ten-year loan's repayment schedule as a PDF: every instalment's figures in order, one
row each, under the table's headings on every page."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

from tests.pdf_text import core_font_texts, page_count
from webui.dashboard.schedule_pdf import schedule_pdf


def _loan() -> SimpleNamespace:
    """What schedule_pdf reads of a loan statement."""
    application = SimpleNamespace(reference="SME-2026-0007", title="CNC machining plant",
                                  organisation=SimpleNamespace(name="Saigon Precision Parts"))
    return SimpleNamespace(application=application, arrears_yen=0, next_payment_yen=456_789,
                           next_instalment=SimpleNamespace(due_on=date(2027, 1, 31)),
                           outstanding_principal_yen=48_000_000)


def test_every_instalment_is_printed_in_order_under_headings_on_every_page(app):
    rows = [(n, date(2027 + (n - 1) // 12, (n - 1) % 12 + 1, 28).isoformat(), 400_000,
             56_789 - n, 456_789 - n, 456_789 - n if n <= 3 else 0, 48_000_000 - 400_000 * n)
            for n in range(1, 121)]
    with app.test_request_context():
        pdf = schedule_pdf(_loan(), rows, date(2026, 12, 7))
    texts = core_font_texts(pdf)
    table = texts[texts.index("Instalment"):]
    figures = [text for text in table if not re.search("[A-Za-z]", text)]
    assert figures == [str(r[0]) if i == 0 else (r[i] if i == 1 else f"{r[i]:,}")
                       for r in rows for i in range(7)]
    assert page_count(pdf) == 3  # 120 rows of 8-point figures on A4
    assert table.count("Instalment") == table.count("Balance after (JPY)") == 3
