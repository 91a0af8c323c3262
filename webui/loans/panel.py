"""What the loan panel of the application page shows, computed for one user and one file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from flask import current_app
from markupsafe import Markup

from models import INDUSTRY_LABELS, METHOD_LABELS, Application, LoanDetails, User
from workflow import arrears, idempotency, loan_documents, loans, repayments
from workflow.accounts import country_name
from workflow.chain_cache import kept_for_page
from workflow.repayments import InstalmentLine
from workflow.sme import eligibility_problem

from .forms import AgreementForm, AssessmentForm, RepaymentForm, WriteOffForm, WriteOffRequestForm

# The workflow actions this panel renders as forms: (form name, endpoint).
FORM_ACTIONS = {
    "assessment": "loans.assessment",
    "agreement": "loans.agreement",
    "repayment": "loans.repayment",
    "write_off": "loans.write_off",
}


_BADGES = {
    ("paid", False): '<span class="badge text-bg-success">paid {paid_on}</span>',
    ("overdue", False): '<span class="badge text-bg-warning">overdue</span>',
    ("overdue", True): '<span class="badge text-bg-danger">overdue, past the grace days</span>',
    ("due", False): '<span class="badge text-bg-light border">due</span>',
}


def schedule_rows(instalments: list[InstalmentLine], today: date) -> Markup:
    """The schedule table's rows, written in one pass rather than by a dozen template
    expressions per row (a loan has up to 120 instalments). Every value is a number, a
    date or a fixed word: there is nothing to escape."""
    rows = []
    for i in instalments:
        status, late = _status(i, today)
        paid_on = i.paid_on.isoformat() if i.paid_on else ""
        badge = _BADGES[(status, late)].format(paid_on=paid_on)
        rows.append(
            f'<tr class="instalment-{status}" data-number="{i.number}"><td>{i.number}</td>'
            f'<td>{i.due_on.isoformat()}</td><td class="text-end">{i.interest_yen:,}</td>'
            f'<td class="text-end">{i.principal_yen:,}</td>'
            f'<td class="text-end">{i.interest_yen + i.principal_yen:,}</td>'
            f'<td class="text-end">{i.paid_interest_yen + i.paid_principal_yen:,}</td>'
            f'<td class="text-end">{i.balance_after_yen:,}</td><td>{badge}</td></tr>\n')
    return Markup("".join(rows))


def repayment_rows(received: list) -> Markup:
    """The repayments table's rows, in one pass as the schedule's."""
    return Markup("".join(
        f"<tr><td>{r.received_on.isoformat()}</td><td>{escape(r.bank_reference)}</td>"
        f'<td class="text-end">{r.amount_yen:,}</td><td class="text-end">{r.interest_yen:,}</td>'
        f'<td class="text-end">{r.principal_yen:,}</td></tr>\n' for r in received))


@dataclass
class LoanFigures:
    """What loans/_figures.html shows: the same for every viewer of the file, but for the
    staff's parts and the edit link."""

    application: Application
    eligibility: str | None
    industry: str
    investment_country: str  # its name and ISO code, or a dash
    method: str
    schedule: Markup  # the rows of the schedule table; empty before the first release
    outstanding_yen: int
    outstanding_principal_yen: int
    repayments: Markup  # the rows of the repayments table
    chart: dict | None
    agreement_name: str | None  # the signed agreement's file name, once attached
    may_edit: bool
    documents: list  # the business plan and financial statements (Attachment rows)
    grace_days: int = repayments.GRACE_DAYS

    @property
    def loan(self):
        return self.application.loan

    @property
    def company(self):
        return self.application.organisation


@dataclass
class LoanPanel:
    figures: Markup  # loans/_figures.html, rendered
    chart: bool  # the figures hold the balance chart (the page then loads Chart.js)
    # form name -> (form, url, blocked sentence or None): the user's own, never kept
    forms: dict[str, tuple] = field(default_factory=dict)


def assessment_form(application: Application) -> AssessmentForm:
    """The assessment form, filled with what is known: the assessment so far, else the ask."""
    loan = application.loan or LoanDetails()  # nothing filled in yet
    return AssessmentForm(data={
        "version": application.version, "risk_grade": loan.risk_grade or "C",
        "notes": loan.assessment_notes,
        "amount_yen": loan.recommended_amount_yen or application.requested_yen,
        "annual_rate": loan.recommended_rate,
        "term_months": loan.recommended_term_months or loan.requested_term_months,
        "grace_months": loan.recommended_grace_months or 0,
        "method": loan.recommended_method or "annuity",
    })


