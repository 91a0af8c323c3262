"""Telling people: an in-app notification and, if they want it, an email in the outbox.

Both are written in the same transaction as the event they report, so a
notification exists exactly when its event does.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, bindparam, func, insert, or_, select, union

from models import (
    Application,
    DailyDigest,
    EmailPreference,
    Notification,
    OutboxMessage,
    RoleAssignment,
    User,
    db,
)
from workflow.engine.rules import Step, on_every_transition


def wants_email(user: User, kind: str) -> bool:
    choice = db.session.scalar(select(EmailPreference.email).where(
        EmailPreference.user_id == user.id, EmailPreference.kind == kind))
    return True if choice is None else bool(choice)


# Built once. Notifications and emails are written with Core executemany inserts on the
# session's connection: nothing reads them back in this transaction, so the ORM's unit of
# work (a flush per notification, to learn its id for the email) bought nothing.
_NOTIFICATIONS = Notification.__table__
_INSERT_NOTIFICATIONS = insert(_NOTIFICATIONS).returning(_NOTIFICATIONS.c.id,
                                                          sort_by_parameter_order=True)
_INSERT_EMAILS = insert(OutboxMessage.__table__)
# No email of its own to whoever refused the kind, nor to whoever takes the daily digest.
_EMAIL_REFUSED = union(
    select(EmailPreference.user_id).where(
        EmailPreference.kind == bindparam("kind"), EmailPreference.email.is_(False),
        EmailPreference.user_id.in_(bindparam("user_ids", expanding=True))),
    select(DailyDigest.user_id).where(
        DailyDigest.user_id.in_(bindparam("user_ids", expanding=True))))


def notify(users, kind: str, message: str, application: Application | None = None) -> int:
    """One notification per active user (each once), and an outbox email unless refused."""
    recipients = {}
    for user in users:
        if user is not None and user.active and user.id not in recipients:
            recipients[user.id] = user
    if not recipients:
        return 0
    conn = db.session.connection()
    text, application_id = message[:500], application.id if application else None
    note_ids = conn.execute(_INSERT_NOTIFICATIONS, [
        {"user_id": user_id, "kind": kind, "message": text, "application_id": application_id}
        for user_id in recipients]).scalars().all()
    refused = set(conn.execute(_EMAIL_REFUSED, {"kind": kind,
                                                "user_ids": list(recipients)}).scalars())
    subject = (f"[WNF Workflow] {application.reference}: {message}" if application
               else f"[WNF Workflow] {message}")[:300]
    emails = [{"notification_id": note_id, "message_id": f"<{uuid.uuid4()}@wnf-workflow>",
               "to_address": user.email, "subject": subject,
               "body": f"Dear {user.name},\n\n{message}\n\n— WNF Workflow\n"}
              for note_id, user in zip(note_ids, recipients.values(), strict=True)
              if user.id not in refused]
    if emails:
        conn.execute(_INSERT_EMAILS, emails)
    return len(recipients)


# Built once per shape (how many roles; within an organisation or not) and kept: this runs
# after every transition. Each role is its own bound parameter rather than an expanding IN
# list, so the cached compiled statement is used as it is instead of being re-rendered on
# every call. Rows carry what a notification needs (id, name, email), not whole users.
_WITH_ROLE: dict[tuple[int, bool], Select] = {}


def _with_role(count: int, in_organisation: bool) -> Select:
    statement = _WITH_ROLE.get((count, in_organisation))
    if statement is None:
        statement = (select(User.id, User.name, User.email, User.active)
                     .join(RoleAssignment, RoleAssignment.user_id == User.id)
                     .where(or_(*(RoleAssignment.role == bindparam(f"role_{n}")
                                  for n in range(count))),
                            User.active.is_(True)))
        if in_organisation:
            statement = statement.where(User.organisation_id == bindparam("organisation_id"))
        statement = _WITH_ROLE.setdefault((count, in_organisation), statement.distinct())
    return statement


def users_with_role(*roles: str, organisation_id: int | None = None,
                    connection=None) -> list:
    """Active users holding any of the roles (in the organisation, if given): rows with
    .id, .name, .email, .active. `connection`: the transaction's, if the caller has it."""
    statement = _with_role(len(roles), organisation_id is not None)
    params = {f"role_{n}": role for n, role in enumerate(roles)}
    if organisation_id is not None:
        params["organisation_id"] = organisation_id
    conn = connection if connection is not None else db.session.connection()
    return conn.execute(statement, params).all()


_PEOPLE = (select(User.id, User.name, User.email, User.active)
           .where(User.id.in_(bindparam("user_ids", expanding=True)), User.active.is_(True))
           .order_by(User.id))


def people(user_ids, connection=None) -> list:
    """The active users among these ids, as rows like users_with_role's (a committee's
    eligible voters, who presides over a ballot)."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return []
    conn = connection if connection is not None else db.session.connection()
    return conn.execute(_PEOPLE, {"user_ids": user_ids}).all()


@on_every_transition
def tell_the_right_people(step: Step) -> None:
    app = step.application
    if step.from_state == app.state and step.trigger != "decide":
        return
    state, conn = step.definition.state(app.state), step.connection
    notify(users_with_role("applicant", organisation_id=app.organisation_id, connection=conn),
           "status_changed", f"“{app.title}” is now: {state.applicant_label}.", app)
    # A ballot's opening tells its own committee (workflow.committee.ballot_steps.open_ballot).
    if (app.kind, app.state) in {("grant", "approved"), ("loan", "contracted")}:
        notify(users_with_role("finance_officer", connection=conn), "awaiting_tranche",
               f"“{app.title}” is approved for ¥{app.approved_yen or 0:,} and awaits "
               "its first tranche.", app)
    if app.state == "report_submitted":
        notify(users_with_role("secretariat", connection=conn), "report_submitted",
               f"The final report of “{app.title}” has arrived.", app)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))

