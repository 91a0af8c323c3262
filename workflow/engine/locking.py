"""Making sure a change runs in a transaction that may write safely."""

from __future__ import annotations

from sqlalchemy import text

from models.base import reads_in_autocommit

AUDIT_LOCK_KEY = 0x57_4E_46_41  # "WNFA": the one advisory lock of the audit chain
_LOCK = text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=AUDIT_LOCK_KEY)
# In a connection's info: the transaction (or savepoint) that took the chain's lock.
_CHAIN_HELD = "audit chain locked in"


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


def lock_chain(connection):
    """Take the audit chain's append lock for the rest of the transaction (PostgreSQL;
    SQLite's BEGIN IMMEDIATE already made it the only writer); returns the connection.

    Every writer takes it before it draws a ledger entry's id (workflow.money.ledger.post),
    so that entries, like events, commit in the order of their ids: a verification's
    checkpoint then never passes an id that a transaction still in flight holds. It is
    also taken before a kept revision's stripe is moved (workflow.engine.kept) and before
    any kept row of sums is written (workflow.engine.kept_sums.add_to's callers: the
    ledger's, the hooks after each flush), so that every writer locks the chain before a
    stripe or a kept row: two writers never wait for each other the other way round
    (tests/concurrency/test_stripe_lock_order.py, test_kept_rows_lock_order.py).

    Taken once per transaction: a transition asks for it for its event and again for its
    figures. A lock taken in a savepoint is let go if the savepoint is rolled back, so it
    counts as held in that savepoint only (asked again after it, taken again)."""
    if connection.dialect.name == "postgresql":
        held_in = connection.info.get(_CHAIN_HELD)
        if held_in is None or (held_in is not connection.get_transaction()
                               and held_in is not connection.get_nested_transaction()):
            connection.execute(_LOCK)
            connection.info[_CHAIN_HELD] = (connection.get_nested_transaction()
                                            or connection.get_transaction())
    return connection
