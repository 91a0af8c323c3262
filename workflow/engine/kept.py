"""Answers a worker keeps across requests, each filed under the revisions it depends on.

Counting a queue or reading a file's timeline, ballots and tranches again on every view
costs round trips; keeping the answer costs one read of a number per page, made in the
statement the page runs anyway. The numbers (never a clock: two hosts' clocks need not
agree) are moved by the workflow service in the transaction of the change itself:

* `applications.revision`, per file: whatever the file's page shows of it (its audit
  events, ballots and votes, tranches, ledger entries, documents, loan terms). Every
  event recorded of a file moves it (workflow.engine.audit.record), as do a vote and a booking.
* the lists' revision, the sum of the rows of `file_list_revisions`: what the lists, the
  filter bar and the home page's counts show of every file, organisation, fund and round.
  A change of a file moves the row of its stripe (its id modulo the stripes). Every writer
  takes the audit chain's lock before a stripe (workflow.engine.locking.lock_chain), so two
  writers never hold a stripe each while waiting for the other's.
* the people's revision, the sum of the rows of `people_revisions`: the names, roles,
  seats and absences of the people and the organisations the pages name. A change moves
  the stripe of the user or organisation changed, in stripes for the same reason.
* a revision per table of kept figures (`figure_revisions`, by the table's name): the
  portfolio's figures are read from those tables only (with the names of the
  organisations, rounds and funds, which move the people's revision), so each is filed
  under the revisions of the tables it reads and the people's. Moved by whatever adds to
  such a table (workflow.engine.kept_sums.add_to), in the transaction of the change: a
  vote or a note leaves the portfolio kept, a transition recounts only the states.

A login, a failed login, a refusal or a notification moves none of them. The test suite
fails a test whose transaction writes a table read here without moving a number
(tests/kept_guard.py). Each worker keeps its own answers, for its own app.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import weakref
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Row, Update, bindparam, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from models import (
    FILE_LIST_STRIPES,
    PEOPLE_STRIPES,
    Application,
    FigureRevision,
    FileListRevision,
    PeopleRevision,
    db,
)

from . import reading
from .locking import ensure_write_transaction, lock_chain

# Each revision is the sum of its stripes (an emptied table sums to None): the people's
# is one row of one column, to be joined into a statement a page runs anyway.
_STRIPES = FileListRevision.__table__
_PEOPLE = PeopleRevision.__table__
PEOPLE_REVISION = select(func.sum(_PEOPLE.c.revision).label("people")).subquery(
    "people_revision")
_MARKS = select(select(func.sum(_STRIPES.c.revision)).scalar_subquery().label("file_lists"),
                select(func.sum(_PEOPLE.c.revision)).scalar_subquery().label("people"))
_FILE_MARKS = (select(Application.revision, PEOPLE_REVISION.c.people)
               .outerjoin(PEOPLE_REVISION, true())
               .where(Application.id == bindparam("application_id")))

_APPLICATIONS = Application.__table__
_BUMP_FILE = (update(_APPLICATIONS)
              .where(_APPLICATIONS.c.id == bindparam("application_id"))
              .values(revision=_APPLICATIONS.c.revision + 1))
_BUMP_STRIPE = (update(_STRIPES).where(_STRIPES.c.stripe == bindparam("b_stripe"))
                .values(revision=_STRIPES.c.revision + 1))
_BUMP_PEOPLE = (update(_PEOPLE).where(_PEOPLE.c.stripe == bindparam("b_stripe"))
                .values(revision=_PEOPLE.c.revision + 1))


_FIGURES = FigureRevision.__table__
# Every figure table's revision and the people's, in one row each (the people's beside each
# of them, or alone while no figure has moved yet).
_FIGURE_MARKS = (select(_FIGURES.c.name, _FIGURES.c.revision, PEOPLE_REVISION.c.people)
                 .select_from(PEOPLE_REVISION).outerjoin(_FIGURES, true()))
_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Marks:
    file_lists: int | None
    people: int | None


# -- moving the numbers (the workflow service, in the transaction of the change) ---------

def _connection(connection=None):
    return connection if connection is not None else ensure_write_transaction(db.session)


def _bump(bump, table, stripe: int, conn) -> None:
    lock_chain(conn)  # the chain before the stripe, in every writer (see lock_chain)
    if conn.execute(bump, {"b_stripe": stripe}).rowcount == 0:  # a test emptied the table
        conn.execute(insert(table).values(stripe=stripe, revision=2))


def lists_changed(application_id: int, connection=None) -> None:
    """What the lists show of this file may have changed (its own revision has moved)."""
    _bump(_BUMP_STRIPE, _STRIPES, application_id % FILE_LIST_STRIPES, _connection(connection))


def stripe_update_returning(*columns) -> Update:
    """The UPDATE of a file's stripe that also returns `columns` (RETURNING), for
    `lists_changed_reading`: built once by its caller."""
    return _BUMP_STRIPE.returning(*columns)


def lists_changed_reading(application_id: int, statement: Update, connection) -> Row | None:
    """`lists_changed`, by `statement` (from stripe_update_returning): its returned row, read
    in the same statement; None when the stripe had no row to move (a test emptied the
    table), which is then written.

    The caller holds the audit chain's lock already (the chain before the stripe)."""
    stripe = application_id % FILE_LIST_STRIPES
    row = connection.execute(statement, {"b_stripe": stripe}).first()
    if row is None:
        connection.execute(insert(_STRIPES).values(stripe=stripe, revision=2))
    return row


