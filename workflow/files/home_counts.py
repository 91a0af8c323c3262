"""How many files wait in each state, for the home page's queues: one grouped count of the
states asked for, from an index, not every file (of the files the user may see:
workflow.engine.permissions.visibility)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models import Application, User, db
from workflow.engine import kept
from workflow.engine.permissions import (
    Visibility,
    states_before_submission,
    visibility,
    visible_conditions,
)

# The counts are the same for every member of the staff (and for every member of one
# society) until an application moves, and counting reads thousands of index entries.
_remembered_counts = kept.KeptAnswers("home counts", under=frozenset({"lists"}))


def counts_by_state(states: tuple[str, ...], user: User, *, own_only: bool = False
                    ) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, state) → (applications, overdue ones) in those states that the user sees;
    own_only: of the user's own organisation only (the queues of their applicant role)."""
    seen = visibility(user)
    if own_only:
        seen = Visibility("own", user.organisation_id or -1)
    elif seen.kind in ("submitted", "submitted_or_own") and not (
            set(states) & states_before_submission()):
        # A file in these states was submitted: the staff see them all, from the index.
        seen = Visibility("every")
    today = date.today()
    return _remembered_counts.get((states, seen, today), kept.marks().file_lists,
                                  lambda: _count_states(states, seen.kind, seen.params, today))


def _count_states(states: tuple[str, ...], kind: str, params: dict,
                  today: date) -> dict[tuple[str, str], tuple[int, int]]:
    overdue = func.sum(func.coalesce((Application.due_on < today).cast(db.Integer), 0))
    query = (select(Application.kind, Application.state, func.count(), overdue)
             .where(Application.state.in_(states), *visible_conditions(kind))
             .group_by(Application.kind, Application.state))
    return {(file_kind, state): (n, int(late or 0))
            for file_kind, state, n, late in db.session.execute(query, params)}
