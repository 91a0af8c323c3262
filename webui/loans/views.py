"""The SME loan pages: the list, the application form and the forms of the loan's panel.

Each action form posts to its own URL here; when it is refused, the form is shown again on
its own page with the reason next to the field.
"""

from dataclasses import replace
from datetime import date

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from models import Application, Instalment, LoanDetails, Round, db
from workflow.engine import service
from workflow.engine.errors import TransitionRefused
from workflow.engine.permissions import READER_ROLES
from workflow.loans import applications as loans
from workflow.loans import arrears
from workflow.loans.assessment import Assessment, complete_assessment
from workflow.money.round_choice import round_choices

from ..access import roles
from ..actions import Done, carry_out
from ..application_loading import visible_application_or_404
from ..file_lists.filters import filter_form, render_select
from ..file_lists.listing import export_list, list_args, read_list
from ..file_lists.rows import list_rows, sort_headers
from ..grants.proposals import country_options
from ..labels import long_date
from ..transactions import streamed
from . import bp
from .forms import (
    AgreementForm,
    AssessmentForm,
    LoanForm,
    RepaymentForm,
    WriteOffForm,
    WriteOffRequestForm,
    reading_described,
)
from .panel import assessment_form, repayment_form

VIEWERS = (*READER_ROLES, "applicant")


def _loan_or_404(application_id: int) -> Application:
    application = visible_application_or_404(application_id)
    if application.kind != "loan":
        abort(404)
    return application


def _show_url(application_id: int) -> str:
    return url_for("applications.show", application_id=application_id)


def _done(application: Application, message: str) -> Done:
    return Done(_("%(reference)s: %(message)s", reference=application.reference, message=message),
                _show_url(application.id))


def _action_page(application: Application, form, title: str, endpoint: str, **extra):
    return render_template("loans/action.html", application=application, form=form,
                           title=title, action=url_for(endpoint, application_id=application.id),
                           **extra)


# The loans list's columns: a loan's country is the one it invests in.
LIST_COLUMNS = (("reference", _l("Reference")), ("title", _l("Title")),
                ("organisation", _l("Company")), ("country", _l("Investment country")),
                ("state", _l("State")), ("requested", _l("Requested (¥)")),
                ("approved", _l("Approved (¥)")))


def _principal_owed(ids: list[int]) -> dict[int, int]:
    """Each listed loan's principal still to repay, by its schedule."""
    return {k: int(v) for k, v in db.session.execute(
        select(Instalment.application_id,
               func.sum(Instalment.principal_yen - Instalment.paid_principal_yen))
        .where(Instalment.application_id.in_(ids))
        .group_by(Instalment.application_id)).all()}


@bp.route("/")
@roles(*VIEWERS)
def index():
    staff = current_user.has_role(*READER_ROLES)
    form = filter_form(staff, kind="loan")
    listed = read_list(form, kind="loan")
    rows, args = list_rows(listed.page.rows, staff), list_args()
    company = current_user.organisation
    return render_template("loans/index.html", rows=rows, listed=listed, form=form,
                           list_args=args, render_select=render_select, staff=staff,
                           headers=sort_headers(args, "loans.index", LIST_COLUMNS),
                           owed=_principal_owed([r.ident for r in rows]),
                           may_apply=company is not None and company.kind == "company"
                           and current_user.has_role("applicant")
                           ), (400 if listed.problem else 200)


@bp.route("/export.csv")
@roles(*VIEWERS)
@streamed
def export():
    """The filtered loans as CSV, each with its investment country."""
    return export_list(filter_form(current_user.has_role(*READER_ROLES), kind="loan"), "loans.csv",
                       kind="loan")


def _round_choices(form: LoanForm, application: Application | None = None) -> None:
    """The rounds open today; on edit, the application's own round too."""
    rounds = round_choices(loans.LOAN_FUND_CODE, keep=application.round if application else None)
    form.round_id.choices = [(r.id, _("%(round)s (closes %(day)s)", round=r.name,
                                       day=long_date(r.closes_on)))
                             for r in rounds]


def _request_from(form: LoanForm) -> loans.LoanRequest:
    return loans.LoanRequest(
        title=form.title.data or "", round_=db.session.get(Round, form.round_id.data),
        requested_yen=form.requested_yen.data, term_months=form.term_months.data,
        investment_country=form.investment_country.data or "", project=form.project.data or "",
        purpose=form.purpose.data or "", industry=form.industry.data,
        capital_yen=form.capital_yen.data, employees=form.employees.data,
        name_reading=form.name_reading.data or "")


