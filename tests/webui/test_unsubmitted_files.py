"""A file is seen by the staff only once submitted: a draft, or a file withdrawn before it was
ever submitted, is its own organisation's alone, on every page (the auditor reads all)."""

import csv
import io
import re
from datetime import date

import pytest

from models import db
from tests.conftest import fire, log_in
from workflow.engine import rules

STAFF = ("secretariat", "committee_member", "committee_chair", "finance_officer")


@pytest.fixture
def files(make_application, make_org):
    """One society's grants: a draft, one withdrawn before and one after submission, one
    being screened."""
    society = make_org(name="Alumni Society of Chile", country_code="CL")

    def make(state, title, submitted=None):
        return make_application("grant", state=state, organisation=society, title=title,
                                submitted=submitted)

    class Files:
        organisation = society
        draft = make("draft", "Unsent draft on welding")
        withdrawn_early = make("withdrawn", "Withdrawn before it was sent", submitted=False)
        withdrawn_late = make("withdrawn", "Withdrawn during screening", submitted=True)
        screening = make("screening", "Seminar being screened")
        hidden = (draft, withdrawn_early)
        shown = (withdrawn_late, screening)

    return Files


def _csv_references(client, path) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200
    return {row[0] for row in csv.reader(io.StringIO(response.get_data(as_text=True)))}


@pytest.mark.parametrize("role", STAFF)
def test_the_staff_never_meet_a_file_that_was_not_submitted(client, login_as, files, role):
    login_as(role)
    for application in files.hidden:
        assert client.get(f"/applications/{application.id}").status_code == 404
        assert client.get(f"/committee/applications/{application.id}").status_code == 404
    for application in files.shown:
        assert client.get(f"/applications/{application.id}").status_code == 200
    listing = client.get("/applications/").get_data(as_text=True)
    assert all(a.title in listing for a in files.shown)
    assert not any(a.title in listing for a in files.hidden)
    for application in files.hidden:
        found = client.get(f"/applications/?q={application.reference}").get_data(as_text=True)
        assert application.title not in found
        drafts = client.get("/applications/?state=draft").get_data(as_text=True)
        assert application.title not in drafts
    exported = _csv_references(client, "/applications/export.csv")
    assert {a.reference for a in files.shown} <= exported
    assert not {a.reference for a in files.hidden} & exported


def test_the_auditor_and_the_organisation_see_every_file(client, login_as, files, make_user):
    login_as("auditor")
    for application in (*files.hidden, *files.shown):
        assert client.get(f"/applications/{application.id}").status_code == 200
    assert {a.reference for a in (*files.hidden, *files.shown)} <= _csv_references(
        client, "/applications/export.csv")
    client.post("/auth/logout")
    log_in(client, make_user("applicant", organisation=files.organisation))
    listing = client.get("/applications/").get_data(as_text=True)
    assert all(a.title in listing for a in (*files.hidden, *files.shown))


def test_a_member_of_the_staff_who_applies_sees_their_own_drafts_only(
        client, login_as, files, make_application):
    other = make_application("grant", state="draft", title="Another society's draft")
    login_as("committee_member", "applicant", organisation=files.organisation)
    assert client.get(f"/applications/{files.draft.id}").status_code == 200
    assert client.get(f"/applications/{other.id}").status_code == 404
    listing = client.get("/applications/").get_data(as_text=True)
    assert files.draft.title in listing and other.title not in listing
    home = client.get("/home").get_data(as_text=True)
    assert re.search(r"Proposals in draft <small[^>]*>[^<]*</small></span>\s*<span>"
                     r'<span class="badge text-bg-primary rounded-pill">1</span>', home)


def test_the_secretariats_audit_export_leaves_out_files_never_submitted(client, login_as,
                                                                        files):
    from workflow.engine import audit

    db.session.commit()
    from models import write_intent

    with write_intent(True):
        audit.record("proposal_saved", actor=None, object_type="application",
                     object_id=files.draft.id, data={"reference": files.draft.reference})
        audit.record("proposal_saved", actor=None, object_type="application",
                     object_id=files.screening.id,
                     data={"reference": files.screening.reference})
        db.session.commit()
    login_as("secretariat")
    shown = client.get("/audit/events.csv").get_data(as_text=True)
    assert files.screening.reference in shown and files.draft.reference not in shown
    client.post("/auth/logout")
    login_as("auditor")
    assert files.draft.reference in client.get("/audit/events.csv").get_data(as_text=True)


def test_a_loan_is_seen_by_the_staff_once_submitted_and_ever_after(
        app, client, login_as, make_application, make_user, monkeypatch):
    loan = make_application("loan", state="draft", title="Plant in Bekasi")
    owner = make_user("applicant", organisation=loan.organisation)
    for name in ("form_complete", "round_open", "within_round_cap", "sme_eligible",
                 "loan_documents_attached"):
        monkeypatch.setitem(rules.GUARDS, name, lambda step: None)
    login_as("finance_officer")
    assert client.get(f"/applications/{loan.id}").status_code == 404
    assert "Plant in Bekasi" not in client.get("/loans/").get_data(as_text=True)
    fire(loan, "submit", owner, today=date.today())
    assert loan.submitted_at is not None
    assert client.get(f"/applications/{loan.id}").status_code == 200
    assert "Plant in Bekasi" in client.get("/loans/").get_data(as_text=True)
    fire(loan, "withdraw", owner)
    assert loan.submitted_at is not None
    assert client.get(f"/applications/{loan.id}").status_code == 200


def test_kept_list_pages_keep_each_viewers_files_apart(app, files, make_user):
    """Each worker keeps a list's pages until the audit chain moves: the auditor's page,
    drafts and all, is never handed to the secretariat."""
    auditor, secretariat = app.test_client(), app.test_client()
    log_in(auditor, make_user("auditor"))
    log_in(secretariat, make_user("secretariat"))
    for _ in range(2):  # the second round is served from what the worker kept
        seen = auditor.get("/applications/").get_data(as_text=True)
        assert files.draft.title in seen
        seen = secretariat.get("/applications/").get_data(as_text=True)
        assert files.draft.title not in seen and files.screening.title in seen
