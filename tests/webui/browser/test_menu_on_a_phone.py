"""The menu bar of the light pages (issue 24) still opens and closes on a 390 px phone."""

from __future__ import annotations

from playwright.sync_api import expect

from models import db

from .session_cookie import sign_in_browser
from .test_page_weight import _context


def test_the_menu_bar_opens_on_a_phone(browser, live_server, make_user):
    user = make_user("secretariat", name="Sato")
    db.session.commit()
    context, page = _context(browser, live_server, viewport={"width": 390, "height": 844})
    try:
        sign_in_browser(page, live_server, user)
        page.goto(f"{live_server}/home")
        menu = page.locator("#nav")
        expect(menu).to_be_hidden()
        page.get_by_role("button", name="Menu").click()
        expect(menu).to_be_visible()
        page.get_by_role("button", name="Sato").click()
        expect(page.get_by_role("link", name="Change password")).to_be_visible()
        page.get_by_role("button", name="Menu").click()
        expect(menu).to_be_hidden()
        assert page.console_errors == []
    finally:
        context.close()
