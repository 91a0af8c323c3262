"""The applications counted by kind and state (`state_totals`), kept in the transaction of
every change: the portfolio's files by state and its loan book read a few rows, not a
hundred thousand applications.

The service's compare-and-set moves a state past the ORM, so each transition moves its
count itself (`state_moved`, called from workflow.engine.service once its event holds the
chain's lock); a file made, removed or put in another state through the ORM (a new draft,
a file moved to a newer workflow) is counted by the hook after each flush. A row of these
is on every transition's way: each is written under the audit chain's lock, which every
writer takes before any kept row (workflow.engine.locking.lock_chain), so two writers
wait for each other in one order only. A writer past both (the scale demo) rebuilds them
(workflow.money.kept_figures.rebuild).
"""

from __future__ import annotations

from sqlalchemy import bindparam, case, event, inspect, update
from sqlalchemy.orm import Session

from models import Application, StateTotal

from .driver_sql import DriverStatement
from .kept_sums import add_to, before_flush
from .locking import lock_chain

_TOTALS = StateTotal.__table__

# A transition's move of its file, in one statement built once and run by its SQL text:
# one off the row of the state left, one on the row of the state entered, each row's
# revision moved, returning the states of the rows it found (an upsert cannot take one
# away: its row would be checked as new, below zero).
_MOVE = DriverStatement(
    update(_TOTALS)
    .where(_TOTALS.c.kind == bindparam("b_kind"),
           _TOTALS.c.state.in_([bindparam("b_was"), bindparam("b_now")]))
    .values(applications=_TOTALS.c.applications
            + case((_TOTALS.c.state == bindparam("b_now"), 1), else_=-1),
            revision=_TOTALS.c.revision + 1)
    .returning(_TOTALS.c.state))


def _count(conn, changes: dict[tuple[str, str], int]) -> None:
    # In the order of the keys, so that two writers take the rows' locks in one order.
    for (kind, state), applications in sorted(changes.items()):
        if applications:
            add_to(conn, _TOTALS, {"kind": kind, "state": state},
                   {"applications": applications})


def state_moved(conn, kind: str, was: str, now: str) -> None:
    """Count a file of `kind` moved from state `was` to `now` (inside the move's
    transaction, which holds the chain's lock)."""
    if was == now:
        return
    # The rows' own revisions move with them (workflow.engine.kept.figure_marks); a row
    # made below moves the table's figure revision (add_to).
    found = _MOVE.execute(conn, {"b_kind": kind, "b_was": was, "b_now": now}).all()
    if (now,) not in found:  # the first file of its kind to enter that state
        _count(conn, {(kind, now): +1})


@event.listens_for(Session, "after_flush")
def _count_the_flush(session: Session, _context) -> None:
    changes: dict[tuple[str, str], int] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Application):
            continue
        attrs = inspect(obj).attrs
        if obj in session.dirty and not (attrs["state"].history.has_changes()
                                         or attrs["kind"].history.has_changes()):
            continue
        if obj not in session.new:
            was = (before_flush(obj, "kind"), before_flush(obj, "state"))
            changes[was] = changes.get(was, 0) - 1
        if obj not in session.deleted:
            now = (obj.kind, obj.state)
            changes[now] = changes.get(now, 0) + 1
    if any(changes.values()):
        _count(lock_chain(session.connection()), changes)
