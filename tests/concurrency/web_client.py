"""A minimal browser for the HTTP races: cookies, real forms, login with its TOTP step.

Built on http.client (no extra package). Redirects are not followed: a race reads each
answer's status and the flashed message it carries in its signed session cookie, which is
what the user's next page shows. Flash messages are read with the app's own session
serializer and the SECRET_KEY the server was given.
"""

from __future__ import annotations

import html
import http.client
import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pyotp
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

REQUEST_TIMEOUT = 60  # seconds; a request queued behind a whole race still answers in time


@dataclass
class Response:
    status: int
    location: str
    text: str
    set_cookies: list[str]
    flashes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [message for _, message in self.flashes]


class _Forms(HTMLParser):
    """Every <form>: its action and the values of its inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "input" and self.forms and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind not in ("radio", "checkbox") or "checked" in attrs:
                self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""


def form_fields(html: str, action: str) -> dict[str, str]:
    """The inputs of the page's form that posts to `action` (its hidden fields included)."""
    parser = _Forms()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if form_action == action:
            return dict(fields)
    raise AssertionError(f"no form posting to {action} on the page")


class FlashReader:
    """Reads the flashed messages out of a session cookie signed with the server's key."""

    def __init__(self, secret_key: str) -> None:
        holder = Flask("flash-reader")
        holder.secret_key = secret_key
        self._serializer = SecureCookieSessionInterface().get_signing_serializer(holder)

    def flashes(self, cookie_value: str) -> list[tuple[str, str]]:
        data = self._serializer.loads(cookie_value)
        return [tuple(item) for item in data.get("_flashes", [])]


class WebSession:
    """One browser: its own cookies, talking to one or more servers of the same app."""

    def __init__(self, base_url: str, reader: FlashReader,
                 headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.reader = reader
        self.headers = headers or {}  # sent with every request (e.g. X-Forwarded-For)
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def request(self, method: str, path: str, data: dict | None = None, *,
                base_url: str | None = None, keep_cookies: bool = True) -> Response:
        """Send one request; `keep_cookies=False` leaves this browser's cookies as they were
        (a race sends many requests with the same cookies, as many tabs would)."""
        target = urlsplit(base_url or self.base_url)
        with self._lock:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {**self.headers, "Cookie": cookie} if cookie else dict(self.headers)
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(target.hostname, target.port,
                                                timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            response = Response(raw.status, raw.getheader("Location") or "", text,
                                raw.headers.get_all("Set-Cookie") or [])
        finally:
            connection.close()
        self._read_cookies(response, keep_cookies)
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        return self.request("POST", path, data, **kwargs)

    def _read_cookies(self, response: Response, keep: bool) -> None:
        for header in response.set_cookies:
            for name, morsel in SimpleCookie(header).items():
                gone = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if name == "session" and not gone:
                    response.flashes = self.reader.flashes(morsel.value)
                if not keep:
                    continue
                with self._lock:
                    if gone:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value

    def form(self, page_path: str, action: str, **kwargs) -> dict[str, str]:
        """Open the page and return the fields of its form that posts to `action`."""
        page = self.get(page_path, **kwargs)
        assert page.status == 200, (page_path, page.status, page.location)
        return form_fields(page.text, action)

    def log_in(self, email: str, password: str, totp_secret: str | None = None,
               base_url: str | None = None) -> None:
        """The login form, then the code form when the user's roles ask for one."""
        fields = self.form("/auth/login", "", base_url=base_url)
        answer = self.post("/auth/login", {**fields, "email": email, "password": password},
                           base_url=base_url)
        assert answer.status == 302, (email, answer.status, answer.text[-500:])
        if answer.location.endswith("/auth/two-factor"):
            assert totp_secret, f"{email} is asked for a code but has no TOTP secret"
            fields = self.form("/auth/two-factor", "", base_url=base_url)
            answer = self.post("/auth/two-factor",
                               {**fields, "code": pyotp.TOTP(totp_secret).now()},
                               base_url=base_url)
            assert answer.status == 302, (email, answer.status, answer.text[-500:])
        assert "/auth/" not in answer.location, (email, answer.location, answer.flashes)
        # Land on the page the login leads to, as a browser does: it also gives the session
        # its CSRF secret, which every later page of this browser shares.
        for _ in range(3):
            answer = self.get(urlsplit(answer.location).path or "/", base_url=base_url)
            if answer.status != 302:
                break
        assert answer.status == 200, (email, answer.status, answer.location)


def at_once(calls: list[Callable[[], Response]], timeout: float = 120) -> list:
    """Run every call in its own thread, all released at the same instant.

    Returns each call's Response, or the exception it raised (a refused connection, a
    timeout), in the order of `calls`.
    """
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=timeout)
        try:
            return call()
        except Exception as error:  # reported to the test, which counts it as an error
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=timeout) for future in futures]


