"""Seeing the workflows: CLI table and diagram, the workflow pages, the application page."""

import pytest

from tests.conftest import fire
from workflow.engine import diagrams, registry


@pytest.mark.parametrize("name", ["grant", "loan"])
def test_workflow_show_prints_states_transitions_and_roles(app, name):
    result = app.test_cli_runner().invoke(args=["workflow", "show", name])
    assert result.exit_code == 0
    for state in registry.get(name).states:
        assert state.name in result.output
    assert "refer_to_committee" in result.output or "refer_to_assessment" in result.output
    assert "secretariat" in result.output and "committee_chair" in result.output


def test_workflow_show_dot(app):
    result = app.test_cli_runner().invoke(args=["workflow", "show", "loan", "--format",
                                                "dot"])
    assert result.exit_code == 0
    assert "digraph" in result.output
    assert 'Active -> "In arrears" [label="Mark in arrears"' in result.output


def test_the_diagram_is_svg_in_human_words_with_the_current_state_filled():
    drawn = diagrams.svg("grant", 1, "committee_review")
    assert drawn.startswith("<svg") and "<?xml" not in drawn and "<!DOCTYPE" not in drawn
    assert ">Committee review</text>" in drawn and "committee_review" not in drawn
    assert ">Refer to the committee</text>" in drawn
    assert drawn.count(f'fill="{diagrams.CURRENT["fillcolor"]}"') == 1  # this state only
    plain = diagrams.svg("grant", 1)
    assert diagrams.CURRENT["fillcolor"] not in plain


def test_the_diagram_draws_the_path_a_file_took():
    moves = (("draft", "submitted"), ("submitted", "screening"))
    drawn = diagrams.svg("grant", 1, "screening", moves)
    assert drawn.count(f'fill="{diagrams.VISITED["fillcolor"]}"') == 2  # draft, submitted
    assert drawn.count(f'stroke="{diagrams.TAKEN["color"]}"') >= 2 * len(moves)  # line, head


@pytest.mark.parametrize("name", ["grant", "loan"])
def test_workflow_page_shows_diagram_and_table(client, login_as, name):
    login_as("auditor")
    page = client.get(f"/workflows/{name}").get_data(as_text=True)
    assert '<figure class="diagram' in page and "<svg" in page and "mermaid" not in page
    assert ">Committee review</text>" in page
    assert "the committee chair" in page


def test_application_page_shows_state_diagram_timeline_and_buttons(
        client, login_as, make_application, make_user):
    login_as("secretariat")
    application = make_application("grant", state="submitted")
    fire(application, "start_screening", make_user("secretariat", name="Suzuki Screening"))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert application.reference in page
    assert 'aria-current="step"' in page and "Screening" in page
    assert "Start screening" in page  # in the timeline
    for label in ("Request a revision", "Refer to the committee", "Reject"):
        assert f">{label}</button>" in page
    assert ">Withdraw</button>" not in page  # the applicant's button, not the secretariat's
    assert "Suzuki Screening" in page  # who moved it, in the timeline


def test_the_timeline_shows_each_comment_as_written(client, login_as, make_application,
                                                    make_user):
    login_as("secretariat")
    application = make_application("grant", state="screening")
    fire(application, "request_revision", make_user("secretariat"),
         comment="Budget: 会場費 is missing <b>twice</b> & “quotes”")
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    timeline = page[page.index('<ol class="timeline">'):]
    assert ("Budget: 会場費 is missing &lt;b&gt;twice&lt;/b&gt; &amp; “quotes”"
            in timeline)


def test_a_refused_action_gives_a_409_page_that_says_why(client, login_as, make_application):
    login_as("secretariat")
    application = make_application("grant", state="screening")
    response = client.post(f"/applications/{application.id}/actions/request_revision",
                           data={"version": application.version, "comment": ""})
    assert response.status_code == 409
    assert "A comment is required to request a revision." in response.get_data(as_text=True)


def test_a_stale_form_is_refused(client, login_as, make_application, make_user):
    login_as("secretariat")
    application = make_application("grant", state="submitted")
    seen = application.version
    fire(application, "start_screening", make_user("secretariat"))
    response = client.post(f"/applications/{application.id}/actions/refer_to_committee",
                           data={"version": seen})
    assert response.status_code == 409
    assert "changed by someone else; reload it" in response.get_data(as_text=True)


def test_applicants_get_404_for_another_organisations_application(client, login_as,
                                                                  make_application):
    login_as("applicant")
    application = make_application("grant", state="submitted")
    assert client.get(f"/applications/{application.id}").status_code == 404
    response = client.post(f"/applications/{application.id}/actions/withdraw",
                           data={"version": application.version})
    assert response.status_code == 404


def test_applicants_see_their_own_with_applicant_labels(client, login_as, make_application,
                                                        make_org):
    org = make_org()
    login_as("applicant", organisation=org)
    application = make_application("grant", state="screening", organisation=org)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Under review by the secretariat" in page
    assert ">Withdraw</button>" in page
    listing = client.get("/applications/").get_data(as_text=True)
    assert application.reference in listing
