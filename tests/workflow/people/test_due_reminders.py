"""A grant's final report falls due a set number of days after its activity ends; the
applicant is reminded before and once it is overdue, as a borrowing company is before an
instalment falls due and when it is overdue. `flask reminders send` tells each event once."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import (
    AuditEvent,
    GrantDetails,
    Instalment,
    Notification,
    OutboxMessage,
    db,
)
from tests.conftest import log_in, once_key
from workflow.people.due_reminders import report_due_on

ENDS = date(2027, 6, 30)
DUE = ENDS + timedelta(days=60)  # the fund's default: 60 days after the activity


def _messages() -> list[tuple[int, str]]:
    db.session.rollback()
    return sorted((user_id, message) for user_id, message in db.session.execute(
        select(Notification.user_id, Notification.message)
        .where(Notification.kind == "reminder")))


def _run(app, today: date) -> str:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--today",
                                                today.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def grant_in_implementation(make_application, make_user, make_org):
    society = make_org(name="Alumni Society of Kenya", country_code="KE")
    members = [make_user("applicant", organisation=society) for _ in range(2)]
    application = make_application("grant", state="in_implementation", organisation=society,
                                    title="Kaizen course in Nairobi")
    db.session.add(GrantDetails(application_id=application.id, start_date=ENDS - timedelta(4),
                                end_date=ENDS))
    db.session.commit()
    return application, members


def test_the_report_falls_due_days_after_the_activity_and_is_shown_on_the_grant(
        client, grant_in_implementation):
    application, (member, _) = grant_in_implementation
    assert report_due_on(application) == DUE
    log_in(client, member)
    shown = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'data-report-due="{DUE.isoformat()}">{DUE:%d %B %Y}' in shown


def test_the_applicant_is_reminded_before_the_report_falls_due_and_once_overdue(
        app, grant_in_implementation, make_user):
    application, members = grant_in_implementation
    outsider = make_user("applicant")
    assert "Due-date reminders sent: 0." in _run(app, DUE - timedelta(days=15))
    assert _messages() == []

    assert "Due-date reminders sent: 1." in _run(app, DUE - timedelta(days=14))
    soon = f"The final report of “Kaizen course in Nairobi” falls due on {DUE:%d %B %Y}."
    assert _messages() == sorted((m.id, soon) for m in members)
    emails = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sorted(emails) == sorted(m.email for m in members)
    for day in (DUE - timedelta(days=14), DUE - timedelta(days=3), DUE):
        assert "Due-date reminders sent: 0." in _run(app, day)  # never twice
    assert len(_messages()) == 2

    _run(app, DUE + timedelta(days=1))
    late = (f"The final report of “Kaizen course in Nairobi” was due on {DUE:%d %B %Y} and "
            "has not been submitted: please submit it now.")
    assert [m for _, m in _messages()].count(late) == 2
    _run(app, DUE + timedelta(days=2))
    _run(app, DUE + timedelta(days=30))
    assert len(_messages()) == 4
    assert outsider.id not in {user_id for user_id, _ in _messages()}
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "reminder_sent").order_by(AuditEvent.seq)).all()
    assert [e.data["events"] for e in events] == [[f"report_due:{DUE}"],
                                                 [f"report_overdue:{DUE}"]]


def test_a_report_already_submitted_is_not_reminded_of(app, grant_in_implementation):
    application, _ = grant_in_implementation
    application.state = "report_submitted"
    db.session.commit()
    _run(app, DUE + timedelta(days=1))
    assert _messages() == []


def test_the_fund_s_report_days_are_set_on_the_admin_form(app, client, login_as,
                                                         grant_in_implementation):
    application, _ = grant_in_implementation
    login_as("admin")
    fund = application.fund
    response = client.post(f"/admin/funds/{fund.id}", data={
        "code": fund.code, "name": fund.name, "kind": fund.kind, "report_due_days": "30",
        "reminder_days": "7", **once_key()})
    assert response.status_code == 302
    db.session.expire_all()
    assert (fund.report_due_days, fund.reminder_days) == (30, 7)
    assert report_due_on(application) == ENDS + timedelta(days=30)
    refused = client.post(f"/admin/funds/{fund.id}", data={
        "code": fund.code, "name": fund.name, "kind": fund.kind, "report_due_days": "0"})
    assert "Enter a number of days from 1 to 3,650." in html.unescape(
        refused.get_data(as_text=True))


@pytest.fixture
def active_loan(make_application, make_user, make_org):
    company = make_org(kind="company", name="Osaka Tools K.K.", country_code="JP")
    people = [make_user("applicant", organisation=company)]
    loan = make_application("loan", state="active", organisation=company,
                            title="Machining plant in Binh Duong")
    for number, due_on in enumerate((date(2027, 7, 31), date(2027, 8, 31),
                                     date(2027, 9, 30)), start=1):
        db.session.add(Instalment(application_id=loan.id, number=number, due_on=due_on,
                                  principal_yen=100_000, interest_yen=5_000,
                                  balance_after_yen=300_000 - 100_000 * number))
    db.session.commit()
    return loan, people


def test_the_company_is_reminded_before_an_instalment_and_once_it_is_overdue(
        app, active_loan):
    loan, (person,) = active_loan
    _run(app, date(2027, 7, 10))
    assert _messages() == []
    _run(app, date(2027, 7, 20))
    first = ("Instalment 1 of “Machining plant in Binh Duong” falls due on 31 July 2027: "
             "¥105,000 to pay.")
    assert _messages() == [(person.id, first)]
    _run(app, date(2027, 7, 21))
    assert len(_messages()) == 1

    # Part of it paid on time, the rest late: the overdue amount is what is unpaid.
    instalment = db.session.scalar(select(Instalment).where(Instalment.number == 1))
    instalment.paid_interest_yen, instalment.paid_principal_yen = 5_000, 40_000
    db.session.commit()
    _run(app, date(2027, 8, 2))
    overdue = ("“Machining plant in Binh Duong” has ¥60,000 overdue since 31 July 2027: "
               "please pay it as soon as possible.")
    assert [m for _, m in _messages()] == [first, overdue]
    _run(app, date(2027, 8, 3))
    assert len(_messages()) == 2

    # The second falls due and is missed too: told again, with what is now overdue.
    _run(app, date(2027, 9, 2))
    messages = [m for _, m in _messages()]
    assert ("Instalment 2 of “Machining plant in Binh Duong” falls due on 31 August 2027: "
            "¥105,000 to pay.") not in messages  # the reminder's window had passed
    assert ("“Machining plant in Binh Duong” has ¥165,000 overdue since 31 July 2027: "
            "please pay it as soon as possible.") in messages
    _run(app, date(2027, 9, 3))
    assert len(_messages()) == 3


def test_paid_instalments_and_loans_no_longer_running_are_not_reminded_of(app, active_loan):
    loan, _ = active_loan
    for instalment in db.session.scalars(select(Instalment)):
        instalment.paid_principal_yen, instalment.paid_interest_yen = 100_000, 5_000
    db.session.commit()
    _run(app, date(2027, 9, 25))
    assert _messages() == []
    loan.state = "repaid"
    for instalment in db.session.scalars(select(Instalment)):
        instalment.paid_principal_yen = instalment.paid_interest_yen = 0
    db.session.commit()
    _run(app, date(2027, 10, 25))
    assert _messages() == []
