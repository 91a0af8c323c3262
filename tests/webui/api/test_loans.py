"""SME loans through the API: the company files and edits its application, the secretariat
assesses it, finance records repayments; the schedule and the repayments read back. Each as
the pages: the same workflow functions, sentences and audit events."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from models import Application, AuditEvent, LedgerEntry, Repayment, db

from .conftest import bearer, make_token_for

API = "/api/v1"
REQUEST = {"title": "Machining plant in Binh Duong", "requested_yen": 1_000_000,
           "term_months": 12, "investment_country": "VN",
           "project": "A CNC machining line.", "purpose": "Machines.",
           "industry": "manufacturing", "capital_yen": 80_000_000, "employees": 120}


def _token(user) -> dict:
    return bearer(make_token_for(user, "write"))


def _actions(application_id: int) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == application_id).order_by(AuditEvent.seq)))


def _state(application_id: int) -> str:
    db.session.rollback()
    return db.session.scalar(select(Application.state).where(Application.id == application_id))


def test_a_company_files_and_edits_its_loan_application(client, sme, people, make_user):
    token = _token(people.applicant)
    made = client.post(f"{API}/loans", json={**REQUEST, "round_id": sme.id},
                       headers={**token, "Idempotency-Key": "new-loan"})
    assert made.status_code == 201, made.get_data(as_text=True)
    loan = made.get_json()
    assert loan["kind"] == "loan" and loan["state"] == "draft" and loan["fund"] == "SME"
    assert loan["loan"]["investment_country"] == "VN"
    assert loan["loan"]["requested_term_months"] == 12
    assert loan["company"] == {"name": people.applicant.organisation.name, "name_reading": "",
                               "industry": "manufacturing", "capital_yen": 80_000_000,
                               "employees": 120}
    again = client.post(f"{API}/loans", json={**REQUEST, "round_id": sme.id},
                        headers={**token, "Idempotency-Key": "new-loan"})
    assert again.get_json() == loan
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1

    url = f"{API}/loans/{loan['id']}"
    edited = client.put(url, json={**REQUEST, "round_id": sme.id, "requested_yen": 900_000},
                        headers={**token, "If-Match": f'"{loan["version"]}"'})
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert edited.get_json()["requested_yen"] == 900_000
    assert "loan.update" in _actions(loan["id"])

    home = client.put(url, json={**REQUEST, "round_id": sme.id, "investment_country": "JP"},
                      headers=token)
    assert home.status_code == 400
    assert home.get_json()["field"] == "investment_country"
    assert "outside Japan" in home.get_json()["detail"]

    society = make_user("applicant")
    refused = client.post(f"{API}/loans", json={**REQUEST, "round_id": sme.id},
                          headers=_token(society))
    assert refused.status_code == 409
    assert refused.get_json()["detail"] == "Only a company can apply for an SME loan."
    other = client.put(url, json={**REQUEST, "round_id": sme.id}, headers=_token(society))
    assert other.status_code == 404


def test_the_secretariat_assesses_a_loan_and_only_the_staff_see_it(client, make_loan, people):
    application = make_loan("credit_assessment")
    secretariat, applicant = _token(people.secretariat), _token(people.applicant)
    url = f"{API}/applications/{application.id}/assessment"
    assessment = {"risk_grade": "B", "notes": "Sound plan.", "amount_yen": 1_000_000,
                  "annual_rate": "2.5", "term_months": 24, "grace_months": 3,
                  "method": "annuity"}
    too_much = client.post(url, json={**assessment, "amount_yen": 2_000_000},
                           headers=secretariat)
    assert too_much.status_code == 400 and too_much.get_json()["field"] == "amount_yen"
    assert _state(application.id) == "credit_assessment"

    assessed = client.post(url, json=assessment,
                           headers={**secretariat, "If-Match": f'"{application.version}"'})
    assert assessed.status_code == 200, assessed.get_data(as_text=True)
    assert assessed.get_json()["application"]["state"] == "committee_review"
    assert "complete_assessment" in _actions(application.id)

    staff_view = client.get(f"{API}/applications/{application.id}",
                            headers=secretariat).get_json()
    assert staff_view["assessment"]["risk_grade"] == "B"
    assert staff_view["assessment"]["annual_rate"] == "2.5000"
    own_view = client.get(f"{API}/applications/{application.id}", headers=applicant).get_json()
    assert own_view["assessment"] is None and "risk_grade" not in own_view["loan"]
    assert client.post(url, json=assessment, headers=applicant).status_code == 403


def test_finance_records_a_repayment_once_and_the_schedule_shows_it(client, active_loan, people):
    application = active_loan()
    finance, applicant = _token(people.finance), _token(people.applicant)
    schedule = client.get(f"{API}/applications/{application.id}/schedule", headers=applicant)
    assert schedule.status_code == 200
    before = schedule.get_json()
    assert [row["number"] for row in before["items"]] == [1, 2, 3, 4]
    assert before["items"][0]["status"] == "overdue" and before["owed"]["total_yen"] > 1_000_000

    payment = {"amount_yen": 10_000, "received_on": "2024-02-15",
               "bank_reference": "MUFG-0215"}
    url = f"{API}/applications/{application.id}/repayments"
    headers = {**finance, "Idempotency-Key": "pay-1", "If-Match": f'"{application.version}"'}
    paid = client.post(url, json=payment, headers=headers)
    assert paid.status_code == 201, paid.get_data(as_text=True)
    assert "¥10,000 recorded" in paid.get_json()["message"]
    assert client.post(url, json=payment, headers=headers).get_json() == paid.get_json()
    assert db.session.scalar(select(func.count()).select_from(Repayment)) == 1
    assert "record_repayment" in _actions(application.id)

    received = client.get(url, headers=applicant).get_json()["items"]
    assert received == [{"received_on": "2024-02-15", "bank_reference": "MUFG-0215",
                         "amount_yen": 10_000, "damages_yen": 0, "interest_yen": 10_000,
                         "principal_yen": 0}]
    booked = db.session.scalars(select(LedgerEntry.kind).where(
        LedgerEntry.repayment_id.is_not(None))).all()
    assert booked == ["repayment_interest"]
    after = client.get(f"{API}/applications/{application.id}/schedule",
                       headers=applicant).get_json()
    assert after["owed"]["total_yen"] == before["owed"]["total_yen"] - 10_000

    twice = client.post(url, json=payment, headers=finance)
    assert twice.status_code == 409 and twice.get_json()["field"] == "bank_reference"
    assert "already recorded" in twice.get_json()["detail"]
    assert client.post(url, json=payment, headers=applicant).status_code == 403


def test_a_repayment_is_also_the_files_action_with_its_figures(client, active_loan, people):
    application = active_loan()
    answer = client.post(f"{API}/applications/{application.id}/actions/record_repayment",
                         json={"amount_yen": 5_000, "received_on": "2024-02-01",
                               "bank_reference": "SMBC-1"},
                         headers=_token(people.finance))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert db.session.scalar(select(Repayment.amount_yen)) == 5_000


def test_a_grant_has_no_schedule(client, make_application, make_user):
    grant = make_application("grant", state="submitted")
    answer = client.get(f"{API}/applications/{grant.id}/schedule",
                        headers=_token(make_user("auditor")))
    assert answer.status_code == 404 and "no such loan" in answer.get_json()["detail"]


def test_finance_requests_a_write_off_once(client, active_loan, people):
    application = active_loan()
    application.state = "in_arrears"
    db.session.commit()
    url = f"{API}/applications/{application.id}/write-off-request"
    asked = client.post(url, json={"reason": "The company is insolvent."},
                        headers=_token(people.finance))
    assert asked.status_code == 200, asked.get_data(as_text=True)
    assert "write_off_requested" in _actions(application.id)
    again = client.post(url, json={"reason": "Again."}, headers=_token(people.finance2))
    assert again.status_code == 409 and "already requested" in again.get_json()["detail"]


def test_the_secretariat_signs_the_agreement_with_its_file(client, make_loan, people):
    application = make_loan("approved")
    secretariat = _token(people.secretariat)
    url = f"{API}/applications/{application.id}/agreement"
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

    def send(day: str, data: bytes = pdf):
        return client.post(url, query_string={"agreement_date": day},
                           data={"file": (io.BytesIO(data), "agreement.pdf")},
                           content_type="multipart/form-data", headers=secretariat)

    future = send("2999-01-01")
    assert future.status_code == 400 and future.get_json()["field"] == "agreement_date"
    assert _state(application.id) == "approved"
    signed = send("2024-01-10")
    assert signed.status_code == 200, signed.get_data(as_text=True)
    file = signed.get_json()["application"]
    assert file["state"] == "contracted" and file["loan"]["agreement_date"] == "2024-01-10"
    assert "sign_agreement" in _actions(application.id)
    kinds = [a["kind"] for a in client.get(f"{API}/applications/{application.id}/attachments",
                                           headers=secretariat).get_json()["items"]]
    assert kinds == ["agreement"]
    assert send("2024-01-10").status_code == 409  # contracted already


def test_the_company_names_its_reading_and_the_lists_show_it(client, sme, people):
    token = _token(people.applicant)
    made = client.post(f"{API}/loans", json={**REQUEST, "round_id": sme.id,
                                              "name_reading": "はままつ せいみつ"},
                       headers=token)
    assert made.status_code == 201, made.get_data(as_text=True)
    loan = made.get_json()
    assert loan["company"]["name_reading"] == "ハママツ セイミツ"
    assert loan["organisation_reading"] == "ハママツ セイミツ"
    listed = client.get(f"{API}/applications/?q=%E3%81%AF%E3%81%BE%E3%81%BE%E3%81%A4",
                        headers=token).get_json()["items"]  # はままつ, in hiragana
    assert [(i["id"], i["organisation_reading"]) for i in listed] == [
        (loan["id"], "ハママツ セイミツ")]

    url = f"{API}/loans/{loan['id']}"
    unsent = client.put(url, json={**REQUEST, "round_id": sme.id}, headers=token)
    assert unsent.get_json()["company"]["name_reading"] == "ハママツ セイミツ"  # left as it is
    latin = client.put(url, json={**REQUEST, "round_id": sme.id, "name_reading": "Hamamatsu"},
                       headers=token)
    assert latin.status_code == 400
    assert latin.get_json()["field"] == "name_reading"
    file = client.get(f"{API}/applications/{loan['id']}", headers=token).get_json()
    assert file["company"]["name_reading"] == "ハママツ セイミツ"
