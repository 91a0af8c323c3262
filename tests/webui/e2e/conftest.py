"""The cast of the end-to-end tests: every kind of user, each with their own logged-in client.

Only the scene is set up directly (organisations, users, the fund, its round, a donation);
everything after that is done the way users do it, through the pages and their forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from flask.testing import FlaskClient

from models import Fund, Organisation, Round, User, db, write_intent
from tests.conftest import log_in
from workflow.money import ledger

DONATED = 5_000_000


@dataclass
class Cast:
    """The people of a WNF grant, and a logged-in test client for each of them."""

    fund: Fund
    round: Round
    society: Organisation  # the proposing alumni society (for a loan: the company)
    partner: Organisation | None  # its partner society (none for a loan)
    users: dict[str, User]
    app: object
    _clients: dict[str, FlaskClient] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def client(self, who: str) -> FlaskClient:
        """A client logged in as `who`, once (two-factor users log in with a code)."""
        if who not in self._clients:
            client = self.app.test_client()
            response = log_in(client, self.users[who])
            assert response.status_code == 302, response.get_data(as_text=True)
            assert response.headers["Location"] == "/home", response.headers["Location"]
            self._clients[who] = client
        return self._clients[who]

    def log_in_again(self) -> None:
        """Everyone logs in afresh on their next page (their sessions have expired)."""
        self._clients.clear()


def donate(fund: Fund, amount: int) -> None:
    """Scene-setting: money given to the fund (as the secretariat records donations)."""
    db.session.commit()
    with write_intent(True):
        ledger.post(fund, "donation", amount, actor=None, memo="Donations of the alumni")
        db.session.commit()


@pytest.fixture
def cast(app, make_fund, make_round, make_org, make_user) -> Cast:
    """A WNF round open today, a proposing society and its partner, and the people.

    Five committee members: members 1-4 belong to societies with no part in the proposal,
    member 5 to the partner society (recused from its ballot automatically). The chair
    holds committee_chair only, so the four eligible votes are the members' own.
    """
    fund = make_fund("WNF")
    round_ = make_round(fund, name="WNF FY2026", cap_yen=2_000_000, min_own_percent=20)
    society = make_org(name="Alumni Society of Thailand", country_code="TH")
    partner = make_org(name="Alumni Society of Viet Nam", country_code="VN")
    users = {
        "applicant": make_user("applicant", organisation=society, name="Somchai"),
        "secretariat": make_user("secretariat", name="Sato"),
        "chair": make_user("committee_chair", name="Chiba"),
        "finance1": make_user("finance_officer", name="Fujita"),
        "finance2": make_user("finance_officer", name="Fukuda"),
        "auditor": make_user("auditor", name="Aoki"),
    }
    for n, (country, name) in enumerate([("IN", "India"), ("KE", "Kenya"), ("PE", "Peru"),
                                         ("PH", "the Philippines")], start=1):
        org = make_org(name=f"Alumni Society of {name}", country_code=country)
        users[f"member{n}"] = make_user("committee_member", organisation=org,
                                        name=f"Member {n}")
    users["member5"] = make_user("committee_member", organisation=partner, name="Member 5")
    return Cast(fund, round_, society, partner, users, app)


@pytest.fixture
def loan_cast(app, make_fund, make_round, make_org, make_user) -> Cast:
    """The SME fund with money in it, its open round, a manufacturing company and the people.

    The company's figures are left for its application form to fill in.
    """
    fund = make_fund("SME")
    round_ = make_round(fund, name="SME FY2026", budget_yen=500_000_000,
                        cap_yen=100_000_000, min_own_percent=0)
    company = make_org(kind="company", country_code="JP", name="Hamamatsu Precision Parts")
    users = {
        "applicant": make_user("applicant", organisation=company, name="Hayashi"),
        "secretariat": make_user("secretariat", name="Sato"),
        "chair": make_user("committee_chair", name="Chiba"),
        "finance1": make_user("finance_officer", name="Fujita"),
        "finance2": make_user("finance_officer", name="Fukuda"),
    }
    for n in (1, 2, 3):
        users[f"member{n}"] = make_user("committee_member", organisation=make_org(),
                                        name=f"Member {n}")
    donate(fund, 50_000_000)
    return Cast(fund, round_, company, None, users, app)
