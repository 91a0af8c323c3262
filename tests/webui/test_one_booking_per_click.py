"""One booking per click: every form that creates something, sent twice (a double click, a
reload), creates one thing, and the second submission lands on what the first created."""

from __future__ import annotations

import html
import io
import os
from datetime import date

import pytest
from sqlalchemy import func, select

from models import (
    Application,
    Attachment,
    Comment,
    Donation,
    Fund,
    LedgerEntry,
    Organisation,
    Round,
    User,
    db,
)
from tests.conftest import once_key
from tests.workflow.loans.test_lifecycle import loan_form

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _twice(client, url: str, data: dict, **kwargs):
    """The same form, with the same one-time key, sent twice."""
    first = client.post(url, data=data, **kwargs)
    if "content_type" in kwargs:  # a file's stream is read by the first request
        data = {**data, "file": (io.BytesIO(PDF), "programme.pdf")}
    second = client.post(url, data=data, **kwargs)
    return first, second


def _told(client, response) -> str:
    return html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def test_a_double_clicked_donation_is_booked_once(client, login_as, make_fund):
    login_as("secretariat")
    fund = make_fund("WNF")
    form = {"donor_kind": "person", "donor_organisation_id": "0", "donor_name": "Ms Tanaka",
            "received_on": date.today().isoformat(), "amount_yen": "1,000,000", "note": "",
            **once_key()}
    first, second = _twice(client, "/funds/WNF", form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == "/funds/WNF"
    assert _count(Donation) == 1
    assert _count(LedgerEntry, LedgerEntry.kind == "donation") == 1
    shown = _told(client, second)
    assert "This donation was already recorded: it is booked once." in shown
    assert 'data-figure="cash">¥1,000,000<' in shown

    # A new showing of the form is a new donation.
    page = client.get("/funds/WNF").get_data(as_text=True)
    client.post("/funds/WNF", data={**form, **once_key(page)})
    assert _count(Donation) == 2 and fund.code == "WNF"


def test_a_form_without_its_key_is_refused_and_creates_nothing(client, login_as, make_fund):
    login_as("secretariat")
    make_fund("WNF")
    response = client.post("/funds/WNF", data={
        "donor_kind": "person", "donor_organisation_id": "0", "donor_name": "Ms Tanaka",
        "received_on": date.today().isoformat(), "amount_yen": "1,000"})
    assert "The form is incomplete or has expired; reload the page." in response.get_data(
        as_text=True)
    assert _count(Donation) == 0


def test_a_refused_submission_frees_its_key_for_the_corrected_form(client, login_as,
                                                                   make_fund):
    login_as("secretariat")
    make_fund("WNF")
    form = {"donor_kind": "person", "donor_organisation_id": "0", "donor_name": "",
            "received_on": date.today().isoformat(), "amount_yen": "1,000", **once_key()}
    refused = client.post("/funds/WNF", data=form)
    assert "Enter the name of the donor." in refused.get_data(as_text=True)
    assert once_key(refused.get_data(as_text=True)) == {"idempotency_key":
                                                        form["idempotency_key"]}
    assert client.post("/funds/WNF", data={**form, "donor_name": "Ms Tanaka"}).status_code == 302
    assert _count(Donation) == 1


@pytest.fixture
def society_applicant(login_as, make_fund, make_round, make_org):
    fund = make_fund("WNF")
    round_ = make_round(fund, name="WNF FY2026")
    society = make_org(name="Alumni Society of Thailand")
    return login_as("applicant", organisation=society), round_


def test_a_draft_is_created_once(client, society_applicant):
    _applicant, round_ = society_applicant
    form = {"round_id": str(round_.id), "title": "Kaizen course", **once_key()}
    first, second = _twice(client, "/grants/new", form)
    [draft] = db.session.scalars(select(Application)).all()
    assert first.headers["Location"] == second.headers["Location"] == f"/grants/{draft.id}/edit"
    assert "This form was already sent: here is the application it created." in _told(
        client, second)


def test_an_attachment_is_stored_once(app, client, society_applicant):
    _applicant, round_ = society_applicant
    client.post("/grants/new", data={"round_id": str(round_.id), "title": "Kaizen course",
                                     **once_key()})
    draft = db.session.scalar(select(Application))
    stored_before = len(os.listdir(app.config["UPLOAD_DIR"]))
    url = f"/grants/{draft.id}/attachments"
    first, second = _twice(client, url, {"file": (io.BytesIO(PDF), "programme.pdf"),
                                         **once_key()}, content_type="multipart/form-data")
    assert first.headers["Location"] == second.headers["Location"] == url
    assert _count(Attachment) == 1
    assert len(os.listdir(app.config["UPLOAD_DIR"])) == stored_before + 1
    assert "This file was already attached: it is stored once." in _told(client, second)


def test_a_note_is_added_once(client, login_as, make_application):
    login_as("secretariat")
    application = make_application("grant", state="screening")
    form = {"body": "Check the partner's letter.", "back": "application", **once_key()}
    first, second = _twice(client, f"/grants/{application.id}/notes", form)
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(Comment, Comment.visibility == "staff") == 1
    assert "This note was already added: it is there once." in _told(client, second)


def test_a_loan_application_is_created_once(client, login_as, make_fund, make_round,
                                            make_org):
    round_ = make_round(make_fund("SME"), name="SME FY2026", budget_yen=500_000_000,
                        cap_yen=100_000_000, min_own_percent=0)
    login_as("applicant", organisation=make_org(
        kind="company", country_code="JP", industry="manufacturing", capital_yen=80_000_000,
        employees=120))
    first, second = _twice(client, "/loans/new", loan_form(round_.id))
    [loan] = db.session.scalars(select(Application)).all()
    assert first.headers["Location"] == second.headers["Location"] == f"/applications/{loan.id}"
    assert "This form was already sent: here is the application it created." in _told(
        client, second)


ROUND = {"name": "WNF FY2027", "opens_on": "2027-04-01", "closes_on": "2028-03-31",
         "budget_yen": "30,000,000", "cap_yen": "3,000,000", "min_own_percent": "20"}


@pytest.mark.parametrize("role, url, fields, model, message", [
    ("secretariat", "/rounds/new", ROUND, Round, "This round was already created"),
    ("admin", "/admin/organisations/new",
     {"kind": "related_organisation", "name": "Chulalongkorn University", "country_code": "TH",
      "city": "Bangkok"}, Organisation, "This organisation was already created"),
    ("admin", "/admin/users/new",
     {"email": "new@example.org", "name": "New", "organisation_id": "0", "roles": ["auditor"],
      "locale": "en", "active": "y", "password": "a long enough password"}, User,
     "This user was already created"),
    ("admin", "/admin/funds/new", {"code": "SME", "name": "SME loans", "kind": "loan"}, Fund,
     "This fund was already created"),
])
def test_an_administrative_record_is_created_once(client, login_as, make_fund, role, url,
                                                  fields, model, message):
    login_as(role)
    fund = make_fund("WNF")
    before = _count(model)
    form = {**fields, **({"fund_id": str(fund.id)} if model is Round else {}), **once_key()}
    first, second = _twice(client, url, form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(model) == before + 1
    assert message in _told(client, second)


def test_a_duplicate_name_is_a_form_error(client, login_as, make_org):
    login_as("admin")
    make_org(name="Chulalongkorn University", kind="related_organisation")
    response = client.post("/admin/organisations/new", data={
        "kind": "related_organisation", "name": "Chulalongkorn University",
        "country_code": "TH", "city": "Bangkok", **once_key()})
    assert response.status_code == 200
    assert "An organisation named Chulalongkorn University already exists." in html.unescape(
        response.get_data(as_text=True))
    assert _count(Organisation) == 1
