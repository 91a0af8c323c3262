"""The revisions workers keep answers under are moved in one lock order: on PostgreSQL a
change takes the audit chain's lock before its stripe's row, so a second writer waits for
the chain before it holds any stripe, and two writers never wait for each other (a stripe
taken first would deadlock with a writer already holding the chain:
tests/concurrency/test_stripe_lock_order.py)."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from models import FILE_LIST_STRIPES, PEOPLE_STRIPES, PeopleRevision, db
from workflow.engine import kept

# (what changes, the id of one row, the id of another row in the same stripe)
CHANGES = [
    ("people", lambda conn, row_id: kept.people_changed(conn, row_id=row_id), PEOPLE_STRIPES),
    ("catalogue", lambda conn, row_id: kept.catalogue_changed(conn, row_id=row_id),
     FILE_LIST_STRIPES),
    ("file", lambda conn, row_id: kept.lists_changed(row_id, conn), FILE_LIST_STRIPES),
]


@pytest.mark.parametrize(("name", "change", "stripes"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_change_takes_the_chain_before_any_stripe(app, on_postgres, name, change, stripes):
    if not on_postgres:
        pytest.skip("SQLite has one writer at a time whatever the rows")
    with db.engine.connect() as first, db.engine.connect() as second:
        change(first, 1)
        second.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
        for row_id in (2, 1 + stripes):  # another stripe, and the first's own
            with pytest.raises(OperationalError, match="lock timeout"):
                change(second, row_id)  # waits for the chain, which the first holds
            second.rollback()
            second.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
        first.rollback()


PEOPLE_REVISION = select(func.sum(PeopleRevision.revision))


def test_the_people_s_revision_moves_with_a_change_of_anyone(app):
    with db.engine.connect() as conn:
        before = conn.scalar(PEOPLE_REVISION)
        for user_id in (1, 2, 1 + PEOPLE_STRIPES):
            kept.people_changed(conn, row_id=user_id)
            after = conn.scalar(PEOPLE_REVISION)
            assert after is not None and after != before
            before = after
        conn.rollback()
