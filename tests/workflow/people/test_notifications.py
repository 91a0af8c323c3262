"""Who is told what when an application moves; the unread count; reminders."""

from datetime import date, timedelta

from sqlalchemy import select

from models import Notification, db
from tests.conftest import fire


def _told(kind: str) -> set[int]:
    db.session.rollback()
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_the_applicant_is_told_of_every_status_change(app, make_application, make_user,
                                                      make_org):
    org = make_org()
    applicants = [make_user("applicant", organisation=org) for _ in range(2)]
    outsider = make_user("applicant")
    application = make_application("grant", state="submitted", organisation=org)
    fire(application, "start_screening", make_user("secretariat"))
    assert _told("status_changed") == {a.id for a in applicants}
    assert outsider.id not in _told("status_changed")
    message = db.session.scalar(select(Notification.message))
    assert "Under review by the secretariat" in message


def test_committee_members_are_told_when_a_ballot_opens(app, make_application, make_user):
    members = {make_user("committee_member").id for _ in range(3)}
    application = make_application("grant", state="screening")
    fire(application, "refer_to_committee", make_user("secretariat"))
    assert members <= _told("ballot_opened")


def test_the_unread_count_shows_in_the_navigation(app, client, login_as, make_application,
                                                  make_org):
    org = make_org()
    applicant = login_as("applicant", organisation=org)
    application = make_application("grant", state="submitted", organisation=org)
    fire(application, "withdraw", applicant)
    page = client.get("/home").get_data(as_text=True)
    assert 'class="badge text-bg-warning unread-count">1<' in page
    client.post("/notifications/read")
    assert "unread-count" not in client.get("/home").get_data(as_text=True)


def test_due_dates_and_reminders(app, make_application, make_user):
    secretariat = make_user("secretariat")
    application = make_application("grant", state="draft")
    owner = make_user("applicant", organisation=application.organisation)
    db.session.commit()
    from workflow.engine import rules

    saved = dict(rules.GUARDS)
    rules.GUARDS.update({name: (lambda step: None) for name in
                         ("form_complete", "own_share_met")})
    try:
        fire(application, "submit", owner)
    finally:
        rules.GUARDS.clear()
        rules.GUARDS.update(saved)
    db.session.rollback()
    assert application.due_on == date.today() + timedelta(days=application.fund.screening_days)
    runner = app.test_cli_runner()
    on_time = runner.invoke(args=["reminders", "send"])
    assert "0 people" in on_time.output
    late = (application.due_on + timedelta(days=3)).isoformat()
    result = runner.invoke(args=["reminders", "send", "--today", late])
    assert "1 people" in result.output
    assert _told("reminder") == {secretariat.id}
    again = runner.invoke(args=["reminders", "send", "--today", late])
    assert "0 people" in again.output  # once a day


def test_the_chair_is_told_once_when_quorum_is_reached(app, make_application, make_user):
    from models import write_intent
    from workflow.committee import ballots

    chair = make_user("committee_chair")
    members = [make_user("committee_member") for _ in range(4)]  # quorum: 2 of 4
    application = make_application("grant", state="screening")
    fire(application, "refer_to_committee", make_user("secretariat"))
    for n, member in enumerate(members[:3]):
        db.session.commit()
        with write_intent(True):
            ballots.cast_vote(application, member, "approve")
            db.session.commit()
        assert _told("quorum_reached") == (set() if n == 0 else {chair.id})
    assert db.session.query(Notification).filter_by(kind="quorum_reached").count() == 1


def test_a_second_finance_officer_is_told_of_a_requested_tranche(app, make_application,
                                                                 make_user):
    from models import write_intent
    from workflow.money import ledger, tranches

    requester, other = make_user("finance_officer"), make_user("finance_officer")
    application = make_application("grant", state="approved")
    application.approved_yen = 1_000_000
    db.session.commit()
    with write_intent(True):
        ledger.post(application.fund, "donation", 5_000_000, actor=None)
        ledger.reserve(application, 1_000_000, None)
        tranches.request_tranche(application, 400_000, requester)
        db.session.commit()
    assert _told("tranche_requested") == {other.id}
