"""The daily digest: one email per user who chose it, with the notifications since the last
one, grouped per file, each group saying what to do next and where (a link). Written to the
outbox (`flask outbox send` sends it), so a digest is sent once however often this runs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import DailyDigest, Notification, OutboxMessage, User, db
from workflow.engine.wording import short_moment
from workflow.people.preferences import language_of

from .inbox import FileNews, by_file


def _section(news: FileNews, link_for: Callable[[int], str]) -> str:
    app = news.application
    heading = f"{app.reference}: {app.title}" if app else _("General")
    lines = [heading, *(f"  - {short_moment(n.created_at)} UTC  {n.message}"
                        for n in news.notifications),
             "  " + _("Next: %(step)s", step=news.next_step)]
    if app:
        lines.append("  " + _("Open: %(link)s", link=link_for(app.id)))
    return "\n".join(lines)


def digest_body(user: User, news: list[FileNews], link_for: Callable[[int], str]) -> str:
    sections = "\n\n".join(_section(group, link_for) for group in news)
    greeting = _("Dear %(name)s,\n\nHere is what happened since your last digest.\n",
                 name=user.name)
    signature = _("\n— WNF Workflow\nTo receive one email per notification instead, change "
                  "your choice on the Notifications page.\n")
    return greeting + "\n" + sections + "\n" + signature


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
        with force_locale(language_of(user)):  # the digest is written in its reader's language
            db.session.add(OutboxMessage(
                message_id=f"<{uuid.uuid4()}@wnf-workflow>", to_address=user.email,
                subject=ngettext("[WNF Workflow] Your daily digest: %(num)d new notification",
                                 "[WNF Workflow] Your daily digest: %(num)d new notifications",
                                 len(notifications)),
                body=digest_body(user, by_file(user, notifications), link_for)))
        written += 1
    db.session.flush()
    return written
