"""Which language a page is in: the user's saved choice, else the browser's, else English —
and <html lang> always says which, so that a screen reader reads it right."""

from __future__ import annotations

from models import db
from tests.conftest import log_in


def html_lang(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_login_page_follows_the_browser(client):
    assert html_lang(client.get("/auth/login")) == "en"
    assert html_lang(client.get("/auth/login", headers={"Accept-Language": "ja,en;q=0.5"})) == "ja"
    assert html_lang(client.get("/auth/login", headers={"Accept-Language": "fr"})) == "en"


def test_a_users_saved_language_wins_over_the_browser(client, make_user):
    user = make_user("auditor")
    user.locale = "ja"
    db.session.commit()
    log_in(client, user)
    assert html_lang(client.get("/home", headers={"Accept-Language": "en"})) == "ja"
