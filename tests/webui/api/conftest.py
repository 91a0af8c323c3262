"""Fixtures of the API tests: a user with a token, and a client that sends it."""

from __future__ import annotations

import pytest

from models import db, write_intent
from tests.conftest import ready_for_a_code
from tests.workflow.loans.conftest import (  # noqa: F401 - the loan scene's fixtures
    active_loan,
    company,
    make_loan,
    people,
    release,
    sme,
)
from workflow.people import api_tokens
from workflow.people.second_factor import requires_second_factor


def make_token_for(user, scope: str = "write", days: int = 30) -> str:
    if requires_second_factor(user):
        ready_for_a_code(user)
    db.session.commit()
    with write_intent(True):
        made = api_tokens.create(user, "tests", scope, days)
        db.session.commit()
    return made.secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_user(make_user):
    """A user with roles and a read-write token: (user, headers)."""

    def make(*roles: str, scope: str = "write", **kwargs):
        user = make_user(*roles, **kwargs)
        return user, bearer(make_token_for(user, scope))

    return make
