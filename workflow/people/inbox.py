"""A user's notifications: reading them, marking them read, choosing which come by email."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from models import (
    NOTIFICATION_KINDS,
    Application,
    DailyDigest,
    EmailPreference,
    Notification,
    User,
    db,
    utcnow,
)

from .next_steps import next_step


@dataclass
class FileNews:
    """A user's notifications about one file (or about no file), the newest first."""

    application: Application | None
    notifications: list[Notification]
    next_step: str

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notifications if n.read_at is None)

    @property
    def latest(self) -> datetime:
        return self.notifications[0].created_at


def by_file(user: User, notifications: list[Notification]) -> list[FileNews]:
    """The notifications grouped per file, the file with the newest news first, each with
    what the user should do next on it."""
    groups: dict[int | None, list[Notification]] = {}
    for note in notifications:  # the newest first, so each group is too
        groups.setdefault(note.application_id, []).append(note)
    return [FileNews(notes[0].application, notes,
                     next_step(notes[0].application, user, notes[0].kind))
            for notes in groups.values()]


def recent(user: User, limit: int = 100) -> list[Notification]:
    return db.session.scalars(
        select(Notification).options(selectinload(Notification.application))
        .where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).limit(limit)).all()


def mark_all_read(user: User) -> int:
    return db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow())).rowcount


def email_choices(user: User) -> dict[str, bool]:
    stored = dict(db.session.execute(
        select(EmailPreference.kind, EmailPreference.email)
        .where(EmailPreference.user_id == user.id)).all())
    return {kind: stored.get(kind, True) for kind in NOTIFICATION_KINDS}


def set_email_choices(user: User, wanted: set[str]) -> None:
    unknown = wanted - set(NOTIFICATION_KINDS)
    if unknown:
        raise ValueError(f"Unknown notification kinds: {sorted(unknown)}")
    existing = {p.kind: p for p in db.session.scalars(
        select(EmailPreference).where(EmailPreference.user_id == user.id))}
    for kind in NOTIFICATION_KINDS:
        preference = existing.get(kind) or EmailPreference(user_id=user.id, kind=kind)
        preference.email = kind in wanted
        db.session.add(preference)
    db.session.flush()


def takes_digest(user: User) -> bool:
    return db.session.get(DailyDigest, user.id) is not None


def set_daily_digest(user: User, wanted: bool) -> None:
    """One email a day summing up the notifications, or one email per notification."""
    chosen = db.session.get(DailyDigest, user.id)
    if wanted and chosen is None:
        # From now on: what came before was emailed one by one already.
        db.session.add(DailyDigest(user_id=user.id, sent_through=utcnow()))
    elif not wanted and chosen is not None:
        db.session.delete(chosen)
    db.session.flush()
