"""Statements every transition runs, sent to the driver as their SQL text.

A Core statement executed through `Connection.execute` is looked up in the compiled
cache, given an execution context built from its compiled form and has each parameter
processed, on every execution. The few statements on every transition's way are built
once, so here each is compiled once per dialect instead, with the order of its
parameters and the bind processors of their types (public: `TypeEngine.bind_processor`),
and then run with `Connection.exec_driver_sql`: the same SQL text, values and events
(statement counts, tests/kept_guard.py), without the work around them.

This module is the one place that knows each dialect's paramstyle: positional (SQLite's
`?`) or named (psycopg's `%(name)s`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql import ClauseElement

_MOST_DIALECTS = 16  # a bound, not a size
_GIVEN = object()  # a parameter given at each execution (else the statement holds its value)


class _Form:
    """One statement as one dialect runs it."""

    def __init__(self, statement: ClauseElement, dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        if "POSTCOMPILE" in self.sql:  # an expanding IN list: rendered per execution
            raise ValueError("driver_sql runs statements with a fixed text only")
        binds = compiled.binds
        names = compiled.positiontup if compiled.positional else list(
            dict.fromkeys(compiled.bind_names.values()))
        self.positional = compiled.positional
        # (name, its value or _GIVEN, the processor of a given value)
        self.parameters: list[tuple[str, Any, Callable | None]] = []
        for name in names:
            bind = binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                self.parameters.append((name, _GIVEN, process))
            else:  # its value is part of the statement (a literal's 1): processed once
                value = bind.effective_value
                self.parameters.append(
                    (name, value if process is None else process(value), None))

    def arguments(self, values: dict[str, Any]):
        try:
            if self.positional:
                return tuple([fixed if fixed is not _GIVEN
                              else values[name] if process is None else process(values[name])
                              for name, fixed, process in self.parameters])
            return {name: fixed if fixed is not _GIVEN
                    else values[name] if process is None else process(values[name])
                    for name, fixed, process in self.parameters}
        except KeyError as missing:  # refused as Connection.execute refuses it
            raise exc.StatementError(f"A value is required for bind parameter {missing}",
                                     self.sql, values, None) from None
        except (TypeError, ValueError) as error:  # a value its type cannot take
            raise exc.StatementError(str(error), self.sql, values, error) from error


class DriverStatement:
    """A Core statement run by its SQL text: `execute(connection, values)` takes the values
    of its bound parameters by name, as `Connection.execute` would, and returns the
    driver's result (rows of plain values, as the driver reads them)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict = {}  # by dialect (an engine's: a handful in a process)

    def execute(self, connection: Connection, values: dict[str, Any]) -> CursorResult:
        form = self._forms.get(connection.dialect)
        if form is None:
            if len(self._forms) >= _MOST_DIALECTS:  # the test suite's many apps
                self._forms.clear()
            form = self._forms[connection.dialect] = _Form(self.statement, connection.dialect)
        return connection.exec_driver_sql(form.sql, form.arguments(values))
