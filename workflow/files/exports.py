"""CSV rows of audit events, streamed from the database in batches (the votes':
workflow.committee.vote_export).

Each holds what its reader may see: no event of a file never submitted but for the auditor
(workflow.engine.permissions).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import or_, select

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


def audit_rows(reader: User, batch: int = 20000) -> Iterator[tuple]:
    yield csv_header(AUDIT_HEADER)
    query = _events_for(reader)
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        values = list(row)
        values[8] = json.dumps(values[8], ensure_ascii=False, sort_keys=True)
        yield tuple("" if v is None else v for v in values)


def audit_page(reader: User, after_seq: int, size: int) -> tuple[list[dict], int | None]:
    """Up to `size` events after `after_seq`, oldest first, and the seq to go on from (None
    at the end of the chain): an export that resumes where it stopped."""
    rows = db.session.execute(_events_for(reader).where(AuditEvent.seq > after_seq)
                              .limit(size + 1)).all()
    more = len(rows) > size
    events = [dict(zip(AUDIT_HEADER, row, strict=True)) for row in rows[:size]]
    return events, (events[-1]["seq"] if more and events else None)
