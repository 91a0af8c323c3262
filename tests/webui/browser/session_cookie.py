"""Signing a browser in without the login form, for the tests that are not about logging in.

The browser gets the session cookie a completed login leaves (with the second factor when
the user's roles require one), as tests.conftest.sign_in gives it to the Flask client: no
login page, no attempt row, no audit event, no welcome message. The tests of the form itself
(test_login, test_browser_two_factor, test_language_switch, the first logins of the grant
walks) go through it with conftest.browser_login.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from playwright.sync_api import Page

from models import User, db
from tests.conftest import signed_in_session


def sign_in_browser(page: Page, base_url: str, user: User) -> None:
    """Give the page's browser context the session of `user`, logged in; the next page it
    opens is theirs. Their session stays in this browser alone (Flask-Login's strong session
    protection ties it to the browser's address and user agent, which it is made for)."""
    user_agent = page.evaluate("navigator.userAgent")
    environ = {"REMOTE_ADDR": urlsplit(base_url).hostname, "HTTP_USER_AGENT": user_agent}
    signed_in = signed_in_session(current_app, user, environ)
    cookie = current_app.session_interface.get_signing_serializer(current_app).dumps(signed_in)
    db.session.commit()  # the test holds no transaction while the browser acts
    page.context.add_cookies([{"name": current_app.config["SESSION_COOKIE_NAME"],
                               "value": cookie, "url": base_url}])


def sign_in_demo_user(page: Page, base_url: str, email: str) -> None:
    """sign_in_browser for a user of the seeded demo, found by email."""
    sign_in_browser(page, base_url,
                    db.session.scalar(db.select(User).where(User.email == email)))
