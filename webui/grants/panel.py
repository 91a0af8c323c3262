"""What the grant panel of the application page shows one user about one grant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import ngettext

from models import (
    PROGRAMME_LABELS,
    Application,
    Attachment,
    BudgetLine,
    Comment,
    FinalReport,
    GrantDetails,
    User,
)
from workflow.engine.permissions import READER_ROLES
from workflow.engine.wording import listing, word
from workflow.files import attachments
from workflow.grants import proposals, reports, screening
from workflow.grants.budget import Totals, format_percent
from workflow.grants.participation import Partner, participation_of
from workflow.people import due_reminders
from workflow.people.accounts import country_name

from .forms import ChecklistForm, NoteForm


@dataclass
class Country:
    code: str
    name: str
    participants: int


@dataclass
class GrantPanel:
    application: Application
    details: GrantDetails | None
    programme: str | None
    venue: str | None
    partners: list[Partner]
    participants: list[Country]
    lines: list[BudgetLine]
    totals: Totals
    own_percent: str
    min_own_percent: int | None
    files: list[Attachment]
    edit_url: str | None
    attach_url: str | None
    report_url: str | None
    staff: bool
    checklist: list[screening.ChecklistItem]
    checklist_form: ChecklistForm | None
    notes: list[Comment]
    note_form: NoteForm | None
    report: FinalReport | None
    report_participants: list[Country]
    spent: Totals
    released_yen: int
    unspent_yen: int | None  # fixed at acceptance; until then what it would be
    report_due_on: date | None  # while approved or in implementation
    report_overdue: bool

    @property
    def ticked(self) -> int:
        return sum(1 for item in self.checklist if item.check is not None)

    @property
    def participants_text(self) -> str:
        return _people_by_country(self.participants)

    @property
    def report_participants_text(self) -> str:
        return _people_by_country(self.report_participants)


def _people_by_country(countries: list[Country]) -> str:
    """"Indonesia: 10 people, Thailand: 30 people" in the reader's language."""
    return listing([ngettext("%(country)s: %(num)d person", "%(country)s: %(num)d people",
                             c.participants, country=c.name) for c in countries])


def _countries(rows) -> list[Country]:
    return [Country(r.country_code, country_name(r.country_code), r.participants) for r in rows]


def grant_panel(application: Application, user: User) -> GrantPanel | None:
    """Everything grants/_panel.html shows; None for loans."""
    if application.kind != "grant":
        return None
    details = application.grant
    round_ = application.round
    totals = proposals.budget_totals(application)
    staff = user.has_role(*READER_ROLES)
    may_check = screening.checklist_refusal(application, user) is None
    report = application.report
    # Partners, expected and reported participants: one statement (workflow.grants.participation).
    taking_part = participation_of([application])[application.id]
    released = reports.released_yen(application) if report is not None else 0
    unspent = None
    if report is not None:
        unspent = (report.unspent_yen if report.unspent_yen is not None
                   else reports.provisional_unspent(application))
    venue = None
    if details is not None and (details.venue_city or details.venue_country):
        venue = ", ".join(part for part in (
            details.venue_city,
            country_name(details.venue_country) if details.venue_country else "") if part)

    report_due = (due_reminders.report_due_on(application)
                  if application.state in due_reminders.REPORT_SHOWN_STATES else None)

    def link(endpoint: str, refusal: str | None) -> str | None:
        return None if refusal else url_for(endpoint, application_id=application.id)

    return GrantPanel(
        application=application, details=details,
        programme=word(PROGRAMME_LABELS[details.programme_type]) if details and (
            details.programme_type) else None,
        venue=venue, partners=taking_part.partners,
        participants=_countries(taking_part.expected),
        lines=proposals.budget_lines(application), totals=totals,
        own_percent=format_percent(totals.own_percent),
        min_own_percent=round_.min_own_percent if round_ else None,
        files=attachments.attachments_of(application),
        edit_url=link("grants.edit", proposals.edit_refusal(application, user)),
        attach_url=link("grants.attachments_page",
                        reports.attach_refusal(application, user)),
        report_url=link("grants.report", reports.report_refusal(application, user)),
        staff=staff,
        checklist=screening.checklist(application) if staff else [],
        checklist_form=ChecklistForm(back="application") if may_check else None,
        notes=screening.staff_notes(application) if staff else [],
        note_form=NoteForm(back="application") if user.has_role("secretariat") else None,
        report=report,
        report_participants=_countries(taking_part.reported) if report else [],
        spent=reports.expense_totals(application), released_yen=released,
        unspent_yen=unspent, report_due_on=report_due,
        report_overdue=report_due is not None and report_due < date.today(),
    )
