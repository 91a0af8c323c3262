"""Admin pages: users, roles, organisations, funds; bad input saves nothing."""

import pytest
from sqlalchemy import func, select

from models import Fund, Organisation, User, db
from tests.conftest import csrf_token_from, once_key, speaks


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_admin_creates_a_user_with_several_roles(client, login_as, make_org, make_fund):
    login_as("admin")
    make_fund("WNF")
    org = make_org(name="AOTS Alumni Society of Kenya", country_code="KE")
    response = client.post("/admin/users/new", data={
        "email": "New.Member@Example.org", "name": "Wanjiru", "organisation_id": str(org.id),
        "roles": ["applicant"], "seats_WNF": "member", "locale": "en", "active": "y",
        "password": "a long enough password", **once_key()})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.member@example.org"))
    assert user.roles == {"committee_member", "applicant"}
    assert user.organisation.name == "AOTS Alumni Society of Kenya"
    assert user.check_password("a long enough password")


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "Enter a valid email address."),
    ("email", "TAKEN@example.org", "already exists"),
    ("password", "short", "at least 12 characters"),
    ("password", "", "A new user needs a password."),
    ("name", "", "This field is required."),
])
def test_bad_user_input_is_shown_next_to_the_field(client, login_as, make_user, field, value,
                                                   message):
    login_as("admin")
    make_user("auditor", email="taken@example.org")
    before = _count(User)
    data = {"email": "fresh@example.org", "name": "Fresh", "organisation_id": "0",
            "roles": ["auditor"], "locale": "en", "active": "y",
            "password": "a long enough password", **once_key()}
    data[field] = value
    response = client.post("/admin/users/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and "is-invalid" in page
    assert _count(User) == before


def test_a_japanese_admin_is_told_in_japanese_that_a_new_user_needs_a_password(client,
                                                                                login_as):
    admin = login_as("admin")
    speaks(admin, "ja")
    db.session.commit()
    before = _count(User)
    response = client.post("/admin/users/new", data={
        "email": "fresh@example.org", "name": "新規", "organisation_id": "0",
        "roles": ["auditor"], "locale": "ja", "active": "y", "password": "", **once_key()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _count(User) == before
    assert "新しいユーザーにはパスワードが必要です。" in page
    assert "A new user needs a password." not in page


def test_an_admin_cannot_change_their_own_roles(client, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}", data={
        "email": admin.email, "name": admin.name, "organisation_id": "0",
        "roles": ["admin", "finance_officer"], "locale": "en", "active": "y"})
    assert "You cannot change your own roles" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).roles == {"admin"}


def test_a_role_change_takes_effect_on_the_next_request(app, client, login_as, make_user):
    from tests.conftest import log_in

    user = login_as("auditor")
    assert client.get("/rounds/new").status_code == 403
    admin_browser = app.test_client()
    log_in(admin_browser, make_user("admin"))
    admin_browser.post(f"/admin/users/{user.id}", data={
        "email": user.email, "name": user.name, "organisation_id": "0",
        "roles": ["auditor", "secretariat"], "locale": "en", "active": "y"})
    assert client.get("/rounds/new").status_code == 200


@pytest.mark.parametrize("data, field_message", [
    ({"country_code": "XX"}, "XX is not an ISO 3166 country code."),
    ({"country_code": "JPN"}, "Field cannot be longer than 2 characters."),
    ({"capital_yen": "-5"}, "The amount cannot be negative."),
    ({"capital_yen": "12.5"}, "Enter a whole number of yen, without decimals."),
    ({"employees": "-1"}, "Cannot be negative."),
    ({"name": ""}, "This field is required."),
])
def test_bad_organisation_input_saves_nothing(client, login_as, data, field_message):
    login_as("admin")
    form = {"kind": "company", "name": "Osaka Tools K.K.", "country_code": "JP", "city": "Osaka",
            "industry": "manufacturing", "capital_yen": "50,000,000", "employees": "40",
            **once_key()}
    form.update(data)
    response = client.post("/admin/organisations/new", data=form)
    assert response.status_code == 200
    assert field_message in response.get_data(as_text=True)
    assert _count(Organisation) == 0


