"""An application's history as its page shows it: every audit event of the file, in order."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from models import AuditEvent, User, db

from .kept import page_rows


class TimelineEntry(NamedTuple):
    action: str  # "Start screening"
    moved: str  # "submitted → screening", or "" when the state stayed
    actor: str  # a name, or "system" for a scheduled job
    when: str  # "2027-04-01 09:30"
    comment: str | None


# Plain columns and the actor's name in one statement: a file may carry dozens of events.
# Of the data only the comment, taken out by the database rather than every event's JSON
# parsed here.
_EVENTS = (
    select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state,
           AuditEvent.occurred_at, AuditEvent.data["comment"].as_string(), User.name)
    .outerjoin(User, User.id == AuditEvent.actor_id)
    .where(AuditEvent.object_type == "application",
           AuditEvent.object_id == bindparam("application_id"))
    .order_by(AuditEvent.seq)
)


def timeline_of(application_id: int) -> list[TimelineEntry]:
    return page_rows("timeline", application_id, lambda: [
        _entry(*row) for row in
        db.session.connection().execute(_EVENTS, {"application_id": application_id})])


def _entry(action: str, from_state: str | None, to_state: str | None,
           occurred_at: datetime, comment: str | None, actor: str | None) -> TimelineEntry:
    moved = (f"{from_state} → {to_state}"
             if from_state and to_state and from_state != to_state else "")
    return TimelineEntry(action.replace("_", " ").capitalize(), moved, actor or "system",
                         occurred_at.strftime("%Y-%m-%d %H:%M"), comment)
