from datetime import date

from flask import abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from models import Fund, Organisation, db
from workflow.engine.errors import ValidationFailed
from workflow.money import fund_reports, ledger
from workflow.money.donations import record_donation

from .. import paging
from ..access import roles
from ..actions import Done, carry_out
from ..csv_export import csv_response
from ..forms import show_refusal
from ..transactions import streamed
from . import bp
from .forms import DonationForm, LedgerFilterForm

READERS = ("secretariat", "finance_officer", "auditor")
PER_PAGE = 100


def _fund_or_404(code: str) -> Fund:
    fund = db.session.scalar(select(Fund).where(Fund.code == code.upper()))
    if fund is None:
        abort(404)
    return fund


def _filters(form: LedgerFilterForm) -> fund_reports.LedgerFilters:
    return fund_reports.LedgerFilters(kind=form.kind.data or "", date_from=form.date_from.data,
                                      date_to=form.date_to.data,
                                      reference=(form.reference.data or "").strip())


def _fund_page(fund: Fund) -> str:
    """Where a recorded donation lands: the fund's page, its ledger showing the entry."""
    return url_for("funds.show", code=fund.code)


def _donation_form() -> DonationForm:
    form = DonationForm()
    donors = db.session.scalars(select(Organisation).where(
        Organisation.kind.in_(("alumni_society", "company"))).order_by(Organisation.name))
    form.donor_organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in donors]
    return form


@bp.route("/")
@roles(*READERS)
def index():
    funds = db.session.scalars(select(Fund).order_by(Fund.code)).all()
    return render_template("funds/index.html",
                           funds=[(f, ledger.balances(f)) for f in funds])


@bp.route("/<code>", methods=["GET", "POST"])
@roles(*READERS)
def show(code: str):
    fund = _fund_or_404(code)
    form = _donation_form()
    if request.method == "POST":
        if not current_user.has_role("secretariat"):
            abort(403)

        def act() -> Done:
            organisation = db.session.get(Organisation, form.donor_organisation_id.data or 0)
            donation = record_donation(
                fund, donor_kind=form.donor_kind.data, donor_name=form.donor_name.data,
                donor_organisation=organisation, received_on=form.received_on.data,
                amount_yen=form.amount_yen.data, note=form.note.data, actor=current_user,
                today=date.today())
            return Done(_("Recorded ¥%(amount)s from %(donor)s.",
                          amount=f"{donation.amount_yen:,}", donor=donation.donor_name),
                        _fund_page(fund), created=donation)

        if done := carry_out(form, act, refusals=ValidationFailed,
                             creates=lambda _: _fund_page(fund)):
            return done
    filter_form = LedgerFilterForm(formdata=request.args)
    rows, total, problem = [], 0, None
    page = paging.page_number()
    if filter_form.validate():
        try:
            filters = _filters(filter_form)
            total = fund_reports.ledger_count(fund, filters)
            page = min(page, paging.last_page(total, PER_PAGE))  # past the end: the last
            rows = db.session.execute(fund_reports.ledger_query(fund, filters)
                                      .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        except ValidationFailed as refusal:
            show_refusal(filter_form, refusal)
            problem = refusal.message
    else:
        problem = _("Some filters are not valid.")
    status = 400 if problem else 200
    return render_template(
        "funds/show.html", fund=fund, balances=ledger.balances(fund), form=form,
        filter_form=filter_form, rows=rows, total=total, page=page,
        pages=paging.last_page(total, PER_PAGE), problem=problem,
    ), status


@bp.route("/<code>/history.json")
@roles(*READERS)
def history(code: str):
    return jsonify(fund_reports.balance_history(_fund_or_404(code)))


@bp.route("/<code>/ledger.csv")
@roles(*READERS)
@streamed
def ledger_csv(code: str):
    fund = _fund_or_404(code)
    form = LedgerFilterForm(formdata=request.args)
    if not form.validate():
        abort(400)
    try:
        filters = _filters(form)
        filters.check()
    except ValidationFailed as refusal:
        abort(400, refusal.message)
    return csv_response(f"ledger-{fund.code}.csv", fund_reports.ledger_csv_rows(fund, filters))
