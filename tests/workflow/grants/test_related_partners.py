"""Partners may be alumni societies or related organisations (universities, chambers of
commerce, public bodies that co-organise with a society), as the WNF guidelines say; a
member of a partner organisation is recused from the committee's ballot."""

from sqlalchemy import select

from models import GrantPartner, Organisation, db
from tests.conftest import fire, log_in, once_key
from workflow.committee import ballots, tally

from .conftest import new_draft, proposal_form, text_of


def test_the_admin_creates_a_related_organisation(client, login_as):
    login_as("admin")
    response = client.post("/admin/organisations/new", data={
        "kind": "related_organisation", "name": "Chulalongkorn University",
        "country_code": "TH", "city": "Bangkok", **once_key()})
    assert response.status_code == 302
    university = db.session.scalar(select(Organisation))
    assert (university.kind, university.kind_label) == ("related_organisation",
                                                        "Related organisation")
    assert "Related organisation" in text_of(client.get("/admin/organisations"))


def test_a_related_organisation_is_offered_and_saved_as_a_partner(client, scene, make_org):
    university = make_org(kind="related_organisation", name="Chulalongkorn University",
                          country_code="TH")
    company = make_org(kind="company", name="Siam Parts Co.", country_code="TH")
    log_in(client, scene.applicant)
    application = new_draft(client, scene)
    shown = text_of(client.get(f"/grants/{application.id}/edit"))
    assert "Chulalongkorn University (TH, related organisation)" in shown
    assert "Siam Parts Co." not in shown  # a company is no partner

    response = client.post(f"/grants/{application.id}/edit", data=proposal_form(
        scene, partner_ids=[str(scene.partner.id), str(university.id)]))
    assert response.status_code == 302, text_of(response)
    partners = db.session.scalars(select(GrantPartner.organisation_id)).all()
    assert sorted(partners) == sorted([scene.partner.id, university.id])
    assert "Chulalongkorn University" in text_of(client.get(f"/applications/{application.id}"))

    refused = client.post(f"/grants/{application.id}/edit", data=proposal_form(
        scene, partner_ids=[str(company.id)]))
    assert "Choose the partners from the list." in text_of(refused)


def test_a_member_of_a_related_partner_is_recused(client, scene, make_org, make_user,
                                                 make_application):
    university = make_org(kind="related_organisation", name="Chulalongkorn University",
                          country_code="TH")
    lecturer = make_user("committee_member", organisation=university)
    application = make_application("grant", state="screening", organisation=scene.society)
    db.session.add(GrantPartner(application_id=application.id, organisation_id=university.id))
    db.session.commit()
    fire(application, "refer_to_committee", make_user("secretariat"))
    assert ballots.recusal_reason(application, lecturer) == (
        "You are recused: you are a member of Chulalongkorn University, a partner "
        "organisation.")
    ballot = ballots.open_ballot_of(application)
    assert lecturer.id not in tally.eligible_voter_ids(ballot)
