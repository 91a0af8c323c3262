"""The applications counted by organisation, kind, investment country, round and fiscal
year, with the approved ones and their yen (`application_totals`), kept in the transaction
of every write: the portfolio's figures by round and by country read these rows, not a
hundred thousand applications.

Those columns are written through the ORM only (creation, a draft's edits, the approval;
the service's compare-and-set moves the state alone), so one hook after each flush sees
every change: it takes each touched application out of the row it was counted in, as its
attributes' history says, and counts it in the row it now belongs to. Like every writer of
a kept row it takes the audit chain's lock first (workflow.engine.locking.lock_chain). A
writer past the ORM (the scale demo) rebuilds them (workflow.money.kept_figures.rebuild).
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models import Application, ApplicationTotal, LoanDetails
from workflow.engine.kept_sums import add_to, before_flush
from workflow.engine.locking import lock_chain

_TOTALS = ApplicationTotal.__table__
_KEY = ("organisation_id", "kind", "investment_country", "round_id", "fiscal_year")

Counted = tuple[tuple, int | None]  # (the row's key, approved yen or None)


def _country(loan: LoanDetails | None, *, before: bool, new: bool) -> str:
    if loan is None or (before and new):
        return ""
    return (before_flush(loan, "investment_country") if before else loan.investment_country) or ""


def _counted(session: Session, app: Application, loan: LoanDetails | None, *,
             before: bool) -> Counted:
    """Where the application is (or was, before this flush) counted."""
    value = (lambda name: before_flush(app, name)) if before else (lambda name: getattr(app, name))
    country = (_country(loan, before=before, new=loan in session.new)
               if app.kind == "loan" else "")
    return ((value("organisation_id"), value("kind"), country, value("round_id") or 0,
             value("fiscal_year")), value("approved_yen"))


def _sums(counted: Counted, sign: int) -> dict[str, int]:
    _, yen = counted
    return {"applications": sign, "approved": sign * (yen is not None),
            "approved_yen": sign * (yen or 0)}


_KEYED = ("organisation_id", "kind", "round_id", "fiscal_year", "approved_yen")


def _touched(session: Session) -> dict[int, tuple[Application, LoanDetails | None]]:
    """The applications made or removed, or whose counted columns or loan's country this
    flush wrote."""
    found = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, LoanDetails):
            # A row just made by its key alone has no relationship loaded yet.
            app = obj.application or session.get(Application, obj.application_id)
            if app is not None:
                found[id(app)] = (app, obj)
        elif isinstance(obj, Application) and id(obj) not in found and (
                obj not in session.dirty
                or any(inspect(obj).attrs[name].history.has_changes() for name in _KEYED)):
            found[id(obj)] = (obj, obj.loan if obj.kind == "loan" else None)
    return found


@event.listens_for(Session, "after_flush")
def _count_the_flush(session: Session, _context) -> None:
    changes: dict[tuple, dict[str, int]] = {}

    def move(counted: Counted, sign: int) -> None:
        row = changes.setdefault(counted[0], dict.fromkeys(_sums(counted, 0), 0))
        for name, value in _sums(counted, sign).items():
            row[name] += value

    with session.no_autoflush:
        for app, loan in _touched(session).values():
            was = None if app in session.new else _counted(session, app, loan, before=True)
            now = None if app in session.deleted else _counted(session, app, loan,
                                                               before=False)
            if was == now:
                continue
            if was is not None:
                move(was, -1)
            if now is not None:
                move(now, +1)
    if not changes:
        return
    # The chain's lock first, as every writer takes it before a kept row (a writer holding
    # the chain and waiting for this row while this one waits for the chain would deadlock).
    conn = lock_chain(session.connection())
    # Taken away first: a row a file leaves is never the one it joins.
    for key, sums in sorted(changes.items(), key=lambda item: min(item[1].values()) >= 0):
        if any(sums.values()):
            add_to(conn, _TOTALS, dict(zip(_KEY, key, strict=True)), sums)
