"""What waits for finance, read a few queries a page and never one per row: the files
that may release money, the tranches awaiting authorisation, and one file's tranches as
its page prints them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, false, func, or_, select
from sqlalchemy.orm import aliased

from models import Application, Organisation, Tranche, UndrawnCancellation, User, db
from workflow.engine import registry
from workflow.engine.kept import page_rows

from .cancellations import cancellation_lines
from .tranches import PENDING_SUM, RELEASE, RELEASED_SUM, Figures


def releasable_clause():
    """SQL: the application is in a state from which its workflow may release a tranche."""
    clauses = []
    for name in registry.names():
        for version in registry.versions(name):
            definition = registry.get(name, version)
            states = {s for t in definition.arrows(RELEASE) for s in t.sources}
            if states:
                clauses.append(and_(Application.workflow_name == name,
                                    Application.workflow_version == version,
                                    Application.state.in_(sorted(states))))
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class ReadyRow:
    application_id: int
    reference: str
    organisation: str  # its name
    money: Figures


def ready_for_disbursement() -> list[ReadyRow]:
    """Files that may release money and still have some to release, with their figures."""
    # The sums of the files that may release money only, not of every tranche ever paid.
    totals = (select(Tranche.application_id.label("application_id"),
                     RELEASED_SUM.label("released"), PENDING_SUM.label("pending"))
              .join(Application, Application.id == Tranche.application_id)
              .where(releasable_clause())
              .group_by(Tranche.application_id).subquery())
    # A loan's undrawn part cancelled (workflow.loans.undrawn) is no longer there to release.
    given_up = (select(UndrawnCancellation.application_id.label("application_id"),
                       func.sum(UndrawnCancellation.amount_yen).label("cancelled"))
                .where(UndrawnCancellation.state == "confirmed")
                .group_by(UndrawnCancellation.application_id).subquery())
    released = func.coalesce(totals.c.released, 0)
    pending = func.coalesce(totals.c.pending, 0)
    cancelled = func.coalesce(given_up.c.cancelled, 0)
    # Plain columns, not loaded files: the queue only prints them.
    rows = db.session.execute(
        select(Application.id, Application.reference, Organisation.name,
               Application.approved_yen, released, pending, cancelled)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(totals, totals.c.application_id == Application.id)
        .outerjoin(given_up, given_up.c.application_id == Application.id)
        .where(releasable_clause(), Application.approved_yen.is_not(None),
               Application.approved_yen - released - pending - cancelled > 0)
        .order_by(Application.reference)
    ).all()
    return [ReadyRow(ident, reference, organisation,
                     Figures(approved, int(r), int(p), int(c)))
            for ident, reference, organisation, approved, r, p, c in rows]


def requested_tranches(user: User, *, by_others: bool) -> list:
    """Tranches awaiting authorisation on files that may release them now, as rows of
    their file's id, reference and organisation's name, their number, amount, requester's
    name, request time and note.

    by_others: those this user may authorise; otherwise this user's own requests.
    """
    who = Tranche.requested_by_id != user.id if by_others else Tranche.requested_by_id == user.id
    return db.session.execute(
        select(Tranche.application_id, Application.reference,
               Organisation.name.label("organisation"), Tranche.number, Tranche.amount_yen,
               User.name.label("requested_by_name"), Tranche.requested_at, Tranche.note)
        .join(Application, Application.id == Tranche.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(User, User.id == Tranche.requested_by_id)
        .where(Tranche.state == "requested", who, releasable_clause())
        .order_by(Tranche.requested_at, Tranche.id)
    ).all()


_REQUESTER, _AUTHORISER = aliased(User), aliased(User)
# Plain rows, not loaded Tranches: the panel only prints them (and the authorisation rule
# reads their ids and state), and building two users per tranche cost more than the query.
_TRANCHE_ROWS = (
    select(Tranche.id, Tranche.application_id, Tranche.number, Tranche.amount_yen,
           Tranche.state, Tranche.note, Tranche.requested_by_id, Tranche.requested_at,
           Tranche.released_at, _REQUESTER.name.label("requested_by_name"),
           _AUTHORISER.name.label("authorised_by_name"))
    .join(_REQUESTER, _REQUESTER.id == Tranche.requested_by_id)
    .outerjoin(_AUTHORISER, _AUTHORISER.id == Tranche.authorised_by_id)
    .where(Tranche.application_id == bindparam("application_id"))
    .order_by(Tranche.number))


def tranche_rows(application: Application) -> list:
    """The file's tranches in order, with the names of who requested and who authorised
    each, in one query."""
    return page_rows("tranches", application.id, lambda: db.session.connection().execute(
        _TRANCHE_ROWS, {"application_id": application.id}).all())


def figures_of(application: Application, rows: list) -> Figures:
    """workflow.money.tranches.figures, summed from the tranche rows already read."""
    released = sum(t.amount_yen for t in rows if t.state == "released")
    pending = sum(t.amount_yen for t in rows if t.state == "requested")
    cancelled = sum(c.amount_yen for c in cancellation_lines(application)
                    if c.state == "confirmed") if application.kind == "loan" else 0
    return Figures(application.approved_yen or 0, released, pending, cancelled)