def test_organisation_is_saved_with_its_sme_figures(client, login_as):
    login_as("admin")
    response = client.post("/admin/organisations/new", data={
        "kind": "company", "name": "Osaka Tools K.K.", "country_code": "jp", "city": "Osaka",
        "industry": "manufacturing", "capital_yen": "50,000,000", "employees": "40",
        **once_key()})
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation))
    assert (org.country_code, org.capital_yen, org.employees) == ("JP", 50_000_000, 40)
    assert "Japan" in client.get("/admin/organisations").get_data(as_text=True)


def test_a_fund_code_is_unique(client, login_as, make_fund):
    login_as("admin")
    make_fund("WNF")
    response = client.post("/admin/funds/new", data={"code": "WNF", "name": "Again",
                                                      "kind": "grant", **once_key()})
    assert "The fund WNF already exists." in response.get_data(as_text=True)
    assert _count(Fund) == 1


def test_a_post_without_csrf_token_is_refused(app, client, login_as):
    login_as("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/admin/funds/new", data={"code": "SME", "name": "SME",
                                                          "kind": "loan"})
        assert response.status_code == 400
        assert "The form has expired or was not sent from this site." in (
            response.get_data(as_text=True))
        assert _count(Fund) == 0
        page = client.get("/admin/funds/new").get_data(as_text=True)
        response = client.post("/admin/funds/new", data={
            "code": "SME", "name": "SME", "kind": "loan", "csrf_token": csrf_token_from(page),
            **once_key(page)})
        assert response.status_code == 302
        assert _count(Fund) == 1
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _events(action: str) -> list:
    from models import AuditEvent

    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.seq)).all()


def test_every_administrative_save_joins_the_audit_chain_with_what_changed(client, login_as,
                                                                           make_user):
    """A name on a timeline or a ballot comes from these records: changing one is signed
    like any other change (and moves the chain's head, which the pages' caches watch)."""
    from workflow.engine import audit

    admin = login_as("admin")
    member = make_user("auditor", name="Tanaka", email="tanaka@example.org", locale=None)
    user_form = {"email": member.email, "name": "Tanaka Hiroshi", "organisation_id": "0",
                 "roles": ["auditor"], "locale": "", "active": "y"}
    assert client.post(f"/admin/users/{member.id}", data=user_form).status_code == 302
    assert client.post(f"/admin/users/{member.id}", data=user_form).status_code == 302
    [renamed] = _events("user_changed")  # the second save changed nothing: no event
    assert (renamed.actor_id, renamed.object_type, renamed.object_id) == (
        admin.id, "user", member.id)
    assert renamed.data == {"changes": {"name": ["Tanaka", "Tanaka Hiroshi"]}}

    client.post(f"/admin/users/{member.id}", data={**user_form,
                                                   "password": "a brand new long password"})
    assert [e.object_id for e in _events("password_set_by_admin")] == [member.id]

    client.post("/admin/organisations/new", data={"kind": "alumni_society", "name": "AOTS Kenya",
                                                  "country_code": "KE", "city": "Nairobi",
                                                  **once_key()})
    org = db.session.scalar(select(Organisation))
    client.post(f"/admin/organisations/{org.id}", data={
        "kind": "alumni_society", "name": "AOTS Alumni Society of Kenya", "country_code": "KE",
        "city": "Nairobi"})
    created, changed = _events("organisation_saved")
    assert created.data["changes"]["name"] == [None, "AOTS Kenya"]
    assert changed.data == {"changes": {"name": ["AOTS Kenya", "AOTS Alumni Society of Kenya"]}}

    client.post("/admin/funds/new", data={"code": "SME", "name": "SME loans", "kind": "loan",
                                          **once_key()})
    [fund_saved] = _events("fund_saved")
    assert fund_saved.data["changes"]["code"] == [None, "SME"]
    assert fund_saved.actor_id == admin.id
    assert audit.verify().ok
