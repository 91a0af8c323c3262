"""The throttle's reads at every login go through indexes: no scan of all login attempts,
however many an attack has left."""

import contextlib

from sqlalchemy import event

from models import db
from workflow.people import throttle


@contextlib.contextmanager
def statements_run():
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def plan(conn, statement, parameters, on_postgres) -> str:
    if on_postgres:
        return "\n".join(conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars())
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(row[-1] for row in rows)


def test_no_login_reads_every_attempt(app, on_postgres):
    with statements_run() as seen:
        throttle.wait_for("someone@example.org", "203.0.113.5")  # unknown: every scope
    assert len(seen) == 4
    conn = db.session.connection()
    if on_postgres:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # an index, if there is one
    plans = [plan(conn, statement, parameters, on_postgres) for statement, parameters in seen]
    db.session.rollback()
    for text in plans:
        assert "Seq Scan on login_attempts" not in text, text
        assert "SCAN login_attempts" not in text.replace("SCAN login_attempts USING", ""), text
