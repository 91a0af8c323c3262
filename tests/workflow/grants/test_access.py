"""Another organisation's proposal is invisible; each page is for the roles it names."""

import io

import pytest

from models import ROLES, db
from tests.conftest import once_key, sign_in
from workflow.files import attachments

from .conftest import new_draft, text_of

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def foreign(client, scene, app):
    """A draft of the Thai society with a PDF attached; then someone else logs in."""
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/attachments",
                data={"file": (io.BytesIO(PDF), "budget.pdf"), **once_key()},
                content_type="multipart/form-data")
    client.post("/auth/logout")
    attachment = attachments.attachments_of(application)[0]
    return application, attachment


def _pages(application, attachment):
    base = f"/grants/{application.id}"
    return [f"/applications/{application.id}", f"{base}/edit", f"{base}/attachments",
            f"{base}/attachments/{attachment.id}", f"{base}/report"]


def test_another_societys_proposal_answers_404(client, foreign, make_user, make_org):
    application, attachment = foreign
    sign_in(client, make_user("applicant", organisation=make_org(name="Alumni Society of Peru",
                                                                country_code="PE")))
    for path in _pages(application, attachment):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/grants/{application.id}/edit",
                       data={"title": "Hijacked"}).status_code == 404
    assert client.post(f"/grants/{application.id}/attachments/{attachment.id}/remove"
                       ).status_code == 404
    db.session.expire_all()
    assert application.title == "Kaizen training for SME supervisors"


def test_staff_download_but_do_not_edit(client, foreign, make_user):
    application, attachment = foreign
    sign_in(client, make_user("secretariat"))
    url = f"/grants/{application.id}/attachments/{attachment.id}"
    assert client.get(url).status_code == 404  # a draft is its society's alone
    application.state, application.submitted_at = "submitted", application.created_at
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "budget.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"] == "application/pdf"
    assert client.get(f"/grants/{application.id}/edit").status_code == 403


def test_an_attachment_of_another_application_answers_404(client, foreign, scene):
    application, attachment = foreign
    sign_in(client, scene.applicant)
    other = new_draft(client, scene, title="Second proposal")
    assert client.get(f"/grants/{other.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/grants/{application.id}/attachments/{attachment.id}"
                      ).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_screening_queue_is_for_the_secretariat(client, login_as, role):
    login_as(role)
    expected = 200 if role == "secretariat" else 403
    assert client.get("/grants/screening").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_new_proposal_is_for_applicants(client, login_as, role):
    login_as(role)
    assert client.get("/grants/new").status_code == (200 if role == "applicant" else 403)


def test_home_page_links(client, scene, make_user):
    sign_in(client, scene.applicant)
    assert 'href="/grants/new"' in text_of(client.get("/home"))
    client.post("/auth/logout")
    sign_in(client, make_user("secretariat"))
    assert 'href="/grants/screening"' in text_of(client.get("/home"))
