"""What this user can do on this file now, gathered from every panel of the page.

The workflow's buttons (service.available_actions) are only part of it: the vote, the
tranche to request or authorise, the final report, the loan's forms and the screening
checklist live in their panels. Each becomes a task at the top of the page, linking to
where it is done, so "What you can do" is never empty while something waits for the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import Application

# The panel anchor where each form-backed workflow action is done (applications/show.html).
FORM_ANCHORS = {
    "tranche": "#tranches",
    "ballot": "#close-ballot",
    "assessment": "#loan-assessment",
    "agreement": "#loan-agreement",
    "repayment": "#loan-repayment",
    "write_off": "#loan-write-off",
}

# The loan panel's own forms that are no workflow arrow, by the words of their task.
LOAN_FORM_TASKS = {
    "write_off_request": _l("Request a write-off"),
    "undrawn_cancellation": _l("Propose cancelling part of the undrawn loan"),
    "cancellation_decision": _l("Decide on the proposed cancellation"),
}


@dataclass(frozen=True)
class Task:
    """One thing to do: its words, where it is done, and why it cannot be done yet."""

    label: str
    href: str
    blocked: str | None = None


def _action_tasks(actions: list, grant) -> list[Task]:
    tasks = []
    for action in actions:
        if not action.form:
            continue  # a plain button: shown as such beside the tasks
        if action.form == "report":
            # Submitted from the report's own page, which the grant's task links to.
            if grant is None or not grant.report_url:
                tasks.append(Task(action.label, "#final-report", action.blocked))
            continue
        href = FORM_ANCHORS.get(action.form)
        if href and action.form != "ballot":  # the ballot's close form is its own task
            tasks.append(Task(action.label, href, action.blocked))
    return tasks


def _grant_tasks(grant) -> list[Task]:
    if grant is None:
        return []
    tasks = []
    if grant.edit_url:
        tasks.append(Task(_("Edit the proposal"), grant.edit_url))
    if grant.attach_url:
        tasks.append(Task(_("Attach files"), grant.attach_url))
    if grant.report_url:
        tasks.append(Task(_("Correct the final report") if grant.report
                          else _("Write and submit the final report"), grant.report_url))
    if grant.checklist_form is not None and grant.ticked < len(grant.checklist):
        tasks.append(Task(_("Complete the screening checklist"), "#screening"))
    return tasks


def _loan_tasks(loan) -> list[Task]:
    if loan is None:
        return []
    return [Task(label, f"#loan-{name.replace('_', '-')}")
            for name, label in LOAN_FORM_TASKS.items() if name in loan.forms]


def _committee_tasks(committee) -> list[Task]:
    if committee is None:
        return []
    if committee.may_open_ballot:
        return [Task(_("Open a ballot"), "#committee")]
    if committee.ballot is None:
        return []
    ballot = committee.ballot
    tasks = []
    if ballot.close_form is not None:
        tasks.append(Task(_("Close the ballot"), "#close-ballot", ballot.approval_blocked))
    return tasks


def _money_tasks(money) -> list[Task]:
    if money is None or not money.officer:
        return []
    tasks = [Task(_("Authorise tranche %(number)s (¥%(amount)s)", number=t.number,
                    amount=f"{t.amount_yen:,}"), f"#tranche-{t.number}")
             for t in money.tranches
             if t.state == "requested" and money.blockers.get(t.id) is None]
    if money.releasable and money.money.remaining > 0:
        tasks.append(Task(_("Request a tranche"), "#request-tranche"))
    return tasks


def tasks_for(application: Application, actions: list, *, grant=None, loan=None,
              committee=None, money=None) -> list[Task]:
    """The tasks of the page's panels, in the order a user meets them, without repeats."""
    found = [*_grant_tasks(grant), *_action_tasks(actions, grant), *_loan_tasks(loan),
             *_committee_tasks(committee), *_money_tasks(money)]
    seen, tasks = set(), []
    for task in found:
        if task.href not in seen:
            seen.add(task.href)
            tasks.append(task)
    return tasks
