"""The final report: the applicant submits it, the secretariat accepts or returns it."""

import pytest
from sqlalchemy import select

from models import Application, FinalReport, LedgerEntry, db, write_intent
from tests.conftest import once_key, sign_in
from workflow.engine.fiscal import fiscal_year
from workflow.grants import proposals
from workflow.money import kept_figures, ledger

from .conftest import act, audit_actions, error_next_to, new_draft, proposal_form, text_of

RELEASED = 600_000
APPROVED = 800_000


@pytest.fixture
def in_implementation(client, scene):
    """An approved proposal with ¥800,000 reserved and ¥600,000 paid out (scene-setting:
    tranches are another area's), the applicant logged in."""
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    client.post(f"/grants/{application.id}/edit", data=proposal_form(scene))
    db.session.commit()
    with write_intent(True):
        application = db.session.get(Application, application.id)
        application.state = "in_implementation"
        application.submitted_at = application.created_at
        application.approved_yen = APPROVED
        ledger.post(scene.fund, "donation", 5_000_000, actor=None, memo="Donations")
        ledger.reserve(application, APPROVED, None)
        ledger.post(scene.fund, "disbursement", RELEASED, actor=None, application=application,
                    memo="Tranche 1")
        db.session.commit()
    return application


def report_form(application, wnf_spent=(400_000, 50_000), **changes) -> dict:
    lines = proposals.budget_lines(application)
    data = {"version": str(application.version),
            "outcomes": "28 supervisors trained; 12 kaizen projects started.",
            "participants-0-country_code": "TH", "participants-0-participants": "19",
            "participants-1-country_code": "VN", "participants-1-participants": "9",
            **once_key()}
    spent = [*wnf_spent, 320_000, 100_000]
    for i, (line, amount) in enumerate(zip(lines, spent, strict=True)):
        data.update({f"expenses-{i}-budget_line_id": str(line.id),
                     f"expenses-{i}-category": line.category,
                     f"expenses-{i}-description": line.description,
                     f"expenses-{i}-amount_yen": f"{amount:,}",
                     f"expenses-{i}-funded_by": line.funded_by})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _entries(application, kind):
    return [e.amount_yen for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.application_id == application.id,
                                  LedgerEntry.kind == kind))]


def test_report_submitted_and_accepted_books_the_refund_and_frees_the_rest(
        client, in_implementation, make_user):
    application = in_implementation
    form = text_of(client.get(f"/grants/{application.id}/report"))
    assert 'value="Lecturers"' in form and "Budgeted ¥500,000" in form
    response = client.post(f"/grants/{application.id}/report", data=report_form(application))
    assert response.status_code == 302, text_of(response)
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == "report_submitted"
    assert application.report.submitted_at is not None
    assert sorted((p.country_code, p.participants) for p in application.report.participants) \
        == [("TH", 19), ("VN", 9)]

    client.post("/auth/logout")
    sign_in(client, make_user("secretariat"))
    page = text_of(client.get(f"/applications/{application.id}"))
    assert "Unspent (if accepted as it is)" in page and 'data-unspent>150,000<' in page
    assert act(client, application, "accept_report").status_code == 302

    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == "closed"
    spent_wnf = 450_000
    assert _entries(application, "refund_due") == [RELEASED - spent_wnf]
    assert _entries(application, "commitment_release") == [APPROVED - RELEASED]
    assert ledger.outstanding_commitment(application) == 0
    assert ledger.balances(application.fund).refunds_due == 150_000
    report = db.session.get(FinalReport, application.id)
    assert (report.unspent_yen, report.accepted_at is not None) == (150_000, True)
    assert audit_actions(application)[-2:] == ["submit_report", "accept_report"]


def test_spending_more_than_released_leaves_nothing_to_refund(client, in_implementation,
                                                              make_user):
    application = in_implementation
    client.post(f"/grants/{application.id}/report",
                data=report_form(application, wnf_spent=(500_000, 300_000)))
    client.post("/auth/logout")
    sign_in(client, make_user("secretariat"))
    act(client, application, "accept_report")
    db.session.expire_all()
    assert _entries(application, "refund_due") == []
    assert db.session.get(FinalReport, application.id).unspent_yen == 0
    assert _entries(application, "commitment_release") == [APPROVED - RELEASED]


