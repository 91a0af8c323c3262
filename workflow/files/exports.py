"""CSV rows of votes and of audit events, streamed from the database in batches.

Each holds what its reader may see: no event of a file never submitted but for the auditor
(workflow.engine.permissions), and no vote of an open ballot to a member recused from it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import and_, not_, or_, select

from models import Application, AuditEvent, Ballot, User, Vote, db
from workflow.committee.filters import recused
from workflow.engine.permissions import AUDITOR, visibility, visible_conditions

VOTE_HEADER = ("reference", "ballot", "ballot_state", "ballot_outcome", "member", "email",
               "choice", "comment", "cast_at", "changed_at", "changes")
AUDIT_HEADER = ("seq", "occurred_at", "actor", "action", "object_type", "object_id",
                "from_state", "to_state", "data", "prev_hash", "hash")


def vote_rows(reader: User, batch: int = 5000) -> Iterator[tuple]:
    yield VOTE_HEADER
    seen = visibility(reader)
    query = (select(Application.reference, Ballot.number, Ballot.state, Ballot.outcome,
                    User.name, User.email, Vote.choice, Vote.comment, Vote.cast_at,
                    Vote.changed_at, Vote.changes)
             .join(Ballot, Ballot.id == Vote.ballot_id)
             .join(Application, Application.id == Ballot.application_id)
             .join(User, User.id == Vote.member_id)
             .where(*visible_conditions(seen.kind))
             .order_by(Application.reference, Ballot.number, User.name))
    if not reader.has_role(AUDITOR, "secretariat"):  # a chair: not while recused
        query = query.where(not_(and_(Ballot.state == "open",
                                      recused(reader.id, reader.organisation_id))))
    for row in db.session.execute(query.execution_options(yield_per=batch), seen.params):
        yield tuple("" if v is None else v for v in row)


def audit_rows(reader: User, batch: int = 20000) -> Iterator[tuple]:
    yield AUDIT_HEADER
    query = (select(AuditEvent.seq, AuditEvent.occurred_at, User.email, AuditEvent.action,
                    AuditEvent.object_type, AuditEvent.object_id, AuditEvent.from_state,
                    AuditEvent.to_state, AuditEvent.data, AuditEvent.prev_hash,
                    AuditEvent.hash)
             .outerjoin(User, User.id == AuditEvent.actor_id).order_by(AuditEvent.seq))
    seen = visibility(reader)
    if seen.kind != "every":  # not the events of files the reader may not see
        hidden = select(Application.id).where(
            Application.submitted_at.is_(None),
            *([Application.organisation_id != seen.own_organisation]
              if seen.own_organisation is not None else []))
        query = query.where(or_(AuditEvent.object_type != "application",
                                AuditEvent.object_id.not_in(hidden)))
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        values = list(row)
        values[8] = json.dumps(values[8], ensure_ascii=False, sort_keys=True)
        yield tuple("" if v is None else v for v in values)
