"""Applications through the API: the list and its cursor, one file, the actions it offers,
and firing one once per Idempotency-Key against the version read (If-Match)."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Application, AuditEvent, db

LIST = "/api/v1/applications/"


def _audit_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_the_list_pages_by_cursor_with_the_pages_filters(client, api_user, make_application):
    made = [make_application("grant", state="submitted", title=f"Course {n}") for n in range(5)]
    make_application("loan", state="submitted", title="A loan")
    _, token = api_user("secretariat")
    first = client.get(LIST, query_string={"fund": "WNF", "sort": "title",
                                           "direction": "asc", "limit": 2}, headers=token)
    assert first.status_code == 200
    page = first.get_json()
    assert [row["title"] for row in page["items"]] == ["Course 0", "Course 1"]
    titles = [row["title"] for row in page["items"]]
    while page["next"]:
        page = client.get(LIST, query_string={"fund": "WNF", "sort": "title",
                                              "direction": "asc", "limit": 2,
                                              "after": page["next"]}, headers=token).get_json()
        titles += [row["title"] for row in page["items"]]
    assert titles == [a.title for a in made]
    assert page["items"][0]["state_label"]


def test_bad_filters_are_a_problem_naming_the_input(client, api_user):
    _, token = api_user("secretariat")
    answer = client.get(LIST, query_string={"sort": "nonsense", "limit": 0}, headers=token)
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    problem = answer.get_json()
    assert set(problem["errors"]["query"]) == {"sort", "limit"}
    cursor = client.get(LIST, query_string={"after": "not-a-cursor"}, headers=token)
    assert cursor.status_code == 400 and cursor.get_json()["detail"]


def test_an_applicant_sees_only_their_organisations_files(client, api_user, make_org,
                                                          make_application):
    ours, theirs = make_org(name="Ours"), make_org(name="Theirs")
    own = make_application("grant", state="draft", organisation=ours, title="Our draft")
    other = make_application("grant", state="submitted", organisation=theirs,
                             title="Their file")
    _, token = api_user("applicant", organisation=ours)
    listed = client.get(LIST, headers=token).get_json()["items"]
    assert [row["title"] for row in listed] == ["Our draft"]
    assert client.get(f"{LIST}{own.id}", headers=token).status_code == 200
    hidden = client.get(f"{LIST}{other.id}", headers=token)
    assert hidden.status_code == 404 and "Their file" not in hidden.get_data(as_text=True)


def test_one_file_with_its_details_and_version_as_etag(client, api_user, make_application):
    application = make_application("grant", state="submitted")
    _, token = api_user("auditor")
    answer = client.get(f"{LIST}{application.id}", headers=token)
    body = answer.get_json()
    assert body["reference"] == application.reference and body["kind"] == "grant"
    assert body["fund"] == "WNF" and body["version"] == application.version
    assert answer.headers["ETag"] == f'"{application.version}"'
    assert "grant" in body and body["loan"] is None


def test_the_actions_offered_are_the_pages_buttons(client, api_user, make_application):
    application = make_application("grant", state="submitted")
    _, secretariat = api_user("secretariat")
    _, auditor = api_user("auditor")
    offered = client.get(f"{LIST}{application.id}/actions", headers=secretariat).get_json()
    assert "start_screening" in [a["trigger"] for a in offered["items"]]
    assert client.get(f"{LIST}{application.id}/actions",
                      headers=auditor).get_json()["items"] == []


def test_firing_an_action_moves_the_file_once_per_key(client, api_user, make_application):
    application = make_application("grant", state="submitted")
    _, token = api_user("secretariat")
    url = f"{LIST}{application.id}/actions/start_screening"
    headers = {**token, "Idempotency-Key": "abc-1", "If-Match": f'"{application.version}"'}
    before = _audit_count()
    first = client.post(url, json={"comment": "Looks complete"}, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["application"]["state"] == "screening"
    again = client.post(url, json={"comment": "Looks complete"}, headers=headers)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _audit_count() == before + 1
    db.session.refresh(application)
    assert application.state == "screening"
    other = client.post(f"{LIST}{application.id}/actions/reject", json={"reason": "x"},
                        headers={**token, "Idempotency-Key": "abc-1"})
    assert other.status_code == 422 and "another request" in other.get_json()["detail"]


def test_a_stale_if_match_is_412_and_changes_nothing(client, api_user, make_application):
    application = make_application("grant", state="submitted")
    _, token = api_user("secretariat")
    url = f"{LIST}{application.id}/actions/start_screening"
    stale = client.post(url, json={}, headers={**token, "If-Match": '"99"'})
    assert stale.status_code == 412
    assert "changed" in stale.get_json()["detail"]
    db.session.refresh(application)
    assert application.state == "submitted"


def test_a_refusal_is_a_problem_with_the_workflows_sentence(client, api_user,
                                                            make_application):
    application = make_application("grant", state="screening")
    _, token = api_user("secretariat")
    before = _audit_count()
    answer = client.post(f"{LIST}{application.id}/actions/request_revision", json={},
                         headers={**token, "Idempotency-Key": "k2"})
    assert answer.status_code in (400, 409)
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "comment" in answer.get_json()["detail"].lower()
    assert _audit_count() == before
    # Refused, it kept nothing: the same key with the missing input now acts.
    fixed = client.post(f"{LIST}{application.id}/actions/request_revision",
                        json={"comment": "Add the budget"},
                        headers={**token, "Idempotency-Key": "k2"})
    assert fixed.status_code == 200
    assert db.session.scalar(select(Application.state).where(
        Application.id == application.id)) == "revision_requested"


def test_roles_are_the_workflows(client, api_user, make_application):
    application = make_application("grant", state="submitted")
    _, token = api_user("finance_officer")
    answer = client.post(f"{LIST}{application.id}/actions/start_screening", json={},
                         headers=token)
    assert answer.status_code == 409
    assert "Only" in answer.get_json()["detail"]
