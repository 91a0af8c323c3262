"""What waits for the user on the home page, by role, with counts.

One grouped count of applications by kind and state (limited to the user's
organisation for applicants), plus the committee and finance queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import func, select

from models import Application, User, db
from workflow import ballot_lists
from workflow.chain_cache import UntilTheChainMoves
from workflow.permissions import READER_ROLES

from ..finance.queue import ready_for_disbursement, requested_tranches


@dataclass
class Waiting:
    label: str
    url: str
    count: int
    overdue: int = 0


# The counts are the same for every member of the staff (and for every member of one
# society) until an application moves, and counting reads thousands of index entries.
_remembered_counts = UntilTheChainMoves()


def _counts(user: User) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, state) → (applications, overdue ones) visible to this user, for the states
    of the user's queues only: a handful of states read from an index, not every file."""
    states = tuple(sorted({state for role, items in ROLE_STATES.items()
                           if user.has_role(role) for _, _, state in items}))
    if not states:
        return {}
    organisation_id = None if user.has_role(*READER_ROLES) else user.organisation_id or -1
    today = date.today()
    return _remembered_counts.get((states, organisation_id, today),
                                  lambda: _count_states(states, organisation_id, today))


def _count_states(states: tuple[str, ...], organisation_id: int | None,
                  today: date) -> dict[tuple[str, str], tuple[int, int]]:
    overdue = func.sum(func.coalesce((Application.due_on < today).cast(db.Integer), 0))
    query = (select(Application.kind, Application.state, func.count(), overdue)
             .where(Application.state.in_(states))
             .group_by(Application.kind, Application.state))
    if organisation_id is not None:
        query = query.where(Application.organisation_id == organisation_id)
    return {(kind, state): (n, int(late or 0))
            for kind, state, n, late in db.session.execute(query)}


def _by_state(counts, label: str, kind: str, state: str) -> Waiting | None:
    n, late = counts.get((kind, state), (0, 0))
    if not n:
        return None
    return Waiting(label, url_for("applications.index", state=state, fund="WNF" if kind ==
                                  "grant" else "SME"), n, late)


ROLE_STATES = {
    "applicant": (("Proposals in draft", "grant", "draft"),
                  ("Proposals to revise", "grant", "revision_requested"),
                  ("Activities awaiting their final report", "grant", "in_implementation"),
                  ("Loan applications in draft", "loan", "draft"),
                  ("Loan applications to revise", "loan", "revision_requested")),
    "secretariat": (("Proposals to start screening", "grant", "submitted"),
                    ("Proposals in screening", "grant", "screening"),
                    ("Final reports to review", "grant", "report_submitted"),
                    ("Loan applications to screen", "loan", "submitted"),
                    ("Loans in screening", "loan", "screening"),
                    ("Credit assessments to complete", "loan", "credit_assessment"),
                    ("Loan agreements to sign", "loan", "approved")),
}


def waiting_for(user: User) -> dict[str, list[Waiting]]:
    """Role → the queues that hold something for this user."""
    counts = _counts(user)
    result: dict[str, list[Waiting]] = {}
    for role, items in ROLE_STATES.items():
        if user.has_role(role):
            found = [w for w in (_by_state(counts, *item) for item in items) if w]
            if found:
                result[role] = found
    if user.has_role("committee_member", "committee_chair"):
        items = []
        awaiting = ballot_lists.count_awaiting(user)
        if awaiting:
            items.append(Waiting("Ballots awaiting my vote", url_for("committee.index"),
                                 awaiting))
        if user.has_role("committee_chair"):
            open_count = ballot_lists.count_open()
            if open_count:
                items.append(Waiting("Open ballots to close", url_for("committee.index"),
                                     open_count))
        if items:
            result["committee_chair" if user.has_role("committee_chair")
                   else "committee_member"] = items
    if user.has_role("finance_officer"):
        items = []
        ready = len(ready_for_disbursement())
        if ready:
            items.append(Waiting("Approvals ready for disbursement", url_for("finance.index"),
                                 ready))
        mine = len(requested_tranches(user, by_others=True))
        if mine:
            items.append(Waiting("Tranches awaiting my authorisation",
                                 url_for("finance.index"), mine))
        if items:
            result["finance_officer"] = items
    return result
