"""`flask reminders send`: tell whoever holds an overdue application, once a day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import Application, Ballot, Notification, User, Vote, db, utcnow

from .deadlines import CLOCKS
from .notifications import notify, users_with_role


def _holders(application: Application) -> list[User]:
    if application.state != "committee_review":
        return users_with_role("secretariat")
    ballot = db.session.scalar(select(Ballot).where(Ballot.application_id == application.id,
                                                    Ballot.state == "open"))
    voted = set() if ballot is None else set(db.session.scalars(
        select(Vote.member_id).where(Vote.ballot_id == ballot.id)))
    members = [u for u in users_with_role("committee_member") if u.id not in voted]
    return members + users_with_role("committee_chair")


def _recently_reminded(application: Application) -> set[int]:
    """Who was reminded of this application in the last 20 hours (a daily job may run late)."""
    return set(db.session.scalars(select(Notification.user_id).where(
        Notification.application_id == application.id, Notification.kind == "reminder",
        Notification.created_at >= utcnow() - timedelta(hours=20))))


def send_reminders(today: date) -> int:
    """Notify the holders of every overdue application; return how many were told."""
    overdue = db.session.scalars(
        select(Application).where(Application.due_on < today,
                                  Application.state.in_(tuple(CLOCKS)))
        .order_by(Application.due_on)).all()
    told = 0
    for application in overdue:
        done = _recently_reminded(application)
        people = [u for u in _holders(application) if u.id not in done]
        days = (today - application.due_on).days
        told += notify(people, "reminder",
                       f"“{application.title}” has been waiting for you since "
                       f"{application.due_on:%d %B %Y} ({days} days overdue).", application)
    return told
