"""Which database the suite runs on, and how to give it a fresh schema.

`make test` runs the suite once on SQLite and once on PostgreSQL; the choice
comes from TEST_DATABASE_URL (unset: a SQLite file in a temporary folder).
"""

from __future__ import annotations

import contextlib
import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models import append_only
from models.append_only import APPEND_ONLY_TABLES


def test_database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return url or f"sqlite:///{os.path.join(tmp_dir, 'wnf-test.db')}"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def reset_schema(url: str) -> None:
    """Drop everything in the target database so that migrations start from nothing."""
    if is_postgres(url):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            if path and os.path.exists(path + suffix):
                os.remove(path + suffix)


def empty_all_tables(engine, metadata) -> None:
    """Remove every row between tests (much faster than rebuilding the schema)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # The append-only tables refuse TRUNCATE (migration 0013): the suite's superuser
            # lets no trigger fire in this transaction, as a replica applying changes would.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            quoted = ", ".join(f'"{name}"' for name in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            # The append-only triggers refuse DELETE: lift them while emptying.
            with sqlite_audit_triggers_lifted(conn):
                for name in tables:
                    conn.execute(text(f'DELETE FROM "{name}"'))
            if _has_sequence(conn):
                conn.execute(text("DELETE FROM sqlite_sequence"))


SQLITE_AUDIT_TRIGGERS = {name: sql for table in APPEND_ONLY_TABLES
                         for name, sql in append_only.sqlite_triggers(table).items()}


@contextlib.contextmanager
def sqlite_audit_triggers_lifted(conn):
    """Drop the append-only triggers for the duration, then put them back as migrated."""
    for name in SQLITE_AUDIT_TRIGGERS:
        conn.execute(text(append_only.sqlite_trigger_dropped(name)))
    try:
        yield
    finally:
        for sql in SQLITE_AUDIT_TRIGGERS.values():
            conn.execute(text(sql))


@contextlib.contextmanager
def audit_triggers_lifted(conn):
    """Let a test tamper with audit_events and ledger_entries, as someone with database
    access could (the owner of the tables, or a superuser)."""
    if conn.dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        try:
            yield
        finally:
            for table in APPEND_ONLY_TABLES:
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    else:
        with sqlite_audit_triggers_lifted(conn):
            yield


def _has_sequence(conn) -> bool:
    return conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
    ).first() is not None
