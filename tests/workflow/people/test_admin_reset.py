"""The administrator resets a user's second factor (a lost phone) from the user's page."""

from sqlalchemy import func, select

from models import OutboxMessage, User, db
from models.security import RecoveryCode
from tests.conftest import log_in
from workflow.people import second_factor

from .conftest import audit_events, logged_in, post_login

BUTTON = "Reset two-factor login"


def test_the_admin_resets_a_second_factor_and_the_user_is_told(app, client, make_user):
    user, admin = make_user("finance_officer"), make_user("admin")
    user_browser = app.test_client()
    assert log_in(user_browser, user).status_code == 302
    assert user.has_second_factor
    log_in(client, admin)
    assert BUTTON in client.get(f"/admin/users/{user.id}").get_data(as_text=True)

    response = client.post(f"/admin/users/{user.id}/second-factor/reset")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{user.name}&#39;s two-factor login was reset" in page and BUTTON not in page

    assert not logged_in(user_browser)  # every session of theirs has ended
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret_sealed is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    [reset] = audit_events("totp_reset")
    assert (reset.actor_id, reset.object_id) == (admin.id, user.id)
    [email] = db.session.scalars(select(OutboxMessage)).all()
    assert (email.to_address, email.subject) == (user.email, second_factor.RESET_SUBJECT)
    assert "An administrator has reset your two-factor login" in email.body
    assert post_login(user_browser, user.email).headers["Location"] == "/auth/enrol"


def test_a_second_click_changes_nothing_and_says_why(client, make_user):
    user, admin = make_user("finance_officer"), make_user("admin")
    log_in(client, user)
    client.post("/auth/logout")
    log_in(client, admin)
    client.post(f"/admin/users/{user.id}/second-factor/reset")
    response = client.post(f"/admin/users/{user.id}/second-factor/reset")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{user.name} has no two-factor login set up to reset." in page
    assert len(audit_events("totp_reset")) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_only_an_admin_may_reset_a_second_factor(client, make_user):
    user = make_user("finance_officer")
    log_in(client, user)
    client.post("/auth/logout")
    log_in(client, make_user("secretariat"))
    assert client.post(f"/admin/users/{user.id}/second-factor/reset").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).has_second_factor
    assert audit_events("totp_reset") == []


def test_an_unknown_user_is_not_found(client, make_user):
    log_in(client, make_user("admin"))
    assert client.post("/admin/users/999999/second-factor/reset").status_code == 404
