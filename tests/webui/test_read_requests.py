"""A page that only reads ends its transaction with COMMIT (psycopg forgets its prepared
statements on ROLLBACK), but never writes what a read left changed in the session; on
PostgreSQL it reads in autocommit, where no change may be made."""

import pytest
from sqlalchemy import event, select

from models import Organisation, db
from models.base import end_reading, read_without_transaction, reads_in_autocommit
from workflow.engine.locking import NotAWriteTransaction, ensure_write_transaction


def test_a_read_leaves_nothing_open_and_changes_nothing(app, make_org):
    org = make_org(name="Alumni Society of Cebu")
    session = db.session()
    session.scalar(select(Organisation.name).where(Organisation.id == org.id))
    assert session.in_transaction()
    end_reading(session)
    assert not session.in_transaction()
    db.session.remove()


def test_what_a_read_changed_is_rolled_back_not_written(app, make_org):
    org = make_org(name="Alumni Society of Cebu")
    org.name = "Changed by a page that should only read"
    db.session.add(Organisation(kind="alumni_society", name="Made by a read",
                                country_code="PH", city="Cebu"))
    end_reading(db.session())
    db.session.remove()
    names = db.session.scalars(select(Organisation.name)).all()
    assert names == ["Alumni Society of Cebu"]


def test_pages_still_show_what_was_written_before_them(client, login_as, make_org):
    """Each page reads in its own transaction: one committed after the last is seen."""
    login_as("admin")
    make_org(name="Alumni Society of Davao")
    assert "Alumni Society of Davao" in client.get("/admin/organisations").get_data(
        as_text=True)
    make_org(name="Alumni Society of Iloilo")
    assert "Alumni Society of Iloilo" in client.get("/admin/organisations").get_data(
        as_text=True)


def _transaction_states(engine, request):
    """Run the request; for each statement it sent, whether PostgreSQL had it inside a
    transaction block (psycopg's view of the connection just after it ran)."""
    seen = []

    def note(conn, *_args):
        seen.append(conn.connection.dbapi_connection.info.transaction_status.name)

    event.listen(engine, "after_cursor_execute", note)
    try:
        response = request()
    finally:
        event.remove(engine, "after_cursor_execute", note)
    assert response.status_code == 200
    response.close()  # a streamed response ends (and reads) only now
    return seen


def test_postgresql_pages_read_outside_a_transaction_but_exports_inside_one(
        client, login_as, make_application, on_postgres):
    """On PostgreSQL a page that only reads sends no BEGIN and no COMMIT; an export, which
    streams through a server-side cursor, keeps its transaction (else the cursor fails)."""
    if not on_postgres:
        pytest.skip("SQLite keeps a deferred transaction for each read")
    login_as("secretariat")
    for n in range(3):
        make_application("grant", state="submitted", title=f"Course {n}")
    db.session.commit()  # the test's own session ends its transaction before the requests
    page = _transaction_states(db.engine, lambda: client.get("/applications/"))
    assert page and set(page) == {"IDLE"}, page
    export = _transaction_states(
        db.engine, lambda: client.get("/applications/export.csv", buffered=True))
    assert export and set(export) == {"INTRANS"}, export


def test_no_change_goes_through_a_connection_that_reads_in_autocommit(app, on_postgres):
    """The workflow's guard refuses a change on a read-only request's connection: there
    the statements of one change would not be one transaction."""
    db.session.commit()
    read_without_transaction(db.session())
    with pytest.raises(NotAWriteTransaction):
        ensure_write_transaction(db.session)
    assert on_postgres == reads_in_autocommit(db.session.connection())
    db.session.rollback()


def test_postgres_plans_the_list_and_the_chain_head_once_per_connection(
        app, on_postgres, login_as, make_application):
    """A prepared statement whose LIMIT is bound never gets a generic plan PostgreSQL will
    take: it planned the list page's statement afresh on every view. The page size is
    written in; the revisions every list page reads (workflow.engine.kept.marks) are planned once
    too."""
    if not on_postgres:
        pytest.skip("prepared statements and their plans are PostgreSQL's")
    from sqlalchemy import text

    from workflow.engine import kept, reading
    from workflow.files import search

    user = login_as("secretariat")
    make_application("grant")
    for _ in range(8):  # psycopg prepares on the 5th; PostgreSQL weighs a generic plan next
        search.page_of(search.Filters(), user, 50)
        with reading.read_scope():
            kept.marks()
    plans = db.session.execute(text(
        "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE :list"
        " OR statement LIKE '%FROM people_revisions%'"
        " ORDER BY statement LIKE '%FROM people_revisions%'"),
        {"list": "SELECT applications.id%LIMIT 51%"}).all()
    assert [n > 0 for n, in plans] == [True, True], plans  # the list's, the marks'