def repayment_form(application: Application) -> RepaymentForm:
    return RepaymentForm(data={"version": application.version, "received_on": date.today(),
                               "idempotency_key": idempotency.new_key()})


def _country(code: str | None) -> str:
    return f"{country_name(code)} ({code})" if code else "—"


def _status(instalment: InstalmentLine, today: date) -> tuple[str, bool]:
    if instalment.due_yen == 0:
        return "paid", False
    if instalment.due_on < today:
        return "overdue", repayments.past_grace(instalment.due_on, today)
    return "due", False


def balance_chart(application: Application, instalments: list[InstalmentLine],
                  received: list) -> dict | None:
    """Principal owed over time: as scheduled, and as actually repaid (for Chart.js)."""
    loan = application.loan
    if not instalments or loan is None or loan.first_release_on is None:
        return None
    start, amount = loan.first_release_on, application.approved_yen
    planned = {start: amount, **{i.due_on: i.balance_after_yen for i in instalments}}
    actual, owed = {start: amount}, amount
    for repayment in received:
        owed -= repayment.principal_yen
        actual[repayment.received_on] = owed
    days = sorted(set(planned) | set(actual))
    return {
        "labels": [d.isoformat() for d in days],
        "planned": _carried(planned, days, days[-1]),
        # The repaid line stops at the last repayment: beyond it nothing has happened yet.
        "actual": _carried(actual, days, max(actual)),
    }


def _carried(points: dict, days: list[date], until: date) -> list[int | None]:
    """The balance on each day: the last one known on or before it, up to `until`."""
    values, last = [], None
    for day in days:
        last = points.get(day, last)
        values.append(last if day <= until else None)
    return values


def _forms(application: Application, user: User, actions: list) -> dict[str, tuple]:
    from flask import url_for

    builders = {
        "assessment": lambda: assessment_form(application),
        "agreement": lambda: AgreementForm(data={"version": application.version,
                                                 "agreement_date": date.today()}),
        "repayment": lambda: repayment_form(application),
        "write_off": lambda: WriteOffForm(data={"version": application.version}),
    }
    forms = {}
    for action in actions:
        if action.form in FORM_ACTIONS:
            url = url_for(FORM_ACTIONS[action.form], application_id=application.id)
            # The assessment and agreement forms supply what their guards look for, so a
            # "blocked" sentence there only means "fill in this form".
            blocked = action.blocked if action.form == "write_off" else None
            forms[action.form] = (builders[action.form](), url, blocked)
    if arrears.may_request_write_off(application, user) is None:
        url = url_for("loans.request_write_off", application_id=application.id)
        forms["write_off_request"] = (WriteOffRequestForm(), url, None)
    return forms


def loan_panel(application: Application, user: User, actions: list,
               staff: bool = False) -> LoanPanel | None:
    """The panel; None when the application is not a loan.

    The figures are rendered once per file, day (the overdue badges), staff view and edit
    link, and kept by the worker until the audit chain moves: every change to a loan, its
    company or the people named is a step that appends to it. The forms are the user's.
    """
    if application.kind != "loan" or application.loan is None:
        return None
    may_edit = loans.may_edit(application, user) is None
    figures, chart = kept_for_page(
        "loan figures", (application.id, date.today(), staff, may_edit),
        lambda: _render_figures(application, staff, may_edit))
    return LoanPanel(figures, chart, _forms(application, user, actions))


def _render_figures(application: Application, staff: bool, may_edit: bool
                    ) -> tuple[Markup, bool]:
    today = date.today()
    instalments = repayments.schedule_lines(application)
    received = repayments.received_lines(application)
    figures = LoanFigures(
        application=application,
        eligibility=eligibility_problem(application.organisation),
        industry=INDUSTRY_LABELS.get(application.organisation.industry or "", "—"),
        investment_country=_country(application.loan.investment_country),
        method=METHOD_LABELS.get(application.loan.method or "", "—"),
        schedule=schedule_rows(instalments, today),
        outstanding_yen=repayments.outstanding(instalments),
        outstanding_principal_yen=repayments.outstanding_principal(instalments),
        repayments=repayment_rows(received),
        chart=balance_chart(application, instalments, received),
        agreement_name=loans.agreement_name(application),
        may_edit=may_edit,
        documents=loan_documents.documents_of(application),
    )
    html = current_app.jinja_env.get_template("loans/_figures.html").render(
        panel=figures, application=application, staff=staff,
        document_labels=loan_documents.DOCUMENT_KINDS)
    return Markup(html), figures.chart is not None
