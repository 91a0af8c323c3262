"""The declarative base, the Flask-SQLAlchemy handle and the engine settings.

SQLite is configured for money: WAL, synchronous=FULL, foreign keys, a busy
timeout, and write transactions that begin with BEGIN IMMEDIATE so that two
writers queue instead of failing with "database is locked" halfway through.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import select as socket_select
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Engine, MetaData, event, exc
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


# The text of every JSON column: compact, keys sorted, non-ASCII kept. It is the very
# text the audit chain hashes an event's data as, so that verifying a million events can
# hash the stored text as it is instead of parsing and encoding each one again.
canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False).encode


def in_list(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint that keeps a column within a known list."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# Set only while the generated demo writes the world its history happens in (its
# organisations, users and rounds): that set-up is dated at the history's start, so that
# the audit chain stays in the order things happened (demo.scale).
_dated_at: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("dated_at",
                                                                           default=None)


# The largest value an INTEGER column holds on PostgreSQL (ids, versions, counts, days):
# what a form or a URL may hand the database.
INTEGER_COLUMN_MAX = 2**31 - 1


def utcnow() -> datetime:
    """The current time in UTC, naive, as stored in every timestamp column."""
    return _dated_at.get() or datetime.now(UTC).replace(tzinfo=None)


@contextlib.contextmanager
def dated_at(moment: datetime) -> Iterator[None]:
    """Every record and audit event written inside is dated `moment` (the demo's set-up)."""
    token = _dated_at.set(moment)
    try:
        yield
    finally:
        _dated_at.reset(token)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# Whether a new SQLite transaction should take the write lock at once. Web
# requests that only read (GET, HEAD) turn it off so that readers never queue.
_sqlite_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sqlite_immediate", default=True
)


def set_write_intent(intends_to_write: bool) -> None:
    """Declare whether the coming transactions of this context may write."""
    _sqlite_immediate.set(intends_to_write)


@contextlib.contextmanager
def write_intent(intends_to_write: bool = True) -> Iterator[None]:
    token = _sqlite_immediate.set(intends_to_write)
    try:
        yield
    finally:
        _sqlite_immediate.reset(token)


READING_IN_AUTOCOMMIT = "AUTOCOMMIT"  # the isolation level of a read-only request's connection


def read_without_transaction(session) -> None:
    """PostgreSQL: run the statements of a request that only reads in autocommit, saving
    the BEGIN and COMMIT round trips (two of a list page's six). Under READ COMMITTED each
    statement sees the data as of its own start inside a transaction too, so a page reads
    nothing different. SQLite keeps its deferred transaction: one snapshot for the page,
    and no round trips to save. A session already in a transaction (a test's) keeps it."""
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    try:
        session.connection(execution_options={"isolation_level": READING_IN_AUTOCOMMIT})
    except exc.DBAPIError:
        # The database does not answer: the request goes on as it would have without this,
        # and meets the same error only if it reaches for the database itself.
        session.rollback()


def reads_in_autocommit(connection) -> bool:
    return connection.get_execution_options().get("isolation_level") == READING_IN_AUTOCOMMIT


def end_reading(session) -> None:
    """End a transaction that only read with COMMIT rather than ROLLBACK: the same to the
    database, but psycopg forgets every prepared statement on ROLLBACK, so each page had
    PostgreSQL plan all its statements afresh (the application page's join among them).
    Anything changed in the session is still rolled back, never written by a read; and
    the objects loaded stay as loaded (a streamed response may still read them)."""
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.rollback()
        return
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    except exc.SQLAlchemyError:
        session.rollback()
    finally:
        session.expire_on_commit = expire


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def ended_by_server(dbapi_connection) -> bool:
    """Whether PostgreSQL has ended this idle pooled connection (a restart, a terminated
    backend): it then sends its reason and closes the socket, which turns readable. A
    healthy idle connection has nothing to read. One system call, where the pool's
    pre-ping spent a round trip to the server on every request."""
    if dbapi_connection.closed:
        return True
    readable, _, _ = socket_select.select([dbapi_connection.fileno()], [], [], 0)
    return bool(readable)


def _replace_ended_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        if ended_by_server(dbapi_connection):
            # The pool opens a new connection and retries; after a restart every other
            # pooled connection is ended too, so the whole pool is replaced at once.
            error = exc.DisconnectionError("PostgreSQL ended this connection")
            error.invalidate_pool = True
            raise error


def configure_engine(engine: Engine, busy_timeout_ms: int = 30000) -> None:
    """Install the SQLite connection settings and BEGIN IMMEDIATE on an engine; on
    PostgreSQL, the check that replaces a pooled connection the server has ended."""
    if engine.dialect.name == "postgresql":
        _replace_ended_connections(engine)
        return
    if not is_sqlite(engine):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = _sqlite_immediate.get()
        conn.info["immediate"] = immediate
        statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        # Straight to the driver: every transaction starts here, and going through
        # exec_driver_sql (execution context, result, events) cost more than the BEGIN.
        # A failure (the write lock not had within the busy timeout) is still raised
        # as SQLAlchemy's OperationalError, as from any other statement.
        try:
            conn.connection.dbapi_connection.execute(statement)
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(statement, (), error, sqlite3.Error) from error
