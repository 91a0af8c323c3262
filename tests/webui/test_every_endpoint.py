"""Every endpoint against every role, as declared; and no GET ever changes anything."""

import io

import pytest
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from models import ROLES, AuditEvent, Base, db, write_intent
from tests.conftest import fire
from webui.access import PUBLIC, SIGNED_IN, access_table
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


def _expected_reachable(rule, role: str) -> bool:
    if rule in (PUBLIC, SIGNED_IN):
        return True
    return role in rule


@pytest.mark.parametrize("role", ROLES)
def test_every_get_endpoint_answers_each_role_as_declared(app, client, login_as, scene, role):
    login_as(role, organisation=scene["organisation"] if role == "applicant" else None)
    table = access_table(app)
    wrong = []
    for endpoint, url in _get_urls(app, scene):
        status = client.get(url).status_code
        reachable = _expected_reachable(table[endpoint], role)
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
