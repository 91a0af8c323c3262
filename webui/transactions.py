"""How each request meets the database's transactions.

* A request that may write (POST…) takes SQLite's write lock up front; one that only reads
  (GET, HEAD) does not, so that readers never queue behind a writer.
* A request that only reads runs its statements on PostgreSQL in autocommit (no BEGIN, no
  COMMIT: models.read_without_transaction), unless its view is `@streamed` or has its
  `@own_connection`. The workflow service refuses any change on such a connection
  (workflow.engine.locking).
* It remembers its lookups for the page (workflow.engine.reading), and ends with a COMMIT that
  keeps PostgreSQL's prepared statements (models.end_reading).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, request

from models import db, set_write_intent
from models.base import end_reading, read_without_transaction
from workflow.engine import reading

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def streamed(view: Callable) -> Callable:
    """A view whose response streams rows from a server-side cursor (a CSV export, the
    audit chain's check): PostgreSQL keeps such a cursor only inside a transaction, so its
    reads keep one."""
    view.reads_in_autocommit = False
    return view


def own_connection(view: Callable) -> Callable:
    """A view that reaches the database on a connection of its own (the health checks):
    nothing connects before it, so that it can still answer when the database does not."""
    view.reads_in_autocommit = False
    return view


def _reads_in_autocommit(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return view is not None and getattr(view, "reads_in_autocommit", True)


def register(app: Flask) -> None:
    @app.before_request
    def _begin_request():
        read_only = request.method in READ_ONLY_METHODS
        set_write_intent(not read_only)
        reading.begin(read_only=read_only)  # a memo per page
        if read_only and request.endpoint != "static" and _reads_in_autocommit(
                request.endpoint):
            read_without_transaction(db.session())

    @app.teardown_request
    def _end_request(error):
        reading.end()
        # After our 500 page the session was rolled back (or dropped): nothing to end.
        if (error is None and request.method in READ_ONLY_METHODS
                and not g.get("database_session_failed")):
            end_reading(db.session())  # keeps PostgreSQL's prepared statements
