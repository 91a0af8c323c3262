"""Every endpoint against every role, as declared; and no GET ever changes anything."""

import io

import pytest
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from models import ROLES, AuditEvent, Base, db, write_intent
from tests.conftest import fire
from webui.access import API_TOKEN, PUBLIC, SIGNED_IN, access_table
from workflow.files import attachments

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def scene(app, make_application, make_user, make_org):
    """A grant in committee review with a ballot and an attachment, and a loan."""
    org = make_org(name="Scene society")
    grant = make_application("grant", state="screening", organisation=org)
    fire(grant, "refer_to_committee", make_user("secretariat"))
    loan = make_application("loan", state="draft")
    db.session.commit()
    with write_intent(True):
        attachment = attachments.store(grant, FileStorage(io.BytesIO(PDF), "plan.pdf"),
                                       "proposal", None, app.config["UPLOAD_DIR"])
        db.session.commit()
    ballot_id = db.session.scalar(text("SELECT max(id) FROM ballots"))
    return {"application_id": grant.id, "loan_id": loan.id, "fund_id": grant.fund_id,
            "org_id": org.id, "user_id": db.session.scalar(text("SELECT min(id) FROM users")),
            "round_id": grant.round_id, "ballot_id": ballot_id,
            "attachment_id": attachment.id, "code": "WNF", "name": "grant", "version": 1,
            "filename": "app.css", "organisation": org}


def _get_urls(app, scene) -> list[tuple[str, str]]:
    """Every GET route with its parameters filled from the scene."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {}
        for argument in rule.arguments:
            key = "loan_id" if (argument == "application_id"
                                and rule.endpoint.startswith("loans.")) else argument
            values[argument] = scene[key]
        with app.test_request_context():
            from flask import url_for

            urls.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return urls


def _expected_reachable(rule, role: str, view=None) -> bool:
    if rule in (PUBLIC, SIGNED_IN):
        return True
    if rule == API_TOKEN:  # the API's operations name their roles apart (webui.api.tokens)
        allowed = getattr(view, "api_roles", None)
        return allowed is None or role in allowed
    return role in rule


@pytest.mark.parametrize("role", ROLES)
def test_every_get_endpoint_answers_each_role_as_declared(app, client, login_as, scene, role):
    """The pages with the role's session, the API's operations with the role's token: one
    matrix for both. The session never opens the API (401)."""
    from tests.webui.api.conftest import bearer, make_token_for

    user = login_as(role, organisation=scene["organisation"] if role == "applicant" else None)
    token = bearer(make_token_for(user, "read"))
    table = access_table(app)
    wrong = []
    for endpoint, url in _get_urls(app, scene):
        api = table[endpoint] == API_TOKEN
        if api and client.get(url).status_code != 401:
            wrong.append((endpoint, url, "the session opened the API"))
        status = client.get(url, headers=token if api else {}).status_code
        reachable = _expected_reachable(table[endpoint], role, app.view_functions[endpoint])
        if status >= 500 or (status == 403) == reachable:
            wrong.append((endpoint, url, status))
    assert wrong == []


def _snapshot() -> dict:
    db.session.rollback()
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in Base.metadata.sorted_tables}
    versions = db.session.scalar(text("SELECT coalesce(sum(version), 0) FROM applications"))
    head = db.session.scalar(select(func.max(AuditEvent.seq)))
    return {"counts": counts, "versions": versions, "audit_head": head}


def test_no_get_request_changes_anything(app, client, login_as, scene):
    login_as(*ROLES, organisation=scene["organisation"])
    before = _snapshot()
    statuses = {}
    for endpoint, url in _get_urls(app, scene):
        statuses[endpoint] = client.get(url).status_code
    assert [e for e, s in statuses.items() if s >= 500] == []
    assert _snapshot() == before
