"""What a worker keeps across requests is filed under revisions the workflow service
moves (workflow.engine.kept): a change shows at once whatever the clocks say and whichever
worker keeps the answer; a login, a failed login or a refusal moves nothing."""

from datetime import datetime, timedelta

import pytest
from freezegun import freeze_time

from models import db, write_intent
from tests.conftest import PASSWORD, fire, log_in, scene_changed
from tests.webui.performance.test_kept_pages import _statements
from webui import create_app
from workflow.engine.errors import TransitionRefused
from workflow.people import accounts


def _offered(client) -> str:
    body = client.get("/applications/").get_data(as_text=True)
    return body.split('name="organisation_id"', 1)[1].split("</select>", 1)[0]


def test_a_renamed_organisation_shows_at_once_though_its_host_s_clock_is_2_s_behind(
        client, login_as, make_org):
    login_as("secretariat")
    start = datetime.now().replace(microsecond=0) + timedelta(seconds=10)
    with freeze_time(start):
        lanna = make_org(name="Alumni Society of Lanna")
    with freeze_time(start + timedelta(seconds=3)):
        make_org(name="Alumni Society of Isan")  # the latest change, by the clock
        assert "Alumni Society of Lanna" in _offered(client)  # kept from here on
    # Another host, whose clock is 2 s behind, renames the first: its change is stamped
    # before the latest one.
    with freeze_time(start + timedelta(seconds=2)):
        db.session.commit()
        with write_intent(True):
            accounts.save_organisation(lanna, kind=lanna.kind, name="Lanna Alumni Society",
                                       country_code=lanna.country_code, city=lanna.city)
            db.session.commit()
    with freeze_time(start + timedelta(seconds=4)):
        offered = _offered(client)
    assert "Lanna Alumni Society" in offered and "Alumni Society of Lanna" not in offered


@pytest.fixture
def seen_twice(client, login_as, make_application):
    """A file's page and the list as a secretariat member sees them once kept, and how
    many statements a kept view of the page runs."""
    login_as("secretariat")
    application = make_application("grant", state="submitted", title="Kaizen in Hanoi")
    url = f"/applications/{application.id}"
    first, _ = _statements(client, url)
    kept, _ = _statements(client, url)
    assert kept < first  # what the worker keeps spares statements
    client.get("/applications/")
    return application, url, kept


def test_logins_failed_logins_and_refusals_leave_the_kept_pages_kept(
        app, client, seen_twice, make_user):
    application, url, _ = seen_twice
    someone = make_user("auditor")  # a new account moves the people's revision: seen again
    client.get(url)
    kept, _ = _statements(client, url)
    other = app.test_client()
    assert log_in(other, someone, password="not the password").status_code == 200  # failed
    assert log_in(other, someone).status_code == 302
    with pytest.raises(TransitionRefused):  # an auditor may not start the screening
        fire(application, "start_screening", someone)
    other.post("/auth/logout")
    assert _statements(client, url)[0] == kept
    count, page = _statements(client, "/applications/")
    assert "Kaizen in Hanoi" in page
    assert _statements(client, "/applications/")[0] == count


def test_a_fired_transition_shows_at_once_on_another_worker_s_pages(
        app, client, seen_twice, make_user):
    application, url, _ = seen_twice
    other_worker = create_app(app.config_class_instance)
    other_worker.test_client_class = app.test_client_class
    other = other_worker.test_client()
    secretary = make_user("secretariat", name="Sato Hanako")
    assert log_in(other, secretary, password=PASSWORD).status_code == 302
    before = other.get(url).get_data(as_text=True)
    assert "Start screening" not in before.split("Timeline", 1)[-1]
    assert "Kaizen in Hanoi" not in other.get("/applications/?state=screening").get_data(
        as_text=True)
    kept = other_worker.extensions["kept_answers"]
    assert any(key[1] == application.id for key in kept["file pages"])  # kept over there

    fire(application, "start_screening", secretary)  # by this worker

    page = other.get(url).get_data(as_text=True)
    assert "Sato Hanako" in page.split("Timeline", 1)[-1]
    assert "Kaizen in Hanoi" in other.get("/applications/?state=screening").get_data(
        as_text=True)


def test_the_guard_notices_a_change_that_moves_no_revision(client, login_as, make_org):
    """tests/kept_guard.py: the suite's guard fails a test in which the app's code changes
    a kept table without moving its revision. Here "the app's code" is a function compiled
    as if it were a module of workflow/, that renames an organisation behind the service."""
    from tests import kept_guard

    login_as("secretariat")
    lanna = make_org(name="Alumni Society of Lanna")
    assert "Alumni Society of Lanna" in _offered(client)  # kept from here on
    source = ("def rename(org, name, session):\n"
              "    org.name = name\n"
              "    session.commit()\n")
    module: dict = {}
    exec(compile(source, str(kept_guard.ROOT / "workflow" / "behind.py"), "exec"), module)
    module["rename"](lanna, "Lanna Alumni Society", db.session)
    found, kept_guard.faults[:] = list(kept_guard.faults), []  # this test's own doing
    assert found == ["workflow/behind.py:3 changed organisations without moving the "
                     "lists' revision, the people's revision"]
    assert "Alumni Society of Lanna" in _offered(client)  # what the guard is there for
    db.session.commit()
    with write_intent(True):  # a change through the service: no fault, and shown at once
        accounts.save_organisation(lanna, kind=lanna.kind, name="Lanna Society of Alumni",
                                   country_code=lanna.country_code, city=lanna.city)
        db.session.commit()
    assert kept_guard.faults == []
    assert "Lanna Society of Alumni" in _offered(client)


def test_the_guard_notices_a_test_that_changes_a_kept_scene_without_moving_its_revision(
        client, login_as, make_application):
    """A test's own scene-setting is free until a worker keeps an answer; from then on it
    moves the revisions as the service would (tests.conftest.scene_changed), or fails."""
    from tests import kept_guard

    login_as("secretariat")
    application = make_application("grant", state="submitted",
                                   title="Kaizen in Hanoi")
    application.title = "Kaizen in Hue"  # nothing kept yet: no fault
    db.session.commit()
    assert kept_guard.faults == []
    assert "Kaizen in Hue" in client.get("/applications/").get_data(as_text=True)  # kept
    application.title = "Kaizen in Da Nang"
    db.session.commit()
    found, kept_guard.faults[:] = list(kept_guard.faults), []  # this test's own doing
    assert len(found) == 1 and found[0].startswith(
        "tests/workflow/engine/test_kept_answers.py:"), found
    assert found[0].endswith("changed applications without moving a file's revision")
    application.title = "Kaizen in Hai Phong"
    scene_changed(application)
    db.session.commit()
    assert kept_guard.faults == []
    assert "Kaizen in Hai Phong" in client.get("/applications/").get_data(as_text=True)
