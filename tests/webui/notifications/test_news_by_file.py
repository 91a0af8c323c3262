"""Notifications say what happened, what to do next and link to the file, grouped per file;
the daily digest gathers them in one email, sent through the outbox to an SMTP server."""

import re
from datetime import timedelta

from models import DailyDigest, OutboxMessage, db, utcnow, write_intent
from tests.conftest import csrf_token_from, fire
from tests.workflow.people.test_outbox import smtp  # noqa: F401  (the local SMTP server)
from workflow.people import inbox, outbox
from workflow.people.notifications import notify


def _notify(users, kind, message, application=None):
    db.session.commit()
    with write_intent(True):
        notify(users, kind, message, application)
        db.session.commit()


def _chosen(page: str) -> str:
    [value] = re.findall(r'<input checked[^>]*name="rhythm"[^>]*value="(\w+)"', page)
    return value


def _section(page: str, reference: str) -> str:
    start = page.index(f'data-file="{reference}"')
    return page[start:page.index("</section>", start)]


def test_the_news_of_each_file_is_grouped_with_what_to_do_next(client, login_as, make_org,
                                                                make_application, make_user):
    society = make_org()
    person = login_as("applicant", organisation=society)
    draft = make_application("grant", state="draft", organisation=society, title="Kaizen")
    screened = make_application("grant", state="screening", organisation=society)
    fire(screened, "request_revision", make_user("secretariat"), comment="Add the budget.")
    _notify([person], "reminder", "The draft waits for you.", draft)
    _notify([person], "reminder", "The draft still waits.", draft)

    page = client.get("/notifications/").get_data(as_text=True)
    revised = _section(page, screened.reference)
    assert "is now" in revised  # what happened
    assert "What you can do now:" in revised and "Resubmit" in revised  # what to do next
    assert f'href="/applications/{screened.id}"' in revised  # and where
    drafted = _section(page, draft.reference)
    assert drafted.count("<li") == 2 and "2 new" in drafted
    assert "Submit" in drafted
    # The file with the newest news comes first.
    assert page.index(f'data-file="{draft.reference}"') < page.index(
        f'data-file="{screened.reference}"')


def test_a_member_is_told_to_vote(client, login_as, make_application, make_user):
    member = login_as("committee_member")
    application = make_application("grant", state="committee_review")
    _notify([member], "ballot_opened", "A ballot is open.", application)
    section = _section(client.get("/notifications/").get_data(as_text=True),
                       application.reference)
    assert "cast your vote" in section


def test_the_digest_is_a_choice_that_stops_single_emails(client, login_as, make_application):
    person = login_as("secretariat")
    page = client.get("/notifications/").get_data(as_text=True)
    assert _chosen(page) == "each"  # one email per notification until chosen otherwise
    token = csrf_token_from(page)
    response = client.post("/notifications/digest", data={"csrf_token": token,
                                                            "rhythm": "daily"})
    assert response.status_code == 302
    assert inbox.takes_digest(person)
    assert _chosen(client.get("/notifications/").get_data(as_text=True)) == "daily"
    application = make_application("grant", state="submitted")
    _notify([person], "report_submitted", "A report arrived.", application)
    assert db.session.query(OutboxMessage).count() == 0  # no email of its own

    refused = client.post("/notifications/digest", data={"csrf_token": token,
                                                          "rhythm": "hourly"})
    assert refused.status_code == 302
    assert inbox.takes_digest(person)  # a bad choice changes nothing


def test_the_daily_digest_is_sent_once_grouped_per_file_with_links(app, smtp,  # noqa: F811
                                                                   make_user,
                                                                   make_application):
    person = make_user("secretariat", name="Sato")
    db.session.add(DailyDigest(user_id=person.id))
    db.session.commit()
    first = make_application("grant", state="report_submitted", title="Welding course")
    second = make_application("grant", state="submitted", title="Kaizen seminar")
    _notify([person], "report_submitted", "The final report of “Welding course” has arrived.",
            first)
    _notify([person], "reminder", "“Kaizen seminar” waits for screening.", second)
    _notify([person], "reminder", "“Kaizen seminar” still waits.", second)

    runner = app.test_cli_runner()
    assert "Daily digests written: 1." in runner.invoke(args=["outbox", "digest"]).output
    assert "Daily digests written: 0." in runner.invoke(args=["outbox", "digest"]).output

    handler, settings = smtp()
    report = outbox.send_pending(outbox.smtp_transport(settings), "wnf@example.org",
                                 now=utcnow() + timedelta(seconds=1))
    assert report.sent == 1
    [mail] = handler.delivered
    assert "Your daily digest: 3 new notifications" in mail
    body = mail.replace("=\r\n", "").replace("=\n", "")
    assert f"{first.reference}: Welding course" in body
    assert f"{second.reference}: Kaizen seminar" in body
    assert f"http://localhost:5000/applications/{first.id}" in body
    assert body.count("Next:") == 2
    # Once the digest is written, a new notification waits for tomorrow's.
    _notify([person], "reminder", "Another day.", second)
    assert "Daily digests written: 1." in runner.invoke(args=["outbox", "digest"]).output
