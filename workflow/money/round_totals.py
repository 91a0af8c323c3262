"""A round's kept entries (models.RoundTotal) follow its applications: an application
moved to another round (a draft's edit, through the ORM as every write of `round_id`)
takes the sums of its entries out of the round it leaves and into the one it joins, in
the flush that moves it. workflow.money.kept_figures.entry_booked counts each new entry.
"""

from __future__ import annotations

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from models import Application, LedgerEntry, RoundTotal
from workflow.engine.kept_sums import add_to

_ROUNDS = RoundTotal.__table__


def _moves(session: Session) -> list[tuple[int, int | None, int | None]]:
    """(application, round left, round joined) for each application this flush moved."""
    moves = []
    for obj in session.dirty:
        if isinstance(obj, Application):
            history = inspect(obj).attrs["round_id"].history
            if history.has_changes():
                was = history.deleted[0] if history.deleted else None
                if was != obj.round_id:
                    moves.append((obj.id, was, obj.round_id))
    return moves


@event.listens_for(Session, "after_flush")
def _move_the_entries_of_moved_applications(session: Session, _context) -> None:
    moves = _moves(session)
    if not moves:
        return
    # Entries this flush wrote are counted afterwards, by their booking, in the round the
    # application now has.
    booked_now = [obj.id for obj in session.new if isinstance(obj, LedgerEntry)]
    conn = session.connection()
    for application_id, was, now in moves:
        sums = conn.execute(
            select(LedgerEntry.kind, func.sum(LedgerEntry.amount_yen), func.count())
            .where(LedgerEntry.application_id == application_id,
                   LedgerEntry.id.not_in(booked_now))
            .group_by(LedgerEntry.kind)).all()
        for kind, amount_yen, entries in sums:
            if was is not None:
                add_to(conn, _ROUNDS, {"round_id": was, "kind": kind},
                       {"amount_yen": -int(amount_yen), "entries": -int(entries)})
            if now is not None:
                add_to(conn, _ROUNDS, {"round_id": now, "kind": kind},
                       {"amount_yen": int(amount_yen), "entries": int(entries)})
