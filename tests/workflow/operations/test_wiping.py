"""Nobody emptying the audit or ledger table gets past the database: TRUNCATE is refused on
PostgreSQL, directly or through another table's CASCADE. SQLite has no TRUNCATE; its
`DELETE FROM` without a WHERE (its way of emptying a table) meets the row triggers."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEvent, LedgerEntry, db, write_intent
from workflow.money import ledger

APPEND_ONLY = ("audit_events", "ledger_entries")


@pytest.fixture
def booked(app, make_fund):
    """A donation: one ledger entry and its audit event."""
    fund = make_fund("WNF")
    with write_intent(True):
        ledger.post(fund, "donation", 5_000_000, actor=None, memo="Gift")
        db.session.commit()


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(AuditEvent)),
            db.session.scalar(select(func.count()).select_from(LedgerEntry)))


def _refused(sql: str) -> None:
    db.session.rollback()
    with write_intent(True), pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(sql))
    db.session.rollback()


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_emptying_an_append_only_table_is_refused(booked, on_postgres, table):
    before = _counts()
    _refused(f"TRUNCATE {table}" if on_postgres else f"DELETE FROM {table}")
    assert _counts() == before == (1, 1)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_truncate_with_restart_identity_and_cascade_is_refused(booked, on_postgres, table):
    if not on_postgres:
        pytest.skip("SQLite has no TRUNCATE")
    _refused(f"TRUNCATE {table} RESTART IDENTITY CASCADE")
    assert _counts() == (1, 1)


def test_a_cascade_from_another_table_cannot_empty_them(booked, on_postgres):
    """Both tables refer to users and funds: truncating those with CASCADE would take the
    evidence with them."""
    if not on_postgres:
        pytest.skip("SQLite has no TRUNCATE")
    _refused("TRUNCATE funds, users CASCADE")
    assert _counts() == (1, 1)
