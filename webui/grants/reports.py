"""The applicant's final report: participants, outcomes, expenditure; submitting it."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Application
from workflow.engine.errors import TransitionRefused
from workflow.grants import proposals as grants
from workflow.grants import reports
from workflow.grants.proposals import BudgetLineInput, ParticipantInput
from workflow.grants.reports import ReportInput

from .. import once
from ..access import roles
from ..actions import Done, carry_out
from . import bp
from .forms import ReportForm, show_field_refusal
from .loading import grant_or_404
from .proposals import BLANK_ROWS, country_options


def _show_url(application_id: int) -> str:
    return url_for("applications.show", application_id=application_id)


@bp.route("/<int:application_id>/report", methods=["GET", "POST"])
@roles("applicant")
def report(application_id: int):
    application = grant_or_404(application_id)
    posted = request.method == "POST"
    form = ReportForm() if posted else ReportForm(data=_initial_data(application))
    refusal = reports.report_refusal(application, current_user)
    if refusal:
        # A second click on "Submit" lands on the report the first one submitted.
        if posted and (earlier := once.sent_before(form, _show_url)):
            return earlier
        raise TransitionRefused(refusal)
    if posted and (form.add_participant_row.data or form.add_expense_row.data):
        (form.participants if form.add_participant_row.data else form.expenses).append_entry()
    else:
        def act() -> Done:
            reports.submit_report(application, current_user, _report_input(form),
                                        expected_version=form.version.data)
            return Done(_("%(reference)s: final report submitted to the secretariat.",
                          reference=application.reference),
                        _show_url(application.id), created=application,
                        created_as="final_reports")

        # Incomplete, stale or refused: the user keeps what they typed and sees why.
        if done := carry_out(form, act, show=show_field_refusal, creates=_show_url):
            return done
    lines = {line.id: line for line in grants.budget_lines(application)}
    return render_template("grants/report.html", application=application, form=form,
                           lines=lines, countries=country_options())


def _initial_data(application: Application) -> dict:
    """A returned report as it was; a new one starts from the proposal's budget lines."""
    report = application.report
    data = {"version": application.version, "outcomes": report.outcomes if report else ""}
    if report is not None:
        data["participants"] = [{"country_code": p.country_code,
                                 "participants": p.participants} for p in report.participants]
        data["expenses"] = [{"budget_line_id": e.budget_line_id or "", "category": e.category,
                             "description": e.description, "amount_yen": e.amount_yen,
                             "funded_by": e.funded_by} for e in report.expenses]
    else:
        data["participants"] = [{"country_code": p.country_code}
                                for p in grants.participant_countries(application)]
        data["expenses"] = [{"budget_line_id": line.id, "category": line.category,
                             "description": line.description, "funded_by": line.funded_by}
                            for line in grants.budget_lines(application)]
    data["participants"] += [{}] * BLANK_ROWS
    data["expenses"] += [{"funded_by": "wnf"}] * BLANK_ROWS
    return data


def _report_input(form: ReportForm) -> ReportInput:
    def expense(row) -> BudgetLineInput:
        line_id = (row.budget_line_id.data or "").strip()
        return BudgetLineInput(row.category.data or "", row.amount_yen.data,
                               row.funded_by.data, row.description.data or "",
                               int(line_id) if line_id.isdigit() else None)

    return ReportInput(
        outcomes=form.outcomes.data or "",
        participants=tuple(None if e.form.remove.data else ParticipantInput(
            e.form.country_code.data or "", e.form.participants.data)
            for e in form.participants.entries),
        expenses=tuple(None if e.form.remove.data else expense(e.form)
                       for e in form.expenses.entries),
    )
