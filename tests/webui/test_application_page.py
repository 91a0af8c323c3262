"""The application page as assembled in Python (webui.applications.page): which panels and
buttons each person sees on a file in a given state, without rendering any HTML."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask_login import login_user

from models import LoanDetails, db
from tests.conftest import fire
from tests.workflow.money.conftest import scene  # noqa: F401 - the approved file with its money
from webui.applications.page import application_page


@contextmanager
def seen_by(app, user):
    """A request of `user`'s, as the page is built in one."""
    with app.test_request_context("/"):
        login_user(user)
        yield


def page_for(app, application, user):
    with seen_by(app, user):
        db.session.refresh(application)
        return application_page(application, user)


def test_the_applicant_sees_their_draft_proposal_and_may_submit_it(app, make_application,
                                                                   make_user):
    application = make_application("grant")
    applicant = make_user("applicant", organisation=application.organisation)
    page = page_for(app, application, applicant)
    assert page.panels == ["actions", "grant", "timeline"]
    assert not page.staff and page.state_label == "Draft"
    assert "submit" in page.triggers
    assert page.grant.edit_url is not None  # a draft is theirs to edit
    assert page.grant.checklist_form is None and page.grant.note_form is None


def test_the_secretariat_screens_a_proposal_the_applicant_only_follows(app, make_application,
                                                                       make_user):
    application = make_application("grant", state="screening")
    secretariat = make_user("secretariat")
    applicant = make_user("applicant", organisation=application.organisation)

    staff_page = page_for(app, application, secretariat)
    assert staff_page.staff and staff_page.grant.staff
    assert staff_page.grant.checklist_form is not None and staff_page.grant.note_form is not None
    assert "refer_to_committee" in staff_page.triggers
    assert staff_page.committee is None  # no ballot before the committee has the file

    own_page = page_for(app, application, applicant)
    assert not own_page.staff and own_page.grant.edit_url is None
    assert own_page.triggers == ["withdraw"]  # the applicant may still withdraw it
    assert own_page.state_label != staff_page.state_label  # each reads the state's own label


def test_only_the_chair_is_offered_to_open_a_missing_ballot(app, make_application, make_user):
    application = make_application("grant", state="committee_review")
    chair, secretariat = make_user("committee_chair"), make_user("secretariat")
    chair_page = page_for(app, application, chair)
    assert chair_page.committee.may_open_ballot and chair_page.committee.ballot is None
    assert page_for(app, application, secretariat).committee is None


def test_a_member_votes_the_chair_closes_on_an_open_ballot(app, make_application, make_user):
    application = make_application("grant", state="screening")
    secretariat = make_user("secretariat")
    member, chair = make_user("committee_member"), make_user("committee_chair")
    fire(application, "refer_to_committee", secretariat)

    member_part = page_for(app, application, member).committee
    assert member_part.ballot.is_open
    assert member_part.ballot.vote_form is not None and member_part.ballot.close_form is None
    chair_part = page_for(app, application, chair).committee
    assert chair_part.ballot.vote_form is None  # the chair holds no member's seat
    assert page_for(app, application, secretariat).committee.ballot.vote_form is None


@pytest.mark.parametrize("roles, money, officer", [
    (("finance_officer",), True, True),
    (("secretariat",), True, False),
    (("applicant",), False, False),
])
def test_the_tranches_are_shown_to_the_staff_and_handled_by_finance(
        app, scene, make_user, roles, money, officer):  # noqa: F811
    application = scene()
    user = make_user(*roles, organisation=application.organisation
                     if "applicant" in roles else None)
    page = page_for(app, application, user)
    assert (page.money is not None) == money
    assert ("money" in page.panels) == money
    if money:
        assert page.money.officer == officer


def test_a_loan_shows_the_loan_panel_and_no_grant_panel(app, make_application, make_user):
    application = make_application("loan")
    db.session.add(LoanDetails(application_id=application.id, requested_term_months=36))
    db.session.commit()
    applicant = make_user("applicant", organisation=application.organisation)
    page = page_for(app, application, applicant)
    assert page.grant is None
    assert page.panels[1] == "loan" and page.loan.figures
