"""The applicant's proposal: create a draft in an open round, then edit it."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Application, Organisation, Round, db
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.grants import proposals
from workflow.grants.proposals import BudgetLineInput, ParticipantInput, ProposalInput
from workflow.people import accounts

from ..access import roles
from ..actions import Done, carry_out
from ..labels import long_date
from . import bp
from .forms import NewProposalForm, ProposalForm, show_field_refusal
from .loading import grant_or_404

BLANK_ROWS = 2  # empty rows offered below the filled ones; "Add" buttons give more


def country_options() -> list[tuple[str, str]]:
    """For the <datalist> that helps typing ISO codes."""
    return accounts.country_options()


def _draft_page(application_id: int) -> str:
    """Where a new draft lands: its form, to fill in the proposal."""
    return url_for("grants.edit", application_id=application_id)


@bp.route("/new", methods=["GET", "POST"])
@roles("applicant")
def new_proposal():
    rounds = proposals.open_rounds()
    form = NewProposalForm()
    form.round_id.choices = [(r.id, _("%(round)s (closes %(day)s)", round=r.name,
                                       day=long_date(r.closes_on)))
                             for r in rounds]

    def act() -> Done:
        application = proposals.create_proposal(
            round_=db.session.get(Round, form.round_id.data), title=form.title.data,
            actor=current_user)
        return Done(_("%(reference)s: draft created. Fill in the proposal below.",
                      reference=application.reference),
                    _draft_page(application.id), created=application)

    if rounds and (done := carry_out(form, act, refusals=ValidationFailed,
                                     show=show_field_refusal, creates=_draft_page)):
        return done
    organisation = current_user.organisation
    return render_template("grants/new.html", form=form, rounds=rounds,
                           society=organisation is not None
                           and organisation.kind == "alumni_society")


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@roles("applicant")
def edit(application_id: int):
    application = grant_or_404(application_id)
    refusal = proposals.edit_refusal(application, current_user)
    if refusal:
        raise TransitionRefused(refusal)
    posted = request.method == "POST"
    form = ProposalForm() if posted else ProposalForm(data=_initial_data(application))
    form.partner_ids.choices = [(org.id, _partner_label(org))
                                for org in proposals.partner_choices(application.organisation)]
    if posted and (form.add_budget_row.data or form.add_participant_row.data):
        # Without JavaScript: one more empty row, nothing saved yet.
        (form.budget if form.add_budget_row.data else form.participants).append_entry()
    else:
        def act() -> Done:
            proposals.save_proposal(application, current_user, _proposal_input(form))
            return Done(_("%(reference)s: proposal saved. Requested from WNF: ¥%(amount)s.",
                          reference=application.reference,
                          amount=f"{application.requested_yen:,}"),
                        url_for("applications.show", application_id=application.id))

        if done := carry_out(form, act, refusals=ValidationFailed, show=show_field_refusal):
            return done
    return render_template("grants/edit.html", application=application, form=form,
                           countries=country_options())


def _partner_label(org: Organisation) -> str:
    if org.kind == "alumni_society":
        return f"{org.name} ({org.country_code})"
    return f"{org.name} ({org.country_code}, {org.kind_label.lower()})"


def _initial_data(application: Application) -> dict:
    details = application.grant
    blank_line, blank_country = {"funded_by": "wnf"}, {}
    return {
        "title": application.title,
        "programme_type": (details.programme_type if details else None) or "",
        "objectives": details.objectives if details else "",
        "start_date": details.start_date if details else None,
        "end_date": details.end_date if details else None,
        "venue_country": (details.venue_country if details else None) or "",
        "venue_city": details.venue_city if details else "",
        "expected_participants": details.expected_participants if details else None,
        "partner_ids": [org.id for org in proposals.partners(application)],
        "budget": [{"category": line.category, "description": line.description,
                    "amount_yen": line.amount_yen, "funded_by": line.funded_by}
                   for line in proposals.budget_lines(application)] + [blank_line] * BLANK_ROWS,
        "participants": [{"country_code": p.country_code, "participants": p.participants}
                         for p in proposals.participant_countries(application)]
        + [blank_country] * BLANK_ROWS,
    }


def _rows(field_list, make) -> tuple:
    """Each row as the workflow's input, None where the user ticked "remove"."""
    return tuple(None if entry.form.remove.data else make(entry.form)
                 for entry in field_list.entries)


def _proposal_input(form: ProposalForm) -> ProposalInput:
    return ProposalInput(
        title=form.title.data or "", programme_type=form.programme_type.data or None,
        objectives=form.objectives.data or "", start_date=form.start_date.data,
        end_date=form.end_date.data, venue_country=form.venue_country.data or "",
        venue_city=form.venue_city.data or "",
        expected_participants=form.expected_participants.data,
        partner_ids=tuple(form.partner_ids.data or ()),
        participants=_rows(form.participants, lambda row: ParticipantInput(
            row.country_code.data or "", row.participants.data)),
        budget=_rows(form.budget, lambda row: BudgetLineInput(
            row.category.data or "", row.amount_yen.data, row.funded_by.data,
            row.description.data or "")),
    )
