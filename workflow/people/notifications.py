"""Telling people: an in-app notification and, if they want it, an email in the outbox.

Both are written in the same transaction as the event they report, so a
notification exists exactly when its event does.
"""

from __future__ import annotations

import uuid

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, insert, or_, select, union

from models import (
    Application,
    DailyDigest,
    EmailPreference,
    Notification,
    Organisation,
    OutboxMessage,
    RoleAssignment,
    User,
    db,
)
from workflow.engine.kept import KeptAnswers
from workflow.engine.rules import Step, on_every_transition
from workflow.engine.wording import Sentence, render, word
from workflow.people.preferences import DEFAULT_LOCALE, language_of


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


def notify(users, kind: str, message: Sentence, application: Application | None = None) -> int:
    """One notification per active user (each once), and an outbox email unless refused.

    The text is rendered when the event happens, in each recipient's language (their
    locale): the notification and its email then say the same, as they were sent. `message`
    is a function building the sentence with gettext, or a plain string."""
    recipients = {}
    for user in users:
        if user is not None and user.active and user.id not in recipients:
            recipients[user.id] = user
    if not recipients:
        return 0
    conn = db.session.connection()
    application_id = application.id if application else None
    languages = {user_id: language_of(user) for user_id, user in recipients.items()}
    texts = {locale: render(message, locale) for locale in set(languages.values())}
    note_ids = conn.execute(_INSERT_NOTIFICATIONS, [
        {"user_id": user_id, "kind": kind, "application_id": application_id,
         "message": texts[languages[user_id]][:500]}
        for user_id, user in recipients.items()]).scalars().all()
    refused = set(conn.execute(_EMAIL_REFUSED, {"kind": kind,
                                                "user_ids": list(recipients)}).scalars())
    emails = [{"notification_id": note_id, "message_id": f"<{uuid.uuid4()}@wnf-workflow>",
               "to_address": user.email,
               **_email(user, texts[languages[user.id]], application)}
              for note_id, user in zip(note_ids, recipients.values(), strict=True)
              if user.id not in refused]
    if emails:
        conn.execute(_INSERT_EMAILS, emails)
    return len(recipients)


def _email(user, text: str, application: Application | None) -> dict[str, str]:
    """The subject and body of one notification's email, in the recipient's language."""
    def write() -> dict[str, str]:
        subject = (_("[WNF Workflow] %(reference)s: %(message)s",
                     reference=application.reference, message=text) if application
                   else _("[WNF Workflow] %(message)s", message=text))
        body = _("Dear %(name)s,\n\n%(message)s\n\n— WNF Workflow\n",
                 name=user.name, message=text)
        return {"subject": subject[:300], "body": body}
    return render(write, language_of(user))


# A person's language as language_of reads it, for the rows below: their choice, else
# their organisation's, else English.
LANGUAGE = func.coalesce(
    User.locale,
    select(Organisation.locale).where(Organisation.id == User.organisation_id).scalar_subquery(),
    DEFAULT_LOCALE).label("locale")

# Built once per shape (how many roles; within an organisation or not) and kept: this runs
# after every transition. Each role is its own bound parameter rather than an expanding IN
# list, so the cached compiled statement is used as it is instead of being re-rendered on
# every call. Rows carry what a notification needs (id, name, email), not whole users.
_WITH_ROLE: dict[tuple[int, bool], Select] = {}


def _with_role(count: int, in_organisation: bool) -> Select:
    statement = _WITH_ROLE.get((count, in_organisation))
    if statement is None:
        statement = (select(User.id, User.name, User.email, User.active, LANGUAGE)
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
    .id, .name, .email, .active, .locale. `connection`: the transaction's, if the caller has it."""
    statement = _with_role(len(roles), organisation_id is not None)
    params = {f"role_{n}": role for n, role in enumerate(roles)}
    if organisation_id is not None:
        params["organisation_id"] = organisation_id
    conn = connection if connection is not None else db.session.connection()
    return conn.execute(statement, params).all()


_PEOPLE = (select(User.id, User.name, User.email, User.active, LANGUAGE)
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


# Whom a transition tells, as each worker kept it: the rows of users_with_role read the
# people (names, emails, roles, organisations, languages) only, so they are filed under
# the people's revision that the transition's compare-and-set read.
_whom_to_tell = KeptAnswers("whom to notify", max_entries=512, under=frozenset({"people"}))


def _told(step: Step, role: str, organisation_id: int | None = None) -> list:
    def read() -> tuple:
        return tuple(users_with_role(role, organisation_id=organisation_id,
                                     connection=step.connection))
    if step.people_revision is None:  # no revision read (or none kept yet): ask afresh
        return list(read())
    return list(_whom_to_tell.get((role, organisation_id), step.people_revision, read))


@on_every_transition
def tell_the_right_people(step: Step) -> None:
    app = step.application
    if step.from_state == app.state and step.trigger != "decide":
        return
    state = step.definition.state(app.state)
    notify(_told(step, "applicant", app.organisation_id),
           "status_changed", lambda: _("“%(title)s” is now: %(state)s.", title=app.title,
                                       state=word(state.applicant_label)), app)
    # A ballot's opening tells its own committee (workflow.committee.ballot_steps.open_ballot).
    if (app.kind, app.state) in {("grant", "approved"), ("loan", "contracted")}:
        notify(_told(step, "finance_officer"), "awaiting_tranche",
               lambda: _("“%(title)s” is approved for ¥%(amount)s and awaits its first "
                         "tranche.", title=app.title, amount=f"{app.approved_yen or 0:,}"),
               app)
    if app.state == "report_submitted":
        notify(_told(step, "secretariat"), "report_submitted",
               lambda: _("The final report of “%(title)s” has arrived.", title=app.title), app)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))

