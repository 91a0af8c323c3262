"""WCAG 2.2 AA, checked by axe-core in Chromium on every page the demo's people reach; the
menu on one line at 1280 px, and no page scrolling sideways on a 390 px phone.

The living demo is seeded; each demo role logs in and walks the pages its navigation
links to, then a file page (and its diagram) in each state the demo has that this person
may see. No page may have a serious or critical violation. The walk reads the links from
the navigation itself, so a page added to a role's menu is walked without a change here.
"""

from __future__ import annotations

from contextlib import nullcontext
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from models import Application, User, db
from workflow.engine.permissions import can_view

from .accessibility import described, violations, with_axe
from .conftest import TIMEOUT_MS, assert_page_healthy
from .language import speaking
from .session_cookie import sign_in_demo_user

# One person per role the demo has (an alumni society and a company apply differently).
DEMO_PEOPLE = (
    "applicant.th@wnf.example", "sme@wnf.example", "secretariat@wnf.example",
    "member1@wnf.example", "chair@wnf.example", "finance1@wnf.example",
    "auditor@wnf.example", "admin@wnf.example",
)
# The same walks in the other language: a society's and the staff's pages in Japanese, the
# company's (whose people read Japanese) in English; Japanese must fit a phone as well.
OTHER_LANGUAGE = (("applicant.th@wnf.example", "ja"), ("secretariat@wnf.example", "ja"),
                  ("sme@wnf.example", "en"))
WALKS = [(email, None) for email in DEMO_PEOPLE] + list(OTHER_LANGUAGE)
# Who also walks each file's diagram page (the auditor sees every file).
DIAGRAM_WALKER = "auditor@wnf.example"
# Pages that change something when opened, or leave: not walked.
NOT_WALKED = ("/auth/logout",)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def app(demo_app):
    """The living demo, seeded once for the test process (tests.conftest.seeded_demo): the
    walks only read it (a login writes the person's session and second factor only)."""
    return demo_app


def _files_in_each_state() -> list[Application]:
    """One application per (programme, state) the demo has."""
    seen, files = set(), []
    for application in db.session.scalars(select(Application).order_by(Application.id)):
        if (application.kind, application.state) not in seen:
            seen.add((application.kind, application.state))
            files.append(application)
    return files


def _hidden_from(page, email: str, files: list[Application]) -> set[str]:
    """The file pages of `files` the person may not open: those can_view refuses them, and
    the server answers 403 or 404 for (asked without the browser rendering the refusal)."""
    person = db.session.scalar(select(User).where(User.email == email))
    refused = [f"/applications/{file.id}" for file in files if not can_view(person, file)]
    return {path for path in refused if page.request.get(path).status in (403, 404)}


def _menu_links(page) -> list[str]:
    hrefs = page.locator("nav.app-nav a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h not in NOT_WALKED]


# How far the page reaches past the screen's right edge (0: it does not scroll sideways).
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"
# The menu's items each on the first line of the bar: their tops differ by a few px at most.
MENU_TOPS = """() => [...document.querySelectorAll(
  'nav.app-nav .navbar-nav > .nav-item, nav.app-nav form[role=search]')].map(
  e => [e.textContent.trim().split(/\\s+/)[0], Math.round(e.getBoundingClientRect().top)])"""


def _menu_wraps(page) -> list[str]:
    """The menu bar on one line at 1280 px, its search box wide enough to type in."""
    tops = page.evaluate(MENU_TOPS)
    first = min(top for _, top in tops)
    wrapped = [name for name, top in tops if top > first + 20]
    search = page.locator("nav.app-nav input[type=search]")
    narrow = search.count() and search.bounding_box()["width"] < 120
    return ([f"the menu wraps at 1280 px: {wrapped} on a second line"] if wrapped else []) + (
        ["the search box is narrower than 120 px"] if narrow else [])


def _turn(page, width: str) -> None:
    """Turn the window to the `width` of VIEWPORTS: CSS lays the page out anew, and the
    charts follow on the next frames."""
    page.set_viewport_size(VIEWPORTS[width])
    page.evaluate(AFTER_THREE_FRAMES)


# A resized chart takes its new width from a ResizeObserver and then a frame of its own.
AFTER_THREE_FRAMES = """() => new Promise(done => requestAnimationFrame(
  () => requestAnimationFrame(() => requestAnimationFrame(done))))"""


# Each role's walk is a test of its own, spread over the xdist workers (tests/conftest.py).
@pytest.mark.parametrize(("email", "locale"), WALKS)
def test_every_page_a_demo_user_reaches_is_accessible_and_fits_the_screen(
        browser: Browser, live_server, email, locale):
    context = browser.new_context(base_url=live_server, bypass_csp=True,
                                  viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors, page.failed_requests = [], []
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    try:
        with speaking(email, locale) if locale else nullcontext():
            sign_in_demo_user(page, live_server, email)
            with_axe(context)  # after the blank page's sign-in: on the pages walked alone
            _walk(page, live_server, email)
    finally:
        context.close()


def _walk(page, live_server: str, email: str) -> None:
    """Every page of the person's menu, their notifications, a file in each state and
    (for the DIAGRAM_WALKER) its diagram: no serious violation at 1280 px, no sideways
    scroll at 390 px."""
    files = _files_in_each_state()
    hidden = _hidden_from(page, email, files)
    file_pages = [f"/applications/{file.id}" for file in files]
    file_pages = [path for path in file_pages if path not in hidden]
    if email == DIAGRAM_WALKER:  # the diagram page is the same for everyone who sees it
        file_pages += [f"{path}/diagram" for path in file_pages]
    pages = ["/home"]  # the home page's menu gives the rest once it is open
    found, sideways, reached = [], [], set()
    for path in pages:  # grows while walked (the menu, read on the first page)
        response = page.goto(f"{live_server}{path}")
        assert response.status < 400, f"{path}: {response.status}"
        where = urlsplit(page.url).path
        if where in reached:  # a menu entry that leads to a page walked already
            continue
        reached.add(where)
        if path == "/home":
            pages += [p for p in dict.fromkeys([*_menu_links(page), "/notifications/",
                                                *file_pages]) if p not in pages]
        # Each page is checked at both widths, turning the window once: a page opened at
        # the width the last one ended at is checked at that width first.
        opened_on_a_phone = page.viewport_size == VIEWPORTS["phone"]
        if opened_on_a_phone:
            wider = page.evaluate(WIDER_THAN_SCREEN)
            _turn(page, "desktop")
        found += described(where, violations(page))
        if path == "/home":
            found += _menu_wraps(page)
        if not opened_on_a_phone:
            _turn(page, "phone")
            wider = page.evaluate(WIDER_THAN_SCREEN)
        if wider:
            sideways.append(f"{path} scrolls {wider} px sideways at 390 px")
    assert len(reached) >= 5, pages  # the walk did reach the pages
    assert found == [], "\n".join(found)
    assert_page_healthy(page)
    assert sideways == [], "\n".join(sideways)
