"""The finance pages over HTTP: the queue, and the tranche panel's forms, two officers."""

import html
import re

import pytest
from sqlalchemy import event, func, select

from models import ROLES, LedgerEntry, Tranche, db
from tests.conftest import log_in, speaks
from tests.statements import counting_statements

from .conftest import authorise, request


def hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to `action` on the page."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert match, f"no form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', match[1]))


def page_of(client, application) -> str:
    return html.unescape(client.get(f"/applications/{application.id}").get_data(as_text=True))


def post(client, url, data) -> str:
    """Send a form and return the page it redirects to (with the flashed message)."""
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return html.unescape(page.get_data(as_text=True))


@pytest.fixture
def two_officers(app, client, login_as, make_user):
    """Two browsers: the client logged in as one officer, a second client as another."""
    alice = login_as("finance_officer", name="Alice Finance")
    bob = make_user("finance_officer", name="Bob Finance")
    other = app.test_client()
    log_in(other, bob)
    return (client, alice), (other, bob)


def _tranche_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Tranche))


def test_request_then_authorise_by_another_officer(scene, two_officers):
    application = scene()
    (alice_client, alice), (bob_client, bob) = two_officers
    url = f"/finance/applications/{application.id}/tranches"
    page = page_of(alice_client, application)
    assert "At most ¥1,000,000." in page
    fields = hidden_fields(page, url)
    done = post(alice_client, url, {**fields, "amount_yen": "400,000", "note": "Venue"})
    assert "Tranche 1 of ¥400,000 requested; another finance officer must authorise it." in done
    tranche = db.session.scalar(select(Tranche))
    authorise_url = f"/finance/tranches/{tranche.id}/authorise"
    # The requester sees why she cannot authorise, not the button.
    assert "You requested this tranche; another finance officer must authorise it." in done
    assert f'action="{authorise_url}"' not in done
    assert "At most ¥600,000." in done

    page = page_of(bob_client, application)
    done = post(bob_client, authorise_url, hidden_fields(page, authorise_url))
    assert f"Tranche 1 of ¥400,000 released to {application.reference}." in done
    db.session.expire_all()
    assert (tranche.state, tranche.authorised_by_id) == ("released", bob.id)
    assert application.state == "in_implementation"
    assert "Bob Finance" in done and "Released" in done


def test_a_form_sent_twice_requests_one_tranche(scene, two_officers):
    application = scene()
    (alice_client, _), _ = two_officers
    url = f"/finance/applications/{application.id}/tranches"
    data = {**hidden_fields(page_of(alice_client, application), url), "amount_yen": "300000"}
    first = post(alice_client, url, data)
    second = post(alice_client, url, data)
    assert "Tranche 1 of ¥300,000 requested" in first
    assert "This request was already received." in second
    assert "Tranche 2" not in second
    assert _tranche_count() == 1


def test_a_form_sent_twice_is_answered_in_the_officers_language(scene, two_officers):
    application = scene()
    (client, alice), _ = two_officers
    speaks(alice, "ja")
    db.session.commit()
    url = f"/finance/applications/{application.id}/tranches"
    data = {**hidden_fields(page_of(client, application), url), "amount_yen": "300000"}
    post(client, url, data)
    second = post(client, url, data)
    assert "このリクエストはすでに受け付けています。" in second
    assert "This request was already received." not in second
    assert _tranche_count() == 1


def test_an_authorisation_sent_twice_or_raced_releases_once(scene, two_officers, make_user):
    application = scene()
    (alice_client, alice), (bob_client, bob) = two_officers
    tranche = request(application, 500_000, make_user("finance_officer"))
    url = f"/finance/tranches/{tranche.id}/authorise"
    alice_form = hidden_fields(page_of(alice_client, application), url)
    bob_form = hidden_fields(page_of(bob_client, application), url)
    assert "released to" in post(bob_client, url, bob_form)
    assert "This request was already received." in post(bob_client, url, bob_form)
    # Alice loaded the page before Bob's release: her click is refused in words.
    assert "This tranche was already released." in post(alice_client, url, alice_form)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.kind == "disbursement")) == 1


@pytest.mark.parametrize(("amount", "message"), [
    ("1000001", "At most ¥1,000,000 can still be requested: approved ¥1,000,000, released ¥0, "
                "awaiting authorisation ¥0."),
    ("12.5", "Enter a whole number of yen, without decimals."),
    ("0", "The amount must be at least ¥1."),
    ("", "Enter the amount to release."),
])
def test_a_refused_request_is_told_and_changes_nothing(scene, two_officers, amount, message):
    application = scene()
    (client, _), _ = two_officers
    url = f"/finance/applications/{application.id}/tranches"
    fields = hidden_fields(page_of(client, application), url)
    assert message in post(client, url, {**fields, "amount_yen": amount})
    assert _tranche_count() == 0
    # The key of a refused form is not used up: corrected, the same form goes through.
    assert "Tranche 1 of ¥1,000 requested" in post(client, url, {**fields, "amount_yen": "1000"})


