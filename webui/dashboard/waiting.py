"""What waits for the user on the home page, by role, with counts.

One grouped count of applications by kind and state per role (an applicant's limited to
their organisation, the staff's to the files they see), plus the committee and finance
queues.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import User
from workflow.committee import lists, stuck
from workflow.files import home_counts
from workflow.money.finance_queue import count_ready, count_requested


@dataclass
class Waiting:
    label: str
    url: str
    count: int
    overdue: int = 0


def _counts(user: User, role: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, state) → (applications, overdue ones) of the role's queues: an applicant's of
    their organisation, the staff's of the files they see."""
    states = tuple(sorted({state for _, _, state in ROLE_STATES[role]}))
    return home_counts.counts_by_state(states, user, own_only=role == "applicant")


def _by_state(counts, label: str, kind: str, state: str) -> Waiting | None:
    n, late = counts.get((kind, state), (0, 0))
    if not n:
        return None
    return Waiting(label, url_for("applications.index", state=state, fund="WNF" if kind ==
                                  "grant" else "SME"), n, late)


ROLE_STATES = {
    "applicant": ((_l("Proposals in draft"), "grant", "draft"),
                  (_l("Proposals to revise"), "grant", "revision_requested"),
                  (_l("Activities awaiting their final report"), "grant", "in_implementation"),
                  (_l("Loan applications in draft"), "loan", "draft"),
                  (_l("Loan applications to revise"), "loan", "revision_requested")),
    "secretariat": ((_l("Proposals to start screening"), "grant", "submitted"),
                    (_l("Proposals in screening"), "grant", "screening"),
                    (_l("Final reports to review"), "grant", "report_submitted"),
                    (_l("Loan applications to screen"), "loan", "submitted"),
                    (_l("Loans in screening"), "loan", "screening"),
                    (_l("Credit assessments to complete"), "loan", "credit_assessment"),
                    (_l("Loan agreements to sign"), "loan", "approved")),
}


def waiting_for(user: User) -> dict[str, list[Waiting]]:
    """Role → the queues that hold something for this user."""
    result: dict[str, list[Waiting]] = {}
    for role, items in ROLE_STATES.items():
        if user.has_role(role):
            counts = _counts(user, role)
            found = [w for w in (_by_state(counts, *item) for item in items) if w]
            if found:
                result[role] = found
    if user.has_role("secretariat"):
        waiting = stuck.count_stuck()
        if waiting:
            result.setdefault("secretariat", []).append(Waiting(
                _("Ballots nobody may vote on or close"), url_for("committee.index",
                                                               _anchor="stuck-ballots"), waiting))
    if user.has_role("committee_member", "committee_chair"):
        items = []
        awaiting = lists.count_awaiting(user)
        if awaiting:
            items.append(Waiting(_("Ballots awaiting my vote"), url_for("committee.index"),
                                 awaiting))
        if user.has_role("committee_chair"):
            to_close = lists.count_to_close(user)
            if to_close:
                items.append(Waiting(_("Open ballots to close"), url_for("committee.index"),
                                     to_close))
        if items:
            result["committee_chair" if user.has_role("committee_chair")
                   else "committee_member"] = items
    if user.has_role("finance_officer"):
        items = []
        ready = count_ready()
        if ready:
            items.append(Waiting(_("Approvals ready for disbursement"), url_for("finance.index"),
                                 ready))
        mine = count_requested(user, by_others=True)
        if mine:
            items.append(Waiting(_("Tranches awaiting my authorisation"),
                                 url_for("finance.index"), mine))
        if items:
            result["finance_officer"] = items
    return result
