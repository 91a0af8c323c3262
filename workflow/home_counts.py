"""How many files wait in each state, for the home page's queues: one grouped count of the
states asked for, from an index, not every file (an applicant's own organisation's only)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from models import Application, User, db

from .chain_cache import UntilTheChainMoves
from .permissions import READER_ROLES

# The counts are the same for every member of the staff (and for every member of one
# society) until an application moves, and counting reads thousands of index entries.
_remembered_counts = UntilTheChainMoves()


def counts_by_state(states: tuple[str, ...], user: User
                    ) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, state) → (applications, overdue ones) in those states that the user sees."""
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
