"""CSV rows of votes and of audit events, streamed from the database in batches."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import select

from models import Application, AuditEvent, Ballot, User, Vote, db

VOTE_HEADER = ("reference", "ballot", "ballot_state", "ballot_outcome", "member", "email",
               "choice", "comment", "cast_at", "changed_at", "changes")
AUDIT_HEADER = ("seq", "occurred_at", "actor", "action", "object_type", "object_id",
                "from_state", "to_state", "data", "prev_hash", "hash")


def vote_rows(batch: int = 5000) -> Iterator[tuple]:
    yield VOTE_HEADER
    query = (select(Application.reference, Ballot.number, Ballot.state, Ballot.outcome,
                    User.name, User.email, Vote.choice, Vote.comment, Vote.cast_at,
                    Vote.changed_at, Vote.changes)
             .join(Ballot, Ballot.id == Vote.ballot_id)
             .join(Application, Application.id == Ballot.application_id)
             .join(User, User.id == Vote.member_id)
             .order_by(Application.reference, Ballot.number, User.name))
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        yield tuple("" if v is None else v for v in row)


def audit_rows(batch: int = 20000) -> Iterator[tuple]:
    yield AUDIT_HEADER
    query = (select(AuditEvent.seq, AuditEvent.occurred_at, User.email, AuditEvent.action,
                    AuditEvent.object_type, AuditEvent.object_id, AuditEvent.from_state,
                    AuditEvent.to_state, AuditEvent.data, AuditEvent.prev_hash,
                    AuditEvent.hash)
             .outerjoin(User, User.id == AuditEvent.actor_id).order_by(AuditEvent.seq))
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        values = list(row)
        values[8] = json.dumps(values[8], ensure_ascii=False, sort_keys=True)
        yield tuple("" if v is None else v for v in values)