@dataclass
class Click:
    """One user sending one form: opened on `page` (from `page_host`), sent to `send_host`."""

    browser: WebSession
    page: str
    action: str
    data: dict = field(default_factory=dict)  # what the user types into the form
    page_host: str | None = None  # None: the browser's own host
    send_host: str | None = None


def race_forms(clicks: list[Click]) -> list:
    """Each click opens its page first (a few at a time: each gets its own one-time key), then
    every form is sent at the same instant. Returns the answers in the order of `clicks`."""
    forms = in_parallel([lambda c=c: c.browser.form(c.page, c.action, base_url=c.page_host)
                         for c in clicks])
    return at_once([lambda c=c, f=f: c.browser.post(c.action, {**f, **c.data},
                                                    base_url=c.send_host, keep_cookies=False)
                    for c, f in zip(clicks, forms, strict=True)])


def in_parallel(calls: list[Callable], threads: int = 8, timeout: float = 120) -> list:
    """Run setup calls (logins, page loads) a few at a time; exceptions propagate."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result(timeout=timeout) for future in futures]


ERROR_MESSAGE = re.compile(r'<p class="lead error-message">(.*?)</p>', re.S)
REFERENCE = re.compile(r"\b(?:WNF|SME)-\d{4}-\d{4}\b")
TRANCHE_NUMBER = re.compile(r"\bTranche \d+")
FIELD_ERROR = re.compile(r'<div class="invalid-feedback d-block">(.*?)</div>', re.S)


def message_of(answer: Response | Exception) -> str:
    """What the user is told: the flash, the error page's sentence, or a form's error."""
    if isinstance(answer, Exception):
        return f"{type(answer).__name__}: {answer}"
    if answer.flashes:
        return " | ".join(answer.messages)
    found = ERROR_MESSAGE.search(answer.text) or FIELD_ERROR.search(answer.text)
    return html.unescape(found.group(1).strip()) if found else ""


def outcome_of(answer: Response | Exception) -> str:
    """success, refused (told why, no harm done) or error (5xx, no answer, no message)."""
    if isinstance(answer, Exception) or answer.status >= 500:
        return "error"
    categories = {category for category, _ in answer.flashes}
    if "success" in categories:
        return "success"
    if answer.status in (302, 303, 409, 200) and message_of(answer):
        return "refused"
    return "error"


@dataclass
class Figures:
    """The count of one race, printed for the issue note (`pytest -s`)."""

    requests: int
    outcomes: Counter
    statuses: Counter
    messages: Counter

    @property
    def successes(self) -> int:
        return self.outcomes["success"]

    @property
    def refusals(self) -> int:
        return self.outcomes["refused"]

    @property
    def errors(self) -> int:
        return self.outcomes["error"]

    def refusal_messages(self, answers) -> set[str]:
        return {message_of(a) for a in answers if outcome_of(a) == "refused"}


def tally(label: str, answers: list) -> Figures:
    """Count the answers of a race and print the figures."""
    figures = Figures(
        requests=len(answers), outcomes=Counter(outcome_of(a) for a in answers),
        statuses=Counter(a.status if isinstance(a, Response) else type(a).__name__
                         for a in answers),
        messages=Counter(message_of(a) for a in answers))
    print(f"\n[{label}] requests={figures.requests} successes={figures.successes} "
          f"refusals={figures.refusals} errors={figures.errors} "
          f"statuses={dict(figures.statuses)}")
    # Printed with references and tranche numbers folded, so that alike messages add up.
    printed = Counter()
    for message, count in figures.messages.items():
        printed[TRANCHE_NUMBER.sub("Tranche n", REFERENCE.sub("<ref>", message))] += count
    for message, count in printed.most_common():
        print(f"    {count:4d} × {message[:160]}")
    return figures
