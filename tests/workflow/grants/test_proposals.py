"""The applicant's proposal through the web: draft, budget, partners, files, submit."""

import io

from sqlalchemy import select

from models import (
    Application,
    Attachment,
    BudgetLine,
    GrantPartner,
    ParticipantCountry,
    db,
)
from tests.conftest import once_key, sign_in

from .conftest import act, audit_actions, new_draft, proposal_form, text_of

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_applicant_drafts_and_submits_a_complete_proposal(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    assert (application.state, application.round_id, application.requested_yen) == (
        "draft", scene.round.id, 0)

    response = client.post(f"/grants/{application.id}/edit", data=proposal_form(scene))
    assert response.status_code == 302
    upload = client.post(f"/grants/{application.id}/attachments",
                         data={"file": (io.BytesIO(PDF), "programme.pdf"), **once_key()},
                         content_type="multipart/form-data")
    assert upload.status_code == 302

    page = text_of(client.get(f"/applications/{application.id}"))
    assert "Own share: <strong>25 %</strong>" in page
    assert "Alumni Society of Viet Nam" in page and "programme.pdf" in page

    assert act(client, application, "submit").status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == "submitted"
    assert application.requested_yen == 800_000  # the WNF-funded lines, never typed
    assert application.submitted_at is not None
    lines = db.session.scalars(select(BudgetLine).order_by(BudgetLine.position)).all()
    assert [(line.category, line.amount_yen, line.funded_by) for line in lines] == [
        ("Lecturers", 500_000, "wnf"), ("Travel", 300_000, "wnf"), ("Venue", 300_000, "own"),
        ("Materials", 100_000, "partner")]
    assert [p.organisation_id for p in db.session.scalars(select(GrantPartner))] == [
        scene.partner.id]
    assert {(p.country_code, p.participants)
            for p in db.session.scalars(select(ParticipantCountry))} == {("TH", 20), ("VN", 10)}
    attachment = db.session.scalar(select(Attachment))
    assert (attachment.kind, attachment.content_type, attachment.original_name) == (
        "proposal", "application/pdf", "programme.pdf")
    assert audit_actions(application) == ["create", "proposal_saved", "attachment_added",
                                          "submit"]


def test_new_proposal_says_when_no_round_is_open(client, scene):
    scene.round.closes_on = scene.round.opens_on
    db.session.commit()
    sign_in(client, scene.applicant)
    page = text_of(client.get("/grants/new"))
    assert "No WNF round is open for proposals now." in page
    assert client.post("/grants/new", data={"round_id": str(scene.round.id),
                                            "title": "Late", **once_key()}).status_code == 200
    assert db.session.scalar(select(Application)) is None


def test_a_company_cannot_propose_a_grant(client, scene, make_org, make_user):
    company = make_org(kind="company", name="Kyoto Textile Trading K.K.", country_code="JP")
    sign_in(client, make_user("applicant", organisation=company))
    assert "WNF grants are proposed by alumni societies" in text_of(client.get("/grants/new"))


def test_the_budget_totals_and_own_share_are_shown(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/edit", data=proposal_form(scene))
    page = " ".join(text_of(client.get(f"/applications/{application.id}")).split())
    for source, amount in (("wnf", "800,000"), ("own", "300,000"), ("partner", "100,000"),
                           ("total", "1,200,000")):
        assert f'data-total="{source}">{amount}<' in page


def test_add_row_without_javascript_keeps_the_input_and_saves_nothing(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    data = proposal_form(scene, save=None, add_budget_row="Add a budget line")
    page = text_of(client.post(f"/grants/{application.id}/edit", data=data))
    assert 'name="budget-4-category"' in page  # a fifth, empty row
    assert 'value="Lecturers"' in page
    assert db.session.scalar(select(BudgetLine)) is None


def test_removed_rows_are_not_saved(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/edit",
                data=proposal_form(scene, **{"budget-3-remove": "y"}))
    db.session.expire_all()
    assert [line.category for line in db.session.scalars(select(BudgetLine))] == [
        "Lecturers", "Travel", "Venue"]


def test_withdraw_a_draft(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    assert act(client, application, "withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == "withdrawn"
    response = client.get(f"/grants/{application.id}/edit")
    assert response.status_code == 409
    assert "This proposal can no longer be edited: it is withdrawn." in text_of(response)


def test_revision_requested_then_edited_and_resubmitted(client, scene, make_user):
    from tests.conftest import fire

    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/edit", data=proposal_form(scene))
    act(client, application, "submit")
    secretariat = make_user("secretariat")
    fire(application, "start_screening", secretariat)
    fire(application, "request_revision", secretariat, comment="Add a lecturer's CV.")

    page = text_of(client.get(f"/grants/{application.id}/edit"))
    assert "The secretariat asked for a revision." in page
    changed = proposal_form(scene, **{"budget-1-amount_yen": "250,000"})
    assert client.post(f"/grants/{application.id}/edit", data=changed).status_code == 302
    assert act(client, application, "resubmit").status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert (application.state, application.requested_yen) == ("submitted", 750_000)
    assert audit_actions(application)[-3:] == ["request_revision", "proposal_saved",
                                               "resubmit"]


def test_a_submitted_proposal_cannot_be_edited(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/edit", data=proposal_form(scene))
    act(client, application, "submit")
    for method in (client.get, client.post):
        response = method(f"/grants/{application.id}/edit", data=proposal_form(scene))
        assert response.status_code == 409
        assert ("This proposal can no longer be edited: it is under review by the "
                "secretariat.") in text_of(response)
    upload = client.post(f"/grants/{application.id}/attachments",
                         data={"file": (io.BytesIO(PDF), "late.pdf"), **once_key()},
                         content_type="multipart/form-data")
    assert upload.status_code == 409
    assert db.session.scalar(select(Attachment)) is None
