"""CSV rows of audit events, streamed from the database a page at a time (the votes':
workflow.committee.vote_export).

Each holds what its reader may see: no event of a file never submitted but for the auditor
(workflow.engine.permissions).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from models import Application, AuditEvent, User, db
from models.i18n import N_
from workflow.engine.permissions import visibility
from workflow.engine.wording import csv_header

AUDIT_HEADER = (N_("seq"), N_("occurred_at"), N_("actor"), N_("action"), N_("object_type"),
                N_("object_id"), N_("from_state"), N_("to_state"), N_("data"), N_("prev_hash"),
                N_("hash"))


def _events_for(reader: User):
    """The audit events' columns, without the events of files the reader may not see."""
    query = (select(AuditEvent.seq, AuditEvent.occurred_at, User.email, AuditEvent.action,
                    AuditEvent.object_type, AuditEvent.object_id, AuditEvent.from_state,
                    AuditEvent.to_state, AuditEvent.data, AuditEvent.prev_hash,
                    AuditEvent.hash)
             .outerjoin(User, User.id == AuditEvent.actor_id).order_by(AuditEvent.seq))
    seen = visibility(reader)
    if seen.kind != "every":
        hidden = select(Application.id).where(
            Application.submitted_at.is_(None),
            *([Application.organisation_id != seen.own_organisation]
              if seen.own_organisation is not None else []))
        query = query.where(or_(AuditEvent.object_type != "application",
                                AuditEvent.object_id.not_in(hidden)))
    return query


EXPORT_PAGE = 20_000  # events read at once: what an export holds in memory at most


@dataclass(frozen=True)
class EventRange:
    """The events an export holds: those that occurred from `since` until before `until`
    (UTC), of one action when `action` is given."""

    since: datetime
    until: datetime
    action: str = ""


def audit_rows(reader: User, chosen: EventRange, page: int | None = None) -> Iterator[tuple]:
    """The chosen events the reader may see, in the chain's order, read a page at a time
    after the last seq read (never all at once, nor a cursor held open for the whole
    download). The range's first and last seq are found first, from the index by time: the
    pages then walk the chain between them, and an event appended meanwhile is not
    included."""
    yield csv_header(AUDIT_HEADER)
    page = page or EXPORT_PAGE
    in_range = [AuditEvent.occurred_at >= chosen.since, AuditEvent.occurred_at < chosen.until]
    first, last = db.session.execute(
        select(func.min(AuditEvent.seq), func.max(AuditEvent.seq)).where(*in_range)).one()
    if first is None:
        return
    query = _events_for(reader).where(*in_range, AuditEvent.seq <= last)
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    after = first - 1
    while True:
        rows = db.session.execute(query.where(AuditEvent.seq > after).limit(page)).all()
        for row in rows:
            values = list(row)
            values[8] = json.dumps(values[8], ensure_ascii=False, sort_keys=True)
            yield tuple("" if v is None else v for v in values)
        if len(rows) < page:
            return
        after = rows[-1][0]


def audit_page(reader: User, after_seq: int, size: int) -> tuple[list[dict], int | None]:
    """Up to `size` events after `after_seq`, oldest first, and the seq to go on from (None
    at the end of the chain): an export that resumes where it stopped."""
    rows = db.session.execute(_events_for(reader).where(AuditEvent.seq > after_seq)
                              .limit(size + 1)).all()
    more = len(rows) > size
    events = [dict(zip(AUDIT_HEADER, row, strict=True)) for row in rows[:size]]
    return events, (events[-1]["seq"] if more and events else None)
