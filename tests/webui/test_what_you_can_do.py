"""The top of the application page: what this person can do now, never empty while some
panel offers them something (the vote, the tranche, the report, the assessment …), and
the stepper of the programme's main path with the file's step."""

from __future__ import annotations

import pytest

from models import LoanDetails, db
from tests.conftest import fire
from tests.workflow.money.conftest import scene  # noqa: F401 - the approved file with its money
from webui.applications.stepper import CURRENT, DONE, SKIPPED, TO_COME

from .test_application_page import page_for


def labels(page) -> list[str]:
    return [task.label for task in page.tasks]


def test_the_applicant_in_implementation_is_asked_for_the_final_report(
        app, scene, make_user):  # noqa: F811
    application = scene(state="in_implementation")
    applicant = make_user("applicant", organisation=application.organisation)
    page = page_for(app, application, applicant)
    assert not page.nothing_to_do
    assert "Write and submit the final report" in labels(page)


def test_the_secretariat_in_credit_assessment_is_sent_to_the_assessment(
        app, make_application, make_user):
    application = make_application("loan", state="credit_assessment")
    db.session.add(LoanDetails(application_id=application.id, requested_term_months=36))
    db.session.commit()
    page = page_for(app, application, make_user("secretariat"))
    assert not page.nothing_to_do
    assert ("Complete the assessment", "#loan-assessment") in [
        (task.label, task.href) for task in page.tasks]


def test_during_a_ballot_the_member_votes_and_the_chair_may_close_it_from_the_top(
        app, make_application, make_user):
    application = make_application("grant", state="screening")
    secretariat = make_user("secretariat")
    member, chair = make_user("committee_member"), make_user("committee_chair")
    fire(application, "refer_to_committee", secretariat)

    member_page = page_for(app, application, member)
    assert not member_page.nothing_to_do  # the vote form is what waits for them
    chair_page = page_for(app, application, chair)
    assert not chair_page.nothing_to_do and "Close the ballot" in labels(chair_page)
    assert page_for(app, application, secretariat).nothing_to_do  # the committee decides now


def test_the_page_shows_the_vote_on_top_and_says_nothing_waits_only_when_true(
        client, login_as, make_application, make_user):
    application = make_application("grant", state="screening")
    fire(application, "refer_to_committee", make_user("secretariat"))
    login_as("committee_member")
    shown = client.get(f"/applications/{application.id}").get_data(as_text=True)
    top = shown[shown.index('id="actions"'):shown.index('id="committee"')]
    assert "Cast my vote" in top and 'id="vote"' in top
    assert "Nothing waits for you" not in shown


def test_finance_is_offered_the_tranche_to_request(app, scene, make_user):  # noqa: F811
    application = scene()
    page = page_for(app, application, make_user("finance_officer"))
    assert "Request a tranche" in labels(page)


def test_the_stepper_marks_the_steps_done_the_current_one_and_those_to_come(
        app, make_application, make_user):
    application = make_application("grant", state="screening")
    steps = page_for(app, application, make_user("secretariat")).steps
    assert [s.label for s in steps[:4]] == ["Draft", "Submitted", "Screening",
                                            "Committee review"]
    assert [s.status for s in steps[:4]] == [DONE, DONE, CURRENT, TO_COME]


@pytest.mark.parametrize("state, at, note", [
    ("revision_requested", "Screening", "Revision requested"),
    ("rejected", "Draft", "Rejected"),  # never moved here: ends where it stood
])
def test_a_file_off_the_main_path_is_shown_at_its_step_with_its_own_words(
        app, make_application, make_user, state, at, note):
    application = make_application("grant", state=state)
    steps = page_for(app, application, make_user("secretariat")).steps
    current = [s for s in steps if s.status == CURRENT]
    assert [(s.label, s.note) for s in current] == [(at, note)]
    if state == "rejected":
        assert all(s.status == SKIPPED for s in steps[1:])
