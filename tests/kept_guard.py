"""The guard of the answers workers keep (workflow.engine.kept): a transaction that changes a
table those answers read must move the revision they are filed under, as the workflow
service does in the transaction of every change. Otherwise a worker would go on showing
the answer it kept: the test fails, naming the table and the code that wrote it.

Every statement on every engine is looked at (a connection event): writes to the kept
tables and the revisions moved are noted per transaction, and weighed at its commit.

* A bulk writer of new files (kept.NEW_FILES_ONLY) need move no file's revision: no page
  can have kept anything of a file that did not exist yet.
* A write by the project's code (workflow/, webui/, models/, demo code) that does not
  move the revision is a fault.
* A write by a test's own code sets a scene (a file put straight into a state): harmless
  while no worker keeps an answer filed under a revision it leaves unmoved (whom a
  transition tells is filed under the people's only); once one does, a fault unless the
  test moves the revisions as the service would (`tests.conftest.scene_changed`, which
  the scenes' factories call), or its own assertions could read the kept answer.
  `behind_the_services_back()` marks the writes a test makes without the service on
  purpose (to show that a worker keeps its answer until a revision moves).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
import weakref
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from workflow.engine import kept

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
# A migration's data changes run before any worker serves the new release: nothing is kept.
MIGRATIONS = ROOT / "migrations"

FILE, LISTS, PEOPLE = "a file's revision", "the lists' revision", "the people's revision"
FIGURES = "its figures' revision"
# The kept answers (by what kept.KeptAnswers says they are filed under) that a change
# leaving each revision unmoved could leave stale: a test's scene can only leave those. A
# change of a file shows in the lists too (the service moves its stripe with it).
_KEPT_UNDER = {FILE: frozenset({"file", "lists"}), LISTS: frozenset({"lists"}),
               PEOPLE: frozenset({"people"}), FIGURES: frozenset({"figures"})}
# Each kept table, and the revisions a change to it must move. None: every column counts;
# else only the columns named (a login writes none of a user's kept columns).
_FILE_TABLES = ("applications", "ballots", "votes", "conflict_declarations", "tranches",
                "ledger_entries", "loan_details", "instalments", "repayments",
                "repayment_allocations", "undrawn_cancellations", "attachments")
KEPT_TABLES: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    **{table: (frozenset({FILE}), None) for table in _FILE_TABLES},
    **{table: (frozenset({LISTS, PEOPLE}), None)
       for table in ("organisations", "funds", "rounds")},
    "users": (frozenset({PEOPLE}),
              frozenset({"name", "email", "organisation_id", "active", "away_until",
                         "locale"})),
    "role_assignments": (frozenset({PEOPLE}), None),
    "committee_seats": (frozenset({PEOPLE}), None),
    "grant_details": (frozenset({LISTS}), None),
    # The portfolio's figures (workflow.money.portfolio, grant_map), kept under the
    # revisions of the kept tables they read (workflow.engine.kept.kept_for_figures).
    **{table: (frozenset({FIGURES}), None) for table in kept.FIGURE_TABLES},
}

# Rows of these tables matter only with this column set: a fund's own ledger entries (a
# donation) are on no file's page.
ONLY_ROWS_WITH = {"ledger_entries": "application_id"}

_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)
_SET = re.compile(r'\bSET\s+(.*?)(?:\s+WHERE\b|\s+RETURNING\b|$)', re.I | re.S)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=(?!=)')
_INSERTED = re.compile(r'\(([^)]*)\)')

# Per connection, its transaction's writes to kept tables and the revisions it moved.
_open: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_behind: ContextVar[bool] = ContextVar("kept_guard_behind", default=False)
faults: list[str] = []


@contextlib.contextmanager
def behind_the_services_back() -> Iterator[None]:
    """A test writes a kept table without the service on purpose (to show that a worker
    keeps its answer until a revision moves)."""
    token = _behind.set(True)
    try:
        yield
    finally:
        _behind.reset(token)


def _origin() -> tuple[str, bool]:
    """Where the statement comes from: the innermost frame of the project's own code
    (`path:line`), and whether that is a test's (or a migration's)."""
    frame = inspect.currentframe()
    while frame is not None:
        found = _project_file(frame.f_code.co_filename)
        if found is not None:
            return f"{found[0]}:{frame.f_lineno}", found[1]
        frame = frame.f_back
    return "?", False


@functools.cache
def _project_file(filename: str) -> tuple[str, bool] | None:
    """A file of the project's own code: its path from the root, and whether it is a
    test's (or a migration's); None for a library's file or this one. Asked for every
    frame of every write, so answered once per file."""
    path = Path(filename)
    if not path.is_relative_to(ROOT) or ".venv" in path.parts or path == Path(__file__):
        return None
    return (str(path.relative_to(ROOT)),
            path.is_relative_to(TESTS) or path.is_relative_to(MIGRATIONS))


def _columns(verb: str, statement: str) -> list[str]:
    if verb == "UPDATE":
        found = _SET.search(statement)
        return _ASSIGNED.findall(found.group(1)) if found else []
    if verb == "INSERT":
        found = _INSERTED.search(statement)
        return [c.strip().strip('"') for c in found.group(1).split(",")] if found else []
    return []


def _inserts_rows_that_matter(table: str, columns: list[str], parameters, many: bool) -> bool:
    column = ONLY_ROWS_WITH.get(table)
    if column is None or column not in columns:
        return True
    for row in (parameters if many else [parameters]):
        value = row.get(column) if isinstance(row, dict) else row[columns.index(column)]
        if value is not None:
            return True
    return False


def _moved(verb: str, table: str, columns: set[str]) -> set[str]:
    """The revisions a statement moves (a new file's row is written with its first one)."""
    if table == "applications" and verb == "UPDATE" and "revision" in columns:
        return {FILE}
    if table == "file_list_revisions":
        return {LISTS}
    if table == "people_revisions":
        return {PEOPLE}
    if table == "figure_revisions":
        return {FIGURES}
    if table == "state_totals" and verb == "UPDATE" and "revision" in columns:
        return {FIGURES}  # its rows' own revisions (workflow.engine.kept.figure_marks)
    return set()


def _transaction(conn) -> dict:
    return _open.setdefault(conn, {"writes": [], "moved": set()})


def _statement(conn, _cursor, statement, parameters, _context, executemany) -> None:
    found = _WRITE.match(statement)
    if not found:
        return
    verb, table = found.group(1).upper().split()[0], found.group(2).lower()
    columns = _columns(verb, statement)
    state = _transaction(conn)
    moved = _moved(verb, table, set(columns))
    if moved:
        state["moved"] |= moved
        return
    if table not in KEPT_TABLES:
        return
    needs, kept_columns = KEPT_TABLES[table]
    if FILE in needs and conn.info.get(kept.NEW_FILES_ONLY):
        needs = needs - {FILE} | {LISTS}
    if verb == "UPDATE" and kept_columns is not None and not set(columns) & kept_columns:
        return
    if verb == "INSERT" and not _inserts_rows_that_matter(table, columns, parameters,
                                                          executemany):
        return
    where, by_a_test = _origin()
    state["writes"].append((table, needs, where, by_a_test, _behind.get()))


def _commit(conn) -> None:
    state = _open.pop(conn, None)
    if not state:
        return
    for table, needs, where, by_a_test, on_purpose in state["writes"]:
        missing = needs - state["moved"]
        if not missing or on_purpose or (
                by_a_test and not kept.anything_kept(
                    frozenset().union(*(_KEPT_UNDER[n] for n in missing)))):
            continue
        faults.append(f"{where} changed {table} without moving {', '.join(sorted(missing))}")


def _forget(conn) -> None:
    _open.pop(conn, None)


def install() -> None:
    """Watch every engine's statements, once per test session."""
    if event.contains(Engine, "before_cursor_execute", _statement):
        return
    event.listen(Engine, "before_cursor_execute", _statement)
    event.listen(Engine, "commit", _commit)
    event.listen(Engine, "rollback", _forget)