# The tables of kept figures that answers are filed under (kept_for_figures).
FIGURE_TABLES = frozenset({"state_totals", "application_totals", "programme_type_totals",
                           "portfolio_totals", "trained_totals", "fund_totals",
                           "country_year_totals", "round_application_totals",
                           "grant_country_booked_totals"})


def figures_changed(table_name: str, connection) -> None:
    """The kept figures of this table (models.kept_figures) are about to change: their
    revision moves, once per transaction (or savepoint) and table; a table no answer is
    filed under moves nothing."""
    tables_changed((table_name,), connection)


def tables_changed(table_names, connection) -> None:
    """figures_changed for several tables at once: the revisions not moved yet in this
    transaction move in one statement (a booking and the rows rolled up from it).

    The chain's lock first, as before any kept row (see lock_chain): the revisions' rows
    are then always locked after the chain and before the figures' rows."""
    transaction = connection.get_nested_transaction() or connection.get_transaction()
    moved = connection.info.get("figures_moved")
    if moved is None or moved[0] is not transaction:
        moved = connection.info["figures_moved"] = (transaction, set())
    names = sorted({name for name in table_names
                    if name in FIGURE_TABLES and name not in moved[1]})
    if not names:
        return
    if not moved[1]:  # else taken with the first
        lock_chain(connection)
    connection.execute(_figure_upsert(connection.dialect.name, len(names)),
                       {f"name_{i}": name for i, name in enumerate(names)})
    moved[1].update(names)


@functools.cache
def _figure_upsert(dialect: str, rows: int):
    statement = _UPSERT[dialect](_FIGURES).values(
        [{"name": bindparam(f"name_{i}"), "revision": 1} for i in range(rows)])
    return statement.on_conflict_do_update(index_elements=[_FIGURES.c.name],
                                           set_={"revision": _FIGURES.c.revision + 1})


def file_changed(application_id: int, connection) -> None:
    """Only the file's own revision: the caller moves its stripe too (lists_changed…)."""
    connection.execute(_BUMP_FILE, {"application_id": application_id})


# The file whose transition is under way in this context (workflow.engine.service.fire):
# its compare-and-set has moved the file's revision and its own audit event moves the
# stripe, both in the transaction the effects write in, so what the effects record of that
# file need move neither again.
_transition_moves: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "transition_moves", default=None)


@contextlib.contextmanager
def moved_by_transition(application_id: int) -> Iterator[None]:
    """Inside: the transition of this file moves its revisions (see _transition_moves)."""
    token = _transition_moves.set(application_id)
    try:
        yield
    finally:
        _transition_moves.reset(token)


def moved_by_transition_under_way(application_id: int) -> bool:
    return _transition_moves.get() == application_id


def catalogue_changed(connection=None, *, row_id: int = 0) -> None:
    """An organisation, fund or round (`row_id`: its id) was added or changed: the filter
    bar, the lists and the pages that name them."""
    conn = _connection(connection)
    _bump(_BUMP_STRIPE, _STRIPES, row_id % FILE_LIST_STRIPES, conn)
    people_changed(conn, row_id=row_id)


# Set in the `info` of a connection that writes new files only, with their rows and the
# people and organisations they name (the scale demo's bulk writer): no page can have kept
# anything of a file that did not exist yet.
NEW_FILES_ONLY = "writes new files only"


def new_files_written(connection) -> None:
    """A bulk writer added files and people: the lists and the people move; no file's
    revision needs to (demo.scale_writer)."""
    catalogue_changed(connection)


def people_changed(connection=None, *, row_id: int = 0) -> None:
    """A user's (`row_id`: the user's id) name, roles, seats, organisation or absence
    changed, or an organisation's record."""
    _bump(_BUMP_PEOPLE, _PEOPLE, row_id % PEOPLE_STRIPES, _connection(connection))


# -- reading them (a page's read scope) -------------------------------------------------

@reading.memoised
def marks() -> Marks:
    """The revisions of the lists and of the people as they stand now (once per page)."""
    return Marks(*db.session.connection().execute(_MARKS).one())


