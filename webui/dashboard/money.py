"""The money part of an applicant's home page: what was released to a society, and a
company's loans (next instalment, principal owed, arrears, schedule as CSV and PDF)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort
from flask_login import current_user

from models import User
from workflow.loans import statement
from workflow.money import received

from ..access import roles
from ..csv_export import csv_response
from . import bp
from .labels import SCHEDULE_COLUMNS


def home_money(user: User, today: date) -> dict:
    """What the home page shows of the user's organisation's money, by kind of organisation."""
    organisation = user.organisation
    if organisation is None or not user.has_role("applicant"):
        return {}
    if organisation.kind == "company":
        return {"loans": statement.company_loans(organisation, today)}
    released = received.released_to(organisation)
    return {"released": released, "released_total": sum(r.amount_yen for r in released)}


def _own_loan_or_404(application_id: int):
    company = current_user.organisation
    loan = statement.loan_of(company, application_id) if company is not None else None
    if loan is None:
        abort(404)
    return statement.statement(loan, date.today())


def schedule_rows(loan: statement.LoanStatement) -> list[tuple]:
    """The schedule as the CSV and PDF give it: figures in whole yen, dates in ISO form."""
    return [(i.number, i.due_on.isoformat(), i.principal_yen, i.interest_yen,
             i.principal_yen + i.interest_yen, i.paid_principal_yen + i.paid_interest_yen,
             i.balance_after_yen) for i in loan.schedule]


@bp.route("/home/loans/<int:application_id>/schedule.csv")
@roles("applicant")
def schedule_csv(application_id: int):
    loan = _own_loan_or_404(application_id)
    rows = [SCHEDULE_COLUMNS, *schedule_rows(loan)]
    return csv_response(f"{loan.application.reference}-schedule.csv", rows)


@bp.route("/home/loans/<int:application_id>/schedule.pdf")
@roles("applicant")
def schedule_pdf_download(application_id: int):
    # Imported at the first PDF, not at start-up: fpdf2 (with fontTools and Pillow) is the
    # heaviest import of the app, paid by every process that starts it (gunicorn's workers,
    # the test suite's), and only this download needs it.
    from .schedule_pdf import schedule_pdf

    loan = _own_loan_or_404(application_id)
    pdf = schedule_pdf(loan, schedule_rows(loan), date.today())  # in the reader's language
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{loan.application.reference}-schedule.pdf"')
    return response
