"""What waits for finance, read a few queries a page and never one per row: the files
that may release money, the tranches awaiting authorisation, and one file's tranches as
its page prints them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, and_, bindparam, false, func, or_, select
from sqlalchemy.orm import aliased

from models import Application, Organisation, ReleaseTotal, Tranche, User, db
from workflow.engine import registry
from workflow.engine.kept import kept_for_lists, page_rows
from workflow.engine.keyset import Page, page_of

from .cancellations import cancellation_lines
from .tranches import RELEASE, Figures

_KEPT = ReleaseTotal.__table__


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
    organisation: str
    money: Figures


class RequestedRow(NamedTuple):
    application_id: int
    reference: str
    organisation: str
    number: int
    amount_yen: int
    requested_by_name: str
    requested_at: datetime
    note: str | None


def _ready_query(*columns) -> Select:
    """The files that may release money and still have some to release, selecting
    `columns` and each file's released, pending and cancelled yen.

    Those are read from the row kept per file (workflow.money.release_totals) by its key,
    not summed from the tranches and cancellations of every file that may release money."""
    released = func.coalesce(_KEPT.c.released_yen, 0)
    pending = func.coalesce(_KEPT.c.pending_yen, 0)
    cancelled = func.coalesce(_KEPT.c.cancelled_yen, 0)  # a loan's undrawn part given up
    return (select(*columns, released, pending, cancelled)
            .outerjoin(_KEPT, _KEPT.c.application_id == Application.id)
            .where(releasable_clause(), Application.approved_yen.is_not(None),
                   Application.approved_yen - released - pending - cancelled > 0))


def ready_page(size: int, *, after: str | None = None, before: str | None = None) -> Page:
    """A page of the files that may release money and still have some to release, with
    their figures, by reference: a busy year holds more than a thousand such files, more
    than a reader goes through, or a page should build.

    Which files and their sums are kept by the worker as count_ready is (finding them reads
    a kept row for every file that may release money); the files' reference and
    organisation are then read by id, as plain columns: the queue only prints them."""
    found, following, preceding = kept_for_lists(
        "ready page", (size, after, before), lambda: _ready_sums(size, after, before))
    files = {ident: (reference, organisation, approved) for ident, reference, organisation,
             approved in db.session.execute(
                 select(Application.id, Application.reference, Organisation.name,
                        Application.approved_yen)
                 .join(Organisation, Organisation.id == Application.organisation_id)
                 .where(Application.id.in_([row[0] for row in found])))}
    return Page([ReadyRow(i, files[i][0], files[i][1], Figures(files[i][2], r, p, c))
                 for i, r, p, c in found if i in files], following, preceding)


def _ready_sums(size: int, after: str | None, before: str | None) -> tuple:
    """(file id, released, pending, cancelled) of a page, and its two cursors: plain values."""
    page = page_of("ready", _ready_query(Application.id),
                   (Application.reference, Application.id), size, after=after, before=before)
    return (tuple((i, int(r), int(p), int(c)) for i, r, p, c in page.rows),
            page.after, page.before)


def count_ready() -> int:
    """How many files ready_page pages through, counted by the database (kept by the
    worker until the lists move: a tranche or a file changed records an event of its file)."""
    return kept_for_lists("ready for disbursement", None, lambda: db.session.scalar(
        select(func.count()).select_from(_ready_query(Application.id).subquery())))


def _requested(user: User, by_others: bool) -> Select:
    who = Tranche.requested_by_id != user.id if by_others else Tranche.requested_by_id == user.id
    return (select(Tranche.application_id, Application.reference, Organisation.name,
                   Tranche.number, Tranche.amount_yen, User.name, Tranche.requested_at,
                   Tranche.note)
            .join(Application, Application.id == Tranche.application_id)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .join(User, User.id == Tranche.requested_by_id)
            .where(Tranche.state == "requested", who, releasable_clause()))


def requested_page(user: User, size: int, *, by_others: bool, after: str | None = None,
                   before: str | None = None) -> Page:
    """A page of the tranches awaiting authorisation on files that may release them now,
    the oldest request first, as plain rows (one statement, filled or empty). by_others:
    those this user may authorise; otherwise this user's own requests."""
    page = page_of("requested", _requested(user, by_others),
                   (Tranche.requested_at, Tranche.id), size, after=after, before=before)
    return Page([RequestedRow(*row) for row in page.rows], page.after, page.before)


def count_requested(user: User, *, by_others: bool) -> int:
    """How many tranches requested_page pages through, counted by the database (kept as
    count_ready is)."""
    return kept_for_lists("requested tranches", (user.id, by_others), lambda: db.session.scalar(
        _requested(user, by_others).with_only_columns(func.count()).order_by(None)))


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
