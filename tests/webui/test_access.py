"""Who reaches which page: every role against every admin and secretariat page."""

import pytest

from models import ROLES, db
from tests.conftest import log_in, scene_changed
from webui.access import PUBLIC, access_table

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/organisations",
               "/admin/organisations/new", "/admin/funds", "/admin/funds/new"]
SECRETARIAT_PAGES = ["/rounds/new"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(client, login_as, role, path):
    login_as(role)
    expected = 200 if role == "admin" else 403
    assert client.get(path).status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", SECRETARIAT_PAGES)
def test_round_editing_is_for_the_secretariat(client, login_as, role, path):
    login_as(role)
    expected = 200 if role == "secretariat" else 403
    assert client.get(path).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_only_reachable_pages(client, login_as, role):
    login_as(role)
    page = client.get("/home").get_data(as_text=True)
    assert ('href="/admin/users"' in page) == (role == "admin")


def test_the_menu_follows_a_change_of_roles_at_once(client, login_as):
    # The menu of each set of roles is built once per worker: a new role must still show
    # on the very next page.
    user = login_as("applicant")
    assert 'href="/grants/screening"' not in client.get("/home").get_data(as_text=True)
    user.set_roles(["applicant", "secretariat"])
    scene_changed(people=True)  # as workflow.people.accounts would
    db.session.commit()
    assert 'href="/grants/screening"' in client.get("/home").get_data(as_text=True)
    user.set_roles(["applicant"])
    scene_changed(people=True)
    db.session.commit()
    assert 'href="/grants/screening"' not in client.get("/home").get_data(as_text=True)


def test_every_endpoint_declares_its_audience(app):
    undeclared = [endpoint for endpoint, rule in access_table(app).items() if rule is None]
    assert undeclared == []


def test_only_login_and_the_front_door_are_public(app):
    public = {endpoint for endpoint, rule in access_table(app).items() if rule == PUBLIC}
    # The two-factor pages serve users half-way through login; they check that state themselves.
    # The API's description is for anyone writing a script (its operations need a token).
    # The language switch serves the login page too.
    assert public == {"static", "auth.login", "auth.two_factor", "auth.enrol",
                      "preferences.language",
                      "dashboard.index", "health.healthz", "health.readyz",
                      "api_docs.openapi_json", "api_docs.docs_page"}


def test_an_undeclared_endpoint_is_denied_even_to_admins(app, _app, make_user):
    from webui import create_app

    app = create_app(_app.config_class_instance)
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    app.test_client_class = _app.test_client_class
    client = app.test_client()
    admin = make_user("admin", "secretariat")
    log_in(client, admin)
    assert client.get("/home").status_code == 200
    assert client.get("/forgotten").status_code == 403
