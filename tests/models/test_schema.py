"""The migrations build what the models describe, on SQLite and PostgreSQL alike."""

import sqlite3
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models import Fund, Round, db


def test_migrations_and_models_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_database_refuses_negative_yen(app, make_fund):
    fund = make_fund("WNF")
    db.session.add(Round(fund=fund, name="bad", opens_on=date(2027, 4, 1),
                         closes_on=date(2028, 3, 31),
                         budget_yen=-1, cap_yen=1, min_own_percent=0))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_an_unknown_fund_code(app):
    db.session.add(Fund(code="XYZ", name="?", kind="grant"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_sqlite_is_set_up_for_durable_money(app, on_postgres):
    if on_postgres:
        # The app's sessions keep the server's synchronous commit: nothing they set turns
        # it off. Only the suite's throwaway databases do (tests.database.THROWAWAY_SETTING).
        setting, source = db.session.execute(text(
            "SELECT setting, source FROM pg_settings WHERE name = 'synchronous_commit'")).one()
        assert source not in ("session", "client")
        assert setting == "on" or (source, throwaway_database()) == ("database", True)
        return
    conn = db.session.connection()
    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_sqlite_write_transactions_begin_immediate(app, on_postgres):
    """A writing transaction holds the write lock from its first statement."""
    if on_postgres:
        return
    from models import write_intent

    db.session.rollback()
    with write_intent(True):
        conn = db.session.connection()
        assert conn.info["immediate"] is True
        other = db.engine.raw_connection()
        try:
            other.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        db.session.rollback()


def throwaway_database() -> bool:
    """Whether this database was made with the suite's throwaway setting."""
    return db.session.execute(text(
        "SELECT 'synchronous_commit=off' = ANY(setconfig) FROM pg_db_role_setting"
        " WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND setrole = 0")).scalar() is True
