"""A browser given the session cookie a completed login would leave, without the login."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page

from models import User, db
from tests.conftest import signed_in_session

# The live server's clients all come from here (tests/webui/browser/conftest.py).
BROWSER_ADDRESS = "127.0.0.1"


def sign_in_browser(page: Page, app: Flask, base_url: str, email: str) -> None:
    """Scene-setting for the tests that are not about logging in: the page's browser context
    gets the signed session cookie the app gives after a login (with the second factor when
    the roles require one), tied as Flask-Login ties it to this browser's address and
    user agent. Logging in through the form is test_login.py's and
    test_browser_two_factor.py's."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    this_browser = {"REMOTE_ADDR": BROWSER_ADDRESS,
                    "HTTP_USER_AGENT": page.evaluate("() => navigator.userAgent")}
    session = signed_in_session(app, user, this_browser)
    db.session.commit()  # the test holds no transaction while the browser acts
    cookie = app.session_interface.get_signing_serializer(app).dumps(session)
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                               "url": base_url, "httpOnly": True, "sameSite": "Lax"}])
