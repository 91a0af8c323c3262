"""A user's notifications: reading them, marking them read, choosing which come by email."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from models import NOTIFICATION_KINDS, EmailPreference, Notification, User, db, utcnow


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
