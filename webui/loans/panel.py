"""What the loan panel of the application page shows, computed for one user and one file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, url_for
from flask_babel import get_locale
from markupsafe import Markup

from models import INDUSTRY_LABELS, METHOD_LABELS, PREPAYMENT_LABELS, Application, LoanDetails, User
from workflow.engine import idempotency
from workflow.engine.kept import kept_for_file
from workflow.engine.wording import word
from workflow.loans import accrual, applications, arrears, book, repayments, undrawn
from workflow.loans import documents as loan_documents
from workflow.loans.accrual import Position
from workflow.loans.book import InstalmentLine
from workflow.loans.statement import ScheduleRow, schedule_rows
from workflow.money import finance_queue
from workflow.money.cancellations import cancellation_lines
from workflow.people.accounts import country_name
from workflow.people.sme import eligibility_problem

from .forms import (
    AgreementForm,
    AssessmentForm,
    CancellationDecisionForm,
    RepaymentForm,
    UndrawnCancellationForm,
    WriteOffForm,
    WriteOffRequestForm,
)
from .rows import Movement, balance_chart, movement_rows

# The instalments the schedule shows before "show all".
SHOWN_INSTALMENTS = 12

# The workflow actions this panel renders as forms: (form name, endpoint).
FORM_ACTIONS = {
    "assessment": "loans.assessment",
    "agreement": "loans.agreement",
    "repayment": "loans.repayment",
    "write_off": "loans.write_off",
}


@dataclass
class LoanFigures:
    """What loans/_figures.html shows: the same for every viewer of the file, but for the
    staff's parts and the edit link."""

    application: Application
    eligibility: str | None
    industry: str
    investment_country: str  # its name and ISO code, or a dash
    method: str
    prepayment: str
    schedule: list[ScheduleRow]  # empty before the first release
    owed: Position | None  # what the loan owes today
    next_instalment: InstalmentLine | None
    maturity: date | None  # the last instalment's due date
    repayments: list  # the repayments received (loan_book.received_lines)
    movements: list[Movement]  # releases and cancellations of the undrawn part
    facility: undrawn.Undrawn | None  # approved, released, cancelled
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

    @property
    def schedule_parts(self) -> tuple[list[ScheduleRow], list[ScheduleRow], list[ScheduleRow]]:
        """(paid before, the next SHOWN_INSTALMENTS from the first unpaid, due after): the
        page shows the middle and folds the others; a loan paid off shows its last ones."""
        unpaid = [n for n, row in enumerate(self.schedule) if row.status != "paid"]
        start = unpaid[0] if unpaid else max(0, len(self.schedule) - SHOWN_INSTALMENTS)
        end = start + SHOWN_INSTALMENTS
        return self.schedule[:start], self.schedule[start:end], self.schedule[end:]

    @property
    def outstanding_principal_yen(self) -> int:
        return self.owed.principal if self.owed else 0


@dataclass
class LoanPanel:
    figures: Markup  # loans/_figures.html, rendered
    chart: bool  # the figures hold the balance chart (the page then loads Chart.js)
    repayment: bool  # the figures hold the repayment section (from the first release on)
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


def proposal_form() -> UndrawnCancellationForm:
    return UndrawnCancellationForm(data={"idempotency_key": idempotency.new_key()})


def decision_form() -> CancellationDecisionForm:
    return CancellationDecisionForm(data={"idempotency_key": idempotency.new_key()})


def _forms(application: Application, user: User, actions: list) -> dict[str, tuple]:
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
    forms.update(_cancellation_forms(application, user))
    return forms


def _cancellation_forms(application: Application, user: User) -> dict[str, tuple]:
    """A finance officer's forms for the undrawn part: propose, or decide on a proposal."""
    if not user.has_role(undrawn.FINANCE) or application.state not in undrawn.CANCELLABLE_STATES:
        return {}
    # From rows the page keeps until the file's revision moves (the finance panel reads
    # the same tranches).
    money = undrawn.undrawn_from(application, finance_queue.tranche_rows(application),
                                 cancellation_lines(application))
    proposal = money.proposed
    if proposal is not None:
        urls = {verb: url_for(f"loans.{verb}_cancellation", application_id=application.id,
                              proposal_id=proposal.id) for verb in ("confirm", "withdraw")}
        mine = proposal.proposed_by_id == user.id
        # Each button its own one-time key: a confirmation does not spend the withdrawal's.
        return {"cancellation_decision": ({verb: decision_form() for verb in urls}, urls,
                                          proposal, mine)}
    url = url_for("loans.propose_cancellation", application_id=application.id)
    return {"undrawn_cancellation": (proposal_form(), url,
                                     undrawn.may_propose(application, user, money))}


def loan_panel(application: Application, user: User, actions: list,
               staff: bool = False) -> LoanPanel | None:
    """The panel; None when the application is not a loan.

    The figures are rendered once per file, day (the overdue badges), staff view, edit
    link and language, and kept by the worker until the file's revision or the people's moves
    (workflow.engine.kept): every change to a loan moves the one, to its company or the people
    named the other. The forms are the user's.
    """
    if application.kind != "loan" or application.loan is None:
        return None
    may_edit = applications.may_edit(application, user) is None
    figures, chart, repayment = kept_for_file(
        "loan figures", application.id, (date.today(), staff, may_edit, str(get_locale())),
        lambda: _render_figures(application, staff, may_edit))
    return LoanPanel(figures, chart, repayment, _forms(application, user, actions))


def _render_figures(application: Application, staff: bool, may_edit: bool
                    ) -> tuple[Markup, bool, bool]:
    today = date.today()
    loan = application.loan
    instalments = book.schedule_lines(application)
    received = book.received_lines(application)
    releases = book.release_lines(application)
    cancellations = cancellation_lines(application)
    terms = book.terms_of(loan) if instalments and loan.first_release_on else None
    figures = LoanFigures(
        application=application,
        eligibility=eligibility_problem(application.organisation),
        industry=word(INDUSTRY_LABELS.get(application.organisation.industry or "", "—")),
        investment_country=_country(application.loan.investment_country),
        method=word(METHOD_LABELS.get(loan.method or "", "—")),
        prepayment=word(PREPAYMENT_LABELS.get(loan.prepayment_mode, "—")),
        schedule=schedule_rows(instalments, terms, today) if terms else [],
        owed=accrual.position(terms, instalments, today) if terms else None,
        next_instalment=accrual.next_instalment(instalments, today),
        maturity=instalments[-1].due_on if instalments else None,
        repayments=received,
        movements=movement_rows(releases, cancellations),
        facility=undrawn.undrawn_from(application, finance_queue.tranche_rows(application),
                                      cancellations) if application.approved_yen else None,
        chart=balance_chart(instalments, releases, received, loan.first_release_on),
        agreement_name=applications.agreement_name(application),
        may_edit=may_edit,
        documents=loan_documents.documents_of(application),
    )
    html = current_app.jinja_env.get_template("loans/_figures.html").render(
        panel=figures, application=application, staff=staff,
        document_labels=loan_documents.DOCUMENT_KINDS)
    return Markup(html), figures.chart is not None, bool(figures.schedule)
