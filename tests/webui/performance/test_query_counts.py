"""Each main page runs the same number of SQL statements at two sizes: no query per row."""

import contextlib

import pytest

from models import db, write_intent
from tests.conftest import fire
from tests.statements import counting_statements
from workflow.committee import ballots
from workflow.engine import kept
from workflow.money import ledger

MAX_STATEMENTS = 12


@contextlib.contextmanager
def counting(engine):
    """The statements run inside, as a page first seen after a change runs them: what the
    workers keep until the audit chain moves is forgotten (a kept panel runs none)."""
    kept.forget_all()
    with counting_statements(engine) as statements:
        yield statements


def _grow(size, make_application, make_user, make_org, org):
    """`size` applications in assorted states with timelines, votes and money."""
    secretariat, members = make_user("secretariat"), [make_user("committee_member")
                                                      for _ in range(3)]
    for n in range(size):
        application = make_application("grant", state="screening",
                                       organisation=org if n % 2 else make_org())
        fire(application, "refer_to_committee", secretariat)
        db.session.commit()
        with write_intent(True):
            for member in members:
                ballots.cast_vote(application, member, "approve", "fine")
            ledger.post(application.fund, "donation", 1000 + n, actor=None)
            db.session.commit()
    return application


PAGES = ["/home", "/applications/", "/applications/?country=TH&sort=title",
         "/applications/{id}", "/committee/", "/finance/", "/funds/WNF", "/portfolio/",
         "/notifications/"]


@pytest.mark.parametrize("page", PAGES)
def test_statements_per_page_do_not_grow_with_the_data(app, client, login_as, make_application,
                                                       make_user, make_org, page):
    org = make_org(country_code="TH")
    user = login_as("secretariat", "committee_member", "finance_officer", "auditor",
                    "committee_chair")
    counts = []
    for size in (3, 12):
        last = _grow(size if not counts else size - 3, make_application, make_user, make_org,
                     org)
        url = page.format(id=last.id)
        client.get(url)  # warm caches (Jinja, SQLAlchemy's compiled statements)
        with counting(db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(statements))
    assert counts[0] == counts[1], (page, counts)
    assert counts[1] <= MAX_STATEMENTS, (page, counts)
    assert user


def test_the_user_list_runs_the_same_statements_for_more_users(client, login_as, make_user,
                                                               make_org):
    """The admin's list names each user's organisation without a query per row."""
    login_as("admin")
    counts = []
    for more in (2, 10):
        for _ in range(more):
            make_user("applicant", organisation=make_org())
        client.get("/admin/users")
        with counting(db.engine) as statements:
            response = client.get("/admin/users")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