def test_a_form_without_its_key_is_refused(scene, two_officers):
    application = scene()
    (client, _), _ = two_officers
    done = post(client, f"/finance/applications/{application.id}/tranches",
                {"amount_yen": "1000"})
    assert "The form is incomplete or has expired; reload the page." in done
    assert _tranche_count() == 0


def test_a_tranche_is_cancelled_from_the_panel(scene, two_officers):
    application = scene()
    (alice_client, alice), (bob_client, _) = two_officers
    tranche = request(application, 250_000, alice)
    url = f"/finance/tranches/{tranche.id}/cancel"
    done = post(bob_client, url, hidden_fields(page_of(bob_client, application), url))
    assert "Tranche 1 of ¥250,000 cancelled." in done
    db.session.expire_all()
    assert tranche.state == "cancelled"
    assert "At most ¥1,000,000." in done


@pytest.mark.parametrize(("roles", "table", "forms"), [
    (("secretariat",), True, False),
    (("auditor",), True, False),
    (("applicant",), False, False),
    (("finance_officer",), True, True),
])
def test_who_sees_the_panel_and_its_forms(scene, client, login_as, make_user, roles, table,
                                          forms):
    application = scene()
    request(application, 100_000, make_user("finance_officer"))
    user = login_as(*roles)
    if "applicant" in roles:
        user.organisation_id = application.organisation_id
        db.session.commit()
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ('id="tranches"' in page) == table
    assert ("/finance/tranches/" in page) == forms
    assert ("Request a tranche" in page) == forms


def test_a_loan_not_yet_contracted_shows_why_no_request(scene, client, login_as):
    application = scene(kind="loan", state="approved")
    login_as("finance_officer")
    page = page_of(client, application)
    assert "Tranches are released only while the application is contracted or active" in page
    assert "Request a tranche" not in page


