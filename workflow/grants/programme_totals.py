"""The grants counted by programme type (`programme_type_totals`), kept in the transaction
of every write: the portfolio's grants by programme read a few rows, not every grant.

The programme type is written through the ORM only (the grant's form, a correction), so
one hook after each flush sees every change. A writer past the ORM (the scale demo)
rebuilds them (workflow.money.kept_figures.rebuild).
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models import GrantDetails, ProgrammeTypeTotal
from workflow.engine.kept_sums import add_to, before_flush
from workflow.engine.locking import lock_chain

_TOTALS = ProgrammeTypeTotal.__table__


@event.listens_for(Session, "after_flush")
def _count_the_flush(session: Session, _context) -> None:
    changes: dict[str, int] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, GrantDetails) or (
                obj in session.dirty
                and not inspect(obj).attrs["programme_type"].history.has_changes()):
            continue
        was = None if obj in session.new else before_flush(obj, "programme_type")
        now = None if obj in session.deleted else obj.programme_type
        if was == now:
            continue
        for programme_type, sign in ((was, -1), (now, +1)):
            if programme_type is not None:  # a grant naming none is not counted
                changes[programme_type] = changes.get(programme_type, 0) + sign
    if not any(changes.values()):
        return
    # The chain's lock first, as every writer takes it before a kept row; then the rows in
    # the order of their keys.
    conn = lock_chain(session.connection())
    for programme_type, grants in sorted(changes.items()):
        if grants:
            add_to(conn, _TOTALS, {"programme_type": programme_type}, {"grants": grants})
