"""Each file's tranches released and awaiting authorisation, and the undrawn part of a loan
cancelled (`release_totals`), kept in the transaction of every write: the finance queue
finds the files with money left to release by reading one row per file by its key, not by
summing the tranches of every file that may release money.

Tranches and cancellations are written through the ORM only (requested, released,
withdrawn or lapsed; proposed, confirmed or declined), so one hook after each flush sees
every change: it takes each touched row's amount out of the sum it was counted in, as its
attributes' history says, and adds it to the one it now counts in. Like every writer of a
kept row it takes the audit chain's lock first (workflow.engine.locking.lock_chain). A
writer past the ORM (the scale demo) rebuilds them (workflow.money.kept_figures.rebuild).
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models import ReleaseTotal, Tranche, UndrawnCancellation
from workflow.engine.kept_sums import add_to, before_flush
from workflow.engine.locking import lock_chain

_TOTALS = ReleaseTotal.__table__
SUMS = ("released_yen", "pending_yen", "cancelled_yen")
# The sum a row counts in, by its state; a state not named counts in none.
COUNTED_IN = {Tranche: {"released": "released_yen", "requested": "pending_yen"},
              UndrawnCancellation: {"confirmed": "cancelled_yen"}}
_KEYED = ("application_id", "state", "amount_yen")


def _counted(obj, *, before: bool) -> tuple[int, str | None, int]:
    """(file id, the sum it counts in, yen) of a tranche or cancellation, now or before
    this flush."""
    value = (lambda name: before_flush(obj, name)) if before else (
        lambda name: getattr(obj, name))
    return (value("application_id"), COUNTED_IN[type(obj)].get(value("state")),
            value("amount_yen"))


@event.listens_for(Session, "after_flush")
def _count_the_flush(session: Session, _context) -> None:
    changes: dict[int, dict[str, int]] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if type(obj) not in COUNTED_IN or (
                obj in session.dirty
                and not any(inspect(obj).attrs[name].history.has_changes() for name in _KEYED)):
            continue
        moves = []
        if obj not in session.new:
            moves.append((_counted(obj, before=True), -1))
        if obj not in session.deleted:
            moves.append((_counted(obj, before=False), +1))
        for (application_id, column, yen), sign in moves:
            if column is not None:
                row = changes.setdefault(application_id, dict.fromkeys(SUMS, 0))
                row[column] += sign * yen
    if not any(any(sums.values()) for sums in changes.values()):
        return
    # The chain's lock first, as every writer takes it before a kept row; then the rows in
    # the order of their keys.
    conn = lock_chain(session.connection())
    for application_id, sums in sorted(changes.items()):
        if any(sums.values()):
            add_to(conn, _TOTALS, {"application_id": application_id}, sums)
