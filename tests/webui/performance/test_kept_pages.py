"""What a worker keeps of the pages until the audit chain moves: the application page's
timeline, loan figures, ballots and tranches (workflow.engine.kept), the list's pages and
counts (workflow.files.kept_lists). Read once, read again after any change, and never shown to
a user who may not see them."""

from datetime import date

from sqlalchemy import event, update

from models import Tranche, db, write_intent
from tests.conftest import log_in
from tests.kept_guard import behind_the_services_back
from tests.workflow.loans.conftest import repay
from workflow.engine import kept, reading
from workflow.money import finance_queue
from workflow.people import accounts

from .test_query_counts import counting


def _statements(client, url) -> tuple[int, str]:
    """The statements of one more view of the page (nothing forgotten), and its text."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN",
                                                      "PRAGMA")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(statements), response.get_data(as_text=True)


def test_a_loan_page_seen_again_reads_only_the_user_and_the_file_until_a_repayment(
        app, client, login_as, active_loan, people):
    login_as("secretariat", "finance_officer", "auditor", "committee_member")
    loan = active_loan()
    repay(loan, people.finance, 50_000, date(2024, 2, 15), reference="MUFG-FIRST")
    url = f"/applications/{loan.id}"
    with counting(db.engine) as first:
        client.get(url)
    kept, page = _statements(client, url)
    assert kept == 2 < len(first), (kept, len(first))  # the user, the file with the head
    assert "MUFG-FIRST" in page and "MUFG-SECOND" not in page
    repay(loan, people.finance, 60_000, date(2024, 3, 15), reference="MUFG-SECOND")
    again, page = _statements(client, url)
    assert again == len(first)
    assert "MUFG-SECOND" in page and "60,000" in page


def test_a_member_renamed_by_the_admin_is_renamed_on_the_timeline_at_once(
        app, client, login_as, active_loan, people, make_user):
    login_as("secretariat", "auditor")
    loan = active_loan()  # Fujita and Fukuda released its tranche
    url = f"/applications/{loan.id}"
    admin = app.test_client()
    log_in(admin, make_user("admin"))  # (a login moves the chain too)
    assert "Fukuda" in client.get(url).get_data(as_text=True)
    assert _statements(client, url)[0] == 2  # kept
    officer = people.finance2
    response = admin.post(f"/admin/users/{officer.id}", data={
        "email": officer.email, "name": "Fukuda Aiko", "organisation_id": "0",
        "roles": ["finance_officer"], "locale": "en", "active": "y"})
    assert response.status_code == 302
    assert "Fukuda Aiko" in client.get(url).get_data(as_text=True)


def test_kept_rows_serve_pages_only_and_a_change_reads_afresh(app, active_loan, people):
    """A change (outside a page's read scope) never sees kept rows, so no guard or sum
    runs on them; a page does until a revision moves. A row written without the service
    (as only a test does, on purpose) shows the difference."""
    loan = active_loan()  # one tranche, released
    with reading.read_scope():
        assert finance_queue.tranche_rows(loan)[0].note == ""
    db.session.rollback()  # the reads' transaction: a change needs a write transaction
    with write_intent(True), behind_the_services_back():
        db.session.execute(update(Tranche).values(note="Written behind the service's back"))
        db.session.commit()
    assert finance_queue.tranche_rows(loan)[0].note  # a write path reads afresh
    with reading.read_scope():
        assert finance_queue.tranche_rows(loan)[0].note == ""  # kept
    db.session.rollback()
    with write_intent(True):
        accounts.update_user(people.finance, actor=people.finance2, email=people.finance.email,
                             name="Fujita Ken", roles=["finance_officer"], organisation=None,
                             locale="en", active=True)
        db.session.commit()
    with reading.read_scope():
        assert finance_queue.tranche_rows(loan)[0].note  # the people's revision moved
    kept.forget_all()


def test_the_kept_loan_figures_show_each_viewer_only_their_part(make_loan, people,
                                                                client_for):
    """Staff and the company see one file's figures one after the other, the chain
    standing still: the assessment stays the staff's, the edit link the owner's."""
    from tests.workflow.loans.test_assessment import _assess

    assessed = make_loan("credit_assessment")
    staff = client_for(people.secretariat)
    assert _assess(staff, assessed).status_code == 302
    draft = make_loan("draft")
    company = client_for(people.applicant)  # both signed in: no login moves the chain now
    for client, assessment, edit in ((staff, True, False), (company, False, True),
                                     (staff, True, False)):
        pages = [client.get(f"/applications/{loan.id}").get_data(as_text=True)
                 for loan in (assessed, draft)]
        assert ('class="row mb-1 assessment"' in pages[0]) is assessment
        assert ("Edit the loan application" in pages[1]) is edit
    kept, _ = _statements(company, f"/applications/{draft.id}")
    assert kept == 2  # served from what the worker kept


def test_a_kept_list_page_moves_with_the_files_and_is_each_society_s_own(
        app, make_application, make_org, make_user):
    from tests.conftest import fire

    kenya, ghana = make_org(country_code="KE"), make_org(country_code="GH")
    ours = make_application("grant", state="submitted", organisation=kenya,
                            title="Kaizen for Nairobi workshops")
    make_application("grant", state="submitted", organisation=ghana,
                     title="Quality circles in Accra")
    clients = {}
    for org in (kenya, ghana):
        clients[org.country_code] = app.test_client()
        log_in(clients[org.country_code], make_user("applicant", organisation=org))
    staff = app.test_client()
    secretary = make_user("secretariat")
    log_in(staff, secretary)

    def titles(client) -> set[str]:
        page = client.get("/applications/").get_data(as_text=True)
        return {t for t in ("Kaizen for Nairobi workshops", "Quality circles in Accra")
                if t in page}

    for _ in range(2):  # the second round from what the worker kept: each still their own
        assert titles(clients["KE"]) == {"Kaizen for Nairobi workshops"}
        assert titles(clients["GH"]) == {"Quality circles in Accra"}
        assert len(titles(staff)) == 2
    assert _statements(staff, "/applications/")[0] == 2  # the user; the marks with the head
    assert "Kaizen for Nairobi workshops" not in staff.get(
        "/applications/?state=screening").get_data(as_text=True)
    fire(ours, "start_screening", secretary)
    assert "Kaizen for Nairobi workshops" in staff.get(
        "/applications/?state=screening").get_data(as_text=True)
