"""Reminders of due dates to the applicant's people: a grant's final report, a loan's
instalments (run by `flask reminders send`, beside the reminders of overdue work).

A grant's final report falls due its fund's `report_due_days` after the activity ends; a
loan's instalments on their due dates. The applicant organisation's users are told
`reminder_days` before (the fund's setting) and once it is overdue. Each reminder is
recorded (sent_reminders, one row per event and due date) in the transaction that tells
the people, so that no event is ever reminded of twice, even by two runs at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import Application, Fund, GrantDetails, Instalment, SentReminder, db, utcnow
from workflow.engine import audit
from workflow.engine.wording import Sentence, long_date

from .notifications import notify, users_with_role

REPORTING_STATE = "in_implementation"  # the state in which the final report is written
REPORT_SHOWN_STATES = ("approved", REPORTING_STATE)  # where the grant shows its due date
LOAN_STATES = ("active", "in_arrears")  # loans whose instalments are being paid


def report_due_on(application: Application) -> date | None:
    """When the grant's final report falls due: its fund's days after the activity ends."""
    details = application.grant if application.kind == "grant" else None
    if details is None or details.end_date is None:
        return None
    return details.end_date + timedelta(days=application.fund.report_due_days)


@dataclass
class Note:
    """One message, and the events (with their due dates) it reminds of."""

    events: list[str]
    message: Sentence  # rendered in the language of each who is told


@dataclass
class Reminder:
    """What one application's people may be told in this run."""

    application_id: int
    organisation_id: int
    reference: str
    notes: list[Note] = field(default_factory=list)


def _report_reminders(today: date) -> list[Reminder]:
    rows = db.session.execute(
        select(Application.id, Application.organisation_id, Application.reference,
               Application.title, GrantDetails.end_date, Fund.report_due_days,
               Fund.reminder_days)
        .join(GrantDetails, GrantDetails.application_id == Application.id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(Application.kind == "grant", Application.state == REPORTING_STATE,
               GrantDetails.end_date.is_not(None))).all()
    found = []
    for app_id, org_id, reference, title, ends, due_days, lead_days in rows:
        due = ends + timedelta(days=due_days)
        if today > due:
            note = Note([f"report_overdue:{due}"],
                        lambda title=title, due=due: _(
                            "The final report of “%(title)s” was due on %(day)s and has not "
                            "been submitted: please submit it now.", title=title,
                            day=long_date(due)))
        elif today >= due - timedelta(days=lead_days):
            note = Note([f"report_due:{due}"],
                        lambda title=title, due=due: _(
                            "The final report of “%(title)s” falls due on %(day)s.",
                            title=title, day=long_date(due)))
        else:
            continue
        found.append(Reminder(app_id, org_id, reference, [note]))
    return found


_UNPAID = (Instalment.principal_yen + Instalment.interest_yen
           - Instalment.paid_principal_yen - Instalment.paid_interest_yen)


def _instalment_reminders(today: date) -> list[Reminder]:
    lead = db.session.scalar(select(func.max(Fund.reminder_days)).where(Fund.kind == "loan"))
    if lead is None:
        return []
    rows = db.session.execute(
        select(Application.id, Application.organisation_id, Application.reference,
               Application.title, Fund.reminder_days, Instalment.number, Instalment.due_on,
               _UNPAID)
        .join(Application, Application.id == Instalment.application_id)
        .join(Fund, Fund.id == Application.fund_id)
        .where(Application.state.in_(LOAN_STATES), _UNPAID > 0,
               Instalment.due_on <= today + timedelta(days=lead))
        .order_by(Application.id, Instalment.number)).all()
    reminders: dict[int, Reminder] = {}
    overdue: dict[int, list[tuple[int, date, int]]] = defaultdict(list)
    titles: dict[int, str] = {}
    for app_id, org_id, reference, title, lead_days, number, due_on, unpaid in rows:
        reminder = reminders.setdefault(app_id, Reminder(app_id, org_id, reference))
        titles[app_id] = title
        if due_on < today:
            overdue[app_id].append((number, due_on, int(unpaid)))
        elif due_on <= today + timedelta(days=lead_days):
            reminder.notes.append(Note([f"instalment_due:{number}:{due_on}"],
                                       lambda n=number, t=title, d=due_on, u=unpaid: _(
                                           "Instalment %(number)s of “%(title)s” falls due on "
                                           "%(day)s: ¥%(amount)s to pay.", number=n, title=t,
                                           day=long_date(d), amount=f"{int(u):,}")))
    for app_id, late in overdue.items():
        # One message for all that is overdue; a newly overdue instalment sends it again.
        total, oldest = sum(unpaid for _number, _due, unpaid in late), late[0][1]
        reminders[app_id].notes.insert(0, Note(
            [f"instalment_overdue:{number}:{due_on}" for number, due_on, _unpaid in late],
            lambda t=titles[app_id], a=total, d=oldest: _(
                "“%(title)s” has ¥%(amount)s overdue since %(day)s: please pay it as soon as "
                "possible.", title=t, amount=f"{a:,}", day=long_date(d))))
    return [r for r in reminders.values() if r.notes]


def _already_sent(reminders: list[Reminder]) -> set[tuple[int, str]]:
    ids = sorted({r.application_id for r in reminders})
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(ids), 500):
        sent.update((app_id, event) for app_id, event in db.session.execute(
            select(SentReminder.application_id, SentReminder.event)
            .where(SentReminder.application_id.in_(ids[start:start + 500]))))
    return sent


def _claim(application_id: int, events: list[str]) -> set[str]:
    """Record the events as reminded of; those another run recorded first are left out."""
    conn = db.session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    return set(conn.execute(
        insert(SentReminder)
        .values([{"application_id": application_id, "event": event, "sent_at": now}
                 for event in events])
        .on_conflict_do_nothing().returning(SentReminder.event)).scalars())


def send_due_reminders(today: date) -> int:
    """Tell the applicants of reports and instalments due soon or overdue, each event once;
    return how many applications' people were reminded."""
    candidates = _report_reminders(today) + _instalment_reminders(today)
    sent = _already_sent(candidates)
    reminded = 0
    for reminder in candidates:
        key = reminder.application_id
        notes = [n for n in reminder.notes if any((key, e) not in sent for e in n.events)]
        if not notes:
            continue
        people = users_with_role("applicant", organisation_id=reminder.organisation_id)
        if not people:
            continue  # nobody to tell yet: tried again on the next run
        claimed = _claim(key, [e for n in notes for e in n.events if (key, e) not in sent])
        notes = [n for n in notes if claimed.intersection(n.events)]
        if not notes:
            continue
        application = db.session.get(Application, key)
        for note in notes:
            notify(people, "reminder", note.message, application)
        audit.record("reminder_sent", actor=None, object_type="application", object_id=key,
                     data={"reference": reminder.reference, "events": sorted(claimed),
                           "told": len(people)})
        reminded += 1
    return reminded
