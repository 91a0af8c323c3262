"""The SQL statements an engine runs, counted one way for the tests' query counts
(tests.webui.performance.test_query_counts) and the benchmarks' (bench.common)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event

# Transaction control is not a query.
NOT_QUERIES = ("SAVEPOINT", "RELEASE", "BEGIN", "PRAGMA")


@contextlib.contextmanager
def counting_statements(engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs meanwhile (queries only)."""
    seen: list[str] = []

    def count(conn, cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(NOT_QUERIES):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
