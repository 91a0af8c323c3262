"""Enrolment and the code step in a real browser: the QR code shows under the CSP, no error."""

import pyotp
import pytest
from playwright.sync_api import expect

from models import db
from tests.conftest import PASSWORD
from tests.webui.browser.conftest import (  # noqa: F401 - the shared browser, page and server
    assert_page_healthy,
    browser,
    live_server,
    page,
)

pytestmark = pytest.mark.browser


def test_enrol_then_log_in_with_a_code(page, live_server, make_user):  # noqa: F811
    email = make_user("finance_officer", name="Fujita Finance").email
    db.session.commit()

    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor login")
    qr = page.locator(".qr-code svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 100  # drawn at a scannable size
    secret = page.locator("code").inner_text().replace(" ", "")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_page_healthy(page)  # no CSP violation, no failed asset

    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome,")
