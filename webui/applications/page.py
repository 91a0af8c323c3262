"""The application page, assembled in Python: which panels one user sees on one file, and
what each holds. applications/show.html only renders what it is given: no template asks
the database or checks a permission.

Each area builds its own panel (webui/grants/panel.py, loans/panel.py, committee/panel.py,
finance/queue.py) from the workflow's read functions; this module decides which of them
the page shows, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from models import Application, User
from workflow.engine import diagrams, registry, service, timeline
from workflow.engine.permissions import READER_ROLES
from workflow.engine.registry import WorkflowDefinition
from workflow.engine.timeline import TimelineEntry

from ..committee.panel import BallotView, ballot_view, closed_ballots_panel
from ..finance.queue import Panel as FinancePanel
from ..finance.queue import finance_panel
from ..grants.panel import GrantPanel, grant_panel
from ..loans.panel import LoanPanel, loan_panel
from .forms import ActionForm


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
    action_form: ActionForm
    grant: GrantPanel | None  # proposal, budget, files, screening, final report
    loan: LoanPanel | None  # terms, schedule, repayments and the loan's forms
    committee: CommitteePart | None
    money: FinancePanel | None  # the tranches of an approved file
    diagram: str  # the workflow's Mermaid diagram, this state marked
    timeline: list[TimelineEntry]

    @property
    def panels(self) -> list[str]:
        """The names of the panels shown, in page order (what a test or a reader checks)."""
        shown = [name for name in ("grant", "loan", "committee", "money")
                 if getattr(self, name) is not None]
        return [*shown, "actions", "diagram", "timeline"]

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
    return ApplicationPage(
        application=application, definition=definition,
        state_label=state.staff_label if staff else state.applicant_label,
        staff=staff, ended=state.final, actions=actions, action_form=ActionForm(),
        grant=grant_panel(application, user),
        loan=loan_panel(application, user, actions, staff),
        committee=committee_part(application, user, staff),
        money=(finance_panel(application, user)
               if staff and application.approved_yen is not None else None),
        diagram=diagrams.mermaid(definition.name, definition.version, application.state),
        timeline=timeline.timeline_of(application.id),
    )