def test_the_csrf_protected_forms_of_the_panel_work(app, scene, two_officers):
    application = scene()
    (client, _), _ = two_officers
    url = f"/finance/applications/{application.id}/tranches"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        fields = hidden_fields(page_of(client, application), url)
        assert "csrf_token" in fields
        assert "Tranche 1 of ¥5,000 requested" in post(client, url,
                                                        {**fields, "amount_yen": "5000"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- the queue ------------------------------------------------------------------------


def _count(page: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', page)[1])


def test_the_queue_lists_what_waits_for_money(scene, make_application, two_officers):
    (alice_client, alice), (bob_client, bob) = two_officers
    half_released = scene()
    authorise(request(half_released, 400_000, alice), bob)
    fully_requested = scene(approved=300_000)
    awaiting = request(fully_requested, 300_000, alice)
    loan = scene(kind="loan", state="contracted", approved=2_000_000)
    scene(kind="loan", state="approved")  # agreement not signed yet: not ready
    make_application(state="screening")  # not approved: not ready

    page = html.unescape(bob_client.get("/finance/").get_data(as_text=True))
    assert _count(page, "ready") == 2
    assert half_released.reference in page and loan.reference in page
    ready = page.split('id="ready"')[1]
    assert fully_requested.reference not in ready
    assert "1,000,000" in ready and "400,000" in ready and "600,000" in ready
    assert _count(page, "awaiting") == 1
    waiting = page.split('id="awaiting"')[1].split('id="ready"')[0]
    assert fully_requested.reference in waiting and "Alice Finance" in waiting
    assert "300,000" in waiting

    # The requester's own tranche awaits someone else, not her.
    page = html.unescape(alice_client.get("/finance/").get_data(as_text=True))
    assert _count(page, "awaiting") == 0
    assert f"{fully_requested.reference} tranche {awaiting.number}" in page


def _next_link(page: str, section: str) -> str:
    part = page.split(f'id="{section}"')[1].split("</section>")[0]
    return html.unescape(re.search(r'rel="next" href="([^"]+)"', part)[1])


def test_each_list_of_the_queue_comes_in_pages_and_counts_them_all(
        monkeypatch, scene, two_officers):
    monkeypatch.setattr("webui.finance.views.PER_PAGE", 2)
    (alice_client, alice), (bob_client, _) = two_officers
    ready = sorted((scene() for _ in range(3)), key=lambda a: a.reference)
    requested = [request(scene(approved=100_000), 100_000, alice) for _ in range(3)]
    references = [t.application.reference for t in requested]

    first = html.unescape(bob_client.get("/finance/").get_data(as_text=True))
    assert _count(first, "ready") == 3 and _count(first, "awaiting") == 3
    shown = first.split('id="ready"')[1]
    assert ready[0].reference in shown and ready[1].reference in shown
    assert ready[2].reference not in shown
    waiting = first.split('id="awaiting"')[1].split('id="ready"')[0]
    assert [r in waiting for r in references] == [True, True, False]  # the oldest first

    # The ready list's next page keeps the other list where it was, and the other way round.
    second = html.unescape(bob_client.get(_next_link(first, "ready")).get_data(as_text=True))
    shown = second.split('id="ready"')[1]
    assert ready[2].reference in shown and ready[0].reference not in shown
    waiting = second.split('id="awaiting"')[1].split('id="ready"')[0]
    assert [r in waiting for r in references] == [True, True, False]
    second = html.unescape(bob_client.get(_next_link(first, "awaiting")).get_data(as_text=True))
    waiting = second.split('id="awaiting"')[1].split('id="ready"')[0]
    assert [r in waiting for r in references] == [False, False, True]
    assert ready[0].reference in second.split('id="ready"')[1]

    # The requester's own requests: the oldest named, the rest counted.
    own = html.unescape(alice_client.get("/finance/").get_data(as_text=True))
    sentence = own.split("Your own requests awaiting another officer:")[1].split("</p>")[0]
    assert [r in sentence for r in references] == [True, True, False]
    assert "and 1 more" in sentence


def test_the_queue_shown_again_after_a_tranche_follows_it(scene, two_officers):
    """What a worker keeps of the queue (its counts, a page's files and sums) is read
    afresh once a tranche is requested or released."""
    (alice_client, alice), (bob_client, bob) = two_officers
    first, second = sorted((scene(), scene()), key=lambda a: a.reference)

    def queue() -> tuple[str, str]:
        page = html.unescape(bob_client.get("/finance/").get_data(as_text=True))
        return page, page.split('id="ready"')[1]

    page, ready = queue()
    assert _count(page, "ready") == 2 and _count(page, "awaiting") == 0
    tranche = request(first, 1_000_000, alice)  # all of it: nothing left to release
    page, ready = queue()
    assert _count(page, "ready") == 1 and _count(page, "awaiting") == 1
    assert first.reference not in ready and second.reference in ready
    request(second, 250_000, alice)
    authorise(tranche, bob)
    page, ready = queue()
    assert _count(page, "awaiting") == 1
    assert "250,000" in ready and "750,000" in ready
    home = html.unescape(bob_client.get("/home").get_data(as_text=True))
    assert re.search(r"Approvals ready for disbursement\D*1\b", home)


def test_the_home_page_counts_the_queue(scene, two_officers):
    (alice_client, alice), (bob_client, _) = two_officers
    for _ in range(3):
        scene()
    request(scene(approved=100_000), 100_000, alice)
    page = html.unescape(bob_client.get("/home").get_data(as_text=True))
    assert re.search(r"Approvals ready for disbursement\D*3\b", page)
    assert re.search(r"Tranches awaiting my authorisation\D*1\b", page)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "finance_officer"])
def test_the_queue_is_for_finance_officers(client, login_as, role):
    login_as(role)
    assert client.get("/finance/").status_code == 403


def test_the_queue_asks_the_same_few_queries_however_many_rows(app, scene, two_officers):
    (client, alice), _ = two_officers

    def statements_for_the_queue() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/finance/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for _ in range(2):
        request(scene(), 100_000, alice)
    few = statements_for_the_queue()
    for _ in range(6):
        request(scene(), 100_000, alice)
    assert statements_for_the_queue() == few


def test_the_queue_reads_each_list_in_one_statement_filled_or_empty(app, scene, two_officers):
    """Its rows name the file, organisation and requester from the same statement: a list
    that fills runs no statement more (it ran three more, one per related kind)."""
    (client, alice), (_other, bob) = two_officers

    def statements_for_the_queue() -> int:
        client.get("/finance/")  # warm: SQLAlchemy's compiled statements
        with counting_statements(db.engine) as seen:
            assert client.get("/finance/").status_code == 200
        return len(seen)

    empty = statements_for_the_queue()
    request(scene(), 100_000, alice)  # her own request
    request(scene(), 100_000, bob)  # one awaiting her authorisation
    scene()  # and one ready
    page = html.unescape(client.get("/finance/").get_data(as_text=True))
    assert _count(page, "awaiting") == 1 and _count(page, "ready") == 3
    assert "Bob Finance" in page.split('id="awaiting"')[1].split('id="ready"')[0]
    assert statements_for_the_queue() == empty


def test_the_plain_action_button_cannot_release_money(scene, client, login_as):
    """release_tranche posted as a plain workflow action names no tranche: refused."""
    application = scene()
    login_as("finance_officer")
    response = client.post(f"/applications/{application.id}/actions/release_tranche",
                           data={"version": application.version})
    assert response.status_code == 409
    assert "Choose the requested tranche to release." in response.get_data(as_text=True)
    db.session.expire_all()
    assert application.state == "approved"
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.kind == "disbursement")) == 0
