"""The API beside a browser's login: a login cookie sent along with a token neither ends the
page session (an expired one does not turn the API's answer into a login redirect) nor
keeps it alive (API calls are not activity on the pages)."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from tests.conftest import log_in

from .conftest import bearer, make_token_for

LIST = "/api/v1/applications/"


def test_api_calls_do_not_keep_the_page_session_alive(client, make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        token = bearer(make_token_for(user, "read"))
        log_in(client, user)
        for _ in range(3):
            clock.tick(timedelta(minutes=20))
            assert client.get(LIST, headers=token).status_code == 200
        page = client.get("/home")
        assert page.status_code == 302 and page.headers["Location"].startswith("/auth/login")


def test_an_expired_page_session_does_not_turn_an_api_answer_into_a_redirect(client,
                                                                              make_user):
    user = make_user("auditor")
    with freeze_time("2027-04-01 09:00:00") as clock:
        token = bearer(make_token_for(user, "read"))
        log_in(client, user)
        clock.tick(timedelta(hours=2))
        answer = client.get(LIST, headers=token)
        assert answer.status_code == 200 and answer.is_json
        assert "Set-Cookie" not in answer.headers
        assert answer.headers["Cache-Control"] == "no-store"
