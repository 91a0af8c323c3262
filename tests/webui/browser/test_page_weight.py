"""Light pages for slow mobile networks (issue 24), counted in bytes by Chromium itself.

Each key page — the login, each demo role's home, the applications list, a grant file, a
loan file, the portfolio and a file's diagram — costs at most 150 KiB on the wire on a first
visit (empty cache) and at most 20 KiB on the next one, when every static file comes from
the browser's cache and only the page itself (and the data it fetches) crosses the network.
The pages keep the CSP (no console error); the menu bar still opens on a phone
(test_menu_on_a_phone).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from models import Application, db

from .conftest import TIMEOUT_MS
from .session_cookie import sign_in_demo_user
from .transfer import KIB, Transfers, described, total

FIRST_VISIT_BUDGET = 150 * KIB
REPEAT_VISIT_BUDGET = 20 * KIB
# Whose home pages are weighed: one person per role of the demo.
HOMES = (
    "applicant.th@wnf.example", "sme@wnf.example", "secretariat@wnf.example",
    "member1@wnf.example", "chair@wnf.example", "finance1@wnf.example",
    "auditor@wnf.example", "admin@wnf.example",
)
STAFF = "secretariat@wnf.example"  # who opens the list, the files, the portfolio
# The richest file of each programme the demo has: the first of these states found.
GRANT_STATES = ("closed", "report_submitted", "in_implementation", "approved")
LOAN_STATES = ("active", "in_arrears", "repaid", "contracted", "approved")


@pytest.fixture
def app(demo_app):
    """The living demo, seeded as `make run` seeds it, once for the test process
    (tests.conftest.seeded_demo): the weighing only reads it (a login writes the person's
    session and second factor only)."""
    return demo_app


def _file(kind: str, states: tuple[str, ...]) -> int:
    found = dict(db.session.execute(
        select(Application.state, Application.id).where(Application.kind == kind)
        .order_by(Application.id.desc())).all())
    return next(found[s] for s in states if s in found)


def _context(browser: Browser, live_server: str, **options):
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    return context, page



def _weigh(transfers: Transfers, url: str) -> list[str]:
    """A first visit with an empty cache, then a second: the budgets each exceeds."""
    transfers.forget_the_cache()
    first = transfers.visit(url)
    again = transfers.visit(url)
    over = []
    if total(first) > FIRST_VISIT_BUDGET:
        over.append(f"{url} first visit: {total(first)} bytes > {FIRST_VISIT_BUDGET}\n"
                    + described(first))
    refetched = [r for r in again if "/static/" in r.url and not r.from_cache]
    if total(again) > REPEAT_VISIT_BUDGET or refetched:
        over.append(f"{url} repeat visit: {total(again)} bytes > {REPEAT_VISIT_BUDGET} or "
                    f"static files fetched again\n" + described(again))
    assert any("/static/" in r.url for r in first), first  # the styles were counted
    return over


def test_each_key_page_is_light_on_a_first_visit_and_nearly_free_on_the_next(
        browser, live_server):
    pages = {STAFF: ["/applications/", f"/applications/{_file('grant', GRANT_STATES)}",
                     f"/applications/{_file('loan', LOAN_STATES)}", "/portfolio/",
                     f"/applications/{_file('grant', GRANT_STATES)}/diagram"]}
    context, page = _context(browser, live_server)
    try:
        over = _weigh(Transfers(page), f"{live_server}/auth/login")
    finally:
        context.close()
    weighed, errors = 1, []
    for email in HOMES:
        context, page = _context(browser, live_server)
        try:
            sign_in_demo_user(page, live_server, email)
            transfers = Transfers(page)
            for path in ["/home", *pages.get(email, ())]:
                over += _weigh(transfers, f"{live_server}{path}")
                weighed += 1
            errors += [f"{email}: {e}" for e in page.console_errors]
        finally:
            context.close()
    assert weighed == 1 + len(HOMES) + len(pages[STAFF])
    assert over == [], "\n\n".join(over)
    assert errors == []  # the CSP let every script run

