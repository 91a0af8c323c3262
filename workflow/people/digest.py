"""The daily digest: one email per user who chose it, with the notifications since the last
one, grouped per file, each group saying what to do next and where (a link). Written to the
outbox (`flask outbox send` sends it), so a digest is sent once however often this runs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import DailyDigest, Notification, OutboxMessage, User, db

from .inbox import FileNews, by_file

SUBJECT = "[WNF Workflow] Your daily digest: {count} new notification{s}"
GREETING = "Dear {name},\n\nHere is what happened since your last digest.\n"
NO_FILE = "General"
SIGNATURE = "\n— WNF Workflow\nTo receive one email per notification instead, change your " \
            "choice on the Notifications page.\n"


def _section(news: FileNews, link_for: Callable[[int], str]) -> str:
    app = news.application
    heading = f"{app.reference}: {app.title}" if app else NO_FILE
    lines = [heading, *(f"  - {n.created_at:%d %b %H:%M} UTC  {n.message}"
                        for n in news.notifications),
             f"  Next: {news.next_step}"]
    if app:
        lines.append(f"  Open: {link_for(app.id)}")
    return "\n".join(lines)


def digest_body(user: User, news: list[FileNews], link_for: Callable[[int], str]) -> str:
    sections = "\n\n".join(_section(group, link_for) for group in news)
    return GREETING.format(name=user.name) + "\n" + sections + "\n" + SIGNATURE


def queue_digests(now: datetime, link_for: Callable[[int], str]) -> int:
    """Write one digest email per active user who chose the digest and has news since their
    last one; returns how many were written. The caller commits."""
    # Locked: two runs at once write each digest once.
    chosen = db.session.execute(
        select(DailyDigest, User).join(User, User.id == DailyDigest.user_id)
        .where(User.active.is_(True)).order_by(User.id)
        .with_for_update(of=DailyDigest)).all()
    written = 0
    for choice, user in chosen:
        since = choice.sent_through
        query = (select(Notification).options(selectinload(Notification.application))
                 .where(Notification.user_id == user.id, Notification.created_at <= now)
                 .order_by(Notification.id.desc()))
        if since is not None:
            query = query.where(Notification.created_at > since)
        notifications = db.session.scalars(query).all()
        choice.sent_through = now
        if not notifications:
            continue
        count = len(notifications)
        db.session.add(OutboxMessage(
            message_id=f"<{uuid.uuid4()}@wnf-workflow>", to_address=user.email,
            subject=SUBJECT.format(count=count, s="" if count == 1 else "s"),
            body=digest_body(user, by_file(user, notifications), link_for)))
        written += 1
    db.session.flush()
    return written
