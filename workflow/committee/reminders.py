"""`flask reminders send`: tell whoever holds an overdue application, once a day."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from models import Application, Notification, User, Vote, db, utcnow
from workflow.engine.deadlines import CLOCKS
from workflow.engine.wording import long_date
from workflow.people.notifications import notify, people, users_with_role

from .ballots import open_ballot_of
from .presiding import presiding
from .tally import eligible_voter_ids


def _holders(application: Application, today: date) -> list[User]:
    if application.state != "committee_review":
        return users_with_role("secretariat")
    return _committee_holders(application, today)


def _committee_holders(application: Application, today: date) -> list:
    """The members of the file's committee who may vote and have not, and whoever presides
    over its ballot; never a recused member. The secretariat when nobody may vote on the
    ballot or nobody may close it (then it is theirs to act on)."""
    ballot = open_ballot_of(application)
    if ballot is None:
        return users_with_role("secretariat")
    eligible = eligible_voter_ids(ballot)
    presider = presiding(ballot, today).presider
    if not eligible or presider is None:
        return users_with_role("secretariat")
    voted = set(db.session.scalars(select(Vote.member_id).where(Vote.ballot_id == ballot.id)))
    return people((eligible - voted) | {presider.id})


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
        holders = [u for u in _holders(application, today) if u.id not in done]
        days = (today - application.due_on).days
        told += notify(holders, "reminder",
                       lambda app=application, days=days: _(
                           "“%(title)s” has been waiting for you since %(day)s (%(days)s days "
                           "overdue).", title=app.title, day=long_date(app.due_on), days=days),
                       application)
    return told
