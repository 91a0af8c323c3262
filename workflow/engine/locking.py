"""Making sure a change runs in a transaction that may write safely."""

from __future__ import annotations

from models.base import reads_in_autocommit


class NotAWriteTransaction(RuntimeError):
    """A programming error: a state change attempted from a read-only request."""


def ensure_write_transaction(session):
    """The session's connection, checked to hold SQLite's write lock (BEGIN IMMEDIATE).

    A deferred SQLite transaction that read first and writes later fails with
    "database is locked" when another writer committed in between; refusing
    early turns that race into a clear programming error. On PostgreSQL a read-only
    request runs in autocommit, where the writes of a change would not be one
    transaction: refused the same way.
    """
    conn = session.connection()
    if (conn.dialect.name == "sqlite" and not conn.info.get("immediate", False)) or (
            reads_in_autocommit(conn)):  # PostgreSQL: a read-only request's connection
        raise NotAWriteTransaction(
            "State changes need a write transaction: call them from a POST request or a "
            "command (models.write_intent)."
        )
    return conn
