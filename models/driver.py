"""A transition's few prebuilt statements, sent straight to the SQLite driver.

On SQLite a statement itself costs a few microseconds; SQLAlchemy's work around it
(cache key, execution context, result object, events) costs ten times that, and a
transition runs four of them. `straight_to_driver(conn)` wraps the session's
connection: each statement object is compiled once, by SQLAlchemy, for this
dialect, and then run on the DBAPI cursor with SQLAlchemy's own bind and result
processors — the same SQL and the same values, in the same transaction.

It goes the usual way (through the connection) whenever doing without SQLAlchemy
would change something: another database, several parameter sets, Python-side
defaults, expanding or literal parameters, execution options, echo, or anyone
listening to the statements (the tests that count them).
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from typing import Any

from sqlalchemy import exc

_USUAL = object()  # a statement that always goes through SQLAlchemy
# (id of the statement, its parameter names) -> (the statement, how to run it). Meant for
# statements built once; a bound keeps statements built per call from piling up.
_compiled: dict[tuple[int, tuple], tuple] = {}
_MOST = 256


def straight_to_driver(conn):
    """A `DriverConnection` on SQLite; the connection itself on other databases, or when
    SQLAlchemy is asked to show the statements (echo, execution options, listeners)."""
    if conn.dialect.name != "sqlite" or conn._echo or conn.get_execution_options():
        return conn
    dispatch = conn.dispatch
    if (dispatch.before_cursor_execute or dispatch.after_cursor_execute
            or dispatch.before_execute or dispatch.after_execute):
        return conn
    return DriverConnection(conn)


def _compile(statement, conn, keys: tuple) -> Any:
    compiled = statement.compile(dialect=conn.dialect, column_keys=sorted(keys))
    if (not compiled.positional or compiled.insert_prefetch or compiled.update_prefetch
            or compiled.literal_execute_params or compiled.post_compile_params
            or compiled.escaped_bind_names or compiled.schema_translate_map
            or getattr(compiled, "_collected_params", None) or statement._execution_options):
        return _USUAL
    # Where each positional value comes from, as compiled.construct_params would find it
    # for these parameter names: given (by key or name) or the bind's own fixed value.
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    processors = compiled._bind_processors
    plan = []
    for name in compiled.positiontup:
        bind = binds[name]
        if bind.key in keys or name in keys:
            plan.append((bind.key if bind.key in keys else name, None, processors.get(name)))
        elif bind.required or bind.callable:
            return _USUAL  # SQLAlchemy says what is missing, or calls for the value
        else:
            plan.append((None, bind.value, processors.get(name)))
    columns = compiled._result_columns
    results = tuple(column.type._cached_result_processor(conn.dialect, None)
                    for column in columns)
    # Rows answer to their column names, as SQLAlchemy's rows do (row.seq, row.email).
    make = namedtuple("Row", [c.keyname for c in columns], rename=True)._make
    return compiled.string, tuple(plan), make, results if any(results) else None


class DriverResult:
    """What callers use of a result: the rows (already fetched) and the row count."""

    __slots__ = ("rowcount", "_rows")

    def __init__(self, rows: list, rowcount: int):
        self._rows, self.rowcount = rows, rowcount

    def all(self) -> list:
        return self._rows

    def first(self):
        return self._rows[0] if self._rows else None

    def one(self):
        if not self._rows:
            raise exc.NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise exc.MultipleResultsFound("Multiple rows were found when one was required")
        return self._rows[0]

    def scalar(self):
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> list:
        return [row[0] for row in self._rows]

    def __iter__(self):
        return iter(self._rows)


class DriverConnection:
    """The session's connection, with `execute` straight to the driver where it may be."""

    __slots__ = ("connection",)

    def __init__(self, connection):
        self.connection = connection

    def __getattr__(self, name):
        return getattr(self.connection, name)

    def execute(self, statement, parameters: dict | None = None, **kwargs):
        conn = self.connection
        # Outside a transaction the driver would autocommit: SQLAlchemy begins one first.
        if (kwargs or (parameters is not None and not isinstance(parameters, dict))
                or not conn.in_transaction()):
            return conn.execute(statement, parameters, **kwargs)
        keys = tuple(parameters) if parameters else ()
        found = _compiled.get((id(statement), keys))
        if found is None or found[0] is not statement:
            if len(_compiled) >= _MOST:
                _compiled.clear()
            found = (statement, _compile(statement, conn, keys))
            _compiled[(id(statement), keys)] = found
        if found[1] is _USUAL:
            return conn.execute(statement, parameters)
        sql, plan, make, results = found[1]
        args = []
        try:
            for key, fixed, process in plan:
                value = parameters[key] if key is not None else fixed
                args.append(process(value) if process else value)
        except Exception:  # a value its type cannot take: SQLAlchemy words the error
            return conn.execute(statement, parameters)
        try:
            cursor = conn.connection.dbapi_connection.execute(sql, args)
            rows = cursor.fetchall() if cursor.description else []
        except sqlite3.Error as error:
            raise exc.DBAPIError.instance(sql, args, error, sqlite3.Error) from error
        if results is not None:
            rows = [[p(v) if p else v for p, v in zip(results, row, strict=True)]
                    for row in rows]
        return DriverResult([make(row) for row in rows], cursor.rowcount)