def test_an_accepted_report_s_participants_are_on_the_map_of_its_fiscal_year(
        client, in_implementation, make_user):
    application = in_implementation
    client.post(f"/grants/{application.id}/report", data=report_form(application))
    client.post("/auth/logout")
    sign_in(client, make_user("secretariat"))
    assert "VN" not in client.get("/portfolio/grants-map.json").get_json()  # submitted only
    act(client, application, "accept_report")
    db.session.expire_all()
    accepted_at = db.session.get(FinalReport, application.id).accepted_at
    year = fiscal_year(accepted_at.date())
    shown = client.get(f"/portfolio/grants-map.json?year={year}").get_json()
    assert {row["country"]: row["trained"] for row in shown if row["trained"]} == {
        "TH": 19, "VN": 9}
    assert kept_figures.differences() == []


def test_a_returned_report_goes_back_with_the_comment_and_is_resubmitted(
        client, in_implementation, scene, make_user):
    application = in_implementation
    client.post(f"/grants/{application.id}/report", data=report_form(application))
    client.post("/auth/logout")
    secretariat = make_user("secretariat")
    sign_in(client, secretariat)
    assert act(client, application, "return_report").status_code == 409  # comment required
    response = act(client, application, "return_report",
                   comment="Please attach the receipts for travel.")
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.state == "in_implementation"
    assert application.comments[-1].body == "Please attach the receipts for travel."
    assert application.report.submitted_at is None

    client.post("/auth/logout")
    sign_in(client, scene.applicant)
    assert "Please attach the receipts for travel." in text_of(
        client.get(f"/applications/{application.id}"))
    form = text_of(client.get(f"/grants/{application.id}/report"))
    assert "The secretariat returned the report" in form
    assert "28 supervisors trained" in form
    data = report_form(application, **{"participants-0-participants": "20"})
    assert client.post(f"/grants/{application.id}/report", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == "report_submitted"


@pytest.mark.parametrize("changes, field, message", [
    ({"outcomes": ""}, None, "The final report is not complete: it still needs the outcomes."),
    ({"participants-0-country_code": "ZZ"}, "participants-0-country_code",
     "ZZ is not an ISO 3166 country code."),
    ({"expenses-1-amount_yen": "-5"}, "expenses-1-amount_yen", "The amount cannot be negative."),
    ({"expenses-0-amount_yen": ""}, "expenses-0-amount_yen", "Enter the amount of this line."),
])
def test_an_incomplete_or_wrong_report_is_refused_and_nothing_saved(
        client, in_implementation, changes, field, message):
    application = in_implementation
    response = client.post(f"/grants/{application.id}/report",
                           data=report_form(application, **changes))
    assert response.status_code == 200
    page = text_of(response)
    assert error_next_to(page, field, message) if field else message in page
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == "in_implementation"
    assert db.session.get(FinalReport, application.id) is None


def test_a_report_without_expenditure_is_incomplete(client, in_implementation):
    application = in_implementation
    data = {k: v for k, v in report_form(application).items()
            if not k.startswith("expenses-")}
    page = text_of(client.post(f"/grants/{application.id}/report", data=data))
    assert "it still needs the actual expenditure by budget line." in page


def test_the_report_form_is_closed_before_implementation(client, scene):
    sign_in(client, scene.applicant)
    application = new_draft(client, scene)
    response = client.get(f"/grants/{application.id}/report")
    assert response.status_code == 409
    assert "while the activity is in implementation" in text_of(response)


def test_a_double_clicked_report_is_submitted_once(client, in_implementation):
    """The second click comes when the report is no longer the applicant's to write: it
    lands on the application with the report the first one submitted."""
    application = in_implementation
    data = report_form(application)
    first = client.post(f"/grants/{application.id}/report", data=data)
    second = client.post(f"/grants/{application.id}/report", data=data)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == f"/applications/{application.id}"
    assert "This final report was already submitted: it is there once." in text_of(
        client.get(second.headers["Location"]))
    assert audit_actions(application).count("submit_report") == 1
