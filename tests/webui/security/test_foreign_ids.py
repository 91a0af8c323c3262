"""The endpoint × role × foreign-id matrix: a user of one organisation who asks for another
organisation's files by id, on every route that takes one, gets a 403 or a 404 — never the
file, never a 5xx. A draft is its organisation's alone (the auditor reads all); a submitted
file is seen by the staff, never by another organisation's applicants."""

import io

import pytest
from flask import url_for
from sqlalchemy import text
from werkzeug.datastructures import FileStorage

from models import ROLES, db, write_intent
from tests.conftest import fire
from workflow.files import attachments

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FILE_ARGUMENTS = {"application_id", "attachment_id", "ballot_id", "proposal_id"}
OTHER_VALUES = {"trigger": "withdraw", "proposal_id": 1}


def _with_attachment(app, application) -> int:
    db.session.commit()
    with write_intent(True):
        stored = attachments.store(application, FileStorage(io.BytesIO(PDF), "plan.pdf"),
                                   "proposal", None, app.config["UPLOAD_DIR"])
        db.session.commit()
    return stored.id


@pytest.fixture
def other_organisations_files(app, make_application, make_org, make_user):
    """Organisation B's files: a grant draft and a loan draft (each with a file), and a
    grant in the committee's ballot."""
    society = make_org(name="Alumni Society of B")
    company = make_org(name="Company B", kind="company", country_code="JP")
    draft = make_application("grant", state="draft", organisation=society,
                             title="B's unsent draft")
    loan = make_application("loan", state="draft", organisation=company,
                            title="B's unsent loan")
    voted = make_application("grant", state="screening", organisation=society,
                             title="B's file in the ballot")
    fire(voted, "refer_to_committee", make_user("secretariat"))
    ballot = db.session.scalar(text("SELECT max(id) FROM ballots"))
    drafts = [{"application_id": draft.id, "attachment_id": _with_attachment(app, draft),
               "title": draft.title},
              {"application_id": loan.id, "attachment_id": _with_attachment(app, draft),
               "title": loan.title}]
    submitted = {"application_id": voted.id, "attachment_id": _with_attachment(app, voted),
                 "ballot_id": ballot, "title": voted.title}
    return drafts, submitted


def _requests(app, file: dict):
    for rule in app.url_map.iter_rules():
        if not FILE_ARGUMENTS & set(rule.arguments) or (
                "ballot_id" in rule.arguments and "ballot_id" not in file):
            continue
        values = {a: file.get(a, OTHER_VALUES.get(a)) for a in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in ("GET", "POST", "PUT"):
            if method in rule.methods:
                yield method, url


@pytest.mark.parametrize("role", [r for r in ROLES if r != "auditor"])
def test_another_organisations_files_are_never_reached_by_id(app, client, login_as, make_org,
                                                             other_organisations_files, role):
    """Over the pages (with the role's session) and the API (with the role's token)."""
    from tests.webui.api.conftest import bearer, make_token_for

    drafts, submitted = other_organisations_files
    user = login_as(role, organisation=make_org(name="Alumni Society of A"))
    token = bearer(make_token_for(user, "write"))
    hidden = [*drafts, *([submitted] if role == "applicant" else [])]
    wrong = []
    for file in hidden:
        for method, url in _requests(app, file):
            api = url.startswith("/api/")
            response = client.open(url, method=method, headers=token if api else {},
                                   **({"json": {}} if api and method != "GET" else {}))
            if response.status_code not in (403, 404) or (
                    file["title"] in response.get_data(as_text=True)):
                wrong.append((role, method, url, response.status_code))
    assert wrong == []


def test_the_matrix_walks_every_route_that_takes_a_file_id(app, other_organisations_files):
    _drafts, submitted = other_organisations_files
    walked = {(method, url) for method, url in _requests(app, submitted)}
    taking_ids = [(method, rule) for rule in app.url_map.iter_rules()
                  for method in ("GET", "POST", "PUT")
                  if FILE_ARGUMENTS & set(rule.arguments) and method in rule.methods]
    assert len(walked) == len(taking_ids) > 30
