"""Real headless-Chromium tests: a live server, a browser, a page and a login helper.

Every test in this folder is marked `browser`. Without Chromium the tests are
skipped, unless REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from demo.living import DEMO_PASSWORD
from models import User, db
from tests.conftest import ready_for_a_code, totp_code
from workflow.people.security import requires_second_factor

HERE = Path(__file__).parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Debian's chromium-headless-shell: the same Blink as its chromium, without the browser's
# windows, tabs and UI renderers around the page; Playwright's own default for headless.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
TIMEOUT_MS = 10_000
# The home page's greeting in the user's language (the demo's Japanese users read Japanese).
WELCOME = re.compile(r"Welcome,|ようこそ、")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(items) -> None:
    """Mark every test of this folder `browser` (so `-m "not browser"` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> tuple[str | None, str]:
    """(the Chromium to run or None, where it was looked for).

    CHROMIUM_PATH if set (and then only it), else Debian's headless shell, else Debian's
    /usr/bin/chromium, else `chromium` on the PATH.
    """
    wanted = os.environ.get("CHROMIUM_PATH")
    if wanted:
        return (wanted if os.access(wanted, os.X_OK) else None), wanted
    if os.access(HEADLESS_SHELL, os.X_OK):
        return HEADLESS_SHELL, HEADLESS_SHELL
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM, DEFAULT_CHROMIUM
    return shutil.which("chromium"), DEFAULT_CHROMIUM


_RUNNING: list[Browser] = []  # the one Chromium of this test process, while it runs


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session.

    A test module elsewhere that imports this fixture registers it a second time; both
    registrations then share the one Chromium, because Playwright's sync API cannot be
    started twice in one thread ("Sync API inside the asyncio loop").
    """
    if _RUNNING:
        yield _RUNNING[0]
        return
    executable, sought = chromium_path()
    if executable is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no Chromium at {sought} "
                        "(install it there or set CHROMIUM_PATH)", pytrace=False)
        pytest.skip(f"no Chromium at {sought}: browser tests skipped "
                    "(CI installs it and sets REQUIRE_BROWSER=1)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        _RUNNING.append(chromium)
        try:
            yield chromium
        finally:
            _RUNNING.clear()
            chromium.close()


@pytest.fixture
def live_server(app, monkeypatch) -> Iterator[str]:
    """Serve the test's app (the session's, or the seeded demo's where a module asks for
    it) on 127.0.0.1 at a free port; yield its base URL.

    Each request runs in a server thread with its own app context and database
    session, as in production. CSRF protection is switched on, as in production.
    Data is emptied after the test by the `app` fixture. Call `db.session.commit()`
    after creating data in the test and before the browser acts: the server then
    sees it, and the test's session holds no transaction (no SQLite write lock).
    """
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)  # quick to shut down
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page in a fresh browser context whose base URL is the live server (browser_page)."""
    with browser_page(browser, live_server) as page:
        yield page


@contextmanager
def browser_page(browser: Browser, live_server: str, **context_options) -> Iterator[Page]:
    """A page in a fresh browser context whose base URL is the live server; `context_options`
    go to Playwright's new_context (a browser asking for Japanese: locale="ja-JP").

    `page.console_errors` collects console errors and uncaught script errors;
    `page.failed_requests` collects same-origin requests that failed or answered
    4xx/5xx for anything but the page itself (a missing static file, say).
    Chromium also logs a console error when the page itself answers 4xx/5xx: a
    test that expects an error page clears `page.console_errors` afterwards.
    """
    context = browser.new_context(base_url=live_server, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.failed_requests = []
    origin = urlsplit(live_server).netloc

    def ours(url: str) -> bool:
        """Same origin, and not the favicon that Chromium asks for on its own."""
        parts = urlsplit(url)
        return parts.netloc == origin and parts.path != "/favicon.ico"

    def on_console(message) -> None:
        url = message.location.get("url") or ""
        if message.type == "error" and not url.endswith("/favicon.ico"):
            page.console_errors.append(f"{message.text} ({url})")

    def on_response(response) -> None:
        request = response.request
        if response.status >= 400 and ours(response.url) and request.resource_type != "document":
            page.failed_requests.append(f"{response.status} {request.method} {response.url}")

    def on_request_failed(request) -> None:
        failure = request.failure or ""
        if ours(request.url) and "ERR_ABORTED" not in failure:
            page.failed_requests.append(f"{failure} {request.method} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    try:
        yield page
    finally:
        context.close()


def assert_page_healthy(page: Page) -> None:
    """No console error, no uncaught script error and no failed asset so far."""
    assert page.console_errors == [], page.console_errors
    assert page.failed_requests == [], page.failed_requests


def browser_login(page: Page, base_url: str, email: str, password: str,
                  code: str | None = None) -> None:
    """Log in through the login form and wait for the home page.

    `code`: for a user whose roles require two-factor login (and who is enrolled), the code
    their authenticator shows, typed on the second page (tests.conftest.totp_code).
    """
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    if code is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(WELCOME)


def log_in_demo_user(page: Page, base_url: str, email: str) -> None:
    """Log in as a user of the seeded demo (its one password), with a fresh code when their
    roles need a second factor."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    code = None
    if requires_second_factor(user):
        ready_for_a_code(user)
        code = totp_code(user)
    db.session.commit()  # the test holds no transaction while the browser acts
    browser_login(page, base_url, email, DEMO_PASSWORD, code=code)
