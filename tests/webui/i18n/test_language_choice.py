"""Which language a page is in: the user's saved choice, else the one picked with the switch
before logging in, else the browser's, else the organisation's, else English — and <html
lang> always says which, so that a screen reader reads it right."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEvent, db
from tests.conftest import log_in, speaks

NO_PREFERENCE = {"Accept-Language": ""}  # a browser that asks for no language


def html_lang(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_login_page_follows_the_browser(client):
    assert html_lang(client.get("/auth/login")) == "en"
    assert html_lang(client.get("/auth/login", headers={"Accept-Language": "ja,en;q=0.5"})) == "ja"
    assert html_lang(client.get("/auth/login", headers={"Accept-Language": "fr"})) == "en"
    assert html_lang(client.get("/auth/login", headers=NO_PREFERENCE)) == "en"


def test_a_users_saved_language_wins_over_the_browser(client, make_user):
    user = make_user("auditor")
    speaks(user, "ja")
    db.session.commit()
    log_in(client, user)
    assert html_lang(client.get("/home", headers={"Accept-Language": "en"})) == "ja"


def test_the_organisations_language_serves_a_browser_that_asks_for_none(client, make_user,
                                                                        make_org):
    company = make_org(kind="company", country_code="JP")
    society = make_org(kind="alumni_society", country_code="TH")
    assert (company.locale, society.locale) == ("ja", "en")
    log_in(client, make_user("applicant", organisation=company, locale=None))
    assert html_lang(client.get("/home", headers=NO_PREFERENCE)) == "ja"
    assert html_lang(client.get("/home", headers={"Accept-Language": "en-GB"})) == "en"
    assert html_lang(client.get("/home", headers={"Accept-Language": "fr"})) == "ja"


def test_the_login_page_has_the_switch_and_a_visitors_choice_stays_in_the_session(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'action="/language"' in page and 'value="ja"' in page and "日本語" in page
    response = client.post("/language", data={"locale": "ja", "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login", headers={"Accept-Language": "en"})
    assert html_lang(page) == "ja"
    assert "ログイン" in page.get_data(as_text=True)
    assert "メールアドレス" in page.get_data(as_text=True)  # the form's label too


def test_the_visitors_choice_survives_logging_in_and_out(client, make_user):
    user = make_user("auditor", locale=None)
    client.post("/language", data={"locale": "ja", "next": "/auth/login"})
    log_in(client, user)
    assert html_lang(client.get("/home")) == "ja"
    client.post("/auth/logout")
    assert html_lang(client.get("/auth/login")) == "ja"


def test_a_users_switch_is_saved_in_their_profile_with_an_audit_event(client, make_user):
    user = make_user("auditor", locale=None)
    log_in(client, user)
    response = client.post("/language", data={"locale": "ja", "next": "/audit/"})
    assert response.headers["Location"] == "/audit/"
    db.session.expire_all()
    assert user.locale == "ja"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "preferences_changed")).one()
    assert event.actor_id == user.id and event.data["changes"] == {"locale": [None, "ja"]}
    other_browser = client.application.test_client()
    log_in(other_browser, user)
    assert html_lang(other_browser.get("/home")) == "ja"


def test_the_switch_goes_back_only_to_a_page_of_this_site(client):
    response = client.post("/language", data={"locale": "xx", "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    assert html_lang(client.get("/auth/login")) == "en"  # an unknown language changes nothing
    response = client.post("/language", data={"locale": "ja", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/home"


def test_a_signed_in_page_has_the_switch_back_to_itself(client, login_as):
    login_as("auditor")
    page = client.get("/audit/?page=2").get_data(as_text=True)
    assert 'name="next" value="/audit/?page=2"' in page
