"""The API's list of a file's tranches names no person, so it reads no one's record: it
runs the same statements for three tranches requested and authorised by three people as
for a file with none."""

from datetime import datetime

from models import Tranche, db
from tests.webui.performance.test_query_counts import counting

API = "/api/v1"


def _listed(client, headers, application) -> tuple[list[int], int]:
    with counting(db.engine) as statements:
        answer = client.get(f"{API}/applications/{application.id}/tranches", headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [item["amount_yen"] for item in answer.get_json()["items"]], len(statements)


def test_the_tranche_list_runs_the_same_statements_however_many_people_acted(
        app, client, api_user, make_application, make_user):
    _, headers = api_user("finance_officer")
    empty = make_application("grant", state="in_implementation")
    paid = make_application("grant", state="in_implementation")
    for number in (1, 2, 3):
        db.session.add(Tranche(
            application_id=paid.id, number=number, amount_yen=100_000 * number,
            state="released", requested_by_id=make_user("finance_officer").id,
            authorised_by_id=make_user("finance_officer").id,
            released_at=datetime(2026, 5, number)))
    db.session.commit()
    _listed(client, headers, empty)  # the token's first use is noted once
    none_listed, statements_for_none = _listed(client, headers, empty)
    three_listed, statements_for_three = _listed(client, headers, paid)
    assert (none_listed, three_listed) == ([], [100_000, 200_000, 300_000])
    assert statements_for_three == statements_for_none