@reading.memoised
def figure_marks() -> tuple[dict[str, int], int | None]:
    """The revision of each table of kept figures, and the people's (once per page)."""
    rows = db.session.connection().execute(_FIGURE_MARKS).all()
    return {name: revision for name, revision, _ in rows if name is not None}, rows[0][2]


def note_file(application_id: int, revision: int, people: int | None) -> None:
    """The file's revision and the people's, as the page read them with the file."""
    reading.remember(("kept", "file", application_id), lambda: (revision, people))


def _file_marks(application_id: int) -> tuple:
    row = db.session.connection().execute(
        _FILE_MARKS, {"application_id": application_id}).first()
    return tuple(row) if row else (None, None)


class _Kept(dict):
    """An app's kept answers, by kind: a dict that a weak set can hold (by identity)."""

    __hash__ = object.__hash__
    __eq__ = object.__eq__


_every_app: weakref.WeakSet[_Kept] = weakref.WeakSet()


def forget_in_every_app() -> None:
    """For the tests: every app of this process (other workers a test built) forgets."""
    for answers in list(_every_app):
        answers.clear()


def anything_kept() -> bool:
    """Whether any app of this process keeps an answer (for the test suite's guard)."""
    return any(any(answers.values()) for answers in list(_every_app))


class KeptAnswers:
    """A worker's answers of one kind, each with the revisions it was computed at: one
    computed at other revisions is computed again."""

    def __init__(self, name: str, max_entries: int = 1024):
        self.name, self.max_entries = name, max_entries

    def _answers(self) -> dict:
        # Kept per app, as a worker keeps them: two apps in one process share nothing.
        everything = current_app.extensions.get("kept_answers")
        if everything is None:
            everything = current_app.extensions["kept_answers"] = _Kept()
            _every_app.add(everything)
        return everything.setdefault(self.name, {})

    def get(self, key: Hashable, revisions: Hashable, compute: Callable[[], Any]) -> Any:
        """`revisions`: read before the answer is computed, in the caller's transaction,
        so that an answer is never older than the revisions it is filed under."""
        if not has_app_context():
            return compute()
        answers = self._answers()
        found = answers.get(key)
        if found is not None and found[0] == revisions:
            return found[1]
        value = compute()
        if len(answers) >= self.max_entries:  # e.g. one entry per organisation
            answers.clear()
        answers[key] = (revisions, value)
        return value


def forget_all(app=None) -> None:
    """Drop the app's kept answers (this context's app by default): for tests, whose ids
    and revisions restart with every test and whose scenes are written without the
    service, and for the benchmark's first view after a change."""
    if app is None and has_app_context():
        app = current_app
    if app is not None:
        app.extensions.pop("kept_answers", None)


# What an application's page reads of the file beyond the file itself: its timeline,
# ballots and tranches as rows, the loan's figures and a closed ballot's panel rendered
# (webui/loans/panel.py, webui/committee/panel.py). On PostgreSQL keeping them spares
# the page six of its nine round trips.
_file_reads = KeptAnswers("file pages", max_entries=600)
_list_reads = KeptAnswers("lists", max_entries=256)


def kept_for_file(name: str, application_id: int, key: Hashable,
                  compute: Callable[[], Any]) -> Any:
    """`compute()`'s answer for this file, as this worker kept it since the file or the
    people named last changed.

    Only a page's read scope (a GET request) is served a kept answer: a change and the
    guards it runs always read afresh. The answer is shared by every later page, so it
    must not change and must hold nothing of the session (plain rows, text).
    """
    if not reading.active():
        return compute()
    revisions = reading.remember(("kept", "file", application_id),
                                 lambda: _file_marks(application_id))
    return _file_reads.get((name, application_id, key), revisions, compute)


_figure_reads = KeptAnswers("figures", max_entries=64)


def kept_for_figures(name: str, tables: tuple[str, ...], key: Hashable,
                     compute: Callable[[], Any]) -> Any:
    """`compute()`'s answer read from the kept figures of `tables` (models.kept_figures, by
    name) and the names of organisations, rounds and funds, kept until one of those
    tables or the people move; computed afresh outside a page's read scope."""
    assert FIGURE_TABLES.issuperset(tables), tables  # else nothing would move them
    if not reading.active():
        return compute()
    revisions, people = figure_marks()
    return _figure_reads.get((name, key), (tuple(revisions.get(t) for t in tables), people),
                             compute)


def page_rows(name: str, application_id: int, read: Callable[[], Sequence]) -> list:
    """`read()`'s rows for this file, kept as kept_for_file keeps them; the caller gets
    its own list."""
    return list(kept_for_file(name, application_id, None, lambda: tuple(read())))


def kept_for_lists(name: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`'s answer over every file (a count for the home page), kept until the
    files or the people move; computed afresh outside a page's read scope."""
    if not reading.active():
        return compute()
    found = marks()
    return _list_reads.get((name, key), (found.file_lists, found.people), compute)