@bp.route("/new", methods=["GET", "POST"])
@roles("applicant")
def new():
    company = current_user.organisation
    if company is None or company.kind != "company":
        raise TransitionRefused(_("Only a company can apply for an SME loan."))
    form = reading_described(LoanForm(obj=company), company.name)
    _round_choices(form)

    def act() -> Done:
        application = loans.create_loan(company, current_user, _request_from(form))
        return replace(_done(application, _("the loan application is saved as a draft.")),
                       created=application)

    if done := carry_out(form, act, creates=_show_url):
        return done
    return render_template("loans/form.html", form=form, application=None,
                           countries=country_options())


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@roles("applicant")
def edit(application_id: int):
    application = _loan_or_404(application_id)
    problem = loans.may_edit(application, current_user)
    if problem:
        raise TransitionRefused(problem)
    company, loan = application.organisation, application.loan or LoanDetails()
    form = LoanForm(data={
        "title": application.title, "round_id": application.round_id,
        "requested_yen": application.requested_yen, "term_months": loan.requested_term_months,
        "investment_country": loan.investment_country, "project": loan.project,
        "purpose": loan.purpose, "industry": company.industry or "manufacturing",
        "capital_yen": company.capital_yen, "employees": company.employees,
        "name_reading": company.name_reading,
    })
    reading_described(form, company.name)
    _round_choices(form, application)

    def act() -> Done:
        loans.update_loan(application, current_user, _request_from(form))
        return _done(application, _("your changes are saved."))

    if done := carry_out(form, act):
        return done
    return render_template("loans/form.html", form=form, application=application,
                           countries=country_options())


@bp.route("/<int:application_id>/assessment", methods=["GET", "POST"])
@roles("secretariat")
def assessment(application_id: int):
    application = _loan_or_404(application_id)
    form = AssessmentForm() if request.method == "POST" else assessment_form(application)

    def act() -> Done:
        complete_assessment(application, current_user, Assessment(
            form.risk_grade.data, form.notes.data or "", form.amount_yen.data,
            form.annual_rate.data, form.term_months.data, form.grace_months.data,
            form.method.data), expected_version=form.expected_version())
        return _done(application, _("the assessment is complete and the file is with the "
                                    "committee."))

    if done := carry_out(form, act):
        return done
    return _action_page(application, form, _("Credit assessment"), "loans.assessment")


@bp.route("/<int:application_id>/agreement", methods=["GET", "POST"])
@roles("secretariat")
def agreement(application_id: int):
    application = _loan_or_404(application_id)
    form = AgreementForm(data={"version": application.version, "agreement_date": date.today()}
                         if request.method == "GET" else None)

    def act() -> Done:
        loans.sign_agreement(application, current_user,
                             agreement_date=form.agreement_date.data,
                             file=form.agreement_file.data,
                             upload_dir=current_app.config["UPLOAD_DIR"],
                             expected_version=form.expected_version())
        return _done(application, _("the agreement is signed."))

    if done := carry_out(form, act):
        return done
    return _action_page(application, form, _("Sign the agreement"), "loans.agreement",
                        multipart=True)


@bp.route("/<int:application_id>/repayments", methods=["GET", "POST"])
@roles("finance_officer")
def repayment(application_id: int):
    application = _loan_or_404(application_id)
    form = RepaymentForm() if request.method == "POST" else repayment_form(application)

    def act() -> Done:
        service.fire(application, "record_repayment", current_user,
                     expected_version=form.expected_version(),
                     amount_yen=form.amount_yen.data, received_on=form.received_on.data,
                     bank_reference=form.bank_reference.data)
        return _done(application, _("¥%(amount)s recorded.",
                                              amount=f"{form.amount_yen.data:,}"))

    if done := carry_out(form, act, once=_show_url(application.id)):
        return done
    return _action_page(application, form, _("Record a repayment"), "loans.repayment")


@bp.route("/<int:application_id>/write-off/request", methods=["GET", "POST"])
@roles("finance_officer")
def request_write_off(application_id: int):
    application = _loan_or_404(application_id)
    form = WriteOffRequestForm()

    def act() -> Done:
        arrears.request_write_off(application, current_user, form.reason.data)
        return _done(application, _("the write-off is requested; the committee chair must "
                                    "approve it."))

    if done := carry_out(form, act):
        return done
    return _action_page(application, form, _("Request a write-off"), "loans.request_write_off")


@bp.route("/<int:application_id>/write-off", methods=["GET", "POST"])
@roles("committee_chair")
def write_off(application_id: int):
    application = _loan_or_404(application_id)
    form = WriteOffForm(data={"version": application.version}
                        if request.method == "GET" else None)

    def act() -> Done:
        service.fire(application, "write_off", current_user,
                     expected_version=form.expected_version(),
                     comment=form.comment.data or None)
        return _done(application, _("the loan is written off."))

    if done := carry_out(form, act):
        return done
    return _action_page(application, form, _("Approve the write-off"), "loans.write_off")
