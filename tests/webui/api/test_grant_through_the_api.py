"""A WNF grant from its submission to its first tranche through the API, by each kind of
user with their own token; then the money, the trail and the notifications it left.

The draft and the screening checklist are made on the pages (the API has no operation for
them yet); everything else goes through /api/v1.
"""

from __future__ import annotations

from sqlalchemy import select

from models import Application, db
from tests.webui.e2e.conftest import DONATED, cast, donate  # noqa: F401 - the fixture
from tests.webui.e2e.grant_steps import draft, tick_checklist

from .conftest import bearer, make_token_for

API = "/api/v1"


def _tokens(cast) -> dict[str, dict]:  # noqa: F811 - the fixture's name
    return {who: bearer(make_token_for(user, "write")) for who, user in cast.users.items()}


def _act(client, token, application_id: int, trigger: str, **inputs) -> dict:
    file = client.get(f"{API}/applications/{application_id}", headers=token)
    answer = client.post(f"{API}/applications/{application_id}/actions/{trigger}",
                         json=inputs, headers={**token, "If-Match": file.headers["ETag"],
                                               "Idempotency-Key": f"{trigger}-{application_id}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def test_a_grant_from_submission_to_its_first_tranche(app, cast):  # noqa: F811
    donate(cast.fund, DONATED)
    grant = draft(cast)
    tokens = _tokens(cast)
    client = app.test_client()

    assert _act(client, tokens["applicant"], grant.id, "submit")["application"][
        "state"] == "submitted"
    _act(client, tokens["secretariat"], grant.id, "start_screening")
    tick_checklist(cast, db.session.get(Application, grant.id))
    referred = _act(client, tokens["secretariat"], grant.id, "refer_to_committee")
    assert referred["application"]["state"] == "committee_review"

    for n in (1, 2, 3):
        voted = client.post(f"{API}/applications/{grant.id}/votes",
                            json={"choice": "approve"}, headers=tokens[f"member{n}"])
        assert voted.status_code == 200, voted.get_data(as_text=True)
    recused = client.post(f"{API}/applications/{grant.id}/votes", json={"choice": "reject"},
                          headers=tokens["member5"])
    assert recused.status_code in (403, 409) and "recused" in recused.get_json()["detail"]
    ballots = client.get(f"{API}/applications/{grant.id}/ballots",
                         headers=tokens["chair"]).get_json()["items"]
    assert ballots[0]["state"] == "open" and ballots[0]["tally"]["approvals"] == 3

    decided = _act(client, tokens["chair"], grant.id, "decide", conditions="Report in March")
    assert decided["application"]["state"] == "approved"
    approved = decided["application"]["approved_yen"]
    funds = client.get(f"{API}/funds", headers=tokens["finance1"]).get_json()["items"]
    wnf = next(f for f in funds if f["code"] == "WNF")
    assert wnf["cash_yen"] == DONATED and wnf["committed_yen"] == approved
    assert wnf["available_yen"] == DONATED - approved

    requested = client.post(f"{API}/applications/{grant.id}/tranches",
                            json={"amount_yen": 400_000, "note": "First half"},
                            headers={**tokens["finance1"], "Idempotency-Key": "t1"})
    assert requested.status_code == 201, requested.get_data(as_text=True)
    tranche = requested.get_json()
    own = client.post(f"{API}/tranches/{tranche['id']}/authorise", headers=tokens["finance1"])
    assert own.status_code == 409 and own.get_json()["detail"]
    released = client.post(f"{API}/tranches/{tranche['id']}/authorise",
                           headers={**tokens["finance2"], "Idempotency-Key": "a1"})
    assert released.status_code == 200, released.get_data(as_text=True)
    again = client.post(f"{API}/tranches/{tranche['id']}/authorise",
                        headers={**tokens["finance2"], "Idempotency-Key": "a1"})
    assert again.get_json() == released.get_json()
    assert db.session.scalar(select(Application.state).where(
        Application.id == grant.id)) == "in_implementation"

    ledger = client.get(f"{API}/funds/WNF/ledger", query_string={"limit": 2},
                        headers=tokens["auditor"]).get_json()
    kinds = [e["kind"] for e in ledger["items"]]
    while ledger["next"]:
        ledger = client.get(f"{API}/funds/WNF/ledger",
                            query_string={"limit": 2, "after": ledger["next"]},
                            headers=tokens["auditor"]).get_json()
        kinds += [e["kind"] for e in ledger["items"]]
    assert kinds == ["donation", "commitment", "disbursement"]

    events, after = [], 0
    while after is not None:
        page = client.get(f"{API}/audit-events", query_string={"after": after, "limit": 5},
                          headers=tokens["auditor"]).get_json()
        events += page["items"]
        after = page["next"]
    moves = [e["action"] for e in events if e["object_id"] == grant.id
             and e["object_type"] == "application" and e["to_state"] != e["from_state"]]
    assert moves == ["create", "submit", "start_screening", "refer_to_committee", "decide",
                     "release_tranche"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)

    inbox = client.get(f"{API}/notifications", headers=tokens["applicant"]).get_json()
    assert inbox["unread"] >= 1 and inbox["items"]
    marked = client.post(f"{API}/notifications/read", headers=tokens["applicant"])
    assert marked.get_json()["marked"] == inbox["unread"]
    assert client.get(f"{API}/notifications",
                      headers=tokens["applicant"]).get_json()["unread"] == 0

    assert client.get(f"{API}/portfolio", headers=tokens["auditor"]).status_code == 200
    assert client.get(f"{API}/portfolio", headers=tokens["applicant"]).status_code == 403
    rounds = client.get(f"{API}/rounds", headers=tokens["secretariat"]).get_json()["items"]
    assert rounds[0]["name"] == cast.round.name
