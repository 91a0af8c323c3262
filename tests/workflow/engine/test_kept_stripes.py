"""The revisions workers keep answers under have no row every writer shares: on PostgreSQL
a change holds the row lock of its stripe until it commits, and a change of another user,
organisation or file does not wait for it."""

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
def test_a_change_waits_only_for_a_change_in_its_own_stripe(app, on_postgres, name, change,
                                                             stripes):
    if not on_postgres:
        pytest.skip("SQLite has one writer at a time whatever the rows")
    with db.engine.connect() as first, db.engine.connect() as second:
        change(first, 1)
        second.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
        change(second, 2)  # another stripe: no waiting
        with pytest.raises(OperationalError, match="lock timeout"):
            change(second, 1 + stripes)  # the first's stripe: held until it commits
        second.rollback()
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
