"""The application page, assembled in Python: which panels one user sees on one file, and
what each holds. applications/show.html only renders what it is given: no template asks
the database or checks a permission.

Each area builds its own panel (webui/grants/panel.py, loans/panel.py, committee/panel.py,
finance/queue.py) from the workflow's read functions; this module decides which of them
the page shows, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from models import Application, User
from workflow.engine import registry, service, timeline
from workflow.engine.permissions import READER_ROLES
from workflow.engine.registry import WorkflowDefinition
from workflow.engine.timeline import TimelineEntry
from workflow.engine.wording import word

from ..committee.panel import BallotView, ballot_view, closed_ballots_panel
from ..finance.queue import Panel as FinancePanel
from ..finance.queue import finance_panel
from ..grants.panel import GrantPanel, grant_panel
from ..loans.panel import LoanPanel, loan_panel
from .stepper import Step, steps
from .tasks import Task, tasks_for


@dataclass
class CommitteePart:
    """The committee's part of the page (staff only): a ballot, or the chair's button to
    open one on a file in committee review that has none."""

    ballot: BallotView | None = None  # open, or closed and not yet kept
    kept: Markup | None = None  # the closed ballots' panel as the worker keeps it
    may_open_ballot: bool = False


@dataclass
class ApplicationPage:
    """Everything applications/show.html shows, already decided for this user."""

    application: Application
    definition: WorkflowDefinition
    state_label: str  # as the staff name the state, or as the applicant reads it
    staff: bool
    ended: bool  # in a final state: what was never released went back to the fund
    actions: list  # service.available_actions: the buttons this user may press now
    tasks: list[Task]  # what the panels offer this user now (vote, tranche, report …)
    grant: GrantPanel | None  # proposal, budget, files, screening, final report
    loan: LoanPanel | None  # terms, schedule, repayments and the loan's forms
    committee: CommitteePart | None
    money: FinancePanel | None  # the tranches of an approved file
    steps: list[Step]  # the programme's main path, this file's step marked
    timeline: list[TimelineEntry]

    @property
    def panels(self) -> list[str]:
        """The names of the panels shown, in page order (what a test or a reader checks)."""
        shown = [name for name in ("grant", "loan", "committee", "money")
                 if getattr(self, name) is not None]
        return ["actions", *shown, "timeline"]

    @property
    def buttons(self) -> list:
        """The workflow actions pressed right here (the others are tasks)."""
        return [action for action in self.actions if not action.form]

    @property
    def nothing_to_do(self) -> bool:
        return not self.buttons and not self.tasks and not (
            self.committee and self.committee.ballot and self.committee.ballot.vote_form)

    @property
    def sections(self) -> list[tuple[str, str]]:
        """The page's index: (anchor, heading) of each section shown, in page order."""
        found = []
        if self.grant is not None:
            found.append(("proposal", _("Proposal")))
            if self.grant.staff:
                found.append(("screening", _("Review")))
            found.append(("attachments", _("Documents")))
            if self.grant.report is not None:
                found.append(("final-report", _("Final report")))
        if self.loan is not None:
            found += [("loan", _("Loan")), ("documents", _("Documents"))]
            if self.loan.repayment:
                found.append(("repayment", _("Repayment")))
        if self.committee is not None:
            found.append(("committee", _("Committee")))
        if self.money is not None:
            found.append(("tranches", _("Money")))
        found.append(("timeline", _("Timeline")))
        return found

    @property
    def triggers(self) -> list[str]:
        """The workflow buttons on the page (the loan panel's forms are in loan.forms)."""
        return [action.trigger for action in self.actions if not action.form]


def committee_part(application: Application, user: User, staff: bool) -> CommitteePart | None:
    if not staff:
        return None
    kept = closed_ballots_panel(application)
    if kept:
        return CommitteePart(kept=kept)
    view = ballot_view(application, user)
    if view is not None:
        return CommitteePart(ballot=view)
    if application.state == "committee_review" and user.has_role("committee_chair"):
        return CommitteePart(may_open_ballot=True)
    return None


def application_page(application: Application, user: User) -> ApplicationPage:
    """The page of one file for one user."""
    definition = registry.get(application.workflow_name, application.workflow_version)
    state = definition.state(application.state)
    staff = user.has_role(*READER_ROLES)
    actions = service.available_actions(application, user)
    grant = grant_panel(application, user)
    loan = loan_panel(application, user, actions, staff)
    committee = committee_part(application, user, staff)
    money = (finance_panel(application, user)
             if staff and application.approved_yen is not None else None)
    history = timeline.timeline_of(application.id)
    return ApplicationPage(
        application=application, definition=definition,
        state_label=word(state.staff_label if staff else state.applicant_label),
        staff=staff, ended=state.final, actions=actions,
        tasks=tasks_for(application, actions, grant=grant, loan=loan, committee=committee,
                        money=money),
        grant=grant, loan=loan, committee=committee, money=money,
        steps=steps(definition, application.state, timeline.moves_of(history), staff),
        timeline=history,
    )
