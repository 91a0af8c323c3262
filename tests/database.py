"""Which database the suite runs on, and how to give it a fresh schema.

`make test` runs the suite once on SQLite and once on PostgreSQL; the choice
comes from TEST_DATABASE_URL (unset: a SQLite file in a temporary folder).
Under pytest-xdist each worker on PostgreSQL works in a database of its own,
named after the given one, made at its start and dropped at its end.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models import append_only
from models.append_only import APPEND_ONLY_TABLES


def test_database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return url or f"sqlite:///{os.path.join(tmp_dir, 'wnf-test.db')}"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def xdist_worker() -> str | None:
    """The name pytest-xdist gives this worker process (gw0, gw1, …), None outside xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def database_named(url: str, name: str) -> str:
    """The URL of the database `name` on the same server, as the same user."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def create_database(server_url: str, name: str, *, throwaway: bool = False,
                    template: str | None = None) -> str:
    """Make the empty PostgreSQL database `name` (replacing one a killed run left behind)
    through a connection to `server_url`, or a copy of the database `template` (which
    nobody may be connected to); return its URL. A throwaway one (the suite's, dropped at
    the end of the run) commits without waiting for the disk."""
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            copied = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copied}'))
            if throwaway:
                conn.execute(text(THROWAWAY_SETTING.format(name=name)))
    finally:
        engine.dispose()
    return database_named(server_url, name)


# A test commits dozens of times and each commit would wait for the disk's fsync. Losing
# the last commits in a crash costs nothing in a database the run drops anyway, and a
# commit is as atomic and isolated as before. The app's own sessions set nothing
# (tests/models/test_schema.py); the benchmarks' databases keep the server's setting.
THROWAWAY_SETTING = 'ALTER DATABASE "{name}" SET synchronous_commit = off'


def drop_database(server_url: str, name: str) -> None:
    """Drop the database `name`, ending whatever sessions still hold it open (the app's
    pool, a race's child that outlived its test)."""
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@contextlib.contextmanager
def database_of_its_own(server_url: str, name: str, *, throwaway: bool = False,
                        template: str | None = None) -> Iterator[str]:
    """The URL of the new PostgreSQL database `name`, dropped at the end, also after a
    failure (the demo's beside the suite's, a benchmark's; throwaway, template: see
    create_database)."""
    url = create_database(server_url, name, throwaway=throwaway, template=template)
    try:
        yield url
    finally:
        drop_database(server_url, name)


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
    """Remove every row between tests (much faster than rebuilding the schema). Only the
    tables that hold a row are emptied: a test writes to a few of the schema's tables."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        filled = tables_with_rows(conn, tables)
        if engine.dialect.name == "postgresql":
            # The append-only tables refuse DELETE (migration 0013): the suite's superuser
            # lets no trigger fire in this transaction, as a replica applying changes would,
            # so neither do the foreign keys' checks, whatever the order.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            # DELETE, not TRUNCATE: on tables of a few rows TRUNCATE costs tens of times
            # more (new files for every table and index), and the suite empties them after
            # every test. The ids then start again, as TRUNCATE … RESTART IDENTITY would,
            # in every table: an insert that was rolled back moved its sequence too.
            for name in filled:
                conn.execute(text(f'DELETE FROM "{name}"'))
            conn.execute(RESTART_OWNED_SEQUENCES, {"tables": tables})
        else:
            # The append-only triggers refuse DELETE: lift them while emptying. (SQLite's
            # ids start again by themselves in an empty table, unless AUTOINCREMENT's.)
            lift = (sqlite_audit_triggers_lifted(conn) if set(filled) & set(APPEND_ONLY_TABLES)
                    else contextlib.nullcontext())
            with lift:
                for name in filled:
                    conn.execute(text(f'DELETE FROM "{name}"'))
            if _has_sequence(conn):
                conn.execute(text("DELETE FROM sqlite_sequence"))


def tables_with_rows(conn, tables: list[str]) -> list[str]:
    """Those of the tables (in their order) that hold at least one row, asked in one
    statement that reads at most a row of each."""
    asked = " UNION ALL ".join(
        f"SELECT {position} WHERE EXISTS (SELECT 1 FROM \"{name}\")"
        for position, name in enumerate(tables))
    return [tables[position] for position in sorted(conn.execute(text(asked)).scalars())]


# The sequences of these tables' serial and identity columns back to their start values.
RESTART_OWNED_SEQUENCES = text("""
    SELECT setval(sequence.oid, pg_sequence.seqstart, false)
    FROM pg_class AS sequence
    JOIN pg_sequence ON pg_sequence.seqrelid = sequence.oid
    JOIN pg_depend ON pg_depend.objid = sequence.oid AND pg_depend.deptype IN ('a', 'i')
        AND pg_depend.classid = 'pg_class'::regclass
        AND pg_depend.refclassid = 'pg_class'::regclass
    JOIN pg_class AS owner ON owner.oid = pg_depend.refobjid
    WHERE sequence.relkind = 'S' AND owner.relname = ANY(:tables)
        AND owner.relnamespace = current_schema()::regnamespace
""")

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


def append_test_events(count: int) -> None:
    """`count` events on the audit chain, through the chain's own recorder."""
    from models import db, write_intent
    from workflow.engine import audit

    db.session.rollback()
    with write_intent(True):
        for n in range(count):
            audit.record("test_event", actor=None, object_type="thing", object_id=n,
                         data={"n": n})
        db.session.commit()


def tamper(sql: str, **params) -> None:
    """An attacker's write to the audit tables, past their append-only triggers."""
    from models import db, write_intent

    db.session.rollback()
    with write_intent(True):
        conn = db.session.connection()
        with audit_triggers_lifted(conn):
            conn.execute(text(sql), params)
        db.session.commit()
