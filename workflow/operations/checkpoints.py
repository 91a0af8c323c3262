"""Anchoring the audit chain outside the database (`flask audit checkpoint`, on a schedule).

One event, `audit_anchored`, joins the chain, and its sequence number and hash become the
anchor: emailed to every active auditor through the outbox in the same transaction, and
appended to the anchor file (workflow.engine.anchors) by the command once that is committed. The
event names the anchor before it, so the chain itself tells when it was anchored.

The chain must still hold the previous anchor: anchoring a chain cut or rewritten since
would vouch for it. A chain that has not moved since the previous anchor is left as it is
(no event, no email), so the job may run as often as wanted; it may also anchor without
emailing (hourly to the file, say, and daily by email).
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import insert, select

from models import AuditEvent, OutboxMessage, db
from models.i18n import N_
from workflow.engine import audit
from workflow.engine.anchors import Anchor
from workflow.engine.errors import TransitionRefused
from workflow.engine.locking import ensure_write_transaction
from workflow.engine.wording import render
from workflow.people.notifications import users_with_role
from workflow.people.preferences import language_of

ACTION = "audit_anchored"
NOT_HELD = ("The audit chain no longer holds {anchor} (event {seq}): nothing was anchored. "
            "Run `flask audit verify` to see where it breaks.")
SUBJECT = N_("[WNF Workflow] Audit trail anchored at event %(seq)s")
BODY = N_("""Dear %(name)s,

The audit trail of WNF Workflow was anchored at %(time)s UTC:

    event %(seq)s
    hash  %(hash)s

Please keep this email: it is evidence kept outside the application's database. Whoever
changes, removes or cuts short the trail up to this event cannot make it match this hash
again. To check the trail against it:

    flask audit verify --checkpoint %(seq)s:%(hash)s

— WNF Workflow
""")

_INSERT_EMAILS = insert(OutboxMessage.__table__)


def anchor_chain(previous: Anchor | None, email: bool = True) -> tuple[Anchor, int] | None:
    """Add the anchoring event and (unless `email` is off) its emails; return the new anchor
    and how many auditors it was emailed to, or None when the chain is where `previous` left
    it. The caller commits, then writes the anchor to its file."""
    conn = ensure_write_transaction(db.session)
    if previous is not None:
        if audit.chain_head(conn) == (previous.seq, previous.hash):
            return None
        held = conn.scalar(select(AuditEvent.hash).where(AuditEvent.seq == previous.seq))
        if held != previous.hash:
            raise TransitionRefused(NOT_HELD.format(anchor=previous.name, seq=previous.seq))
    auditors = users_with_role("auditor", connection=conn) if email else []
    event = audit.record(ACTION, actor=None, object_type="audit_chain", connection=conn,
                         data={"previous": previous.mark if previous else None,
                               "emailed_to": len(auditors)})
    anchor = Anchor(event["seq"], event["hash"], event["occurred_at"])
    if auditors:
        conn.execute(_INSERT_EMAILS, [
            {"message_id": f"<{uuid.uuid4()}@wnf-workflow>", "to_address": auditor.email,
             **_email(anchor, auditor)} for auditor in auditors])
    return anchor, len(auditors)


def _email(anchor: Anchor, auditor) -> dict[str, str]:
    """The anchor's email in the auditor's language."""
    def write() -> dict[str, str]:
        return {"subject": _(SUBJECT, seq=anchor.seq),
                "body": _(BODY, name=auditor.name, seq=anchor.seq, hash=anchor.hash,
                          time=f"{anchor.written_at:%Y-%m-%d %H:%M}")}
    return render(write, language_of(auditor))
