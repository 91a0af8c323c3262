"""A form sent back with errors opens with GOV.UK's error summary: on top, focused, each
error once, each linking to its field."""

from __future__ import annotations

from playwright.sync_api import expect

from models import db

from .conftest import assert_page_healthy
from .session_cookie import sign_in_browser


def test_a_form_sent_back_with_errors_opens_with_a_summary_linking_to_each_field(
        page, live_server, make_user):
    user = make_user("applicant")
    db.session.commit()
    sign_in_browser(page, live_server, user)

    page.goto(f"{live_server}/auth/password")
    page.get_by_role("button", name="Change password", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)  # the three empty fields, each said once
    assert summary.bounding_box()["y"] < page.get_by_label("Current password").bounding_box()["y"]
    links.first.click()
    expect(page.get_by_label("Current password")).to_be_focused()
    assert_page_healthy(page)
