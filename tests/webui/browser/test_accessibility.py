"""WCAG 2.2 AA, checked by axe-core in Chromium on every page the demo's people reach.

The living demo is seeded; each demo role logs in and walks the pages its navigation
links to, then a file page (and its diagram) in each state the demo has that this person
may see. No page may have a serious or critical violation. The walk reads the links from
the navigation itself, so a page added to a role's menu is walked without a change here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from demo.living import DEMO_PASSWORD
from models import Application, User, db
from tests.conftest import ready_for_a_code, totp_code
from workflow.people.security import requires_second_factor

from .accessibility import described, violations
from .conftest import TIMEOUT_MS, assert_page_healthy, browser_login

# One person per role the demo has (an alumni society and a company apply differently).
DEMO_PEOPLE = (
    "applicant.th@wnf.example", "sme@wnf.example", "secretariat@wnf.example",
    "member1@wnf.example", "chair@wnf.example", "finance1@wnf.example",
    "auditor@wnf.example", "admin@wnf.example",
)
# Who also walks each file's diagram page (the auditor sees every file).
DIAGRAM_WALKER = "auditor@wnf.example"
# Pages that change something when opened, or leave: not walked.
NOT_WALKED = ("/auth/logout",)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def demo(app):
    """The living demo, seeded as `make run` seeds it."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.session.commit()


def _files_in_each_state() -> list[int]:
    """One application per (programme, state) the demo has."""
    seen, ids = set(), []
    for ident, kind, state in db.session.execute(
            select(Application.id, Application.kind, Application.state)
            .order_by(Application.id)):
        if (kind, state) not in seen:
            seen.add((kind, state))
            ids.append(ident)
    return ids


def _log_in(page, base: str, email: str) -> None:
    user = db.session.scalar(select(User).where(User.email == email))
    code = None
    if requires_second_factor(user):
        ready_for_a_code(user)
        code = totp_code(user)
    db.session.commit()  # the test holds no transaction while the browser acts
    browser_login(page, base, email, DEMO_PASSWORD, code=code)


def _menu_links(page) -> list[str]:
    hrefs = page.locator("nav.app-nav a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h not in NOT_WALKED]


@pytest.mark.parametrize("email", DEMO_PEOPLE)
def test_no_serious_accessibility_violation_on_any_page_a_demo_user_reaches(
        browser: Browser, live_server, demo, email):
    context = browser.new_context(base_url=live_server, bypass_csp=True,
                                  viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors, page.failed_requests = [], []
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    try:
        _log_in(page, live_server, email)
        pages = ["/home", *_menu_links(page), "/notifications/"]
        files = _files_in_each_state()
        pages += [f"/applications/{ident}" for ident in files]
        if email == DIAGRAM_WALKER:  # the diagram page is the same for everyone who sees it
            pages += [f"/applications/{ident}/diagram" for ident in files]
        found, walked = [], 0
        for path in dict.fromkeys(pages):
            response = page.goto(f"{live_server}{path}")
            if response.status in (403, 404):  # a file this person may not see
                continue
            assert response.status < 400, f"{path}: {response.status}"
            walked += 1
            found += described(urlsplit(page.url).path, violations(page))
        assert walked >= 5, pages  # the walk did reach the pages
        assert found == [], "\n".join(found)
        assert_page_healthy(page)
    finally:
        context.close()
