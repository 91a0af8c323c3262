"""The access rules of every write, over the pages and the API at once: each write of the API
has the page that does the same, both are for the same roles, and each role is refused (403)
by both or by neither. (tests/webui/test_every_endpoint.py does the same for every GET;
tests/webui/security/test_foreign_ids.py for other organisations' files.)"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import text

from models import ROLES, db
from tests.conftest import fire
from webui.access import API_TOKEN, SIGNED_IN, access_table

from .conftest import bearer, make_token_for

# Each write of the API and the page's endpoint that does the same.
TWINS = {
    "api_applications.fire_action": "applications.act",
    "api_grants.create_proposal": "grants.new_proposal",
    "api_grants.save_proposal": "grants.edit",
    "api_grants.record_checklist": "grants.record_checklist",
    "api_committee.cast_vote": "committee.vote",
    "api_committee.declare_conflict": "committee.conflict",
    "api_money.request_tranche": "finance.request_tranche",
    "api_money.authorise_tranche": "finance.authorise",
    "api_loans.create_loan": "loans.new",
    "api_loans.save_loan": "loans.edit",
    "api_loans.assess_loan": "loans.assessment",
    "api_loans.record_repayment": "loans.repayment",
    "api_loans.request_write_off": "loans.request_write_off",
    "api_loans.sign_agreement": "loans.agreement",
    "api_trail.mark_notifications_read": "notifications.mark_read",
    "api_attachments.upload_attachment": "grants.attachments_page",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _api_writes(app) -> dict[str, tuple[str, str]]:
    """endpoint -> (method, rule) of every write operation of the API."""
    table = access_table(app)
    return {rule.endpoint: (sorted(rule.methods & WRITES)[0], rule.rule)
            for rule in app.url_map.iter_rules()
            if table[rule.endpoint] == API_TOKEN and rule.methods & WRITES}


def _roles_of(app, endpoint: str) -> frozenset[str]:
    view = app.view_functions[endpoint]
    declared = getattr(view, "api_roles", None) if view.access == API_TOKEN else view.access
    return frozenset(ROLES) if declared in (None, SIGNED_IN) else frozenset(declared)


def test_every_write_of_the_api_is_for_the_roles_of_its_page(app):
    assert set(_api_writes(app)) == set(TWINS)
    differing = {api: (sorted(_roles_of(app, api)), sorted(_roles_of(app, page)))
                 for api, page in TWINS.items() if _roles_of(app, api) != _roles_of(app, page)}
    assert differing == {}


@pytest.fixture
def scene(make_application, make_user):
    grant = make_application("grant", state="screening")
    fire(grant, "refer_to_committee", make_user("secretariat"))
    loan = make_application("loan", state="draft")
    tranche = db.session.scalar(text("SELECT coalesce(max(id), 1) FROM tranches"))
    return {"grant": grant.id, "loan": loan.id, "tranche_id": tranche, "trigger": "withdraw"}


def _url(app, endpoint: str, scene: dict) -> str:
    rule = next(app.url_map.iter_rules(endpoint))
    kind = "loan" if "loan" in endpoint else "grant"
    values = {name: scene[kind] if name == "application_id" else scene[name]
              for name in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **values)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_a_write_by_the_page_and_the_api_alike(app, client, login_as,
                                                                    scene, role):
    user = login_as(role)
    token = bearer(make_token_for(user, "write"))
    writes = _api_writes(app)
    differing = []
    for api, page in TWINS.items():
        method, _rule = writes[api]
        by_api = client.open(_url(app, api, scene), method=method, json={}, headers=token)
        by_page = client.post(_url(app, page, scene), data={})
        if (by_api.status_code == 403) != (by_page.status_code == 403) or max(
                by_api.status_code, by_page.status_code) >= 500:
            differing.append((api, by_api.status_code, page, by_page.status_code))
    assert differing == []
