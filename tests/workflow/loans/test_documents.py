"""The company's documents on its loan application, and the signed agreement: attached while
the application may be edited, required at submission, downloaded by the company and the
staff, never by another company."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from models import Attachment, AuditEvent, db, utcnow
from tests.conftest import scene_changed
from tests.workflow.grants.conftest import error_next_to, text_of

from .conftest import act
from .documents import BUSINESS_PLAN, FILES, STATEMENTS, attach_documents, upload
from .test_lifecycle import current, press

EXE = b"MZ\x90\x00" + b"\x00" * 60


def _links(page: str, loan) -> dict[str, str]:
    """File name -> download link, as the application page lists them."""
    return {name: href for href, name in re.findall(
        rf'<a[^>]*href="(/loans/{loan.id}/files/\d+)"[^>]*>([^<]+)</a>', page)}


def test_the_company_attaches_its_documents_and_the_staff_download_them(
        make_loan, people, client_for, make_user, make_org):
    loan = make_loan("draft")
    company = client_for(people.applicant)
    attach_documents(company, loan)

    page = text_of(company.get(f"/applications/{loan.id}"))
    assert "Business plan" in page and "Latest financial statements" in page
    links = _links(page, loan)
    assert set(links) == {"business-plan.pdf", "statements-fy2026.pdf"}
    # The staff see a file, and its documents, once it is submitted.
    assert client_for(people.secretariat).get(links["business-plan.pdf"]).status_code == 404
    loan.state, loan.submitted_at = "submitted", utcnow()
    scene_changed(loan)
    db.session.commit()
    staff_page = text_of(client_for(people.secretariat).get(f"/applications/{loan.id}"))
    assert _links(staff_page, loan) == links
    for who in (people.secretariat, people.member, people.applicant):
        response = client_for(who).get(links["business-plan.pdf"])
        assert response.status_code == 200
        assert response.data == BUSINESS_PLAN
        assert response.headers["Content-Type"] == "application/pdf"
        assert "business-plan.pdf" in response.headers["Content-Disposition"]
    assert client_for(people.finance).get(links["statements-fy2026.pdf"]).data == STATEMENTS
    # Another company sees neither the file nor the page.
    rival = client_for(make_user("applicant", organisation=make_org(kind="company")))
    assert rival.get(links["business-plan.pdf"]).status_code == 404
    assert rival.get(f"/loans/{loan.id}/documents").status_code == 404
    kinds = db.session.scalars(select(AuditEvent.data).where(
        AuditEvent.action == "attachment_added", AuditEvent.object_id == loan.id)).all()
    assert sorted(event["kind"] for event in kinds) == ["business_plan", "financial_statements"]


@pytest.mark.parametrize("attached, missing", [
    ((), "Attach the business plan and the latest financial statements before submitting "
         "the application."),
    (("business_plan",), "Attach the latest financial statements before submitting the "
                         "application."),
    (("financial_statements",), "Attach the business plan before submitting the "
                                "application."),
])
def test_submission_needs_both_documents(make_loan, people, client_for, attached, missing):
    loan = make_loan("draft")
    company = client_for(people.applicant)
    attach_documents(company, loan, kinds=attached)
    # The button says why it is held back, and pressing it anyway changes nothing.
    assert missing in text_of(company.get(f"/applications/{loan.id}"))
    response = press(company, loan, "submit")
    assert response.status_code == 409 and missing in text_of(response)
    assert current(loan).state == "draft"
    attach_documents(company, loan, kinds=tuple(k for k in FILES if k not in attached))
    assert press(company, loan, "submit").status_code == 302
    assert current(loan).state == "submitted"


def test_a_document_removed_during_a_revision_holds_back_the_resubmission(
        make_loan, people, client_for):
    loan = make_loan("revision_requested")
    company = client_for(people.applicant)
    attach_documents(company, loan)
    plan = db.session.scalar(select(Attachment).where(Attachment.application_id == loan.id,
                                                      Attachment.kind == "business_plan"))
    response = company.post(f"/loans/{loan.id}/documents/{plan.id}/remove")
    assert response.status_code == 302
    page = text_of(company.get(f"/applications/{loan.id}"))
    assert set(_links(page, loan)) == {"statements-fy2026.pdf"}
    response = press(company, loan, "resubmit")
    assert response.status_code == 409
    assert "Attach the business plan before submitting" in text_of(response)
    assert current(loan).state == "revision_requested"


def test_a_file_that_is_not_a_document_is_refused_next_to_the_field(make_loan, people,
                                                                     client_for):
    loan = make_loan("draft")
    response = upload(client_for(people.applicant), loan, "business_plan", "plan.pdf", EXE)
    assert response.status_code == 200
    assert error_next_to(text_of(response), "file",
                         "Only PDF, Office documents and images can be attached.")
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_double_click_attaches_the_document_once(make_loan, people, client_for):
    loan = make_loan("draft")
    company = client_for(people.applicant)
    shown = company.get(f"/loans/{loan.id}/documents").get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', shown).group(1)
    for _ in range(2):
        response = company.post(f"/loans/{loan.id}/documents", data={
            "idempotency_key": key, "kind": "business_plan",
            "file": (io.BytesIO(BUSINESS_PLAN), "business-plan.pdf")},
            content_type="multipart/form-data")
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1


@pytest.mark.parametrize("state", ["submitted", "screening", "approved"])
def test_documents_are_fixed_once_submitted(make_loan, people, client_for, state):
    loan = make_loan("draft")
    company = client_for(people.applicant)
    attach_documents(company, loan)
    loan = current(loan)
    loan.state = state
    scene_changed(loan)
    db.session.commit()
    assert upload(company, loan, "business_plan", "new-plan.pdf", BUSINESS_PLAN
                  ).status_code == 409
    plan = db.session.scalar(select(Attachment).where(Attachment.kind == "business_plan"))
    assert company.post(f"/loans/{loan.id}/documents/{plan.id}/remove").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 2
    assert "Attach or remove documents" not in text_of(company.get(f"/applications/{loan.id}"))


def test_the_signed_agreement_is_a_download_for_the_company_and_the_staff(
        make_loan, people, client_for, make_user, make_org, app):
    from workflow.loans import applications

    from .documents import _Upload

    loan = make_loan("approved")
    signed = b"%PDF-1.4\n% signed by both parties\n%%EOF\n"
    act(applications.sign_agreement, current(loan), people.secretariat, agreement_date=date.today(),
        file=_Upload("signed-agreement.pdf", signed), upload_dir=app.config["UPLOAD_DIR"])
    assert current(loan).state == "contracted"
    for who in (people.applicant, people.secretariat, people.finance):
        page = text_of(client_for(who).get(f"/applications/{loan.id}"))
        link = _links(page, loan)["signed-agreement.pdf"]
        response = client_for(who).get(link)
        assert (response.status_code, response.data) == (200, signed)
    rival = client_for(make_user("applicant", organisation=make_org(kind="company")))
    assert rival.get(link).status_code == 404
