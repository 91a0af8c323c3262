"""The final report of a WNF grant, and the files an applicant attaches to a grant.

The applicant reports actual participants by country, outcomes and actual expenditure
by budget line; accepting the report closes the grant: money released but not spent
on WNF-funded lines becomes a refund due, and whatever was never released goes back to
the fund.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from models import (
    Application,
    Attachment,
    BudgetLine,
    FinalReport,
    ReportExpense,
    ReportParticipant,
    User,
    db,
    utcnow,
)
from models.i18n import N_
from workflow.engine import rules, service
from workflow.engine.definition import OWNER
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.permissions import is_member_of_applicant
from workflow.engine.wording import listing, word
from workflow.files import attachments
from workflow.money import kept_figures, ledger

from .budget import (
    BudgetLineInput,
    ParticipantInput,
    Totals,
    clean_budget_rows,
    clean_participant_rows,
    totals_of,
)
from .proposals import EDITABLE_STATES, edit_refusal

REPORTING_STATE = "in_implementation"


@dataclass(frozen=True)
class ReportInput:
    """What the report form hands over. Rows: None = removed, all-blank rows are skipped."""

    outcomes: str
    participants: tuple[ParticipantInput | None, ...] = ()
    expenses: tuple[BudgetLineInput | None, ...] = ()


def report_refusal(application: Application, actor: User | None) -> str | None:
    """Why this user may not write the final report now, or None when they may."""
    if application.kind != "grant":
        return _("Only grants have a final report.")
    if actor is None or not actor.has_role(OWNER) or not is_member_of_applicant(actor,
                                                                                application):
        return _("Only the applying society may submit the final report.")
    if application.state != REPORTING_STATE:
        return _("The final report is submitted while the activity is in implementation.")
    return None


def submit_report(application: Application, actor: User, data: ReportInput, *,
                  expected_version: int | None = None, today: date | None = None
                  ) -> Application:
    """Save the report with its rows and fire submit_report: all of it, or nothing."""
    refusal = report_refusal(application, actor)
    if refusal:
        raise TransitionRefused(refusal)
    outcomes = (data.outcomes or "").strip()
    participants = clean_participant_rows(data.participants, "participants")
    expenses = clean_budget_rows(data.expenses, "expenses")
    line_ids = set(db.session.scalars(
        select(BudgetLine.id).where(BudgetLine.application_id == application.id)))
    for i, row in enumerate(data.expenses):
        if row is not None and row.budget_line_id is not None and (
                row.budget_line_id not in line_ids):
            raise ValidationFailed(_("Choose a line of the proposal's budget."),
                                   f"expenses-{i}-budget_line_id")
    with db.session.begin_nested():
        report = application.report or FinalReport(application=application)
        db.session.add(report)
        report.outcomes = outcomes
        db.session.flush()
        # Bulk deletes run at once, so the new rows never meet the old ones' unique keys.
        for model in (ReportParticipant, ReportExpense):
            db.session.execute(delete(model).where(model.report_id == application.id))
        db.session.expire(report, ["participants", "expenses"])
        db.session.add_all(ReportParticipant(report_id=application.id, country_code=p.country_code,
                                             participants=p.participants) for p in participants)
        db.session.add_all(ReportExpense(report_id=application.id, position=i,
                                         budget_line_id=e.budget_line_id, category=e.category,
                                         description=e.description, amount_yen=e.amount_yen,
                                         funded_by=e.funded_by) for i, e in enumerate(expenses))
        db.session.flush()
        return service.fire(application, "submit_report", actor,
                            expected_version=expected_version, today=today)


def expense_totals(application: Application) -> Totals:
    """Actual expenditure by source of funds, as reported."""
    report = application.report
    return totals_of(report.expenses if report else ())


def released_yen(application: Application) -> int:
    """WNF money paid out to this grant so far (the ledger's disbursements)."""
    return ledger.application_totals(application).get("disbursement", 0)


def provisional_unspent(application: Application) -> int:
    """Released minus spent on WNF-funded lines, never below zero (before acceptance)."""
    return max(0, released_yen(application) - expense_totals(application).wnf)


@rules.guard("report_complete")
def report_complete(step: rules.Step) -> str | None:
    report = step.application.report
    missing = []
    if report is None or not report.outcomes.strip():
        missing.append(N_("the outcomes"))
    if report is None or not any(p.participants > 0 for p in report.participants):
        missing.append(N_("the actual participants by country"))
    if report is None or not report.expenses:
        missing.append(N_("the actual expenditure by budget line"))
    if missing:
        return _("The final report is not complete: it still needs %(missing)s.",
                 missing=listing([word(item) for item in missing]))
    return None


@rules.effect("stamp_report")
def stamp_report(step: rules.Step) -> None:
    report = step.application.report
    report.submitted_at = utcnow()
    spent = totals_of(report.expenses)
    step.data.update(spent_wnf_yen=spent.wnf, spent_own_yen=spent.own,
                     spent_partner_yen=spent.partner,
                     participants=sum(p.participants for p in report.participants))


@rules.effect("reopen_report")
def reopen_report(step: rules.Step) -> None:
    """A returned report is the applicant's to edit again."""
    if step.application.report is not None:
        step.application.report.submitted_at = None


@rules.effect("settle_grant")
def settle_grant(step: rules.Step) -> None:
    """Unspent = released − actual WNF-funded spending (≥ 0), booked as a refund due;
    the commitment not yet released goes back to the fund."""
    app, actor = step.application, step.actor
    report = app.report
    if report is None or report.submitted_at is None:
        raise TransitionRefused(_("There is no submitted final report to accept."))
    ledger.lock_fund(app.fund)
    released = released_yen(app)
    spent_wnf = totals_of(report.expenses).wnf
    unspent = max(0, released - spent_wnf)
    if unspent > 0:
        ledger.post(app.fund, "refund_due", unspent, actor=actor, application=app,
                    memo=f"Unspent WNF money of {app.reference}")
    freed = ledger.release_commitment(app, actor, memo=f"{app.reference} closed: "
                                                       "the final report was accepted")
    report.unspent_yen = unspent
    report.accepted_at = utcnow()
    kept_figures.report_accepted(db.session.connection(), report.accepted_at,
                                 ((p.country_code, p.participants) for p in report.participants))
    step.data.update(released_yen=released, spent_wnf_yen=spent_wnf, unspent_yen=unspent,
                     commitment_released_yen=freed)


def attachment_kind_for(application: Application) -> str | None:
    """What an applicant's upload is now: part of the proposal, of the report, or nothing."""
    if application.state in EDITABLE_STATES:
        return "proposal"
    if application.state == REPORTING_STATE:
        return "report"
    return None


def attach_refusal(application: Application, actor: User | None) -> str | None:
    """Why this user may not attach files to this grant now, or None when they may."""
    kind = attachment_kind_for(application)
    if kind == "report":
        return report_refusal(application, actor)
    return edit_refusal(application, actor)


def attach(application: Application, file_storage, actor: User, upload_dir: str) -> Attachment:
    """Attach a file to the proposal (while editable) or to the report (while reporting)."""
    app = service.lock(application)
    refusal = attach_refusal(app, actor)
    if refusal:
        raise TransitionRefused(refusal)
    return attachments.store(app, file_storage, attachment_kind_for(app), actor, upload_dir)


def detach(application: Application, attachment: Attachment, actor: User) -> None:
    """Remove a file the applicant attached, while that part of the file is still open."""
    app = service.lock(application)
    refusal = attach_refusal(app, actor)
    if refusal or attachment.application_id != app.id:
        raise TransitionRefused(refusal or _("This file belongs to another application."))
    if attachment.kind != attachment_kind_for(app):
        raise TransitionRefused(_("This file was attached at an earlier stage and stays on "
                                  "record."))
    attachments.remove(attachment, actor)
