"""No page shows a person the system's own names: each demo role walks its navigation, a
file page in every state the demo has and the funds' ledgers, and the text it reads (tags,
scripts and attributes stripped) holds no underscored name of a workflow state or action,
a role or a ledger kind."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from demo.living import DEMO_PASSWORD
from models import LEDGER_KINDS, ROLES, Application, Fund, Round, User, db
from tests.conftest import log_in
from workflow.engine import registry

DEMO_PEOPLE = (
    "applicant.th@wnf.example", "sme@wnf.example", "secretariat@wnf.example",
    "member1@wnf.example", "chair@wnf.example", "finance1@wnf.example",
    "auditor@wnf.example", "admin@wnf.example",
)
NOT_WALKED = ("/auth/logout",)
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


@pytest.fixture
def app(demo_app):
    """The demo seeded once for the test process (tests.conftest.seeded_demo): the walks
    only read it."""
    return demo_app


def internal_names() -> set[str]:
    """The underscored names a person must never read."""
    names = set(ROLES) | set(LEDGER_KINDS)
    for workflow in registry.names():
        for version in registry.versions(workflow):
            definition = registry.get(workflow, version)
            names |= {s.name for s in definition.states}
            names |= {t.trigger for t in definition.transitions}
    return {name for name in names if "_" in name}


class PageReading(HTMLParser):
    """The text a person reads, and the links of the navigation bar."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.menu: list[str] = []
        self.hidden = 0  # inside <script>, <style> or <template>
        self.nav_depth = 0  # inside <nav class="app-nav">

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag == "nav" and (self.nav_depth or "app-nav" in (attributes.get("class") or "")):
            self.nav_depth += 1
        href = attributes.get("href") or ""
        if tag == "a" and self.nav_depth and href.startswith("/"):
            self.menu.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1
        if tag == "nav" and self.nav_depth:
            self.nav_depth -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)


def read(body: str) -> PageReading:
    reading = PageReading()
    reading.feed(body)
    return reading


def internal_names_shown(body: str, forbidden: set[str]) -> set[str]:
    return set(SNAKE_CASE.findall(" ".join(read(body).text))) & forbidden


def files_in_each_state() -> list[int]:
    seen, ids = set(), []
    for ident, kind, state in db.session.execute(
            select(Application.id, Application.kind, Application.state).order_by(Application.id)):
        if (kind, state) not in seen:
            seen.add((kind, state))
            ids.append(ident)
    return ids


@pytest.mark.parametrize("email", DEMO_PEOPLE)
def test_no_page_a_demo_user_reaches_shows_an_internal_name(app, email):
    forbidden = internal_names()
    user = db.session.scalar(select(User).where(User.email == email))
    client = app.test_client()
    assert log_in(client, user, DEMO_PASSWORD).status_code == 302
    home = client.get("/home")
    assert home.status_code == 200
    pages = ["/home", *read(home.get_data(as_text=True)).menu, "/notifications/"]
    pages += [f"/funds/{code}" for code in db.session.scalars(select(Fund.code))]
    pages += [f"/applications/{ident}" for ident in files_in_each_state()]
    found, walked = [], 0
    for path in dict.fromkeys(p for p in pages if p not in NOT_WALKED):
        response = client.get(path)
        if response.status_code in (301, 302, 303):  # a menu entry that leads elsewhere
            response = client.get(response.headers["Location"])
        if response.status_code in (403, 404):  # not this person's page
            continue
        assert response.status_code == 200, f"{path}: {response.status_code}"
        walked += 1
        if shown := internal_names_shown(response.get_data(as_text=True), forbidden):
            found.append(f"{path} shows {sorted(shown)}")
    assert walked >= 5, pages  # the walk did reach the pages
    assert found == [], "\n".join(found)


def test_the_check_catches_a_name_left_as_it_is_stored():
    forbidden = {"committee_review", "write_off"}
    page = ('<nav class="app-nav"><a href="/x">Menu</a></nav><p data-state="committee_review">'
            'In <b>committee_review</b></p><script>let kind = "write_off";</script>')
    assert internal_names_shown(page, forbidden) == {"committee_review"}
    assert read(page).menu == ["/x"]


def offered(body: str, name: str) -> list[str]:
    """The values a filter's <select> offers, "any" left out."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    return [v for v in re.findall(r'value="([^"]*)"', select_html.group(1)) if v not in ("", "0")]


def test_the_loans_list_offers_the_loan_programmes_states_and_rounds_only(app):
    client = app.test_client()
    secretariat = db.session.scalar(select(User).where(User.email == "secretariat@wnf.example"))
    assert log_in(client, secretariat, DEMO_PASSWORD).status_code == 302
    loans_page = client.get("/loans/").get_data(as_text=True)
    assert offered(loans_page, "state") == [s.name for s in registry.get("loan").states]
    loan_rounds = {str(ident) for ident in db.session.scalars(
        select(Round.id).join(Fund).where(Fund.kind == "loan"))}
    grant_rounds = {str(ident) for ident in db.session.scalars(
        select(Round.id).join(Fund).where(Fund.kind == "grant"))}
    assert loan_rounds and grant_rounds  # the demo has rounds of both programmes
    assert set(offered(loans_page, "round_id")) == loan_rounds
    every_list = client.get("/applications/").get_data(as_text=True)
    assert set(offered(every_list, "round_id")) == loan_rounds | grant_rounds
    assert "in_implementation" in offered(every_list, "state")
