"""Personal access tokens: made once on the profile page or by the CLI, kept hashed,
read or read-write, expiring, revocable, and never the session's stand-in (nor it theirs)."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from models import ApiToken, AuditEvent, db
from tests.conftest import csrf_token_from, log_in, once_key
from workflow.people import api_tokens

from .conftest import bearer, make_token_for

LIST = "/api/v1/applications/"


def test_a_token_made_on_the_profile_page_is_shown_once_and_kept_hashed(client, login_as):
    user = login_as("secretariat")
    page = client.get("/account/tokens/")
    assert page.status_code == 200 and "You have no tokens" in page.get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "name": "accounting",
            "scope": "read", "days": "30", **once_key(page.get_data(as_text=True))}
    made = client.post("/account/tokens/", data=form)
    html = made.get_data(as_text=True)
    assert made.status_code == 200 and "will not be shown again" in html
    secret = html.split('<code class="new-token user-select-all">')[1].split("<")[0]
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.name == "accounting" and token.scope == "read"
    assert secret not in token.secret_hash and token.secret_hash != secret
    again = client.get("/account/tokens/").get_data(as_text=True)
    assert secret not in again and token.prefix in again and "Never" in again
    api = client.get(LIST, headers=bearer(secret))
    assert api.status_code == 200
    assert "Never" not in client.get("/account/tokens/").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "create_api_token" in actions
    resent = client.post("/account/tokens/", data=form)  # a reload: no second token
    assert resent.status_code == 302
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_a_token_form_without_a_name_says_so_and_makes_nothing(client, login_as):
    login_as("secretariat")
    page = client.get("/account/tokens/").get_data(as_text=True)
    answer = client.post("/account/tokens/", data={"csrf_token": csrf_token_from(page),
                                                   "name": "", "scope": "write",
                                                   "days": "9999", **once_key(page)})
    assert answer.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_a_revoked_token_no_longer_opens_the_api(client, login_as):
    user = login_as("auditor")
    secret = make_token_for(user, "read")
    assert client.get(LIST, headers=bearer(secret)).status_code == 200
    token = db.session.scalar(select(ApiToken))
    page = client.get("/account/tokens/").get_data(as_text=True)
    answer = client.post(f"/account/tokens/{token.id}/revoke",
                         data={"csrf_token": csrf_token_from(page)})
    assert answer.status_code == 302
    refused = client.get(LIST, headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "token" in refused.get_json()["detail"]


def test_another_users_token_cannot_be_revoked(client, login_as, make_user):
    other = make_user("auditor")
    make_token_for(other, "read")
    token = db.session.scalar(select(ApiToken))
    login_as("auditor")
    page = client.get("/account/tokens/").get_data(as_text=True)
    answer = client.post(f"/account/tokens/{token.id}/revoke",
                         data={"csrf_token": csrf_token_from(page)})
    assert answer.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_an_expired_token_is_refused(client, make_user):
    user = make_user("auditor")
    secret = make_token_for(user, "read", days=1)
    assert client.get(LIST, headers=bearer(secret)).status_code == 200
    with freeze_time(api_tokens.utcnow() + timedelta(days=2)):
        assert client.get(LIST, headers=bearer(secret)).status_code == 401


def test_a_read_token_may_not_write(client, make_user, make_application):
    user = make_user("secretariat")
    application = make_application("grant", state="submitted")
    secret = make_token_for(user, "read")
    answer = client.post(f"/api/v1/applications/{application.id}/actions/start_screening",
                         json={}, headers=bearer(secret))
    assert answer.status_code == 403
    assert "only read" in answer.get_json()["detail"]
    db.session.refresh(application)
    assert application.state == "submitted"


def test_the_session_does_not_open_the_api_nor_a_token_the_pages(client, login_as, make_user):
    user = login_as("auditor")
    assert client.get(LIST).status_code == 401
    secret = make_token_for(user, "read")
    client.post("/auth/logout", data={"csrf_token": csrf_token_from(
        client.get("/account/tokens/").get_data(as_text=True))})
    page = client.get("/applications/", headers=bearer(secret))
    assert page.status_code == 302 and "/auth/login" in page.headers["Location"]


def test_money_roles_need_their_second_factor_for_a_token(app, make_user):
    from models import write_intent
    from workflow.engine.errors import ValidationFailed

    officer = make_user("finance_officer")
    with write_intent(True):
        try:
            api_tokens.create(officer, "payments", "write")
        except ValidationFailed as refusal:
            assert "two-factor" in refusal.message
        else:
            raise AssertionError("a finance officer without a second factor got a token")
        db.session.rollback()


def test_the_cli_prints_a_token_once(app, make_user):
    email = make_user("auditor").email
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", email,
                                                "--scope", "read", "--days", "7"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("wnf_")
    assert api_tokens.authenticate(secret).user.email == email
    unknown = app.test_cli_runner().invoke(args=["tokens", "create", "--email",
                                                 "nobody@example.org", "--scope", "read"])
    assert unknown.exit_code != 0 and "no user" in unknown.output


def test_failed_tokens_are_rate_limited_like_logins(app, client, make_user, monkeypatch):
    from webui.auth.limits import limiter

    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per 15 minutes")
    limiter.reset()
    user = make_user("auditor")
    good = bearer(make_token_for(user, "read"))
    address = {"REMOTE_ADDR": "203.0.113.9"}
    try:
        # Right tokens use none of the budget; wrong ones do, until the address must wait.
        assert all(client.get(LIST, headers=good, environ_base=address).status_code == 200
                   for _ in range(5))
        statuses = [client.get(LIST, headers=bearer("wnf_guess" + str(n)),
                               environ_base=address).status_code for n in range(5)]
        elsewhere = client.get(LIST, headers=bearer("wnf_guess"),
                               environ_base={"REMOTE_ADDR": "198.51.100.7"})
    finally:
        limiter.reset()
    assert statuses[:3] == [401, 401, 401] and statuses[-1] == 429
    assert elsewhere.status_code == 401


def test_log_in_helper_still_works_with_tokens_made(client, make_user):
    user = make_user("auditor")
    make_token_for(user, "read")
    assert log_in(client, user).status_code == 302
