"""An application's history as its page shows it: every audit event of the file, in order."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from models import AuditEvent, User, db
from models.i18n import N_

from .kept import page_rows


class TimelineEntry(NamedTuple):
    action: str  # the audit action: a trigger ("start_screening") or another event's name
    from_state: str | None  # the state it left, when it moved the file
    to_state: str | None  # the state it reached, when it moved the file
    actor: str  # a name, or "system" for a scheduled job
    when: datetime  # when it happened, in UTC, to the minute
    comment: str | None

    @property
    def moved(self) -> bool:
        return bool(self.from_state and self.to_state and self.from_state != self.to_state)


# A file's events that are not a move of the workflow (those are named by their action's
# label), as a person reads them in its history; translated where shown.
EVENT_LABELS = {
    "create": N_("File created"),
    "proposal_saved": N_("Proposal saved"),
    "attachment_added": N_("Attachment added"),
    "attachment_removed": N_("Attachment removed"),
    "screening_checklist": N_("Screening checklist updated"),
    "screening_note": N_("Screening note added"),
    "ballot_opened": N_("Ballot opened"),
    "vote_cast": N_("Vote cast"),
    "vote_changed": N_("Vote changed"),
    "vote_withdrawn": N_("Vote withdrawn"),
    "conflict_declared": N_("Conflict of interest declared"),
    "reminder_sent": N_("Reminder sent"),
    "workflow_migrated": N_("Moved to a newer workflow version"),
    "write_off_requested": N_("Write-off requested"),
    "tranche_requested": N_("Tranche requested"),
    "tranche_cancelled": N_("Tranche request cancelled"),
    "undrawn_cancellation_proposed": N_("Undrawn cancellation proposed"),
    "undrawn_cancellation_confirmed": N_("Undrawn cancellation confirmed"),
    "undrawn_cancellation_withdrawn": N_("Undrawn cancellation withdrawn"),
}

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
    return TimelineEntry(action, from_state, to_state, actor or "system",
                         occurred_at.replace(second=0, microsecond=0), comment)


def moves_of(entries: list[TimelineEntry]) -> tuple[tuple[str, str], ...]:
    """The (from, to) steps a file took, in order: its path through the diagram."""
    return tuple((e.from_state, e.to_state) for e in entries if e.moved)
