"""Notifications and emails are written in the language of whoever reads them: for the same
event a Japanese user is told in Japanese and an English user in English, whatever the
language of the person who acted."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import force_locale
from sqlalchemy import select

from models import DailyDigest, Notification, OutboxMessage, User, db
from tests.conftest import fire, speaks
from workflow.engine.errors import TransitionRefused
from workflow.people import digest


def _set_locale(user: User, locale: str) -> User:
    speaks(user, locale)
    db.session.commit()
    return user


def _told(user: User) -> tuple[str, OutboxMessage]:
    note = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id.desc())).first()
    email = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.notification_id == note.id)).one()
    return note.message, email


def test_each_applicant_is_told_of_the_same_change_in_their_own_language(
        app, make_application, make_user, make_org):
    org = make_org(kind="company", country_code="JP")
    hayashi = _set_locale(make_user("applicant", organisation=org, name="林 健一"), "ja")
    smith = _set_locale(make_user("applicant", organisation=org, name="Ann Smith"), "en")
    application = make_application("grant", state="submitted", organisation=org,
                                   title="浜松研修")
    fire(application, "start_screening", _set_locale(make_user("secretariat"), "ja"))

    message, email = _told(hayashi)
    assert message == "「浜松研修」の状態が変わりました：事務局で審査中"
    assert email.subject == f"[WNF Workflow] {application.reference}：{message}"
    assert email.body.startswith("林 健一 様\n\n") and message in email.body

    message, email = _told(smith)
    assert message == "“浜松研修” is now: Under review by the secretariat."
    assert email.subject == f"[WNF Workflow] {application.reference}: {message}"
    assert email.body.startswith("Dear Ann Smith,\n\n") and message in email.body


def test_a_ballot_opening_tells_each_member_in_their_language(app, make_application,
                                                               make_user):
    japanese = _set_locale(make_user("committee_member", name="松田 浩"), "ja")
    english = make_user("committee_member", name="Mori Member")
    application = make_application("grant", state="screening", title="Kaizen seminar")
    fire(application, "refer_to_committee", make_user("secretariat"))
    assert _told(japanese)[0] == ("「Kaizen seminar」の投票が開始されました。"
                                  "ご投票をお願いいたします。")
    assert _told(english)[0] == "A ballot is open on “Kaizen seminar”: your vote is awaited."


def test_the_daily_digest_is_written_in_its_reader_s_language(app, make_application,
                                                              make_user, make_org):
    org = make_org()
    reader = _set_locale(make_user("applicant", organisation=org, name="加藤 直樹"), "ja")
    db.session.add(DailyDigest(user_id=reader.id))
    db.session.commit()
    application = make_application("grant", state="submitted", organisation=org, title="研修")
    fire(application, "start_screening", make_user("secretariat"))
    db.session.commit()
    assert digest.queue_digests(datetime(2100, 1, 1), lambda app_id: f"/applications/{app_id}")
    email = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == reader.email)).one()
    assert email.subject == "[WNF Workflow] 日次ダイジェスト：新しいお知らせ1件"
    assert email.body.startswith("加藤 直樹 様\n\n"
                                 "前回のダイジェスト以降のお知らせは次のとおりです。")
    assert "「研修」の状態が変わりました：事務局で審査中" in email.body
    assert "次の対応：" in email.body


def test_a_refusal_is_said_in_the_language_of_the_request(app, make_application, make_user):
    application = make_application("grant", state="screening")
    applicant = make_user("applicant", organisation=application.organisation)
    sentences = {}
    for locale in ("en", "ja"):
        with force_locale(locale):
            try:
                fire(application, "refer_to_committee", applicant, today=date.today())
            except TransitionRefused as refusal:
                sentences[locale] = refusal.message
        db.session.rollback()
    assert sentences == {"en": "Only the secretariat may refer to the committee.",
                         "ja": "委員会に付議することができるのは事務局のみです。"}


def test_someone_who_chose_no_language_is_written_to_in_their_organisations(
        app, make_application, make_user, make_org):
    """A company's user who never chose a language is told in Japanese, the company's."""
    company = make_org(kind="company", country_code="JP")
    society = make_org(kind="alumni_society", country_code="TH")
    assert (company.locale, society.locale) == ("ja", "en")
    unchosen = make_user("applicant", organisation=company, name="加藤 直樹", locale=None)
    application = make_application("grant", state="submitted", organisation=company,
                                   title="京都研修")
    fire(application, "start_screening", make_user("secretariat", organisation=society))
    assert _told(unchosen)[0] == "「京都研修」の状態が変わりました：事務局で審査中"
